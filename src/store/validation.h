#pragma once
// Field checks for values that arrive from outside (cameras, operators). Each returns
// kBadRequest naming the first field that is wrong and why.

#include <string_view>

#include "core/result.h"
#include "store/store_types.h"

namespace safelane::store {

bool IsValidId(std::string_view id);              // [A-Za-z0-9_.-]{1,64}
bool IsValidPlate(std::string_view plate);        // [A-Z0-9]{1,16}
bool IsValidUsername(std::string_view username);  // [a-z0-9._-]{3,64}

Result<Done> ValidateCamera(const Camera& camera);
Result<Done> ValidateReadEvent(const ReadEvent& event);
Result<Done> ValidateHotlistEntry(const HotlistEntry& entry);
Result<Done> ValidateVehicle(const VehicleRecord& vehicle);
Result<Done> ValidateTrack(const Track& track);
Result<Done> ValidateUser(const User& user);

}  // namespace safelane::store
