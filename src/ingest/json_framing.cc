#include "ingest/json_framing.h"

namespace unmask::ingest {

size_t FindJsonValueEnd(std::string_view text, JsonScanState& state) {
    const char* data = text.data();
    const size_t size = text.size();
    for (size_t i = 0; i < size; ++i) {
        const char c = data[i];
        if (state.in_string) {
            if (state.escaped) {
                state.escaped = false;
            } else if (c == '\\') {
                state.escaped = true;
            } else if (c == '"') {
                state.in_string = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            state.in_string = true;
            break;
        case '{':
        case '[':
            ++state.depth;
            break;
        case '}':
        case ']':
            if (state.depth > 0) {
                --state.depth;
                if (state.depth == 0) {
                    return i + 1;
                }
            }
            break;
        default:
            break;
        }
    }
    return std::string_view::npos;
}

size_t FindLastJsonValueEnd(std::string_view text) {
    size_t last = std::string_view::npos;
    size_t offset = 0;
    JsonScanState state;
    while (offset < text.size()) {
        const size_t end = FindJsonValueEnd(text.substr(offset), state);
        if (end == std::string_view::npos) {
            break;
        }
        offset += end;
        last = offset;
    }
    return last;
}

}  // namespace unmask::ingest
