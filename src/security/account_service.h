#pragma once
// AccountService: people's accounts over the Store's users (issue 5). There is never a
// default account or password:
//
// - The first administrator exists only through InitFirstAdministrator, which works only
//   while no user exists and returns a one-time setup token; every other account is
//   created by an administrator (CreateUser), also with a one-time token. A token is
//   printed or shown once, stored only as its SHA-256 (in place of the password hash, so
//   the account cannot sign in until Activate sets a password), expires after
//   `setup_token_ttl` and is consumed on use.
// - Passwords: PasswordPolicy (NIST 800-63B) then argon2id (PasswordHasher).
// - Sign-in: password, then the TOTP code when MFA is on. Unknown user, wrong password,
//   wrong or replayed code, locked or disabled account all give the same refusal
//   (kSignInRefused), and an unknown user costs the same argon2id work as a known one
//   (a dummy hash), so neither the answer nor its timing tells whether a name exists.
//   The true reason goes to the audit log.
// - Lockout per account: `lockout_threshold` consecutive failures lock the account for
//   `lockout_base`, doubling with each further threshold reached (15, 30, 60 min ... at
//   most `lockout_max`); success resets the count. The per-address limit lives in the
//   server (server/rate_limiter.h: failed sign-ins per address), so an attacker spraying
//   many accounts from one address is stopped there and one account hammered from many
//   addresses is stopped here.
// - MFA is mandatory for RoleRequiresMfa roles: with a right password but no MFA enrolled
//   the answer is kMfaEnrolmentRequired, a state in which the caller may only enrol.
// - Everything that changes an account, every sign-in and every refusal is appended to
//   the audit log (who, when, from where, what, why); if that append fails, the operation
//   fails.
//
// Thread-safe when `run` serialises store access (the server passes its store mutex);
// argon2id runs outside `run`, so a sign-in never holds the store for 0.1 s.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "security/master_key.h"
#include "security/password_hasher.h"
#include "security/permission.h"
#include "security/totp.h"
#include "store/clock.h"
#include "store/store.h"

namespace safelane::security {

using store::Done;

// The one message every refused sign-in or activation gets.
inline constexpr std::string_view kSignInRefused =
    "sign-in refused: wrong username, password or code, or the account is locked or disabled";

struct AccountOptions {
  PasswordHashCost hash_cost = PasswordHashCost::Production();
  int lockout_threshold = 5;                  // consecutive failures, [1, 100]
  std::chrono::minutes lockout_base{15};      // first lock
  std::chrono::minutes lockout_max{24 * 60};  // longest lock
  std::chrono::minutes setup_token_ttl{30};   // one-time tokens
  std::string totp_issuer = "SafeLane";       // shown in authenticator apps
};

// Who asks, from where and why: the audit fields of the operation.
struct Actor {
  std::string username;  // the signed-in person, or "cli" / "anonymous"
  std::string source;    // client address, or "cli"
  std::string reason;    // free text, may be empty
};

struct SignInRequest {
  std::string username;
  std::string password;
  std::string totp_code;  // empty when the account has no MFA yet
  std::string source;     // client address
};

struct SignInOutcome {
  enum class State {
    kSignedIn,              // full session for `role`
    kMfaEnrolmentRequired,  // password right, MFA mandatory and not enrolled: enrol only
    kRefused,               // kSignInRefused; nothing else is said
  };
  State state = State::kRefused;
  std::string username;
  Role role = Role::kInstaller;
};

struct SetupToken {
  std::string username;
  std::string token;  // shown once: 64 hex digits (256 random bits)
  store::TimePoint expires_at;
};

struct TotpEnrolment {
  std::string secret_base32;
  std::string otpauth_uri;
};

// Runs one function with exclusive use of the store.
using StoreRunner = std::function<void(const std::function<void(store::Store&)>&)>;

// A runner for a store nobody else uses at the same time (the CLI, tests).
StoreRunner DirectStore(store::Store& store);

class AccountService {
 public:
  // The master key seals TOTP secrets; it must outlive the service.
  AccountService(StoreRunner run, const MasterKey& master, const store::Clock& clock,
                 AccountOptions options = {});

  // Only while the store has no user at all; otherwise kBadRequest.
  Result<SetupToken> InitFirstAdministrator(const std::string& username,
                                            const std::string& display_name, const Actor& by);
  // A new account (the caller has checked kUserAdmin) with a one-time token.
  Result<SetupToken> CreateUser(const std::string& username, const std::string& display_name,
                                Role role, const Actor& by);
  // Replaces the password with a fresh one-time token (a forgotten password).
  Result<SetupToken> IssueSetupToken(const std::string& username, const Actor& by);
  // Sets the first (or reset) password with the token. A wrong, expired or used token is
  // kBadRequest with kSignInRefused; a password the policy refuses is kBadRequest with
  // the policy's reason.
  Result<Done> Activate(const std::string& username, const std::string& token,
                        const std::string& new_password, const std::string& source);

  // Error only when the store or the audit log fails; a refusal is an outcome.
  Result<SignInOutcome> SignIn(const SignInRequest& request);

  // Starts (or restarts, while not yet confirmed) TOTP enrolment for a signed-in user.
  // Refused once MFA is on (an administrator must reset it: ResetMfa).
  Result<TotpEnrolment> EnrollTotp(const std::string& username, const Actor& by);
  // Turns MFA on when `code` is current for the enrolled secret.
  Result<Done> ConfirmTotp(const std::string& username, const std::string& code, const Actor& by);
  Result<Done> ResetMfa(const std::string& username, const Actor& by);

  Result<Done> ChangePassword(const std::string& username, const std::string& old_password,
                              const std::string& new_password, const Actor& by);
  Result<Done> SetDisabled(const std::string& username, bool disabled, const Actor& by);
  Result<Done> Unlock(const std::string& username, const Actor& by);

  // Every account (for listing); never exposes hashes beyond what store::User holds.
  Result<std::vector<store::User>> ListUsers();

 private:
  enum class TokenFor { kFirstAdministrator, kNewUser, kExistingUser };

  Result<store::User> FindExisting(const std::string& username);
  Result<SetupToken> StoreSetupToken(store::User user, TokenFor what, const Actor& by);
  // Applies `change` to the stored user and appends one audit entry, in one store call.
  Result<Done> UpdateAndAudit(const std::string& username,
                              const std::function<Result<Done>(store::User&)>& change,
                              const std::string& action, const std::string& detail,
                              const Actor& by);
  // Counts a failed sign-in (and locks when the threshold is reached) and audits it.
  Result<SignInOutcome> RecordFailure(const store::User& user, const std::string& why,
                                      const std::string& source);
  Result<SignInOutcome> RecordRefusal(const std::string& attempted, const std::string& why,
                                      const std::string& source);

  StoreRunner run_;
  const MasterKey& master_;
  const store::Clock& clock_;
  AccountOptions options_;
  PasswordHasher hasher_;
  // Verified against for unknown users (equal timing); made at the first sign-in, so
  // commands that never sign anyone in do not pay for it.
  const std::string& DummyHash();
  std::once_flag dummy_once_;
  std::string dummy_hash_;
  TotpReplayGuard replay_;
};

}  // namespace safelane::security
