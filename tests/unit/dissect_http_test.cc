// Tests of the HTTP/1.x dissector: known byte-exact messages split at every byte, pipelining,
// chunked bodies, CONNECT tunnels, malformed input, and real traffic between curl and Python's
// http.server captured through a loopback relay.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dissect/http.h"

extern char** environ;

namespace unmask::dissect {
namespace {

std::span<const uint8_t> Bytes(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

bool HasProblem(const std::vector<std::string>& problems, std::string_view name) {
    return std::find(problems.begin(), problems.end(), name) != problems.end();
}

constexpr std::string_view kRequest = "GET /search?q=unmask HTTP/1.1\r\n"
                                      "Host: www.example.com:8080\r\n"
                                      "User-Agent: Mozilla/5.0 (test)\r\n"
                                      "Referer: http://start.example/\r\n"
                                      "Cookie: session=abc; theme=dark\r\n"
                                      "X-Custom: one\r\n"
                                      "Accept: */*\r\n"
                                      "\r\n";

constexpr std::string_view kResponse = "HTTP/1.1 200 OK\r\n"
                                       "Server: nginx/1.25\r\n"
                                       "Content-Type: text/html\r\n"
                                       "Content-Length: 11\r\n"
                                       "\r\n"
                                       "hello world";

void ExpectKnownTransaction(const HttpDissector& dissector) {
    ASSERT_EQ(dissector.transactions().size(), 1u);
    const HttpTransaction& transaction = dissector.transactions()[0];
    EXPECT_EQ(transaction.trans_depth, 1u);
    EXPECT_EQ(transaction.request.method, "GET");
    EXPECT_EQ(transaction.request.uri, "/search?q=unmask");
    EXPECT_EQ(transaction.request.version, "1.1");
    EXPECT_EQ(transaction.request.host, "www.example.com");
    EXPECT_EQ(transaction.request.user_agent, "Mozilla/5.0 (test)");
    EXPECT_EQ(transaction.request.referer, "http://start.example/");
    EXPECT_EQ(transaction.request.header_names,
              (std::vector<std::string>{"Host", "User-Agent", "Referer", "Cookie", "X-Custom", "Accept"}));
    EXPECT_EQ(transaction.request.cookie_names, (std::vector<std::string>{"session", "theme"}));
    EXPECT_EQ(transaction.request.body_bytes, 0u);
    EXPECT_EQ(transaction.request.timestamp, 100);
    ASSERT_TRUE(transaction.response.has_value());
    EXPECT_EQ(transaction.response->version, "1.1");
    EXPECT_EQ(transaction.response->status_code, 200);
    EXPECT_EQ(transaction.response->status_msg, "OK");
    EXPECT_EQ(transaction.response->server, "nginx/1.25");
    EXPECT_EQ(transaction.response->content_type, "text/html");
    EXPECT_EQ(transaction.response->content_length, 11u);
    EXPECT_EQ(transaction.response->body_bytes, 11u);
    EXPECT_EQ(transaction.response->timestamp, 200);
    EXPECT_TRUE(transaction.problems.empty());
    EXPECT_EQ(dissector.malformed_count(), 0u);
}

TEST(DissectHttp, KnownExchange) {
    HttpDissector dissector;
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(kRequest), 100), kRequest.size());
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes(kResponse), 200), kResponse.size());
    dissector.Finish();
    ExpectKnownTransaction(dissector);
}

TEST(DissectHttp, SplitAtEveryByte) {
    for (size_t split = 0; split <= kRequest.size(); ++split) {
        SCOPED_TRACE("request split at " + std::to_string(split));
        HttpDissector dissector;
        dissector.Feed(Direction::kToServer, Bytes(kRequest.substr(0, split)), 100);
        dissector.Feed(Direction::kToServer, Bytes(kRequest.substr(split)), split == 0 ? 100 : 150);
        dissector.Feed(Direction::kToClient, Bytes(kResponse), 200);
        ExpectKnownTransaction(dissector);
    }
    for (size_t split = 0; split <= kResponse.size(); ++split) {
        SCOPED_TRACE("response split at " + std::to_string(split));
        HttpDissector dissector;
        dissector.Feed(Direction::kToServer, Bytes(kRequest), 100);
        dissector.Feed(Direction::kToClient, Bytes(kResponse.substr(0, split)), 200);
        dissector.Feed(Direction::kToClient, Bytes(kResponse.substr(split)), split == 0 ? 200 : 250);
        ExpectKnownTransaction(dissector);
    }
}

TEST(DissectHttp, OneByteAtATime) {
    HttpDissector dissector;
    for (char c : kRequest) {
        dissector.Feed(Direction::kToServer, Bytes(std::string_view(&c, 1)), 100);
    }
    for (char c : kResponse) {
        dissector.Feed(Direction::kToClient, Bytes(std::string_view(&c, 1)), 200);
    }
    ExpectKnownTransaction(dissector);
}

TEST(DissectHttp, PipelinedRequestsPairInOrder) {
    const std::string requests = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
                                 "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
                                 "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcde"
                                 "GET /d HTTP/1.1\r\nHost: h\r\nIf-None-Match: x\r\n\r\n";
    const std::string responses = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
                                  "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" // HEAD: no body despite the length
                                  "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwxyz\r\n0\r\n\r\n"
                                  "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n";
    HttpDissector dissector;
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(requests), 1), requests.size());
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes(responses), 2), responses.size());
    dissector.Finish();
    const auto& transactions = dissector.transactions();
    ASSERT_EQ(transactions.size(), 4u);
    const std::vector<std::string> uris = {"/a", "/b", "/c", "/d"};
    const std::vector<int> codes = {200, 200, 201, 304};
    const std::vector<uint64_t> response_bodies = {3, 0, 4, 0};
    for (size_t i = 0; i < 4; ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(transactions[i].trans_depth, i + 1);
        EXPECT_EQ(transactions[i].request.uri, uris[i]);
        ASSERT_TRUE(transactions[i].response.has_value());
        EXPECT_EQ(transactions[i].response->status_code, codes[i]);
        EXPECT_EQ(transactions[i].response->body_bytes, response_bodies[i]);
    }
    EXPECT_EQ(transactions[2].request.body_bytes, 5u);
    EXPECT_EQ(dissector.malformed_count(), 0u);
}

TEST(DissectHttp, ChunkedBodySplitAtEveryByte) {
    const std::string request = "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                                "5;name=value\r\nhello\r\n"
                                "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                                "0\r\nX-Trailer: t\r\n\r\n"
                                "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    for (size_t split = 0; split <= request.size(); ++split) {
        SCOPED_TRACE(split);
        HttpDissector dissector;
        dissector.Feed(Direction::kToServer, Bytes(std::string_view(request).substr(0, split)), 1);
        dissector.Feed(Direction::kToServer, Bytes(std::string_view(request).substr(split)), 2);
        ASSERT_EQ(dissector.transactions().size(), 2u);
        EXPECT_TRUE(dissector.transactions()[0].request.chunked);
        EXPECT_EQ(dissector.transactions()[0].request.body_bytes, 31u);
        EXPECT_EQ(dissector.transactions()[1].request.uri, "/next");
        EXPECT_EQ(dissector.malformed_count(), 0u);
    }
}

TEST(DissectHttp, ResponseWithoutLengthReadsToClose) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes("GET / HTTP/1.0\r\n\r\n"), 1);
    const std::string response = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n";
    dissector.Feed(Direction::kToClient, Bytes(response), 2);
    dissector.Feed(Direction::kToClient, Bytes(std::string(5000, 'x')), 3);
    dissector.Feed(Direction::kToClient, Bytes("HTTP/1.1 200 OK\r\n\r\n"), 4); // body, not a response
    dissector.Finish();
    ASSERT_EQ(dissector.transactions().size(), 1u);
    EXPECT_EQ(dissector.transactions()[0].request.version, "1.0");
    EXPECT_EQ(dissector.transactions()[0].response->body_bytes, 5019u);
    EXPECT_EQ(dissector.malformed_count(), 0u);
}

TEST(DissectHttp, ExpectContinue) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer,
                   Bytes("PUT /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"), 1);
    dissector.Feed(Direction::kToClient, Bytes("HTTP/1.1 100 Continue\r\n\r\n"), 2);
    dissector.Feed(Direction::kToServer, Bytes("data"), 3);
    dissector.Feed(Direction::kToClient, Bytes("HTTP/1.1 204 No Content\r\n\r\n"), 4);
    ASSERT_EQ(dissector.transactions().size(), 1u);
    const HttpTransaction& transaction = dissector.transactions()[0];
    EXPECT_TRUE(transaction.request.expect_continue);
    EXPECT_EQ(transaction.request.body_bytes, 4u);
    EXPECT_EQ(transaction.info_code, 100);
    EXPECT_EQ(transaction.info_msg, "Continue");
    ASSERT_TRUE(transaction.response.has_value());
    EXPECT_EQ(transaction.response->status_code, 204);
}

const std::string kClientHello = std::string("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", 10);

TEST(DissectHttp, ConnectTunnelStopsAtTlsBytes) {
    HttpDissector dissector;
    const std::string connect = "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n";
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(connect), 1), connect.size());
    const std::string established = "HTTP/1.1 200 Connection established\r\n\r\n";
    const std::string server_bytes = established + std::string("\x16\x03\x03\x00\x02\x02\x00", 7);
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes(server_bytes), 2), established.size());
    EXPECT_TRUE(dissector.tunnel());
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(kClientHello), 3), 0u);
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes(kClientHello), 4), 0u);
    ASSERT_EQ(dissector.transactions().size(), 1u);
    EXPECT_EQ(dissector.transactions()[0].request.method, "CONNECT");
    EXPECT_EQ(dissector.transactions()[0].request.uri, "example.com:443");
    EXPECT_EQ(dissector.transactions()[0].response->status_code, 200);
    EXPECT_TRUE(dissector.tunnel_prefix().empty());
    EXPECT_EQ(dissector.malformed_count(), 0u);
}

TEST(DissectHttp, ConnectClientBytesBeforeReplyAreHeld) {
    HttpDissector dissector;
    const std::string connect = "CONNECT example.com:443 HTTP/1.1\r\n\r\n" + kClientHello;
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(connect), 1), connect.size());
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes("HTTP/1.0 200 OK\r\n\r\n"), 2), 19u);
    EXPECT_TRUE(dissector.tunnel());
    EXPECT_EQ(dissector.tunnel_prefix(), kClientHello);
}

TEST(DissectHttp, RefusedConnectReleasesHeldBytes) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes("CONNECT a:443 HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n"), 1);
    dissector.Feed(Direction::kToClient,
                   Bytes("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\n"
                         "Content-Length: 0\r\n\r\n"),
                   2);
    EXPECT_FALSE(dissector.tunnel());
    ASSERT_EQ(dissector.transactions().size(), 2u);
    EXPECT_EQ(dissector.transactions()[0].response->status_code, 407);
    EXPECT_EQ(dissector.transactions()[0].response->body_bytes, 2u);
    EXPECT_EQ(dissector.transactions()[1].request.uri, "/after");
    ASSERT_TRUE(dissector.transactions()[1].response.has_value());
    EXPECT_EQ(dissector.transactions()[1].response->status_code, 200);
}

TEST(DissectHttp, WebSocketUpgradeStartsTunnel) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer,
                   Bytes("GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"), 1);
    const std::string reply = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n";
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes(reply + "\x81\x05hello"), 2), reply.size());
    EXPECT_TRUE(dissector.tunnel());
    EXPECT_EQ(dissector.transactions()[0].response->status_code, 101);
}

TEST(DissectHttp, LenientHeaderForms) {
    HttpDissector dissector;
    const std::string request = "GET /x HTTP/1.1\n"
                                "host: first.example\n"
                                "X-Folded: part one\n"
                                "\tpart two\n"
                                "Host: second.example\n"
                                "no colon here\n"
                                "Bad Name : v\n"
                                "\n";
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(request), 1), request.size());
    ASSERT_EQ(dissector.transactions().size(), 1u);
    const HttpTransaction& transaction = dissector.transactions()[0];
    EXPECT_EQ(transaction.request.host, "second.example");
    EXPECT_EQ(transaction.request.header_names, (std::vector<std::string>{"host", "X-Folded", "Host"}));
    EXPECT_EQ(transaction.request.headers[1].second, "part one part two");
    EXPECT_TRUE(HasProblem(transaction.problems, "bare_lf_line_end"));
    EXPECT_TRUE(HasProblem(transaction.problems, "obs_fold"));
    EXPECT_TRUE(HasProblem(transaction.problems, "malformed_header"));
}

TEST(DissectHttp, HostPortForms) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"a.example:80", "a.example"}, {"[2001:db8::1]:443", "[2001:db8::1]"}, {"2001:db8::1", "2001:db8::1"}};
    for (const auto& [value, expected] : cases) {
        HttpDissector dissector;
        dissector.Feed(Direction::kToServer, Bytes("GET / HTTP/1.1\r\nHost: " + value + "\r\n\r\n"), 1);
        ASSERT_EQ(dissector.transactions().size(), 1u);
        EXPECT_EQ(dissector.transactions()[0].request.host, expected);
    }
}

TEST(DissectHttp, HeaderLimits) {
    HttpLimits limits;
    limits.max_header_bytes = 256;
    limits.max_headers = 3;
    HttpDissector dissector(limits);
    std::string request = "GET /big HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nContent-Length: 2\r\n";
    request += "X-Pad: " + std::string(400, 'p') + "\r\n\r\nokGET /next HTTP/1.1\r\n\r\n";
    dissector.Feed(Direction::kToServer, Bytes(request), 1);
    ASSERT_EQ(dissector.transactions().size(), 2u);
    const HttpTransaction& big = dissector.transactions()[0];
    EXPECT_EQ(big.request.header_names.size(), 3u);
    EXPECT_EQ(big.request.body_bytes, 2u);
    EXPECT_TRUE(HasProblem(big.problems, "header_too_large"));
    EXPECT_TRUE(HasProblem(big.problems, "too_many_headers"));
    EXPECT_EQ(dissector.transactions()[1].request.uri, "/next");
}

TEST(DissectHttp, TransactionLimitKeepsPairing) {
    HttpLimits limits;
    limits.max_transactions = 2;
    HttpDissector dissector(limits);
    for (int i = 0; i < 5; ++i) {
        dissector.Feed(Direction::kToServer, Bytes("GET /" + std::to_string(i) + " HTTP/1.1\r\n\r\n"), i);
        dissector.Feed(Direction::kToClient, Bytes("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx"), i);
    }
    EXPECT_EQ(dissector.transactions().size(), 2u);
    EXPECT_EQ(dissector.dropped_transactions(), 3u);
    EXPECT_EQ(dissector.transactions()[1].response->body_bytes, 1u);
}

TEST(DissectHttp, GarbageIsReportedNotParsed) {
    HttpDissector dissector;
    EXPECT_EQ(dissector.Feed(Direction::kToServer, Bytes(kClientHello), 1), kClientHello.size());
    EXPECT_EQ(dissector.Feed(Direction::kToClient, Bytes("SSH-2.0-OpenSSH_9.6\r\n"), 2), 21u);
    dissector.Finish();
    EXPECT_TRUE(dissector.transactions().empty());
    EXPECT_TRUE(HasProblem(dissector.problems(), "malformed_request_line"));
    EXPECT_TRUE(HasProblem(dissector.problems(), "malformed_status_line"));
    EXPECT_EQ(dissector.skipped_bytes(Direction::kToServer), kClientHello.size());
}

TEST(DissectHttp, ResyncAfterMalformedRequest) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes("GET\r\n\r\n"), 1);
    dissector.Feed(Direction::kToServer, Bytes("GET /ok HTTP/1.1\r\n\r\n"), 2);
    ASSERT_EQ(dissector.transactions().size(), 1u);
    EXPECT_EQ(dissector.transactions()[0].request.uri, "/ok");
    EXPECT_TRUE(HasProblem(dissector.problems(), "malformed_request_line"));
}

TEST(DissectHttp, GapInsideBodyIsSkipped) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes("POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"), 1);
    dissector.Gap(Direction::kToServer, 5);
    dissector.Feed(Direction::kToServer, Bytes("dePOST /q HTTP/1.1\r\n\r\n"), 2);
    ASSERT_EQ(dissector.transactions().size(), 2u);
    EXPECT_EQ(dissector.transactions()[0].request.body_bytes, 10u);
    EXPECT_TRUE(HasProblem(dissector.transactions()[0].problems, "body_gap"));
    EXPECT_EQ(dissector.transactions()[1].request.uri, "/q");
}

TEST(DissectHttp, GapInHeadersResyncsAtNextRequest) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes("GET /lost HTTP/1.1\r\nHo"), 1);
    dissector.Gap(Direction::kToServer, 100);
    dissector.Feed(Direction::kToServer, Bytes("rest of lost headers\r\n\r\n"), 2);
    dissector.Feed(Direction::kToServer, Bytes("GET /found HTTP/1.1\r\n\r\n"), 3);
    ASSERT_EQ(dissector.transactions().size(), 1u);
    EXPECT_EQ(dissector.transactions()[0].request.uri, "/found");
    EXPECT_TRUE(HasProblem(dissector.problems(), "content_gap"));
}

TEST(DissectHttp, TruncatedBodyNotedAtFinish) {
    HttpDissector dissector;
    dissector.Feed(Direction::kToServer, Bytes("GET / HTTP/1.1\r\n\r\n"), 1);
    dissector.Feed(Direction::kToClient, Bytes("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"), 2);
    dissector.Finish();
    EXPECT_TRUE(HasProblem(dissector.transactions()[0].problems, "truncated_body"));
    EXPECT_EQ(dissector.transactions()[0].response->body_bytes, 5u);
}

TEST(DissectHttp, RandomMutationsNeverBreakInvariants) {
    const std::string base =
        std::string(kRequest) + "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
    const std::string reply =
        std::string(kResponse) + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
    std::mt19937 random(12345);
    for (int round = 0; round < 2000; ++round) {
        std::string request = base;
        std::string response = reply;
        for (int edit = 0; edit < 4; ++edit) {
            request[random() % request.size()] = static_cast<char>(random() % 256);
            response[random() % response.size()] = static_cast<char>(random() % 256);
        }
        HttpLimits limits;
        limits.max_header_bytes = 64;
        limits.max_transactions = 3;
        HttpDissector dissector(limits);
        const size_t split = random() % request.size();
        size_t used = dissector.Feed(Direction::kToServer, Bytes(std::string_view(request).substr(0, split)), 1);
        used += dissector.Feed(Direction::kToServer, Bytes(std::string_view(request).substr(split)), 2);
        const size_t response_used = dissector.Feed(Direction::kToClient, Bytes(response), 3);
        dissector.Finish();
        EXPECT_LE(used, request.size());
        EXPECT_LE(response_used, response.size());
        EXPECT_LE(dissector.transactions().size(), 3u);
    }
}

TEST(DissectHttp, LooksLikeHttp) {
    EXPECT_TRUE(LooksLikeHttpRequest(Bytes("GET / HTTP/1.1\r\n")));
    EXPECT_TRUE(LooksLikeHttpRequest(Bytes("OPTIONS ")));
    EXPECT_TRUE(LooksLikeHttpRequest(Bytes("BEACON /x HTTP/1.1\r\n")));
    EXPECT_FALSE(LooksLikeHttpRequest(Bytes("BEACON /x")));
    EXPECT_FALSE(LooksLikeHttpRequest(Bytes("GET")));
    EXPECT_FALSE(LooksLikeHttpRequest(Bytes(kClientHello)));
    EXPECT_TRUE(LooksLikeHttpResponse(Bytes("HTTP/1.1 200 OK\r\n")));
    EXPECT_TRUE(LooksLikeHttpResponse(Bytes("HTTP/1.0 ")));
    EXPECT_FALSE(LooksLikeHttpResponse(Bytes("HTTP/2 200")));
    EXPECT_FALSE(LooksLikeHttpResponse(Bytes("HTTP/1.1")));
}

// --- Real traffic: curl through a loopback relay to python3 -m http.server ---

struct Captured {
    Direction direction;
    std::string bytes;
};

int ListenLoopback(uint16_t& port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    port = ntohs(address.sin_port);
    return fd;
}

/// Accepts one connection, connects it to 127.0.0.1:server_port and copies bytes both ways
/// until both sides closed, recording every read. Each wait is bounded so the test cannot hang.
std::vector<Captured> RelayOnce(int listener, uint16_t server_port) {
    std::vector<Captured> captured;
    pollfd accept_wait{listener, POLLIN, 0};
    if (poll(&accept_wait, 1, 20000) != 1) {
        return captured;
    }
    const int client = accept(listener, nullptr, nullptr);
    const int server = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(server_port);
    if (client < 0 || server < 0 || connect(server, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
        close(client);
        close(server);
        return captured;
    }
    bool client_open = true;
    bool server_open = true;
    char buffer[65536];
    while (client_open || server_open) {
        pollfd fds[2] = {{client_open ? client : -1, POLLIN, 0}, {server_open ? server : -1, POLLIN, 0}};
        if (poll(fds, 2, 20000) <= 0) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            const int from = i == 0 ? client : server;
            const int to = i == 0 ? server : client;
            const ssize_t count = read(from, buffer, sizeof(buffer));
            if (count <= 0) {
                shutdown(to, SHUT_WR);
                (i == 0 ? client_open : server_open) = false;
                continue;
            }
            captured.push_back({i == 0 ? Direction::kToServer : Direction::kToClient, std::string(buffer, count)});
            for (ssize_t sent = 0; sent < count;) {
                const ssize_t written = write(to, buffer + sent, static_cast<size_t>(count - sent));
                if (written <= 0) {
                    break;
                }
                sent += written;
            }
        }
    }
    close(client);
    close(server);
    return captured;
}

TEST(DissectHttp, RealCurlAgainstPythonHttpServer) {
    if (std::system("command -v curl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "curl or python3 is not installed";
    }
    const std::filesystem::path directory =
        std::filesystem::temp_directory_path() / ("unmask_http_test_" + std::to_string(getpid()));
    std::filesystem::create_directories(directory);
    const std::string body(12345, 'b');
    std::ofstream(directory / "payload.bin", std::ios::binary) << body;

    // python3 -u -m http.server 0 prints the port it bound; read it from a pipe.
    int output[2];
    ASSERT_EQ(pipe(output), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, output[0]);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const std::string directory_text = directory.string();
    const char* argv[] = {"python3", "-u",        "-m",          "http.server",          "0",
                          "--bind",  "127.0.0.1", "--directory", directory_text.c_str(), nullptr};
    pid_t server_pid = 0;
    ASSERT_EQ(posix_spawnp(&server_pid, "python3", &actions, nullptr, const_cast<char* const*>(argv), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    close(output[1]);
    std::string banner;
    char c = 0;
    pollfd wait_banner{output[0], POLLIN, 0};
    while (banner.find('\n') == std::string::npos && poll(&wait_banner, 1, 20000) == 1 && read(output[0], &c, 1) == 1) {
        banner.push_back(c);
    }
    const size_t port_at = banner.find(" port ");
    uint16_t server_port = 0;
    if (port_at != std::string::npos) {
        server_port = static_cast<uint16_t>(std::stoi(banner.substr(port_at + 6)));
    }
    ASSERT_NE(server_port, 0) << "http.server printed: " << banner;

    uint16_t relay_port = 0;
    const int listener = ListenLoopback(relay_port);
    ASSERT_GE(listener, 0);
    std::vector<Captured> captured;
    std::thread relay([&] { captured = RelayOnce(listener, server_port); });
    const std::string command = "curl -s -o /dev/null --max-time 20 -A 'unmask-probe/2.1' -H 'X-Unmask-Test: 42' "
                                "http://127.0.0.1:" +
                                std::to_string(relay_port) + "/payload.bin?id=7";
    const int curl_status = std::system(command.c_str());
    relay.join();
    close(listener);
    kill(server_pid, SIGTERM);
    waitpid(server_pid, nullptr, 0);
    close(output[0]);
    std::filesystem::remove_all(directory);
    ASSERT_EQ(curl_status, 0);

    HttpDissector dissector;
    int64_t tick = 0;
    for (const Captured& piece : captured) {
        EXPECT_EQ(dissector.Feed(piece.direction, Bytes(piece.bytes), ++tick), piece.bytes.size());
    }
    dissector.Finish();
    ASSERT_EQ(dissector.transactions().size(), 1u);
    const HttpTransaction& transaction = dissector.transactions()[0];
    EXPECT_EQ(transaction.request.method, "GET");
    EXPECT_EQ(transaction.request.uri, "/payload.bin?id=7");
    EXPECT_EQ(transaction.request.version, "1.1");
    EXPECT_EQ(transaction.request.host, "127.0.0.1");
    EXPECT_EQ(transaction.request.user_agent, "unmask-probe/2.1");
    EXPECT_TRUE(HasProblem(transaction.request.header_names, "X-Unmask-Test"));
    EXPECT_EQ(transaction.request.header_names.front(), "Host");
    ASSERT_TRUE(transaction.response.has_value());
    EXPECT_EQ(transaction.response->status_code, 200);
    EXPECT_EQ(transaction.response->status_msg, "OK");
    EXPECT_EQ(transaction.response->content_length, body.size());
    EXPECT_EQ(transaction.response->body_bytes, body.size());
    EXPECT_EQ(transaction.response->server.rfind("SimpleHTTP/", 0), 0u) << transaction.response->server;
    EXPECT_EQ(transaction.response->content_type, "application/octet-stream");
    EXPECT_TRUE(transaction.problems.empty());
    EXPECT_EQ(dissector.malformed_count(), 0u);
}

} // namespace
} // namespace unmask::dissect
