#include "zeek_fields.h"

#include <array>
#include <charconv>

#include "export_format.h"
#include "program_catalog.h"

namespace unmask::bench {
namespace {

// Ticks between the FILETIME epoch (1601-01-01) and the Unix epoch.
constexpr int64_t kFileTimeUnixOffset = 116'444'736'000'000'000;

constexpr std::string_view kAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void AppendNumber(int64_t value, std::string& json) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    json.append(digits, result.ptr);
}

// Appends "key":"value" with a leading comma unless the object is still empty.
void AppendPair(std::string_view key, std::string_view value, std::string& json) {
    if (json.back() != '{') {
        json += ',';
    }
    json += '"';
    json += key;
    json += "\":\"";
    json += value;
    json += '"';
}

void AppendNumberPair(std::string_view key, int64_t value, std::string& json) {
    char digits[24];
    const auto result = std::to_chars(digits, digits + sizeof(digits), value);
    AppendPair(key, std::string_view(digits, static_cast<size_t>(result.ptr - digits)), json);
}

} // namespace

void AppendZeekUid(Random& random, std::string& json) {
    json += 'C';
    for (int i = 0; i < 17; ++i) {
        json += kAlphanumeric[random.Below(kAlphanumeric.size())];
    }
}

void AppendFileTime(int64_t unix_ticks, std::string& json) {
    const int64_t earlier = unix_ticks - 50 * kTicksPerMillisecond;
    AppendNumber((earlier + kFileTimeUnixOffset) / kTicksPerMillisecond * kTicksPerMillisecond, json);
}

void BuildHttpFields(Random& random, std::string_view host, std::string& json) {
    static constexpr std::array<std::string_view, 4> kUris = {"/", "/connecttest.txt",
                                                              "/msdownload/update/v3/static/"
                                                              "trustedr/en/authrootstl.cab",
                                                              "/MFEwTzBNMEswSTAJBgUrDgMCGgUA"};
    json.clear();
    json.push_back('{');
    AppendPair("direction", "Out", json);
    AppendPair("host", host, json);
    const bool post = random.Chance(0.15);
    AppendPair("method", post ? "POST" : "GET", json);
    AppendNumberPair("request_body_len", post ? random.LogUniform(64, 4096) : 0, json);
    AppendNumberPair("response_body_len", random.LogUniform(0, 400000), json);
    const bool not_modified = random.Chance(0.1);
    AppendPair("status_code", not_modified ? "304" : "200", json);
    AppendPair("status_msg", not_modified ? "Not Modified" : "OK", json);
    AppendPair("tags", "[]", json);
    AppendPair("trans_depth", "1", json);
    AppendPair("uri", kUris[random.Below(kUris.size())], json);
    AppendPair("user_agent", HttpUserAgents()[random.Below(HttpUserAgents().size())], json);
    AppendPair("version", "1.1", json);
    json += '}';
}

void BuildSslFields(Random& random, std::string_view server_name, int64_t unix_ticks, std::string& json) {
    json.clear();
    json.push_back('{');
    AppendPair("direction", "Out", json);
    const bool tls13 = random.Chance(0.6);
    AppendPair("version", tls13 ? "TLSv13" : "TLSv12", json);
    AppendPair("curve", random.Chance(0.7) ? "x25519" : "secp256r1", json);
    AppendPair("server_name", server_name, json);
    AppendPair("resumed", random.Chance(0.3) ? "true" : "false", json);
    // Zeek leaves next_protocol out when the client offered no ALPN.
    if (random.Chance(0.9)) {
        AppendPair("next_protocol", random.Chance(0.8) ? "h2" : "http/1.1", json);
    }
    AppendPair("established", random.Chance(0.97) ? "true" : "false", json);
    json += ",\"subject\":\"CN=";
    json += server_name;
    json += '"';
    json += ",\"uid\":\"";
    AppendZeekUid(random, json);
    json += '"';
    AppendPair("issuer", TlsIssuers()[random.Below(TlsIssuers().size())], json);
    AppendPair("cipher", tls13 ? "TLS_AES_256_GCM_SHA384" : "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", json);
    json += ",\"ts\":\"";
    AppendFileTime(unix_ticks, json);
    json += "\"}";
}

void BuildDnsFields(Random& random, std::string_view query, std::string_view answer_ip, int64_t unix_ticks,
                    std::string& json) {
    json.clear();
    json.push_back('{');
    AppendPair("direction", "Out", json);
    AppendNumberPair("trans_id", random.Between(1, 65535), json);
    AppendPair("query", query, json);
    AppendPair("qclass", "1", json);
    AppendPair("qclass_name", "C_INTERNET", json);
    const bool ipv6 = answer_ip.find(':') != std::string_view::npos;
    AppendPair("qtype", ipv6 ? "28" : "1", json);
    AppendPair("qtype_name", ipv6 ? "AAAA" : "A", json);
    const bool failed = random.Chance(0.04);
    AppendPair("rcode", failed ? "3" : "0", json);
    json += ",\"uid\":\"";
    AppendZeekUid(random, json);
    json += '"';
    AppendPair("rcode_name", failed ? "NXDOMAIN" : "NOERROR", json);
    AppendPair("AA", "false", json);
    AppendPair("TC", "false", json);
    AppendPair("RD", "true", json);
    AppendPair("RA", "true", json);
    // Zeek's answers and TTLs are arrays, which Defender serialises into strings.
    if (failed) {
        AppendPair("answers", "[]", json);
        AppendPair("TTLs", "[]", json);
    } else {
        json += ",\"answers\":\"[\\\"";
        json += answer_ip;
        json += "\\\"]\",\"TTLs\":\"[";
        AppendNumber(random.Between(20, 3600), json);
        json += ".0]\"";
    }
    AppendPair("rejected", "false", json);
    json += ",\"ts\":\"";
    AppendFileTime(unix_ticks, json);
    json += "\"}";
}

void BuildIcmpFields(Random& random, std::string& json) {
    const int64_t packets = random.Between(1, 8);
    const int64_t payload = packets * 32;
    json.clear();
    json.push_back('{');
    AppendPair("direction", "Out", json);
    AppendPair("conn_state", "OTH", json);
    AppendPair("duration", random.Chance(0.5) ? "0.20191597938537598" : "0.012939906120300293", json);
    AppendPair("missed_bytes", "0", json);
    AppendNumberPair("orig_bytes", payload, json);
    AppendNumberPair("orig_ip_bytes", payload + packets * 28, json);
    AppendNumberPair("orig_pkts", packets, json);
    AppendNumberPair("resp_bytes", payload, json);
    AppendNumberPair("resp_ip_bytes", payload + packets * 28, json);
    AppendNumberPair("resp_pkts", packets, json);
    json += ",\"uid\":\"";
    AppendZeekUid(random, json);
    json += "\"}";
}

} // namespace unmask::bench
