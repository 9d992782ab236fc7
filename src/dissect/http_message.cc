#include "dissect/http_message.h"

#include <algorithm>
#include <array>
#include <span>

#include "dissect/http.h"

namespace unmask::dissect {
namespace http {
namespace {

std::string_view TrimWhitespace(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

void AddOnce(std::vector<std::string>& problems, std::string_view problem) {
    if (std::find(problems.begin(), problems.end(), problem) == problems.end()) {
        problems.emplace_back(problem);
    }
}

/// Parses "HTTP/d.d" into "d.d".
std::optional<std::string> ParseVersion(std::string_view text) {
    if (text.size() != 8 || !text.starts_with("HTTP/")) {
        return std::nullopt;
    }
    const auto is_digit = [](char c) {
        return c >= '0' && c <= '9';
    };
    if (!is_digit(text[5]) || text[6] != '.' || !is_digit(text[7])) {
        return std::nullopt;
    }
    return std::string(text.substr(5));
}

} // namespace

bool IsTokenChar(unsigned char c) {
    static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kSymbols.find(static_cast<char>(c)) != std::string_view::npos;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') {
            x = static_cast<char>(x - 'A' + 'a');
        }
        if (y >= 'A' && y <= 'Z') {
            y = static_cast<char>(y - 'A' + 'a');
        }
        if (x != y) {
            return false;
        }
    }
    return true;
}

HeaderBlock SplitHeaderBlock(std::string_view block) {
    HeaderBlock result;
    bool first = true;
    size_t position = 0;
    while (position < block.size()) {
        const size_t newline = block.find('\n', position);
        if (newline == std::string_view::npos) {
            break;
        }
        std::string_view line = block.substr(position, newline - position);
        position = newline + 1;
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        } else {
            AddOnce(result.problems, "bare_lf_line_end");
        }
        if (first) {
            result.start_line = std::string(line);
            first = false;
            continue;
        }
        if (line.empty()) {
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            // obs-fold (RFC 7230 section 3.2.4): the line continues the previous field value.
            if (result.fields.empty()) {
                AddOnce(result.problems, "malformed_header");
                continue;
            }
            AddOnce(result.problems, "obs_fold");
            std::string& value = result.fields.back().second;
            const std::string_view continuation = TrimWhitespace(line);
            if (!continuation.empty()) {
                if (!value.empty()) {
                    value.push_back(' ');
                }
                value.append(continuation);
            }
            continue;
        }
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            AddOnce(result.problems, "malformed_header");
            continue;
        }
        std::string_view name = line.substr(0, colon);
        if (name.back() == ' ' || name.back() == '\t') {
            AddOnce(result.problems, "whitespace_before_colon");
            name = TrimWhitespace(name);
        }
        if (name.empty() ||
            !std::all_of(name.begin(), name.end(), [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); })) {
            AddOnce(result.problems, "malformed_header");
            continue;
        }
        result.fields.emplace_back(std::string(name), std::string(TrimWhitespace(line.substr(colon + 1))));
    }
    return result;
}

std::optional<RequestLine> ParseRequestLine(std::string_view line) {
    const size_t method_end = line.find(' ');
    if (method_end == std::string_view::npos || method_end == 0) {
        return std::nullopt;
    }
    const std::string_view method = line.substr(0, method_end);
    if (!std::all_of(method.begin(), method.end(), [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); })) {
        return std::nullopt;
    }
    const size_t version_start = line.rfind(' ');
    if (version_start == method_end) {
        return std::nullopt; // NOTE: HTTP/0.9 simple requests ("GET /") are rejected as malformed.
    }
    std::optional<std::string> version = ParseVersion(line.substr(version_start + 1));
    if (!version) {
        return std::nullopt;
    }
    const std::string_view uri = TrimWhitespace(line.substr(method_end + 1, version_start - method_end - 1));
    if (uri.empty()) {
        return std::nullopt;
    }
    for (char c : uri) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            return std::nullopt;
        }
    }
    return RequestLine{std::string(method), std::string(uri), std::move(*version)};
}

std::optional<StatusLine> ParseStatusLine(std::string_view line) {
    if (line.size() < 12) {
        return std::nullopt;
    }
    std::optional<std::string> version = ParseVersion(line.substr(0, 8));
    if (!version || line[8] != ' ') {
        return std::nullopt;
    }
    size_t position = 9;
    while (position < line.size() && line[position] == ' ') {
        ++position;
    }
    if (position + 3 > line.size()) {
        return std::nullopt;
    }
    int code = 0;
    for (size_t i = position; i < position + 3; ++i) {
        if (line[i] < '0' || line[i] > '9') {
            return std::nullopt;
        }
        code = code * 10 + (line[i] - '0');
    }
    position += 3;
    if (position < line.size() && line[position] != ' ') {
        return std::nullopt;
    }
    const std::string_view reason = position < line.size() ? TrimWhitespace(line.substr(position + 1)) : "";
    return StatusLine{std::move(*version), code, std::string(reason)};
}

std::optional<uint64_t> ParseContentLength(std::string_view value) {
    value = TrimWhitespace(value);
    if (value.empty() || value.size() > 18) {
        return std::nullopt;
    }
    uint64_t length = 0;
    for (char c : value) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        length = length * 10 + static_cast<uint64_t>(c - '0');
    }
    return length;
}

std::optional<uint64_t> ParseChunkSize(std::string_view line) {
    const size_t extension = line.find(';');
    if (extension != std::string_view::npos) {
        line = line.substr(0, extension);
    }
    line = TrimWhitespace(line);
    if (line.empty() || line.size() > 15) {
        return std::nullopt;
    }
    uint64_t size = 0;
    for (char c : line) {
        int digit = 0;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            return std::nullopt;
        }
        size = size * 16 + static_cast<uint64_t>(digit);
    }
    return size;
}

bool IsChunked(std::string_view transfer_encoding) {
    const size_t comma = transfer_encoding.rfind(',');
    const std::string_view last =
        TrimWhitespace(comma == std::string_view::npos ? transfer_encoding : transfer_encoding.substr(comma + 1));
    return EqualsIgnoreCase(last, "chunked");
}

void AppendCookieNames(std::string_view value, size_t max_names, std::vector<std::string>& names) {
    while (!value.empty() && names.size() < max_names) {
        const size_t separator = value.find(';');
        const std::string_view pair = value.substr(0, separator);
        value = separator == std::string_view::npos ? std::string_view() : value.substr(separator + 1);
        const std::string_view name = TrimWhitespace(pair.substr(0, pair.find('=')));
        if (!name.empty()) {
            names.emplace_back(name);
        }
    }
}

std::string HostWithoutPort(std::string_view host) {
    if (host.starts_with('[')) {
        const size_t close = host.find(']');
        return std::string(close == std::string_view::npos ? host : host.substr(0, close + 1));
    }
    const size_t colon = host.find(':');
    if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) {
        return std::string(host.substr(0, colon));
    }
    return std::string(host);
}

} // namespace http

bool LooksLikeHttpRequest(std::span<const uint8_t> first_bytes) {
    static constexpr std::array<std::string_view, 16> kMethods = {
        "GET",   "POST",     "HEAD",      "PUT",   "DELETE", "OPTIONS", "CONNECT", "TRACE",
        "PATCH", "PROPFIND", "PROPPATCH", "MKCOL", "COPY",   "MOVE",    "LOCK",    "UNLOCK",
    };
    const std::string_view text(reinterpret_cast<const char*>(first_bytes.data()), first_bytes.size());
    for (std::string_view method : kMethods) {
        if (text.size() > method.size() && text.starts_with(method) && text[method.size()] == ' ') {
            return true;
        }
    }
    const size_t line_end = text.find('\n');
    if (line_end == std::string_view::npos) {
        return false;
    }
    std::string_view line = text.substr(0, line_end);
    if (line.ends_with('\r')) {
        line.remove_suffix(1);
    }
    return http::ParseRequestLine(line).has_value();
}

bool LooksLikeHttpResponse(std::span<const uint8_t> first_bytes) {
    const std::string_view text(reinterpret_cast<const char*>(first_bytes.data()), first_bytes.size());
    return text.size() >= 9 && text.starts_with("HTTP/1.") && text[7] >= '0' && text[7] <= '9' && text[8] == ' ';
}

} // namespace unmask::dissect
