// Thin wrappers over OpenSSL: CSPRNG bytes, SHA-256, HMAC-SHA-256, constant-time compare, hex,
// Base64.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace airbase {

void RandomBytes(unsigned char* out, size_t n);
std::string RandomHex(size_t bytes);  // 2*bytes lowercase hex characters
std::string ToHex(std::string_view bytes);
std::string Sha256(std::string_view data);  // 32 raw bytes
std::string Sha256Hex(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
// HMAC-SHA-256 under one key many times (signed attachment URLs: four a cell item): the padded
// keys are made once and each signature is two SHA-256s on this thread's context, without
// OpenSSL's per-call HMAC setup. Equal to HmacSha256(key, data). Immutable; thread-safe.
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  std::string Sign(std::string_view data) const;  // 32 raw bytes

 private:
  std::string ipad_, opad_;  // the key, padded to 64 bytes, XORed with 0x36 and 0x5c
};
std::string Base64Encode(std::string_view bytes);  // standard alphabet, padded
// Standard base64 (padding and line breaks allowed); nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view text);
// Constant-time equality for equal-length inputs; false for different lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace airbase
