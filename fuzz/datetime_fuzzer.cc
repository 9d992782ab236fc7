// Parses arbitrary text as a datetime and a timespan; a parsed value must format and re-parse
// to the same ticks.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "table/datetime.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto ticks = unmask::ParseDateTime(text)) {
        auto again = unmask::ParseDateTime(unmask::FormatDateTime(*ticks));
        if (!again || *again != *ticks) {
            std::abort();
        }
    }
    if (auto span = unmask::ParseTimeSpan(text)) {
        (void)unmask::FormatTimeSpan(*span);
    }
    return 0;
}
