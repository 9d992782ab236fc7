#include "dissect/tls.h"

#include <algorithm>
#include <cctype>

#include "dissect/ja_fingerprints.h"
#include "dissect/tls_hello.h"
#include "dissect/tls_names.h"
#include "dissect/tls_record.h"

namespace unmask::dissect {
namespace {

constexpr uint16_t kTls13 = 0x0304;
constexpr size_t kMaxHistoryLength = 100; // Zeek's SSL::max_ssl_history_length

// Handshake message types (IANA TLS HandshakeType registry).
constexpr uint8_t kClientHello = 1;
constexpr uint8_t kServerHello = 2;
constexpr uint8_t kCertificate = 11;
constexpr uint8_t kServerKeyExchange = 12;
constexpr uint8_t kClientKeyExchange = 16;

// Zeek's ssl_history letter of a handshake message type (base/protocols/ssl/main.zeek), lower
// case; 0 for a type Zeek records as 'z' (unassigned).
char HistoryLetter(uint8_t type) {
    switch (type) {
    case 0:
        return 'h';
    case 1:
        return 'c';
    case 2:
        return 's';
    case 3:
        return 'v';
    case 4:
        return 't';
    case 5:
        return 'e';
    case 6:
        return 'j';
    case 8:
        return 'o';
    case 11:
        return 'x';
    case 12:
        return 'k';
    case 13:
        return 'r';
    case 14:
        return 'n';
    case 15:
        return 'y';
    case 16:
        return 'g';
    case 20:
        return 'f';
    case 21:
        return 'w';
    case 22:
        return 'u';
    case 23:
        return 'a';
    case 24:
        return 'p';
    case 254:
        return 'm';
    default:
        return 0;
    }
}

void MapHelloIssues(const HelloIssues& issues, TlsDissector& dissector, void (TlsDissector::*add)(std::string_view),
                    std::string_view malformed_code) {
    if (issues.malformed) {
        (dissector.*add)(malformed_code);
    }
    if (issues.length_mismatch) {
        (dissector.*add)("handshake_length_mismatch");
    }
    if (issues.malformed_extension) {
        (dissector.*add)("malformed_extension");
    }
    if (issues.duplicate_extension) {
        (dissector.*add)("duplicate_extension");
    }
    if (issues.invalid_server_name) {
        (dissector.*add)("server_name_invalid");
    }
}

bool IsAllZero(const std::string& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

} // namespace

bool TlsFacts::HasEvidence(std::string_view code) const {
    return std::find(evidence.begin(), evidence.end(), code) != evidence.end();
}

TlsDissector::TlsDissector(TlsLimits limits) : limits_(limits) {}

TlsDissector::~TlsDissector() = default;

void TlsDissector::Feed(Direction direction, std::span<const uint8_t> bytes) {
    if (finished_ || bytes.empty()) {
        return;
    }
    const int index = DirectionIndex(direction);
    facts_.bytes_seen[index] += bytes.size();
    if (!parsers_[index]) {
        parsers_[index] = std::make_unique<TlsDirectionParser>(*this, direction);
    }
    parsers_[index]->Feed(bytes);
}

void TlsDissector::Gap(Direction direction, uint64_t missing_bytes) {
    if (finished_) {
        return;
    }
    const int index = DirectionIndex(direction);
    facts_.gap_bytes[index] += missing_bytes;
    AddEvidence("stream_gap");
    if (!parsers_[index]) {
        parsers_[index] = std::make_unique<TlsDirectionParser>(*this, direction);
    }
    parsers_[index]->Stop();
}

void TlsDissector::Finish() {
    if (finished_) {
        return;
    }
    finished_ = true;
    for (auto& parser : parsers_) {
        if (parser) {
            parser->Finish();
        }
    }
    if (facts_.client_hello && !facts_.server_hello) {
        AddEvidence("client_hello_unanswered");
    }
}

void TlsDissector::AddEvidence(std::string_view code) {
    if (!facts_.HasEvidence(code)) {
        facts_.evidence.emplace_back(code);
    }
}

void TlsDissector::AddHistory(Direction direction, char letter) {
    if (facts_.ssl_history.size() >= kMaxHistoryLength) {
        return;
    }
    const auto byte = static_cast<unsigned char>(letter);
    facts_.ssl_history +=
        static_cast<char>(direction == Direction::kToServer ? std::toupper(byte) : std::tolower(byte));
}

void TlsDissector::OnFirstBytes(Direction direction, bool looks_like_tls) {
    const int index = DirectionIndex(direction);
    first_bytes_seen_[index] = true;
    first_bytes_tls_[index] = looks_like_tls;
    facts_.tls_detected = facts_.tls_detected || looks_like_tls;
    if (!first_bytes_seen_[0] || !first_bytes_seen_[1]) {
        return;
    }
    if (first_bytes_tls_[0] && !first_bytes_tls_[1]) {
        AddEvidence("server_not_tls");
    } else if (!first_bytes_tls_[0] && first_bytes_tls_[1]) {
        AddEvidence("client_not_tls");
    }
}

void TlsDissector::OnFirstHandshakeType(Direction direction, uint8_t type) {
    if (type != (direction == Direction::kToServer ? kClientHello : kServerHello)) {
        AddEvidence("no_handshake_after_record_header");
    }
}

bool TlsDissector::OnHandshakeMessage(Direction direction, uint8_t type, std::span<const uint8_t> body,
                                      uint16_t record_version) {
    const bool from_client = direction == Direction::kToServer;
    if ((type == kClientHello && !from_client) || (type == kServerHello && from_client)) {
        AddEvidence("unexpected_handshake_message");
    }

    char letter = HistoryLetter(type);
    bool parsed = letter != 0;
    if (type == kClientHello && from_client) {
        TlsClientHello hello;
        hello.record_version = record_version;
        HelloIssues issues;
        parsed = ParseClientHello(body, hello, issues);
        MapHelloIssues(issues, *this, &TlsDissector::AddEvidence, "malformed_client_hello");
        // NOTE: only the first ClientHello is kept and fingerprinted, not the second one that
        // follows a HelloRetryRequest.
        if (parsed && !facts_.client_hello) {
            OnClientHello(std::move(hello));
        }
    } else if (type == kServerHello && !from_client) {
        TlsServerHello hello;
        hello.record_version = record_version;
        HelloIssues issues;
        parsed = ParseServerHello(body, hello, issues);
        MapHelloIssues(issues, *this, &TlsDissector::AddEvidence, "malformed_server_hello");
        if (parsed && hello.hello_retry_request) {
            letter = 'j';
            if (!facts_.hello_retry_request) {
                facts_.hello_retry_request = std::move(hello);
            }
        } else if (parsed && !facts_.server_hello) {
            AddHistory(direction, letter);
            OnServerHello(std::move(hello));
            return true;
        }
    } else if (type == kCertificate && !from_client) {
        CertificateList list = ParseCertificateMessage(body, limits_.max_certificates);
        parsed = !list.malformed;
        if (list.malformed) {
            AddEvidence("malformed_certificate");
        }
        if (list.limit_reached) {
            AddEvidence("certificate_limit_reached");
        }
        if (facts_.server_certificates_der.empty()) {
            facts_.server_certificates_der = std::move(list.certificates_der);
        }
    } else if (type == kServerKeyExchange && !from_client) {
        if (facts_.cipher.find("ECDH") != std::string::npos) {
            if (auto curve = ParseServerKeyExchangeCurve(body)) {
                facts_.curve = NamedGroupName(*curve);
            }
        }
    } else if (type == kClientKeyExchange && from_client) {
        client_key_exchange_seen_ = true;
    }
    AddHistory(direction, letter != 0 ? letter : 'z');
    return parsed;
}

void TlsDissector::OnClientHello(TlsClientHello hello) {
    facts_.ja3_full = Ja3String(hello);
    facts_.ja3 = Md5Hex(facts_.ja3_full);
    Ja4Fingerprint ja4 = ComputeJa4(hello);
    facts_.ja4 = std::move(ja4.ja4);
    facts_.ja4_r = std::move(ja4.raw_sorted);
    facts_.ja4_ro = std::move(ja4.raw_original);
    facts_.client_hello = std::move(hello);
}

void TlsDissector::OnServerHello(TlsServerHello hello) {
    facts_.version = TlsVersionName(hello.selected_version);
    if (!hello.sslv2_format) {
        facts_.cipher = CipherSuiteName(hello.cipher_suite);
        facts_.ja3s_full = Ja3sString(hello);
        facts_.ja3s = Md5Hex(facts_.ja3s_full);
        Ja4sFingerprint ja4s = ComputeJa4s(hello);
        facts_.ja4s = std::move(ja4s.ja4s);
        facts_.ja4s_r = std::move(ja4s.raw);
    }
    facts_.next_protocol = hello.alpn;
    if (hello.key_share_group) {
        facts_.curve = NamedGroupName(*hello.key_share_group);
    }
    // Resumption as Zeek decides it: the server echoes the client's non-empty session ID
    // (before TLS 1.3), or accepts the client's pre-shared key.
    const TlsClientHello* client = facts_.client_hello ? &*facts_.client_hello : nullptr;
    if (client != nullptr && !client->session_id.empty() && !IsAllZero(client->session_id) &&
        client->session_id == hello.session_id && hello.selected_version != kTls13 && !hello.sslv2_format) {
        facts_.resumed = true;
    }
    if (client != nullptr && client->pre_shared_key_offered && hello.pre_shared_key_selected) {
        facts_.resumed = true;
    }
    facts_.server_hello = std::move(hello);
    UpdateEstablished();
}

bool TlsDissector::EncryptedAfterChangeCipherSpec() const {
    // In TLS 1.3, ChangeCipherSpec is a middlebox-compatibility no-op (RFC 8446, appendix D.4).
    if (facts_.server_hello) {
        return facts_.server_hello->selected_version != kTls13;
    }
    if (facts_.client_hello) {
        const auto& versions = facts_.client_hello->supported_versions;
        return std::find(versions.begin(), versions.end(), kTls13) == versions.end();
    }
    return true;
}

void TlsDissector::OnChangeCipherSpec(Direction direction) {
    const int index = DirectionIndex(direction);
    AddHistory(direction, 'i');
    change_cipher_spec_seen_[index] = true;
    if (EncryptedAfterChangeCipherSpec() && parsers_[index]) {
        parsers_[index]->SetEncrypted();
    }
    // Session-ticket resumption as Zeek decides it: the client sent a ticket with an empty
    // session ID and changes cipher spec without a ClientKeyExchange.
    if (direction == Direction::kToServer && facts_.client_hello && facts_.client_hello->session_ticket_present &&
        facts_.client_hello->session_id.empty() && !client_key_exchange_seen_) {
        facts_.resumed = true;
    }
    UpdateEstablished();
}

void TlsDissector::OnApplicationData(Direction direction) {
    const int index = DirectionIndex(direction);
    ++facts_.application_data_records[index];
    bool expected = false;
    if (facts_.server_hello) {
        expected = facts_.server_hello->selected_version == kTls13 || change_cipher_spec_seen_[index];
        application_data_after_server_hello_[index] = true;
    } else if (direction == Direction::kToServer && facts_.client_hello) {
        expected = facts_.client_hello->early_data_offered;
    }
    if (!expected) {
        AddEvidence("application_data_before_handshake");
    }
    UpdateEstablished();
}

void TlsDissector::OnAlert(Direction direction, uint8_t level, uint8_t description) {
    AddHistory(direction, 'l');
    facts_.last_alert = AlertDescriptionName(description);
    if (facts_.alerts.size() < kMaxAlerts) {
        facts_.alerts.push_back(TlsAlert{direction, level, description});
    } else {
        ++facts_.alerts_not_kept;
    }
}

// NOTE: an SSLv2 connection never counts as established, because SSLv2 has no ChangeCipherSpec.
void TlsDissector::UpdateEstablished() {
    if (!facts_.server_hello || facts_.established) {
        return;
    }
    if (facts_.server_hello->selected_version == kTls13) {
        facts_.established = application_data_after_server_hello_[0] && application_data_after_server_hello_[1];
    } else {
        facts_.established = change_cipher_spec_seen_[0] && change_cipher_spec_seen_[1];
    }
}

} // namespace unmask::dissect
