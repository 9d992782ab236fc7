// A small export whose result under the seed hunting rule (T1001.003, three detections over
// DeviceNetworkEvents) is known by construction. bench/README.md lists the expected rows.
#pragma once

#include <cstdint>

#include "export_format.h"

namespace unmask::bench {

/// Writes the scenario with every Timestamp placed relative to `now` (ticks since the Unix
/// epoch), newest row first, with the SentBytes and ReceivedBytes columns.
void WriteSeedKnownAnswerScenario(int64_t now, CsvOutput& output);

} // namespace unmask::bench
