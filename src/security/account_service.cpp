#include "security/account_service.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <utility>

#include "security/aead.h"
#include "security/password_policy.h"
#include "security/sha256.h"
#include "security/sodium_init.h"
#include "store/validation.h"

namespace safelane::security {
namespace {

using store::TimePoint;
using store::User;

constexpr std::size_t kSetupTokenBytes = 32;

// Runs fn with the store and hands its result out of the runner.
template <typename T, typename Fn>
Result<T> InStore(const StoreRunner& run, Fn&& fn) {
  std::optional<Result<T>> out;
  run([&](store::Store& s) { out.emplace(fn(s)); });
  if (!out) return Error(ErrorCode::kIo, "the store was not reachable");
  return std::move(*out);
}

Error Refused() {
  return Error(ErrorCode::kBadRequest, std::string(kSignInRefused));
}

std::string Subject(std::string_view username) {
  return "user:" + std::string(username);
}

// What an unknown caller typed as a username, safe for the audit log: the characters a
// username may have, at most 64 of them.
std::string SafeName(std::string_view attempted) {
  std::string out;
  for (const char c : attempted) {
    if (out.size() == 64) break;
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    out.push_back(ok ? c : '?');
  }
  return out.empty() ? "?" : out;
}

std::string SetupAssociatedData(std::string_view username) {
  return "safelane setup token v1 user " + std::string(username);
}

// A setup record: the token's expiry (ms, 8 bytes big-endian) and its SHA-256 (hex),
// sealed in the user's totp_secret_sealed while no password is set.
std::string SealSetupRecord(const MasterKey& master, std::string_view username,
                            TimePoint expires_at, const std::string& token) {
  Bytes plain(8);
  auto ms = static_cast<std::uint64_t>(store::ToMillis(expires_at));
  for (int i = 7; i >= 0; --i) {
    plain[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms & 0xFFU);
    ms >>= 8U;
  }
  const std::string digest = Sha256Hex(AsBytes(token));
  plain.insert(plain.end(), digest.begin(), digest.end());
  const Bytes sealed = Seal(master.Derive(kSealAccountSecretsPurpose), plain,
                            AsBytes(SetupAssociatedData(username)));
  return {sealed.begin(), sealed.end()};
}

struct SetupRecord {
  TimePoint expires_at;
  std::string token_sha256;
};

std::optional<SetupRecord> OpenSetupRecord(const MasterKey& master, const User& user) {
  if (!user.password_hash.empty() || user.totp_secret_sealed.empty()) return std::nullopt;
  auto plain = Unseal(master.Derive(kSealAccountSecretsPurpose), AsBytes(user.totp_secret_sealed),
                      AsBytes(SetupAssociatedData(user.username)));
  if (!plain || plain->size() != 8 + 64) return std::nullopt;
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 8; ++i) ms = (ms << 8U) | (*plain)[i];
  return SetupRecord{store::FromMillis(static_cast<std::int64_t>(ms)),
                     std::string(plain->begin() + 8, plain->end())};
}

Result<Done> AppendAudit(store::Store& s, TimePoint at, const std::string& actor,
                         const std::string& action, const std::string& subject,
                         const std::string& detail, const std::string& source,
                         const std::string& reason) {
  store::AuditEntry entry;
  entry.at = at;
  entry.actor = actor.empty() ? "anonymous" : actor;
  entry.action = action;
  entry.subject = subject;
  entry.detail = detail;
  entry.source = source.empty() ? "unknown" : source;
  entry.reason = reason;
  auto appended = s.AppendAudit(entry);
  if (!appended) return appended.error();
  return Done{};
}

std::string RandomHex(std::size_t bytes) {
  Bytes raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  return ToHex(raw);
}

}  // namespace

StoreRunner DirectStore(store::Store& store) {
  return [&store](const std::function<void(store::Store&)>& fn) { fn(store); };
}

AccountService::AccountService(StoreRunner run, const MasterKey& master, const store::Clock& clock,
                               AccountOptions options)
    : run_(std::move(run)),
      master_(master),
      clock_(clock),
      options_(std::move(options)),
      hasher_(options_.hash_cost) {
  options_.lockout_threshold = std::clamp(options_.lockout_threshold, 1, 100);
}

const std::string& AccountService::DummyHash() {
  std::call_once(dummy_once_, [this] {
    if (InitSodium()) return;
    // A hash of a random password nobody knows: verifying against it costs what a real
    // verification costs and never succeeds.
    auto dummy = hasher_.Hash(RandomHex(16));
    if (dummy) dummy_hash_ = std::move(*dummy);
  });
  return dummy_hash_;
}

Result<User> AccountService::FindExisting(const std::string& username) {
  auto found =
      InStore<std::optional<User>>(run_, [&](store::Store& s) { return s.FindUser(username); });
  if (!found) return found.error();
  if (!*found) return Error(ErrorCode::kBadRequest, "no user '" + SafeName(username) + "'");
  return std::move(**found);
}

Result<SetupToken> AccountService::StoreSetupToken(User user, TokenFor what, const Actor& by) {
  if (auto e = InitSodium()) return *e;
  const TimePoint now = clock_.Now();
  SetupToken token{
      user.username, RandomHex(kSetupTokenBytes),
      now + std::chrono::duration_cast<std::chrono::milliseconds>(options_.setup_token_ttl)};
  user.password_hash.clear();
  user.totp_secret_sealed = SealSetupRecord(master_, user.username, token.expires_at, token.token);
  user.mfa_enabled = false;
  user.failed_logins = 0;
  user.locked_until.reset();
  const std::string subject = Subject(user.username);
  return InStore<SetupToken>(run_, [&](store::Store& s) -> Result<SetupToken> {
    std::string action = "user.setup_token";
    if (what == TokenFor::kExistingUser) {
      if (auto updated = s.UpdateUser(user); !updated) return updated.error();
    } else {
      if (what == TokenFor::kFirstAdministrator) {
        auto count = s.CountUsers();
        if (!count) return count.error();
        if (*count != 0) {
          return Error(ErrorCode::kBadRequest,
                       "accounts already exist; the first administrator is created only once "
                       "(an administrator creates further accounts)");
        }
        action = "user.init";
      } else {
        action = "user.create";
      }
      user.created_at = now;
      if (auto created = s.CreateUser(user); !created) return created.error();
    }
    auto audited = AppendAudit(s, now, by.username, action, subject,
                               "role " + user.role + "; one-time setup token issued, expires " +
                                   std::to_string(store::ToMillis(token.expires_at)) + " ms",
                               by.source, by.reason);
    if (!audited) return audited.error();
    return token;
  });
}

Result<SetupToken> AccountService::InitFirstAdministrator(const std::string& username,
                                                          const std::string& display_name,
                                                          const Actor& by) {
  User user;
  user.username = username;
  user.display_name = display_name;
  user.role = std::string(RoleName(Role::kAdministrator));
  if (!store::IsValidUsername(username)) {
    return Error(ErrorCode::kBadRequest, "username must be 3-64 of a-z 0-9 . _ -");
  }
  return StoreSetupToken(std::move(user), TokenFor::kFirstAdministrator, by);
}

Result<SetupToken> AccountService::CreateUser(const std::string& username,
                                              const std::string& display_name, Role role,
                                              const Actor& by) {
  if (!store::IsValidUsername(username)) {
    return Error(ErrorCode::kBadRequest, "username must be 3-64 of a-z 0-9 . _ -");
  }
  User user;
  user.username = username;
  user.display_name = display_name;
  user.role = std::string(RoleName(role));
  return StoreSetupToken(std::move(user), TokenFor::kNewUser, by);
}

Result<SetupToken> AccountService::IssueSetupToken(const std::string& username, const Actor& by) {
  auto user = FindExisting(username);
  if (!user) return user.error();
  return StoreSetupToken(std::move(*user), TokenFor::kExistingUser, by);
}

Result<Done> AccountService::UpdateAndAudit(const std::string& username,
                                            const std::function<Result<Done>(User&)>& change,
                                            const std::string& action, const std::string& detail,
                                            const Actor& by) {
  const TimePoint now = clock_.Now();
  return InStore<Done>(run_, [&](store::Store& s) -> Result<Done> {
    auto found = s.FindUser(username);
    if (!found) return found.error();
    if (!*found) return Error(ErrorCode::kBadRequest, "no user '" + SafeName(username) + "'");
    User user = std::move(**found);
    if (auto changed = change(user); !changed) return changed.error();
    if (auto updated = s.UpdateUser(user); !updated) return updated.error();
    return AppendAudit(s, now, by.username, action, Subject(username), detail, by.source,
                       by.reason);
  });
}

Result<Done> AccountService::Activate(const std::string& username, const std::string& token,
                                      const std::string& new_password, const std::string& source) {
  auto user =
      InStore<std::optional<User>>(run_, [&](store::Store& s) { return s.FindUser(username); });
  if (!user) return user.error();
  const Actor by{SafeName(username), source, ""};
  const auto record = *user ? OpenSetupRecord(master_, **user) : std::nullopt;
  const std::string digest = Sha256Hex(AsBytes(token));
  std::string why;
  if (!record) {
    why = *user ? "no setup token pending" : "unknown username";
  } else if (record->expires_at <= clock_.Now()) {
    why = "setup token expired";
  } else if (sodium_memcmp(digest.data(), record->token_sha256.data(), digest.size()) != 0) {
    why = "wrong setup token";
  }
  if (!why.empty()) {
    auto audited = InStore<Done>(run_, [&](store::Store& s) {
      return AppendAudit(s, clock_.Now(), by.username, "user.activate_failed",
                         Subject(SafeName(username)), why, source, "");
    });
    if (!audited) return audited.error();
    return Refused();
  }
  if (auto refusal = PasswordPolicy::Check(new_password, username)) {
    return Error(ErrorCode::kBadRequest, *refusal);
  }
  auto hash = hasher_.Hash(new_password);
  if (!hash) return hash.error();
  return UpdateAndAudit(
      username,
      [&](User& u) -> Result<Done> {
        // The token is consumed: the record is replaced in the same write that sets the
        // password, and a second use finds no record.
        const auto again = OpenSetupRecord(master_, u);
        if (!again || again->token_sha256 != record->token_sha256) return Refused();
        u.password_hash = *hash;
        u.totp_secret_sealed.clear();
        u.mfa_enabled = false;
        u.failed_logins = 0;
        u.locked_until.reset();
        return Done{};
      },
      "user.activate", "password set with the one-time setup token", by);
}

Result<SignInOutcome> AccountService::RecordRefusal(const std::string& attempted,
                                                    const std::string& why,
                                                    const std::string& source) {
  auto audited = InStore<Done>(run_, [&](store::Store& s) {
    return AppendAudit(s, clock_.Now(), SafeName(attempted), "user.sign_in_failed",
                       Subject(SafeName(attempted)), why, source, "");
  });
  if (!audited) return audited.error();
  return SignInOutcome{};
}

Result<SignInOutcome> AccountService::RecordFailure(const User& user, const std::string& why,
                                                    const std::string& source) {
  const TimePoint now = clock_.Now();
  auto recorded = InStore<Done>(run_, [&](store::Store& s) -> Result<Done> {
    // Counted on the stored row, not on the copy read before hashing, so concurrent
    // failures all count.
    auto found = s.FindUser(user.username);
    if (!found) return found.error();
    if (!*found) return Error(ErrorCode::kIo, "user '" + user.username + "' vanished");
    User u = std::move(**found);
    u.failed_logins += 1;
    std::string detail = why + "; " + std::to_string(u.failed_logins) + " consecutive failures";
    const bool lock = u.failed_logins % options_.lockout_threshold == 0;
    if (lock) {
      const int doublings = std::min(u.failed_logins / options_.lockout_threshold - 1, 16);
      auto duration = options_.lockout_base * (std::int64_t{1} << doublings);
      duration = std::min(duration, options_.lockout_max);
      u.locked_until = now + std::chrono::duration_cast<std::chrono::milliseconds>(duration);
    }
    if (auto updated = s.UpdateUser(u); !updated) return updated.error();
    if (auto a = AppendAudit(s, now, u.username, "user.sign_in_failed", Subject(u.username), detail,
                             source, "");
        !a) {
      return a.error();
    }
    if (lock) {
      return AppendAudit(s, now, "system:lockout", "user.locked", Subject(u.username),
                         "locked until " + std::to_string(store::ToMillis(*u.locked_until)) +
                             " ms after " + std::to_string(u.failed_logins) + " failures",
                         source, "repeated failed sign-ins");
    }
    return Done{};
  });
  if (!recorded) return recorded.error();
  return SignInOutcome{};
}

Result<SignInOutcome> AccountService::SignIn(const SignInRequest& request) {
  // Made before looking the name up, so the first sign-in after a start costs the same
  // whether or not the name exists.
  const std::string& dummy = DummyHash();
  auto found = InStore<std::optional<User>>(
      run_, [&](store::Store& s) { return s.FindUser(request.username); });
  if (!found) return found.error();
  const std::optional<User>& user = *found;
  // Always one argon2id verification, whatever the account's state, so the time taken
  // says nothing about it.
  const bool has_password = user && !user->password_hash.empty();
  const bool password_ok =
      PasswordHasher::Verify(has_password ? user->password_hash : dummy, request.password) &&
      has_password;
  if (!user) return RecordRefusal(request.username, "unknown username", request.source);
  const TimePoint now = clock_.Now();
  if (user->disabled) return RecordRefusal(user->username, "account disabled", request.source);
  if (user->locked_until && *user->locked_until > now) {
    // Refused whatever the password: guesses during a lock learn nothing, and do not
    // lengthen it (that would let anyone keep an account locked forever).
    return RecordRefusal(
        user->username,
        "account locked until " + std::to_string(store::ToMillis(*user->locked_until)) + " ms",
        request.source);
  }
  if (!has_password) return RecordFailure(*user, "no password set yet", request.source);
  if (!password_ok) return RecordFailure(*user, "wrong password", request.source);
  const auto role = ParseRole(user->role);
  if (!role) return Error(ErrorCode::kIo, "user '" + user->username + "' has an unknown role");

  SignInOutcome outcome{SignInOutcome::State::kSignedIn, user->username, *role};
  std::string detail = "password";
  std::optional<std::int64_t> accepted_step;
  if (user->mfa_enabled) {
    auto secret = UnsealTotpSecret(master_, AsBytes(user->totp_secret_sealed), user->username);
    if (!secret) return secret.error();
    const auto step = MatchTotp(*secret, request.totp_code, store::ToMillis(now) / 1000);
    if (!step) return RecordFailure(*user, "wrong or missing TOTP code", request.source);
    // The stored step survives restarts; the in-memory guard orders concurrent sign-ins.
    if (*step <= user->totp_last_step || !replay_.Accept(user->id, *step)) {
      return RecordFailure(*user, "TOTP code already used", request.source);
    }
    accepted_step = *step;
    detail = "password and TOTP";
  } else if (RoleRequiresMfa(*role)) {
    outcome.state = SignInOutcome::State::kMfaEnrolmentRequired;
    detail = "password; MFA enrolment required before anything else";
  }
  const bool rehash = hasher_.NeedsRehash(user->password_hash);
  std::optional<std::string> new_hash;
  if (rehash) {
    auto h = hasher_.Hash(request.password);
    if (h) new_hash = std::move(*h);
  }
  auto recorded = UpdateAndAudit(user->username,
                                 [&](User& u) -> Result<Done> {
                                   u.failed_logins = 0;
                                   u.locked_until.reset();
                                   u.last_login_at = now;
                                   if (accepted_step) {
                                     u.totp_last_step = std::max(u.totp_last_step, *accepted_step);
                                   }
                                   if (new_hash) u.password_hash = *new_hash;
                                   return Done{};
                                 },
                                 "user.sign_in", detail, {user->username, request.source, ""});
  if (!recorded) return recorded.error();
  return outcome;
}

Result<TotpEnrolment> AccountService::EnrollTotp(const std::string& username, const Actor& by) {
  auto secret = GenerateTotpSecret();
  if (!secret) return secret.error();
  const Bytes sealed = SealTotpSecret(master_, *secret, username);
  auto stored = UpdateAndAudit(
      username,
      [&](User& u) -> Result<Done> {
        if (u.disabled) return Error(ErrorCode::kBadRequest, "the account is disabled");
        if (u.password_hash.empty()) {
          return Error(ErrorCode::kBadRequest, "set a password before enrolling MFA");
        }
        if (u.mfa_enabled) {
          return Error(ErrorCode::kBadRequest,
                       "MFA is already on for this account; an administrator must reset it "
                       "before a new authenticator can be enrolled");
        }
        u.totp_secret_sealed.assign(sealed.begin(), sealed.end());
        return Done{};
      },
      "user.mfa_enrol", "TOTP secret generated (not yet confirmed)", by);
  if (!stored) return stored.error();
  return TotpEnrolment{Base32Encode(*secret), TotpUri(options_.totp_issuer, username, *secret)};
}

Result<Done> AccountService::ConfirmTotp(const std::string& username, const std::string& code,
                                         const Actor& by) {
  auto user = FindExisting(username);
  if (!user) return user.error();
  if (user->mfa_enabled) return Error(ErrorCode::kBadRequest, "MFA is already on");
  if (user->password_hash.empty() || user->totp_secret_sealed.empty()) {
    return Error(ErrorCode::kBadRequest, "no TOTP enrolment is pending; start one first");
  }
  auto secret = UnsealTotpSecret(master_, AsBytes(user->totp_secret_sealed), username);
  if (!secret) return secret.error();
  const auto step = MatchTotp(*secret, code, store::ToMillis(clock_.Now()) / 1000);
  if (!step || *step <= user->totp_last_step || !replay_.Accept(user->id, *step)) {
    auto audited = InStore<Done>(run_, [&](store::Store& s) {
      return AppendAudit(s, clock_.Now(), by.username, "user.mfa_confirm_failed", Subject(username),
                         "code did not match", by.source, by.reason);
    });
    if (!audited) return audited.error();
    return Error(ErrorCode::kBadRequest,
                 "the code does not match the enrolled secret (check the phone's clock and "
                 "enter the current 6-digit code)");
  }
  const std::string enrolled = user->totp_secret_sealed;
  return UpdateAndAudit(
      username,
      [&](User& u) -> Result<Done> {
        if (u.totp_secret_sealed != enrolled) {
          return Error(ErrorCode::kBadRequest, "the enrolment changed meanwhile; start again");
        }
        u.mfa_enabled = true;
        u.totp_last_step = std::max(u.totp_last_step, *step);
        return Done{};
      },
      "user.mfa_enable", "TOTP confirmed; MFA on", by);
}

Result<Done> AccountService::ResetMfa(const std::string& username, const Actor& by) {
  return UpdateAndAudit(
      username,
      [](User& u) -> Result<Done> {
        if (u.password_hash.empty()) {
          return Error(ErrorCode::kBadRequest, "the account has no password yet");
        }
        u.mfa_enabled = false;
        u.totp_secret_sealed.clear();
        return Done{};
      },
      "user.mfa_reset", "MFA removed; the user must enrol again", by);
}

Result<Done> AccountService::ChangePassword(const std::string& username,
                                            const std::string& old_password,
                                            const std::string& new_password, const Actor& by) {
  auto user = FindExisting(username);
  if (!user) return user.error();
  if (user->disabled || (user->locked_until && *user->locked_until > clock_.Now())) {
    // Otherwise a stolen session could keep guessing the password here during a lock.
    auto refused = RecordRefusal(username, "password change while locked or disabled", by.source);
    if (!refused) return refused.error();
    return Refused();
  }
  if (user->password_hash.empty() || !PasswordHasher::Verify(user->password_hash, old_password)) {
    auto failed = RecordFailure(*user, "wrong current password on password change", by.source);
    if (!failed) return failed.error();
    return Refused();
  }
  if (old_password == new_password) {
    return Error(ErrorCode::kBadRequest, "the new password is the same as the current one");
  }
  if (auto refusal = PasswordPolicy::Check(new_password, username)) {
    return Error(ErrorCode::kBadRequest, *refusal);
  }
  auto hash = hasher_.Hash(new_password);
  if (!hash) return hash.error();
  return UpdateAndAudit(
      username,
      [&](User& u) -> Result<Done> {
        u.password_hash = *hash;
        return Done{};
      },
      "user.password_change", "password changed by its owner", by);
}

Result<Done> AccountService::SetDisabled(const std::string& username, bool disabled,
                                         const Actor& by) {
  return UpdateAndAudit(
      username,
      [&](User& u) -> Result<Done> {
        u.disabled = disabled;
        return Done{};
      },
      disabled ? "user.disable" : "user.enable", disabled ? "account disabled" : "account enabled",
      by);
}

Result<Done> AccountService::Unlock(const std::string& username, const Actor& by) {
  return UpdateAndAudit(
      username,
      [](User& u) -> Result<Done> {
        u.failed_logins = 0;
        u.locked_until.reset();
        return Done{};
      },
      "user.unlock", "lockout lifted and failure count reset", by);
}

Result<std::vector<User>> AccountService::ListUsers() {
  return InStore<std::vector<User>>(run_, [](store::Store& s) { return s.ListUsers(); });
}

}  // namespace safelane::security
