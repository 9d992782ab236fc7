// Probing and reading of sensor inputs (Zeek logs and packet captures) next to Defender exports.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"

namespace unmask::ingest {

/// Returns kPacketCapture or kZeekLog when the content of `path` (inflated when gzip) is a
/// pcap/pcapng file or a Zeek log; nullopt for anything else.
Result<std::optional<Format>> DetectSensorFormat(const std::string& path);

/// Reads the sensor inputs among `inputs` into rows with the columns of `output`, handing each
/// chunk to `sink`. All Zeek logs are read together, so that ssl rows find their conn and x509
/// records across files; each capture is read on its own, on up to `options.threads` threads.
Status ReadSensorInputs(const std::vector<InputInfo>& inputs, const Schema& output, const ReadOptions& options,
                        ChunkSink& sink, ReadStats& stats);

}  // namespace unmask::ingest
