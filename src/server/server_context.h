#pragma once
// ServerContext: what every route handler shares. The Store is not thread-safe
// (store.h), so one store is guarded by a mutex: handlers call WithStore(), which holds
// it for the duration of one call. The vault is thread-safe for reads.
//
// Audit: every look-up of plates, journeys and evidence, every sign-in and failure, every
// decision and configuration change goes through Audit(), which records who (the
// principal), when (the clock), from where (the client address), what (action and
// subject) and why (case number and reason, when the route needs them). If the audit
// entry cannot be written the handler refuses to answer (no unaudited look-ups).

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/result.h"
#include "security/master_key.h"
#include "server/api_types.h"
#include "server/rate_limiter.h"
#include "server/session_store.h"
#include "store/clock.h"
#include "store/evidence_vault.h"
#include "store/store.h"

namespace safelane::security {
class AccountService;
}

namespace safelane::server {

struct ServerContext {
  ServerContext(store::Store& store_in, store::EvidenceVault& vault_in,
                const security::MasterKey& master_in, const store::Clock& clock_in,
                SessionLimits session_limits, RateLimit request_limit, RateLimit sign_in_limit)
      : store(store_in),
        vault(vault_in),
        master(master_in),
        clock(clock_in),
        sessions(clock_in, session_limits),
        requests(clock_in, request_limit),
        sign_in_failures(clock_in, sign_in_limit) {}

  // Runs fn with the store locked.
  template <typename Fn>
  auto WithStore(Fn&& fn) {
    std::lock_guard lock(store_mutex);
    return fn(store);
  }

  // The installer's sandbox: its own store and vault (data/sandbox), never the real ones.
  // kBadConfig when this server has none.
  template <typename Fn>
  auto WithSandbox(Fn&& fn)
      -> decltype(fn(std::declval<store::Store&>(), std::declval<store::EvidenceVault&>())) {
    std::lock_guard lock(sandbox_mutex);
    if (sandbox_store == nullptr || sandbox_vault == nullptr) {
      return Error(ErrorCode::kBadConfig, "this server has no sandbox");
    }
    return fn(*sandbox_store, *sandbox_vault);
  }

  store::Store& store;
  std::mutex store_mutex;
  store::EvidenceVault& vault;
  const security::MasterKey& master;
  const store::Clock& clock;
  SessionStore sessions;
  RateLimiter requests;                          // every request, per address
  RateLimiter sign_in_failures;                  // failed sign-ins, per address
  security::AccountService* accounts = nullptr;  // sign-in, MFA, users (security/)
  store::Store* sandbox_store = nullptr;         // see WithSandbox
  store::EvidenceVault* sandbox_vault = nullptr;
  std::mutex sandbox_mutex;
};

// Appends one audit entry for this request. An Error means it was not written.
Result<store::AuditEntry> Audit(ServerContext& ctx, const ApiRequest& req,
                                const std::string& action, const std::string& subject,
                                const std::string& detail);

// Runs fn with the store locked: the StoreRunner that AccountService takes.
void RunWithStore(ServerContext& ctx, const std::function<void(store::Store&)>& fn);

// The caller's name for audit entries: the principal, or "anonymous".
std::string ActorOf(const ApiRequest& req);

// 500 for an Error that is the server's fault, 400 for kBadRequest, 404-free: a missing
// object is the handler's to say.
ApiResponse FromError(const Error& error);

}  // namespace safelane::server
