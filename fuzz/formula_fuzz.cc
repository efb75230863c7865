// libFuzzer target for the formula pipeline: lexer -> parser -> binder -> evaluator, and the
// pushdown to a Predicate rendered as SQLite's SQL. Nothing it finds may crash, hang or exhaust
// memory.
//   scripts/fuzz.sh [seconds]    (the test command runs it briefly)
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "formula/cells.h"
#include "formula/formula.h"
#include "formula/pushdown.h"
#include "storage/sql/predicate_sql.h"
#include "storage/sqlite/sqlite_dialect.h"

using namespace airbase;
using namespace airbase::formula;

namespace {
struct Fixture {
  std::vector<Field> fields;
  std::vector<Value> values;
  Fixture() {
    auto add = [&](const char* name, FieldType t, Value v) {
      Field f;
      f.id = "fld" + std::string(14 - std::to_string(fields.size()).size(), 'A') +
             std::to_string(fields.size());
      f.name = name;
      f.type = t;
      fields.push_back(f);
      values.push_back(std::move(v));
    };
    add("Name", FieldType::kSingleLineText, Value::Text("Ann"));
    add("N", FieldType::kNumber, Value::Number(3.5));
    add("Empty", FieldType::kNumber, Value::Blank());
    add("C", FieldType::kCheckbox, Value::Bool(true));
    add("S", FieldType::kSingleSelect, Value::Text("a"));
    add("Tags", FieldType::kMultipleSelects, Value::Array({Value::Text("x"), Value::Text("y")}));
    add("D", FieldType::kDateTime, Value::Date(1700000000000LL));
    add("Day", FieldType::kDate, Value::Date(1699920000000LL, true));
    add("values", FieldType::kSingleLineText,
        Value::Array({Value::Number(1), Value::Blank(), Value::Text("t"),
                      Value::Array({Value::Number(2)})}));
  }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fx;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<FieldInfo> infos;
  for (const Field& f : fx.fields) infos.push_back(FieldInfo{f.id, f.name});
  auto compiled = Compile(text, infos);
  if (!compiled.ok()) return 0;
  std::vector<const Field*> refs;
  for (const auto& id : compiled->field_ids)
    for (const Field& f : fx.fields)
      if (f.id == id) refs.push_back(&f);
  if (PushedFilter pushed = PushDown(*compiled, refs); pushed.predicate) {
    std::string sql;
    std::vector<SqlValue> params;
    sql::AppendPredicate(sqlite::Dialect(), *pushed.predicate, &sql, &params);
  }
  EvalContext ctx;
  ctx.field = [&](int i) {
    for (size_t k = 0; k < fx.fields.size(); ++k)
      if (fx.fields[k].id == compiled->field_ids[static_cast<size_t>(i)]) return fx.values[k];
    return Value::Blank();
  };
  ctx.record_id = "recAAAAAAAAAAAAAA";
  ctx.created_ms = 1600000000000LL;
  ctx.now_ms = 1700000000000LL;
  Value v = Evaluate(*compiled, ctx);
  (void)IsTruthy(v);
  (void)ToText(v);
  return 0;
}
