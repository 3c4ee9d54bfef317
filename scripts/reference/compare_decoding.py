"""Times `nmt translate` (fp32 and int8) against CTranslate2 (float32 and int8) on whole runs.

Run by scripts/compare-decoding.sh inside its virtual environment (ctranslate2,
sentencepiece). For each search (greedy, beam 5) and thread count it runs, alternating and
`--rounds` times each: nmt fp32, nmt int8 (`--precision int8`), CTranslate2 float32 on the
float32 export, and CTranslate2 on the `--quantization int8` export (its default compute
type, int8). A run is whole: loading, tokenizing, translating, detokenizing. Both tools
decode at most 32 sentences per batch (nmt --batch-size 32, CTranslate2 max_batch_size 32),
sorted by length, with nmt's length limits (see check_export.py).

Prints, per setting: the median wall time, nmt-fp32/this time ratios, BLEU, the share of
lines identical to nmt fp32, and the peak resident memory of the nmt runs (CTranslate2's
is measured in a child process once per model). Writes report.json to --work.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from check_export import bleu, checkpoint_max_positions, identical, read_lines, run_ct2  # noqa: E402


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmt", required=True)
    parser.add_argument("--bleu", required=True)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--ct2", required=True, help="nmt export --format ctranslate2 output (float32)")
    parser.add_argument("--ct2-int8", required=True, help="the same with --quantization int8")
    parser.add_argument("--source", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--beams", default="1,5")
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def run_nmt(args, precision, beam, threads, output):
    """Wall time and peak RSS (KiB) of one whole `nmt translate` run."""
    start = time.perf_counter()
    process = subprocess.Popen([args.nmt, "translate", "--model", args.checkpoint, "--input", args.source,
                                "--output", str(output), "--beam", str(beam), "--threads", str(threads),
                                "--batch-size", "32", "--precision", precision], stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"nmt translate --precision {precision} failed with status {status}")
    return elapsed, usage.ru_maxrss


def ct2_peak_memory(model_dir, compute_type, args, max_positions, threads):
    """Peak RSS (KiB) of a child process translating the first 200 lines with CTranslate2."""
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            "from check_export import run_ct2, read_lines; import argparse; "
            f"a = argparse.Namespace(ct2={args.ct2!r}, threads={threads}); "
            f"run_ct2(a, {model_dir!r}, 5, {compute_type!r}, read_lines({args.source!r})[:200], {max_positions}, "
            f"{str(Path(args.work) / 'memory.hyp')!r})")
    process = subprocess.Popen([sys.executable, "-c", code])
    _, status, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss if status == 0 else None


def main():
    args = parse_arguments()
    import ctranslate2

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    lines = read_lines(args.source)
    max_positions = checkpoint_max_positions(args.checkpoint)
    names = ("nmt-fp32", "nmt-int8", "ct2-float32", "ct2-int8")
    report = {"ctranslate2": ctranslate2.__version__, "lines": len(lines), "rounds": args.rounds,
              "batch": "32 sentences for both", "settings": []}
    for threads in map(int, args.threads.split(",")):
        for beam in map(int, args.beams.split(",")):
            seconds, memory, hypotheses = defaultdict(list), {}, {}
            ct2_args = argparse.Namespace(ct2=args.ct2, threads=threads)
            runs = {
                "nmt-fp32": lambda out: run_nmt(args, "fp32", beam, threads, out),
                "nmt-int8": lambda out: run_nmt(args, "int8", beam, threads, out),
                "ct2-float32": lambda out: (run_ct2(ct2_args, args.ct2, beam, "float32", lines, max_positions, out)[0], None),
                "ct2-int8": lambda out: (run_ct2(ct2_args, args.ct2_int8, beam, "default", lines, max_positions, out)[0], None),
            }
            for round_index in range(args.rounds):
                for name in names:
                    output = work / f"{name}.beam{beam}.threads{threads}.hyp"
                    elapsed, rss = runs[name](output)
                    seconds[name].append(elapsed)
                    if rss:
                        memory[name] = max(memory.get(name, 0), rss)
                    print(f"{threads} thread(s) beam {beam} round {round_index + 1}: {name} {elapsed:.1f} s",
                          file=sys.stderr, flush=True)
            for name in names:
                hypotheses[name] = read_lines(work / f"{name}.beam{beam}.threads{threads}.hyp")
            memory["ct2-float32"] = ct2_peak_memory(args.ct2, "float32", args, max_positions, threads)
            memory["ct2-int8"] = ct2_peak_memory(args.ct2_int8, "default", args, max_positions, threads)
            base = statistics.median(seconds["nmt-fp32"])
            setting = {"threads": threads, "beam": beam, "runs": {}}
            for name in names:
                median = statistics.median(seconds[name])
                setting["runs"][name] = {
                    "seconds": seconds[name], "median": median, "nmt_fp32_over_this": base / median,
                    "bleu": bleu(args, work / f"{name}.beam{beam}.threads{threads}.hyp"),
                    "identical_to_nmt_fp32": identical(hypotheses["nmt-fp32"], hypotheses[name]),
                    "peak_rss_mib": memory.get(name) and memory[name] / 1024,
                }
            setting["nmt_int8_over_ct2_int8"] = setting["runs"]["ct2-int8"]["median"] / setting["runs"]["nmt-int8"]["median"]
            setting["nmt_fp32_over_ct2_float32"] = setting["runs"]["ct2-float32"]["median"] / base
            report["settings"].append(setting)
    with open(work / "report.json", "w") as f:
        json.dump(report, f, indent=2)

    print(f"ctranslate2 {report['ctranslate2']}, {len(lines)} lines, median of {args.rounds} alternating whole runs, "
          f"batches of 32 sentences")
    for setting in report["settings"]:
        print(f"{setting['threads']} thread(s), {'greedy' if setting['beam'] == 1 else 'beam ' + str(setting['beam'])}: "
              f"nmt fp32 is {setting['nmt_fp32_over_ct2_float32']:.2f}x CT2 float32, "
              f"nmt int8 is {setting['nmt_int8_over_ct2_int8']:.2f}x CT2 int8")
        for name in names:
            r = setting["runs"][name]
            memory = f"{r['peak_rss_mib']:6.0f} MiB" if r["peak_rss_mib"] else "     n/a"
            print(f"  {name:12} {r['median']:7.2f} s  BLEU {r['bleu']:6.2f}  identical to nmt fp32 "
                  f"{100 * r['identical_to_nmt_fp32']:6.2f} %  peak RSS {memory}")


if __name__ == "__main__":
    main()
