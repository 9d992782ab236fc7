// Escaping for the HTML report: text and attribute values, JSON embedded in a script element,
// and URL fragment values. Every string that comes from the inputs passes through one of these.
#pragma once

#include <string>
#include <string_view>

namespace unmask::output {

/// Escapes text for HTML element content and quoted attribute values: & < > " ' become
/// character references. Bytes that are not valid UTF-8 and control characters other than tab
/// and line feed become U+FFFD, so hostile input cannot produce a malformed document.
std::string EscapeHtml(std::string_view text);

/// Makes JSON text safe inside <script type="application/json">: < > & become \u003c \u003e
/// \u0026, and U+2028 and U+2029 become \u2028 and \u2029. Those characters can only occur
/// inside JSON strings, so the result parses to the same value; no "</script" or "<!--" can
/// remain. Invalid UTF-8 becomes U+FFFD.
std::string EscapeJsonForScript(std::string_view json);

/// Percent-encodes a value for a URL fragment parameter (RFC 3986 unreserved bytes are kept).
std::string EncodeFragmentValue(std::string_view value);

/// Replaces invalid UTF-8 sequences with U+FFFD; valid text is returned unchanged.
std::string SanitizeUtf8(std::string_view text);

} // namespace unmask::output
