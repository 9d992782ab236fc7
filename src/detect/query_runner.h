// Runs KQL queries over input files: probe, bind, then one shared read of the inputs.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "ingest/reader.h"
#include "table/column.h"

namespace unmask::detect {

struct SessionOptions {
    std::vector<std::string> inputs;  ///< files, directories or globs
    /// "latest" for the newest Timestamp in the inputs; a datetime text; empty for the wall clock.
    std::string now;
    bool strict_schema = false;
    ingest::ReadOptions read_options;
};

/// Several queries over the same inputs. Every query added is bound at once (so errors come
/// before any row is read); Run then reads the inputs a single time and feeds every query's
/// scans from that one read.
class QuerySession {
public:
    ~QuerySession();
    QuerySession(QuerySession&&) noexcept;
    QuerySession& operator=(QuerySession&&) noexcept;

    /// Expands and probes the inputs and fixes now().
    static Result<QuerySession> Open(const SessionOptions& options);

    /// Parses and binds a script; returns its index. Errors carry the rendered query location.
    Result<size_t> AddQuery(const std::string& text, bool explain = false);

    /// Runs every added query with one pass over the inputs (tabular subqueries, run while
    /// binding, make their own passes).
    Status Run();

    Table& result(size_t query);
    const std::vector<std::string>& notes(size_t query) const;
    const std::string& plan(size_t query) const;
    const ingest::ReadStats& stats() const;
    int64_t now_ticks() const;
    const std::string& now_source() const;
    /// Names of the columns that the inputs provide.
    const Schema& schema() const;

private:
    struct State;
    explicit QuerySession(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

struct QueryRequest {
    std::string text;                 ///< the KQL script
    std::vector<std::string> inputs;  ///< files, directories or globs
    std::string now;                  ///< as SessionOptions::now
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

/// Runs one query: a session with a single query in it.
Result<QueryOutcome> RunQuery(const QueryRequest& request);

}  // namespace unmask::detect
