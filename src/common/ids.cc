// Airtable-format ids (ids.h): checking them, and making them at random or from a seed (tests).
#include "common/ids.h"

#include "common/crypto.h"

namespace airbase {

namespace {
constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
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
    unsigned char buf[32];
    RandomBytes(buf, sizeof(buf));
    for (unsigned char b : buf) {
      if (b >= 248) continue;  // rejection sampling: 248 = 4 * 62, no modulo bias
      out.push_back(kAlphabet[b % 62]);
      if (out.size() == kIdLength) break;
    }
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
