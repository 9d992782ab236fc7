"""Servers of the accuracy benchmark's generated scenarios.

The harness starts each one inside the benchmark's network namespace, bound to one test
address, with `python3 traffic_servers.py KIND --bind ADDRESS --port PORT [...]`:

- http: returns 200 and a small body for every GET and POST, optionally over TLS
  (--cert/--key; TLS 1.2 at most, so that the certificate crosses the wire in clear text);
- random: reads the client's first bytes and sends random bytes back, like a FakeTLS relay.

Each server runs until it is killed.
"""

import argparse
import http.server
import os
import socket
import socketserver
import ssl
import threading

# Response headers per style, after the server blocks of the profiles (see profiles.py).
RESPONSE_HEADERS = {
    "jquery": [("Server", "NetDNA-cache/2.2"), ("Cache-Control", "max-age=0, no-cache"),
               ("Content-Type", "application/javascript; charset=utf-8")],
    "amazon": [("Server", "Server"), ("x-amz-id-1", "THKUYEZKCKPGY5T42PZT"), ("X-Frame-Options", "SAMEORIGIN")],
    "gmail": [("X-Content-Type-Options", "nosniff"), ("Server", "GSE"), ("Cache-Control", "public, max-age=31536000")],
    "onedrive": [("Cache-Control", "no-cache, no-store"), ("Content-Type", "text/html; charset=utf-8"),
                 ("Server", "Microsoft-IIS/8.5")],
    "ocsp": [("Content-Type", "application/ocsp-response"), ("Cache-Control", "max-age=547738, public")],
    "plain": [("Server", "nginx"), ("Content-Type", "text/plain")],
    "json": [("Server", "nginx"), ("Content-Type", "application/json")],
}


class ProfileHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    style = "plain"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        if self.style == "json":
            body = b'{"status":"ok","version":"4.2.1"}\n'
        elif self.path.endswith((".msi", ".zip")):
            body = os.urandom(16384)
        else:
            body = os.urandom(192).hex().encode()
        self.send_response(200)
        for name, value in RESPONSE_HEADERS[self.style]:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer


class ThreadingServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def serve_http(args):
    handler = type("Handler", (ProfileHandler,), {"style": args.style})
    server = ThreadingServer((args.bind, args.port), handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.maximum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def answer_randomly(connection):
    with connection:
        try:
            if connection.recv(4096):
                connection.sendall(os.urandom(256))
        except OSError:
            pass


def serve_random(args):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.bind, args.port))
    listener.listen(16)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=answer_randomly, args=(connection,), daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["http", "random"])
    parser.add_argument("--bind", required=True, help="address to listen on")
    parser.add_argument("--port", type=int, required=True, help="TCP port to listen on")
    parser.add_argument("--style", default="plain", choices=sorted(RESPONSE_HEADERS), help="response headers")
    parser.add_argument("--cert", help="PEM certificate chain; serves HTTPS when given")
    parser.add_argument("--key", help="PEM private key of --cert")
    args = parser.parse_args()
    if args.kind == "http":
        serve_http(args)
    else:
        serve_random(args)


if __name__ == "__main__":
    main()
