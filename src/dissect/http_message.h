// Parsing of the text parts of an HTTP/1.x message: start lines, header blocks, field values and
// chunk-size lines. Pure functions over complete lines; the stream state lives in http.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace unmask::dissect::http {

/// A header block split into lines: the start line and the header fields, with folded
/// continuation lines joined to their field.
struct HeaderBlock {
    std::string start_line;
    std::vector<std::pair<std::string, std::string>> fields;
    /// Deduplicated: "bare_lf_line_end", "obs_fold", "malformed_header", "whitespace_before_colon".
    std::vector<std::string> problems;
};

/// Splits a header block (start line and header lines, each ended by LF or CRLF, without the
/// final empty line). A last line without LF is dropped, which is how a block cut at the size
/// limit loses its partial line.
HeaderBlock SplitHeaderBlock(std::string_view block);

struct RequestLine {
    std::string method;
    std::string uri;
    std::string version; ///< digits after "HTTP/", such as "1.1"
};
/// Parses "METHOD SP request-target SP HTTP/d.d". Returns nullopt when the line is not of that form.
/// Extra spaces between the parts are tolerated.
std::optional<RequestLine> ParseRequestLine(std::string_view line);

struct StatusLine {
    std::string version;
    int code = 0;
    std::string reason;
};
/// Parses "HTTP/d.d SP 3DIGIT [SP reason]". Returns nullopt when the line is not of that form.
std::optional<StatusLine> ParseStatusLine(std::string_view line);

/// Parses a Content-Length value: decimal digits with optional surrounding whitespace, below
/// 2^63. nullopt for anything else.
std::optional<uint64_t> ParseContentLength(std::string_view value);
/// Parses a chunk-size line (hex digits, then optional ";extension"); nullopt when invalid or
/// larger than 2^60.
std::optional<uint64_t> ParseChunkSize(std::string_view line);
/// True when the last transfer coding in a Transfer-Encoding value is "chunked".
bool IsChunked(std::string_view transfer_encoding);
/// Names of the cookies in a Cookie header value ("a=1; b=2" gives a, b), at most `max_names`.
void AppendCookieNames(std::string_view value, size_t max_names, std::vector<std::string>& names);
/// Removes a trailing ":port" from a Host value. Zeek's http script cuts at the first colon, which
/// breaks IPv6 literals; here "[2001:db8::1]:443" gives "[2001:db8::1]" and a bare IPv6 stays whole.
std::string HostWithoutPort(std::string_view host);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool IsTokenChar(unsigned char c);

} // namespace unmask::dissect::http
