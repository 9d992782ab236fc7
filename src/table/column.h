// Columnar storage: typed columns, batches of rows (chunks) and schemas.
//
// A Column stores one type in a flat vector plus a validity vector. Strings are views into
// memory that the column's `owners` keep alive, so a column can move between operators and
// threads without copying string bytes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "table/dynamic.h"
#include "table/types.h"

namespace unmask {

/// Append-only store of string bytes. Views returned by Add stay valid for the arena's life.
class StringArena {
public:
    std::string_view Add(std::string_view text);
    size_t bytes() const { return used_total_; }

private:
    std::vector<std::unique_ptr<char[]>> blocks_;
    size_t block_used_ = 0;
    size_t block_size_ = 0;
    size_t used_total_ = 0;
};

/// One column of a chunk or table.
struct Column {
    Type type = Type::kLong;
    /// Values for types stored as int64_t (bool, int, long, datetime, timespan).
    std::vector<int64_t> ints;
    std::vector<double> reals;
    std::vector<std::string_view> strings;
    /// Dynamic values; nullptr is null.
    std::vector<DynamicPtr> dynamics;
    /// Per-row validity, 1 = value present. Empty means every row is valid. Strings are never null.
    std::vector<uint8_t> valid;
    /// Buffers that `strings` point into.
    std::vector<std::shared_ptr<const void>> owners;

    Column() = default;
    explicit Column(Type column_type) : type(column_type) {}

    size_t size() const;
    bool IsNull(size_t row) const { return !valid.empty() && valid[row] == 0; }
    void Reserve(size_t rows);

    /// Appends a null (for strings: the empty string).
    void AppendNull();
    void AppendInt(int64_t value);
    void AppendReal(double value);
    void AppendString(std::string_view value);
    void AppendDynamic(DynamicPtr value);

    /// Marks row `row` null, creating the validity vector on first use.
    void SetNull(size_t row);

    /// Returns a new string arena owned by this column, for kernels that build new strings.
    StringArena& NewArena();

    /// Shares the owners of `other` so views copied from it stay valid.
    void ShareOwners(const Column& other);

    /// Copies rows by index from `source` (same type) to the end of this column.
    void AppendRows(const Column& source, const uint32_t* rows, size_t count);
    void AppendRange(const Column& source, size_t begin, size_t end);
};

/// Column name and type.
struct Field {
    std::string name;
    Type type = Type::kLong;
};

using Schema = std::vector<Field>;

/// Returns the index of `name` in `schema` (exact, case-sensitive as in Kusto) or -1.
int FindField(const Schema& schema, std::string_view name);

/// A batch of rows: one Column per schema field, all of equal length.
struct Chunk {
    std::vector<Column> columns;
    size_t rows = 0;
    /// Position of the first row in the input, so that order-sensitive aggregates
    /// (make_list) can restore input order after parallel execution.
    uint64_t first_row = 0;
};

/// A materialized table: a schema and its chunks.
struct Table {
    Schema schema;
    std::vector<Chunk> chunks;

    size_t rows() const;
};

}  // namespace unmask
