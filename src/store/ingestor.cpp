#include "store/ingestor.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <set>

#include "security/ed25519.h"
#include "security/sha256.h"
#include "store/event_manifest.h"

namespace safelane::store {

namespace {

// Checks 1-5 of ingestor.h for one event; the refusal reason, or the verified read.
struct Checked {
  std::optional<SignedRead> read;
  std::string reason;
  std::string event_id;
};

Checked Refuse(std::string reason, std::string event_id = {}) {
  return {std::nullopt, std::move(reason), std::move(event_id)};
}

}  // namespace

Result<std::vector<IngestResult>> Ingestor::Ingest(std::span<const IncomingEvent> batch) {
  if (batch.size() > kMaxIngestBatch) {
    return Error(ErrorCode::kBadRequest, "ingest batch of " + std::to_string(batch.size()) +
                                             " events; at most 10000 a batch");
  }
  std::map<std::string, std::optional<Camera>> cameras;  // looked up once per batch
  auto check = [&](const IncomingEvent& in) -> Result<Checked> {
    auto signature = security::SignatureFromHex(in.signature_hex);
    if (!signature) return Refuse("signature is not 128 hex digits");
    auto event = ParseManifest(in.manifest);
    if (!event) return Refuse(event.error().message);
    const std::string id = event->event_id;
    auto it = cameras.find(event->camera_id);
    if (it == cameras.end()) {
      auto camera = store_.GetCamera(event->camera_id);
      if (!camera) return camera.error();
      it = cameras.emplace(event->camera_id, std::move(*camera)).first;
    }
    if (!it->second) return Refuse("unknown camera '" + event->camera_id + "'", id);
    if (it->second->status != CameraStatus::kActive) {
      return Refuse("camera '" + event->camera_id + "' is retired", id);
    }
    if (!security::VerifySignature(it->second->public_key, security::AsBytes(in.manifest),
                                   *signature)) {
      return Refuse(
          "bad signature: the manifest was not signed by camera '" + event->camera_id + "'", id);
    }
    if (in.evidence.size() != event->evidence.size()) {
      return Refuse("manifest lists " + std::to_string(event->evidence.size()) +
                        " evidence objects, " + std::to_string(in.evidence.size()) + " arrived",
                    id);
    }
    for (std::size_t i = 0; i < in.evidence.size(); ++i) {
      const EvidenceRef& ref = event->evidence[i];
      const std::string at = "evidence[" + std::to_string(i) + "] (" + ref.role + ")";
      if (in.evidence[i].size() != ref.size_bytes) {
        return Refuse(fmt::format("{} is {} bytes, the manifest says {}", at, in.evidence[i].size(),
                                  ref.size_bytes),
                      id);
      }
      const std::string actual = security::Sha256Hex(in.evidence[i]);
      if (actual != ref.sha256) {
        return Refuse(fmt::format("{}: SHA-256 of the bytes is {}, the manifest says {}", at,
                                  actual, ref.sha256),
                      id);
      }
    }
    return Checked{SignedRead{std::move(*event), *signature}, {}, id};
  };

  std::vector<IngestResult> results(batch.size());
  std::vector<SignedRead> accepted;
  std::vector<std::size_t> accepted_index;  // position in `batch` of each accepted read
  for (std::size_t i = 0; i < batch.size(); ++i) {
    auto checked = check(batch[i]);
    if (!checked) return checked.error();
    results[i].event_id = checked->event_id;
    if (!checked->read) {
      results[i].reason = checked->reason;
      spdlog::warn("ingest: refused event '{}': {}", checked->event_id, checked->reason);
      continue;
    }
    accepted.push_back(std::move(*checked->read));
    accepted_index.push_back(i);
  }

  // Evidence first: a read is never stored before the objects it refers to.
  std::set<std::string> created;
  auto undo = [&] {
    for (const std::string& sha : created) {
      auto used = store_.IsEvidenceReferenced(sha);
      if (used && !*used) (void)vault_.Remove(sha);
    }
  };
  for (const std::size_t i : accepted_index) {
    for (const auto& object : batch[i].evidence) {
      auto put = vault_.Put(object);
      if (!put) {
        undo();
        return put.error();
      }
      if (put->created) created.insert(put->sha256);
    }
  }
  if (!created.empty()) {
    if (auto synced = vault_.Sync(); !synced) {
      undo();
      return synced.error();
    }
  }
  auto outcomes = store_.InsertReads(accepted, clock_.Now());
  if (!outcomes) {
    undo();
    return outcomes.error();
  }
  bool conflicts = false;
  for (std::size_t k = 0; k < accepted_index.size(); ++k) {
    IngestResult& r = results[accepted_index[k]];
    switch ((*outcomes)[k]) {
      case InsertOutcome::kInserted: r.status = IngestStatus::kAccepted; break;
      case InsertOutcome::kDuplicate: r.status = IngestStatus::kDuplicate; break;
      case InsertOutcome::kConflict:
        conflicts = true;
        r.status = IngestStatus::kRefused;
        r.reason = "event id already stored with different content";
        spdlog::warn("ingest: refused event '{}': {}", r.event_id, r.reason);
        break;
    }
  }
  if (conflicts) undo();  // objects only a refused event brought
  return results;
}

}  // namespace safelane::store
