// JSON blocks to chunks: each document is parsed with simdjson's DOM parser and each row's
// properties are converted into the requested columns by name.
#include <string>

#include "ingest/block_parser.h"
#include "ingest/cell_parse.h"
#include "ingest/json/json_documents.h"
#include "ingest/json/json_scratch.h"
#include "ingest/json/json_values.h"

namespace unmask::ingest {

namespace {

static_assert(kBlockPadding >= simdjson::SIMDJSON_PADDING, "simdjson parses documents in place in block buffers");

class JsonBlockParser {
public:
    JsonBlockParser(const FileLayout& file, const Block& block, WorkerState& state, Chunk& chunk)
        : file_(file), block_(block), state_(state), scratch_(state.json()), chunk_(chunk) {
        scratch_.filled_generation.assign(chunk.columns.size(), 0);
        scratch_.generation = 0;
    }

    Status Run();

private:
    Status HandleDocument(std::string_view document, uint64_t line);
    Status HandleRow(simdjson::dom::element row, std::string_view other_table, uint64_t line);
    Status RejectRow(uint64_t line, const char* reason, std::string_view value, const std::string& hint);
    void NoteRowTime(simdjson::dom::object row);

    const FileLayout& file_;
    const Block& block_;
    WorkerState& state_;
    JsonScratch& scratch_;
    Chunk& chunk_;
    size_t rows_ = 0;
    std::shared_ptr<StringArena> arena_ = std::make_shared<StringArena>();
};

Status JsonBlockParser::RejectRow(uint64_t line, const char* reason, std::string_view value, const std::string& hint) {
    for (Column& column : chunk_.columns) {
        TruncateColumn(column, rows_);
    }
    return state_.Reject(file_, line, reason, value, [&] { return hint; });
}

Status JsonBlockParser::HandleDocument(std::string_view document, uint64_t line) {
    const size_t max_bytes = state_.options().max_record_bytes;
    if (document.size() > max_bytes) {
        return RejectRow(line, kRejectRecordTooLarge, document,
                         "the JSON document is " + std::to_string(document.size()) + " bytes, over the limit of " +
                             std::to_string(max_bytes) + " bytes; raise the record size limit if it is genuine");
    }
    simdjson::dom::element root;
    // The block buffer has kBlockPadding readable bytes past every document, so simdjson can
    // parse in place (realloc_if_needed = false).
    const simdjson::error_code error =
        scratch_.parser.parse(reinterpret_cast<const uint8_t*>(document.data()), document.size(), false).get(root);
    if (error != simdjson::SUCCESS) {
        return RejectRow(line, kRejectInvalidJson, document,
                         std::string("the document is not valid JSON (simdjson: ") + simdjson::error_message(error) +
                             "); each line must hold one complete JSON object");
    }
    return ForEachJsonRow(root, [&](simdjson::dom::element row, std::string_view other_table) {
        return HandleRow(row, other_table, line);
    });
}

void JsonBlockParser::NoteRowTime(simdjson::dom::object row) {
    if (file_.time_output >= 0) {
        const Column& column = chunk_.columns[static_cast<size_t>(file_.time_output)];
        if (!column.IsNull(rows_ - 1)) {
            state_.NoteTime(column.ints[rows_ - 1]);
        }
        return;
    }
    if (file_.time_key.empty()) {
        return;
    }
    std::string_view text;
    if (row.at_key(file_.time_key).get_string().get(text) == simdjson::SUCCESS) {
        if (const std::optional<int64_t> ticks = ParseCellDateTime(text)) {
            state_.NoteTime(*ticks);
        }
    }
}

Status JsonBlockParser::HandleRow(simdjson::dom::element row, std::string_view other_table, uint64_t line) {
    if (!other_table.empty()) {
        state_.Skip(file_, line, kRejectOtherTable, other_table, [&] {
            return "the record belongs to the " + std::string(other_table) +
                   " table and was skipped, because unmask reads only DeviceNetworkEvents rows";
        });
        return Status::Ok();
    }
    simdjson::dom::object object;
    if (row.get_object().get(object) != simdjson::SUCCESS) {
        return RejectRow(line, kRejectInvalidJson, simdjson::to_string(row),
                         "expected a JSON object with one property per column");
    }
    const uint64_t generation = ++scratch_.generation;
    for (const simdjson::dom::key_value_pair field : object) {
        const auto found = file_.key_targets.find(field.key);
        if (found == file_.key_targets.end()) {
            continue;
        }
        const auto target = static_cast<size_t>(found->second);
        if (scratch_.filled_generation[target] == generation) {
            continue;  // a repeated key: the first value wins
        }
        scratch_.filled_generation[target] = generation;
        Column& column = chunk_.columns[target];
        const CellError error = AppendJsonValue(column, field.value, *arena_);
        if (error != CellError::kNone) {
            const Field& output_field = (*file_.output)[target];
            std::string_view text;
            std::string value = field.value.get_string().get(text) == simdjson::SUCCESS
                                    ? std::string(text)
                                    : simdjson::to_string(field.value);
            return RejectRow(line, CellErrorReason(error), value,
                             "column " + output_field.name + " expects " + ExpectedValueText(output_field.type));
        }
    }
    for (size_t i = 0; i < chunk_.columns.size(); ++i) {
        if (scratch_.filled_generation[i] != generation) {
            chunk_.columns[i].AppendNull();
        }
    }
    ++rows_;
    NoteRowTime(object);
    return Status::Ok();
}

Status JsonBlockParser::Run() {
    UNMASK_TRY(
        ForEachJsonDocument(std::string_view(block_.data, block_.size), file_.framing, block_.first_line,
                            [&](std::string_view document, uint64_t line) { return HandleDocument(document, line); }));
    chunk_.rows = rows_;
    if (arena_->bytes() > 0) {
        for (Column& column : chunk_.columns) {
            if (column.type == Type::kString) {
                column.owners.push_back(arena_);
            }
        }
    }
    return Status::Ok();
}

}  // namespace

Status ParseJsonBlock(const FileLayout& file, const Block& block, WorkerState& state, Chunk& chunk) {
    JsonBlockParser parser(file, block, state, chunk);
    return parser.Run();
}

}  // namespace unmask::ingest
