// The record reader (record_reader.h): three strategies, one per kind of plan.
#include "engine/record_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "formula/cells.h"
#include "formula/value.h"

namespace airbase::engine {

std::vector<const Field*> AllFields(const Table& t) {
  std::vector<const Field*> out;
  out.reserve(t.fields.size());
  for (const Field& f : t.fields) out.push_back(&f);
  return out;
}

std::vector<const Field*> FetchList(const Table& t, const std::vector<const Field*>& out) {
  bool formulas = false;
  for (const Field* f : out) formulas = formulas || IsComputedAtRead(f->type);
  if (!formulas) return out;
  std::vector<const Field*> all = out;
  for (const Field& f : t.fields)
    if (!IsComputedAtRead(f.type) && std::find(all.begin(), all.end(), &f) == all.end())
      all.push_back(&f);
  return all;
}

void FillFormulas(const Table& t, const std::vector<const Field*>& fetched,
                  std::vector<StoredRecord>& rows, int64_t now_ms, LinkNames* names) {
  bool any = false;
  for (const Field* f : fetched) any = any || IsComputedAtRead(f->type);
  if (!any) return;
  formula::TableFormulas formulas(t);
  for (StoredRecord& r : rows) {
    formula::RowAccess ra = RecordAccess(r, fetched, now_ms, names);
    std::vector<std::pair<size_t, SqlValue>> computed;
    for (size_t i = 0; i < fetched.size(); ++i) {
      if (!IsComputedAtRead(fetched[i]->type)) continue;
      std::string cell = fetched[i]->type == FieldType::kButton
                             ? formulas.ButtonJson(*fetched[i], ra)
                             : formula::CellJson(formulas.ValueOf(*fetched[i], ra));
      SqlValue v;  // empty cell unless the formula produced something
      if (!cell.empty()) v = std::move(cell);
      computed.emplace_back(i, std::move(v));
    }
    for (auto& [i, v] : computed) r.cells[i] = std::move(v);
  }
}

namespace {

// The fields a formula reads, in its field_index order.
std::vector<const Field*> FilterRefs(const Table& table, const formula::CompiledFormula& filter) {
  std::vector<const Field*> refs;
  for (const std::string& id : filter.field_ids) refs.push_back(table.FindField(id));
  return refs;
}

bool HasComputedSort(const ListQuery& q) {
  for (const SortKey& k : q.sort)
    if (IsComputedAtRead(k.field->type)) return true;
  return false;
}

// Orders formula values for sorting: blanks first, then numbers, dates, text (case-insensitive),
// arrays by their text, errors last.
int SortCompare(const formula::Value& a, const formula::Value& b) {
  using K = formula::Value::Kind;
  auto rank = [](const formula::Value& v) {
    switch (v.kind) {
      case K::kBlank:
        return 0;
      case K::kNumber:
      case K::kBool:
        return 1;
      case K::kDate:
        return 2;
      case K::kText:
      case K::kArray:
        return 3;
      case K::kError:
        return 4;
    }
    return 4;
  };
  int ra = rank(a), rb = rank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 1) {
    double x = a.number, y = b.number;
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) - std::isnan(y);
    return x < y ? -1 : x > y;
  }
  if (ra == 2) return a.ms < b.ms ? -1 : a.ms > b.ms;
  if (ra == 3) {
    std::string x = formula::ToText(a), y = formula::ToText(b);
    for (char& ch : x) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (char& ch : y) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    int r = x.compare(y);
    return r < 0 ? -1 : r > 0;
  }
  return 0;
}

// Whether a row passes an evaluator filter; `refs` are the fields of filter.field_ids.
bool PassesFilter(const formula::CompiledFormula& filter, const std::vector<const Field*>& refs,
                  const formula::TableFormulas& formulas, const StoredRecord& r,
                  const formula::RowAccess& row, int64_t now) {
  formula::EvalContext ctx;
  ctx.now_ms = now;
  ctx.record_id = r.id;
  ctx.created_ms = r.created_ms;
  ctx.modified_ms = r.modified_ms;
  ctx.field = [&](int i) { return formulas.ValueOf(*refs[static_cast<size_t>(i)], row); };
  return formula::IsTruthy(formula::Evaluate(filter, ctx));
}

// The ids of every record matching `q.filter` and `filter`, ordered by `q.sort` where some keys
// are formula fields (creation order breaks ties).
Result<std::vector<std::string>> SortedByComputedKeys(const ReadContext& rc, const Table& table,
                                                      const ListQuery& q,
                                                      const formula::CompiledFormula* filter) {
  const int64_t now = rc.now_ms;
  LinkNames& names = *rc.names;
  std::vector<const Field*> needed, filter_refs;
  for (const SortKey& k : q.sort) needed.push_back(k.field);
  if (filter) filter_refs = FilterRefs(table, *filter);
  needed.insert(needed.end(), filter_refs.begin(), filter_refs.end());
  ListQuery scan;
  scan.fields = FetchList(table, needed);
  scan.filter = q.filter;
  scan.limit = 5000;
  formula::TableFormulas formulas(table);
  struct Entry {
    std::vector<formula::Value> keys;
    int64_t rowid;
    std::string id;
  };
  std::vector<Entry> entries;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<StoredRecord> batch, rc.store->List(table, scan));
    for (const StoredRecord& r : batch) {
      formula::RowAccess ra = RecordAccess(r, scan.fields, now, &names);
      if (filter && !PassesFilter(*filter, filter_refs, formulas, r, ra, now)) continue;
      Entry e{{}, r.rowid, r.id};
      for (const SortKey& k : q.sort) e.keys.push_back(formulas.ValueOf(*k.field, ra));
      entries.push_back(std::move(e));
    }
    if (batch.size() < static_cast<size_t>(scan.limit)) break;
    scan.after_rowid = batch.back().rowid;
  }
  std::stable_sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
    for (size_t i = 0; i < q.sort.size(); ++i) {
      int r = SortCompare(a.keys[i], b.keys[i]);
      if (r != 0) return q.sort[i].desc ? r > 0 : r < 0;
    }
    return a.rowid < b.rowid;
  });
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (Entry& e : entries) ids.push_back(std::move(e.id));
  return ids;
}

// A sort on a computed key: all matches sorted here, then the page's records fetched.
Status PageByComputedSort(const ReadContext& rc, const Table& table, ListPlan& plan, int64_t cursor,
                          int64_t limit, Page& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> ids,
                   SortedByComputedKeys(rc, table, plan.q, plan.filter ? &*plan.filter : nullptr));
  const int64_t total = static_cast<int64_t>(ids.size());
  const int64_t end = std::min(total, cursor + limit);
  std::vector<std::string> wanted(ids.begin() + std::min(cursor, total), ids.begin() + end);
  page.more = end < total;
  ASSIGN_OR_RETURN(page.rows, rc.store->Get(table, plan.q.fields, wanted));
  FillFormulas(table, plan.q.fields, page.rows, rc.now_ms, rc.names);
  page.cursor = end;
  return Status::Ok();
}

// No filter left for the evaluator: one store query, one row more than the page to tell whether
// another follows.
Status PageFromStore(const ReadContext& rc, const Table& table, ListPlan& plan, int64_t cursor,
                     int64_t limit, Page& page) {
  ListQuery& q = plan.q;
  const bool sorted = !q.sort.empty();
  q.limit = limit + 1;
  q.skip = sorted ? cursor : 0;
  q.after_rowid = sorted ? 0 : cursor;
  page.cursor = cursor;
  RETURN_IF_ERROR(rc.store->ListInto(table, q, &page.rows));
  page.more = static_cast<int64_t>(page.rows.size()) > limit;
  if (page.more) page.rows.pop_back();
  FillFormulas(table, q.fields, page.rows, rc.now_ms, rc.names);
  if (!page.rows.empty())
    page.cursor = sorted ? cursor + static_cast<int64_t>(page.rows.size()) : page.rows.back().rowid;
  return Status::Ok();
}

// The evaluator's filter as a test the store runs on each row of its scan, where every field it
// reads is a stored cell (a computed field or a link's primary text needs the whole row).
class EvaluatorTest final : public RowTest {
 public:
  EvaluatorTest(const formula::CompiledFormula& filter, std::vector<const Field*> refs,
                int64_t now_ms)
      : filter_(filter), refs_(std::move(refs)) {
    ctx_.now_ms = now_ms;
    ctx_.field = [this](int i) {
      const size_t col = static_cast<size_t>(i);
      return formula::FromCell(*refs_[col], (*cells_)[col]);
    };
  }
  // Whether the store can run this filter in its scan.
  static bool Fits(const RecordStore& store, const std::vector<const Field*>& refs) {
    if (!store.TestsRowsInScan()) return false;
    for (const Field* f : refs)
      if (IsComputedAtRead(f->type) || KindOf(f->type) == CellKind::kLinks) return false;
    return true;
  }
  const std::vector<const Field*>& refs() const { return refs_; }

  bool Passes(const RowCells& row) override {
    ctx_.record_id.assign(row.id);
    ctx_.created_ms = row.created_ms;
    ctx_.modified_ms = row.modified_ms;
    cells_ = &row.cells;
    return formula::IsTruthy(formula::Evaluate(filter_, ctx_));
  }

 private:
  const formula::CompiledFormula& filter_;
  std::vector<const Field*> refs_;
  formula::EvalContext ctx_;
  const std::vector<SqlValue>* cells_ = nullptr;
};

// The evaluator over rows streamed in list order, reading only the fields the formula reads;
// the matches' returned fields are fetched after.
Status PageByEvaluator(const ReadContext& rc, const Table& table, ListPlan& plan,
                       const std::vector<const Field*>& refs, int64_t cursor, int64_t limit,
                       Page& page) {
  const formula::CompiledFormula& filter = *plan.filter;
  const bool sorted = !plan.q.sort.empty();
  ListQuery scan = plan.q;
  scan.fields = FetchList(table, refs);
  formula::TableFormulas formulas(table);
  constexpr int64_t kBatch = 1000;
  formula::EvalContext ctx;
  ctx.now_ms = rc.now_ms;
  const StoredRecord* current = nullptr;
  ctx.field = [&](int i) {
    size_t col = static_cast<size_t>(i);
    // Computed fields, and links (read as their records' primary text), need the whole row.
    if (IsComputedAtRead(refs[col]->type) || KindOf(refs[col]->type) == CellKind::kLinks)
      return formulas.ValueOf(*refs[col], RecordAccess(*current, scan.fields, rc.now_ms, rc.names));
    return formula::FromCell(*scan.fields[col], current->cells[col]);
  };
  page.more = false;
  std::vector<std::string> matched;
  std::vector<StoredRecord> batch;  // reused: a scan allocates per batch, not per row
  while (!page.more) {
    scan.limit = kBatch;
    scan.skip = sorted ? cursor : 0;
    scan.after_rowid = sorted ? 0 : cursor;
    RETURN_IF_ERROR(rc.store->ListInto(table, scan, &batch));
    for (StoredRecord& r : batch) {
      current = &r;
      ctx.record_id = r.id;
      ctx.created_ms = r.created_ms;
      ctx.modified_ms = r.modified_ms;
      if (formula::IsTruthy(formula::Evaluate(filter, ctx))) {
        if (static_cast<int64_t>(matched.size()) == limit) {
          page.more = true;  // the next page starts at this row: do not consume it
          break;
        }
        matched.push_back(r.id);
      }
      cursor = sorted ? cursor + 1 : r.rowid;
    }
    if (static_cast<int64_t>(batch.size()) < kBatch) break;
  }
  page.cursor = cursor;
  ASSIGN_OR_RETURN(page.rows, rc.store->Get(table, plan.q.fields, matched));
  FillFormulas(table, plan.q.fields, page.rows, rc.now_ms, rc.names);
  return Status::Ok();
}

}  // namespace

Status ReadPage(const ReadContext& rc, const Table& table, ListPlan& plan, int64_t cursor,
                int64_t limit, Page* page) {
  page->more = false;
  if (HasComputedSort(plan.q)) return PageByComputedSort(rc, table, plan, cursor, limit, *page);
  if (!plan.filter) return PageFromStore(rc, table, plan, cursor, limit, *page);
  std::vector<const Field*> refs = FilterRefs(table, *plan.filter);
  if (!EvaluatorTest::Fits(*rc.store, refs))
    return PageByEvaluator(rc, table, plan, refs, cursor, limit, *page);
  // One query: the store runs the filter in its scan and returns the page's matches whole
  // (a sorted page's `skip` then counts matches).
  EvaluatorTest test(*plan.filter, std::move(refs), rc.now_ms);
  plan.q.test = &test;
  plan.q.test_fields = test.refs();
  Status st = PageFromStore(rc, table, plan, cursor, limit, *page);
  plan.q.test = nullptr;
  plan.q.test_fields.clear();
  return st;
}

Result<std::vector<std::string>> MatchingIds(const ReadContext& rc, const Table& table,
                                             const ListPlan& plan) {
  const formula::CompiledFormula* filter = plan.filter ? &*plan.filter : nullptr;
  if (HasComputedSort(plan.q)) return SortedByComputedKeys(rc, table, plan.q, filter);
  ListQuery scan = plan.q;
  std::vector<const Field*> refs;
  if (filter) refs = FilterRefs(table, *filter);
  // One query: paging a sort with OFFSET would sort the table once per page.
  scan.limit = std::numeric_limits<int64_t>::max();
  // Where the store runs the filter in its scan it returns only the matches, and no cells;
  // otherwise the rows come with the formula's cells and the evaluator decides here.
  std::optional<EvaluatorTest> test;
  if (filter && EvaluatorTest::Fits(*rc.store, refs)) {
    test.emplace(*filter, refs, rc.now_ms);
    scan.fields.clear();
    scan.test = &*test;
    scan.test_fields = refs;
  } else {
    scan.fields = FetchList(table, refs);
  }
  const bool evaluate = filter && !test;
  formula::TableFormulas formulas(table);
  ASSIGN_OR_RETURN(std::vector<StoredRecord> rows, rc.store->List(table, scan));
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (StoredRecord& r : rows) {
    if (evaluate && !PassesFilter(*filter, refs, formulas, r,
                                  RecordAccess(r, scan.fields, rc.now_ms, rc.names), rc.now_ms))
      continue;
    ids.push_back(std::move(r.id));
  }
  return ids;
}

}  // namespace airbase::engine
