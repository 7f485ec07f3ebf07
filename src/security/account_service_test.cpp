#include "security/account_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "security/test_temp_dir.h"
#include "store/audit_chain.h"
#include "store/sqlite_store.h"

namespace safelane::security {
namespace {

using std::chrono::minutes;
using store::FromMillis;
using State = SignInOutcome::State;

const store::TimePoint kT0 = FromMillis(1'767'225'600'000);  // 2026-01-01T00:00:00Z
const Actor kCli{"cli", "cli", "setting up"};
const char kGoodPassword[] = "orange tram at dawn";

// A real SQLite store with a signed audit log, a real master key and a manual clock.
class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto master = CreateMasterKeyFile(dir_ / "master.key");
    ASSERT_TRUE(master.ok()) << master.error().message;
    master_ = std::make_unique<MasterKey>(std::move(*master));
    audit_key_ = std::make_shared<const SigningKey>(store::AuditSigningKey(*master_));
    auto opened = store::SqliteStore::Open(dir_ / "data", clock_, {.audit_signer = audit_key_});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    AccountOptions options;
    // The least argon2id cost: these tests hash dozens of times under sanitizers.
    // password_hasher_test covers the real costs.
    options.hash_cost = PasswordHashCost::Minimum();
    accounts_ = std::make_unique<AccountService>(DirectStore(*store_), *master_, clock_, options);
  }

  // An active account with a password (and MFA when asked); returns its TOTP secret.
  Bytes MakeUser(const std::string& name, Role role, bool mfa) {
    auto token = accounts_->CreateUser(name, "Name of " + name, role, kCli);
    EXPECT_TRUE(token.ok()) << token.error().message;
    auto activated = accounts_->Activate(name, token->token, kGoodPassword, "10.0.0.9");
    EXPECT_TRUE(activated.ok()) << activated.error().message;
    if (!mfa) return {};
    auto enrol = accounts_->EnrollTotp(name, {name, "10.0.0.9", ""});
    EXPECT_TRUE(enrol.ok()) << enrol.error().message;
    auto secret = Base32Decode(enrol->secret_base32);
    EXPECT_TRUE(secret.ok());
    auto confirmed = accounts_->ConfirmTotp(name, Code(*secret), {name, "10.0.0.9", ""});
    EXPECT_TRUE(confirmed.ok()) << confirmed.error().message;
    clock_.Advance(std::chrono::seconds(30));  // the next sign-in needs a fresh step
    return *secret;
  }

  std::string Code(const Bytes& secret) const {
    return TotpCode(secret, store::ToMillis(clock_.Now()) / 1000);
  }

  SignInOutcome SignIn(const std::string& name, const std::string& password,
                       const std::string& code = "", const std::string& from = "198.51.100.7") {
    auto outcome = accounts_->SignIn({name, password, code, from});
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    return outcome.ok() ? *outcome : SignInOutcome{};
  }

  store::User Stored(const std::string& name) {
    auto u = store_->FindUser(name);
    EXPECT_TRUE(u.ok() && u->has_value());
    return u.ok() && u->has_value() ? **u : store::User{};
  }

  std::vector<store::AuditEntry> Audit() {
    auto entries = store_->ListAudit(0, 1000);
    EXPECT_TRUE(entries.ok()) << entries.error().message;
    return entries.ok() ? *entries : std::vector<store::AuditEntry>{};
  }

  int Count(const std::string& action) {
    int n = 0;
    for (const auto& e : Audit()) n += e.action == action ? 1 : 0;
    return n;
  }

  testing::TempDir dir_;
  store::ManualClock clock_{kT0};
  std::unique_ptr<MasterKey> master_;
  std::shared_ptr<const SigningKey> audit_key_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<AccountService> accounts_;
};

TEST_F(AccountServiceTest, FirstAdministratorOnlyOnceWithAOneTimeHashedToken) {
  auto token = accounts_->InitFirstAdministrator("chief", "Chief Admin", kCli);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->token.size(), 64U);
  EXPECT_EQ(token->expires_at, kT0 + minutes(30));
  const store::User stored = Stored("chief");
  EXPECT_EQ(stored.role, "administrator");
  EXPECT_EQ(stored.password_hash, "") << "no password until the token is used";
  EXPECT_EQ(std::string(stored.totp_secret_sealed).find(token->token), std::string::npos)
      << "the token itself is never stored";
  // No password exists, so nothing signs in; there is no default password to guess.
  for (const char* guess : {"", "admin", "chief", "password", "changeme"}) {
    EXPECT_EQ(SignIn("chief", guess).state, State::kRefused) << guess;
  }
  auto again = accounts_->InitFirstAdministrator("other", "Other", kCli);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("already exist"), std::string::npos);

  auto wrong = accounts_->Activate("chief", std::string(64, '0'), kGoodPassword, "cli");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, kSignInRefused);
  auto weak = accounts_->Activate("chief", token->token, "password1234", "cli");
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.error().message.find("commonly used"), std::string::npos);
  ASSERT_TRUE(accounts_->Activate("chief", token->token, kGoodPassword, "cli").ok());
  auto reused = accounts_->Activate("chief", token->token, "another long phrase", "cli");
  ASSERT_FALSE(reused.ok()) << "a token is consumed on use";
  EXPECT_EQ(reused.error().message, kSignInRefused);
  EXPECT_TRUE(Stored("chief").password_hash.rfind("$argon2id$", 0) == 0);
  EXPECT_EQ(Count("user.init"), 1);
  EXPECT_EQ(Count("user.activate"), 1);
  EXPECT_EQ(Count("user.activate_failed"), 2);
}

TEST_F(AccountServiceTest, SetupTokensExpire) {
  auto token = accounts_->CreateUser("late.user", "Late", Role::kAuditor, kCli);
  ASSERT_TRUE(token.ok());
  clock_.Advance(minutes(30));
  auto late = accounts_->Activate("late.user", token->token, kGoodPassword, "cli");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().message, kSignInRefused);
  // An administrator can issue a fresh one.
  auto fresh = accounts_->IssueSetupToken("late.user", kCli);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(accounts_->Activate("late.user", fresh->token, kGoodPassword, "cli").ok());
}

TEST_F(AccountServiceTest, PlateSeeingRolesMustEnrolMfaBeforeAnythingElse) {
  MakeUser("op.one", Role::kOperator, false);
  MakeUser("aud.one", Role::kAuditor, false);
  const auto op = SignIn("op.one", kGoodPassword);
  EXPECT_EQ(op.state, State::kMfaEnrolmentRequired);
  EXPECT_EQ(op.role, Role::kOperator);
  EXPECT_EQ(SignIn("aud.one", kGoodPassword).state, State::kSignedIn)
      << "an auditor sees no plates; MFA is optional";

  auto enrol = accounts_->EnrollTotp("op.one", {"op.one", "198.51.100.7", ""});
  ASSERT_TRUE(enrol.ok()) << enrol.error().message;
  EXPECT_EQ(enrol->otpauth_uri.rfind("otpauth://totp/SafeLane:op.one?secret=", 0), 0U);
  auto secret = Base32Decode(enrol->secret_base32);
  ASSERT_TRUE(secret.ok());
  EXPECT_FALSE(accounts_->ConfirmTotp("op.one", "000000", {"op.one", "x", ""}).ok() &&
               Code(*secret) != "000000");
  ASSERT_TRUE(accounts_->ConfirmTotp("op.one", Code(*secret), {"op.one", "x", ""}).ok());
  EXPECT_TRUE(Stored("op.one").mfa_enabled);
  // The sealed secret in the database is not the secret.
  const std::string sealed = Stored("op.one").totp_secret_sealed;
  EXPECT_EQ(sealed.find(std::string(secret->begin(), secret->end())), std::string::npos);

  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(SignIn("op.one", kGoodPassword).state, State::kRefused) << "code now required";
  const std::string code = Code(*secret);
  EXPECT_EQ(SignIn("op.one", kGoodPassword, code).state, State::kSignedIn);
  EXPECT_EQ(SignIn("op.one", kGoodPassword, code).state, State::kRefused) << "replayed code";
  // Re-enrolment needs an administrator.
  EXPECT_FALSE(accounts_->EnrollTotp("op.one", {"op.one", "x", ""}).ok());
  ASSERT_TRUE(accounts_->ResetMfa("op.one", kCli).ok());
  EXPECT_EQ(SignIn("op.one", kGoodPassword).state, State::kMfaEnrolmentRequired);
}

// The accepted step is stored in the user's record: a new AccountService (a restart of
// the server) still refuses a code already used, and the code used to confirm MFA.
TEST_F(AccountServiceTest, AUsedCodeStaysUsedAcrossARestart) {
  const Bytes secret = MakeUser("op.two", Role::kOperator, true);
  const std::string code = Code(secret);
  ASSERT_EQ(SignIn("op.two", kGoodPassword, code).state, State::kSignedIn);
  EXPECT_EQ(Stored("op.two").totp_last_step, store::ToMillis(clock_.Now()) / 1000 / 30);
  AccountOptions options;
  options.hash_cost = PasswordHashCost::Minimum();
  accounts_ = std::make_unique<AccountService>(DirectStore(*store_), *master_, clock_, options);
  EXPECT_EQ(SignIn("op.two", kGoodPassword, code).state, State::kRefused) << "replay after restart";
  // The previous step's code is still inside the drift window but older than the stored
  // step: refused too.
  EXPECT_EQ(
      SignIn("op.two", kGoodPassword, TotpCode(secret, store::ToMillis(clock_.Now()) / 1000 - 30))
          .state,
      State::kRefused);
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_EQ(SignIn("op.two", kGoodPassword, Code(secret)).state, State::kSignedIn);

  // ConfirmTotp stores its step as well.
  MakeUser("op.three", Role::kOperator, false);
  auto enrol = accounts_->EnrollTotp("op.three", {"op.three", "x", ""});
  ASSERT_TRUE(enrol.ok());
  auto fresh = Base32Decode(enrol->secret_base32);
  ASSERT_TRUE(fresh.ok());
  const std::string confirm_code = Code(*fresh);
  ASSERT_TRUE(accounts_->ConfirmTotp("op.three", confirm_code, {"op.three", "x", ""}).ok());
  accounts_ = std::make_unique<AccountService>(DirectStore(*store_), *master_, clock_, options);
  EXPECT_EQ(SignIn("op.three", kGoodPassword, confirm_code).state, State::kRefused);
}

TEST_F(AccountServiceTest, UnknownUserWrongPasswordAndWrongCodeLookTheSame) {
  const Bytes secret = MakeUser("inv.one", Role::kInvestigator, true);
  MakeUser("gone", Role::kInstaller, false);
  ASSERT_TRUE(accounts_->SetDisabled("gone", true, kCli).ok());
  std::set<std::string> answers;
  for (const auto& [name, password, code] :
       {std::tuple<std::string, std::string, std::string>{"nobody", kGoodPassword, ""},
        {"inv.one", "wrong password here", Code(secret)},
        {"inv.one", kGoodPassword, "123456"},
        {"inv.one", kGoodPassword, ""},
        {"gone", kGoodPassword, ""}}) {
    auto outcome = accounts_->SignIn({name, password, code, "198.51.100.7"});
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->state, State::kRefused) << name;
    EXPECT_EQ(outcome->username, "") << "a refusal carries nothing";
    answers.insert(std::to_string(static_cast<int>(outcome->state)) + outcome->username);
  }
  EXPECT_EQ(answers.size(), 1U);
  // The audit log, not the caller, learns why.
  std::set<std::string> reasons;
  for (const auto& e : Audit()) {
    if (e.action == "user.sign_in_failed") reasons.insert(e.detail.substr(0, e.detail.find(';')));
  }
  EXPECT_TRUE(reasons.count("unknown username"));
  EXPECT_TRUE(reasons.count("wrong password"));
  EXPECT_TRUE(reasons.count("wrong or missing TOTP code"));
  EXPECT_TRUE(reasons.count("account disabled"));
}

TEST_F(AccountServiceTest, UnknownUsersCostTheSameArgon2Work) {
  // Real argon2id costs, so the hash dominates the time of a sign-in.
  AccountOptions options;
  options.hash_cost = PasswordHashCost::Interactive();
  AccountService slow(DirectStore(*store_), *master_, clock_, options);
  auto token = slow.CreateUser("timed.user", "T", Role::kAuditor, kCli);
  ASSERT_TRUE(token.ok());
  ASSERT_TRUE(slow.Activate("timed.user", token->token, kGoodPassword, "cli").ok());
  // The fastest of three runs each, so a busy machine does not decide the outcome.
  auto time_of = [&](const std::string& name) {
    auto best = std::chrono::steady_clock::duration::max();
    for (int i = 0; i < 3; ++i) {
      const auto start = std::chrono::steady_clock::now();
      EXPECT_TRUE(slow.SignIn({name, "not the password", "", "x"}).ok());
      best = std::min(best, std::chrono::steady_clock::now() - start);
    }
    return best;
  };
  const auto unknown = time_of("no.such.user");  // first: includes making the dummy hash
  const auto known = time_of("timed.user");
  // An unknown name must not answer in a fraction of the time (no hash at all would be
  // well under 10 % of it).
  EXPECT_GT(unknown * 2, known) << "unknown " << unknown.count() << " known " << known.count();
  EXPECT_GT(known * 2, unknown);
}

TEST_F(AccountServiceTest, LockoutHoldsAgainstBruteForceAndDoubles) {
  MakeUser("aud.two", Role::kAuditor, false);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(SignIn("aud.two", "guess number " + std::to_string(i)).state, State::kRefused);
  }
  EXPECT_EQ(Stored("aud.two").failed_logins, 4);
  EXPECT_FALSE(Stored("aud.two").locked_until.has_value());
  EXPECT_EQ(SignIn("aud.two", "guess number 4").state, State::kRefused);
  ASSERT_TRUE(Stored("aud.two").locked_until.has_value());
  EXPECT_EQ(*Stored("aud.two").locked_until, kT0 + minutes(15));
  EXPECT_EQ(Count("user.locked"), 1);
  // While locked even the right password is refused, and guesses do not count.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(SignIn("aud.two", kGoodPassword).state, State::kRefused);
  EXPECT_EQ(Stored("aud.two").failed_logins, 5);
  clock_.Advance(minutes(15));
  // Five more failures: twice as long.
  for (int i = 0; i < 5; ++i) SignIn("aud.two", "second round " + std::to_string(i));
  EXPECT_EQ(*Stored("aud.two").locked_until, kT0 + minutes(15) + minutes(30));
  clock_.Advance(minutes(30));
  EXPECT_EQ(SignIn("aud.two", kGoodPassword).state, State::kSignedIn);
  EXPECT_EQ(Stored("aud.two").failed_logins, 0);
  EXPECT_EQ(Stored("aud.two").last_login_at, clock_.Now());
  // A signed-in session cannot guess on through the password change either.
  for (int i = 0; i < 5; ++i) SignIn("aud.two", "fourth round " + std::to_string(i));
  auto change = accounts_->ChangePassword("aud.two", kGoodPassword, "a new long phrase",
                                          {"aud.two", "x", ""});
  ASSERT_FALSE(change.ok());
  EXPECT_EQ(change.error().message, kSignInRefused);
  ASSERT_TRUE(accounts_->Unlock("aud.two", kCli).ok());
  ASSERT_EQ(SignIn("aud.two", kGoodPassword).state, State::kSignedIn);
  // An administrator can lift a lock early.
  for (int i = 0; i < 5; ++i) SignIn("aud.two", "third round " + std::to_string(i));
  EXPECT_EQ(SignIn("aud.two", kGoodPassword).state, State::kRefused);
  ASSERT_TRUE(accounts_->Unlock("aud.two", kCli).ok());
  EXPECT_EQ(SignIn("aud.two", kGoodPassword).state, State::kSignedIn);
}

TEST_F(AccountServiceTest, PasswordChangeNeedsTheCurrentOneAndFollowsThePolicy) {
  MakeUser("inst.one", Role::kInstaller, false);
  const Actor me{"inst.one", "10.1.1.1", ""};
  auto wrong = accounts_->ChangePassword("inst.one", "not it at all", "a brand new phrase", me);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, kSignInRefused);
  EXPECT_EQ(Stored("inst.one").failed_logins, 1);
  auto weak = accounts_->ChangePassword("inst.one", kGoodPassword, "inst.one.2026!", me);
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.error().message.find("username"), std::string::npos);
  ASSERT_TRUE(accounts_->ChangePassword("inst.one", kGoodPassword, "a brand new phrase", me).ok());
  EXPECT_EQ(SignIn("inst.one", kGoodPassword).state, State::kRefused);
  EXPECT_EQ(SignIn("inst.one", "a brand new phrase").state, State::kSignedIn);
}

TEST_F(AccountServiceTest, EveryAccountEventIsAuditedWithWhoWhenWhereWhatWhy) {
  MakeUser("sup.one", Role::kSupervisor, false);
  SignIn("sup.one", "bad guess of a password", "", "203.0.113.5");
  ASSERT_TRUE(accounts_->SetDisabled("sup.one", true, {"chief", "10.0.0.1", "left the unit"}).ok());
  const auto entries = Audit();
  ASSERT_FALSE(entries.empty());
  bool saw_failure = false;
  bool saw_disable = false;
  for (const auto& e : entries) {
    EXPECT_EQ(e.subject.rfind("user:", 0), 0U) << e.action;
    if (e.action == "user.sign_in_failed") {
      saw_failure = true;
      EXPECT_EQ(e.source, "203.0.113.5");
      EXPECT_EQ(e.actor, "sup.one");
      EXPECT_EQ(e.at, kT0);
      EXPECT_EQ(e.detail.find(kGoodPassword), std::string::npos);
    }
    if (e.action == "user.disable") {
      saw_disable = true;
      EXPECT_EQ(e.actor, "chief");
      EXPECT_EQ(e.source, "10.0.0.1");
      EXPECT_EQ(e.reason, "left the unit");
    }
    // No password, token or secret ever reaches the log.
    EXPECT_EQ(e.detail.find("orange"), std::string::npos);
  }
  EXPECT_TRUE(saw_failure);
  EXPECT_TRUE(saw_disable);
  EXPECT_TRUE(store_->VerifyAuditChain(audit_key_->public_key()).ok());
}

TEST_F(AccountServiceTest, WeakerStoredHashesAreUpgradedAtSignIn) {
  MakeUser("aud.old", Role::kAuditor, false);
  AccountOptions stronger;
  stronger.hash_cost = {PasswordHashCost::Minimum().ops + 1, PasswordHashCost::Minimum().memory};
  AccountService upgraded(DirectStore(*store_), *master_, clock_, stronger);
  const std::string before = Stored("aud.old").password_hash;
  auto outcome = upgraded.SignIn({"aud.old", kGoodPassword, "", "x"});
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->state, State::kSignedIn);
  const std::string after = Stored("aud.old").password_hash;
  EXPECT_NE(before, after);
  EXPECT_NE(after.find("t=2"), std::string::npos) << after;
  EXPECT_EQ(SignIn("aud.old", kGoodPassword).state, State::kSignedIn);
}

}  // namespace
}  // namespace safelane::security
