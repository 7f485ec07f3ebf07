#pragma once
// PlateRedactor: the auditors' view of the audit log, without plates.
//
// The audit log keeps the full record (who searched for which plate, and why), signed and
// hash-chained; auditors must see what was done but not which vehicles (issue 5: "auditor
// (audit log and statistics, no plates)"). In the view:
//
// - a plate becomes a keyed pseudonym, "#" + 12 hex digits of HMAC-SHA256 under a key
//   derived from the master key (MasterKey::Purpose::kPseudonymisePlates). The same plate
//   (or search pattern) always gets the same pseudonym, so oversight can see one vehicle
//   looked up again and again (a fishing expedition) without learning which; without the
//   key nobody can test candidate plates against a pseudonym.
// - subjects "plate:X" become "plate:#..."; in `detail` (written by the server, never free
//   text) the values of "plate=" become pseudonyms.
// - `reason` is the investigator's free text and is kept, since it is the justification
//   oversight reviews, but every plate-shaped run in it is replaced by its pseudonym:
//   letters and digits, possibly split by single spaces, '-' or '.', that fit one of the
//   plate formats (plate-formats/*.json) and mix letters and digits. Fixed-length formats
//   match in any case and across groups ("01 a-123 bc"); the others match one word, or
//   joined groups of at most 4 characters without lower case ("B-AB 1234"). It errs
//   towards masking ("M39", "AT 10AM" become pseudonyms); a plate of letters only cannot
//   be told from a word and is not masked.
// - hash and signature are left out: with the public audit key, each of them lets anyone
//   test candidate plates offline (a region's plates number about 10^9). Auditors check
//   the chain with GET /api/v1/audit/verify or `safelane audit verify`.
//
// Immutable after construction; safe to share between threads.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "security/master_key.h"
#include "security/secret_key.h"
#include "store/store_types.h"

namespace safelane::vision {
class PlateFormatCatalog;
}

namespace safelane::server {

class PlateRedactor {
 public:
  // Uses the plate formats compiled into the binary.
  explicit PlateRedactor(const security::MasterKey& master);
  PlateRedactor(const security::MasterKey& master, const vision::PlateFormatCatalog& formats);

  // "#" + 12 lower-case hex digits; `plate` is upper-cased first.
  std::string Pseudonym(std::string_view plate) const;

  // `text` with each plate-shaped run replaced by its pseudonym.
  std::string MaskPlates(std::string_view text) const;

  // One audit entry as an auditor may see it (id, at_ms, actor, action, subject, detail,
  // source, reason; no hash, no signature).
  nlohmann::json AuditorView(const store::AuditEntry& entry) const;

 private:
  bool FitsAFormat(const std::string& text, bool fixed_only) const;

  security::SymmetricKey key_;
  const vision::PlateFormatCatalog& formats_;
};

}  // namespace safelane::server
