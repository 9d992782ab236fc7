// The TLS dissector on hand-built handshakes: fingerprint definitions with their published
// worked examples, reassembly across records and feeds, SSLv2 and HelloRetryRequest, and the
// FakeTLS evidence codes.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dissect/ja_fingerprints.h"
#include "dissect/tls.h"
#include "dissect/tls_names.h"

namespace unmask::dissect {
namespace {

using Bytes = std::vector<uint8_t>;

void Put16(Bytes& out, uint16_t value) {
    out.push_back(static_cast<uint8_t>(value >> 8));
    out.push_back(static_cast<uint8_t>(value));
}
void Put24(Bytes& out, size_t value) {
    out.push_back(static_cast<uint8_t>(value >> 16));
    out.push_back(static_cast<uint8_t>(value >> 8));
    out.push_back(static_cast<uint8_t>(value));
}
void Append(Bytes& out, const Bytes& more) {
    out.insert(out.end(), more.begin(), more.end());
}
Bytes Vector16(const Bytes& body) {
    Bytes out;
    Put16(out, static_cast<uint16_t>(body.size()));
    Append(out, body);
    return out;
}
Bytes List16(const std::vector<uint16_t>& values) {
    Bytes body;
    for (uint16_t v : values)
        Put16(body, v);
    return body;
}

struct Extension {
    uint16_t type;
    Bytes body;
};

Extension Sni(const std::string& name) {
    Bytes entry = {0};
    Append(entry, Vector16(Bytes(name.begin(), name.end())));
    return {0x0000, Vector16(entry)};
}
Extension Alpn(const std::vector<std::string>& protocols) {
    Bytes list;
    for (const auto& p : protocols) {
        list.push_back(static_cast<uint8_t>(p.size()));
        list.insert(list.end(), p.begin(), p.end());
    }
    return {0x0010, Vector16(list)};
}
Extension Groups(const std::vector<uint16_t>& groups) {
    return {0x000a, Vector16(List16(groups))};
}
Extension PointFormats(const Bytes& formats) {
    Bytes body = {static_cast<uint8_t>(formats.size())};
    Append(body, formats);
    return {0x000b, body};
}
Extension SignatureAlgorithms(const std::vector<uint16_t>& algorithms) {
    return {0x000d, Vector16(List16(algorithms))};
}
Extension SupportedVersions(const std::vector<uint16_t>& versions) {
    Bytes body = {static_cast<uint8_t>(versions.size() * 2)};
    Append(body, List16(versions));
    return {0x002b, body};
}
Extension ClientKeyShare(uint16_t group) {
    Bytes share;
    Put16(share, group);
    Append(share, Vector16(Bytes(32, 0x42)));
    return {0x0033, Vector16(share)};
}
Extension Empty(uint16_t type) {
    return {type, {}};
}

Bytes Extensions(const std::vector<Extension>& extensions) {
    Bytes block;
    for (const auto& e : extensions) {
        Put16(block, e.type);
        Append(block, Vector16(e.body));
    }
    return Vector16(block);
}

Bytes ClientHelloBody(uint16_t version, const std::vector<uint16_t>& ciphers, const std::vector<Extension>& extensions,
                      const Bytes& session_id = {}) {
    Bytes body;
    Put16(body, version);
    Append(body, Bytes(32, 0x11));
    body.push_back(static_cast<uint8_t>(session_id.size()));
    Append(body, session_id);
    Append(body, Vector16(List16(ciphers)));
    Append(body, {1, 0});
    if (!extensions.empty()) {
        Append(body, Extensions(extensions));
    }
    return body;
}

Bytes ServerHelloBody(uint16_t version, uint16_t cipher, const std::vector<Extension>& extensions, bool retry = false,
                      const Bytes& session_id = {}) {
    static const Bytes kRetryRandom = {0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
                                       0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
                                       0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
    Bytes body;
    Put16(body, version);
    Append(body, retry ? kRetryRandom : Bytes(32, 0x22));
    body.push_back(static_cast<uint8_t>(session_id.size()));
    Append(body, session_id);
    Put16(body, cipher);
    body.push_back(0);
    if (!extensions.empty()) {
        Append(body, Extensions(extensions));
    }
    return body;
}

Bytes Handshake(uint8_t type, const Bytes& body) {
    Bytes out = {type};
    Put24(out, body.size());
    Append(out, body);
    return out;
}

Bytes Record(uint8_t type, const Bytes& body, uint16_t version = 0x0303) {
    Bytes out = {type};
    Put16(out, version);
    Put16(out, static_cast<uint16_t>(body.size()));
    Append(out, body);
    return out;
}

Bytes RandomBytes(size_t count, uint32_t seed) {
    std::mt19937 generator(seed);
    Bytes out(count);
    for (auto& b : out)
        b = static_cast<uint8_t>(generator());
    return out;
}

// A certificate-shaped blob: DER SEQUENCE tag and a marker.
Bytes FakeCertificate(uint8_t marker) {
    return {0x30, 0x03, 0x02, 0x01, marker};
}

Bytes CertificateBody(const std::vector<Bytes>& certificates) {
    Bytes list;
    for (const auto& c : certificates) {
        Put24(list, c.size());
        Append(list, c);
    }
    Bytes body;
    Put24(body, list.size());
    Append(body, list);
    return body;
}

// Ciphers, extensions and signature algorithms of the worked example in FoxIO's JA4.md.
const std::vector<uint16_t> kJa4Ciphers = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
                                           0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
const std::vector<uint16_t> kJa4SignatureAlgorithms = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};

Bytes Ja4ExampleClientHello(bool with_grease) {
    std::vector<uint16_t> ciphers = kJa4Ciphers;
    std::vector<Extension> extensions = {Empty(0x001b),
                                         Sni("example.com"),
                                         ClientKeyShare(0x001d),
                                         Alpn({"h2", "http/1.1"}),
                                         Empty(0x4469),
                                         Empty(0x0017),
                                         {0x002d, {1, 1}},
                                         SignatureAlgorithms(kJa4SignatureAlgorithms),
                                         {0x0005, {1, 0, 0, 0, 0}},
                                         Empty(0x0023),
                                         Empty(0x0012),
                                         SupportedVersions({0x0304, 0x0303}),
                                         {0xff01, {0}},
                                         PointFormats({0}),
                                         Groups({0x001d, 0x0017, 0x0018}),
                                         {0x0015, Bytes(10, 0)}};
    if (with_grease) {
        ciphers.insert(ciphers.begin(), 0x4a4a);
        extensions.insert(extensions.begin(), Empty(0x2a2a));
        extensions.push_back({0xdada, {0}});
        extensions[4 + 1].body =
            Vector16(List16({0x6a6a, 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601}));
    }
    return Record(22, Handshake(1, ClientHelloBody(0x0303, ciphers, extensions)), 0x0301);
}

TlsFacts DissectClient(const Bytes& client_bytes) {
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, client_bytes);
    dissector.Finish();
    return dissector.facts();
}

TEST(Ja3, ReadmeExamples) {
    // salesforce/ja3 README: the input strings and their MD5 values.
    EXPECT_EQ(Md5Hex("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0"),
              "ada70206e40642a3e4461f35503241d5");
    EXPECT_EQ(Md5Hex("769,4-5-10-9-100-98-3-6-19-18-99,,,"), "de350869b8c85de67a350c8d186f11e6");

    const TlsFacts with_extensions = DissectClient(
        Record(22,
               Handshake(1, ClientHelloBody(0x0301, {47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4},
                                            {Sni("a.example"), Groups({0x0a0a, 23, 24, 25}), PointFormats({0})})),
               0x0301));
    EXPECT_EQ(with_extensions.ja3_full, "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0");
    EXPECT_EQ(with_extensions.ja3, "ada70206e40642a3e4461f35503241d5");

    const TlsFacts without_extensions = DissectClient(
        Record(22, Handshake(1, ClientHelloBody(0x0301, {4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99}, {})), 0x0301));
    EXPECT_EQ(without_extensions.ja3_full, "769,4-5-10-9-100-98-3-6-19-18-99,,,");
    EXPECT_EQ(without_extensions.ja3, "de350869b8c85de67a350c8d186f11e6");
}

TEST(Ja4, DocumentedExample) {
    // FoxIO-LLC/ja4 technical_details/JA4.md, section Example and Raw Output.
    for (bool grease : {false, true}) {
        const TlsFacts facts = DissectClient(Ja4ExampleClientHello(grease));
        EXPECT_EQ(facts.ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1") << "grease " << grease;
        EXPECT_EQ(facts.ja4_r,
                  "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,"
                  "000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,"
                  "0601");
        EXPECT_EQ(facts.ja4_ro,
                  "t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,"
                  "0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,"
                  "0501,0806,0601");
    }
    EXPECT_EQ(Sha256Hex12("0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"), "6d807ffa2a79");
}

TEST(Ja4, EmptyListsAndIpDestination) {
    TlsClientHello hello;
    hello.legacy_version = 0x0301;
    const Ja4Fingerprint empty = ComputeJa4(hello);
    EXPECT_EQ(empty.ja4, "t10i000000_000000000000_000000000000");
    hello.cipher_suites.assign(120, 0x002f);
    EXPECT_EQ(ComputeJa4(hello).ja4.substr(0, 10), "t10i990000");
}

TEST(Ja4, AlpnCharacterRule) {
    // FoxIO's examples of the non-alphanumeric rule, and the plain cases.
    EXPECT_EQ(Ja4AlpnCode("h2"), "h2");
    EXPECT_EQ(Ja4AlpnCode("http/1.1"), "h1");
    EXPECT_EQ(Ja4AlpnCode("x"), "xx");
    EXPECT_EQ(Ja4AlpnCode(""), "00");
    EXPECT_EQ(Ja4AlpnCode("\xab"), "ab");
    EXPECT_EQ(Ja4AlpnCode("\xab\xcd"), "ad");
    EXPECT_EQ(Ja4AlpnCode("0\xab"), "3b");
    EXPECT_EQ(Ja4AlpnCode("01\xab\xcd"), "3d");
    EXPECT_EQ(Ja4AlpnCode("0\xab\xcd"
                          "1"),
              "01");
}

TEST(Ja4s, DocumentedExample) {
    // FoxIO-LLC/ja4 technical_details/JA4S.md.
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, Ja4ExampleClientHello(false));
    dissector.Feed(
        Direction::kToClient,
        Record(22, Handshake(2, ServerHelloBody(0x0303, 0xc030,
                                                {Empty(0x0005), Empty(0x0017), {0xff01, {0}}, Empty(0x0000)}))));
    const TlsFacts& facts = dissector.facts();
    EXPECT_EQ(facts.ja4s, "t120400_c030_4e8089b08790");
    EXPECT_EQ(facts.ja4s_r, "t120400_c030_0005,0017,ff01,0000");
    EXPECT_EQ(facts.ja3s_full, "771,49200,5-23-65281-0");
    EXPECT_EQ(facts.cipher, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
    EXPECT_EQ(facts.version, "TLSv12");
}

// A complete TLS 1.2 connection: client and server byte streams.
struct Conversation {
    Bytes client;
    Bytes server;
};

Conversation Tls12Conversation() {
    Conversation c;
    Append(c.client, Record(22,
                            Handshake(1, ClientHelloBody(0x0303, {0xc02f, 0x0a0a, 0xc030},
                                                         {Sni("www.example.org"), Groups({0x001d, 0x0017}),
                                                          PointFormats({0}), Alpn({"http/1.1"})})),
                            0x0301));
    Bytes flight = Handshake(2, ServerHelloBody(0x0303, 0xc02f, {{0xff01, {0}}, Alpn({"http/1.1"})}));
    Append(flight, Handshake(11, CertificateBody({FakeCertificate(1), FakeCertificate(2)})));
    Bytes key_exchange = {3, 0x00, 0x1d, 32};
    Append(key_exchange, Bytes(32, 0x55));
    Append(flight, Handshake(12, key_exchange));
    Append(flight, Handshake(14, {}));
    Append(c.server, Record(22, flight)); // several messages in one record
    Append(c.client, Record(22, Handshake(16, Bytes(33, 0x66))));
    Append(c.client, Record(20, {1}));
    Append(c.client, Record(22, RandomBytes(40, 1))); // encrypted Finished
    Append(c.server, Record(20, {1}));
    Append(c.server, Record(22, RandomBytes(40, 2)));
    Append(c.client, Record(23, RandomBytes(300, 3)));
    Append(c.server, Record(23, RandomBytes(3000, 4)));
    return c;
}

void ExpectTls12Facts(const TlsFacts& facts, const std::string& context) {
    EXPECT_EQ(facts.ssl_history, "CsxknGIi") << context;
    EXPECT_EQ(facts.version, "TLSv12") << context;
    EXPECT_EQ(facts.cipher, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256") << context;
    EXPECT_EQ(facts.curve, "x25519") << context;
    EXPECT_EQ(facts.next_protocol, "http/1.1") << context;
    EXPECT_TRUE(facts.established) << context;
    EXPECT_FALSE(facts.resumed) << context;
    EXPECT_EQ(facts.ja3_full, "771,49199-49200,0-10-11-16,29-23,0") << context;
    EXPECT_EQ(facts.client_hello->server_name, "www.example.org") << context;
    ASSERT_EQ(facts.server_certificates_der.size(), 2u) << context;
    EXPECT_EQ(facts.server_certificates_der[1].back(), 2) << context;
    EXPECT_EQ(facts.records[0], 5u) << context;
    EXPECT_EQ(facts.records[1], 4u) << context;
    EXPECT_EQ(facts.application_data_records[0], 1u) << context;
    EXPECT_EQ(facts.application_data_records[1], 1u) << context;
    EXPECT_TRUE(facts.evidence.empty()) << context << ": " << (facts.evidence.empty() ? "" : facts.evidence.front());
}

TEST(TlsDissector, Tls12InOneFeedPerFlight) {
    const Conversation c = Tls12Conversation();
    const size_t client_hello_end = 5 + (static_cast<size_t>(c.client[3]) << 8 | c.client[4]);
    const size_t server_flight_end = 5 + (static_cast<size_t>(c.server[3]) << 8 | c.server[4]);
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, std::span(c.client).first(client_hello_end));
    dissector.Feed(Direction::kToClient, std::span(c.server).first(server_flight_end));
    dissector.Feed(Direction::kToServer, std::span(c.client).subspan(client_hello_end));
    dissector.Feed(Direction::kToClient, std::span(c.server).subspan(server_flight_end));
    dissector.Finish();
    ExpectTls12Facts(dissector.facts(), "whole flights");
    EXPECT_EQ(dissector.facts().bytes_seen[0], c.client.size());
    EXPECT_EQ(dissector.facts().bytes_seen[1], c.server.size());
}

TEST(TlsDissector, SplitAtEveryByteBoundary) {
    const Conversation c = Tls12Conversation();
    // The client's first flight ends after its hello; the server's after ServerHelloDone.
    const size_t client_hello_end = 5 + (static_cast<size_t>(c.client[3]) << 8 | c.client[4]);
    const size_t server_flight_end = 5 + (static_cast<size_t>(c.server[3]) << 8 | c.server[4]);
    for (size_t split = 1; split < server_flight_end; ++split) {
        TlsDissector dissector;
        const std::span<const uint8_t> client(c.client);
        const std::span<const uint8_t> server(c.server);
        const size_t client_split = std::min(split, client_hello_end);
        dissector.Feed(Direction::kToServer, client.first(client_split));
        dissector.Feed(Direction::kToServer, client.subspan(client_split, client_hello_end - client_split));
        dissector.Feed(Direction::kToClient, server.first(split));
        dissector.Feed(Direction::kToClient, server.subspan(split, server_flight_end - split));
        dissector.Feed(Direction::kToServer, client.subspan(client_hello_end));
        dissector.Feed(Direction::kToClient, server.subspan(server_flight_end));
        dissector.Finish();
        ExpectTls12Facts(dissector.facts(), "split at " + std::to_string(split));
        if (HasFailure()) {
            return;
        }
    }
}

TEST(TlsDissector, ByteByByteFeeds) {
    const Conversation c = Tls12Conversation();
    TlsDissector dissector;
    const size_t client_hello_end = 5 + (static_cast<size_t>(c.client[3]) << 8 | c.client[4]);
    const size_t server_flight_end = 5 + (static_cast<size_t>(c.server[3]) << 8 | c.server[4]);
    auto feed_bytes = [&](Direction direction, std::span<const uint8_t> bytes) {
        for (size_t i = 0; i < bytes.size(); ++i)
            dissector.Feed(direction, bytes.subspan(i, 1));
    };
    feed_bytes(Direction::kToServer, std::span(c.client).first(client_hello_end));
    feed_bytes(Direction::kToClient, std::span(c.server).first(server_flight_end));
    feed_bytes(Direction::kToServer, std::span(c.client).subspan(client_hello_end));
    feed_bytes(Direction::kToClient, std::span(c.server).subspan(server_flight_end));
    dissector.Finish();
    ExpectTls12Facts(dissector.facts(), "byte by byte");
}

TEST(TlsDissector, HelloSplitOverRecords) {
    const Bytes message = Handshake(1, ClientHelloBody(0x0303, {0x1301}, {Sni("split.example"), Alpn({"h2"})}));
    Bytes stream;
    Append(stream, Record(22, Bytes(message.begin(), message.begin() + 3), 0x0301));
    Append(stream, Record(22, Bytes(message.begin() + 3, message.begin() + 20), 0x0301));
    Append(stream, Record(22, Bytes(message.begin() + 20, message.end()), 0x0301));
    const TlsFacts facts = DissectClient(stream);
    ASSERT_TRUE(facts.client_hello.has_value());
    EXPECT_EQ(facts.client_hello->server_name, "split.example");
    EXPECT_EQ(facts.client_hello->alpn, std::vector<std::string>{"h2"});
    EXPECT_EQ(facts.records[0], 3u);
    EXPECT_EQ(facts.evidence, std::vector<std::string>{"client_hello_unanswered"});
}

TEST(TlsDissector, Tls13HelloRetryRequest) {
    TlsDissector dissector;
    const std::vector<Extension> first = {Sni("hrr.example"), SupportedVersions({0x3a3a, 0x0304, 0x0303}),
                                          Groups({0x001d, 0x0017}), ClientKeyShare(0x001d)};
    dissector.Feed(Direction::kToServer, Record(22, Handshake(1, ClientHelloBody(0x0303, {0x1301}, first)), 0x0301));
    Bytes retry_share;
    Put16(retry_share, 0x0017);
    dissector.Feed(Direction::kToClient,
                   Record(22, Handshake(2, ServerHelloBody(0x0303, 0x1301,
                                                           {{0x002b, {0x03, 0x04}}, {0x0033, retry_share}}, true))));
    dissector.Feed(Direction::kToClient, Record(20, {1}));
    dissector.Feed(Direction::kToServer, Record(20, {1}));
    const std::vector<Extension> second = {Sni("hrr.example"), SupportedVersions({0x0304}), ClientKeyShare(0x0017)};
    dissector.Feed(Direction::kToServer, Record(22, Handshake(1, ClientHelloBody(0x0303, {0x1301}, second))));
    Bytes server_share;
    Put16(server_share, 0x0017);
    Append(server_share, Vector16(Bytes(65, 4)));
    dissector.Feed(
        Direction::kToClient,
        Record(22, Handshake(2, ServerHelloBody(0x0303, 0x1301, {{0x002b, {0x03, 0x04}}, {0x0033, server_share}}))));
    dissector.Feed(Direction::kToClient, Record(23, RandomBytes(800, 5)));
    EXPECT_FALSE(dissector.facts().established);
    dissector.Feed(Direction::kToServer, Record(23, RandomBytes(60, 6)));
    dissector.Finish();
    const TlsFacts& facts = dissector.facts();
    EXPECT_EQ(facts.ssl_history, "CjiICs");
    ASSERT_TRUE(facts.hello_retry_request.has_value());
    EXPECT_EQ(facts.hello_retry_request->key_share_group, 0x0017);
    EXPECT_EQ(facts.version, "TLSv13");
    EXPECT_EQ(facts.cipher, "TLS_AES_128_GCM_SHA256");
    EXPECT_EQ(facts.curve, "secp256r1");
    EXPECT_TRUE(facts.established);
    EXPECT_EQ(facts.ja4.substr(0, 10), "t13d010400"); // fingerprint of the first ClientHello
    EXPECT_EQ(facts.ja4s.substr(0, 8), "t130200_");
    EXPECT_TRUE(facts.evidence.empty()) << facts.evidence.front();
}

TEST(TlsDissector, Sslv2FormatHello) {
    // SSLv2-compatible ClientHello (RFC 5246, appendix E.2) offering TLS 1.0.
    Bytes message = {1, 0x03, 0x01};
    Put16(message, 9);  // cipher specs length
    Put16(message, 0);  // session ID length
    Put16(message, 16); // challenge length
    Append(message, {0x00, 0x00, 0x2f, 0x01, 0x00, 0x80, 0x00, 0x00, 0x0a});
    Append(message, Bytes(16, 0x77));
    Bytes stream = {static_cast<uint8_t>(0x80 | (message.size() >> 8)), static_cast<uint8_t>(message.size())};
    Append(stream, message);
    EXPECT_TRUE(LooksLikeTlsStart(stream));
    const TlsFacts facts = DissectClient(stream);
    ASSERT_TRUE(facts.client_hello.has_value());
    EXPECT_TRUE(facts.tls_detected);
    EXPECT_TRUE(facts.client_hello->sslv2_format);
    EXPECT_EQ(facts.client_hello->legacy_version, 0x0301);
    EXPECT_EQ(facts.client_hello->cipher_suites, (std::vector<uint16_t>{0x002f, 0x000a}));
    EXPECT_EQ(facts.ja3_full, "769,47-65664-10,,,");
    EXPECT_EQ(facts.ssl_history, "C");
}

TEST(TlsDissector, OversizedHandshakeLengthIsBounded) {
    Bytes body = {1, 0xff, 0xff, 0xff};
    Append(body, Bytes(200, 0));
    TlsDissector dissector(TlsLimits{.max_buffered_bytes = 4096, .max_certificates = 10});
    dissector.Feed(Direction::kToServer, Record(22, body, 0x0301));
    for (int i = 0; i < 10; ++i)
        dissector.Feed(Direction::kToServer, Record(22, Bytes(16000, 0), 0x0301));
    dissector.Finish();
    const TlsFacts& facts = dissector.facts();
    EXPECT_TRUE(facts.HasEvidence("handshake_message_oversized"));
    EXPECT_FALSE(facts.client_hello.has_value());
    EXPECT_EQ(facts.records[0], 11u);
}

TEST(TlsDissector, TruncatedHelloReported) {
    Bytes record = Record(22, Handshake(1, ClientHelloBody(0x0303, {0x1301}, {Sni("cut.example")})), 0x0301);
    record.resize(record.size() - 7);
    const TlsFacts facts = DissectClient(record);
    EXPECT_FALSE(facts.client_hello.has_value());
    EXPECT_TRUE(facts.HasEvidence("handshake_message_truncated"));
    EXPECT_EQ(facts.ssl_history, "");
}

TEST(TlsDissector, InconsistentLengthsReported) {
    Bytes body = ClientHelloBody(0x0303, {0x1301}, {Sni("len.example")});
    body.push_back(0); // a byte after the extensions block
    EXPECT_TRUE(DissectClient(Record(22, Handshake(1, body), 0x0301)).HasEvidence("handshake_length_mismatch"));

    Bytes odd_ciphers;
    Put16(odd_ciphers, 0x0303);
    Append(odd_ciphers, Bytes(32, 1));
    Append(odd_ciphers, {0, 0, 3, 0x13, 0x01, 0x13, 1, 0});
    EXPECT_TRUE(DissectClient(Record(22, Handshake(1, odd_ciphers), 0x0301)).HasEvidence("malformed_client_hello"));

    Extension bad_sni = Sni("x.example");
    bad_sni.body[1] += 5; // server_name list longer than the extension
    const TlsFacts facts =
        DissectClient(Record(22, Handshake(1, ClientHelloBody(0x0303, {0x1301}, {bad_sni})), 0x0301));
    EXPECT_TRUE(facts.HasEvidence("malformed_extension"));
    EXPECT_TRUE(facts.client_hello.has_value());
}

TEST(TlsDissector, ServerAnswersWithHttp) {
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, Ja4ExampleClientHello(false));
    const std::string reply = "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n";
    dissector.Feed(Direction::kToClient, std::span(reinterpret_cast<const uint8_t*>(reply.data()), reply.size()));
    dissector.Finish();
    const TlsFacts& facts = dissector.facts();
    EXPECT_TRUE(facts.HasEvidence("server_not_tls"));
    EXPECT_TRUE(facts.HasEvidence("client_hello_unanswered"));
    EXPECT_DOUBLE_EQ(facts.first_payload_printable_ratio_by_direction[1], 1.0);
}

TEST(TlsDissector, RandomBytesBehindRecordHeader) {
    Bytes stream = Record(23, RandomBytes(512, 9));
    Append(stream, Record(23, RandomBytes(100, 10)));
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, stream);
    dissector.Feed(Direction::kToClient, Record(23, RandomBytes(256, 11)));
    dissector.Finish();
    const TlsFacts& facts = dissector.facts();
    EXPECT_TRUE(facts.tls_detected);
    EXPECT_TRUE(facts.HasEvidence("no_handshake_after_record_header"));
    EXPECT_TRUE(facts.HasEvidence("application_data_before_handshake"));
    EXPECT_TRUE(facts.HasEvidence("random_record_body"));
    EXPECT_GT(facts.first_payload_entropy, 7.0);
    EXPECT_LT(facts.first_payload_printable_ratio, 0.6);
    EXPECT_EQ(facts.application_data_records[0], 2u);
    EXPECT_FALSE(facts.HasEvidence("client_hello_unanswered"));
}

TEST(TlsDissector, RandomHandshakeBodyFlagged) {
    Bytes body = RandomBytes(400, 12);
    body[0] = 0x63; // not a handshake type
    const TlsFacts facts = DissectClient(Record(22, body, 0x0301));
    EXPECT_TRUE(facts.HasEvidence("random_record_body"));
    EXPECT_TRUE(facts.HasEvidence("no_handshake_after_record_header"));
}

TEST(TlsDissector, InvalidRecordMidStream) {
    Bytes stream = Ja4ExampleClientHello(false);
    Append(stream, {0x47, 0x45, 0x54, 0x20, 0x2f}); // "GET /"
    Append(stream, Record(23, Bytes(10, 0)));
    const TlsFacts facts = DissectClient(stream);
    EXPECT_TRUE(facts.HasEvidence("invalid_record_content_type"));
    EXPECT_EQ(facts.records[0], 1u);

    Bytes bad_version = Ja4ExampleClientHello(false);
    Append(bad_version, Record(23, Bytes(10, 0), 0x0505));
    EXPECT_TRUE(DissectClient(bad_version).HasEvidence("invalid_record_version"));
}

TEST(TlsDissector, CertificateLimitAndAlerts) {
    TlsDissector dissector(TlsLimits{.max_buffered_bytes = 64 * 1024, .max_certificates = 2});
    dissector.Feed(Direction::kToServer, Ja4ExampleClientHello(false));
    Bytes flight = Handshake(2, ServerHelloBody(0x0303, 0x009c, {}));
    Append(flight, Handshake(11, CertificateBody({FakeCertificate(1), FakeCertificate(2), FakeCertificate(3)})));
    dissector.Feed(Direction::kToClient, Record(22, flight));
    dissector.Feed(Direction::kToClient, Record(21, {2, 40}));
    dissector.Feed(Direction::kToClient, Record(24, Bytes(20, 1)));
    dissector.Finish();
    const TlsFacts& facts = dissector.facts();
    EXPECT_EQ(facts.server_certificates_der.size(), 2u);
    EXPECT_TRUE(facts.HasEvidence("certificate_limit_reached"));
    ASSERT_EQ(facts.alerts.size(), 1u);
    EXPECT_EQ(facts.alerts[0].direction, Direction::kToClient);
    EXPECT_EQ(facts.alerts[0].description, 40);
    EXPECT_EQ(facts.last_alert, "handshake_failure");
    EXPECT_EQ(facts.ssl_history, "Csxlb");
    EXPECT_EQ(facts.ja3s_full, "771,156,");
    EXPECT_EQ(facts.ja4s, "t120000_009c_000000000000");
}

TEST(TlsDissector, SessionIdResumption) {
    const Bytes session_id(32, 0x5a);
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer,
                   Record(22, Handshake(1, ClientHelloBody(0x0303, {0xc02f}, {Sni("r.example")}, session_id)), 0x0301));
    dissector.Feed(Direction::kToClient,
                   Record(22, Handshake(2, ServerHelloBody(0x0303, 0xc02f, {}, false, session_id))));
    dissector.Feed(Direction::kToClient, Record(20, {1}));
    dissector.Feed(Direction::kToServer, Record(20, {1}));
    EXPECT_TRUE(dissector.facts().resumed);
    EXPECT_TRUE(dissector.facts().established);
    EXPECT_EQ(dissector.facts().ssl_history, "CsiI");
}

TEST(TlsDissector, GapStopsDirection) {
    TlsDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes{22, 3, 1, 0, 50, 1, 0, 0});
    dissector.Gap(Direction::kToServer, 1400);
    dissector.Feed(Direction::kToServer, Bytes(100, 0));
    dissector.Finish();
    EXPECT_TRUE(dissector.facts().HasEvidence("stream_gap"));
    EXPECT_EQ(dissector.facts().gap_bytes[0], 1400u);
    EXPECT_FALSE(dissector.facts().HasEvidence("handshake_message_truncated"));
}

TEST(TlsDissector, LooksLikeTlsStart) {
    EXPECT_TRUE(LooksLikeTlsStart(Bytes{22, 3, 1, 2, 0}));
    EXPECT_TRUE(LooksLikeTlsStart(Bytes{23, 3, 3}));
    EXPECT_FALSE(LooksLikeTlsStart(Bytes{25, 3, 3, 0, 1}));
    EXPECT_FALSE(LooksLikeTlsStart(Bytes{22, 3, 5, 0, 1}));
    EXPECT_FALSE(LooksLikeTlsStart(Bytes{'S', 'S', 'H', '-', '2'}));
    EXPECT_FALSE(LooksLikeTlsStart(Bytes{22, 3}));
    EXPECT_TRUE(LooksLikeTlsStart(Bytes{0x80, 0x2e, 1, 0, 2}));
    EXPECT_FALSE(LooksLikeTlsStart(Bytes{0x80, 0x2e, 4, 0, 2}));
}

TEST(TlsNames, IanaNames) {
    EXPECT_TRUE(TlsNameTablesAreSorted());
    EXPECT_EQ(CipherSuiteName(0x1301), "TLS_AES_128_GCM_SHA256");
    EXPECT_EQ(CipherSuiteName(0xc02f), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    EXPECT_EQ(CipherSuiteName(0x0a0a), "unknown-0x0a0a");
    EXPECT_EQ(NamedGroupName(0x001d), "x25519");
    EXPECT_EQ(NamedGroupName(0x11ec), "X25519MLKEM768");
    EXPECT_EQ(TlsVersionName(0x0300), "SSLv3");
    EXPECT_EQ(AlertDescriptionName(112), "unrecognized_name");
}

} // namespace
} // namespace unmask::dissect
