// The layer rules docs/ARCHITECTURE.md states, checked over the source tree: only
// src/storage/sqlite/ knows SQLite and only src/storage/postgres/ libpq, no SQL text appears above
// src/storage/, and src/http/ never includes the layers above it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct SourceFile {
  std::string path;  // relative to src/
  std::string text;
};

std::vector<SourceFile> Sources() {
  std::vector<SourceFile> out;
  const fs::path root = fs::path(AIRBASE_SOURCE_DIR) / "src";
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    std::string ext = e.path().extension();
    if (!e.is_regular_file() || (ext != ".cc" && ext != ".h")) continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back({fs::relative(e.path(), root).string(), ss.str()});
  }
  return out;
}

// Every source file that mentions one of `needles` lies under `folder`, and some do.
void ExpectOnlyIn(const std::string& folder, const std::vector<std::string>& needles,
                  const std::string& what) {
  int adapter_files = 0;
  for (const SourceFile& f : Sources()) {
    bool knows = false;
    for (const std::string& n : needles) knows = knows || f.text.find(n) != std::string::npos;
    if (f.path.rfind(folder, 0) == 0) {
      adapter_files += knows;
      continue;
    }
    EXPECT_FALSE(knows) << f.path << " uses " << what << " outside src/" << folder;
  }
  EXPECT_GT(adapter_files, 0) << "no file of src/" << folder << " uses " << what;
}

TEST(Layering, OnlyTheSqliteAdapterKnowsSqlite) {
  ExpectOnlyIn("storage/sqlite/", {"sqlite3_", "<sqlite3.h>"}, "the SQLite C API");
}

TEST(Layering, OnlyThePostgresAdapterKnowsLibpq) {
  ExpectOnlyIn("storage/postgres/", {"<libpq-fe.h>", "PQexec", "PGconn"}, "libpq");
}

TEST(Layering, OnlyAttachmentFilesKnowLibvips) {
  ExpectOnlyIn("engine/attachment_files", {"<vips/vips.h>", "vips_"}, "libvips");
}

// Filters cross the storage seam as predicates (schema/predicate.h) and tables and fields by
// their ids: no statement, clause or physical name is spelled above src/storage/.
TEST(Layering, NoSqlAboveTheStore) {
  int checked = 0;
  for (const SourceFile& f : Sources()) {
    if (f.path.rfind("storage/", 0) == 0) continue;
    ++checked;
    for (const char* sql : {"\"SELECT ", "\"INSERT ", "\"UPDATE ", "\"DELETE FROM", "\"CREATE ",
                            "\"ALTER ", "\"DROP ", " WHERE ", "LIKE ?", " IS NOT NULL", " IS ?",
                            "COLLATE ", "\"c_", "\"t_", "#include \"storage/sql", "SqlDialect"})
      EXPECT_EQ(f.text.find(sql), std::string::npos) << f.path << " has " << sql;
  }
  EXPECT_GT(checked, 40);
}

// Every source file opens with a paragraph on its place in the pipeline.
TEST(Layering, EverySourceFileOpensWithAComment) {
  for (const SourceFile& f : Sources())
    EXPECT_EQ(f.text.rfind("// ", 0), 0u) << f.path << " does not open with a comment";
}

TEST(Layering, HttpNeverIncludesTheLayersAboveIt) {
  int http_files = 0;
  for (const SourceFile& f : Sources()) {
    if (f.path.rfind("http/", 0) != 0) continue;
    ++http_files;
    for (const char* above : {"#include \"api/", "#include \"auth/", "#include \"storage/",
                              "#include \"web/", "#include \"cli/"})
      EXPECT_EQ(f.text.find(above), std::string::npos) << f.path << " has " << above;
  }
  EXPECT_GE(http_files, 3);  // server.h, server.cc, message.h
}

}  // namespace
