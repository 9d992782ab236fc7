// AdditionalFields JSON of the sensor rows (HttpConnectionInspected, SslConnectionInspected,
// DnsConnectionInspected, IcmpConnectionInspected). Defender fills them from Zeek's protocol
// logs, so the keys are Zeek's field names and nearly every value is a JSON string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "random.h"

namespace unmask::bench {

/// Zeek connection uid: "C" followed by 17 letters and digits.
void AppendZeekUid(Random& random, std::string& json);

/// The `ts` value: a Windows FILETIME (100 ns since 1601-01-01) as a decimal string, at
/// millisecond resolution, shortly before the row's Timestamp.
void AppendFileTime(int64_t unix_ticks, std::string& json);

void BuildHttpFields(Random& random, std::string_view host, std::string& json);
void BuildSslFields(Random& random, std::string_view server_name, int64_t unix_ticks, std::string& json);
void BuildDnsFields(Random& random, std::string_view query, std::string_view answer_ip, int64_t unix_ticks,
                    std::string& json);
void BuildIcmpFields(Random& random, std::string& json);

} // namespace unmask::bench
