#include "detect/query_runner.h"

#include <chrono>

#include "common/source_text.h"
#include "ingest/defender_schema.h"
#include "plan/binder.h"
#include "plan/executor.h"
#include "query/parser.h"
#include "table/datetime.h"

namespace unmask::detect {

namespace {

constexpr const char* kTableName = "DeviceNetworkEvents";

/// Adds the query text location to an error that has a byte offset.
Status WithLocation(const Status& status, const std::string& text) {
    if (!status.offset()) {
        return status;
    }
    return Status(status.kind(), RenderSourceError(text, *status.offset(), status.length(), status.message()));
}

/// Widens reader chunks, which contain only the columns some query reads, to the full schema the
/// queries were bound against, and hands each chunk to every executor that scans the input.
class ScanFanOut final : public ingest::ChunkSink {
public:
    ScanFanOut(const std::vector<exec::Operator*>& targets, std::vector<int> positions, size_t width)
        : positions_(std::move(positions)), width_(width) {
        for (exec::Operator* target : targets) {
            tee_.AddConsumer(target);
        }
    }

    Status Consume(Chunk chunk, int worker) override {
        Chunk wide;
        wide.rows = chunk.rows;
        wide.first_row = chunk.first_row;
        wide.columns.resize(width_);
        for (size_t i = 0; i < positions_.size(); ++i) {
            wide.columns[positions_[i]] = std::move(chunk.columns[i]);
        }
        return tee_.Push(std::move(wide), worker);
    }

private:
    exec::TeeOperator tee_;
    std::vector<int> positions_;
    size_t width_;
};

Result<int64_t> ResolveNow(const std::string& now, const ingest::ProbeResult& probe,
                           const ingest::ReadOptions& read_options, std::string& source) {
    if (now.empty()) {
        const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
        source = "wall clock";
        return kUnixEpochTicks + std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count() * 10;
    }
    if (now == "latest") {
        UNMASK_ASSIGN_OR_RETURN(std::optional<int64_t> latest, ingest::ScanLatestTimestamp(probe, read_options));
        if (!latest) {
            return Status(ErrorKind::kInvalidInput,
                          "--now latest needs a Timestamp or TimeGenerated value in the inputs, but no row that "
                          "could be read has one; give --now a datetime such as 2024-01-31T00:00:00Z, and the run "
                          "summary then lists the rows that were rejected and why");
        }
        source = "latest Timestamp in the inputs";
        return *latest;
    }
    std::optional<int64_t> ticks = ParseDateTime(now);
    if (!ticks) {
        return Status(ErrorKind::kInvalidInput, "invalid --now value '" + now +
                                                    "'; expected 'latest' or a datetime such as 2024-01-31T00:00:00Z");
    }
    source = "--now";
    return *ticks;
}

}  // namespace

struct QuerySession::State {
    SessionOptions options;
    ingest::ProbeResult probe;
    Schema schema;  ///< probed columns, less the extension columns in strict-schema mode
    int64_t now_ticks = 0;
    std::string now_source;
    ingest::ReadStats stats;

    struct Query {
        std::string text;
        plan::BoundQuery bound;
        std::vector<std::string> notes;
        std::string plan;
        std::unique_ptr<plan::Executor> executor;
        Table result;
    };
    std::vector<std::unique_ptr<Query>> queries;

    int Workers() const { return std::max(1, options.read_options.threads); }

    /// Reads the inputs once and pushes every chunk into the scans of `executors`.
    Status ReadInto(const std::vector<plan::Executor*>& executors, ingest::ReadStats& read_stats) {
        std::vector<exec::Operator*> targets;
        std::vector<bool> needed(schema.size(), false);
        for (plan::Executor* executor : executors) {
            if (!executor->has_scan()) {
                continue;
            }
            targets.push_back(executor->scan_input());
            const std::vector<bool>& columns = executor->scan_columns();
            for (size_t i = 0; i < columns.size() && i < needed.size(); ++i) {
                needed[i] = needed[i] || columns[i];
            }
        }
        if (targets.empty()) {
            return Status::Ok();
        }
        if (probe.inputs.empty()) {
            return Status(ErrorKind::kInvalidInput,
                          std::string("the query reads ") + kTableName + " but no input file was given");
        }
        Schema read_schema;
        std::vector<int> positions;
        for (size_t i = 0; i < schema.size(); ++i) {
            if (needed[i]) {
                read_schema.push_back(schema[i]);
                positions.push_back(static_cast<int>(i));
            }
        }
        ScanFanOut fan_out(targets, std::move(positions), schema.size());
        auto read_options = options.read_options;
        read_options.threads = Workers();
        return ingest::ReadInputs(probe, read_schema, read_options, fan_out, read_stats);
    }

    /// Runs one plan to completion with its own read of the inputs (tabular subqueries).
    Result<Table> RunAlone(plan::PlanNode& root) {
        functions::EvalContext eval;
        eval.now_ticks = now_ticks;
        plan::Executor executor(root, eval, Workers());
        UNMASK_TRY(executor.RunValueSources());
        ingest::ReadStats subquery_stats;
        UNMASK_TRY(ReadInto({&executor}, subquery_stats));
        UNMASK_TRY(executor.Finish());
        return executor.TakeResult();
    }
};

QuerySession::QuerySession(std::unique_ptr<State> state) : state_(std::move(state)) {}
QuerySession::~QuerySession() = default;
QuerySession::QuerySession(QuerySession&&) noexcept = default;
QuerySession& QuerySession::operator=(QuerySession&&) noexcept = default;

Result<QuerySession> QuerySession::Open(const SessionOptions& options) {
    auto state = std::make_unique<State>();
    state->options = options;
    if (!options.inputs.empty()) {
        UNMASK_ASSIGN_OR_RETURN(state->probe, ingest::ExpandAndProbeInputs(options.inputs, options.read_options));
    }
    UNMASK_ASSIGN_OR_RETURN(state->now_ticks,
                            ResolveNow(options.now, state->probe, options.read_options, state->now_source));
    // Strict schema reproduces Defender's table, which has no extension columns, even when an
    // input file (a converted sensor log, say) carries them.
    for (const Field& field : state->probe.schema) {
        if (!(options.strict_schema && ingest::IsExtensionColumn(field.name))) {
            state->schema.push_back(field);
        }
    }
    return QuerySession(std::move(state));
}

Result<size_t> QuerySession::AddQuery(const std::string& text, bool explain) {
    State& state = *state_;
    auto query = std::make_unique<State::Query>();
    query->text = text;
    auto script = query::ParseScript(text);
    if (!script.ok()) {
        return WithLocation(script.status(), text);
    }
    plan::BindOptions bind_options;
    bind_options.now_ticks = state.now_ticks;
    for (const Field& field : ingest::DeviceNetworkEventsSchema()) {
        if (ingest::IsExtensionColumn(field.name)) {
            if (state.options.strict_schema) {
                bind_options.strict_extensions.push_back(field.name);
            } else {
                bind_options.nullable_extensions.push_back(field);
            }
        }
    }
    int subquery_passes = 0;
    bind_options.run_subquery = [&](plan::PlanNode& subquery) -> Result<Table> {
        ++subquery_passes;
        return state.RunAlone(subquery);
    };
    std::vector<plan::CatalogTable> catalog = {{kTableName, state.schema}};
    auto bound = plan::BindScript(script.value(), catalog, bind_options);
    if (!bound.ok()) {
        return WithLocation(bound.status(), text);
    }
    query->bound = std::move(bound).value();
    query->notes = query->bound.notes;
    if (subquery_passes > 0) {
        query->notes.push_back("tabular subqueries read the inputs " + std::to_string(subquery_passes) +
                               " more time(s) before the main pass");
    }
    if (explain) {
        query->plan = plan::DumpPlan(*query->bound.root);
    }
    state.queries.push_back(std::move(query));
    return state.queries.size() - 1;
}

Status QuerySession::Run() {
    State& state = *state_;
    functions::EvalContext eval;
    eval.now_ticks = state.now_ticks;
    std::vector<plan::Executor*> executors;
    for (auto& query : state.queries) {
        query->executor = std::make_unique<plan::Executor>(*query->bound.root, eval, state.Workers());
        UNMASK_TRY(query->executor->RunValueSources());
        executors.push_back(query->executor.get());
    }
    UNMASK_TRY(state.ReadInto(executors, state.stats));
    for (auto& query : state.queries) {
        UNMASK_TRY(query->executor->Finish());
        query->result = query->executor->TakeResult();
        query->executor.reset();
    }
    return Status::Ok();
}

Table& QuerySession::result(size_t query) { return state_->queries[query]->result; }
const std::vector<std::string>& QuerySession::notes(size_t query) const { return state_->queries[query]->notes; }
const std::string& QuerySession::plan(size_t query) const { return state_->queries[query]->plan; }
const ingest::ReadStats& QuerySession::stats() const { return state_->stats; }
int64_t QuerySession::now_ticks() const { return state_->now_ticks; }
const std::string& QuerySession::now_source() const { return state_->now_source; }
const Schema& QuerySession::schema() const { return state_->schema; }

Result<QueryOutcome> RunQuery(const QueryRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    // Parse before touching the inputs, so a broken query fails fast even on large inputs.
    auto script = query::ParseScript(request.text);
    if (!script.ok()) {
        return WithLocation(script.status(), request.text);
    }
    SessionOptions options;
    options.inputs = request.inputs;
    options.now = request.now;
    options.strict_schema = request.strict_schema;
    options.read_options = request.read_options;
    UNMASK_ASSIGN_OR_RETURN(QuerySession session, QuerySession::Open(options));
    UNMASK_ASSIGN_OR_RETURN(size_t index, session.AddQuery(request.text, request.explain));
    UNMASK_TRY(session.Run());

    QueryOutcome outcome;
    outcome.result = std::move(session.result(index));
    outcome.stats = session.stats();
    outcome.notes = session.notes(index);
    outcome.plan = session.plan(index);
    outcome.now_ticks = session.now_ticks();
    outcome.now_source = session.now_source();
    outcome.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

}  // namespace unmask::detect
