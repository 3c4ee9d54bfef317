#!/usr/bin/env python3
"""Where the convergence study (scripts/convergence-study.sh) stands, read from its run
directories while it trains: per task, seed and arm, the last update trained and the last
checkpoint (where a stopped study resumes: updates past it are trained again), the best validation
BLEU so far and its update, the last validation's BLEU and NLL, how many validations have
passed without a better BLEU (training stops when that exceeds --patience, 5: at the sixth), the stop
reason of a finished run (patience, or the update cap: each chunk of the study ends at
its own --max-update, which is not a stop), and the machines and precisions its segments ran on.

    python3 scripts/convergence-study-progress.py              # a plain table
    python3 scripts/convergence-study-progress.py --markdown   # the same, for docs/RESULTS.md
    python3 scripts/convergence-study-progress.py --curves     # every validation, arm by arm
    python3 scripts/convergence-study-progress.py --curves --markdown   # the same, a table per pair

OUT=… reads another study's runs (default runs/convergence), CAP=… its update cap (20000). A pair
whose run directories are gone (a new machine) but which the study kept (KEEP=…, default
docs/results/convergence: every finished pair's train.jsonl) is read from what was kept. Reads
only: it never touches a run, so it can be called while the study trains. Needs nothing beyond
Python 3.
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get("OUT", os.path.join(ROOT, "runs/convergence"))
KEEP = os.environ.get("KEEP", os.path.join(ROOT, "docs/results/convergence"))
CAP = int(os.environ.get("CAP", "20000"))  # the study's cap: a run stopped there is finished
ARM_ORDER = ["ls", "labo", "ce", "labo-tau1"]


def records(path):
    """The records of a train.jsonl; a line cut short by a stop mid-write is skipped."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def arm_state(run):
    """One arm's progress from its train.jsonl."""
    last_update, validations, segments, stop = 0, [], [], ""
    for record in records(os.path.join(run, "train.jsonl")):
        kind = record.get("kind")
        if kind == "train":
            last_update = max(last_update, int(record["update"]))
        elif kind == "valid":
            last_update = max(last_update, int(record["update"]))
            validations.append((int(record["update"]), record["valid_bleu"], record["valid_nll"]))
        elif kind == "segment":
            where = f"{record.get('cpu_family_model', '?')} {record.get('precision', '?')}"
            if not segments or segments[-1] != where:
                segments.append(where)
        elif kind == "done":
            last_update = max(last_update, int(record["update"]))
            reason = record.get("stop_reason", "")
            finished = reason == "patience" or (reason == "max_update" and int(record["update"]) >= CAP)
            stop = reason if finished else ""
    # A resumed run validates its last checkpoint's update again only if it trained past
    # it; keep the last record of each update.
    by_update = {update: (update, bleu, nll) for update, bleu, nll in validations}
    validations = [by_update[u] for u in sorted(by_update)]
    best, since_best = None, 0
    for validation in validations:
        if best is None or validation[1] > best[1]:
            best, since_best = validation, 0
        else:
            since_best += 1
    return {"update": last_update, "validations": validations, "best": best, "since_best": since_best,
            "segments": segments, "stop": stop}


def last_checkpoint(run, state):
    """The update of the run's last checkpoint (its checkpoints/last link), 0 before the first;
    a kept run (no checkpoints) ended with one at its last update."""
    if not os.path.isdir(os.path.join(run, "checkpoints")) and state["stop"]:
        return state["update"]
    try:
        name = os.readlink(os.path.join(run, "checkpoints", "last"))
    except OSError:
        return 0
    digits = os.path.basename(name).removeprefix("update-")
    return int(digits) if digits.isdigit() else 0


def pairs(base):
    """{(task, seed): directory} of every pair under base."""
    found = {}
    if not os.path.isdir(base):
        return found
    for task in os.listdir(base):
        task_dir = os.path.join(base, task)
        if not os.path.isdir(task_dir):
            continue
        for seed in os.listdir(task_dir):
            if seed.startswith("seed") and seed[4:].isdigit() and os.path.isdir(os.path.join(task_dir, seed)):
                found[(task, seed)] = os.path.join(task_dir, seed)
    return found


def runs():
    """(task, seed, arm, directory) of every arm with a train.jsonl, in study order: the run
    directories, and the kept copy of a pair whose run directories are gone."""
    every = {**pairs(KEEP), **pairs(OUT)}
    for task, seed in sorted(every, key=lambda pair: (pair[0], int(pair[1][4:]))):
        seed_dir = every[(task, seed)]
        arms = [a for a in os.listdir(seed_dir) if os.path.isfile(os.path.join(seed_dir, a, "train.jsonl"))]
        for arm in sorted(arms, key=lambda a: ARM_ORDER.index(a) if a in ARM_ORDER else len(ARM_ORDER)):
            yield task, seed, arm, os.path.join(seed_dir, arm)


def table(markdown):
    header = ["task", "seed", "arm", "update", "last checkpoint", "best valid BLEU (update)", "last valid BLEU", "last valid NLL",
              "validations since best", "stopped", "segments (CPU family/model, precision)"]
    rows = []
    for task, seed, arm, run in runs():
        s = arm_state(run)
        best = f"{s['best'][1]:.2f} ({s['best'][0]})" if s["best"] else "–"
        last = s["validations"][-1] if s["validations"] else None
        rows.append([task, seed[4:], arm, str(s["update"]), str(last_checkpoint(run, s)), best, f"{last[1]:.2f}" if last else "–",
                     f"{last[2]:.3f}" if last else "–", str(s["since_best"]), s["stop"] or "no",
                     ", ".join(s["segments"])])
    if not rows:
        print(f"no runs under {OUT} and none kept under {KEEP}", file=sys.stderr)
        return 1
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" if i < 3 or i > 8 else "--:" for i in range(len(header))) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
        for row in [header] + rows:
            print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def curves(markdown):
    if not markdown:
        for task, seed, arm, run in runs():
            s = arm_state(run)
            points = " ".join(f"{u}:{bleu:.2f}/{nll:.3f}" for u, bleu, nll in s["validations"])
            print(f"{task} {seed} {arm} (update:BLEU/NLL): {points or '–'}")
        return 0
    # One table per task and seed: a row per validated update, a column per arm.
    pairs = {}
    for task, seed, arm, run in runs():
        pairs.setdefault((task, seed), []).append((arm, {u: (bleu, nll) for u, bleu, nll in arm_state(run)["validations"]}))
    for (task, seed), arms in pairs.items():
        print(f"{task}, seed {seed[4:]}: validation BLEU / NLL (greedy)")
        print()
        print("| update | " + " | ".join(arm for arm, _ in arms) + " |")
        print("|--:|" + "--:|" * len(arms))
        for update in sorted({u for _, points in arms for u in points}):
            cells = [f"{points[update][0]:.2f} / {points[update][1]:.3f}" if update in points else "–" for _, points in arms]
            print(f"| {update:,} | " + " | ".join(cells) + " |")
        print()
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    unknown = [a for a in arguments if a not in ("--markdown", "--curves")]
    if unknown:
        print(f"convergence-study-progress: unknown argument {unknown[0]}; allowed: --markdown, --curves", file=sys.stderr)
        sys.exit(2)
    sys.exit(curves("--markdown" in arguments) if "--curves" in arguments else table("--markdown" in arguments))
