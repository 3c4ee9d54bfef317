#!/usr/bin/env python3
"""Builds sample.txt from the hand-written phrases.txt: every phrase, then deterministic
variants that exercise whitespace and case handling (tabs, runs of spaces, leading and
trailing spaces, upper case, pairs of languages on one line, empty lines).

Run from anywhere: python3 corpora/tokenizer-sample/make-sample.py
"""
from pathlib import Path

here = Path(__file__).resolve().parent
phrases = [line for line in (here / "phrases.txt").read_text(encoding="utf-8").splitlines() if line]
n = len(phrases)
lines = list(phrases)
for i, phrase in enumerate(phrases):
    other = phrases[(i * 7 + 3) % n]
    lines.append(f"{phrase}\t{other}")                     # a parallel-corpus style pair
    words = phrase.split(" ")
    lines.append("   ".join(words) if i % 2 else "  " + phrase + "    ")  # space runs
    if i % 3 == 0:
        lines.append(phrase.upper())
    if i % 5 == 0:
        lines.append(f"{phrase} {other} {phrases[(i * 11 + 5) % n]}")
    if i % 17 == 0:
        lines.append("")
(here / "sample.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
print(f"{len(lines)} lines")
