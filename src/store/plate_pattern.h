#pragma once
// PlatePattern: a plate search term. `?` stands for one character, `*` for any run
// (possibly empty); anything else is a literal plate character (A-Z, 0-9; lower case is
// upper-cased). "01A123BC" is exact; "01A*BC" has the fixed prefix "01A", which lets a
// backend range-scan its plate index on [prefix, PrefixEnd()) before matching the rest.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace safelane::store {

inline constexpr std::size_t kMaxPatternLength = 32;

class PlatePattern {
 public:
  // kBadRequest for an empty or over-long pattern, or a character other than A-Z, 0-9,
  // `?` and `*`.
  static Result<PlatePattern> Parse(std::string_view text);

  const std::string& text() const { return text_; }
  bool is_exact() const { return prefix_.size() == text_.size(); }
  // The characters before the first wildcard ("" for "*BC").
  const std::string& fixed_prefix() const { return prefix_; }
  // The least string above every string that starts with the prefix: the prefix with its
  // last character incremented ("01A" -> "01B"). Empty when the prefix is empty.
  std::string PrefixEnd() const;
  // The same pattern in SQLite GLOB syntax (plates never hold GLOB's `[`, so `?` and `*`
  // carry over unchanged).
  const std::string& glob() const { return text_; }

  bool Matches(std::string_view plate) const;

 private:
  PlatePattern(std::string text, std::string prefix)
      : text_(std::move(text)), prefix_(std::move(prefix)) {}

  std::string text_;
  std::string prefix_;
};

}  // namespace safelane::store
