#!/usr/bin/env python3
"""Load test of `nmt serve` on loopback, against `nmt translate` on the same sentences.

Starts `nmt serve` (release build) on a free port, then for each client count runs that
many concurrent clients, each sending a fixed number of LibreTranslate requests of one
sentence (POST /translate, a kept-alive connection per client). Reports throughput
(sentences/s), p50/p95/p99 latency, errors and the server's peak memory (VmHWM), and
times `nmt translate` on exactly the sentences of the largest run with the same threads
and search, alternating the two several rounds so that a noisy machine shows as spread.

Developers' script: standard library only, no third-party packages.

  python3 scripts/serve-load.py --model runs/NAME/checkpoints/best --sentences corpora/bible-es-en/data/test.es
"""
import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NMT = os.path.join(ROOT, ".build", "release", "nmt")


def start_server(args):
    command = [NMT, "serve", "--model", args.model, "--port", "0", "--threads", str(args.threads),
               "--beam", str(args.beam), "--max-batch", str(args.max_batch), "--max-wait-ms", str(args.max_wait_ms),
               "--queue-capacity", str(max(1024, 4 * max(args.clients))), "--source", args.source, "--target", args.target]
    log = open(os.path.join(args.scratch, "serve.log"), "w+")
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.time() + 60
    while time.time() < deadline:
        log.seek(0)
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", log.read())
        if match:
            return server, int(match.group(1)), log
        if server.poll() is not None:
            sys.exit("nmt serve exited: " + open(log.name).read())
        time.sleep(0.05)
    sys.exit("nmt serve did not start")


async def client(port, sentences, first, count, latencies, errors, deadline):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for k in range(count):
            if time.monotonic() > deadline:
                errors.append("deadline")
                return
            body = json.dumps({"q": sentences[(first + k) % len(sentences)], "source": "es", "target": "en"}).encode()
            request = (b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
            answer = await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status != 200 or "translatedText" not in json.loads(answer):
                errors.append(f"{status} {answer[:200]!r}")
    finally:
        writer.close()


async def run_clients(port, sentences, clients, per_client, time_limit):
    latencies, errors = [], []
    deadline = time.monotonic() + time_limit
    started = time.perf_counter()
    await asyncio.gather(*(client(port, sentences, c * per_client, per_client, latencies, errors, deadline)
                           for c in range(clients)))
    return time.perf_counter() - started, latencies, errors


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def peak_memory_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def time_translate(args, sentences):
    path = os.path.join(args.scratch, "sentences.txt")
    with open(path, "w") as f:
        f.write("\n".join(sentences) + "\n")
    command = [NMT, "translate", "--model", args.model, "--input", path, "--output", os.path.join(args.scratch, "out.txt"),
               "--threads", str(args.threads), "--beam", str(args.beam)]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--sentences", required=True, help="source sentences, one per line")
    parser.add_argument("--source", default="es")
    parser.add_argument("--target", default="en")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 64])
    parser.add_argument("--requests", type=int, nargs="+", default=[40, 20, 10],
                        help="requests per client, one per --clients entry")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--max-batch", type=int, default=64)
    parser.add_argument("--max-wait-ms", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=600, help="seconds per client run")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    if len(args.requests) != len(args.clients):
        sys.exit("--requests needs one count per --clients entry")
    with open(args.sentences) as f:
        sentences = [line.rstrip("\n") for line in f if line.strip()]
    args.scratch = tempfile.mkdtemp(prefix="nmt-serve-load-")
    results = {c: [] for c in args.clients}
    translate_seconds = []
    largest = max(zip(args.clients, args.requests), key=lambda pair: pair[0] * pair[1])
    baseline = [sentences[i % len(sentences)] for i in range(largest[0] * largest[1])]
    server, port, log = start_server(args)
    try:
        for _ in range(args.rounds):
            for clients, per_client in zip(args.clients, args.requests):
                elapsed, latencies, errors = asyncio.run(run_clients(port, sentences, clients, per_client, args.time_limit))
                results[clients].append((elapsed, latencies, errors))
            # The reference runs while the server idles (it holds its memory, not the CPU).
            translate_seconds.append(time_translate(args, baseline))
        memory = peak_memory_mib(server.pid)
    finally:
        server.terminate()
        server.wait()
    health_rows = []
    for clients, per_client in zip(args.clients, args.requests):
        runs = results[clients]
        rates = [len(lat) / elapsed for elapsed, lat, _ in runs]
        latencies = [x for _, lat, _ in runs for x in lat]
        errors = sum(len(e) for _, _, e in runs)
        health_rows.append({
            "clients": clients, "requests_per_client": per_client, "rounds": len(runs),
            "sentences_per_second_median": statistics.median(rates), "sentences_per_second_runs": rates,
            "latency_ms": {"p50": 1e3 * percentile(latencies, 50), "p95": 1e3 * percentile(latencies, 95),
                           "p99": 1e3 * percentile(latencies, 99)},
            "errors": errors,
        })
    translate_rate = [len(baseline) / s for s in translate_seconds]
    report = {"model": args.model, "threads": args.threads, "beam": args.beam, "max_batch": args.max_batch,
              "max_wait_ms": args.max_wait_ms, "serve": health_rows, "server_peak_rss_mib": memory,
              "translate_sentences": len(baseline), "translate_sentences_per_second_median": statistics.median(translate_rate),
              "translate_sentences_per_second_runs": translate_rate}
    top = next(row for row in health_rows if row["clients"] == largest[0])
    report["ratio_largest_to_translate"] = top["sentences_per_second_median"] / report["translate_sentences_per_second_median"]
    print("| clients | requests | sentences/s (median of %d) | p50 ms | p95 ms | p99 ms | errors |" % args.rounds)
    print("|--:|--:|--:|--:|--:|--:|--:|")
    for row in health_rows:
        print("| %d | %d × %d | %.1f | %.0f | %.0f | %.0f | %d |" % (
            row["clients"], row["clients"], row["requests_per_client"], row["sentences_per_second_median"],
            row["latency_ms"]["p50"], row["latency_ms"]["p95"], row["latency_ms"]["p99"], row["errors"]))
    print("nmt translate, same %d sentences: %.1f sentences/s (median of %d)" % (
        len(baseline), report["translate_sentences_per_second_median"], args.rounds))
    print("serve at %d clients ÷ nmt translate: %.2f; server peak RSS %.0f MiB" % (
        largest[0], report["ratio_largest_to_translate"], memory))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
