#!/usr/bin/env python3
"""Hugging Face MarianMT reference for `nmt import --format marian`.

Builds three small MarianMT models with transformers, trains each briefly on a toy task
(so that translations depend on the input), saves them as Hugging Face does
(save_pretrained with safetensors; SentencePiece models trained with the sentencepiece
package on toy text; vocab.json joining them) and writes what the Swift tests compare
against, expected.json:
  lines:   [{source, target, source_ids, target_ids, log_probs, greedy_ids, greedy_text}]
  where log_probs are the forced-decoding log-probabilities of target_ids (eos last),
  and greedy_* are generate(num_beams=1, do_sample=False) with its decoder start, eos
  and end token stripped.

The fixtures:
  tied-swish     one SentencePiece model for both sides, tied embeddings, SiLU ("swish"),
                 √d-scaled embeddings, a non-zero final_logits_bias; task: copy
  relu-separate  source and target SentencePiece models (the target side upper-case),
                 a separate lm_head, ReLU, unscaled embeddings; task: reverse and
                 upper-case the words
  multilingual   >>cp<< and >>rv<< target-language tokens, GELU; task: copy or reverse

Versions (requirements): transformers==4.57.6 torch==2.13.0 sentencepiece==0.2.1
safetensors==0.8.0 (no sacremoses: MarianTokenizer then leaves punctuation unchanged, as
nmt does).

Usage: marian_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/<fixture>/...)
Developers run it; CI only reads the committed output
(Tests/ImportTests/Fixtures).
"""
import io
import json
import os
import random
import sys
import tempfile

import sentencepiece as spm
import torch
from transformers import MarianConfig, MarianMTModel, MarianTokenizer

WORDS = ["ka", "lo", "mi", "su", "te", "ra", "no", "pi", "ve", "do", "gu", "ze"]


def sentences(rng, count):
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))) for _ in range(count)]


def train_spm(lines, vocab_size, prefix):
    """A unigram model of `lines` written to prefix.model; returns its path."""
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_prefix=prefix, vocab_size=vocab_size,
        model_type="unigram", character_coverage=1.0, normalization_rule_name="identity", seed_sentencepiece_size=1000,
        hard_vocab_limit=False, minloglevel=2)
    return prefix + ".model"


def spm_pieces(path):
    sp = spm.SentencePieceProcessor(model_file=path)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def write_vocab(path, pieces, language_tokens):
    """Marian's layout: </s> 0, <unk> 1, language tokens, pieces, <pad> last."""
    vocab = {"</s>": 0, "<unk>": 1}
    for piece in language_tokens + pieces:
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    with open(path, "w") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=2)
    return len(vocab)


def make_tokenizer(work, source_spm, target_spm, pieces, language_tokens):
    vocab_path = os.path.join(work, "vocab.json")
    size = write_vocab(vocab_path, pieces, language_tokens)
    return MarianTokenizer(source_spm, target_spm, vocab_path), size


def build(vocab_size, pad, activation, scale, tie):
    config = MarianConfig(
        vocab_size=vocab_size, d_model=16, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=64, activation_function=activation, scale_embedding=scale,
        pad_token_id=pad, eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0,
        tie_word_embeddings=tie, dropout=0.0, bad_words_ids=[[pad]], max_length=24, num_beams=1)
    return MarianMTModel(config)


def train(model, tokenizer, pairs, steps, seed):
    torch.manual_seed(seed)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=0.01)
    model.train()
    for step in range(steps):
        batch = random.Random(seed * 100_000 + step).sample(pairs, 32)
        enc = tokenizer([s for s, _ in batch], text_target=[t for _, t in batch], padding=True, return_tensors="pt")
        enc["labels"][enc["labels"] == tokenizer.pad_token_id] = -100
        loss = model(**enc).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0 or step == steps - 1:
            print(f"  step {step} loss {loss.item():.3f}", flush=True)
    model.eval()


@torch.no_grad()
def expected_line(model, tokenizer, source, target):
    enc = tokenizer([source], text_target=[target], return_tensors="pt")
    labels = enc.pop("labels")
    logits = model(**enc, labels=labels).logits.double()
    log_probs = torch.log_softmax(logits, dim=-1)[0].gather(1, labels[0][:, None])[:, 0]
    generated = model.generate(**enc, num_beams=1, do_sample=False, max_length=24)[0].tolist()
    assert generated[0] == model.config.decoder_start_token_id
    ids = generated[1:]
    if ids and ids[-1] == tokenizer.eos_token_id:
        ids = ids[:-1]
    assert tokenizer.pad_token_id not in ids and len(generated) < 24, f"generation hit the length limit: {generated}"
    return {
        "source": source, "target": target,
        "source_ids": enc["input_ids"][0].tolist(), "target_ids": labels[0].tolist(),
        "log_probs": log_probs.tolist(), "greedy_ids": ids,
        "greedy_text": tokenizer.decode(ids, skip_special_tokens=True),
    }


def save(out, model, tokenizer, lines):
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    # Not one of the files nmt reads; kept out of the fixture.
    os.remove(os.path.join(out, "special_tokens_map.json"))
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"transformers": __import__("transformers").__version__, "lines": lines}, f, ensure_ascii=False, indent=1)


def fixture(out, name, task, source_text, target_text, language_tokens, activation, scale, tie, seed):
    print(name, flush=True)
    rng = random.Random(seed)
    torch.manual_seed(seed)
    with tempfile.TemporaryDirectory() as work:
        source_spm = train_spm(source_text, 40, os.path.join(work, "source"))
        target_spm = source_spm if target_text is None else train_spm(target_text, 40, os.path.join(work, "target"))
        pieces = spm_pieces(source_spm) + ([] if target_text is None else spm_pieces(target_spm))
        tokenizer, size = make_tokenizer(work, source_spm, target_spm, pieces, language_tokens)
        model = build(size, size - 1, activation, scale, tie)
        if name == "tied-swish":
            model.final_logits_bias.copy_(0.3 * torch.randn(1, size))
        pairs = [task(s, rng) for s in sentences(rng, 4000)]
        train(model, tokenizer, pairs, 400, seed)
        tests = [task(s, rng) for s in sentences(random.Random(seed + 1), 6)]
        # An unseen word: pieces outside the vocabulary become <unk>.
        tests.append(task(tests[0][0] + " xylo", rng))
        lines = [expected_line(model, tokenizer, s, t) for s, t in tests]
        save(os.path.join(out, name), model, tokenizer, lines)


def main():
    out = sys.argv[1]
    rng = random.Random(0)
    text = sentences(rng, 3000)
    upper = [s.upper() for s in text]

    fixture(out, "tied-swish", lambda s, _: (s, s), text, None, [], "swish", True, True, seed=1)
    fixture(out, "relu-separate", lambda s, _: (s, " ".join(reversed(s.upper().split()))),
            text, upper, [], "relu", False, False, seed=2)

    def multilingual(s, r):
        if s.startswith(">>"):
            code, s = s.split(" ", 1)
        else:
            code = r.choice([">>cp<<", ">>rv<<"])
        return f"{code} {s}", s if code == ">>cp<<" else " ".join(reversed(s.split()))
    fixture(out, "multilingual", multilingual, text, None, [">>cp<<", ">>rv<<"], "gelu", True, True, seed=3)


if __name__ == "__main__":
    main()
