#pragma once
// The server's TLS identity and settings.
//
// - EnsureTlsIdentity: when the configured certificate and key files do not exist yet, a
//   self-signed certificate is generated (ECDSA P-256, SHA-256, one year, SANs for the
//   listen host and localhost/127.0.0.1/::1) and written with the key file at mode 0600
//   (created exclusively: an existing file is never overwritten). A key file that exists
//   with a mode other than 0600 is refused.
// - HardenTlsContext: TLS 1.2 and 1.3 only, ECDHE + AEAD suites only, no TLS
//   compression, no renegotiation, server cipher preference.

#include <openssl/ssl.h>

#include <filesystem>
#include <string>

#include "core/result.h"

namespace safelane::server {

struct TlsIdentity {
  std::filesystem::path certificate;
  std::filesystem::path private_key;
  std::string sha256_fingerprint;  // "AB:CD:..." of the DER certificate
  bool generated = false;          // true when this call created the files
};

Result<TlsIdentity> EnsureTlsIdentity(const std::filesystem::path& certificate,
                                      const std::filesystem::path& private_key,
                                      const std::string& listen_host);

// The SHA-256 fingerprint of a PEM certificate file.
Result<std::string> CertificateFingerprint(const std::filesystem::path& certificate);

// Loads the identity into ctx and applies the protocol settings; false on failure (the
// reason goes to the log).
bool ConfigureTlsContext(SSL_CTX& ctx, const TlsIdentity& identity);

// The TLS 1.2 suites we accept (ECDHE key exchange, AEAD ciphers only).
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace safelane::server
