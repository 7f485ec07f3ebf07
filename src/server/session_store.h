#pragma once
// SessionStore: signed-in sessions, held in this process's memory only. A restart
// signs everyone out (nothing to steal from disk, nothing to expire by hand).
//
// - Ids and CSRF tokens are 256 random bits (libsodium), hex; the id travels only in the
//   cookie (HttpOnly, Secure, SameSite=Strict), the CSRF token only in a header.
// - A session ends after `idle` without a request or `absolute` after sign-in, whichever
//   comes first, measured on the injected clock; an expired session is removed when seen.
// - Sign-in always makes a new id (rotation: an id planted before sign-in is worthless).
// - At most `max_sessions` live at once; when full, expired ones are swept, then the
//   oldest is dropped.
// Thread-safe.

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "security/permission.h"
#include "store/clock.h"

namespace safelane::server {

struct SessionLimits {
  std::chrono::milliseconds idle = std::chrono::minutes(15);
  std::chrono::milliseconds absolute = std::chrono::hours(8);
  std::size_t max_sessions = 10'000;
};

struct Session {
  std::string id;          // 64 hex digits
  std::string csrf_token;  // 64 hex digits
  std::string username;
  security::Role role = security::Role::kInstaller;
  std::string source;  // the address that signed in
  // Password right but mandatory MFA not enrolled yet: only kOwnAccount routes (enrol,
  // who am I, sign out) are open to this session.
  bool enrolment_only = false;
  store::TimePoint created_at;
  store::TimePoint last_seen;
};

class SessionStore {
 public:
  SessionStore(const store::Clock& clock, SessionLimits limits) : clock_(clock), limits_(limits) {}

  Session Create(const std::string& username, security::Role role, const std::string& source,
                 bool enrolment_only = false);
  // The live session with this id, its idle timer restarted; nullopt if unknown or expired.
  std::optional<Session> Touch(const std::string& id);
  void Revoke(const std::string& id);
  // Ends every session of a user (disabled account, changed role).
  void RevokeUser(const std::string& username);
  std::size_t size() const;
  const SessionLimits& limits() const { return limits_; }

 private:
  bool Expired(const Session& s, store::TimePoint now) const;

  const store::Clock& clock_;
  SessionLimits limits_;
  mutable std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

// 32 random bytes as 64 hex digits.
std::string RandomToken();

// Constant-time comparison of two tokens.
bool TokensEqual(const std::string& a, const std::string& b);

}  // namespace safelane::server
