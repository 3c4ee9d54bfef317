#!/usr/bin/env python3
"""Imported MarianMT models against transformers on 200 new lines each.

For each fixture directory of scripts/reference/marian_reference.py: 200 source lines drawn
as that script draws its test lines (new seeds; the multilingual model's lines get a
>>cp<< or >>rv<< token at random), translated by transformers' MarianMTModel.generate
(num_beams=1, then num_beams=5; max_length 24, no sampling) and by `nmt import` +
`nmt translate` (--beam 1, then --beam 5; at most 22 target tokens, the same limit with the
decoder start and eos counted). Prints, per fixture and search, the lines where both ended
with eos and how many of those are identical. Greedy must agree on at least 99 % of them
(exit status 1 otherwise); beam 5 is reported only, since the two stop beams by different
rules (fairseq's: a sentence is done with `beam` finished hypotheses; transformers': when
no live beam can beat the finished ones under its length penalty).

Versions: transformers==4.57.6 torch==2.13.0 sentencepiece==0.2.1. Developers run it; CI
tests the import on the committed fixtures.

Usage: compare_marian.py NMT_BINARY FIXTURE_DIR...
"""
import os
import random
import subprocess
import sys
import tempfile

import torch
from transformers import MarianMTModel, MarianTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from marian_reference import sentences  # noqa: E402

MAX_LENGTH = 24  # transformers' limit, decoder start included; nmt's: 22 tokens before eos


def lines_for(name, count):
    rng = random.Random({"tied-swish": 11, "relu-separate": 12, "multilingual": 13}.get(name, 10))
    lines = sentences(rng, count)
    if name == "multilingual":
        lines = [f"{rng.choice(['>>cp<<', '>>rv<<'])} {line}" for line in lines]
    return lines


@torch.no_grad()
def transformers_translations(fixture, lines, beams):
    tokenizer = MarianTokenizer.from_pretrained(fixture)
    model = MarianMTModel.from_pretrained(fixture).eval()
    out = []
    for start in range(0, len(lines), 50):
        enc = tokenizer(lines[start:start + 50], return_tensors="pt", padding=True)
        # early_stopping=True is fairseq's rule (done with `beams` finished hypotheses).
        extra = {"early_stopping": True} if beams > 1 else {}
        generated = model.generate(**enc, num_beams=beams, do_sample=False, max_length=MAX_LENGTH, **extra)
        for ids in generated.tolist():
            ids = [i for i in ids[1:] if i != tokenizer.pad_token_id]
            ended = bool(ids) and ids[-1] == tokenizer.eos_token_id
            out.append((tokenizer.decode(ids, skip_special_tokens=True), ended))
    return out


def nmt_translations(nmt, checkpoint, lines, beams, work):
    """nmt's translations of `lines`; lines starting with >>xx<< are translated, without
    the token, with --target-language xx (as a user of a multilingual model does)."""
    codes = {line.split(" ", 1)[0][2:-2] for line in lines if line.startswith(">>")}
    if codes:
        out = [None] * len(lines)
        for code in sorted(codes):
            indices = [i for i, line in enumerate(lines) if line.startswith(f">>{code}<< ")]
            part = nmt_translations_of(nmt, checkpoint, [lines[i].split(" ", 1)[1] for i in indices], beams, work,
                                       ["--target-language", code])
            for i, result in zip(indices, part):
                out[i] = result
        return out
    return nmt_translations_of(nmt, checkpoint, lines, beams, work, [])


def nmt_translations_of(nmt, checkpoint, lines, beams, work, flags):
    source, output = os.path.join(work, "source.txt"), os.path.join(work, f"beam{beams}.txt")
    with open(source, "w") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run([nmt, "translate", "--model", checkpoint, "--input", source, "--output", output,
                    "--beam", str(beams), "--max-len-a", "0", "--max-len-b", str(MAX_LENGTH - 2),
                    "--nbest-format", "fairseq"] + flags, check=True, stderr=subprocess.DEVNULL)
    texts, lengths = {}, {}
    for line in open(output, encoding="utf-8"):
        kind, rest = line.rstrip("\n").split("-", 1)
        index, fields = rest.split("\t", 1)
        if kind == "H":
            texts[int(index)] = fields.split("\t", 1)[1] if "\t" in fields else ""
        elif kind == "P":
            lengths[int(index)] = len(fields.split())   # tokens + eos
    # Ended with eos of its own: fewer tokens than the limit, at which eos is forced.
    return [(texts[i], lengths[i] - 1 < MAX_LENGTH - 2) for i in range(len(lines))]


def main():
    nmt, fixtures = sys.argv[1], sys.argv[2:]
    failed = False
    with tempfile.TemporaryDirectory() as work:
        for fixture in fixtures:
            name = os.path.basename(fixture.rstrip("/"))
            checkpoint = os.path.join(work, name)
            subprocess.run([nmt, "import", "--format", "marian", "--model", fixture, "--output", checkpoint], check=True,
                           stdout=subprocess.DEVNULL)
            lines = lines_for(name, 200)
            for beams in (1, 5):
                ours = nmt_translations(nmt, checkpoint, lines, beams, work)
                theirs = transformers_translations(fixture, lines, beams)
                both = [(o[0], t[0]) for o, t in zip(ours, theirs) if o[1] and t[1]]
                same = sum(o == t for o, t in both)
                share = same / len(both) if both else 0
                print(f"{name} beam {beams}: {len(both)} of {len(lines)} lines ended with eos in both; "
                      f"{same} identical ({100 * share:.1f} %)")
                if beams == 1 and share < 0.99:
                    failed = True
                    for (o, t), line in zip(both, lines):
                        if o != t:
                            print(f"  {line!r}: nmt {o!r}, transformers {t!r}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
