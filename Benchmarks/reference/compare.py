#!/usr/bin/env python3
"""Runs nmt-bench and the PyTorch reference alternately (A B A B ...) and prints ratios.

  python3 Benchmarks/reference/compare.py --presets small --threads 1 2 --rounds 3
  python3 Benchmarks/reference/compare.py --presets small iwslt --only decoding
  python3 Benchmarks/reference/compare.py --isa avx2 avx512     # each kernel path against torch

Ours runs once per kernel path (--isa; default: every path this CPU supports, from
/proc/cpuinfo), each path beside the same torch figures of the round.

On a CPU that multiplies bf16 natively (AVX-512 with avx512_bf16, as nmt-bench's bf16
training rows need) training has bf16 rows too, e.g. "train labo bf16 tgt tok/s": ours'
bf16 step beside torch's under CPU autocast (torch_transformer.py --dtype bf16), next to
the fp32 rows. Elsewhere torch would emulate bf16, so neither side runs it. The peak
memory row keeps torch's fp32 runs; ours' is its one process's peak over both precisions.

Needs a release build of nmt-bench (swift build -c release --product nmt-bench) and
torch. Each round runs ours then the reference for every case; the medians over rounds
are compared, so machine noise hits both sides alike. Prints a table and one JSON line.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BENCH = os.path.join(ROOT, ".build", "release", "nmt-bench")


WIDE = ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"]


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line for line in f if line.startswith("flags")).split()
    except (OSError, StopIteration):
        return []


def supported_paths():
    """The kernel paths this CPU runs (Tensor.VectorISA): AVX-512 needs F, CD, BW, DQ and VL."""
    return ["avx2", "avx512"] if all(flag in cpu_flags() for flag in WIDE) else ["avx2"]


def multiplies_bf16():
    """CPUFeatures.multipliesBF16Natively: the flags that nmt-bench's bf16 rows need."""
    return all(flag in cpu_flags() for flag in WIDE + ["avx512_bf16"])


def ours(scenario, preset, threads, isa):
    out = subprocess.run([BENCH, "--scenario", scenario, "--preset", preset, "--threads", str(threads), "--rounds", "3",
                          "--isa", isa], check=True, capture_output=True, text=True).stdout
    document = json.loads(out[out.index("{"):])
    return {m["name"]: m["value"] for m in document["measurements"]}


def reference(mode, preset, threads, **extra):
    command = [sys.executable, os.path.join(HERE, "torch_transformer.py"), mode, "--preset", preset, "--threads", str(threads),
               "--steps", "3"]
    for key, value in extra.items():
        command += ["--" + key.replace("_", "-"), str(value)]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--presets", nargs="+", default=["small"])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["training", "decoding"], help="run one half of the comparison")
    parser.add_argument("--isa", nargs="+", default=supported_paths(), help="kernel paths of ours to measure")
    args = parser.parse_args()
    dtypes = ["fp32", "bf16"] if multiplies_bf16() else ["fp32"]
    samples = {}

    def add(key, value):
        samples.setdefault(key, []).append(value)

    def train_case(preset, t):
        for isa in args.isa:
            ours_train = ours("training", preset, t, isa)
            for name in ["labo", "label_smoothed"]:
                add((preset, t, f"train {name} tgt tok/s", isa), ours_train[f"{preset} {name} tgt tok/s"])
                if f"{preset} {name} bf16 tgt tok/s" in ours_train:
                    add((preset, t, f"train {name} bf16 tgt tok/s", isa), ours_train[f"{preset} {name} bf16 tgt tok/s"])
            add((preset, t, "peak memory MiB", isa), ours_train["peak resident memory"])
        for criterion in ["labo", "label_smoothed"]:
            for dtype in dtypes:
                ref = reference("train", preset, t, criterion=criterion, dtype=dtype)
                suffix = "" if dtype == "fp32" else " bf16"
                add((preset, t, f"train {criterion}{suffix} tgt tok/s", "torch"), ref["tgt_tokens_per_second"])
                # autocast's bf16 weight copies and activations move torch's peak: the row
                # stays fp32 against fp32 on torch's side, as before the bf16 rows.
                if dtype == "fp32":
                    add((preset, t, "peak memory MiB", "torch"), ref["peak_rss_mb"])

    def decode_case(preset, t):
        for isa in args.isa:
            ours_decode = ours("decoding", preset, t, isa)
            for beam in [1, 5]:
                label = "greedy" if beam == 1 else f"beam {beam}"
                add((preset, t, f"decode {label} out tok/s", isa), ours_decode[f"{preset} {label} batch 32"])
                # int8 against PyTorch's dynamic int8 (quantize_dynamic of its nn.Linear layers).
                add((preset, t, f"decode {label} int8 out tok/s", isa), ours_decode[f"{preset} {label} batch 32 int8"])
        for beam in [1, 5]:
            label = "greedy" if beam == 1 else f"beam {beam}"
            ref = reference("decode", preset, t, beam=beam)
            add((preset, t, f"decode {label} out tok/s", "torch"), ref["output_tokens_per_second"])
            ref = reference("decode", preset, t, beam=beam, dtype="int8")
            add((preset, t, f"decode {label} int8 out tok/s", "torch"), ref["output_tokens_per_second"])

    for _ in range(args.rounds):
        for preset in args.presets:
            for t in args.threads:
                if args.only != "decoding":
                    train_case(preset, t)
                if args.only != "training":
                    decode_case(preset, t)

    rows = []
    for (preset, t, name, side) in sorted(samples):
        if side == "torch":
            continue
        if (preset, t, name, "torch") not in samples:
            # The two sides' bf16 checks disagree (say nmt-bench's changed): name the figure
            # rather than drop it unseen or end a long run on a KeyError.
            print(f"note: {preset} {t} threads {side} {name!r} has no torch figure; row left out", file=sys.stderr)
            continue
        a = statistics.median(samples[(preset, t, name, side)])
        b = statistics.median(samples[(preset, t, name, "torch")])
        # Each round's own ratio too: a round's two sides run minutes apart, not hours, so
        # when the host changes speed between rounds these move less than the medians' ratio.
        per_round = [x / y for x, y in zip(samples[(preset, t, name, side)], samples[(preset, t, name, "torch")])]
        rows.append({"preset": preset, "threads": t, "isa": side, "figure": name, "ours": a, "torch": b, "ratio": a / b,
                     "round_ratios": per_round})
    print(f"{'preset':7} {'thr':>3} {'path':6}  {'figure':35} {'ours':>10} {'torch':>10} {'ours/torch':>10}  per round")
    for r in rows:
        rounds = " ".join(f"{x:.2f}" for x in r["round_ratios"])
        print(f"{r['preset']:7} {r['threads']:>3} {r['isa']:6}  {r['figure']:35} {r['ours']:10.1f} {r['torch']:10.1f} "
              f"{r['ratio']:10.2f}  {rounds}")
    print(json.dumps({"rounds": args.rounds, "rows": rows}))


if __name__ == "__main__":
    main()
