#include "ingest/block_parser.h"

#include "ingest/json/json_scratch.h"

namespace unmask::ingest {

WorkerState::WorkerState(int index, const ReadOptions& options)
    : rejects(options.max_examples_per_reason), index_(index), options_(options) {}

WorkerState::~WorkerState() = default;

JsonScratch& WorkerState::json() {
    if (!json_) {
        json_ = std::make_unique<JsonScratch>();
    }
    return *json_;
}

Chunk MakeChunk(const Schema& output) {
    Chunk chunk;
    chunk.columns.reserve(output.size());
    for (const Field& field : output) {
        chunk.columns.emplace_back(field.type);
    }
    return chunk;
}

void TruncateColumn(Column& column, size_t rows) {
    if (column.size() <= rows) {
        return;
    }
    switch (column.type) {
    case Type::kString:
        column.strings.resize(rows);
        return;
    case Type::kReal:
        column.reals.resize(rows);
        break;
    case Type::kDynamic:
        column.dynamics.resize(rows);
        break;
    default:
        column.ints.resize(rows);
        break;
    }
    if (!column.valid.empty()) {
        column.valid.resize(rows);
    }
}

void AppendNulls(Column& column, size_t count) {
    if (count == 0) {
        return;
    }
    const size_t before = column.size();
    switch (column.type) {
    case Type::kString:
        column.strings.resize(before + count);
        return;
    case Type::kReal:
        column.reals.resize(before + count, 0);
        break;
    case Type::kDynamic:
        column.dynamics.resize(before + count);
        break;
    default:
        column.ints.resize(before + count, 0);
        break;
    }
    if (column.valid.empty()) {
        column.valid.assign(before, 1);
    }
    column.valid.resize(before + count, 0);
}

}  // namespace unmask::ingest
