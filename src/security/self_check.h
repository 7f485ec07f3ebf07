#pragma once
// The security self-check behind `safelane doctor`: each check looks at one thing of a
// real installation and says PASS, WARN or FAIL with the reason and, where there is one,
// the fix. A FAIL is something that exposes data or keys now; a WARN deserves a look.
// The checks only read: they never repair, so running the doctor changes nothing.
//
// Installation checks (this file): permissions and owners of the data directory and
// everything in it, of the master key, and where the master key lies; accounts of roles
// that must use MFA but do not; disabled, locked and never-activated accounts; whether
// retention has run; the audit chain with its signatures. The running server's checks
// (TLS, certificate, headers, anonymous access) are in server_probe.h.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "security/ed25519.h"
#include "store/clock.h"
#include "store/store.h"

namespace safelane::security {

enum class CheckStatus { kPass, kWarn, kFail };

std::string_view CheckStatusName(CheckStatus status);  // "PASS", "WARN", "FAIL"

struct CheckResult {
  std::string name;  // short, stable: "data-dir-permissions", "audit-chain", ...
  CheckStatus status = CheckStatus::kFail;
  std::string detail;
};

// The data directory is 0700 and everything below it is closed to group and others
// (files 0600, directories 0700), all owned by the user running the check.
std::vector<CheckResult> CheckDataFiles(const std::filesystem::path& data_dir);

// The master key loads (exact 0600, owner, size) and does not lie inside the data
// directory (a copy of the data alone must not decrypt anything).
std::vector<CheckResult> CheckMasterKey(const std::filesystem::path& master_key,
                                        const std::filesystem::path& data_dir);

// Accounts: every active account of a role that must use MFA has it (FAIL otherwise);
// disabled, locked and not-yet-activated accounts are listed (WARN); no administrator at
// all is a WARN (nobody can manage the installation).
std::vector<CheckResult> CheckAccounts(const std::vector<store::User>& users, store::TimePoint now);

// The whole audit log verifies with the audit public key (hashes, order, signatures).
CheckResult CheckAuditChain(store::Store& store, const PublicKey& audit_key);

// Retention has run: the newest "retention.purge" audit entry is at most `max_age` old
// (PASS); it is older (FAIL); it never ran (FAIL when the log is older than `max_age`,
// WARN on a newer installation).
CheckResult CheckRetention(store::Store& store, store::TimePoint now,
                           std::chrono::hours max_age = std::chrono::hours(7 * 24));

}  // namespace safelane::security
