#include "ingest/sensor/sensor_read.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "dissect/tls_keylog.h"
#include "dissect/x509.h"
#include "ingest/input_file.h"
#include "ingest/sensor/packet_rows.h"
#include "ingest/zeek/zeek_reader.h"

namespace unmask::ingest {
namespace {

/// Bytes read to recognise a sensor input.
constexpr size_t kSniffBytes = 64 * 1024;
/// Order keys of sensor chunks start above every block key of the export pipeline.
constexpr uint64_t kSensorOrderBase = uint64_t{1} << 62;

bool IsCaptureMagic(std::string_view head) {
    if (head.size() < 4) {
        return false;
    }
    static constexpr std::array<std::array<unsigned char, 4>, 5> kMagics = {{
        {0xd4, 0xc3, 0xb2, 0xa1},  // pcap, microseconds, little-endian
        {0xa1, 0xb2, 0xc3, 0xd4},  // pcap, microseconds, big-endian
        {0x4d, 0x3c, 0xb2, 0xa1},  // pcap, nanoseconds, little-endian
        {0xa1, 0xb2, 0x3c, 0x4d},  // pcap, nanoseconds, big-endian
        {0x0a, 0x0d, 0x0d, 0x0a},  // pcapng section header block
    }};
    for (const auto& magic : kMagics) {
        if (std::memcmp(head.data(), magic.data(), magic.size()) == 0) {
            return true;
        }
    }
    return false;
}

/// Statistics of one reading thread, merged at the end.
struct SensorWorker {
    ReadStats stats;
    CaptureStats packets;
    Status status;
};

void MergeStats(const ReadStats& from, size_t max_examples, ReadStats& into) {
    into.files += from.files;
    into.bytes += from.bytes;
    into.rows_read += from.rows_read;
    for (const auto& [reason, count] : from.rejected_by_reason) {
        into.rejected_by_reason[reason] += count;
    }
    for (const RejectExample& example : from.examples) {
        const size_t kept = static_cast<size_t>(std::count_if(
            into.examples.begin(), into.examples.end(), [&](const RejectExample& e) { return e.reason == example.reason; }));
        if (kept < max_examples) {
            into.examples.push_back(example);
        }
    }
    if (from.min_timestamp) {
        into.min_timestamp = std::min(into.min_timestamp.value_or(*from.min_timestamp), *from.min_timestamp);
        into.max_timestamp = std::max(into.max_timestamp.value_or(*from.max_timestamp), *from.max_timestamp);
    }
}

}  // namespace

Result<std::optional<Format>> DetectSensorFormat(const std::string& path) {
    UNMASK_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
    std::string head(kSniffBytes, '\0');
    UNMASK_ASSIGN_OR_RETURN(size_t size, file->ReadFull(head.data(), head.size()));
    head.resize(size);
    if (IsCaptureMagic(head)) {
        return std::optional<Format>(Format::kPacketCapture);
    }
    const size_t slash = path.find_last_of('/');
    const std::string_view file_name = slash == std::string::npos ? path : std::string_view(path).substr(slash + 1);
    if (zeek::DetectZeekLog(head, file_name)) {
        return std::optional<Format>(Format::kZeekLog);
    }
    return std::optional<Format>();
}

Status ReadSensorInputs(const std::vector<InputInfo>& inputs, const Schema& output, const ReadOptions& options,
                        ChunkSink& sink, ReadStats& stats) {
    std::vector<size_t> captures;
    std::vector<std::string> zeek_paths;
    for (size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].format == Format::kPacketCapture) {
            captures.push_back(i);
        } else if (inputs[i].format == Format::kZeekLog) {
            zeek_paths.push_back(inputs[i].path);
        }
    }
    if (captures.empty() && zeek_paths.empty()) {
        return Status::Ok();
    }
    SensorSite site;
    site.internal_networks = options.internal_networks;

    std::optional<dissect::TrustStore> trust_store;
    if (options.verify_certificates && !captures.empty()) {
        auto loaded = dissect::TrustStore::LoadSystem();
        if (loaded.ok()) {
            trust_store.emplace(std::move(loaded).value());
        }
        // NOTE: without a system trust store (no ca-certificates package), rows carry no validation_status.
    }
    std::optional<dissect::TlsKeyLog> key_log;
    std::optional<FixedKeyLog> key_log_source;
    if (!options.tls_key_log_path.empty() && !captures.empty()) {
        UNMASK_ASSIGN_OR_RETURN(dissect::TlsKeyLog loaded, dissect::TlsKeyLog::Load(options.tls_key_log_path));
        key_log.emplace(std::move(loaded));
        stats.captures.key_log_sessions += key_log->sessions();
        stats.captures.key_log_malformed_lines += key_log->malformed_lines();
        stats.captures.key_log_examples = key_log->malformed_examples();
    }
    PacketOptions packet_options;
    packet_options.trust_store = trust_store ? &*trust_store : nullptr;
    if (key_log) {
        key_log_source.emplace(*key_log);
        packet_options.key_log = &*key_log_source;
    }
    packet_options.flows.is_internal = [networks = site.internal_networks](const IpAddress& address) {
        return IsInternalAddress(address, networks);
    };

    // Task 0 reads all Zeek logs; tasks 1..n read one capture each.
    const size_t task_count = captures.size() + (zeek_paths.empty() ? 0 : 1);
    const int thread_count = static_cast<int>(std::min<size_t>(std::max(1, options.threads), task_count));
    std::vector<SensorWorker> workers(static_cast<size_t>(thread_count));
    std::atomic<size_t> next_task{0};
    std::atomic<bool> failed{false};

    auto run_worker = [&](int worker_index) {
        SensorWorker& worker = workers[static_cast<size_t>(worker_index)];
        for (size_t task = next_task++; task < task_count && !failed.load(); task = next_task++) {
            const bool zeek_task = !zeek_paths.empty() && task == 0;
            const size_t input_index = zeek_task ? inputs.size() : captures[task - (zeek_paths.empty() ? 0 : 1)];
            SensorRowBuilder builder(output, site);
            uint64_t chunk_sequence = 0;
            auto flush = [&](Chunk chunk) -> Status {
                chunk.first_row = kSensorOrderBase + (static_cast<uint64_t>(input_index) << 40) + (chunk_sequence++ << 20);
                worker.stats.rows_read += chunk.rows;
                return sink.Consume(std::move(chunk), worker_index);
            };
            Status status;
            if (zeek_task) {
                status = zeek::ReadZeekLogs(zeek_paths, builder, flush, options, worker.stats);
                worker.stats.files += zeek_paths.size();
            } else {
                status = ReadPacketFile(inputs[input_index].path, packet_options, builder, flush, options, worker.stats,
                                        worker.packets);
                ++worker.stats.files;
            }
            if (const std::optional<int64_t> first = builder.min_timestamp()) {
                ReadStats& own = worker.stats;
                own.min_timestamp = std::min(own.min_timestamp.value_or(*first), *first);
                own.max_timestamp =
                    std::max(own.max_timestamp.value_or(*builder.max_timestamp()), *builder.max_timestamp());
            }
            if (!status.ok()) {
                worker.status = status;
                failed = true;
                return;
            }
        }
    };
    std::vector<std::thread> threads;
    for (int i = 1; i < thread_count; ++i) {
        threads.emplace_back(run_worker, i);
    }
    run_worker(0);
    for (std::thread& thread : threads) {
        thread.join();
    }
    for (const SensorWorker& worker : workers) {
        MergeStats(worker.stats, options.max_examples_per_reason, stats);
        stats.captures.Add(worker.packets);
    }
    for (const SensorWorker& worker : workers) {
        if (!worker.status.ok()) {
            return worker.status;
        }
    }
    return Status::Ok();
}

}  // namespace unmask::ingest
