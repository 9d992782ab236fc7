#include "dissect/tls_decrypt.h"

#include <algorithm>
#include <cstring>

#include "dissect/tls_decrypt_crypto.h"

namespace unmask::dissect {
namespace {

constexpr size_t kRecordHeaderLength = 5;
constexpr size_t kHandshakeHeaderLength = 4;
constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kApplicationData = 23;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kFinished = 20;
constexpr uint8_t kKeyUpdate = 24;
constexpr uint16_t kTls10 = 0x0301;
constexpr uint16_t kTls12 = 0x0303;
constexpr uint16_t kTls13 = 0x0304;
constexpr uint16_t kEncryptThenMacExtension = 22;

// Key state of one direction.
enum class KeyPhase : uint8_t {
    kNone,                // no keys
    kPending,             // TLS 1.2: keys wait for this direction's ChangeCipherSpec
    kHandshake,           // TLS 1.3: handshake traffic key
    kAwaitingApplication, // TLS 1.3 without handshake secrets: every record is tried under the application key
    kApplication,         // TLS 1.3 application traffic key, or TLS 1.2 after ChangeCipherSpec
    kNoApplicationKey,    // TLS 1.3 handshake done, but the key log lacks the traffic secret
};

size_t DigestLength(const TlsCipherSuiteInfo& suite) {
    return std::strcmp(suite.prf_digest, "SHA384") == 0 ? 48 : 32;
}

std::string HexSuite(uint16_t number) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text = "0x";
    for (int shift = 12; shift >= 0; shift -= 4) {
        text.push_back(kDigits[(number >> shift) & 0xf]);
    }
    return text;
}

} // namespace

struct TlsDecryptor::Session {
    TlsSessionParameters parameters;
    const TlsCipherSuiteInfo* suite = nullptr;
    bool tls13 = false;
};

struct TlsDecryptor::DirectionState {
    // Record framing.
    std::array<uint8_t, kRecordHeaderLength> header{};
    size_t header_size = 0;
    std::vector<uint8_t> body;
    size_t body_length = 0;
    bool in_body = false;
    bool stopped = false;

    // Records seen before SetSession, so that decryption can start at the right sequence number.
    bool change_cipher_spec_seen = false;
    uint64_t records_after_change_cipher_spec = 0;
    uint64_t application_records_before_session = 0;
    /// Non-application records after a ChangeCipherSpec before the session was set: encrypted in
    /// TLS 1.2, but plaintext in TLS 1.3, where a compatibility ChangeCipherSpec precedes the
    /// second ClientHello after a HelloRetryRequest.
    uint64_t handshake_records_after_change_cipher_spec = 0;

    KeyPhase phase = KeyPhase::kNone;
    std::unique_ptr<TlsRecordCipher> cipher;
    /// TLS 1.2: the keys that the ChangeCipherSpec activates. TLS 1.3: the application key while
    /// the handshake key is current.
    std::unique_ptr<TlsRecordCipher> next_cipher;
    std::string application_secret; ///< TLS 1.3 current application traffic secret
    uint64_t sequence = 0;

    // TLS 1.3 handshake message framing inside decrypted records, to find Finished and KeyUpdate.
    std::array<uint8_t, kHandshakeHeaderLength> message_header{};
    size_t message_header_size = 0;
    uint32_t message_remaining = 0;
    bool finished_seen = false;
    bool key_update_seen = false;

    std::vector<uint8_t> plaintext;
};

std::string_view TlsDecryptStats::outcome() const {
    const auto any = [&](auto predicate) {
        return predicate(directions[0]) || predicate(directions[1]);
    };
    const bool incomplete = any([](const TlsDecryptDirectionStats& s) {
        return s.failed_records > 0 || s.skipped_records > 0 || s.undecryptable_records > 0 || !s.stop_reason.empty();
    });
    if (any([](const TlsDecryptDirectionStats& s) { return s.decrypted_records > 0; })) {
        return incomplete ? "partial" : "decrypted";
    }
    if (!session_status.empty() && session_status != "ok") {
        return session_status;
    }
    if (any([](const TlsDecryptDirectionStats& s) { return s.failed_records > 0; })) {
        return "authentication_failed";
    }
    if (any([](const TlsDecryptDirectionStats& s) { return s.skipped_records > 0; })) {
        return "handshake_secrets_missing";
    }
    if (any([](const TlsDecryptDirectionStats& s) { return s.stop_reason == "gap"; })) {
        return "gap";
    }
    if (any([](const TlsDecryptDirectionStats& s) { return !s.stop_reason.empty(); })) {
        return "invalid_record";
    }
    return session_status.empty() ? "no_session" : "no_encrypted_records";
}

Result<TlsSessionParameters> MakeTlsSessionParameters(const TlsClientHello& client_hello,
                                                      const TlsServerHello& server_hello) {
    if (client_hello.random.size() != 32 || server_hello.random.size() != 32) {
        return Status(ErrorKind::kInvalidInput, "a hello without a 32-byte random (SSLv2 format) cannot be decrypted");
    }
    if (server_hello.hello_retry_request) {
        return Status(ErrorKind::kInvalidInput, "a HelloRetryRequest does not set the session; use the ServerHello");
    }
    TlsSessionParameters parameters;
    parameters.version = server_hello.selected_version;
    parameters.cipher_suite = server_hello.cipher_suite;
    parameters.compression_method = server_hello.compression_method;
    parameters.encrypt_then_mac = std::find(server_hello.extensions.begin(), server_hello.extensions.end(),
                                            kEncryptThenMacExtension) != server_hello.extensions.end();
    std::memcpy(parameters.client_random.data(), client_hello.random.data(), 32);
    std::memcpy(parameters.server_random.data(), server_hello.random.data(), 32);
    return parameters;
}

TlsDecryptor::TlsDecryptor(Sink sink, TlsDecryptLimits limits) : sink_(std::move(sink)), limits_(limits) {
    directions_[0] = std::make_unique<DirectionState>();
    directions_[1] = std::make_unique<DirectionState>();
}

TlsDecryptor::~TlsDecryptor() = default;

Status TlsDecryptor::SetSession(const TlsSessionParameters& parameters, const TlsSessionSecrets& secrets) {
    if (session_ != nullptr || !stats_.session_status.empty()) {
        return Status(ErrorKind::kInvalidInput, "SetSession was already called for this connection");
    }
    Status status = InstallSession(parameters, secrets);
    if (!status.ok()) {
        stats_.session_message = status.message();
    }
    return status;
}

Status TlsDecryptor::InstallSession(const TlsSessionParameters& parameters, const TlsSessionSecrets& secrets) {
    const auto reject = [&](const char* code, ErrorKind kind, std::string message) {
        stats_.session_status = code;
        return Status(kind, std::move(message));
    };
    const TlsCipherSuiteInfo* suite = FindTlsCipherSuite(parameters.cipher_suite);
    if (suite == nullptr) {
        return reject("unsupported_cipher", ErrorKind::kNotImplemented,
                      "cipher suite " + HexSuite(parameters.cipher_suite) + " is not supported for decryption");
    }
    const uint16_t version = parameters.version;
    if (version < kTls10 || version > kTls13) {
        return reject("unsupported_version", ErrorKind::kNotImplemented,
                      "TLS version " + HexSuite(version) + " is not supported for decryption (TLS 1.0-1.3 are)");
    }
    if (suite->tls13 != (version == kTls13) || (suite->needs_tls12 && version < kTls12)) {
        return reject("invalid_session", ErrorKind::kInvalidInput,
                      "cipher suite " + HexSuite(parameters.cipher_suite) + " cannot be used with version " +
                          HexSuite(version));
    }
    if (parameters.compression_method != 0) {
        return reject("unsupported_cipher", ErrorKind::kNotImplemented,
                      "compressed TLS sessions (method " + std::to_string(parameters.compression_method) +
                          ") are not supported for decryption");
    }
    DirectionState* states[2] = {directions_[0].get(), directions_[1].get()};

    if (!suite->tls13) {
        if (secrets.master_secret.size() != 48) {
            return reject("missing_secrets", ErrorKind::kInvalidInput,
                          "the key log has no CLIENT_RANDOM master secret for this session");
        }
        TlsTrafficKeys keys[2];
        UNMASK_TRY(DeriveTls12Keys(*suite, version, secrets.master_secret, parameters.client_random,
                                   parameters.server_random, keys[0], keys[1]));
        std::unique_ptr<TlsRecordCipher> ciphers[2];
        for (int i = 0; i < 2; ++i) {
            auto cipher = TlsRecordCipher::Create(*suite, version, parameters.encrypt_then_mac, keys[i]);
            if (!cipher.ok()) {
                return reject("unsupported_cipher", cipher.status().kind(), cipher.status().message());
            }
            ciphers[i] = std::move(cipher).value();
        }
        for (int i = 0; i < 2; ++i) {
            DirectionState& state = *states[i];
            if (state.change_cipher_spec_seen) {
                state.cipher = std::move(ciphers[i]);
                state.phase = KeyPhase::kApplication;
                state.sequence = state.records_after_change_cipher_spec;
            } else {
                state.next_cipher = std::move(ciphers[i]);
                state.phase = KeyPhase::kPending;
            }
        }
    } else {
        const std::string* handshake_secrets[2] = {&secrets.client_handshake_traffic_secret,
                                                   &secrets.server_handshake_traffic_secret};
        const std::string* application_secrets[2] = {&secrets.client_traffic_secret_0,
                                                     &secrets.server_traffic_secret_0};
        bool any_secret = false;
        for (int i = 0; i < 2; ++i) {
            for (const std::string* secret : {handshake_secrets[i], application_secrets[i]}) {
                if (!secret->empty() && secret->size() != DigestLength(*suite)) {
                    return reject("invalid_session", ErrorKind::kInvalidInput,
                                  "a TLS 1.3 secret has " + std::to_string(secret->size()) + " bytes but suite " +
                                      HexSuite(suite->number) + " needs " + std::to_string(DigestLength(*suite)));
                }
                any_secret = any_secret || !secret->empty();
            }
        }
        if (!any_secret) {
            return reject("missing_secrets", ErrorKind::kInvalidInput,
                          "the key log has no TLS 1.3 traffic secret for this session");
        }
        std::unique_ptr<TlsRecordCipher> handshake_ciphers[2];
        std::unique_ptr<TlsRecordCipher> application_ciphers[2];
        for (int i = 0; i < 2; ++i) {
            for (auto [secret, target] : {std::pair{handshake_secrets[i], &handshake_ciphers[i]},
                                          std::pair{application_secrets[i], &application_ciphers[i]}}) {
                if (secret->empty()) {
                    continue;
                }
                UNMASK_ASSIGN_OR_RETURN(TlsTrafficKeys keys, DeriveTls13Keys(*suite, *secret));
                auto cipher = TlsRecordCipher::Create(*suite, version, false, keys);
                if (!cipher.ok()) {
                    return reject("unsupported_cipher", cipher.status().kind(), cipher.status().message());
                }
                *target = std::move(cipher).value();
            }
        }
        for (int i = 0; i < 2; ++i) {
            DirectionState& state = *states[i];
            stats_.directions[i].undecryptable_records -= state.handshake_records_after_change_cipher_spec;
            state.application_secret = *application_secrets[i];
            if (handshake_ciphers[i] != nullptr) {
                state.cipher = std::move(handshake_ciphers[i]);
                state.next_cipher = std::move(application_ciphers[i]);
                state.phase = KeyPhase::kHandshake;
                state.sequence = state.application_records_before_session;
            } else if (application_ciphers[i] != nullptr) {
                state.cipher = std::move(application_ciphers[i]);
                state.phase = KeyPhase::kAwaitingApplication;
            }
        }
    }
    session_ = std::make_unique<Session>();
    session_->parameters = parameters;
    session_->suite = suite;
    session_->tls13 = suite->tls13;
    stats_.session_status = "ok";
    return Status::Ok();
}

void TlsDecryptor::Stop(Direction direction, std::string_view reason) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    if (state.stopped) {
        return;
    }
    state.stopped = true;
    state.body = {};
    stats_.directions[DirectionIndex(direction)].stop_reason = reason;
}

void TlsDecryptor::Gap(Direction direction, uint64_t missing_bytes) {
    stats_.directions[DirectionIndex(direction)].gap_bytes += missing_bytes;
    Stop(direction, "gap");
}

void TlsDecryptor::Feed(Direction direction, std::span<const uint8_t> bytes) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    while (!bytes.empty() && !state.stopped) {
        if (!state.in_body) {
            const size_t take = std::min(bytes.size(), kRecordHeaderLength - state.header_size);
            std::memcpy(state.header.data() + state.header_size, bytes.data(), take);
            state.header_size += take;
            bytes = bytes.subspan(take);
            if (state.header_size < kRecordHeaderLength) {
                return;
            }
            const uint8_t type = state.header[0];
            const size_t length = static_cast<size_t>((state.header[3] << 8) | state.header[4]);
            // NOTE: an SSLv2-format ClientHello also fails this check and stops the client direction.
            if (type < kChangeCipherSpec || type > 24 || state.header[1] != 3) {
                Stop(direction, "invalid_record_header");
                return;
            }
            if (length > limits_.max_record_length) {
                Stop(direction, "record_length_oversized");
                return;
            }
            state.body_length = length;
            state.body.clear();
            state.in_body = true;
        }
        const size_t take = std::min(bytes.size(), state.body_length - state.body.size());
        state.body.insert(state.body.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
        bytes = bytes.subspan(take);
        if (state.body.size() == state.body_length) {
            state.in_body = false;
            state.header_size = 0;
            OnRecord(direction, state.header, state.body);
        }
    }
}

void TlsDecryptor::OnRecord(Direction direction, std::span<const uint8_t> header, std::span<const uint8_t> body) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    const uint8_t type = header[0];
    if (session_ == nullptr) {
        const bool after_change_cipher_spec = state.change_cipher_spec_seen;
        if (type == kChangeCipherSpec) {
            state.change_cipher_spec_seen = true;
        }
        if (after_change_cipher_spec) {
            ++state.records_after_change_cipher_spec;
            if (type != kApplicationData) {
                ++state.handshake_records_after_change_cipher_spec;
            }
        }
        if (type == kApplicationData) {
            ++state.application_records_before_session;
        }
        if (type == kApplicationData || after_change_cipher_spec) {
            ++stats_.directions[DirectionIndex(direction)].undecryptable_records;
        }
        return;
    }
    if (session_->tls13) {
        OnTls13Record(direction, header, body);
    } else {
        OnTls12Record(direction, header, body);
    }
}

void TlsDecryptor::OnTls12Record(Direction direction, std::span<const uint8_t> header, std::span<const uint8_t> body) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    TlsDecryptDirectionStats& stats = stats_.directions[DirectionIndex(direction)];
    const uint8_t type = header[0];
    if (state.phase == KeyPhase::kApplication) {
        const TlsOpenResult result = state.cipher->Open(state.sequence, header, body, state.plaintext);
        ++state.sequence;
        if (result != TlsOpenResult::kOk) {
            ++stats.failed_records;
            return;
        }
        ++stats.decrypted_records;
        Deliver(direction, type, state.plaintext);
        return;
    }
    if (type == kChangeCipherSpec) {
        state.change_cipher_spec_seen = true;
        if (state.phase == KeyPhase::kPending) {
            state.cipher = std::move(state.next_cipher);
            state.phase = KeyPhase::kApplication;
            state.sequence = 0;
        }
        return;
    }
    if (state.change_cipher_spec_seen) {
        ++stats.undecryptable_records;
    }
}

void TlsDecryptor::OnTls13Record(Direction direction, std::span<const uint8_t> header, std::span<const uint8_t> body) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    TlsDecryptDirectionStats& stats = stats_.directions[DirectionIndex(direction)];
    if (header[0] != kApplicationData) {
        return; // plaintext hello or alert, or a compatibility ChangeCipherSpec (RFC 8446, appendix D.4)
    }
    switch (state.phase) {
    case KeyPhase::kHandshake:
        if (state.cipher->Open(state.sequence, header, body, state.plaintext) == TlsOpenResult::kOk) {
            ++state.sequence;
            break;
        }
        if (state.next_cipher != nullptr &&
            state.next_cipher->Open(0, header, body, state.plaintext) == TlsOpenResult::kOk) {
            // The Finished was missed (or not recognised); this record is the first under the
            // application key.
            state.cipher = std::move(state.next_cipher);
            state.phase = KeyPhase::kApplication;
            state.sequence = 1;
            state.message_header_size = 0;
            state.message_remaining = 0;
            break;
        }
        // NOTE: 0-RTT early data records from the client land here; their key is not read.
        ++stats.failed_records;
        return;
    case KeyPhase::kAwaitingApplication:
        if (state.cipher->Open(state.sequence, header, body, state.plaintext) != TlsOpenResult::kOk) {
            ++stats.skipped_records;
            return;
        }
        state.phase = KeyPhase::kApplication;
        ++state.sequence;
        break;
    case KeyPhase::kApplication: {
        const TlsOpenResult result = state.cipher->Open(state.sequence, header, body, state.plaintext);
        ++state.sequence;
        if (result != TlsOpenResult::kOk) {
            ++stats.failed_records;
            return;
        }
        break;
    }
    case KeyPhase::kNone:
    case KeyPhase::kPending:
    case KeyPhase::kNoApplicationKey:
        ++stats.undecryptable_records;
        return;
    }
    ++stats.decrypted_records;
    DeliverTls13(direction, state.plaintext);
}

void TlsDecryptor::DeliverTls13(Direction direction, std::vector<uint8_t>& plaintext) {
    // TLSInnerPlaintext: content, then the real content type, then zero padding.
    while (!plaintext.empty() && plaintext.back() == 0) {
        plaintext.pop_back();
    }
    if (plaintext.empty()) {
        return; // all padding: RFC 8446 makes this an unexpected_message error
    }
    const uint8_t content_type = plaintext.back();
    plaintext.pop_back();
    if (content_type == kHandshake) {
        TrackHandshakeMessages(direction, plaintext);
    }
    Deliver(direction, content_type, plaintext);
    ApplyKeyChange(direction);
}

void TlsDecryptor::TrackHandshakeMessages(Direction direction, std::span<const uint8_t> plaintext) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    while (!plaintext.empty()) {
        if (state.message_remaining > 0) {
            const size_t skip = std::min<size_t>(plaintext.size(), state.message_remaining);
            plaintext = plaintext.subspan(skip);
            state.message_remaining -= static_cast<uint32_t>(skip);
            continue;
        }
        state.message_header[state.message_header_size++] = plaintext.front();
        plaintext = plaintext.subspan(1);
        if (state.message_header_size < kHandshakeHeaderLength) {
            continue;
        }
        state.message_header_size = 0;
        const uint8_t type = state.message_header[0];
        state.message_remaining = static_cast<uint32_t>((state.message_header[1] << 16) |
                                                        (state.message_header[2] << 8) | state.message_header[3]);
        // RFC 8446 section 5.1: a key change always follows the record that carries its message.
        if (type == kFinished && state.phase == KeyPhase::kHandshake) {
            state.finished_seen = true;
        } else if (type == kKeyUpdate && state.phase == KeyPhase::kApplication) {
            state.key_update_seen = true;
        }
    }
}

void TlsDecryptor::ApplyKeyChange(Direction direction) {
    DirectionState& state = *directions_[DirectionIndex(direction)];
    if (!state.finished_seen && !state.key_update_seen) {
        return;
    }
    const bool key_update = state.key_update_seen;
    state.finished_seen = false;
    state.key_update_seen = false;
    state.message_header_size = 0;
    state.message_remaining = 0;
    state.sequence = 0;
    if (!key_update) {
        state.cipher = std::move(state.next_cipher);
        state.phase = state.cipher != nullptr ? KeyPhase::kApplication : KeyPhase::kNoApplicationKey;
        return;
    }
    // RFC 8446 section 7.2: next secret = HKDF-Expand-Label(secret, "traffic upd", "", Hash.length).
    // NOTE: no test feeds a real KeyUpdate, because Python's ssl module cannot send one.
    const TlsCipherSuiteInfo& suite = *session_->suite;
    auto next_secret =
        HkdfExpandLabel(suite.prf_digest, state.application_secret, "traffic upd", "", DigestLength(suite));
    auto keys = next_secret.ok() ? DeriveTls13Keys(suite, *next_secret) : Result<TlsTrafficKeys>(next_secret.status());
    auto cipher = keys.ok() ? TlsRecordCipher::Create(suite, kTls13, false, *keys)
                            : Result<std::unique_ptr<TlsRecordCipher>>(keys.status());
    if (!cipher.ok()) {
        state.cipher.reset();
        state.phase = KeyPhase::kNoApplicationKey;
        return;
    }
    state.application_secret = std::move(next_secret).value();
    state.cipher = std::move(cipher).value();
    ++stats_.directions[DirectionIndex(direction)].key_updates;
}

void TlsDecryptor::Deliver(Direction direction, uint8_t content_type, std::span<const uint8_t> plaintext) {
    stats_.directions[DirectionIndex(direction)].plaintext_bytes += plaintext.size();
    if (sink_) {
        sink_(direction, content_type, plaintext);
    }
}

} // namespace unmask::dissect
