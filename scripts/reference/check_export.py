"""Compares `nmt translate` with CTranslate2 and Argos Translate running `nmt export`'s output.

Run by scripts/check-export.sh inside its virtual environment (ctranslate2, sentencepiece,
argostranslate); prints a short report and writes the hypotheses and report.json to --work.

- greedy: `nmt translate --beam 1` against ctranslate2 (float32) with beam_size 1; the
  share of identical lines (goal: >= 99 %).
- beam 5: BLEU of both (goal: within 0.1), with the project's sacreBLEU-compatible `bleu`.
- int8: ctranslate2 with compute_type int8 on the float32 export, and the export made
  with --quantization int8 (default compute type); BLEU and agreement of the two.
- speed: wall-clock time of whole runs (load, tokenize, translate, detokenize), nmt and
  ctranslate2 alternating, same thread count; reported as ratios.
- Argos: the .argosmodel installed with install_from_path translates the first 100 lines,
  which must equal ctranslate2 run with Argos's own settings.

Search settings follow nmt's defaults: length penalty 1, at least 1 token, at most
floor(1.2 * (source tokens + 1)) + 10 tokens before eos (capped at max positions - 1).
ctranslate2 takes one max_decoding_length per call, so sentences are grouped by theirs.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nmt", required=True, help="the nmt executable")
    parser.add_argument("--bleu", required=True, help="the bleu executable")
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--ct2", required=True, help="nmt export --format ctranslate2 output (float32)")
    parser.add_argument("--ct2-int8", required=True, help="the same with --quantization int8")
    parser.add_argument("--argos", required=True, help="nmt export --format argos output")
    parser.add_argument("--source", required=True)
    parser.add_argument("--reference", required=True)
    parser.add_argument("--work", required=True, help="directory for hypotheses and the report")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2, help="alternating timing rounds per setting")
    parser.add_argument("--from-code", default="es")
    parser.add_argument("--to-code", default="en")
    parser.add_argument("--argos-lines", type=int, default=100)
    return parser.parse_args()


def read_lines(path):
    """Lines split at "\n" only, as nmt reads them (str.splitlines also splits at U+2028 …)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def checkpoint_max_positions(checkpoint):
    """The model's max_positions, from the checkpoint's config.json."""
    with open(Path(checkpoint) / "config.json") as f:
        return json.load(f)["model"]["maxPositions"]


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.writelines(line + "\n" for line in lines)


def run_nmt(args, beam, output):
    start = time.perf_counter()
    subprocess.run([args.nmt, "translate", "--model", args.checkpoint, "--input", args.source, "--output", str(output),
                    "--beam", str(beam), "--threads", str(args.threads)], check=True)
    return time.perf_counter() - start, read_lines(output)


def run_ct2(args, model_dir, beam, compute_type, lines, max_positions, output):
    """Loads, tokenizes, translates and detokenizes, as `nmt translate` does in its run."""
    import ctranslate2
    import sentencepiece as spm

    start = time.perf_counter()
    translator = ctranslate2.Translator(model_dir, device="cpu", compute_type=compute_type,
                                        inter_threads=1, intra_threads=args.threads)
    processor = spm.SentencePieceProcessor(model_file=str(Path(args.ct2) / "sentencepiece.model"))
    pieces = [processor.encode(line, out_type=str) for line in lines]
    groups = defaultdict(list)
    for i, tokens in enumerate(pieces):
        if tokens:
            groups[min(int(1.2 * (len(tokens) + 1)) + 10, max_positions - 1)].append(i)
    hypotheses = [""] * len(lines)
    for max_length, indices in sorted(groups.items()):
        results = translator.translate_batch([pieces[i] for i in indices], beam_size=beam, length_penalty=1.0,
                                             min_decoding_length=1, max_decoding_length=max_length,
                                             max_batch_size=32, max_input_length=max_positions)
        for i, result in zip(indices, results):
            hypotheses[i] = processor.decode(result.hypotheses[0])
    elapsed = time.perf_counter() - start
    write_lines(output, hypotheses)
    return elapsed, hypotheses


def bleu(args, hypotheses_file):
    result = subprocess.run([args.bleu, args.reference, "-i", str(hypotheses_file), "--format", "json"],
                            check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["score"]


def identical(a, b):
    return sum(x == y for x, y in zip(a, b)) / max(len(a), 1)


def check_argos(args, work, lines):
    """Installs the package in a private Argos home and translates `lines` through it."""
    home = work / "argos-home"
    os.environ.update({"XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config"),
                       "XDG_CACHE_HOME": str(home / "cache"), "ARGOS_INTRA_THREADS": str(args.threads),
                       "ARGOS_INTER_THREADS": "1"})
    import argostranslate.package
    import argostranslate.settings
    import argostranslate.translate
    import ctranslate2
    import sentencepiece as spm

    argostranslate.package.install_from_path(Path(args.argos))
    installed = [p for p in argostranslate.package.get_installed_packages()
                 if p.from_code == args.from_code and p.to_code == args.to_code]
    assert len(installed) == 1, f"expected one installed {args.from_code}→{args.to_code} package, got {installed}"
    package = installed[0]
    translation = argostranslate.translate.get_translation_from_codes(args.from_code, args.to_code)

    # Argos 1.11 splits sentences with MiniSBD, whose model is downloaded at first use;
    # this check compares the translation model, so each test line is one sentence.
    class OneSentencePerLine:
        def split_sentences(self, text):
            return [text]

    translation.underlying.sentencizer = OneSentencePerLine()
    argos = [translation.translate(line) for line in lines]

    # ctranslate2 directly, with the settings apply_packaged_translation passes.
    translator = ctranslate2.Translator(str(package.package_path / "model"), device="cpu",
                                        compute_type=argostranslate.settings.compute_type,
                                        inter_threads=1, intra_threads=args.threads)
    processor = spm.SentencePieceProcessor(model_file=str(package.package_path / "sentencepiece.model"))
    direct = []
    for line in lines:
        result = translator.translate_batch([processor.encode(line, out_type=str)], replace_unknowns=True,
                                            max_batch_size=argostranslate.settings.batch_size, batch_type="tokens",
                                            beam_size=max(1, argostranslate.settings.beam_size), num_hypotheses=1,
                                            length_penalty=0.2)
        direct.append(processor.decode(result[0].hypotheses[0]))
    write_lines(work / "argos.hyp", argos)
    write_lines(work / "argos-direct-ct2.hyp", direct)
    return {
        "lines": len(lines),
        "identical": identical(argos, direct),
        "package_path": str(package.package_path),
        "compute_type": argostranslate.settings.compute_type,
        "beam_size": max(1, argostranslate.settings.beam_size),
    }


def main():
    args = parse_arguments()
    # argostranslate is imported later, in check_argos: its settings read the environment
    # (the private Argos home) when it is first imported.
    import ctranslate2
    from importlib.metadata import version

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    lines = read_lines(args.source)
    max_positions = checkpoint_max_positions(args.checkpoint)

    report = {"ctranslate2": ctranslate2.__version__, "argostranslate": version("argostranslate"),
              "threads": args.threads, "lines": len(lines), "rounds": args.rounds}
    timings = defaultdict(list)
    outputs = {}
    for beam in (1, 5):
        for round_index in range(args.rounds):
            for name, run in (
                ("nmt", lambda out: run_nmt(args, beam, out)),
                ("ct2-float32", lambda out: run_ct2(args, args.ct2, beam, "float32", lines, max_positions, out)),
                ("ct2-int8", lambda out: run_ct2(args, args.ct2, beam, "int8", lines, max_positions, out)),
                ("ct2-exported-int8", lambda out: run_ct2(args, args.ct2_int8, beam, "default", lines, max_positions, out)),
            ):
                output = work / f"{name}.beam{beam}.hyp"
                elapsed, hypotheses = run(output)
                timings[(name, beam)].append(elapsed)
                outputs[(name, beam)] = (output, hypotheses)
                print(f"beam {beam} round {round_index + 1}: {name} {elapsed:.1f} s", file=sys.stderr, flush=True)

    for beam in (1, 5):
        nmt_time = sum(timings[("nmt", beam)])
        section = {}
        for name in ("nmt", "ct2-float32", "ct2-int8", "ct2-exported-int8"):
            output, hypotheses = outputs[(name, beam)]
            section[name] = {
                "bleu": bleu(args, output),
                "seconds": timings[(name, beam)],
                "nmt_time_over_this": nmt_time / sum(timings[(name, beam)]),
                "identical_to_nmt": identical(outputs[("nmt", beam)][1], hypotheses),
            }
        section["int8_exported_vs_load_time"] = identical(outputs[("ct2-int8", beam)][1],
                                                          outputs[("ct2-exported-int8", beam)][1])
        report[f"beam{beam}"] = section

    report["argos"] = check_argos(args, work, lines[:args.argos_lines])
    with open(work / "report.json", "w") as f:
        json.dump(report, f, indent=2)

    print(f"ctranslate2 {report['ctranslate2']}, argostranslate {report['argostranslate']}, "
          f"{args.threads} thread(s), {len(lines)} lines, {args.rounds} alternating rounds")
    for beam in (1, 5):
        section = report[f"beam{beam}"]
        print(f"beam {beam}:")
        for name in ("nmt", "ct2-float32", "ct2-int8", "ct2-exported-int8"):
            s = section[name]
            print(f"  {name:18} BLEU {s['bleu']:6.2f}  identical to nmt {100 * s['identical_to_nmt']:6.2f} %  "
                  f"time {sum(s['seconds']):7.1f} s  nmt/this {s['nmt_time_over_this']:.2f}")
        print(f"  int8 exported vs int8 at load: {100 * section['int8_exported_vs_load_time']:.2f} % identical")
    greedy = report["beam1"]["ct2-float32"]["identical_to_nmt"]
    bleu_gap = report["beam5"]["ct2-float32"]["bleu"] - report["beam5"]["nmt"]["bleu"]
    argos = report["argos"]
    print(f"greedy identical: {100 * greedy:.2f} % (goal >= 99 %): {'ok' if greedy >= 0.99 else 'MISSED'}")
    print(f"beam-5 BLEU ct2 - nmt: {bleu_gap:+.2f} (goal within 0.1): {'ok' if abs(bleu_gap) <= 0.1 else 'MISSED'}")
    print(f"argos: {100 * argos['identical']:.0f} % of {argos['lines']} lines equal ctranslate2 "
          f"(beam {argos['beam_size']}, compute type {argos['compute_type']}): "
          f"{'ok' if argos['identical'] == 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
