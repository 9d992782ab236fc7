// DeviceNetworkEvents rows from packet captures: flows through the TLS, HTTP and X.509
// dissectors into one connection row per flow, one SslConnectionInspected row per TLS
// handshake and one HttpConnectionInspected row per HTTP request.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "ingest/pcap/flow_table.h"
#include "ingest/pcap/packet_source.h"
#include "ingest/reader.h"
#include "ingest/sensor/key_log_source.h"
#include "ingest/sensor/sensor_rows.h"

namespace unmask::dissect {
class TrustStore;
}

namespace unmask::ingest {

/// Limits of the packet path.
struct PacketOptions {
    pcap::FlowTableOptions flows;
    /// Verify certificate chains against this store; nullptr skips verification, and rows then
    /// carry no `validation_status`.
    const dissect::TrustStore* trust_store = nullptr;
    /// Decrypt TLS sessions whose secrets this key log holds, and dissect the HTTP inside them;
    /// nullptr reads TLS as it is on the wire.
    TlsSecretsSource* key_log = nullptr;
    /// Fail on the first packet cut inside its headers or malformed, instead of counting it.
    bool strict = false;
};

/// Reads one capture file and adds its rows to `builder`, calling `flush` with each full chunk.
/// A truncated or corrupt capture is processed up to the damage, which is recorded in `stats`
/// as a rejected record naming the file and packet number; in strict mode it is an error.
Status ReadPacketFile(const std::string& path, const PacketOptions& options, SensorRowBuilder& builder,
                      const std::function<Status(Chunk)>& flush, const ReadOptions& read_options, ReadStats& stats,
                      CaptureStats& packet_stats);

/// Reads packets from an open source until it ends or `should_stop` returns true; used for
/// live capture. Flows still open at the end are flushed.
Status ReadPackets(pcap::PacketSource& source, const std::string& source_name, const PacketOptions& options,
                   SensorRowBuilder& builder, const std::function<Status(Chunk)>& flush,
                   const std::function<bool()>& should_stop, ReadStats& stats, CaptureStats& packet_stats);

}  // namespace unmask::ingest
