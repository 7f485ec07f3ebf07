#include "security/password_policy.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

// src/security/common_passwords.txt, linked in by cmake/EmbedFile.cmake.
extern "C" const unsigned char safelane_common_passwords[];
extern "C" const unsigned long safelane_common_passwords_size;  // NOLINT(google-runtime-int)

namespace safelane::security {
namespace {

const std::unordered_set<std::string>& Blocklist() {
  static const auto* const list = [] {
    auto* out = new std::unordered_set<std::string>();
    const std::string_view text(reinterpret_cast<const char*>(safelane_common_passwords),
                                safelane_common_passwords_size - 1);  // minus the NUL
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view line = text.substr(start, end - start);
      if (!line.empty() && line.front() != '#') out->emplace(line);
      start = end + 1;
    }
    return out;
  }();
  return *list;
}

// Code points of valid UTF-8 (no overlong forms, no surrogates); nullopt otherwise.
std::optional<std::vector<std::uint32_t>> DecodeUtf8(std::string_view text) {
  std::vector<std::uint32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if (lead < 0x80U) {
      cp = lead;
    } else if ((lead & 0xE0U) == 0xC0U) {
      extra = 1, cp = lead & 0x1FU, min = 0x80U;
    } else if ((lead & 0xF0U) == 0xE0U) {
      extra = 2, cp = lead & 0x0FU, min = 0x800U;
    } else if ((lead & 0xF8U) == 0xF0U) {
      extra = 3, cp = lead & 0x07U, min = 0x10000U;
    } else {
      return std::nullopt;
    }
    if (i + extra >= text.size()) return std::nullopt;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) return std::nullopt;
      cp = (cp << 6U) | (next & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFFU || (cp >= 0xD800U && cp <= 0xDFFFU)) return std::nullopt;
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

bool IsControl(std::uint32_t cp) {
  return cp < 0x20U || (cp >= 0x7FU && cp <= 0x9FU) || cp == 0x2028U || cp == 0x2029U;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (static_cast<unsigned char>(c) >= 0x80U);
}

std::string TrimEnd(std::string text) {
  while (!text.empty() && !IsLetter(text.back())) text.pop_back();
  return text;
}

std::string TrimBoth(std::string text) {
  text = TrimEnd(std::move(text));
  std::size_t start = 0;
  while (start < text.size() && !IsLetter(text[start])) ++start;
  return text.substr(start);
}

std::string UndoSubstitutions(std::string text) {
  for (char& c : text) {
    switch (c) {
      case '0': c = 'o'; break;
      case '1': c = 'i'; break;
      case '3': c = 'e'; break;
      case '4': c = 'a'; break;
      case '5': c = 's'; break;
      case '7': c = 't'; break;
      case '@': c = 'a'; break;
      case '$': c = 's'; break;
      case '!': c = 'i'; break;
      default: break;
    }
  }
  return text;
}

// True when `text` is one list entry, possibly repeated ("passwordpassword").
bool IsBlocklisted(const std::string& text) {
  if (text.empty()) return false;
  const auto& list = Blocklist();
  for (std::size_t period = 1; period <= text.size(); ++period) {
    if (text.size() % period != 0) continue;
    const std::string unit = text.substr(0, period);
    bool repeats = true;
    for (std::size_t at = period; at < text.size() && repeats; at += period) {
      repeats = text.compare(at, period, unit) == 0;
    }
    if (repeats && list.count(unit) > 0) return true;
  }
  return false;
}

// A short group repeated over the whole password: "aaaaaaaaaaaa", "abcabcabcabc".
bool IsShortGroupRepeated(const std::vector<std::uint32_t>& cps) {
  for (std::size_t period = 1; period <= 4 && period < cps.size(); ++period) {
    bool repeats = true;
    for (std::size_t i = period; i < cps.size() && repeats; ++i) {
      repeats = cps[i] == cps[i - period];
    }
    if (repeats) return true;
  }
  return false;
}

// Each character one above (or each one below) the previous, digits wrapping 9 -> 0.
bool IsSequence(const std::string& lower) {
  auto step = [](char a, char b) {
    if (a == '9' && b == '0') return 1;
    if (a == '0' && b == '9') return -1;
    return b - a;
  };
  for (int direction : {1, -1}) {
    bool all = true;
    for (std::size_t i = 1; i < lower.size() && all; ++i) {
      all = step(lower[i - 1], lower[i]) == direction;
    }
    if (all) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> PasswordPolicy::Check(std::string_view password,
                                                 std::string_view username) {
  const auto cps = DecodeUtf8(password);
  if (!cps) return "the password is not valid UTF-8 text";
  if (std::any_of(cps->begin(), cps->end(), IsControl)) {
    return "the password contains a control character (tab, newline or similar); use "
           "letters, digits, spaces and symbols";
  }
  if (cps->size() < kMinPasswordChars) {
    return "the password has " + std::to_string(cps->size()) + " characters; at least " +
           std::to_string(kMinPasswordChars) +
           " are required (a few unrelated words with spaces make a good one)";
  }
  if (cps->size() > kMaxPasswordChars) {
    return "the password has " + std::to_string(cps->size()) + " characters; at most " +
           std::to_string(kMaxPasswordChars) + " are accepted";
  }
  const std::string lower = AsciiLower(password);
  const std::string user = AsciiLower(username);
  if (user.size() >= 3 && (lower.find(user) != std::string::npos ||
                           UndoSubstitutions(lower).find(user) != std::string::npos)) {
    return "the password contains the username; choose something unrelated to the account";
  }
  if (lower.find("safelane") != std::string::npos ||
      UndoSubstitutions(lower).find("safelane") != std::string::npos) {
    return "the password contains the product name \"safelane\"; choose something unrelated";
  }
  if (IsShortGroupRepeated(*cps)) {
    return "the password is a short group of characters repeated; choose something less "
           "predictable";
  }
  const std::set<std::uint32_t> distinct(cps->begin(), cps->end());
  if (distinct.size() < 5) {
    return "the password uses only " + std::to_string(distinct.size()) +
           " different characters; choose something less predictable";
  }
  if (IsSequence(lower)) {
    return "the password is a run of consecutive characters (like 123456789012 or abcdefghijkl)";
  }
  for (const std::string& candidate : {lower, TrimEnd(lower), TrimBoth(lower)}) {
    if (IsBlocklisted(candidate) || IsBlocklisted(UndoSubstitutions(candidate)) ||
        IsBlocklisted(TrimBoth(UndoSubstitutions(candidate)))) {
      return "the password is a commonly used one, perhaps with digits, symbols or look-alike "
             "characters added; attackers try these first";
    }
  }
  return std::nullopt;
}

}  // namespace safelane::security
