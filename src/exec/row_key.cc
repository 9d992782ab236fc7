#include "exec/row_key.h"

#include <cstring>

namespace unmask::exec {

void AppendRowKey(std::string& key, const Column& column, size_t row) {
    if (column.IsNull(row)) {
        key += '\0';
        return;
    }
    key += '\1';
    switch (column.type) {
        case Type::kReal: {
            double value = column.reals[row];
            if (value == 0) {
                value = 0;  // -0.0 and 0.0 are one group
            }
            char bytes[sizeof(double)];
            std::memcpy(bytes, &value, sizeof(double));
            key.append(bytes, sizeof(double));
            break;
        }
        case Type::kString: {
            const std::string_view text = column.strings[row];
            const uint32_t length = static_cast<uint32_t>(text.size());
            char bytes[sizeof(uint32_t)];
            std::memcpy(bytes, &length, sizeof(uint32_t));
            key.append(bytes, sizeof(uint32_t));
            key.append(text);
            break;
        }
        case Type::kDynamic: {
            const std::string json = column.dynamics[row] ? column.dynamics[row]->ToJson() : "null";
            const uint32_t length = static_cast<uint32_t>(json.size());
            char bytes[sizeof(uint32_t)];
            std::memcpy(bytes, &length, sizeof(uint32_t));
            key.append(bytes, sizeof(uint32_t));
            key.append(json);
            break;
        }
        default: {
            const int64_t value = column.ints[row];
            char bytes[sizeof(int64_t)];
            std::memcpy(bytes, &value, sizeof(int64_t));
            key.append(bytes, sizeof(int64_t));
            break;
        }
    }
}

}  // namespace unmask::exec
