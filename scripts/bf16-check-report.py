#!/usr/bin/env python3
"""The report of the bf16 quality check (scripts/labo-study.sh with ARMS="fp32 bf16"): does
mixed precision train models as good as fp32's? Writes a table into docs/RESULTS.md and
docs/results/bf16-vs-fp32.json.

Reads what the study keeps for every finished pair (docs/results/bf16-check/es-en/seedN: both
arms' eval.json, train.jsonl and test hypotheses, and `bleu`'s paired bootstrap with fp32 the
baseline). The goal (issue: training in bfloat16): bf16's validation NLL within 1 % of fp32's
at every validation, mean over seeds; per seed, the 95 % interval of the test BLEU
difference (beam 5) contains 0; the mean difference over seeds at most 0.3 BLEU. The interval
of the difference is computed as labo-study-report.py computes it (sacreBLEU's resamples).

For developers (sacrebleu 2.6.0, numpy, the prepared Bible corpus):
python3 scripts/bf16-check-report.py
"""
import importlib.util
import json
import os
import statistics

from sacrebleu.metrics import BLEU

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEPT = os.path.join(ROOT, "docs/results/bf16-check/es-en")
DATA = os.path.join(ROOT, "corpora/bible-es-en/data")
RESULTS_MD = os.path.join(ROOT, "docs/RESULTS.md")
RESULTS_JSON = os.path.join(ROOT, "docs/results/bf16-vs-fp32.json")
BEGIN, END = "<!-- bf16-check:begin -->", "<!-- bf16-check:end -->"
PLANNED_SEEDS = 2
NLL_TOLERANCE = 0.01
BLEU_TOLERANCE = 0.3

spec = importlib.util.spec_from_file_location("labo_report", os.path.join(ROOT, "scripts/labo-study-report.py"))
labo_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(labo_report)


def seeds():
    if not os.path.isdir(KEPT):
        return []
    return sorted(int(n[4:]) for n in os.listdir(KEPT)
                  if os.path.exists(os.path.join(KEPT, n, "significance.beam5.json")))


def validations(seed, arm):
    """{update: valid_nll} of one arm's run."""
    out = {}
    with open(os.path.join(KEPT, f"seed{seed}", arm, "train.jsonl")) as f:
        for line in f:
            record = json.loads(line)
            if record.get("kind") == "valid":
                out[int(record["update"])] = record["valid_nll"]
    return out


def main():
    found = seeds()
    reference = labo_report.read_lines(os.path.join(DATA, "test.en"))
    per_seed, curves = [], {}
    for seed in found:
        base = os.path.join(KEPT, f"seed{seed}")
        evals = {arm: json.load(open(os.path.join(base, arm, "eval.json"))) for arm in ["fp32", "bf16"]}
        hyps = {arm: labo_report.read_lines(os.path.join(base, arm, "test.beam5.hyp")) for arm in ["fp32", "bf16"]}
        significance = json.load(open(os.path.join(base, "significance.beam5.json")))
        low, high = labo_report.difference_interval(BLEU(), reference, hyps["fp32"], hyps["bf16"])
        difference = evals["bf16"]["beam5"]["test_bleu"] - evals["fp32"]["beam5"]["test_bleu"]
        per_seed.append({"seed": seed, "fp32": evals["fp32"], "bf16": evals["bf16"], "bleu_difference": difference,
                         "bleu_p": significance[1]["BLEU"]["p_value"], "bleu_interval": [low, high],
                         "interval_contains_zero": low <= 0 <= high})
        v32, v16 = validations(seed, "fp32"), validations(seed, "bf16")
        for update in sorted(set(v32) & set(v16)):
            curves.setdefault(update, {"fp32": [], "bf16": []})
            curves[update]["fp32"].append(v32[update])
            curves[update]["bf16"].append(v16[update])
    curve = []
    for update, arms in sorted(curves.items()):
        if len(arms["fp32"]) != len(found):
            continue
        a, b = statistics.fmean(arms["fp32"]), statistics.fmean(arms["bf16"])
        curve.append({"update": update, "fp32_valid_nll": a, "bf16_valid_nll": b, "relative": (b - a) / a})
    mean_difference = statistics.fmean(e["bleu_difference"] for e in per_seed) if per_seed else None
    complete = len(found) >= PLANNED_SEEDS
    goal = {
        "nll_within_1_percent": all(abs(p["relative"]) <= NLL_TOLERANCE for p in curve) if curve else None,
        "intervals_contain_zero": all(e["interval_contains_zero"] for e in per_seed) if per_seed else None,
        "mean_difference_within_0_3": abs(mean_difference) <= BLEU_TOLERANCE if mean_difference is not None else None,
    }
    verdict = ("holds" if complete and all(goal.values()) else
               "not met" if complete else f"incomplete: {len(found)} of {PLANNED_SEEDS} seeds")
    with open(RESULTS_JSON + ".tmp", "w") as f:
        json.dump({"seeds": per_seed, "validation_nll": curve, "mean_bleu_difference": mean_difference,
                   "goal": goal, "verdict": verdict}, f, indent=2)
    os.replace(RESULTS_JSON + ".tmp", RESULTS_JSON)

    lines = [BEGIN, "", f"Seeds finished: {len(found)} of {PLANNED_SEEDS}. Verdict: **{verdict}**.", ""]
    if per_seed:
        lines += ["| seed | fp32 test BLEU | bf16 test BLEU | bf16 − fp32 | p | 95 % interval | fp32 NLL | bf16 NLL |",
                  "|---|--:|--:|--:|--:|---|--:|--:|"]
        for e in per_seed:
            lines.append(f"| {e['seed']} | {e['fp32']['beam5']['test_bleu']:.2f} | {e['bf16']['beam5']['test_bleu']:.2f} | "
                         f"{e['bleu_difference']:+.2f} | {e['bleu_p']:.3f} | [{e['bleu_interval'][0]:+.2f}, "
                         f"{e['bleu_interval'][1]:+.2f}] | {e['fp32']['test_nll']:.4f} | {e['bf16']['test_nll']:.4f} |")
        lines += ["", "Validation NLL (mean over the finished seeds) at every validation:", "",
                  "| update | fp32 | bf16 | bf16 ÷ fp32 − 1 |", "|--:|--:|--:|--:|"]
        for p in curve:
            lines.append(f"| {p['update']} | {p['fp32_valid_nll']:.4f} | {p['bf16_valid_nll']:.4f} | {p['relative'] * 100:+.2f} % |")
    lines += ["", END]
    block = "\n".join(lines)
    labo_report.write_block(RESULTS_MD, block, BEGIN, END)
    print(block)


if __name__ == "__main__":
    main()
