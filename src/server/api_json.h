#pragma once
// JSON views of store entities for API responses. Times are integers: milliseconds since
// the Unix epoch, UTC (`*_ms` fields).

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace safelane::server {

nlohmann::json CameraJson(const store::Camera& camera);
nlohmann::json ReadJson(const store::StoredRead& read);
nlohmann::json JourneyStopJson(const store::JourneyStop& stop);
nlohmann::json ViolationJson(const store::Violation& violation);
nlohmann::json NoticeJson(const store::Notice& notice);

}  // namespace safelane::server
