#!/usr/bin/env python3
"""Record real cleartext HTTP/2 connections on loopback for http2_dissector_test.

Starts nghttpd (--no-tls) on 127.0.0.1 over a document root with known files and puts a TCP relay in front
of it. Then it runs curl and nghttp through the relay. For each client connection the relay writes
OUT/<client>.rec, the byte chunks in the order the relay read them. Each chunk is one direction byte
(0 = client to server, 1 = server to client), a 4-byte big-endian length and the bytes.
nghttp's verbose output, which lists the header fields it sent and decoded, goes to OUT/nghttp.log.

Usage: http2_capture.py OUT_DIR. Exits 77 when a tool is missing, 1 when a client fails.
"""
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time

INDEX_SIZE = 1234
BIG_SIZE = 100000  # above the 65,535-byte initial flow-control window, so WINDOW_UPDATE frames are needed


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, deadline):
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def relay_one(listener, target_port, record_path):
    """Accepts one client connection, relays it to the server and writes the chunks in arrival order."""
    client, _ = listener.accept()
    server = socket.create_connection(("127.0.0.1", target_port))
    peers = {client: (server, 0), server: (client, 1)}
    open_reads = {client, server}
    with open(record_path, "wb") as record:
        while open_reads:
            readable, _, _ = select.select(list(open_reads), [], [], 10)
            if not readable:
                break  # no traffic for 10 s: the clients are finished or hung
            for sock in readable:
                data = sock.recv(65536)
                other, direction = peers[sock]
                if not data:
                    open_reads.discard(sock)
                    try:
                        other.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                record.write(struct.pack(">BI", direction, len(data)) + data)
                other.sendall(data)
    client.close()
    server.close()


def run_client(name, command, listener, target_port, out_dir, log_path=None):
    thread = threading.Thread(target=relay_one, args=(listener, target_port, os.path.join(out_dir, name + ".rec")))
    thread.start()
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    thread.join(30)
    if log_path:
        with open(log_path, "wb") as log:
            log.write(result.stdout)
    if result.returncode != 0:
        sys.stderr.write(f"{name} failed with exit code {result.returncode}:\n{result.stdout.decode(errors='replace')}")
        sys.exit(1)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: http2_capture.py OUT_DIR")
    for tool in ("nghttpd", "nghttp", "curl"):
        if shutil.which(tool) is None:
            sys.stderr.write(f"{tool} not found; install nghttp2-server, nghttp2-client and curl\n")
            sys.exit(77)  # the test skips on this code
    out_dir = sys.argv[1]
    doc_root = os.path.join(out_dir, "doc")
    os.makedirs(doc_root, exist_ok=True)
    with open(os.path.join(doc_root, "index.html"), "wb") as index:
        index.write(bytes(i % 251 for i in range(INDEX_SIZE)))
    with open(os.path.join(doc_root, "big.bin"), "wb") as big:
        big.write(bytes(i % 253 for i in range(BIG_SIZE)))

    server_port = free_port()
    server = subprocess.Popen(["nghttpd", "--no-tls", "-a", "127.0.0.1", "-d", doc_root, str(server_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for_port(server_port, time.monotonic() + 10):
            sys.exit("nghttpd did not accept connections within 10 s")
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        base = f"http://127.0.0.1:{listener.getsockname()[1]}"
        # One URL only: curl 7.88.1 fails with exit code 16 when it reuses a prior-knowledge connection for
        # a second URL, so the requests that share a connection come from nghttp.
        run_client("curl", ["curl", "--http2-prior-knowledge", "-s", "-o", "/dev/null", "-A", "unmask-test/1.0",
                            "-e", "http://referrer.test/", "-b", "session=1; theme=dark", base + "/big.bin"],
                   listener, server_port, out_dir)
        run_client("nghttp", ["nghttp", "-nv", "-H", "cookie: a=1", "-H", "cookie: b=2", base + "/index.html",
                              base + "/big.bin", base + "/missing"], listener, server_port, out_dir,
                   os.path.join(out_dir, "nghttp.log"))
        listener.close()
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
