#!/usr/bin/env python3
"""PyTorch reference for 10 training updates of the tiny model.

Reads the initialisation the Swift test writes (model weights; metadata: model config,
the batches of each update, criterion α/τ, optimizer and schedule settings), runs the
updates with torch.optim.AdamW, fairseq's inverse_sqrt schedule, loss summed over target
tokens and gradients divided by the update's token count, clip_grad_norm_, and writes
the loss of every update and the final weights (float32 safetensors).

Usage: adamw_reference.py INIT.safetensors OUT.safetensors
"""
import json
import math
import sys

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from transformer_reference import Reference, criterion_losses


def rate(after_updates, lr, warmup, warmup_init):
    if after_updates < warmup:
        return warmup_init + after_updates * (lr - warmup_init) / warmup
    return lr * math.sqrt(warmup) / math.sqrt(after_updates)


def main(init_path, out_path):
    with safe_open(init_path, "pt") as f:
        meta = f.metadata()
        leaves = {k: f.get_tensor(k).double().requires_grad_(True) for k in f.keys()}
    cfg = json.loads(meta["config"])
    updates = json.loads(meta["updates"])
    opt = json.loads(meta["optimizer"])
    alpha, tau = float(meta["alpha"]), float(meta["tau"])
    params = dict(leaves)
    if cfg["sharing"] == "all":
        params["decoder.embed_tokens.weight"] = params["encoder.embed_tokens.weight"]
    if cfg["sharing"] != "none":
        params["decoder.output_projection.weight"] = params["decoder.embed_tokens.weight"]
    model = Reference(cfg, params)
    names = sorted(leaves)
    optimizer = torch.optim.AdamW([leaves[n] for n in names], lr=opt["lr"], betas=(opt["beta1"], opt["beta2"]),
                                  eps=opt["eps"], weight_decay=opt["weight_decay"])
    losses = []
    for u, batches in enumerate(updates):
        for g in optimizer.param_groups:
            g["lr"] = rate(u, opt["lr"], opt["warmup_updates"], opt["warmup_init_lr"])
        optimizer.zero_grad()
        total, tokens = 0.0, 0
        for batch in batches:
            B, S, T = batch["size"], batch["sourceLength"], batch["targetLength"]
            logits = model.forward(torch.tensor(batch["source"]).view(B, S),
                                   torch.tensor(batch["decoderInput"]).view(B, T)).reshape(B * T, -1)
            target = torch.tensor(batch["target"])
            loss = criterion_losses(logits, target, cfg["padID"], alpha, tau)[0]["labo"]
            loss.backward()
            total += loss.item()
            tokens += int(target.ne(cfg["padID"]).sum())
        for p in leaves.values():
            p.grad /= tokens
        torch.nn.utils.clip_grad_norm_([leaves[n] for n in names], opt["clip_norm"])
        optimizer.step()
        losses.append(total)
    out = {"losses": torch.tensor(losses, dtype=torch.float32)}
    out.update({k: v.detach().float().contiguous() for k, v in leaves.items()})
    save_file(out, out_path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
