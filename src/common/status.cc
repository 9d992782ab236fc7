#include "common/status.h"

namespace unmask {

const char* ErrorKindName(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::kParse: return "parse";
        case ErrorKind::kBind: return "bind";
        case ErrorKind::kType: return "type";
        case ErrorKind::kInvalidInput: return "invalid input";
        case ErrorKind::kIo: return "io";
        case ErrorKind::kLimitExceeded: return "limit exceeded";
        case ErrorKind::kNotImplemented: return "not implemented";
        case ErrorKind::kInternal: return "internal";
    }
    return "internal";
}

const std::string& Status::message() const {
    static const std::string kEmpty;
    return error_ ? error_->message : kEmpty;
}

}  // namespace unmask
