// The text format of a Defender Advanced Hunting CSV export: column list, timestamps, quoting,
// and a buffered record writer.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace unmask::bench {

// Times in the generator are Kusto ticks (100 ns) counted from the Unix epoch.
inline constexpr int64_t kTicksPerMicrosecond = 10;
inline constexpr int64_t kTicksPerMillisecond = 10'000;
inline constexpr int64_t kTicksPerSecond = 10'000'000;
inline constexpr int64_t kTicksPerMinute = 60 * kTicksPerSecond;
inline constexpr int64_t kTicksPerHour = 60 * kTicksPerMinute;
inline constexpr int64_t kTicksPerDay = 24 * kTicksPerHour;

/// The 46 DeviceNetworkEvents columns in the order of Microsoft's Advanced Hunting schema
/// reference (defender-xdr/advanced-hunting-devicenetworkevents-table.md, 2025-03 version,
/// which added InitiatingProcessUniqueId and LogonID at the end).
inline constexpr std::array<std::string_view, 46> kDeviceNetworkEventsColumns = {
    "Timestamp",
    "DeviceId",
    "DeviceName",
    "ActionType",
    "RemoteIP",
    "RemotePort",
    "RemoteUrl",
    "LocalIP",
    "LocalPort",
    "Protocol",
    "LocalIPType",
    "RemoteIPType",
    "InitiatingProcessSHA1",
    "InitiatingProcessSHA256",
    "InitiatingProcessMD5",
    "InitiatingProcessFileName",
    "InitiatingProcessFileSize",
    "InitiatingProcessVersionInfoCompanyName",
    "InitiatingProcessVersionInfoProductName",
    "InitiatingProcessVersionInfoProductVersion",
    "InitiatingProcessVersionInfoInternalFileName",
    "InitiatingProcessVersionInfoOriginalFileName",
    "InitiatingProcessVersionInfoFileDescription",
    "InitiatingProcessId",
    "InitiatingProcessCommandLine",
    "InitiatingProcessCreationTime",
    "InitiatingProcessFolderPath",
    "InitiatingProcessParentFileName",
    "InitiatingProcessParentId",
    "InitiatingProcessParentCreationTime",
    "InitiatingProcessAccountDomain",
    "InitiatingProcessAccountName",
    "InitiatingProcessAccountSid",
    "InitiatingProcessAccountUpn",
    "InitiatingProcessAccountObjectId",
    "InitiatingProcessIntegrityLevel",
    "InitiatingProcessTokenElevation",
    "ReportId",
    "AppGuardContainerId",
    "AdditionalFields",
    "InitiatingProcessSessionId",
    "IsInitiatingProcessRemoteSession",
    "InitiatingProcessRemoteSessionDeviceName",
    "InitiatingProcessRemoteSessionIP",
    "InitiatingProcessUniqueId",
    "LogonID",
};

/// Extension columns that Defender does not have but the seed rule sums. They follow the
/// documented columns when requested.
inline constexpr std::array<std::string_view, 2> kByteColumns = {"SentBytes", "ReceivedBytes"};

/// Parses "YYYY-MM-DDTHH:MM:SS[.f{1,7}][Z]" (a space may replace the T) as UTC. Returns ticks
/// since the Unix epoch, or nullopt when the text has another shape or names no real date.
std::optional<int64_t> ParseUtcTimestamp(std::string_view text);

/// Formats ticks as an export does: ISO 8601 UTC with the fraction's trailing zeros dropped, so
/// a value has 0 to 7 fraction digits ("2024-03-10T12:00:00Z", "2024-03-10T12:00:00.25Z").
std::string FormatUtcTimestamp(int64_t ticks);

/// Returns the field as RFC 4180 writes it: unchanged, or in double quotes with inner quotes
/// doubled when it contains a comma, a quote, CR or LF.
std::string CsvField(std::string_view text);

/// Buffered writer of CSV records. Records are separated by CRLF with no line break after the
/// last one, which is the layout of a portal export.
class CsvOutput {
public:
    /// Writes to `file`, which stays owned by the caller. With a null `file` the records stay in
    /// memory (see Append). `continues_output` means records already precede this output, so its
    /// first record also starts with CRLF.
    explicit CsvOutput(std::FILE* file, bool continues_output = false);
    CsvOutput(const CsvOutput&) = delete;
    CsvOutput& operator=(const CsvOutput&) = delete;

    /// Starts a record: writes the CRLF that ends the previous one.
    void BeginRecord() {
        if (records_ > 0) {
            Raw("\r\n");
        }
        ++records_;
        if (used_ > kFlushThreshold) {
            Flush();
        }
    }

    /// Appends text that is already in CSV form (separators included).
    void Raw(std::string_view text) {
        if (text.empty()) {
            return;  // an empty view may have a null data() that memcpy must not see
        }
        if (text.size() > buffer_.size() - used_) {
            MakeRoom(text.size());
        }
        std::memcpy(buffer_.data() + used_, text.data(), text.size());
        used_ += text.size();
    }

    void Comma() { Raw(","); }
    void Integer(int64_t value);
    /// Appends the integer, or nothing (a null field) when the value is negative.
    void OptionalInteger(int64_t value) {
        if (value >= 0) {
            Integer(value);
        }
    }
    void Timestamp(int64_t ticks);

    /// Writes the records buffered in `chunk`, an in-memory output, after this output's records,
    /// then empties `chunk` for reuse.
    void Append(CsvOutput& chunk);

    /// Flushes the buffer; returns false if a write failed at any point.
    bool Finish();

    uint64_t records() const { return records_; }
    uint64_t bytes() const { return flushed_bytes_ + used_; }

private:
    static constexpr size_t kBufferSize = size_t{8} << 20;
    static constexpr size_t kFlushThreshold = size_t{6} << 20;

    void MakeRoom(size_t size);
    void Flush();

    std::FILE* file_;
    std::vector<char> buffer_;
    size_t used_ = 0;
    uint64_t records_ = 0;
    uint64_t flushed_bytes_ = 0;
    bool write_failed_ = false;
    bool continues_output_ = false;
};

} // namespace unmask::bench
