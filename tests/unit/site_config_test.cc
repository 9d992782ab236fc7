// Site configuration (unmask.yaml): address parsing, loading and validation with file:line
// errors, and allowlist matching by process and folder, CIDR (IPv4, IPv6, IPv4-mapped), domain
// suffix, fingerprints, rule ids and expiry.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "common/ip_network.h"
#include "detect/site_config.h"
#include "table/datetime.h"

namespace {

namespace fs = std::filesystem;
using unmask::detect::AllowEntry;
using unmask::detect::AllowlistOutcome;
using unmask::detect::ApplyAllowlist;
using unmask::detect::Finding;
using unmask::detect::FindingReason;
using unmask::detect::LoadSiteConfig;
using unmask::NetworkContains;
using unmask::ParseIpAddress;
using unmask::ParseIpNetwork;
using unmask::detect::SiteConfig;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);

fs::path TempDir() {
    return fs::temp_directory_path() / ("unmask-site-config-test-" + std::to_string(getpid()));
}

/// Removes the temporary folder once all tests ran.
class TempDirCleanup : public ::testing::Environment {
public:
    void TearDown() override { fs::remove_all(TempDir()); }
};
const auto* const kTempDirCleanup = ::testing::AddGlobalTestEnvironment(new TempDirCleanup);

fs::path WriteConfig(const std::string& name, const std::string& text) {
    const fs::path dir = TempDir();
    fs::create_directories(dir);
    const fs::path path = dir / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

/// Loads `text` and returns the error message, or "" when it loaded.
std::string LoadError(const std::string& text) {
    const fs::path path = WriteConfig("invalid.yaml", text);
    auto config = LoadSiteConfig(path.string());
    return config.ok() ? "" : config.status().message();
}

bool Contains(const std::string& network, const std::string& address) {
    auto parsed_network = ParseIpNetwork(network);
    auto parsed_address = ParseIpAddress(address);
    EXPECT_TRUE(parsed_network.has_value()) << network;
    EXPECT_TRUE(parsed_address.has_value()) << address;
    return parsed_network && parsed_address && NetworkContains(*parsed_network, *parsed_address);
}

int64_t Ticks(const char* text) {
    return *unmask::ParseDateTime(text);
}

Finding MakeFinding(const std::string& process, const std::string& folder, std::vector<std::string> ips,
                    std::vector<std::string> names = {}, const std::string& rule_id = "rule-a") {
    Finding finding;
    finding.device = "wks-1.corp.contoso.com";
    finding.process = process;
    finding.folder_path = folder;
    finding.remote_ips = std::move(ips);
    finding.remote_names = std::move(names);
    FindingReason reason;
    reason.rule_id = rule_id;
    finding.reasons.push_back(reason);
    return finding;
}

/// Returns how many of `findings` the single allowlist entry suppresses at `now`.
int64_t Suppressed(const AllowEntry& entry, std::vector<Finding> findings,
                   int64_t now = Ticks("2024-03-10T12:00:00Z")) {
    SiteConfig config;
    config.allowlist.push_back(entry);
    AllowlistOutcome outcome = ApplyAllowlist(config, std::move(findings), now);
    return outcome.suppressed.empty() ? 0 : outcome.suppressed[0].second;
}

AllowEntry Entry() {
    AllowEntry entry;
    entry.reason = "test";
    entry.source = "test.yaml:1";
    return entry;
}

// ---------------------------------------------------------------------------------------------
// Addresses

TEST(IpNetwork, ParsesIpv4AndIpv6) {
    EXPECT_TRUE(ParseIpAddress("203.0.113.7"));
    EXPECT_TRUE(ParseIpAddress("2001:db8::1"));
    EXPECT_TRUE(ParseIpAddress("::"));
    EXPECT_TRUE(ParseIpAddress("fe80::1:2:3:4"));
    EXPECT_TRUE(ParseIpAddress("1:2:3:4:5:6:7:8"));
    EXPECT_TRUE(ParseIpAddress("::ffff:10.1.2.3"));
}

TEST(IpNetwork, RejectsMalformedAddresses) {
    for (const char* text : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "1::2::3",
                             "1:2:3:4:5:6:7:8:9", "12345::1", "fe80::1%eth0", "[::1]", "example.com"}) {
        EXPECT_FALSE(ParseIpAddress(text)) << text;
    }
}

TEST(IpNetwork, MappedAddressIsIpv4) {
    auto mapped = ParseIpAddress("::ffff:203.0.113.9");
    ASSERT_TRUE(mapped);
    EXPECT_TRUE(mapped->is_v4);
    auto hex_mapped = ParseIpAddress("::ffff:cb00:7109");
    ASSERT_TRUE(hex_mapped);
    EXPECT_TRUE(hex_mapped->is_v4);
    EXPECT_EQ(mapped->bytes, hex_mapped->bytes);
}

TEST(IpNetwork, ContainsIpv4) {
    EXPECT_TRUE(Contains("10.0.0.0/8", "10.255.1.2"));
    EXPECT_FALSE(Contains("10.0.0.0/8", "11.0.0.1"));
    EXPECT_TRUE(Contains("172.16.0.0/12", "172.31.255.255"));
    EXPECT_FALSE(Contains("172.16.0.0/12", "172.32.0.0"));
    EXPECT_TRUE(Contains("203.0.113.7", "203.0.113.7"));
    EXPECT_FALSE(Contains("203.0.113.7", "203.0.113.8"));
    EXPECT_TRUE(Contains("0.0.0.0/0", "198.51.100.1"));
}

TEST(IpNetwork, ContainsIpv6) {
    EXPECT_TRUE(Contains("2001:db8::/32", "2001:db8:ffff::1"));
    EXPECT_FALSE(Contains("2001:db8::/32", "2001:db9::1"));
    EXPECT_TRUE(Contains("fc00::/7", "fd12:3456::1"));
    EXPECT_FALSE(Contains("fc00::/7", "fe80::1"));
    EXPECT_FALSE(Contains("2001:db8::/32", "10.0.0.1"));
    EXPECT_FALSE(Contains("10.0.0.0/8", "::a00:1")); // IPv4-compatible, not mapped: stays IPv6
}

TEST(IpNetwork, MappedMatchesIpv4Network) {
    EXPECT_TRUE(Contains("203.0.113.0/24", "::ffff:203.0.113.10"));
    EXPECT_TRUE(Contains("::ffff:203.0.113.0/120", "203.0.113.10"));
    EXPECT_TRUE(Contains("::ffff:203.0.113.0/120", "::ffff:203.0.113.10"));
    EXPECT_FALSE(Contains("203.0.113.0/24", "::ffff:203.0.114.10"));
}

TEST(IpNetwork, RejectsHostBitsAndBadPrefixes) {
    std::string error;
    EXPECT_FALSE(ParseIpNetwork("10.1.2.3/8", &error));
    EXPECT_NE(error.find("host bits"), std::string::npos) << error;
    EXPECT_FALSE(ParseIpNetwork("10.0.0.0/33", &error));
    EXPECT_NE(error.find("0 to 32"), std::string::npos) << error;
    EXPECT_FALSE(ParseIpNetwork("2001:db8::/129", &error));
    EXPECT_FALSE(ParseIpNetwork("10.0.0.0/", &error));
    EXPECT_FALSE(ParseIpNetwork("10.0.0.0/x", &error));
    EXPECT_FALSE(ParseIpNetwork("host.example/8", &error));
    EXPECT_NE(error.find("not an IPv4 or IPv6 address"), std::string::npos) << error;
}

// ---------------------------------------------------------------------------------------------
// Loading

TEST(SiteConfigLoad, ExampleFileLoads) {
    const std::string path = (kSourceDir / "examples" / "unmask.yaml").string();
    auto config = LoadSiteConfig(path);
    ASSERT_TRUE(config.ok()) << config.status().message();
    EXPECT_EQ(config->path, path);
    EXPECT_GE(config->allowlist.size(), 10u);
    for (const AllowEntry& entry : config->allowlist) {
        EXPECT_FALSE(entry.reason.empty()) << entry.source;
        EXPECT_EQ(entry.source.rfind(path + ":", 0), 0u) << entry.source;
    }
    EXPECT_FALSE(config->internal_networks.empty());
    ASSERT_EQ(config->rules.count("seed-verbatim"), 1u);
    EXPECT_EQ(config->rules.at("seed-verbatim").enabled, false);
    ASSERT_EQ(config->rules.count("beaconing-interval"), 1u);
    EXPECT_EQ(config->rules.at("beaconing-interval").parameters.at("Lookback"), "48h");
    EXPECT_EQ(config->rules.at("beaconing-interval").parameters.at("MinConnections"), "10");
}

TEST(SiteConfigLoad, EntryFieldsAreNormalized) {
    const fs::path path = WriteConfig("entries.yaml", R"(allowlist:
  - process: agent.exe
    folder_path: 'C:\Program Files\Datadog'
    reason: Datadog agent
  - domain: '*.Example.COM'
    reason: vendor
  - ja3: 0123456789ABCDEF0123456789abcdef
    reason: backup client
  - certificate_sha1: '01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67'
    reason: proxy
  - ja4: t13d1516h2_8daaf6152771_b186095e22b6
    expires: 2024-06-30
    rules: [a, b]
    reason: browser
)");
    auto config = LoadSiteConfig(path.string());
    ASSERT_TRUE(config.ok()) << config.status().message();
    ASSERT_EQ(config->allowlist.size(), 5u);
    EXPECT_EQ(config->allowlist[0].folder_path, "C:\\Program Files\\Datadog");
    EXPECT_EQ(config->allowlist[0].source, path.string() + ":2");
    EXPECT_EQ(config->allowlist[1].domain, "example.com");
    EXPECT_EQ(config->allowlist[2].ja3, "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(config->allowlist[3].certificate_sha1, "0123456789abcdef0123456789abcdef01234567");
    ASSERT_TRUE(config->allowlist[4].expires);
    EXPECT_EQ(*config->allowlist[4].expires, Ticks("2024-06-30T00:00:00Z"));
    EXPECT_EQ(config->allowlist[4].rules, (std::vector<std::string>{"a", "b"}));
}

TEST(SiteConfigLoad, ParameterValuesBecomeKqlLiterals) {
    const fs::path path = WriteConfig("parameters.yaml", R"(rules:
  some-rule:
    enabled: true
    parameters:
      Lookback: 48h
      MinConnections: 10
      Suffix: "example.com"
      Quoted: '"already KQL"'
      Ports: [443, 8443]
      Names: [svchost.exe, "x\"y", 'true', false]
      Expression: dynamic(["a"])
)");
    auto config = LoadSiteConfig(path.string());
    ASSERT_TRUE(config.ok()) << config.status().message();
    const auto& parameters = config->rules.at("some-rule").parameters;
    EXPECT_EQ(config->rules.at("some-rule").enabled, true);
    EXPECT_EQ(parameters.at("Lookback"), "48h");
    EXPECT_EQ(parameters.at("MinConnections"), "10");
    EXPECT_EQ(parameters.at("Suffix"), "\"example.com\"");
    EXPECT_EQ(parameters.at("Quoted"), "\"already KQL\"");
    EXPECT_EQ(parameters.at("Ports"), "dynamic([443, 8443])");
    EXPECT_EQ(parameters.at("Names"), "dynamic([\"svchost.exe\", \"x\\\"y\", \"true\", false])");
    EXPECT_EQ(parameters.at("Expression"), "dynamic([\"a\"])");
}

TEST(SiteConfigLoad, DefaultInternalNetworks) {
    auto empty = LoadSiteConfig(WriteConfig("empty.yaml", "").string());
    ASSERT_TRUE(empty.ok()) << empty.status().message();
    EXPECT_NE(std::find(empty->internal_networks.begin(), empty->internal_networks.end(), "10.0.0.0/8"),
              empty->internal_networks.end());
    EXPECT_NE(std::find(empty->internal_networks.begin(), empty->internal_networks.end(), "fc00::/7"),
              empty->internal_networks.end());
    auto custom = LoadSiteConfig(WriteConfig("custom.yaml", "internal_networks: [10.20.0.0/16]\n").string());
    ASSERT_TRUE(custom.ok()) << custom.status().message();
    EXPECT_EQ(custom->internal_networks, (std::vector<std::string>{"10.20.0.0/16"}));
}

TEST(SiteConfigLoad, MissingFileIsIoError) {
    auto config = LoadSiteConfig("/nonexistent/unmask.yaml");
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().kind(), unmask::ErrorKind::kIo);
    EXPECT_NE(config.status().message().find("/nonexistent/unmask.yaml"), std::string::npos);
}

TEST(SiteConfigLoad, ErrorsNameFileLineAndField) {
    struct Case {
        const char* text;
        const char* expected; // substring of the message
    };
    const Case cases[] = {
        {"allowlists: []\n", "invalid.yaml:1:1: allowlists: unknown key; expected one of internal_networks"},
        {"allowlist:\n  - process: a.exe\n    reasn: x\n", "invalid.yaml:3:5: allowlist[0].reasn: unknown key"},
        {"allowlist:\n  - process: a.exe\n", "invalid.yaml:2:5: allowlist[0].reason: missing"},
        {"allowlist:\n  - reason: nothing to match\n", "allowlist[0]: the entry matches nothing"},
        {"allowlist:\n  - cidr: 10.0.0.1/8\n    reason: x\n", "invalid.yaml:2:11: allowlist[0].cidr: invalid address"},
        {"allowlist:\n  - cidr: 10.0.0.0/40\n    reason: x\n", "invalid prefix length '40'"},
        {"allowlist:\n  - ja3: abc\n    reason: x\n", "allowlist[0].ja3: invalid JA3 hash 'abc'"},
        {"allowlist:\n  - ja4: abc\n    reason: x\n", "allowlist[0].ja4: invalid JA4 fingerprint"},
        {"allowlist:\n  - certificate_sha1: abc\n    reason: x\n", "invalid certificate SHA-1"},
        {"allowlist:\n  - process: a.exe\n    expires: soon\n    reason: x\n",
         "allowlist[0].expires: invalid date 'soon'"},
        {"allowlist:\n  - process: 'C:\\x\\a.exe'\n    reason: x\n", "put the folder in folder_path"},
        {"allowlist:\n  - domain: 'a b'\n    reason: x\n", "invalid domain"},
        {"allowlist:\n  - process: a.exe\n    reason: ''\n", "allowlist[0].reason: must not be empty"},
        {"allowlist:\n  - process: a.exe\n    rules: []\n    reason: x\n", "non-empty list of rule ids"},
        {"allowlist:\n  process: a.exe\n", "allowlist: expected a list of entries"},
        {"internal_networks: [10.0.0.0/33]\n", "internal_networks[0]: invalid CIDR block"},
        {"internal_networks: 10.0.0.0/8\n", "internal_networks: expected a list"},
        {"rules:\n  x:\n    enabled: yes\n", "rules.x.enabled: expected true or false, not 'yes'"},
        {"rules:\n  x:\n    enable: true\n", "rules.x.enable: unknown key; expected one of enabled, parameters"},
        {"rules:\n  x:\n    parameters:\n      A: {b: 1}\n", "rules.x.parameters.A: expected a value or a list"},
        {"rules: [x]\n", "rules: expected a mapping of rule id"},
        {"rules:\n  x: {enabled: true}\n  x: {enabled: false}\n", "invalid.yaml:3:3: rules.x: given twice"},
        {"allowlist:\n  - process: a.exe\n    process: b.exe\n    reason: x\n",
         "invalid.yaml:3:5: allowlist[0].process: given twice"},
        {"rules:\n  x:\n    parameters: {A: 1, A: 2}\n", "rules.x.parameters.A: given twice"},
        {"allowlist: []\nallowlist: []\n", "invalid.yaml:2:1: allowlist: given twice"},
        {"- just a list\n", "the file must be a mapping"},
        {"allowlist:\n  - process: [a\n", "invalid.yaml:3:1: invalid YAML"},
        {"rules:\n  ? [a]\n  : 1\n", "invalid.yaml:2:5: expected a plain name as key"},
    };
    for (const Case& item : cases) {
        const std::string message = LoadError(item.text);
        EXPECT_NE(message.find(item.expected), std::string::npos) << "config:\n" << item.text << "message: " << message;
    }
}

// ---------------------------------------------------------------------------------------------
// Allowlist matching

TEST(Allowlist, ProcessAndFolderMatch) {
    AllowEntry entry = Entry();
    entry.process = "Agent.exe";
    entry.folder_path = "C:\\Program Files\\Datadog\\Datadog Agent\\";
    const std::string folder = "c:\\program files\\datadog\\datadog agent\\bin\\agent.exe";
    EXPECT_EQ(Suppressed(entry, {MakeFinding("agent.exe", folder, {"3.233.147.44"})}), 1);
    // Same name elsewhere: not the agent.
    EXPECT_EQ(Suppressed(entry, {MakeFinding("agent.exe", "c:\\users\\a\\appdata\\agent.exe", {})}), 0);
    // Same folder, other program.
    EXPECT_EQ(Suppressed(entry, {MakeFinding("rundll32.exe", folder, {})}), 0);
    // The folder must end at a separator.
    EXPECT_EQ(Suppressed(entry, {MakeFinding("agent.exe", "c:\\program files\\datadog\\datadog agentx\\a.exe", {})}),
              0);
    // No folder in the row: the entry cannot match.
    EXPECT_EQ(Suppressed(entry, {MakeFinding("agent.exe", "", {})}), 0);
}

TEST(Allowlist, FolderAcceptsForwardSlashes) {
    AllowEntry entry = Entry();
    entry.folder_path = "/opt/datadog-agent";
    EXPECT_EQ(Suppressed(entry, {MakeFinding("agent", "/opt/datadog-agent/bin/agent/agent", {})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("agent", "/opt/datadog-agent-old/agent", {})}), 0);
}

TEST(Allowlist, CidrNeedsEveryAddressInside) {
    AllowEntry entry = Entry();
    entry.cidr = "10.20.0.0/16";
    EXPECT_EQ(Suppressed(entry, {MakeFinding("api.exe", "", {"10.20.1.5"})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("api.exe", "", {"10.20.1.5", "10.20.9.9"})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("api.exe", "", {"10.20.1.5", "198.51.100.7"})}), 0);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("api.exe", "", {})}), 0);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("api.exe", "", {"not an address"})}), 0);
}

TEST(Allowlist, CidrIpv6AndMapped) {
    AllowEntry v6 = Entry();
    v6.cidr = "2001:db8:10::/48";
    EXPECT_EQ(Suppressed(v6, {MakeFinding("api.exe", "", {"2001:DB8:10:1::5"})}), 1);
    EXPECT_EQ(Suppressed(v6, {MakeFinding("api.exe", "", {"2001:db8:11::5"})}), 0);
    AllowEntry v4 = Entry();
    v4.cidr = "203.0.113.0/24";
    EXPECT_EQ(Suppressed(v4, {MakeFinding("api.exe", "", {"::ffff:203.0.113.10"})}), 1);
    EXPECT_EQ(Suppressed(v4, {MakeFinding("api.exe", "", {"::ffff:198.51.100.10"})}), 0);
}

TEST(Allowlist, ProcessAndDestination) {
    AllowEntry entry = Entry();
    entry.process = "svchost.exe";
    entry.cidr = "198.51.100.0/24";
    EXPECT_EQ(Suppressed(entry, {MakeFinding("svchost.exe", "", {"198.51.100.20"})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("svchost.exe", "", {"203.0.113.20"})}), 0);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("rundll32.exe", "", {"198.51.100.20"})}), 0);
}

TEST(Allowlist, DomainSuffix) {
    AllowEntry entry = Entry();
    entry.domain = "example.com";
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {}, {"example.com"})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {}, {"Updates.Example.com."})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {}, {"https://cdn.example.com:8443/path?q=1"})}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {}, {"badexample.com"})}), 0);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {}, {"example.com.evil.net"})}), 0);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {}, {"a.example.com", "evil.net"})}), 0);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("a.exe", "", {"203.0.113.1"})}), 0);
}

TEST(Allowlist, FingerprintsFromEvidence) {
    Finding finding = MakeFinding("", "", {"203.0.113.1"});
    const char* evidence = R"({"DeviceName": "s1", "ja3": "0123456789abcdef0123456789abcdef",
        "AdditionalFields": {"ja4": "t13d1516h2_8daaf6152771_b186095e22b6",
                             "certificate_sha1": "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67"}})";
    finding.reasons[0].evidence = unmask::ParseJson(evidence).value();
    AllowEntry ja3 = Entry();
    ja3.ja3 = "0123456789abcdef0123456789abcdef";
    EXPECT_EQ(Suppressed(ja3, {finding}), 1);
    ja3.ja3 = "ffffffffffffffffffffffffffffffff";
    EXPECT_EQ(Suppressed(ja3, {finding}), 0);
    AllowEntry ja4 = Entry();
    ja4.ja4 = "t13d1516h2_8daaf6152771_b186095e22b6";
    EXPECT_EQ(Suppressed(ja4, {finding}), 1);
    AllowEntry certificate = Entry();
    certificate.certificate_sha1 = "0123456789abcdef0123456789abcdef01234567";
    EXPECT_EQ(Suppressed(certificate, {finding}), 1);
    // A finding without the field is not matched by a fingerprint entry.
    EXPECT_EQ(Suppressed(ja3, {MakeFinding("a.exe", "", {"203.0.113.1"})}), 0);
}

TEST(Allowlist, RulesLimitTheEntry) {
    AllowEntry entry = Entry();
    entry.process = "svchost.exe";
    entry.rules = {"lolbin-web-traffic"};
    EXPECT_EQ(Suppressed(entry, {MakeFinding("svchost.exe", "", {}, {}, "lolbin-web-traffic")}), 1);
    EXPECT_EQ(Suppressed(entry, {MakeFinding("svchost.exe", "", {}, {}, "beaconing-interval")}), 0);
}

TEST(Allowlist, ExpiredEntryIsReportedAndNotApplied) {
    AllowEntry entry = Entry();
    entry.process = "jucheck.exe";
    entry.expires = Ticks("2024-03-01T00:00:00Z");
    SiteConfig config;
    config.allowlist.push_back(entry);
    AllowlistOutcome after =
        ApplyAllowlist(config, {MakeFinding("jucheck.exe", "", {})}, Ticks("2024-03-10T00:00:00Z"));
    EXPECT_EQ(after.kept.size(), 1u);
    ASSERT_EQ(after.expired.size(), 1u);
    EXPECT_EQ(after.expired[0]->process, "jucheck.exe");
    EXPECT_TRUE(after.suppressed.empty());
    // The expiry instant itself is expired; the tick before it is not.
    AllowlistOutcome at = ApplyAllowlist(config, {MakeFinding("jucheck.exe", "", {})}, *entry.expires);
    EXPECT_EQ(at.expired.size(), 1u);
    AllowlistOutcome before = ApplyAllowlist(config, {MakeFinding("jucheck.exe", "", {})}, *entry.expires - 1);
    EXPECT_TRUE(before.kept.empty());
    EXPECT_TRUE(before.expired.empty());
}

TEST(Allowlist, CountsPerEntryFirstMatchWins) {
    SiteConfig config;
    AllowEntry by_process = Entry();
    by_process.process = "agent.exe";
    AllowEntry by_network = Entry();
    by_network.cidr = "10.0.0.0/8";
    AllowEntry unused = Entry();
    unused.process = "never.exe";
    config.allowlist = {by_process, by_network, unused};
    std::vector<Finding> findings = {
        MakeFinding("agent.exe", "", {"10.1.1.1"}), // both match; the first entry counts it
        MakeFinding("agent.exe", "", {}),
        MakeFinding("api.exe", "", {"10.2.2.2"}),
        MakeFinding("rundll32.exe", "", {"203.0.113.9"}),
    };
    AllowlistOutcome outcome = ApplyAllowlist(config, findings, Ticks("2024-03-10T00:00:00Z"));
    ASSERT_EQ(outcome.kept.size(), 1u);
    EXPECT_EQ(outcome.kept[0].process, "rundll32.exe");
    ASSERT_EQ(outcome.suppressed.size(), 3u);
    EXPECT_EQ(outcome.suppressed[0].second, 2);
    EXPECT_EQ(outcome.suppressed[1].second, 1);
    EXPECT_EQ(outcome.suppressed[2].second, 0);
    EXPECT_EQ(outcome.suppressed[2].first->process, "never.exe");
}

} // namespace
