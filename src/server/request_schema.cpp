#include "server/request_schema.h"

#include <charconv>
#include <cmath>
#include <set>
#include <vector>

namespace safelane::server {
namespace {

// Builds the message with appends (one allocation, not one per `+`).
template <typename... Parts>
Error Bad(const Parts&... parts) {
  return Error(ErrorCode::kBadRequest, Concat(parts...));
}

const FieldRule* FindRule(std::span<const FieldRule> rules, std::string_view name) {
  for (const FieldRule& rule : rules) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

bool HasType(const nlohmann::json& value, FieldType type) {
  switch (type) {
    case FieldType::kString: return value.is_string();
    case FieldType::kInteger: return value.is_number_integer();
    case FieldType::kNumber: return value.is_number();
    case FieldType::kBoolean: return value.is_boolean();
    case FieldType::kArray: return value.is_array();
  }
  return false;
}

// Depth of nesting outside strings, found before parsing so a hostile body cannot make
// the parser build a deep tree.
std::optional<Error> CheckDepth(std::string_view body) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : body) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        return Bad("body nests objects or arrays deeper than ", std::to_string(kMaxJsonDepth));
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString: return "a string";
    case FieldType::kInteger: return "an integer";
    case FieldType::kNumber: return "a number";
    case FieldType::kBoolean: return "a boolean";
    case FieldType::kArray: return "an array";
  }
  return "a value";
}

Result<nlohmann::json> CheckJsonObject(const nlohmann::json& object,
                                       std::span<const FieldRule> rules, const std::string& where) {
  if (!object.is_object()) return Bad(where, " must be a JSON object");
  for (const auto& [key, value] : object.items()) {
    const FieldRule* rule = FindRule(rules, key);
    if (rule == nullptr) return Bad(where, ": unknown field '", key, "'");
    if (!HasType(value, rule->type)) {
      return Bad(where, ": field '", key, "' must be ", std::string(FieldTypeName(rule->type)));
    }
    if (value.is_string() && value.get_ref<const std::string&>().size() > rule->max_bytes) {
      return Bad(where, ": field '", key, "' is longer than ", std::to_string(rule->max_bytes),
                 " bytes");
    }
    if (value.is_array() && value.size() > rule->max_bytes) {
      return Bad(where, ": field '", key, "' has more than ", std::to_string(rule->max_bytes),
                 " elements");
    }
  }
  for (const FieldRule& rule : rules) {
    if (rule.required && !object.contains(std::string(rule.name))) {
      return Bad(where, ": missing field '", std::string(rule.name), "'");
    }
  }
  return object;
}

Result<nlohmann::json> ParseJsonObject(std::string_view body, std::span<const FieldRule> rules,
                                       std::size_t max_bytes) {
  if (body.size() > max_bytes) {
    return Bad("body is larger than ", std::to_string(max_bytes), " bytes");
  }
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    for (const FieldRule& rule : rules) {
      if (rule.required) return Bad("body is empty; a JSON object is required");
    }
    return nlohmann::json::object();
  }
  if (auto e = CheckDepth(body)) return *e;

  // nlohmann keeps the last of duplicate keys silently; a strict reader refuses them.
  std::vector<std::set<std::string>> keys_per_object;
  std::string duplicate;
  const auto callback = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                            nlohmann::json& parsed) {
    switch (event) {
      case nlohmann::json::parse_event_t::object_start: keys_per_object.emplace_back(); break;
      case nlohmann::json::parse_event_t::object_end:
        if (!keys_per_object.empty()) keys_per_object.pop_back();
        break;
      case nlohmann::json::parse_event_t::key:
        if (!keys_per_object.empty() && parsed.is_string() &&
            !keys_per_object.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
          duplicate = parsed.get<std::string>();
        }
        break;
      default: break;
    }
    return true;
  };
  nlohmann::json parsed = nlohmann::json::parse(body.begin(), body.end(), callback, false);
  if (parsed.is_discarded()) return Bad("body is not valid JSON (UTF-8)");
  if (!duplicate.empty()) return Bad("body: duplicate field '", duplicate, "'");
  return CheckJsonObject(parsed, rules, "body");
}

Result<nlohmann::json> ParseQuery(const std::multimap<std::string, std::string>& params,
                                  std::span<const FieldRule> rules) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, text] : params) {
    const FieldRule* rule = FindRule(rules, key);
    if (rule == nullptr) return Bad("query: unknown parameter '", key, "'");
    if (out.contains(key)) return Bad("query: parameter '", key, "' given twice");
    const std::string where = Concat("query: parameter '", key, "' must be ");
    switch (rule->type) {
      case FieldType::kString:
        if (text.size() > rule->max_bytes) {
          return Bad("query: parameter '", key, "' is longer than ",
                     std::to_string(rule->max_bytes), " bytes");
        }
        out[key] = text;
        break;
      case FieldType::kInteger: {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
          return Bad(where, "an integer");
        }
        out[key] = v;
        break;
      }
      case FieldType::kNumber: {
        double v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
            !std::isfinite(v)) {
          return Bad(where, "a number");
        }
        out[key] = v;
        break;
      }
      case FieldType::kBoolean:
        if (text != "true" && text != "false") return Bad(where, "true or false");
        out[key] = text == "true";
        break;
      case FieldType::kArray: return Bad("query: parameter '", key, "' cannot be a list");
    }
  }
  for (const FieldRule& rule : rules) {
    if (rule.required && !out.contains(std::string(rule.name))) {
      return Bad("query: missing parameter '", std::string(rule.name), "'");
    }
  }
  return out;
}

}  // namespace safelane::server
