// Mapping of Zeek log records to sensor events, and the join tables between logs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/ip_network.h"
#include "ingest/sensor/sensor_rows.h"
#include "ingest/zeek/zeek_log.h"

namespace unmask::ingest::zeek {

/// Parses a Zeek `time`: epoch seconds with an optional fraction ("1517422326.539915"), or an
/// ISO 8601 string as some JSON writers emit. The decimal digits are parsed without float
/// rounding, and digits past the seventh fraction digit are truncated. Returns 100 ns ticks
/// since the Unix epoch.
std::optional<int64_t> ParseZeekTime(std::string_view text);

/// Parses a port number 0..65535.
std::optional<int64_t> ParseZeekPort(std::string_view text);

/// The leaf-certificate facts an ssl row takes from x509.log (and files.log for the SHA-1).
struct CertInfo {
    std::string subject;
    std::string issuer;
    std::string serial;
    std::optional<int64_t> not_valid_before;  ///< ticks since the Unix epoch
    std::optional<int64_t> not_valid_after;
    std::string key_type;
    std::string key_length;
    std::string sig_alg;
    std::vector<std::string> san_dns;
    std::string sha1;  ///< lower-case hex; empty when unknown
};

/// Certificates by x509 `fingerprint` (new layout) and by file id `id` (old layout).
using CertMap = std::unordered_map<std::string, CertInfo>;

/// Payload byte counts of one connection, from conn.log.
struct ConnBytes {
    std::optional<int64_t> orig_bytes;
    std::optional<int64_t> resp_bytes;
};

/// Why a record cannot become a row: a reject reason from reader.h or zeek_reader.h, the field
/// at fault and its value.
struct RecordError {
    const char* reason = nullptr;
    std::string field;
    std::string value;
};

/// Returns the elements of a set or vector field. A scalar (a JSON string, or TSV without
/// #types) is split at Zeek's default set separator ','.
std::vector<std::string> ListOf(const ZeekValue& value);

/// True when `address` parses and lies inside `internal` (the default internal ranges when empty).
bool IsInternal(std::string_view address, const std::vector<IpNetwork>& internal);

/// Adds a certificate record to `certs` under its fingerprint and its file id.
void AddCertificate(const ZeekRecord& record, CertMap& certs);

/// Returns (address, host name) from a dhcp.log record, or nullopt when it names no host.
std::optional<std::pair<std::string, std::string>> DhcpHostName(const ZeekRecord& record);

/// Returns (address, host name) from a dns.log PTR answer for an address inside `internal`.
std::optional<std::pair<std::string, std::string>> PtrHostName(const ZeekRecord& record,
                                                               const std::vector<IpNetwork>& internal);

/// conn.log → ConnectionSuccess, ConnectionFailed, InboundConnectionAccepted, or
/// IcmpConnectionInspected for ICMP. `weird_names` (may be null) go to the `weird` key.
std::optional<RecordError> MapConn(const ZeekRecord& record, const std::vector<IpNetwork>& internal,
                                   const std::vector<std::string>* weird_names, SensorEvent& event);

/// http.log → HttpConnectionInspected. `tls` (may be null) is the TLS session of the same uid,
/// present when Zeek decrypted TLS or sat behind a TLS-intercepting proxy.
std::optional<RecordError> MapHttp(const ZeekRecord& record, const HttpTlsContext* tls, SensorEvent& event);

/// The facts of an ssl.log record that an http.log record of the same uid carries.
HttpTlsContext TlsContextForHttp(const ZeekRecord& record, const CertMap& certs);

/// Join results of one ssl record.
struct SslJoin {
    bool cert_found = false;
    bool cert_missing = false;  ///< the record names a leaf certificate that `certs` lacks
};

/// ssl.log → SslConnectionInspected, with the byte counts of `bytes` (may be null) and the leaf
/// certificate from `certs`.
std::optional<RecordError> MapSsl(const ZeekRecord& record, const ConnBytes* bytes, const CertMap& certs,
                                  SensorEvent& event, SslJoin& join);

/// dns.log → DnsConnectionInspected.
std::optional<RecordError> MapDns(const ZeekRecord& record, SensorEvent& event);

/// Returns the file id or fingerprint of the leaf (first) certificate an ssl record names.
std::optional<std::string_view> LeafCertificateKey(const ZeekRecord& record);

}  // namespace unmask::ingest::zeek
