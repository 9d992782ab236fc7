// ReadZeekLogs on small hand-written logs: the row of each log kind, the ssl ↔ conn and
// ssl ↔ x509 joins in both ssl.log layouts, host names from DHCP and DNS, and rejects.
#include <gtest/gtest.h>

#include "table/datetime.h"
#include "zeek_test_util.h"

namespace unmask::ingest::zeek {
namespace {

using testing::Key;
using testing::MakeTempDir;
using testing::ReadLogs;
using testing::Rejected;
using testing::Row;
using testing::WriteFile;
namespace fs = std::filesystem;

std::string TsvHeader(const std::string& path, const std::string& fields, const std::string& types) {
    return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t" + path +
           "\n#open\t2024-01-01-00-00-00\n#fields\t" + fields + "\n#types\t" + types + "\n";
}

const std::string kConnFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\t"
    "conn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes";
const std::string kConnTypes =
    "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\t"
    "count\tcount\tcount\tcount";

const Row* FindRow(const std::vector<Row>& rows, const std::string& uid) {
    for (const Row& row : rows) {
        if (Key(row, "uid") == uid) {
            return &row;
        }
    }
    return nullptr;
}

int64_t Ticks(const char* iso) {
    return *ParseDateTime(iso);
}

TEST(ZeekConn, ActionTypesAndFields) {
    const fs::path dir = MakeTempDir("conn");
    WriteFile(dir / "conn.log",
              TsvHeader("conn", kConnFields, kConnTypes) +
                  "1700000000.123456\tCsf\t10.0.0.5\t50000\t93.184.216.34\t443\ttcp\tssl\t1.5\t700\t5000\tSF\tT\tF\t0\t"
                  "ShADadfF\t10\t1100\t9\t5400\n"
                  "1700000001.000000\tCs0\t10.0.0.5\t50001\t93.184.216.34\t8443\ttcp\t-\t-\t-\t-"
                  "\tS0\tT\tF\t0\tS\t1\t60\t0\t0\n"
                  "1700000002.000000\tCrej\t10.0.0.5\t50002\t93.184.216.34\t22\ttcp\t-\t0."
                  "001\t0\t0\tREJ\tT\tF\t0\tSr\t1\t60\t1\t40\n"
                  "1700000003.000000\tCin\t198.51.100.7\t40000\t10.0.0.9\t22\ttcp\tssh\t3.0\t2000\t3000\tSF\tF\tT\t0\t"
                  "ShADadFf\t20\t3000\t20\t4000\n"
                  "1700000004.000000\tCicmp\t10.0.0.5\t8\t93.184.216.34\t0\ticmp\t-\t0.01\t56\t56\tOTH\tT\tF\t0\t-"
                  "\t1\t84\t1\t84\n"
                  "1700000005.000000\tCoth\t10.0.0.5\t50003\t93.184.216.34\t443\ttcp\t-\t9."
                  "0\t10\t20\tOTH\tT\tF\t0\tDd\t2\t90\t2\t100\n");
    WriteFile(dir / "weird.log",
              TsvHeader("weird", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tname\tnotice",
                        "time\tstring\taddr\tport\taddr\tport\tstring\tbool") +
                  "1700000000.2\tCsf\t10.0.0.5\t50000\t93.184.216.34\t443\tbad_TCP_checksum\tF\n"
                  "1700000000.3\tCsf\t10.0.0.5\t50000\t93.184.216.34\t443\tbad_TCP_checksum\tF\n"
                  "1700000000.4\tCsf\t10.0.0.5\t50000\t93.184.216.34\t443\tdata_before_established\tF\n");
    const auto outcome = ReadLogs({(dir / "conn.log").string(), (dir / "weird.log").string()});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    ASSERT_EQ(outcome.rows.size(), 6u);

    const Row* sf = FindRow(outcome.rows, "Csf");
    ASSERT_NE(sf, nullptr);
    EXPECT_EQ(sf->action_type, "ConnectionSuccess");
    EXPECT_EQ(sf->timestamp, Ticks("2023-11-14T22:13:20.123456Z"));
    EXPECT_EQ(sf->local_ip, "10.0.0.5");
    EXPECT_EQ(sf->remote_port, 443);
    EXPECT_EQ(sf->protocol, "Tcp");
    EXPECT_EQ(sf->sent_bytes, 700);
    EXPECT_EQ(sf->received_bytes, 5000);
    EXPECT_EQ(sf->local_ip_type, "Private");
    EXPECT_EQ(sf->remote_ip_type, "Public");
    EXPECT_EQ(sf->device_name, "10.0.0.5");
    EXPECT_EQ(Key(*sf, "direction"), "Out");
    EXPECT_EQ(Key(*sf, "conn_state"), "SF");
    EXPECT_EQ(Key(*sf, "history"), "ShADadfF");
    EXPECT_EQ(Key(*sf, "duration"), "1.5");
    EXPECT_EQ(Key(*sf, "orig_pkts"), "10");
    EXPECT_EQ(Key(*sf, "resp_ip_bytes"), "5400");
    EXPECT_EQ(Key(*sf, "service"), "ssl");
    EXPECT_EQ(Key(*sf, "local_orig"), "true");
    EXPECT_EQ(Key(*sf, "local_resp"), "false");
    EXPECT_EQ(Key(*sf, "weird"), R"(["bad_TCP_checksum","data_before_established"])");
    EXPECT_EQ(outcome.zeek.weird_by_name.at("bad_TCP_checksum"), 2u);

    const Row* s0 = FindRow(outcome.rows, "Cs0");
    ASSERT_NE(s0, nullptr);
    EXPECT_EQ(s0->action_type, "ConnectionFailed");
    EXPECT_FALSE(s0->sent_bytes.has_value());
    EXPECT_FALSE(Key(*s0, "duration").has_value());
    EXPECT_FALSE(Key(*s0, "weird").has_value());
    EXPECT_EQ(FindRow(outcome.rows, "Crej")->action_type, "ConnectionFailed");

    const Row* inbound = FindRow(outcome.rows, "Cin");
    ASSERT_NE(inbound, nullptr);
    EXPECT_EQ(inbound->action_type, "InboundConnectionAccepted");
    EXPECT_EQ(inbound->local_ip, "10.0.0.9");
    EXPECT_EQ(inbound->local_port, 22);
    EXPECT_EQ(inbound->remote_ip, "198.51.100.7");
    EXPECT_EQ(inbound->remote_port, 40000);
    EXPECT_EQ(inbound->sent_bytes, 3000);
    EXPECT_EQ(inbound->received_bytes, 2000);
    EXPECT_EQ(Key(*inbound, "direction"), "In");

    EXPECT_EQ(FindRow(outcome.rows, "Cicmp")->action_type, "IcmpConnectionInspected");
    EXPECT_EQ(FindRow(outcome.rows, "Coth")->action_type, "ConnectionSuccess");
}

const std::string kSslNewFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tversion\tcipher\tcurve\tserver_name\tresumed\tlast_alert\t"
    "next_protocol\testablished\tssl_history\tcert_chain_fps\tclient_cert_chain_fps\tsni_matches_cert\t"
    "validation_status\tja3\tja3s\tja4";
const std::string kSslNewTypes =
    "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tbool\tstring\tstring\tbool\tstring\t"
    "vector[string]\tvector[string]\tbool\tstring\tstring\tstring\tstring";
const std::string kX509Fields =
    "ts\tfingerprint\tcertificate.version\tcertificate.serial\tcertificate.subject\tcertificate.issuer\t"
    "certificate.not_valid_before\tcertificate.not_valid_after\tcertificate.key_alg\tcertificate.sig_alg\t"
    "certificate.key_type\tcertificate.key_length\tcertificate.exponent\tcertificate.curve\tsan.dns\tsan.uri\t"
    "san.email\tsan.ip\tbasic_constraints.ca\tbasic_constraints.path_len\thost_cert\tclient_cert";
const std::string kX509Types =
    "time\tstring\tcount\tstring\tstring\tstring\ttime\ttime\tstring\tstring\tstring\tcount\tstring\tstring\t"
    "vector[string]\tvector[string]\tvector[string]\tvector[addr]\tbool\tcount\tbool\tbool";

TEST(ZeekSsl, NewLayoutJoinsConnAndX509) {
    const fs::path dir = MakeTempDir("ssl-new");
    const std::string sha256 = std::string(64, 'a');
    const std::string sha1 = "0123456789ABCDEF0123456789ABCDEF01234567";
    WriteFile(
        dir / "ssl.log",
        TsvHeader("ssl", kSslNewFields, kSslNewTypes) +
            "1700000000.5\tCa\t10.0.0.5\t50000\t93.184.216.34\t443\tTLSv12\tTLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\t"
            "x25519\tupdate.example.com\tF\t-\th2\tT\tCsxknGIi\t" +
            sha256 +
            ",bbbb\t(empty)\tF\tok\t"
            "ja3hash\tja3shash\tt13d1516h2_8daaf6152771_02713d6af862\n"
            "1700000001.5\tCb\t10.0.0.5\t50001\t93.184.216.34\t443\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\t-\tT\t-\t"
            "-\tT\tCsiI\t" +
            sha1 +
            "\t(empty)\t-\t-\t-\t-\t-\n"
            "1700000002.5\tCc\t10.0.0.5\t50002\t93.184.216.34\t443\tTLSv13\tTLS_AES_128_GCM_SHA256\tx25519\t-\tF\t-\t"
            "-\tF\tCs\t(empty)\t(empty)\t-\t-\t-\t-\t-\n");
    WriteFile(dir / "x509.log",
              TsvHeader("x509", kX509Fields, kX509Types) + "1700000000.6\t" + sha256 +
                  "\t3\t0A1B\tCN=update.example.com,O=Example\\\\, Inc\tCN=Example CA\t1690000000.000000\t"
                  "1720000000.000000\trsaEncryption\tsha256WithRSAEncryption\trsa\t2048\t65537\t-\t"
                  "update.example.com,*.example.com\t-\t-\t-\tF\t-\tT\tF\n"
                  "1700000001.6\t" +
                  sha1 +
                  "\t3\t01\tCN=lab\tCN=lab\t1690000000.000000\t1720000000.000000\t"
                  "id-ecPublicKey\tecdsa-with-SHA256\tecdsa\t256\t-\tprime256v1\t-\t-\t-\t-\tF\t-\tT\tF\n");
    WriteFile(dir / "conn.log",
              TsvHeader("conn", kConnFields, kConnTypes) +
                  "1700000000.4\tCa\t10.0.0.5\t50000\t93.184.216.34\t443\ttcp\tssl\t2.0\t517\t4096\tSF\tT\tF\t0\t"
                  "ShADadfF\t8\t900\t7\t4400\n");
    const auto outcome =
        ReadLogs({(dir / "conn.log").string(), (dir / "ssl.log").string(), (dir / "x509.log").string()});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    ASSERT_EQ(outcome.rows.size(), 4u);

    const Row* a = nullptr;
    for (const Row& row : outcome.rows) {
        if (row.action_type == "SslConnectionInspected" && Key(row, "uid") == "Ca") {
            a = &row;
        }
    }
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->remote_url, "update.example.com");
    EXPECT_EQ(a->sent_bytes, 517);
    EXPECT_EQ(a->received_bytes, 4096);
    EXPECT_EQ(Key(*a, "version"), "TLSv12");
    EXPECT_EQ(Key(*a, "resumed"), "false");
    EXPECT_EQ(Key(*a, "established"), "true");
    EXPECT_EQ(Key(*a, "next_protocol"), "h2");
    EXPECT_EQ(Key(*a, "subject"), "CN=update.example.com,O=Example\\, Inc");
    EXPECT_EQ(Key(*a, "issuer"), "CN=Example CA");
    EXPECT_EQ(Key(*a, "ts"), std::to_string((1700000000LL * 10'000'000 + 5'000'000) + 116'444'736'000'000'000LL));
    EXPECT_EQ(Key(*a, "ssl_history"), "CsxknGIi");
    EXPECT_EQ(Key(*a, "cert_chain_fps"), "[\"" + sha256 + "\",\"bbbb\"]");
    EXPECT_EQ(Key(*a, "client_cert_chain_fps"), "[]");
    EXPECT_EQ(Key(*a, "sni_matches_cert"), "false");
    EXPECT_EQ(Key(*a, "validation_status"), "ok");
    EXPECT_EQ(Key(*a, "ja3"), "ja3hash");
    EXPECT_EQ(Key(*a, "ja3s"), "ja3shash");
    EXPECT_EQ(Key(*a, "ja4"), "t13d1516h2_8daaf6152771_02713d6af862");
    EXPECT_EQ(Key(*a, "san_dns"), R"(["update.example.com","*.example.com"])");
    EXPECT_EQ(Key(*a, "serial"), "0A1B");
    EXPECT_EQ(Key(*a, "not_valid_before"), "2023-07-22T04:26:40.0000000Z");
    EXPECT_EQ(Key(*a, "key_type"), "rsa");
    EXPECT_EQ(Key(*a, "key_length"), "2048");
    EXPECT_EQ(Key(*a, "sig_alg"), "sha256WithRSAEncryption");
    EXPECT_FALSE(Key(*a, "cert_sha1").has_value());
    EXPECT_EQ(Key(*a, "self_signed"), "false");
    EXPECT_FALSE(Key(*a, "server_name_missing").has_value());

    const Row* b = nullptr;
    const Row* c = nullptr;
    for (const Row& row : outcome.rows) {
        if (Key(row, "uid") == "Cb") {
            b = &row;
        }
        if (Key(row, "uid") == "Cc") {
            c = &row;
        }
    }
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->remote_url, "");
    EXPECT_FALSE(Key(*b, "server_name").has_value());
    EXPECT_FALSE(b->sent_bytes.has_value());
    EXPECT_EQ(Key(*b, "cert_sha1"), "0123456789abcdef0123456789abcdef01234567");
    EXPECT_EQ(Key(*b, "self_signed"), "true");
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(Key(*c, "subject").has_value());
    EXPECT_FALSE(Key(*c, "self_signed").has_value());

    EXPECT_EQ(outcome.zeek.ssl_with_conn, 1u);
    EXPECT_EQ(outcome.zeek.ssl_without_conn, 2u);
    EXPECT_EQ(outcome.zeek.ssl_with_cert, 2u);
    EXPECT_EQ(outcome.zeek.ssl_cert_missing, 0u);
}

TEST(ZeekSsl, OldLayoutUsesFileIdsAndFilesSha1) {
    const fs::path dir = MakeTempDir("ssl-old");
    WriteFile(dir / "ssl.json",
              R"({"ts":1517422336.04539,"uid":"C2n","id.orig_h":"10.55.100.111","id.orig_p":57488,)"
              R"("id.resp_h":"208.89.12.153","id.resp_p":443,"version":"TLSv12","server_name":"lptag.liveperson.net",)"
              R"("resumed":false,"established":true,"cert_chain_fuids":["Fleaf","Fca"],)"
              R"("subject":"CN=*.liveperson.net","issuer":"CN=COMODO","ja3":"10ee"})"
              "\n"
              R"({"ts":1517422337,"uid":"C3n","id.orig_h":"10.55.100.111","id.orig_p":57489,)"
              R"("id.resp_h":"208.89.12.153","id.resp_p":443,"cert_chain_fuids":["Fgone"]})"
              "\n");
    WriteFile(
        dir / "x509.json",
        R"({"ts":1517422336.1,"id":"Fleaf","certificate.subject":"CN=*.liveperson.net",)"
        R"("certificate.issuer":"CN=COMODO","certificate.not_valid_after":1562773628.0,"san.dns":["*.liveperson.net"]})"
        "\n");
    WriteFile(dir / "files.json",
              R"({"ts":1517422336.1,"fuid":"Fleaf","source":"SSL","mime_type":"application/x-x509-user-cert",)"
              R"("sha1":"d1c8a7f1e4b3c2a1d1c8a7f1e4b3c2a1d1c8a7f1"})"
              "\n"
              R"({"ts":1517422336.1,"fuid":"Fother","source":"HTTP","sha1":"ffff"})"
              "\n");
    const auto outcome =
        ReadLogs({(dir / "ssl.json").string(), (dir / "x509.json").string(), (dir / "files.json").string()});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    ASSERT_EQ(outcome.rows.size(), 2u);
    const Row* leaf = FindRow(outcome.rows, "C2n");
    ASSERT_NE(leaf, nullptr);
    EXPECT_EQ(leaf->timestamp, Ticks("2018-01-31T18:12:16.04539Z"));
    EXPECT_EQ(Key(*leaf, "subject"), "CN=*.liveperson.net");
    EXPECT_EQ(Key(*leaf, "cert_chain_fuids"), R"(["Fleaf","Fca"])");
    EXPECT_EQ(Key(*leaf, "cert_sha1"), "d1c8a7f1e4b3c2a1d1c8a7f1e4b3c2a1d1c8a7f1");
    EXPECT_EQ(Key(*leaf, "not_valid_after"), "2019-07-10T15:47:08.0000000Z");
    EXPECT_EQ(Key(*leaf, "san_dns"), R"(["*.liveperson.net"])");
    EXPECT_EQ(Key(*leaf, "ja3"), "10ee");
    EXPECT_EQ(Key(*leaf, "self_signed"), "false");
    EXPECT_EQ(outcome.zeek.ssl_with_cert, 1u);
    EXPECT_EQ(outcome.zeek.ssl_cert_missing, 1u);
}

TEST(ZeekHttp, DefenderKeysAndUrl) {
    const fs::path dir = MakeTempDir("http");
    WriteFile(
        dir / "http.log",
        TsvHeader("http",
                  "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\treferrer\t"
                  "version\tuser_agent\trequest_body_len\tresponse_body_len\tstatus_code\tstatus_msg\ttags\t"
                  "username\tpassword\tproxied\tresp_fuids\tresp_mime_types",
                  "time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tstring\t"
                  "count\tcount\tcount\tstring\tset[enum]\tstring\tstring\tset[string]\tvector[string]\t"
                  "vector[string]") +
            "1517336154.078555\tCh1\t10.55.100.109\t52068\t52.44.164.170\t80\t1\tGET\twww.alexa.com\t"
            "/topsites/category;2/Top/Business/\t-\t1.1\tWindowsPowerShell/5.1\t0\t178\t301\tMoved Permanently\t"
            "(empty)\tcarol\tsecret\t-\tFfN3\ttext/html\n");
    const auto outcome = ReadLogs({(dir / "http.log").string()});
    ASSERT_TRUE(outcome.status.ok());
    ASSERT_EQ(outcome.rows.size(), 1u);
    const Row& row = outcome.rows[0];
    EXPECT_EQ(row.action_type, "HttpConnectionInspected");
    EXPECT_EQ(row.remote_url, "www.alexa.com");
    EXPECT_EQ(row.remote_port, 80);
    EXPECT_EQ(Key(row, "host"), "www.alexa.com");
    EXPECT_EQ(Key(row, "method"), "GET");
    EXPECT_EQ(Key(row, "uri"), "/topsites/category;2/Top/Business/");
    EXPECT_EQ(Key(row, "user_agent"), "WindowsPowerShell/5.1");
    EXPECT_EQ(Key(row, "version"), "1.1");
    EXPECT_EQ(Key(row, "status_code"), "301");
    EXPECT_EQ(Key(row, "status_msg"), "Moved Permanently");
    EXPECT_EQ(Key(row, "request_body_len"), "0");
    EXPECT_EQ(Key(row, "response_body_len"), "178");
    EXPECT_EQ(Key(row, "trans_depth"), "1");
    EXPECT_EQ(Key(row, "tags"), "[]");
    EXPECT_EQ(Key(row, "username"), "carol");
    EXPECT_FALSE(Key(row, "password").has_value());
    EXPECT_FALSE(Key(row, "referrer").has_value());
    EXPECT_FALSE(Key(row, "proxied").has_value());
    EXPECT_EQ(Key(row, "resp_mime_types"), R"(["text/html"])");
}

// Zeek writes http.log for TLS connections it decrypted (SSL::keylog_file) or saw behind a
// TLS-intercepting proxy; the request row then carries the session's SNI and fingerprints.
TEST(ZeekHttp, DecryptedRequestCarriesItsTlsSession) {
    const fs::path dir = MakeTempDir("http-tls");
    const std::string sha256 = std::string(64, 'c');
    WriteFile(dir / "ssl.log",
              TsvHeader("ssl", kSslNewFields, kSslNewTypes) +
                  "1700000000.5\tCf\t10.0.0.5\t50000\t198.51.100.7\t443\tTLSv12\t"
                  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\tx25519\tallowed.example.com\tF\t-\thttp/1.1\tT\tCsxknGIi\t" +
                  sha256 + "\t(empty)\tT\tok\tja3hash\tja3shash\tt12d1516h1_8daaf6152771_02713d6af862\n");
    WriteFile(dir / "x509.log", TsvHeader("x509", kX509Fields, kX509Types) + "1700000000.6\t" + sha256 +
                                    "\t3\t0A1C\tCN=allowed.example.com,O=Example\tCN=Example CA\t1690000000.000000\t"
                                    "1720000000.000000\trsaEncryption\tsha256WithRSAEncryption\trsa\t2048\t65537\t-\t"
                                    "allowed.example.com,www.allowed.example.com\t-\t-\t-\tF\t-\tT\tF\n");
    WriteFile(dir / "http.log",
              TsvHeader("http",
                        "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\ttrans_depth\tmethod\thost\turi\t"
                        "version\tuser_agent\tstatus_code",
                        "time\tstring\taddr\tport\taddr\tport\tcount\tstring\tstring\tstring\tstring\tstring\tcount") +
                  "1700000000.7\tCf\t10.0.0.5\t50000\t198.51.100.7\t443\t1\tGET\thidden.example.net\t/poll\t1.1\t"
                  "Mozilla/5.0\t200\n"
                  "1700000009.7\tCplain\t10.0.0.5\t50009\t198.51.100.8\t80\t1\tGET\twww.example.org\t/\t1.1\t"
                  "curl/8.0\t200\n");
    const auto outcome =
        ReadLogs({(dir / "http.log").string(), (dir / "ssl.log").string(), (dir / "x509.log").string()});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    const Row* fronted = nullptr;
    const Row* plain = nullptr;
    for (const Row& row : outcome.rows) {
        if (row.action_type == "HttpConnectionInspected") {
            (Key(row, "uid") == "Cf" ? fronted : plain) = &row;
        }
    }
    ASSERT_NE(fronted, nullptr);
    ASSERT_NE(plain, nullptr);
    EXPECT_EQ(Key(*fronted, "host"), "hidden.example.net");
    EXPECT_EQ(Key(*fronted, "tls"), "true");
    EXPECT_EQ(Key(*fronted, "tls_server_name"), "allowed.example.com");
    EXPECT_EQ(Key(*fronted, "tls_version"), "TLSv12");
    EXPECT_EQ(Key(*fronted, "tls_ja3"), "ja3hash");
    EXPECT_EQ(Key(*fronted, "tls_ja4"), "t12d1516h1_8daaf6152771_02713d6af862");
    EXPECT_EQ(Key(*fronted, "tls_cert_names"),
              R"(["allowed.example.com","www.allowed.example.com"])");
    EXPECT_EQ(Key(*fronted, "tls_cert_covers_host"), "false");
    EXPECT_FALSE(Key(*plain, "tls").has_value());
    EXPECT_FALSE(Key(*plain, "tls_server_name").has_value());
}

TEST(ZeekDns, FieldsAndHostNames) {
    const fs::path dir = MakeTempDir("dns");
    const std::string dns_fields =
        "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\t"
        "qtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected";
    const std::string dns_types =
        "time\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\t"
        "string\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool";
    WriteFile(
        dir / "dns.log",
        TsvHeader("dns", dns_fields, dns_types) +
            "1700000000.0\tCd1\t10.0.0.5\t5353\t10.0.0.1\t53\tudp\t4711\t0.002\tupdate.example.com\t1\tC_INTERNET\t1\t"
            "A\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34,198.51.100.1\t300.000000,300.000000\tF\n"
            "1700000001.0\tCd2\t10.0.0.1\t5353\t10.0.0.1\t53\tudp\t4712\t0.001\t5.0.0.10.in-addr.arpa\t1\tC_INTERNET\t"
            "12\tPTR\t0\tNOERROR\tT\tF\tT\tT\t0\tws-05.corp.example.\t3600.000000\tF\n"
            "1700000001.0\tCd3\t10.0.0.1\t5353\t10.0.0.1\t53\tudp\t4713\t0.001\t9.0.0.10.in-addr.arpa\t1\tC_INTERNET\t"
            "12\tPTR\t0\tNOERROR\tT\tF\tT\tT\t0\tfrom-dns.corp.example\t3600.000000\tF\n"
            "1700000001.0\tCd4\t10.0.0.1\t5353\t10.0.0.1\t53\tudp\t4714\t0.001\t34.216.184.93.in-addr.arpa\t1\t"
            "C_INTERNET\t12\tPTR\t0\tNOERROR\tT\tF\tT\tT\t0\tpublic.example\t3600.000000\tF\n"
            "1700000001.0\tCd5\t10.0.0.1\t5353\t10.0.0.1\t53\tudp\t4715\t0.001\t"
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa\t1\tC_INTERNET\t12\tPTR\t0\t"
            "NOERROR\tT\tF\tT\tT\t0\tv6-host.corp.example\t3600.000000\tF\n");
    WriteFile(dir / "dhcp.json",
              R"({"ts":1699999990.0,"uids":["Cx"],"client_addr":"10.0.0.9","assigned_addr":"10.0.0.9",)"
              R"("host_name":"laptop-9","domain":"corp.example","msg_types":["REQUEST","ACK"]})"
              "\n");
    WriteFile(dir / "conn.log",
              TsvHeader("conn", kConnFields, kConnTypes) +
                  "1700000002.0\tCc9\t10.0.0.9\t50000\t93.184.216.34\t443\ttcp\tssl\t2.0\t1\t1\tSF\tT\tF\t0\t"
                  "ShADadfF\t8\t900\t7\t4400\n"
                  "1700000003.0\tCv6\tfd00::1\t50000\t2001:db8::1\t443\ttcp\tssl\t2.0\t1\t1\tSF\tT\tF\t0\t"
                  "ShADadfF\t8\t900\t7\t4400\n");
    const auto outcome =
        ReadLogs({(dir / "dns.log").string(), (dir / "dhcp.json").string(), (dir / "conn.log").string()});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    ASSERT_EQ(outcome.rows.size(), 7u);
    const Row* query = FindRow(outcome.rows, "Cd1");
    ASSERT_NE(query, nullptr);
    EXPECT_EQ(query->action_type, "DnsConnectionInspected");
    EXPECT_EQ(query->remote_url, "update.example.com");
    EXPECT_EQ(query->protocol, "Udp");
    EXPECT_EQ(query->device_name, "ws-05.corp.example");
    EXPECT_EQ(Key(*query, "query"), "update.example.com");
    EXPECT_EQ(Key(*query, "qtype_name"), "A");
    EXPECT_EQ(Key(*query, "rcode_name"), "NOERROR");
    EXPECT_EQ(Key(*query, "trans_id"), "4711");
    EXPECT_EQ(Key(*query, "rtt"), "0.002");
    EXPECT_EQ(Key(*query, "AA"), "false");
    EXPECT_EQ(Key(*query, "RD"), "true");
    EXPECT_EQ(Key(*query, "answers"), R"(["93.184.216.34","198.51.100.1"])");
    EXPECT_EQ(Key(*query, "TTLs"), R"(["300.000000","300.000000"])");
    EXPECT_EQ(Key(*query, "rejected"), "false");

    const Row* dhcp_host = FindRow(outcome.rows, "Cc9");
    ASSERT_NE(dhcp_host, nullptr);
    EXPECT_EQ(dhcp_host->device_name, "laptop-9.corp.example");
    EXPECT_EQ(outcome.zeek.host_names_from_dhcp, 1u);
    const Row* v6_host = FindRow(outcome.rows, "Cv6");
    ASSERT_NE(v6_host, nullptr);
    EXPECT_EQ(v6_host->device_name, "v6-host.corp.example");
    // 10.0.0.5 and fd00::1 come from PTR answers. DHCP names 10.0.0.9, and 93.184.216.34 is external.
    EXPECT_EQ(outcome.zeek.host_names_from_dns, 2u);
}

TEST(ZeekRejects, BadValuesCountedWithLines) {
    const fs::path dir = MakeTempDir("rejects");
    WriteFile(dir / "conn.log",
              TsvHeader("conn", kConnFields, kConnTypes) +
                  "1.0\tC1\t10.0.0.1\t93145\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\tT\tT\t0\tS\t1\t60\t0\t0\n"
                  "1.0\tC2\t10.0.0.300\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\tT\tT\t0\tS\t1\t60\t0\t0\n"
                  "x.0\tC3\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\tT\tT\t0\tS\t1\t60\t0\t0\n"
                  "1.0\tC4\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t-\tlots\t-\tS0\tT\tT\t0\tS\t1\t60\t0\t0\n"
                  "-\tC5\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\tT\tT\t0\tS\t1\t60\t0\t0\n"
                  "2.0\tC6\t10.0.0.1\t1\t10.0.0.2\t80\ttcp\t-\t-\t-\t-\tS0\tT\tT\t0\tS\t1\t60\t0\t0\n");
    const auto outcome = ReadLogs({(dir / "conn.log").string()});
    ASSERT_TRUE(outcome.status.ok());
    ASSERT_EQ(outcome.rows.size(), 1u);
    EXPECT_EQ(Rejected(outcome, kRejectInvalidPort), 1u);
    EXPECT_EQ(Rejected(outcome, kRejectInvalidAddress), 1u);
    EXPECT_EQ(Rejected(outcome, kRejectInvalidDateTime), 1u);
    EXPECT_EQ(Rejected(outcome, kRejectInvalidNumber), 1u);
    EXPECT_EQ(Rejected(outcome, kRejectMissingField), 1u);
    ASSERT_FALSE(outcome.stats.examples.empty());
    const RejectExample& first = outcome.stats.examples.front();
    EXPECT_EQ(first.line, 9u);
    EXPECT_NE(first.hint.find("id.orig_p is \"93145\""), std::string::npos) << first.hint;

    ReadOptions strict;
    strict.strict = true;
    const auto failed = ReadLogs({(dir / "conn.log").string()}, strict);
    EXPECT_EQ(failed.status.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(failed.status.message().find("conn.log:9"), std::string::npos) << failed.status.message();
}

TEST(ZeekChunks, FlushedInBoundedChunks) {
    const fs::path dir = MakeTempDir("chunks");
    std::string text = TsvHeader("conn", kConnFields, kConnTypes);
    for (int i = 0; i < 9000; ++i) {
        text += std::to_string(1700000000 + i) + "\tC" + std::to_string(i) +
                "\t10.0.0.5\t50000\t93.184.216.34\t443\ttcp\tssl\t2.0\t1\t1\tSF\tT\tF\t0\tShADadfF\t8\t900\t7\t4400\n";
    }
    WriteFile(dir / "conn.log", text);
    const auto outcome = ReadLogs({(dir / "conn.log").string()});
    ASSERT_TRUE(outcome.status.ok());
    EXPECT_EQ(outcome.rows.size(), 9000u);
    EXPECT_EQ(outcome.chunks, 3u);
}

}  // namespace
}  // namespace unmask::ingest::zeek
