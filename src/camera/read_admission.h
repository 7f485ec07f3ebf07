#pragma once
// ReadAdmission: whether a voted pass is a plate read worth an event at all.
//
// The voter (plate_voter.h) reports a track whose readings agree; on a loaded node a track
// can be a fragment of a vehicle (a plate half out of the frame, read as "A") or background
// text glued to a passing vehicle ("LN"). Such a text is not a plate of the expected
// countries, and an event for it would send an operator after a car that does not exist.
// So a pass is NOT a read when its text
//   - is shorter than min_plate_chars (default: the shortest fixed-length format of the
//     expected countries, 6 for Uzbekistan; vanity plates shorter than that are then not
//     reported: set it to 1 to report them), or
//   - fits no format of the expected countries AND its confidence is under
//     min_unfit_confidence (a misread plate of the right length is still reported: the
//     test video's 10O457OA, read as 10O4570, votes 0.11-0.17 from run to run).
// Such a pass is never silently lost: the camera node counts it (rejected_reads in its
// health line and summary) and logs it with its text, confidence and reason, so a camera
// whose reads are all being rejected shows it (docs/decisions.md).

#include <span>
#include <string>
#include <variant>

#include "camera/plate_voter.h"
#include "core/result.h"
#include "vision/plate_format_catalog.h"

namespace safelane::camera {

struct ReadAdmissionOptions {
  int min_plate_chars = 6;             // 1..16 characters
  double min_unfit_confidence = 0.07;  // [0, 1]
};

// kBadConfig when an option is outside the bounds above.
Result<std::monostate> ValidateReadAdmissionOptions(const ReadAdmissionOptions& options);

// "" when the vote is a read; otherwise why it is not, for the log.
std::string WhyNotARead(const PlateVote& vote, const ReadAdmissionOptions& options);

// The length of the shortest fixed-length plate format of `countries` (every country of the
// catalog when empty); 1 when none of them has a fixed-length format.
int ShortestPlate(const vision::PlateFormatCatalog& catalog,
                  std::span<const std::string> countries);

}  // namespace safelane::camera
