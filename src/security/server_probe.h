#pragma once
// ServerProbe: the network half of `safelane doctor`. It talks to a running SafeLane
// server the way an outsider would (OpenSSL client, no credentials) and reports:
//
//   server-listen     which local addresses listen on the port (/proc/net/tcp*): WARN on a
//                     wildcard address, so an operator sees "reachable from every network"
//   server-tls        negotiated version >= TLS 1.2 (FAIL below), and TLS 1.0/1.1 refused
//                     (a second handshake offering only those must fail)
//   server-cert       validity period against the clock (FAIL expired or not yet valid,
//                     WARN within 30 days of expiry), SHA-256 fingerprint printed, and
//                     compared when the operator passes the one `safelane serve` printed
//   server-headers    HSTS, CSP without 'unsafe-inline' scripts, X-Frame-Options DENY (or
//                     CSP frame-ancestors 'none'), Referrer-Policy no-referrer, nosniff
//   server-anonymous  API routes that return plates, positions, accounts or the audit log
//                     answer an anonymous caller 401 with no data
//
// The certificate is not checked against a CA (installations use a self-signed one): the
// fingerprint is what proves identity, so pass it. ProbeServer ignores SIGPIPE for the
// process (a closed connection is a result, not a crash).

#include <chrono>
#include <string>
#include <vector>

#include "security/self_check.h"
#include "store/clock.h"

namespace safelane::security {

struct ProbeOptions {
  std::string url;                   // https://host:port (a path is ignored)
  std::string expected_fingerprint;  // SHA-256 hex, colons optional; empty: not compared
  store::TimePoint now;              // for the certificate's validity
  std::chrono::seconds timeout{10};
};

// The API routes an anonymous probe must be refused on.
const std::vector<std::string>& ProtectedProbePaths();

std::vector<CheckResult> ProbeServer(const ProbeOptions& options);

}  // namespace safelane::security
