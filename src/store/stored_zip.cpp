#include "store/stored_zip.h"

#include <zlib.h>

#include <algorithm>
#include <set>

namespace safelane::store {

using security::Bytes;
using security::ByteSpan;

namespace {

constexpr std::uint32_t kLocalSignature = 0x04034b50;
constexpr std::uint32_t kCentralSignature = 0x02014b50;
constexpr std::uint32_t kEndSignature = 0x06054b50;
constexpr std::uint16_t kVersion = 20;    // 2.0: the oldest that knows stored entries
constexpr std::uint16_t kDosTime = 0;     // 00:00:00
constexpr std::uint16_t kDosDate = 0x21;  // 1980-01-01: timestamps carry no evidence
constexpr std::size_t kLocalHeaderBytes = 30;
constexpr std::size_t kCentralHeaderBytes = 46;
constexpr std::size_t kEndRecordBytes = 22;

Error Bad(const std::string& what) {
  return {ErrorCode::kBadRequest, "package archive: " + what};
}

bool IsValidName(const std::string& name) {
  if (name.empty() || name.size() > 200 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string::npos || name.find("//") != std::string::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-' || c == '/';
  });
}

std::uint32_t Crc32(ByteSpan data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes 32-bit lengths; feed large data in pieces.
  for (std::size_t at = 0; at < data.size(); at += 1U << 30) {
    const std::size_t n = std::min<std::size_t>(data.size() - at, 1U << 30);
    crc = crc32(crc, data.data() + at, static_cast<uInt>(n));
  }
  return static_cast<std::uint32_t>(crc);
}

void Put16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void Put32(Bytes& out, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// The fixed part shared by local and central headers after their first fields.
void PutCommon(Bytes& out, std::uint32_t crc, std::uint32_t size, std::uint16_t name_len) {
  Put16(out, 0);  // flags
  Put16(out, 0);  // method: stored
  Put16(out, kDosTime);
  Put16(out, kDosDate);
  Put32(out, crc);
  Put32(out, size);  // compressed size
  Put32(out, size);  // uncompressed size
  Put16(out, name_len);
  Put16(out, 0);  // extra field length
}

// Reads little-endian fields from a bounded span; every read is checked.
class Cursor {
 public:
  Cursor(ByteSpan bytes, std::size_t at) : bytes_(bytes), at_(at) {}
  bool Has(std::size_t n) const { return at_ <= bytes_.size() && bytes_.size() - at_ >= n; }
  std::uint16_t U16() {
    const auto v = static_cast<std::uint16_t>(bytes_[at_] | (bytes_[at_ + 1] << 8));
    at_ += 2;
    return v;
  }
  std::uint32_t U32() {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | bytes_[at_ + i];
    at_ += 4;
    return v;
  }
  ByteSpan Take(std::size_t n) {
    const ByteSpan s = bytes_.subspan(at_, n);
    at_ += n;
    return s;
  }
  std::size_t at() const { return at_; }

 private:
  ByteSpan bytes_;
  std::size_t at_;
};

struct CentralRecord {
  std::string name;
  std::uint32_t crc;
  std::uint32_t size;
  std::uint32_t offset;
};

}  // namespace

Result<Bytes> WriteStoredZip(const std::vector<ZipEntry>& entries, const ZipLimits& limits) {
  if (entries.size() > limits.max_entries) return Bad("too many entries");
  std::set<std::string> names;
  std::uint64_t total = kEndRecordBytes;
  for (const ZipEntry& e : entries) {
    if (!IsValidName(e.name)) return Bad("invalid entry name '" + e.name + "'");
    if (!names.insert(e.name).second) return Bad("entry '" + e.name + "' repeats");
    total += kLocalHeaderBytes + kCentralHeaderBytes + 2 * e.name.size() + e.data.size();
  }
  if (total > limits.max_archive_bytes) return Bad("archive would exceed its size limit");
  Bytes out;
  out.reserve(total);
  std::vector<CentralRecord> central;
  for (const ZipEntry& e : entries) {
    const CentralRecord rec{e.name, Crc32(e.data), static_cast<std::uint32_t>(e.data.size()),
                            static_cast<std::uint32_t>(out.size())};
    Put32(out, kLocalSignature);
    Put16(out, kVersion);
    PutCommon(out, rec.crc, rec.size, static_cast<std::uint16_t>(e.name.size()));
    out.insert(out.end(), e.name.begin(), e.name.end());
    out.insert(out.end(), e.data.begin(), e.data.end());
    central.push_back(rec);
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  for (const CentralRecord& rec : central) {
    Put32(out, kCentralSignature);
    Put16(out, kVersion);  // made by
    Put16(out, kVersion);  // needed
    PutCommon(out, rec.crc, rec.size, static_cast<std::uint16_t>(rec.name.size()));
    Put16(out, 0);  // comment length
    Put16(out, 0);  // disk number
    Put16(out, 0);  // internal attributes
    Put32(out, 0);  // external attributes
    Put32(out, rec.offset);
    out.insert(out.end(), rec.name.begin(), rec.name.end());
  }
  const auto central_size = static_cast<std::uint32_t>(out.size() - central_offset);
  Put32(out, kEndSignature);
  Put16(out, 0);  // this disk
  Put16(out, 0);  // disk with the central directory
  Put16(out, static_cast<std::uint16_t>(central.size()));
  Put16(out, static_cast<std::uint16_t>(central.size()));
  Put32(out, central_size);
  Put32(out, central_offset);
  Put16(out, 0);  // comment length
  return out;
}

Result<std::vector<ZipEntry>> ReadStoredZip(ByteSpan archive, const ZipLimits& limits) {
  if (archive.size() > limits.max_archive_bytes) return Bad("larger than the size limit");
  if (archive.size() < kEndRecordBytes) return Bad("too short to be a ZIP file");
  // The end record must be the last 22 bytes: no comment, nothing appended.
  Cursor end(archive, archive.size() - kEndRecordBytes);
  if (end.U32() != kEndSignature) return Bad("no end record at the end of the file");
  if (end.U16() != 0 || end.U16() != 0) return Bad("multi-disk archives are not packages");
  const std::uint16_t count = end.U16();
  if (end.U16() != count) return Bad("inconsistent entry counts");
  if (count > limits.max_entries) return Bad("too many entries");
  const std::uint32_t central_size = end.U32();
  const std::uint32_t central_offset = end.U32();
  if (end.U16() != 0) return Bad("archive comment present");
  if (static_cast<std::uint64_t>(central_offset) + central_size !=
      archive.size() - kEndRecordBytes) {
    return Bad("central directory does not end where the end record starts");
  }

  std::vector<CentralRecord> central;
  std::set<std::string> names;
  Cursor c(archive, central_offset);
  for (std::uint16_t i = 0; i < count; ++i) {
    if (!c.Has(kCentralHeaderBytes)) return Bad("central directory truncated");
    if (c.U32() != kCentralSignature) return Bad("bad central directory signature");
    if (c.U16() != kVersion || c.U16() != kVersion) return Bad("unexpected version fields");
    if (c.U16() != 0) return Bad("unexpected flags");
    if (c.U16() != 0) return Bad("entry is compressed; packages store entries");
    if (c.U16() != kDosTime || c.U16() != kDosDate) return Bad("unexpected timestamp");
    CentralRecord rec{};
    rec.crc = c.U32();
    rec.size = c.U32();
    if (c.U32() != rec.size) return Bad("sizes disagree");
    const std::uint16_t name_len = c.U16();
    if (c.U16() != 0 || c.U16() != 0) return Bad("extra fields or comments present");
    if (c.U16() != 0 || c.U16() != 0 || c.U32() != 0) return Bad("unexpected attributes");
    rec.offset = c.U32();
    if (!c.Has(name_len)) return Bad("central directory truncated");
    const ByteSpan name = c.Take(name_len);
    rec.name.assign(name.begin(), name.end());
    if (!IsValidName(rec.name)) return Bad("invalid entry name");
    if (!names.insert(rec.name).second) return Bad("entry '" + rec.name + "' repeats");
    central.push_back(std::move(rec));
  }
  if (c.at() != archive.size() - kEndRecordBytes) return Bad("central directory size is wrong");

  std::vector<ZipEntry> entries;
  std::size_t expected_offset = 0;
  for (const CentralRecord& rec : central) {
    if (rec.offset != expected_offset) return Bad("entries are not laid out back to back");
    Cursor l(archive, rec.offset);
    if (!l.Has(kLocalHeaderBytes)) return Bad("local header truncated");
    if (l.U32() != kLocalSignature || l.U16() != kVersion) return Bad("bad local header");
    if (l.U16() != 0 || l.U16() != 0) return Bad("unexpected flags or compression");
    if (l.U16() != kDosTime || l.U16() != kDosDate) return Bad("unexpected timestamp");
    if (l.U32() != rec.crc || l.U32() != rec.size || l.U32() != rec.size) {
      return Bad("local header of '" + rec.name + "' disagrees with the central directory");
    }
    if (l.U16() != rec.name.size() || l.U16() != 0) return Bad("local header name or extra");
    if (!l.Has(rec.name.size() + rec.size)) return Bad("entry '" + rec.name + "' truncated");
    const ByteSpan name = l.Take(rec.name.size());
    if (!std::equal(name.begin(), name.end(), rec.name.begin(), rec.name.end())) {
      return Bad("local name of '" + rec.name + "' differs");
    }
    const ByteSpan data = l.Take(rec.size);
    if (Crc32(data) != rec.crc) return Bad("CRC-32 of '" + rec.name + "' does not match");
    entries.push_back({rec.name, Bytes(data.begin(), data.end())});
    expected_offset = l.at();
  }
  if (expected_offset != central_offset) return Bad("bytes between entries and directory");
  return entries;
}

}  // namespace safelane::store
