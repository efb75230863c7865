// Airtable-format ids (ids.h): checking them, and making them at random or from a seed (tests).
#include "common/ids.h"

#include "common/crypto.h"

namespace airbase {

namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The next random byte for an id, from a per-thread buffer of OpenSSL's CSPRNG output (one
// RAND_bytes call, which locks the shared generator, per 512 bytes rather than per id).
unsigned char NextRandomByte() {
  thread_local unsigned char buf[512];
  thread_local size_t used = sizeof(buf);
  if (used == sizeof(buf)) {
    RandomBytes(buf, sizeof(buf));
    used = 0;
  }
  return buf[used++];
}
}  // namespace

bool IsId(std::string_view id, std::string_view prefix) {
  if (id.size() != kIdLength || id.substr(0, 3) != prefix) return false;
  for (size_t i = 3; i < id.size(); ++i)
    if (!IsAlnum(id[i])) return false;
  return true;
}

std::string RandomIdGenerator::Next(std::string_view prefix) {
  std::string out(prefix);
  out.reserve(kIdLength);
  while (out.size() < kIdLength) {
    const unsigned char b = NextRandomByte();
    if (b >= 248) continue;  // rejection sampling: 248 = 4 * 62, no modulo bias
    out.push_back(kAlphabet[b % 62]);
  }
  return out;
}

std::string SeededIdGenerator::Next(std::string_view prefix) {
  std::lock_guard lock(mu_);
  std::string out(prefix);
  while (out.size() < kIdLength) out.push_back(kAlphabet[rng_() % 62]);
  return out;
}

}  // namespace airbase
