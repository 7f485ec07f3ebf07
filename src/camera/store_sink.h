#pragma once
// StoreSink: the central store as an EventSink, in-process (a camera node on the same host
// as the store, and the tests). It opens the store lazily on each Send until that works, and
// never creates one: a missing data directory or master key means "receiver unreachable"
// (kIo), so events wait in the spool until the store is provisioned or mounted again.

#include <filesystem>
#include <memory>

#include "camera/event_sink.h"
#include "store/clock.h"
#include "store/evidence_vault.h"
#include "store/ingestor.h"
#include "store/store.h"

namespace safelane::camera {

class StoreSink final : public EventSink {
 public:
  StoreSink(std::filesystem::path data_dir, std::filesystem::path master_key_file)
      : data_dir_(std::move(data_dir)), master_key_file_(std::move(master_key_file)) {}

  Result<std::vector<store::IngestResult>> Send(
      std::span<const store::IncomingEvent> batch) override;

 private:
  Result<store::Done> EnsureOpen();

  std::filesystem::path data_dir_;
  std::filesystem::path master_key_file_;
  store::SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::EvidenceVault> vault_;
  std::unique_ptr<store::Ingestor> ingestor_;
};

}  // namespace safelane::camera
