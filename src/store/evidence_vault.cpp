#include "store/evidence_vault.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "security/aead.h"
#include "security/sha256.h"
#include "security/sodium_init.h"
#include "store/store_types.h"

namespace safelane::store {

using security::Bytes;
using security::ByteSpan;

namespace {

// File layout: magic, wrapped object key (sealed 32-byte key), sealed content.
constexpr std::array<std::uint8_t, 4> kMagic = {'S', 'L', 'V', '1'};
constexpr std::size_t kWrappedKeyBytes = 32 + security::kSealOverhead;

std::string KeyContext(const std::string& sha) {
  return "safelane-vault-key:" + sha;
}
std::string ObjectContext(const std::string& sha) {
  return "safelane-vault-object:" + sha;
}

Error IoError(const std::filesystem::path& path, const std::string& what) {
  return {ErrorCode::kIo, "evidence vault: " + path.string() + ": " + what};
}

// Writes all bytes to a new file and renames it into place: readers see the whole object
// or none. Durability comes from Sync() (one syncfs for a batch, not two fsyncs an object).
Result<Done> WriteAtomically(const std::filesystem::path& path, ByteSpan bytes) {
  const std::filesystem::path dir = path.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError(dir, ec.message());
  std::string tmp = (dir / (path.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) return IoError(dir, std::strerror(errno));
  std::size_t put = 0;
  bool ok = true;
  while (ok && put < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + put, bytes.size() - put);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) put += static_cast<std::size_t>(n);
  }
  const std::string reason = ok ? "" : std::strerror(errno);
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = ok ? std::strerror(errno) : reason;
    ::unlink(tmp.c_str());
    return IoError(path, why);
  }
  return Done{};
}

std::uintmax_t ObjectFileBytes(std::uint64_t plaintext_bytes) {
  return kMagic.size() + kWrappedKeyBytes + plaintext_bytes + security::kSealOverhead;
}

}  // namespace

Result<EvidenceVault> EvidenceVault::Open(const std::filesystem::path& root,
                                          const security::MasterKey& master) {
  if (auto e = security::InitSodium()) return *e;
  std::error_code ec;
  if (!std::filesystem::exists(root, ec)) {
    std::filesystem::create_directories(root, ec);
    if (ec) return IoError(root, ec.message());
    ::chmod(root.c_str(), 0700);
  }
  if (!std::filesystem::is_directory(root, ec)) return IoError(root, "not a directory");
  return EvidenceVault(root, master.Derive(security::MasterKey::Purpose::kWrapObjectKeys));
}

std::filesystem::path EvidenceVault::PathOf(const std::string& sha256) const {
  return root_ / sha256.substr(0, 2) / sha256.substr(2, 2) / sha256;
}

bool EvidenceVault::Contains(const std::string& sha256) const {
  std::error_code ec;
  return security::IsSha256Hex(sha256) && std::filesystem::is_regular_file(PathOf(sha256), ec);
}

Result<PutResult> EvidenceVault::Put(ByteSpan plaintext) {
  if (plaintext.size() > kMaxEvidenceObjectBytes) {
    return Error(ErrorCode::kBadRequest, "evidence object larger than 64 MiB");
  }
  PutResult result{security::Sha256Hex(plaintext), false};
  // An object of the right size is complete (it was renamed into place whole); anything
  // else, e.g. a file a crash left empty before Sync(), is written again.
  std::error_code ec;
  const auto path = PathOf(result.sha256);
  if (std::filesystem::file_size(path, ec) == ObjectFileBytes(plaintext.size()) && !ec) {
    // Now: an orphan sweep must not take an object a batch in flight is about to use.
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0) {
      return IoError(path, std::strerror(errno));
    }
    return result;
  }

  security::SymmetricKey object_key;
  randombytes_buf(object_key.data(), object_key.size());
  const Bytes wrapped =
      security::Seal(wrap_key_, object_key.span(), security::AsBytes(KeyContext(result.sha256)));
  const Bytes sealed =
      security::Seal(object_key, plaintext, security::AsBytes(ObjectContext(result.sha256)));
  Bytes file;
  file.reserve(kMagic.size() + wrapped.size() + sealed.size());
  file.insert(file.end(), kMagic.begin(), kMagic.end());
  file.insert(file.end(), wrapped.begin(), wrapped.end());
  file.insert(file.end(), sealed.begin(), sealed.end());
  if (auto r = WriteAtomically(path, file); !r) return r.error();
  result.created = true;
  return result;
}

Result<Bytes> EvidenceVault::Get(const std::string& sha256) const {
  if (!security::IsSha256Hex(sha256)) {
    return Error(ErrorCode::kBadRequest, "not a SHA-256 content address: '" + sha256 + "'");
  }
  const auto path = PathOf(sha256);
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Error(ErrorCode::kBadRequest, "evidence object " + sha256 + " is not in the vault");
  const Bytes file{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (file.size() < kMagic.size() + kWrappedKeyBytes + security::kSealOverhead ||
      !std::equal(kMagic.begin(), kMagic.end(), file.begin())) {
    return IoError(path, "not a vault object (bad header or truncated)");
  }
  const ByteSpan all(file);
  auto key_bytes = security::Unseal(wrap_key_, all.subspan(kMagic.size(), kWrappedKeyBytes),
                                    security::AsBytes(KeyContext(sha256)));
  if (!key_bytes || key_bytes->size() != security::SymmetricKey::kSize) {
    return IoError(path, "object key does not open: wrong master key or altered object");
  }
  const security::SymmetricKey object_key(std::span<const std::uint8_t, 32>(key_bytes->data(), 32));
  sodium_memzero(key_bytes->data(), key_bytes->size());
  auto plain = security::Unseal(object_key, all.subspan(kMagic.size() + kWrappedKeyBytes),
                                security::AsBytes(ObjectContext(sha256)));
  if (!plain) return IoError(path, "content does not authenticate: the object was altered");
  if (security::Sha256Hex(*plain) != sha256) {
    return IoError(path, "content does not match its address");
  }
  return plain;
}

Result<Done> EvidenceVault::Sync() const {
  const int fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError(root_, std::strerror(errno));
  const int rc = ::syncfs(fd);
  const std::string reason = rc == 0 ? "" : std::strerror(errno);
  ::close(fd);
  if (rc != 0) return IoError(root_, "syncfs: " + reason);
  return Done{};
}

Result<Done> EvidenceVault::Walk(const std::function<Result<Done>(const VaultFile&)>& visit) const {
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(root_, ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code kind_ec;  // a file removed since it was listed is skipped, not an error
    if (!it->is_regular_file(kind_ec)) continue;
    const std::string name = it->path().filename().string();
    // <sha256>.tmp-XXXXXX: WriteAtomically's temporary file (see there).
    const std::size_t tmp = name.find(".tmp-");
    const std::string sha = tmp == std::string::npos ? name : std::string();
    if (!security::IsSha256Hex(tmp == std::string::npos ? name : name.substr(0, tmp))) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) {
      if (errno == ENOENT) continue;  // removed since it was listed
      return IoError(it->path(), std::strerror(errno));
    }
    const auto modified = std::chrono::time_point_cast<milliseconds>(
        std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) +
                                              std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (auto r = visit({sha, it->path(), TimePoint(modified.time_since_epoch())}); !r) {
      return r.error();
    }
  }
  if (ec) return IoError(root_, ec.message());
  return Done{};
}

Result<bool> EvidenceVault::Remove(const std::string& sha256) {
  if (!security::IsSha256Hex(sha256)) {
    return Error(ErrorCode::kBadRequest, "not a SHA-256 content address: '" + sha256 + "'");
  }
  const auto path = PathOf(sha256);
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return IoError(path, std::strerror(errno));
}

}  // namespace safelane::store
