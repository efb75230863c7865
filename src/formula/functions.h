// The function registry: one row per function (name, arity, implementation), grouped by family
// in functions.cc. Names are matched case-insensitively.
#pragma once

#include <string>
#include <string_view>

#include "formula/formula.h"

namespace airbase::formula {

class Evaluator;
using FunctionImpl = Value (*)(Evaluator& ev, const Node& call);

struct FunctionInfo {
  std::string name;
  int min_args;
  int max_args;  // -1: any number
  FunctionImpl impl;
  int index = -1;
};

const FunctionInfo* FindFunction(std::string_view name);
const FunctionInfo& FunctionAt(int index);

// Evaluates nodes for one record; functions call back into it for their arguments (so IF and
// SWITCH evaluate only the branch they take).
class Evaluator {
 public:
  explicit Evaluator(const EvalContext& ctx) : ctx_(ctx) {}
  Value Eval(const Node& n);
  const EvalContext& ctx() const { return ctx_; }
  int64_t steps() const { return steps_; }

 private:
  const EvalContext& ctx_;
  int64_t steps_ = 0;       // nodes evaluated, plus one per 64 bytes of text a function built
  int64_t next_check_ = 256;  // when to ask the request's budget again
};

}  // namespace airbase::formula
