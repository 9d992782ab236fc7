// Tests of the X.509 parser, trust store and name matching: certificates generated with the
// openssl CLI at test time, the system roots, Zeek's own x509.log baseline (which carries the
// DER), and certificates extracted from corpus captures with tshark, compared field by field
// with `openssl x509` and tshark.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "dissect/x509.h"

namespace unmask::dissect {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(UNMASK_SOURCE_DIR) / ".." / "shared" / "corpus";

std::string RunCommand(const std::string& command) {
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return output;
    }
    char buffer[4096];
    size_t count = 0;
    while ((count = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
        output.append(buffer, count);
    }
    pclose(pipe);
    return output;
}

std::string ReadFile(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    return content.str();
}

std::span<const uint8_t> Bytes(const std::string& text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::string HexToBytes(std::string_view hex) {
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    }
    return bytes;
}

std::vector<std::string> Split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, separator)) {
        parts.push_back(part);
    }
    return parts;
}

/// Returns the value after "key=" on the line of `openssl x509 -noout` output that starts with it.
std::string CliField(const std::string& output, const std::string& key) {
    for (const std::string& line : Split(output, '\n')) {
        if (line.rfind(key + "=", 0) == 0) {
            return line.substr(key.size() + 1);
        }
    }
    return "<missing " + key + ">";
}

/// A scratch folder with the openssl CLI at hand; skips the test when the CLI is missing.
class X509Cli : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
            GTEST_SKIP() << "the openssl command is not installed";
        }
        directory_ = fs::temp_directory_path() / ("unmask_x509_" + std::to_string(getpid()) + "_" +
                                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(directory_);
    }
    void TearDown() override {
        if (!directory_.empty()) {
            fs::remove_all(directory_);
        }
    }
    std::string Path(const std::string& name) const { return (directory_ / name).string(); }
    /// Runs an openssl command inside the scratch folder and fails the test when it fails.
    void Openssl(const std::string& arguments) {
        const std::string command = "cd '" + directory_.string() + "' && openssl " + arguments + " >/dev/null 2>&1";
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
    std::string Der(const std::string& pem_name) {
        const std::string der_name = pem_name + ".der";
        Openssl("x509 -in " + pem_name + " -outform der -out " + der_name);
        return ReadFile(directory_ / der_name);
    }

    fs::path directory_;
};

TEST_F(X509Cli, SelfSignedRsaWithSans) {
    ASSERT_NO_FATAL_FAILURE(
        Openssl("req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 30 -sha256 "
                "-subj '/C=US/O=Unmask Test, Inc/CN=www.google.com' -addext 'subjectAltName=DNS:www.google.com,"
                "DNS:*.google.com,IP:127.0.0.1,IP:2001:db8::1,email:ops@example.com,URI:https://example.com/x'"));
    const std::string der = Der("cert.pem");
    Result<Certificate> parsed = ParseCertificate(Bytes(der));
    ASSERT_TRUE(parsed.ok()) << parsed.status().message();
    const Certificate& cert = *parsed;
    EXPECT_EQ(cert.subject, "CN=www.google.com,O=Unmask Test\\, Inc,C=US");
    EXPECT_EQ(cert.issuer, cert.subject);
    EXPECT_EQ(cert.common_name, "www.google.com");
    EXPECT_EQ(cert.san_dns, (std::vector<std::string>{"www.google.com", "*.google.com"}));
    EXPECT_EQ(cert.san_ip, (std::vector<std::string>{"127.0.0.1", "2001:db8::1"}));
    EXPECT_EQ(cert.san_email, (std::vector<std::string>{"ops@example.com"}));
    EXPECT_EQ(cert.san_uri, (std::vector<std::string>{"https://example.com/x"}));
    EXPECT_EQ(cert.version, 3);
    EXPECT_EQ(cert.key_type, "rsa");
    EXPECT_EQ(cert.key_length, 2048);
    EXPECT_EQ(cert.exponent, "65537");
    EXPECT_EQ(cert.key_algorithm, "rsaEncryption");
    EXPECT_EQ(cert.signature_algorithm, "sha256WithRSAEncryption");
    EXPECT_EQ(cert.not_valid_after - cert.not_valid_before, 30 * 86400);
    EXPECT_TRUE(cert.self_issued);
    EXPECT_TRUE(cert.self_signed);
    EXPECT_TRUE(cert.is_ca);
    EXPECT_TRUE(cert.problems.empty());

    const std::string cli = RunCommand("openssl x509 -in '" + Path("cert.pem") +
                                       "' -noout -subject -issuer -serial -nameopt RFC2253 -fingerprint -sha1");
    EXPECT_EQ("subject=" + cert.subject, "subject=" + CliField(cli, "subject"));
    EXPECT_EQ(cert.serial, CliField(cli, "serial"));
    std::string fingerprint = CliField(cli, "sha1 Fingerprint");
    std::erase(fingerprint, ':');
    std::transform(fingerprint.begin(), fingerprint.end(), fingerprint.begin(), ::tolower);
    EXPECT_EQ(cert.sha1, fingerprint);

    EXPECT_TRUE(CertificateMatchesName(cert, "www.google.com"));
    EXPECT_TRUE(CertificateMatchesName(cert, "WWW.Google.COM."));
    EXPECT_TRUE(CertificateMatchesName(cert, "mail.google.com"));
    EXPECT_FALSE(CertificateMatchesName(cert, "google.com"));
    EXPECT_FALSE(CertificateMatchesName(cert, "a.b.google.com"));
    EXPECT_FALSE(CertificateMatchesName(cert, "www.google.com.evil.net"));
    EXPECT_TRUE(CertificateMatchesName(cert, "127.0.0.1"));
    EXPECT_TRUE(CertificateMatchesName(cert, "2001:DB8:0::1"));
    EXPECT_TRUE(CertificateMatchesName(cert, "[2001:db8::1]"));
    EXPECT_FALSE(CertificateMatchesName(cert, "127.0.0.2"));
    EXPECT_FALSE(CertificateMatchesName(cert, ""));
}

TEST_F(X509Cli, CommonNameUsedOnlyWithoutDnsSan) {
    ASSERT_NO_FATAL_FAILURE(Openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout k.pem "
                                    "-out c.pem -days 5 -subj '/CN=*.internal.example'"));
    Result<Certificate> cert = ParseCertificate(Bytes(Der("c.pem")));
    ASSERT_TRUE(cert.ok()) << cert.status().message();
    EXPECT_EQ(cert->key_type, "ecdsa");
    EXPECT_EQ(cert->key_length, 256);
    EXPECT_EQ(cert->curve, "prime256v1");
    EXPECT_EQ(cert->key_algorithm, "id-ecPublicKey");
    EXPECT_EQ(cert->signature_algorithm, "ecdsa-with-SHA256");
    EXPECT_TRUE(cert->self_signed);
    EXPECT_TRUE(CertificateMatchesName(*cert, "db.internal.example"));
    EXPECT_FALSE(CertificateMatchesName(*cert, "internal.example"));

    Certificate with_san = *cert;
    with_san.san_dns = {"other.example"};
    EXPECT_FALSE(CertificateMatchesName(with_san, "db.internal.example"));
    Certificate too_wide = *cert;
    too_wide.common_name = "*.example";
    EXPECT_FALSE(CertificateMatchesName(too_wide, "a.example"));
}

TEST_F(X509Cli, Ed25519Key) {
    ASSERT_NO_FATAL_FAILURE(
        Openssl("req -x509 -newkey ed25519 -nodes -keyout k.pem -out c.pem -days 5 -subj '/O=NoCn'"));
    Result<Certificate> cert = ParseCertificate(Bytes(Der("c.pem")));
    ASSERT_TRUE(cert.ok()) << cert.status().message();
    EXPECT_EQ(cert->key_type, "ed25519");
    EXPECT_EQ(cert->signature_algorithm, "ED25519");
    EXPECT_EQ(cert->common_name, "");
    EXPECT_EQ(cert->subject, "O=NoCn");
    EXPECT_FALSE(CertificateMatchesName(*cert, "nocn"));
}

class X509Chain : public X509Cli {
protected:
    void SetUp() override {
        X509Cli::SetUp();
        if (IsSkipped()) {
            return;
        }
        ASSERT_NO_FATAL_FAILURE(Openssl("req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 100 "
                                        "-subj '/CN=Unmask Test Root'"));
        ASSERT_NO_FATAL_FAILURE(
            Openssl("req -newkey rsa:2048 -nodes -keyout mid.key -out mid.csr -subj '/CN=Unmask Mid'"));
        std::ofstream(directory_ / "ca.ext") << "basicConstraints=critical,CA:TRUE,pathlen:0\n";
        ASSERT_NO_FATAL_FAILURE(Openssl("x509 -req -in mid.csr -CA root.pem -CAkey root.key -set_serial 0x0A0B0C "
                                        "-days 50 -extfile ca.ext -out mid.pem"));
        ASSERT_NO_FATAL_FAILURE(
            Openssl("req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj '/CN=leaf.test'"));
        std::ofstream(directory_ / "leaf.ext") << "subjectAltName=DNS:leaf.test\n";
        ASSERT_NO_FATAL_FAILURE(Openssl("x509 -req -in leaf.csr -CA mid.pem -CAkey mid.key -set_serial 0xFF01 "
                                        "-days 10 -extfile leaf.ext -out leaf.pem"));
        root_ = Der("root.pem");
        mid_ = Der("mid.pem");
        leaf_ = Der("leaf.pem");
    }
    std::string root_, mid_, leaf_;
};

TEST_F(X509Chain, ParsedFacts) {
    Result<Certificate> mid = ParseCertificate(Bytes(mid_));
    ASSERT_TRUE(mid.ok());
    EXPECT_EQ(mid->serial, "0A0B0C");
    EXPECT_EQ(mid->serial_decimal, "658188");
    EXPECT_TRUE(mid->is_ca);
    EXPECT_EQ(mid->path_length, 0);
    EXPECT_EQ(mid->issuer, "CN=Unmask Test Root");
    EXPECT_FALSE(mid->self_issued);
    EXPECT_FALSE(mid->self_signed);
    Result<Certificate> leaf = ParseCertificate(Bytes(leaf_));
    ASSERT_TRUE(leaf.ok());
    EXPECT_EQ(leaf->serial, "FF01"); // DER holds 00 FF 01; the sign byte is not printed
    EXPECT_FALSE(leaf->is_ca);
    EXPECT_FALSE(leaf->has_basic_constraints);
    EXPECT_FALSE(leaf->path_length.has_value());
}

TEST_F(X509Chain, VerifyAtConnectionTime) {
    Result<TrustStore> store = TrustStore::LoadFile(Path("root.pem"));
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_EQ(store->certificate_count(), 1u);
    Result<Certificate> leaf = ParseCertificate(Bytes(leaf_));
    ASSERT_TRUE(leaf.ok());
    const int64_t during = leaf->not_valid_before + 3600;

    ChainVerification ok = store->Verify({leaf_, mid_}, during);
    EXPECT_TRUE(ok.valid);
    EXPECT_EQ(ok.status, "ok");
    EXPECT_EQ(store->Verify({root_}, during).status, "ok"); // a root verifies against itself

    ChainVerification missing = store->Verify({leaf_}, during);
    EXPECT_FALSE(missing.valid);
    EXPECT_EQ(missing.status, "unable to get local issuer certificate");
    EXPECT_EQ(store->Verify({leaf_, mid_}, leaf->not_valid_after + 86400).status, "certificate has expired");
    EXPECT_EQ(store->Verify({leaf_, mid_}, leaf->not_valid_before - 86400).status, "certificate is not yet valid");

    Result<TrustStore> system = TrustStore::LoadSystem();
    ASSERT_TRUE(system.ok()) << system.status().message();
    EXPECT_EQ(system->Verify({leaf_, mid_, root_}, during).status, "self-signed certificate in certificate chain");
    EXPECT_EQ(system->Verify({leaf_, mid_}, during).status, "unable to get local issuer certificate");

    EXPECT_EQ(store->Verify({}, during).status, "no certificate in chain");
    EXPECT_EQ(store->Verify({leaf_, "junk"}, during).status, "invalid DER certificate at chain position 1");
}

TEST(X509, TrustStoreFileErrors) {
    EXPECT_EQ(TrustStore::LoadFile("/nonexistent/roots.pem").status().kind(), ErrorKind::kIo);
    const fs::path empty = fs::temp_directory_path() / ("unmask_empty_" + std::to_string(getpid()) + ".pem");
    std::ofstream(empty) << "no certificates here\n";
    EXPECT_FALSE(TrustStore::LoadFile(empty.string()).ok());
    fs::remove(empty);
}

TEST(X509, RejectsInvalidInput) {
    EXPECT_EQ(ParseCertificate({}).status().kind(), ErrorKind::kInvalidInput);
    const std::string junk = "\x30\x82\x01\x00junk";
    Result<Certificate> bad = ParseCertificate(Bytes(junk));
    EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidInput);
    EXPECT_NE(bad.status().message().find("invalid DER certificate"), std::string::npos);
    const std::string huge(kMaxCertificateBytes + 1, '\x30');
    EXPECT_EQ(ParseCertificate(Bytes(huge)).status().kind(), ErrorKind::kLimitExceeded);
}

// --- System roots: each parses, matches the openssl CLI, and verifies against the store. ---

TEST(X509, SystemRootsMatchOpensslCli) {
    const fs::path bundle = "/etc/ssl/certs/ca-certificates.crt";
    if (!fs::exists(bundle) || std::system("command -v openssl >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "ca-certificates or the openssl command is not installed";
    }
    Result<TrustStore> store = TrustStore::LoadSystem();
    ASSERT_TRUE(store.ok()) << store.status().message();
    EXPECT_GT(store->certificate_count(), 50u);

    // Each PEM block of the bundle, decoded to DER here so that the parser sees what a capture carries.
    const std::string pem = ReadFile(bundle);
    // Each PEM block of the bundle, decoded to DER here so that the parser sees what a capture carries.
    std::vector<std::string> roots;
    size_t position = 0;
    while ((position = pem.find("-----BEGIN CERTIFICATE-----", position)) != std::string::npos) {
        const size_t end = pem.find("-----END CERTIFICATE-----", position);
        ASSERT_NE(end, std::string::npos);
        std::string body;
        for (char c : pem.substr(position + 27, end - position - 27)) {
            if (c != '\n' && c != '\r') {
                body.push_back(c);
            }
        }
        position = end;
        std::string der(body.size(), '\0');
        int length =
            EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                            reinterpret_cast<const unsigned char*>(body.data()), static_cast<int>(body.size()));
        ASSERT_GT(length, 0);
        length -= static_cast<int>(std::count(body.end() - std::min<size_t>(2, body.size()), body.end(), '='));
        der.resize(static_cast<size_t>(length));
        roots.push_back(std::move(der));
    }
    std::vector<Certificate> parsed;
    std::map<std::string, int> subject_counts;
    for (const std::string& der : roots) {
        Result<Certificate> cert = ParseCertificate(Bytes(der));
        ASSERT_TRUE(cert.ok()) << cert.status().message();
        ++subject_counts[cert->subject];
        parsed.push_back(std::move(*cert));
    }

    size_t checked = 0;
    for (size_t i = 0; i < roots.size(); ++i) {
        const Certificate& cert = parsed[i];
        SCOPED_TRACE(cert.subject);
        EXPECT_TRUE(cert.is_ca);
        // OpenSSL looks trusted certificates up by subject, so a root that shares its subject with
        // another (a reissue) may be checked against the other one's key: only unique ones verify.
        if (subject_counts[cert.subject] == 1) {
            EXPECT_EQ(store->Verify({roots[i]}, cert.not_valid_before + 86400).status, "ok");
        }
        if (i % 10 == 0) { // the CLI costs a process per certificate; every tenth is enough
            const fs::path file = fs::temp_directory_path() / ("unmask_root_" + std::to_string(getpid()) + ".der");
            std::ofstream(file, std::ios::binary) << roots[i];
            const std::string cli = RunCommand("openssl x509 -inform der -in '" + file.string() +
                                               "' -noout -subject -issuer -serial -nameopt RFC2253");
            fs::remove(file);
            EXPECT_EQ(cert.subject, CliField(cli, "subject"));
            EXPECT_EQ(cert.issuer, CliField(cli, "issuer"));
            EXPECT_EQ(cert.serial, CliField(cli, "serial"));
        }
        ++checked;
    }
    EXPECT_GT(checked, 50u);
}

// --- Zeek parity: Zeek's x509.log baseline stores each certificate's DER in base64. ---

std::string UnescapeZeek(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 1 < field.size() && field[i + 1] == '\\') {
            out.push_back('\\');
            ++i;
        } else if (field[i] == '\\' && i + 3 < field.size() && field[i + 1] == 'x') {
            out.push_back(static_cast<char>(std::stoi(field.substr(i + 2, 2), nullptr, 16)));
            i += 3;
        } else {
            out.push_back(field[i]);
        }
    }
    return out;
}

std::string Joined(const std::vector<std::string>& values) {
    if (values.empty()) {
        return "-";
    }
    std::string out;
    for (const std::string& value : values) {
        out += (out.empty() ? "" : ",") + value;
    }
    return out;
}

TEST(X509, MatchesZeekBaselineLog) {
    const fs::path log = kCorpus / "zeek" / "baseline_log-certs-base64_x509.log";
    if (!fs::exists(log)) {
        GTEST_SKIP() << "corpus not found at " << log << " (it lives in the shared folder beside the repository)";
    }
    std::vector<std::string> names;
    size_t rows = 0;
    for (const std::string& line : Split(ReadFile(log), '\n')) {
        if (line.rfind("#fields\t", 0) == 0) {
            names = Split(line.substr(8), '\t');
            continue;
        }
        if (line.empty() || line[0] == '#') {
            continue;
        }
        const std::vector<std::string> values = Split(line, '\t');
        ASSERT_EQ(values.size(), names.size());
        std::map<std::string, std::string> row;
        for (size_t i = 0; i < names.size(); ++i) {
            row[names[i]] = UnescapeZeek(values[i]);
        }
        const std::string& base64 = row["cert"];
        std::string der(base64.size(), '\0');
        int length =
            EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                            reinterpret_cast<const unsigned char*>(base64.data()), static_cast<int>(base64.size()));
        ASSERT_GT(length, 0);
        length -= static_cast<int>(std::count(base64.end() - 2, base64.end(), '='));
        der.resize(static_cast<size_t>(length));

        Result<Certificate> cert = ParseCertificate(Bytes(der));
        ASSERT_TRUE(cert.ok()) << cert.status().message();
        SCOPED_TRACE(row["certificate.subject"]);
        EXPECT_EQ(cert->sha256, row["fingerprint"]);
        EXPECT_EQ(std::to_string(cert->version), row["certificate.version"]);
        EXPECT_EQ(cert->serial, row["certificate.serial"]);
        EXPECT_EQ(cert->subject, row["certificate.subject"]);
        EXPECT_EQ(cert->issuer, row["certificate.issuer"]);
        EXPECT_EQ(std::to_string(cert->not_valid_before) + ".000000", row["certificate.not_valid_before"]);
        EXPECT_EQ(std::to_string(cert->not_valid_after) + ".000000", row["certificate.not_valid_after"]);
        EXPECT_EQ(cert->key_algorithm, row["certificate.key_alg"]);
        EXPECT_EQ(cert->signature_algorithm, row["certificate.sig_alg"]);
        EXPECT_EQ(cert->key_type, row["certificate.key_type"]);
        EXPECT_EQ(std::to_string(cert->key_length), row["certificate.key_length"]);
        EXPECT_EQ(cert->exponent.empty() ? "-" : cert->exponent, row["certificate.exponent"]);
        EXPECT_EQ(cert->curve.empty() ? "-" : cert->curve, row["certificate.curve"]);
        EXPECT_EQ(Joined(cert->san_dns), row["san.dns"]);
        EXPECT_EQ(Joined(cert->san_uri), row["san.uri"]);
        EXPECT_EQ(Joined(cert->san_email), row["san.email"]);
        EXPECT_EQ(Joined(cert->san_ip), row["san.ip"]);
        EXPECT_EQ(cert->has_basic_constraints ? (cert->is_ca ? "T" : "F") : "-", row["basic_constraints.ca"]);
        EXPECT_EQ(cert->path_length ? std::to_string(*cert->path_length) : "-", row["basic_constraints.path_len"]);
        ++rows;
    }
    EXPECT_EQ(rows, 3u);
}

// --- Corpus captures: certificates extracted by tshark, checked against tshark and the CLI. ---

struct CaptureCertificates {
    std::vector<std::string> der;
    std::vector<std::string> tshark_serials; ///< lowercase hex of the DER INTEGER content
};

CaptureCertificates ExtractCertificates(const fs::path& capture) {
    CaptureCertificates out;
    const std::string quoted = "'" + capture.string() + "'";
    for (const std::string& line : Split(RunCommand("tshark -r " + quoted +
                                                    " -Y tls.handshake.certificate -T fields -E occurrence=a "
                                                    "-e tls.handshake.certificate -e x509af.serialNumber 2>/dev/null"),
                                         '\n')) {
        const std::vector<std::string> columns = Split(line, '\t');
        if (columns.empty() || columns[0].empty()) {
            continue;
        }
        const std::vector<std::string> certs = Split(columns[0], ',');
        const std::vector<std::string> serials =
            columns.size() > 1 ? Split(columns[1], ',') : std::vector<std::string>{};
        for (size_t i = 0; i < certs.size(); ++i) {
            out.der.push_back(HexToBytes(certs[i]));
            out.tshark_serials.push_back(serials.size() == certs.size() ? serials[i] : "");
        }
    }
    return out;
}

/// Converts tshark's serial (hex of the INTEGER content, sign byte included) to Zeek's form.
std::string TsharkSerialAsZeek(std::string hex) {
    std::transform(hex.begin(), hex.end(), hex.begin(), ::toupper);
    if (hex.size() > 2 && hex.starts_with("00") && std::string("89ABCDEF").find(hex[2]) != std::string::npos) {
        hex.erase(0, 2);
    }
    return hex;
}

class X509Corpus : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(kCorpus)) {
            GTEST_SKIP() << "corpus not found at " << kCorpus
                         << " (it lives in the shared folder beside the repository)";
        }
        if (std::system("command -v tshark >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1") != 0) {
            GTEST_SKIP() << "tshark or the openssl command is not installed";
        }
    }
};

TEST_F(X509Corpus, CapturedCertificatesMatchTsharkAndCli) {
    const std::vector<std::string> captures = {"ndpi/emotet.pcap",
                                               "zeek/tls_cert-no-cn.pcap",
                                               "ndpi/ssl-cert-name-mismatch.pcap",
                                               "zeek/tls_chrome-34-google.pcap",
                                               "zeek/tls_missing-intermediate.pcap",
                                               "zeek/tls_tls-expired-cert.pcap",
                                               "zeek/tls_ssl-v2.pcap",
                                               "ja4/badcurveball.pcap",
                                               "ndpi/selfsigned.pcap",
                                               "ndpi/anydesk.pcapng",
                                               "ndpi/tls_malicious_sha1.pcapng",
                                               "suricata-verify/tls-glupteba.pcap",
                                               "ja4/browsers-x509.pcapng"};
    const fs::path scratch = fs::temp_directory_path() / ("unmask_corpus_cert_" + std::to_string(getpid()) + ".der");
    size_t compared = 0;
    std::set<std::string> seen;
    for (const std::string& name : captures) {
        SCOPED_TRACE(name);
        const CaptureCertificates extracted = ExtractCertificates(kCorpus / name);
        EXPECT_FALSE(extracted.der.empty());
        for (size_t i = 0; i < extracted.der.size(); ++i) {
            if (!seen.insert(extracted.der[i]).second) {
                continue; // the same certificate in another connection
            }
            Result<Certificate> cert = ParseCertificate(Bytes(extracted.der[i]));
            ASSERT_TRUE(cert.ok()) << cert.status().message();
            if (!extracted.tshark_serials[i].empty()) {
                EXPECT_EQ(cert->serial, TsharkSerialAsZeek(extracted.tshark_serials[i]));
            }
            std::ofstream(scratch, std::ios::binary) << extracted.der[i];
            const std::string cli = RunCommand("openssl x509 -inform der -in '" + scratch.string() +
                                               "' -noout -subject -issuer -serial -nameopt RFC2253 -fingerprint -sha1");
            EXPECT_EQ(cert->subject, CliField(cli, "subject"));
            EXPECT_EQ(cert->issuer, CliField(cli, "issuer"));
            EXPECT_EQ(cert->serial, CliField(cli, "serial"));
            std::string fingerprint = CliField(cli, "sha1 Fingerprint");
            std::erase(fingerprint, ':');
            std::transform(fingerprint.begin(), fingerprint.end(), fingerprint.begin(), ::tolower);
            EXPECT_EQ(cert->sha1, fingerprint);
            ++compared;
        }
    }
    fs::remove(scratch);
    EXPECT_GT(compared, 20u);
}

TEST_F(X509Corpus, EmotetSelfSignedExampleCom) {
    const CaptureCertificates extracted = ExtractCertificates(kCorpus / "ndpi" / "emotet.pcap");
    ASSERT_EQ(extracted.der.size(), 1u);
    Result<Certificate> cert = ParseCertificate(Bytes(extracted.der[0]));
    ASSERT_TRUE(cert.ok());
    EXPECT_EQ(cert->common_name, "example.com");
    EXPECT_EQ(cert->subject, "CN=example.com,OU=IT Department,O=Global Security,L=London,ST=London,C=GB");
    EXPECT_TRUE(cert->self_issued);
    EXPECT_TRUE(cert->self_signed);
    EXPECT_TRUE(CertificateMatchesName(*cert, "example.com"));
}

TEST_F(X509Corpus, CertificateWithoutCommonName) {
    const CaptureCertificates extracted = ExtractCertificates(kCorpus / "zeek" / "tls_cert-no-cn.pcap");
    ASSERT_EQ(extracted.der.size(), 1u);
    Result<Certificate> cert = ParseCertificate(Bytes(extracted.der[0]));
    ASSERT_TRUE(cert.ok());
    EXPECT_EQ(cert->common_name, "");
    EXPECT_NE(cert->subject.find("O=TestCorp"), std::string::npos) << cert->subject;
    EXPECT_EQ(cert->subject.find("CN="), std::string::npos);
    EXPECT_TRUE(cert->self_signed);
}

TEST_F(X509Corpus, SniNotInCertificate) {
    const fs::path capture = kCorpus / "ndpi" / "ssl-cert-name-mismatch.pcap";
    const CaptureCertificates extracted = ExtractCertificates(capture);
    ASSERT_EQ(extracted.der.size(), 2u);
    const std::vector<std::string> server_names =
        Split(RunCommand("tshark -r '" + capture.string() +
                         "' -Y tls.handshake.extensions_server_name -T fields "
                         "-e tls.handshake.extensions_server_name 2>/dev/null"),
              '\n');
    ASSERT_FALSE(server_names.empty());
    EXPECT_EQ(server_names[0], "wrong.host.badssl.com");
    Result<Certificate> leaf = ParseCertificate(Bytes(extracted.der[0]));
    ASSERT_TRUE(leaf.ok());
    EXPECT_EQ(leaf->san_dns, (std::vector<std::string>{"*.badssl.com", "badssl.com"}));
    EXPECT_FALSE(CertificateMatchesName(*leaf, server_names[0]));
    EXPECT_TRUE(CertificateMatchesName(*leaf, "host.badssl.com"));
    EXPECT_TRUE(CertificateMatchesName(*leaf, "badssl.com"));
}

} // namespace
} // namespace unmask::dissect
