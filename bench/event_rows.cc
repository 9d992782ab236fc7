#include "event_rows.h"

#include <charconv>

namespace unmask::bench {
namespace {

// Joins fields into comma-separated CSV text.
class FieldJoiner {
public:
    void Text(std::string_view value) {
        Separate();
        text_ += CsvField(value);
    }

    void Number(int64_t value, bool present = true) {
        Separate();
        if (present) {
            char digits[24];
            const auto result = std::to_chars(digits, digits + sizeof(digits), value);
            text_.append(digits, result.ptr);
        }
    }

    void Time(int64_t ticks) {
        Separate();
        if (ticks >= 0) {
            text_ += FormatUtcTimestamp(ticks);
        }
    }

    std::string Take() { return std::move(text_); }

private:
    void Separate() {
        if (!first_) {
            text_ += ',';
        }
        first_ = false;
    }

    std::string text_;
    bool first_ = true;
};

} // namespace

ProcessColumns RenderProcess(const ProcessSpec& spec) {
    ProcessColumns columns;
    columns.file_name = spec.file_name;
    columns.command_line = spec.command_line;
    columns.process_id = spec.process_id;

    FieldJoiner identity;
    identity.Text(spec.sha1);
    identity.Text(spec.sha256);
    identity.Text(spec.md5);
    identity.Text(spec.file_name);
    identity.Number(spec.file_size, spec.file_size >= 0);
    identity.Text(spec.company_name);
    identity.Text(spec.product_name);
    identity.Text(spec.product_version);
    identity.Text(spec.internal_file_name);
    identity.Text(spec.original_file_name);
    identity.Text(spec.file_description);
    identity.Number(spec.process_id);
    identity.Text(spec.command_line);
    identity.Time(spec.creation_time);
    identity.Text(spec.folder_path);
    identity.Text(spec.parent_file_name);
    identity.Number(spec.parent_id);
    identity.Time(spec.parent_creation_time);
    identity.Text(spec.account_domain);
    identity.Text(spec.account_name);
    identity.Text(spec.account_sid);
    identity.Text(spec.account_upn);
    identity.Text(spec.account_object_id);
    identity.Text(spec.integrity_level);
    identity.Text(spec.token_elevation);
    columns.identity = identity.Take();

    FieldJoiner session;
    session.Number(spec.session_id, spec.session_id >= 0);
    // NOTE: no public export with this bool column was found, so the "true"/"false" spelling,
    // which is Kusto's tostring() form, is unconfirmed for portal exports.
    std::string_view remote_session;
    if (spec.is_remote_session.has_value()) {
        remote_session = *spec.is_remote_session ? "true" : "false";
    }
    session.Text(remote_session);
    session.Text(spec.remote_session_device_name);
    session.Text(spec.remote_session_ip);
    session.Text(spec.unique_id);
    session.Number(spec.logon_id, spec.logon_id >= 0);
    columns.session = session.Take();

    columns.request_additional_fields = CsvField(spec.request_additional_fields);
    return columns;
}

const ProcessColumns& SensorProcess() {
    static const ProcessColumns kSensor = [] {
        ProcessSpec spec;
        spec.process_id = 0;
        spec.parent_id = 0;
        spec.token_elevation = "None";
        return RenderProcess(spec);
    }();
    return kSensor;
}

void WriteHeader(bool byte_columns, CsvOutput& output) {
    output.BeginRecord();
    bool first = true;
    for (const std::string_view name : kDeviceNetworkEventsColumns) {
        if (!first) {
            output.Comma();
        }
        output.Raw(name);
        first = false;
    }
    if (byte_columns) {
        for (const std::string_view name : kByteColumns) {
            output.Comma();
            output.Raw(name);
        }
    }
}

void WriteEventRow(const EventRow& row, bool byte_columns, CsvOutput& output) {
    const ProcessColumns& process = row.process != nullptr ? *row.process : SensorProcess();
    output.BeginRecord();
    output.Timestamp(row.timestamp);
    output.Comma();
    output.Raw(row.device);

    output.Comma();
    output.Raw(row.action_type);
    output.Comma();
    output.Raw(row.remote_ip);
    output.Comma();
    if (row.remote_port >= 0) {
        output.Integer(row.remote_port);
    }
    output.Comma();
    output.Raw(row.remote_url);
    output.Comma();
    output.Raw(row.local_ip);
    output.Comma();
    if (row.local_port >= 0) {
        output.Integer(row.local_port);
    }
    output.Comma();
    output.Raw(row.protocol);
    output.Comma();
    output.Raw(row.local_ip_type);
    output.Comma();
    output.Raw(row.remote_ip_type);

    output.Comma();
    output.Raw(process.identity);
    output.Comma();
    output.Integer(row.report_id);
    // AppGuardContainerId is null outside Application Guard containers.
    output.Raw(",,");
    output.Raw(row.additional_fields);
    output.Comma();
    output.Raw(process.session);

    if (byte_columns) {
        output.Comma();
        output.OptionalInteger(row.sent_bytes);
        output.Comma();
        output.OptionalInteger(row.received_bytes);
    }
}

} // namespace unmask::bench
