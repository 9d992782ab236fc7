"""Clients of the accuracy benchmark's generated scenarios.

`python3 traffic_clients.py SCENARIO --address A --port P [options]` plays one scenario against a
server that traffic_servers.py runs on A:P, then exits. The harness runs every scenario at once
against its own test address. Scenarios:

- cs-PROFILE (jquery, amazon, gmail, onedrive, ocsp): a Cobalt Strike-like HTTP beacon that
  follows the profile's requests with its scaled sleep and jitter (profiles.py); --tls for HTTPS;
- sunburst: SUNBURST-shaped requests, /swip/ paths and the Orion improvement client's user agent,
  at irregular times;
- faketls: connections that open with a TLS record header followed by random bytes;
- curl-poll: curl fetching a status URL every 2 s with 5 % jitter;
- updater: an application updater that fetches its manifest a few times and downloads a package;
- metrics-agent: a monitoring agent posting JSON metrics every 2 s with 10 % jitter;
- browser: curl with a browser user agent loading a page and its resources over HTTPS from a
  server whose certificate a local CA signed;
- fronting: a beacon that opens TLS to a front's name (--sni) and asks, inside the session, for
  a hidden host on a CDN domain, as domain-fronted C2 does;
- fake-chrome: an HTTPS beacon whose requests claim Chrome while its TLS stack is Python's.

TLS clients write their session secrets to $SSLKEYLOGFILE when it is set (curl does the same),
so that the harness can decrypt the capture.
"""

import argparse
import json
import os
import random
import socket
import ssl
import subprocess
import sys
import time

import profiles

FIREFOX_USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
CHROME_USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/138.0.0.0 Safari/537.36")
# A CloudFront distribution name of the shape CDNs give, standing for the hidden C2 endpoint.
FRONTED_HOST = "d2x8k4m9q1w5z7.cloudfront.net"


def read_response(stream):
    """Read one HTTP/1.1 response with a Content-Length; return its status line."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = stream.recv(4096)
        if not chunk:
            return data.split(b"\r\n", 1)[0].decode(errors="replace")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = stream.recv(65536)
        if not chunk:
            break
        body += chunk
    return head.split(b"\r\n", 1)[0].decode(errors="replace")


def send_request(args, request, user_agent, default_host):
    """Send one request on a new connection: the profile's headers, then those the implant's HTTP library adds."""
    headers = list(request["headers"])
    names = {name.lower() for name, _ in headers}
    headers.append(("User-Agent", user_agent))
    if "host" not in names:
        headers.append(("Host", default_host))
    headers.append(("Connection", "Keep-Alive"))
    headers.append(("Cache-Control", "no-cache"))
    body = request.get("body", b"")
    if request["method"] == "POST":
        headers.append(("Content-Length", str(len(body))))
    lines = [f"{request['method']} {request['uri']} HTTP/1.1"] + [f"{name}: {value}" for name, value in headers]
    payload = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    with socket.create_connection((args.address, args.port), timeout=10) as raw:
        stream = raw
        if args.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            if os.environ.get("SSLKEYLOGFILE"):
                context.keylog_filename = os.environ["SSLKEYLOGFILE"]
            stream = context.wrap_socket(raw, server_hostname=args.sni or default_host)
        stream.sendall(payload)
        return read_response(stream)


def cobalt_strike(args, name):
    profile = profiles.COBALT_STRIKE_PROFILES[name]
    host = profile["host"] or args.address
    rng = random.Random()
    for check_in in range(profile["check_ins"]):
        send_request(args, profile["get"](), profile["user_agent"], host)
        if check_in % profiles.POST_EVERY == profiles.POST_EVERY - 1:
            send_request(args, profile["post"](), profile["user_agent"], host)
        time.sleep(profile["sleep"] * (1.0 - rng.uniform(0.0, profile["jitter"])))


def sunburst(args):
    request = {"method": "GET", "uri": "", "headers": [("Accept", "*/*")]}
    rng = random.Random()
    for path in profiles.SUNBURST_PATHS * 2:
        request["uri"] = path
        request["method"] = "POST" if path.endswith(("Events", ".ashx")) else "GET"
        request["body"] = json.dumps({"userId": os.urandom(8).hex(), "sessionId": os.urandom(8).hex()}).encode()
        send_request(args, request, profiles.SUNBURST_USER_AGENT, "api.orion-telemetry.net")
        time.sleep(rng.uniform(0.5, 5.0))


def fake_tls(args):
    rng = random.Random()
    for _ in range(6):
        with socket.create_connection((args.address, args.port), timeout=10) as connection:
            body = os.urandom(512)
            connection.sendall(bytes([0x16, 0x03, 0x01]) + len(body).to_bytes(2, "big") + body)
            try:
                connection.recv(4096)
            except OSError:
                pass
        time.sleep(rng.uniform(0.5, 4.0))


def run_curl(arguments):
    subprocess.run(["curl", "-s", "-o", "/dev/null", "--max-time", "10"] + arguments, check=False)


def curl_poll(args):
    rng = random.Random()
    url = f"http://{args.address}:{args.port}/api/v2/status.json"
    for _ in range(25):
        run_curl(["-A", "status-board/3.4 (ops dashboard poller)", "-H", "Host: status.intranet-apps.com", url])
        time.sleep(2.0 * (1.0 + rng.uniform(-0.05, 0.05)))


def updater(args):
    rng = random.Random()
    base = f"http://{args.address}:{args.port}"
    user_agent = "ExampleApp-Updater/4.2.1 (Windows NT 10.0; Win64; x64)"
    host = ["-H", "Host: updates.exampleapp.com"]
    for attempt in range(4):
        run_curl(["-A", user_agent] + host + [base + "/releases/stable/manifest.json"])
        if attempt == 2:
            run_curl(["-A", user_agent] + host + [base + "/releases/stable/ExampleApp-4.3.0-x64.msi"])
        time.sleep(rng.uniform(2.0, 12.0))


def metrics_agent(args):
    rng = random.Random()
    url = f"http://{args.address}:{args.port}/api/v1/series"
    for sequence in range(25):
        metrics = {"series": [{"metric": "system.cpu.user", "points": [[int(time.time()), rng.uniform(0, 100)]],
                               "host": "web-01", "sequence": sequence}]}
        run_curl(["-A", "metrics-agent/7.49.0", "-H", "Host: metrics.monitoring-example.com",
                  "-H", "Content-Type: application/json", "-d", json.dumps(metrics), url])
        time.sleep(2.0 * (1.0 + rng.uniform(-0.10, 0.10)))


def browser(args):
    name = args.sni
    base = f"https://{name}:{args.port}"
    common = ["--cacert", args.cafile, "--resolve", f"{name}:{args.port}:{args.address}", "-A", FIREFOX_USER_AGENT,
              "-H", "Accept-Language: en-US,en;q=0.5"]
    rng = random.Random()
    pages = ["/", "/products/", "/cart/"]
    for page in pages:
        # One connection per page: the page, then its style sheet, script and images on it.
        resources = [page, "/static/site.css", "/static/app.js", "/static/logo.png", "/static/hero.jpg"]
        arguments = list(common)
        for resource in resources:
            arguments += [base + resource, "-o", "/dev/null"]
        run_curl(arguments)
        time.sleep(rng.uniform(1.0, 8.0))


def fronting(args):
    rng = random.Random()
    request = {"method": "GET", "uri": "", "headers": [("Host", FRONTED_HOST), ("Accept", "*/*")]}
    for check_in in range(10):
        request["uri"] = f"/jquery-3.3.1.min.js?v={rng.randrange(10**6)}"
        send_request(args, request, profiles.COBALT_STRIKE_PROFILES["jquery"]["user_agent"], FRONTED_HOST)
        time.sleep(2.5 * (1.0 - rng.uniform(0.0, 0.3)))


def fake_chrome(args):
    rng = random.Random()
    request = {"method": "GET", "uri": "", "headers": [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
                                                        ("Accept-Language", "en-US,en;q=0.9")]}
    for check_in in range(10):
        request["uri"] = f"/api/v1/updates?id={os.urandom(6).hex()}"
        send_request(args, request, CHROME_USER_AGENT, args.sni)
        time.sleep(2.0 * (1.0 - rng.uniform(0.0, 0.2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario")
    parser.add_argument("--address", required=True, help="server address")
    parser.add_argument("--port", type=int, required=True, help="server TCP port")
    parser.add_argument("--tls", action="store_true", help="speak HTTPS (certificate not verified)")
    parser.add_argument("--sni", help="TLS server name; for cs-* the default is the Host header")
    parser.add_argument("--cafile", help="CA certificate that the browser scenario trusts")
    args = parser.parse_args()
    scenario = args.scenario
    if scenario.startswith("cs-") and scenario[3:] in profiles.COBALT_STRIKE_PROFILES:
        cobalt_strike(args, scenario[3:])
    elif scenario in ("sunburst", "faketls", "curl-poll", "updater", "metrics-agent", "browser", "fronting",
                      "fake-chrome"):
        {"sunburst": sunburst, "faketls": fake_tls, "curl-poll": curl_poll, "updater": updater,
         "metrics-agent": metrics_agent, "browser": browser, "fronting": fronting,
         "fake-chrome": fake_chrome}[scenario](args)
    else:
        sys.exit(f"unknown scenario '{scenario}'")


if __name__ == "__main__":
    main()
