// The Airtable formula language (shared/spec/formula.md):
//   lexer (tokens with byte spans) -> parser (AST) -> binder (fields, functions, arity)
//   -> evaluator (one record at a time; the reference semantics and the filter fallback).
// Compile() runs the first three; Evaluate() the last. Both are safe for concurrent use on
// different inputs; a CompiledFormula is immutable once built.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "formula/value.h"

namespace airbase::formula {

inline constexpr size_t kMaxFormulaLength = 20000;  // characters of formula text
inline constexpr int kMaxFormulaDepth = 128;        // nesting of parentheses/calls/operators
inline constexpr int64_t kMaxEvalSteps = 200000;    // node evaluations per record
inline constexpr size_t kMaxTextLength = 1 << 20;   // any intermediate text value (1 MiB)

struct Node {
  enum class Kind { kNumber, kString, kField, kCall, kUnary, kBinary, kBool };
  Kind kind = Kind::kNumber;
  double number = 0;
  std::string text;      // string literal, field name, function name (upper-cased), operator
  int field_index = -1;  // kField: index into CompiledFormula::fields after binding
  int function = -1;     // kCall: index into the function registry after binding
  size_t pos = 0;        // byte offset in the formula text
  size_t end = 0;        // kField: byte offset just past the reference
  std::vector<std::unique_ptr<Node>> args;
};

// What a formula may reference: a field by name (or, as an extension, by fld id).
struct FieldInfo {
  std::string id;
  std::string name;
};

struct CompiledFormula {
  std::unique_ptr<Node> root;
  std::vector<std::string> field_ids;  // referenced fields, by field_index
  bool uses_now = false;               // NOW()/TODAY(): not cacheable across requests
};

// Parses and binds `text` against the fields of one table. Errors are 422
// INVALID_FILTER_BY_FORMULA with Airtable's details ("Invalid formula. Please check your formula
// text.", "Unknown field names: x, y"), plus the position of a syntax error.
Result<CompiledFormula> Compile(std::string_view text, const std::vector<FieldInfo>& fields);

// What the evaluator needs from a record.
struct EvalContext {
  // Value of the referenced field with this index (CompiledFormula::field_ids order).
  std::function<Value(int)> field;
  std::string record_id;
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
  int64_t now_ms = 0;
};

Value Evaluate(const CompiledFormula& formula, const EvalContext& ctx);
// Evaluates one subtree (used to fold subexpressions that read no record).
Value Evaluate(const Node& node, const EvalContext& ctx);

}  // namespace airbase::formula
