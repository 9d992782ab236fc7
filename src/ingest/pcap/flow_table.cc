#include "ingest/pcap/flow_table.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "ingest/pcap/conn_state.h"
#include "ingest/pcap/flow_key.h"
#include "ingest/pcap/tcp_reassembly.h"

namespace unmask::ingest::pcap {
namespace {

constexpr int kClient = static_cast<int>(Direction::kToServer);
constexpr int kServer = static_cast<int>(Direction::kToClient);

// Expiry lists: flows in each list share one timeout, so the least recently active is at the head.
enum ListKind : uint8_t { kTcpList, kOtherList, kClosingList, kListCount };

struct Flow {
    FlowKey key;
    FlowRecord record;
    std::unique_ptr<FlowApplication> application;
    TcpEndpointState states[2] = {TcpEndpointState::kInactive, TcpEndpointState::kInactive};
    TcpStreamReassembler streams[2];
    HistoryRecorder history;
    uint64_t datagram_bytes_delivered[2] = {0, 0};
    uint32_t client_isn = 0;
    bool client_syn_seen = false;
    bool out_of_order_overflowed[2] = {false, false};
    bool closing = false;
    ListKind list = kListCount;
    Flow* previous = nullptr;
    Flow* next = nullptr;
};

struct FlowList {
    Flow* head = nullptr;
    Flow* tail = nullptr;
};

bool SameAddress(const IpAddress& a, const IpAddress& b) {
    return a.is_v4 == b.is_v4 && a.bytes == b.bytes;
}

// Port classes for orienting a flow without a SYN: well-known, registered, then ephemeral (the
// dynamic range starts at 32768 on Linux and at 49152 per IANA and on Windows).
int PortClass(uint16_t port) {
    if (port < 1024) {
        return 0;
    }
    return port < 32768 ? 1 : 2;
}

} // namespace

const char* DirectionBasisName(DirectionBasis basis) {
    switch (basis) {
    case DirectionBasis::kSyn:
        return "syn";
    case DirectionBasis::kSynAck:
        return "syn-ack";
    case DirectionBasis::kPort:
        return "port";
    case DirectionBasis::kInternal:
        return "internal";
    case DirectionBasis::kFirstSender:
        return "first-sender";
    }
    return "unknown";
}

const char* FlowEndReasonName(FlowEndReason reason) {
    switch (reason) {
    case FlowEndReason::kClosed:
        return "closed";
    case FlowEndReason::kIdle:
        return "idle";
    case FlowEndReason::kPortReuse:
        return "port-reuse";
    case FlowEndReason::kEvicted:
        return "evicted";
    case FlowEndReason::kFlush:
        return "flush";
    }
    return "unknown";
}

class FlowTable::Impl {
public:
    Impl(FlowTableOptions options, FlowObserver& observer) : options_(std::move(options)), observer_(observer) {
        limits_.deliver_bytes = options_.reassembly_bytes_per_direction;
        limits_.max_out_of_order_bytes = options_.max_out_of_order_bytes_per_direction;
        timeouts_[kTcpList] = options_.tcp_idle_timeout;
        timeouts_[kOtherList] = options_.udp_idle_timeout;
        timeouts_[kClosingList] = options_.tcp_close_linger;
        flows_.reserve(std::min<size_t>(options_.max_flows, 1 << 16));
    }

    void Add(const DecodedPacket& packet);
    void FlushAll();
    void CountUndecoded(DecodeResult result, uint32_t frame_bytes);

    FlowTableStats stats;
    DecodedPacket scratch;
    size_t size() const { return flows_.size(); }

private:
    Flow* CreateFlow(const FlowKey& key, const DecodedPacket& packet);
    void Orient(Flow& flow, const DecodedPacket& packet);
    bool IsFromClient(const Flow& flow, const DecodedPacket& packet) const;
    void AddTcp(Flow& flow, const DecodedPacket& packet, bool from_client);
    void AddDatagram(Flow& flow, const DecodedPacket& packet, bool from_client);
    ReassemblyOutput OutputOf(Flow& flow, int index);
    /// The table's limits, without a delivery budget for an application that parses whole streams.
    ReassemblyLimits LimitsOf(const Flow& flow) const {
        ReassemblyLimits limits = limits_;
        if (flow.application != nullptr && flow.application->WantsWholeStream()) {
            limits.deliver_bytes = UINT64_MAX;
        }
        return limits;
    }
    void NoteStreamEvents(Flow& flow, int index, uint64_t gaps_before);
    void EndFlow(Flow* flow, FlowEndReason reason);
    void ExpireIdle(int64_t now);
    void EvictOldest();
    void Unlink(Flow* flow);
    void Append(Flow* flow, ListKind list);

    FlowTableOptions options_;
    FlowObserver& observer_;
    ReassemblyLimits limits_;
    int64_t timeouts_[kListCount] = {0, 0, 0};
    FlowList lists_[kListCount];
    std::unordered_map<FlowKey, Flow, FlowKeyHash> flows_;
    uint64_t next_id_ = 1;
};

void FlowTable::Impl::CountUndecoded(DecodeResult result, uint32_t frame_bytes) {
    ++stats.packets;
    stats.frame_bytes += frame_bytes;
    switch (result) {
    case DecodeResult::kOk:
        break;
    case DecodeResult::kNotIp:
        ++stats.non_ip;
        break;
    case DecodeResult::kTruncated:
        ++stats.truncated;
        break;
    case DecodeResult::kUnsupportedLinkType:
        ++stats.unsupported_link_type;
        break;
    case DecodeResult::kMalformed:
        ++stats.malformed;
        break;
    }
}

void FlowTable::Impl::Add(const DecodedPacket& packet) {
    ++stats.packets;
    stats.frame_bytes += packet.frame_bytes;
    ExpireIdle(packet.timestamp);
    if (packet.ip_fragment) {
        ++stats.fragments;
        if (!packet.first_fragment) {
            // NOTE: fragments are not reassembled; a fragment after the first has no ports, so it
            // is counted here but in no flow.
            return;
        }
    }
    const FlowKey key = FlowKey::FromPacket(packet);
    auto found = flows_.find(key);
    Flow* flow = found == flows_.end() ? nullptr : &found->second;
    const bool pure_syn = packet.ip_protocol == kProtocolTcp && (packet.tcp_flags & (kTcpSyn | kTcpAck)) == kTcpSyn;
    if (flow != nullptr && pure_syn && flow->closing &&
        (!flow->client_syn_seen || flow->client_isn != packet.tcp_seq)) {
        // A new connection on a 5-tuple whose previous connection closed (port reuse).
        ++stats.port_reuses;
        EndFlow(flow, FlowEndReason::kPortReuse);
        flow = nullptr;
    }
    if (flow == nullptr) {
        flow = CreateFlow(key, packet);
    }

    const bool from_client = IsFromClient(*flow, packet);
    const int index = from_client ? kClient : kServer;
    FlowRecord& record = flow->record;
    record.last_timestamp = std::max(record.last_timestamp, packet.timestamp);
    ++record.packets[index];
    record.ip_bytes[index] += packet.ip_bytes;
    record.frame_bytes[index] += packet.frame_bytes;
    record.payload_bytes[index] += packet.payload_length;

    if (packet.ip_protocol == kProtocolTcp && packet.has_transport) {
        AddTcp(*flow, packet, from_client);
    } else {
        AddDatagram(*flow, packet, from_client);
    }
    ListKind list = kOtherList;
    if (flow->closing) {
        list = kClosingList;
    } else if (packet.ip_protocol == kProtocolTcp) {
        list = kTcpList;
    }
    Unlink(flow);
    Append(flow, list);
}

Flow* FlowTable::Impl::CreateFlow(const FlowKey& key, const DecodedPacket& packet) {
    if (flows_.size() >= options_.max_flows && flows_.size() > 0) {
        EvictOldest();
    }
    Flow& flow = flows_.try_emplace(key).first->second;
    flow.key = key;
    flow.record.id = next_id_++;
    flow.record.ip_protocol = packet.ip_protocol;
    flow.record.first_timestamp = packet.timestamp;
    flow.record.last_timestamp = packet.timestamp;
    Orient(flow, packet);
    ++stats.flows_started;
    stats.peak_flows_in_flight = std::max<uint64_t>(stats.peak_flows_in_flight, flows_.size());
    flow.application = observer_.OnFlowStart(flow.record);
    return &flow;
}

void FlowTable::Impl::Orient(Flow& flow, const DecodedPacket& packet) {
    bool source_is_client = true;
    DirectionBasis basis = DirectionBasis::kFirstSender;
    const bool tcp = packet.ip_protocol == kProtocolTcp;
    const bool has_ports = packet.has_transport && (tcp || packet.ip_protocol == kProtocolUdp);
    const uint8_t syn_ack = packet.tcp_flags & (kTcpSyn | kTcpAck);
    if (tcp && syn_ack == kTcpSyn) {
        basis = DirectionBasis::kSyn;
    } else if (tcp && syn_ack == (kTcpSyn | kTcpAck)) {
        source_is_client = false;
        basis = DirectionBasis::kSynAck;
    } else if (has_ports && PortClass(packet.source_port) != PortClass(packet.destination_port)) {
        source_is_client = PortClass(packet.source_port) > PortClass(packet.destination_port);
        basis = DirectionBasis::kPort;
    } else if (tcp && options_.is_internal) {
        const bool source_internal = options_.is_internal(packet.source);
        if (source_internal != options_.is_internal(packet.destination)) {
            source_is_client = source_internal;
            basis = DirectionBasis::kInternal;
        }
    }

    FlowRecord& record = flow.record;
    record.client = source_is_client ? packet.source : packet.destination;
    record.server = source_is_client ? packet.destination : packet.source;
    record.client_port = source_is_client ? packet.source_port : packet.destination_port;
    record.server_port = source_is_client ? packet.destination_port : packet.source_port;
    record.direction_basis = basis;
    record.direction_from_syn = basis == DirectionBasis::kSyn || basis == DirectionBasis::kSynAck;
    if (!source_is_client) {
        flow.history.Record('^', false, record.history);
    }
}

bool FlowTable::Impl::IsFromClient(const Flow& flow, const DecodedPacket& packet) const {
    const FlowRecord& record = flow.record;
    if (!SameAddress(packet.source, record.client)) {
        return false;
    }
    if (packet.ip_protocol != kProtocolTcp && packet.ip_protocol != kProtocolUdp) {
        // Ports are not part of the key, so a host talking to itself counts as the client.
        return true;
    }
    // The same address on both sides (a host talking to itself) differs by port.
    return packet.source_port == record.client_port;
}

ReassemblyOutput FlowTable::Impl::OutputOf(Flow& flow, int index) {
    ReassemblyOutput output;
    output.application = flow.application.get();
    output.direction = index == kClient ? Direction::kToServer : Direction::kToClient;
    output.missed_bytes = &flow.record.missed_bytes;
    output.gaps = &flow.record.gaps[index];
    return output;
}

void FlowTable::Impl::NoteStreamEvents(Flow& flow, int index, uint64_t gaps_before) {
    FlowRecord& record = flow.record;
    const bool from_client = index == kClient;
    for (uint64_t gap = gaps_before; gap < record.gaps[index]; ++gap) {
        ++stats.gaps;
        flow.history.RecordCounted('g', from_client, record.history);
    }
    const TcpStreamReassembler& stream = flow.streams[index];
    if (stream.budget_exceeded() && !record.reassembly_budget_exceeded[index]) {
        record.reassembly_budget_exceeded[index] = true;
        ++stats.reassembly_budget_exceeded;
    }
    if (stream.out_of_order_overflowed() && !flow.out_of_order_overflowed[index]) {
        flow.out_of_order_overflowed[index] = true;
        ++stats.out_of_order_limit_exceeded;
    }
}

void FlowTable::Impl::AddTcp(Flow& flow, const DecodedPacket& packet, bool from_client) {
    FlowRecord& record = flow.record;
    const int index = from_client ? kClient : kServer;
    const uint8_t flags = packet.tcp_flags;
    const bool syn = (flags & kTcpSyn) != 0;
    const bool fin = (flags & kTcpFin) != 0;
    const bool rst = (flags & kTcpRst) != 0;
    const bool ack = (flags & kTcpAck) != 0;
    std::string& history = record.history;

    if (syn) {
        flow.history.Record(ack ? 'h' : 's', from_client, history);
        if (fin || rst) {
            flow.history.Record('q', from_client, history);
        }
    }
    if (fin && rst) {
        flow.history.Record('i', from_client, history);
    }
    if (packet.payload_length > 0 && !rst) {
        flow.history.Record('d', from_client, history);
    }
    if (fin) {
        flow.history.Record('f', from_client, history);
    }
    if (rst) {
        flow.history.Record('r', from_client, history);
    }
    if (ack && !syn && !fin && !rst && packet.payload_length == 0) {
        flow.history.Record('a', from_client, history);
    }
    if (packet.tcp_window == 0 && !syn && !rst) {
        flow.history.RecordCounted('w', from_client, history);
    }
    UpdateTcpStates(flags, flow.states[index], flow.states[1 - index]);

    TcpStreamReassembler& stream = flow.streams[index];
    uint32_t data_seq = packet.tcp_seq;
    if (syn) {
        data_seq = packet.tcp_seq + 1; // the SYN occupies one sequence number
        if (!stream.started()) {
            stream.Start(data_seq);
        }
        if (from_client && !ack && !flow.client_syn_seen) {
            flow.client_syn_seen = true;
            flow.client_isn = packet.tcp_seq;
        }
    } else if (!stream.started()) {
        stream.Start(data_seq);
    }
    const uint64_t gaps_before = record.gaps[index];
    if (!rst && packet.payload_length > 0) {
        const SegmentOutcome outcome = stream.AddSegment(data_seq, packet.payload, packet.payload_length,
                                                         packet.timestamp, LimitsOf(flow), OutputOf(flow, index));
        if (outcome == SegmentOutcome::kRetransmitted) {
            flow.history.RecordCounted('t', from_client, history);
        }
    }
    if (fin && !rst) {
        stream.AddFin(data_seq + packet.payload_length);
    }
    if (ack && !rst) {
        flow.streams[1 - index].AddAck(packet.tcp_ack);
    }
    NoteStreamEvents(flow, index, gaps_before);

    const TcpEndpointState client_state = flow.states[kClient];
    const TcpEndpointState server_state = flow.states[kServer];
    flow.closing = client_state == TcpEndpointState::kReset || server_state == TcpEndpointState::kReset ||
                   (client_state == TcpEndpointState::kClosed && server_state == TcpEndpointState::kClosed);
}

void FlowTable::Impl::AddDatagram(Flow& flow, const DecodedPacket& packet, bool from_client) {
    FlowRecord& record = flow.record;
    const int index = from_client ? kClient : kServer;
    record.stream_bytes[index] += packet.payload_length;
    if (packet.ip_protocol != kProtocolUdp) {
        return;
    }
    if (packet.payload_length > 0) {
        flow.history.Record('d', from_client, record.history);
    }
    if (packet.payload.empty()) {
        return;
    }
    uint64_t& delivered = flow.datagram_bytes_delivered[index];
    if (delivered >= limits_.deliver_bytes) {
        if (!record.reassembly_budget_exceeded[index]) {
            record.reassembly_budget_exceeded[index] = true;
            ++stats.reassembly_budget_exceeded;
        }
        return;
    }
    delivered += packet.payload.size();
    if (flow.application != nullptr) {
        const Direction direction = from_client ? Direction::kToServer : Direction::kToClient;
        flow.application->OnData(direction, packet.payload, packet.timestamp);
    }
}

void FlowTable::Impl::EndFlow(Flow* flow, FlowEndReason reason) {
    FlowRecord& record = flow->record;
    if (record.ip_protocol == kProtocolTcp) {
        for (int index : {kClient, kServer}) {
            const uint64_t gaps_before = record.gaps[index];
            flow->streams[index].Finish(record.last_timestamp, LimitsOf(*flow), OutputOf(*flow, index));
            NoteStreamEvents(*flow, index, gaps_before);
            record.stream_bytes[index] = flow->streams[index].highest_position();
        }
    }
    ConnStateInputs inputs;
    inputs.ip_protocol = record.ip_protocol;
    inputs.client_state = flow->states[kClient];
    inputs.server_state = flow->states[kServer];
    inputs.client_stream_bytes = record.stream_bytes[kClient];
    inputs.server_stream_bytes = record.stream_bytes[kServer];
    inputs.client_packets = record.packets[kClient];
    inputs.server_packets = record.packets[kServer];
    inputs.history = record.history;
    record.conn_state = ComputeConnState(inputs);
    record.end_reason = reason;
    observer_.OnFlowEnd(record, flow->application.get());
    ++stats.flows_ended;
    Unlink(flow);
    const FlowKey key = flow->key; // erase must not read the key of the node it destroys
    flows_.erase(key);
}

void FlowTable::Impl::ExpireIdle(int64_t now) {
    for (int list = 0; list < kListCount; ++list) {
        const FlowEndReason reason = list == kClosingList ? FlowEndReason::kClosed : FlowEndReason::kIdle;
        while (lists_[list].head != nullptr && now - lists_[list].head->record.last_timestamp > timeouts_[list]) {
            EndFlow(lists_[list].head, reason);
        }
    }
}

void FlowTable::Impl::EvictOldest() {
    Flow* oldest = nullptr;
    for (const FlowList& list : lists_) {
        if (list.head != nullptr &&
            (oldest == nullptr || list.head->record.last_timestamp < oldest->record.last_timestamp)) {
            oldest = list.head;
        }
    }
    if (oldest != nullptr) {
        ++stats.flows_evicted_at_max_flows;
        EndFlow(oldest, FlowEndReason::kEvicted);
    }
}

void FlowTable::Impl::FlushAll() {
    std::vector<Flow*> flows;
    flows.reserve(flows_.size());
    for (auto& [key, flow] : flows_) {
        flows.push_back(&flow);
    }
    std::sort(flows.begin(), flows.end(), [](const Flow* a, const Flow* b) { return a->record.id < b->record.id; });
    for (Flow* flow : flows) {
        EndFlow(flow, flow->closing ? FlowEndReason::kClosed : FlowEndReason::kFlush);
    }
}

void FlowTable::Impl::Unlink(Flow* flow) {
    if (flow->list == kListCount) {
        return;
    }
    FlowList& list = lists_[flow->list];
    (flow->previous != nullptr ? flow->previous->next : list.head) = flow->next;
    (flow->next != nullptr ? flow->next->previous : list.tail) = flow->previous;
    flow->previous = nullptr;
    flow->next = nullptr;
    flow->list = kListCount;
}

void FlowTable::Impl::Append(Flow* flow, ListKind kind) {
    FlowList& list = lists_[kind];
    flow->list = kind;
    flow->previous = list.tail;
    flow->next = nullptr;
    (list.tail != nullptr ? list.tail->next : list.head) = flow;
    list.tail = flow;
}

FlowTable::FlowTable(FlowTableOptions options, FlowObserver& observer)
    : impl_(std::make_unique<Impl>(std::move(options), observer)) {}

FlowTable::~FlowTable() = default;

void FlowTable::Add(const DecodedPacket& packet) {
    impl_->Add(packet);
}

DecodeResult FlowTable::AddRaw(int link_type, const RawPacket& packet) {
    const DecodeResult result = DecodePacket(link_type, packet, impl_->scratch);
    if (result == DecodeResult::kOk) {
        impl_->Add(impl_->scratch);
    } else {
        impl_->CountUndecoded(result, packet.original_length);
    }
    return result;
}

void FlowTable::CountUndecoded(DecodeResult result, uint32_t frame_bytes) {
    impl_->CountUndecoded(result, frame_bytes);
}

void FlowTable::FlushAll() {
    impl_->FlushAll();
}

const FlowTableStats& FlowTable::stats() const {
    return impl_->stats;
}

size_t FlowTable::flows_in_flight() const {
    return impl_->size();
}

} // namespace unmask::ingest::pcap
