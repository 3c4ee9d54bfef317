#!/usr/bin/env python3
"""The report of scripts/labo-study.sh: tables into docs/RESULTS.md, docs/results/labo-vs-ls.json
and the training curves of every seed.

Reads what the study keeps for every finished pair (docs/results/labo-study/DIRECTION/seedN:
both arms' eval.json, train.jsonl and test hypotheses, and the paired bootstrap of `bleu`).
For each direction and search it reports the mean and standard deviation over seeds of
test BLEU, chrF and NLL per arm, and per seed the LABO − LS difference with `bleu`'s paired
bootstrap p-value (sacreBLEU 2.6.0's, label smoothing the baseline) and a 95 % interval of
the difference. sacreBLEU prints no interval of the difference, so it is computed here from
the same resamples sacreBLEU draws (numpy's default_rng(12345), 1,000 resamples of the
test set, both systems scored on each) with sacreBLEU's own BLEU and chrF statistics.

For developers (it needs sacrebleu 2.6.0 and numpy, and the prepared corpus for the
references): python3 scripts/labo-study-report.py
"""
import json
import os
import statistics
import subprocess
import sys

import numpy as np
from sacrebleu.metrics import BLEU, CHRF

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEPT = os.path.join(ROOT, "docs/results/labo-study")
DATA = os.path.join(ROOT, "corpora/bible-es-en/data")
RESULTS_MD = os.path.join(ROOT, "docs/RESULTS.md")
RESULTS_JSON = os.path.join(ROOT, "docs/results/labo-vs-ls.json")
BEGIN, END = "<!-- labo-study:begin -->", "<!-- labo-study:end -->"
PLANNED = {"es-en": 3, "en-es": 1}
SEARCHES = [("beam5", "beam 5"), ("greedy", "greedy")]
ARMS = [("ls", "label smoothing α = 0.1"), ("labo", "LABO α = 0.1, τ = 2")]
GOAL = 0.5


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def pairs():
    """(direction, seed, directory) of every kept pair, in direction then seed order."""
    found = []
    for direction in ["es-en", "en-es"]:
        base = os.path.join(KEPT, direction)
        if not os.path.isdir(base):
            continue
        for name in sorted(os.listdir(base), key=lambda n: int(n[4:])):
            if os.path.exists(os.path.join(base, name, "significance.beam5.json")):
                found.append((direction, int(name[4:]), os.path.join(base, name)))
    return found


def difference_interval(metric, reference, baseline, system, samples=1000, seed=12345):
    """95 % interval (2.5th and 97.5th percentiles) of system − baseline over paired
    bootstrap resamples drawn as sacreBLEU draws them."""
    n = len(reference)
    rng = np.random.default_rng(seed)
    indices = rng.choice(n, size=(samples, n), replace=True)
    base = np.array(metric._extract_corpus_statistics(baseline, [reference]), dtype="float32")
    other = np.array(metric._extract_corpus_statistics(system, [reference]), dtype="float32")
    differences = []
    for sample in indices:
        a = metric._compute_score_from_stats(base[sample].sum(0)).score
        b = metric._compute_score_from_stats(other[sample].sum(0)).score
        differences.append(b - a)
    low, high = np.percentile(differences, [2.5, 97.5])
    return float(low), float(high)


def validation_curve(direction, seeds):
    """Greedy validation BLEU and NLL of both arms at every validation of the runs, as
    {update: {arm: {"valid_bleu": [per seed], "valid_nll": [per seed]}}}: whether the gap
    between the arms opens or closes with more updates (the budget question)."""
    curve = {}
    for seed in seeds:
        for arm, _ in ARMS:
            with open(os.path.join(KEPT, direction, f"seed{seed}", arm, "train.jsonl")) as f:
                for line in f:
                    record = json.loads(line)
                    if record.get("kind") != "valid":
                        continue
                    point = curve.setdefault(int(record["update"]), {}).setdefault(arm, {"valid_bleu": [], "valid_nll": []})
                    point["valid_bleu"].append(record["valid_bleu"])
                    point["valid_nll"].append(record["valid_nll"])
    # Only the updates every seed of both arms reached.
    return {u: arms for u, arms in sorted(curve.items())
            if all(len(arms.get(a, {}).get("valid_bleu", [])) == len(seeds) for a, _ in ARMS)}


def write_block(path, block, begin, end, heading=""):
    """Puts `block` (which starts with the marker `begin` and ends with `end`) in place of
    the text from `begin` through `end` in the Markdown file at `path`, or appends it after
    `heading` where the markers are missing; atomically (temporary file, rename)."""
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    if begin in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + heading + block + "\n"
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def mean_sd(values):
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else None
    return mean, sd


def fmt(mean, sd, digits=2):
    return f"{mean:.{digits}f}" + (f" ± {sd:.{digits}f}" if sd is not None else "")


def main():
    found = pairs()
    if not found:
        sys.exit("no finished pair under docs/results/labo-study; run scripts/labo-study.sh")
    evals, significance = {}, {}
    for direction, seed, directory in found:
        tgt = direction.split("-")[1]
        reference = read_lines(os.path.join(DATA, f"test.{tgt}"))
        for arm, _ in ARMS:
            with open(os.path.join(directory, arm, "eval.json")) as f:
                evals[(direction, seed, arm)] = json.load(f)
        for search, _ in SEARCHES:
            beam = 5 if search == "beam5" else 1
            with open(os.path.join(directory, f"significance.beam{beam}.json")) as f:
                systems = json.load(f)
            ls = read_lines(os.path.join(directory, "ls", f"test.beam{beam}.hyp"))
            labo = read_lines(os.path.join(directory, "labo", f"test.beam{beam}.hyp"))
            entry = {"seed": seed}
            for key, metric, name in [("bleu", BLEU(), "BLEU"), ("chrf", CHRF(), "chrF2")]:
                entry[f"{key}_difference"] = systems[1][name]["score"] - systems[0][name]["score"]
                entry[f"{key}_p_value"] = systems[1][name]["p_value"]
                entry[f"{key}_interval"] = difference_interval(metric, reference, ls, labo)
            significance.setdefault(direction, {}).setdefault(search, []).append(entry)

    seeds = {d: sorted({s for (dd, s, _) in found if dd == d}) for d in PLANNED}
    directions, lines = {}, []
    lines.append(f"Seeds finished: es→en {len(seeds['es-en'])} of {PLANNED['es-en']}, "
                 f"en→es {len(seeds['en-es'])} of {PLANNED['en-es']}.\n")
    for direction, seed, directory in found:
        machine = os.path.join(directory, "machine.txt")
        if os.path.exists(machine):
            with open(machine) as f:
                lines.append(f"- {direction.replace('-', '→')} seed {seed}: " + " ".join(f.read().split()) )
    lines.append("")
    for direction in PLANNED:
        if not seeds[direction]:
            lines.append(f"**{direction.replace('-', '→')}**: no seed finished yet.\n")
            continue
        title = direction.replace("-", "→")
        lines.append(f"**{title}**, seeds {', '.join(map(str, seeds[direction]))} "
                     f"(mean ± sample standard deviation over seeds; one seed shows its value):\n")
        lines.append("| arm | search | test BLEU | test chrF | test NLL (nats/token) | valid BLEU |")
        lines.append("|---|---|--:|--:|--:|--:|")
        directions[direction] = {}
        for search, search_name in SEARCHES:
            directions[direction][search] = {}
            for arm, arm_name in ARMS:
                rows = [evals[(direction, s, arm)] for s in seeds[direction]]
                bleu = [r[search]["test_bleu"] for r in rows]
                chrf = [r[search]["test_chrf"] for r in rows]
                valid = [r[search]["valid_bleu"] for r in rows]
                nll = [r["test_nll"] for r in rows]
                directions[direction][search][arm] = {
                    "test_bleu": dict(zip(["mean", "sd"], mean_sd(bleu)), values=bleu),
                    "test_chrf": dict(zip(["mean", "sd"], mean_sd(chrf)), values=chrf),
                    "valid_bleu": dict(zip(["mean", "sd"], mean_sd(valid)), values=valid),
                    "test_nll": dict(zip(["mean", "sd"], mean_sd(nll)), values=nll),
                }
                lines.append(f"| {arm_name} | {search_name} | {fmt(*mean_sd(bleu))} | {fmt(*mean_sd(chrf))} | "
                             f"{fmt(*mean_sd(nll), digits=4)} | {fmt(*mean_sd(valid))} |")
        lines.append("")
        lines.append("LABO − label smoothing per seed (test set; p: `bleu --paired-bs`, 1,000 resamples, "
                     "label smoothing the baseline; interval: 2.5th–97.5th percentile of the "
                     "difference over the same resamples):\n")
        lines.append("| search | seed | BLEU difference | p | 95 % interval | chrF difference | p | 95 % interval |")
        lines.append("|---|--:|--:|--:|--:|--:|--:|--:|")
        for search, search_name in SEARCHES:
            for e in significance[direction][search]:
                lines.append(f"| {search_name} | {e['seed']} | {e['bleu_difference']:+.2f} | {e['bleu_p_value']:.4f} | "
                             f"[{e['bleu_interval'][0]:+.2f}, {e['bleu_interval'][1]:+.2f}] | "
                             f"{e['chrf_difference']:+.2f} | {e['chrf_p_value']:.4f} | "
                             f"[{e['chrf_interval'][0]:+.2f}, {e['chrf_interval'][1]:+.2f}] |")
        lines.append("")
        curve = validation_curve(direction, seeds[direction])
        directions[direction]["validation_curve"] = curve
        lines.append("Greedy validation BLEU and validation NLL (nats/token) at every validation, mean over "
                     "seeds (does the gap close with more updates?):\n")
        lines.append("| update | LS BLEU | LABO BLEU | LABO − LS | LS NLL | LABO NLL | LABO − LS |")
        lines.append("|--:|--:|--:|--:|--:|--:|--:|")
        for update, arms in curve.items():
            ls_bleu, labo_bleu = (statistics.fmean(arms[a]["valid_bleu"]) for a in ("ls", "labo"))
            ls_nll, labo_nll = (statistics.fmean(arms[a]["valid_nll"]) for a in ("ls", "labo"))
            lines.append(f"| {update} | {ls_bleu:.2f} | {labo_bleu:.2f} | {labo_bleu - ls_bleu:+.2f} | "
                         f"{ls_nll:.4f} | {labo_nll:.4f} | {labo_nll - ls_nll:+.4f} |")
        lines.append("")

    # The verdict against the goal: es→en, beam 5, mean over seeds.
    es_en = significance.get("es-en", {}).get("beam5", [])
    differences = [e["bleu_difference"] for e in es_en]
    significant = sum(1 for e in es_en if e["bleu_p_value"] < 0.05 and e["bleu_difference"] > 0)
    mean_difference = statistics.fmean(differences) if differences else None
    complete = len(seeds["es-en"]) >= PLANNED["es-en"] and len(seeds["en-es"]) >= PLANNED["en-es"]
    met = mean_difference is not None and mean_difference >= GOAL and significant * 2 > len(es_en)
    verdict = {
        "goal": f"LABO ≥ label smoothing + {GOAL} BLEU (es→en, beam 5, mean over seeds) with paired "
                "bootstrap p < 0.05 in a majority of seeds",
        "es_en_beam5_mean_difference": mean_difference,
        "seeds_significant": significant,
        "seeds": len(es_en),
        "complete": complete,
        "met": met if complete else None,
    }
    status = ("met" if met else "missed") if complete else "not decided: the study is not finished"
    lines.append(f"**Pooled verdict** (es→en, beam 5): mean difference "
                 f"{mean_difference:+.2f} BLEU over {len(es_en)} seed(s), LABO significantly better "
                 f"(p < 0.05) in {significant} of {len(es_en)}; the goal (+{GOAL} and p < 0.05 in a "
                 f"majority of seeds) is {status}.\n")

    curves = []
    for direction in PLANNED:
        if not seeds[direction]:
            continue
        svg = f"docs/results/labo-study-{direction}-curves.svg"
        logs, names = [], []
        for seed in seeds[direction]:
            for arm, _ in ARMS:
                logs.append(os.path.join(KEPT, direction, f"seed{seed}", arm, "train.jsonl"))
                names += ["--name", f"{'LS' if arm == 'ls' else 'LABO'} seed {seed}"]
        subprocess.run([os.path.join(ROOT, ".build/release/nmt"), "plot", *logs, "--output", os.path.join(ROOT, svg),
                        "--title", f"LABO vs label smoothing, {direction.replace('-', '→')}", *names], check=True)
        curves.append(f"![{direction} curves]({svg.replace('docs/', '')})")
    lines += curves + [""]

    write_block(RESULTS_MD, BEGIN + "\n" + "\n".join(lines) + END, BEGIN, END)

    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    report = {
        "study": "scripts/labo-study.sh",
        "report_commit": commit,
        "preset": "small",
        "updates_per_arm": evals[(found[0][0], found[0][1], "ls")]["updates"],
        "threads_per_arm": 1,
        "arms": {
            arm: {"test_bleu": directions["es-en"]["beam5"][arm]["test_bleu"]["mean"],
                  "test_chrf": directions["es-en"]["beam5"][arm]["test_chrf"]["mean"],
                  "test_nll": directions["es-en"]["beam5"][arm]["test_nll"]["mean"]}
            for arm, _ in ARMS
        } if "es-en" in directions else {},
        "seeds": seeds,
        "directions": directions,
        "significance": significance,
        "verdict": verdict,
    }
    report["arms"].setdefault("labo", {})["tau"] = 2
    # The single-seed run this study replaces stays in the JSON, as it stays in RESULTS.md.
    with open(RESULTS_JSON) as f:
        previous = json.load(f)
    earlier = previous.get("earlier_single_seed") or (previous if previous.get("commit") == "88008bf" else None)
    if earlier:
        report["earlier_single_seed"] = earlier
    with open(RESULTS_JSON + ".tmp", "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(RESULTS_JSON + ".tmp", RESULTS_JSON)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
