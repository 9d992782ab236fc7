// Runs one KQL query over input files: probe, bind, read, execute.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"
#include "table/column.h"

namespace unmask::cli {

struct QueryRequest {
    std::string text;                 ///< the KQL script
    std::vector<std::string> inputs;  ///< files, directories or globs
    /// "latest" for the newest Timestamp in the inputs; a datetime text; empty for the wall clock.
    std::string now;
    bool strict_schema = false;
    bool explain = false;
    ingest::ReadOptions read_options;
};

struct QueryOutcome {
    Table result;
    ingest::ReadStats stats;
    std::vector<std::string> notes;  ///< binder notes for the run summary
    int64_t now_ticks = 0;
    std::string now_source;  ///< "wall clock", "latest Timestamp in the inputs" or "--now"
    std::string plan;        ///< plan dump when explain was requested
    double elapsed_seconds = 0;
};

/// Runs the request. Errors about the query carry a rendered location (line:column and caret).
Result<QueryOutcome> RunQuery(const QueryRequest& request);

}  // namespace unmask::cli
