#!/bin/sh
# Installs the Debian 12 packages that unmask needs to build and test. Run as root.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
    build-essential cmake ninja-build pkg-config git python3 \
    libsimdjson-dev libfmt-dev libcli11-dev libre2-dev zlib1g-dev libgtest-dev libgmock-dev \
    libyaml-cpp-dev libbenchmark-dev clang libclang-rt-14-dev clang-format \
    libpcap-dev libssl-dev libnghttp2-dev nghttp2-server nghttp2-client ca-certificates \
    tcpdump tshark libndpi-bin curl openssl chromium \
    python3-yaml iproute2 >/dev/null
