// Zeek log reading below the row mapping: time and port parsing, TSV escapes and headers, JSON
// lines, gzip, detection of the log kind, and the rejects of malformed lines.
#include <gtest/gtest.h>
#include <zlib.h>

#include "ingest/zeek/zeek_log.h"
#include "ingest/zeek/zeek_rows.h"
#include "table/datetime.h"
#include "zeek_test_util.h"

namespace unmask::ingest::zeek {
namespace {

using testing::MakeTempDir;
using testing::WriteFile;
namespace fs = std::filesystem;

struct Records {
    std::vector<std::vector<std::pair<std::string, std::string>>> fields;  // name, text or joined list
    std::vector<std::string> paths;
    RejectLog rejects{10};
    Status status;
};

// Reads every record of a file; list values are joined with '|' and wrapped in [].
Records ReadRecords(const fs::path& path, bool strict = false, size_t max_record_bytes = 1 << 20) {
    Records records;
    auto reader = ZeekLogReader::Open(path.string(), 0, max_record_bytes, strict, &records.rejects);
    if (!reader.ok()) {
        records.status = reader.status();
        return records;
    }
    ZeekRecord record;
    while (true) {
        auto more = reader.value()->Next(record);
        if (!more.ok()) {
            records.status = more.status();
            return records;
        }
        if (!more.value()) {
            return records;
        }
        auto& fields = records.fields.emplace_back();
        for (size_t i = 0; i < record.size(); ++i) {
            const ZeekValue& value = record.value(i);
            std::string text = value.text;
            if (value.is_list) {
                text = "[";
                for (size_t k = 0; k < value.items.size(); ++k) {
                    text += (k > 0 ? "|" : "") + value.items[k];
                }
                text += "]";
            }
            fields.emplace_back(std::string(record.name(i)), text);
        }
        records.paths.push_back(record.path);
    }
}

std::optional<std::string> FieldOf(const Records& records, size_t index, const std::string& name) {
    for (const auto& [field, text] : records.fields.at(index)) {
        if (field == name) {
            return text;
        }
    }
    return std::nullopt;
}

uint64_t CountOf(const Records& records, const std::string& reason) {
    const auto found = records.rejects.counts().find(reason);
    return found == records.rejects.counts().end() ? 0 : found->second;
}

TEST(ZeekTime, EpochDigitsAreExact) {
    EXPECT_EQ(ParseZeekTime("1517422326.539915"), 15174223265399150);
    EXPECT_EQ(ParseZeekTime("22.335172"), 223351720);
    EXPECT_EQ(ParseZeekTime("1.123456789"), 11234567);
    EXPECT_EQ(ParseZeekTime("1521911720"), 15219117200000000);
    EXPECT_EQ(ParseZeekTime("-1.5"), -15000000);
    EXPECT_EQ(ParseZeekTime("1.5e9"), 15000000000000000);
}

TEST(ZeekTime, IsoStringMatchesEpoch) {
    EXPECT_EQ(ParseZeekTime("2018-03-24T17:15:20.615923Z"), ParseZeekTime("1521911720.615923"));
}

TEST(ZeekTime, RejectsMaskedAndMalformed) {
    for (const char* text : {"", "XXXXXXXXXX.XXXXXX", "1.2.3", "abc", "-", ".", "12a", "9999999999999.0"}) {
        EXPECT_FALSE(ParseZeekTime(text).has_value()) << text;
    }
}

TEST(ZeekPort, RangeIsChecked) {
    EXPECT_EQ(ParseZeekPort("443"), 443);
    EXPECT_EQ(ParseZeekPort("0"), 0);
    EXPECT_EQ(ParseZeekPort("65535"), 65535);
    for (const char* text : {"65536", "93145", "-1", "", "44x", "100000"}) {
        EXPECT_FALSE(ParseZeekPort(text).has_value()) << text;
    }
}

TEST(ZeekEscape, HexAndBackslash) {
    EXPECT_EQ(UnescapeZeekText("a\\x09b"), "a\tb");
    EXPECT_EQ(UnescapeZeekText("O=VMware\\\\, Inc"), "O=VMware\\, Inc");
    EXPECT_EQ(UnescapeZeekText("\\xZZ\\x4"), "\\xZZ\\x4");
    EXPECT_EQ(UnescapeZeekText("\\x2c\\x7c"), ",|");
}

TEST(ZeekTsv, HeaderSetsAndEscapes) {
    const fs::path dir = MakeTempDir("tsv-header");
    const fs::path path = WriteFile(dir / "http.log", "#separator \\x09\n"
                                                      "#set_separator\t|\n"
                                                      "#empty_field\t(none)\n"
                                                      "#unset_field\t?\n"
                                                      "#path\thttp\n"
                                                      "#fields\tts\turi\ttags\tresp_fuids\tstatus_msg\n"
                                                      "#types\ttime\tstring\tset[enum]\tvector[string]\tstring\n"
                                                      "1.5\t/a\\x09b\\\\c\tX|Y\tF1|F\\x7c2\t?\n"
                                                      "2.5\t(none)\t(none)\t?\tOK\n");
    const Records records = ReadRecords(path);
    ASSERT_TRUE(records.status.ok()) << records.status.message();
    ASSERT_EQ(records.fields.size(), 2u);
    EXPECT_EQ(records.paths[0], "http");
    EXPECT_EQ(FieldOf(records, 0, "uri"), "/a\tb\\c");
    EXPECT_EQ(FieldOf(records, 0, "tags"), "[X|Y]");
    EXPECT_EQ(FieldOf(records, 0, "resp_fuids"), "[F1|F|2]");
    EXPECT_FALSE(FieldOf(records, 0, "status_msg").has_value());
    EXPECT_EQ(FieldOf(records, 1, "uri"), "");
    EXPECT_EQ(FieldOf(records, 1, "tags"), "[]");
    EXPECT_FALSE(FieldOf(records, 1, "resp_fuids").has_value());
}

TEST(ZeekTsv, ConcatenatedBlocksAndSlips) {
    const fs::path dir = MakeTempDir("tsv-blocks");
    const fs::path path = WriteFile(dir / "mixed.log", "\t#separator \\x09\n"
                                                       "#path\tconn\n"
                                                       "#fields\tts\tuid\n"
                                                       "1.0\tC1\n"
                                                       "#close\t2020-01-01-00-00-00\n"
                                                       "#separator \\t\n"
                                                       "#path\tdns\n"
                                                       "#fields\tts\tquery\tanswers\n"
                                                       "#types\ttime\tstring\tvector[string]\n"
                                                       "2.0\texample.com\ta,b\t\n"
                                                       "3.0\tonly-two-fields\n"
                                                       "4.0\tx\ty\tz\tw\n");
    const Records records = ReadRecords(path);
    ASSERT_TRUE(records.status.ok());
    ASSERT_EQ(records.fields.size(), 2u);
    EXPECT_EQ(records.paths[0], "conn");
    EXPECT_EQ(FieldOf(records, 0, "uid"), "C1");
    EXPECT_EQ(records.paths[1], "dns");
    EXPECT_EQ(FieldOf(records, 1, "answers"), "[a|b]");
    EXPECT_EQ(CountOf(records, kRejectWrongFieldCount), 2u);
}

TEST(ZeekTsv, DataBeforeHeaderRejected) {
    const fs::path dir = MakeTempDir("tsv-noheader");
    const Records records = ReadRecords(WriteFile(dir / "conn.log", "1.0\tC1\n"));
    EXPECT_EQ(records.fields.size(), 0u);
    EXPECT_EQ(CountOf(records, kRejectMissingHeader), 1u);
}

TEST(ZeekTsv, CutLastLineIsTruncatedRecord) {
    const fs::path dir = MakeTempDir("tsv-cut");
    const Records records =
        ReadRecords(WriteFile(dir / "conn.log", "#separator \\x09\n#fields\tts\tuid\tproto\n1.0\tC1\ttcp\n2.0\tC2"));
    EXPECT_EQ(records.fields.size(), 1u);
    EXPECT_EQ(CountOf(records, kRejectTruncatedRecord), 1u);
    ASSERT_EQ(records.rejects.entries().size(), 1u);
    EXPECT_EQ(records.rejects.entries()[0].example.line, 4u);
}

TEST(ZeekTsv, StrictModeFailsOnFirstReject) {
    const fs::path dir = MakeTempDir("tsv-strict");
    const Records records =
        ReadRecords(WriteFile(dir / "conn.log", "#separator \\x09\n#fields\tts\tuid\n1.0\n2.0\tC2\n"), true);
    EXPECT_FALSE(records.status.ok());
    EXPECT_EQ(records.status.kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(records.status.message().find("conn.log:3"), std::string::npos) << records.status.message();
}

TEST(ZeekJson, NestedArraysAndTypes) {
    const fs::path dir = MakeTempDir("json");
    const fs::path path = WriteFile(
        dir / "x.log", "{\"_path\":\"ssl\",\"ts\":1517422336.04539,\"id\":{\"orig_h\":\"10.0.0.1\",\"orig_p\":5},"
                       "\"resumed\":false,\"cert_chain_fps\":[\"aa\",\"bb\"],\"next_protocol\":null,\"n\":-1.5e3}\n"
                       "\n"
                       "# a comment line\n"
                       "{\"ts\":1.0,\"uid\":\"C\"} trailing\n"
                       "{\"ts\":XXXXXXXXXX.XXXXXX,\"uid\":\"C\"}\n"
                       "[1,2]\n"
                       "{\"ts\":2.0,\"uid\":\"C2\"}\n"
                       "{\"ts\":3.0,\"ui");
    const Records records = ReadRecords(path);
    ASSERT_TRUE(records.status.ok());
    ASSERT_EQ(records.fields.size(), 2u);
    EXPECT_EQ(records.paths[0], "ssl");
    EXPECT_EQ(FieldOf(records, 0, "ts"), "1517422336.04539");
    EXPECT_EQ(FieldOf(records, 0, "id.orig_h"), "10.0.0.1");
    EXPECT_EQ(FieldOf(records, 0, "id.orig_p"), "5");
    EXPECT_EQ(FieldOf(records, 0, "resumed"), "false");
    EXPECT_EQ(FieldOf(records, 0, "cert_chain_fps"), "[aa|bb]");
    EXPECT_FALSE(FieldOf(records, 0, "next_protocol").has_value());
    EXPECT_EQ(FieldOf(records, 0, "n"), "-1.5e3");
    EXPECT_EQ(FieldOf(records, 1, "uid"), "C2");
    EXPECT_EQ(CountOf(records, kRejectInvalidJson), 2u);
    EXPECT_EQ(CountOf(records, kRejectMissingHeader), 1u);  // "[1,2]" is neither JSON object nor TSV
    EXPECT_EQ(CountOf(records, kRejectTruncatedRecord), 1u);
}

TEST(ZeekJson, LongLineRejectedAsTooLarge) {
    const fs::path dir = MakeTempDir("json-long");
    const std::string long_line = "{\"ts\":1.0,\"uid\":\"" + std::string(5000, 'a') + "\"}\n";
    const Records records =
        ReadRecords(WriteFile(dir / "conn.log", long_line + "{\"ts\":2.0,\"uid\":\"C\"}\n"), false, 1024);
    ASSERT_EQ(records.fields.size(), 1u);
    EXPECT_EQ(FieldOf(records, 0, "uid"), "C");
    EXPECT_EQ(CountOf(records, kRejectRecordTooLarge), 1u);
}

TEST(ZeekGzip, ReadsCompressedAndCountsDamage) {
    const fs::path dir = MakeTempDir("gzip");
    std::string text = "#separator \\x09\n#fields\tts\tuid\n";
    for (int i = 0; i < 2000; ++i) {
        text += std::to_string(i) + ".0\tC" + std::to_string(i * 7919) + "x\n";
    }
    const fs::path path = dir / "conn.log.gz";
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
    gzclose(gz);
    const Records whole = ReadRecords(path);
    EXPECT_EQ(whole.fields.size(), 2000u);
    EXPECT_EQ(FieldOf(whole, 1999, "uid"), "C" + std::to_string(1999 * 7919) + "x");

    const auto size = fs::file_size(path);
    fs::copy_file(path, dir / "cut.log.gz");
    fs::resize_file(dir / "cut.log.gz", size / 2);
    const Records cut = ReadRecords(dir / "cut.log.gz");
    EXPECT_TRUE(cut.status.ok());
    EXPECT_LT(cut.fields.size(), 2000u);
    EXPECT_EQ(CountOf(cut, kRejectCorruptGzip), 1u);
}

TEST(ZeekDetect, TsvJsonAndNames) {
    EXPECT_EQ(DetectZeekLog("#separator \\x09\n#set_separator\t,\n#path\tssl\n", "x.log"), LogKind::kSsl);
    EXPECT_EQ(DetectZeekLog("\t#separator \\x09\n#path\tconn\n", "a"), LogKind::kConn);
    EXPECT_EQ(DetectZeekLog("#separator \\t\n#path\tnotice\n", "notice.log"), LogKind::kOther);
    EXPECT_EQ(DetectZeekLog("#separator \\x09\n#fields\tts\n", "dhcp.2024-01-01.log.gz"), LogKind::kDhcp);
    EXPECT_EQ(DetectZeekLog("{\"_path\":\"x509\",\"ts\":\"2018-03-24T17:15:20Z\",\"fingerprint\":\"ab\"}", "f"),
              LogKind::kX509);
    EXPECT_EQ(DetectZeekLog("{\"ts\":1.0,\"uid\":\"C\",\"id.orig_h\":\"1.2.3.4\",\"conn_state\":\"SF\"}", "f"),
              LogKind::kConn);
    EXPECT_EQ(DetectZeekLog("{\"ts\":1.0,\"uid\":\"C\",\"method\":\"GET\"}", "zeek_http.json"), LogKind::kHttp);
    EXPECT_EQ(DetectZeekLog("### BTest baseline\n{\"ts\":1,\"uid\":\"C\",\"trans_depth\":1}", "b.json"),
              LogKind::kHttp);
    EXPECT_FALSE(DetectZeekLog("{\"Timestamp\":\"2024-01-01T00:00:00Z\",\"DeviceId\":\"x\"}", "dne.json"));
    EXPECT_FALSE(DetectZeekLog("Timestamp,DeviceId\n", "conn.log"));
    EXPECT_FALSE(DetectZeekLog("", "conn.log"));
}

TEST(ZeekDetect, CorpusLogs) {
    if (!fs::exists(testing::kCorpus)) {
        GTEST_SKIP() << "corpus not found at " << testing::kCorpus << "; it lives in the shared folder";
    }
    const std::pair<const char*, LogKind> cases[] = {
        {"slips/test9-mixed-zeek-dir_conn.log", LogKind::kConn},
        {"slips/test9-mixed-zeek-dir_http.log", LogKind::kHttp},
        {"slips/test9-mixed-zeek-dir_ssl.log", LogKind::kSsl},
        {"slips/test9-mixed-zeek-dir_x509.log", LogKind::kX509},
        {"slips/test10-mixed-zeek-dir_conn.log", LogKind::kConn},
        {"slips/test10-mixed-zeek-dir_ssl.log", LogKind::kSsl},
        {"slips/test10-mixed-zeek-dir_x509.log", LogKind::kX509},
        {"brim-zeek/zeek-default_ssl.log.gz", LogKind::kSsl},
        {"brim-zeek/zeek-json_x509.json.gz", LogKind::kX509},
        {"rita/dnscat2-ja3-strobe-agent_http.log.gz", LogKind::kHttp},
        {"rita/json_all_fields_ssl.log", LogKind::kSsl},
        {"rita/truncated_conn_json.log", LogKind::kConn},
        {"zeek/baseline_json-non-printable-escaping_http.log.json", LogKind::kHttp},
        {"zeek/baseline_log-certs-base64_x509.log", LogKind::kX509},
    };
    for (const auto& [name, kind] : cases) {
        auto detected = DetectZeekLogFile((testing::kCorpus / name).string());
        ASSERT_TRUE(detected.ok()) << name;
        EXPECT_EQ(detected.value(), kind) << name;
    }
    auto pcap = DetectZeekLogFile((testing::kCorpus / "slips/test-cc_test-cc-capture-1.pcap").string());
    ASSERT_TRUE(pcap.ok());
    EXPECT_EQ(pcap.value(), LogKind::kOther);
}

}  // namespace
}  // namespace unmask::ingest::zeek
