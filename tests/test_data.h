#pragma once
// Where tests find the real data (../shared/data beside the checkout, or $SAFELANE_DATA).

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace safelane::testing {

inline std::filesystem::path DataDir() {
  if (const char* env = std::getenv("SAFELANE_DATA"); env != nullptr && *env != '\0') return env;
  return SAFELANE_DEFAULT_DATA_DIR;
}

inline std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace safelane::testing
