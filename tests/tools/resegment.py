#!/usr/bin/env python3
"""Rewrite a pcap so that each TCP connection carries the same bytes, cut into other segments.

Every TCP connection keeps the same byte stream in each direction, and the bytes of one
direction keep their order relative to the packets of the other direction. Only the cut points
change:

  --split N      cut each payload-carrying segment into pieces of at most N bytes
  --merge        join consecutive same-direction segments of a connection, up to the 64 KiB
                 limit of an IP packet, when no other packet of that connection lies between them
  --random SEED  a reproducible mix of both: random cuts inside segments, and random joins

SYN, FIN, RST and pure ACK packets stay. New segments get their sequence numbers, the IPv4 total
length or IPv6 payload length, and the IPv4 header and TCP checksums computed afresh. Non-TCP
packets pass through unchanged. A connection that shows a retransmission, an out-of-order or
missing segment, a truncated packet, an IP fragment or urgent data passes through unchanged,
because cutting it would mean guessing which copy of the bytes counts. Such connections are
counted on standard error. A new segment takes the timestamp and the place in the file of the
segment that contained its first byte, and the acknowledgment number of the one with its last byte.

Reads classic pcap files (microsecond or nanosecond timestamps, either byte order, optionally
gzip-compressed) with the link types Ethernet (1), BSD loopback (0, 108), Linux cooked capture
(113, 276) and raw IP (12, 14, 101, 228, 229). Writes a little-endian pcap with the input's link
type and timestamp resolution. Packets of other link types pass through unchanged. Several pairs
of input and output can share one run. Exits 2 on a usage error, or when an input cannot be read
or an output cannot be written, after writing the other pairs.

Usage: resegment.py (--split N | --merge | --random SEED) INPUT OUTPUT [INPUT OUTPUT ...]
"""
import argparse
import gzip
import random
import struct
import sys
import zlib

TCP = 6
FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
MAX_IP_LENGTH = 65535
OUTPUT_SNAPLEN = 262144

# pcap link types: LINKTYPE_* values of the tcpdump.org registry, and the DLT_RAW values 12 and 14
# that some systems wrote into older files.
LINK_NULL, LINK_ETHERNET, LINK_LOOP = 0, 1, 108
LINK_SLL, LINK_SLL2 = 113, 276
LINK_RAW = (12, 14, 101)
LINK_IPV4, LINK_IPV6 = 228, 229

# File magic numbers as they appear on disk: (struct byte order, nanosecond timestamps).
PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1": ("<", False), b"\xa1\xb2\xc3\xd4": (">", False),
    b"\x4d\x3c\xb2\xa1": ("<", True), b"\xa1\xb2\x3c\x4d": (">", True),
}
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"

ETHERTYPE_IPV4, ETHERTYPE_IPV6 = 0x0800, 0x86DD
VLAN_ETHERTYPES = (0x8100, 0x88A8, 0x9100)
# AF_INET6 in BSD loopback headers, which differs between systems: 10 on Linux, 24 on NetBSD and
# OpenBSD, 28 on FreeBSD, 30 on macOS. AF_INET is 2 everywhere.
AF_INET = 2
AF_INET6_VALUES = (10, 24, 28, 30)

# IPv6 extension headers that a segment may carry and keep unchanged in every piece.
IPV6_OPTION_HEADERS = (0, 60)  # hop-by-hop options, destination options
# IPv6 extension headers that make a connection pass through: routing changes the address of the
# checksum's pseudo-header, fragments are not reassembled here, and IPsec hides the TCP header.
IPV6_UNSUPPORTED_HEADERS = (43, 44, 50, 51)


class InputError(Exception):
    """An input file that is not a readable classic pcap."""


class Record:
    """One pcap record: timestamp, lengths and the captured frame."""

    __slots__ = ("seconds", "fraction", "original_length", "frame")

    def __init__(self, seconds, fraction, original_length, frame):
        self.seconds = seconds
        self.fraction = fraction
        self.original_length = original_length
        self.frame = frame


class Segment:
    """The parsed headers of one TCP packet, as offsets into its frame."""

    __slots__ = ("index", "version", "ip_offset", "ip_header_length", "tcp_offset", "tcp_header_length",
                 "payload_offset", "payload_length", "source", "destination", "seq", "ack", "flags",
                 "key", "endpoint", "problem")

    def payload(self, frame):
        return frame[self.payload_offset:self.payload_offset + self.payload_length]


def read_pcap(path):
    """Return (link type, nanosecond resolution, snaplen, records) of a classic pcap file."""
    with open(path, "rb") as file:
        data = file.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            raise InputError(f"{path}: invalid gzip data ({error})") from error
    if data[:4] == PCAPNG_MAGIC:
        raise InputError(f"{path}: is a pcapng file; convert it first with: editcap -F pcap INPUT OUTPUT")
    if len(data) < 24 or data[:4] not in PCAP_MAGICS:
        raise InputError(f"{path}: not a pcap file (magic {data[:4].hex()}, {len(data)} bytes)")
    order, nanoseconds = PCAP_MAGICS[data[:4]]
    snaplen, link_type = struct.unpack_from(order + "II", data, 16)
    link_type &= 0xFFFF  # the bits above may carry the length of a frame check sequence

    header = struct.Struct(order + "IIII")
    records = []
    offset = 24
    while offset + 16 <= len(data):
        seconds, fraction, captured_length, original_length = header.unpack_from(data, offset)
        offset += 16
        if offset + captured_length > len(data):
            sys.stderr.write(f"resegment: {path}: the last record is truncated, so it was dropped\n")
            break
        records.append(Record(seconds, fraction, original_length, data[offset:offset + captured_length]))
        offset += captured_length
    return link_type, nanoseconds, snaplen, records


def write_pcap(path, link_type, nanoseconds, snaplen, records):
    """Write records as a little-endian pcap file."""
    magic = 0xA1B23C4D if nanoseconds else 0xA1B2C3D4
    header = struct.Struct("<IIII")
    chunks = [struct.pack("<IHHiIII", magic, 2, 4, 0, 0, max(snaplen, OUTPUT_SNAPLEN), link_type)]
    for record in records:
        chunks.append(header.pack(record.seconds, record.fraction, len(record.frame),
                                  max(record.original_length, len(record.frame))))
        chunks.append(record.frame)
    with open(path, "wb") as file:
        file.write(b"".join(chunks))


def network_offset(link_type, frame):
    """Return (offset, IP version) of the IP header in a frame, or None for other frames."""
    if link_type == LINK_ETHERNET:
        offset, ethertype = 12, None
        while offset + 2 <= len(frame):
            ethertype = struct.unpack_from(">H", frame, offset)[0]
            if ethertype not in VLAN_ETHERTYPES:
                break
            offset += 4
        offset += 2
        return {ETHERTYPE_IPV4: (offset, 4), ETHERTYPE_IPV6: (offset, 6)}.get(ethertype)
    if link_type == LINK_SLL and len(frame) >= 16:
        return {ETHERTYPE_IPV4: (16, 4), ETHERTYPE_IPV6: (16, 6)}.get(struct.unpack_from(">H", frame, 14)[0])
    if link_type == LINK_SLL2 and len(frame) >= 20:
        return {ETHERTYPE_IPV4: (20, 4), ETHERTYPE_IPV6: (20, 6)}.get(struct.unpack_from(">H", frame, 0)[0])
    if link_type in (LINK_NULL, LINK_LOOP) and len(frame) >= 4:
        # The family is in the byte order of the capturing host for NULL, big-endian for LOOP.
        families = {struct.unpack_from(">I", frame)[0]}
        if link_type == LINK_NULL:
            families.add(struct.unpack_from("<I", frame)[0])
        if AF_INET in families:
            return 4, 4
        if families & set(AF_INET6_VALUES):
            return 4, 6
        return None
    if link_type in LINK_RAW and frame:
        version = frame[0] >> 4
        return (0, version) if version in (4, 6) else None
    if link_type == LINK_IPV4:
        return 0, 4
    if link_type == LINK_IPV6:
        return 0, 6
    return None


def parse_segment(link_type, record, index):
    """Return the Segment of a TCP packet, or None for any other packet.

    A TCP packet that cannot be cut safely (truncated, fragmented, unusual IPv6 extension
    headers) still returns a Segment whose `problem` names the reason, so that its connection
    passes through unchanged.
    """
    frame = record.frame
    located = network_offset(link_type, frame)
    if located is None:
        return None
    ip_offset, version = located
    segment = Segment()
    segment.index = index
    segment.version = version
    segment.ip_offset = ip_offset
    segment.problem = None

    if version == 4:
        if len(frame) < ip_offset + 20 or frame[ip_offset] >> 4 != 4 or frame[ip_offset + 9] != TCP:
            return None
        ip_header_length = (frame[ip_offset] & 0x0F) * 4
        if ip_header_length < 20:
            return None
        total_length, fragment = struct.unpack_from(">H2xH", frame, ip_offset + 2)
        segment.source = frame[ip_offset + 12:ip_offset + 16]
        segment.destination = frame[ip_offset + 16:ip_offset + 20]
        if fragment & 0x3FFF:  # more fragments, or a fragment offset
            if fragment & 0x1FFF:
                return None  # a later fragment carries no TCP header
            segment.problem = "IP fragment"
        if total_length < ip_header_length:
            # A sender's capture of TCP segmentation offload records 0 here.
            segment.problem = segment.problem or "invalid IP total length"
            total_length = ip_header_length
        ip_end = ip_offset + total_length
    else:
        if len(frame) < ip_offset + 40 or frame[ip_offset] >> 4 != 6:
            return None
        payload_length = struct.unpack_from(">H", frame, ip_offset + 4)[0]
        next_header = frame[ip_offset + 6]
        segment.source = frame[ip_offset + 8:ip_offset + 24]
        segment.destination = frame[ip_offset + 24:ip_offset + 40]
        ip_header_length = 40
        while next_header in IPV6_OPTION_HEADERS + IPV6_UNSUPPORTED_HEADERS:
            at = ip_offset + ip_header_length
            if len(frame) < at + 8:
                return None
            if next_header in (50, 51):
                return None  # IPsec: the TCP header is not readable
            if next_header == 44:
                if struct.unpack_from(">H", frame, at + 2)[0] & 0xFFF8:
                    return None  # a later fragment carries no TCP header
                segment.problem = "IP fragment"
            elif next_header == 43:
                segment.problem = "IPv6 routing header"
            length = (frame[at + 1] + 1) * 8
            next_header = frame[at]
            ip_header_length += length
        if next_header != TCP:
            return None
        ip_end = ip_offset + 40 + payload_length

    segment.ip_header_length = ip_header_length
    tcp_offset = ip_offset + ip_header_length
    if len(frame) < tcp_offset + 20:
        return None
    source_port, destination_port, seq, ack, offset_byte, flags = struct.unpack_from(">HHIIBB", frame, tcp_offset)
    tcp_header_length = (offset_byte >> 4) * 4
    segment.tcp_offset = tcp_offset
    segment.tcp_header_length = tcp_header_length
    segment.seq, segment.ack, segment.flags = seq, ack, flags
    segment.payload_offset = tcp_offset + tcp_header_length
    segment.payload_length = max(0, ip_end - segment.payload_offset)
    near = (segment.source, source_port)
    far = (segment.destination, destination_port)
    segment.key = (version, min(near, far), max(near, far))
    segment.endpoint = 0 if near <= far else 1
    if tcp_header_length < 20 or ip_end < segment.payload_offset:
        segment.problem = segment.problem or "malformed TCP header"
    elif ip_end > len(frame):
        segment.problem = segment.problem or "truncated packet"
    return segment


def seq_distance(later, earlier):
    """Return the signed distance between two 32-bit sequence numbers."""
    distance = (later - earlier) & 0xFFFFFFFF
    return distance - (1 << 32) if distance >= 1 << 31 else distance


class Connection:
    """One TCP connection: its segments in capture order and what keeps it from being cut."""

    def __init__(self):
        self.segments = []
        self.problem = None
        self.isn = [None, None]
        self.next_seq = [None, None]
        self.fin_seen = [False, False]
        self.used = False  # a segment other than a SYN was seen

    def reject(self, problem):
        if self.problem is None:
            self.problem = problem

    def add(self, segment):
        """Append a segment and check that its direction's stream stays in order."""
        self.segments.append(segment)
        if segment.problem:
            self.reject(segment.problem)
        direction = segment.endpoint
        flags = segment.flags
        length = segment.payload_length

        if flags & SYN:
            if length:
                self.reject("SYN with payload")
            if self.isn[direction] is None:
                self.isn[direction] = segment.seq
                self.next_seq[direction] = (segment.seq + 1) & 0xFFFFFFFF
            elif self.isn[direction] != segment.seq:
                self.reject("second SYN with another sequence number")
            return
        self.used = True
        if flags & RST:
            if length:
                self.reject("RST with payload")
            return
        if length and flags & URG:
            self.reject("urgent data")

        expected = self.next_seq[direction]
        if expected is None:
            expected = segment.seq
        if length:
            if self.fin_seen[direction]:
                self.reject("data after FIN")
            distance = seq_distance(segment.seq, expected)
            if distance < 0:
                self.reject("retransmitted segment")
            elif distance > 0:
                self.reject("out-of-order or missing segment")
            expected = (segment.seq + length) & 0xFFFFFFFF
        if flags & FIN:
            fin_seq = (segment.seq + length) & 0xFFFFFFFF
            if fin_seq != expected:
                self.reject("out-of-order or missing segment" if seq_distance(fin_seq, expected) > 0
                            else "retransmitted segment")
            self.fin_seen[direction] = True
        self.next_seq[direction] = expected


def group_connections(segments):
    """Group segments by connection; a new SYN on a used 5-tuple begins a new connection."""
    current = {}
    connections = []
    for segment in segments:
        connection = current.get(segment.key)
        pure_syn = segment.flags & (SYN | ACK) == SYN
        if connection is not None and pure_syn and connection.used and \
                connection.isn[segment.endpoint] != segment.seq:
            connection = None  # the port pair was reused
        if connection is None:
            connection = Connection()
            current[segment.key] = connection
            connections.append(connection)
        connection.add(segment)
    return connections


def can_join(segment):
    """True for a segment whose payload may be cut and joined: data with no SYN, RST or URG."""
    return segment.payload_length > 0 and not segment.flags & (SYN | RST | URG)


def runs_of(connection):
    """Split a connection's data segments into runs of consecutive same-direction segments.

    Only segments next to each other in the connection's packet order join one run, so that no
    packet of the other direction, and no SYN, FIN or pure ACK, lies between two of them. A
    segment with FIN ends its run.
    """
    runs = []
    current = None
    for segment in connection.segments:
        if not can_join(segment):
            current = None
            continue
        if current is None or current[-1].endpoint != segment.endpoint or current[-1].flags & FIN:
            current = []
            runs.append(current)
        current.append(segment)
    return runs


def max_payload(segment):
    """Return the largest payload that fits this segment's headers into one IP packet."""
    if segment.version == 4:
        return MAX_IP_LENGTH - segment.ip_header_length - segment.tcp_header_length
    return MAX_IP_LENGTH - (segment.ip_header_length - 40) - segment.tcp_header_length


def cut_points(run, mode, argument, rng):
    """Return the sorted stream offsets, relative to the run's first byte, where pieces begin."""
    boundaries = []
    offset = 0
    for segment in run:
        boundaries.append(offset)
        offset += segment.payload_length
    total = offset

    cuts = set()
    if mode == "split":
        for start, segment in zip(boundaries, run):
            cuts.update(range(start, start + segment.payload_length, argument))
    elif mode == "merge":
        cuts.add(0)
    else:
        cuts.add(0)
        # Mostly small pieces, so that protocol headers get cut at many positions.
        sizes = (1, 1, 2, 3, 5, 7, 13, 64, 500, 1460)
        for start, segment in zip(boundaries, run):
            if rng.random() < 0.5:
                cuts.add(start)  # keep the original boundary
            if rng.random() < 0.5:
                position = start
                while True:
                    position += rng.choice(sizes)
                    if position >= start + segment.payload_length:
                        break
                    cuts.add(position)

    # Every piece must fit into one IP packet with the headers of the segment it starts in.
    limit = min(max_payload(segment) for segment in run)
    ordered = sorted(cuts) + [total]
    bounded = []
    for start, end in zip(ordered, ordered[1:]):
        bounded.extend(range(start, end, limit))
    return bounded


def build_piece(record, segment, seq, ack, flags, payload, serial):
    """Return the frame of a new segment that reuses the link, IP and TCP headers of `segment`."""
    frame = record.frame
    link = frame[:segment.ip_offset]
    ip_header = bytearray(frame[segment.ip_offset:segment.tcp_offset])
    tcp_header = bytearray(frame[segment.tcp_offset:segment.payload_offset])
    tcp_length = len(tcp_header) + len(payload)
    if segment.version == 4:
        struct.pack_into(">H", ip_header, 2, len(ip_header) + tcp_length)
        identification = (struct.unpack_from(">H", ip_header, 4)[0] + serial) & 0xFFFF
        struct.pack_into(">H", ip_header, 4, identification)
        struct.pack_into(">H", ip_header, 10, 0)
        struct.pack_into(">H", ip_header, 10, checksum(ip_header))
        pseudo_header = segment.source + segment.destination + struct.pack(">BBH", 0, TCP, tcp_length)
    else:
        struct.pack_into(">H", ip_header, 4, len(ip_header) - 40 + tcp_length)
        pseudo_header = segment.source + segment.destination + struct.pack(">IxxxB", tcp_length, TCP)
    struct.pack_into(">II", tcp_header, 4, seq, ack)
    tcp_header[13] = flags
    struct.pack_into(">H", tcp_header, 16, 0)
    struct.pack_into(">H", tcp_header, 16, checksum(pseudo_header + tcp_header + payload))
    return link + bytes(ip_header) + bytes(tcp_header) + payload


def checksum(data):
    """Return the Internet checksum (RFC 1071) of `data`."""
    if len(data) % 2:
        data = bytes(data) + b"\0"
    # The ones' complement sum of 16-bit words equals the number modulo 0xFFFF, since 2^16 = 1 there.
    total = int.from_bytes(data, "big") % 0xFFFF
    if total == 0 and data.count(0) != len(data):
        total = 0xFFFF  # a nonzero sum that is a multiple of 0xFFFF folds to 0xFFFF, not 0
    return ~total & 0xFFFF


def cut_run(run, records, mode, argument, rng):
    """Return {packet index: [new records]} for one run, each piece placed at the segment of its first byte."""
    payload = b"".join(segment.payload(records[segment.index].frame) for segment in run)
    ends = []
    offset = 0
    for segment in run:
        offset += segment.payload_length
        ends.append(offset)

    starts = cut_points(run, mode, argument, rng)
    placed = {}
    first_seq = run[0].seq
    owner = 0  # index in `run` of the segment that contains the piece's first byte
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(payload)
        while ends[owner] <= start:
            owner += 1
        last = owner
        while ends[last] < end:
            last += 1
        segment = run[owner]
        flags = segment.flags & ~(FIN | PSH)
        if any(run[i].flags & PSH and start < ends[i] <= end for i in range(owner, last + 1)):
            flags |= PSH
        if end == len(payload) and run[-1].flags & FIN:
            flags |= FIN
        record = records[segment.index]
        pieces = placed.setdefault(segment.index, [])
        frame = build_piece(record, segment, (first_seq + start) & 0xFFFFFFFF, run[last].ack, flags,
                            payload[start:end], len(pieces))
        pieces.append(Record(record.seconds, record.fraction, len(frame), frame))
    return placed


def resegment(records, link_type, mode, argument):
    """Return the rewritten records and a summary of what was rewritten and what passed through."""
    segments = []
    for index, record in enumerate(records):
        segment = parse_segment(link_type, record, index)
        if segment is not None:
            segments.append(segment)
    connections = group_connections(segments)

    rng = random.Random(argument if mode == "random" else 0)
    replaced = {}  # packet index -> the records that take its place
    problems = {}
    rewritten = 0
    for connection in connections:
        if connection.problem:
            problems[connection.problem] = problems.get(connection.problem, 0) + 1
            continue
        runs = runs_of(connection)
        if not runs:
            continue
        rewritten += 1
        for run in runs:
            for segment in run:
                replaced[segment.index] = []
            replaced.update(cut_run(run, records, mode, argument, rng))

    output = []
    for index, record in enumerate(records):
        output.extend(replaced.get(index, [record]))
    summary = f"{len(records)} packets in, {len(output)} packets out, {rewritten} TCP connections with payload " \
              f"rewritten, {sum(problems.values())} passed through unchanged"
    if problems:
        reasons = ", ".join(f"{count} with {problem}" for problem, count in sorted(problems.items()))
        summary += f" ({reasons})"
    return output, summary


def main():
    parser = argparse.ArgumentParser(description="Rewrite the TCP segmentation of a pcap, keeping every byte stream.")
    modes = parser.add_mutually_exclusive_group(required=True)
    modes.add_argument("--split", type=int, metavar="N", help="cut each segment into pieces of at most N bytes")
    modes.add_argument("--merge", action="store_true", help="join consecutive same-direction segments, up to 64 KiB")
    modes.add_argument("--random", type=int, metavar="SEED", help="cut and join at random, reproducibly for SEED")
    parser.add_argument("paths", nargs="+", metavar="INPUT OUTPUT",
                        help="pairs of a classic pcap file, optionally gzip-compressed, and the pcap file to write")
    arguments = parser.parse_args()

    if arguments.split is not None and arguments.split < 1:
        parser.error("--split needs a piece size of at least 1 byte")
    if len(arguments.paths) % 2:
        parser.error("expected pairs of INPUT and OUTPUT, but got an odd number of paths")
    if arguments.split is not None:
        mode, argument = "split", arguments.split
    elif arguments.merge:
        mode, argument = "merge", 0
    else:
        mode, argument = "random", arguments.random

    status = 0
    for input_path, output_path in zip(arguments.paths[::2], arguments.paths[1::2]):
        try:
            link_type, nanoseconds, snaplen, records = read_pcap(input_path)
            output, summary = resegment(records, link_type, mode, argument)
            write_pcap(output_path, link_type, nanoseconds, snaplen, output)
        except (OSError, InputError) as error:
            sys.stderr.write(f"resegment: {error}\n")
            status = 2
            continue
        sys.stderr.write(f"resegment: {input_path}: {summary}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
