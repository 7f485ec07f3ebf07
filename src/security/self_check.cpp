#include "security/self_check.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "security/master_key.h"
#include "security/permission.h"

namespace safelane::security {
namespace {

namespace fs = std::filesystem;

std::string Octal(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777U);
  return text;
}

std::string JoinFirst(const std::vector<std::string>& items, std::size_t most = 5) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < most; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > most) out += " and " + std::to_string(items.size() - most) + " more";
  return out;
}

}  // namespace

std::string_view CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass: return "PASS";
    case CheckStatus::kWarn: return "WARN";
    case CheckStatus::kFail: return "FAIL";
  }
  return "FAIL";
}

std::vector<CheckResult> CheckDataFiles(const fs::path& data_dir) {
  std::vector<CheckResult> out;
  struct stat st {};
  if (::lstat(data_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    out.push_back({"data-dir", CheckStatus::kFail, data_dir.string() + " is not a directory"});
    return out;
  }
  const unsigned dir_mode = st.st_mode & 07777U;
  if (dir_mode != 0700U || st.st_uid != ::geteuid()) {
    out.push_back({"data-dir", CheckStatus::kFail,
                   data_dir.string() + " is " + Octal(dir_mode) +
                       (st.st_uid != ::geteuid() ? ", owned by another user" : "") +
                       "; must be 0700 and owned by the service user: chmod 700 " +
                       data_dir.string()});
  } else {
    out.push_back({"data-dir", CheckStatus::kPass, data_dir.string() + " is 0700"});
  }
  std::vector<std::string> open_to_others;
  std::vector<std::string> foreign;
  std::vector<std::string> links;
  std::error_code ec;
  std::size_t seen = 0;
  for (auto it = fs::recursive_directory_iterator(data_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    ++seen;
    const fs::path& p = it->path();
    struct stat entry {};
    if (::lstat(p.c_str(), &entry) != 0) continue;
    const std::string rel = fs::relative(p, data_dir, ec).string();
    if (S_ISLNK(entry.st_mode)) {
      links.push_back(rel);
      continue;
    }
    if ((entry.st_mode & 077U) != 0) {
      open_to_others.push_back(rel + " (" + Octal(entry.st_mode) + ")");
    }
    if (entry.st_uid != ::geteuid()) foreign.push_back(rel);
  }
  if (ec) {
    out.push_back({"data-files", CheckStatus::kFail,
                   "cannot walk " + data_dir.string() + ": " + ec.message()});
    return out;
  }
  if (!open_to_others.empty()) {
    out.push_back({"data-files", CheckStatus::kFail,
                   std::to_string(open_to_others.size()) +
                       " entries readable or writable by group or others: " +
                       JoinFirst(open_to_others) + "; fix: chmod -R go-rwx " + data_dir.string()});
  } else {
    out.push_back({"data-files", CheckStatus::kPass,
                   std::to_string(seen) + " entries, none open to group or others"});
  }
  if (!foreign.empty()) {
    out.push_back({"data-owner", CheckStatus::kFail,
                   "owned by another user: " + JoinFirst(foreign) +
                       " (the service user must own all its data)"});
  }
  if (!links.empty()) {
    out.push_back({"data-links", CheckStatus::kWarn,
                   "symbolic links inside the data directory: " + JoinFirst(links)});
  }
  return out;
}

std::vector<CheckResult> CheckMasterKey(const fs::path& master_key, const fs::path& data_dir) {
  std::vector<CheckResult> out;
  auto loaded = LoadMasterKey(master_key);
  if (!loaded) {
    out.push_back({"master-key", CheckStatus::kFail, loaded.error().message});
  } else {
    out.push_back({"master-key", CheckStatus::kPass, master_key.string() + " is 0600, 32 bytes"});
  }
  std::error_code ec_key;
  std::error_code ec_dir;
  const std::string key_real = fs::weakly_canonical(master_key, ec_key).string();
  const std::string dir_real = fs::weakly_canonical(data_dir, ec_dir).string();
  if (ec_key || ec_dir) {
    out.push_back({"master-key-location", CheckStatus::kFail, "cannot resolve the paths"});
  } else if (key_real.rfind(dir_real + "/", 0) == 0) {
    out.push_back({"master-key-location", CheckStatus::kFail,
                   "the master key lies inside the data directory: a copy of the data "
                   "(backup, stolen disk) could decrypt the evidence; move it (e.g. "
                   "/etc/safelane/master.key)"});
  } else {
    out.push_back({"master-key-location", CheckStatus::kPass, "outside the data directory"});
  }
  struct stat parent {};
  const fs::path parent_dir = fs::path(key_real).parent_path();
  if (::stat(parent_dir.c_str(), &parent) == 0 && (parent.st_mode & 022U) != 0 &&
      (parent.st_mode & S_ISVTX) == 0) {
    out.push_back({"master-key-directory", CheckStatus::kFail,
                   parent_dir.string() + " is " + Octal(parent.st_mode) +
                       ": others could replace the key file; chmod go-w " + parent_dir.string()});
  }
  return out;
}

std::vector<CheckResult> CheckAccounts(const std::vector<store::User>& users,
                                       store::TimePoint now) {
  std::vector<CheckResult> out;
  std::vector<std::string> without_mfa;
  std::vector<std::string> disabled;
  std::vector<std::string> locked;
  std::vector<std::string> pending;
  std::vector<std::string> unknown_role;
  int administrators = 0;
  for (const store::User& u : users) {
    const auto role = ParseRole(u.role);
    if (!role) {
      unknown_role.push_back(u.username);
      continue;
    }
    if (u.disabled) {
      disabled.push_back(u.username);
      continue;
    }
    if (*role == Role::kAdministrator) ++administrators;
    if (u.password_hash.empty()) pending.push_back(u.username + " (" + u.role + ")");
    if (u.locked_until && *u.locked_until > now) locked.push_back(u.username);
    if (RoleRequiresMfa(*role) && !u.mfa_enabled && !u.password_hash.empty()) {
      without_mfa.push_back(u.username + " (" + u.role + ")");
    }
  }
  if (!unknown_role.empty()) {
    out.push_back({"accounts-roles", CheckStatus::kFail,
                   "accounts with an unknown role: " + JoinFirst(unknown_role)});
  }
  if (without_mfa.empty()) {
    out.push_back({"accounts-mfa", CheckStatus::kPass,
                   "every active account that sees plates or administers has MFA"});
  } else {
    out.push_back({"accounts-mfa", CheckStatus::kFail,
                   std::to_string(without_mfa.size()) +
                       " active accounts of roles that require MFA have none (they can only "
                       "enrol until they do): " +
                       JoinFirst(without_mfa)});
  }
  if (administrators == 0) {
    out.push_back({"accounts-admin", CheckStatus::kWarn,
                   "no active administrator: run `safelane admin init` on a new installation"});
  }
  if (!pending.empty()) {
    out.push_back({"accounts-pending", CheckStatus::kWarn,
                   "accounts whose one-time setup token was never used: " + JoinFirst(pending)});
  }
  if (!locked.empty()) {
    out.push_back({"accounts-locked", CheckStatus::kWarn,
                   "locked after repeated failed sign-ins (look for an attack in the audit "
                   "log): " +
                       JoinFirst(locked)});
  }
  if (!disabled.empty()) {
    out.push_back(
        {"accounts-disabled", CheckStatus::kWarn, "disabled accounts: " + JoinFirst(disabled)});
  }
  return out;
}

CheckResult CheckAuditChain(store::Store& store, const PublicKey& audit_key) {
  auto verified = store.VerifyAuditChain(audit_key);
  if (!verified) return {"audit-chain", CheckStatus::kFail, verified.error().message};
  return {"audit-chain", CheckStatus::kPass,
          "every entry in order, unaltered and signed by the audit key"};
}

CheckResult CheckRetention(store::Store& store, store::TimePoint now, std::chrono::hours max_age) {
  std::optional<store::TimePoint> first;
  std::optional<store::TimePoint> last_purge;
  std::int64_t after = 0;
  for (;;) {
    auto page = store.ListAudit(after, 1000);
    if (!page) return {"retention", CheckStatus::kFail, page.error().message};
    if (page->empty()) break;
    for (const auto& e : *page) {
      if (!first) first = e.at;
      if (e.action == "retention.purge") last_purge = e.at;
    }
    after = page->back().id;
  }
  const auto hours_text = std::to_string(max_age.count()) + " h";
  if (last_purge) {
    const auto age = std::chrono::duration_cast<std::chrono::hours>(now - *last_purge);
    if (now - *last_purge <= max_age) {
      return {"retention", CheckStatus::kPass,
              "the retention purge last ran " + std::to_string(age.count()) + " h ago"};
    }
    return {"retention", CheckStatus::kFail,
            "the retention purge last ran " + std::to_string(age.count()) + " h ago (more than " +
                hours_text + "): personal data outlives its policy"};
  }
  if (first && now - *first > max_age) {
    return {"retention", CheckStatus::kFail,
            "the retention purge has never run on an installation older than " + hours_text +
                ": configure and start it (safelane serve runs it)"};
  }
  return {"retention", CheckStatus::kWarn,
          "the retention purge has not run yet (a new installation)"};
}

}  // namespace safelane::security
