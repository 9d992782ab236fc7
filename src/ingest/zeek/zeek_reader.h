// Reading Zeek logs (TSV or JSON lines, plain or gzip) into DeviceNetworkEvents rows.
//
// A set of logs that belong together (one Zeek log directory) is one input. ssl.log is joined
// with conn.log by `uid` for the byte counts. It is joined with x509.log by certificate
// fingerprint (or file id in the old layout) for the leaf certificate. docs/data-model.md lists every
// AdditionalFields key each log produces and the Zeek field it comes from.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"
#include "ingest/sensor/sensor_rows.h"
#include "table/column.h"

namespace unmask::ingest::zeek {

enum class LogKind { kConn, kHttp, kSsl, kX509, kDns, kFiles, kAnalyzer, kWeird, kDhcp, kOther };

/// Returns the Zeek log name of a kind ("conn", "http", ...; "other" for kOther).
const char* LogKindName(LogKind kind);

/// Detects a Zeek log from the first bytes of its (decompressed) content. A TSV log starts with
/// a `#separator` directive, which may follow whitespace or `###` comment lines. A JSON log starts
/// with an object that has `ts` and one of `uid`, `uids`, `id.orig_h`, `fuid`, `fingerprint` or
/// `certificate.subject`. The kind comes from `#path` or `_path`, else from the key set, else
/// from a word of `file_name` such as the `conn` of "conn.09:00:00-10:00:00.log.gz". Returns
/// nullopt when the content is not a Zeek log.
std::optional<LogKind> DetectZeekLog(std::string_view head, std::string_view file_name);

/// One Zeek log file of an input set, with the kind DetectZeekLog returned.
struct ZeekLogFile {
    std::string path;
    LogKind kind = LogKind::kOther;
};

/// Reject reasons that only Zeek logs have, beside those of reader.h.
inline constexpr const char* kRejectInvalidPort = "invalid port";
inline constexpr const char* kRejectInvalidAddress = "invalid address";
inline constexpr const char* kRejectMissingField = "missing field";
/// A data line before any `#fields` header of a TSV log.
inline constexpr const char* kRejectMissingHeader = "missing Zeek header";
/// The last line of a file ends without a newline and does not parse: the writer was cut off.
inline constexpr const char* kRejectTruncatedRecord = "truncated record";

/// Counters that only Zeek input has. Rejects and examples go to ReadStats.
struct ZeekReadStats {
    /// Records read per log name ("conn", "ssl", ...), rejected ones excluded.
    std::map<std::string, uint64_t> records_by_log;
    uint64_t ssl_with_conn = 0;    ///< ssl rows that got byte counts from a conn record
    uint64_t ssl_without_conn = 0;  ///< ssl rows whose uid has no conn record
    uint64_t ssl_with_cert = 0;    ///< ssl rows whose leaf certificate was found in x509
    uint64_t ssl_cert_missing = 0;  ///< ssl rows naming a leaf certificate that x509 lacks
    /// weird.log entries per weird name; the names also go to the conn row's `weird` array.
    std::map<std::string, uint64_t> weird_by_name;
    uint64_t host_names_from_dhcp = 0;
    uint64_t host_names_from_dns = 0;
    /// Logs that produce no rows and feed no join (kOther), left unread.
    std::vector<std::string> unused_files;
};

/// Rows are handed to `flush` in chunks of this many rows (the last chunk may be smaller).
inline constexpr size_t kZeekChunkRows = 4096;

/// Reads a set of Zeek logs and adds their rows to `builder`, calling `flush` with each chunk of
/// kZeekChunkRows rows and with the rest at the end. A chunk's first_row is the number of rows
/// flushed before it.
///
/// Logs are read in this order so that the joins need only small maps: dhcp (host names), dns
/// PTR answers for internal addresses (host names), x509 (certificates by fingerprint and file
/// id), files (SHA-1 of x509 file ids), weird (names by uid), the uids of ssl, then conn (rows,
/// and the byte counts of those uids only), ssl, http and dns. Memory is bounded by the number
/// of certificates, ssl records and weird entries, not by conn.log.
///
/// Malformed records are counted in `stats` and skipped; in strict mode the first one is a
/// kInvalidInput error. I/O errors and `flush` errors are returned.
Status ReadZeekLogs(const std::vector<ZeekLogFile>& logs, SensorRowBuilder& builder,
                    const std::function<Status(Chunk)>& flush, const ReadOptions& options, ReadStats& stats,
                    ZeekReadStats* zeek_stats = nullptr);

/// Reads the first 64 KiB of `path` (inflated when gzip) and returns DetectZeekLog's kind, or
/// kOther when the content is not a Zeek log. Fails with kIo when the file cannot be read.
Result<LogKind> DetectZeekLogFile(const std::string& path);

/// Runs DetectZeekLogFile on each path, then ReadZeekLogs. A file that is not a Zeek log is
/// listed in ZeekReadStats::unused_files.
Status ReadZeekLogs(const std::vector<std::string>& paths, SensorRowBuilder& builder,
                    const std::function<Status(Chunk)>& flush, const ReadOptions& options, ReadStats& stats,
                    ZeekReadStats* zeek_stats = nullptr);

}  // namespace unmask::ingest::zeek
