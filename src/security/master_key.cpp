#include "security/master_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "security/sodium_init.h"

namespace safelane::security {
namespace {

// Eight bytes, as crypto_kdf requires; fixed forever, like the Purpose ids.
constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES + 1] = "SLmaster";

std::string Describe(const std::filesystem::path& path, const std::string& what) {
  return "master key file " + path.string() + ": " + what;
}

// Closes a descriptor on every path out of a function.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

SymmetricKey MasterKey::Derive(Purpose purpose) const {
  SymmetricKey sub;
  crypto_kdf_derive_from_key(sub.data(), sub.size(), static_cast<std::uint64_t>(purpose),
                             kKdfContext, key_.data());
  return sub;
}

Result<MasterKey> LoadMasterKey(const std::filesystem::path& path) {
  if (auto e = InitSodium()) return *e;
  // O_NOFOLLOW: a symlink planted in place of the key is refused, not followed.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return Error(ErrorCode::kBadConfig, Describe(path, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Error(ErrorCode::kBadConfig, Describe(path, std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode))
    return Error(ErrorCode::kBadConfig, Describe(path, "not a regular file"));
  const unsigned mode = st.st_mode & 07777U;
  if (mode != 0600U) {
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", mode);
    return Error(
        ErrorCode::kBadConfig,
        Describe(path, std::string("permissions are ") + octal +
                           ", must be 0600 (owner read/write only): chmod 600 " + path.string()));
  }
  if (st.st_uid != ::geteuid()) {
    return Error(ErrorCode::kBadConfig, Describe(path, "owned by another user"));
  }
  if (st.st_size != static_cast<off_t>(kMasterKeyFileBytes)) {
    return Error(ErrorCode::kBadConfig,
                 Describe(path, "must hold exactly 32 bytes, holds " + std::to_string(st.st_size)));
  }
  SymmetricKey key;
  std::size_t got = 0;
  while (got < key.size()) {
    const ssize_t n = ::read(fd.get(), key.data() + got, key.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error(ErrorCode::kBadConfig, Describe(path, "short read"));
    got += static_cast<std::size_t>(n);
  }
  return MasterKey(std::move(key));
}

Result<MasterKey> CreateMasterKeyFile(const std::filesystem::path& path) {
  if (auto e = InitSodium()) return *e;
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return Error(ErrorCode::kIo, Describe(path, std::strerror(errno)));
  // The umask may have removed bits, never added them; make the mode exact anyway.
  if (::fchmod(fd.get(), 0600) != 0)
    return Error(ErrorCode::kIo, Describe(path, std::strerror(errno)));
  SymmetricKey key;
  randombytes_buf(key.data(), key.size());
  std::size_t put = 0;
  while (put < key.size()) {
    const ssize_t n = ::write(fd.get(), key.data() + put, key.size() - put);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::unlink(path.c_str());  // never leave a short key behind
      return Error(ErrorCode::kIo, Describe(path, reason));
    }
    put += static_cast<std::size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return Error(ErrorCode::kIo, Describe(path, std::strerror(errno)));
  return MasterKey(std::move(key));
}

}  // namespace safelane::security
