// Zeek logs from real sensors and tools (the shared corpus): the facts each file is known for,
// TSV/JSON parity on the same 49k TLS records, and robustness on damaged files.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "table/datetime.h"
#include "zeek_test_util.h"

namespace unmask::ingest::zeek {
namespace {

using testing::kCorpus;
using testing::Key;
using testing::MakeTempDir;
using testing::ReadLogs;
using testing::Rejected;
using testing::Row;
namespace fs = std::filesystem;

std::string CorpusPath(const char* name) {
    return (kCorpus / name).string();
}

#define SKIP_WITHOUT_CORPUS()                                                                                          \
    if (!fs::exists(kCorpus)) {                                                                                        \
        GTEST_SKIP() << "corpus not found at " << kCorpus << "; it is the shared folder next to the repo";             \
    }

uint64_t TotalRejected(const testing::ReadOutcome& outcome) {
    uint64_t total = 0;
    for (const auto& [reason, count] : outcome.stats.rejected_by_reason) {
        total += count;
    }
    return total;
}

TEST(ZeekCorpus, RitaPowerShellBeacon) {
    SKIP_WITHOUT_CORPUS();
    const auto outcome = ReadLogs({CorpusPath("rita/dnscat2-ja3-strobe-agent_http.log.gz")});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    // Every line ends with an extra TAB, which reads as one empty trailing field and is accepted.
    EXPECT_EQ(outcome.rows.size(), 27204u);
    EXPECT_EQ(TotalRejected(outcome), 0u);

    std::map<std::string, std::vector<int64_t>> beacon_times;
    std::set<std::string> beacon_urls;
    for (const Row& row : outcome.rows) {
        ASSERT_EQ(row.action_type, "HttpConnectionInspected");
        const std::string user_agent = Key(row, "user_agent").value_or("");
        if (user_agent.find("WindowsPowerShell") != std::string::npos) {
            beacon_times[row.local_ip].push_back(row.timestamp);
            beacon_urls.insert(row.remote_url);
        }
    }
    EXPECT_EQ(beacon_urls, std::set<std::string>{"www.alexa.com"});
    const std::set<std::string> expected_hosts = {"10.55.100.100", "10.55.100.103", "10.55.100.104", "10.55.100.105",
                                                  "10.55.100.106", "10.55.100.107", "10.55.100.108", "10.55.100.109",
                                                  "10.55.100.110", "10.55.100.111"};
    std::set<std::string> hosts;
    size_t beacon_rows = 0;
    for (auto& [host, times] : beacon_times) {
        hosts.insert(host);
        beacon_rows += times.size();
        std::sort(times.begin(), times.end());
        std::vector<int64_t> gaps;
        for (size_t i = 1; i < times.size(); ++i) {
            gaps.push_back(times[i] - times[i - 1]);
        }
        std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
        const int64_t median = gaps[gaps.size() / 2];
        EXPECT_GT(median, 299 * kTicksPerSecond) << host;
        EXPECT_LT(median, 301 * kTicksPerSecond) << host;
    }
    EXPECT_EQ(hosts, expected_hosts);
    EXPECT_EQ(beacon_rows, 2884u);
}

// The TSV and JSON forms of brim's sample hold the same ssl and x509 records, so they must give
// the same rows: same times, endpoints, certificate joins and AdditionalFields text.
TEST(ZeekCorpus, BrimTsvAndJsonRowsIdentical) {
    SKIP_WITHOUT_CORPUS();
    const auto tsv =
        ReadLogs({CorpusPath("brim-zeek/zeek-default_ssl.log.gz"), CorpusPath("brim-zeek/zeek-default_x509.log.gz")});
    const auto json =
        ReadLogs({CorpusPath("brim-zeek/zeek-json_ssl.json.gz"), CorpusPath("brim-zeek/zeek-json_x509.json.gz")});
    ASSERT_TRUE(tsv.status.ok()) << tsv.status.message();
    ASSERT_TRUE(json.status.ok()) << json.status.message();
    EXPECT_EQ(TotalRejected(tsv), 0u);
    EXPECT_EQ(TotalRejected(json), 0u);
    ASSERT_EQ(tsv.rows.size(), 49474u);
    ASSERT_EQ(json.rows.size(), tsv.rows.size());
    EXPECT_EQ(tsv.zeek.ssl_with_cert, json.zeek.ssl_with_cert);
    EXPECT_GT(tsv.zeek.ssl_with_cert, 0u);
    // One ssl record names a leaf certificate that the x509 log of the sample does not contain.
    EXPECT_EQ(tsv.zeek.ssl_cert_missing, 1u);
    EXPECT_EQ(json.zeek.ssl_cert_missing, 1u);

    const auto sorted = [](std::vector<Row> rows) {
        const auto key = [](const Row& row) {
            return std::tie(row.timestamp, row.local_ip, row.local_port, row.remote_ip, row.remote_port,
                            row.additional_fields);
        };
        std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return key(a) < key(b); });
        return rows;
    };
    const std::vector<Row> left = sorted(tsv.rows);
    const std::vector<Row> right = sorted(json.rows);
    size_t mismatches = 0;
    size_t self_signed = 0;
    for (size_t i = 0; i < left.size(); ++i) {
        const Row& a = left[i];
        const Row& b = right[i];
        const bool same = a.timestamp == b.timestamp && a.action_type == b.action_type && a.local_ip == b.local_ip &&
                          a.local_port == b.local_port && a.remote_ip == b.remote_ip &&
                          a.remote_port == b.remote_port && a.remote_url == b.remote_url &&
                          a.device_name == b.device_name && a.additional_fields == b.additional_fields;
        if (!same && ++mismatches <= 3) {
            ADD_FAILURE() << "row " << i << " differs:\nTSV:  " << a.additional_fields
                          << "\nJSON: " << b.additional_fields;
        }
        self_signed += Key(a, "self_signed") == "true" ? 1 : 0;
    }
    EXPECT_EQ(mismatches, 0u);
    EXPECT_GT(self_signed, 0u);

    // The first record: 10.164.94.120 → 10.47.3.200:443, VMware's default certificate.
    const Row& first = left.front();
    EXPECT_EQ(first.timestamp, *ParseDateTime("2018-03-24T17:15:20.615923Z"));
    EXPECT_EQ(first.action_type, "SslConnectionInspected");
    EXPECT_EQ(Key(first, "issuer"), "O=VMware Installer");
    EXPECT_EQ(Key(first, "san_dns"), R"(["localhost.localdomain"])");
    EXPECT_EQ(Key(first, "validation_status"), "unable to get local issuer certificate");
}

TEST(ZeekCorpus, SlipsJsonRelativeTimes) {
    SKIP_WITHOUT_CORPUS();
    const auto outcome =
        ReadLogs({CorpusPath("slips/test9-mixed-zeek-dir_conn.log"), CorpusPath("slips/test9-mixed-zeek-dir_http.log"),
                  CorpusPath("slips/test9-mixed-zeek-dir_ssl.log"), CorpusPath("slips/test9-mixed-zeek-dir_x509.log")});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    EXPECT_EQ(TotalRejected(outcome), 0u);
    EXPECT_EQ(outcome.zeek.records_by_log.at("conn"), 576u);
    EXPECT_EQ(outcome.zeek.records_by_log.at("http"), 516u);
    EXPECT_EQ(outcome.zeek.records_by_log.at("ssl"), 205u);
    EXPECT_EQ(outcome.zeek.records_by_log.at("x509"), 154u);
    EXPECT_EQ(outcome.rows.size(), 576u + 516u + 205u);
    EXPECT_GT(outcome.zeek.ssl_with_conn, 0u);
    EXPECT_GT(outcome.zeek.ssl_with_cert, 0u);

    // Timestamps count from the start of the capture, so they fall on 1970-01-01.
    EXPECT_EQ(outcome.rows.front().timestamp, *ParseDateTime("1970-01-01T00:00:22.335172Z"));
    bool found_mozi = false;
    for (const Row& row : outcome.rows) {
        EXPECT_LT(row.timestamp, *ParseDateTime("1970-01-02T00:00:00Z"));
        if (Key(row, "uri") == "/Mozi.m") {
            found_mozi = true;
            EXPECT_EQ(row.remote_url, "103.41.26.58");
            EXPECT_EQ(Key(row, "user_agent"), "Microsoft NCSI");
        }
    }
    EXPECT_TRUE(found_mozi);
}

TEST(ZeekCorpus, SlipsTsvIpv6AndLeadingTab) {
    SKIP_WITHOUT_CORPUS();
    const auto outcome =
        ReadLogs({CorpusPath("slips/test10-mixed-zeek-dir_conn.log"), CorpusPath("slips/test10-mixed-zeek-dir_ssl.log"),
                  CorpusPath("slips/test10-mixed-zeek-dir_x509.log")});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    EXPECT_EQ(TotalRejected(outcome), 0u);
    EXPECT_EQ(outcome.zeek.records_by_log.at("conn"), 141u);
    EXPECT_EQ(outcome.zeek.records_by_log.at("ssl"), 13u);
    size_t ipv6_rows = 0;
    bool found_mail = false;
    bool found_secai = false;
    for (const Row& row : outcome.rows) {
        ipv6_rows += row.local_ip.find(':') != std::string::npos ? 1 : 0;
        if (row.remote_url == "mail.google.com") {
            found_mail = true;
            EXPECT_EQ(row.action_type, "SslConnectionInspected");
            EXPECT_NE(row.remote_ip.find(':'), std::string::npos);
        }
        if (Key(row, "uid") == "CYetmM3b29tLNkUk42" && row.action_type == "SslConnectionInspected") {
            found_secai = true;
            // The old layout's own subject wins; the x509 record adds the SAN.
            EXPECT_EQ(Key(row, "subject"), "CN=virtual.secai.com");
            EXPECT_EQ(Key(row, "san_dns"), R"(["virtual.secai.com"])");
            EXPECT_EQ(Key(row, "serial"), "032E779AD14811FCB96D752A31B6DD88C120");
        }
    }
    EXPECT_GT(ipv6_rows, 50u);
    EXPECT_TRUE(found_mail);
    EXPECT_TRUE(found_secai);
}

TEST(ZeekCorpus, RitaJsonAllFields) {
    SKIP_WITHOUT_CORPUS();
    const auto outcome =
        ReadLogs({CorpusPath("rita/json_all_fields_conn.log"), CorpusPath("rita/json_all_fields_http.log"),
                  CorpusPath("rita/json_all_fields_ssl.log")});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    EXPECT_EQ(TotalRejected(outcome), 0u);
    EXPECT_EQ(outcome.rows.size(), 29u + 10u + 10u);
    size_t ssl_rows = 0;
    for (const Row& row : outcome.rows) {
        EXPECT_FALSE(Key(row, "password").has_value());
        if (row.action_type == "SslConnectionInspected") {
            ++ssl_rows;
            EXPECT_TRUE(Key(row, "ja3").has_value()) << row.additional_fields;
        }
        if (row.action_type == "SslConnectionInspected" && Key(row, "uid") == "C2nyFQkh6oijTV5hd") {
            EXPECT_EQ(Key(row, "ja3"), "10ee8d30a5d01c042afd7b2b205facc4");
            EXPECT_EQ(Key(row, "ja3s"), "b898351eb5e266aefd3723d466935494");
            EXPECT_EQ(Key(row, "next_protocol"), "h2");
            EXPECT_EQ(row.remote_url, "lptag.liveperson.net");
        }
    }
    EXPECT_EQ(ssl_rows, 10u);
}

TEST(ZeekCorpus, TruncatedLogsCountDamage) {
    SKIP_WITHOUT_CORPUS();
    const auto tsv = ReadLogs({CorpusPath("rita/truncated_conn.log")});
    ASSERT_TRUE(tsv.status.ok());
    EXPECT_EQ(Rejected(tsv, kRejectTruncatedRecord), 1u);
    EXPECT_EQ(TotalRejected(tsv), 1u);
    EXPECT_EQ(tsv.rows.size(), 58u);  // 59 data lines, the last one cut

    const auto json = ReadLogs({CorpusPath("rita/truncated_conn_json.log")});
    ASSERT_TRUE(json.status.ok());
    EXPECT_EQ(json.rows.size(), 2u);
    EXPECT_EQ(Rejected(json, kRejectInvalidPort), 1u);
    EXPECT_EQ(Rejected(json, kRejectTruncatedRecord), 1u);
    bool example_names_port = false;
    for (const RejectExample& example : json.stats.examples) {
        example_names_port |= example.reason == kRejectInvalidPort && example.line == 3 &&
                              example.hint.find("93145") != std::string::npos;
    }
    EXPECT_TRUE(example_names_port);
}

TEST(ZeekCorpus, ZeekBaselines) {
    SKIP_WITHOUT_CORPUS();
    // Zeek's test baselines mask timestamps as XXXXXXXXXX.XXXXXX, which makes each JSON line invalid.
    const auto http = ReadLogs({CorpusPath("zeek/baseline_json-non-printable-escaping_http.log.json")});
    ASSERT_TRUE(http.status.ok());
    EXPECT_EQ(http.rows.size(), 0u);
    EXPECT_EQ(Rejected(http, kRejectInvalidJson), 4u);

    // x509 needs no timestamp, so the baseline's certificates still join an ssl record.
    const fs::path dir = MakeTempDir("baseline");
    testing::WriteFile(dir / "ssl.json",
                       R"({"ts":1400000000.0,"uid":"Cg","id.orig_h":"192.168.1.2","id.orig_p":40000,)"
                       R"("id.resp_h":"74.125.239.97","id.resp_p":443,"server_name":"www.google.com",)"
                       R"("cert_chain_fps":["a97a22b691caf62c1623d14abf8a31ac915f14d87f77d8a37c47eb4785b484ad"]})"
                       "\n");
    const auto joined = ReadLogs({(dir / "ssl.json").string(), CorpusPath("zeek/baseline_log-certs-base64_x509.log")});
    ASSERT_TRUE(joined.status.ok());
    ASSERT_EQ(joined.rows.size(), 1u);
    EXPECT_EQ(joined.zeek.ssl_with_cert, 1u);
    EXPECT_EQ(Key(joined.rows[0], "subject"), "CN=*.google.com,O=Google Inc,L=Mountain View,ST=California,C=US");
    EXPECT_NE(Key(joined.rows[0], "san_dns").value_or("").find("\"youtube.com\""), std::string::npos);
}

// Every Zeek log of the corpus alone and all together: no crash, no error, and at least one
// record or counted reject per file.
TEST(ZeekCorpus, EveryLogReadsWithoutError) {
    SKIP_WITHOUT_CORPUS();
    std::vector<std::string> all;
    for (const char* folder : {"rita", "slips", "brim-zeek", "zeek"}) {
        for (const auto& entry : fs::directory_iterator(kCorpus / folder)) {
            auto kind = DetectZeekLogFile(entry.path().string());
            ASSERT_TRUE(kind.ok());
            if (kind.value() == LogKind::kOther) {
                continue;
            }
            all.push_back(entry.path().string());
            const auto outcome = ReadLogs({entry.path().string()});
            EXPECT_TRUE(outcome.status.ok()) << entry.path() << ": " << outcome.status.message();
            const uint64_t records = [&] {
                uint64_t total = 0;
                for (const auto& [log, count] : outcome.zeek.records_by_log) {
                    total += count;
                }
                return total;
            }();
            EXPECT_GT(records + TotalRejected(outcome), 0u) << entry.path();
        }
    }
    EXPECT_GE(all.size(), 16u);
    const auto together = ReadLogs(all);
    EXPECT_TRUE(together.status.ok()) << together.status.message();
    EXPECT_GT(together.rows.size(), 100000u);
}

TEST(ZeekCorpus, CutGzipCountsDamage) {
    SKIP_WITHOUT_CORPUS();
    const fs::path dir = MakeTempDir("cut-gzip");
    const fs::path cut = dir / "ssl.log.gz";
    fs::copy_file(kCorpus / "brim-zeek/zeek-default_ssl.log.gz", cut);
    fs::resize_file(cut, fs::file_size(cut) / 3);
    const auto outcome = ReadLogs({cut.string()});
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.message();
    EXPECT_EQ(Rejected(outcome, kRejectCorruptGzip), 1u);
    EXPECT_GT(outcome.rows.size(), 10000u);
    EXPECT_LT(outcome.rows.size(), 49474u);
}

}  // namespace
}  // namespace unmask::ingest::zeek
