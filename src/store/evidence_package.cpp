#include "store/evidence_package.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "security/sha256.h"
#include "store/event_manifest.h"
#include "store/stored_zip.h"

namespace safelane::store {

using nlohmann::json;
using security::AsBytes;
using security::Bytes;

namespace {

constexpr const char* kFormat = "safelane-evidence-package";
constexpr int kPackageVersion = 1;

Bytes ToBytes(const std::string& text) {
  return {text.begin(), text.end()};
}

json CameraJson(const Camera& c) {
  return {{"id", c.id},
          {"name", c.name},
          {"latitude", c.latitude},
          {"longitude", c.longitude},
          {"heading_deg", c.heading_deg},
          {"city", c.city},
          {"public_key", security::ToHex(c.public_key)}};
}

json ViolationJson(const Violation& v, const std::vector<Notice>& notices) {
  json reviews = json::array();
  for (const ReviewEntry& r : v.reviews) {
    reviews.push_back({{"at_ms", ToMillis(r.at)},
                       {"reviewer", r.reviewer},
                       {"outcome", ViolationStatusName(r.outcome)},
                       {"note", r.note}});
  }
  json notice_list = json::array();
  for (const Notice& n : notices) {
    notice_list.push_back({{"number", n.number},
                           {"issued_at_ms", ToMillis(n.issued_at)},
                           {"amount_minor", n.amount_minor},
                           {"currency", n.currency}});
  }
  return {{"id", v.id},
          {"event_id", v.event_id},
          {"rule", v.rule},
          {"status", ViolationStatusName(v.status)},
          {"created_at_ms", ToMillis(v.created_at)},
          {"closed_at_ms", v.closed_at ? json(ToMillis(*v.closed_at)) : json(nullptr)},
          {"reviews", reviews},
          {"notices", notice_list}};
}

json CustodyJson(const std::vector<AuditEntry>& entries) {
  json out = json::array();
  for (const AuditEntry& e : entries) {
    out.push_back({{"id", e.id},
                   {"at_ms", ToMillis(e.at)},
                   {"actor", e.actor},
                   {"action", e.action},
                   {"subject", e.subject},
                   {"detail", e.detail},
                   {"source", e.source},
                   {"reason", e.reason},
                   {"signature", security::ToHex(e.signature)},
                   {"hash", e.hash}});
  }
  return out;
}

// Field readers for untrusted JSON: a missing key or a wrong type gives an empty value,
// never an exception.
std::string StringAt(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::optional<std::int64_t> IntAt(const json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// Exported text: invalid UTF-8 in stored free text is replaced rather than thrown on.
Bytes JsonBytes(const json& j) {
  return ToBytes(j.dump(2, ' ', false, json::error_handler_t::replace));
}

Error Corrupt(const std::string& what) {
  return {ErrorCode::kIo, "cannot export: " + what};
}
Error Invalid(const std::string& what) {
  return {ErrorCode::kBadRequest, "package does not verify: " + what};
}

// Signatures inside a package must be in exactly the form the exporter writes, so that
// no byte of package.sig or manifest.sig can change without failing.
Result<security::Signature> CanonicalSignature(const Bytes& text, const char* file) {
  const std::string hex(text.begin(), text.end());
  auto sig = security::SignatureFromHex(hex);
  if (!sig || security::ToHex(*sig) != hex) {
    return Invalid(std::string(file) + " is not 128 lower-case hex digits");
  }
  return *sig;
}

}  // namespace

security::SigningKey PackageSigningKey(const security::MasterKey& master) {
  return security::SigningKey::FromSeed(master.Derive(security::MasterKey::Purpose::kSignPackages));
}

Result<Bytes> ExportEvidencePackage(Store& store, const EvidenceVault& vault,
                                    const security::MasterKey& master, std::int64_t violation_id,
                                    const AuditContext& by, TimePoint now) {
  auto violation = store.GetViolation(violation_id);
  if (!violation) return violation.error();
  if (!*violation) {
    return Error(ErrorCode::kBadRequest, "no violation " + std::to_string(violation_id));
  }
  auto read = store.GetRead((*violation)->event_id);
  if (!read) return read.error();
  if (!*read) return Corrupt("the read of violation " + std::to_string(violation_id) + " is gone");
  auto camera = store.GetCamera((*read)->event.camera_id);
  if (!camera) return camera.error();
  if (!*camera) return Corrupt("camera '" + (*read)->event.camera_id + "' is not registered");
  const std::string manifest = ManifestJson((*read)->event);
  if (!security::VerifySignature((*camera)->public_key, AsBytes(manifest), (*read)->signature)) {
    return Corrupt("the stored signature does not verify with camera '" + (*camera)->id +
                   "''s current key");
  }
  std::vector<ZipEntry> files;
  files.push_back({"manifest.json", ToBytes(manifest)});
  files.push_back({"manifest.sig", ToBytes(security::ToHex((*read)->signature))});
  files.push_back({"camera.json", JsonBytes(CameraJson(**camera))});
  for (const EvidenceRef& ref : (*read)->event.evidence) {
    auto bytes = vault.Get(ref.sha256);
    if (!bytes) return Corrupt("evidence " + ref.sha256 + ": " + bytes.error().message);
    files.push_back({"evidence/" + ref.sha256, std::move(*bytes)});
  }
  auto notices = store.NoticesFor(violation_id);
  if (!notices) return notices.error();
  files.push_back({"violation.json", JsonBytes(ViolationJson(**violation, *notices))});

  const std::string subject = "violation:" + std::to_string(violation_id);
  auto audited = store.AppendAudit({.at = now,
                                    .actor = by.actor,
                                    .action = "evidence.export",
                                    .subject = subject,
                                    .detail = "evidence package",
                                    .source = by.source,
                                    .reason = by.reason});
  if (!audited) return audited.error();
  auto custody = store.AuditFor(subject);
  if (!custody) return custody.error();
  files.push_back({"custody.json", JsonBytes(CustodyJson(*custody))});

  const security::SigningKey signer = PackageSigningKey(master);
  json listing = json::array();
  for (const ZipEntry& f : files) {
    listing.push_back(
        {{"name", f.name}, {"size", f.data.size()}, {"sha256", security::Sha256Hex(f.data)}});
  }
  const json index = {{"format", kFormat},
                      {"version", kPackageVersion},
                      {"violation_id", violation_id},
                      {"event_id", (*read)->event.event_id},
                      {"exported_at_ms", ToMillis(now)},
                      {"exported_by", by.actor},
                      {"signer_public_key", security::ToHex(signer.public_key())},
                      {"files", listing}};
  const std::string index_text = index.dump(2, ' ', false, json::error_handler_t::replace);
  std::vector<ZipEntry> archive;
  archive.push_back({"package.json", ToBytes(index_text)});
  archive.push_back({"package.sig", ToBytes(security::ToHex(signer.Sign(AsBytes(index_text))))});
  for (ZipEntry& f : files) archive.push_back(std::move(f));
  return WriteStoredZip(archive);
}

Result<PackageVerification> VerifyEvidencePackage(
    security::ByteSpan archive, const std::optional<security::PublicKey>& trusted_store_key) {
  auto entries = ReadStoredZip(archive);
  if (!entries) return Invalid(entries.error().message);
  std::map<std::string, const Bytes*> files;
  for (const ZipEntry& e : *entries) files.emplace(e.name, &e.data);
  for (const char* required : {"package.json", "package.sig"}) {
    if (files.count(required) == 0) return Invalid(std::string(required) + " is missing");
  }

  // 1. The index and the store's signature over it.
  const Bytes& index_bytes = *files.at("package.json");
  const json index = json::parse(index_bytes.begin(), index_bytes.end(), nullptr, false);
  if (index.is_discarded() || !index.is_object() || StringAt(index, "format") != kFormat ||
      IntAt(index, "version") != kPackageVersion || !index.contains("files") ||
      !index["files"].is_array() || !IntAt(index, "violation_id")) {
    return Invalid("package.json is not a SafeLane evidence package index");
  }
  auto signer = security::PublicKeyFromHex(StringAt(index, "signer_public_key"));
  if (!signer) return Invalid("package.json has no valid signer_public_key");
  if (trusted_store_key && *trusted_store_key != *signer) {
    return Invalid("signed by store key " + security::ToHex(*signer) + ", not the trusted key " +
                   security::ToHex(*trusted_store_key));
  }
  auto package_sig = CanonicalSignature(*files.at("package.sig"), "package.sig");
  if (!package_sig) return package_sig.error();
  if (!security::VerifySignature(*signer, index_bytes, *package_sig)) {
    return Invalid("package.sig does not match package.json: the index was altered");
  }

  // 2. Every file is listed with its exact size and hash, and nothing else is present.
  std::set<std::string> listed = {"package.json", "package.sig"};
  for (const json& f : index["files"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("sha256") ||
        !f["sha256"].is_string() || !f.contains("size") || !f["size"].is_number_unsigned()) {
      return Invalid("package.json lists a file without name, size and sha256");
    }
    const std::string name = f["name"].get<std::string>();
    const auto it = files.find(name);
    if (it == files.end()) return Invalid(name + " is listed but missing");
    if (it->second->size() != f["size"].get<std::uint64_t>() ||
        security::Sha256Hex(*it->second) != f["sha256"].get<std::string>()) {
      return Invalid(name + " does not match its SHA-256 in package.json: it was altered");
    }
    listed.insert(name);
  }
  for (const auto& [name, data] : files) {
    if (listed.count(name) == 0) return Invalid(name + " is not listed in package.json");
  }
  for (const char* required :
       {"manifest.json", "manifest.sig", "camera.json", "violation.json", "custody.json"}) {
    if (files.count(required) == 0) return Invalid(std::string(required) + " is missing");
  }

  // 3. The camera's signature over the manifest, and the evidence it names.
  const Bytes& manifest_bytes = *files.at("manifest.json");
  auto event = ParseManifest(std::string(manifest_bytes.begin(), manifest_bytes.end()));
  if (!event) return Invalid(event.error().message);
  const Bytes& camera_bytes = *files.at("camera.json");
  const json camera = json::parse(camera_bytes.begin(), camera_bytes.end(), nullptr, false);
  if (camera.is_discarded() || !camera.is_object() || StringAt(camera, "id") != event->camera_id) {
    return Invalid("camera.json does not describe the manifest's camera");
  }
  auto camera_key = security::PublicKeyFromHex(StringAt(camera, "public_key"));
  if (!camera_key) return Invalid("camera.json has no valid public_key");
  auto manifest_sig = CanonicalSignature(*files.at("manifest.sig"), "manifest.sig");
  if (!manifest_sig) return manifest_sig.error();
  if (!security::VerifySignature(*camera_key, manifest_bytes, *manifest_sig)) {
    return Invalid("manifest.sig does not match manifest.json for camera '" + event->camera_id +
                   "'");
  }
  for (const EvidenceRef& ref : event->evidence) {
    const auto it = files.find("evidence/" + ref.sha256);
    if (it == files.end()) return Invalid("evidence " + ref.role + " (" + ref.sha256 + ") missing");
    if (it->second->size() != ref.size_bytes || security::Sha256Hex(*it->second) != ref.sha256) {
      return Invalid("evidence " + ref.role + " does not match the signed manifest");
    }
  }

  // 4. The case and its custody belong to this event.
  const Bytes& violation_bytes = *files.at("violation.json");
  const json violation =
      json::parse(violation_bytes.begin(), violation_bytes.end(), nullptr, false);
  if (violation.is_discarded() || !violation.is_object() ||
      StringAt(violation, "event_id") != event->event_id ||
      IntAt(violation, "id") != IntAt(index, "violation_id") ||
      StringAt(index, "event_id") != event->event_id) {
    return Invalid("violation.json, package.json and manifest.json name different cases");
  }
  const Bytes& custody_bytes = *files.at("custody.json");
  const json custody = json::parse(custody_bytes.begin(), custody_bytes.end(), nullptr, false);
  if (custody.is_discarded() || !custody.is_array()) {
    return Invalid("custody.json is not a list of audit entries");
  }

  PackageVerification report;
  report.violation_id = *IntAt(index, "violation_id");
  report.event_id = event->event_id;
  report.plate = event->plate;
  report.camera_id = event->camera_id;
  report.camera_key_hex = security::ToHex(*camera_key);
  report.store_key_hex = security::ToHex(*signer);
  report.exported_by = StringAt(index, "exported_by");
  report.evidence_objects = event->evidence.size();
  report.custody_entries = custody.size();
  return report;
}

}  // namespace safelane::store
