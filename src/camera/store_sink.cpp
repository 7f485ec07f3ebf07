#include "camera/store_sink.h"

#include "security/master_key.h"
#include "store/store_opener.h"

namespace safelane::camera {

Result<store::Done> StoreSink::EnsureOpen() {
  if (ingestor_) return store::Done{};
  std::error_code ec;
  if (!std::filesystem::is_directory(where_.data_dir, ec)) {
    return Error(ErrorCode::kIo,
                 "store unreachable: no data directory " + where_.data_dir.string());
  }
  auto master = security::LoadMasterKey(master_key_file_);
  if (!master) return Error(ErrorCode::kIo, "store unreachable: " + master.error().message);
  auto db = store::OpenStore(where_, clock_);
  if (!db) return Error(ErrorCode::kIo, "store unreachable: " + db.error().message);
  auto vault = store::EvidenceVault::Open(where_.data_dir / "vault", *master);
  if (!vault) return Error(ErrorCode::kIo, "store unreachable: " + vault.error().message);
  store_ = std::move(*db);
  vault_ = std::make_unique<store::EvidenceVault>(std::move(*vault));
  ingestor_ = std::make_unique<store::Ingestor>(*store_, *vault_, clock_);
  return store::Done{};
}

Result<std::vector<store::IngestResult>> StoreSink::Send(
    std::span<const store::IncomingEvent> batch) {
  if (auto open = EnsureOpen(); !open) return open.error();
  auto results = ingestor_->Ingest(batch);
  if (!results) {
    // The store failed as a whole (disk, database): drop the handles and reopen next time.
    ingestor_.reset();
    vault_.reset();
    store_.reset();
    return Error(ErrorCode::kIo, "store failed: " + results.error().message);
  }
  return results;
}

}  // namespace safelane::camera
