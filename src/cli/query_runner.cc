#include "cli/query_runner.h"

#include <chrono>

#include "common/source_text.h"
#include "ingest/defender_schema.h"
#include "plan/binder.h"
#include "plan/executor.h"
#include "query/parser.h"
#include "table/datetime.h"

namespace unmask::cli {

namespace {

constexpr const char* kTableName = "DeviceNetworkEvents";

/// Adds the query text location to an error that has a byte offset.
Status WithLocation(const Status& status, const std::string& text) {
    if (!status.offset()) {
        return status;
    }
    return Status(status.kind(), RenderSourceError(text, *status.offset(), status.length(), status.message()));
}

/// Widens reader chunks, which hold only the columns the plan reads, to the full input schema
/// the plan was bound against; columns that are not read stay empty.
class ScanAdapter final : public ingest::ChunkSink {
public:
    ScanAdapter(exec::Operator* target, std::vector<int> positions, size_t width)
        : target_(target), positions_(std::move(positions)), width_(width) {}

    Status Consume(Chunk chunk, int worker) override {
        Chunk wide;
        wide.rows = chunk.rows;
        wide.first_row = chunk.first_row;
        wide.columns.resize(width_);
        for (size_t i = 0; i < positions_.size(); ++i) {
            wide.columns[positions_[i]] = std::move(chunk.columns[i]);
        }
        return target_->Push(std::move(wide), worker);
    }

private:
    exec::Operator* target_;
    std::vector<int> positions_;
    size_t width_;
};

/// Runs a bound plan to completion, reading the inputs when the plan scans them.
/// `schema` is the table the plan was bound against: the probed columns, less any hidden ones.
Result<Table> ExecutePlan(plan::PlanNode& root, const ingest::ProbeResult& probe, const Schema& schema,
                          const QueryRequest& request, int64_t now_ticks, ingest::ReadStats& stats) {
    functions::EvalContext eval;
    eval.now_ticks = now_ticks;
    const int workers = std::max(1, request.read_options.threads);
    plan::Executor executor(root, eval, workers);
    UNMASK_TRY(executor.RunValueSources());
    if (executor.has_scan()) {
        if (probe.inputs.empty()) {
            return Status(ErrorKind::kInvalidInput,
                          std::string("the query reads ") + kTableName + " but no input file was given");
        }
        Schema read_schema;
        std::vector<int> positions;
        const std::vector<bool>& needed = executor.scan_columns();
        for (size_t i = 0; i < schema.size(); ++i) {
            if (i < needed.size() && needed[i]) {
                read_schema.push_back(schema[i]);
                positions.push_back(static_cast<int>(i));
            }
        }
        ScanAdapter adapter(executor.scan_input(), positions, schema.size());
        auto read_options = request.read_options;
        read_options.threads = workers;
        UNMASK_TRY(ingest::ReadInputs(probe, read_schema, read_options, adapter, stats));
    }
    UNMASK_TRY(executor.Finish());
    return executor.TakeResult();
}

}  // namespace

Result<QueryOutcome> RunQuery(const QueryRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    QueryOutcome outcome;

    auto script = query::ParseScript(request.text);
    if (!script.ok()) {
        return WithLocation(script.status(), request.text);
    }

    ingest::ProbeResult probe;
    if (!request.inputs.empty()) {
        UNMASK_ASSIGN_OR_RETURN(std::vector<std::string> paths, ingest::ExpandInputs(request.inputs));
        UNMASK_ASSIGN_OR_RETURN(probe, ingest::ProbeInputs(paths, request.read_options));
    }

    if (request.now.empty()) {
        const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
        outcome.now_ticks =
            kUnixEpochTicks + std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count() * 10;
        outcome.now_source = "wall clock";
    } else if (request.now == "latest") {
        UNMASK_ASSIGN_OR_RETURN(std::optional<int64_t> latest, ingest::ScanLatestTimestamp(probe, request.read_options));
        if (!latest) {
            return Status(ErrorKind::kInvalidInput,
                          "--now latest needs a Timestamp or TimeGenerated value in the inputs, but none has one; "
                          "give --now a datetime such as 2024-01-31T00:00:00Z");
        }
        outcome.now_ticks = *latest;
        outcome.now_source = "latest Timestamp in the inputs";
    } else {
        std::optional<int64_t> ticks = ParseDateTime(request.now);
        if (!ticks) {
            return Status(ErrorKind::kInvalidInput, "invalid --now value '" + request.now +
                                                        "'; expected 'latest' or a datetime such as "
                                                        "2024-01-31T00:00:00Z");
        }
        outcome.now_ticks = *ticks;
        outcome.now_source = "--now";
    }

    plan::BindOptions bind_options;
    bind_options.now_ticks = outcome.now_ticks;
    if (!request.strict_schema) {
        for (const Field& field : ingest::DeviceNetworkEventsSchema()) {
            if (ingest::IsExtensionColumn(field.name)) {
                bind_options.nullable_extensions.push_back(field);
            }
        }
    }
    // Strict schema answers what Defender would: its table has no extension columns, even when
    // an input file (a converted sensor log, say) carries them.
    Schema visible_schema;
    for (const Field& field : probe.schema) {
        if (!(request.strict_schema && ingest::IsExtensionColumn(field.name))) {
            visible_schema.push_back(field);
        }
    }
    int subquery_passes = 0;
    bind_options.run_subquery = [&](plan::PlanNode& subquery) -> Result<Table> {
        ingest::ReadStats subquery_stats;
        ++subquery_passes;
        return ExecutePlan(subquery, probe, visible_schema, request, outcome.now_ticks, subquery_stats);
    };
    std::vector<plan::CatalogTable> catalog = {{kTableName, visible_schema}};
    auto bound = plan::BindScript(script.value(), catalog, bind_options);
    if (!bound.ok()) {
        return WithLocation(bound.status(), request.text);
    }
    outcome.notes = bound->notes;
    if (subquery_passes > 0) {
        outcome.notes.push_back("tabular subqueries read the inputs " + std::to_string(subquery_passes) +
                                " more time(s) before the main pass");
    }
    if (request.explain) {
        outcome.plan = plan::DumpPlan(*bound->root);
    }

    UNMASK_ASSIGN_OR_RETURN(outcome.result, ExecutePlan(*bound->root, probe, visible_schema, request, outcome.now_ticks, outcome.stats));
    outcome.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return outcome;
}

}  // namespace unmask::cli
