// src/common: ids, time, JSON writing, the error table, crypto helpers.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <random>
#include <set>

#include "common/crypto.h"
#include "common/ids.h"
#include "common/json_util.h"
#include "common/json_writer.h"
#include "common/status.h"
#include "common/time_util.h"

namespace airbase {
namespace {

TEST(Ids, RandomIdsHaveAirtableShapeAndDoNotRepeat) {
  RandomIdGenerator gen;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    std::string id = gen.Next("rec");
    EXPECT_TRUE(IsId(id, "rec")) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 2000u);
}

TEST(Ids, SeededGeneratorIsDeterministic) {
  SeededIdGenerator a(7), b(7);
  EXPECT_EQ(a.Next("app"), b.Next("app"));
  EXPECT_EQ(a.Next("tbl"), b.Next("tbl"));
}

TEST(Ids, IsIdChecksPrefixLengthAndAlphabet) {
  EXPECT_TRUE(IsId("appLkNDICXNqxSDhG", "app"));
  EXPECT_FALSE(IsId("appLkNDICXNqxSDh", "app"));
  EXPECT_FALSE(IsId("appLkNDICXNqxSDhGG", "app"));
  EXPECT_FALSE(IsId("tblLkNDICXNqxSDhG", "app"));
  EXPECT_FALSE(IsId("appLkNDICXNq-SDhG", "app"));
}

TEST(Time, FormatsMillisecondsUtc) {
  EXPECT_EQ(FormatIsoMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMs(1663016628000LL), "2022-09-12T21:03:48.000Z");
  EXPECT_EQ(FormatIsoMs(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatDate(951782400000LL), "2000-02-29");
}

TEST(Time, ParsesDatesAndDateTimes) {
  EXPECT_EQ(ParseIsoDate("2024-02-29"), DaysFromCivil(2024, 2, 29));
  EXPECT_FALSE(ParseIsoDate("2023-02-29"));
  EXPECT_FALSE(ParseIsoDate("2023-13-01"));
  EXPECT_FALSE(ParseIsoDate("2023-1-01"));
  EXPECT_EQ(ParseIsoDateTime("2022-09-12T21:03:48.000Z"), 1663016628000LL);
  EXPECT_EQ(ParseIsoDateTime("2022-09-12T21:03:48Z"), 1663016628000LL);
  EXPECT_EQ(ParseIsoDateTime("2022-09-12T23:03:48.5+02:00"), 1663016628500LL);
  EXPECT_EQ(ParseIsoDateTime("2022-09-12 21:03"), 1663016580000LL);
  EXPECT_EQ(ParseIsoDateTime("2022-09-12"), 1662940800000LL);
  EXPECT_FALSE(ParseIsoDateTime("2022-09-12T25:00"));
  EXPECT_FALSE(ParseIsoDateTime("2022-09-12T10:00Q"));
  EXPECT_FALSE(ParseIsoDateTime("yesterday"));
}

TEST(JsonWriter, WritesNestedValuesWithEscapes) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a");
  w.String("q\"\\\n\x01");
  w.Key("b");
  w.BeginArray();
  w.Int(1);
  w.Double(2.5);
  w.Bool(true);
  w.Null();
  w.EndArray();
  w.Key("c");
  w.BeginObject();
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(out, R"({"a":"q\"\\\n\u0001","b":[1,2.5,true,null],"c":{}})");
  // The output is valid JSON that round-trips.
  EXPECT_EQ(json::parse(out).at("a").as_string(), "q\"\\\n\x01");
}

// The 8-bytes-at-a-time scan must find every byte that needs escaping, wherever it sits: random
// strings over a hostile alphabet (controls, quotes, backslashes, UTF-8) round-trip exactly.
TEST(JsonWriter, EscapesEveryPositionLikeBoostJson) {
  std::mt19937 rng(7);
  const std::vector<std::string> pieces = {
      "a", "b",  "\"", "\\",       std::string(1, '\x01'), "\x1f", "\x7f",
      " ", "\n", "\t", "\xc3\xa9", "\xe2\x82\xac"};
  for (int round = 0; round < 5000; ++round) {
    std::string in;
    size_t len = rng() % 40;
    for (size_t i = 0; i < len; ++i) in += pieces[rng() % pieces.size()];
    std::string out;
    JsonWriter::AppendQuoted(&out, in);
    auto back = json::parse(out);
    ASSERT_TRUE(back.is_string()) << out;
    ASSERT_EQ(std::string(back.as_string()), in) << out;
    ASSERT_EQ(out, json::serialize(json::string(in))) << "differs from Boost.JSON for " << out;
  }
}

// Many values through the writer's buffer: across its block boundaries, long texts that bypass
// it, escapes at every position, nested containers; the output parses to the same values.
TEST(JsonWriter, BufferedOutputParsesBackWhole) {
  std::mt19937 rng(11);
  json::array expect;
  std::string out;
  {
    JsonWriter w(&out);
    w.BeginArray();
    for (int i = 0; i < 3000; ++i) {
      std::string text(rng() % (i % 50 == 0 ? 5000 : 60), 'a' + static_cast<char>(i % 26));
      if (!text.empty()) text[rng() % text.size()] = (i % 3 == 0) ? '"' : '\n';
      w.BeginObject();
      w.Key("t");
      w.String(text);
      w.QuotedKey(R"("n":)");
      w.Int(i);
      w.Key("d");
      w.Double(i + 0.25);
      w.EndObject();
      expect.push_back(json::object{{"t", text}, {"n", i}, {"d", i + 0.25}});
    }
    w.EndArray();
    // A whole top-level value is in the string before the writer goes.
    EXPECT_EQ(json::parse(out), json::value(expect));
  }
  std::string part;
  JsonWriter w(&part);
  w.BeginObject();
  w.Key("x");
  w.Int(1);
  w.Flush();  // a part of an unfinished document, as the export writes it
  EXPECT_EQ(part, R"({"x":1)");
}

// The precomputed key signs exactly as OpenSSL's HMAC does, for short, block-sized and long keys.
TEST(Crypto, HmacSha256KeySignsAsHmac) {
  for (const std::string key : {std::string(), std::string("k"), std::string(64, 'x'),
                                std::string(65, 'y'), std::string(200, '\x9c')}) {
    HmacSha256Key k(key);
    for (const std::string msg :
         {std::string(), std::string("files|abc|a.png|image/png|1"), std::string(1000, 'm')}) {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &len);
      const std::string openssl(reinterpret_cast<char*>(md), len);
      EXPECT_EQ(ToHex(k.Sign(msg)), ToHex(openssl)) << key.size() << " " << msg.size();
      EXPECT_EQ(ToHex(HmacSha256(key, msg)), ToHex(openssl)) << key.size() << " " << msg.size();
    }
  }
  // RFC 4231 test case 2.
  EXPECT_EQ(ToHex(HmacSha256Key("Jefe").Sign("what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Base64EncodeMatchesRfc4648) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\x00\xfe", 3)), "/wD+");
}

TEST(Crypto, Base64DecodeTakesPaddingAndLineBreaksAndRefusesGarbage) {
  EXPECT_EQ(*Base64Decode(""), "");
  EXPECT_EQ(*Base64Decode("Zg=="), "f");
  EXPECT_EQ(*Base64Decode("Zm9vYmFy"), "foobar");
  EXPECT_EQ(*Base64Decode("Zm9v\nYmFy\r\n"), "foobar");
  EXPECT_EQ(*Base64Decode("/wD+"), std::string("\xff\x00\xfe", 3));
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  EXPECT_EQ(*Base64Decode(Base64Encode(big)), big);  // no line breaks in 400,000 characters
  EXPECT_FALSE(Base64Decode("***").has_value());
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());
}

TEST(Status, OneTableMapsCodesToAirtable) {
  EXPECT_EQ(InfoFor(ErrorCode::kAuthenticationRequired).http_status, 401);
  EXPECT_EQ(InfoFor(ErrorCode::kPermissionsOrNotFound).http_status, 403);
  EXPECT_EQ(InfoFor(ErrorCode::kInvalidPermissions).http_status, 403);
  EXPECT_EQ(InfoFor(ErrorCode::kNotFound).http_status, 404);
  EXPECT_EQ(InfoFor(ErrorCode::kInvalidRecords).http_status, 422);
  EXPECT_EQ(InfoFor(ErrorCode::kRateLimited).http_status, 429);
  EXPECT_EQ(ErrorBody(Error(ErrorCode::kNotFound)), R"({"error":"NOT_FOUND"})");
  EXPECT_EQ(ErrorBody(Error(ErrorCode::kAuthenticationRequired)),
            R"({"error":{"type":"AUTHENTICATION_REQUIRED","message":"Authentication required"}})");
  EXPECT_EQ(ErrorBody(Error(ErrorCode::kUnknownFieldName, "Unknown field name: \"x\"")),
            R"({"error":{"type":"UNKNOWN_FIELD_NAME","message":"Unknown field name: \"x\""}})");
}

TEST(Crypto, HashesAndComparesInConstantTime) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_EQ(RandomHex(32).size(), 64u);
  EXPECT_NE(RandomHex(32), RandomHex(32));
}

}  // namespace
}  // namespace airbase
