#!/usr/bin/env python3
"""The training step of bench/TrainingStep in PyTorch eager, for a side-by-side comparison (question 3 of README.md).

A LLaMA-style decoder (RMSNorm, rotary positions in the rotate_half layout, SwiGLU feed-forward, grouped-query
attention with key/value heads repeated, causal softmax written out since PyTorch 1.13 has no
scaled_dot_product_attention), frozen; LoRA (rank 8, alpha 16, no dropout) on q, k, v, o, gate, up and down of every
layer; the language-model head at the supervised positions only; cross-entropy, backward, gradient clipping at 1.0
and AdamW (lr 1e-3, no weight decay) on the LoRA parameters only: the step the pipeline takes on the same sizes.
One fixed batch of random token ids whose last tokens of each sample are supervised, reused every step.

Run with Debian's interpreter (python3-torch is installed for it, not for other Pythons on PATH):
    /usr/bin/python3.11 bench/TrainingStep/peer.py --size bench --threads 1
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# The same presets as bench/TrainingStep/ModelSize.cs.
SIZES = {
    "quickstart": dict(hidden=96, intermediate=256, layers=3, heads=4, kv_heads=2, length=64, batch=32, vocabulary=1024, supervised=8, rank=8),
    "bench": dict(hidden=512, intermediate=1376, layers=8, heads=8, kv_heads=4, length=128, batch=8, vocabulary=1024, supervised=16, rank=8),
}


class LoraLinear(nn.Module):
    """A frozen bias-free projection plus (alpha / r) * B(A(x)); B starts at zero."""

    def __init__(self, in_features, out_features, rank, alpha):
        super().__init__()
        self.base = nn.Linear(in_features, out_features, bias=False)
        self.base.weight.requires_grad_(False)
        self.lora_A = nn.Linear(in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, out_features, bias=False)
        nn.init.zeros_(self.lora_B.weight)
        self.scale = alpha / rank

    def forward(self, x):
        return self.base(x) + self.lora_B(self.lora_A(x)) * self.scale


class RmsNorm(nn.Module):
    def __init__(self, width, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(width), requires_grad=False)
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotary_tables(length, head_dim, theta=10000.0):
    inverse_frequency = theta ** (-torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim)
    angles = torch.outer(torch.arange(length, dtype=torch.float32), inverse_frequency)
    doubled = torch.cat([angles, angles], dim=-1)
    return doubled.cos(), doubled.sin()


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
    return x * cos + rotated * sin


class Attention(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.heads, self.kv_heads, self.head_dim = s["heads"], s["kv_heads"], s["hidden"] // s["heads"]
        c, r, a = s["hidden"], s["rank"], 2 * s["rank"]
        self.q_proj = LoraLinear(c, self.heads * self.head_dim, r, a)
        self.k_proj = LoraLinear(c, self.kv_heads * self.head_dim, r, a)
        self.v_proj = LoraLinear(c, self.kv_heads * self.head_dim, r, a)
        self.o_proj = LoraLinear(self.heads * self.head_dim, c, r, a)

    def forward(self, x, cos, sin, causal_mask):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        if self.kv_heads != self.heads:
            k = k.repeat_interleave(self.heads // self.kv_heads, dim=1)
            v = v.repeat_interleave(self.heads // self.kv_heads, dim=1)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        attended = torch.softmax(scores.masked_fill(causal_mask, float("-inf")), dim=-1) @ v
        return self.o_proj(attended.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class Mlp(nn.Module):
    def __init__(self, s):
        super().__init__()
        c, i, r, a = s["hidden"], s["intermediate"], s["rank"], 2 * s["rank"]
        self.gate_proj, self.up_proj, self.down_proj = LoraLinear(c, i, r, a), LoraLinear(c, i, r, a), LoraLinear(i, c, r, a)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.input_layernorm, self.self_attn = RmsNorm(s["hidden"]), Attention(s)
        self.post_attention_layernorm, self.mlp = RmsNorm(s["hidden"]), Mlp(s)

    def forward(self, x, cos, sin, causal_mask):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, causal_mask)
        return x + self.mlp(self.post_attention_layernorm(x))


class Decoder(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.embed_tokens = nn.Embedding(s["vocabulary"], s["hidden"])
        self.embed_tokens.weight.requires_grad_(False)
        self.layers = nn.ModuleList(DecoderLayer(s) for _ in range(s["layers"]))
        self.norm = RmsNorm(s["hidden"])
        self.lm_head = nn.Linear(s["hidden"], s["vocabulary"], bias=False)
        self.lm_head.weight.requires_grad_(False)
        cos, sin = rotary_tables(s["length"], s["hidden"] // s["heads"])
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        mask = torch.ones(s["length"], s["length"], dtype=torch.bool).triu(1)
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward_supervised(self, ids, rows):
        """Logits (M x V) at the supervised positions `rows` of the flattened batch only."""
        t = ids.shape[1]
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, self.cos[:t], self.sin[:t], self.causal_mask[:t, :t])
        hidden = self.norm(x)
        return self.lm_head(hidden.reshape(-1, hidden.shape[-1]).index_select(0, rows))


def uptime(when):
    try:
        line = subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        line = "load average: " + open("/proc/loadavg").read().strip()
    print(f"uptime at the {when}: {line}", flush=True)
    return line, float(open("/proc/loadavg").read().split()[0])


def matmul_rate(n=512, repeats=20):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2.0 * n ** 3 * repeats / (time.perf_counter() - start) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="bench")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=4, help="steps per round")
    parser.add_argument("--out", default="bench-results")
    args = parser.parse_args()
    s = SIZES[args.size]
    start_line, start_load = uptime("start")
    torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    rate = matmul_rate()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads; 512 x 512 matmul {rate:.1f} GFLOP/s")
    if rate < 10:
        print("WARNING: the matmul is slow, PyTorch may be on the reference BLAS: apt-get install libopenblas0-pthread")

    model = Decoder(s)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-3, betas=(0.9, 0.999), weight_decay=0.0)
    b, t, sup = s["batch"], s["length"], s["supervised"]
    ids = torch.randint(6, s["vocabulary"], (b, t))
    labels = torch.full((b, t), -100, dtype=torch.long)
    labels[:, t - sup - 1: t - 1] = ids[:, t - sup:]  # position p predicts token p + 1: the answer and <eos>
    rows = (labels.reshape(-1) != -100).nonzero().squeeze(1)
    targets = labels.reshape(-1).index_select(0, rows)

    def step():
        loss = F.cross_entropy(model.forward_supervised(ids, rows), targets)
        value = loss.item()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad()
        return value

    for _ in range(args.warmup):
        step()
    rounds = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        rounds.append((time.perf_counter() - start) * 1000 / args.steps)
    end_line, end_load = uptime("end")

    median = statistics.median(rounds)
    tokens_per_second = b * t / (median / 1000)
    print(f"{s['layers']} layers, width {s['hidden']}, batch {b} x {t}, {sum(p.numel() for p in trainable):,} trainable parameters; "
          f"{args.warmup} warm-up steps, median of {args.rounds} rounds of {args.steps} steps")
    print("| size | threads | PyTorch ms/step | PyTorch tokens/s |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| {args.size} | {args.threads} | {median:.1f} | {tokens_per_second:.0f} |")
    publishable = start_load < 1 and end_load < 1
    if not publishable:
        print(f"WARNING: the 1-minute load was {start_load:.2f} at the start and {end_load:.2f} at the end (must be below 1 both times): "
              "do NOT publish these numbers; run again on an idle machine.")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"peer-{args.size}-t{args.threads}.json")
    with open(path, "w") as f:
        json.dump(dict(benchmark="peer", framework=f"PyTorch {torch.__version__} eager", size=dict(name=args.size, **s), threads=args.threads,
                       warmup=args.warmup, rounds=args.rounds, steps_per_round=args.steps, uptime_start=start_line, uptime_end=end_line,
                       publishable=publishable, matmul_512_gflops_per_second=rate,
                       rows=[dict(size=args.size, threads=args.threads, ms_per_step=median, tokens_per_second=tokens_per_second, rounds_ms=rounds)]),
                  f, indent=2)
    print(f"result written to {path}")


if __name__ == "__main__":
    main()
