// Airtable-format identifiers: a 3-letter prefix and 14 characters of [0-9A-Za-z], 17 in all
// (airtable-api.md §3.1). Generation is injected so tests get deterministic ids.
#pragma once

#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>

namespace airbase {

inline constexpr size_t kIdLength = 17;

// True when `id` is `prefix` followed by exactly 14 alphanumerics.
bool IsId(std::string_view id, std::string_view prefix);

class IdGenerator {  // Safe for concurrent use.
 public:
  virtual ~IdGenerator() = default;
  // Returns prefix + 14 random alphanumerics.
  virtual std::string Next(std::string_view prefix) = 0;
};

// Draws from OpenSSL's CSPRNG.
class RandomIdGenerator final : public IdGenerator {
 public:
  std::string Next(std::string_view prefix) override;
};

// Deterministic, for tests.
class SeededIdGenerator final : public IdGenerator {
 public:
  explicit SeededIdGenerator(uint64_t seed) : rng_(seed) {}
  std::string Next(std::string_view prefix) override;

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

}  // namespace airbase
