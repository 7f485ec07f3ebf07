#include "camera/duplicate_read_window.h"

#include <algorithm>
#include <cmath>

#include "camera/plate_text_similarity.h"

namespace safelane::camera {
namespace {

double Seconds(WallTime::duration d) {
  return std::chrono::duration<double>(d).count();
}

// The read an event should carry of two passes of one vehicle.
bool FirstIsBetter(const VehiclePass& a, const VehiclePass& b) {
  if (a.vote.confidence != b.vote.confidence) return a.vote.confidence > b.vote.confidence;
  return a.vote.frames_agreed >= b.vote.frames_agreed;
}

}  // namespace

Result<Done> ValidateDuplicateWindowOptions(const DuplicateWindowOptions& o) {
  if (!(o.window_s >= 0 && o.window_s <= 300) ||
      !(o.min_text_similarity > 0 && o.min_text_similarity <= 1) ||
      !(o.max_gap_widths >= 0 && o.max_gap_widths <= 50)) {
    return Error(ErrorCode::kBadConfig,
                 "duplicate window out of bounds: window_s [0, 300], min_text_similarity (0, 1], "
                 "max_gap_widths [0, 50]");
  }
  return Done{};
}

bool SameVehicle(const VehiclePass& a, const VehiclePass& b, const DuplicateWindowOptions& o) {
  const bool a_first = a.first_seen <= b.first_seen;
  const VehiclePass& early = a_first ? a : b;
  const VehiclePass& late = a_first ? b : a;
  // Seen in the same frames: two vehicles.
  if (late.first_seen <= early.last_seen) return false;
  const double gap_s = Seconds(late.first_seen - early.last_seen);
  if (gap_s > o.window_s) return false;
  if (SamePlateSimilarity(early.vote.text, late.vote.text) < o.min_text_similarity) return false;
  // Where the early pass was heading, at the speed it had.
  const double span_s = Seconds(early.last_seen - early.first_seen);
  cv::Point2f velocity(0, 0);  // px/s
  if (span_s > 0) {
    velocity = (early.last_centre - early.first_centre) * static_cast<float>(1.0 / span_s);
  }
  // Its path through the gap: from where it was last seen to where it would be at one and a
  // half times that speed. Slower is allowed (it braked; or the gap was a stream outage,
  // after which the node cannot know how far it went); behind, across or past it is not.
  const cv::Point2f path = velocity * static_cast<float>(1.5 * gap_s);
  const cv::Point2f from_last = late.first_centre - early.last_centre;
  const float length2 = path.dot(path);
  const float along = length2 > 0 ? std::clamp(from_last.dot(path) / length2, 0.0F, 1.0F) : 0.0F;
  const cv::Point2f miss = from_last - path * along;
  const float width = std::max({early.plate_width, late.plate_width, 1.0F});
  return std::hypot(miss.x, miss.y) <= o.max_gap_widths * width;
}

VehiclePass MergePasses(const VehiclePass& a, const VehiclePass& b) {
  const bool a_better = FirstIsBetter(a, b);
  const VehiclePass& other = a_better ? b : a;
  VehiclePass merged = a_better ? a : b;
  merged.vote.frames_read = a.vote.frames_read + b.vote.frames_read;
  if (other.vote.text == merged.vote.text) merged.vote.frames_agreed += other.vote.frames_agreed;
  const VehiclePass& early = a.first_seen <= b.first_seen ? a : b;
  const VehiclePass& late = a.last_seen >= b.last_seen ? a : b;
  merged.first_seen = early.first_seen;
  merged.first_centre = early.first_centre;
  merged.last_seen = late.last_seen;
  merged.last_centre = late.last_centre;
  merged.plate_width = std::max(a.plate_width, b.plate_width);
  merged.direction = DirectionOf(merged.first_centre, merged.last_centre, merged.plate_width);
  if (merged.vehicle_class == "unknown" && other.vehicle_class != "unknown") {
    merged.vehicle_class = other.vehicle_class;
    merged.colour = other.colour;
    merged.vehicle_frame = other.vehicle_frame;
    merged.vehicle_box = other.vehicle_box;
  }
  if (merged.lane.empty()) merged.lane = other.lane;
  return merged;
}

bool DuplicateReadWindow::Add(HeldRead read) {
  if (options_.window_s > 0) {
    for (auto& held : held_) {
      if (!SameVehicle(held.pass, read.pass, options_)) continue;
      const bool keep_held = FirstIsBetter(held.pass, read.pass);
      VehiclePass merged = MergePasses(held.pass, read.pass);
      if (!keep_held) {
        held.event_id = std::move(read.event_id);
        held.evidence = std::move(read.evidence);
      }
      held.pass = std::move(merged);
      held.merged += 1 + read.merged;
      return true;
    }
  }
  held_.push_back(std::move(read));
  return false;
}

std::vector<HeldRead> DuplicateReadWindow::TakeClosed(WallTime now,
                                                      std::chrono::milliseconds at_least) {
  const auto window = std::chrono::duration_cast<WallTime::duration>(
      std::chrono::duration<double>(options_.window_s));
  const auto hold = std::max(window, std::chrono::duration_cast<WallTime::duration>(at_least));
  std::vector<HeldRead> closed;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->pass.last_seen + hold <= now) {
      closed.push_back(std::move(*it));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(closed.begin(), closed.end(), [](const HeldRead& x, const HeldRead& y) {
    return x.pass.first_seen < y.pass.first_seen;
  });
  return closed;
}

std::vector<HeldRead> DuplicateReadWindow::TakeAll() {
  std::vector<HeldRead> all(std::make_move_iterator(held_.begin()),
                            std::make_move_iterator(held_.end()));
  held_.clear();
  std::sort(all.begin(), all.end(), [](const HeldRead& x, const HeldRead& y) {
    return x.pass.first_seen < y.pass.first_seen;
  });
  return all;
}

}  // namespace safelane::camera
