#pragma once
// Shared by the postgres_store*.cpp files: exception fencing and value conversions.
// libpqxx reports failures by exception; none may leave the Store interface.

#include <exception>
#include <optional>
#include <pqxx/pqxx>
#include <span>
#include <string>
#include <type_traits>

#include "core/result.h"
#include "store/clock.h"

namespace safelane::store::postgres {

struct Connection {
  explicit Connection(const std::string& conninfo) : conn(conninfo) {}
  pqxx::connection conn;
};

// Runs `body` (which returns a Result) and turns any exception into Error(kIo).
template <typename Body>
auto Fenced(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Error(ErrorCode::kIo, std::string("PostgreSQL: ") + e.what());
  }
}

inline pqxx::binarystring Bytea(std::span<const std::uint8_t> bytes) {
  return pqxx::binarystring(bytes.data(), bytes.size());
}

// A nullable BIGINT parameter as text ("$n::bigint" in the SQL): nullptr is NULL.
class NullableMillis {
 public:
  explicit NullableMillis(const std::optional<TimePoint>& t)
      : text_(t ? std::to_string(ToMillis(*t)) : std::string()), null_(!t) {}
  const char* get() const { return null_ ? nullptr : text_.c_str(); }

 private:
  std::string text_;
  bool null_;
};

inline std::optional<TimePoint> OptionalMillis(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return FromMillis(f.as<std::int64_t>());
}

template <std::size_t N>
void CopyBytes(const pqxx::field& f, std::array<std::uint8_t, N>& out) {
  if (f.is_null()) return;
  const pqxx::binarystring b(f);
  if (b.size() == N) std::copy(b.data(), b.data() + N, out.begin());
}

// A day partition's table name: reads_d20454, or reads_dm3 for a day before 1970.
inline std::string PartitionName(int day) {
  return day >= 0 ? "reads_d" + std::to_string(day)
                  : "reads_dm" + std::to_string(-(std::int64_t{day}));
}
inline std::optional<int> PartitionDay(const std::string& name) {
  const std::string prefix = "reads_d";
  if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return std::nullopt;
  const bool negative = name[prefix.size()] == 'm';
  const std::string digits = name.substr(prefix.size() + (negative ? 1 : 0));
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const int value = std::stoi(digits);
  return negative ? -value : value;
}

}  // namespace safelane::store::postgres
