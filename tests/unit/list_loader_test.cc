// Lists loaded from files for rule parameters (site configuration `lists:`): each format, its
// file:line errors, the KQL literal, the site configuration section, and the real abuse.ch and
// FoxIO files of the shared corpus.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "detect/list_loader.h"
#include "detect/site_config.h"

namespace {

namespace fs = std::filesystem;
using unmask::detect::ListFormat;
using unmask::detect::ListLimits;
using unmask::detect::ListLiteral;
using unmask::detect::LoadListFile;
using unmask::detect::LoadSiteConfig;
using unmask::detect::SiteList;

const fs::path kCorpus = fs::path(UNMASK_SOURCE_DIR) / ".." / "shared" / "corpus";

fs::path TempDir() {
    return fs::temp_directory_path() / ("unmask-list-loader-test-" + std::to_string(getpid()));
}

class TempDirCleanup : public ::testing::Environment {
public:
    void TearDown() override { fs::remove_all(TempDir()); }
};
const auto* const kTempDirCleanup = ::testing::AddGlobalTestEnvironment(new TempDirCleanup);

fs::path WriteFile(const std::string& name, const std::string& text) {
    fs::create_directories(TempDir());
    const fs::path path = TempDir() / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

std::string LoadError(const std::string& name, const std::string& text, ListFormat format) {
    auto entries = LoadListFile(WriteFile(name, text).string(), format);
    return entries.ok() ? "" : entries.status().message();
}

TEST(ListLoader, AbusechJa3CsvWithFamilies) {
    const fs::path path =
        WriteFile("ja3.csv", "################\n"
                             "# ja3_md5,Firstseen,Lastseen,Listingreason\n"
                             "B386946A5A44D1DDCC843BC75336DFCE,2017-07-14 18:08:15,2019-07-27 20:42:54,Dridex\n"
                             "\n"
                             "1aa7bf8b97e540ca5edd75f7b8384bfa,2017-07-14 20:23:38,2019-07-28 01:38:22,TrickBot\n"
                             "1aa7bf8b97e540ca5edd75f7b8384bfa,2018-01-01 00:00:00,2019-07-28 01:38:22,Emotet\n"
                             "1aa7bf8b97e540ca5edd75f7b8384bfa,2018-01-01 00:00:00,2019-07-28 01:38:22,TrickBot\n"
                             "# END (3) entries\n");
    auto entries = LoadListFile(path.string(), ListFormat::kAbusechJa3Csv);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ(entries->at("b386946a5a44d1ddcc843bc75336dfce"), "Dridex");
    EXPECT_EQ(entries->at("1aa7bf8b97e540ca5edd75f7b8384bfa"), "TrickBot | Emotet");
}

TEST(ListLoader, InvalidJa3NamesFileAndLine) {
    const std::string error = LoadError("bad-ja3.csv",
                                        "# comment\n"
                                        "b386946a5a44d1ddcc843bc75336dfce,2017-07-14,2019-07-27,Dridex\n"
                                        "2021-03-01 10:00:00,b386946a5a44d1ddcc843bc75336dfce,Dridex\n",
                                        ListFormat::kAbusechJa3Csv);
    EXPECT_NE(error.find("bad-ja3.csv:3: invalid JA3 hash '2021-03-01 10:00:00'"), std::string::npos) << error;
}

TEST(ListLoader, AbusechSha1Csv) {
    const fs::path path =
        WriteFile("sha1.csv", "# Listingdate,SHA1,Listingreason\n"
                              "2024-01-09 06:12:54,6ECE5ECE4192683D2D84E25B0BA7E04F9CB7EB7C,Cobalt Strike C&C\n");
    auto entries = LoadListFile(path.string(), ListFormat::kAbusechSha1Csv);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    ASSERT_EQ(entries->size(), 1u);
    EXPECT_EQ(entries->at("6ece5ece4192683d2d84e25b0ba7e04f9cb7eb7c"), "Cobalt Strike C&C");

    const std::string error =
        LoadError("short-sha1.csv", "2024-01-09 06:12:54,6ECE5ECE41,AsyncRAT C&C\n", ListFormat::kAbusechSha1Csv);
    EXPECT_NE(error.find("short-sha1.csv:1: invalid certificate SHA-1 '6ECE5ECE41'"), std::string::npos) << error;
}

TEST(ListLoader, FoxioCsvLabelsAndColumns) {
    const fs::path path =
        WriteFile("ja4.csv", "Application,Library,Device,OS,ja4,ja4s,ja4h,ja4x,ja4t,ja4tscan,Notes\n"
                             ",GoLang,,,t13d190900_9dc949149365_97f8aa674fd9,,,,,,\n"
                             "Sliver Agent,GoLang,,,t13d190900_9dc949149365_97f8aa674fd9,"
                             "t130200_1301_a56c5b993250,,,,,\n"
                             ",,,Windows 10,,,,,64240_2-1-3-1-1-4_1460_8,,\n"
                             "\"Cobalt Strike, beacon\",,,,,,ge11cn060000_4e59edc1297a_4da5efaf0cb,,,,\"a, b\"\n");
    auto entries = LoadListFile(path.string(), ListFormat::kFoxioJa4Csv);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    EXPECT_EQ(entries->size(), 3u); // the ja4t-only row adds nothing
    EXPECT_EQ(entries->at("t13d190900_9dc949149365_97f8aa674fd9"), "GoLang | Sliver Agent (GoLang)");
    EXPECT_EQ(entries->at("t130200_1301_a56c5b993250"), "Sliver Agent (GoLang)");
    EXPECT_EQ(entries->at("ge11cn060000_4e59edc1297a_4da5efaf0cb"), "Cobalt Strike, beacon");
}

TEST(ListLoader, FoxioWithoutHeaderIsRejected) {
    const std::string error =
        LoadError("no-header.csv", ",Python,,,t13i181000_85036bcba153_d41ae481755e,,,,,,\n", ListFormat::kFoxioJa4Csv);
    EXPECT_NE(error.find("no-header.csv:1: the header row has no 'ja4' column"), std::string::npos) << error;
    const std::string empty = LoadError("empty.csv", "", ListFormat::kFoxioJa4Csv);
    EXPECT_NE(empty.find("no header row"), std::string::npos) << empty;
}

TEST(ListLoader, LinesWithOptionalLabels) {
    const fs::path path = WriteFile("lines.txt", "# serials\n08BB00EE Cobalt Strike default\n146473198\n");
    auto entries = LoadListFile(path.string(), ListFormat::kLines);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ(entries->at("08bb00ee"), "Cobalt Strike default");
    EXPECT_EQ(entries->at("146473198"), "");
    EXPECT_NE(LoadError("quote.txt", "a\"b\n", ListFormat::kLines).find("quote.txt:1: invalid value"),
              std::string::npos);
}

TEST(ListLoader, LimitsAreEnforced) {
    const fs::path path = WriteFile("big.txt", "a\nb\nc\n");
    ListLimits limits;
    limits.max_entries = 2;
    auto entries = LoadListFile(path.string(), ListFormat::kLines, limits);
    ASSERT_FALSE(entries.ok());
    EXPECT_NE(entries.status().message().find("big.txt:3: more than 2 entries"), std::string::npos)
        << entries.status().message();
    limits = ListLimits{};
    limits.max_file_bytes = 4;
    EXPECT_FALSE(LoadListFile(path.string(), ListFormat::kLines, limits).ok());
    EXPECT_FALSE(LoadListFile((TempDir() / "missing.txt").string(), ListFormat::kLines).ok());
}

TEST(ListLoader, LiteralIsADynamicBag) {
    SiteList list;
    list.name = "Ja3Blocklist";
    list.entries = {{"51c64c77e60f3980eea90869b68c58a8", "Emotet"}, {"49ed2ef3f1321e5f044f1e71b0e6fdd5", ""}};
    EXPECT_EQ(ListLiteral(list), "dynamic({\"49ed2ef3f1321e5f044f1e71b0e6fdd5\": \"Ja3Blocklist\", "
                                 "\"51c64c77e60f3980eea90869b68c58a8\": \"Emotet\"})");
}

TEST(ListLoader, SiteConfigSectionResolvesRelativePaths) {
    WriteFile("sslbl.csv", "# ja3_md5,Firstseen,Lastseen,Listingreason\n"
                           "51c64c77e60f3980eea90869b68c58a8,2017-07-14 18:08:15,2019-07-27 20:42:54,Emotet\n");
    const fs::path config = WriteFile("unmask.yaml", "lists:\n"
                                                     "  Ja3Blocklist:\n"
                                                     "    file: sslbl.csv\n"
                                                     "    format: abusech-ja3-csv\n");
    auto loaded = LoadSiteConfig(config.string());
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    ASSERT_EQ(loaded->lists.size(), 1u);
    EXPECT_EQ(loaded->lists[0].name, "Ja3Blocklist");
    EXPECT_EQ(loaded->lists[0].entries.at("51c64c77e60f3980eea90869b68c58a8"), "Emotet");
    EXPECT_EQ(loaded->lists[0].source, config.string() + ":2");
}

TEST(ListLoader, SiteConfigSectionErrors) {
    struct Case {
        std::string yaml;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"lists:\n  Ja3Blocklist:\n    file: sslbl.csv\n    format: csv\n",
         ":4:13: lists.Ja3Blocklist.format: unknown list format 'csv'; expected one of abusech-ja3-csv"},
        {"lists:\n  Ja3Blocklist:\n    format: lines\n", ":3:5: lists.Ja3Blocklist.file: missing"},
        {"lists:\n  Ja3Blocklist:\n    file: x\n    format: lines\n    label: y\n",
         ":5:5: lists.Ja3Blocklist.label: unknown key"},
        {"lists:\n  Ja3-Blocklist:\n    file: x\n    format: lines\n",
         ":2:3: lists.Ja3-Blocklist: expected a rule parameter name"},
        {"lists:\n  Ja3Blocklist:\n    file: absent.csv\n    format: lines\n",
         ":3:11: lists.Ja3Blocklist.file: list file '"},
        {"lists: [a]\n", ":1:8: lists: expected a mapping"},
    };
    for (const Case& item : cases) {
        const fs::path config = WriteFile("bad.yaml", item.yaml);
        auto loaded = LoadSiteConfig(config.string());
        ASSERT_FALSE(loaded.ok()) << item.yaml;
        EXPECT_NE(loaded.status().message().find(item.expected), std::string::npos)
            << "got: " << loaded.status().message() << "\nexpected: " << item.expected;
    }
}

TEST(ListLoader, CorpusAbusechJa3List) {
    const fs::path path = kCorpus / "ja3-lists" / "abusech_sslbl_ja3_fingerprints_copy2021.csv";
    if (!fs::exists(path)) {
        GTEST_SKIP() << "the shared corpus is not at " << kCorpus << "; the abuse.ch list is not checked";
    }
    auto entries = LoadListFile(path.string(), ListFormat::kAbusechJa3Csv);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    // The file ends with "# END (98) entries"; a hash listed twice counts once.
    EXPECT_GE(entries->size(), 90u);
    EXPECT_LE(entries->size(), 98u);
    EXPECT_EQ(entries->at("b386946a5a44d1ddcc843bc75336dfce"), "Dridex");
    EXPECT_EQ(entries->at("32926ca3e59f0413d0b98725454594f5"), "Tofsee");
    // The Emotet JA3 of ndpi/emotet.pcap.
    EXPECT_EQ(entries->count("51c64c77e60f3980eea90869b68c58a8"), 1u);
}

TEST(ListLoader, CorpusFoxioMapping) {
    const fs::path path = kCorpus / "ja4" / "ja4plus-mapping.csv";
    if (!fs::exists(path)) {
        GTEST_SKIP() << "the shared corpus is not at " << kCorpus << "; the FoxIO mapping is not checked";
    }
    auto entries = LoadListFile(path.string(), ListFormat::kFoxioJa4Csv);
    ASSERT_TRUE(entries.ok()) << entries.status().message();
    EXPECT_GT(entries->size(), 40u);
    EXPECT_EQ(entries->at("t12i190700_d83cc789557e_16bbda4055b2"), "Cobalt Strike v4.9.1 beacon");
    EXPECT_EQ(entries->at("t13d1516h2_8daaf6152771_02713d6af862"), "Chromium Browser");
    EXPECT_EQ(entries->at("t13d190900_9dc949149365_97f8aa674fd9"), "GoLang | Sliver Agent (GoLang)");
}

} // namespace
