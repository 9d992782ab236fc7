// Test helpers for src/functions: building columns, running functions and operators, and a small
// evaluator for the example expressions of the function table.
//
// The evaluator reads function calls over literals, which is the form of every `example` in the
// table. It accepts name(arg, ...), numbers (long, or real with '.'/exponent), 'text' "text" @'verbatim',
// true/false, timespans such as 1.5h or 100ms, datetime(...), time(...), dynamic(JSON),
// typed literals such as int(5) or long(null), and typeof(T), which becomes the constant string
// "T". For operator tests it also reads binary operators with Kusto's precedence (or, and,
// relational and string operators, + -, * / %), unary minus, in/has_any lists of literals,
// between (a .. b), x[index] and x.name. Literals are passed as constants; computed values are not.
#pragma once

#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "functions/registry.h"
#include "table/datetime.h"
#include "table/dynamic.h"
#include "table/value.h"

namespace unmask::functions::testing {

/// 2024-03-10T12:00:00Z, the now() of every test evaluation.
inline constexpr int64_t kTestNowTicks = 638456688000000000;

/// A column plus its Value when it came from a literal.
struct Operand {
    Column column;
    std::optional<Value> constant;
};

inline Column ColumnOf(const std::vector<Value>& values, Type type) {
    Column column(type);
    StringArena& arena = column.NewArena();
    for (const Value& value : values) {
        Value typed = value;
        typed.type = type;
        typed.AppendTo(column, arena);
    }
    return column;
}

inline Column Strings(const std::vector<std::string>& values) {
    std::vector<Value> cells;
    for (const std::string& value : values) {
        cells.push_back(Value::String(value));
    }
    return ColumnOf(cells, Type::kString);
}

/// Long (or, with `type`, int/bool/datetime/timespan) cells; nullopt is null.
inline Column Integers(const std::vector<std::optional<int64_t>>& values, Type type = Type::kLong) {
    std::vector<Value> cells;
    for (const auto& value : values) {
        cells.push_back(value ? Value::Long(*value) : Value::Null(type));
    }
    return ColumnOf(cells, type);
}

inline Column Reals(const std::vector<std::optional<double>>& values) {
    std::vector<Value> cells;
    for (const auto& value : values) {
        cells.push_back(value ? Value::Real(*value) : Value::Null(Type::kReal));
    }
    return ColumnOf(cells, Type::kReal);
}

inline Column Bools(const std::vector<std::optional<bool>>& values) {
    std::vector<Value> cells;
    for (const auto& value : values) {
        cells.push_back(value ? Value::Bool(*value) : Value::Null(Type::kBool));
    }
    return ColumnOf(cells, Type::kBool);
}

/// Dynamic cells parsed from JSON text; "" is a null cell.
inline Column Dynamics(const std::vector<std::string>& json) {
    Column column(Type::kDynamic);
    for (const std::string& text : json) {
        if (text.empty()) {
            column.AppendDynamic(nullptr);
            continue;
        }
        Result<DynamicPtr> parsed = ParseJson(text);
        EXPECT_TRUE(parsed.ok()) << "invalid test JSON: " << text;
        column.AppendDynamic(parsed.ok() ? parsed.value() : nullptr);
    }
    return column;
}

inline Column DateTimes(const std::vector<std::string>& texts) {
    std::vector<std::optional<int64_t>> ticks;
    for (const std::string& text : texts) {
        ticks.push_back(text.empty() ? std::nullopt : ParseDateTime(text));
    }
    return Integers(ticks, Type::kDateTime);
}

inline Column TimeSpans(const std::vector<std::string>& texts) {
    std::vector<std::optional<int64_t>> ticks;
    for (const std::string& text : texts) {
        ticks.push_back(text.empty() ? std::nullopt : ParseTimeSpan(text));
    }
    return Integers(ticks, Type::kTimeSpan);
}

/// Formats every cell with FormatCell, writing "null" for null cells of non-string columns.
inline std::vector<std::string> Cells(const Column& column) {
    std::vector<std::string> cells;
    for (size_t row = 0; row < column.size(); ++row) {
        const bool is_null = column.type == Type::kDynamic
                                 ? column.dynamics[row] == nullptr || column.dynamics[row]->is_null()
                                 : column.IsNull(row);
        cells.push_back(is_null && column.type != Type::kString ? "null" : FormatCell(column, row));
    }
    return cells;
}

/// Runs a bound kernel over operands of equal length and returns the output column.
inline Result<Column> RunBound(const BoundScalar& bound, const std::vector<const Operand*>& operands) {
    std::vector<const Column*> columns;
    std::vector<const Value*> constants;
    for (const Operand* operand : operands) {
        columns.push_back(&operand->column);
        constants.push_back(operand->constant ? &*operand->constant : nullptr);
    }
    static const EvalContext kContext{kTestNowTicks};
    KernelArgs args;
    args.columns = columns;
    args.constants = constants;
    args.rows = operands.empty() ? 1 : operands[0]->column.size();
    args.context = &kContext;
    Column out(bound.result_type);
    Status status = bound.kernel(args, out);
    if (!status.ok()) {
        return status;
    }
    EXPECT_EQ(out.size(), args.rows) << "kernel wrote the wrong number of rows";
    return out;
}

inline std::vector<BindArg> BindArgsOf(const std::vector<const Operand*>& operands) {
    std::vector<BindArg> args;
    for (const Operand* operand : operands) {
        args.push_back(BindArg{operand->column.type, operand->constant ? &*operand->constant : nullptr});
    }
    return args;
}

/// Binds and runs function `name` over non-constant columns.
inline Result<Column> CallFunction(std::string_view name, const std::vector<Column>& columns) {
    const ScalarFunction* function = FindScalarFunction(name);
    if (function == nullptr) {
        return Status(ErrorKind::kBind, "unknown function " + std::string(name));
    }
    std::vector<Operand> operands;
    for (const Column& column : columns) {
        operands.push_back(Operand{column, std::nullopt});
    }
    std::vector<const Operand*> pointers;
    for (const Operand& operand : operands) {
        pointers.push_back(&operand);
    }
    const std::vector<BindArg> args = BindArgsOf(pointers);
    Result<BoundScalar> bound = function->bind(args);
    if (!bound.ok()) {
        return bound.status();
    }
    return RunBound(bound.value(), pointers);
}

/// Binds and runs a binary operator; when `right_constant` is set the right side is a constant
/// (every row of `right` must then hold that value).
inline Result<Column> CallOperator(std::string_view op, const Column& left, const Column& right,
                                   bool right_constant = false) {
    Operand left_operand{left, std::nullopt};
    Operand right_operand{right, std::nullopt};
    if (right_constant) {
        right_operand.constant = Value::FromColumn(right, 0);
    }
    Result<BoundScalar> bound =
        BindBinaryOperator(op, BindArg{left.type, nullptr},
                           BindArg{right.type, right_operand.constant ? &*right_operand.constant : nullptr});
    if (!bound.ok()) {
        return bound.status();
    }
    return RunBound(bound.value(), {&left_operand, &right_operand});
}

/// Repeats the single value of `value` `rows` times, as the binder expands constants.
inline Column Repeat(const Value& value, size_t rows) {
    return ColumnOf(std::vector<Value>(rows, value), value.type);
}

// ---------------------------------------------------------------------------------------------
// Example evaluator

class ExampleEvaluator {
public:
    explicit ExampleEvaluator(std::string_view text) : text_(text) {}

    /// Evaluates the whole text and returns the formatted single result cell.
    Result<std::string> Run() {
        Result<Operand> result = ParseExpression();
        if (!result.ok()) {
            return result.status();
        }
        SkipSpace();
        if (position_ != text_.size()) {
            return Error("unexpected text");
        }
        return FormatCell(result->column, 0);
    }

    /// Evaluates the whole text and returns the result column.
    Result<Operand> RunOperand() {
        Result<Operand> result = ParseExpression();
        SkipSpace();
        if (result.ok() && position_ != text_.size()) {
            return Error("unexpected text");
        }
        return result;
    }

private:
    Status Error(const std::string& description) const {
        return Status(ErrorKind::kParse,
                      description + " at offset " + std::to_string(position_) + " in: " + std::string(text_));
    }

    void SkipSpace() {
        while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_]))) {
            ++position_;
        }
    }

    bool Consume(char c) {
        SkipSpace();
        if (position_ < text_.size() && text_[position_] == c) {
            ++position_;
            return true;
        }
        return false;
    }

    static Operand Literal(const Value& value) { return Operand{ColumnOf({value}, value.type), value}; }

    /// Returns the raw text up to the parenthesis that closes the one just consumed.
    Result<std::string> ReadParenthesized() {
        int depth = 1;
        const size_t start = position_;
        char quote = 0;
        while (position_ < text_.size()) {
            const char c = text_[position_];
            if (quote != 0) {
                if (c == '\\') {
                    ++position_;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')' && --depth == 0) {
                std::string inner(text_.substr(start, position_ - start));
                ++position_;
                return inner;
            }
            ++position_;
        }
        return Error("missing ')'");
    }

    Result<Operand> ParseString() {
        bool verbatim = false;
        if (text_[position_] == '@') {
            verbatim = true;
            ++position_;
        }
        const char quote = text_[position_++];
        std::string value;
        while (position_ < text_.size() && text_[position_] != quote) {
            char c = text_[position_++];
            if (c == '\\' && !verbatim && position_ < text_.size()) {
                const char escaped = text_[position_++];
                switch (escaped) {
                case 'n':
                    c = '\n';
                    break;
                case 't':
                    c = '\t';
                    break;
                case 'r':
                    c = '\r';
                    break;
                default:
                    c = escaped;
                    break;
                }
            }
            value += c;
        }
        if (position_ >= text_.size()) {
            return Error("unterminated string");
        }
        ++position_;
        return Literal(Value::String(value));
    }

    Result<Operand> ParseNumber() {
        const size_t start = position_;
        if (text_[position_] == '-' || text_[position_] == '+') {
            ++position_;
        }
        bool is_real = false;
        while (position_ < text_.size()) {
            const char c = text_[position_];
            if (std::isdigit(static_cast<unsigned char>(c))) {
                ++position_;
            } else if (c == '.' && position_ + 1 < text_.size() &&
                       std::isdigit(static_cast<unsigned char>(text_[position_ + 1]))) {
                is_real = true;
                ++position_;
            } else if ((c == 'e' || c == 'E') && position_ + 1 < text_.size() &&
                       (std::isdigit(static_cast<unsigned char>(text_[position_ + 1])) || text_[position_ + 1] == '-' ||
                        text_[position_ + 1] == '+')) {
                is_real = true;
                position_ += 2;
            } else {
                break;
            }
        }
        if (position_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[position_]))) {
            while (position_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[position_]))) {
                ++position_;
            }
            const std::string_view literal = text_.substr(start, position_ - start);
            const std::optional<int64_t> ticks = ParseTimeSpan(literal);
            if (!ticks) {
                return Error("invalid timespan literal " + std::string(literal));
            }
            return Literal(Value::TimeSpan(*ticks));
        }
        const std::string number(text_.substr(start, position_ - start));
        if (is_real) {
            return Literal(Value::Real(std::stod(number)));
        }
        return Literal(Value::Long(std::stoll(number)));
    }

    Result<Operand> ParseTyped(Type type, const std::string& inner) {
        if (inner == "null") {
            return Literal(Value::Null(type));
        }
        switch (type) {
        case Type::kDateTime: {
            const std::optional<int64_t> ticks = ParseDateTime(inner);
            if (!ticks) {
                return Error("invalid datetime " + inner);
            }
            return Literal(Value::DateTime(*ticks));
        }
        case Type::kTimeSpan: {
            const std::optional<int64_t> ticks = ParseTimeSpan(inner);
            if (!ticks) {
                return Error("invalid timespan " + inner);
            }
            return Literal(Value::TimeSpan(*ticks));
        }
        case Type::kDynamic: {
            Result<DynamicPtr> parsed = ParseJson(inner);
            if (!parsed.ok()) {
                return parsed.status();
            }
            return Literal(Value::Dynamic(parsed.value()));
        }
        case Type::kBool:
            return Literal(Value::Bool(inner == "true"));
        case Type::kInt:
            return Literal(Value::Int(std::stoll(inner)));
        case Type::kLong:
            return Literal(Value::Long(std::stoll(inner)));
        case Type::kReal:
            if (inner == "nan") {
                return Literal(Value::Real(std::nan("")));
            }
            if (inner == "+inf" || inner == "inf") {
                return Literal(Value::Real(HUGE_VAL));
            }
            if (inner == "-inf") {
                return Literal(Value::Real(-HUGE_VAL));
            }
            return Literal(Value::Real(std::stod(inner)));
        case Type::kString:
            return Literal(Value::String(inner));
        }
        return Error("unsupported typed literal");
    }

    // --- operators, lowest precedence first --------------------------------------------------

    Result<Operand> ParseExpression() { return ParseLogical(true); }

    /// `or` (when `is_or`) over `and` over relational expressions.
    Result<Operand> ParseLogical(bool is_or) {
        Result<Operand> left = is_or ? ParseLogical(false) : ParseRelational();
        while (left.ok() && ConsumeWord(is_or ? "or" : "and")) {
            Result<Operand> right = is_or ? ParseLogical(false) : ParseRelational();
            if (!right.ok()) {
                return right.status();
            }
            left = ApplyBinary(is_or ? "or" : "and", left.value(), right.value());
        }
        return left;
    }

    Result<Operand> ParseRelational() {
        Result<Operand> left = ParseAdditive();
        if (!left.ok()) {
            return left;
        }
        SkipSpace();
        for (std::string_view op : {"==", "!=", "<=", ">=", "=~", "!~", "<", ">"}) {
            if (text_.substr(position_).starts_with(op)) {
                position_ += op.size();
                Result<Operand> right = ParseAdditive();
                if (!right.ok()) {
                    return right.status();
                }
                return ApplyBinary(op, left.value(), right.value());
            }
        }
        for (std::string_view op : {"!in~", "!in", "in~", "in", "has_any", "has_all"}) {
            if (ConsumeWord(op)) {
                return ParseInList(op, left.value());
            }
        }
        for (std::string_view op : {"!between", "between"}) {
            if (ConsumeWord(op)) {
                return ParseBetween(op == "!between", left.value());
            }
        }
        if (ConsumeWord("matches")) {
            if (!ConsumeWord("regex")) {
                return Error("expected 'regex' after 'matches'");
            }
            Result<Operand> right = ParseAdditive();
            if (!right.ok()) {
                return right.status();
            }
            return ApplyBinary("matches regex", left.value(), right.value());
        }
        for (std::string_view base : {"contains", "startswith", "endswith", "hasprefix", "hassuffix", "has"}) {
            for (const std::string& op : {"!" + std::string(base) + "_cs", std::string(base) + "_cs",
                                          "!" + std::string(base), std::string(base)}) {
                if (ConsumeWord(op)) {
                    Result<Operand> right = ParseAdditive();
                    if (!right.ok()) {
                        return right.status();
                    }
                    return ApplyBinary(op, left.value(), right.value());
                }
            }
        }
        return left;
    }

    Result<Operand> ParseAdditive() {
        return ParseArithmetic("+-", [this] { return ParseArithmetic("*/%", [this] { return ParseUnary(); }); });
    }

    template <typename Next>
    Result<Operand> ParseArithmetic(std::string_view ops, Next next) {
        Result<Operand> left = next();
        while (left.ok()) {
            SkipSpace();
            if (position_ >= text_.size() || ops.find(text_[position_]) == std::string_view::npos ||
                (position_ + 1 < text_.size() && text_[position_ + 1] == '=')) {
                break;
            }
            const std::string op(1, text_[position_++]);
            Result<Operand> right = next();
            if (!right.ok()) {
                return right.status();
            }
            left = ApplyBinary(op, left.value(), right.value());
        }
        return left;
    }

    Result<Operand> ParseUnary() {
        SkipSpace();
        if (position_ < text_.size() && (text_[position_] == '-' || text_[position_] == '+')) {
            const bool literal =
                position_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[position_ + 1]));
            if (literal) {
                return ParsePostfix();
            }
            const std::string op(1, text_[position_++]);
            Result<Operand> operand = ParseUnary();
            if (!operand.ok()) {
                return operand;
            }
            Result<BoundScalar> bound = BindUnaryOperator(op, BindArg{operand->column.type, Constant(*operand)});
            return Run(bound, {&operand.value()});
        }
        return ParsePostfix();
    }

    Result<Operand> ParsePostfix() {
        Result<Operand> base = ParsePrimary();
        while (base.ok()) {
            if (Consume('[')) {
                Result<Operand> index = ParseExpression();
                if (!index.ok()) {
                    return index;
                }
                if (!Consume(']')) {
                    return Error("expected ']'");
                }
                Result<BoundScalar> bound = BindIndex(BindArg{base->column.type, Constant(*base)},
                                                      BindArg{index->column.type, Constant(*index)});
                base = Run(bound, {&base.value(), &index.value()});
            } else if (SkipSpace(),
                       text_.substr(position_).starts_with('.') && !text_.substr(position_).starts_with("..")) {
                ++position_;
                const size_t start = position_;
                while (position_ < text_.size() &&
                       (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_')) {
                    ++position_;
                }
                const std::string name(text_.substr(start, position_ - start));
                Result<BoundScalar> bound = BindMember(BindArg{base->column.type, Constant(*base)}, name);
                base = Run(bound, {&base.value()});
            } else {
                break;
            }
        }
        return base;
    }

    Result<Operand> ParseInList(std::string_view op, const Operand& left) {
        if (!Consume('(')) {
            return Error("expected '(' after " + std::string(op));
        }
        std::vector<Value> items;
        do {
            Result<Operand> item = ParseExpression();
            if (!item.ok()) {
                return item;
            }
            if (!item->constant) {
                return Error("the items of " + std::string(op) + " must be literals");
            }
            items.push_back(*item->constant);
        } while (Consume(','));
        if (!Consume(')')) {
            return Error("expected ')'");
        }
        Result<BoundScalar> bound = BindInOperator(op, BindArg{left.column.type, Constant(left)}, items);
        return Run(bound, {&left});
    }

    Result<Operand> ParseBetween(bool negated, const Operand& value) {
        if (!Consume('(')) {
            return Error("expected '(' after between");
        }
        Result<Operand> low = ParseAdditive();
        if (!low.ok()) {
            return low;
        }
        SkipSpace();
        if (!text_.substr(position_).starts_with("..")) {
            return Error("expected '..'");
        }
        position_ += 2;
        Result<Operand> high = ParseAdditive();
        if (!high.ok()) {
            return high;
        }
        if (!Consume(')')) {
            return Error("expected ')'");
        }
        Result<BoundScalar> bound =
            BindBetween(negated, BindArg{value.column.type, Constant(value)}, BindArg{low->column.type, Constant(*low)},
                        BindArg{high->column.type, Constant(*high)});
        return Run(bound, {&value, &low.value(), &high.value()});
    }

    /// Consumes `word` when it is followed by a character that cannot continue an operator name.
    bool ConsumeWord(std::string_view word) {
        SkipSpace();
        if (!text_.substr(position_).starts_with(word)) {
            return false;
        }
        const size_t end = position_ + word.size();
        if (end < text_.size()) {
            const char next = text_[end];
            if (std::isalnum(static_cast<unsigned char>(next)) || next == '_' || next == '~') {
                return false;
            }
        }
        position_ = end;
        return true;
    }

    static const Value* Constant(const Operand& operand) { return operand.constant ? &*operand.constant : nullptr; }

    Result<Operand> Run(const Result<BoundScalar>& bound, const std::vector<const Operand*>& operands) {
        if (!bound.ok()) {
            return bound.status();
        }
        Result<Column> column = RunBound(bound.value(), operands);
        if (!column.ok()) {
            return column.status();
        }
        return Operand{std::move(column).value(), std::nullopt};
    }

    Result<Operand> ApplyBinary(std::string_view op, const Operand& left, const Operand& right) {
        Result<BoundScalar> bound = BindBinaryOperator(op, BindArg{left.column.type, Constant(left)},
                                                       BindArg{right.column.type, Constant(right)});
        return Run(bound, {&left, &right});
    }

    // --- primaries ---------------------------------------------------------------------------

    Result<Operand> ParsePrimary() {
        SkipSpace();
        if (position_ >= text_.size()) {
            return Error("missing expression");
        }
        const char c = text_[position_];
        if (c == '(') {
            ++position_;
            Result<Operand> inner = ParseExpression();
            if (inner.ok() && !Consume(')')) {
                return Error("expected ')'");
            }
            return inner;
        }

        if (c == '"' || c == '\'' || (c == '@' && position_ + 1 < text_.size())) {
            return ParseString();
        }
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
            return ParseNumber();
        }

        const size_t start = position_;
        while (position_ < text_.size() &&
               (std::isalnum(static_cast<unsigned char>(text_[position_])) || text_[position_] == '_')) {
            ++position_;
        }
        const std::string name(text_.substr(start, position_ - start));
        if (name.empty()) {
            return Error("unexpected character");
        }

        if (name == "true" || name == "false") {
            return Literal(Value::Bool(name == "true"));
        }
        if (!Consume('(')) {
            return Error("expected '(' after " + name);
        }

        if (name == "typeof") {
            Result<std::string> inner = ReadParenthesized();
            if (!inner.ok()) {
                return inner.status();
            }
            return Literal(Value::String(inner.value()));
        }
        const std::optional<Type> type = name == "time" ? std::optional<Type>(Type::kTimeSpan) : ParseTypeName(name);
        if (type && name != "string") {
            Result<std::string> inner = ReadParenthesized();
            if (!inner.ok()) {
                return inner.status();
            }
            return ParseTyped(*type, inner.value());
        }
        return ParseCall(name);
    }

    Result<Operand> ParseCall(const std::string& name) {
        std::vector<Operand> operands;
        if (!Consume(')')) {
            do {
                Result<Operand> argument = ParseExpression();
                if (!argument.ok()) {
                    return argument.status();
                }
                operands.push_back(std::move(argument).value());
            } while (Consume(','));
            if (!Consume(')')) {
                return Error("expected ')'");
            }
        }

        const ScalarFunction* function = FindScalarFunction(name);
        if (function == nullptr) {
            return Status(ErrorKind::kBind, "unknown function " + name);
        }
        std::vector<const Operand*> pointers;
        for (const Operand& operand : operands) {
            pointers.push_back(&operand);
        }
        const std::vector<BindArg> args = BindArgsOf(pointers);
        Result<BoundScalar> bound = function->bind(args);
        if (!bound.ok()) {
            return bound.status();
        }

        Result<Column> column = RunBound(bound.value(), pointers);
        if (!column.ok()) {
            return column.status();
        }
        return Operand{std::move(column).value(), std::nullopt};
    }

    std::string_view text_;
    size_t position_ = 0;
};

/// Runs a binary operator and returns the formatted cells (see Cells()); a failure is reported
/// to gtest and gives no cells.
inline std::vector<std::string> ApplyOperator(std::string_view op, const Column& left, const Column& right,
                                              bool right_constant = false) {
    Result<Column> out = CallOperator(op, left, right, right_constant);
    EXPECT_TRUE(out.ok()) << op << ": " << out.status().message();
    return out.ok() ? Cells(out.value()) : std::vector<std::string>{};
}

/// Runs function `name` over non-constant columns and returns the formatted cells.
inline std::vector<std::string> ApplyFunction(std::string_view name, const std::vector<Column>& columns) {
    Result<Column> out = CallFunction(name, columns);
    EXPECT_TRUE(out.ok()) << name << ": " << out.status().message();
    return out.ok() ? Cells(out.value()) : std::vector<std::string>{};
}

/// Evaluates an example expression and returns its formatted result.
inline Result<std::string> EvaluateExample(std::string_view text) {
    return ExampleEvaluator(text).Run();
}

/// Evaluates an expression and returns its result column.
inline Result<Column> EvaluateColumn(std::string_view text) {
    Result<Operand> operand = ExampleEvaluator(text).RunOperand();
    if (!operand.ok()) {
        return operand.status();
    }
    return std::move(operand).value().column;
}

} // namespace unmask::functions::testing

namespace unmask::functions::testing {

/// Evaluates an expression that must succeed and returns its formatted result ("null" for a null
/// non-string result).
inline std::string Eval(std::string_view text) {
    Result<Column> column = EvaluateColumn(text);
    EXPECT_TRUE(column.ok()) << text << ": " << column.status().message();
    if (!column.ok()) {
        return "<error>";
    }
    return Cells(column.value()).at(0);
}

/// Evaluates an expression that must fail and returns the error.
inline Status EvalError(std::string_view text) {
    Result<Column> column = EvaluateColumn(text);
    EXPECT_FALSE(column.ok()) << text << " unexpectedly gave " << (column.ok() ? Cells(column.value()).at(0) : "");
    return column.ok() ? Status::Ok() : column.status();
}

/// Returns the result type of an expression.
inline Type EvalType(std::string_view text) {
    Result<Column> column = EvaluateColumn(text);
    EXPECT_TRUE(column.ok()) << text << ": " << column.status().message();
    return column.ok() ? column.value().type : Type::kLong;
}

} // namespace unmask::functions::testing
