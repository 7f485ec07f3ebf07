#include "server/plate_redactor.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <regex>
#include <vector>

#include "security/bytes.h"
#include "vision/plate_format_catalog.h"

namespace safelane::server {
namespace {

// The longest plate in any format file is 9 characters; one more tolerates a stray
// character without joining whole sentences.
constexpr std::size_t kMaxPlateChars = 10;
// Plates written in groups ("01 A 123 BC", "B-AB 1234") have short groups; longer words
// are joined only by the exact formats of the first pass.
constexpr std::size_t kMaxLooseGroupChars = 4;
constexpr std::size_t kPseudonymHexDigits = 12;  // 48 bits: no collision among a city's plates

bool IsAsciiAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

bool MixesLettersAndDigits(const std::string& text) {
  const bool letter =
      std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isalpha(c) != 0; });
  const bool digit =
      std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  return letter && digit;
}

struct Group {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t size() const { return end - begin; }
};

std::vector<Group> AlnumGroups(std::string_view text) {
  std::vector<Group> groups;
  for (std::size_t i = 0; i < text.size();) {
    if (!IsAsciiAlnum(text[i])) {
      ++i;
      continue;
    }
    Group g{i, i};
    while (g.end < text.size() && IsAsciiAlnum(text[g.end])) ++g.end;
    groups.push_back(g);
    i = g.end;
  }
  return groups;
}

// Groups k and k+1 may belong to one plate: one space, '-' or '.' between them.
bool Joinable(std::string_view text, const std::vector<Group>& groups, std::size_t k) {
  const std::size_t gap = groups[k].end;
  return groups[k + 1].begin == gap + 1 &&
         (text[gap] == ' ' || text[gap] == '-' || text[gap] == '.');
}

// In the second pass only short groups without lower case join: "B-AB 1234" is one
// plate, "on 2026" is not.
bool LooseJoinable(std::string_view text, const Group& g) {
  const std::string_view word = text.substr(g.begin, g.size());
  return g.size() <= kMaxLooseGroupChars &&
         std::none_of(word.begin(), word.end(),
                      [](unsigned char c) { return std::islower(c) != 0; });
}

struct Masked {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string plate;
};

}  // namespace

PlateRedactor::PlateRedactor(const security::MasterKey& master)
    : PlateRedactor(master, vision::PlateFormatCatalog::Builtin()) {}

PlateRedactor::PlateRedactor(const security::MasterKey& master,
                             const vision::PlateFormatCatalog& formats)
    : key_(master.Derive(security::MasterKey::Purpose::kPseudonymisePlates)), formats_(formats) {}

std::string PlateRedactor::Pseudonym(std::string_view plate) const {
  const std::string text = Upper(plate);
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256(mac.data(), reinterpret_cast<const unsigned char*>(text.data()),
                         text.size(), key_.data());
  return "#" +
         security::ToHex(security::ByteSpan(mac.data(), mac.size())).substr(0, kPseudonymHexDigits);
}

bool PlateRedactor::FitsAFormat(const std::string& text, bool fixed_only) const {
  for (const auto& country : formats_.countries()) {
    for (const auto& format : country.formats) {
      if (fixed_only && format.pattern.empty()) continue;
      if (std::regex_match(text, format.regex)) return true;
    }
  }
  return false;
}

std::string PlateRedactor::MaskPlates(std::string_view text) const {
  const std::vector<Group> groups = AlnumGroups(text);
  std::vector<bool> covered(groups.size(), false);
  std::vector<Masked> masked;
  // First the exact, fixed-length formats over joined groups ("01 A 123 BC"), then every
  // format (the variable-length ones too) over short groups or single words. Within a
  // pass the longest match wins, so "car 01 A 123 BC" gives up "CAR01A" (a Swedish
  // plate's shape) for "01A123BC".
  for (const bool fixed_only : {true, false}) {
    std::vector<Masked> candidates;
    std::vector<std::pair<std::size_t, std::size_t>> spans;  // first and last group
    for (std::size_t i = 0; i < groups.size(); ++i) {
      std::string joined;
      for (std::size_t j = i; j < groups.size() && !covered[j]; ++j) {
        if (j > i && !Joinable(text, groups, j - 1)) break;
        if (!fixed_only && j > i &&
            !(LooseJoinable(text, groups[i]) && LooseJoinable(text, groups[j]))) {
          break;
        }
        joined += Upper(text.substr(groups[j].begin, groups[j].size()));
        if (joined.size() > kMaxPlateChars) break;
        if (MixesLettersAndDigits(joined) && FitsAFormat(joined, fixed_only)) {
          candidates.push_back({groups[i].begin, groups[j].end, joined});
          spans.emplace_back(i, j);
        }
      }
    }
    std::vector<std::size_t> order(candidates.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return candidates[a].plate.size() > candidates[b].plate.size();
    });
    for (const std::size_t k : order) {
      const auto [first, last] = spans[k];
      bool free = true;
      for (std::size_t g = first; g <= last; ++g) free = free && !covered[g];
      if (!free) continue;
      for (std::size_t g = first; g <= last; ++g) covered[g] = true;
      masked.push_back(std::move(candidates[k]));
    }
  }
  std::sort(masked.begin(), masked.end(),
            [](const Masked& a, const Masked& b) { return a.begin < b.begin; });
  std::string out;
  std::size_t at = 0;
  for (const Masked& m : masked) {
    out.append(text.substr(at, m.begin - at));
    out += Pseudonym(m.plate);
    at = m.end;
  }
  out.append(text.substr(at));
  return out;
}

nlohmann::json PlateRedactor::AuditorView(const store::AuditEntry& e) const {
  constexpr std::string_view kPlateSubject = "plate:";
  std::string subject = e.subject;
  if (subject.starts_with(kPlateSubject)) {
    subject = std::string(kPlateSubject) + Pseudonym(subject.substr(kPlateSubject.size()));
  }
  // detail is written by the server as "key=value ..."; a plate is only ever "plate=".
  constexpr std::string_view kPlateKey = "plate=";
  std::string detail;
  std::size_t at = 0;
  while (at <= e.detail.size()) {
    std::size_t end = e.detail.find(' ', at);
    if (end == std::string::npos) end = e.detail.size();
    const std::string_view word = std::string_view(e.detail).substr(at, end - at);
    if (at > 0) detail += ' ';
    if (word.starts_with(kPlateKey)) {
      detail += std::string(kPlateKey) + Pseudonym(word.substr(kPlateKey.size()));
    } else {
      detail += word;
    }
    at = end + 1;
  }
  return {{"id", e.id},         {"at_ms", store::ToMillis(e.at)},
          {"actor", e.actor},   {"action", e.action},
          {"subject", subject}, {"detail", detail},
          {"source", e.source}, {"reason", MaskPlates(e.reason)}};
}

}  // namespace safelane::server
