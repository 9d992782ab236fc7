// Parses arbitrary bytes as JSON into a dynamic value and serializes it back.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "table/dynamic.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto value = unmask::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size));
    if (value.ok() && value.value()) {
        (void)value.value()->ToJson();
    }
    return 0;
}
