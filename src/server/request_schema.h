#pragma once
// Strict request parsing: every JSON body and every query string is read against a
// declared list of fields. Unknown fields, duplicate keys, wrong types, missing required
// fields, over-long strings, bodies over the size limit and nesting deeper than allowed
// are refused with a kBadRequest Error naming the field and the rule it broke. Handlers
// only ever see values that passed.

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"

namespace safelane::server {

inline constexpr std::size_t kMaxJsonBodyBytes = std::size_t{64} * 1024;  // every route but ingest
inline constexpr std::size_t kMaxJsonDepth = 4;  // objects/arrays inside each other

enum class FieldType { kString, kInteger, kNumber, kBoolean, kArray };

struct FieldRule {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;
  std::size_t max_bytes = 256;  // strings: longest accepted value; arrays: most elements
};

// A JSON object whose top-level keys all follow `rules`. An empty body is refused
// unless no field is required (then it reads as {}).
Result<nlohmann::json> ParseJsonObject(std::string_view body, std::span<const FieldRule> rules,
                                       std::size_t max_bytes = kMaxJsonBodyBytes);

// Checks an already parsed object (e.g. one element of an array) against rules.
Result<nlohmann::json> CheckJsonObject(const nlohmann::json& object,
                                       std::span<const FieldRule> rules, const std::string& where);

// Query parameters (name -> raw text) read against rules: kString stays text, kInteger
// must be a decimal integer that fits int64, kNumber a finite decimal, kBoolean
// "true"/"false". The result is a JSON object of typed values.
Result<nlohmann::json> ParseQuery(const std::multimap<std::string, std::string>& params,
                                  std::span<const FieldRule> rules);

std::string_view FieldTypeName(FieldType type);

// Appends every part (strings, string views, literals) into one string.
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace safelane::server
