#pragma once
// The body of an ingest request, shared by camera ingest (/api/v1/ingest) and the
// installer's sandbox (/api/v1/sandbox/ingest): {"events": [{"manifest", "signature",
// "evidence": [base64...]}]}, read strictly. Signatures, hashes and sizes are the store
// Ingestor's to check; this only parses.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/ingestor.h"

namespace safelane::server {

inline constexpr std::size_t kMaxEventsPerRequest = 1000;

struct ParsedEvent {
  store::IncomingEvent incoming;
  std::string camera_id;  // from the manifest
  std::string where;      // "events[3]", for messages
};

// kBadRequest naming the event and the field that broke a rule.
Result<std::vector<ParsedEvent>> ParseIngestBatch(std::string_view body);

// {"results": [{"event_id", "status", "reason"}]}
nlohmann::json IngestResultsJson(const std::vector<store::IngestResult>& results);

}  // namespace safelane::server
