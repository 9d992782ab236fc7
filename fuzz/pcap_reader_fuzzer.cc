// Feeds the input bytes as a capture file (pcap or pcapng) through the Decryption Secrets Block
// scan, PacketSource, DecodePacket and FlowTable, with small budgets so that reassembly limits
// are reached often.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>

#include <sstream>
#include <string>

#include "ingest/pcap/flow_table.h"
#include "ingest/pcap/packet_source.h"
#include "ingest/pcap/pcapng_secrets.h"

namespace {

using namespace unmask::ingest::pcap;

class ChecksumApplication : public FlowApplication {
public:
    void OnData(Direction, std::span<const uint8_t> bytes, int64_t) override {
        for (const uint8_t byte : bytes) {
            sum += byte;
        }
    }
    void OnGap(Direction, uint64_t missing_bytes) override { sum += missing_bytes; }
    uint64_t sum = 0;
};

class Observer : public FlowObserver {
public:
    std::unique_ptr<FlowApplication> OnFlowStart(const FlowRecord& flow) override {
        // Every other flow without an application, to cover both paths.
        return flow.id % 2 == 0 ? nullptr : std::make_unique<ChecksumApplication>();
    }
    void OnFlowEnd(const FlowRecord& flow, FlowApplication*) override { total += flow.history.size(); }
    uint64_t total = 0;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    std::istringstream blocks(std::string(reinterpret_cast<const char*>(data), size));
    (void)ReadPcapngTlsSecrets(blocks, "fuzz input");
    // fmemopen does not write to the buffer in read mode.
    FILE* stream = fmemopen(const_cast<uint8_t*>(data), size, "rb");
    if (stream == nullptr) {
        return 0;
    }
    auto source = PacketSource::OpenStream(stream, "fuzz input");
    if (!source.ok()) {
        return 0;
    }
    Observer observer;
    FlowTableOptions options;
    options.reassembly_bytes_per_direction = 512;
    options.max_out_of_order_bytes_per_direction = 1024;
    options.max_flows = 16;
    options.tcp_close_linger = 0;
    FlowTable table(options, observer);
    RawPacket packet;
    while (source->Next(packet) == ReadOutcome::kPacket) {
        table.AddRaw(source->link_type(), packet);
    }
    table.FlushAll();
    if (table.flows_in_flight() != 0 || table.stats().flows_started != table.stats().flows_ended) {
        __builtin_trap();
    }
    return 0;
}
