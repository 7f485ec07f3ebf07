#include "store/audit_head.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <fstream>
#include <sstream>

#include "security/bytes.h"
#include "store/audit_chain.h"
#include "store/store.h"

namespace safelane::store {
namespace {

constexpr std::string_view kMagic = "safelane.audit.head.v1";

std::string SignedText(std::int64_t id, const std::string& hash) {
  return std::string(kMagic) + ":" + std::to_string(id) + ":" + hash;
}

Error Bad(const std::filesystem::path& file, const std::string& why) {
  return {ErrorCode::kIo, "audit head " + file.string() + " " + why};
}

}  // namespace

Result<std::optional<AuditHead>> ReadAuditHead(const std::filesystem::path& file,
                                               const security::PublicKey& key) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (ec) return Bad(file, "cannot be checked: " + ec.message());
    return std::optional<AuditHead>();
  }
  std::ifstream in(file);
  if (!in) return Bad(file, "cannot be read");
  std::string magic;
  std::string id_text;
  std::string hash;
  std::string signature_hex;
  in >> magic >> id_text >> hash >> signature_hex;
  if (magic != kMagic || hash.size() != 64) return Bad(file, "is malformed");
  AuditHead head;
  const auto [end, err] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), head.id);
  if (err != std::errc() || end != id_text.data() + id_text.size() || head.id < 1) {
    return Bad(file, "is malformed");
  }
  auto signature = security::SignatureFromHex(signature_hex);
  if (!signature.ok() ||
      !security::VerifySignature(key, security::AsBytes(SignedText(head.id, hash)), *signature)) {
    return Bad(file, "is not signed by the audit key: it was altered or forged");
  }
  head.hash = std::move(hash);
  return std::optional<AuditHead>(std::move(head));
}

Result<Done> WriteAuditHead(const std::filesystem::path& file, const security::SigningKey& key,
                            const AuditEntry& entry) {
  // Never move the head back: a writer that lost a race to a later entry stops here. A
  // head that is malformed or forged is evidence: it stays for the investigation.
  auto current = ReadAuditHead(file, key.public_key());
  if (!current.ok()) return current.error();
  if (current->has_value() && (*current)->id >= entry.id) return Done{};
  const std::string text =
      std::string(kMagic) + "\n" + std::to_string(entry.id) + "\n" + entry.hash + "\n" +
      security::ToHex(key.Sign(security::AsBytes(SignedText(entry.id, entry.hash)))) + "\n";
  static std::atomic<unsigned> sequence{0};  // threads of one process never share a temp
  const std::filesystem::path temp = file.string() + ".tmp." +
                                     std::to_string(static_cast<long long>(::getpid())) + "." +
                                     std::to_string(sequence.fetch_add(1));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Bad(file, "cannot be written: " + temp.string());
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  std::error_code ec;
  if (!written || !closed) {
    std::filesystem::remove(temp, ec);
    return Bad(file, "cannot be written");
  }
  std::filesystem::rename(temp, file, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return Bad(file, "cannot be replaced: " + ec.message());
  }
  return Done{};
}

Result<Done> ExpectAuditHead(const std::filesystem::path& file, const security::PublicKey& key,
                             AuditChainVerifier& verifier) {
  auto head = ReadAuditHead(file, key);
  if (!head.ok()) {
    // Reported after the walk: an entry that is itself bad is the more precise finding.
    verifier.ExpectHeadUnreadable(head.error());
  } else if (head->has_value()) {
    verifier.ExpectHead(**head);
  } else {
    verifier.ExpectHeadMissing(file.string());
  }
  return Done{};
}

Result<bool> EnsureAuditHead(Store& store, const std::filesystem::path& file, TimePoint now) {
  std::error_code ec;
  const auto status = std::filesystem::symlink_status(file, ec);
  if (status.type() != std::filesystem::file_type::not_found) {
    if (ec) return Bad(file, "cannot be checked: " + ec.message());
    return false;
  }
  std::int64_t last = 0;
  for (;;) {
    auto page = store.ListAudit(last, 1000);
    if (!page.ok()) return page.error();
    if (page->empty()) break;
    last = page->back().id;
  }
  if (last == 0) return false;
  auto appended = store.AppendAudit(
      {.at = now,
       .actor = "system:serve",
       .action = "audit.head_created",
       .subject = "audit",
       .detail = "no head file at start, after entry " + std::to_string(last) +
                 " (a log from before heads existed, or the head was deleted): entries cut off "
                 "the end before this one cannot be detected",
       .source = "local"});
  if (!appended.ok()) return appended.error();
  return true;
}

}  // namespace safelane::store
