// One DeviceNetworkEvents record as CSV text, built from per-device and per-process parts that
// are rendered once and copied into every row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "export_format.h"

namespace unmask::bench {

/// The initiating-process columns of one process instance. Empty strings and negative numbers
/// become null (empty) fields.
struct ProcessSpec {
    std::string file_name;
    std::string folder_path;
    std::string command_line;
    std::string sha1;
    std::string sha256;
    std::string md5;
    int64_t file_size = -1;
    std::string company_name;
    std::string product_name;
    std::string product_version;
    std::string internal_file_name;
    std::string original_file_name;
    std::string file_description;
    int64_t process_id = 0;
    int64_t creation_time = -1; ///< ticks since the Unix epoch, negative for null
    std::string parent_file_name;
    int64_t parent_id = 0;
    int64_t parent_creation_time = -1;
    std::string account_domain;
    std::string account_name;
    std::string account_sid;
    std::string account_upn;
    std::string account_object_id;
    std::string integrity_level;
    std::string token_elevation;
    int64_t session_id = -1;
    std::optional<bool> is_remote_session;
    std::string remote_session_device_name;
    std::string remote_session_ip;
    std::string unique_id;
    int64_t logon_id = -1;
    /// JSON object written to AdditionalFields on ConnectionRequest rows, where macOS agents put
    /// the POSIX user and group. It is empty for other processes.
    std::string request_additional_fields;
};

/// A process instance rendered as CSV fragments.
struct ProcessColumns {
    std::string file_name;    ///< plain value, for reports
    std::string command_line; ///< plain value, for reports
    int64_t process_id = 0;
    /// Columns InitiatingProcessSHA1 .. InitiatingProcessTokenElevation, comma-separated.
    std::string identity;
    /// Columns InitiatingProcessSessionId .. LogonID, comma-separated.
    std::string session;
    /// CSV form of ProcessSpec::request_additional_fields.
    std::string request_additional_fields;
};

ProcessColumns RenderProcess(const ProcessSpec& spec);

/// The process columns of sensor rows (the `*Inspected` action types), which Defender writes
/// with InitiatingProcessId 0, InitiatingProcessParentId 0, token elevation "None" and
/// everything else null.
const ProcessColumns& SensorProcess();

/// One record. String views must be in CSV form already (quoted where needed).
struct EventRow {
    int64_t timestamp = 0;
    std::string_view device; ///< "DeviceId,DeviceName"
    std::string_view action_type;
    std::string_view remote_ip;
    int32_t remote_port = -1; ///< negative for null
    std::string_view remote_url;
    std::string_view local_ip;
    int32_t local_port = -1;
    std::string_view protocol;
    std::string_view local_ip_type;
    std::string_view remote_ip_type;
    const ProcessColumns* process = nullptr;
    int64_t report_id = 0;
    std::string_view additional_fields;
    int64_t sent_bytes = -1; ///< negative for null
    int64_t received_bytes = -1;
};

void WriteHeader(bool byte_columns, CsvOutput& output);
void WriteEventRow(const EventRow& row, bool byte_columns, CsvOutput& output);

} // namespace unmask::bench
