#!/usr/bin/python3
"""Record one TLS session between a Python ssl client and server, for tls_decrypt_test.

Both ends run in this process over ssl.MemoryBIO, so no socket is opened. The client writes an
NSS key log (SSLContext.keylog_filename), sends a known HTTP request, the server replies with a
known response, and both send close_notify. Files written to --out:
  client_to_server.bin, server_to_client.bin  raw stream bytes of each direction
  keylog.txt                                  the client's key log
  request.bin, response.bin                   the application data sent
  cert.der                                    the server certificate
The negotiated version and cipher are printed as one JSON line.

TLS 1.3 suites cannot be chosen through the ssl module (Python 3.11), so the script writes an
OpenSSL configuration with Ciphersuites and MinProtocol and points OPENSSL_CONF at it before
importing ssl. Uses the standard library and the openssl command only.
"""

import argparse
import json
import os
import subprocess
import sys
import warnings

# SSL_OP_NO_ENCRYPT_THEN_MAC of OpenSSL 1.1 and 3.x; the ssl module has no name for it.
OP_NO_ENCRYPT_THEN_MAC = 1 << 19

REQUEST = b"GET /beacon?id=42 HTTP/1.1\r\nHost: test.example\r\nUser-Agent: unmask-test\r\nAccept: */*\r\n\r\n"
RESPONSE_BODY = bytes((i * 7 + 3) % 251 for i in range(40000))
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
    + str(len(RESPONSE_BODY)).encode()
    + b"\r\n\r\n"
    + RESPONSE_BODY
)


def write_openssl_config(path, tls13_suite):
    lines = [
        "openssl_conf = openssl_init",
        "[openssl_init]",
        "ssl_conf = ssl_configuration",
        "[ssl_configuration]",
        "system_default = tls_defaults",
        "[tls_defaults]",
        "MinProtocol = TLSv1",
        "CipherString = DEFAULT:@SECLEVEL=0",
    ]
    if tls13_suite:
        lines.append("Ciphersuites = " + tls13_suite)
    with open(path, "w") as config:
        config.write("\n".join(lines) + "\n")


def make_certificate(directory):
    """Create a self-signed RSA certificate and the RFC 7919 ffdhe2048 group for DHE suites."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    dh = os.path.join(directory, "dh.pem")
    if not os.path.exists(cert):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test", "-days", "1",
             "-keyout", key, "-out", cert],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(dh):
        subprocess.run(["openssl", "genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048",
                        "-out", dh], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key, dh


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory")
    parser.add_argument("--cert-dir", required=True, help="directory of cert.pem/key.pem, created when missing")
    parser.add_argument("--version", required=True, choices=["1.0", "1.1", "1.2", "1.3"])
    parser.add_argument("--cipher", required=True,
                        help="OpenSSL cipher name for TLS 1.2 and earlier, IANA suite name for TLS 1.3")
    parser.add_argument("--no-etm", action="store_true", help="client refuses encrypt-then-MAC (RFC 7366)")
    args = parser.parse_args()

    os.makedirs(args.out, exist_ok=True)
    cert, key, dh = make_certificate(args.cert_dir)
    config = os.path.join(args.out, "openssl.cnf")
    write_openssl_config(config, args.cipher if args.version == "1.3" else None)
    os.environ["OPENSSL_CONF"] = config
    import ssl  # noqa: E402  (after OPENSSL_CONF, which OpenSSL reads when the module loads)

    warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0 and 1.1 are deprecated on purpose here

    version = {"1.0": ssl.TLSVersion.TLSv1, "1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2,
               "1.3": ssl.TLSVersion.TLSv1_3}[args.version]
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server_context.load_dh_params(dh)
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.check_hostname = False
    client_context.verify_mode = ssl.CERT_NONE
    keylog = os.path.join(args.out, "keylog.txt")
    if os.path.exists(keylog):
        os.remove(keylog)
    client_context.keylog_filename = keylog
    for context in (server_context, client_context):
        context.minimum_version = version
        context.maximum_version = version
        if args.version != "1.3":
            context.set_ciphers(args.cipher + ":@SECLEVEL=0")
    if args.no_etm:
        client_context.options |= OP_NO_ENCRYPT_THEN_MAC

    client_in, client_out, server_in, server_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_context.wrap_bio(client_in, client_out, server_hostname="test.example")
    server = server_context.wrap_bio(server_in, server_out, server_side=True)
    to_server = bytearray()
    to_client = bytearray()

    def pump():
        moved = False
        data = client_out.read()
        if data:
            to_server.extend(data)
            server_in.write(data)
            moved = True
        data = server_out.read()
        if data:
            to_client.extend(data)
            client_in.write(data)
            moved = True
        return moved

    def attempt(operation):
        try:
            return operation(), True
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return None, False

    done = {"client": False, "server": False}
    for _ in range(100):
        if not done["client"]:
            done["client"] = attempt(client.do_handshake)[1]
        if not done["server"]:
            done["server"] = attempt(server.do_handshake)[1]
        if not pump() and all(done.values()):
            break

    def transfer(sender, receiver, payload):
        sender.write(payload)
        received = bytearray()
        for _ in range(1000):
            pump()
            data, ok = attempt(lambda: receiver.read(65536))
            if ok and data:
                received.extend(data)
            if len(received) >= len(payload):
                break
        if bytes(received) != payload:
            sys.exit("transfer failed: %d of %d bytes arrived" % (len(received), len(payload)))

    transfer(client, server, REQUEST)
    transfer(server, client, RESPONSE)
    attempt(client.unwrap)
    pump()
    attempt(server.unwrap)
    pump()

    files = {
        "client_to_server.bin": bytes(to_server),
        "server_to_client.bin": bytes(to_client),
        "request.bin": REQUEST,
        "response.bin": RESPONSE,
        "cert.der": ssl.PEM_cert_to_DER_cert(open(cert).read()),
    }
    for name, data in files.items():
        with open(os.path.join(args.out, name), "wb") as out:
            out.write(data)
    print(json.dumps({"version": client.version(), "cipher": client.cipher()[0]}))


if __name__ == "__main__":
    main()
