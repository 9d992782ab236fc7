// Facts the HTML report derives from findings: the beacon's connection times and interval
// statistics, the TLS handshake facts next to what the claimed service would present, and a
// KQL query that pivots on the finding's entities in Defender.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/finding.h"

namespace unmask::output {

/// Evidence columns of a beacon finding that the report plots.
inline constexpr const char* kBeaconTimestampsColumn = "BeaconTimestamps";
inline constexpr const char* kBeaconPeriodColumn = "BeaconPeriodSeconds";
inline constexpr const char* kBeaconJitterColumn = "BeaconJitter";

/// Upper bound on the connection times read from one finding; the beacon rule's own default
/// MaxConnections is 100,000.
inline constexpr size_t kMaxBeaconTimestamps = 100'000;

struct BeaconSeries {
    std::vector<int64_t> timestamps; ///< datetime ticks, sorted ascending; empty when the row has none
    size_t timestamps_dropped = 0;   ///< unparseable entries and entries past kMaxBeaconTimestamps
    std::optional<double> period_seconds;
    std::optional<double> jitter; ///< fraction 0..1 by which a sleep may be shortened
    std::optional<double> mean_interval_seconds;
    std::optional<double> median_interval_seconds;
    std::optional<double> stdev_interval_seconds;
    std::optional<int64_t> connections;
};

/// Reads BeaconTimestamps, BeaconPeriodSeconds and BeaconJitter from the first reason whose
/// evidence has them, and the interval statistics from Finding::beacon or the evidence.
/// Timestamps may be datetimes, ISO 8601 strings or numbers; a number below 1e11 is Unix
/// seconds, below 1e14 Unix milliseconds, and otherwise 100 ns ticks since 0001-01-01.
/// Returns nullopt when the finding carries neither timestamps nor interval statistics.
std::optional<BeaconSeries> ExtractBeaconSeries(const detect::Finding& finding);

/// Gaps between neighbouring timestamps, in seconds.
std::vector<double> IntervalsSeconds(const std::vector<int64_t>& sorted_ticks);

/// Certificate issuers that a well-known service presents, matched by host name suffix.
struct ServiceExpectation {
    std::string service;
    std::vector<std::string> host_suffixes;        ///< "google.com" matches google.com and *.google.com
    std::vector<std::string> issuer_organizations; ///< issuer O= values, compared case-insensitively
};

/// The built-in table of services and the issuer organisations of their public certificates.
const std::vector<ServiceExpectation>& KnownServiceExpectations();

/// Returns the service whose suffix matches the host (a name, or a URL whose host is used),
/// or nullptr.
const ServiceExpectation* MatchServiceExpectation(std::string_view host);

/// Returns the O= attribute of an RFC 4514 distinguished name ("CN=R3,O=Let's Encrypt,C=US"
/// gives "Let's Encrypt"), or empty when it has none.
std::string DistinguishedNameOrganization(std::string_view distinguished_name);

/// Zeek's ssl.log field names that the report shows, in display order.
const std::vector<std::string>& TlsFactKeys();

struct TlsFacts {
    std::vector<std::pair<std::string, std::string>> facts; ///< present keys of TlsFactKeys, in order
    std::string host;                                       ///< server_name, else the finding's first remote name
    const ServiceExpectation* expectation = nullptr;
    /// Whether the issuer's organisation is one the service uses; unset without issuer or expectation.
    std::optional<bool> issuer_matches;
};

/// Collects the TLS handshake facts from the reasons' evidence rows, at the top level or inside
/// AdditionalFields (an object or a JSON string). Returns nullopt when no TLS fact is present.
std::optional<TlsFacts> ExtractTlsFacts(const detect::Finding& finding);

/// Returns a DeviceNetworkEvents query over the finding's time window widened by an hour on
/// each side, filtered on its device (DeviceId from the evidence when present, else DeviceName),
/// process and remote addresses or names. Values are KQL string literals.
std::string BuildPivotKql(const detect::Finding& finding);

/// Returns the first string value of `column` in the reasons' evidence rows, or empty.
std::string EvidenceText(const detect::Finding& finding, std::string_view column);

} // namespace unmask::output
