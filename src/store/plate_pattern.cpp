#include "store/plate_pattern.h"

#include <cctype>

namespace safelane::store {

Result<PlatePattern> PlatePattern::Parse(std::string_view text) {
  if (text.empty()) return Error(ErrorCode::kBadRequest, "empty plate pattern");
  if (text.size() > kMaxPatternLength) {
    return Error(ErrorCode::kBadRequest, "plate pattern longer than 32 characters");
  }
  std::string upper;
  upper.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != '?' && c != '*') {
      return Error(ErrorCode::kBadRequest,
                   "plate pattern '" + std::string(text) +
                       "': only letters, digits, '?' (one character) and '*' (any run)");
    }
    upper.push_back(static_cast<char>(std::toupper(u)));
  }
  const std::size_t wildcard = upper.find_first_of("?*");
  std::string prefix = upper.substr(0, wildcard);
  return PlatePattern(std::move(upper), std::move(prefix));
}

std::string PlatePattern::PrefixEnd() const {
  if (prefix_.empty()) return {};
  std::string end = prefix_;
  // Prefix characters are A-Z or 0-9, so incrementing the last never overflows.
  end.back() = static_cast<char>(end.back() + 1);
  return end;
}

namespace {

// Classic wildcard match with backtracking to the last `*`; linear in practice for
// plate-sized inputs.
bool WildcardMatch(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool PlatePattern::Matches(std::string_view plate) const {
  return WildcardMatch(text_, plate);
}

}  // namespace safelane::store
