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
#include "store/store_opener.h"

namespace safelane::camera {

class StoreSink final : public EventSink {
 public:
  // The store as store_opener.h opens it for every command (where.create is ignored: the
  // sink never creates a store); the vault is where.data_dir/vault with either backend.
  StoreSink(store::StoreLocation where, std::filesystem::path master_key_file)
      : where_(std::move(where)), master_key_file_(std::move(master_key_file)) {
    where_.create = false;
  }
  // The SQLite store in data_dir.
  StoreSink(std::filesystem::path data_dir, std::filesystem::path master_key_file)
      : StoreSink(store::StoreLocation{.data_dir = std::move(data_dir), .postgres = {}},
                  std::move(master_key_file)) {}

  Result<std::vector<store::IngestResult>> Send(
      std::span<const store::IncomingEvent> batch) override;

 private:
  Result<store::Done> EnsureOpen();

  store::StoreLocation where_;
  std::filesystem::path master_key_file_;
  store::SystemClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<store::EvidenceVault> vault_;
  std::unique_ptr<store::Ingestor> ingestor_;
};

}  // namespace safelane::camera
