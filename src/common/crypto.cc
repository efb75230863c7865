// The OpenSSL wrappers (crypto.h).
#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace airbase {

void RandomBytes(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string RandomHex(size_t bytes) {
  std::string buf(bytes, '\0');
  RandomBytes(reinterpret_cast<unsigned char*>(buf.data()), bytes);
  return ToHex(buf);
}

std::string Sha256(std::string_view data) {
  // Hot (every authenticated request): the algorithm is fetched once and each thread keeps its
  // own context, which avoids OpenSSL 3's per-call implicit fetch (measured at ~9k instructions).
  static EVP_MD* const kSha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  struct CtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local std::unique_ptr<EVP_MD_CTX, CtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned char md[32];
  unsigned int len = 0;
  if (!kSha256 || !ctx || EVP_DigestInit_ex(ctx.get(), kSha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), md, &len) != 1)
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256(data)); }

// Through Sha256's kept context: OpenSSL's one-shot HMAC() fetches the algorithm on every call
// (every list page's offset is signed).
std::string HmacSha256(std::string_view key, std::string_view data) {
  return HmacSha256Key(key).Sign(data);
}

HmacSha256Key::HmacSha256Key(std::string_view key) {
  std::string k = key.size() > 64 ? Sha256(key) : std::string(key);  // RFC 2104: long keys hashed
  k.resize(64, '\0');
  ipad_ = opad_ = k;
  for (char& c : ipad_) c = static_cast<char>(c ^ 0x36);
  for (char& c : opad_) c = static_cast<char>(c ^ 0x5c);
}

std::string HmacSha256Key::Sign(std::string_view data) const {
  std::string inner = ipad_;
  inner.append(data);
  std::string outer = opad_;
  outer += Sha256(inner);
  return Sha256(outer);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::unique_ptr<EVP_ENCODE_CTX, void (*)(EVP_ENCODE_CTX*)> ctx(EVP_ENCODE_CTX_new(),
                                                                 EVP_ENCODE_CTX_free);
  if (!ctx || text.size() > static_cast<size_t>(INT32_MAX) - 64) return std::nullopt;
  std::string out(text.size() / 4 * 3 + 3, '\0');
  EVP_DecodeInit(ctx.get());
  int n = 0, tail = 0;
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (EVP_DecodeUpdate(ctx.get(), o, &n, reinterpret_cast<const unsigned char*>(text.data()),
                       static_cast<int>(text.size())) < 0)
    return std::nullopt;
  if (EVP_DecodeFinal(ctx.get(), o + n, &tail) < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n + tail));
  return out;
}

}  // namespace airbase
