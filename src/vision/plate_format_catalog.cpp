#include "vision/plate_format_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

extern "C" {
extern const unsigned char safelane_formats_uz[];
extern const unsigned long safelane_formats_uz_size;
extern const unsigned char safelane_formats_eu[];
extern const unsigned long safelane_formats_eu_size;
extern const unsigned char safelane_formats_us[];
extern const unsigned long safelane_formats_us_size;
extern const unsigned char safelane_formats_br[];
extern const unsigned long safelane_formats_br_size;
}

namespace safelane::vision {
namespace {

using nlohmann::json;

bool FitsClass(char pattern_class, char c) {
  const auto uc = static_cast<unsigned char>(c);
  switch (pattern_class) {
    case 'D': return std::isdigit(uc) != 0;
    case 'L': return std::isupper(uc) != 0;
    case 'A': return std::isdigit(uc) != 0 || std::isupper(uc) != 0;
    default: return c == pattern_class;
  }
}

// A misspelt key would otherwise silently become a default.
std::optional<Error> RejectUnknownKeys(const json& j, std::initializer_list<std::string_view> known,
                                       const std::string& where) {
  if (!j.is_object()) return Error(ErrorCode::kBadConfig, where + ": expected an object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Error(ErrorCode::kBadConfig, fmt::format("{}: unknown key '{}'", where, key));
    }
  }
  return std::nullopt;
}

Result<PlateFormat> ParseFormat(const json& j, const std::string& where) {
  if (auto e = RejectUnknownKeys(j,
                                 {"id", "description", "template", "regex", "display", "lines",
                                  "prior", "min_len", "max_len"},
                                 where)) {
    return *e;
  }
  PlateFormat f;
  try {
    f.id = j.at("id").get<std::string>();
    f.description = j.value("description", "");
    if (j.contains("template") && !j.at("template").is_null()) {
      f.pattern = j.at("template").get<std::string>();
    }
    const auto regex_text = j.at("regex").get<std::string>();
    f.regex = std::regex(regex_text, std::regex::ECMAScript | std::regex::optimize);
    if (j.contains("display") && !j.at("display").is_null()) {
      f.display = j.at("display").get<std::string>();
    }
    f.lines = j.value("lines", 1);
    f.prior = j.at("prior").get<double>();
    f.min_len = j.value("min_len", f.pattern.empty() ? 1 : static_cast<int>(f.pattern.size()));
    f.max_len = j.value("max_len", f.pattern.empty() ? 10 : static_cast<int>(f.pattern.size()));
  } catch (const std::exception& e) {
    return Error(ErrorCode::kBadConfig, fmt::format("{}: {}", where, e.what()));
  }
  if (f.lines != 1 && f.lines != 2) {
    return Error(ErrorCode::kBadConfig, fmt::format("{}: lines must be 1 or 2", where));
  }
  if (f.prior < 0.0 || f.prior > 1.0) {
    return Error(ErrorCode::kBadConfig, fmt::format("{}: prior must be within [0, 1]", where));
  }
  const auto slots = std::count(f.display.begin(), f.display.end(), '#');
  if (!f.display.empty() && !f.pattern.empty() &&
      slots != static_cast<std::ptrdiff_t>(f.pattern.size())) {
    return Error(ErrorCode::kBadConfig,
                 fmt::format("{}: display '{}' has {} slots for a {}-character template", where,
                             f.display, slots, f.pattern.size()));
  }
  return f;
}

Result<CountryFormats> ParseCountry(const std::string& name, std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return Error(ErrorCode::kBadConfig, fmt::format("{}: {}", name, e.what()));
  }
  if (auto e =
          RejectUnknownKeys(j, {"country", "name", "alphabet", "confusables", "formats"}, name)) {
    return *e;
  }
  CountryFormats c;
  try {
    c.country = j.at("country").get<std::string>();
    c.name = j.value("name", c.country);
    c.alphabet = j.at("alphabet").get<std::string>();
    for (const auto& pair : j.value("confusables", json::array())) {
      const auto a = pair.at(0).get<std::string>();
      const auto b = pair.at(1).get<std::string>();
      if (a.size() != 1 || b.size() != 1) {
        return Error(ErrorCode::kBadConfig, name + ": confusables must be single characters");
      }
      c.confusables.emplace_back(a[0], b[0]);
    }
    const auto& formats = j.at("formats");
    for (std::size_t i = 0; i < formats.size(); ++i) {
      auto f = ParseFormat(formats[i], fmt::format("{}: formats[{}]", name, i));
      if (!f) return f.error();
      c.formats.push_back(std::move(f).value());
    }
  } catch (const std::exception& e) {
    return Error(ErrorCode::kBadConfig, fmt::format("{}: {}", name, e.what()));
  }
  if (c.formats.empty()) return Error(ErrorCode::kBadConfig, name + ": no formats");
  return c;
}

std::string_view Embedded(const unsigned char* data, unsigned long size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace

Result<PlateFormatCatalog> PlateFormatCatalog::FromJson(
    const std::vector<std::pair<std::string, std::string_view>>& named_documents) {
  PlateFormatCatalog catalog;
  for (const auto& [name, text] : named_documents) {
    auto country = ParseCountry(name, text);
    if (!country) return country.error();
    catalog.countries_.push_back(std::move(country).value());
  }
  return catalog;
}

const PlateFormatCatalog& PlateFormatCatalog::Builtin() {
  static const PlateFormatCatalog catalog = [] {
    auto parsed = FromJson({
        {"uz.json", Embedded(safelane_formats_uz, safelane_formats_uz_size)},
        {"eu.json", Embedded(safelane_formats_eu, safelane_formats_eu_size)},
        {"us.json", Embedded(safelane_formats_us, safelane_formats_us_size)},
        {"br.json", Embedded(safelane_formats_br, safelane_formats_br_size)},
    });
    // The embedded files are checked by a unit test; failing here is a build defect.
    if (!parsed) throw std::logic_error("built-in plate formats: " + parsed.error().message);
    return std::move(parsed).value();
  }();
  return catalog;
}

const CountryFormats* PlateFormatCatalog::Find(std::string_view country) const {
  for (const auto& c : countries_) {
    if (c.country == country) return &c;
  }
  return nullptr;
}

const PlateFormat* PlateFormatCatalog::Match(const CountryFormats& country, std::string_view text) {
  const PlateFormat* best = nullptr;
  const std::string s(text);
  for (const auto& f : country.formats) {
    const auto len = static_cast<int>(s.size());
    if (len < f.min_len || len > f.max_len) continue;
    if (!std::regex_match(s, f.regex)) continue;
    if (best == nullptr || f.prior > best->prior) best = &f;
  }
  return best;
}

std::vector<std::string> PlateFormatCatalog::Corrections(const CountryFormats& country,
                                                         std::string_view text) {
  std::set<std::string> out;
  for (const auto& f : country.formats) {
    if (f.pattern.size() != text.size()) continue;
    std::string fixed(text);
    bool possible = true;
    for (std::size_t i = 0; i < fixed.size() && possible; ++i) {
      if (FitsClass(f.pattern[i], fixed[i])) continue;
      possible = false;
      for (const auto& [a, b] : country.confusables) {
        const char swapped = fixed[i] == a ? b : (fixed[i] == b ? a : '\0');
        if (swapped != '\0' && FitsClass(f.pattern[i], swapped)) {
          fixed[i] = swapped;
          possible = true;
          break;
        }
      }
    }
    if (possible && fixed != text && std::regex_match(fixed, f.regex)) out.insert(fixed);
  }
  return {out.begin(), out.end()};
}

std::string PlateFormatCatalog::Display(const PlateFormat* format, std::string_view text) {
  if (format == nullptr || format->display.empty()) return std::string(text);
  const auto slots = std::count(format->display.begin(), format->display.end(), '#');
  if (slots != static_cast<std::ptrdiff_t>(text.size())) return std::string(text);
  std::string out;
  std::size_t next = 0;
  for (char m : format->display) out.push_back(m == '#' ? text[next++] : m);
  return out;
}

}  // namespace safelane::vision
