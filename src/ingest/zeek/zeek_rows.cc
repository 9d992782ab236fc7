#include "ingest/zeek/zeek_rows.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "ingest/reader.h"
#include "ingest/zeek/zeek_reader.h"
#include "table/datetime.h"

namespace unmask::ingest::zeek {

namespace {

// 100 ns intervals between 1601-01-01 (the Windows FILETIME epoch) and the Unix epoch. Defender
// writes the `ts` key of inspected rows as a FILETIME in a string.
constexpr int64_t kFileTimeUnixOffset = 116'444'736'000'000'000;
// Largest epoch second accepted, so that ticks fit in int64 with room for the 0001 offset.
constexpr int64_t kMaxEpochSeconds = 250'000'000'000;

bool IsDigits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<int64_t> ParseCount(std::string_view text) {
    if (!IsDigits(text) || text.size() > 18) {
        return std::nullopt;
    }
    int64_t value = 0;
    for (char c : text) {
        value = value * 10 + (c - '0');
    }
    return value;
}

std::optional<bool> ParseZeekBool(std::string_view text) {
    if (text == "T" || text == "true") {
        return true;
    }
    if (text == "F" || text == "false") {
        return false;
    }
    return std::nullopt;
}

}  // namespace

std::vector<std::string> ListOf(const ZeekValue& value) {
    if (value.is_list) {
        return value.items;
    }
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= value.text.size() && !value.text.empty()) {
        const size_t comma = value.text.find(',', start);
        items.push_back(value.text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) {
            break;
        }
        start = comma + 1;
    }
    return items;
}

namespace {

std::string JsonArrayText(const std::vector<std::string>& items) {
    std::string text = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            text.push_back(',');
        }
        AppendJsonString(text, items[i]);
    }
    text.push_back(']');
    return text;
}

// Adds a Zeek field as a JSON string, the way Defender stores Zeek values. A list value, which
// the field should not have, becomes a JSON array.
void AddText(JsonObjectBuilder& json, const ZeekRecord& record, std::string_view field, std::string_view key = {}) {
    const ZeekValue* value = record.Find(field);
    if (value == nullptr) {
        return;
    }
    if (value->is_list) {
        json.AddStringArray(key.empty() ? field : key, value->items);
    } else {
        json.AddString(key.empty() ? field : key, value->text);
    }
}

// Adds a Zeek bool as the string "true" or "false".
void AddBoolText(JsonObjectBuilder& json, const ZeekRecord& record, std::string_view field) {
    const std::optional<std::string_view> text = record.Text(field);
    if (!text) {
        return;
    }
    const std::optional<bool> flag = ParseZeekBool(*text);
    if (!flag) {
        json.AddString(field, *text);
    } else {
        json.AddString(field, *flag ? "true" : "false");
    }
}

// Adds a set or vector as JSON array text inside a string, as Defender stores `tags` and `answers`.
void AddListAsText(JsonObjectBuilder& json, const ZeekRecord& record, std::string_view field) {
    if (const ZeekValue* value = record.Find(field)) {
        json.AddString(field, JsonArrayText(ListOf(*value)));
    }
}

// Adds a set or vector as a JSON array, for keys that Defender does not have.
void AddList(JsonObjectBuilder& json, const ZeekRecord& record, std::string_view field, std::string_view key = {}) {
    if (const ZeekValue* value = record.Find(field)) {
        json.AddStringArray(key.empty() ? field : key, ListOf(*value));
    }
}

void AddFileTime(JsonObjectBuilder& json, int64_t unix_ticks) {
    json.AddString("ts", std::to_string(unix_ticks + kFileTimeUnixOffset));
}

RecordError Error(const char* reason, std::string_view field, std::string_view value) {
    return RecordError{reason, std::string(field), std::string(value)};
}

std::optional<RecordError> ReadPort(const ZeekRecord& record, std::string_view field, int64_t& port) {
    const std::optional<std::string_view> text = record.Text(field);
    if (!text) {
        return Error(kRejectMissingField, field, "");
    }
    const std::optional<int64_t> parsed = ParseZeekPort(*text);
    if (!parsed) {
        return Error(kRejectInvalidPort, field, *text);
    }
    port = *parsed;
    return std::nullopt;
}

std::optional<RecordError> ReadAddress(const ZeekRecord& record, std::string_view field, std::string& address) {
    const std::optional<std::string_view> text = record.Text(field);
    if (!text) {
        return Error(kRejectMissingField, field, "");
    }
    if (!ParseIpAddress(*text)) {
        return Error(kRejectInvalidAddress, field, *text);
    }
    address.assign(*text);
    return std::nullopt;
}

// Fills the time and both endpoints, which every row-producing log has.
std::optional<RecordError> ReadEndpoints(const ZeekRecord& record, SensorEvent& event) {
    const std::optional<std::string_view> ts = record.Text("ts");
    if (!ts) {
        return Error(kRejectMissingField, "ts", "");
    }
    const std::optional<int64_t> ticks = ParseZeekTime(*ts);
    if (!ticks) {
        return Error(kRejectInvalidDateTime, "ts", *ts);
    }
    event.timestamp = *ticks;
    if (auto error = ReadAddress(record, "id.orig_h", event.originator_ip)) {
        return error;
    }
    if (auto error = ReadPort(record, "id.orig_p", event.originator_port)) {
        return error;
    }
    if (auto error = ReadAddress(record, "id.resp_h", event.responder_ip)) {
        return error;
    }
    return ReadPort(record, "id.resp_p", event.responder_port);
}

std::optional<RecordError> ReadCount(const ZeekRecord& record, std::string_view field, std::optional<int64_t>& count) {
    const std::optional<std::string_view> text = record.Text(field);
    if (!text) {
        count.reset();
        return std::nullopt;
    }
    count = ParseCount(*text);
    if (!count) {
        return Error(kRejectInvalidNumber, field, *text);
    }
    return std::nullopt;
}

}  // namespace

bool IsInternal(std::string_view text, const std::vector<IpNetwork>& internal) {
    const std::optional<IpAddress> address = ParseIpAddress(text);
    return address && IsInternalAddress(*address, internal);
}

namespace {

// Judges whether conn.log saw an established connection. Zeek's states S1, SF, S2, S3, RSTO and
// RSTR all follow a completed handshake. OTH (no SYN seen, so the start was missed) counts as
// established when payload moved. S0, REJ, RSTOS0, RSTRH, SH and SHR never got a reply from an
// open port. Without conn_state, any responder payload or packet counts as a reply.
bool IsEstablished(const ZeekRecord& record, const std::optional<int64_t>& orig_bytes,
                   const std::optional<int64_t>& resp_bytes) {
    const std::optional<std::string_view> state = record.Text("conn_state");
    const bool moved_data = orig_bytes.value_or(0) > 0 || resp_bytes.value_or(0) > 0;
    if (!state) {
        const std::optional<std::string_view> resp_pkts = record.Text("resp_pkts");
        return resp_bytes.value_or(0) > 0 || (resp_pkts && *resp_pkts != "0");
    }
    return IsEstablishedConnState(*state, moved_data);
}

}  // namespace

std::optional<int64_t> ParseZeekTime(std::string_view text) {
    if (text.empty()) {
        return std::nullopt;
    }
    if (text.find_first_of("eE") != std::string_view::npos) {
        // Exponent form, which some JSON writers use for numbers: exact to about a microsecond.
        const std::string copy(text);
        char* end = nullptr;
        const double seconds = std::strtod(copy.c_str(), &end);
        if (end != copy.c_str() + copy.size() || !std::isfinite(seconds) ||
            std::fabs(seconds) > static_cast<double>(kMaxEpochSeconds)) {
            return std::nullopt;
        }
        return static_cast<int64_t>(std::llround(seconds * static_cast<double>(kTicksPerSecond)));
    }
    if (text.find_first_of("T:") != std::string_view::npos || text.find('-', 1) != std::string_view::npos) {
        const std::optional<int64_t> ticks = ParseDateTime(text);
        if (!ticks) {
            return std::nullopt;
        }
        return *ticks - kUnixEpochTicks;
    }
    const bool negative = text.front() == '-';
    if (negative) {
        text.remove_prefix(1);
    }
    const size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if ((whole.empty() && fraction.empty()) || (!whole.empty() && !IsDigits(whole)) ||
        (!fraction.empty() && !IsDigits(fraction)) || whole.size() > 12) {
        return std::nullopt;
    }
    int64_t seconds = 0;
    for (char c : whole) {
        seconds = seconds * 10 + (c - '0');
    }
    if (seconds > kMaxEpochSeconds) {
        return std::nullopt;
    }
    int64_t ticks = 0;
    for (size_t i = 0; i < 7; ++i) {
        ticks = ticks * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
    }
    const int64_t total = seconds * kTicksPerSecond + ticks;
    return negative ? -total : total;
}

std::optional<int64_t> ParseZeekPort(std::string_view text) {
    const std::optional<int64_t> port = text.size() <= 5 ? ParseCount(text) : std::nullopt;
    if (!port || *port > 65535) {
        return std::nullopt;
    }
    return port;
}

void AddCertificate(const ZeekRecord& record, CertMap& certs) {
    CertInfo cert;
    cert.subject = record.Text("certificate.subject").value_or("");
    cert.issuer = record.Text("certificate.issuer").value_or("");
    cert.serial = record.Text("certificate.serial").value_or("");
    if (const auto text = record.Text("certificate.not_valid_before")) {
        cert.not_valid_before = ParseZeekTime(*text);
    }
    if (const auto text = record.Text("certificate.not_valid_after")) {
        cert.not_valid_after = ParseZeekTime(*text);
    }
    cert.key_type = record.Text("certificate.key_type").value_or("");
    cert.key_length = record.Text("certificate.key_length").value_or("");
    cert.sig_alg = record.Text("certificate.sig_alg").value_or("");
    if (const ZeekValue* san = record.Find("san.dns")) {
        cert.san_dns = ListOf(*san);
    }
    const std::optional<std::string_view> fingerprint = record.Text("fingerprint");
    // Zeek's x509 fingerprint is SHA-256 by default; a 40-digit one is the SHA-1.
    if (fingerprint && fingerprint->size() == 40) {
        cert.sha1.assign(*fingerprint);
        std::transform(cert.sha1.begin(), cert.sha1.end(), cert.sha1.begin(),
                       [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    }
    if (const auto id = record.Text("id")) {
        certs[std::string(*id)] = cert;
    }
    if (fingerprint) {
        certs[std::string(*fingerprint)] = std::move(cert);
    }
}

std::optional<RecordError> MapConn(const ZeekRecord& record, const std::vector<IpNetwork>& internal,
                                   const std::vector<std::string>* weird_names, SensorEvent& event) {
    if (auto error = ReadEndpoints(record, event)) {
        return error;
    }
    event.transport = record.Text("proto").value_or("");
    if (auto error = ReadCount(record, "orig_bytes", event.originator_bytes)) {
        return error;
    }
    if (auto error = ReadCount(record, "resp_bytes", event.responder_bytes)) {
        return error;
    }
    const bool established = IsEstablished(record, event.originator_bytes, event.responder_bytes);
    event.action_type = ConnectionActionType(event, established, internal);

    JsonObjectBuilder json;
    AddText(json, record, "uid");
    for (std::string_view field : {"conn_state", "history", "duration", "orig_bytes", "resp_bytes", "orig_pkts",
                                   "resp_pkts", "orig_ip_bytes", "resp_ip_bytes", "missed_bytes", "service"}) {
        AddText(json, record, field);
    }
    AddBoolText(json, record, "local_orig");
    AddBoolText(json, record, "local_resp");
    for (std::string_view field : {"community_id", "ja4l", "ja4ls", "ja4t", "ja4ts"}) {
        AddText(json, record, field);
    }
    if (weird_names != nullptr && !weird_names->empty()) {
        json.AddStringArray("weird", *weird_names);
    }
    event.additional_fields = json.Finish();
    return std::nullopt;
}

std::optional<RecordError> MapHttp(const ZeekRecord& record, const HttpTlsContext* tls, SensorEvent& event) {
    if (auto error = ReadEndpoints(record, event)) {
        return error;
    }
    event.action_type = "HttpConnectionInspected";
    event.transport = "tcp";
    event.remote_url = record.Text("host").value_or("");

    JsonObjectBuilder json;
    // Defender's keys first, in the order its rows show them.
    for (std::string_view field : {"host", "method", "uri", "user_agent", "version", "status_code", "status_msg",
                                   "request_body_len", "response_body_len", "trans_depth"}) {
        AddText(json, record, field);
    }
    AddListAsText(json, record, "tags");
    AddListAsText(json, record, "proxied");
    AddText(json, record, "uid");
    AddFileTime(json, event.timestamp);
    for (std::string_view field : {"referrer", "origin", "info_code", "info_msg", "username", "ja4h"}) {
        AddText(json, record, field);
    }
    // NOTE: `password` is left out on purpose, so that a hunt never copies credentials into its output.
    for (std::string_view field : {"orig_fuids", "orig_filenames", "orig_mime_types", "resp_fuids", "resp_filenames",
                                   "resp_mime_types", "client_header_names", "server_header_names"}) {
        AddList(json, record, field);
    }
    if (tls != nullptr) {
        AddHttpTlsContext(json, *tls, record.Text("host").value_or(""));
    }
    event.additional_fields = json.Finish();
    return std::nullopt;
}

std::optional<std::string_view> LeafCertificateKey(const ZeekRecord& record) {
    for (std::string_view field : {"cert_chain_fps", "cert_chain_fuids"}) {
        const ZeekValue* chain = record.Find(field);
        if (chain == nullptr) {
            continue;
        }
        if (chain->is_list && !chain->items.empty() && !chain->items.front().empty()) {
            return std::string_view(chain->items.front());
        }
        if (!chain->is_list && !chain->text.empty()) {
            return std::string_view(chain->text).substr(0, chain->text.find(','));
        }
    }
    return std::nullopt;
}

HttpTlsContext TlsContextForHttp(const ZeekRecord& record, const CertMap& certs) {
    HttpTlsContext context;
    context.server_name = record.Text("server_name").value_or("");
    context.version = record.Text("version").value_or("");
    context.ja3 = record.Text("ja3").value_or("");
    context.ja4 = record.Text("ja4").value_or("");
    if (const std::optional<std::string_view> key = LeafCertificateKey(record)) {
        const auto found = certs.find(std::string(*key));
        if (found != certs.end()) {
            const std::string& subject = found->second.subject;
            const size_t cn = subject.find("CN=");
            const std::string_view common_name =
                cn == std::string::npos ? std::string_view()
                                        : std::string_view(subject).substr(cn + 3, subject.find(',', cn) - cn - 3);
            AddCertificateNames(context, common_name, found->second.san_dns);
        }
    }
    return context;
}

std::optional<RecordError> MapSsl(const ZeekRecord& record, const ConnBytes* bytes, const CertMap& certs,
                                  SensorEvent& event, SslJoin& join) {
    if (auto error = ReadEndpoints(record, event)) {
        return error;
    }
    event.action_type = "SslConnectionInspected";
    event.transport = "tcp";
    event.remote_url = record.Text("server_name").value_or("");
    if (bytes != nullptr) {
        event.originator_bytes = bytes->orig_bytes;
        event.responder_bytes = bytes->resp_bytes;
    }

    const CertInfo* cert = nullptr;
    join = SslJoin{};
    if (const std::optional<std::string_view> key = LeafCertificateKey(record)) {
        const auto found = certs.find(std::string(*key));
        cert = found == certs.end() ? nullptr : &found->second;
        join.cert_found = cert != nullptr;
        join.cert_missing = cert == nullptr;
    }
    // The old layout logs subject and issuer in ssl.log; the new one only in x509.log.
    std::optional<std::string_view> subject = record.Text("subject");
    std::optional<std::string_view> issuer = record.Text("issuer");
    if (!subject && cert != nullptr && !cert->subject.empty()) {
        subject = cert->subject;
    }
    if (!issuer && cert != nullptr && !cert->issuer.empty()) {
        issuer = cert->issuer;
    }

    JsonObjectBuilder json;
    for (std::string_view field : {"version", "cipher", "curve", "server_name"}) {
        AddText(json, record, field);
    }
    AddBoolText(json, record, "resumed");
    AddBoolText(json, record, "established");
    AddText(json, record, "next_protocol");
    if (subject) {
        json.AddString("subject", *subject);
    }
    if (issuer) {
        json.AddString("issuer", *issuer);
    }
    AddText(json, record, "uid");
    AddFileTime(json, event.timestamp);
    AddText(json, record, "last_alert");
    AddText(json, record, "ssl_history");
    for (std::string_view field :
         {"cert_chain_fps", "client_cert_chain_fps", "cert_chain_fuids", "client_cert_chain_fuids"}) {
        AddList(json, record, field);
    }
    AddBoolText(json, record, "sni_matches_cert");
    for (std::string_view field :
         {"validation_status", "client_subject", "client_issuer", "ja3", "ja3s", "ja4", "ja4s", "ja4x"}) {
        AddText(json, record, field);
    }
    if (cert != nullptr) {
        if (!cert->san_dns.empty()) {
            json.AddStringArray("san_dns", cert->san_dns);
        }
        if (!cert->serial.empty()) {
            json.AddString("serial", cert->serial);
        }
        if (cert->not_valid_before) {
            json.AddString("not_valid_before", FormatDateTime(*cert->not_valid_before + kUnixEpochTicks));
        }
        if (cert->not_valid_after) {
            json.AddString("not_valid_after", FormatDateTime(*cert->not_valid_after + kUnixEpochTicks));
        }
        const std::pair<std::string_view, const std::string*> cert_texts[] = {{"key_type", &cert->key_type},
                                                                              {"key_length", &cert->key_length},
                                                                              {"sig_alg", &cert->sig_alg},
                                                                              {"cert_sha1", &cert->sha1}};
        for (const auto& [key, value] : cert_texts) {
            if (!value->empty()) {
                json.AddString(key, *value);
            }
        }
    }
    if (subject && issuer) {
        json.AddBool("self_signed", *subject == *issuer);
    }
    event.additional_fields = json.Finish();
    return std::nullopt;
}

std::optional<RecordError> MapDns(const ZeekRecord& record, SensorEvent& event) {
    if (auto error = ReadEndpoints(record, event)) {
        return error;
    }
    event.action_type = "DnsConnectionInspected";
    event.transport = record.Text("proto").value_or("udp");
    event.remote_url = record.Text("query").value_or("");

    JsonObjectBuilder json;
    for (std::string_view field :
         {"query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "trans_id", "rtt"}) {
        AddText(json, record, field);
    }
    for (std::string_view field : {"AA", "TC", "RD", "RA"}) {
        AddBoolText(json, record, field);
    }
    AddText(json, record, "Z");
    AddListAsText(json, record, "answers");
    AddListAsText(json, record, "TTLs");
    AddBoolText(json, record, "rejected");
    AddText(json, record, "uid");
    AddFileTime(json, event.timestamp);
    event.additional_fields = json.Finish();
    return std::nullopt;
}

}  // namespace unmask::ingest::zeek
