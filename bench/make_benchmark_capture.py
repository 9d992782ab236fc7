#!/usr/bin/env python3
"""Builds a large benchmark capture by repeating real captures with shifted times and rewritten
addresses, so that each copy's flows stay distinct from every other copy's.

Each copy k adds k to the middle two bytes of every IPv4 address (bytes 4-5 of IPv6 addresses)
and shifts timestamps past the end of the previous copy. Checksums are left as they are: tshark,
ndpiReader and unmask do not verify them. Inputs in pcapng form are converted with editcap first.

Usage: make_benchmark_capture.py --size-mb 1000 -o OUT.pcap IN.pcap [IN.pcap ...]
"""
import argparse
import os
import struct
import subprocess
import sys
import tempfile

PCAP_MAGIC_LE = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1


def read_packets(path):
    """Returns (link_type, [(ts_sec, ts_usec, orig_len, data)]) of a microsecond pcap file."""
    with open(path, "rb") as f:
        header = f.read(24)
        magic = struct.unpack("<I", header[:4])[0]
        if magic == PCAP_MAGIC_LE:
            endian = "<"
        elif struct.unpack(">I", header[:4])[0] == PCAP_MAGIC_LE:
            endian = ">"
        else:
            raise ValueError(f"{path}: not a microsecond pcap file")
        link_type = struct.unpack(endian + "I", header[20:24])[0]
        packets = []
        while True:
            record = f.read(16)
            if len(record) < 16:
                break
            ts_sec, ts_usec, caplen, orig_len = struct.unpack(endian + "IIII", record)
            data = f.read(caplen)
            if len(data) < caplen:
                break
            packets.append((ts_sec, ts_usec, orig_len, data))
    return link_type, packets


def as_pcap(path, scratch):
    """Returns a path to a classic microsecond pcap with the content of `path`."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
        return path
    converted = os.path.join(scratch, os.path.basename(path) + ".pcap")
    subprocess.run(["editcap", "-F", "pcap", path, converted], check=True)
    return converted


def rewrite(data, copy):
    """Returns the Ethernet frame with its IP addresses moved into copy `copy`'s range."""
    frame = bytearray(data)
    offset = 12
    ether_type = struct.unpack(">H", frame[offset:offset + 2])[0]
    while ether_type in (0x8100, 0x88A8) and len(frame) >= offset + 6:
        offset += 4
        ether_type = struct.unpack(">H", frame[offset:offset + 2])[0]
    ip = offset + 2
    high, low = (copy >> 8) & 0xFF, copy & 0xFF
    if ether_type == 0x0800 and len(frame) >= ip + 20:
        for address in (ip + 12, ip + 16):
            frame[address + 1] = (frame[address + 1] + high) & 0xFF
            frame[address + 2] = (frame[address + 2] + low) & 0xFF
    elif ether_type == 0x86DD and len(frame) >= ip + 40:
        for address in (ip + 8, ip + 24):
            frame[address + 4] = (frame[address + 4] + high) & 0xFF
            frame[address + 5] = (frame[address + 5] + low) & 0xFF
    return bytes(frame)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1000, help="stop after this many MB are written")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("inputs", nargs="+", help="Ethernet captures (pcap or pcapng)")
    args = parser.parse_args()

    sources = []
    with tempfile.TemporaryDirectory() as scratch:
        for path in args.inputs:
            link_type, packets = read_packets(as_pcap(path, scratch))
            if link_type != LINKTYPE_ETHERNET:
                print(f"skipping {path}: link type {link_type} is not Ethernet", file=sys.stderr)
                continue
            if packets:
                sources.append(packets)
    if not sources:
        sys.exit("no usable Ethernet capture among the inputs")

    limit = int(args.size_mb * 1e6)
    written = 24
    clock = 1_700_000_000  # start of the first copy, in seconds since the epoch
    copy = 0
    with open(args.output, "wb") as out:
        out.write(struct.pack("<IHHiIII", PCAP_MAGIC_LE, 2, 4, 0, 0, 262144, LINKTYPE_ETHERNET))
        while written < limit:
            for packets in sources:
                base = packets[0][0]
                last = base
                for ts_sec, ts_usec, orig_len, data in packets:
                    frame = rewrite(data, copy)
                    shifted = clock + max(0, ts_sec - base)
                    last = max(last, ts_sec)
                    out.write(struct.pack("<IIII", shifted, ts_usec, len(frame), orig_len))
                    out.write(frame)
                    written += 16 + len(frame)
                clock += (last - base) + 2
                if written >= limit:
                    break
            copy += 1
    print(f"{args.output}: {written / 1e6:.1f} MB, {copy} copies of {len(sources)} captures")


if __name__ == "__main__":
    main()
