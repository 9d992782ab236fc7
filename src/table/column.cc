#include "table/column.h"

#include <algorithm>
#include <cstring>

namespace unmask {

std::string_view StringArena::Add(std::string_view text) {
    if (text.empty()) {
        return {};
    }
    if (block_used_ + text.size() > block_size_) {
        block_size_ = std::max<size_t>(64 * 1024, text.size());
        blocks_.push_back(std::make_unique<char[]>(block_size_));
        block_used_ = 0;
    }
    char* destination = blocks_.back().get() + block_used_;
    std::memcpy(destination, text.data(), text.size());
    block_used_ += text.size();
    used_total_ += text.size();
    return {destination, text.size()};
}

size_t Column::size() const {
    switch (type) {
        case Type::kReal: return reals.size();
        case Type::kString: return strings.size();
        case Type::kDynamic: return dynamics.size();
        default: return ints.size();
    }
}

void Column::Reserve(size_t rows) {
    switch (type) {
        case Type::kReal: reals.reserve(rows); break;
        case Type::kString: strings.reserve(rows); break;
        case Type::kDynamic: dynamics.reserve(rows); break;
        default: ints.reserve(rows); break;
    }
}

void Column::SetNull(size_t row) {
    if (type == Type::kString) {
        strings[row] = {};
        return;
    }
    if (valid.empty()) {
        valid.assign(size(), 1);
    }
    valid[row] = 0;
}

void Column::AppendNull() {
    switch (type) {
        case Type::kString: strings.emplace_back(); return;
        case Type::kDynamic: dynamics.emplace_back(); break;
        case Type::kReal: reals.push_back(0); break;
        default: ints.push_back(0); break;
    }
    if (valid.empty()) {
        valid.assign(size() - 1, 1);
    }
    valid.push_back(0);
}

void Column::AppendInt(int64_t value) {
    ints.push_back(value);
    if (!valid.empty()) {
        valid.push_back(1);
    }
}

void Column::AppendReal(double value) {
    reals.push_back(value);
    if (!valid.empty()) {
        valid.push_back(1);
    }
}

void Column::AppendString(std::string_view value) { strings.push_back(value); }

void Column::AppendDynamic(DynamicPtr value) {
    const bool is_null = value == nullptr;
    dynamics.push_back(std::move(value));
    if (is_null) {
        if (valid.empty()) {
            valid.assign(dynamics.size() - 1, 1);
        }
        valid.push_back(0);
    } else if (!valid.empty()) {
        valid.push_back(1);
    }
}

StringArena& Column::NewArena() {
    auto arena = std::make_shared<StringArena>();
    StringArena* raw = arena.get();
    owners.push_back(std::move(arena));
    return *raw;
}

void Column::ShareOwners(const Column& other) {
    for (const auto& owner : other.owners) {
        if (std::find(owners.begin(), owners.end(), owner) == owners.end()) {
            owners.push_back(owner);
        }
    }
}

void Column::AppendRows(const Column& source, const uint32_t* rows, size_t count) {
    const size_t before = size();
    switch (type) {
        case Type::kReal:
            for (size_t i = 0; i < count; ++i) {
                reals.push_back(source.reals[rows[i]]);
            }
            break;
        case Type::kString:
            for (size_t i = 0; i < count; ++i) {
                strings.push_back(source.strings[rows[i]]);
            }
            ShareOwners(source);
            return;
        case Type::kDynamic:
            for (size_t i = 0; i < count; ++i) {
                dynamics.push_back(source.dynamics[rows[i]]);
            }
            break;
        default:
            for (size_t i = 0; i < count; ++i) {
                ints.push_back(source.ints[rows[i]]);
            }
            break;
    }
    if (!source.valid.empty()) {
        if (valid.empty()) {
            valid.assign(before, 1);
        }
        for (size_t i = 0; i < count; ++i) {
            valid.push_back(source.valid[rows[i]]);
        }
    } else if (!valid.empty()) {
        valid.resize(before + count, 1);
    }
}

void Column::AppendRange(const Column& source, size_t begin, size_t end) {
    const size_t before = size();
    switch (type) {
        case Type::kReal: reals.insert(reals.end(), source.reals.begin() + begin, source.reals.begin() + end); break;
        case Type::kString:
            strings.insert(strings.end(), source.strings.begin() + begin, source.strings.begin() + end);
            ShareOwners(source);
            return;
        case Type::kDynamic:
            dynamics.insert(dynamics.end(), source.dynamics.begin() + begin, source.dynamics.begin() + end);
            break;
        default: ints.insert(ints.end(), source.ints.begin() + begin, source.ints.begin() + end); break;
    }
    if (!source.valid.empty()) {
        if (valid.empty()) {
            valid.assign(before, 1);
        }
        valid.insert(valid.end(), source.valid.begin() + begin, source.valid.begin() + end);
    } else if (!valid.empty()) {
        valid.resize(before + (end - begin), 1);
    }
}

int FindField(const Schema& schema, std::string_view name) {
    for (size_t i = 0; i < schema.size(); ++i) {
        if (schema[i].name == name) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

size_t Table::rows() const {
    size_t total = 0;
    for (const Chunk& chunk : chunks) {
        total += chunk.rows;
    }
    return total;
}

}  // namespace unmask
