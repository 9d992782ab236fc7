// ReadZeekLogs: the order in which logs are read, the joins between them and row flushing.
#include <unordered_map>
#include <unordered_set>

#include "ingest/reject_log.h"
#include "ingest/zeek/zeek_log.h"
#include "ingest/zeek/zeek_reader.h"
#include "ingest/zeek/zeek_rows.h"

namespace unmask::ingest::zeek {

namespace {

// Bytes of a file inspected to detect its kind.
constexpr size_t kDetectBytes = 64 * 1024;
// weird.log names kept per connection, and connections with names kept. Past the limits the
// names are only counted, so a noisy sensor's weird.log cannot exhaust memory.
constexpr size_t kMaxWeirdNamesPerUid = 16;
constexpr size_t kMaxWeirdUids = 1'000'000;
/// TLS sessions kept for the http.log join; more are not joined.
constexpr size_t kMaxTlsUids = 1'000'000;

using RecordHandler = std::function<Status(ZeekLogReader& reader, const ZeekRecord& record)>;

class ZeekReadRun {
public:
    ZeekReadRun(const std::vector<ZeekLogFile>& logs, SensorRowBuilder& builder,
                const std::function<Status(Chunk)>& flush, const ReadOptions& options, ReadStats& stats,
                ZeekReadStats& zeek_stats)
        : logs_(logs),
          builder_(builder),
          flush_(flush),
          options_(options),
          stats_(stats),
          zeek_stats_(zeek_stats),
          rejects_(options.max_examples_per_reason),
          internal_(builder.site().internal_networks) {}

    Status Run();

private:
    bool Has(LogKind kind) const;
    // Reads every log of `kind` and calls `handler` for each record. A counted pass adds rejects
    // and bytes to the statistics. An uncounted pass only collects join keys, so that a log read
    // twice is counted once.
    Status ForEachRecord(LogKind kind, bool counted, const RecordHandler& handler);
    Status RejectRecord(ZeekLogReader& reader, const ZeekRecord& record, const RecordError& error);
    Status AddRow(const SensorEvent& event);
    Status LearnHostNames();
    Status ReadJoinTables();
    Status ReadRows();

    const std::vector<ZeekLogFile>& logs_;
    SensorRowBuilder& builder_;
    const std::function<Status(Chunk)>& flush_;
    const ReadOptions& options_;
    ReadStats& stats_;
    ZeekReadStats& zeek_stats_;
    RejectLog rejects_;
    std::vector<IpNetwork> internal_;

    CertMap certs_;
    std::unordered_map<std::string, std::vector<std::string>> weird_by_uid_;
    std::unordered_set<std::string> ssl_uids_;
    std::unordered_map<std::string, ConnBytes> conn_bytes_;
    /// TLS sessions by uid, kept only when an http.log is read as well.
    std::unordered_map<std::string, HttpTlsContext> tls_by_uid_;
};

bool ZeekReadRun::Has(LogKind kind) const {
    for (const ZeekLogFile& log : logs_) {
        if (log.kind == kind) {
            return true;
        }
    }
    return false;
}

Status ZeekReadRun::ForEachRecord(LogKind kind, bool counted, const RecordHandler& handler) {
    for (size_t i = 0; i < logs_.size(); ++i) {
        if (logs_[i].kind != kind) {
            continue;
        }
        UNMASK_ASSIGN_OR_RETURN(std::unique_ptr<ZeekLogReader> reader,
                                ZeekLogReader::Open(logs_[i].path, static_cast<uint32_t>(i), options_.max_record_bytes,
                                                    options_.strict, counted ? &rejects_ : nullptr));
        ZeekRecord record;
        while (true) {
            UNMASK_ASSIGN_OR_RETURN(bool more, reader->Next(record));
            if (!more) {
                break;
            }
            UNMASK_TRY(handler(*reader, record));
        }
        if (counted) {
            stats_.bytes += reader->bytes_read();
        }
    }
    return Status::Ok();
}

Status ZeekReadRun::RejectRecord(ZeekLogReader& reader, const ZeekRecord& record, const RecordError& error) {
    std::string hint;
    if (error.reason == kRejectMissingField) {
        hint = "the record has no " + error.field + ", which every row needs";
    } else {
        hint = error.field + " is " + (error.value.empty() ? std::string("empty") : "\"" + error.value + "\"") +
               ", which Zeek does not write; the record is damaged";
    }
    return reader.Reject(error.reason, record, record.raw, hint);
}

Status ZeekReadRun::AddRow(const SensorEvent& event) {
    builder_.Add(event);
    if (builder_.rows() >= kZeekChunkRows) {
        return flush_(builder_.TakeChunk());
    }
    return Status::Ok();
}

Status ZeekReadRun::LearnHostNames() {
    std::unordered_map<std::string, std::string> dhcp_names;
    UNMASK_TRY(ForEachRecord(LogKind::kDhcp, true, [&](ZeekLogReader&, const ZeekRecord& record) {
        ++zeek_stats_.records_by_log["dhcp"];
        if (auto named = DhcpHostName(record)) {
            dhcp_names[named->first] = std::move(named->second);
        }
        return Status::Ok();
    }));
    std::unordered_map<std::string, std::string> dns_names;
    UNMASK_TRY(ForEachRecord(LogKind::kDns, false, [&](ZeekLogReader&, const ZeekRecord& record) {
        if (auto named = PtrHostName(record, internal_)) {
            dns_names[named->first] = std::move(named->second);
        }
        return Status::Ok();
    }));
    // DHCP names the host itself, so it wins over a PTR record kept by someone else.
    for (const auto& [address, name] : dns_names) {
        if (!dhcp_names.contains(address)) {
            builder_.SetHostName(address, name);
            ++zeek_stats_.host_names_from_dns;
        }
    }
    for (const auto& [address, name] : dhcp_names) {
        builder_.SetHostName(address, name);
        ++zeek_stats_.host_names_from_dhcp;
    }
    return Status::Ok();
}

Status ZeekReadRun::ReadJoinTables() {
    UNMASK_TRY(ForEachRecord(LogKind::kX509, true, [&](ZeekLogReader&, const ZeekRecord& record) {
        ++zeek_stats_.records_by_log["x509"];
        AddCertificate(record, certs_);
        return Status::Ok();
    }));
    // The old layout keys certificates by file id and has no SHA-1 in x509.log; files.log has it.
    UNMASK_TRY(ForEachRecord(LogKind::kFiles, true, [&](ZeekLogReader&, const ZeekRecord& record) {
        ++zeek_stats_.records_by_log["files"];
        const std::optional<std::string_view> fuid = record.Text("fuid");
        const std::optional<std::string_view> sha1 = record.Text("sha1");
        if (fuid && sha1) {
            const auto found = certs_.find(std::string(*fuid));
            if (found != certs_.end() && found->second.sha1.empty()) {
                found->second.sha1.assign(*sha1);
            }
        }
        return Status::Ok();
    }));
    UNMASK_TRY(ForEachRecord(LogKind::kWeird, true, [&](ZeekLogReader&, const ZeekRecord& record) {
        ++zeek_stats_.records_by_log["weird"];
        const std::string name(record.Text("name").value_or(""));
        ++zeek_stats_.weird_by_name[name];
        const std::optional<std::string_view> uid = record.Text("uid");
        if (!uid || name.empty()) {
            return Status::Ok();
        }
        auto found = weird_by_uid_.find(std::string(*uid));
        if (found == weird_by_uid_.end()) {
            if (weird_by_uid_.size() >= kMaxWeirdUids) {
                return Status::Ok();
            }
            found = weird_by_uid_.emplace(std::string(*uid), std::vector<std::string>()).first;
        }
        std::vector<std::string>& names = found->second;
        if (names.size() < kMaxWeirdNamesPerUid && std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(name);
        }
        return Status::Ok();
    }));
    UNMASK_TRY(ForEachRecord(LogKind::kAnalyzer, true, [&](ZeekLogReader&, const ZeekRecord&) {
        ++zeek_stats_.records_by_log["analyzer"];
        return Status::Ok();
    }));
    if (Has(LogKind::kConn)) {
        UNMASK_TRY(ForEachRecord(LogKind::kSsl, false, [&](ZeekLogReader&, const ZeekRecord& record) {
            if (const auto uid = record.Text("uid")) {
                ssl_uids_.emplace(*uid);
            }
            return Status::Ok();
        }));
    }
    return Status::Ok();
}

Status ZeekReadRun::ReadRows() {
    SensorEvent event;
    UNMASK_TRY(ForEachRecord(LogKind::kConn, true, [&](ZeekLogReader& reader, const ZeekRecord& record) {
        event = SensorEvent();
        const std::optional<std::string_view> uid = record.Text("uid");
        const std::vector<std::string>* weird = nullptr;
        if (uid && !weird_by_uid_.empty()) {
            const auto found = weird_by_uid_.find(std::string(*uid));
            weird = found == weird_by_uid_.end() ? nullptr : &found->second;
        }
        if (auto error = MapConn(record, internal_, weird, event)) {
            return RejectRecord(reader, record, *error);
        }
        ++zeek_stats_.records_by_log["conn"];
        if (uid && ssl_uids_.contains(std::string(*uid))) {
            conn_bytes_[std::string(*uid)] = ConnBytes{event.originator_bytes, event.responder_bytes};
        }
        return AddRow(event);
    }));
    UNMASK_TRY(ForEachRecord(LogKind::kSsl, true, [&](ZeekLogReader& reader, const ZeekRecord& record) {
        event = SensorEvent();
        const std::optional<std::string_view> uid = record.Text("uid");
        const ConnBytes* bytes = nullptr;
        if (uid && !conn_bytes_.empty()) {
            const auto found = conn_bytes_.find(std::string(*uid));
            bytes = found == conn_bytes_.end() ? nullptr : &found->second;
        }
        SslJoin join;
        if (auto error = MapSsl(record, bytes, certs_, event, join)) {
            return RejectRecord(reader, record, *error);
        }
        ++zeek_stats_.records_by_log["ssl"];
        if (uid && Has(LogKind::kHttp) && tls_by_uid_.size() < kMaxTlsUids) {
            tls_by_uid_.emplace(std::string(*uid), TlsContextForHttp(record, certs_));
        }
        ++(bytes != nullptr ? zeek_stats_.ssl_with_conn : zeek_stats_.ssl_without_conn);
        zeek_stats_.ssl_with_cert += join.cert_found ? 1 : 0;
        zeek_stats_.ssl_cert_missing += join.cert_missing ? 1 : 0;
        return AddRow(event);
    }));
    UNMASK_TRY(ForEachRecord(LogKind::kHttp, true, [&](ZeekLogReader& reader, const ZeekRecord& record) {
        event = SensorEvent();
        const HttpTlsContext* tls = nullptr;
        if (!tls_by_uid_.empty()) {
            if (const std::optional<std::string_view> uid = record.Text("uid")) {
                const auto found = tls_by_uid_.find(std::string(*uid));
                tls = found == tls_by_uid_.end() ? nullptr : &found->second;
            }
        }
        if (auto error = MapHttp(record, tls, event)) {
            return RejectRecord(reader, record, *error);
        }
        ++zeek_stats_.records_by_log["http"];
        return AddRow(event);
    }));
    return ForEachRecord(LogKind::kDns, true, [&](ZeekLogReader& reader, const ZeekRecord& record) {
        event = SensorEvent();
        if (auto error = MapDns(record, event)) {
            return RejectRecord(reader, record, *error);
        }
        ++zeek_stats_.records_by_log["dns"];
        return AddRow(event);
    });
}

Status ZeekReadRun::Run() {
    for (const ZeekLogFile& log : logs_) {
        if (log.kind == LogKind::kOther) {
            zeek_stats_.unused_files.push_back(log.path);
        }
    }
    Status status = LearnHostNames();
    if (status.ok()) {
        status = ReadJoinTables();
    }
    if (status.ok()) {
        status = ReadRows();
    }
    if (status.ok() && builder_.rows() > 0) {
        status = flush_(builder_.TakeChunk());
    }
    MergeRejectLogs({&rejects_}, options_.max_examples_per_reason, stats_);
    return status;
}

}  // namespace

Status ReadZeekLogs(const std::vector<ZeekLogFile>& logs, SensorRowBuilder& builder,
                    const std::function<Status(Chunk)>& flush, const ReadOptions& options, ReadStats& stats,
                    ZeekReadStats* zeek_stats) {
    ZeekReadStats local_stats;
    ZeekReadRun run(logs, builder, flush, options, stats, zeek_stats != nullptr ? *zeek_stats : local_stats);
    return run.Run();
}

Result<LogKind> DetectZeekLogFile(const std::string& path) {
    UNMASK_ASSIGN_OR_RETURN(std::unique_ptr<InputFile> file, InputFile::Open(path));
    std::string head(kDetectBytes, '\0');
    UNMASK_ASSIGN_OR_RETURN(size_t size, file->ReadFull(head.data(), head.size()));
    head.resize(size);
    const size_t slash = path.find_last_of('/');
    const std::string_view file_name = slash == std::string::npos ? path : std::string_view(path).substr(slash + 1);
    return DetectZeekLog(head, file_name).value_or(LogKind::kOther);
}

Status ReadZeekLogs(const std::vector<std::string>& paths, SensorRowBuilder& builder,
                    const std::function<Status(Chunk)>& flush, const ReadOptions& options, ReadStats& stats,
                    ZeekReadStats* zeek_stats) {
    std::vector<ZeekLogFile> logs;
    for (const std::string& path : paths) {
        UNMASK_ASSIGN_OR_RETURN(LogKind kind, DetectZeekLogFile(path));
        logs.push_back(ZeekLogFile{path, kind});
    }
    return ReadZeekLogs(logs, builder, flush, options, stats, zeek_stats);
}

}  // namespace unmask::ingest::zeek
