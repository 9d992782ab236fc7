// PacketSource on capture files written by the test: plain and gzip-compressed pcap, microsecond
// and nanosecond timestamps, pcapng with out-of-range timestamps, and truncated files.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include "ingest/pcap/packet_source.h"
#include "pcap_test_util.h"

namespace unmask::ingest::pcap {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;

void PutLittle32(Bytes& out, uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) {
        out.push_back(static_cast<uint8_t>(value >> shift));
    }
}

// A classic little-endian pcap file with DLT_RAW frames; `fractions` are microseconds, or
// nanoseconds when `nanosecond` is set.
Bytes PcapFile(const std::vector<Bytes>& frames, uint32_t first_second, bool nanosecond = false) {
    Bytes out;
    PutLittle32(out, nanosecond ? 0xa1b23c4d : 0xa1b2c3d4);
    out.insert(out.end(), {2, 0, 4, 0});
    PutLittle32(out, 0);
    PutLittle32(out, 0);
    PutLittle32(out, 65535);
    PutLittle32(out, DLT_RAW);
    for (size_t i = 0; i < frames.size(); ++i) {
        PutLittle32(out, first_second + static_cast<uint32_t>(i));
        PutLittle32(out, 123456789 % (nanosecond ? 1000000000 : 1000000));
        PutLittle32(out, static_cast<uint32_t>(frames[i].size()));
        PutLittle32(out, static_cast<uint32_t>(frames[i].size()));
        testing::Append(out, frames[i]);
    }
    return out;
}

std::vector<Bytes> SampleFrames() {
    std::vector<Bytes> frames;
    for (uint32_t i = 0; i < 3; ++i) {
        frames.push_back(
            testing::Ipv4("10.0.0.1", "10.0.0.2", kProtocolUdp, testing::UdpHeader(40000, 53, Bytes(i + 1, 0x61))));
    }
    return frames;
}

Result<PacketSource> OpenBytes(const Bytes& bytes) {
    FILE* stream = fmemopen(const_cast<uint8_t*>(bytes.data()), bytes.size(), "rb");
    return PacketSource::OpenStream(stream, "memory");
}

fs::path TempPath(const std::string& name) {
    return fs::temp_directory_path() / ("unmask-pcap-source-" + std::to_string(getpid()) + "-" + name);
}

TEST(PcapSource, MicrosecondTimestampsInTicks) {
    const Bytes file = PcapFile(SampleFrames(), 1'700'000'000);
    auto source = OpenBytes(file);
    ASSERT_TRUE(source.ok()) << source.status().message();
    EXPECT_EQ(source->link_type(), DLT_RAW);
    RawPacket packet;
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    EXPECT_EQ(packet.timestamp, 1'700'000'000 * kTicksPerSecond + 456789 * 10);
    EXPECT_EQ(packet.captured_length, SampleFrames()[0].size());
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    EXPECT_EQ(source->Next(packet), ReadOutcome::kEnd);
    EXPECT_EQ(source->packets_read(), 3u);
    EXPECT_FALSE(source->damage().has_value());
}

TEST(PcapSource, NanosecondTimestampsInTicks) {
    const Bytes file = PcapFile(SampleFrames(), 1'700'000'000, true);
    auto source = OpenBytes(file);
    ASSERT_TRUE(source.ok()) << source.status().message();
    RawPacket packet;
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    EXPECT_EQ(packet.timestamp, 1'700'000'000 * kTicksPerSecond + 123456789 / 100);
}

TEST(PcapSource, TruncatedRecordReportsDamage) {
    Bytes file = PcapFile(SampleFrames(), 1'700'000'000);
    file.resize(file.size() - 5);
    auto source = OpenBytes(file);
    ASSERT_TRUE(source.ok()) << source.status().message();
    RawPacket packet;
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    ASSERT_EQ(source->Next(packet), ReadOutcome::kDamaged);
    ASSERT_TRUE(source->damage().has_value());
    const Damage& damage = *source->damage();
    EXPECT_EQ(damage.file, "memory");
    EXPECT_EQ(damage.packet_number, 3u);
    ASSERT_TRUE(damage.byte_offset.has_value());
    EXPECT_GE(*damage.byte_offset, 24u + 2u * 16u + SampleFrames()[0].size() + SampleFrames()[1].size());
    EXPECT_NE(damage.message.find("truncated"), std::string::npos) << damage.message;
    EXPECT_NE(damage.ToString().find("memory: packet 3 at byte offset"), std::string::npos) << damage.ToString();
}

TEST(PcapSource, GzipFileReadsLikePlain) {
    const Bytes file = PcapFile(SampleFrames(), 1'600'000'000);
    const fs::path plain = TempPath("plain.pcap");
    const fs::path compressed = TempPath("compressed.pcap.gz");
    {
        std::ofstream out(plain, std::ios::binary);
        out.write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
        gzFile gz = gzopen(compressed.c_str(), "wb");
        ASSERT_NE(gz, nullptr);
        ASSERT_EQ(gzwrite(gz, file.data(), static_cast<unsigned>(file.size())), static_cast<int>(file.size()));
        ASSERT_EQ(gzclose(gz), Z_OK);
    }
    auto from_plain = PacketSource::OpenFile(plain.string());
    auto from_gzip = PacketSource::OpenFile(compressed.string());
    ASSERT_TRUE(from_plain.ok()) << from_plain.status().message();
    ASSERT_TRUE(from_gzip.ok()) << from_gzip.status().message();
    RawPacket a, b;
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(from_plain->Next(a), ReadOutcome::kPacket);
        ASSERT_EQ(from_gzip->Next(b), ReadOutcome::kPacket);
        EXPECT_EQ(a.timestamp, b.timestamp);
        EXPECT_EQ(Bytes(a.data.begin(), a.data.end()), Bytes(b.data.begin(), b.data.end()));
    }
    EXPECT_EQ(from_gzip->Next(b), ReadOutcome::kEnd);
    EXPECT_EQ(from_gzip->bytes_read(), file.size());
    fs::remove(plain);
    fs::remove(compressed);
}

TEST(PcapSource, TruncatedGzipReportsDamage) {
    Bytes file = PcapFile(SampleFrames(), 1'600'000'000);
    const fs::path compressed = TempPath("cut.pcap.gz");
    {
        gzFile gz = gzopen(compressed.c_str(), "wb");
        ASSERT_NE(gz, nullptr);
        ASSERT_EQ(gzwrite(gz, file.data(), static_cast<unsigned>(file.size() - 3)), static_cast<int>(file.size() - 3));
        ASSERT_EQ(gzclose(gz), Z_OK);
    }
    auto source = PacketSource::OpenFile(compressed.string());
    ASSERT_TRUE(source.ok()) << source.status().message();
    RawPacket packet;
    ReadOutcome outcome;
    while ((outcome = source->Next(packet)) == ReadOutcome::kPacket) {
    }
    EXPECT_EQ(outcome, ReadOutcome::kDamaged);
    EXPECT_EQ(source->packets_read(), 2u);
    fs::remove(compressed);
}

// Found by the pcap_reader fuzzer: a pcapng timestamp near 2^64 overflowed the tick conversion.
TEST(PcapSource, HugePcapngTimestampIsClamped) {
    Bytes file = {0x0a, 0x0d, 0x0d, 0x0a, 28,   0,    0,    0,    0x4d, 0x3c, 0x2b, 0x1a, 1, 0,
                  0,    0,    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28,   0,    0, 0};
    // Interface description block: DLT_RAW, snapshot length 65535.
    testing::Append(file, Bytes{1, 0, 0, 0, 20, 0, 0, 0, DLT_RAW, 0, 0, 0, 0xff, 0xff, 0, 0, 20, 0, 0, 0});
    const Bytes frame = SampleFrames()[0];
    Bytes padded = frame;
    padded.resize((frame.size() + 3) / 4 * 4, 0);
    const uint32_t block_length = static_cast<uint32_t>(32 + padded.size());
    Bytes packet_block;
    PutLittle32(packet_block, 6);
    PutLittle32(packet_block, block_length);
    PutLittle32(packet_block, 0);          // interface 0
    PutLittle32(packet_block, 0xffffffff); // timestamp, high word
    PutLittle32(packet_block, 0xffffffff); // timestamp, low word
    PutLittle32(packet_block, static_cast<uint32_t>(frame.size()));
    PutLittle32(packet_block, static_cast<uint32_t>(frame.size()));
    testing::Append(packet_block, padded);
    PutLittle32(packet_block, block_length);
    testing::Append(file, packet_block);

    auto source = OpenBytes(file);
    ASSERT_TRUE(source.ok()) << source.status().message();
    RawPacket packet;
    ASSERT_EQ(source->Next(packet), ReadOutcome::kPacket);
    EXPECT_LE(packet.timestamp, (int64_t{1} << 38) * kTicksPerSecond + kTicksPerSecond);
    EXPECT_GT(packet.timestamp, 0);
}

} // namespace
} // namespace unmask::ingest::pcap
