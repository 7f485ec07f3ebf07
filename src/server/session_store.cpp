#include "server/session_store.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "security/bytes.h"

namespace safelane::server {

std::string RandomToken() {
  std::array<std::uint8_t, 32> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  return security::ToHex(bytes);
}

bool TokensEqual(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool SessionStore::Expired(const Session& s, store::TimePoint now) const {
  return now - s.last_seen >= limits_.idle || now - s.created_at >= limits_.absolute;
}

Session SessionStore::Create(const std::string& username, security::Role role,
                             const std::string& source, bool enrolment_only) {
  const store::TimePoint now = clock_.Now();
  Session session{RandomToken(), RandomToken(), username, role, source, enrolment_only, now, now};
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= limits_.max_sessions) {
    std::erase_if(sessions_, [&](const auto& kv) { return Expired(kv.second, now); });
  }
  if (sessions_.size() >= limits_.max_sessions) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.created_at < b.second.created_at; });
    sessions_.erase(oldest);
  }
  sessions_.emplace(session.id, session);
  return session;
}

std::optional<Session> SessionStore::Touch(const std::string& id) {
  const store::TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second;
}

void SessionStore::Revoke(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

void SessionStore::RevokeUser(const std::string& username) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.username == username; });
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace safelane::server
