#!/usr/bin/env python3
"""PyTorch reference for the Swift Transformer: logits, losses and gradients.

Reads an initialisation written by the Swift tests (model.safetensors with the config and
the batch in its metadata), builds the same model in plain PyTorch, following fairseq's
TransformerModel (scaled embeddings, sinusoidal positions as fairseq computes them,
queries scaled after their bias, pre- or post-norm, shared embeddings), runs the batch
in float64 and writes, as float32 safetensors:
  logits                       (B*T, V)
  loss.<criterion>, nll        summed over non-pad target tokens
  grad.<criterion>.<parameter> for every parameter (shared ones once, under their name)
for the criteria cross_entropy, label_smoothed_cross_entropy (fairseq's formula) and labo
(docs/labo.md, specification section 4). Developers run it through scripts/fixtures/make_transformer_reference.sh;
CI only reads the committed output.

Usage: transformer_reference.py INIT.safetensors OUT.safetensors
"""
import json
import math
import sys

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import save_file


def sinusoidal_table(num, dim, pad):
    """fairseq's SinusoidalPositionalEmbedding.get_embedding, in float32 as fairseq."""
    half = dim // 2
    step = math.log(10000) / (half - 1)
    freq = torch.exp(torch.arange(half, dtype=torch.float) * -step)
    angles = torch.arange(num, dtype=torch.float).unsqueeze(1) * freq.unsqueeze(0)
    table = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    table[pad, :] = 0
    return table.double()


def make_positions(ids, pad):
    """fairseq's utils.make_positions: numbered from pad + 1, padding keeps pad."""
    mask = ids.ne(pad).int()
    return (torch.cumsum(mask, dim=1) * mask).long() + pad


class Reference:
    def __init__(self, cfg, params):
        self.cfg = cfg
        self.p = params
        self.d = cfg["modelDim"]
        self.heads = cfg["heads"]
        self.pad = cfg["padID"]
        self.pre = cfg["normalizeBefore"]
        self.act = F.relu if cfg["activation"] == "relu" else F.gelu
        self.positions = sinusoidal_table(self.pad + 1 + cfg["maxPositions"], self.d, self.pad)

    def linear(self, x, name, bias=True):
        y = x @ self.p[name + ".weight"].T
        return y + self.p[name + ".bias"] if bias else y

    def norm(self, x, name):
        return F.layer_norm(x, (self.d,), self.p[name + ".weight"], self.p[name + ".bias"], eps=1e-5)

    def embed(self, ids, table):
        return math.sqrt(self.d) * table[ids] + self.positions[make_positions(ids, self.pad)]

    def attention(self, xq, xkv, name, key_padding, causal):
        B, Tq, d = xq.shape
        Tk = xkv.shape[1]
        hd = d // self.heads
        q = self.linear(xq, name + ".q_proj") * hd ** -0.5
        k = self.linear(xkv, name + ".k_proj")
        v = self.linear(xkv, name + ".v_proj")
        q = q.view(B, Tq, self.heads, hd).transpose(1, 2)
        k = k.view(B, Tk, self.heads, hd).transpose(1, 2)
        v = v.view(B, Tk, self.heads, hd).transpose(1, 2)
        scores = q @ k.transpose(-1, -2)
        mask = key_padding[:, None, None, :].expand(B, self.heads, Tq, Tk)
        if causal:
            mask = mask | torch.triu(torch.ones(Tq, Tk, dtype=torch.bool), diagonal=1)
        probs = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1)
        context = (probs @ v).transpose(1, 2).reshape(B, Tq, d)
        return self.linear(context, name + ".out_proj")

    def block(self, x, norm_name, sublayer):
        if self.pre:
            return x + sublayer(self.norm(x, norm_name))
        return self.norm(x + sublayer(x), norm_name)

    def ffn(self, x, prefix):
        return self.linear(self.act(self.linear(x, prefix + ".fc1")), prefix + ".fc2")

    def forward(self, src, prev):
        src_pad, tgt_pad = src.eq(self.pad), prev.eq(self.pad)
        x = self.embed(src, self.p["encoder.embed_tokens.weight"])
        for i in range(self.cfg["encoderLayers"]):
            p = f"encoder.layers.{i}"
            x = self.block(x, p + ".self_attn_layer_norm",
                           lambda h: self.attention(h, h, p + ".self_attn", src_pad, False))
            x = self.block(x, p + ".final_layer_norm", lambda h: self.ffn(h, p))
        if self.pre:
            x = self.norm(x, "encoder.layer_norm")
        enc = x
        y = self.embed(prev, self.p["decoder.embed_tokens.weight"])
        for i in range(self.cfg["decoderLayers"]):
            p = f"decoder.layers.{i}"
            y = self.block(y, p + ".self_attn_layer_norm",
                           lambda h: self.attention(h, h, p + ".self_attn", tgt_pad, True))
            y = self.block(y, p + ".encoder_attn_layer_norm",
                           lambda h: self.attention(h, enc, p + ".encoder_attn", src_pad, False))
            y = self.block(y, p + ".final_layer_norm", lambda h: self.ffn(h, p))
        if self.pre:
            y = self.norm(y, "decoder.layer_norm")
        return y @ self.p["decoder.output_projection.weight"].T


def criterion_losses(logits, target, pad, alpha, tau):
    """Summed losses over non-pad tokens: CE, fairseq's label-smoothed CE, LABO (docs/labo.md, specification section 4)."""
    keep = target.ne(pad)
    z, y = logits[keep], target[keep]
    V = z.shape[-1]
    lprobs = torch.log_softmax(z, dim=-1)
    nll = -lprobs.gather(1, y[:, None]).squeeze(1)
    eps_i = alpha / (V - 1)
    smooth = -lprobs.sum(dim=-1)
    ls = (1.0 - alpha - eps_i) * nll + eps_i * smooth
    target_mask = F.one_hot(y, V).bool()
    non_target = torch.logsumexp((z / tau).masked_fill(target_mask, float("-inf")), dim=-1)
    zy = z.gather(1, y[:, None]).squeeze(1)
    labo = torch.logsumexp(z, dim=-1) - (1 - alpha) * zy - alpha * tau * (non_target - math.log(V - 1))
    return {"cross_entropy": nll.sum(), "label_smoothed_cross_entropy": ls.sum(), "labo": labo.sum()}, nll.sum()


def main(init_path, out_path):
    with safe_open(init_path, "pt") as f:
        meta = f.metadata()
        raw = {k: f.get_tensor(k).double() for k in f.keys()}
    cfg = json.loads(meta["config"])
    batch = json.loads(meta["batch"])
    alpha, tau = float(meta["alpha"]), float(meta["tau"])
    B, S, T = batch["size"], batch["sourceLength"], batch["targetLength"]
    src = torch.tensor(batch["source"]).view(B, S)
    prev = torch.tensor(batch["decoderInput"]).view(B, T)
    target = torch.tensor(batch["target"]).view(B * T)

    out = {}
    for name in ["cross_entropy", "label_smoothed_cross_entropy", "labo"]:
        leaves = {k: v.clone().requires_grad_(True) for k, v in raw.items()}
        params = dict(leaves)
        sharing = cfg["sharing"]
        if sharing == "all":
            params["decoder.embed_tokens.weight"] = params["encoder.embed_tokens.weight"]
        if sharing != "none":
            params["decoder.output_projection.weight"] = params["decoder.embed_tokens.weight"]
        logits = Reference(cfg, params).forward(src, prev).reshape(B * T, -1)
        losses, nll = criterion_losses(logits, target, cfg["padID"], alpha, tau)
        losses[name].backward()
        out["logits"] = logits.detach().float()
        out[f"loss.{name}"] = losses[name].detach().float().reshape(1)
        out["nll"] = nll.detach().float().reshape(1)
        for k, v in leaves.items():
            out[f"grad.{name}.{k}"] = v.grad.float()
    save_file({k: v.contiguous() for k, v in out.items()}, out_path, metadata={"source": init_path.split("/")[-1]})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
