#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for the given number of seconds
# (default 20). A crash fails the script and leaves the reproducer in build-fuzz/.
set -eu
cd "$(dirname "$0")/.."
seconds="${1:-20}"
# The libraries get coverage instrumentation (fuzzer-no-link) and the sanitizers too, so that
# the fuzzers are guided through the parsers and not only through their entry files.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DUNMASK_SANITIZE=fuzzer-no-link,address,undefined \
    -DUNMASK_BUILD_FUZZERS=ON -DUNMASK_BUILD_TESTS=OFF -DUNMASK_BUILD_BENCH=OFF >/dev/null
targets="kql_parser_fuzzer defender_reader_fuzzer json_value_fuzzer datetime_fuzzer tls_dissector_fuzzer
    http_dissector_fuzzer x509_parser_fuzzer pcap_reader_fuzzer zeek_reader_fuzzer html_report_fuzzer
    tls_decrypt_fuzzer http2_dissector_fuzzer"
cmake --build build-fuzz --target $targets
for target in $targets; do
    mkdir -p "build-fuzz/corpus/$target"
    seeds=""
    [ -d "fuzz/seeds/$target" ] && seeds="fuzz/seeds/$target"
    (cd build-fuzz && "./fuzz/$target" -max_total_time="$seconds" -max_len=65536 \
        "corpus/$target" ${seeds:+"../$seeds"} 2>"fuzz-$target.log") || {
        echo "fuzz: $target failed; see build-fuzz/fuzz-$target.log"
        tail -40 "build-fuzz/fuzz-$target.log"
        exit 1
    }
    echo "fuzz: $target ran for ${seconds}s without a crash"
done
