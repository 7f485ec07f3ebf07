#pragma once
// DuplicateReadWindow: one event per vehicle even when the tracker split it in two.
//
// At a low processed frame rate (a loaded node sees a vehicle crossing in 1.6 s only 4-6
// times, jumping several plate widths between sightings) one vehicle can end as two tracks,
// and each track's vote is a pass. Before a pass becomes an event it is held here for
// window_s of stream time after its last sighting; a pass that arrives meanwhile and is the
// same vehicle (SameVehicle) is merged into it, so the event that leaves carries the better
// read and the frames of both. Once signed, an event is never taken back, which is why the
// node holds passes rather than suppressing the second one: the better half may come last.
//
// SameVehicle(a, b) needs all of:
//   time   one was last seen before the other was first seen (a vehicle is not in two places
//          at once: two tracks seen in the same frames are two vehicles), the gap <= window_s;
//   text   SamePlateSimilarity >= min_text_similarity (plate_text_similarity.h): the texts
//          differ only by lost characters and characters the reader confuses; 01A123BC and
//          01A123BD stay two reads;
//   place  the later first sighting lies within max_gap_widths plate widths of the earlier
//          pass's path through the gap: from where it was last seen to where it would be at
//          1.5 times its speed (slower is allowed: it braked, or the gap was a stream outage
//          after which the node cannot know how far it went); the same text on a vehicle
//          behind it, in another lane or going the other way (a cloned plate, which
//          enforcement must see) stays two reads.
// Not thread-safe: one per camera node.

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "camera/camera_pipeline.h"
#include "camera/evidence_builder.h"
#include "camera/tracker.h"
#include "core/result.h"

namespace safelane::camera {

struct DuplicateWindowOptions {
  double window_s = 10;              // 0..300 s of stream time; 0 = every pass is an event
  float min_text_similarity = 0.8F;  // (0, 1]
  float max_gap_widths = 4;          // 0..50 plate widths
};
Result<Done> ValidateDuplicateWindowOptions(const DuplicateWindowOptions& options);

bool SameVehicle(const VehiclePass& a, const VehiclePass& b, const DuplicateWindowOptions& options);

// One pass from both: the more confident read (more agreeing frames on a tie) with its
// frames and evidence, the frames read by both, the agreeing frames of both when their texts
// are equal, the whole time span, and the direction from the first to the last sighting.
VehiclePass MergePasses(const VehiclePass& a, const VehiclePass& b);

// A pass waiting in the window, with what the node prepared for it (its event id and
// evidence, built when it arrived so the full-resolution frames need not be held).
struct HeldRead {
  VehiclePass pass;
  std::string event_id;
  std::vector<EvidenceObject> evidence;
  int merged = 0;  // passes merged into this one
};

class DuplicateReadWindow {
 public:
  explicit DuplicateReadWindow(DuplicateWindowOptions options) : options_(options) {}

  // Holds `read`, or merges it into the held read of the same vehicle (returns true then).
  bool Add(HeldRead read);
  // The held reads no later pass can merge with any more: last seen at least window_s (and
  // at least `at_least`, e.g. the clip's tail) before `now` (stream time). Oldest first.
  std::vector<HeldRead> TakeClosed(WallTime now, std::chrono::milliseconds at_least);
  std::vector<HeldRead> TakeAll();
  std::size_t size() const { return held_.size(); }

 private:
  DuplicateWindowOptions options_;
  std::deque<HeldRead> held_;
};

}  // namespace safelane::camera
