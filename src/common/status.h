// Status and Result: the error model of every layer below the command line.
//
// Readers, the parser, the binder and the executor return a Status or a Result<T>
// instead of throwing. Only src/cli turns a failed Status into a message and an exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace unmask {

/// Category of an error, by who is at fault. The set is closed so that each kind can have a test
/// that triggers it.
enum class ErrorKind {
    kParse,           ///< query text does not follow the grammar
    kBind,            ///< a name in the query does not resolve (column, function, table)
    kType,            ///< operand types do not fit the operator or function
    kInvalidInput,    ///< an input file or value is malformed
    kIo,              ///< a file cannot be opened, read or written
    kLimitExceeded,   ///< an explicit size or depth budget was hit
    kNotImplemented,  ///< valid KQL that unmask does not support yet
    kInternal,        ///< a broken invariant inside unmask (a bug)
};

/// Returns the lower-case name of an error kind ("parse", "bind", ...).
const char* ErrorKindName(ErrorKind kind);

/// Outcome of an operation: ok, or an error kind with a message and, for query errors,
/// the byte range of the query text at fault.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(ErrorKind kind, std::string message) : error_(Error{kind, std::move(message), {}, 0}) {}

    static Status Ok() { return {}; }

    /// Creates an error that points at bytes [offset, offset + length) of the query text.
    static Status At(ErrorKind kind, std::string message, uint32_t offset, uint32_t length) {
        Status status(kind, std::move(message));
        status.error_->offset = offset;
        status.error_->length = length;
        return status;
    }

    bool ok() const { return !error_.has_value(); }
    ErrorKind kind() const { return error_ ? error_->kind : ErrorKind::kInternal; }
    const std::string& message() const;
    /// Byte offset in the query text, when the error has one.
    std::optional<uint32_t> offset() const { return error_ ? error_->offset : std::nullopt; }
    uint32_t length() const { return error_ ? error_->length : 0; }

private:
    struct Error {
        ErrorKind kind;
        std::string message;
        std::optional<uint32_t> offset;
        uint32_t length;
    };
    std::optional<Error> error_;
};

/// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : data_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(Status status) : data_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(data_); }
    const Status& status() const {
        static const Status kOk;
        return ok() ? kOk : std::get<Status>(data_);
    }
    T& value() & { return std::get<T>(data_); }
    const T& value() const& { return std::get<T>(data_); }
    T&& value() && { return std::get<T>(std::move(data_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }

private:
    std::variant<T, Status> data_;
};

}  // namespace unmask

/// Returns the Status from the enclosing function when `expr` failed.
#define UNMASK_TRY(expr)                        \
    do {                                        \
        ::unmask::Status unmask_status_ = (expr); \
        if (!unmask_status_.ok()) {             \
            return unmask_status_;              \
        }                                       \
    } while (false)

#define UNMASK_CONCAT_INNER(a, b) a##b
#define UNMASK_CONCAT(a, b) UNMASK_CONCAT_INNER(a, b)

/// Declares `lhs` from a Result, or returns its Status from the enclosing function.
#define UNMASK_ASSIGN_OR_RETURN(lhs, expr) UNMASK_ASSIGN_OR_RETURN_IMPL(UNMASK_CONCAT(unmask_result_, __LINE__), lhs, expr)
#define UNMASK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
    auto tmp = (expr);                               \
    if (!tmp.ok()) {                                 \
        return tmp.status();                         \
    }                                                \
    lhs = std::move(tmp).value()
