// The record reader: one page of a list request, or every matching id, by the strategy its
// plan needs. The store filters what the pushdown made exact (formula/pushdown.h); the evaluator
// decides the rest over rows streamed in list order; a sort on a computed field (formula,
// lookup, rollup, count) computes every match's keys and sorts in memory. Computed cells of the
// returned rows are filled in as their V1 JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/linked_records.h"
#include "formula/formula.h"
#include "storage/store.h"

namespace airbase::engine {

// What a read needs besides the table: the store, the linked-record cache of the request (its
// schema names the linked tables), and the time formulas see.
struct ReadContext {
  Store* store = nullptr;
  LinkNames* names = nullptr;
  int64_t now_ms = 0;
};

// A list request planned: what the store fetches (q.fields from FetchList, the sort, the
// pushed-down predicate) and the formula the evaluator still checks, if any.
struct ListPlan {
  ListQuery q;
  std::optional<formula::CompiledFormula> filter;
};

struct Page {
  std::vector<StoredRecord> rows;  // cells aligned with plan.q.fields, computed ones filled
  bool more = false;               // another page follows
  int64_t cursor = 0;              // the next page's start: last rowid seen, or rows consumed
};

// At most `limit` rows from `cursor` (0: the start), in list order, into `page`, whose rows may
// hold an earlier page's: their buffers are reused (a warm list allocates nothing per cell).
Status ReadPage(const ReadContext& rc, const Table& table, ListPlan& plan, int64_t cursor,
                int64_t limit, Page* page);
// Every matching record's id in list order (the grid's virtual scroller).
Result<std::vector<std::string>> MatchingIds(const ReadContext& rc, const Table& table,
                                             const ListPlan& plan);

std::vector<const Field*> AllFields(const Table& t);
// The fields to fetch for output `out`: computed fields read stored fields, which are fetched
// after the output ones (and never written out).
std::vector<const Field*> FetchList(const Table& t, const std::vector<const Field*>& out);
// Computes the computed cells of `rows` in place, as their V1 JSON (see WriteCell).
void FillFormulas(const Table& t, const std::vector<const Field*>& fetched,
                  std::vector<StoredRecord>& rows, int64_t now_ms, LinkNames* names);

}  // namespace airbase::engine
