#include "ingest/pcap/conn_state.h"

#include "ingest/pcap/packet_decode.h"

namespace unmask::ingest::pcap {
namespace {

bool IsInactive(TcpEndpointState state) {
    return state == TcpEndpointState::kInactive || state == TcpEndpointState::kPartial;
}

bool IsHandshaking(TcpEndpointState state) {
    return state == TcpEndpointState::kSynSent || state == TcpEndpointState::kSynAckSent;
}

// True for histories that match Zeek's /^\^?S[^HAFGIQ]*R/: the client's SYN, then its RST with no
// handshake, data or close in between.
bool SynThenReset(std::string_view history) {
    size_t index = 0;
    if (index < history.size() && history[index] == '^') {
        ++index;
    }
    if (index >= history.size() || history[index] != 'S') {
        return false;
    }
    for (++index; index < history.size(); ++index) {
        const char letter = history[index];
        if (letter == 'R') {
            return true;
        }
        if (std::string_view("HAFGIQ").find(letter) != std::string_view::npos) {
            return false;
        }
    }
    return false;
}

const char* TcpConnState(const ConnStateInputs& in) {
    using State = TcpEndpointState;
    const State client = in.client_state;
    const State server = in.server_state;
    if (server == State::kReset) {
        if (IsHandshaking(client) ||
            (client == State::kReset && in.client_stream_bytes == 0 && in.server_stream_bytes == 0)) {
            return "REJ";
        }
        return IsInactive(client) ? "RSTRH" : "RSTR";
    }
    if (client == State::kReset) {
        if (IsInactive(server)) {
            return SynThenReset(in.history) ? "RSTOS0" : "OTH";
        }
        return "RSTO";
    }
    if (client == State::kClosed && server == State::kClosed) {
        return "SF";
    }
    if (client == State::kClosed) {
        return IsInactive(server) ? "SH" : "S2";
    }
    if (server == State::kClosed) {
        return IsInactive(client) ? "SHR" : "S3";
    }
    if (client == State::kSynSent && server == State::kInactive) {
        return "S0";
    }
    if (client == State::kEstablished && server == State::kEstablished) {
        return "S1";
    }
    return "OTH";
}

} // namespace

void UpdateTcpStates(uint8_t flags, TcpEndpointState& sender, TcpEndpointState& peer) {
    using State = TcpEndpointState;
    if (sender == State::kReset) {
        return;
    }
    if ((flags & kTcpRst) != 0) {
        sender = State::kReset;
        return;
    }
    const bool syn = (flags & kTcpSyn) != 0;
    const bool ack = (flags & kTcpAck) != 0;
    if (syn) {
        if (sender == State::kInactive) {
            sender = ack ? State::kSynAckSent : State::kSynSent;
        }
    } else if (sender == State::kInactive) {
        sender = State::kPartial;
    } else if (ack && IsHandshaking(sender) &&
               (IsHandshaking(peer) || peer == State::kEstablished || peer == State::kClosed)) {
        // The ACK that completes the handshake; a SYN-ACK sender waiting for it is established too.
        sender = State::kEstablished;
        if (peer == State::kSynAckSent || peer == State::kSynSent) {
            peer = State::kEstablished;
        }
    }
    if ((flags & kTcpFin) != 0) {
        sender = State::kClosed;
    }
}

const char* ComputeConnState(const ConnStateInputs& inputs) {
    if (inputs.ip_protocol == kProtocolTcp) {
        return TcpConnState(inputs);
    }
    if (inputs.ip_protocol == kProtocolUdp) {
        const bool client_active = inputs.client_packets > 0;
        const bool server_active = inputs.server_packets > 0;
        if (client_active) {
            return server_active ? "SF" : "S0";
        }
        return server_active ? "SHR" : "OTH";
    }
    return "OTH";
}

void HistoryRecorder::Record(char letter, bool from_client, std::string& history) {
    const uint64_t bit = uint64_t{1} << ((letter == '^' ? 26 : letter - 'a') + (from_client ? 32 : 0));
    if ((seen_ & bit) != 0) {
        return;
    }
    seen_ |= bit;
    history.push_back(from_client && letter != '^' ? static_cast<char>(letter - 'a' + 'A') : letter);
}

void HistoryRecorder::RecordCounted(char letter, bool from_client, std::string& history) {
    int kind = 0;
    switch (letter) {
    case 't':
        kind = 0;
        break;
    case 'w':
        kind = 1;
        break;
    default:
        kind = 2; // 'g'
        break;
    }
    uint32_t& count = counts_[from_client ? 1 : 0][kind];
    ++count;
    uint32_t threshold = 1;
    while (threshold < count && threshold <= 100'000'000) {
        threshold *= 10;
    }
    if (threshold == count) {
        history.push_back(from_client ? static_cast<char>(letter - 'a' + 'A') : letter);
    }
}

} // namespace unmask::ingest::pcap
