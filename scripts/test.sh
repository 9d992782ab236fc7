#!/bin/sh
# Builds unmask twice and runs every fast test in both builds:
#   build/      optimized, warnings as errors
#   build-asan/ AddressSanitizer + UndefinedBehaviorSanitizer
# then the source checks (layer dependencies, file sizes) and a short run of each fuzz target.
set -eu
cd "$(dirname "$0")/.."
jobs="${JOBS:-$(nproc)}"

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNMASK_WERROR=ON
cmake --build build -j "$jobs"
ctest --test-dir build -L fast --output-on-failure -j "$jobs"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DUNMASK_WERROR=ON \
    -DUNMASK_SANITIZE=address,undefined
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan -L fast --output-on-failure -j "$jobs"

sh scripts/check_layers.sh
sh scripts/check_sizes.sh
sh scripts/run_fuzzers.sh 20
