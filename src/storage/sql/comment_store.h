// Record comments.
// One part of SqlStore (sql_store.h); its statements are portable SQL run through the
// connection seam (connection.h). Safe for concurrent use.
#pragma once

#include "storage/sql/store_part.h"

namespace airbase::sql {

class SqlCommentStore : public virtual CommentStore, protected StorePart {
 public:
  explicit SqlCommentStore(StoreContext* ctx) : StorePart(ctx) {}

  Status CreateComment(const CommentRecord& c) override;
  Result<std::optional<CommentRecord>> FindComment(const std::string& id) override;
  Status UpdateComment(const std::string& id, const std::string& text, int64_t updated_ms) override;
  Status DeleteComment(const std::string& id) override;
  Result<std::vector<CommentRecord>> ListComments(const std::string& table_id,
                                                  const std::string& record_id, int64_t before_seq,
                                                  int limit) override;
  Result<std::vector<int64_t>> CountComments(const std::string& table_id,
                                             const std::vector<std::string>& record_ids) override;

  // Inserts a comment with its id and times (inside the caller's transaction, or alone).
  static Status InsertCommentOn(Connection& db, const CommentRecord& c);
};

}  // namespace airbase::sql
