#!/usr/bin/env python3
"""How fast oneDNN's bf16 products run inside a training step, from its verbose log.

Reads the log of `ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1 nmt train --precision bf16 ...`
(scripts/bf16-products-in-step.sh makes one) and prints, per kind of call, the number of
calls, their time, and GFLOP/s; then the products' share of the threads' time (wall time
× threads: each thread runs its share of a product as its own single-threaded call). The first
`--skip` of the calls (the first updates: every primitive is JIT-compiled on first use)
are left out of both.

Exact-shape calls (256- and 64-row blocks) name their shapes in the log. Calls of the
run-time-dimension primitive (`*x*`) do not; nmt makes them for the weight gradients
(dW = dyᵀ·x, whose k is the batch's rows) and for the output projection's input gradient
(k = the vocabulary, above the exact path's 1,024), so their FLOPs are those of the
forward products: every forward product (B read transposed: `wei ... ba`) has a weight
gradient of the same size, and the output projection's forward (the one without a bias)
an input gradient of the same size too. That holds for the Transformer as nmt computes it
and is checked by counting: each biased forward has one input-gradient call (`ab`).
"""
import argparse
import collections
import re
import sys

SHAPE = re.compile(r"(\d+)x(\d+):(\d+)x(\d+)")


def parse(lines):
    """(timestamp ms, implementation, weights layout, has bias, m, n, k or None, time ms) per exec line."""
    calls = []
    for line in lines:
        fields = line.rstrip("\n").split(",")
        if len(fields) < 12 or fields[0] != "onednn_verbose" or fields[2] != "exec" or fields[3] != "cpu":
            continue
        stamp, implementation, memory, shape, ms = float(fields[1]), fields[5], fields[7], fields[-2], float(fields[-1])
        layout = re.search(r"wei_\w+::blocked:(\S+?):", memory)
        match = SHAPE.match(shape)
        m, k, n = (int(match[1]), int(match[2]), int(match[4])) if match else (None, None, None)
        calls.append((stamp, implementation, layout[1] if layout else "?", "bia_" in memory, m, n, k, ms))
    return calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="?", type=argparse.FileType(), default=sys.stdin)
    parser.add_argument("--skip", type=float, default=0.25, help="fraction of the calls to leave out (warm-up)")
    parser.add_argument("--threads", type=int, default=1, help="the run's threads: each calls oneDNN on its own")
    args = parser.parse_args()
    calls = parse(args.log)
    if not calls:
        sys.exit("product_rates: no 'onednn_verbose,<timestamp>,exec' lines (set ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1)")
    calls = calls[int(len(calls) * args.skip):]

    # Run-time calls are one kind whatever implementation ran them: their FLOPs are known
    # only in total (see above).
    runtime_key = ("run-time shapes", "weight gradients, output projection's input gradient")
    kinds = collections.defaultdict(lambda: [0, 0.0, 0.0])  # calls, ms, flops
    runtime_implementations = set()
    forward_flops = output_forward_flops = 0.0
    biased_forwards = input_gradients = 0
    for _, implementation, layout, bias, m, n, k, ms in calls:
        if m is None:
            key = runtime_key
            runtime_implementations.add(implementation)
        else:
            role = "forward" if layout == "ba" else "input gradient"
            key = (implementation, f"{role} {m}x{n}x{k}" + ("" if bias or layout != "ba" else " (no bias)"))
            flops = 2.0 * m * n * k
            kinds[key][2] += flops
            if layout == "ba":
                forward_flops += flops
                biased_forwards += bias
                output_forward_flops += 0 if bias else flops
            else:
                input_gradients += 1
        kinds[key][0] += 1
        kinds[key][1] += ms
    if runtime_key in kinds:
        kinds[runtime_key][2] = forward_flops + output_forward_flops
        kinds[("/".join(sorted(runtime_implementations)), runtime_key[1] + " (run-time shapes)")] = kinds.pop(runtime_key)

    total_ms = sum(v[1] for v in kinds.values())
    wall_ms = calls[-1][0] + calls[-1][7] - calls[0][0]
    print(f"{len(calls)} calls after the first {args.skip:.0%}; biased forwards {biased_forwards}, input gradients {input_gradients}")
    print(f"{'implementation':<24} {'product':<72} {'calls':>7} {'ms':>9} {'share':>6} {'GFLOP/s':>8}")
    for (implementation, what), (count, ms, flops) in sorted(kinds.items(), key=lambda kv: -kv[1][1]):
        print(f"{implementation:<24} {what:<72} {count:>7} {ms:>9.0f} {ms / total_ms:>6.1%} {flops / ms / 1e6:>8.1f}")
    all_flops = sum(v[2] for v in kinds.values())
    print(f"all oneDNN products: {total_ms:.0f} ms, {all_flops / total_ms / 1e6:.1f} GFLOP/s, "
          f"{total_ms / (wall_ms * args.threads):.1%} of the thread time ({args.threads} × the {wall_ms / 1000:.1f} s "
          f"from the first call counted to the last)")


if __name__ == "__main__":
    main()
