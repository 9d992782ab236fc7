// Byte-class scanning used by the block reader and the CSV parser: counts of quotes and
// newlines, and 64-byte bitmasks of the CSV structural characters.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace unmask::ingest {

/// Number of `needle` bytes in [data, data + size).
size_t CountByte(const char* data, size_t size, char needle);

/// Counts `"` and `\n` bytes in [data, data + size) in one pass.
void CountQuotesAndNewlines(const char* data, size_t size, size_t& quotes, size_t& newlines);

/// Bit i of each mask is set when byte i of a 64-byte word is that character.
struct CsvMasks {
    uint64_t quotes;
    uint64_t commas;
    uint64_t newlines;
};

/// Classifies the 64 bytes at `data`, all of which must be readable.
inline CsvMasks ClassifyCsvWord(const char* data) {
    CsvMasks masks{0, 0, 0};
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i comma = _mm_set1_epi8(',');
    const __m128i newline = _mm_set1_epi8('\n');
    for (int lane = 0; lane < 4; ++lane) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * lane));
        const int shift = 16 * lane;
        masks.quotes |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, quote))))
                        << shift;
        masks.commas |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, comma))))
                        << shift;
        masks.newlines |=
            static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, newline)))) << shift;
    }
#else
    for (int i = 0; i < 64; ++i) {
        const uint64_t bit = uint64_t{1} << i;
        masks.quotes |= data[i] == '"' ? bit : 0;
        masks.commas |= data[i] == ',' ? bit : 0;
        masks.newlines |= data[i] == '\n' ? bit : 0;
    }
#endif
    return masks;
}

/// Bit i of the result is the XOR of bits 0..i of `bits`: for a quote mask, the bytes from an
/// opening quote up to (not including) its closing quote.
inline uint64_t PrefixXor(uint64_t bits) {
    bits ^= bits << 1;
    bits ^= bits << 2;
    bits ^= bits << 4;
    bits ^= bits << 8;
    bits ^= bits << 16;
    bits ^= bits << 32;
    return bits;
}

}  // namespace unmask::ingest
