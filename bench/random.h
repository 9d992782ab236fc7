// Seeded pseudo-random numbers for the export generator.
#pragma once

#include <cstdint>

namespace unmask::bench {

/// xoshiro256** seeded through splitmix64. The generator and the bounded-integer reduction are
/// written out here, not taken from <random> distributions, because the output of
/// std::uniform_int_distribution differs between standard libraries and a seed must give the
/// same export everywhere.
class Random {
public:
    explicit Random(uint64_t seed) {
        uint64_t mix = seed;
        for (uint64_t& word : state_) {
            mix += 0x9e3779b97f4a7c15ULL;
            uint64_t z = mix;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    uint64_t Next() {
        const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
        const uint64_t shifted = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= shifted;
        state_[3] = RotateLeft(state_[3], 45);
        return result;
    }

    /// Returns a uniform integer in [0, bound) for a positive bound. Draws below 2^64 mod bound
    /// are rejected, so the remainder has no modulo bias.
    uint64_t Below(uint64_t bound) {
        const uint64_t threshold = (0 - bound) % bound;
        uint64_t value = Next();
        while (value < threshold) {
            value = Next();
        }
        return value % bound;
    }

    /// Returns a uniform integer in [low, high], both inclusive.
    int64_t Between(int64_t low, int64_t high) {
        return low + static_cast<int64_t>(Below(static_cast<uint64_t>(high - low) + 1));
    }

    /// Returns a uniform double in [0, 1) with 53 random bits.
    double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

    bool Chance(double probability) { return Unit() < probability; }

    /// Returns an integer in [low, high] whose logarithm is roughly uniform. A power-of-two band is
    /// picked uniformly, then a value inside it, which gives the long tail of byte counts.
    int64_t LogUniform(int64_t low, int64_t high) {
        int low_bits = 0;
        while ((int64_t{1} << (low_bits + 1)) <= low) {
            ++low_bits;
        }
        int high_bits = low_bits;
        while ((int64_t{1} << (high_bits + 1)) <= high) {
            ++high_bits;
        }
        const int band = low_bits + static_cast<int>(Below(static_cast<uint64_t>(high_bits - low_bits + 1)));
        int64_t band_low = int64_t{1} << band;
        int64_t band_high = (int64_t{1} << (band + 1)) - 1;
        if (band_low < low) {
            band_low = low;
        }
        if (band_high > high) {
            band_high = high;
        }
        return Between(band_low, band_high);
    }

private:
    static uint64_t RotateLeft(uint64_t value, int bits) { return (value << bits) | (value >> (64 - bits)); }

    uint64_t state_[4];
};

} // namespace unmask::bench
