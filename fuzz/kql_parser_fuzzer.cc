// Feeds arbitrary text to the KQL parser: it must return a tree or an error, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "query/ast_dump.h"
#include "query/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto script = unmask::query::ParseScript(text);
    if (script.ok()) {
        (void)unmask::query::DumpScript(script.value());
    }
    return 0;
}
