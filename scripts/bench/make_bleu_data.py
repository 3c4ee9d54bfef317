#!/usr/bin/env python3
"""Writes a synthetic but realistic hypothesis/reference pair for the bleu benchmark:
Zipf-distributed words with capitals, punctuation, numbers with separators, quotes and
dashes outside ASCII and the odd HTML entity; the hypothesis is the reference with words
substituted, dropped, inserted and reordered (BLEU around 30-40).
A second system, hyp2.txt, perturbs the same references again, for paired tests.
Usage: make_bleu_data.py OUT_DIR [LINES]   (writes OUT_DIR/hyp.txt, hyp2.txt and ref.txt)
"""
import itertools
import pathlib
import random
import sys

rng = random.Random(12345)
SYLLABLES = ["ka", "lo", "mi", "ne", "ra", "to", "su", "vi", "de", "an", "er", "st", "ch", "ou", "ei", "ß", "é", "ü"]
VOCAB = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(30000)]
# Cumulative weights once, so that each draw is a binary search rather than a pass over the vocabulary.
CUM_WEIGHTS = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(VOCAB))))
EXTRAS = ["1,000.50", "2024", "3.5%", "(see", "below)", "“quoted”", "—", "–", "&amp;", "&quot;", "e-mail", "U.S.", "don't"]


def sentence():
    n = max(1, int(rng.gauss(24, 10)))
    words = rng.choices(VOCAB, cum_weights=CUM_WEIGHTS, k=n)
    for i in range(len(words)):
        if rng.random() < 0.04:
            words[i] = rng.choice(EXTRAS)
        elif rng.random() < 0.08:
            words[i] += rng.choice([",", ";", ":"])
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + rng.choice([".", ".", ".", "?", "!"])


def perturb(ref):
    words = ref.split()
    out = []
    for w in words:
        r = rng.random()
        if r < 0.15:
            out.append(rng.choices(VOCAB, cum_weights=CUM_WEIGHTS)[0])
        elif r < 0.22:
            continue
        else:
            out.append(w)
        if rng.random() < 0.05:
            out.append(rng.choices(VOCAB, cum_weights=CUM_WEIGHTS)[0])
    if len(out) > 3 and rng.random() < 0.3:
        i = rng.randrange(len(out) - 2)
        out[i], out[i + 1] = out[i + 1], out[i]
    return " ".join(out)


def main():
    out_dir = pathlib.Path(sys.argv[1])
    lines = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    out_dir.mkdir(parents=True, exist_ok=True)
    refs = [sentence() for _ in range(lines)]
    hyps = [perturb(r) for r in refs]
    (out_dir / "ref.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    (out_dir / "hyp.txt").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    # Drawn after hyp.txt, so that hyp.txt and ref.txt stay those of earlier benchmarks.
    (out_dir / "hyp2.txt").write_text("\n".join(perturb(r) for r in refs) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
