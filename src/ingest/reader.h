// Reading Defender and Sentinel exports into chunks of a columnar table.
//
// Inputs are read in two steps. ProbeInputs opens each file, detects its format from the
// content (never from the name) and returns the union schema of all inputs, so the query can be
// bound before any row is read. ReadInputs then streams the rows, parsing only the requested
// columns, and hands chunks to a sink from several worker threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/ip_network.h"
#include "common/status.h"
#include "table/column.h"

namespace unmask::ingest {

/// Input formats recognised from content.
enum class Format {
    kDefenderCsv,      ///< Advanced Hunting portal CSV export (header row, RFC 4180)
    kJsonLines,        ///< one JSON object per line: API rows, storage-blob records, Sentinel rows
    kJsonRecords,      ///< Streaming API / Event Hub form {"records":[{...}, ...]} (one or more per file)
    kJsonArray,        ///< a JSON array of row objects
    kZeekLog,          ///< a Zeek log, TSV or JSON lines; read into rows the way Defender's sensors map them
    kPacketCapture,    ///< pcap or pcapng, dissected into connection, TLS and HTTP rows
};

const char* FormatName(Format format);

/// One input file after probing.
struct InputInfo {
    std::string path;
    Format format = Format::kDefenderCsv;
    bool gzip = false;
    /// For kJsonLines and kJsonRecords: the first document spans several lines (pretty-printed),
    /// so documents are split where their outer brackets close instead of at line ends.
    bool json_multiline = false;
    Schema columns;  ///< columns found in this file, with their types
};

/// A file inside an input directory that is not read because it is not an export.
struct SkippedFile {
    std::string path;
    std::string reason;  ///< what the file looks like and what to do about it
};

struct ProbeResult {
    std::vector<InputInfo> inputs;
    Schema schema;  ///< union of all inputs' columns, in first-seen order, with known columns typed by schema
    /// Files found inside input directories that are not exports (a readme, a Zeek log, a
    /// semicolon-separated CSV). Filled only by ExpandAndProbeInputs, because a file named
    /// directly that is not an export fails the probe.
    std::vector<SkippedFile> skipped_files;
};

/// Smallest accepted ReadOptions::max_record_bytes. A single DeviceNetworkEvents row is often
/// several hundred bytes, so a smaller limit would reject nearly every row.
inline constexpr size_t kMinRecordBytes = 1024;

/// How far a read has come, for progress displays.
struct ReadProgress {
    size_t files_done = 0;   ///< files read to the end
    size_t files_total = 0;
    uint64_t bytes_read = 0;  ///< bytes read from the files so far (compressed size for .gz)
    uint64_t rows_parsed = 0;
};

/// Limits and switches for reading.
struct ReadOptions {
    /// Fail on the first malformed record instead of skipping and counting it.
    bool strict = false;
    /// Longest accepted record in bytes; a longer one is rejected as "record too large".
    /// ProbeInputs rejects a value below kMinRecordBytes.
    size_t max_record_bytes = 16 * 1024 * 1024;
    /// Worker threads that parse blocks (at least 1).
    int threads = 2;
    /// How many rejected records of each reason keep a full example for the summary.
    size_t max_examples_per_reason = 3;
    /// Bytes read per block handed to a worker. Tests set a few bytes to put record boundaries
    /// at block edges; a record longer than a block grows the block up to max_record_bytes.
    size_t block_bytes = 8 * 1024 * 1024;
    /// Called from the reading thread after each block is handed to the workers. It must return
    /// quickly; a display rate-limits itself.
    std::function<void(const ReadProgress& progress)> on_progress;
    /// Internal networks that orient sensor rows (Zeek logs, captures) and set their
    /// LocalIPType/RemoteIPType; empty means kDefaultInternalNetworkTexts.
    std::vector<IpNetwork> internal_networks;
    /// Verify certificate chains seen in captures against the system trust store.
    bool verify_certificates = true;
    /// NSS key log (SSLKEYLOGFILE) whose sessions are decrypted in captures; empty for none.
    std::string tls_key_log_path;
};

/// Reject reasons: the keys of ReadStats::rejected_by_reason and RejectExample::reason.
inline constexpr const char* kRejectWrongFieldCount = "wrong field count";
inline constexpr const char* kRejectBadQuoting = "bad quoting";
inline constexpr const char* kRejectInvalidDateTime = "invalid datetime";
inline constexpr const char* kRejectInvalidNumber = "invalid number";
inline constexpr const char* kRejectInvalidBool = "invalid bool";
inline constexpr const char* kRejectInvalidTimeSpan = "invalid timespan";
inline constexpr const char* kRejectInvalidJson = "invalid JSON";
inline constexpr const char* kRejectRecordTooLarge = "record too large";
/// A packet capture that is truncated or corrupt: the packets before the damage are kept.
inline constexpr const char* kRejectDamagedCapture = "damaged capture";
/// A gzip stream that is truncated or corrupt: the rows before the damage are kept.
inline constexpr const char* kRejectCorruptGzip = "corrupt gzip";
/// A valid record of another Defender table (an Event Hub record whose `category` is not
/// AdvancedHunting-DeviceNetworkEvents, or a Sentinel row whose `Type` is not
/// DeviceNetworkEvents). It is skipped and counted, also in strict mode, where it is no error.
inline constexpr const char* kRejectOtherTable = "other table";

/// A rejected record shown in the run summary.
struct RejectExample {
    std::string file;
    uint64_t line = 0;  ///< 1-based line of the record's start (JSON: line of the record)
    std::string reason;
    std::string value;  ///< the offending value or record, cut to about 200 bytes
    std::string hint;   ///< what to do about it
};

/// Formats an example as one line: "file:line: reason: value \"...\"; hint".
std::string DescribeReject(const RejectExample& example);

/// Counters of the packet captures among the inputs, for the run summary.
struct CaptureStats {
    uint64_t packets = 0;
    uint64_t bytes = 0;  ///< captured bytes of all packets
    uint64_t flows = 0;
    uint64_t peak_flows_in_flight = 0;  ///< largest number of open flows in any one capture
    uint64_t tls_handshakes = 0;
    /// TLS sessions by the outcome of decryption with a key log (all zero without one).
    uint64_t tls_decrypted = 0;
    uint64_t tls_without_key = 0;
    uint64_t tls_decryption_partial = 0; ///< some records decrypted, others failed or were lost
    uint64_t tls_decryption_failed = 0;
    uint64_t key_log_sessions = 0;        ///< sessions in the key log
    uint64_t embedded_key_log_sessions = 0; ///< sessions in pcapng Decryption Secrets Blocks
    uint64_t key_log_malformed_lines = 0; ///< key log lines skipped as malformed
    std::vector<std::string> key_log_examples; ///< "file:line: reason" of the first malformed lines
    uint64_t http_requests = 0;
    uint64_t certificates = 0;
    uint64_t invalid_certificates = 0;
    /// Flows with a direction longer than the reassembly budget: only its first bytes were dissected.
    uint64_t reassembly_budget_exceeded = 0;
    /// Packets that were not IP, were truncated or malformed, by reason.
    std::map<std::string, uint64_t> skipped_packets;
    /// "file: packet N: reason" for the first skipped packet of each reason in each capture.
    std::vector<std::string> skipped_packet_examples;

    void Add(const CaptureStats& other);
};

/// Counters of one read. Filled by ReadInputs; safe to read after it returns.
struct ReadStats {
    uint64_t files = 0;
    uint64_t bytes = 0;  ///< bytes read from the files (compressed size for .gz)
    uint64_t rows_read = 0;
    std::map<std::string, uint64_t> rejected_by_reason;
    std::vector<RejectExample> examples;
    /// Smallest and largest Timestamp (or TimeGenerated when Timestamp is absent) among rows read.
    std::optional<int64_t> min_timestamp;
    std::optional<int64_t> max_timestamp;
    /// ProbeResult::skipped_files of the read inputs, copied by ReadInputs for the run summary.
    std::vector<SkippedFile> skipped_files;
    CaptureStats captures;
    uint64_t rejected() const;
};

/// Receives chunks. Consume is called concurrently from `threads` workers; `worker` is the
/// worker's index in [0, threads). Each chunk's `first_row` is an order key: rows of the whole
/// input are in input order when sorted by (first_row + row index). ReadInputs sets it to the
/// block index shifted left by 32 bits, and chunks with no rows are not passed on.
class ChunkSink {
public:
    virtual ~ChunkSink() = default;
    virtual Status Consume(Chunk chunk, int worker) = 0;
};

/// Expands globs (`*`, `?`, `[...]`) and directories (every regular file inside, sorted) into
/// file paths. A pattern that matches nothing is a kIo error naming it. Hidden files (names
/// starting with '.') inside a directory are left out, and a path matched twice is listed once.
/// A named pipe, FIFO, device or socket (such as /dev/stdin) is a kIo error, because each input
/// is opened twice: once to probe it and once to read it.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& patterns);

/// Detects each file's format and columns, and merges them into one schema. Fails with kIo for
/// a path that is not a regular file (see ExpandInputs), with kInvalidInput for a file that is
/// not an export (a CSV header without any DeviceNetworkEvents column, UTF-16 text, a Zeek
/// log), and also with kInvalidInput when options.max_record_bytes is below kMinRecordBytes.
Result<ProbeResult> ProbeInputs(const std::vector<std::string>& paths, const ReadOptions& options);

/// Runs ExpandInputs and ProbeInputs, except that a file found inside a named directory that is
/// not an export is left out and listed in ProbeResult::skipped_files. The probe fails with
/// kInvalidInput when it leaves no file to read.
Result<ProbeResult> ExpandAndProbeInputs(const std::vector<std::string>& patterns, const ReadOptions& options);

/// Streams all rows of the probed inputs as chunks with exactly the columns of `output`
/// (a subset of the probe schema, any order): columns a file lacks are null ("" for strings).
/// Returns the first error in strict mode, an I/O error, or the sink's first error.
Status ReadInputs(const ProbeResult& probe, const Schema& output, const ReadOptions& options, ChunkSink& sink,
                  ReadStats& stats);

/// Reads only the Timestamp (or TimeGenerated) column to find the newest event time, for
/// `--now latest`. Returns nullopt when no row has one.
Result<std::optional<int64_t>> ScanLatestTimestamp(const ProbeResult& probe, const ReadOptions& options);

}  // namespace unmask::ingest
