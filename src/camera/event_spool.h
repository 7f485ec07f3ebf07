#pragma once
// EventSpool: the camera's outbox on disk. Every signed event is pushed here first and only
// removed once the receiver has taken it, so a receiver that is down (or a camera that
// crashes) loses nothing; events leave in the order they were pushed.
//
// One file per event, <dir>/<20-digit sequence>.event:
//   "SLSPOOL1" | u64 len + manifest | u64 len + signature | u64 count | (u64 len + bytes)...
//   | SHA-256 (32 bytes) of everything before it          (integers little-endian)
// Written as <dir>/tmp-<seq> + fsync + rename + fsync(dir): a crash leaves either the whole
// event or a temp file, which Open() deletes. A file whose checksum fails is moved to
// <dir>/corrupt/ (and logged), never silently dropped or sent. Events the receiver refuses
// (they would be refused again) are moved to <dir>/refused/ with the reason beside them.
// Bounded by max_events and max_bytes: Push() returns kIo "spool full" beyond them, and the
// camera node then drops frames, never events.
// Thread-safe.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"
#include "store/ingestor.h"

namespace safelane::camera {

using Done = std::monostate;  // the value of an operation that returns nothing

struct SpoolOptions {
  std::filesystem::path dir;
  std::size_t max_events = 100'000;
  std::uint64_t max_bytes = 4ULL << 30;  // 4 GiB
};

struct SpooledEvent {
  std::uint64_t seq = 0;
  store::IncomingEvent event;
};

class EventSpool {
 public:
  static Result<std::unique_ptr<EventSpool>> Open(const SpoolOptions& options);

  // Durable when it returns Done.
  Result<Done> Push(const store::IncomingEvent& event);
  // Up to `n` of the oldest events, oldest first. Corrupt files are moved aside on the way.
  Result<std::vector<SpooledEvent>> Oldest(std::size_t n);
  // The receiver took it (accepted or duplicate).
  Result<Done> Remove(std::uint64_t seq);
  // The receiver refused it for good: kept in refused/ with the reason, out of the queue.
  Result<Done> SetAside(std::uint64_t seq, const std::string& reason);

  std::size_t size() const;
  std::uint64_t bytes() const;
  std::uint64_t corrupt_files() const;

 private:
  struct Entry {
    std::uint64_t seq;
    std::uint64_t bytes;
  };
  explicit EventSpool(SpoolOptions options) : options_(std::move(options)) {}
  std::filesystem::path PathOf(std::uint64_t seq) const;
  Result<Done> MoveAside(std::uint64_t seq, const std::string& subdir, const std::string& note);

  SpoolOptions options_;
  mutable std::mutex mutex_;
  std::deque<Entry> entries_;  // oldest first
  std::uint64_t bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t corrupt_ = 0;
};

// The on-disk form (exposed for the tests).
std::vector<std::uint8_t> EncodeSpoolFile(const store::IncomingEvent& event);
Result<store::IncomingEvent> DecodeSpoolFile(std::span<const std::uint8_t> bytes);

}  // namespace safelane::camera
