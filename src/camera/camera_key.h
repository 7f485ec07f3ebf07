#pragma once
// The camera's signing key: a 32-byte Ed25519 seed in a file only its owner can read or
// write (mode 0600), referenced from CAMERA.toml by path, never inline. The store holds the
// public half (registered with the camera) and verifies every event with it.

#include <filesystem>

#include "core/result.h"
#include "security/ed25519.h"

namespace safelane::camera {

inline constexpr std::size_t kCameraKeyFileBytes = 32;

// kBadConfig (with the reason) for a missing file, a symlink, a non-regular file, a mode
// other than 0600, another owner, or a size other than 32 bytes.
Result<security::SigningKey> LoadCameraKey(const std::filesystem::path& path);

// Writes a fresh random seed with mode 0600; refuses to overwrite an existing file.
Result<security::SigningKey> CreateCameraKeyFile(const std::filesystem::path& path);

}  // namespace safelane::camera
