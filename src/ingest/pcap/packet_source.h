// Packet input through libpcap: capture files (pcap, pcapng, either one gzip-compressed) and live
// interfaces.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <pcap/pcap.h>

#include "common/status.h"

namespace unmask::ingest::pcap {

/// Timestamps are 100 ns ticks since the Unix epoch, the unit of Kusto's datetime.
inline constexpr int64_t kTicksPerSecond = 10'000'000;

/// One captured frame. `data` points into libpcap's buffer and stays valid until the next call
/// to PacketSource::Next.
struct RawPacket {
    int64_t timestamp = 0;
    uint32_t captured_length = 0;
    uint32_t original_length = 0; ///< length on the wire, at least captured_length
    std::span<const uint8_t> data;
};

enum class ReadOutcome {
    kPacket,  ///< a packet was stored in the argument
    kEnd,     ///< end of file, or the live capture was stopped
    kDamaged, ///< the file is truncated or corrupt; damage() describes where, and reading stops
    kTimeout, ///< live capture only: no packet arrived within the read timeout; call Next again
};

/// Position and cause of an early stop while reading a capture file.
struct Damage {
    std::string file;
    uint64_t packet_number = 0; ///< 1-based number of the packet that could not be read
    /// Offset of the first byte after the last complete packet. For a gzip-compressed file it
    /// counts uncompressed bytes. Unknown for live captures.
    std::optional<uint64_t> byte_offset;
    std::string message; ///< libpcap's error text

    /// Formats the damage as one line: file, packet number, offset and message.
    std::string ToString() const;
};

/// A capture file or live interface opened through libpcap. Moveable, not copyable.
class PacketSource {
public:
    /// Opens a pcap or pcapng file, gzip-compressed or not (detected by the magic bytes 1f 8b).
    /// A compressed file is decompressed while reading, never unpacked to disk.
    static Result<PacketSource> OpenFile(const std::string& path);

    /// Opens a capture file that is already open as a stdio stream (a pipe, fmemopen, a memfd).
    /// The source takes ownership of `stream` and closes it, also on failure. `name` is used in
    /// messages.
    static Result<PacketSource> OpenStream(FILE* stream, const std::string& name);

    /// Opens a live capture on `interface` with a BPF filter (empty: every packet). Packets are
    /// delivered as they arrive (immediate mode), and Next returns kTimeout after
    /// `read_timeout_ms` without traffic. Capturing usually needs root or CAP_NET_RAW.
    static Result<PacketSource> OpenLive(const std::string& interface, const std::string& bpf_filter, int snaplen,
                                         bool promiscuous, int read_timeout_ms = 100);

    PacketSource(PacketSource&&) noexcept = default;
    PacketSource& operator=(PacketSource&&) noexcept = default;
    ~PacketSource() = default;

    /// Reads the next packet into `packet`.
    ReadOutcome Next(RawPacket& packet);

    /// Makes a blocked or looping live capture return kEnd; callable from another thread or a
    /// signal handler.
    void Stop();

    /// libpcap's DLT_ value for the link layer of every packet (pcap_datalink).
    int link_type() const { return link_type_; }
    const std::string& name() const { return name_; }
    uint64_t packets_read() const { return packets_read_; }
    bool is_live() const { return live_; }
    /// Set after Next returned kDamaged.
    const std::optional<Damage>& damage() const { return damage_; }
    /// Bytes of the input consumed so far (uncompressed for gzip files, 0 for live captures).
    uint64_t bytes_read() const;
    /// Packets of a live capture that the kernel dropped because its buffer was full: libpcap's
    /// ps_drop, plus ps_ifdrop where the driver reports it. Empty for files or when unknown.
    std::optional<uint64_t> dropped_packets() const;

private:
    struct PcapCloser {
        void operator()(pcap_t* handle) const { pcap_close(handle); }
    };

    PacketSource(pcap_t* handle, std::string name, bool live);

    std::unique_ptr<pcap_t, PcapCloser> handle_;
    std::string name_;
    bool live_ = false;
    int link_type_ = 0;
    bool nanosecond_timestamps_ = false;
    int read_timeout_ms_ = 0;
    uint64_t packets_read_ = 0;
    std::optional<Damage> damage_;
};

} // namespace unmask::ingest::pcap
