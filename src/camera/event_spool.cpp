#include "camera/event_spool.h"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "security/sodium_init.h"

namespace safelane::camera {
namespace {

constexpr std::string_view kMagic = "SLSPOOL1";
constexpr std::size_t kHashBytes = crypto_hash_sha256_BYTES;
// Any one field longer than this is not something we wrote.
constexpr std::uint64_t kMaxField = 1ULL << 32;

void PutU64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void PutField(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  PutU64(out, bytes.size());
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> AsSpan(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool U64(std::uint64_t& v) {
    if (bytes_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{bytes_[pos_ + i]} << (8 * i);
    pos_ += 8;
    return true;
  }
  bool Field(std::span<const std::uint8_t>& out) {
    std::uint64_t n = 0;
    if (!U64(n) || n > kMaxField || n > bytes_.size() - pos_) return false;
    out = bytes_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool AtEnd() const { return pos_ == bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

std::string Errno(const std::string& what, const std::filesystem::path& path) {
  return "spool: " + what + " " + path.string() + ": " + std::strerror(errno);
}

Result<Done> FsyncPath(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Error(ErrorCode::kIo, Errno("cannot open", path));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error(ErrorCode::kIo, Errno("cannot fsync", path));
  return Done{};
}

Result<Done> WriteDurably(const std::filesystem::path& tmp, const std::filesystem::path& final_path,
                          std::span<const std::uint8_t> bytes) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Error(ErrorCode::kIo, Errno("cannot create", tmp));
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      std::filesystem::remove(tmp);
      return Error(ErrorCode::kIo, Errno("cannot write", tmp));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    std::filesystem::remove(tmp);
    return Error(ErrorCode::kIo, Errno("cannot sync", tmp));
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    std::filesystem::remove(tmp);
    return Error(ErrorCode::kIo, Errno("cannot rename into", final_path));
  }
  return FsyncPath(final_path.parent_path(), O_RDONLY | O_DIRECTORY);
}

std::vector<std::uint8_t> ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<std::uint8_t> EncodeSpoolFile(const store::IncomingEvent& event) {
  std::vector<std::uint8_t> out(kMagic.begin(), kMagic.end());
  PutField(out, AsSpan(event.manifest));
  PutField(out, AsSpan(event.signature_hex));
  PutU64(out, event.evidence.size());
  for (const auto& object : event.evidence) PutField(out, object);
  std::array<std::uint8_t, kHashBytes> hash{};
  crypto_hash_sha256(hash.data(), out.data(), out.size());
  out.insert(out.end(), hash.begin(), hash.end());
  return out;
}

Result<store::IncomingEvent> DecodeSpoolFile(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kMagic.size() + kHashBytes ||
      !std::equal(kMagic.begin(), kMagic.end(), bytes.begin())) {
    return Error(ErrorCode::kIo, "spool file: not a spooled event (bad magic or too short)");
  }
  const auto body = bytes.first(bytes.size() - kHashBytes);
  std::array<std::uint8_t, kHashBytes> hash{};
  crypto_hash_sha256(hash.data(), body.data(), body.size());
  if (sodium_memcmp(hash.data(), bytes.data() + body.size(), kHashBytes) != 0) {
    return Error(ErrorCode::kIo, "spool file: checksum mismatch (torn or altered)");
  }
  Reader r(body.subspan(kMagic.size()));
  store::IncomingEvent event;
  std::span<const std::uint8_t> field;
  std::uint64_t count = 0;
  if (!r.Field(field)) return Error(ErrorCode::kIo, "spool file: bad manifest field");
  event.manifest.assign(field.begin(), field.end());
  if (!r.Field(field)) return Error(ErrorCode::kIo, "spool file: bad signature field");
  event.signature_hex.assign(field.begin(), field.end());
  if (!r.U64(count) || count > 1024) return Error(ErrorCode::kIo, "spool file: bad evidence count");
  for (std::uint64_t i = 0; i < count; ++i) {
    if (!r.Field(field)) return Error(ErrorCode::kIo, "spool file: bad evidence field");
    event.evidence.emplace_back(field.begin(), field.end());
  }
  if (!r.AtEnd()) return Error(ErrorCode::kIo, "spool file: trailing bytes");
  return event;
}

Result<std::unique_ptr<EventSpool>> EventSpool::Open(const SpoolOptions& options) {
  if (auto e = security::InitSodium()) return *e;
  if (options.dir.empty() || options.max_events < 1 || options.max_bytes < 1) {
    return Error(ErrorCode::kBadConfig, "spool needs a directory, max_events >= 1, max_bytes >= 1");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec)
    return Error(ErrorCode::kIo,
                 "spool: cannot create " + options.dir.string() + ": " + ec.message());
  std::filesystem::permissions(options.dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  std::unique_ptr<EventSpool> spool(new EventSpool(options));
  std::vector<Entry> found;
  for (const auto& item : std::filesystem::directory_iterator(options.dir, ec)) {
    const std::string name = item.path().filename().string();
    if (name.rfind("tmp-", 0) == 0) {
      // A push that crashed before its rename: never acknowledged, so nothing is lost.
      std::filesystem::remove(item.path(), ec);
      continue;
    }
    if (!item.is_regular_file() || item.path().extension() != ".event") continue;
    std::uint64_t seq = 0;
    if (std::sscanf(name.c_str(), "%20lu.event", &seq) != 1 || seq == 0) continue;
    found.push_back({seq, static_cast<std::uint64_t>(item.file_size(ec))});
  }
  if (ec)
    return Error(ErrorCode::kIo,
                 "spool: cannot list " + options.dir.string() + ": " + ec.message());
  std::sort(found.begin(), found.end(),
            [](const Entry& a, const Entry& b) { return a.seq < b.seq; });
  for (const auto& e : found) {
    spool->entries_.push_back(e);
    spool->bytes_ += e.bytes;
    spool->next_seq_ = e.seq + 1;
  }
  return spool;
}

std::filesystem::path EventSpool::PathOf(std::uint64_t seq) const {
  char name[40];
  std::snprintf(name, sizeof name, "%020lu.event", static_cast<unsigned long>(seq));
  return options_.dir / name;
}

Result<Done> EventSpool::Push(const store::IncomingEvent& event) {
  const auto bytes = EncodeSpoolFile(event);
  const std::lock_guard lock(mutex_);
  if (entries_.size() >= options_.max_events || bytes_ + bytes.size() > options_.max_bytes) {
    return Error(ErrorCode::kIo, "spool full (" + std::to_string(entries_.size()) + " events, " +
                                     std::to_string(bytes_) + " bytes)");
  }
  const std::uint64_t seq = next_seq_;
  const auto tmp = options_.dir / ("tmp-" + std::to_string(seq));
  if (auto written = WriteDurably(tmp, PathOf(seq), bytes); !written) return written.error();
  ++next_seq_;
  entries_.push_back({seq, bytes.size()});
  bytes_ += bytes.size();
  return Done{};
}

Result<std::vector<SpooledEvent>> EventSpool::Oldest(std::size_t n) {
  std::vector<SpooledEvent> out;
  std::vector<Entry> wanted;
  {
    const std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < entries_.size() && i < n; ++i) wanted.push_back(entries_[i]);
  }
  for (const auto& e : wanted) {
    const auto bytes = ReadAll(PathOf(e.seq));
    auto event = DecodeSpoolFile(bytes);
    if (!event) {
      spdlog::error("{}: {} (moved to corrupt/)", PathOf(e.seq).string(), event.error().message);
      if (auto moved = MoveAside(e.seq, "corrupt", event.error().message); !moved) {
        return moved.error();
      }
      const std::lock_guard lock(mutex_);
      ++corrupt_;
      continue;
    }
    out.push_back({e.seq, std::move(*event)});
  }
  return out;
}

Result<Done> EventSpool::Remove(std::uint64_t seq) {
  std::error_code ec;
  if (!std::filesystem::remove(PathOf(seq), ec) && ec) {
    return Error(ErrorCode::kIo,
                 "spool: cannot remove " + PathOf(seq).string() + ": " + ec.message());
  }
  const std::lock_guard lock(mutex_);
  const auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.seq == seq; });
  if (it != entries_.end()) {
    bytes_ -= it->bytes;
    entries_.erase(it);
  }
  return Done{};
}

Result<Done> EventSpool::MoveAside(std::uint64_t seq, const std::string& subdir,
                                   const std::string& note) {
  const auto dir = options_.dir / subdir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const auto from = PathOf(seq);
  const auto to = dir / from.filename();
  std::filesystem::rename(from, to, ec);
  if (ec) return Error(ErrorCode::kIo, "spool: cannot move " + from.string() + ": " + ec.message());
  std::ofstream(dir / (from.filename().string() + ".reason")) << note << '\n';
  const std::lock_guard lock(mutex_);
  const auto it =
      std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.seq == seq; });
  if (it != entries_.end()) {
    bytes_ -= it->bytes;
    entries_.erase(it);
  }
  return Done{};
}

Result<Done> EventSpool::SetAside(std::uint64_t seq, const std::string& reason) {
  return MoveAside(seq, "refused", reason);
}

std::size_t EventSpool::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

std::uint64_t EventSpool::bytes() const {
  const std::lock_guard lock(mutex_);
  return bytes_;
}

std::uint64_t EventSpool::corrupt_files() const {
  const std::lock_guard lock(mutex_);
  return corrupt_;
}

}  // namespace safelane::camera
