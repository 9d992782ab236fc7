// AdditionalFields JSON text for sensor rows.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "dissect/x509.h"
#include "ingest/sensor/sensor_rows.h"

namespace unmask::ingest {
namespace {

/// Length of the valid UTF-8 sequence starting at `text[i]`, or 0 when it is invalid (overlong
/// forms, surrogates and code points above U+10FFFF included).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
    const auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
    const uint8_t lead = byte(i);
    size_t length = 0;
    uint32_t code_point = 0;
    if (lead < 0x80) {
        return 1;
    } else if ((lead & 0xe0) == 0xc0) {
        length = 2;
        code_point = lead & 0x1f;
    } else if ((lead & 0xf0) == 0xe0) {
        length = 3;
        code_point = lead & 0x0f;
    } else if ((lead & 0xf8) == 0xf0) {
        length = 4;
        code_point = lead & 0x07;
    } else {
        return 0;
    }
    if (i + length > text.size()) {
        return 0;
    }
    for (size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80) {
            return 0;
        }
        code_point = (code_point << 6) | (byte(i + k) & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10ffff || (code_point >= 0xd800 && code_point <= 0xdfff)) {
        return 0;
    }
    return length;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view value) {
    out.push_back('"');
    size_t i = 0;
    while (i < value.size()) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
            ++i;
        } else if (c < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
            out += escaped;
            ++i;
        } else if (c < 0x80) {
            out.push_back(static_cast<char>(c));
            ++i;
        } else {
            const size_t length = Utf8SequenceLength(value, i);
            if (length == 0) {
                out += "\xef\xbf\xbd";  // U+FFFD REPLACEMENT CHARACTER
                ++i;
            } else {
                out.append(value.substr(i, length));
                i += length;
            }
        }
    }
    out.push_back('"');
}

void JsonObjectBuilder::AddKey(std::string_view key) {
    text_.push_back(text_.empty() ? '{' : ',');
    AppendJsonString(text_, key);
    text_.push_back(':');
}

void JsonObjectBuilder::AddString(std::string_view key, std::string_view value) {
    AddKey(key);
    AppendJsonString(text_, value);
}

void JsonObjectBuilder::AddNumber(std::string_view key, int64_t value) {
    AddKey(key);
    text_ += std::to_string(value);
}

void JsonObjectBuilder::AddReal(std::string_view key, double value) {
    AddKey(key);
    if (!std::isfinite(value)) {
        text_ += "null";  // JSON has no NaN or infinity
        return;
    }
    char buffer[32];
    // The shortest text that reads back as the same double.
    const std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    text_.append(buffer, result.ptr);
}

void JsonObjectBuilder::AddBool(std::string_view key, bool value) {
    AddKey(key);
    text_ += value ? "true" : "false";
}

void JsonObjectBuilder::AddStringArray(std::string_view key, const std::vector<std::string>& values) {
    AddKey(key);
    text_.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
        if (i != 0) {
            text_.push_back(',');
        }
        AppendJsonString(text_, values[i]);
    }
    text_.push_back(']');
}

void JsonObjectBuilder::AddNumberArray(std::string_view key, const std::vector<int64_t>& values) {
    AddKey(key);
    text_.push_back('[');
    for (size_t i = 0; i < values.size(); ++i) {
        if (i != 0) {
            text_.push_back(',');
        }
        text_ += std::to_string(values[i]);
    }
    text_.push_back(']');
}

std::string JsonObjectBuilder::Finish() const { return text_.empty() ? std::string("{}") : text_ + "}"; }

void AddCertificateNames(HttpTlsContext& context, std::string_view common_name, const std::vector<std::string>& san_dns) {
    std::vector<std::string>& names = context.certificate_names;
    const auto add = [&](std::string_view name) {
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
            names.emplace_back(name);
        }
    };
    add(common_name);
    for (const std::string& name : san_dns) {
        add(name);
    }
}

void AddHttpTlsContext(JsonObjectBuilder& fields, const HttpTlsContext& context, std::string_view host) {
    fields.AddBool("tls", true);
    const std::pair<std::string_view, const std::string*> texts[] = {{"tls_server_name", &context.server_name},
                                                                     {"tls_version", &context.version},
                                                                     {"tls_ja3", &context.ja3},
                                                                     {"tls_ja4", &context.ja4}};
    for (const auto& [key, value] : texts) {
        if (!value->empty()) {
            fields.AddString(key, *value);
        }
    }
    if (context.client_grease) {
        fields.AddBool("tls_client_grease", *context.client_grease);
    }
    if (!context.certificate_names.empty()) {
        fields.AddStringArray("tls_cert_names", context.certificate_names);
        if (!host.empty()) {
            const bool covered = std::any_of(context.certificate_names.begin(), context.certificate_names.end(),
                                             [&](const std::string& name) { return dissect::DnsNameMatches(name, host); });
            fields.AddBool("tls_cert_covers_host", covered);
        }
    }
}

}  // namespace unmask::ingest
