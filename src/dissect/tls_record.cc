#include "dissect/tls_record.h"

#include <algorithm>
#include <cmath>

#include "dissect/tls_hello.h"

namespace unmask::dissect {
namespace {

constexpr uint8_t kChangeCipherSpec = 20;
constexpr uint8_t kAlert = 21;
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;
constexpr uint8_t kHeartbeat = 24;
constexpr size_t kTlsHeaderLength = 5;

bool ValidContentType(uint8_t type) {
    return type >= kChangeCipherSpec && type <= kHeartbeat;
}
bool ValidRecordVersion(uint16_t version) {
    return version >= 0x0300 && version <= 0x0304;
}

} // namespace

bool LooksLikeTlsStart(std::span<const uint8_t> first_bytes) {
    if (first_bytes.size() >= 3 && ValidContentType(first_bytes[0]) &&
        ValidRecordVersion(static_cast<uint16_t>((first_bytes[1] << 8) | first_bytes[2]))) {
        return true;
    }
    // SSLv2-format ClientHello: 2-byte length with the high bit set, message type 1, version,
    // then three 2-byte lengths, so at least 9 bytes of message.
    if (first_bytes.size() < kTlsHeaderLength || (first_bytes[0] & 0x80) == 0 || first_bytes[2] != 1) {
        return false;
    }
    const size_t length = static_cast<size_t>(((first_bytes[0] & 0x7f) << 8) | first_bytes[1]);
    const uint16_t version = static_cast<uint16_t>((first_bytes[3] << 8) | first_bytes[4]);
    return length >= 9 && (version == 0x0002 || ValidRecordVersion(version));
}

TlsDirectionParser::TlsDirectionParser(TlsDissector& owner, Direction direction)
    : owner_(owner), direction_(direction), pending_target_(kTlsHeaderLength) {}

void TlsDirectionParser::Feed(std::span<const uint8_t> bytes) {
    while (!bytes.empty()) {
        switch (mode_) {
        case Mode::kStart:
        case Mode::kRecordHeader:
        case Mode::kSslv2Hello: {
            const size_t take = std::min(bytes.size(), pending_target_ - pending_.size());
            pending_.insert(pending_.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
            bytes = bytes.subspan(take);
            if (pending_.size() < pending_target_) {
                break;
            }
            if (mode_ == Mode::kStart) {
                Decide();
            } else if (mode_ == Mode::kRecordHeader) {
                StartRecord();
            } else {
                FinishSslv2Hello();
            }
            break;
        }
        case Mode::kRecordBody: {
            const size_t take = std::min(bytes.size(), record_remaining_);
            ConsumeRecordBody(bytes.first(take));
            bytes = bytes.subspan(take);
            record_remaining_ -= take;
            if (record_remaining_ == 0 && mode_ == Mode::kRecordBody) {
                mode_ = Mode::kRecordHeader;
                pending_target_ = kTlsHeaderLength;
            }
            break;
        }
        case Mode::kSslv2Records:
            // NOTE: records after SSLv2 hellos are skipped unread; they are neither counted
            // nor parsed.
            return;
        case Mode::kNotTls:
            AddToSample(bytes);
            return;
        case Mode::kStopped:
            return;
        }
    }
}

void TlsDirectionParser::Decide() {
    std::vector<uint8_t> start = std::move(pending_);
    pending_.clear();
    const bool tls_record = start.size() >= 3 && ValidContentType(start[0]) &&
                            ValidRecordVersion(static_cast<uint16_t>((start[1] << 8) | start[2]));
    const bool sslv2_hello = !tls_record && !after_sslv2_hello_ &&
                             (direction_ == Direction::kToServer
                                  ? LooksLikeTlsStart(start)
                                  : start.size() >= kTlsHeaderLength && (start[0] & 0x80) != 0 && start[2] == 4);
    if (!after_sslv2_hello_) {
        owner_.OnFirstBytes(direction_, tls_record || sslv2_hello);
    }
    if (tls_record) {
        mode_ = Mode::kRecordHeader;
        pending_target_ = kTlsHeaderLength;
    } else if (sslv2_hello) {
        mode_ = Mode::kSslv2Hello;
        pending_target_ = 2 + static_cast<size_t>(((start[0] & 0x7f) << 8) | start[1]);
    } else if (after_sslv2_hello_) {
        mode_ = Mode::kSslv2Records;
    } else {
        mode_ = Mode::kNotTls;
    }
    Feed(start);
}

void TlsDirectionParser::StartRecord() {
    content_type_ = pending_[0];
    record_version_ = static_cast<uint16_t>((pending_[1] << 8) | pending_[2]);
    record_remaining_ = static_cast<size_t>((pending_[3] << 8) | pending_[4]);
    pending_.clear();
    if (!ValidContentType(content_type_)) {
        owner_.AddEvidence("invalid_record_content_type");
        mode_ = Mode::kStopped;
        return;
    }
    if (!ValidRecordVersion(record_version_)) {
        owner_.AddEvidence("invalid_record_version");
        mode_ = Mode::kStopped;
        return;
    }
    ++record_count_;
    ++owner_.facts_.records[DirectionIndex(direction_)];
    if (record_remaining_ > kMaxRecordLength) {
        owner_.AddEvidence("record_length_oversized");
    }
    if (content_type_ != kHandshake && !handshake_buffer_.empty()) {
        owner_.AddEvidence("handshake_message_truncated");
        handshake_buffer_.clear();
    }
    if (record_count_ == 1) {
        sample_target_ = std::min(record_remaining_, kPayloadSampleBytes);
        if (content_type_ != kHandshake) {
            first_record_parseable_ = false;
            // A server may answer a ClientHello with an alert alone; that is not evidence.
            if (content_type_ != kAlert) {
                owner_.AddEvidence("no_handshake_after_record_header");
            }
        }
        if (sample_target_ == 0) {
            MeasureSample();
        }
    }
    switch (content_type_) {
    case kChangeCipherSpec:
        owner_.OnChangeCipherSpec(direction_);
        break;
    case kApplicationData:
        owner_.OnApplicationData(direction_);
        break;
    case kHeartbeat:
        owner_.AddHistory(direction_, 'b');
        break;
    default:
        break;
    }
    mode_ = Mode::kRecordBody;
    if (record_remaining_ == 0) {
        mode_ = Mode::kRecordHeader;
        pending_target_ = kTlsHeaderLength;
    }
}

void TlsDirectionParser::ConsumeRecordBody(std::span<const uint8_t> bytes) {
    if (record_count_ == 1) {
        AddToSample(bytes);
    }
    if (content_type_ == kHandshake && !encrypted_ && !handshake_stopped_) {
        AppendHandshake(bytes);
    } else if (content_type_ == kAlert && !encrypted_) {
        for (uint8_t byte : bytes) {
            alert_buffer_.push_back(byte);
            if (alert_buffer_.size() == 2) {
                owner_.OnAlert(direction_, alert_buffer_[0], alert_buffer_[1]);
                alert_buffer_.clear();
            }
        }
    }
}

void TlsDirectionParser::AppendHandshake(std::span<const uint8_t> bytes) {
    const size_t max_buffered = owner_.limits_.max_buffered_bytes;
    if (!first_type_checked_ && !bytes.empty()) {
        first_type_checked_ = true;
        owner_.OnFirstHandshakeType(direction_, bytes[0]);
    }
    while (!bytes.empty() && !handshake_stopped_ && !encrypted_) {
        // ProcessHandshakeMessages leaves at most one incomplete message, no longer than
        // max_buffered, so there is room unless the limit is below a message header.
        const size_t room = max_buffered > handshake_buffer_.size() ? max_buffered - handshake_buffer_.size() : 0;
        if (room == 0) {
            owner_.AddEvidence("handshake_message_oversized");
            handshake_stopped_ = true;
            handshake_buffer_.clear();
            return;
        }
        const size_t take = std::min(room, bytes.size());
        handshake_buffer_.insert(handshake_buffer_.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
        bytes = bytes.subspan(take);
        ProcessHandshakeMessages();
    }
}

void TlsDirectionParser::ProcessHandshakeMessages() {
    const size_t max_buffered = owner_.limits_.max_buffered_bytes;
    size_t offset = 0;
    while (handshake_buffer_.size() - offset >= 4 && !encrypted_) {
        const uint8_t type = handshake_buffer_[offset];
        const size_t length = (static_cast<size_t>(handshake_buffer_[offset + 1]) << 16) |
                              (static_cast<size_t>(handshake_buffer_[offset + 2]) << 8) | handshake_buffer_[offset + 3];
        if (length + 4 > max_buffered) {
            owner_.AddEvidence("handshake_message_oversized");
            if (!first_message_done_) {
                first_message_done_ = true;
                first_record_parseable_ = false;
            }
            handshake_stopped_ = true;
            handshake_buffer_.clear();
            return;
        }
        if (handshake_buffer_.size() - offset < length + 4) {
            break;
        }
        const std::span<const uint8_t> body(handshake_buffer_.data() + offset + 4, length);
        const bool parsed = owner_.OnHandshakeMessage(direction_, type, body, record_version_);
        if (!first_message_done_) {
            first_message_done_ = true;
            if (!first_record_parseable_.has_value()) {
                first_record_parseable_ = parsed;
            }
        }
        offset += length + 4;
    }
    handshake_buffer_.erase(handshake_buffer_.begin(), handshake_buffer_.begin() + static_cast<ptrdiff_t>(offset));
    if (encrypted_) {
        handshake_buffer_.clear();
    }
}

void TlsDirectionParser::FinishSslv2Hello() {
    const std::span<const uint8_t> message = std::span<const uint8_t>(pending_).subspan(2);
    AddToSample(message.first(std::min(message.size(), kPayloadSampleBytes)));
    MeasureSample();
    ++owner_.facts_.records[DirectionIndex(direction_)];
    if (direction_ == Direction::kToServer) {
        TlsClientHello hello;
        first_record_parseable_ = ParseSslv2ClientHello(message, hello);
        if (*first_record_parseable_) {
            owner_.AddHistory(direction_, 'c');
            if (!owner_.facts_.client_hello) {
                owner_.OnClientHello(std::move(hello));
            }
        } else {
            owner_.AddEvidence("malformed_client_hello");
        }
    } else {
        TlsServerHello hello;
        std::string certificate_der;
        first_record_parseable_ = ParseSslv2ServerHello(message, hello, certificate_der);
        if (*first_record_parseable_) {
            owner_.AddHistory(direction_, 's');
            if (!certificate_der.empty()) {
                owner_.facts_.server_certificates_der.push_back(std::move(certificate_der));
            }
            if (!owner_.facts_.server_hello) {
                owner_.OnServerHello(std::move(hello));
            }
        } else {
            owner_.AddEvidence("malformed_server_hello");
        }
    }
    pending_.clear();
    // The hello stands for the first record and first handshake message of this direction.
    record_count_ = 1;
    first_message_done_ = true;
    first_type_checked_ = true;
    after_sslv2_hello_ = true;
    mode_ = Mode::kStart;
    pending_target_ = kTlsHeaderLength;
}

void TlsDirectionParser::AddToSample(std::span<const uint8_t> bytes) {
    if (sample_measured_) {
        return;
    }
    const size_t take = std::min(bytes.size(), sample_target_ - std::min(sample_target_, sample_.size()));
    sample_.insert(sample_.end(), bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(take));
    if (sample_.size() >= sample_target_) {
        MeasureSample();
    }
}

void TlsDirectionParser::MeasureSample() {
    if (sample_measured_) {
        return;
    }
    sample_measured_ = true;
    const int index = DirectionIndex(direction_);
    const double entropy = ShannonEntropy(sample_);
    const double printable = PrintableRatio(sample_);
    owner_.facts_.first_payload_entropy_by_direction[index] = entropy;
    owner_.facts_.first_payload_printable_ratio_by_direction[index] = printable;
    if (direction_ == Direction::kToServer) {
        owner_.facts_.first_payload_entropy = entropy;
        owner_.facts_.first_payload_printable_ratio = printable;
    }
}

void TlsDirectionParser::Stop() {
    mode_ = Mode::kStopped;
    handshake_buffer_.clear();
}

void TlsDirectionParser::Finish() {
    if (mode_ == Mode::kStart && !pending_.empty()) {
        pending_target_ = pending_.size();
        Decide();
    }
    if (!handshake_buffer_.empty() || (mode_ == Mode::kSslv2Hello && !pending_.empty())) {
        owner_.AddEvidence("handshake_message_truncated");
    }
    MeasureSample();
    // A first record that carried no parseable handshake and whose body looks like ciphertext.
    const bool tls_stream = record_count_ > 0;
    if (tls_stream && first_record_parseable_ != true && sample_.size() >= 32) {
        const double max_entropy = std::log2(static_cast<double>(std::min<size_t>(sample_.size(), 256)));
        if (ShannonEntropy(sample_) >= 0.9 * max_entropy) {
            owner_.AddEvidence("random_record_body");
        }
    }
}

} // namespace unmask::dissect
