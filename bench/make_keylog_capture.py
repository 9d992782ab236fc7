#!/usr/bin/env python3
"""Records a capture of many HTTPS sessions on loopback together with their key log.

A Python HTTPS server and client run in this process. tcpdump records the loopback traffic, and
the client writes its TLS secrets to an NSS key log, as curl and browsers do with
SSLKEYLOGFILE. Sessions alternate between TLS 1.3 (AES-256-GCM) and TLS 1.2
(ECDHE-RSA-AES128-GCM-SHA256); each carries several keep-alive requests with responses of a
fixed size. The result feeds the decryption benchmark of run_sensor_benchmarks.sh.

Usage: sudo python3 bench/make_keylog_capture.py --sessions 300 --requests 10 --body-kb 64 \
           -o /tmp/unmask-bench/keylog.pcap --keylog /tmp/unmask-bench/keylog.keys
Needs root (tcpdump on lo), tcpdump and openssl.
"""

import argparse
import http.client
import http.server
import os
import ssl
import subprocess
import sys
import tempfile
import threading
import time


def make_certificate(directory):
    key = os.path.join(directory, "key.pem")
    cert = os.path.join(directory, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=bench.example", "-addext", "subjectAltName=DNS:bench.example", "-keyout", key, "-out",
                    cert], check=True, capture_output=True)
    return cert, key


def start_server(cert, key, body):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--requests", type=int, default=10, help="requests per session")
    parser.add_argument("--body-kb", type=int, default=64, help="response body size in KiB")
    parser.add_argument("-o", "--output", required=True, help="pcap file to write")
    parser.add_argument("--keylog", required=True, help="key log file to write")
    args = parser.parse_args()
    if os.path.exists(args.keylog):
        os.remove(args.keylog)
    with tempfile.TemporaryDirectory() as directory:
        cert, key = make_certificate(directory)
        server = start_server(cert, key, os.urandom(args.body_kb * 1024))
        port = server.server_address[1]
        errors = open(os.path.join(directory, "tcpdump.err"), "w+")
        tcpdump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-s", "0", "-w", args.output, f"tcp port {port}"],
                                   stderr=errors)
        for _ in range(100):
            errors.seek(0)
            if "listening on" in errors.read():
                break
            time.sleep(0.1)
        else:
            sys.exit("tcpdump did not start on lo (are you root?)")
        for session in range(args.sessions):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.keylog_filename = args.keylog
            if session % 2:
                context.maximum_version = ssl.TLSVersion.TLSv1_2
                context.set_ciphers("ECDHE-RSA-AES128-GCM-SHA256")
            connection = http.client.HTTPSConnection("127.0.0.1", port, context=context)
            for request in range(args.requests):
                connection.request("GET", f"/object/{session}/{request}", headers={"Host": "bench.example"})
                connection.getresponse().read()
            connection.close()
        time.sleep(1.0)
        tcpdump.terminate()
        tcpdump.wait()
        server.shutdown()
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB) and {args.keylog}")


if __name__ == "__main__":
    main()
