"""Test network, certificates and capture of the accuracy benchmark's generated scenarios.

Loopback cannot stand in for the Internet here. unmask types 127.0.0.0/8 as Loopback whatever
internal_networks contains, and the HTTP, certificate and payload rules leave 127.0.0.0/8 out
by address. So the servers run in a network namespace made for the run, behind a veth pair, on
addresses of 198.18.0.0/15, the range RFC 2544 reserves for benchmark tests: no other host
owns them and unmask types them Public. The client side stays in the calling namespace.
Needs root, iproute2 and tcpdump.
"""

import os
import signal
import socket
import subprocess
import time


def run(command):
    """Run a command; raise RuntimeError with its output when it fails."""
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with status {result.returncode}: {result.stderr.strip()}")
    return result


class TestNetwork:
    """A namespace with one veth pair; the host end is .1 of a /24 of 198.18.0.0/15."""

    def __init__(self, work_dir):
        self.work_dir = work_dir
        tag = os.getpid() % 100000
        self.namespace = f"unmask-acc-{tag}"
        self.host_link = f"uacc{tag}h"
        self.peer_link = f"uacc{tag}p"
        # A /24 per process id, so that two runs at once do not collide.
        self.prefix = f"198.18.{tag % 250 + 1}"
        self.client_address = self.prefix + ".1"
        self.server_processes = []
        self.created = False

    def server_address(self, index):
        return f"{self.prefix}.{10 + index}"

    def setup(self, server_count):
        run(["ip", "netns", "add", self.namespace])
        self.created = True
        run(["ip", "link", "add", self.host_link, "type", "veth", "peer", "name", self.peer_link,
             "netns", self.namespace])
        run(["ip", "addr", "add", self.client_address + "/24", "dev", self.host_link])
        run(["ip", "link", "set", self.host_link, "up"])
        inside = ["ip", "netns", "exec", self.namespace]
        for index in range(server_count):
            run(inside + ["ip", "addr", "add", self.server_address(index) + "/24", "dev", self.peer_link])
        run(inside + ["ip", "link", "set", self.peer_link, "up"])
        run(inside + ["ip", "link", "set", "lo", "up"])

    def start_server(self, arguments, log_name):
        log = open(os.path.join(self.work_dir, log_name), "w")
        process = subprocess.Popen(["ip", "netns", "exec", self.namespace] + arguments, stdout=log, stderr=log,
                                   start_new_session=True)
        self.server_processes.append(process)
        return process

    def teardown(self):
        for process in self.server_processes:
            stop(process, signal.SIGTERM)
        self.server_processes = []
        if self.created:
            subprocess.run(["ip", "link", "del", self.host_link], capture_output=True)
            subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True)
            self.created = False


def stop(process, signal_number):
    """Signal the process group of a process started with start_new_session and wait for it."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal_number)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_port(address, port, seconds=20):
    """Wait until something accepts TCP connections on address:port; return False on timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Capture:
    """tcpdump on the host end of the veth pair, writing every packet at once."""

    def __init__(self, interface, pcap_path, filter_text):
        self.pcap_path = pcap_path
        self.log_path = pcap_path + ".log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            ["tcpdump", "-i", interface, "--immediate-mode", "-U", "-s", "0", "-w", pcap_path, filter_text],
            stdout=self.log, stderr=self.log, start_new_session=True)

    def wait_until_listening(self, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with open(self.log_path) as log:
                if "listening on" in log.read():
                    return True
            if self.process.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def stop(self):
        # -U and --immediate-mode write each packet at once; the pause only covers scheduling.
        time.sleep(0.5)
        stop(self.process, signal.SIGINT)
        self.log.close()


def split_capture(pcap_path, address, out_path):
    """Write the packets to or from one address into their own capture."""
    run(["tcpdump", "-r", pcap_path, "-w", out_path, "host " + address])


def make_certificates(directory):
    """Create the scenarios' certificates with openssl; return {name: (chain_pem, key_pem)} and the CA path.

    gmail: self-signed with the subject of the Gmail profile's https-certificate block.
    cs-default: Cobalt Strike's default team-server certificate (subject and serial 146473198),
      without its C=Earth, which openssl rejects because a country name has two letters.
    ca-signed: a server certificate for www.shop-example.com signed by a CA made for the run.
    """
    def path(name):
        return os.path.join(directory, name)

    def self_signed(name, subject, extra):
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365", "-subj", subject,
             "-keyout", path(name + ".key"), "-out", path(name + ".pem")] + extra)

    self_signed("gmail", "/C=US/ST=CA/L=Mountain View/O=Google GMail/OU=Google Mail/CN=gmail.com", [])
    self_signed("cs-default",
                "/ST=Cyberspace/L=Somewhere/O=cobaltstrike/OU=AdvancedPenTesting/CN=Major Cobalt Strike",
                ["-set_serial", "146473198"])
    self_signed("ca", "/C=US/O=Unmask Accuracy Bench/CN=Unmask Accuracy Bench Root CA",
                ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/C=US/O=Shop Example Inc/CN=www.shop-example.com",
         "-keyout", path("ca-signed.key"), "-out", path("ca-signed.csr")])
    extensions = path("ca-signed.ext")
    with open(extensions, "w") as file:
        file.write("subjectAltName=DNS:www.shop-example.com,DNS:shop-example.com\n"
                   "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", path("ca-signed.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
         "-CAcreateserial", "-days", "365", "-extfile", extensions, "-out", path("ca-signed.leaf.pem")])
    with open(path("ca-signed.pem"), "w") as chain:
        for part in ("ca-signed.leaf.pem", "ca.pem"):
            with open(path(part)) as file:
                chain.write(file.read())
    certificates = {name: (path(name + ".pem"), path(name + ".key")) for name in ("gmail", "cs-default", "ca-signed")}
    return certificates, path("ca.pem")
