// The impersonation rules (FakeTLS, certificates, HTTP, fingerprints) end to end through
// `unmask hunt` on Defender-shaped CSV exports written here: every positive case must be
// found by the rule meant for it, no benign case may get a finding of medium severity or
// above from any rule of the pack, findings about one device and address merge with the
// facts of every rule named, and lists loaded from files replace the rule defaults.
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir(UNMASK_SOURCE_DIR);
const fs::path kBinary = fs::path(UNMASK_BINARY_DIR) / "unmask";
const fs::path kCorpus = kSourceDir / ".." / "shared" / "corpus";

constexpr const char* kHeader = "Timestamp,DeviceId,DeviceName,ActionType,RemoteIP,RemotePort,AdditionalFields\n";

fs::path TempDir() {
    const fs::path dir = fs::temp_directory_path() / ("unmask-impersonation-test-" + std::to_string(getpid()));
    fs::create_directories(dir);
    return dir;
}

class TempDirCleanup : public ::testing::Environment {
public:
    void TearDown() override { fs::remove_all(TempDir()); }
};
const auto* const kTempDirCleanup = ::testing::AddGlobalTestEnvironment(new TempDirCleanup);

/// One CSV row: the JSON of AdditionalFields is written with CSV quoting.
std::string Row(const std::string& time, const std::string& device, const std::string& action, const std::string& ip,
                int port, const std::string& json) {
    std::string quoted;
    for (char c : json) {
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return "2024-03-10T" + time + "Z,id-" + device + "," + device + "," + action + "," + ip + "," +
           std::to_string(port) + ",\"" + quoted + "\"\n";
}

std::string Ssl(const std::string& time, const std::string& ip, const std::string& json,
                const std::string& device = "wks-fin-007") {
    return Row(time, device, "SslConnectionInspected", ip, 443, json);
}

std::string Http(const std::string& time, const std::string& ip, const std::string& json,
                 const std::string& device = "wks-fin-007") {
    return Row(time, device, "HttpConnectionInspected", ip, 80, json);
}

struct HuntRun {
    int status = -1;
    std::vector<std::string> findings; ///< one JSON object per line
    std::string err;
};

HuntRun Hunt(const std::string& name, const std::string& rows, const std::string& extra_options = "") {
    const fs::path input = TempDir() / (name + ".csv");
    std::ofstream(input, std::ios::binary) << kHeader << rows;
    const fs::path err_path = TempDir() / (name + ".err");
    const std::string command = "cd " + kSourceDir.string() + " && " + kBinary.string() +
                                " hunt -q --rules rules --format jsonl " + extra_options + " " + input.string() +
                                " 2>" + err_path.string();
    HuntRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return run;
    }
    std::string out;
    std::array<char, 4096> buffer;
    size_t read = 0;
    while ((read = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        out.append(buffer.data(), read);
    }
    const int raw = pclose(pipe);
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) {
            run.findings.push_back(line);
        }
    }
    std::ifstream err_file(err_path);
    std::ostringstream err;
    err << err_file.rdbuf();
    run.err = err.str();
    return run;
}

bool HasRule(const std::string& finding, const std::string& rule_id) {
    return finding.find("\"rule_id\":\"" + rule_id + "\"") != std::string::npos;
}

bool MediumOrAbove(const std::string& finding) {
    for (const char* severity : {"medium", "high", "critical"}) {
        if (finding.find(std::string("\"severity\":\"") + severity + "\"") != std::string::npos) {
            return true;
        }
    }
    return false;
}

struct Case {
    std::string name;
    std::string rule; ///< the rule that must report it; empty for a benign case
    std::string rows;
};

std::vector<Case> Cases() {
    const std::string ie11_win7 = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko";
    const std::string chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                               "Chrome/121.0.0.0 Safari/537.36";
    return {
        {"faketls_length_mismatch", "faketls-handshake",
         Ssl("09:00:00", "45.65.176.21",
             R"({"direction":"Out","server_name":"www.google.com","established":"false",)"
             R"("tls_evidence":["handshake_length_mismatch","random_record_body"]})")},
        {"faketls_unanswered", "faketls-weak-evidence",
         Ssl("09:00:00", "45.65.176.21",
             R"({"direction":"Out","server_name":"x.top","tls_evidence":["client_hello_unanswered"]})")},
        {"random_payload_on_443", "encrypted-payload-on-tls-port",
         Row("09:00:00", "wks-fin-007", "ConnectionSuccess", "45.65.176.21", 443,
             R"({"direction":"Out","payload_evidence":["non_tls_payload_on_tls_port"],)"
             R"("orig_payload_entropy":7.6,"orig_payload_printable":0.37})")},
        {"self_signed_microsoft", "certificate-brand-impersonation",
         Ssl("09:00:00", "45.65.176.21",
             R"({"direction":"Out","subject":"CN=www.microsoft.com,O=Microsoft Corporation",)"
             R"("issuer":"CN=www.microsoft.com,O=Microsoft Corporation"})")},
        {"google_sni_foreign_issuer", "certificate-brand-impersonation",
         Ssl("09:00:00", "45.65.176.21",
             R"({"direction":"Out","server_name":"drive.google.com","subject":"CN=drive-google.sync.top",)"
             R"("issuer":"CN=R3,O=Let's Encrypt,C=US"})")},
        {"cobalt_strike_default_certificate", "c2-default-certificate",
         Ssl("09:00:00", "45.65.176.21",
             R"({"direction":"Out","subject":"CN=Major Cobalt Strike,OU=AdvancedPenTesting,O=cobaltstrike",)"
             R"("issuer":"CN=Major Cobalt Strike,OU=AdvancedPenTesting,O=cobaltstrike"})")},
        {"rare_self_signed", "tls-certificate-anomaly",
         Ssl("09:00:00", "138.197.147.101",
             R"({"direction":"Out","subject":"CN=example.com","issuer":"CN=example.com"})")},
        {"amazon_profile", "http-service-impersonation",
         Http("09:00:00", "45.65.176.21",
              R"({"direction":"Out","host":"www.amazon.com","method":"GET",)"
              R"("uri":"/s/ref=nb_sb_noss_1/167-3294888-0262949/field-keywords=books","user_agent":")" +
                  ie11_win7 + R"("})")},
        {"ocsp_profile", "http-service-impersonation",
         Http("09:00:00", "45.65.176.21",
              R"({"direction":"Out","host":"ocsp.verisign.com","method":"GET","uri":"/oscp/a/",)"
              R"("user_agent":"Microsoft-CryptoAPI/6.1"})")},
        {"sunburst_path", "http-service-impersonation",
         Http("09:00:00", "13.59.205.66",
              R"({"direction":"Out","host":"avsvmcloud.com","uri":"/swip/upd/SolarWinds.CortexPlugin.Components.xml",)"
              R"("user_agent":"SolarWindsOrionImprovementClient/3.0.0.382"})")},
        {"gmail_over_http", "http-service-impersonation",
         Http("09:00:00", "45.65.176.21",
              R"({"direction":"Out","host":"mail.google.com","uri":"/mail/u/0/?ui=d3244c4707"})") +
             Http("09:01:00", "45.65.176.21",
                  R"({"direction":"Out","host":"mail.google.com","uri":"/mail/u/0/?ui=d3244c4707"})")},
        {"random_letter_agent", "http-header-anomaly",
         Http("09:00:00", "45.65.176.21",
              R"({"direction":"Out","host":"45.65.176.21","uri":"/","user_agent":"pkXqzsdWnrtYb"})")},
        {"stale_firefox", "http-header-anomaly",
         Http("09:00:00", "45.65.176.21",
              R"({"direction":"Out","host":"qwe7fh2k.top","uri":"/t.php",)"
              R"("user_agent":"Mozilla/5.0 (Windows NT 10.0; WOW64; rv:40.0) Gecko/20100101 Firefox/40.1"})")},
        {"trickbot_ja3", "tls-fingerprint-blocklist",
         Ssl("09:00:00", "45.65.176.21", R"({"direction":"Out","ja3":"49ed2ef3f1321e5f044f1e71b0e6fdd5"})")},
        {"cobalt_strike_ja4", "tls-fingerprint-blocklist",
         Ssl("09:00:00", "45.65.176.21", R"({"direction":"Out","ja4":"t12i190700_d83cc789557e_16bbda4055b2"})")},
        {"browser_agent_python_tls", "tls-fingerprint-anomaly",
         Http("09:00:00", "45.65.176.21",
              R"({"direction":"Out","host":"45.65.176.21","uri":"/","user_agent":")" + chrome + R"("})") +
             Ssl("09:00:05", "45.65.176.21", R"({"direction":"Out","ja4":"t13d181000_85036bcba153_d41ae481755e"})")},

        {"google_browsing", "",
         Ssl("09:00:00", "142.250.74.100",
             R"({"direction":"Out","server_name":"www.google.com","version":"TLSv12","subject":"CN=www.google.com",)"
             R"("issuer":"CN=WR2,O=Google Trust Services,C=US","ja4":"t13d1516h2_8daaf6152771_02713d6af862"})")},
        {"bing_missing_intermediate", "",
         Ssl("09:00:00", "13.107.4.52",
             R"({"direction":"Out","server_name":"www.bing.com","subject":"CN=www.bing.com",)"
             R"("issuer":"CN=Microsoft Azure RSA TLS Issuing CA 07,O=Microsoft Corporation,C=US",)"
             R"("validation_status":"unable to get local issuer certificate","self_signed":false})")},
        {"mtproxy_style_hello", "",
         Ssl("09:00:00", "198.51.100.77",
             R"({"direction":"Out","server_name":"storage.googleapis.com","version":"TLSv13","established":"true"})")},
        {"anydesk_self_signed", "",
         Ssl("09:00:00", "45.65.176.41",
             R"({"direction":"Out","subject":"CN=AnyDesk Client","issuer":"CN=AnyDesk Client","self_signed":true})")},
        {"real_windows_update", "",
         Http("09:00:00", "93.184.221.240",
              R"({"direction":"Out","host":"download.windowsupdate.com",)"
              R"("uri":"/c/msdownload/update/others/2024/03/41234567_0123abcd.cab",)"
              R"("user_agent":"Microsoft-Delivery-Optimization/10.0"})")},
        {"real_ocsp_and_jquery", "",
         Http("09:00:00", "93.184.220.29",
              R"({"direction":"Out","host":"ocsp.digicert.com","uri":"/MFEwTzBNMEswSTAJBgUrDgMCGgUA",)"
              R"("user_agent":"Microsoft-CryptoAPI/10.0"})") +
             Http("09:01:00", "151.101.2.137",
                  R"({"direction":"Out","host":"code.jquery.com","uri":"/jquery-3.3.1.min.js","user_agent":")" +
                      chrome + R"("})")},
        {"one_gmail_redirect", "",
         Http("09:00:00", "142.250.74.101",
              R"({"direction":"Out","host":"mail.google.com","uri":"/mail/","user_agent":")" + chrome + R"("})")},
        {"tls_to_http_port_by_mistake", "",
         Ssl("09:00:00", "203.0.113.10",
             R"({"direction":"Out","server_name":"intranet.example.com","tls_evidence":["server_not_tls"]})")},
    };
}

TEST(ImpersonationRules, PositiveCasesFoundByTheirRule) {
    for (const Case& item : Cases()) {
        if (item.rule.empty()) {
            continue;
        }
        const HuntRun run = Hunt(item.name, item.rows, "--no-merge");
        ASSERT_EQ(run.status, 0) << item.name << "\n" << run.err;
        bool found = false;
        for (const std::string& finding : run.findings) {
            found = found || HasRule(finding, item.rule);
        }
        EXPECT_TRUE(found) << item.name << ": no finding from " << item.rule << "; findings:\n"
                           << (run.findings.empty() ? std::string("(none)") : run.findings.front());
    }
}

TEST(ImpersonationRules, BenignCasesStayBelowMedium) {
    for (const Case& item : Cases()) {
        if (!item.rule.empty()) {
            continue;
        }
        const HuntRun run = Hunt(item.name, item.rows, "--no-merge");
        ASSERT_EQ(run.status, 0) << item.name << "\n" << run.err;
        for (const std::string& finding : run.findings) {
            EXPECT_FALSE(MediumOrAbove(finding)) << item.name << ": " << finding;
        }
    }
}

TEST(ImpersonationRules, FindingsMergeWithEveryFact) {
    // One C2 server: a default certificate with a blocklisted JA3 over TLS and an Amazon
    // profile over HTTP, from the same device to the same address.
    const std::string rows =
        Ssl("09:00:00", "45.65.176.21",
            R"({"direction":"Out","subject":"CN=Major Cobalt Strike,O=cobaltstrike","issuer":"CN=Major Cobalt Strike,O=cobaltstrike",)"
            R"("ja3":"49ed2ef3f1321e5f044f1e71b0e6fdd5"})") +
        Http("09:01:00", "45.65.176.21",
             R"({"direction":"Out","host":"www.amazon.com","uri":"/N4215/adj/amzn.us.sr.aps"})");
    const HuntRun run = Hunt("merge", rows);
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_EQ(run.findings.size(), 1u) << run.findings.size() << " findings";
    const std::string& finding = run.findings.front();
    for (const char* rule : {"c2-default-certificate", "tls-fingerprint-blocklist", "http-service-impersonation"}) {
        EXPECT_TRUE(HasRule(finding, rule)) << rule << " missing in " << finding;
    }
    for (const char* fact : {"subject or issuer of Cobalt Strike's default certificate", "(TrickBot)",
                             "URI paths of a public malleable profile"}) {
        EXPECT_NE(finding.find(fact), std::string::npos) << fact << " missing in the explanation";
    }
    EXPECT_NE(finding.find("\"severity\":\"critical\""), std::string::npos);
}

TEST(ImpersonationRules, ListFromFileReplacesDefault) {
    const fs::path list = TempDir() / "sslbl.csv";
    std::ofstream(list, std::ios::binary) << "# ja3_md5,Firstseen,Lastseen,Listingreason\n"
                                             "0123456789abcdef0123456789abcdef,2020-01-01 00:00:00,2020-02-01 00:00:00,"
                                             "TestFamily\n";
    const fs::path config = TempDir() / "unmask.yaml";
    std::ofstream(config, std::ios::binary) << "lists:\n  Ja3Blocklist:\n    file: sslbl.csv\n"
                                               "    format: abusech-ja3-csv\n";
    const std::string rows =
        Ssl("09:00:00", "45.65.176.21", R"({"direction":"Out","ja3":"0123456789abcdef0123456789abcdef"})") +
        Ssl("09:01:00", "45.65.176.22", R"({"direction":"Out","ja3":"49ed2ef3f1321e5f044f1e71b0e6fdd5"})");
    const HuntRun run = Hunt("list", rows, "--no-merge --rule tls-fingerprint-blocklist --config " + config.string());
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_EQ(run.findings.size(), 1u); // the default TrickBot entry is replaced by the file
    EXPECT_NE(run.findings.front().find("(TestFamily)"), std::string::npos) << run.findings.front();
}

TEST(ImpersonationRules, CorpusAbusechListThroughHunt) {
    const fs::path list = kCorpus / "ja3-lists" / "abusech_sslbl_ja3_fingerprints_copy2021.csv";
    if (!fs::exists(list)) {
        GTEST_SKIP() << "the shared corpus is not at " << kCorpus << "; the abuse.ch list is not checked";
    }
    const fs::path config = TempDir() / "corpus.yaml";
    std::ofstream(config, std::ios::binary)
        << "lists:\n  Ja3Blocklist:\n    file: " << fs::absolute(list).string() << "\n    format: abusech-ja3-csv\n";
    // The Tofsee JA3 is in the file and not among the rule's defaults.
    const HuntRun run =
        Hunt("corpus-list",
             Ssl("09:00:00", "45.65.176.21", R"({"direction":"Out","ja3":"32926ca3e59f0413d0b98725454594f5"})"),
             "--no-merge --rule tls-fingerprint-blocklist --config " + config.string());
    ASSERT_EQ(run.status, 0) << run.err;
    ASSERT_EQ(run.findings.size(), 1u);
    EXPECT_NE(run.findings.front().find("(Tofsee)"), std::string::npos) << run.findings.front();
}

TEST(ImpersonationRules, UnusedListNameIsRejected) {
    const fs::path list = TempDir() / "unused.txt";
    std::ofstream(list, std::ios::binary) << "abc\n";
    const fs::path config = TempDir() / "unused.yaml";
    std::ofstream(config, std::ios::binary) << "lists:\n  Ja3Blocklst:\n    file: unused.txt\n    format: lines\n";
    const HuntRun run = Hunt("unused", Ssl("09:00:00", "45.65.176.21", "{}"), "--config " + config.string());
    EXPECT_NE(run.status, 0);
    EXPECT_NE(run.err.find("lists.Ja3Blocklst: no rule has a dynamic parameter of this name"), std::string::npos)
        << run.err;
}

} // namespace
