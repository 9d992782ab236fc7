// Parser methods for literals: adjacent strings, datetime(...) and other typed literals, dynamic(...)
// values, and the constant values of a datatable.
#include <string>
#include <utility>
#include <vector>

#include "query/parser_internal.h"

namespace unmask::query::internal {

// Parses adjacent string literals, which concatenate: "a" 'b' is "ab".
Result<ExprPtr> Parser::ParseStringLiteral() {
    const uint32_t begin = Peek().offset;
    std::string value;
    while (Peek().kind == TokenKind::kString) {
        value += Advance().value;
    }
    return NewLiteral(LiteralKind::kString, std::move(value), SpanFrom(begin));
}

// Parses datetime(...), time(...), timespan(...) and guid(...), whose inside the lexer keeps as raw text.
Result<ExprPtr> Parser::ParseRawTextLiteral() {
    const Token& type = Advance();
    Advance(); // '('
    const Token& raw = Advance();
    if (raw.kind != TokenKind::kRawText) {
        return ErrorAt(raw, "internal error: the lexer did not capture the text of '" + std::string(type.text) + "('",
                       ErrorKind::kInternal);
    }
    Advance(); // ')'
    const Span span = SpanFrom(type.offset);
    if (type.text == "guid") {
        return ErrorAt(span, "guid literals are not supported", ErrorKind::kNotImplemented);
    }
    if (raw.value.empty()) {
        return ErrorAt(span, "expected a value inside '" + std::string(type.text) + "()'");
    }
    const LiteralKind kind = type.text == "datetime" ? LiteralKind::kDateTime : LiteralKind::kTimeSpan;
    return NewLiteral(kind, raw.value, span);
}

// Parses long(...), int(...), real(...), double(...), bool(...), boolean(...), string(...) and dynamic(...).
// A typed null such as long(null) becomes kNull whose text is the type, with double spelled "real" and
// boolean spelled "bool".
Result<ExprPtr> Parser::ParseTypedLiteral() {
    const Token& type = Advance();
    Advance(); // '('
    const std::string_view type_name = type.text;
    if (type_name == "decimal") {
        return ErrorAt(type, "decimal literals are not supported", ErrorKind::kNotImplemented);
    }
    if (type_name == "dynamic") {
        return ParseDynamicLiteral(type);
    }
    const std::string close_purpose = "to close '" + std::string(type_name) + "('";
    if (IsWord("null")) {
        Advance();
        UNMASK_TRY(ExpectSymbol(")", close_purpose));
        std::string null_type(type_name);
        if (null_type == "double") {
            null_type = "real";
        } else if (null_type == "boolean") {
            null_type = "bool";
        }
        return NewLiteral(LiteralKind::kNull, std::move(null_type), SpanFrom(type.offset));
    }

    ExprPtr literal;
    if (type_name == "long" || type_name == "int" || type_name == "real" || type_name == "double") {
        UNMASK_ASSIGN_OR_RETURN(literal, ParseSignedNumber(type, type_name == "real" || type_name == "double"));
    } else if (type_name == "bool" || type_name == "boolean") {
        if (!IsWord("true") && !IsWord("false")) {
            return ErrorAt(Peek(), "expected true, false or null inside '" + std::string(type_name) +
                                       "(...)' but found " + Describe(Peek()) +
                                       "; use tobool() to convert an expression");
        }
        literal = NewLiteral(LiteralKind::kBool, std::string(Advance().text), {});
    } else {
        if (Peek().kind != TokenKind::kString) {
            return ErrorAt(Peek(), "expected a string or null inside 'string(...)' but found " + Describe(Peek()) +
                                       "; use tostring() to convert an expression");
        }
        UNMASK_ASSIGN_OR_RETURN(literal, ParseStringLiteral());
    }
    UNMASK_TRY(ExpectSymbol(")", close_purpose));
    literal->span = SpanFrom(type.offset);
    return literal;
}

// Parses the number inside long(...), int(...), real(...) or double(...), with an optional sign. A leading
// '+' is dropped from the text. Real also accepts nan and inf.
Result<ExprPtr> Parser::ParseSignedNumber(const Token& type_token, bool allow_real) {
    std::string sign;
    if (IsSymbol("-")) {
        sign = "-";
        Advance();
    } else if (IsSymbol("+")) {
        Advance();
    }
    const Token& number = Peek();
    const bool is_integer = number.kind == TokenKind::kLong;
    const bool is_real = number.kind == TokenKind::kReal ||
                         (number.kind == TokenKind::kIdentifier && (number.text == "nan" || number.text == "inf"));
    if (!is_integer && !(allow_real && is_real)) {
        const std::string type_name(type_token.text);
        const std::string expected_value = allow_real ? "a number, nan, inf or null" : "an integer or null";
        const std::string convert = allow_real ? "todouble()" : "to" + type_name + "()";
        return ErrorAt(number, "expected " + expected_value + " inside '" + type_name + "(...)' but found " +
                                   Describe(number) + "; use " + convert + " to convert an expression");
    }
    Advance();
    LiteralKind kind = LiteralKind::kLong;
    if (allow_real) {
        kind = LiteralKind::kReal;
    } else if (type_token.text == "int") {
        kind = LiteralKind::kInt;
    }
    return NewLiteral(kind, sign + std::string(number.text), {});
}

// Parses the inside of dynamic(...) and the closing ')'. See ExprKind::kDynamic for the node shapes.
Result<ExprPtr> Parser::ParseDynamicLiteral(const Token& type_token) {
    ExprPtr node;
    if (IsWord("null")) {
        Advance();
        node = NewExpr(ExprKind::kDynamic, {});
        node->name = "null";
    } else if (IsSymbol("[") || IsSymbol("{")) {
        UNMASK_ASSIGN_OR_RETURN(node, ParseDynamicValue());
    } else {
        UNMASK_ASSIGN_OR_RETURN(ExprPtr value, ParseDynamicValue());
        node = NewExpr(ExprKind::kDynamic, {});
        node->name = "scalar";
        node->args.push_back(std::move(value));
        UNMASK_TRY(Seal(*node));
    }
    UNMASK_TRY(ExpectSymbol(")", "to close 'dynamic('"));
    node->span = SpanFrom(type_token.offset);
    return node;
}

// Parses one value of a dynamic literal: an array, an object, null or a scalar literal.
Result<ExprPtr> Parser::ParseDynamicValue() {
    NestingScope scope(depth_);
    if (depth_ > kMaxNestingDepth) {
        return NestingLimitError();
    }
    if (IsSymbol("[")) {
        return ParseDynamicArray();
    }
    if (IsSymbol("{")) {
        return ParseDynamicObject();
    }
    const uint32_t begin = Peek().offset;
    if (AcceptWord("null")) {
        ExprPtr null_value = NewExpr(ExprKind::kDynamic, SpanFrom(begin));
        null_value->name = "null";
        return null_value;
    }
    return ParseDynamicScalar();
}

Result<ExprPtr> Parser::ParseDynamicArray() {
    const uint32_t begin = Advance().offset; // '['
    ExprPtr array = NewExpr(ExprKind::kDynamic, {});
    if (!IsSymbol("]")) {
        do {
            UNMASK_ASSIGN_OR_RETURN(ExprPtr item, ParseDynamicValue());
            array->args.push_back(std::move(item));
        } while (AcceptSymbol(","));
    }
    UNMASK_TRY(ExpectSymbol("]", "to close the dynamic array"));
    array->span = SpanFrom(begin);
    UNMASK_TRY(Seal(*array));
    return array;
}

Result<ExprPtr> Parser::ParseDynamicObject() {
    const uint32_t begin = Advance().offset; // '{'
    ExprPtr object = NewExpr(ExprKind::kDynamic, {});
    object->is_object = true;
    if (!IsSymbol("}")) {
        do {
            if (Peek().kind != TokenKind::kString) {
                return ErrorAt(Peek(), "expected a string key in the dynamic object but found " + Describe(Peek()));
            }
            std::string key = Advance().value;
            UNMASK_TRY(ExpectSymbol(":", "after the key \"" + Excerpt(key) + "\""));
            UNMASK_ASSIGN_OR_RETURN(ExprPtr value, ParseDynamicValue());
            object->keys.push_back(std::move(key));
            object->args.push_back(std::move(value));
        } while (AcceptSymbol(","));
    }
    UNMASK_TRY(ExpectSymbol("}", "to close the dynamic object"));
    object->span = SpanFrom(begin);
    UNMASK_TRY(Seal(*object));
    return object;
}

// Parses a number (with an optional sign), string, bool or typed literal inside a dynamic literal.
Result<ExprPtr> Parser::ParseDynamicScalar() {
    if (AtConstantLiteral(false)) {
        return ParseConstantLiteral();
    }
    return ErrorAt(Peek(), "expected a value such as a number, a string, true, false, null, [...] or {...} in the "
                           "dynamic literal but found " +
                               Describe(Peek()));
}

// True at a literal that needs no evaluation: a number or timespan with an optional sign, a string, a bool
// or a typed literal such as datetime(...) or long(null). dynamic(...) counts only with `allow_dynamic`,
// because a value inside a dynamic literal cannot be dynamic(...) itself.
bool Parser::AtConstantLiteral(bool allow_dynamic) const {
    const auto is_number = [](const Token& token) {
        return token.kind == TokenKind::kLong || token.kind == TokenKind::kReal || token.kind == TokenKind::kTimeSpan;
    };
    if (IsSymbol("-") || IsSymbol("+")) {
        return is_number(Peek(1));
    }
    const Token& token = Peek();
    if (is_number(token) || token.kind == TokenKind::kString) {
        return true;
    }
    if (token.kind != TokenKind::kIdentifier) {
        return false;
    }
    static const std::vector<std::string> kBoolSpellings = {"true", "True", "TRUE", "false", "False", "FALSE"};
    static const std::vector<std::string> kNestedLiteralTypes = {"datetime", "time",    "timespan", "guid",
                                                                 "long",     "int",     "real",     "double",
                                                                 "bool",     "boolean", "string",   "decimal"};
    if (IsOneOf(kBoolSpellings, token.text)) {
        return true;
    }
    const bool typed = IsOneOf(kNestedLiteralTypes, token.text) || (allow_dynamic && token.text == "dynamic");
    return typed && IsSymbol("(", 1);
}

// Parses the literal that AtConstantLiteral accepted. A sign becomes part of the number's text, so `-1` is
// (long -1) rather than a unary minus, and a '+' is dropped.
Result<ExprPtr> Parser::ParseConstantLiteral() {
    const Token& token = Peek();
    if (IsSymbol("-") || IsSymbol("+")) {
        const std::string sign = IsSymbol("-") ? "-" : "";
        Advance();
        UNMASK_ASSIGN_OR_RETURN(ExprPtr number, ParsePrimary());
        number->text = sign + number->text;
        number->span = SpanFrom(token.offset);
        return number;
    }
    return ParsePrimary();
}

// Parses one value of a datatable, which must be a literal: `1 + 1`, `now()` and column names are errors.
Result<ExprPtr> Parser::ParseDatatableValue() {
    if (AtConstantLiteral(true)) {
        return ParseConstantLiteral();
    }
    std::string message = "expected a literal such as 42, -1.5, \"text\", true, 1h, datetime(...) or dynamic(...) "
                          "as a datatable value but found " +
                          Describe(Peek());
    if (IsWord("null")) {
        message += ". Write a typed null such as long(null), string(null) or dynamic(null)";
    }
    return ErrorAt(Peek(), message);
}

} // namespace unmask::query::internal
