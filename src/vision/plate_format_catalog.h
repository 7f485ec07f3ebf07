#pragma once
// PlateFormatCatalog: the countries' plate formats, as data (plate-formats/<cc>.json,
// schema in docs/model-contracts.md section 4). It answers three questions the reader
// needs: does a text fit a country's format (and which), which texts one confusable
// swap away would fit (O/0, B/8, ...), and how a text is displayed.
//
// Immutable after construction; safe to share between threads.

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace safelane::vision {

struct PlateFormat {
  std::string id;
  std::string description;
  std::string pattern;  // per-character classes: D digit, L letter, A either, else literal;
                        // empty for variable-length formats
  std::regex regex;     // the exact rule
  std::string display;  // '#' takes the next character; empty: show the text as is
  int lines = 1;
  double prior = 0.0;  // share of the country's plates
  int min_len = 1;
  int max_len = 10;
};

struct CountryFormats {
  std::string country;  // "uz", "eu", "us", "br"
  std::string name;
  std::string alphabet;
  std::vector<std::pair<char, char>> confusables;
  std::vector<PlateFormat> formats;
};

class PlateFormatCatalog {
 public:
  // Parses one JSON document per country; any schema violation is a kBadConfig error
  // naming the file and the field.
  static Result<PlateFormatCatalog> FromJson(
      const std::vector<std::pair<std::string, std::string_view>>& named_documents);

  // The formats compiled into the binary.
  static const PlateFormatCatalog& Builtin();

  const std::vector<CountryFormats>& countries() const { return countries_; }
  const CountryFormats* Find(std::string_view country) const;

  // The most likely format (highest prior) that `text` fits, or nullptr.
  static const PlateFormat* Match(const CountryFormats& country, std::string_view text);

  // Texts reachable from `text` by swapping confusable characters so that a
  // fixed-length format's pattern is satisfied and its regex matches. Excludes `text`.
  static std::vector<std::string> Corrections(const CountryFormats& country, std::string_view text);

  // "01A123BC" with mask "## # ### ##" -> "01 A 123 BC".
  static std::string Display(const PlateFormat* format, std::string_view text);

 private:
  std::vector<CountryFormats> countries_;
};

}  // namespace safelane::vision
