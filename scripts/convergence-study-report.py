#!/usr/bin/env python3
"""The report of scripts/convergence-study.sh: LABO against label smoothing trained to
convergence, per task. Writes a block into docs/RESULTS.md, the `tasks` entry of
docs/results/labo-vs-ls.json and one SVG of the training curves per task and seed.

Reads what the study keeps for every finished pair (docs/results/convergence/TASK/seedN:
each arm's eval.json, train.jsonl and test hypotheses of the best and the averaged model,
and `bleu`'s paired bootstrap and approximate randomization, label smoothing the baseline).
Per task: mean ± sd over seeds of test BLEU, chrF, NLL and length ratio (hypothesis ÷
reference, sacreBLEU's tokens) of every arm and both final models (`beam5`: the best
checkpoint; `beam5_avg`: the average of the 5 interval checkpoints ending at the best),
the updates each arm needed and why it stopped, and per seed LABO − LS with
both tests' p-values and a 95 % interval of the difference (labo-study-report.py's, from
sacreBLEU's resamples). The cross-entropy control (α 0) is reported beside, and LABO τ 1
apart (never the headline arm). Whatever the verdict, a paragraph per task says where the
arms differ: LABO − LS in test BLEU, chrF, NLL and valid BLEU, and each arm against the
control (`labo_minus_ls` and `minus_cross_entropy` in the JSON). Per seed, every arm at the
update where the pair's first arm stopped (`at_first_stop`: best validation BLEU by then,
validation BLEU and NLL there), which tells an arm that stopped earlier from one that is
worse at the same budget. Where the kept arms carry them (`nmt score --calibration` on the
test references), the token-level calibration of every model: accuracy of the most probable
token, how often the reference is among the 5 most probable, the mean probability of the
most probable (confidence), the mean entropy of the prediction and the expected
calibration error; label regularizers differ there first (Müller et al., 2019). And the
word F-measure of every arm's averaged model by how often the word occurs in the training
targets (compare-mt's analysis, Neubig et al., 2019; sacreBLEU's 13a tokens): whether an arm
loses rare words or frequent ones.

The goal: LABO ≥ LS + 0.5 test BLEU (beam 5, averaged model) as the mean over 3 seeds on
each task, with bootstrap p < 0.05 in a majority of seeds; the block opens with the goal
across tasks (`tasks_goal`). A run that reached the update
cap has not converged, and the verdict says so.

For developers (sacrebleu 2.6.0, numpy, the prepared corpora, a release build of nmt):
python3 scripts/convergence-study-report.py     (KEEP=… TASKS=… RESULTS_MD=… RESULTS_JSON=… CURVES_DIR=… to
read another study or write elsewhere)
"""
import collections
import importlib.util
import json
import os
import statistics
import subprocess
import sys

from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# KEEP, as in convergence-study.sh and -progress.py; KEPT is the name this script read before.
KEEP = os.environ.get("KEEP") or os.environ.get("KEPT") or os.path.join(ROOT, "docs/results/convergence")
TASK_DATA = {"bible-es-en": ("corpora/bible-es-en/data", "en"), "libreoffice-de-en": ("corpora/libreoffice-de-en/data", "en"),
             "tiny-es-en": ("corpora/tiny-es-en", "en")}
TASKS = os.environ.get("TASKS", "bible-es-en libreoffice-de-en").split()
RESULTS_MD = os.environ.get("RESULTS_MD", os.path.join(ROOT, "docs/RESULTS.md"))
CURVES_DIR = os.environ.get("CURVES_DIR", os.path.join(ROOT, "docs/results"))
RESULTS_JSON = os.environ.get("RESULTS_JSON", os.path.join(ROOT, "docs/results/labo-vs-ls.json"))
BEGIN, END = "<!-- convergence-study:begin -->", "<!-- convergence-study:end -->"
PLANNED_SEEDS = 3
GOAL = 0.5
MODELS = [("beam5", "best", "best checkpoint"), ("beam5_avg", "avg5", "average of 5 ending at the best")]
METRICS = ["test_bleu", "test_chrf", "test_nll", "valid_bleu", "test_length_ratio"]
# The figures of test.<model>.calibration.json, as metrics, beside their JSON keys.
CALIBRATION = [("test_accuracy", "accuracy"), ("test_top5_accuracy", "top5_accuracy"), ("test_confidence", "mean_confidence"),
               ("test_entropy", "mean_entropy"), ("test_ece", "ece")]
# Frequency in the training targets, inclusive ranges (compare-mt's buckets, with 2, 3 and 4 merged).
FREQUENCY_BUCKETS = [(0, 0), (1, 1), (2, 4), (5, 9), (10, 99), (100, 999), (1000, None)]


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "scripts", file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


labo_report = load("labo_report", "labo-study-report.py")
progress = load("progress", "convergence-study-progress.py")


def kept(task, seed, *parts):
    """A path in what the study kept of one seed of a task: KEEP/task/seedN[/parts...]."""
    return os.path.join(KEEP, task, f"seed{seed}", *parts)


def kept_seeds(task):
    base = os.path.join(KEEP, task)
    if not os.path.isdir(base):
        return []
    return sorted(int(n[4:]) for n in os.listdir(base) if os.path.exists(os.path.join(base, n, "significance.avg5.ar.json")))


def arms_of(task, seed):
    return [arm for arm in ["ls", "labo", "ce", "labo-tau1"] if os.path.isdir(kept(task, seed, arm))]


def summary(values):
    mean, sd = labo_report.mean_sd(values)
    return {"mean": mean, "sd": sd, "values": values}


def p_value(file, arm):
    """The p-value of `arm` against the baseline in a `bleu --paired-*` JSON file."""
    for entry in json.load(open(file)):
        if entry["system"].endswith(f"/{arm}/" + os.path.basename(entry["system"])):
            return entry["BLEU"]["p_value"], entry["chrF2"]["p_value"]
    return None, None


def length_ratio(reference, hypotheses):
    """Hypothesis length ÷ reference length in BLEU's tokens (sacreBLEU's; below 1 BLEU's
    brevity penalty applies): tells a BLEU difference in length from one in n-gram precision."""
    score = BLEU().corpus_score(labo_report.read_lines(hypotheses), [reference])
    return score.sys_len / score.ref_len


def word_f_by_frequency(train_counts, references, hypotheses):
    """compare-mt's word F-measure by frequency bucket: per sentence, each word's matches are
    min(count in the reference, count in the hypothesis); per bucket of training frequency,
    precision = matches ÷ hypothesis words, recall = matches ÷ reference words. Returns per
    bucket the reference words, F, precision and recall."""
    def bucket(count):
        return next(b for b, (lo, hi) in enumerate(FREQUENCY_BUCKETS) if count >= lo and (hi is None or count <= hi))
    sums = [[0, 0, 0] for _ in FREQUENCY_BUCKETS]  # reference words, hypothesis words, matches
    for reference, hypothesis in zip(references, hypotheses):
        r, h = collections.Counter(reference), collections.Counter(hypothesis)
        for word in r.keys() | h.keys():
            row = sums[bucket(train_counts[word])]
            row[0] += r[word]
            row[1] += h[word]
            row[2] += min(r[word], h[word])
    result = []
    for words, produced, matched in sums:
        precision = matched / produced if produced else 0.0
        recall = matched / words if words else 0.0
        f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.append({"reference_words": words, "f": f, "precision": precision, "recall": recall})
    return result


def word_f_entry(task, seeds):
    """Every arm's averaged model: word F-measure by training frequency, mean over its seeds."""
    data, tgt = TASK_DATA[task]
    tokenize = Tokenizer13a()
    words = lambda path: [tokenize(line).split() for line in labo_report.read_lines(path)]
    train_counts = collections.Counter(w for line in words(os.path.join(ROOT, data, f"train.{tgt}")) for w in line)
    references = words(os.path.join(ROOT, data, f"test.{tgt}"))
    arms = {}
    for arm in ["ls", "labo", "ce", "labo-tau1"]:
        have = [s for s in seeds if arm in arms_of(task, s)]
        if not have:
            continue
        per_seed = [word_f_by_frequency(train_counts, references,
                                        words(kept(task, s, arm, "test.avg5.beam5.hyp"))) for s in have]
        arms[arm] = {"seeds": have, **{m: [summary([seed[b][m] for seed in per_seed]) for b in range(len(FREQUENCY_BUCKETS))]
                                       for m in ["f", "precision", "recall"]}}
    reference_words = [row["reference_words"] for row in word_f_by_frequency(train_counts, references, references)]
    return {"buckets": [[lo, hi] for lo, hi in FREQUENCY_BUCKETS], "reference_words": reference_words, "arms": arms}


def task_entry(task):
    data, tgt = TASK_DATA[task]
    seeds = kept_seeds(task)
    # The corpus is read only for a task with finished pairs: one not started yet may not be
    # prepared on this machine.
    references = os.path.join(ROOT, data, f"test.{tgt}")
    if seeds and not os.path.exists(references):
        sys.exit(f"convergence-study-report: {task} has finished pairs but no prepared corpus in {data}; "
                 f"run corpora/{task}/prepare.sh (the study checks it against {KEEP}/{task}/corpus.sha256)")
    reference = labo_report.read_lines(references) if seeds else []
    evals = {s: {arm: json.load(open(kept(task, s, arm, "eval.json"))) for arm in arms_of(task, s)}
             for s in seeds}
    for s in seeds:
        for arm, e in evals[s].items():
            for _, model, _ in MODELS:
                e[model]["test_length_ratio"] = length_ratio(reference, kept(task, s, arm, f"test.{model}.beam5.hyp"))
                calibration = kept(task, s, arm, f"test.{model}.calibration.json")
                if os.path.exists(calibration):
                    figures = json.load(open(calibration))
                    e[model].update({metric: figures[key] for metric, key in CALIBRATION})
    # Calibration counts only when every kept model has it (arms evaluated before it existed do not).
    calibrated = bool(seeds) and all(m in e[model] for s in seeds for e in evals[s].values()
                                     for _, model, _ in MODELS for m, _ in CALIBRATION)
    metrics = METRICS + ([m for m, _ in CALIBRATION] if calibrated else [])
    entry = {"seeds": seeds, "calibrated": calibrated, "updates": {}, "stop_reasons": {}, "per_seed": [],
             "cross_entropy": None, "labo_tau1": None}
    for key, model, _ in MODELS:
        entry[key] = {arm: {m: summary([evals[s][arm][model][m] for s in seeds]) for m in metrics}
                      for arm in ["ls", "labo"] if seeds}
    for arm in ["ls", "labo", "ce", "labo-tau1"]:
        have = [s for s in seeds if arm in evals[s]]
        if not have:
            continue
        entry["updates"][arm] = [evals[s][arm]["updates"] for s in have]
        entry["stop_reasons"][arm] = [evals[s][arm]["stop_reason"] for s in have]
        if arm in ("ce", "labo-tau1"):
            entry["cross_entropy" if arm == "ce" else "labo_tau1"] = {
                "seeds": have, **{key: {m: summary([evals[s][arm][model][m] for s in have]) for m in metrics}
                                  for key, model, _ in MODELS}}
    # Where the arms differ, whatever the verdict: LABO − LS per metric (mean over seeds), and
    # each regularized arm against none (the cross-entropy control, on the seeds that have it).
    entry["labo_minus_ls"] = {key: {m: summary([evals[s]["labo"][model][m] - evals[s]["ls"][model][m] for s in seeds])
                                    for m in metrics} for key, model, _ in MODELS} if seeds else {}
    control = [s for s in seeds if "ce" in evals[s]]
    entry["minus_cross_entropy"] = {arm: {m: summary([evals[s][arm]["avg5"][m] - evals[s]["ce"]["avg5"][m] for s in control])
                                          for m in metrics} for arm in ["ls", "labo"]} if control else {}
    for s in seeds:
        row = {"seed": s}
        for key, model, _ in MODELS:
            hyps = {arm: labo_report.read_lines(kept(task, s, arm, f"test.{model}.beam5.hyp"))
                    for arm in ["ls", "labo"]}
            bs = p_value(kept(task, s, f"significance.{model}.bs.json"), "labo")
            ar = p_value(kept(task, s, f"significance.{model}.ar.json"), "labo")
            row[key] = {
                "bleu_difference": evals[s]["labo"][model]["test_bleu"] - evals[s]["ls"][model]["test_bleu"],
                "chrf_difference": evals[s]["labo"][model]["test_chrf"] - evals[s]["ls"][model]["test_chrf"],
                "bleu_p_bootstrap": bs[0], "chrf_p_bootstrap": bs[1], "bleu_p_randomization": ar[0], "chrf_p_randomization": ar[1],
                "bleu_interval": labo_report.difference_interval(BLEU(), reference, hyps["ls"], hyps["labo"]),
                "chrf_interval": labo_report.difference_interval(CHRF(), reference, hyps["ls"], hyps["labo"]),
            }
        row["at_first_stop"] = at_first_stop(task, s, evals[s])
        entry["per_seed"].append(row)
    entry["word_f_by_frequency"] = word_f_entry(task, seeds) if seeds else None
    capped = [f"{arm} seed {s}" for s in seeds for arm in evals[s] if evals[s][arm]["stop_reason"] != "patience"]
    if len(seeds) < PLANNED_SEEDS:
        entry["verdict"] = f"incomplete: {len(seeds)} of {PLANNED_SEEDS} seeds"
    else:
        mean = statistics.fmean(r["beam5_avg"]["bleu_difference"] for r in entry["per_seed"])
        def significant(sign):  # seeds where the averaged models differ in this direction with p < 0.05
            return sum(1 for r in entry["per_seed"] if (r["beam5_avg"]["bleu_p_bootstrap"] or 1) < 0.05
                       and r["beam5_avg"]["bleu_difference"] * sign > 0)
        better, worse = significant(+1), significant(-1)
        met = mean >= GOAL and better * 2 > len(seeds)
        entry["goal_met"] = met
        entry["verdict"] = (f"{'met' if met else 'missed'}: LABO − LS {mean:+.2f} BLEU (averaged model, mean of "
                            f"{len(seeds)} seeds); LABO better with p < 0.05 in {better} of {len(seeds)} seeds, "
                            f"worse in {worse}")
    if capped:
        entry["verdict"] += "; not converged (reached the cap): " + ", ".join(capped)
    return entry


def at_first_stop(task, seed, evals):
    """Every arm at the update where the pair's first arm stopped: the best validation BLEU
    (greedy) it had reached by then and its validation BLEU and NLL there, from the kept
    train.jsonl. Separates "stopped earlier" from "worse at the same budget"."""
    updates = {arm: e["updates"] for arm, e in evals.items()}
    update = min(updates.values())
    first = None if len(set(updates.values())) == 1 else min(updates, key=updates.get)  # None: all stopped together
    arms = {}
    for arm in evals:
        validations = [v for v in progress.arm_state(kept(task, seed, arm))["validations"] if v[0] <= update]
        best = max(validations, key=lambda v: (v[1], -v[0]))
        arms[arm] = {"best_valid_bleu": best[1], "best_update": best[0], "valid_bleu": validations[-1][1],
                     "valid_nll": validations[-1][2]}
    return {"update": update, "first_stopped": first, "arms": arms}


def curves(task):
    """One SVG per seed of all arms' curves (nmt plot over the kept train.jsonl files)."""
    made = []
    for s in kept_seeds(task):
        out = os.path.join(CURVES_DIR, f"convergence-{task}-seed{s}.svg")
        runs = [kept(task, s, arm) for arm in arms_of(task, s)]
        subprocess.run([os.path.join(ROOT, ".build/release/nmt"), "plot", *runs, "-o", out], check=True)
        made.append(os.path.relpath(out, os.path.dirname(RESULTS_MD)))
    return made


def signed(summary_, digits=2):
    return f"{summary_['mean']:+.{digits}f}"


def differences(e):
    """One paragraph: LABO − LS on every metric, and both arms against the cross-entropy control."""
    d, n = e["labo_minus_ls"], len(e["seeds"])
    text = (f"LABO − LS, mean of {n} seed{'s' if n > 1 else ''} (averaged model; best checkpoint in brackets): "
            + ", ".join(f"{name} {signed(d['beam5_avg'][m], digits)} [{signed(d['beam5'][m], digits)}]"
                        for name, m, digits in [("test BLEU", "test_bleu", 2), ("chrF", "test_chrf", 2),
                                                ("NLL", "test_nll", 4), ("valid BLEU", "valid_bleu", 2),
                                                ("length ratio", "test_length_ratio", 3)]
                        + ([("token accuracy", "test_accuracy", 4), ("top-5 accuracy", "test_top5_accuracy", 4),
                            ("confidence", "test_confidence", 4),
                            ("ECE", "test_ece", 4), ("entropy", "test_entropy", 4)] if e["calibrated"] else [])) + ".")
    if e["minus_cross_entropy"]:
        c = e["minus_cross_entropy"]
        text += (f" Against no regularization (cross-entropy, averaged models, seed{'s' if len(e['cross_entropy']['seeds']) > 1 else ''} "
                 f"{', '.join(str(s) for s in e['cross_entropy']['seeds'])}): "
                 + "; ".join(f"{arm} {signed(c[arm]['test_bleu'])} BLEU, {signed(c[arm]['test_chrf'])} chrF, "
                             f"{signed(c[arm]['test_nll'], 4)} NLL" for arm in ["ls", "labo"]) + ".")
    return text


def word_f_table(w):
    """The word F-measure by training frequency of every arm's averaged model."""
    arms = list(w["arms"])
    n = len(w["arms"]["ls"]["seeds"])
    lines = ["", f"Word F-measure of the averaged models by the word's frequency in the training targets (compare-mt's "
                 f"analysis, sacreBLEU's 13a tokens; mean of {n} seed{'s' if n > 1 else ''}; recall in brackets):", "",
             "| frequency | reference words | " + " | ".join(arms) + " | LABO − LS |", "|---|--:|" + "--:|" * (len(arms) + 1)]
    for b, (lo, hi) in enumerate(w["buckets"]):
        label = f"{lo:,}+" if hi is None else (f"{lo:,}" if lo == hi else f"{lo:,}–{hi:,}")
        cells = [f"{w['arms'][arm]['f'][b]['mean']:.4f} ({w['arms'][arm]['recall'][b]['mean']:.3f})" for arm in arms]
        difference = w["arms"]["labo"]["f"][b]["mean"] - w["arms"]["ls"]["f"][b]["mean"]
        lines.append(f"| {label} | {w['reference_words'][b]:,} | " + " | ".join(cells) + f" | {difference:+.4f} |")
    return lines


def overall(tasks):
    """The goal across tasks: met only when every task has all its seeds and meets it."""
    done = [t for t, e in tasks.items() if "goal_met" in e]
    met = [t for t in done if tasks[t]["goal_met"]]
    if len(done) < len(tasks):
        return f"Goal (LABO ≥ LS + {GOAL} test BLEU on each task): open, {len(done)} of {len(tasks)} tasks complete, met on {len(met)}."
    return (f"Goal (LABO ≥ LS + {GOAL} test BLEU on each task): {'met' if len(met) == len(tasks) else 'missed'}, "
            f"met on {len(met)} of {len(tasks)} tasks ({', '.join(met) or 'none'}).")


def markdown(tasks, goal):
    lines = [BEGIN, "", goal, ""]
    for task, e in tasks.items():
        lines += [f"### {task}: {e['verdict']}", ""]
        if not e["seeds"]:
            lines += ["No seed finished yet.", ""]
            continue
        lines += ["| model | arm | test BLEU | test chrF | test NLL | length ratio | updates | stopped by |",
                  "|---|---|--:|--:|--:|--:|--:|---|"]
        for key, _, label in MODELS:
            for arm in ["ls", "labo"]:
                m = e[key][arm]
                lines.append(f"| {label} | {arm} | {labo_report.fmt(m['test_bleu']['mean'], m['test_bleu']['sd'])} | "
                             f"{labo_report.fmt(m['test_chrf']['mean'], m['test_chrf']['sd'])} | "
                             f"{labo_report.fmt(m['test_nll']['mean'], m['test_nll']['sd'], 4)} | "
                             f"{labo_report.fmt(m['test_length_ratio']['mean'], m['test_length_ratio']['sd'], 3)} | "
                             f"{', '.join(str(u) for u in e['updates'][arm])} | {', '.join(e['stop_reasons'][arm])} |")
        for name, label in [("cross_entropy", "cross-entropy (control)"), ("labo_tau1", "LABO τ 1 (apart)")]:
            if e[name]:
                m = e[name]["beam5_avg"]
                lines.append(f"| average of 5 | {label} | {labo_report.fmt(m['test_bleu']['mean'], m['test_bleu']['sd'])} | "
                             f"{labo_report.fmt(m['test_chrf']['mean'], m['test_chrf']['sd'])} | "
                             f"{labo_report.fmt(m['test_nll']['mean'], m['test_nll']['sd'], 4)} | "
                             f"{labo_report.fmt(m['test_length_ratio']['mean'], m['test_length_ratio']['sd'], 3)} | | |")
        if e["calibrated"]:
            lines += ["", "Token-level calibration on the test references (forced decoding, `nmt score --calibration`, 20 bins): "
                      "accuracy of the most probable token, how often the reference is among the 5 most probable, the most "
                      "probable token's mean probability, the expected calibration error and the "
                      "mean entropy of the prediction (nats).", "",
                      "| model | arm | accuracy | top-5 accuracy | confidence | ECE | entropy |", "|---|---|--:|--:|--:|--:|--:|"]
            rows = [(label, arm, e[key][arm]) for key, _, label in MODELS for arm in ["ls", "labo"]]
            rows += [("average of 5", label, e[name]["beam5_avg"]) for name, label in
                     [("cross_entropy", "cross-entropy (control)"), ("labo_tau1", "LABO τ 1 (apart)")] if e[name]]
            columns = ["test_accuracy", "test_top5_accuracy", "test_confidence", "test_ece", "test_entropy"]
            for label, arm, m in rows:
                lines.append(f"| {label} | {arm} | "
                             + " | ".join(labo_report.fmt(m[c]['mean'], m[c]['sd'], 4) for c in columns) + " |")
        lines += ["", differences(e)]
        lines += word_f_table(e["word_f_by_frequency"])
        lines += ["", "| seed | model | BLEU LABO − LS | p (bootstrap) | p (randomization) | 95 % interval | chrF LABO − LS | p (bootstrap) |",
                  "|---|---|--:|--:|--:|---|--:|--:|"]
        for r in e["per_seed"]:
            for key, _, label in MODELS:
                d = r[key]
                lines.append(f"| {r['seed']} | {label} | {d['bleu_difference']:+.2f} | {d['bleu_p_bootstrap']:.3f} | "
                             f"{d['bleu_p_randomization']:.3f} | [{d['bleu_interval'][0]:+.2f}, {d['bleu_interval'][1]:+.2f}] | "
                             f"{d['chrf_difference']:+.2f} | {d['chrf_p_bootstrap']:.3f} |")
        lines.append("")
        for r in e["per_seed"]:
            stop = r["at_first_stop"]
            arms = stop["arms"]
            where = f"where its first arm ({stop['first_stopped']}) stopped" if stop["first_stopped"] else "where every arm stopped"
            lines.append(f"Seed {r['seed']} at update {stop['update']:,}, {where}: "
                         "best validation BLEU so far (greedy) " + ", ".join(f"{arm} {a['best_valid_bleu']:.2f}" for arm, a in arms.items())
                         + "; validation NLL there " + ", ".join(f"{arm} {a['valid_nll']:.3f}" for arm, a in arms.items()) + ".")
        lines += [""] + [f"![{task} curves]({path})" for path in e.get("curves", [])] + [""]
    lines.append(END)
    return "\n".join(lines)


def main():
    tasks = {}
    for task in TASKS:
        tasks[task] = task_entry(task)
        tasks[task]["curves"] = curves(task)
    document = json.load(open(RESULTS_JSON)) if os.path.exists(RESULTS_JSON) else {}
    goal = overall(tasks)
    document["tasks"] = tasks
    document["tasks_goal"] = goal
    with open(RESULTS_JSON + ".tmp", "w") as f:
        json.dump(document, f, indent=1)
    os.replace(RESULTS_JSON + ".tmp", RESULTS_JSON)
    block = markdown(tasks, goal)
    labo_report.write_block(RESULTS_MD, block, BEGIN, END, heading="# LABO against label smoothing at convergence\n\n")
    print(block)


if __name__ == "__main__":
    main()
