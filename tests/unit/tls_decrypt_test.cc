// TlsDecryptor against known answers and real TLS stacks:
// - the RFC 8448 section 3 trace (Simple 1-RTT Handshake), whose secrets and records are published;
// - sessions that Python's ssl module (OpenSSL) records with tests/unit/tls_transcript.py, for
//   each supported version and cipher family, fed in 1-byte, 7-byte and whole splits;
// - wrong keys, missing secrets, gaps, limits and unsupported suites.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "dissect/tls.h"
#include "dissect/tls_decrypt.h"
#include "dissect/tls_keylog.h"

namespace unmask::dissect {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Hex(std::string_view text) {
    Bytes out;
    int high = -1;
    for (char c : text) {
        int value = -1;
        if (c >= '0' && c <= '9') {
            value = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            value = c - 'a' + 10;
        }
        if (value < 0) {
            continue;
        }
        if (high < 0) {
            high = value;
        } else {
            out.push_back(static_cast<uint8_t>(high << 4 | value));
            high = -1;
        }
    }
    return out;
}

std::string HexString(std::string_view text) {
    const Bytes bytes = Hex(text);
    return std::string(bytes.begin(), bytes.end());
}

bool Contains(const Bytes& haystack, const Bytes& needle) {
    return !needle.empty() &&
           std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

// Everything a decryptor passed to its sink, by direction.
struct Collected {
    Bytes application[2];
    Bytes handshake[2];
    std::vector<Bytes> handshake_records[2];
    std::vector<Bytes> alerts[2];
    std::vector<uint8_t> other_types;
};

TlsDecryptor::Sink CollectInto(Collected& collected) {
    return [&collected](Direction direction, uint8_t type, std::span<const uint8_t> plaintext) {
        const int index = DirectionIndex(direction);
        const Bytes bytes(plaintext.begin(), plaintext.end());
        if (type == 23) {
            collected.application[index].insert(collected.application[index].end(), bytes.begin(), bytes.end());
        } else if (type == 22) {
            collected.handshake[index].insert(collected.handshake[index].end(), bytes.begin(), bytes.end());
            collected.handshake_records[index].push_back(bytes);
        } else if (type == 21) {
            collected.alerts[index].push_back(bytes);
        } else {
            collected.other_types.push_back(type);
        }
    };
}

// ---------------------------------------------------------------------------------------------
// RFC 8448 section 3: secrets and protected records of the Simple 1-RTT Handshake.

const char kRfcClientRandom[] = "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";
const char kRfcClientHandshakeSecret[] = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
const char kRfcServerHandshakeSecret[] = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
const char kRfcClientTrafficSecret[] = "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5";
const char kRfcServerTrafficSecret[] = "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";

// The server's flight: EncryptedExtensions, Certificate, CertificateVerify, Finished.
const char kRfcServerHandshakeRecord[] =
    "17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a f3 5e df 78 69 fc"
    "f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78 b1 11 b4 29 ba 91 91 cd"
    "05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb"
    "35 5c 7c 79 02 07 16 cf b9 b1 18 3e f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c"
    "7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55"
    "cc 74 41 10 c4 53 ba a4 fc d6 10 92 8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70"
    "a2 55 9c 09 ea d6 86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 94 41 ac 66 27 2f d8 fb 33 0e f8 19"
    "05 79 b3 68 45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f"
    "44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba"
    "9a cb bb 31 7b 66 d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31 7b 49 ee da 0c 62 58 f1"
    "00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78 af 36 87 90 18 e3 f2"
    "52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da 8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c"
    "f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd"
    "29 72 fd a1 fa 80 f8 5d f8 81 ed be 5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6"
    "fa 4f 9d 62 d5 13 af bb 99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e"
    "2a c4 c8 59 77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38"
    "eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f 60 f0 50 4d e9 3b 5b 84 5e 27 55 92"
    "c1 23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 d2 af 93 98 28 fd 4a e3"
    "79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37 0d 2b";
// NewSessionTicket, the server's first record under its application key.
const char kRfcServerTicketRecord[] =
    "17 03 03 00 de 3a 6b 8f 90 41 4a 97 d6 95 9c 34 87 68 0d e5 13 4a 2b 24 0e 6c ff ac 11 6e 95 d4 1d 6a f8 f6"
    "b5 80 dc f3 d1 1d 63 c7 58 db 28 9a 01 59 40 25 2f 55 71 3e 06 1d c1 3e 07 88 91 a3 8e fb cf 57 53 ad 8e f1"
    "70 ad 3c 73 53 d1 6d 9d a7 73 b9 ca 7f 2b 9f a1 b6 c0 d4 a3 d0 3f 75 e0 9c 30 ba 1e 62 97 2a c4 6f 75 f7 b9"
    "81 be 63 43 9b 29 99 ce 13 06 46 15 13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84 00 25 db 2f 0a 77"
    "f8 1b 5a b0 5b 94 c0 13 46 75 5f 69 23 2c 86 51 9d 86 cb ee ac 87 aa c3 47 d1 43 f9 60 5d 64 f6 50 db 4d 02"
    "3e 70 e9 52 ca 49 fe 51 37 12 1c 74 bc 26 97 68 7e 24 87 46 d6 df 35 30 05 f3 bc e1 86 96 12 9c 81 53 55 6b"
    "3b 6c 67 79 b3 7b f1 59 85 68 4f";
const char kRfcServerApplicationRecord[] =
    "17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa 1b 36 e3 0e fa f9"
    "7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 ab f3 32 54 0d d0 32 e1 67 c2 95 5d";
const char kRfcClientFinishedRecord[] =
    "17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a 4b fc 44 d8 7f 38"
    "f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46";
const char kRfcClientApplicationRecord[] =
    "17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc ab 3f 2b 98 19 a8"
    "a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4";

Bytes RfcPayload() {
    Bytes payload;
    for (uint8_t i = 0; i <= 0x31; ++i) {
        payload.push_back(i);
    }
    return payload;
}

TlsSessionParameters RfcParameters() {
    TlsSessionParameters parameters;
    parameters.version = 0x0304;
    parameters.cipher_suite = 0x1301;
    const Bytes random = Hex(kRfcClientRandom);
    std::copy(random.begin(), random.end(), parameters.client_random.begin());
    return parameters;
}

TlsSessionSecrets RfcSecrets() {
    TlsSessionSecrets secrets;
    secrets.client_handshake_traffic_secret = HexString(kRfcClientHandshakeSecret);
    secrets.server_handshake_traffic_secret = HexString(kRfcServerHandshakeSecret);
    secrets.client_traffic_secret_0 = HexString(kRfcClientTrafficSecret);
    secrets.server_traffic_secret_0 = HexString(kRfcServerTrafficSecret);
    return secrets;
}

void FeedRfcRecords(TlsDecryptor& decryptor) {
    for (const char* record : {kRfcServerHandshakeRecord, kRfcServerTicketRecord, kRfcServerApplicationRecord}) {
        decryptor.Feed(Direction::kToClient, Hex(record));
    }
    for (const char* record : {kRfcClientFinishedRecord, kRfcClientApplicationRecord}) {
        decryptor.Feed(Direction::kToServer, Hex(record));
    }
}

TEST(TlsDecryptRfc8448, DecryptsServerFlightAndData) {
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), RfcSecrets()).ok());
    FeedRfcRecords(decryptor);

    // Server: one 657-byte handshake plaintext (EncryptedExtensions first, Finished with 32 bytes
    // of verify_data last), then the NewSessionTicket under the application key at sequence 0.
    ASSERT_EQ(collected.handshake_records[1].size(), 2u);
    const Bytes& flight = collected.handshake_records[1][0];
    ASSERT_EQ(flight.size(), 657u);
    EXPECT_EQ(Bytes(flight.begin(), flight.begin() + 4), Hex("08 00 00 24"));
    EXPECT_EQ(Bytes(flight.end() - 36, flight.end() - 32), Hex("14 00 00 20"));
    EXPECT_EQ(collected.handshake_records[1][1].front(), 0x04); // new_session_ticket
    // The application data record has sequence 1, so it also checks the nonce construction.
    EXPECT_EQ(collected.application[1], RfcPayload());

    ASSERT_EQ(collected.handshake_records[0].size(), 1u);
    EXPECT_EQ(collected.handshake_records[0][0].size(), 36u);
    EXPECT_EQ(Bytes(collected.handshake[0].begin(), collected.handshake[0].begin() + 4), Hex("14 00 00 20"));
    EXPECT_EQ(collected.application[0], RfcPayload());

    EXPECT_EQ(decryptor.stats().outcome(), "decrypted");
    EXPECT_EQ(decryptor.stats().directions[1].decrypted_records, 3u);
    EXPECT_EQ(decryptor.stats().directions[0].decrypted_records, 2u);
    EXPECT_EQ(decryptor.stats().directions[0].failed_records, 0u);
    EXPECT_EQ(decryptor.stats().directions[1].failed_records, 0u);
}

TEST(TlsDecryptRfc8448, KeyLogLinesFindTheSession) {
    const std::string text = std::string("# RFC 8448 section 3\n") + "CLIENT_HANDSHAKE_TRAFFIC_SECRET " +
                             kRfcClientRandom + " " + kRfcClientHandshakeSecret + "\r\n" +
                             "SERVER_HANDSHAKE_TRAFFIC_SECRET " + kRfcClientRandom + " " + kRfcServerHandshakeSecret +
                             "\n" + "CLIENT_TRAFFIC_SECRET_0 " + kRfcClientRandom + " " + kRfcClientTrafficSecret +
                             "\n" + "SERVER_TRAFFIC_SECRET_0 " + kRfcClientRandom + " " + kRfcServerTrafficSecret +
                             "\n" + "EXPORTER_SECRET " + kRfcClientRandom + " " + kRfcServerTrafficSecret + "\n";
    auto log = TlsKeyLog::Parse(text, "rfc8448.keys");
    ASSERT_TRUE(log.ok()) << log.status().message();
    EXPECT_EQ(log->sessions(), 1u);
    EXPECT_EQ(log->ignored_lines(), 1u);
    EXPECT_EQ(log->malformed_lines(), 0u);
    const TlsSessionSecrets* secrets = log->Find(Hex(kRfcClientRandom));
    ASSERT_NE(secrets, nullptr);

    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), *secrets).ok());
    FeedRfcRecords(decryptor);
    EXPECT_EQ(collected.application[0], RfcPayload());
    EXPECT_EQ(collected.application[1], RfcPayload());
}

TEST(TlsDecryptRfc8448, WithoutHandshakeSecretsSkipsFlight) {
    TlsSessionSecrets secrets = RfcSecrets();
    secrets.client_handshake_traffic_secret.clear();
    secrets.server_handshake_traffic_secret.clear();
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), secrets).ok());
    FeedRfcRecords(decryptor);
    EXPECT_EQ(collected.application[0], RfcPayload());
    EXPECT_EQ(collected.application[1], RfcPayload());
    EXPECT_EQ(decryptor.stats().directions[0].skipped_records, 1u); // client Finished
    EXPECT_EQ(decryptor.stats().directions[1].skipped_records, 1u); // server flight
    // The data decrypts, but the handshake (and the certificate in it) does not.
    EXPECT_EQ(decryptor.stats().outcome(), "partial");
}

TEST(TlsDecryptRfc8448, OneWrongDirectionIsPartial) {
    TlsSessionSecrets secrets = RfcSecrets();
    secrets.server_traffic_secret_0[0] = static_cast<char>(secrets.server_traffic_secret_0[0] ^ 1);
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), secrets).ok());
    FeedRfcRecords(decryptor);
    EXPECT_EQ(collected.application[0], RfcPayload());
    EXPECT_TRUE(collected.application[1].empty());
    EXPECT_GT(decryptor.stats().directions[1].failed_records, 0u);
    EXPECT_EQ(decryptor.stats().outcome(), "partial");
}

TEST(TlsDecryptRfc8448, WrongSecretFailsAuthentication) {
    TlsSessionSecrets secrets = RfcSecrets();
    for (std::string* secret : {&secrets.client_handshake_traffic_secret, &secrets.server_handshake_traffic_secret,
                                &secrets.client_traffic_secret_0, &secrets.server_traffic_secret_0}) {
        (*secret)[0] = static_cast<char>((*secret)[0] ^ 1);
    }
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), secrets).ok());
    FeedRfcRecords(decryptor);
    EXPECT_EQ(decryptor.stats().outcome(), "authentication_failed");
    EXPECT_TRUE(collected.application[0].empty());
    EXPECT_TRUE(collected.application[1].empty());
    EXPECT_TRUE(collected.handshake[1].empty());
    EXPECT_EQ(decryptor.stats().directions[1].failed_records, 3u);
    EXPECT_EQ(decryptor.stats().directions[1].decrypted_records, 0u);
}

TEST(TlsDecryptRfc8448, TamperedRecordFailsOnlyItself) {
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), RfcSecrets()).ok());
    Bytes finished = Hex(kRfcClientFinishedRecord);
    decryptor.Feed(Direction::kToServer, finished);
    Bytes application = Hex(kRfcClientApplicationRecord);
    application[10] ^= 0x80;
    decryptor.Feed(Direction::kToServer, application);
    EXPECT_EQ(decryptor.stats().directions[0].decrypted_records, 1u);
    EXPECT_EQ(decryptor.stats().directions[0].failed_records, 1u);
    EXPECT_TRUE(collected.application[0].empty());
}

TEST(TlsDecryptSession, RejectsUnsupportedSuite) {
    TlsSessionParameters parameters = RfcParameters();
    parameters.cipher_suite = 0x1304; // TLS_AES_128_CCM_SHA256
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    const Status status = decryptor.SetSession(parameters, RfcSecrets());
    EXPECT_FALSE(status.ok());
    EXPECT_NE(status.message().find("0x1304"), std::string::npos) << status.message();
    FeedRfcRecords(decryptor);
    EXPECT_EQ(decryptor.stats().outcome(), "unsupported_cipher");
    EXPECT_EQ(decryptor.stats().directions[1].undecryptable_records, 3u);
    EXPECT_TRUE(collected.application[1].empty());
}

TEST(TlsDecryptSession, RejectsMissingSecrets) {
    TlsDecryptor decryptor(nullptr);
    EXPECT_FALSE(decryptor.SetSession(RfcParameters(), TlsSessionSecrets{}).ok());
    EXPECT_EQ(decryptor.stats().outcome(), "missing_secrets");

    TlsSessionParameters tls12 = RfcParameters();
    tls12.version = 0x0303;
    tls12.cipher_suite = 0xC02F;
    TlsDecryptor tls12_decryptor(nullptr);
    EXPECT_FALSE(tls12_decryptor.SetSession(tls12, RfcSecrets()).ok());
    EXPECT_EQ(tls12_decryptor.stats().outcome(), "missing_secrets");
}

TEST(TlsDecryptSession, RejectsSuiteOfOtherVersion) {
    TlsSessionParameters parameters = RfcParameters();
    parameters.version = 0x0303; // a TLS 1.3 suite under TLS 1.2
    TlsDecryptor decryptor(nullptr);
    EXPECT_FALSE(decryptor.SetSession(parameters, RfcSecrets()).ok());
    EXPECT_EQ(decryptor.stats().outcome(), "invalid_session");
}

TEST(TlsDecryptSession, NoSessionCountsEncryptedRecords) {
    TlsDecryptor decryptor(nullptr);
    FeedRfcRecords(decryptor);
    EXPECT_EQ(decryptor.stats().outcome(), "no_session");
    EXPECT_EQ(decryptor.stats().directions[1].undecryptable_records, 3u);
}

TEST(TlsDecryptLimits, OversizedRecordStopsDirection) {
    TlsDecryptor decryptor(nullptr);
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), RfcSecrets()).ok());
    decryptor.Feed(Direction::kToClient, Hex("17 03 03 48 01"));
    decryptor.Feed(Direction::kToServer, Hex(kRfcClientFinishedRecord));
    EXPECT_EQ(decryptor.stats().directions[1].stop_reason, "record_length_oversized");
    EXPECT_EQ(decryptor.stats().directions[0].decrypted_records, 1u);
}

TEST(TlsDecryptLimits, InvalidHeaderStopsDirection) {
    TlsDecryptor decryptor(nullptr);
    decryptor.Feed(Direction::kToServer, Hex("47 45 54 20 2f 20"));
    EXPECT_EQ(decryptor.stats().directions[0].stop_reason, "invalid_record_header");
    EXPECT_EQ(decryptor.stats().outcome(), "invalid_record");
}

TEST(TlsDecryptLimits, GapStopsOneDirection) {
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(RfcParameters(), RfcSecrets()).ok());
    decryptor.Gap(Direction::kToClient, 100);
    FeedRfcRecords(decryptor);
    EXPECT_EQ(decryptor.stats().directions[1].stop_reason, "gap");
    EXPECT_EQ(decryptor.stats().directions[1].gap_bytes, 100u);
    EXPECT_TRUE(collected.application[1].empty());
    EXPECT_EQ(collected.application[0], RfcPayload());
}

// ---------------------------------------------------------------------------------------------
// Sessions recorded from Python's ssl module.

struct TranscriptCase {
    const char* name;
    const char* version; // tls_transcript.py --version
    const char* cipher;
    bool no_etm;
    uint16_t expected_version;
    uint16_t expected_suite;
    bool expected_etm;
};

std::ostream& operator<<(std::ostream& out, const TranscriptCase& c) {
    return out << c.name;
}

const TranscriptCase kTranscriptCases[] = {
    {"Tls13Aes128Gcm", "1.3", "TLS_AES_128_GCM_SHA256", false, 0x0304, 0x1301, false},
    {"Tls13Aes256Gcm", "1.3", "TLS_AES_256_GCM_SHA384", false, 0x0304, 0x1302, false},
    {"Tls13ChaCha20", "1.3", "TLS_CHACHA20_POLY1305_SHA256", false, 0x0304, 0x1303, false},
    {"Tls12Aes128Gcm", "1.2", "ECDHE-RSA-AES128-GCM-SHA256", false, 0x0303, 0xC02F, false},
    {"Tls12Aes256Gcm", "1.2", "ECDHE-RSA-AES256-GCM-SHA384", false, 0x0303, 0xC030, false},
    {"Tls12ChaCha20", "1.2", "ECDHE-RSA-CHACHA20-POLY1305", false, 0x0303, 0xCCA8, false},
    {"Tls12Aes256CbcSha384Etm", "1.2", "ECDHE-RSA-AES256-SHA384", false, 0x0303, 0xC028, true},
    {"Tls12Aes256CbcSha384NoEtm", "1.2", "ECDHE-RSA-AES256-SHA384", true, 0x0303, 0xC028, false},
    {"Tls12RsaAes128CbcEtm", "1.2", "AES128-SHA", false, 0x0303, 0x002F, true},
    {"Tls12RsaAes128CbcNoEtm", "1.2", "AES128-SHA", true, 0x0303, 0x002F, false},
    {"Tls12DheAes256Gcm", "1.2", "DHE-RSA-AES256-GCM-SHA384", false, 0x0303, 0x009F, false},
    {"Tls11EcdheAes128Cbc", "1.1", "ECDHE-RSA-AES128-SHA", true, 0x0302, 0xC013, false},
    {"Tls10RsaAes256CbcNoEtm", "1.0", "AES256-SHA", true, 0x0301, 0x0035, false},
    {"Tls10DheAes128CbcEtm", "1.0", "DHE-RSA-AES128-SHA", false, 0x0301, 0x0033, true},
};

Bytes ReadBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Transcript {
    Bytes streams[2]; // by DirectionIndex
    Bytes request;
    Bytes response;
    Bytes certificate;
    TlsSessionParameters parameters;
    TlsSessionSecrets secrets;
};

class TlsDecryptTranscriptTest : public ::testing::TestWithParam<TranscriptCase> {
protected:
    static void SetUpTestSuite() {
        directory_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                               ("unmask_tls_decrypt_" + std::to_string(getpid())));
        std::filesystem::create_directories(*directory_);
    }
    static void TearDownTestSuite() {
        std::error_code ignored;
        std::filesystem::remove_all(*directory_, ignored);
        delete directory_;
        directory_ = nullptr;
    }

    // Runs tls_transcript.py for the case and parses its output with TlsDissector and TlsKeyLog.
    // Each case is recorded once per process.
    std::optional<Transcript> Record(const TranscriptCase& c) {
        static std::map<std::string, std::optional<Transcript>> cache;
        const auto cached = cache.find(c.name);
        if (cached != cache.end()) {
            return cached->second;
        }
        std::optional<Transcript> transcript = RecordOnce(c);
        cache.emplace(c.name, transcript);
        return transcript;
    }

    std::optional<Transcript> RecordOnce(const TranscriptCase& c) {
        if (!std::filesystem::exists("/usr/bin/python3")) {
            return std::nullopt;
        }
        const std::filesystem::path out = *directory_ / c.name;
        const std::string command = std::string("/usr/bin/python3 ") + UNMASK_SOURCE_DIR +
                                    "/tests/unit/tls_transcript.py --out '" + out.string() + "' --cert-dir '" +
                                    directory_->string() + "' --version " + c.version + " --cipher " + c.cipher +
                                    (c.no_etm ? " --no-etm" : "") + " > '" + out.string() + ".json' 2>&1";
        if (std::system(command.c_str()) != 0) {
            ADD_FAILURE() << command << " failed:\n"
                          << std::string([&] {
                                 const Bytes log = ReadBytes(out.string() + ".json");
                                 return std::string(log.begin(), log.end());
                             }());
            return std::nullopt;
        }
        Transcript transcript;
        transcript.streams[0] = ReadBytes(out / "client_to_server.bin");
        transcript.streams[1] = ReadBytes(out / "server_to_client.bin");
        transcript.request = ReadBytes(out / "request.bin");
        transcript.response = ReadBytes(out / "response.bin");
        transcript.certificate = ReadBytes(out / "cert.der");

        TlsDissector dissector;
        dissector.Feed(Direction::kToServer, transcript.streams[0]);
        dissector.Feed(Direction::kToClient, transcript.streams[1]);
        dissector.Finish();
        if (!dissector.facts().client_hello || !dissector.facts().server_hello) {
            ADD_FAILURE() << "TlsDissector found no ClientHello or ServerHello";
            return std::nullopt;
        }
        auto parameters = MakeTlsSessionParameters(*dissector.facts().client_hello, *dissector.facts().server_hello);
        if (!parameters.ok()) {
            ADD_FAILURE() << parameters.status().message();
            return std::nullopt;
        }
        transcript.parameters = *parameters;
        auto log = TlsKeyLog::Load((out / "keylog.txt").string());
        if (!log.ok()) {
            ADD_FAILURE() << log.status().message();
            return std::nullopt;
        }
        const TlsSessionSecrets* secrets = log->Find(transcript.parameters.client_random);
        if (secrets == nullptr) {
            ADD_FAILURE() << "the key log has no line for the ClientHello random";
            return std::nullopt;
        }
        transcript.secrets = *secrets;
        return transcript;
    }

    static std::filesystem::path* directory_;
};

std::filesystem::path* TlsDecryptTranscriptTest::directory_ = nullptr;

// Feeds both directions alternately in chunks of `chunk` bytes.
void FeedInChunks(TlsDecryptor& decryptor, const Transcript& transcript, size_t chunk) {
    size_t offsets[2] = {0, 0};
    while (offsets[0] < transcript.streams[0].size() || offsets[1] < transcript.streams[1].size()) {
        for (int i = 0; i < 2; ++i) {
            const Bytes& stream = transcript.streams[i];
            const size_t take = std::min(chunk, stream.size() - offsets[i]);
            decryptor.Feed(i == 0 ? Direction::kToServer : Direction::kToClient,
                           std::span(stream).subspan(offsets[i], take));
            offsets[i] += take;
        }
    }
}

TEST_P(TlsDecryptTranscriptTest, DecryptsExactPlaintext) {
    const TranscriptCase& c = GetParam();
    const std::optional<Transcript> transcript = Record(c);
    if (!transcript) {
        GTEST_SKIP_("/usr/bin/python3 is missing or the session could not be recorded");
    }
    ASSERT_EQ(transcript->parameters.version, c.expected_version);
    ASSERT_EQ(transcript->parameters.cipher_suite, c.expected_suite);
    ASSERT_EQ(transcript->parameters.encrypt_then_mac, c.expected_etm);
    const bool tls13 = c.expected_version == 0x0304;

    for (size_t chunk : {size_t{1}, size_t{7}, SIZE_MAX}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk));
        Collected collected;
        TlsDecryptor decryptor(CollectInto(collected));
        ASSERT_TRUE(decryptor.SetSession(transcript->parameters, transcript->secrets).ok())
            << decryptor.stats().session_message;
        FeedInChunks(decryptor, *transcript, chunk);

        EXPECT_EQ(decryptor.stats().outcome(), "decrypted");
        EXPECT_EQ(collected.application[0], transcript->request);
        EXPECT_EQ(collected.application[1], transcript->response);
        for (int i = 0; i < 2; ++i) {
            const TlsDecryptDirectionStats& stats = decryptor.stats().directions[i];
            EXPECT_EQ(stats.failed_records, 0u) << "direction " << i;
            EXPECT_EQ(stats.skipped_records, 0u) << "direction " << i;
            EXPECT_EQ(stats.undecryptable_records, 0u) << "direction " << i;
            EXPECT_TRUE(stats.stop_reason.empty()) << stats.stop_reason;
            // Both sides end with a close_notify alert: level warning (1), description 0.
            ASSERT_FALSE(collected.alerts[i].empty()) << "direction " << i;
            EXPECT_EQ(collected.alerts[i].back(), (Bytes{1, 0})) << "direction " << i;
            // Each side's first encrypted handshake message in TLS 1.2 is its Finished; in TLS 1.3
            // only the client's is.
            ASSERT_FALSE(collected.handshake[i].empty()) << "direction " << i;
        }
        EXPECT_EQ(collected.handshake[0].front(), 20); // Finished
        if (tls13) {
            EXPECT_EQ(collected.handshake[1].front(), 8); // EncryptedExtensions
            EXPECT_TRUE(Contains(collected.handshake[1], transcript->certificate));
        } else {
            EXPECT_EQ(collected.handshake[1].front(), 20);
        }
        EXPECT_TRUE(collected.other_types.empty());
    }
}

TEST_P(TlsDecryptTranscriptTest, WrongKeyDecryptsNothing) {
    const std::optional<Transcript> transcript = Record(GetParam());
    if (!transcript) {
        GTEST_SKIP_("/usr/bin/python3 is missing or the session could not be recorded");
    }
    TlsSessionSecrets secrets = transcript->secrets;
    for (std::string* secret :
         {&secrets.master_secret, &secrets.client_handshake_traffic_secret, &secrets.server_handshake_traffic_secret,
          &secrets.client_traffic_secret_0, &secrets.server_traffic_secret_0}) {
        if (!secret->empty()) {
            (*secret)[5] = static_cast<char>((*secret)[5] ^ 0x20);
        }
    }
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    ASSERT_TRUE(decryptor.SetSession(transcript->parameters, secrets).ok());
    FeedInChunks(decryptor, *transcript, SIZE_MAX);
    EXPECT_EQ(decryptor.stats().outcome(), "authentication_failed");
    for (int i = 0; i < 2; ++i) {
        EXPECT_TRUE(collected.application[i].empty());
        EXPECT_TRUE(collected.handshake[i].empty());
        EXPECT_TRUE(collected.alerts[i].empty());
        EXPECT_GT(decryptor.stats().directions[i].failed_records, 0u);
        EXPECT_EQ(decryptor.stats().directions[i].decrypted_records, 0u);
    }
}

// The caller learns the ServerHello from TlsDissector only after the bytes that carry it, so
// SetSession comes after some records were fed; with a late call the records after it still decrypt.
TEST_P(TlsDecryptTranscriptTest, SessionSetAfterServerHello) {
    const std::optional<Transcript> transcript = Record(GetParam());
    if (!transcript) {
        GTEST_SKIP_("/usr/bin/python3 is missing or the session could not be recorded");
    }
    Collected collected;
    TlsDecryptor decryptor(CollectInto(collected));
    // First record of each direction: ClientHello and the record with the ServerHello.
    size_t first_record[2];
    for (int i = 0; i < 2; ++i) {
        const Bytes& stream = transcript->streams[i];
        ASSERT_GE(stream.size(), 5u);
        first_record[i] = 5 + static_cast<size_t>((stream[3] << 8) | stream[4]);
        decryptor.Feed(i == 0 ? Direction::kToServer : Direction::kToClient, std::span(stream).first(first_record[i]));
    }
    ASSERT_TRUE(decryptor.SetSession(transcript->parameters, transcript->secrets).ok());
    for (int i = 0; i < 2; ++i) {
        decryptor.Feed(i == 0 ? Direction::kToServer : Direction::kToClient,
                       std::span(transcript->streams[i]).subspan(first_record[i]));
    }
    EXPECT_EQ(collected.application[0], transcript->request);
    EXPECT_EQ(collected.application[1], transcript->response);
}

INSTANTIATE_TEST_SUITE_P(PythonSsl, TlsDecryptTranscriptTest, ::testing::ValuesIn(kTranscriptCases),
                         [](const ::testing::TestParamInfo<TranscriptCase>& param_info) {
                             return param_info.param.name;
                         });

} // namespace
} // namespace unmask::dissect
