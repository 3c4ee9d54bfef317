#!/usr/bin/env python3
"""Plain PyTorch (CPU) reference for nmt-bench: the same Transformer (fairseq's layout:
scaled embeddings, sinusoidal positions, post-norm, all embeddings shared), the same
batch shapes (sentences of 20-30 tokens, --target-tokens per batch, vocabulary 8000),
AdamW, and LABO or label-smoothed CE summed over tokens with gradients divided by the
token count. Prints one JSON object.

  torch_transformer.py train  --preset small --criterion labo --threads 2 --steps 5
  torch_transformer.py train  --preset small --criterion labo --threads 2 --dtype bf16
  torch_transformer.py decode --preset small --beam 5 --threads 2 --length 30

--dtype bf16 trains as PyTorch's CPU autocast recipe does: forward pass and loss under
torch.autocast("cpu", dtype=torch.bfloat16), fp32 master weights and AdamW, no GradScaler
(bf16 keeps fp32's exponent range, so nothing needs loss scaling), and the criterion in
fp32. It is the counterpart of nmt-bench's bf16 training rows.

Developers run it through Benchmarks/reference/compare.py; CI never does.
"""
import argparse
import contextlib
import json
import math
import random
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

PRESETS = {"small": (256, 4, 1024, 3), "iwslt": (512, 4, 1024, 6), "base": (512, 8, 2048, 6)}
PAD, EOS, VOCAB = 0, 3, 8000


def sinusoidal(num, dim, pad):
    half = dim // 2
    step = math.log(10000) / (half - 1)
    freq = torch.exp(torch.arange(half, dtype=torch.float) * -step)
    angles = torch.arange(num, dtype=torch.float).unsqueeze(1) * freq.unsqueeze(0)
    table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    table[pad] = 0
    return table


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.q, self.k, self.v, self.out = (nn.Linear(d, d) for _ in range(4))

    def project(self, x, layer):
        B, T, _ = x.shape
        return layer(x).view(B, T, self.heads, self.hd).transpose(1, 2)

    def forward(self, x, memory=None, mask=None, cache=None):
        """mask: additive (B or 1, 1, Tq, Tk); cache: dict with 'k','v' grown per step."""
        q = self.project(x, self.q) * self.hd ** -0.5
        if cache is not None and "static" in cache:
            k, v = cache["k"], cache["v"]
        else:
            src = x if memory is None else memory
            k, v = self.project(src, self.k), self.project(src, self.v)
            if cache is not None:
                if memory is None and "k" in cache:
                    k = torch.cat([cache["k"], k], dim=2)
                    v = torch.cat([cache["v"], v], dim=2)
                cache["k"], cache["v"] = k, v
                if memory is not None:
                    cache["static"] = True
        scores = q @ k.transpose(-1, -2)
        if mask is not None:
            scores = scores + mask
        probs = torch.softmax(scores, dim=-1)
        B, _, Tq, _ = probs.shape
        return self.out((probs @ v).transpose(1, 2).reshape(B, Tq, -1))


class Layer(nn.Module):
    def __init__(self, d, heads, ffn, cross, dropout):
        super().__init__()
        self.self_attn, self.self_norm = Attention(d, heads), nn.LayerNorm(d)
        self.cross = Attention(d, heads) if cross else None
        self.cross_norm = nn.LayerNorm(d) if cross else None
        self.fc1, self.fc2, self.final_norm = nn.Linear(d, ffn), nn.Linear(ffn, d), nn.LayerNorm(d)
        self.dropout = dropout

    def forward(self, x, self_mask, memory=None, memory_mask=None, cache=None):
        drop = lambda h: F.dropout(h, self.dropout, self.training)
        x = self.self_norm(x + drop(self.self_attn(x, mask=self_mask, cache=None if cache is None else cache["self"])))
        if self.cross is not None:
            x = self.cross_norm(x + drop(self.cross(x, memory, memory_mask, None if cache is None else cache["cross"])))
        return self.final_norm(x + drop(self.fc2(F.relu(self.fc1(x)))))


class Model(nn.Module):
    def __init__(self, preset, dropout=0.1):
        super().__init__()
        d, heads, ffn, layers = PRESETS[preset]
        self.d = d
        self.embed = nn.Embedding(VOCAB, d, padding_idx=PAD)
        nn.init.normal_(self.embed.weight, 0, d ** -0.5)
        self.register_buffer("positions", sinusoidal(PAD + 1 + 1024, d, PAD))
        self.encoder = nn.ModuleList(Layer(d, heads, ffn, False, dropout) for _ in range(layers))
        self.decoder = nn.ModuleList(Layer(d, heads, ffn, True, dropout) for _ in range(layers))
        self.dropout = dropout

    def embed_tokens(self, ids, offset=0):
        mask = ids.ne(PAD).long()
        positions = (torch.cumsum(mask, 1) * mask + PAD) + offset * mask
        return F.dropout(math.sqrt(self.d) * self.embed(ids) + self.positions[positions], self.dropout, self.training)

    def encode(self, src):
        pad = src.eq(PAD)[:, None, None, :].float() * -1e9
        x = self.embed_tokens(src)
        for layer in self.encoder:
            x = layer(x, pad)
        return x, pad

    def forward(self, src, prev):
        memory, memory_mask = self.encode(src)
        T = prev.shape[1]
        causal = torch.triu(torch.full((T, T), -1e9), diagonal=1)[None, None]
        y = self.embed_tokens(prev)
        for layer in self.decoder:
            y = layer(y, causal, memory, memory_mask)
        return F.linear(y, self.embed.weight)

    def step(self, tokens, position, memory, memory_mask, caches):
        y = self.embed_tokens(tokens[:, None], offset=position)
        for layer, cache in zip(self.decoder, caches):
            y = layer(y, None, memory, memory_mask, cache)
        return F.linear(y[:, 0], self.embed.weight)


def make_batch(target_tokens, seed):
    rng = random.Random(seed)
    sources, targets, tokens = [], [], 0
    while tokens < target_tokens:
        s, t = rng.randint(19, 29), rng.randint(19, 29)
        sources.append([rng.randrange(4, VOCAB) for _ in range(s)])
        targets.append([rng.randrange(4, VOCAB) for _ in range(t)])
        tokens += t + 1
    S, T = max(map(len, sources)) + 1, max(map(len, targets)) + 1
    src = torch.full((len(sources), S), PAD)
    prev = torch.full((len(sources), T), PAD)
    tgt = torch.full((len(sources), T), PAD)
    for i, (s, t) in enumerate(zip(sources, targets)):
        src[i, :len(s)] = torch.tensor(s); src[i, len(s)] = EOS
        prev[i, 0] = EOS; prev[i, 1:len(t) + 1] = torch.tensor(t)
        tgt[i, :len(t)] = torch.tensor(t); tgt[i, len(t)] = EOS
    return src, prev, tgt


def criterion(logits, target, kind, alpha=0.1, tau=2.0):
    keep = target.ne(PAD)
    # fp32 whatever the logits are (a no-op in fp32): CPU autocast, unlike CUDA's, leaves
    # log_softmax and logsumexp in bf16, whose 8-bit significand rounds a token's loss of
    # about 9 nats to steps of 1/16; ours computes the criterion in fp32 too.
    z, y = logits[keep].float(), target[keep]
    V = z.shape[-1]
    lprobs = torch.log_softmax(z, dim=-1)
    nll = -lprobs.gather(1, y[:, None]).squeeze(1)
    if kind == "label_smoothed":
        eps_i = alpha / (V - 1)
        return ((1 - alpha - eps_i) * nll + eps_i * -lprobs.sum(-1)).sum(), int(keep.sum())
    non_target = torch.logsumexp((z / tau).scatter(1, y[:, None], float("-inf")), dim=-1)
    zy = z.gather(1, y[:, None]).squeeze(1)
    labo = torch.logsumexp(z, -1) - (1 - alpha) * zy - alpha * tau * (non_target - math.log(V - 1))
    return labo.sum(), int(keep.sum())


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def precision_context(dtype):
    """A factory of the region each step's forward pass and loss run in."""
    if dtype == "fp32":
        return contextlib.nullcontext
    # Probe with a product: an old torch lacks torch.autocast for "cpu" (AttributeError,
    # RuntimeError) and some builds only warn and disable it, which would time fp32 as bf16.
    try:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            product = torch.ones(2, 2) @ torch.ones(2, 2)
    except (AttributeError, RuntimeError, TypeError) as error:
        sys.exit(f"torch_transformer.py: --dtype bf16 needs CPU autocast (torch.autocast(\"cpu\", dtype=torch.bfloat16)); "
                 f"torch {torch.__version__} has none: {error}")
    if product.dtype != torch.bfloat16:
        sys.exit(f"torch_transformer.py: --dtype bf16 needs CPU autocast to bfloat16; torch {torch.__version__} "
                 f"ran the probe product in {product.dtype}")
    return lambda: torch.autocast("cpu", dtype=torch.bfloat16)


def train(args):
    model = Model(args.preset)
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.98), eps=1e-8, weight_decay=1e-4)
    src, prev, tgt = make_batch(args.target_tokens, 7)
    region = precision_context(args.dtype)
    times = []
    for i in range(args.warmup + args.steps):
        start = time.perf_counter()
        # A new region per step, as the recipe: autocast's cache of bf16 weight copies lives
        # for one region, so each step rounds the weights AdamW just updated.
        with region():
            logits = model(src, prev)
            loss, tokens = criterion(logits.view(-1, VOCAB), tgt.view(-1), args.criterion)
        loss.backward()
        for p in model.parameters():
            p.grad /= tokens
        opt.step()
        opt.zero_grad(set_to_none=True)
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    seconds = sorted(times)[len(times) // 2]
    tgt_tokens = int(tgt.ne(PAD).sum())
    src_tokens = int(src.ne(PAD).sum())
    return {"step_seconds": seconds, "tgt_tokens_per_second": tgt_tokens / seconds,
            "src_tgt_tokens_per_second": (src_tokens + tgt_tokens) / seconds, "peak_rss_mb": peak_rss_mb()}


@torch.no_grad()
def decode(args):
    model = Model(args.preset)
    model.eval()
    if args.dtype == "int8":
        model = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    rng = random.Random(11)
    src = torch.tensor([[rng.randrange(4, VOCAB) for _ in range(24)] + [EOS] for _ in range(args.batch)])
    times = []
    for i in range(args.warmup + args.steps):
        start = time.perf_counter()
        memory, memory_mask = model.encode(src)
        beam = args.beam
        memory = memory.repeat_interleave(beam, 0)
        memory_mask = memory_mask.repeat_interleave(beam, 0)
        rows = args.batch * beam
        caches = [{"self": {}, "cross": {}} for _ in model.decoder]
        tokens = torch.full((rows,), EOS)
        scores = torch.zeros(args.batch, beam)
        for t in range(args.length):
            lprobs = torch.log_softmax(model.step(tokens, t, memory, memory_mask, caches), dim=-1)
            lprobs[:, EOS] = float("-inf")            # fixed output length, as nmt-bench
            if beam == 1:
                tokens = lprobs.argmax(-1)
                continue
            if t == 0:
                lprobs.view(args.batch, beam, -1)[:, 1:] = float("-inf")
            cand = (scores[:, :, None] + lprobs.view(args.batch, beam, -1)).view(args.batch, -1)
            scores, index = cand.topk(beam, dim=-1)
            origin = (index // VOCAB + torch.arange(args.batch)[:, None] * beam).view(-1)
            tokens = (index % VOCAB).view(-1)
            for cache in caches:
                cache["self"]["k"] = cache["self"]["k"].index_select(0, origin)
                cache["self"]["v"] = cache["self"]["v"].index_select(0, origin)
        if i >= args.warmup:
            times.append(time.perf_counter() - start)
    seconds = sorted(times)[len(times) // 2]
    return {"seconds": seconds, "output_tokens_per_second": args.batch * args.length / seconds,
            "sentences_per_second": args.batch / seconds}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["train", "decode"])
    parser.add_argument("--preset", default="small", choices=sorted(PRESETS))
    parser.add_argument("--criterion", default="labo", choices=["labo", "label_smoothed"])
    parser.add_argument("--dtype", default="fp32", choices=["fp32", "bf16", "int8"],
                        help="train: bf16 runs under CPU autocast; decode: int8 is PyTorch's dynamic quantization of "
                             "every nn.Linear (quantize_dynamic, qint8; the tied output projection stays fp32)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--target-tokens", type=int, default=4096)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--length", type=int, default=30)
    args = parser.parse_args()
    if args.mode == "decode" and args.dtype == "bf16":
        parser.error("--dtype bf16 applies to train only")
    if args.mode == "train" and args.dtype == "int8":
        parser.error("--dtype int8 applies to decode only")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    result = train(args) if args.mode == "train" else decode(args)
    result.update({"mode": args.mode, "preset": args.preset, "threads": args.threads, "torch": torch.__version__,
                   "criterion": args.criterion if args.mode == "train" else None,
                   "dtype": args.dtype,
                   "beam": args.beam if args.mode == "decode" else None})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
