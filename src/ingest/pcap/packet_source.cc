#include "ingest/pcap/packet_source.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include <poll.h>
#include <zlib.h>

namespace unmask::ingest::pcap {
namespace {

/// Kernel buffer of a live capture.
constexpr int kLiveBufferBytes = 64 * 1024 * 1024;

// fopencookie callbacks that let libpcap read a gzip file through zlib as a plain stdio stream.
ssize_t GzipRead(void* cookie, char* buffer, size_t size) {
    const unsigned chunk = size > static_cast<size_t>(INT_MAX) ? INT_MAX : static_cast<unsigned>(size);
    const int count = gzread(static_cast<gzFile>(cookie), buffer, chunk);
    if (count < 0) {
        errno = EIO;
        return -1;
    }
    return count;
}

// Only position queries (ftell) are supported, because libpcap reads sequentially.
int GzipSeek(void* cookie, off64_t* offset, int whence) {
    if (whence != SEEK_CUR || *offset != 0) {
        errno = ESPIPE;
        return -1;
    }
    *offset = gztell(static_cast<gzFile>(cookie));
    return 0;
}

int GzipClose(void* cookie) {
    return gzclose(static_cast<gzFile>(cookie)) == Z_OK ? 0 : EOF;
}

bool HasGzipMagic(const std::string& path) {
    FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) {
        return false;
    }
    unsigned char magic[2] = {0, 0};
    const size_t count = std::fread(magic, 1, sizeof(magic), file);
    std::fclose(file);
    return count == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

Result<FILE*> OpenGzipStream(const std::string& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (gz == nullptr) {
        return Status(ErrorKind::kIo, "cannot open " + path + ": " + std::strerror(errno));
    }
    gzbuffer(gz, 256 * 1024);
    const cookie_io_functions_t functions{GzipRead, nullptr, GzipSeek, GzipClose};
    FILE* stream = fopencookie(gz, "rb", functions);
    if (stream == nullptr) {
        gzclose(gz);
        return Status(ErrorKind::kIo, "cannot create a stream for " + path + ": " + std::strerror(errno));
    }
    return stream;
}

} // namespace

std::string Damage::ToString() const {
    std::string text = file + ": packet " + std::to_string(packet_number);
    if (byte_offset.has_value()) {
        text += " at byte offset " + std::to_string(*byte_offset);
    }
    return text + ": " + message;
}

PacketSource::PacketSource(pcap_t* handle, std::string name, bool live)
    : handle_(handle),
      name_(std::move(name)),
      live_(live),
      link_type_(pcap_datalink(handle)),
      nanosecond_timestamps_(pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO) {}

Result<PacketSource> PacketSource::OpenFile(const std::string& path) {
    FILE* stream = nullptr;
    if (HasGzipMagic(path)) {
        UNMASK_ASSIGN_OR_RETURN(stream, OpenGzipStream(path));
    } else {
        stream = std::fopen(path.c_str(), "rb");
        if (stream == nullptr) {
            return Status(ErrorKind::kIo, "cannot open " + path + ": " + std::strerror(errno));
        }
        std::setvbuf(stream, nullptr, _IOFBF, 256 * 1024);
    }
    return OpenStream(stream, path);
}

Result<PacketSource> PacketSource::OpenStream(FILE* stream, const std::string& name) {
    char error[PCAP_ERRBUF_SIZE] = {0};
    // pcap_fopen_offline closes the stream itself when it fails.
    pcap_t* handle = pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_NANO, error);
    if (handle == nullptr) {
        return Status(ErrorKind::kInvalidInput, name + ": not a readable pcap or pcapng file: " + error);
    }
    return PacketSource(handle, name, false);
}

Result<PacketSource> PacketSource::OpenLive(const std::string& interface, const std::string& bpf_filter, int snaplen,
                                            bool promiscuous, int read_timeout_ms) {
    char error[PCAP_ERRBUF_SIZE] = {0};
    pcap_t* raw_handle = pcap_create(interface.c_str(), error);
    if (raw_handle == nullptr) {
        return Status(ErrorKind::kIo, "cannot open interface " + interface + ": " + error);
    }
    std::unique_ptr<pcap_t, PcapCloser> handle(raw_handle);
    pcap_set_snaplen(raw_handle, snaplen);
    pcap_set_promisc(raw_handle, promiscuous ? 1 : 0);
    pcap_set_immediate_mode(raw_handle, 1);
    // In immediate mode each frame of the kernel's ring takes up to the interface's MTU, so
    // libpcap's 2 MiB default fits about 30 frames on loopback (64 KiB MTU) and drops packets
    // while the reader waits for a CPU.
    pcap_set_buffer_size(raw_handle, kLiveBufferBytes);
    pcap_set_timeout(raw_handle, read_timeout_ms);
    // Nanosecond timestamps where the platform has them; microseconds otherwise.
    pcap_set_tstamp_precision(raw_handle, PCAP_TSTAMP_PRECISION_NANO);
    const int activated = pcap_activate(raw_handle);
    if (activated < 0) {
        std::string reason = pcap_statustostr(activated);
        const std::string detail = pcap_geterr(raw_handle);
        // libpcap's detail often repeats the status text ("No such device exists").
        if ((activated == PCAP_ERROR || activated == PCAP_ERROR_PERM_DENIED || activated == PCAP_ERROR_NO_SUCH_DEVICE) &&
            !detail.empty() && detail != reason) {
            reason += ": " + detail;
        }
        return Status(ErrorKind::kIo, "cannot capture on interface " + interface + ": " + reason);
    }
    if (!bpf_filter.empty()) {
        bpf_program program{};
        if (pcap_compile(raw_handle, &program, bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
            return Status(ErrorKind::kInvalidInput,
                          "invalid capture filter '" + bpf_filter + "': " + pcap_geterr(raw_handle));
        }
        const int installed = pcap_setfilter(raw_handle, &program);
        pcap_freecode(&program);
        if (installed != 0) {
            return Status(ErrorKind::kIo,
                          "cannot install capture filter on " + interface + ": " + pcap_geterr(raw_handle));
        }
    }
    // libpcap's own read timeout does not make pcap_next_ex return on Linux in immediate mode,
    // so the capture is non-blocking and Next waits with poll().
    if (pcap_setnonblock(raw_handle, 1, error) != 0) {
        return Status(ErrorKind::kIo, "cannot make the capture on " + interface + " non-blocking: " + error);
    }
    PacketSource source(handle.release(), interface, true);
    source.read_timeout_ms_ = read_timeout_ms;
    return source;
}

std::optional<uint64_t> PacketSource::dropped_packets() const {
    pcap_stat counters{};
    if (!live_ || pcap_stats(handle_.get(), &counters) != 0) {
        return std::nullopt;
    }
    return uint64_t{counters.ps_drop} + uint64_t{counters.ps_ifdrop};
}

ReadOutcome PacketSource::Next(RawPacket& packet) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int result = pcap_next_ex(handle_.get(), &header, &data);
    if (result == 0 && live_) {
        pollfd descriptor{pcap_get_selectable_fd(handle_.get()), POLLIN, 0};
        if (descriptor.fd < 0 || poll(&descriptor, 1, read_timeout_ms_) <= 0) {
            return ReadOutcome::kTimeout;
        }
        result = pcap_next_ex(handle_.get(), &header, &data);
    }

    if (result == 1) {
        ++packets_read_;
        // pcapng stores 64-bit timestamps. Clamping seconds to +-2^38 (about 8700 years) keeps
        // ticks and their differences inside int64_t.
        constexpr int64_t kMaxSeconds = int64_t{1} << 38;
        const int64_t seconds = std::clamp<int64_t>(header->ts.tv_sec, -kMaxSeconds, kMaxSeconds);
        const int64_t fraction = nanosecond_timestamps_ ? header->ts.tv_usec / 100 : header->ts.tv_usec * 10;
        packet.timestamp = seconds * kTicksPerSecond + fraction;
        packet.captured_length = header->caplen;
        packet.original_length = header->len < header->caplen ? header->caplen : header->len;
        packet.data = std::span<const uint8_t>(data, header->caplen);
        return ReadOutcome::kPacket;
    }
    if (result == 0) {
        return ReadOutcome::kTimeout;
    }
    if (result == PCAP_ERROR_BREAK) {
        return ReadOutcome::kEnd;
    }

    Damage damage;
    damage.file = name_;
    damage.packet_number = packets_read_ + 1;
    damage.message = pcap_geterr(handle_.get());
    if (!live_) {
        // libpcap reads whole records, so the stream position after a failed read is at most one
        // record past the last good packet. NOTE: the offset is where reading stopped, which can
        // be inside or after the damaged record rather than at its start.
        damage.byte_offset = bytes_read();
    }
    damage_ = std::move(damage);
    return ReadOutcome::kDamaged;
}

void PacketSource::Stop() {
    pcap_breakloop(handle_.get());
}

uint64_t PacketSource::bytes_read() const {
    if (live_) {
        return 0;
    }
    FILE* stream = pcap_file(handle_.get());
    if (stream == nullptr) {
        return 0;
    }
    const long position = std::ftell(stream);
    return position < 0 ? 0 : static_cast<uint64_t>(position);
}

} // namespace unmask::ingest::pcap
