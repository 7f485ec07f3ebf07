#pragma once
// PasswordPolicy: NIST SP 800-63B section 5.1.1.2 ("memorized secrets"), for accounts
// that can see plates, approve fines or manage users.
//
// - At least 12 characters (NIST's floor is 8; these accounts reach the movements of a
//   whole city, and a length-12 floor is what NIST's own guidance and OWASP give for
//   privileged accounts: every extra character multiplies an offline guesser's work,
//   and a passphrase of three or four words is easy to remember).
// - At most 128 characters, so anything up to NIST's required 64 fits and a megabyte
//   "password" cannot make the server hash for seconds.
// - Every printable character, including spaces and any Unicode letter or symbol, is
//   accepted; length counts code points, not bytes. Control characters and invalid
//   UTF-8 are refused (they cannot be typed reliably and break logs).
// - No composition rules (no "one digit and one symbol") and no periodic expiry: NIST
//   found they only produce "Password1!" and its successors.
// - Refused: blocklisted values (src/security/common_passwords.txt, compiled in), those
//   values with digits or symbols added at either end or common substitutions
//   (P@ssw0rd2024!), the product's name, the username itself or containing it, a single
//   repeated character or short repeated group, and runs of ascending or descending
//   characters (123456789012, abcdefghijkl).
// Every refusal carries a reason that tells the person what to change.

#include <optional>
#include <string>
#include <string_view>

namespace safelane::security {

inline constexpr std::size_t kMinPasswordChars = 12;
inline constexpr std::size_t kMaxPasswordChars = 128;

class PasswordPolicy {
 public:
  // std::nullopt when acceptable, else the reason, phrased for the user.
  static std::optional<std::string> Check(std::string_view password, std::string_view username);
};

}  // namespace safelane::security
