#!/usr/bin/env python3
"""Checks `nmt export --format ctranslate2` of imported MarianMT models with CTranslate2.

For each fixture directory of scripts/reference/marian_reference.py: `nmt import`, then
`nmt export --format ctranslate2`, then ctranslate2 (beam 1) translates the fixture's
source lines, tokenized as MarianTokenizer does (leading >>xx<< kept whole, source.spm
pieces, eos added by the model's config). Its tokens must equal transformers' greedy
output in expected.json. Developers run it (ctranslate2==4.8.5); CI does not.

Usage: check_marian_export.py NMT_BINARY FIXTURE_DIR... (exit status 1 on a difference)
"""
import json
import os
import subprocess
import sys
import tempfile

import ctranslate2
import sentencepiece as spm


def pieces(sp, line):
    code = []
    if line.startswith(">>") and (end := line.find("<<")) != -1:
        code, line = [line[:end + 2]], line[end + 2:]
    return code + sp.encode(line, out_type=str)


def check(nmt, fixture, work):
    name = os.path.basename(fixture.rstrip("/"))
    imported, exported = os.path.join(work, name + "-nmt"), os.path.join(work, name + "-ct2")
    subprocess.run([nmt, "import", "--model", fixture, "--output", imported], check=True)
    subprocess.run([nmt, "export", "--format", "ctranslate2", "--model", imported, "--output", exported], check=True)
    expected = json.load(open(os.path.join(fixture, "expected.json")))["lines"]
    vocabulary = {v: k for k, v in json.load(open(os.path.join(fixture, "vocab.json"))).items()}
    sp = spm.SentencePieceProcessor(model_file=os.path.join(exported, "source.spm"))
    translator = ctranslate2.Translator(exported, device="cpu")
    results = translator.translate_batch([pieces(sp, line["source"]) for line in expected], beam_size=1,
                                         max_decoding_length=22)
    failures = 0
    for line, result in zip(expected, results):
        want = [vocabulary[i] for i in line["greedy_ids"]]
        got = result.hypotheses[0]
        if got != want:
            failures += 1
            print(f"{name}: {line['source']!r}: ctranslate2 {got}, transformers {want}")
    print(f"{name}: {len(expected) - failures}/{len(expected)} lines equal")
    return failures


def main():
    nmt, fixtures = sys.argv[1], sys.argv[2:]
    with tempfile.TemporaryDirectory() as work:
        failures = sum(check(nmt, fixture, work) for fixture in fixtures)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
