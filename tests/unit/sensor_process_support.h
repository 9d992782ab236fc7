// Helpers for tests that start real programs (tcpdump, servers, clients) on loopback.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace unmask::testing {

/// True when `program` is found on PATH.
inline bool HaveProgram(const std::string& program) {
    return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

/// Runs a shell command and returns its exit status (-1 when it did not exit normally).
inline int RunShell(const std::string& command) {
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

inline std::string ReadWholeFile(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

/// A free TCP port on 127.0.0.1, found by binding port 0.
inline int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    close(fd);
    return port;
}

/// Waits until something accepts connections on 127.0.0.1:`port`, for at most `seconds`.
/// Returns false when nothing did; a readiness wait, not a timing check.
inline bool WaitForPort(int port, int seconds = 20) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        const int fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(static_cast<uint16_t>(port));
        const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
        close(fd);
        if (connected) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

/// Waits until `path` contains `text`, for at most `seconds`.
inline bool WaitForText(const std::filesystem::path& path, const std::string& text, int seconds = 20) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (ReadWholeFile(path).find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

/// A background program started with /bin/sh -c in a process group of its own, stopped with a
/// signal to that group on destruction.
class BackgroundProcess {
public:
    explicit BackgroundProcess(const std::string& command) {
        pid_ = fork();
        if (pid_ == 0) {
            setpgid(0, 0);
            execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~BackgroundProcess() { Stop(SIGTERM); }
    BackgroundProcess(const BackgroundProcess&) = delete;
    BackgroundProcess& operator=(const BackgroundProcess&) = delete;

    /// Sends `signal` and waits for the exit; returns the exit status or -1.
    int Stop(int signal) {
        if (pid_ <= 0) {
            return status_;
        }
        kill(-pid_, signal);  // the whole process group: the shell and what it started
        return Wait();
    }

    /// Waits for the program to exit by itself.
    int Wait() {
        if (pid_ <= 0) {
            return status_;
        }
        int raw = 0;
        waitpid(pid_, &raw, 0);
        pid_ = -1;
        status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
        return status_;
    }

    bool started() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
    int status_ = -1;
};

/// Sends one UDP datagram carrying `text` to 127.0.0.1:`port`.
inline void SendUdp(int port, const std::string& text) {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    close(fd);
}

/// Stops a tcpdump that writes `pcap` with -U once it has written every packet sent before this
/// call. Packets still queued in the kernel when tcpdump stops may be lost, so a fixed pause can
/// drop the last packets on a busy machine. Instead, a UDP datagram with a unique text goes to
/// `marker_port`, which the capture filter must include ("or udp port N"), and the file is watched
/// until the text is in it. Returns false when the marker did not arrive within `seconds`.
inline bool StopCaptureWhenWritten(BackgroundProcess& tcpdump, const std::filesystem::path& pcap, int marker_port,
                                   int seconds = 20) {
    const std::string marker = "unmask-capture-end-" + std::to_string(getpid()) + "-" + std::to_string(marker_port);
    SendUdp(marker_port, marker);
    const bool written = WaitForText(pcap, marker, seconds);
    tcpdump.Stop(SIGINT);
    return written;
}

/// Returns the count that tcpdump printed as "N packets dropped by kernel" when it stopped, or 0.
inline long PacketsDroppedByKernel(const std::filesystem::path& tcpdump_errors) {
    const std::string text = ReadWholeFile(tcpdump_errors);
    const size_t at = text.find(" packets dropped by kernel");
    if (at == std::string::npos) {
        return 0;
    }
    const size_t line = text.rfind('\n', at);
    return std::strtol(text.c_str() + (line == std::string::npos ? 0 : line + 1), nullptr, 10);
}

/// Command line of a loopback tcpdump that writes each packet at once. In immediate mode the capture
/// ring has frames as large as loopback's 64 KiB MTU, so the default 2 MiB buffer fits about 30
/// packets and dropped some while tcpdump waited for a busy CPU. 64 MiB fits a test's traffic.
inline constexpr const char* kLoopbackTcpdump = "tcpdump -i lo --immediate-mode -U -s 0 -B 65536";

/// Returns the capture filter clause that lets the marker of StopCaptureWhenWritten through.
inline std::string MarkerFilter(int marker_port) { return " or udp port " + std::to_string(marker_port); }

}  // namespace unmask::testing
