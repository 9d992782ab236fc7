// Per-worker simdjson state.
#pragma once

#include <cstdint>
#include <vector>

#include <simdjson.h>

namespace unmask::ingest {

/// A worker's reusable JSON parser and per-row bookkeeping.
struct JsonScratch {
    simdjson::dom::parser parser;
    /// Per output column: the row generation that last set it, to detect missing and repeated keys.
    std::vector<uint64_t> filled_generation;
    uint64_t generation = 0;
};

}  // namespace unmask::ingest
