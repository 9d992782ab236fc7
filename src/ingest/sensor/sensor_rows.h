// DeviceNetworkEvents rows derived from network sensors (Zeek logs, packet captures).
//
// A sensor observes both ends of a connection, so each event names the originator and the responder.
// SensorRowBuilder picks the local side the way Defender's device view would: the endpoint
// inside the site's internal networks, else the originator. It fills LocalIPType and
// RemoteIPType from those networks, which Defender itself leaves empty on inspected rows.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ip_network.h"
#include "table/column.h"

namespace unmask::ingest {

/// Builder of the AdditionalFields JSON object text, keys in insertion order. Values that
/// Defender stores as JSON strings ("true", "200") go through AddString, so that rules written
/// for Defender compare them the same way. unmask's own keys may use numbers, bools and arrays.
class JsonObjectBuilder {
public:
    void AddString(std::string_view key, std::string_view value);
    void AddNumber(std::string_view key, int64_t value);
    void AddReal(std::string_view key, double value);
    void AddBool(std::string_view key, bool value);
    void AddStringArray(std::string_view key, const std::vector<std::string>& values);
    void AddNumberArray(std::string_view key, const std::vector<int64_t>& values);
    bool empty() const { return text_.empty(); }
    /// Returns the object text, "{}" when no key was added.
    std::string Finish() const;

private:
    void AddKey(std::string_view key);
    std::string text_;
};

/// Appends `value` as a JSON string literal (quoted, escaped, invalid UTF-8 replaced by U+FFFD).
void AppendJsonString(std::string& out, std::string_view value);

/// The TLS session that carried an HTTP request, for requests read from decrypted TLS (a capture
/// with its key log, or Zeek's http.log next to the ssl.log of the same uid). Its facts go on the
/// request's row under `tls_` keys, so that rules can compare the Host with the SNI (domain
/// fronting) and the user agent with the TLS stack that sent it.
struct HttpTlsContext {
    std::string server_name;           ///< SNI of the ClientHello, "" when absent
    std::string version;               ///< "TLSv13", ...
    std::string ja3;
    std::string ja4;
    std::optional<bool> client_grease; ///< the ClientHello carried GREASE values (RFC 8701)
    std::vector<std::string> certificate_names; ///< leaf subject CN and DNS SANs, when known
};

/// Appends a leaf certificate's subject CN and DNS SANs to `context.certificate_names`, each once.
void AddCertificateNames(HttpTlsContext& context, std::string_view common_name, const std::vector<std::string>& san_dns);

/// Adds the `tls_*` keys of `context` to the fields of an HttpConnectionInspected row for `host`.
/// `tls_cert_covers_host` tells whether a certificate name matches the Host, when names are known.
void AddHttpTlsContext(JsonObjectBuilder& fields, const HttpTlsContext& context, std::string_view host);

/// One event seen by a sensor, before the local side is chosen.
struct SensorEvent {
    int64_t timestamp = 0;  ///< 100 ns ticks since the Unix epoch
    std::string action_type;  ///< ConnectionSuccess, HttpConnectionInspected, ...
    std::string originator_ip;
    int64_t originator_port = 0;
    std::string responder_ip;
    int64_t responder_port = 0;
    std::string transport;  ///< "tcp", "udp" or "icmp", as Zeek's conn.log `proto`
    /// RemoteUrl: the TLS server name, the HTTP Host or the DNS query. Empty when unknown.
    std::string remote_url;
    /// Payload bytes sent by each side; nullopt when the sensor did not count them.
    std::optional<int64_t> originator_bytes;
    std::optional<int64_t> responder_bytes;
    /// AdditionalFields JSON object text, "{}" when empty. The builder adds `direction`.
    std::string additional_fields = "{}";
};

/// Site knowledge used to orient sensor events.
struct SensorSite {
    /// Internal networks; empty means the default special-purpose ranges (see DefaultInternalNetworks).
    std::vector<IpNetwork> internal_networks;
};

/// RFC 1918, loopback, link-local, shared address space, multicast and their IPv6 counterparts:
/// the ranges treated as internal when the site configuration names none.
const std::vector<IpNetwork>& DefaultInternalNetworks();

/// Defender's IP type of an address: Loopback, Private (inside the internal networks),
/// FourToSixMapping, Teredo, Multicast, Broadcast, LinkLocal, Reserved or Public. Returns ""
/// for text that is not an address.
std::string_view ClassifyIpType(std::string_view address, const std::vector<IpNetwork>& internal_networks);

/// The subset of DeviceNetworkEvents columns that sensor rows fill: the probe schema of a
/// capture or a Zeek log. Process columns are absent, so rules that need a process are reported
/// as not applicable to sensor-only input.
const Schema& SensorSchema();

/// True when `address` is inside `internal_networks`, or inside DefaultInternalNetworks() when
/// that list is empty.
bool IsInternalAddress(const IpAddress& address, const std::vector<IpNetwork>& internal_networks);

/// True when Zeek's conn_state shows an established TCP connection: S1, SF, S2, S3, RSTO, RSTR,
/// or OTH (picked up mid-stream) when payload moved.
bool IsEstablishedConnState(std::string_view conn_state, bool moved_data);

/// Defender's ActionType of a connection row: IcmpConnectionInspected for ICMP, ConnectionFailed
/// when the connection was not established, InboundConnectionAccepted when an external
/// originator reached an internal responder, else ConnectionSuccess. An empty `internal_networks`
/// means DefaultInternalNetworks().
std::string_view ConnectionActionType(const SensorEvent& event, bool established,
                                      const std::vector<IpNetwork>& internal_networks);

/// Turns sensor events into chunks with the columns of `output` (any subset of the
/// DeviceNetworkEvents schema). Columns a sensor cannot fill (processes, account) are null, or
/// empty for strings, as on Defender's own inspected rows.
class SensorRowBuilder {
public:
    SensorRowBuilder(const Schema& output, const SensorSite& site);

    /// Names the host at `ip`, for DeviceName; learned from DHCP or DNS logs. Without a name the
    /// address itself is the DeviceName.
    void SetHostName(const std::string& ip, const std::string& name);

    void Add(const SensorEvent& event);

    size_t rows() const { return chunk_.rows; }

    /// Smallest and largest Timestamp of the rows added so far, also when the output has no
    /// Timestamp column (for `--now latest`).
    std::optional<int64_t> min_timestamp() const { return min_timestamp_; }
    std::optional<int64_t> max_timestamp() const { return max_timestamp_; }
    const SensorSite& site() const { return site_; }

    /// Returns the rows added since the last call and starts a new chunk.
    Chunk TakeChunk();

private:
    /// What the builder writes into an output column.
    enum class ColumnRole : uint8_t {
        kNull, kTimestamp, kDeviceId, kDeviceName, kActionType, kRemoteIp, kRemotePort, kRemoteUrl, kLocalIp,
        kLocalPort, kProtocol, kLocalIpType, kRemoteIpType, kReportId, kAdditionalFields, kSentBytes,
        kReceivedBytes, kType,
    };

    void StartChunk();
    void AppendText(Column& column, std::string_view text);

    Schema output_;
    std::vector<ColumnRole> roles_;  ///< one per column of output_
    SensorSite site_;
    std::shared_ptr<StringArena> arena_;  ///< string bytes of the current chunk
    std::unordered_map<std::string, std::string> host_names_;
    Chunk chunk_;
    int64_t next_report_id_ = 1;
    std::optional<int64_t> min_timestamp_;
    std::optional<int64_t> max_timestamp_;
};

}  // namespace unmask::ingest
