#include "camera/camera_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "security/secret_key.h"
#include "security/sodium_init.h"

namespace safelane::camera {
namespace {

Error KeyError(const std::filesystem::path& path, const std::string& what) {
  return {ErrorCode::kBadConfig, "camera key file " + path.string() + ": " + what};
}

// Closes a descriptor on every path out of a function.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<security::SigningKey> LoadCameraKey(const std::filesystem::path& path) {
  if (auto e = security::InitSodium()) return *e;
  // O_NOFOLLOW: a symlink planted in place of the key is refused, not followed.
  const Descriptor fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() < 0) return KeyError(path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return KeyError(path, std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return KeyError(path, "not a regular file");
  if ((st.st_mode & 07777U) != 0600U) {
    return KeyError(path,
                    "permissions must be 0600 (owner read/write only): chmod 600 " + path.string());
  }
  if (st.st_uid != ::geteuid()) return KeyError(path, "owned by another user");
  if (st.st_size != static_cast<off_t>(kCameraKeyFileBytes)) {
    return KeyError(path, "must hold exactly 32 bytes, holds " + std::to_string(st.st_size));
  }
  security::SecretBytes<32> seed;
  std::size_t got = 0;
  while (got < seed.size()) {
    const ssize_t n = ::read(fd.get(), seed.data() + got, seed.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return KeyError(path, "short read");
    got += static_cast<std::size_t>(n);
  }
  return security::SigningKey::FromSeed(seed);
}

Result<security::SigningKey> CreateCameraKeyFile(const std::filesystem::path& path) {
  if (auto e = security::InitSodium()) return *e;
  const Descriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) return KeyError(path, std::strerror(errno));
  security::SecretBytes<32> seed;
  randombytes_buf(seed.data(), seed.size());
  if (::fchmod(fd.get(), 0600) != 0 ||
      ::write(fd.get(), seed.data(), seed.size()) != static_cast<ssize_t>(seed.size()) ||
      ::fsync(fd.get()) != 0) {
    return Error(ErrorCode::kIo, "camera key file " + path.string() + ": " + std::strerror(errno));
  }
  return security::SigningKey::FromSeed(seed);
}

}  // namespace safelane::camera
