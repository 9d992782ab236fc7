// Recognising Zeek logs and their kind from the first bytes and the file name.
#include <array>
#include <utility>

#include "ingest/zeek/zeek_log.h"
#include "ingest/zeek/zeek_reader.h"

namespace unmask::ingest::zeek {

namespace {

// Lines of the head inspected before giving up.
constexpr int kMaxHeadLines = 16;

std::optional<LogKind> KindOfPathName(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, LogKind>, 10> kNames = {{
        {"conn", LogKind::kConn},
        {"http", LogKind::kHttp},
        {"ssl", LogKind::kSsl},
        {"x509", LogKind::kX509},
        {"dns", LogKind::kDns},
        {"files", LogKind::kFiles},
        {"analyzer", LogKind::kAnalyzer},
        {"dpd", LogKind::kAnalyzer},
        {"weird", LogKind::kWeird},
        {"dhcp", LogKind::kDhcp},
    }};
    for (const auto& [text, kind] : kNames) {
        if (name == text) {
            return kind;
        }
    }
    return std::nullopt;
}

bool IsWordCharacter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The kind named by a word of the file name: "conn" in conn.log, conn.2024-01-01.log.gz or
// test9-mixed-zeek-dir_conn.log. The last matching word wins, because prefixes come first.
std::optional<LogKind> KindOfFileName(std::string_view file_name) {
    std::optional<LogKind> kind;
    size_t start = 0;
    while (start < file_name.size()) {
        size_t end = start;
        while (end < file_name.size() && IsWordCharacter(file_name[end])) {
            ++end;
        }
        if (end > start) {
            if (const auto found = KindOfPathName(file_name.substr(start, end - start))) {
                kind = found;
            }
        }
        start = end + 1;
    }
    return kind;
}

// True when `line` contains the JSON key "key" followed by optional spaces and a colon.
bool HasKey(std::string_view line, std::string_view key) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    size_t at = line.find(quoted);
    while (at != std::string_view::npos) {
        size_t next = at + quoted.size();
        while (next < line.size() && (line[next] == ' ' || line[next] == '\t')) {
            ++next;
        }
        if (next < line.size() && line[next] == ':') {
            return true;
        }
        at = line.find(quoted, at + 1);
    }
    return false;
}

// The value of "_path" when it is a plain string.
std::optional<std::string_view> JsonPath(std::string_view line) {
    constexpr std::string_view kKey = "\"_path\"";
    const size_t at = line.find(kKey);
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const size_t open = line.find('"', at + kKey.size());
    const size_t close = open == std::string_view::npos ? open : line.find('"', open + 1);
    if (close == std::string_view::npos) {
        return std::nullopt;
    }
    return line.substr(open + 1, close - open - 1);
}

std::optional<LogKind> KindOfJsonKeys(std::string_view line) {
    const auto any = [&](std::initializer_list<std::string_view> keys) {
        for (std::string_view key : keys) {
            if (HasKey(line, key)) {
                return true;
            }
        }
        return false;
    };
    if (any({"fingerprint", "certificate.subject"})) {
        return LogKind::kX509;
    }
    if (any({"conn_state", "orig_ip_bytes"})) {
        return LogKind::kConn;
    }
    if (any({"cert_chain_fps", "cert_chain_fuids", "cipher", "ssl_history"})) {
        return LogKind::kSsl;
    }
    if (any({"status_code", "trans_depth", "user_agent"})) {
        return LogKind::kHttp;
    }
    if (any({"qtype", "qtype_name", "rcode"})) {
        return LogKind::kDns;
    }
    if (any({"assigned_addr", "msg_types", "lease_time"})) {
        return LogKind::kDhcp;
    }
    if (any({"fuid"})) {
        return LogKind::kFiles;
    }
    if (any({"failure_reason", "analyzer_name"})) {
        return LogKind::kAnalyzer;
    }
    if (any({"notice"}) && any({"name"})) {
        return LogKind::kWeird;
    }
    return std::nullopt;
}

}  // namespace

const char* LogKindName(LogKind kind) {
    switch (kind) {
    case LogKind::kConn:
        return "conn";
    case LogKind::kHttp:
        return "http";
    case LogKind::kSsl:
        return "ssl";
    case LogKind::kX509:
        return "x509";
    case LogKind::kDns:
        return "dns";
    case LogKind::kFiles:
        return "files";
    case LogKind::kAnalyzer:
        return "analyzer";
    case LogKind::kWeird:
        return "weird";
    case LogKind::kDhcp:
        return "dhcp";
    case LogKind::kOther:
        break;
    }
    return "other";
}

std::optional<LogKind> DetectZeekLog(std::string_view head, std::string_view file_name) {
    size_t start = 0;
    for (int line_index = 0; line_index < kMaxHeadLines && start < head.size(); ++line_index) {
        const size_t newline = head.find('\n', start);
        std::string_view line = head.substr(start, newline == std::string_view::npos ? newline : newline - start);
        start = newline == std::string_view::npos ? head.size() : newline + 1;
        const size_t first = line.find_first_not_of(" \t\r");
        if (first == std::string_view::npos) {
            continue;
        }
        line.remove_prefix(first);
        if (line.starts_with("#separator")) {
            // A TSV log: the kind comes from a later "#path<separator>name" line.
            std::string_view value = line.substr(std::string_view("#separator").size());
            const size_t separator_start = value.find_first_not_of(" \t");
            value = separator_start == std::string_view::npos ? std::string_view() : value.substr(separator_start);
            while (!value.empty() && value.back() == '\r') {
                value.remove_suffix(1);
            }
            const std::string separator = value.empty() || value == "\\t" ? "\t" : UnescapeZeekText(value);
            const std::string path_prefix = "#path" + separator;
            const size_t path_at = head.find(path_prefix);
            if (path_at != std::string_view::npos) {
                const size_t value_start = path_at + path_prefix.size();
                const size_t value_end = head.find_first_of("\r\n", value_start);
                const std::string path(head.substr(value_start, value_end == std::string_view::npos
                                                                    ? std::string_view::npos
                                                                    : value_end - value_start));
                if (const auto kind = KindOfPathName(path)) {
                    return kind;
                }
            }
            return KindOfFileName(file_name).value_or(LogKind::kOther);
        }
        if (line.front() == '#') {
            continue;  // a comment, such as the "### BTest baseline" line of Zeek's test baselines
        }
        if (line.front() != '{') {
            return std::nullopt;
        }
        const bool zeek_keys = HasKey(line, "ts") && (HasKey(line, "uid") || HasKey(line, "uids") ||
                                                      HasKey(line, "id.orig_h") || HasKey(line, "fingerprint") ||
                                                      HasKey(line, "certificate.subject") || HasKey(line, "fuid"));
        if (!zeek_keys) {
            return std::nullopt;
        }
        if (const auto path = JsonPath(line)) {
            if (const auto kind = KindOfPathName(*path)) {
                return kind;
            }
        }
        if (const auto kind = KindOfJsonKeys(line)) {
            return kind;
        }
        return KindOfFileName(file_name).value_or(LogKind::kOther);
    }
    return std::nullopt;
}

}  // namespace unmask::ingest::zeek
