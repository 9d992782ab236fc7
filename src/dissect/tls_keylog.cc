#include "dissect/tls_keylog.h"

#include <fstream>
#include <optional>

namespace unmask::dissect {
namespace {

constexpr size_t kClientRandomLength = 32;
constexpr size_t kMasterSecretLength = 48;

int HexDigitValue(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::optional<std::string> DecodeHex(std::string_view hex) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string bytes(hex.size() / 2, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        const int high = HexDigitValue(hex[2 * i]);
        const int low = HexDigitValue(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        bytes[i] = static_cast<char>((high << 4) | low);
    }
    return bytes;
}

bool IsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// Splits a line into whitespace-separated fields; at most `max_fields` + 1 are returned so that
// trailing junk is detected.
std::vector<std::string_view> SplitFields(std::string_view line, size_t max_fields) {
    std::vector<std::string_view> fields;
    size_t position = 0;
    while (position < line.size() && fields.size() <= max_fields) {
        while (position < line.size() && IsSpace(line[position])) {
            ++position;
        }
        const size_t start = position;
        while (position < line.size() && !IsSpace(line[position])) {
            ++position;
        }
        if (position > start) {
            fields.push_back(line.substr(start, position - start));
        }
    }
    return fields;
}

// Member of TlsSessionSecrets that a label fills, or null for a label that is not read.
std::string TlsSessionSecrets::*SecretForLabel(std::string_view label) {
    if (label == "CLIENT_RANDOM") {
        return &TlsSessionSecrets::master_secret;
    }
    if (label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET") {
        return &TlsSessionSecrets::client_handshake_traffic_secret;
    }
    if (label == "SERVER_HANDSHAKE_TRAFFIC_SECRET") {
        return &TlsSessionSecrets::server_handshake_traffic_secret;
    }
    if (label == "CLIENT_TRAFFIC_SECRET_0") {
        return &TlsSessionSecrets::client_traffic_secret_0;
    }
    if (label == "SERVER_TRAFFIC_SECRET_0") {
        return &TlsSessionSecrets::server_traffic_secret_0;
    }
    return nullptr;
}

} // namespace

Result<TlsKeyLog> TlsKeyLog::Parse(std::string_view text, std::string_view source) {
    TlsKeyLog log;
    const auto add_malformed = [&](uint64_t line_number, std::string_view reason) {
        ++log.malformed_lines_;
        if (log.malformed_examples_.size() < kMaxKeyLogExamples) {
            log.malformed_examples_.push_back(std::string(source) + ":" + std::to_string(line_number) + ": " +
                                              std::string(reason));
        }
    };
    uint64_t line_number = 0;
    size_t position = 0;
    while (position < text.size()) {
        size_t end = text.find('\n', position);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view line = text.substr(position, end - position);
        position = end + 1;
        ++line_number;

        const std::vector<std::string_view> fields = SplitFields(line, 3);
        if (fields.empty() || fields[0].front() == '#') {
            continue;
        }
        std::string TlsSessionSecrets::*member = SecretForLabel(fields[0]);
        if (member == nullptr) {
            ++log.ignored_lines_;
            continue;
        }
        if (fields.size() != 3) {
            add_malformed(line_number,
                          "expected 3 fields (label, client random, secret), found " + std::to_string(fields.size()));
            continue;
        }
        const std::optional<std::string> client_random = DecodeHex(fields[1]);
        if (!client_random || client_random->size() != kClientRandomLength) {
            add_malformed(line_number, "client random is not 64 hex digits");
            continue;
        }
        const std::optional<std::string> secret = DecodeHex(fields[2]);
        if (!secret) {
            add_malformed(line_number, "secret is not hex");
            continue;
        }
        if (member == &TlsSessionSecrets::master_secret && secret->size() != kMasterSecretLength) {
            add_malformed(line_number,
                          "CLIENT_RANDOM master secret has " + std::to_string(secret->size()) + " bytes, expected 48");
            continue;
        }
        if (member != &TlsSessionSecrets::master_secret && secret->size() != 32 && secret->size() != 48) {
            add_malformed(line_number, std::string(fields[0]) + " has " + std::to_string(secret->size()) +
                                           " bytes, expected 32 (SHA-256 suites) or 48 (SHA-384)");
            continue;
        }
        log.sessions_[*client_random].*member = *secret;
    }
    if (log.sessions_.empty()) {
        std::string message = std::string(source) +
                              ": no usable key log line (expected NSS key log lines such as 'CLIENT_RANDOM "
                              "<64 hex digits> <96 hex digits>'); " +
                              std::to_string(log.malformed_lines_) + " malformed, " +
                              std::to_string(log.ignored_lines_) + " with an unknown label";
        if (!log.malformed_examples_.empty()) {
            message += "; first: " + log.malformed_examples_.front();
        }
        return Status(ErrorKind::kInvalidInput, message);
    }
    return log;
}

Result<TlsKeyLog> TlsKeyLog::Load(const std::string& path) {
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file) {
        return Status(ErrorKind::kIo, "failed to open key log file " + path);
    }
    const std::streamoff size = file.tellg();
    if (size < 0) {
        return Status(ErrorKind::kIo, "failed to read the size of key log file " + path);
    }
    if (static_cast<uint64_t>(size) > kMaxKeyLogBytes) {
        return Status(ErrorKind::kLimitExceeded, "key log file " + path + " has " + std::to_string(size) +
                                                     " bytes, more than the maximum of 256 MiB; keep only the "
                                                     "sessions of this capture");
    }
    std::string text(static_cast<size_t>(size), '\0');
    file.seekg(0);
    if (!file.read(text.data(), size)) {
        return Status(ErrorKind::kIo, "failed to read key log file " + path);
    }
    return Parse(text, path);
}

const TlsSessionSecrets* TlsKeyLog::Find(std::span<const uint8_t> client_random) const {
    if (client_random.size() != kClientRandomLength) {
        return nullptr;
    }
    const auto found = sessions_.find(std::string(client_random.begin(), client_random.end()));
    return found == sessions_.end() ? nullptr : &found->second;
}

} // namespace unmask::dissect
