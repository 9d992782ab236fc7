#!/usr/bin/env python3
"""Measure precision and recall of unmask's detection pack on labelled cases.

    python3 bench/accuracy/run_accuracy.py --unmask build/unmask

Runs `unmask hunt` on every case of cases.yaml: corpus captures and logs, and traffic that this
script generates at run time in a network namespace (lab.py, traffic_clients.py,
traffic_servers.py) and records with tcpdump. A POS case counts as found by a rule when that rule
reports it at any severity. A BEN case is a false alarm of every rule that reports it at medium
severity or above. Prints a table per rule, the totals, the misses and the false alarms.

Exit status: 0 when every POS case is found by each expected rule and no BEN case has a medium+
finding outside its known_false_alarms, 1 when a check fails, 2 on a usage or setup error, 77
when a prerequisite is missing (root, tcpdump, tshark, iproute2, curl, openssl, the corpus).
"""

import argparse
import concurrent.futures
import hashlib
import os
import shutil
import subprocess
import sys
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# Keep __pycache__ folders out of the source tree; the clients run with python3 -B likewise.
sys.dont_write_bytecode = True

import lab  # noqa: E402
import scoring  # noqa: E402

REPOSITORY = os.path.dirname(os.path.dirname(HERE))
SKIP = 77


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unmask", required=True, help="path of the unmask binary")
    parser.add_argument("--rules", default=os.path.join(REPOSITORY, "rules"), help="rules folder (default: rules/)")
    parser.add_argument("--corpus", default=os.path.join(os.path.dirname(REPOSITORY), "shared", "corpus"),
                        help="corpus folder (default: ../shared/corpus next to the repository)")
    parser.add_argument("--cases", default=os.path.join(HERE, "cases.yaml"), help="case list (default: cases.yaml)")
    parser.add_argument("--work-dir", help="folder for captures, configuration and findings "
                                           "(default: accuracy/ next to the unmask binary); emptied first")
    parser.add_argument("--markdown", help="also write the results as a markdown section to this file")
    parser.add_argument("--verdicts", help="also write one tab-separated line per check to this file")
    parser.add_argument("--case", action="append", help="run only this case id (repeatable)")
    parser.add_argument("--no-generated", action="store_true", help="skip the generated traffic cases")
    return parser.parse_args()


def missing_prerequisite(need_generated):
    programs = ["tshark"] + (["tcpdump", "ip", "curl", "openssl"] if need_generated else [])
    for program in programs:
        if shutil.which(program) is None:
            return f"{program} is not installed (scripts/install-deps.sh installs it)"
    if need_generated and os.geteuid() != 0:
        return "generating traffic needs root for the network namespace and tcpdump; run as root or pass --no-generated"
    return None


def certificate_sha1(capture_path):
    """Return the SHA-1 of the first certificate in a capture, read with tshark."""
    output = subprocess.run(["tshark", "-r", capture_path, "-Y", "tls.handshake.type == 11", "-T", "fields",
                             "-e", "tls.handshake.certificate"], check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        first = line.split(",")[0].replace(":", "").strip()
        if first:
            return hashlib.sha1(bytes.fromhex(first)).hexdigest()
    raise RuntimeError(f"tshark found no certificate in {capture_path}")


def write_config(work_dir, corpus):
    """Write the site configuration that every case runs with: the corpus's JA3 and JA4 lists and a SHA-1 list."""
    sha1 = certificate_sha1(os.path.join(corpus, "ndpi", "tls_malicious_sha1.pcapng"))
    sha1_list = os.path.join(work_dir, "certificate-sha1.txt")
    with open(sha1_list, "w") as file:
        file.write("# The leaf certificate of ndpi/tls_malicious_sha1.pcapng, read with tshark at run time.\n")
        file.write(f"{sha1} ndpi-test-blocklisted-certificate\n")
    config = {
        "lists": {
            "Ja3Blocklist": {"file": os.path.join(corpus, "ja3-lists", "abusech_sslbl_ja3_fingerprints_copy2021.csv"),
                             "format": "abusech-ja3-csv"},
            "Ja4Mapping": {"file": os.path.join(corpus, "ja4", "ja4plus-mapping.csv"), "format": "foxio-ja4-csv"},
            "CertificateSha1Blocklist": {"file": sha1_list, "format": "lines"},
        },
    }
    path = os.path.join(work_dir, "unmask.yaml")
    with open(path, "w") as file:
        yaml.safe_dump(config, file, sort_keys=False)
    return path


def hunt(args, config, case_id, inputs, work_dir, key_log=None):
    """Run `unmask hunt` on one case; return (fired rules, error text or None)."""
    out = os.path.join(work_dir, case_id + ".jsonl")
    log = os.path.join(work_dir, case_id + ".log")
    command = [args.unmask, "hunt", "--format", "jsonl", "--no-merge", "--now", "latest", "--rules", args.rules,
               "--config", config, "--threads", "1", "-o", out] + inputs
    if key_log:
        command += ["--tls-keylog", key_log]
    with open(log, "w") as log_file:
        status = subprocess.run(command, stdout=log_file, stderr=log_file).returncode
    if status != 0:
        with open(log) as log_file:
            return {}, f"exit status {status}: " + scoring.one_line(log_file.read(), 300)
    return scoring.read_findings(out), None


def key_log_path(work_dir, case_id):
    """Return the file where a scenario with `keylog: true` writes its TLS session secrets."""
    return os.path.join(work_dir, case_id + ".keys.log")


def generate_traffic(cases, work_dir):
    """Play every generated scenario at once; return {case id: capture path}."""
    network = lab.TestNetwork(work_dir)
    capture = None
    try:
        network.setup(len(cases))
        certificates, ca_path = lab.make_certificates(work_dir)
        servers = []
        for index, case in enumerate(cases):
            scenario = case["scenario"]
            address = network.server_address(index)
            command = [sys.executable, "-B", os.path.join(HERE, "traffic_servers.py"), scenario["server"], "--bind", address,
                       "--port", str(scenario["port"]), "--style", scenario.get("style", "plain")]
            if "certificate" in scenario:
                chain, key = certificates[scenario["certificate"]]
                command += ["--cert", chain, "--key", key]
            network.start_server(command, case["id"] + ".server.log")
            servers.append((address, scenario["port"]))
        for address, port in servers:
            if not lab.wait_for_port(address, port):
                raise RuntimeError(f"the test server on {address}:{port} did not start (see {work_dir}/*.server.log)")
        # Capture after the readiness probes, so that they stay out of the captures.
        all_path = os.path.join(work_dir, "generated-all.pcap")
        capture = lab.Capture(network.host_link, all_path, "tcp")
        if not capture.wait_until_listening():
            raise RuntimeError(f"tcpdump could not capture on {network.host_link}: see {capture.log_path}")
        clients = []
        for (address, port), case in zip(servers, cases):
            scenario = case["scenario"]
            command = [sys.executable, "-B", os.path.join(HERE, "traffic_clients.py"), scenario["client"], "--address", address,
                       "--port", str(port), "--cafile", ca_path]
            if scenario.get("tls"):
                command.append("--tls")
            if "sni" in scenario:
                command += ["--sni", scenario["sni"]]
            environment = dict(os.environ)
            environment.pop("SSLKEYLOGFILE", None)
            if scenario.get("keylog"):
                environment["SSLKEYLOGFILE"] = key_log_path(work_dir, case["id"])
            log = open(os.path.join(work_dir, case["id"] + ".client.log"), "w")
            clients.append((case["id"], subprocess.Popen(command, stdout=log, stderr=log, cwd=HERE, env=environment)))
        failed = [case_id for case_id, process in clients if process.wait() != 0]
        capture.stop()
        capture = None
        if failed:
            raise RuntimeError("traffic clients failed: " + ", ".join(failed) + f" (see {work_dir}/<case>.client.log)")
        paths = {}
        for (address, _), case in zip(servers, cases):
            paths[case["id"]] = os.path.join(work_dir, case["id"] + ".pcap")
            lab.split_capture(all_path, address, paths[case["id"]])
        return paths
    finally:
        if capture is not None:
            capture.stop()
        network.teardown()


def main():
    args = parse_arguments()
    with open(args.cases) as file:
        case_list = yaml.safe_load(file)
    corpus_cases = case_list["corpus_cases"]
    generated_cases = [] if args.no_generated else case_list["generated_cases"]
    if args.case:
        corpus_cases = [c for c in corpus_cases if c["id"] in args.case]
        generated_cases = [c for c in generated_cases if c["id"] in args.case]
    if not os.path.isdir(args.corpus):
        print(f"corpus folder {args.corpus} not found; pass --corpus", file=sys.stderr)
        return SKIP
    reason = missing_prerequisite(bool(generated_cases))
    if reason:
        print(reason, file=sys.stderr)
        return SKIP
    if not os.access(args.unmask, os.X_OK):
        print(f"unmask binary {args.unmask} not found or not executable; pass --unmask", file=sys.stderr)
        return 2
    work_dir = args.work_dir or os.path.join(os.path.dirname(os.path.abspath(args.unmask)), "accuracy")
    shutil.rmtree(work_dir, ignore_errors=True)
    os.makedirs(work_dir)
    config = write_config(work_dir, args.corpus)
    started = time.monotonic()

    # The corpus hunts run while the generated traffic plays, on a second worker.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        corpus_futures = [
            pool.submit(hunt, args, config, case["id"], [os.path.join(args.corpus, p) for p in case["inputs"]], work_dir)
            for case in corpus_cases]
        captures = generate_traffic(generated_cases, work_dir) if generated_cases else {}
        results = [scoring.CaseResult(case, *future.result()) for case, future in zip(corpus_cases, corpus_futures)]
    for case in generated_cases:
        key_log = key_log_path(work_dir, case["id"]) if case["scenario"].get("keylog") else None
        results.append(
            scoring.CaseResult(case, *hunt(args, config, case["id"], [captures[case["id"]]], work_dir, key_log)))

    print(scoring.text_report(results))
    print(f"\nelapsed {time.monotonic() - started:.0f} s; captures, configuration and findings in {work_dir}")
    if args.markdown:
        with open(args.markdown, "w") as file:
            file.write(scoring.markdown_report(results))
    verdicts = scoring.verdict_lines(results)
    if args.verdicts:
        with open(args.verdicts, "w") as file:
            file.write("\n".join(verdicts) + "\n")
    return 1 if any("\tFAIL\t" in line for line in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
