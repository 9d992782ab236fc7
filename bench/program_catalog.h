// The processes, destinations and names that a synthetic export draws from.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace unmask::bench {

/// Whose token a process runs with; decides the account columns and the logon id.
enum class Account { kSystem, kLocalService, kNetworkService, kUser };

/// The network behaviour of a program, which decides action types, ports and destinations.
enum class Traffic {
    kBrowser,          ///< web destinations, mostly 443
    kMicrosoftCloud,   ///< Microsoft service endpoints, mostly 443
    kCertificateFetch, ///< CRL and OCSP downloads on port 80
    kTeamsMedia,       ///< Microsoft endpoints on 443 plus UDP 3478-3481 media relays
    kDnsClient,        ///< the internal resolvers on port 53
    kRemoteDesktop,    ///< inbound 3389 and its listening socket
    kKernel,           ///< SMB: inbound 445/139, outbound 445 to file servers
    kDirectory,        ///< Kerberos and LDAP to the domain controllers
    kOccasional,       ///< scripts and LOLBins that reach out now and then
    kMacClient,        ///< macOS agents: ConnectionRequest rows with POSIX AdditionalFields
};

/// A program that devices run. In paths and command lines, "{user}" becomes the device
/// user's account name and "{n}" a number drawn per process instance.
struct Program {
    std::string_view file_name;
    std::string_view folder_path;
    std::string_view command_line;
    std::string_view company_name;
    std::string_view product_name;
    std::string_view product_version;
    std::string_view internal_file_name;
    std::string_view original_file_name;
    std::string_view file_description;
    int64_t file_size;
    std::string_view parent_file_name;
    Account account;
    std::string_view integrity_level;
    std::string_view token_elevation;
    Traffic traffic;
    uint32_t weight;           ///< relative share of a device's process rows
    uint32_t presence_percent; ///< share of devices that run the program
    bool macos;
};

/// Programs of ordinary devices, including the occasional LOLBin and script host.
std::span<const Program> BackgroundPrograms();

/// Programs that planted beacons run: LOLBins and renamed or unsigned binaries in user folders.
std::span<const Program> BeaconPrograms();

std::span<const std::string_view> UserGivenNames();
std::span<const std::string_view> UserFamilyNames();
std::span<const std::string_view> DepartmentNames();
/// Words from which web host names are assembled.
std::span<const std::string_view> HostWords();
std::span<const std::string_view> HostPrefixes();
std::span<const std::string_view> TopLevelDomains();
/// Host names of Microsoft service endpoints.
std::span<const std::string_view> MicrosoftHosts();
/// Host names that plain-HTTP requests go to (connectivity checks, CRLs, OCSP).
std::span<const std::string_view> HttpHosts();
/// First octets of public IPv4 blocks (no private, loopback, link-local or reserved ranges).
std::span<const uint8_t> PublicFirstOctets();
std::span<const std::string_view> HttpUserAgents();
std::span<const std::string_view> TlsIssuers();

} // namespace unmask::bench
