// Record layer of one direction of a TLS connection: splits the byte stream into records,
// reassembles plaintext handshake messages and hands them to the TlsDissector. Internal to the
// TLS dissector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dissect/tls.h"

namespace unmask::dissect {

/// Largest record length that RFC 5246 allows (2^14 bytes of plaintext plus 2048 of expansion).
inline constexpr size_t kMaxRecordLength = 16384 + 2048;

class TlsDirectionParser {
public:
    TlsDirectionParser(TlsDissector& owner, Direction direction);

    void Feed(std::span<const uint8_t> bytes);
    /// Stops reading this direction after a reassembly gap.
    void Stop();
    /// Ends the stream: decides a start shorter than a record header, reports an incomplete
    /// handshake message and measures the payload sample.
    void Finish();
    /// Marks the direction encrypted: handshake and alert bodies are skipped from now on.
    void SetEncrypted() { encrypted_ = true; }

private:
    enum class Mode {
        kStart, // collecting the first bytes to decide what the stream is
        kRecordHeader,
        kRecordBody,
        kSslv2Hello,   // collecting an SSLv2-format hello message
        kSslv2Records, // counting SSLv2 records after the hellos
        kNotTls,
        kStopped,
    };

    void Decide();
    void StartRecord();
    void ConsumeRecordBody(std::span<const uint8_t> bytes);
    void AppendHandshake(std::span<const uint8_t> bytes);
    void ProcessHandshakeMessages();
    void FinishSslv2Hello();
    void AddToSample(std::span<const uint8_t> bytes);
    void MeasureSample();

    TlsDissector& owner_;
    Direction direction_;
    Mode mode_ = Mode::kStart;
    bool after_sslv2_hello_ = false;
    bool encrypted_ = false;
    bool handshake_stopped_ = false;
    std::vector<uint8_t> pending_; // header bytes, or the SSLv2 hello, while incomplete
    size_t pending_target_;
    uint8_t content_type_ = 0;
    uint16_t record_version_ = 0;
    size_t record_remaining_ = 0;
    uint64_t record_count_ = 0;
    std::vector<uint8_t> handshake_buffer_;
    std::vector<uint8_t> alert_buffer_;
    bool first_message_done_ = false;
    bool first_type_checked_ = false;
    /// Whether the first record carried a parseable handshake message; unset until known.
    std::optional<bool> first_record_parseable_;
    std::vector<uint8_t> sample_;
    size_t sample_target_ = kPayloadSampleBytes;
    bool sample_measured_ = false;
};

} // namespace unmask::dissect
