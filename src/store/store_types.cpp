#include "store/store_types.h"

namespace safelane::store {

std::string_view ViolationStatusName(ViolationStatus status) {
  switch (status) {
    case ViolationStatus::kOpen: return "open";
    case ViolationStatus::kConfirmed: return "confirmed";
    case ViolationStatus::kDismissed: return "dismissed";
    case ViolationStatus::kClosed: return "closed";
  }
  return "open";
}

std::optional<ViolationStatus> ParseViolationStatus(std::string_view name) {
  for (auto s : {ViolationStatus::kOpen, ViolationStatus::kConfirmed, ViolationStatus::kDismissed,
                 ViolationStatus::kClosed}) {
    if (ViolationStatusName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace safelane::store
