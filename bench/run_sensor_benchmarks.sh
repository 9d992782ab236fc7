#!/usr/bin/env bash
# Times unmask against tshark and nDPI's ndpiReader on one large capture built from the corpus
# (bench/make_benchmark_capture.py), and times unmask's Zeek reader on the brim-zeek logs.
# Prints a Markdown table: seconds (median of the runs), MB/s, packets/s and peak RSS.
#
# Usage: bench/run_sensor_benchmarks.sh [--build-dir DIR] [--data-dir DIR] [--size-mb N] [--runs N]
# The corpus must be at ../shared/corpus. See docs/benchmarks.md.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=build
data_dir=/tmp/unmask-bench
size_mb=1000
runs=3
while [[ $# -gt 0 ]]; do
    case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --data-dir) data_dir=$2; shift 2 ;;
        --size-mb) size_mb=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "run_sensor_benchmarks: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done
cd "$repo_root"
corpus=../shared/corpus
unmask=$build_dir/unmask
for tool in tshark ndpiReader capinfos /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "run_sensor_benchmarks: $tool is missing (scripts/install-deps.sh)" >&2; exit 2; }
done
[[ -x $unmask ]] || { echo "run_sensor_benchmarks: build unmask first ($unmask not found)" >&2; exit 2; }
[[ -d $corpus ]] || { echo "run_sensor_benchmarks: the corpus is not at $corpus" >&2; exit 2; }

mkdir -p "$data_dir"
capture=$data_dir/capture-${size_mb}m.pcap
if [[ ! -f $capture ]]; then
    python3 bench/make_benchmark_capture.py --size-mb "$size_mb" -o "$capture" \
        "$corpus"/slips/test-cc_test-cc-capture-1.pcap "$corpus"/caldera/sandcat.pcap \
        "$corpus"/usenix-woot/mythic-athena-http.pcap "$corpus"/ndpi/teams.pcap "$corpus"/zeek/http_bro.org.pcap \
        "$corpus"/ndpi/emotet.pcap "$corpus"/ja4/tls-handshake.pcapng "$corpus"/ja4/browsers-x509.pcapng \
        "$corpus"/zeek/tls_chrome-34-google.pcap "$corpus"/ndpi/google_ssl.pcap
fi
bytes=$(stat -L -c %s "$capture")
packets=$(capinfos -c -M "$capture" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')

# Runs "$@" $runs times after one warm-up; sets median_seconds and max_rss_kb.
measure() {
    local times=() rss=0
    "$@" >/dev/null 2>&1 || true
    for ((i = 0; i < runs; i++)); do
        /usr/bin/time -f "%e %M" -o "$data_dir/time.txt" "$@" >/dev/null 2>&1 || true
        read -r seconds kb <"$data_dir/time.txt"
        times+=("$seconds")
        ((kb > rss)) && rss=$kb
    done
    median_seconds=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    max_rss_kb=$rss
}

row() {
    local name=$1 what=$2
    awk -v n="$name" -v w="$what" -v s="$median_seconds" -v b="$bytes" -v p="$packets" -v r="$max_rss_kb" \
        'BEGIN { printf "| %s | %s | %.2f | %.0f | %.2f M | %.0f MB |\n", n, w, s, b / 1e6 / s, p / 1e6 / s, r / 1024 }'
}

echo "capture: $capture, $((bytes / 1000000)) MB, $packets packets"
echo
echo "| tool | output | seconds | MB/s | packets/s | peak RSS |"
echo "|---|---|---|---|---|---|"
measure "$unmask" query 'DeviceNetworkEvents | summarize count() by ActionType' "$capture" --threads 1 -q
row "unmask (1 thread)" "all rows: connections, TLS with certificates and FakeTLS facts, HTTP"
measure "$unmask" convert -q --threads 1 "$capture" -o "$data_dir/rows.jsonl"
row "unmask convert (1 thread)" "the same rows written as JSON lines"
measure ndpiReader -q -i "$capture"
row "ndpiReader (nDPI $(ndpiReader -h 2>&1 | sed -n 's/^Welcome to nDPI \([0-9.]*\).*/\1/p'))" "flow classification"
measure tshark -r "$capture" -T fields -e tls.handshake.extensions_server_name -e tls.handshake.ja3 -e http.host \
    -e http.user_agent
row "tshark ($(tshark --version | sed -n '1s/^TShark (Wireshark) \([0-9.]*\).*/\1/p'))" "SNI, JA3, Host, user agent"

echo
echo "| Zeek log set | records | seconds | records/s | peak RSS |"
echo "|---|---|---|---|---|"
for form in "zeek-default_ssl.log.gz zeek-default_x509.log.gz" "zeek-json_ssl.json.gz zeek-json_x509.json.gz"; do
    files=()
    for name in $form; do files+=("$corpus/brim-zeek/$name"); done
    records=$("$unmask" query 'DeviceNetworkEvents | count' "${files[@]}" -q --format csv | tail -1)
    measure "$unmask" query 'DeviceNetworkEvents | summarize count() by ActionType' "${files[@]}" --threads 1 -q
    awk -v n="${form%% *}" -v c="$records" -v s="$median_seconds" -v r="$max_rss_kb" \
        'BEGIN { printf "| %s (+ x509) | %d | %.2f | %.0f | %.0f MB |\n", n, c, s, c / s, r / 1024 }'
done

# Decryption with a key log: needs root to record the capture (bench/make_keylog_capture.py).
keylog_capture=$data_dir/keylog.pcap
keylog=$data_dir/keylog.keys
if [[ ! -f $keylog_capture && $(id -u) -eq 0 ]]; then
    python3 bench/make_keylog_capture.py --sessions 300 --requests 10 --body-kb 64 -o "$keylog_capture" \
        --keylog "$keylog" >/dev/null
fi
if [[ -f $keylog_capture && -f $keylog ]]; then
    bytes=$(stat -L -c %s "$keylog_capture")
    packets=$(capinfos -c -M "$keylog_capture" | awk -F: '/Number of packets/ {gsub(/ /, "", $2); print $2}')
    echo
    echo "key log capture: $keylog_capture, $((bytes / 1000000)) MB, $packets packets"
    echo
    echo "| tool | output | seconds | MB/s | packets/s | peak RSS |"
    echo "|---|---|---|---|---|---|"
    measure "$unmask" query --tls-keylog "$keylog" \
        "DeviceNetworkEvents | where ActionType == 'HttpConnectionInspected' | project RemoteUrl, AdditionalFields" \
        "$keylog_capture" --threads 1 -q
    row "unmask --tls-keylog (1 thread)" "every request decrypted, with its TLS session"
    measure tshark -n -r "$keylog_capture" -o "tls.keylog_file:$keylog" -Y http.request -T fields -e http.host \
        -e http.request.uri
    row "tshark -o tls.keylog_file" "Host and URI of every request"
else
    echo
    echo "key log capture skipped: run as root once to record $keylog_capture"
fi
