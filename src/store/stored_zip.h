#pragma once
// A deliberately narrow ZIP dialect for evidence packages: every entry stored (no
// compression), no extra fields, no comments, fixed timestamps, entries laid out back to
// back, then the central directory, then the end record, then nothing.
//
// WriteStoredZip always produces that canonical layout, and ReadStoredZip accepts only
// it: every header field must hold exactly the value the writer puts there, and every
// entry's CRC-32 must match. So any byte of a package changed after writing is either
// refused here or changes an entry's content or name (which the package's signed index
// catches). Standard tools (unzip, file managers) open these files normally.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "security/bytes.h"

namespace safelane::store {

struct ZipEntry {
  std::string name;  // [A-Za-z0-9._-] and '/', 1..200 bytes, no "..", no leading '/'
  security::Bytes data;
};

struct ZipLimits {
  std::size_t max_entries = 1000;
  std::uint64_t max_archive_bytes = 2ULL << 30;  // 2 GiB; ZIP32 offsets stop at 4 GiB
};

// kBadRequest for an invalid or repeated name or an archive past the limits.
Result<security::Bytes> WriteStoredZip(const std::vector<ZipEntry>& entries,
                                       const ZipLimits& limits = {});

// kBadRequest naming the first thing that is not exactly what WriteStoredZip writes.
Result<std::vector<ZipEntry>> ReadStoredZip(security::ByteSpan archive,
                                            const ZipLimits& limits = {});

}  // namespace safelane::store
