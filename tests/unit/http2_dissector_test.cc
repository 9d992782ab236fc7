// Http2Dissector on real traffic and on hand-built frames.
// - Real: tests/unit/http2_capture.py runs curl and nghttp against nghttpd on loopback through a relay that
//   records both directions. The bytes are fed in several splits. nghttp's own verbose log of the header fields
//   it sent and decoded is the reference for every field, the dynamic-table-indexed ones included.
// - Hand-built: frames with header blocks encoded by libnghttp2's HPACK deflater, for CONTINUATION, padding,
//   1xx, trailers, RST_STREAM, server push, SETTINGS_HEADER_TABLE_SIZE, bad HPACK, limits and gaps.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dissect/http2.h"

namespace {

namespace fs = std::filesystem;
using unmask::dissect::Direction;
using unmask::dissect::Http2Dissector;
using unmask::dissect::Http2Limits;
using unmask::dissect::HttpTransaction;
using Bytes = std::vector<uint8_t>;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

struct Chunk {
    Direction direction;
    Bytes bytes;
};

std::vector<Chunk> ReadRecords(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    const std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::vector<Chunk> chunks;
    size_t at = 0;
    while (at + 5 <= data.size()) {
        const auto* head = reinterpret_cast<const uint8_t*>(data.data() + at);
        const size_t length = (size_t{head[1]} << 24) | (size_t{head[2]} << 16) | (size_t{head[3]} << 8) | head[4];
        const auto* body = head + 5;
        chunks.push_back({head[0] == 0 ? Direction::kToServer : Direction::kToClient, Bytes(body, body + length)});
        at += 5 + length;
    }
    return chunks;
}

/// Feeds the chunks in recorded order, each cut into pieces of `split` bytes (0: whole). Chunk i has time i+1.
void FeedChunks(Http2Dissector& dissector, const std::vector<Chunk>& chunks, size_t split) {
    for (size_t i = 0; i < chunks.size(); ++i) {
        const std::span<const uint8_t> bytes(chunks[i].bytes);
        const size_t step = split == 0 ? bytes.size() : split;
        for (size_t at = 0; at < bytes.size(); at += step) {
            dissector.Feed(chunks[i].direction, bytes.subspan(at, std::min(step, bytes.size() - at)),
                           static_cast<int64_t>(i + 1));
        }
    }
    dissector.Finish();
}

/// Time (chunk index + 1) of the chunk holding the first byte of the first frame of `type` in one direction,
/// found by walking the frame headers independently of the dissector. Returns 0 when there is none.
int64_t FirstFrameTime(const std::vector<Chunk>& chunks, Direction direction, uint8_t type) {
    Bytes stream;
    std::vector<int64_t> times;
    for (size_t i = 0; i < chunks.size(); ++i) {
        if (chunks[i].direction == direction) {
            stream.insert(stream.end(), chunks[i].bytes.begin(), chunks[i].bytes.end());
            times.insert(times.end(), chunks[i].bytes.size(), static_cast<int64_t>(i + 1));
        }
    }
    size_t at = direction == Direction::kToServer ? kPreface.size() : 0;
    while (at + 9 <= stream.size()) {
        if (stream[at + 3] == type) {
            return times[at];
        }
        at += 9 + ((size_t{stream[at]} << 16) | (size_t{stream[at + 1]} << 8) | stream[at + 2]);
    }
    return 0;
}

class Http2Capture : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("unmask-http2-test-" + std::to_string(getpid()));
        fs::create_directories(dir_);
        const std::string command = "python3 " UNMASK_SOURCE_DIR "/tests/unit/http2_capture.py " + dir_.string();
        const int raw = std::system(command.c_str());
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }
    void SetUp() override {
        if (status_ == 77) {
            GTEST_SKIP() << "nghttpd, nghttp or curl is not installed (Debian: nghttp2-server nghttp2-client curl)";
        }
        ASSERT_EQ(status_, 0) << "tests/unit/http2_capture.py failed; run it by hand to see why";
    }
    static fs::path dir_;
    static int status_;
};
fs::path Http2Capture::dir_;
int Http2Capture::status_ = -1;

const std::vector<std::string> kCurlRequestNames = {":method",    ":path",  ":scheme", ":authority",
                                                    "user-agent", "accept", "referer", "cookie"};

TEST_F(Http2Capture, CurlRequestInEverySplit) {
    const std::vector<Chunk> chunks = ReadRecords(dir_ / "curl.rec");
    ASSERT_FALSE(chunks.empty());
    for (const size_t split : {size_t{1}, size_t{7}, size_t{0}}) {
        SCOPED_TRACE("split " + std::to_string(split));
        Http2Dissector dissector;
        FeedChunks(dissector, chunks, split);
        EXPECT_TRUE(dissector.problems().empty()) << dissector.problems().front();
        EXPECT_EQ(dissector.malformed_count(), 0U);
        ASSERT_EQ(dissector.transactions().size(), 1U);
        const HttpTransaction& transaction = dissector.transactions()[0];
        EXPECT_EQ(transaction.trans_depth, 1U);
        EXPECT_EQ(transaction.request.timestamp, FirstFrameTime(chunks, Direction::kToServer, 0x1));
        EXPECT_EQ(transaction.request.method, "GET");
        EXPECT_EQ(transaction.request.uri, "/big.bin");
        EXPECT_EQ(transaction.request.host, "127.0.0.1");
        EXPECT_EQ(transaction.request.version, "2");
        EXPECT_EQ(transaction.request.user_agent, "unmask-test/1.0");
        EXPECT_EQ(transaction.request.referer, "http://referrer.test/");
        EXPECT_EQ(transaction.request.header_names, kCurlRequestNames);
        EXPECT_EQ(transaction.request.cookie_names, (std::vector<std::string>{"session", "theme"}));
        EXPECT_EQ(transaction.request.body_bytes, 0U);
        ASSERT_TRUE(transaction.response.has_value());
        EXPECT_EQ(transaction.response->status_code, 200);
        EXPECT_EQ(transaction.response->version, "2");
        EXPECT_TRUE(transaction.response->server.starts_with("nghttpd")) << transaction.response->server;
        EXPECT_EQ(transaction.response->content_length, 100000U);
        EXPECT_EQ(transaction.response->body_bytes, 100000U);
        EXPECT_EQ(transaction.response->timestamp, FirstFrameTime(chunks, Direction::kToClient, 0x1));
        EXPECT_TRUE(dissector.ClientFingerprint().ends_with("|m,p,s,a")) << dissector.ClientFingerprint();
    }
}

/// Header fields of one stream as nghttp printed them: sent (request) or received (response).
struct LoggedStream {
    Fields request;
    Fields response;
};

struct NghttpLog {
    std::map<uint32_t, LoggedStream> streams;
    std::string settings;   ///< id:value;... of the client's first SETTINGS frame
    std::string priorities; ///< stream:exclusive:dependency:weight,...
};

NghttpLog ParseNghttpLog(const fs::path& path) {
    std::ifstream file(path);
    NghttpLog log;
    const std::regex send_frame(R"(send (\w+) frame <length=\d+, flags=0x[0-9a-f]+, stream_id=(\d+)>)");
    const std::regex received_field(R"(recv \(stream_id=(\d+)\) (:?[^:]+): (.*))");
    const std::regex sent_field(R"(^ {10}(:?[a-z0-9-]+): (.*))");
    const std::regex setting(R"(\[SETTINGS_\w+\(0x([0-9a-f]+)\):(\d+)\])");
    const std::regex priority(R"(\(dep_stream_id=(\d+), weight=(\d+), exclusive=(\d)\))");
    std::string frame;
    uint32_t stream_id = 0;
    bool first_settings_done = false;
    for (std::string line; std::getline(file, line);) {
        std::smatch match;
        if (std::regex_search(line, match, send_frame)) {
            if (frame == "SETTINGS") {
                first_settings_done = true;
            }
            frame = match[1];
            stream_id = static_cast<uint32_t>(std::stoul(match[2]));
        } else if (line.find("] recv ") != std::string::npos) {
            if (std::regex_search(line, match, received_field)) {
                log.streams[std::stoul(match[1])].response.emplace_back(match[2], match[3]);
            }
            frame.clear();
        } else if (frame == "HEADERS" && std::regex_search(line, match, sent_field)) {
            log.streams[stream_id].request.emplace_back(match[1], match[2]);
        } else if (frame == "SETTINGS" && !first_settings_done && std::regex_search(line, match, setting)) {
            log.settings += (log.settings.empty() ? "" : ";") + std::to_string(std::stoul(match[1], nullptr, 16)) +
                            ":" + std::string(match[2]);
        } else if (frame == "PRIORITY" && std::regex_search(line, match, priority)) {
            log.priorities += (log.priorities.empty() ? "" : ",") + std::to_string(stream_id) + ":" +
                              std::string(match[3]) + ":" + std::string(match[1]) + ":" + std::string(match[2]);
        }
    }
    return log;
}

TEST_F(Http2Capture, NghttpThreeRequestsMatchItsLog) {
    const std::vector<Chunk> chunks = ReadRecords(dir_ / "nghttp.rec");
    const NghttpLog log = ParseNghttpLog(dir_ / "nghttp.log");
    ASSERT_EQ(log.streams.size(), 3U) << "nghttp.log format changed?";
    for (const size_t split : {size_t{1}, size_t{7}, size_t{0}}) {
        SCOPED_TRACE("split " + std::to_string(split));
        Http2Dissector dissector;
        FeedChunks(dissector, chunks, split);
        EXPECT_TRUE(dissector.problems().empty()) << dissector.problems().front();
        ASSERT_EQ(dissector.transactions().size(), 3U);
        size_t index = 0;
        for (const auto& [stream_id, logged] : log.streams) {
            SCOPED_TRACE("stream " + std::to_string(stream_id));
            const HttpTransaction& transaction = dissector.transactions()[index++];
            EXPECT_EQ(transaction.trans_depth, index);
            EXPECT_EQ(transaction.request.headers, logged.request);
            ASSERT_TRUE(transaction.response.has_value());
            EXPECT_EQ(transaction.response->headers, logged.response);
            EXPECT_EQ(transaction.request.cookie_names, (std::vector<std::string>{"a", "b"}));
            EXPECT_TRUE(transaction.request.user_agent.starts_with("nghttp2/"));
        }
        const std::vector<HttpTransaction>& transactions = dissector.transactions();
        EXPECT_EQ(transactions[0].request.uri, "/index.html");
        EXPECT_EQ(transactions[1].request.uri, "/big.bin"); // the other fields come from the dynamic table
        EXPECT_EQ(transactions[2].request.uri, "/missing");
        EXPECT_EQ(transactions[1].request.header_names, transactions[0].request.header_names);
        EXPECT_EQ(transactions[0].response->body_bytes, 1234U);
        EXPECT_EQ(transactions[1].response->body_bytes, 100000U);
        EXPECT_EQ(transactions[2].response->status_code, 404);
        EXPECT_EQ(transactions[2].response->body_bytes, transactions[2].response->content_length.value_or(0));
        EXPECT_EQ(dissector.ClientFingerprint(), log.settings + "|00|" + log.priorities + "|m,p,s,a");
    }
}

// Hand-built connections.

Bytes Frame(uint8_t type, uint8_t flags, uint32_t stream_id, const Bytes& payload) {
    Bytes frame = {static_cast<uint8_t>(payload.size() >> 16),
                   static_cast<uint8_t>(payload.size() >> 8),
                   static_cast<uint8_t>(payload.size()),
                   type,
                   flags,
                   static_cast<uint8_t>(stream_id >> 24),
                   static_cast<uint8_t>(stream_id >> 16),
                   static_cast<uint8_t>(stream_id >> 8),
                   static_cast<uint8_t>(stream_id)};
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

Bytes Settings(std::vector<std::pair<uint16_t, uint32_t>> entries) {
    Bytes payload;
    for (const auto& [id, value] : entries) {
        payload.insert(payload.end(), {static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id),
                                       static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
                                       static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)});
    }
    return Frame(0x4, 0, 0, payload);
}

Bytes Uint32(uint32_t value) {
    return {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16), static_cast<uint8_t>(value >> 8),
            static_cast<uint8_t>(value)};
}

/// One direction's HPACK encoder.
class Encoder {
public:
    explicit Encoder(size_t table_size = 4096) {
        nghttp2_hd_deflate_new(&deflater_, table_size);
        if (table_size != 4096) {
            nghttp2_hd_deflate_change_table_size(deflater_, table_size);
        }
    }
    ~Encoder() { nghttp2_hd_deflate_del(deflater_); }
    Bytes Encode(const Fields& fields) {
        std::vector<nghttp2_nv> nva;
        for (const auto& [name, value] : fields) {
            nva.push_back({reinterpret_cast<uint8_t*>(const_cast<char*>(name.data())),
                           reinterpret_cast<uint8_t*>(const_cast<char*>(value.data())), name.size(), value.size(),
                           NGHTTP2_NV_FLAG_NONE});
        }
        Bytes block(nghttp2_hd_deflate_bound(deflater_, nva.data(), nva.size()));
        const ssize_t size = nghttp2_hd_deflate_hd(deflater_, block.data(), block.size(), nva.data(), nva.size());
        block.resize(size < 0 ? 0 : static_cast<size_t>(size));
        return block;
    }

private:
    nghttp2_hd_deflater* deflater_ = nullptr;
};

const Fields kRequest = {{":method", "POST"},      {":scheme", "https"},      {":authority", "c2.test:8443"},
                         {":path", "/api/beacon"}, {"user-agent", "agent/1"}, {"content-length", "5"}};

Bytes ClientStart() {
    Bytes bytes(kPreface.begin(), kPreface.end());
    const Bytes settings = Settings({{0x2, 0}, {0x4, 65535}});
    bytes.insert(bytes.end(), settings.begin(), settings.end());
    return bytes;
}

void Append(Bytes& to, const Bytes& from) {
    to.insert(to.end(), from.begin(), from.end());
}

void FeedAll(Http2Dissector& dissector, Direction direction, const Bytes& bytes, int64_t timestamp) {
    dissector.Feed(direction, bytes, timestamp);
}

bool HasProblem(const std::vector<std::string>& problems, std::string_view name) {
    return std::find(problems.begin(), problems.end(), name) != problems.end();
}

TEST(Http2Dissector, ContinuationPaddingAndPriority) {
    Encoder encoder;
    const Bytes block = encoder.Encode(kRequest);
    Bytes client = ClientStart();
    // HEADERS with PADDED|PRIORITY: pad length 3, stream dependency 0, weight 15, first half of the block.
    Bytes headers = {3, 0, 0, 0, 0, 15};
    headers.insert(headers.end(), block.begin(), block.begin() + 5);
    headers.insert(headers.end(), {0, 0, 0});
    Append(client, Frame(0x1, 0x8 | 0x20, 1, headers));
    Append(client, Frame(0x9, 0, 1, Bytes(block.begin() + 5, block.begin() + 9)));
    Append(client, Frame(0x9, 0x4, 1, Bytes(block.begin() + 9, block.end())));
    Append(client, Frame(0x0, 0x1 | 0x8, 1, {2, 'h', 'e', 'l', 'l', 'o', 0, 0})); // 5 body bytes, 2 padding
    Http2Dissector dissector;
    FeedAll(dissector, Direction::kToServer, client, 42);
    dissector.Finish();
    ASSERT_EQ(dissector.transactions().size(), 1U);
    const auto& request = dissector.transactions()[0].request;
    EXPECT_EQ(request.timestamp, 42);
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.uri, "/api/beacon");
    EXPECT_EQ(request.host, "c2.test");
    EXPECT_EQ(request.user_agent, "agent/1");
    EXPECT_EQ(request.header_names,
              (std::vector<std::string>{":method", ":scheme", ":authority", ":path", "user-agent", "content-length"}));
    EXPECT_EQ(request.content_length, 5U);
    EXPECT_EQ(request.body_bytes, 5U);
    EXPECT_TRUE(dissector.problems().empty()) << dissector.problems().front();
    EXPECT_EQ(dissector.ClientFingerprint(), "2:0;4:65535|00|0|m,s,a,p");
}

TEST(Http2Dissector, InterimResponseBodyAndTrailers) {
    Encoder client_encoder;
    Encoder server_encoder;
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0x4 | 0x1, 1,
                         client_encoder.Encode(
                             {{":method", "GET"}, {":scheme", "https"}, {":authority", "a.test"}, {":path", "/"}})));
    Bytes server = Settings({});
    Append(server, Frame(0x1, 0x4, 1, server_encoder.Encode({{":status", "103"}, {"link", "</s.css>"}})));
    Append(server,
           Frame(0x1, 0x4, 1,
                 server_encoder.Encode(
                     {{":status", "200"}, {"server", "srv"}, {"content-type", "text/plain"}, {"location", "/next"}})));
    Append(server, Frame(0x0, 0x8, 1, {4, 'a', 'b', 'c', 0, 0, 0, 0}));
    Append(server, Frame(0x0, 0, 1, {'d', 'e'}));
    Append(server, Frame(0x1, 0x4 | 0x1, 1, server_encoder.Encode({{"grpc-status", "0"}})));
    Http2Dissector dissector;
    FeedAll(dissector, Direction::kToServer, client, 1);
    FeedAll(dissector, Direction::kToClient, server, 2);
    dissector.Finish();
    EXPECT_TRUE(dissector.problems().empty()) << dissector.problems().front();
    ASSERT_EQ(dissector.transactions().size(), 1U);
    const HttpTransaction& transaction = dissector.transactions()[0];
    EXPECT_EQ(transaction.info_code, 103);
    ASSERT_TRUE(transaction.response.has_value());
    EXPECT_EQ(transaction.response->status_code, 200);
    EXPECT_EQ(transaction.response->server, "srv");
    EXPECT_EQ(transaction.response->content_type, "text/plain");
    EXPECT_EQ(transaction.response->location, "/next");
    EXPECT_EQ(transaction.response->body_bytes, 5U);
    EXPECT_EQ(transaction.response->header_names.size(), 4U); // trailers are not stored
}

TEST(Http2Dissector, ResetStreamWithErrorCode) {
    Encoder encoder;
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0x4, 1, encoder.Encode(kRequest)));
    Append(client, Frame(0x3, 0, 1, Uint32(0x8))); // CANCEL: no problem
    Append(client, Frame(0x1, 0x4, 3, encoder.Encode(kRequest)));
    Append(client, Frame(0x3, 0, 3, Uint32(0x1))); // PROTOCOL_ERROR
    Http2Dissector dissector;
    FeedAll(dissector, Direction::kToServer, client, 1);
    ASSERT_EQ(dissector.transactions().size(), 2U);
    EXPECT_TRUE(dissector.transactions()[0].problems.empty());
    EXPECT_EQ(dissector.transactions()[1].problems, (std::vector<std::string>{"stream_reset"}));
    EXPECT_EQ(dissector.transactions()[1].request.header_names, dissector.transactions()[0].request.header_names);
}

TEST(Http2Dissector, BadHpackStopsDirection) {
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0x4, 1, {0xff, 0xff, 0xff, 0xff, 0x0f})); // index far beyond both tables
    Http2Dissector dissector;
    FeedAll(dissector, Direction::kToServer, client, 1);
    Encoder encoder;
    const Bytes more = Frame(0x1, 0x4, 3, encoder.Encode(kRequest));
    FeedAll(dissector, Direction::kToServer, more, 2);
    EXPECT_TRUE(HasProblem(dissector.problems(), "hpack_error"));
    EXPECT_TRUE(dissector.stopped(Direction::kToServer));
    EXPECT_FALSE(dissector.stopped(Direction::kToClient));
    EXPECT_EQ(dissector.skipped_bytes(Direction::kToServer), more.size());
    EXPECT_TRUE(dissector.transactions().empty());
}

TEST(Http2Dissector, FrameLargerThanPeerMaximum) {
    Bytes client = ClientStart();
    Append(client, Frame(0x0, 0, 1, Bytes(20000, 'x')));
    Http2Dissector strict;
    FeedAll(strict, Direction::kToServer, client, 1);
    EXPECT_TRUE(HasProblem(strict.problems(), "frame_too_large"));
    EXPECT_TRUE(strict.stopped(Direction::kToServer));

    // The server allowed 32 KiB frames, so the same frame is fine.
    Http2Dissector allowed;
    FeedAll(allowed, Direction::kToClient, Settings({{0x5, 32768}}), 1);
    FeedAll(allowed, Direction::kToServer, client, 2);
    EXPECT_TRUE(allowed.problems().empty()) << allowed.problems().front();

    Http2Limits limits;
    limits.max_frame_bytes = 1000;
    Http2Dissector limited(limits);
    FeedAll(limited, Direction::kToClient, Settings({{0x5, 32768}}), 1);
    FeedAll(limited, Direction::kToServer, client, 2);
    EXPECT_TRUE(HasProblem(limited.problems(), "frame_too_large"));
}

TEST(Http2Dissector, MissingPrefaceAndContinuation) {
    Http2Dissector http1;
    const std::string get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    http1.Feed(Direction::kToServer, std::span(reinterpret_cast<const uint8_t*>(get.data()), get.size()), 1);
    EXPECT_EQ(http1.problems(), (std::vector<std::string>{"missing_preface"}));
    EXPECT_TRUE(http1.stopped(Direction::kToServer));

    Encoder encoder;
    const Bytes block = encoder.Encode(kRequest);
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0, 1, Bytes(block.begin(), block.begin() + 4))); // no END_HEADERS
    Append(client, Frame(0x0, 0, 1, {'x'}));
    Http2Dissector interrupted;
    FeedAll(interrupted, Direction::kToServer, client, 1);
    EXPECT_TRUE(HasProblem(interrupted.problems(), "continuation_expected"));

    Bytes truncated = ClientStart();
    Append(truncated, Frame(0x1, 0, 1, Bytes(block.begin(), block.begin() + 4)));
    Http2Dissector unfinished;
    FeedAll(unfinished, Direction::kToServer, truncated, 1);
    unfinished.Finish();
    EXPECT_TRUE(HasProblem(unfinished.problems(), "truncated_header_block"));
}

TEST(Http2Dissector, HeaderTableSizeFromSettings) {
    const std::string big(20000, 'v'); // fits only a 64 KiB dynamic table
    const Fields fields = {
        {":method", "GET"}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"}, {"x-big", big}};
    Encoder encoder(65536);
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0x5, 1, encoder.Encode(fields)));
    Append(client, Frame(0x1, 0x5, 3, encoder.Encode(fields))); // x-big is now an indexed field
    Http2Limits limits;
    limits.max_frame_bytes = 1 << 20;

    Http2Dissector granted(limits);
    FeedAll(granted, Direction::kToClient, Settings({{0x1, 65536}, {0x5, 1 << 20}}), 1);
    FeedAll(granted, Direction::kToServer, client, 2);
    EXPECT_TRUE(granted.problems().empty()) << granted.problems().front();
    ASSERT_EQ(granted.transactions().size(), 2U);
    ASSERT_EQ(granted.transactions()[1].request.headers.size(), 5U);
    EXPECT_EQ(granted.transactions()[1].request.headers[4].second, big);

    Http2Dissector not_granted(limits); // the encoder exceeds the default 4096-byte table
    FeedAll(not_granted, Direction::kToClient, Settings({{0x5, 1 << 20}}), 1);
    FeedAll(not_granted, Direction::kToServer, client, 2);
    EXPECT_TRUE(HasProblem(not_granted.problems(), "hpack_error"));
}

TEST(Http2Dissector, PushPromiseKeepsDecoderState) {
    Encoder client_encoder;
    Encoder server_encoder;
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0x5, 1, client_encoder.Encode(kRequest)));
    Bytes server = Settings({});
    Bytes promise = Uint32(2);
    Append(promise, server_encoder.Encode({{":method", "GET"},
                                           {":scheme", "https"},
                                           {":authority", "c2.test"},
                                           {":path", "/pushed.js"},
                                           {"x-shared", "in-dynamic-table"}}));
    Append(server, Frame(0x5, 0x4, 1, promise));
    Append(server, Frame(0x1, 0x4, 1, server_encoder.Encode({{":status", "200"}, {"x-shared", "in-dynamic-table"}})));
    Append(server, Frame(0x1, 0x5, 2, server_encoder.Encode({{":status", "200"}})));
    Http2Dissector dissector;
    FeedAll(dissector, Direction::kToServer, client, 1);
    FeedAll(dissector, Direction::kToClient, server, 2);
    EXPECT_TRUE(dissector.problems().empty()) << dissector.problems().front();
    EXPECT_EQ(dissector.pushed_streams(), 1U);
    ASSERT_EQ(dissector.transactions().size(), 1U);
    ASSERT_TRUE(dissector.transactions()[0].response.has_value());
    EXPECT_EQ(dissector.transactions()[0].response->headers.back(),
              (std::pair<std::string, std::string>{"x-shared", "in-dynamic-table"}));
}

TEST(Http2Dissector, LimitsOnStreamsAndFields) {
    Http2Limits limits;
    limits.max_transactions = 2;
    limits.max_headers = 4;
    Encoder encoder;
    Bytes client = ClientStart();
    for (uint32_t stream : {1U, 3U, 5U}) {
        Append(client, Frame(0x1, 0x5, stream, encoder.Encode(kRequest)));
    }
    Http2Dissector dissector(limits);
    FeedAll(dissector, Direction::kToServer, client, 1);
    EXPECT_EQ(dissector.transactions().size(), 2U);
    EXPECT_EQ(dissector.dropped_transactions(), 1U);
    EXPECT_TRUE(HasProblem(dissector.problems(), "stream_limit"));
    EXPECT_EQ(dissector.transactions()[0].request.header_names.size(), 4U);
    EXPECT_EQ(dissector.transactions()[0].problems, (std::vector<std::string>{"too_many_headers"}));

    Http2Limits small_list;
    small_list.max_header_list_bytes = 100;
    Http2Dissector list_limited(small_list);
    FeedAll(list_limited, Direction::kToServer, client, 1);
    ASSERT_EQ(list_limited.transactions().size(), 3U);
    EXPECT_EQ(list_limited.transactions()[2].problems, (std::vector<std::string>{"header_block_too_large"}));
    EXPECT_EQ(list_limited.transactions()[2].request.method, "POST"); // kept: within the first 100 bytes
}

TEST(Http2Dissector, GapInsideDataAndElsewhere) {
    Encoder encoder;
    Bytes client = ClientStart();
    Append(client, Frame(0x1, 0x4, 1, encoder.Encode(kRequest)));
    Bytes data = Frame(0x0, 0x1, 1, Bytes(100, 'x'));
    Http2Dissector dissector;
    FeedAll(dissector, Direction::kToServer, client, 1);
    dissector.Feed(Direction::kToServer, std::span(data).first(30), 2);
    dissector.Gap(Direction::kToServer, 50);
    dissector.Feed(Direction::kToServer, std::span(data).subspan(80), 3);
    ASSERT_EQ(dissector.transactions().size(), 1U);
    EXPECT_EQ(dissector.transactions()[0].request.body_bytes, 100U);
    EXPECT_EQ(dissector.transactions()[0].problems, (std::vector<std::string>{"body_gap"}));
    EXPECT_FALSE(dissector.stopped(Direction::kToServer));
    dissector.Gap(Direction::kToServer, 9); // between frames: frame boundaries are lost
    EXPECT_TRUE(dissector.stopped(Direction::kToServer));
    EXPECT_TRUE(HasProblem(dissector.problems(), "stream_gap"));
}

TEST(Http2Dissector, PrefaceDetection) {
    const auto bytes = [](std::string_view text) {
        return std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    };
    EXPECT_TRUE(unmask::dissect::LooksLikeHttp2Preface(bytes("PRI ")));
    EXPECT_TRUE(unmask::dissect::LooksLikeHttp2Preface(bytes(kPreface)));
    EXPECT_TRUE(unmask::dissect::LooksLikeHttp2Preface(bytes(std::string(kPreface) + "more")));
    EXPECT_FALSE(unmask::dissect::LooksLikeHttp2Preface(bytes("PRI")));
    EXPECT_FALSE(unmask::dissect::LooksLikeHttp2Preface(bytes("POST / HTTP/1.1")));
    EXPECT_FALSE(unmask::dissect::LooksLikeHttp2Preface(bytes("PRI * HTTP/2.0\r\n\r\nXX")));
}

} // namespace
