#include "ingest/byte_scan.h"

namespace unmask::ingest {

namespace {

#if defined(__SSE2__)
// Sums the 16 byte lanes of `counters`.
size_t SumLanes(__m128i counters) {
    const __m128i sums = _mm_sad_epu8(counters, _mm_setzero_si128());
    return static_cast<size_t>(_mm_cvtsi128_si64(sums)) +
           static_cast<size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
}

// Byte-lane counters overflow after 255 additions, so they are summed every 255 vectors.
constexpr int kVectorsPerFlush = 255;
#endif

}  // namespace

size_t CountByte(const char* data, size_t size, char needle) {
    size_t count = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i pattern = _mm_set1_epi8(needle);
    __m128i counters = _mm_setzero_si128();
    int pending = 0;
    for (; i + 16 <= size; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        // A matching lane compares to 0xFF (-1), so subtracting it adds 1.
        counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, pattern));
        if (++pending == kVectorsPerFlush) {
            count += SumLanes(counters);
            counters = _mm_setzero_si128();
            pending = 0;
        }
    }
    count += SumLanes(counters);
#endif
    for (; i < size; ++i) {
        count += data[i] == needle ? 1 : 0;
    }
    return count;
}

void CountQuotesAndNewlines(const char* data, size_t size, size_t& quotes, size_t& newlines) {
    size_t quote_count = 0;
    size_t newline_count = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i newline = _mm_set1_epi8('\n');
    __m128i quote_counters = _mm_setzero_si128();
    __m128i newline_counters = _mm_setzero_si128();
    int pending = 0;
    for (; i + 16 <= size; i += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        quote_counters = _mm_sub_epi8(quote_counters, _mm_cmpeq_epi8(bytes, quote));
        newline_counters = _mm_sub_epi8(newline_counters, _mm_cmpeq_epi8(bytes, newline));
        if (++pending == kVectorsPerFlush) {
            quote_count += SumLanes(quote_counters);
            newline_count += SumLanes(newline_counters);
            quote_counters = _mm_setzero_si128();
            newline_counters = _mm_setzero_si128();
            pending = 0;
        }
    }
    quote_count += SumLanes(quote_counters);
    newline_count += SumLanes(newline_counters);
#endif
    for (; i < size; ++i) {
        quote_count += data[i] == '"' ? 1 : 0;
        newline_count += data[i] == '\n' ? 1 : 0;
    }
    quotes = quote_count;
    newlines = newline_count;
}

}  // namespace unmask::ingest
