#pragma once
// The event manifest: the exact bytes a camera signs for one read. It is canonical JSON
// (keys sorted, no spaces, version 1), so one ReadEvent has exactly one manifest and a
// manifest can be rebuilt from stored fields byte for byte — which is what an exported
// package carries next to the camera's original signature.
//
// {"camera_id":"cam-7","captured_at_ms":1767225600000,"colour":"white","confidence":0.97,
//  "country":"uz","event_id":"e-1","evidence":[{"role":"overview","sha256":"…","size":123}],
//  "plate":"01A123BC","vehicle_class":"car","version":1}
//
// A camera that tracks vehicles adds an optional "track" object (store_types.h Track):
//  "track":{"direction":"approaching","first_seen_ms":…,"frames":12,"frames_agreed":9,
//           "id":"t-81","last_seen_ms":…}
// Events without it keep exactly the bytes (and signatures) they had before. Likewise an
// optional "lane" string (the camera's lane id, camera/lane.h); absent = unknown.

#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store_types.h"

namespace safelane::store {

inline constexpr std::size_t kMaxManifestBytes = std::size_t{16} * 1024;

std::string ManifestJson(const ReadEvent& event);

// Strict: valid JSON of at most 16 KiB, exactly the known keys with the right types,
// field values within bounds (validation.h), and in canonical form (ManifestJson of the
// parsed event gives back the same bytes). kBadRequest says what is wrong.
Result<ReadEvent> ParseManifest(std::string_view manifest);

}  // namespace safelane::store
