// Lexer and recursive-descent parser (formula.md §1, §2). Precedence, loosest first:
// comparison, &, + -, * /, unary -. All binary operators are left-associative.
#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "formula/formula.h"
#include "formula/functions.h"

namespace airbase::formula {

namespace {

struct Token {
  enum class Kind { kNumber, kString, kField, kIdent, kLParen, kRParen, kComma, kOp, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;
  double number = 0;
  size_t pos = 0;
  size_t end = 0;
};

Status SyntaxError(size_t pos, std::string_view what) {
  return Error(ErrorCode::kInvalidFilterByFormula,
               "The formula for filtering records is invalid: Invalid formula. Please check your "
               "formula text. (" +
                   std::string(what) + " at character " + std::to_string(pos + 1) + ")");
}

bool IdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

// Each LexX reads one token of its kind starting at s[*i] into *t and advances *i past it.

Status LexNumber(std::string_view s, size_t* i, Token* t) {
  size_t start = *i;
  while (*i < s.size() && (IsDigit(s[*i]) || s[*i] == '.')) ++*i;
  if (*i < s.size() && (s[*i] == 'e' || s[*i] == 'E')) {
    size_t j = *i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && IsDigit(s[j])) {
      *i = j;
      while (*i < s.size() && IsDigit(s[*i])) ++*i;
    }
  }
  std::string num(s.substr(start, *i - start));
  char* end = nullptr;
  t->number = std::strtod(num.c_str(), &end);
  if (end != num.c_str() + num.size()) return SyntaxError(start, "malformed number");
  t->kind = Token::Kind::kNumber;
  return Status::Ok();
}

// A "..." or '...' string; backslash escapes \n \t \r \" \' \\, other escapes kept verbatim
// (formula.md §1.3).
Status LexString(std::string_view s, size_t* i, Token* t) {
  char quote = s[(*i)++];
  std::string text;
  while (*i < s.size()) {
    char ch = s[(*i)++];
    if (ch == quote) {
      t->kind = Token::Kind::kString;
      t->text = std::move(text);
      return Status::Ok();
    }
    if (ch == '\\' && *i < s.size()) {
      char e = s[(*i)++];
      switch (e) {
        case 'n':
          text.push_back('\n');
          break;
        case 't':
          text.push_back('\t');
          break;
        case 'r':
          text.push_back('\r');
          break;
        case '"':
        case '\'':
        case '\\':
          text.push_back(e);
          break;
        default:
          text.push_back('\\');
          text.push_back(e);
      }
      continue;
    }
    text.push_back(ch);
  }
  return SyntaxError(t->pos, "unterminated string");
}

// A {field name}; \} stands for a closing brace inside the name.
Status LexField(std::string_view s, size_t* i, Token* t) {
  ++*i;
  std::string name;
  while (*i < s.size()) {
    char ch = s[(*i)++];
    if (ch == '\\' && *i < s.size() && s[*i] == '}') {
      name.push_back('}');
      ++*i;
      continue;
    }
    if (ch == '}') {
      t->kind = Token::Kind::kField;
      t->text = std::move(name);
      return Status::Ok();
    }
    name.push_back(ch);
  }
  return SyntaxError(t->pos, "unterminated field reference");
}

// Punctuation: parentheses, the comma and the operators (two-character ones first).
Status LexPunctuation(std::string_view s, size_t* i, Token* t) {
  char c = s[*i];
  if (c == '(' || c == ')' || c == ',') {
    t->kind = c == '('   ? Token::Kind::kLParen
              : c == ')' ? Token::Kind::kRParen
                         : Token::Kind::kComma;
    ++*i;
    return Status::Ok();
  }
  static const char* const kOps[] = {"!=", "<=", ">=", "+", "-", "*", "/", "&", "=", "<", ">"};
  for (const char* op : kOps) {
    std::string_view o(op);
    if (s.substr(*i, o.size()) == o) {
      t->kind = Token::Kind::kOp;
      t->text = std::string(o);
      *i += o.size();
      return Status::Ok();
    }
  }
  return SyntaxError(*i, std::string("unexpected character '") + c + "'");
}

Result<std::vector<Token>> Lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    Token t;
    t.pos = i;
    if (i >= s.size()) {
      out.push_back(t);
      return out;
    }
    char c = s[i];
    if (IsDigit(c) || (c == '.' && i + 1 < s.size() && IsDigit(s[i + 1]))) {
      RETURN_IF_ERROR(LexNumber(s, &i, &t));
    } else if (c == '"' || c == '\'') {
      RETURN_IF_ERROR(LexString(s, &i, &t));
    } else if (c == '{') {
      RETURN_IF_ERROR(LexField(s, &i, &t));
    } else if (IdentStart(static_cast<unsigned char>(c))) {
      size_t start = i;
      while (i < s.size() && IdentChar(static_cast<unsigned char>(s[i]))) ++i;
      t.kind = Token::Kind::kIdent;
      t.text = std::string(s.substr(start, i - start));
    } else {
      RETURN_IF_ERROR(LexPunctuation(s, &i, &t));
    }
    t.end = i;
    out.push_back(std::move(t));
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Result<std::unique_ptr<Node>> Parse() {
    ASSIGN_OR_RETURN(auto root, Compare(0));
    if (Peek().kind != Token::Kind::kEnd) return SyntaxError(Peek().pos, "unexpected token");
    return root;
  }

 private:
  const Token& Peek() const { return t_[i_]; }
  const Token& Next() { return t_[i_++]; }
  bool IsOp(std::initializer_list<const char*> ops) const {
    if (Peek().kind != Token::Kind::kOp) return false;
    for (const char* o : ops)
      if (Peek().text == o) return true;
    return false;
  }

  using Level = Result<std::unique_ptr<Node>> (Parser::*)(int);

  Result<std::unique_ptr<Node>> Binary(int depth, Level next,
                                       std::initializer_list<const char*> ops) {
    if (depth > kMaxFormulaDepth) return SyntaxError(Peek().pos, "formula nested too deeply");
    ASSIGN_OR_RETURN(auto left, (this->*next)(depth + 1));
    while (IsOp(ops)) {
      const Token& op = Next();
      ASSIGN_OR_RETURN(auto right, (this->*next)(depth + 1));
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kBinary;
      n->text = op.text;
      n->pos = op.pos;
      n->args.push_back(std::move(left));
      n->args.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  Result<std::unique_ptr<Node>> Compare(int d) {
    return Binary(d, &Parser::Concat, {"=", "!=", "<", ">", "<=", ">="});
  }
  Result<std::unique_ptr<Node>> Concat(int d) { return Binary(d, &Parser::Additive, {"&"}); }
  Result<std::unique_ptr<Node>> Additive(int d) { return Binary(d, &Parser::Term, {"+", "-"}); }
  Result<std::unique_ptr<Node>> Term(int d) { return Binary(d, &Parser::Unary, {"*", "/"}); }

  Result<std::unique_ptr<Node>> Unary(int depth) {
    if (depth > kMaxFormulaDepth) return SyntaxError(Peek().pos, "formula nested too deeply");
    if (IsOp({"-", "+"})) {
      const Token& op = Next();
      ASSIGN_OR_RETURN(auto operand, Unary(depth + 1));
      if (op.text == "+") return operand;
      auto n = std::make_unique<Node>();
      n->kind = Node::Kind::kUnary;
      n->text = "-";
      n->pos = op.pos;
      n->args.push_back(std::move(operand));
      return n;
    }
    return Primary(depth + 1);
  }

  Result<std::unique_ptr<Node>> Primary(int depth) {
    if (depth > kMaxFormulaDepth) return SyntaxError(Peek().pos, "formula nested too deeply");
    const Token& t = Next();
    auto n = std::make_unique<Node>();
    n->pos = t.pos;
    switch (t.kind) {
      case Token::Kind::kNumber:
        n->kind = Node::Kind::kNumber;
        n->number = t.number;
        return n;
      case Token::Kind::kString:
        n->kind = Node::Kind::kString;
        n->text = t.text;
        return n;
      case Token::Kind::kField:
        n->kind = Node::Kind::kField;
        n->text = t.text;
        n->end = t.end;
        return n;
      case Token::Kind::kLParen: {
        ASSIGN_OR_RETURN(auto inner, Compare(depth + 1));
        if (Peek().kind != Token::Kind::kRParen) return SyntaxError(Peek().pos, "expected ')'");
        Next();
        return inner;
      }
      case Token::Kind::kIdent: {
        if (Peek().kind == Token::Kind::kLParen) {
          Next();
          n->kind = Node::Kind::kCall;
          n->text = t.text;
          if (Peek().kind == Token::Kind::kRParen) {
            Next();
            return n;
          }
          while (true) {
            if (Peek().kind == Token::Kind::kComma || Peek().kind == Token::Kind::kRParen)
              return SyntaxError(Peek().pos, "missing argument");
            ASSIGN_OR_RETURN(auto arg, Compare(depth + 1));
            n->args.push_back(std::move(arg));
            if (Peek().kind == Token::Kind::kComma) {
              Next();
              continue;
            }
            if (Peek().kind == Token::Kind::kRParen) {
              Next();
              return n;
            }
            return SyntaxError(Peek().pos, "expected ',' or ')'");
          }
        }
        std::string upper;
        for (char c : t.text)
          upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        if (upper == "TRUE" || upper == "FALSE") {
          n->kind = Node::Kind::kBool;
          n->number = upper == "TRUE" ? 1 : 0;
          return n;
        }
        n->kind = Node::Kind::kField;  // a bare single-word field name
        n->text = t.text;
        n->end = t.end;
        return n;
      }
      default:
        return SyntaxError(
            t.pos, t.kind == Token::Kind::kEnd ? "unexpected end of formula" : "unexpected token");
    }
  }

  std::vector<Token> t_;
  size_t i_ = 0;
};

// Resolves field names and function names; collects every unknown name for one message.
Status Bind(Node& n, const std::vector<FieldInfo>& fields, CompiledFormula& out,
            std::vector<std::string>& unknown) {
  if (n.kind == Node::Kind::kField) {
    int idx = -1;
    for (size_t i = 0; i < fields.size() && idx < 0; ++i)
      if (fields[i].name == n.text) idx = static_cast<int>(i);
    for (size_t i = 0; i < fields.size() && idx < 0; ++i)
      if (fields[i].id == n.text) idx = static_cast<int>(i);  // {fld…}: a harmless extension
    if (idx < 0) {
      unknown.push_back(n.text);
      return Status::Ok();
    }
    const std::string& id = fields[static_cast<size_t>(idx)].id;
    auto it = std::find(out.field_ids.begin(), out.field_ids.end(), id);
    n.field_index = static_cast<int>(it - out.field_ids.begin());
    if (it == out.field_ids.end()) out.field_ids.push_back(id);
    return Status::Ok();
  }
  if (n.kind == Node::Kind::kCall) {
    const FunctionInfo* f = FindFunction(n.text);
    if (!f) {
      unknown.push_back(n.text + "()");
    } else {
      n.function = f->index;
      n.text = f->name;
      int argc = static_cast<int>(n.args.size());
      if (argc < f->min_args || (f->max_args >= 0 && argc > f->max_args))
        return Error(ErrorCode::kInvalidFilterByFormula,
                     "The formula for filtering records is invalid: Invalid formula. Please check "
                     "your formula text. (" +
                         f->name + " takes " +
                         (f->max_args == f->min_args ? std::to_string(f->min_args)
                          : f->max_args < 0          ? "at least " + std::to_string(f->min_args)
                                                     : std::to_string(f->min_args) + " to " +
                                                  std::to_string(f->max_args)) +
                         " arguments, at character " + std::to_string(n.pos + 1) + ")");
      if (f->name == "NOW" || f->name == "TODAY") out.uses_now = true;
    }
  }
  for (auto& a : n.args) RETURN_IF_ERROR(Bind(*a, fields, out, unknown));
  return Status::Ok();
}

}  // namespace

Result<CompiledFormula> Compile(std::string_view text, const std::vector<FieldInfo>& fields) {
  if (text.size() > kMaxFormulaLength)
    return Error(ErrorCode::kInvalidFilterByFormula,
                 "The formula for filtering records is invalid: the formula is longer than " +
                     std::to_string(kMaxFormulaLength) + " characters");
  ASSIGN_OR_RETURN(auto tokens, Lex(text));
  Parser p(std::move(tokens));
  CompiledFormula out;
  ASSIGN_OR_RETURN(out.root, p.Parse());
  std::vector<std::string> unknown;
  RETURN_IF_ERROR(Bind(*out.root, fields, out, unknown));
  if (!unknown.empty()) {
    std::string list;
    for (size_t i = 0; i < unknown.size(); ++i) {
      if (std::find(unknown.begin(), unknown.begin() + static_cast<long>(i), unknown[i]) !=
          unknown.begin() + static_cast<long>(i))
        continue;
      if (!list.empty()) list += ", ";
      list += unknown[i];
    }
    return Error(ErrorCode::kInvalidFilterByFormula,
                 "The formula for filtering records is invalid: Unknown field names: " + list);
  }
  return out;
}

}  // namespace airbase::formula
