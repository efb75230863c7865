// The records endpoints (airtable-api.md §4): list (GET and POST listRecords), get, create,
// update (PATCH/PUT, one or a batch, with upsert), delete.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <set>

#include "api/attachment_fetcher.h"
#include "api/handlers.h"
#include "api/webhooks.h"
#include "common/body_buffers.h"
#include "common/crypto.h"
#include "common/json_writer.h"
#include "common/limits.h"
#include "common/text.h"
#include "common/time_util.h"
#include "common/timezone.h"
#include "engine/linked_records.h"
#include "engine/record_reader.h"
#include "engine/record_writer.h"
#include "formula/cells.h"
#include "formula/dates.h"
#include "formula/field_formula.h"
#include "formula/pushdown.h"
#include "formula/view_filter.h"

namespace airbase::api {

using engine::LinkIds;
using engine::LinkNames;

using engine::AllFields;
using engine::CellText;
using engine::FetchList;
using engine::FillFormulas;
using engine::StringFormat;
using engine::StringFormatOf;

namespace {

Status Invalid(std::string msg = {}) {
  return Error(ErrorCode::kInvalidRequestUnknown, std::move(msg));
}
Status UnknownField(std::string_view name) {
  return Error(ErrorCode::kUnknownFieldName, "Unknown field name: \"" + std::string(name) + "\"");
}

// ---- list parameters, from the query string or a listRecords body -------------------------------
struct ListParams {
  std::vector<std::string> fields;
  bool fields_given = false;
  std::string filter;
  std::optional<int64_t> max_records;
  int64_t page_size = kDefaultPageSize;
  std::vector<std::pair<std::string, std::string>> sort;  // field, direction
  std::string view;
  std::string cell_format = "json";
  std::string time_zone, user_locale;
  std::string offset;
  bool by_field_id = false;
  bool comment_count = false;
};

Result<int64_t> ParseInt(const std::string& s) {
  if (s.empty() || s.size() > 12) return Invalid();
  int64_t v = 0;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return Invalid();
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return Invalid();
    v = v * 10 + (s[i] - '0');
  }
  return s[0] == '-' ? -v : v;
}

Result<int64_t> JsonInt(const json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() < (1ULL << 53)) return static_cast<int64_t>(v.as_uint64());
  if (v.is_double() && v.as_double() == static_cast<int64_t>(v.as_double()))
    return static_cast<int64_t>(v.as_double());
  if (v.is_string()) return ParseInt(std::string(v.as_string()));
  return Invalid();
}

Result<ListParams> ParamsFromQuery(const Query& q) {
  ListParams p;
  p.fields = q.GetArray("fields");
  p.fields_given = !p.fields.empty();
  if (auto f = q.Get("filterByFormula")) p.filter = *f;
  if (auto v = q.Get("maxRecords")) {
    ASSIGN_OR_RETURN(int64_t n, ParseInt(*v));
    p.max_records = n;
  }
  if (auto v = q.Get("pageSize")) {
    ASSIGN_OR_RETURN(p.page_size, ParseInt(*v));
  } else if (auto l = q.Get("limit")) {  // legacy alias still sent by airtable.js list()
    ASSIGN_OR_RETURN(p.page_size, ParseInt(*l));
  }
  // sort[N][field] / sort[N][direction]: N a plain index below kMaxSortIndex, taken in order
  // (gaps close up, as Airtable's query parser does); anything else under sort is a 422.
  std::map<int, std::pair<std::optional<std::string>, std::optional<std::string>>> sorts;
  for (const auto& [key, value] : q.items()) {
    if (key != "sort" && key.rfind("sort[", 0) != 0) continue;
    size_t close = key.find(']');
    std::string_view index = close == std::string::npos
                                 ? std::string_view()
                                 : std::string_view(key).substr(5, close - 5);
    std::string_view rest =
        close == std::string::npos ? "" : std::string_view(key).substr(close + 1);
    bool numeric =
        !index.empty() && index.size() <= 3 &&
        std::all_of(index.begin(), index.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
        (index.size() == 1 || index[0] != '0');
    if (!numeric || std::stoi(std::string(index)) >= kMaxSortIndex ||
        (rest != "[field]" && rest != "[direction]"))
      return Invalid("Invalid sort parameter \"" + key +
                     "\": use sort[N][field] and sort[N][direction] with N from 0");
    auto& entry = sorts[std::stoi(std::string(index))];
    (rest == "[field]" ? entry.first : entry.second) = value;
  }
  for (const auto& [i, entry] : sorts) {
    if (!entry.first) return Invalid("sort[" + std::to_string(i) + "] needs a field");
    p.sort.emplace_back(*entry.first, entry.second.value_or("asc"));
  }
  if (auto v = q.Get("view")) p.view = *v;
  if (auto v = q.Get("cellFormat")) p.cell_format = *v;
  if (auto v = q.Get("timeZone")) p.time_zone = *v;
  if (auto v = q.Get("userLocale")) p.user_locale = *v;
  if (auto v = q.Get("offset")) p.offset = *v;
  ASSIGN_OR_RETURN(auto by_id, QueryBool(q, "returnFieldsByFieldId"));
  p.by_field_id = by_id.value_or(false);
  for (const auto& m : q.GetArray("recordMetadata")) {
    if (m != "commentCount") return Invalid();
    p.comment_count = true;
  }
  return p;
}

Result<ListParams> ParamsFromBody(const json::object& b, const Query& q) {
  ListParams p;
  // timeZone and userLocale come in the query string for this route (and may be in the body).
  if (auto v = q.Get("timeZone")) p.time_zone = *v;
  if (auto v = q.Get("userLocale")) p.user_locale = *v;
  for (const auto& [key, v] : b) {
    if (key == "fields") {
      if (!v.is_array()) return Invalid();
      for (const auto& f : v.as_array()) {
        if (!f.is_string()) return Invalid();
        p.fields.emplace_back(f.as_string());
      }
      p.fields_given = true;
    } else if (key == "filterByFormula") {
      if (!v.is_string()) return Invalid();
      p.filter = v.as_string();
    } else if (key == "maxRecords") {
      ASSIGN_OR_RETURN(int64_t n, JsonInt(v));
      p.max_records = n;
    } else if (key == "pageSize") {
      ASSIGN_OR_RETURN(p.page_size, JsonInt(v));
    } else if (key == "sort") {
      if (!v.is_array()) return Invalid();
      for (const auto& s : v.as_array()) {
        if (!s.is_object()) return Invalid();
        const json::value* f = s.as_object().if_contains("field");
        const json::value* d = s.as_object().if_contains("direction");
        if (!f || !f->is_string() || (d && !d->is_string())) return Invalid();
        p.sort.emplace_back(std::string(f->as_string()),
                            d ? std::string(d->as_string()) : std::string("asc"));
      }
    } else if (key == "view") {
      if (!v.is_string()) return Invalid();
      p.view = v.as_string();
    } else if (key == "cellFormat") {
      if (!v.is_string()) return Invalid();
      p.cell_format = v.as_string();
    } else if (key == "timeZone" && v.is_string()) {
      p.time_zone = v.as_string();
    } else if (key == "userLocale" && v.is_string()) {
      p.user_locale = v.as_string();
    } else if (key == "offset") {
      if (!v.is_string()) return Invalid();
      p.offset = v.as_string();
    } else if (key == "returnFieldsByFieldId") {
      if (!v.is_bool()) return Invalid();
      p.by_field_id = v.as_bool();
    } else if (key == "recordMetadata") {
      if (!v.is_array()) return Invalid();
      for (const auto& m : v.as_array()) {
        if (!m.is_string() || m.as_string() != "commentCount") return Invalid();
        p.comment_count = true;
      }
    } else if (key == "method" || key == "includeDateDependencyMetadata") {
      // airtable.js posts its own "method"; both are accepted and ignored.
    } else {
      return Invalid();
    }
  }
  return p;
}

// ---- record output ----------------------------------------------------------------------------

}  // namespace

namespace {

// Records as V1 JSON: each field's key is quoted once per response, not once per cell.
class RecordJson {
 public:
  RecordJson(const std::vector<const Field*>& fields, bool by_id,
             const StringFormat* string_format = nullptr)
      : fields_(fields), string_format_(string_format) {
    keys_.reserve(fields.size());
    for (const Field* f : fields) {
      std::string key;
      JsonWriter::AppendQuoted(&key, by_id ? f->id : f->name);
      key.push_back(':');
      keys_.push_back(std::move(key));
    }
  }

  // `comment_count`: the record's number of comments when recordMetadata asked for it, else
  // null.
  void Write(JsonWriter& w, const StoredRecord& r, const int64_t* comment_count = nullptr) const {
    w.BeginObject();
    w.QuotedKey(R"("id":)");
    w.String(r.id);
    w.QuotedKey(R"("createdTime":)");
    char created[kIsoMsMaxLength];
    w.String(std::string_view(created, FormatIsoMsInto(r.created_ms, created)));
    w.QuotedKey(R"("fields":)");
    w.BeginObject();
    for (size_t i = 0; i < fields_.size(); ++i) {
      const Field& f = *fields_[i];
      const SqlValue& v = r.cells[i];
      if (IsEmptyCell(f, v)) continue;
      w.QuotedKey(keys_[i]);
      if (string_format_)
        w.String(CellText(f, v, *string_format_));
      else
        WriteCell(f, v, w);
    }
    w.EndObject();
    if (comment_count) {
      w.QuotedKey(R"("commentCount":)");
      w.Int(*comment_count);
    }
    w.EndObject();
  }

 private:
  const std::vector<const Field*>& fields_;
  const StringFormat* string_format_;
  std::vector<std::string> keys_;  // "name": per field
};

// The page buffers of this thread's last list: the next list reads its cells into their
// strings, so a warm list allocates nothing per cell. At most kMaxKeptPageBytes are kept.
std::vector<StoredRecord>& KeptPage() {
  thread_local std::vector<StoredRecord> rows;
  return rows;
}

size_t PageBytes(const std::vector<StoredRecord>& rows) {
  size_t n = rows.capacity() * sizeof(StoredRecord);
  for (const StoredRecord& r : rows) {
    n += r.id.capacity() + r.cells.capacity() * sizeof(SqlValue);
    for (const SqlValue& v : r.cells)
      if (const auto* s = std::get_if<std::string>(&v)) n += s->capacity();
  }
  return n;
}

// A page with the thread's kept buffers, given back when the list ends (unless it grew past the
// cap: a page of long texts is not kept).
struct KeptPageLease {
  engine::Page page;
  KeptPageLease() { page.rows.swap(KeptPage()); }
  ~KeptPageLease() {
    if (PageBytes(page.rows) <= kMaxKeptPageBytes) page.rows.swap(KeptPage());
  }
  KeptPageLease(const KeptPageLease&) = delete;
  KeptPageLease& operator=(const KeptPageLease&) = delete;
};

uint32_t Fingerprint(const Table& t, const ListQuery& q, const std::string& view) {
  std::string s = t.id + "|" + view;
  for (const auto& k : q.sort) s += "|" + k.field->id + (k.desc ? "-" : "+");
  std::string h = Sha256(s);
  uint32_t out;
  std::memcpy(&out, h.data(), 4);
  return out;
}

void PutU64(std::string* s, uint64_t v) {
  for (int i = 7; i >= 0; --i) s->push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
uint64_t GetU64(const std::string& s, size_t pos) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(s[pos + i]);
  return v;
}
bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    int a = nib(hex[i]), b = nib(hex[i + 1]);
    if (a < 0 || b < 0) return false;
    out->push_back(static_cast<char>(a * 16 + b));
  }
  return true;
}

}  // namespace

std::string EncodeOffset(const std::string& key, uint32_t fingerprint, int64_t position,
                         int64_t cursor, int64_t expires_ms, const std::string& last_id) {
  std::string payload;
  PutU64(&payload, static_cast<uint64_t>(position));
  PutU64(&payload, static_cast<uint64_t>(cursor));
  PutU64(&payload, static_cast<uint64_t>(expires_ms));
  PutU64(&payload, fingerprint);
  std::string mac = HmacSha256(key, payload).substr(0, 12);
  return "itr" + ToHex(payload + mac) + "/" + last_id;
}

Result<OffsetState> DecodeOffset(const std::string& key, uint32_t fingerprint,
                                 const std::string& offset, int64_t now_ms) {
  const Status gone = Error(ErrorCode::kIteratorNotAvailable);
  if (offset.size() < 3 || offset.compare(0, 3, "itr") != 0) return gone;
  size_t slash = offset.find('/');
  std::string bytes;
  if (!FromHex(std::string_view(offset).substr(
                   3, slash == std::string::npos ? std::string::npos : slash - 3),
               &bytes) ||
      bytes.size() != 44)
    return gone;
  std::string payload = bytes.substr(0, 32);
  if (!ConstantTimeEquals(HmacSha256(key, payload).substr(0, 12), bytes.substr(32))) return gone;
  OffsetState st{static_cast<int64_t>(GetU64(payload, 0)),
                 static_cast<int64_t>(GetU64(payload, 8))};
  int64_t expires = static_cast<int64_t>(GetU64(payload, 16));
  if (GetU64(payload, 24) != fingerprint || now_ms > expires) return gone;
  return st;
}

const Table* FindTableOrNull(const Call& c, const std::string& key) {
  return c.schema->FindTable(key);
}

Result<const Table*> ResolveTable(const Call& c, const std::string& key) {
  const Table* t = FindTableOrNull(c, key);
  if (!t) return Error(ErrorCode::kPermissionsOrNotFound);
  return t;
}

Result<json::object> BodyObject(const Call& c) {
  if (c.req.body.empty()) return Error(ErrorCode::kInvalidRequestBody);
  ASSIGN_OR_RETURN(json::value v, ParseJson(c.req.body));
  if (!v.is_object()) return Error(ErrorCode::kInvalidRequestBody);
  return std::move(v.as_object());
}

namespace {}  // namespace

namespace {

// A list request checked and translated: what to fetch, in which order, through which filter.
struct PreparedList {
  ListQuery q;
  std::vector<const Field*> out_fields;            // cells to return, in this order
  std::optional<formula::CompiledFormula> filter;  // rows SQL cannot filter exactly
  std::optional<StringFormat> string_format;
  std::string filter_text;  // the formula the view and filterByFormula amount to
};

// Checks the parameters against the table and compiles the filter: the view's saved conditions
// AND filterByFormula; the view's saved sort unless `sort` is given (airtable-api.md §4.2).
Result<PreparedList> PrepareList(Call& c, const Table& table, const ListParams& p) {
  PreparedList out;
  ListQuery& q = out.q;
  if (p.cell_format != "json" && p.cell_format != "string")
    return Invalid("cellFormat must be \"json\" or \"string\"");
  if (p.cell_format == "string") {
    ASSIGN_OR_RETURN(out.string_format, StringFormatOf(p.time_zone, p.user_locale));
  }
  if (p.fields_given) {
    std::set<std::string> seen;
    for (const auto& name : p.fields) {
      const Field* f = table.FindField(name);
      if (!f) return UnknownField(name);
      if (seen.insert(f->id).second) q.fields.push_back(f);
    }
  } else {
    q.fields = AllFields(table);
  }
  for (const auto& [name, dir] : p.sort) {
    const Field* f = table.FindField(name);
    if (!f) return UnknownField(name);
    if (dir != "asc" && dir != "desc") return Invalid("sort direction must be asc or desc");
    q.sort.push_back(SortKey{f, dir == "desc"});
  }
  const View* view = nullptr;
  if (!p.view.empty()) {
    view = table.FindView(p.view);
    if (!view) return Error(ErrorCode::kViewNameNotFound, "View \"" + p.view + "\" not found");
    if (q.sort.empty())
      for (const ViewSort& k : view->sorts)
        if (const Field* f = table.FindField(k.field_id)) q.sort.push_back(SortKey{f, k.desc});
  }
  // filterByFormula: compiled once, evaluated per row over rows streamed in list order.
  const std::vector<formula::FieldInfo> infos = formula::FieldsOf(table);
  out.filter_text = p.filter;
  if (!p.filter.empty()) {
    // Checked alone first, so that its errors point into the caller's own text.
    RETURN_IF_ERROR(formula::Compile(p.filter, infos).status());
  }
  if (std::string vf = view ? formula::ViewFilterFormula(table, *view) : ""; !vf.empty())
    out.filter_text = p.filter.empty() ? vf : "AND(" + vf + "," + p.filter + ")";
  if (!out.filter_text.empty()) {
    ASSIGN_OR_RETURN(auto compiled, formula::Compile(out.filter_text, infos));
    // What SQL can say exactly runs in the database; an exact translation needs no evaluator.
    std::vector<const Field*> refs;
    for (const std::string& id : compiled.field_ids) refs.push_back(table.FindField(id));
    formula::PushedFilter pushed =
        c.svc.sql_filters
            ? formula::PushDown(compiled, refs, c.svc.clock->NowMs(),
                                c.svc.store->CaseMappingInSql(), c.svc.store->ArithmeticInSql())
            : formula::PushedFilter{};
    q.filter = std::move(pushed.predicate);
    if (!pushed.exact) out.filter = std::move(compiled);
  }
  out.out_fields = q.fields;
  q.fields = FetchList(table, out.out_fields);
  return out;
}

}  // namespace

Result<std::string> ListRecords(Call& c, const std::string& table_key, bool post) {
  LinkNames names(c.svc.store, c.schema);
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  ListParams p;
  if (post) {
    json::object body;
    if (!c.req.body.empty()) {
      ASSIGN_OR_RETURN(body, BodyObject(c));
    }
    ASSIGN_OR_RETURN(p, ParamsFromBody(body, c.query));
  } else {
    ASSIGN_OR_RETURN(p, ParamsFromQuery(c.query));
  }
  if (p.page_size < 1 || p.page_size > kMaxPageSize)
    return Invalid("pageSize must be an integer from 1 to 100");
  if (p.max_records && *p.max_records < 0) return Invalid("maxRecords must not be negative");
  ASSIGN_OR_RETURN(PreparedList prep, PrepareList(c, *table, p));
  const std::vector<const Field*>& out_fields = prep.out_fields;
  std::optional<StringFormat>& string_format = prep.string_format;
  if (string_format) string_format->links = &names;

  ASSIGN_OR_RETURN(std::string key, c.svc.store->ServerKey());
  uint32_t fp = Fingerprint(*table, prep.q, p.view + "|" + prep.filter_text);
  int64_t now = c.svc.clock->NowMs();
  OffsetState pos;
  if (!p.offset.empty()) {
    ASSIGN_OR_RETURN(pos, DecodeOffset(key, fp, p.offset, now));
  }
  int64_t limit = p.page_size;
  if (p.max_records && *p.max_records > 0)
    limit = std::min<int64_t>(limit, *p.max_records - pos.position);
  if (limit <= 0) return std::string(R"({"records":[]})");

  engine::ReadContext rc{c.svc.store, &names, now};
  engine::ListPlan plan{std::move(prep.q), std::move(prep.filter)};
  KeptPageLease lease;
  engine::Page& page = lease.page;
  RETURN_IF_ERROR(engine::ReadPage(rc, *table, plan, pos.cursor, limit, &page));
  const std::vector<StoredRecord>& rows = page.rows;
  const bool more = page.more;
  const int64_t cursor = page.cursor;

  std::string out = TakeBodyBuffer();
  out.reserve(256 + rows.size() * 64 * (out_fields.size() + 1));
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("records");
  w.BeginArray();
  std::vector<int64_t> comments;
  if (p.comment_count) {
    std::vector<std::string> ids;
    for (const StoredRecord& r : rows) ids.push_back(r.id);
    ASSIGN_OR_RETURN(comments, c.svc.store->CountComments(table->id, ids));
  }
  const RecordJson records(out_fields, p.by_field_id, string_format ? &*string_format : nullptr);
  for (size_t i = 0; i < rows.size(); ++i)
    records.Write(w, rows[i], p.comment_count ? &comments[i] : nullptr);
  w.EndArray();
  int64_t next = pos.position + static_cast<int64_t>(rows.size());
  if (more && !rows.empty() && !(p.max_records && *p.max_records > 0 && next >= *p.max_records)) {
    w.Key("offset");
    w.String(EncodeOffset(key, fp, next, cursor, now + kIteratorLifetimeMs, rows.back().id));
  }
  w.EndObject();
  return out;
}

// The fields a query names under `key[]` (names or ids); UNKNOWN_FIELD_NAME for any other.
Result<std::vector<const Field*>> FieldsNamed(const Call& c, const Table& table, const char* key) {
  std::vector<const Field*> fields;
  for (const std::string& name : c.query.GetArray(key)) {
    const Field* f = table.FindField(name);
    if (!f) return Error(ErrorCode::kUnknownFieldName, "Unknown field name: \"" + name + "\"");
    fields.push_back(f);
  }
  return fields;
}

// Every id of the records a request's view and filterByFormula keep, in the view's order (or
// the request's sort).
Result<std::vector<std::string>> ViewIds(Call& c, const Table& table, LinkNames* names) {
  ASSIGN_OR_RETURN(ListParams p, ParamsFromQuery(c.query));
  p.fields_given = true;  // no cells: only the order and the filter matter
  p.fields.clear();
  ASSIGN_OR_RETURN(PreparedList prep, PrepareList(c, table, p));
  engine::ReadContext rc{c.svc.store, names, c.svc.clock->NowMs()};
  engine::ListPlan plan{std::move(prep.q), std::move(prep.filter)};
  return engine::MatchingIds(rc, table, plan);
}

// Reads `fields` of the records `ids`, 1,000 at a time (formulas filled), handing each part to
// `fn(offset of the part in ids, its ids, its rows in the store's order)`.
template <typename Fn>
Status ReadInParts(Call& c, const Table& table, const std::vector<const Field*>& fields,
                   const std::vector<std::string>& ids, LinkNames* names, Fn&& fn) {
  constexpr size_t kPart = 1000;
  for (size_t at = 0; at < ids.size() && !fields.empty(); at += kPart) {
    std::vector<std::string> part(
        ids.begin() + static_cast<long>(at),
        ids.begin() + static_cast<long>(std::min(ids.size(), at + kPart)));
    ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(table, fields, part));
    FillFormulas(table, fields, rows, c.svc.clock->NowMs(), names);
    fn(at, part, rows);
  }
  return Status::Ok();
}

// The groups of a grouped grid: with `groupBy[]` (field ids, outermost first; the request sorts
// by them first), the runs of equal cells in the id list as
// [{level, key, start, count}], each group before its subgroups, keys as cellFormat=string text.
Result<json::array> GroupRuns(Call& c, const Table& table, const std::vector<std::string>& ids,
                              LinkNames* names) {
  ASSIGN_OR_RETURN(std::vector<const Field*> fields, FieldsNamed(c, table, "groupBy"));
  json::array out;
  if (fields.empty()) return out;
  if (fields.size() > 3) return Invalid("groupBy takes at most 3 fields");
  const StringFormat sf{"UTC", "en", names};
  std::vector<std::string> open(fields.size());          // the key of each level's open group
  std::vector<size_t> open_at(fields.size(), SIZE_MAX);  // its index in `out`
  RETURN_IF_ERROR(
      ReadInParts(c, table, fields, ids, names, [&](size_t at, const auto& part, const auto& rows) {
        std::map<std::string, const StoredRecord*> by_id;  // Get answers in its own order
        for (const StoredRecord& r : rows) by_id[r.id] = &r;
        for (size_t k = 0; k < part.size(); ++k) {
          auto it = by_id.find(part[k]);
          bool changed = false;
          for (size_t level = 0; level < fields.size(); ++level) {
            std::string key = it == by_id.end() || std::holds_alternative<std::monostate>(
                                                       it->second->cells[level])
                                  ? std::string()
                                  : CellText(*fields[level], it->second->cells[level], sf);
            if (!changed && open_at[level] != SIZE_MAX && key == open[level]) {
              json::object& g = out[open_at[level]].as_object();
              g["count"] = g["count"].as_int64() + 1;
              continue;
            }
            changed = true;  // a new group here opens new groups below it
            open[level] = key;
            open_at[level] = out.size();
            out.push_back(json::object{{"level", static_cast<int64_t>(level)},
                                       {"key", key},
                                       {"start", static_cast<int64_t>(at + k)},
                                       {"count", 1}});
          }
        }
      }));
  return out;
}

Result<std::string> ListRecordIds(Call& c, const std::string& table_key) {
  LinkNames names(c.svc.store, c.schema);
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ViewIds(c, *table, &names));
  ASSIGN_OR_RETURN(json::array groups, GroupRuns(c, *table, ids, &names));
  std::string out;
  out.reserve(32 + ids.size() * 20);
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("recordIds");
  w.BeginArray();
  for (const std::string& id : ids) w.String(id);
  w.EndArray();
  if (!groups.empty()) {
    w.Key("groups");
    w.Raw(json::serialize(groups));
  }
  w.EndObject();
  return out;
}

// The grid's summary bar: for each field of `fields[]`, over the view's records (its filter,
// and filterByFormula), how many cells are filled and empty and, for numbers, their sum,
// average, minimum and maximum. Cells are read 1,000 records at a time.
Result<std::string> SummarizeRecords(Call& c, const std::string& table_key) {
  LinkNames names(c.svc.store, c.schema);
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(std::vector<const Field*> fields, FieldsNamed(c, *table, "fields"));
  ASSIGN_OR_RETURN(std::vector<std::string> ids, ViewIds(c, *table, &names));
  struct Totals {
    int64_t filled = 0, numbers = 0;
    double sum = 0, min = 0, max = 0;
  };
  std::vector<Totals> totals(fields.size());
  RETURN_IF_ERROR(
      ReadInParts(c, *table, fields, ids, &names, [&](size_t, const auto&, const auto& rows) {
        for (const StoredRecord& r : rows)
          for (size_t i = 0; i < fields.size(); ++i) {
            const SqlValue& v = r.cells[i];
            if (std::holds_alternative<std::monostate>(v)) continue;
            if (const auto* s = std::get_if<std::string>(&v); s && s->empty()) continue;
            Totals& t = totals[i];
            ++t.filled;
            if (KindOf(fields[i]->type) != CellKind::kNumber) continue;
            const double x = std::holds_alternative<int64_t>(v)
                                 ? static_cast<double>(std::get<int64_t>(v))
                             : std::holds_alternative<double>(v) ? std::get<double>(v)
                                                                 : 0;
            t.min = t.numbers ? std::min(t.min, x) : x;
            t.max = t.numbers ? std::max(t.max, x) : x;
            t.sum += x;
            ++t.numbers;
          }
      }));
  json::object by_field;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Totals& t = totals[i];
    json::object o{{"filled", t.filled}, {"empty", static_cast<int64_t>(ids.size()) - t.filled}};
    if (KindOf(fields[i]->type) == CellKind::kNumber && t.numbers) {
      o["sum"] = t.sum;
      o["average"] = t.sum / static_cast<double>(t.numbers);
      o["min"] = t.min;
      o["max"] = t.max;
    }
    by_field[fields[i]->id] = std::move(o);
  }
  return json::serialize(json::object{{"records", static_cast<int64_t>(ids.size())},
                                      {"summary", std::move(by_field)}});
}

Result<std::string> GetRecordsByIds(Call& c, const std::string& table_key) {
  LinkNames names(c.svc.store, c.schema);
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  std::vector<std::string> ids = c.query.GetArray("ids");
  if (ids.size() > kMaxRecordsByIds)
    return Invalid("At most " + std::to_string(kMaxRecordsByIds) + " ids per request");
  std::vector<const Field*> fields = AllFields(*table);
  // With timeZone and userLocale, dates also come as the text cellFormat=string gives them, so
  // the grid shows them in the field's format through the server's one date formatter.
  std::optional<engine::StringFormat> dates;
  if (c.query.Get("timeZone") || c.query.Get("userLocale")) {
    ASSIGN_OR_RETURN(dates, StringFormatOf(c.query.Get("timeZone").value_or(""),
                                           c.query.Get("userLocale").value_or("")));
  }
  ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(*table, fields, ids));
  FillFormulas(*table, fields, rows, c.svc.clock->NowMs(), &names);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("records");
  w.BeginArray();
  const RecordJson records(fields, false);
  for (const StoredRecord& r : rows) records.Write(w, r);
  w.EndArray();
  if (dates) {
    w.Key("dateText");  // record id -> field name -> the date as text
    w.BeginObject();
    for (const StoredRecord& r : rows) {
      w.Key(r.id);
      w.BeginObject();
      for (size_t i = 0; i < fields.size(); ++i) {
        const CellKind kind = KindOf(fields[i]->type);
        if ((kind != CellKind::kDay && kind != CellKind::kInstant) ||
            std::holds_alternative<std::monostate>(r.cells[i]))
          continue;
        w.Key(fields[i]->name);
        w.String(engine::CellText(*fields[i], r.cells[i], *dates));
      }
      w.EndObject();
    }
    w.EndObject();
  }
  // What the grid shows for link cells: each linked record's primary text.
  w.Key("linkNames");
  w.BeginObject();
  std::set<std::string> seen;
  for (const StoredRecord& r : rows)
    for (size_t i = 0; i < fields.size(); ++i)
      if (fields[i]->type == FieldType::kMultipleRecordLinks)
        for (const std::string& id : LinkIds(r.cells[i]))
          if (seen.insert(id).second) {
            w.Key(id);
            w.String(names.NameOf(*fields[i], id));
          }
  w.EndObject();
  w.EndObject();
  return out;
}

Result<std::string> GetRecord(Call& c, const std::string& table_key, const std::string& rec_id) {
  LinkNames names(c.svc.store, c.schema);
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  for (const auto& [k, v] : c.query.items()) {
    if (k == "returnFieldsByFieldId" || k == "cellFormat" || k == "timeZone" || k == "userLocale" ||
        k == "includeDateDependencyMetadata" || k == "method")
      continue;
    return Invalid();  // e.g. fields[] is refused here, as Airtable does
  }
  ASSIGN_OR_RETURN(auto by_id, QueryBool(c.query, "returnFieldsByFieldId"));
  std::optional<StringFormat> string_format;
  if (auto cf = c.query.Get("cellFormat"); cf && *cf != "json") {
    if (*cf != "string") return Invalid("cellFormat must be \"json\" or \"string\"");
    ASSIGN_OR_RETURN(string_format, StringFormatOf(c.query.Get("timeZone").value_or(""),
                                                   c.query.Get("userLocale").value_or("")));
    string_format->links = &names;
  }
  // Airtable finds the record even when it lives in another table of the base (§3.2).
  std::vector<const Table*> order{table};
  for (const Table& t : c.schema->tables)
    if (&t != table) order.push_back(&t);
  for (const Table* t : order) {
    auto fields = AllFields(*t);
    ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(*t, fields, {rec_id}));
    if (rows.empty()) continue;
    FillFormulas(*t, fields, rows, c.svc.clock->NowMs(), &names);
    std::string out;
    JsonWriter w(&out);
    RecordJson(fields, by_id.value_or(false), string_format ? &*string_format : nullptr)
        .Write(w, rows[0]);
    return out;
  }
  return Error(ErrorCode::kModelIdNotFound, "Record not found");
}

// ---- writes
// ---------------------------------------------------------------------------------------
namespace {

struct WriteOptions {
  bool typecast = false;
  bool by_field_id = false;
};

Result<WriteOptions> ReadWriteOptions(const json::object& body) {
  WriteOptions o;
  if (const json::value* t = body.if_contains("typecast"); t && !t->is_null()) {
    if (!t->is_bool()) return Invalid();
    o.typecast = t->as_bool();
  }
  if (const json::value* b = body.if_contains("returnFieldsByFieldId"); b && !b->is_null()) {
    if (!b->is_bool()) return Invalid();
    o.by_field_id = b->as_bool();
  }
  return o;
}

// One element of a write's "records": an object with a "fields" object (and, for updates, an
// "id"); anything else is refused with the element's index, never stored half-right (a record
// sent without its "fields" wrapper would otherwise become an empty record).
Result<const json::value*> RecordFields(const json::value& r, size_t index, bool with_id) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorCode::kInvalidRecords,
                 "Invalid record at index " + std::to_string(index) + ": " + why);
  };
  if (!r.is_object()) return bad("each record must be an object with a \"fields\" object");
  const json::object& o = r.as_object();
  for (const auto& [key, value] : o)
    if (key != "fields" && !(with_id && key == "id"))
      return bad("unexpected key \"" + std::string(key) + "\" (cell values go inside \"fields\")");
  const json::value* f = o.if_contains("fields");
  if (!f) return bad("missing \"fields\" object");
  if (!f->is_object()) return bad("\"fields\" must be an object");
  return f;
}

// The record writer for one request, with its webhooks listening.
Result<std::unique_ptr<engine::RecordWriter>> BeginWriter(Call& c, const engine::CellEncoder& enc,
                                                          RecordChanges& changes) {
  return engine::RecordWriter::Begin({c.svc.store, c.schema, c.svc.clock, c.svc.ids,
                                      c.principal.user_id(), engine::OriginOf(c.req.client)},
                                     enc, {&changes});
}

// Commits a write and wakes the attachment fetcher for the URLs it queued.
Status Commit(Call& c, engine::RecordWriter& writer) {
  RETURN_IF_ERROR(writer.Commit());
  if (writer.queued_fetches() > 0 && c.svc.fetcher) c.svc.fetcher->Wake();
  return Status::Ok();
}

// The written records read back after the commit. `table` is the encoder's: the request's table
// with the choices typecast added (and saved with the write), so the schema is not read again.
Result<std::string> RecordsBody(Call& c, const Table& table, const std::vector<std::string>& ids,
                                bool by_id, bool single, const std::string* upsert_extra) {
  LinkNames names(c.svc.store, c.schema);
  auto fields = AllFields(table);
  ASSIGN_OR_RETURN(auto rows, c.svc.store->Get(table, fields, ids));
  FillFormulas(table, fields, rows, c.svc.clock->NowMs(), &names);
  std::string out;
  JsonWriter w(&out);
  if (single) {
    if (rows.empty()) return Error(ErrorCode::kModelIdNotFound, "Record not found");
    RecordJson(fields, by_id).Write(w, rows[0]);
    return out;
  }
  w.BeginObject();
  // The upsert id lists are written as raw key/value pairs before "records".
  if (upsert_extra) w.Raw(*upsert_extra);
  w.Key("records");
  w.BeginArray();
  const RecordJson records(fields, by_id);
  for (const auto& r : rows) records.Write(w, r);
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace

Result<std::string> CreateRecords(Call& c, const std::string& table_key) {
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  ASSIGN_OR_RETURN(WriteOptions opts, ReadWriteOptions(body));
  const json::value* records = body.if_contains("records");
  const json::value* fields = body.if_contains("fields");
  bool single = records == nullptr;
  std::vector<const json::value*> inputs;
  if (records) {
    if (!records->is_array()) return Error(ErrorCode::kInvalidRecords);
    const auto& arr = records->as_array();
    if (arr.size() > static_cast<size_t>(kMaxRecordsPerWrite))
      return Error(ErrorCode::kInvalidRecords,
                   "A maximum of 10 records can be created per request but you have provided " +
                       std::to_string(arr.size()) + ".");
    if (arr.empty()) return Error(ErrorCode::kInvalidRecords);
    for (size_t i = 0; i < arr.size(); ++i) {
      ASSIGN_OR_RETURN(const json::value* f, RecordFields(arr[i], i, /*with_id=*/false));
      inputs.push_back(f);
    }
  } else {
    if (!fields) return Error(ErrorCode::kInvalidRequestMissingFields);
    inputs.push_back(fields);
  }
  engine::CellEncoder enc(*table, c.svc.ids, opts.typecast);
  std::vector<engine::Cells> encoded;
  for (const json::value* in : inputs) {
    ASSIGN_OR_RETURN(auto cells, enc.Encode(*in, false));
    encoded.push_back(std::move(cells));
  }
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, BeginWriter(c, enc, changes));
  std::vector<std::string> ids;
  for (auto& cells : encoded) {
    ASSIGN_OR_RETURN(std::string id, writer->Create(std::move(cells)));
    ids.push_back(std::move(id));
  }
  RETURN_IF_ERROR(Commit(c, *writer));
  return RecordsBody(c, enc.table(), ids, opts.by_field_id, single, nullptr);
}

Result<std::string> UpdateRecord(Call& c, const std::string& table_key, const std::string& rec_id,
                                 bool replace) {
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  ASSIGN_OR_RETURN(WriteOptions opts, ReadWriteOptions(body));
  const json::value* fields = body.if_contains("fields");
  if (!fields) return Error(ErrorCode::kInvalidRequestMissingFields);
  engine::CellEncoder enc(*table, c.svc.ids, opts.typecast);
  ASSIGN_OR_RETURN(auto cells, enc.Encode(*fields, replace));
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, BeginWriter(c, enc, changes));
  ASSIGN_OR_RETURN(bool found, writer->Update(rec_id, std::move(cells)));
  if (!found) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  RETURN_IF_ERROR(Commit(c, *writer));
  return RecordsBody(c, enc.table(), {rec_id}, opts.by_field_id, true, nullptr);
}

namespace {

// performUpsert {"fieldsToMergeOn": [1..3 names or ids]}: the fields; none without performUpsert.
Result<std::vector<const Field*>> MergeFields(const Table& table, const json::object& body) {
  std::vector<const Field*> merge_on;
  const json::value* upsert = body.if_contains("performUpsert");
  if (!upsert || upsert->is_null()) return merge_on;
  const json::value* fm =
      upsert->is_object() ? upsert->as_object().if_contains("fieldsToMergeOn") : nullptr;
  if (!fm || !fm->is_array() || fm->as_array().empty() ||
      fm->as_array().size() > static_cast<size_t>(kMaxMergeFields))
    return Invalid("performUpsert.fieldsToMergeOn must list 1 to 3 fields");
  for (const auto& n : fm->as_array()) {
    if (!n.is_string()) return Invalid();
    const Field* f = table.FindField(std::string(n.as_string()));
    if (!f) return UnknownField(n.as_string());
    if (IsComputed(f->type))
      return Invalid("performUpsert.fieldsToMergeOn cannot use computed field \"" + f->name + "\"");
    merge_on.push_back(f);
  }
  return merge_on;
}

// One element of an update: the record it names (empty: to upsert by the merge fields) and its
// encoded cells.
struct UpdateOp {
  std::string id;
  engine::Cells cells;
  bool create = false;  // an upsert that matched nothing (or a blank merge value)
};

// The elements of "records", checked and encoded; `seen_ids` maps each id to its first index.
Result<std::vector<UpdateOp>> UpdateOps(const json::array& arr,
                                        const std::vector<const Field*>& merge_on, bool replace,
                                        engine::CellEncoder& enc,
                                        std::map<std::string, size_t>& seen_ids) {
  std::vector<UpdateOp> ops;
  for (size_t index = 0; index < arr.size(); ++index) {
    ASSIGN_OR_RETURN(const json::value* f, RecordFields(arr[index], index, /*with_id=*/true));
    const json::value* id = arr[index].as_object().if_contains("id");
    UpdateOp op;
    if (id && !id->is_null()) {
      if (!id->is_string())
        return Error(
            ErrorCode::kInvalidRecords,
            "Invalid record at index " + std::to_string(index) + ": \"id\" must be a string");
      op.id = id->as_string();
      if (auto [it, fresh] = seen_ids.emplace(op.id, index); !fresh)
        return Error(ErrorCode::kInvalidRecords,
                     "Record " + op.id + " appears more than once in the request (at index " +
                         std::to_string(it->second) + " and " + std::to_string(index) + ")");
    } else if (merge_on.empty()) {
      return Error(ErrorCode::kInvalidRecords,
                   "Invalid record at index " + std::to_string(index) + ": missing \"id\"");
    }
    ASSIGN_OR_RETURN(op.cells, enc.Encode(*f, replace));
    if (op.id.empty())
      for (const Field* m : merge_on)
        if (!f->as_object().contains(m->name) && !f->as_object().contains(m->id))
          return Invalid(
              "Each record to upsert needs a value for every field in "
              "performUpsert.fieldsToMergeOn (missing \"" +
              m->name + "\")");
    ops.push_back(std::move(op));
  }
  return ops;
}

// Upserts match against the records as they were before this request: every merge is resolved
// before the first write. A blank merge value never matches (it creates a record); two elements
// with the same merge values, or that resolve to one record, are refused.
Status ResolveUpserts(engine::RecordWriter& writer, const std::vector<const Field*>& merge_on,
                      std::vector<UpdateOp>& ops, std::map<std::string, size_t>& seen_ids) {
  std::map<std::vector<SqlValue>, size_t> seen_keys;
  for (size_t index = 0; index < ops.size(); ++index) {
    UpdateOp& op = ops[index];
    if (!op.id.empty()) continue;
    engine::Cells key;
    std::vector<SqlValue> values;
    bool blank = false;
    for (const Field* m : merge_on)
      for (const auto& [cf, v] : op.cells)
        if (cf->id == m->id) {
          key.emplace_back(cf, v);
          values.push_back(v);
          const std::string* text = std::get_if<std::string>(&v);
          if (std::holds_alternative<std::monostate>(v) || (text && TrimSpace(*text).empty()))
            blank = true;
        }
    if (blank) {
      op.create = true;
      continue;
    }
    if (auto [it, fresh] = seen_keys.emplace(values, index); !fresh)
      return Error(ErrorCode::kInvalidRecords,
                   "Records at index " + std::to_string(it->second) + " and " +
                       std::to_string(index) +
                       " have the same values for performUpsert.fieldsToMergeOn");
    ASSIGN_OR_RETURN(auto matches, writer.FindEqual(key, 2));
    if (matches.size() > 1)
      return Invalid("Cannot update more than one record with the same fieldsToMergeOn values");
    if (matches.empty()) {
      op.create = true;
      continue;
    }
    op.id = matches[0];
    if (auto [it, fresh] = seen_ids.emplace(op.id, index); !fresh)
      return Error(ErrorCode::kInvalidRecords,
                   "Record " + op.id + " is named by the records at index " +
                       std::to_string(it->second) + " and " + std::to_string(index));
  }
  return Status::Ok();
}

// Writes the ops in order; `ids` gets every record written, `created`/`updated` the upsert lists.
Status ApplyOps(engine::RecordWriter& writer, std::vector<UpdateOp>& ops,
                std::vector<std::string>* ids, std::vector<std::string>* created,
                std::vector<std::string>* updated) {
  for (UpdateOp& op : ops) {
    if (op.create) {
      engine::Cells cells;
      for (auto& cv : op.cells)
        if (!std::holds_alternative<std::monostate>(cv.second)) cells.push_back(cv);
      ASSIGN_OR_RETURN(std::string id, writer.Create(std::move(cells)));
      created->push_back(id);
      ids->push_back(std::move(id));
      continue;
    }
    ASSIGN_OR_RETURN(bool found, writer.Update(op.id, std::move(op.cells)));
    if (!found)
      return Error(ErrorCode::kRowDoesNotExist,
                   "Record ID " + op.id + " does not exist in this table");
    if (std::find(created->begin(), created->end(), op.id) == created->end() &&
        std::find(updated->begin(), updated->end(), op.id) == updated->end())
      updated->push_back(op.id);
    ids->push_back(op.id);
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> UpdateRecords(Call& c, const std::string& table_key, bool replace) {
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  ASSIGN_OR_RETURN(json::object body, BodyObject(c));
  ASSIGN_OR_RETURN(WriteOptions opts, ReadWriteOptions(body));
  const json::value* records = body.if_contains("records");
  if (!records)
    return Error(ErrorCode::kInvalidRequestMissingFields,
                 "Could not find field \"records\" in the request body");
  if (!records->is_array() || records->as_array().empty() ||
      records->as_array().size() > static_cast<size_t>(kMaxRecordsPerWrite))
    return Error(ErrorCode::kInvalidRecords);
  ASSIGN_OR_RETURN(std::vector<const Field*> merge_on, MergeFields(*table, body));
  engine::CellEncoder enc(*table, c.svc.ids, opts.typecast);
  std::map<std::string, size_t> seen_ids;  // record id -> first index that names it
  ASSIGN_OR_RETURN(std::vector<UpdateOp> ops,
                   UpdateOps(records->as_array(), merge_on, replace, enc, seen_ids));

  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, BeginWriter(c, enc, changes));
  RETURN_IF_ERROR(ResolveUpserts(*writer, merge_on, ops, seen_ids));
  std::vector<std::string> ids, created, updated;
  RETURN_IF_ERROR(ApplyOps(*writer, ops, &ids, &created, &updated));
  RETURN_IF_ERROR(Commit(c, *writer));
  if (merge_on.empty()) return RecordsBody(c, enc.table(), ids, opts.by_field_id, false, nullptr);
  json::array ca, ua;
  for (auto& id : created) ca.emplace_back(id);
  for (auto& id : updated) ua.emplace_back(id);
  std::string extra =
      "\"createdRecords\":" + json::serialize(ca) + ",\"updatedRecords\":" + json::serialize(ua);
  return RecordsBody(c, enc.table(), ids, opts.by_field_id, false, &extra);
}

Result<std::string> DeleteRecords(Call& c, const std::string& table_key) {
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  std::vector<std::string> ids = c.query.GetArray("records");
  if (ids.empty() || ids.size() > static_cast<size_t>(kMaxRecordsPerWrite))
    return Error(ErrorCode::kInvalidRecords,
                 "You must provide an array of up to 10 record IDs to delete.");
  for (size_t i = 0; i < ids.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (ids[i] == ids[j])
        return Error(ErrorCode::kInvalidRecords,
                     "Record " + ids[i] + " appears more than once in the request (at index " +
                         std::to_string(j) + " and " + std::to_string(i) + ")");
  engine::CellEncoder enc(*table, c.svc.ids, false);
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, BeginWriter(c, enc, changes));
  for (const auto& id : ids) {
    ASSIGN_OR_RETURN(bool found, writer->Delete(id));
    if (!found) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  }
  RETURN_IF_ERROR(Commit(c, *writer));
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("records");
  w.BeginArray();
  for (const auto& id : ids) {
    w.BeginObject();
    w.Key("id");
    w.String(id);
    w.Key("deleted");
    w.Bool(true);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

Result<std::string> DeleteRecord(Call& c, const std::string& table_key, const std::string& id) {
  ASSIGN_OR_RETURN(const Table* table, ResolveTable(c, table_key));
  engine::CellEncoder enc(*table, c.svc.ids, false);
  ASSIGN_OR_RETURN(RecordChanges changes, RecordChanges::Begin(c, *table));
  ASSIGN_OR_RETURN(auto writer, BeginWriter(c, enc, changes));
  ASSIGN_OR_RETURN(bool found, writer->Delete(id));
  if (!found) return Error(ErrorCode::kModelIdNotFound, "Record not found");
  RETURN_IF_ERROR(Commit(c, *writer));
  return "{\"id\":\"" + id + "\",\"deleted\":true}";
}

}  // namespace airbase::api
