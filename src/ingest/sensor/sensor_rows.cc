#include "ingest/sensor/sensor_rows.h"

#include <algorithm>
#include <initializer_list>

#include "table/datetime.h"

namespace unmask::ingest {
namespace {

bool InsideAny(const std::vector<IpNetwork>& networks, const IpAddress& address) {
    return std::any_of(networks.begin(), networks.end(),
                       [&](const IpNetwork& network) { return NetworkContains(network, address); });
}

/// Parses constant network texts once; they always parse.
std::vector<IpNetwork> ParseNetworks(std::initializer_list<std::string_view> texts) {
    std::vector<IpNetwork> networks;
    for (std::string_view text : texts) {
        networks.push_back(*ParseIpNetwork(text));
    }
    return networks;
}

/// Special-purpose ranges behind Defender's IP types other than Private and Public.
struct SpecialRanges {
    std::vector<IpNetwork> loopback = ParseNetworks({"127.0.0.0/8", "::1/128"});
    std::vector<IpNetwork> broadcast = ParseNetworks({"255.255.255.255/32"});
    std::vector<IpNetwork> multicast = ParseNetworks({"224.0.0.0/4", "ff00::/8"});
    std::vector<IpNetwork> teredo = ParseNetworks({"2001::/32"});
    std::vector<IpNetwork> link_local = ParseNetworks({"169.254.0.0/16", "fe80::/10"});
    /// "This network", the class E block, the unspecified address and the documentation ranges.
    std::vector<IpNetwork> reserved = ParseNetworks({"0.0.0.0/8", "240.0.0.0/4", "::/128", "192.0.2.0/24",
                                                     "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"});
};

const SpecialRanges& Special() {
    static const SpecialRanges ranges;
    return ranges;
}

std::string_view ProtocolName(std::string_view transport) {
    if (transport == "tcp") {
        return "Tcp";
    }
    if (transport == "udp") {
        return "Udp";
    }
    if (transport == "icmp" || transport == "icmpv6") {
        return "Icmp";
    }
    return transport;
}

}  // namespace

const std::vector<IpNetwork>& DefaultInternalNetworks() {
    static const std::vector<IpNetwork> networks = [] {
        std::vector<IpNetwork> result;
        for (std::string_view text : kDefaultInternalNetworkTexts) {
            result.push_back(*ParseIpNetwork(text));
        }
        return result;
    }();
    return networks;
}

std::string_view ClassifyIpType(std::string_view text, const std::vector<IpNetwork>& internal_networks) {
    const std::optional<IpAddress> address = ParseIpAddress(text);
    if (!address) {
        return "";
    }
    // ParseIpAddress stores ::ffff:a.b.c.d as IPv4, so IPv6 text that yields an IPv4 address is mapped.
    if (address->is_v4 && text.find(':') != std::string_view::npos) {
        return "FourToSixMapping";
    }
    const SpecialRanges& special = Special();
    if (InsideAny(special.loopback, *address)) {
        return "Loopback";
    }
    if (InsideAny(special.broadcast, *address)) {
        return "Broadcast";
    }
    if (InsideAny(special.multicast, *address)) {
        return "Multicast";
    }
    if (InsideAny(special.teredo, *address)) {
        return "Teredo";
    }
    if (InsideAny(special.link_local, *address)) {
        return "LinkLocal";
    }
    if (IsInternalAddress(*address, internal_networks)) {
        return "Private";
    }
    if (InsideAny(special.reserved, *address)) {
        return "Reserved";
    }
    return "Public";
}

const Schema& SensorSchema() {
    static const Schema schema = {
        {"Timestamp", Type::kDateTime}, {"DeviceId", Type::kString},    {"DeviceName", Type::kString},
        {"ActionType", Type::kString},  {"RemoteIP", Type::kString},    {"RemotePort", Type::kInt},
        {"RemoteUrl", Type::kString},   {"LocalIP", Type::kString},     {"LocalPort", Type::kInt},
        {"Protocol", Type::kString},    {"LocalIPType", Type::kString}, {"RemoteIPType", Type::kString},
        {"ReportId", Type::kLong},      {"AdditionalFields", Type::kString}, {"SentBytes", Type::kLong},
        {"ReceivedBytes", Type::kLong},
    };
    return schema;
}

bool IsEstablishedConnState(std::string_view conn_state, bool moved_data) {
    static constexpr std::string_view kEstablished[] = {"S1", "SF", "S2", "S3", "RSTO", "RSTR"};
    if (std::find(std::begin(kEstablished), std::end(kEstablished), conn_state) != std::end(kEstablished)) {
        return true;
    }
    return conn_state == "OTH" && moved_data;
}

bool IsInternalAddress(const IpAddress& address, const std::vector<IpNetwork>& internal_networks) {
    return InsideAny(internal_networks.empty() ? DefaultInternalNetworks() : internal_networks, address);
}

std::string_view ConnectionActionType(const SensorEvent& event, bool established,
                                      const std::vector<IpNetwork>& internal_networks) {
    if (event.transport == "icmp") {
        return "IcmpConnectionInspected";
    }
    if (!established) {
        return "ConnectionFailed";
    }
    const std::optional<IpAddress> originator = ParseIpAddress(event.originator_ip);
    const std::optional<IpAddress> responder = ParseIpAddress(event.responder_ip);
    const bool inbound =
        responder && IsInternalAddress(*responder, internal_networks) &&
        !(originator && IsInternalAddress(*originator, internal_networks));
    return inbound ? "InboundConnectionAccepted" : "ConnectionSuccess";
}

SensorRowBuilder::SensorRowBuilder(const Schema& output, const SensorSite& site) : output_(output), site_(site) {
    if (site_.internal_networks.empty()) {
        site_.internal_networks = DefaultInternalNetworks();
    }
    // Each output column's role is found once here, not per row.
    static const std::pair<std::string_view, ColumnRole> kRoles[] = {
        {"Timestamp", ColumnRole::kTimestamp},     {"TimeGenerated", ColumnRole::kTimestamp},
        {"DeviceId", ColumnRole::kDeviceId},       {"DeviceName", ColumnRole::kDeviceName},
        {"ActionType", ColumnRole::kActionType},   {"RemoteIP", ColumnRole::kRemoteIp},
        {"RemotePort", ColumnRole::kRemotePort},   {"RemoteUrl", ColumnRole::kRemoteUrl},
        {"LocalIP", ColumnRole::kLocalIp},         {"LocalPort", ColumnRole::kLocalPort},
        {"Protocol", ColumnRole::kProtocol},       {"LocalIPType", ColumnRole::kLocalIpType},
        {"RemoteIPType", ColumnRole::kRemoteIpType}, {"ReportId", ColumnRole::kReportId},
        {"AdditionalFields", ColumnRole::kAdditionalFields}, {"SentBytes", ColumnRole::kSentBytes},
        {"ReceivedBytes", ColumnRole::kReceivedBytes}, {"Type", ColumnRole::kType},
    };
    for (const Field& field : output_) {
        ColumnRole role = ColumnRole::kNull;
        for (const auto& [name, candidate] : kRoles) {
            if (field.name == name) {
                role = candidate;
            }
        }
        roles_.push_back(role);
    }
    StartChunk();
}

void SensorRowBuilder::StartChunk() {
    chunk_ = Chunk{};
    arena_ = std::make_shared<StringArena>();
    chunk_.columns.reserve(output_.size());
    for (const Field& field : output_) {
        Column& column = chunk_.columns.emplace_back(field.type);
        if (field.type == Type::kString) {
            column.owners.push_back(arena_);
        }
    }
}

void SensorRowBuilder::AppendText(Column& column, std::string_view text) {
    if (column.type == Type::kString) {
        column.AppendString(text.empty() ? std::string_view() : arena_->Add(text));
    } else {
        column.AppendNull();
    }
}

void SensorRowBuilder::SetHostName(const std::string& ip, const std::string& name) {
    if (!name.empty()) {
        host_names_[ip] = name;
    }
}

void SensorRowBuilder::Add(const SensorEvent& event) {
    const std::optional<IpAddress> originator = ParseIpAddress(event.originator_ip);
    const std::optional<IpAddress> responder = ParseIpAddress(event.responder_ip);
    const bool originator_internal = originator && InsideAny(site_.internal_networks, *originator);
    const bool responder_internal = responder && InsideAny(site_.internal_networks, *responder);
    // The local side is the internal endpoint; with both or neither internal, the originator.
    const bool inbound = responder_internal && !originator_internal;

    const std::string& local_ip = inbound ? event.responder_ip : event.originator_ip;
    const std::string& remote_ip = inbound ? event.originator_ip : event.responder_ip;
    const int64_t local_port = inbound ? event.responder_port : event.originator_port;
    const int64_t remote_port = inbound ? event.originator_port : event.responder_port;
    const std::optional<int64_t>& sent = inbound ? event.responder_bytes : event.originator_bytes;
    const std::optional<int64_t>& received = inbound ? event.originator_bytes : event.responder_bytes;

    std::string additional = event.additional_fields.empty() ? std::string("{}") : event.additional_fields;
    {
        std::string direction = "{\"direction\":";
        AppendJsonString(direction, inbound ? "In" : "Out");
        additional = additional.size() > 2 ? direction + "," + additional.substr(1) : direction + "}";
    }
    const auto host_name = host_names_.find(local_ip);
    const std::string& device_name = host_name == host_names_.end() ? local_ip : host_name->second;

    for (size_t i = 0; i < output_.size(); ++i) {
        Column& column = chunk_.columns[i];
        switch (roles_[i]) {
        case ColumnRole::kTimestamp:
            column.AppendInt(event.timestamp + kUnixEpochTicks);  // datetime columns count from 0001-01-01
            break;
        case ColumnRole::kDeviceId:
        case ColumnRole::kLocalIp:
            AppendText(column, local_ip);
            break;
        case ColumnRole::kDeviceName:
            AppendText(column, device_name);
            break;
        case ColumnRole::kActionType:
            AppendText(column, event.action_type);
            break;
        case ColumnRole::kRemoteIp:
            AppendText(column, remote_ip);
            break;
        case ColumnRole::kRemotePort:
            column.AppendInt(remote_port);
            break;
        case ColumnRole::kRemoteUrl:
            AppendText(column, event.remote_url);
            break;
        case ColumnRole::kLocalPort:
            column.AppendInt(local_port);
            break;
        case ColumnRole::kProtocol:
            AppendText(column, ProtocolName(event.transport));
            break;
        case ColumnRole::kLocalIpType:
            AppendText(column, ClassifyIpType(local_ip, site_.internal_networks));
            break;
        case ColumnRole::kRemoteIpType:
            AppendText(column, ClassifyIpType(remote_ip, site_.internal_networks));
            break;
        case ColumnRole::kReportId:
            column.AppendInt(next_report_id_);
            break;
        case ColumnRole::kAdditionalFields:
            AppendText(column, additional);
            break;
        case ColumnRole::kSentBytes:
            sent ? column.AppendInt(*sent) : column.AppendNull();
            break;
        case ColumnRole::kReceivedBytes:
            received ? column.AppendInt(*received) : column.AppendNull();
            break;
        case ColumnRole::kType:
            AppendText(column, "DeviceNetworkEvents");
            break;
        case ColumnRole::kNull:
            column.AppendNull();
            break;
        }
    }
    ++next_report_id_;
    ++chunk_.rows;
    const int64_t timestamp = event.timestamp + kUnixEpochTicks;
    min_timestamp_ = std::min(min_timestamp_.value_or(timestamp), timestamp);
    max_timestamp_ = std::max(max_timestamp_.value_or(timestamp), timestamp);
}

Chunk SensorRowBuilder::TakeChunk() {
    Chunk taken = std::move(chunk_);
    StartChunk();
    return taken;
}

}  // namespace unmask::ingest
