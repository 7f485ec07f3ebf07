#pragma once
// SecretBytes<N>: key material that is wiped from memory when it goes away, and never
// copied by accident (move-only; a move wipes the source).

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace safelane::security {

template <std::size_t N>
class SecretBytes {
 public:
  static constexpr std::size_t kSize = N;

  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t, N> bytes) {
    std::copy(bytes.begin(), bytes.end(), bytes_.begin());
  }
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(other.bytes_) { other.Wipe(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      bytes_ = other.bytes_;
      other.Wipe();
    }
    return *this;
  }
  ~SecretBytes() { Wipe(); }

  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  static constexpr std::size_t size() { return N; }
  std::span<const std::uint8_t, N> span() const { return bytes_; }

 private:
  void Wipe() { sodium_memzero(bytes_.data(), bytes_.size()); }

  std::array<std::uint8_t, N> bytes_{};
};

// A 256-bit symmetric key (XChaCha20-Poly1305, key derivation).
using SymmetricKey = SecretBytes<32>;

}  // namespace safelane::security
