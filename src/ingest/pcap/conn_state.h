// Zeek's connection summary: the TCP endpoint state machine, the conn_state codes and the history
// letters, as the documentation of Zeek's conn.log defines them (docs.zeek.org, base/protocols/conn/main.zeek).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace unmask::ingest::pcap {

/// State of one TCP endpoint, Zeek's TCP_INACTIVE ... TCP_RESET.
enum class TcpEndpointState : uint8_t {
    kInactive,    ///< sent nothing yet
    kSynSent,     ///< sent a SYN without ACK
    kSynAckSent,  ///< sent a SYN-ACK
    kPartial,     ///< sent packets without a SYN: the connection was picked up mid-stream
    kEstablished, ///< completed a handshake
    kClosed,      ///< sent a FIN
    kReset,       ///< sent a RST
};

/// Advances the state of `sender` for one TCP packet with `flags`. The handshake's final ACK also
/// moves `peer` from kSynAckSent to kEstablished.
void UpdateTcpStates(uint8_t flags, TcpEndpointState& sender, TcpEndpointState& peer);

/// Inputs of the conn_state code of one flow.
struct ConnStateInputs {
    uint8_t ip_protocol = 0;
    TcpEndpointState client_state = TcpEndpointState::kInactive;
    TcpEndpointState server_state = TcpEndpointState::kInactive;
    uint64_t client_stream_bytes = 0;
    uint64_t server_stream_bytes = 0;
    uint64_t client_packets = 0;
    uint64_t server_packets = 0;
    std::string_view history;
};

/// Returns Zeek's conn_state code: S0 S1 SF REJ S2 S3 RSTO RSTR RSTOS0 RSTRH SH SHR OTH.
const char* ComputeConnState(const ConnStateInputs& inputs);

/// Builds Zeek's history string: one letter per kind of event and direction, upper case for the
/// client. Retransmissions ('t'), zero windows ('w') and gaps ('g') repeat their letter when their
/// count reaches 10, 100, 1000, ... as in Zeek.
class HistoryRecorder {
public:
    /// Appends `letter` (lower case) for the client or the server the first time it happens.
    void Record(char letter, bool from_client, std::string& history);
    /// Counts an event of a repeating kind and appends its letter at counts 1, 10, 100, ...
    void RecordCounted(char letter, bool from_client, std::string& history);

private:
    uint64_t seen_ = 0; ///< bit (letter - 'a') + 32 * from_client
    uint32_t counts_[2][3] = {{0, 0, 0}, {0, 0, 0}};
};

} // namespace unmask::ingest::pcap
