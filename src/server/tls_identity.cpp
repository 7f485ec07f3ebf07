#include "server/tls_identity.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

namespace safelane::server {
namespace {

namespace fs = std::filesystem;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

std::string OpenSslError(const std::string& what) {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  char buf[256] = {};
  if (code != 0) ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  return what + (code != 0 ? std::string(": ") + buf : std::string());
}

bool IsIpAddress(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string SubjectAltNames(const std::string& host) {
  std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
  if (!host.empty() && host != "localhost" && host != "127.0.0.1" && host != "::1" &&
      host != "0.0.0.0" && host != "::") {
    san += (IsIpAddress(host) ? ",IP:" : ",DNS:") + host;
  }
  return san;
}

bool AddExtension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Result<X509Ptr> MakeCertificate(EVP_PKEY* key, const std::string& host) {
  X509Ptr cert(X509_new());
  if (!cert) return Error(ErrorCode::kIo, OpenSslError("X509_new"));
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof serial_bytes) != 1) {
    return Error(ErrorCode::kIo, OpenSslError("RAND_bytes"));
  }
  serial_bytes[0] &= 0x7f;  // a positive serial number
  BignumPtr serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Error(ErrorCode::kIo, OpenSslError("serial number"));
  }
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("SafeLane"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (!AddExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !AddExtension(cert.get(), NID_key_usage, "critical,digitalSignature") ||
      !AddExtension(cert.get(), NID_ext_key_usage, "serverAuth") ||
      !AddExtension(cert.get(), NID_subject_alt_name, SubjectAltNames(host))) {
    return Error(ErrorCode::kIo, OpenSslError("certificate extensions"));
  }
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) {
    return Error(ErrorCode::kIo, OpenSslError("X509_sign"));
  }
  return cert;
}

// Writes PEM text into a new file of the given mode; never overwrites.
template <typename WriteFn>
std::optional<Error> WriteNewPem(const fs::path& path, mode_t mode, WriteFn write) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Error(ErrorCode::kIo, path.string() + ": " + std::strerror(errno));
  FILE* file = ::fdopen(fd, "w");
  if (file == nullptr) {
    ::close(fd);
    return Error(ErrorCode::kIo, path.string() + ": fdopen failed");
  }
  const bool ok = write(file) == 1;
  const bool flushed = std::fflush(file) == 0 && ::fsync(fd) == 0;
  std::fclose(file);
  if (!ok || !flushed) {
    ::unlink(path.c_str());
    return Error(ErrorCode::kIo, OpenSslError(path.string() + ": writing PEM failed"));
  }
  return std::nullopt;
}

std::optional<Error> CheckKeyFileMode(const fs::path& key) {
  struct stat st {};
  if (::stat(key.c_str(), &st) != 0) {
    return Error(ErrorCode::kBadConfig, key.string() + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 0777) != 0600) {
    return Error(ErrorCode::kBadConfig, key.string() + ": TLS private key must have mode 0600");
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> CertificateFingerprint(const fs::path& certificate) {
  FILE* file = std::fopen(certificate.c_str(), "r");
  if (file == nullptr) {
    return Error(ErrorCode::kBadConfig, certificate.string() + ": " + std::strerror(errno));
  }
  X509Ptr cert(PEM_read_X509(file, nullptr, nullptr, nullptr));
  std::fclose(file);
  if (!cert) {
    return Error(ErrorCode::kBadConfig, OpenSslError(certificate.string() + ": not a PEM cert"));
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) {
    return Error(ErrorCode::kIo, OpenSslError("X509_digest"));
  }
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02X", md[i]);
    if (i > 0) out += ':';
    out += hex;
  }
  return out;
}

Result<TlsIdentity> EnsureTlsIdentity(const fs::path& certificate, const fs::path& private_key,
                                      const std::string& listen_host) {
  TlsIdentity identity{certificate, private_key, "", false};
  std::error_code ec;
  const bool have_cert = fs::exists(certificate, ec);
  const bool have_key = fs::exists(private_key, ec);
  if (have_cert != have_key) {
    return Error(ErrorCode::kBadConfig,
                 "TLS certificate and key must both exist or both be absent (" +
                     certificate.string() + ", " + private_key.string() + ")");
  }
  if (!have_cert) {
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) return Error(ErrorCode::kIo, OpenSslError("EC key generation"));
    auto cert = MakeCertificate(key.get(), listen_host.empty() ? "localhost" : listen_host);
    if (!cert.ok()) return cert.error();
    if (auto e = WriteNewPem(private_key, 0600, [&](FILE* f) {
          return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
        })) {
      return *e;
    }
    if (auto e = WriteNewPem(certificate, 0644,
                             [&](FILE* f) { return PEM_write_X509(f, cert->get()); })) {
      ::unlink(private_key.c_str());
      return *e;
    }
    identity.generated = true;
  }
  if (auto e = CheckKeyFileMode(private_key)) return *e;
  auto fingerprint = CertificateFingerprint(certificate);
  if (!fingerprint.ok()) return fingerprint.error();
  identity.sha256_fingerprint = *fingerprint;
  return identity;
}

bool ConfigureTlsContext(SSL_CTX& ctx, const TlsIdentity& identity) {
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_SSLv3 |
                                SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  if (SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(&ctx, kTls12Ciphers) != 1 ||
      SSL_CTX_use_certificate_chain_file(&ctx, identity.certificate.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(&ctx, identity.private_key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(&ctx) != 1) {
    spdlog::error("{}", OpenSslError("TLS context setup failed"));
    return false;
  }
  return true;
}

}  // namespace safelane::server
