#!/usr/bin/env python3
"""The training step of bench/TrainingStep in PyTorch eager, for a side-by-side comparison (question 3 of README.md).

A LLaMA-style decoder (RMSNorm, rotary positions in the rotate_half layout, SwiGLU feed-forward, grouped-query
attention with key/value heads repeated, causal softmax written out since PyTorch 1.13 has no
scaled_dot_product_attention), frozen; LoRA (rank 8, alpha 16, no dropout) on q, k, v, o, gate, up and down of every
layer; the language-model head at the supervised positions only; cross-entropy, backward, gradient clipping at 1.0
and AdamW (lr 1e-3, no weight decay) on the LoRA parameters only: the step the pipeline takes on the same sizes.
One fixed batch of random token ids whose last tokens of each sample are supervised, reused every step.

With --profile it times every kind of operation of that step alone at the step's shapes instead, forward and backward
apart, with the component names of the C# bench's `profile` subcommand (README.md), against the step timed in the
same rounds.

Run with Debian's interpreter (python3-torch is installed for it, not for other Pythons on PATH):
    /usr/bin/python3.11 bench/TrainingStep/peer.py --size bench --threads 1
    /usr/bin/python3.11 bench/TrainingStep/peer.py --profile --size bench --threads 1
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


def causal_attention(q, k, v, causal_mask):
    """softmax(Q K^T / sqrt(d), future positions masked) V, written out: PyTorch 1.13 has no scaled_dot_product_attention."""
    scores = (q @ k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    return torch.softmax(scores.masked_fill(causal_mask, float("-inf")), dim=-1) @ v


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
        attended = causal_attention(q, k, v, causal_mask)
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


def is_publishable(start_load, end_load):
    """Whether the one-minute load was below 1 at both ends of a run; warns when it was not."""
    if start_load < 1 and end_load < 1:
        return True
    print(f"WARNING: the 1-minute load was {start_load:.2f} at the start and {end_load:.2f} at the end (must be below 1 both times): "
          "do NOT publish these numbers; run again on an idle machine.")
    return False


def matmul_rate(n=512, repeats=20):
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2.0 * n ** 3 * repeats / (time.perf_counter() - start) / 1e9


def make_step(s):
    """The model of size `s` and its training step on one fixed batch; returns (step, trainable parameters)."""
    model = Decoder(s)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-3, betas=(0.9, 0.999), weight_decay=0.0)
    ids, rows, targets = fixed_batch(s)

    def step():
        loss = F.cross_entropy(model.forward_supervised(ids, rows), targets)
        value = loss.item()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad()
        return value

    return step, trainable


def fixed_batch(s):
    """Random token ids (B x T) whose last tokens are supervised: the flat rows of supervised positions and their targets."""
    b, t, sup = s["batch"], s["length"], s["supervised"]
    ids = torch.randint(6, s["vocabulary"], (b, t))
    labels = torch.full((b, t), -100, dtype=torch.long)
    labels[:, t - sup - 1: t - 1] = ids[:, t - sup:]  # position p predicts token p + 1: the answer and <eos>
    rows = (labels.reshape(-1) != -100).nonzero().squeeze(1)
    targets = labels.reshape(-1).index_select(0, rows)
    return ids, rows, targets


class Component:
    """One kind of operation of the step, timed alone at the step's shapes (as ProfiledComponent.cs in the C# bench):
    inputs made once (by running the step's preceding operation, so they keep its memory layout); each call hands the
    inputs that need gradients over as fresh leaves, times the forward, then the backward from a fixed upstream
    gradient (None: a scalar output)."""

    def __init__(self, name, forward_calls, backward_calls, forward_flops, backward_flops, inputs, forward, upstream=None, before_each_call=None):
        self.name, self.forward_calls, self.backward_calls = name, forward_calls, backward_calls
        self.forward_flops, self.backward_flops = forward_flops, backward_flops
        self.inputs, self.forward, self.upstream, self.before_each_call = inputs, forward, upstream, before_each_call

    @property
    def flops_per_step(self):
        return self.forward_calls * self.forward_flops + self.backward_calls * self.backward_flops

    def time_one_call(self):
        if self.before_each_call:
            self.before_each_call()
        xs = [stored.detach().requires_grad_(True) if needs_gradient else stored for stored, needs_gradient in self.inputs]
        start = time.perf_counter()
        output = self.forward(xs)
        forward = (time.perf_counter() - start) * 1000
        if self.backward_calls == 0 or output is None:
            return forward, 0.0
        start = time.perf_counter()
        output.backward(self.upstream)
        return forward, (time.perf_counter() - start) * 1000


def step_components(s):
    """The same component list as StepComponents.cs, with this file's own modules and operations (see its docs for the counts)."""
    torch.manual_seed(11)
    model = Decoder(s)
    model.train()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-3, betas=(0.9, 0.999), weight_decay=0.0)
    layer = model.layers[0]
    attention, mlp = layer.self_attn, layer.mlp
    b, t, c, i, L = s["batch"], s["length"], s["hidden"], s["intermediate"], s["layers"]
    h, kv, r, v_size = s["heads"], s["kv_heads"], s["rank"], s["vocabulary"]
    d, n, m = c // h, b * t, b * s["supervised"]
    cos, sin, mask = model.cos[:t], model.sin[:t], model.causal_mask[:t, :t]
    heads = lambda x, count: x.view(b, t, count, d).transpose(1, 2)
    repeat = lambda x: x.repeat_interleave(h // kv, dim=1)
    randn = torch.randn
    with torch.no_grad():
        query = rotate(heads(randn(b, t, c), h), cos, sin)
        key_rotated = rotate(heads(randn(b, t, kv * d), kv), cos, sin)
        key, value = repeat(key_rotated), repeat(heads(randn(b, t, kv * d), kv))
        attended = causal_attention(query, key, value, mask)
    ids, rows, targets = fixed_batch(s)
    attention_forward = 4.0 * b * t * t * c

    def projection(name, module, calls, reads_embeddings=True):
        per_layer = calls // L
        fan_in, fan_out = module.base.in_features, module.base.out_features
        forward = 2 * n * fan_in * fan_out + 2 * n * r * (fan_in + fan_out)
        lora_weights_and_b = 2 * n * r * (fan_in + fan_out) + 2 * n * r * fan_out
        backward = 2 * n * fan_in * fan_out + lora_weights_and_b + 2 * n * fan_in * r
        parameters = [p for p in module.parameters() if p.requires_grad]

        def zero_gradients():
            for p in parameters:
                if p.grad is not None:
                    p.grad.zero_()

        upstream = randn(b, t, fan_out)
        with_gradient = calls - per_layer if reads_embeddings else calls
        yield Component(name, with_gradient, with_gradient, forward, backward, [(randn(b, t, fan_in), True)], lambda x: module(x[0]), upstream, zero_gradients)
        if reads_embeddings:
            yield Component(name + ", layer 0 (input needs no gradient)", per_layer, per_layer, forward, lora_weights_and_b,
                            [(randn(b, t, fan_in), False)], lambda x: module(x[0]), upstream, zero_gradients)

    def update():
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad()

    def give_gradients():
        torch.stack([p.sum() for p in trainable]).sum().backward()

    head = 2.0 * m * c * v_size
    components = [
        Component("embedding lookup", 1, 0, 0, 0, [(ids, False)], lambda x: model.embed_tokens(x[0])),
        Component("RMSNorm", 2 * L + 1, 2 * L, 0, 0, [(randn(b, t, c), True)], lambda x: layer.input_layernorm(x[0]), randn(b, t, c)),
        *projection("q_proj with LoRA", attention.q_proj, L),
        *projection("k_proj and v_proj with LoRA", attention.k_proj, 2 * L),
        Component("rotary on q (split into heads, rotate)", L, L, 0, 0, [(randn(b, t, c), True)], lambda x: rotate(heads(x[0], h), cos, sin), randn(b, h, t, d)),
        Component("rotary on k (split into heads, rotate)", L, L, 0, 0, [(randn(b, t, kv * d), True)], lambda x: rotate(heads(x[0], kv), cos, sin), randn(b, kv, t, d)),
    ]
    if kv != h:
        components += [
            Component("repeat k heads", L, L, 0, 0, [(key_rotated, True)], lambda x: repeat(x[0]), randn(b, h, t, d)),
            Component("repeat v heads (split into heads, repeat)", L, L, 0, 0, [(randn(b, t, kv * d), True)], lambda x: repeat(heads(x[0], kv)), randn(b, h, t, d)),
        ]
    components += [
        Component("causal attention", L, L, attention_forward, 2 * attention_forward, [(query, True), (key, True), (value, True)],
                  lambda x: causal_attention(x[0], x[1], x[2], mask), randn(b, h, t, d)),
        Component("merge heads (transpose, reshape)", L, L, 0, 0, [(attended, True)], lambda x: x[0].transpose(1, 2).reshape(b, t, h * d), randn(b, t, c)),
        *projection("o_proj with LoRA", attention.o_proj, L, reads_embeddings=False),
        Component("residual add", 2 * L, 2 * L, 0, 0, [(randn(b, t, c), True), (randn(b, t, c), True)], lambda x: x[0] + x[1], randn(b, t, c)),
        *projection("gate_proj and up_proj with LoRA", mlp.gate_proj, 2 * L, reads_embeddings=False),
        Component("SwiGLU product silu(gate) * up", L, L, 0, 0, [(randn(b, t, i), True), (randn(b, t, i), True)], lambda x: F.silu(x[0]) * x[1], randn(b, t, i)),
        *projection("down_proj with LoRA", mlp.down_proj, L, reads_embeddings=False),
        Component("gradient sums at fan-outs (autograd)", 5 * L - 3, 0, 0, 0, [(randn(b, t, c), False), (randn(b, t, c), False)], lambda x: x[0] + x[1]),
        Component("lm_head at supervised positions, cross-entropy", 1, 1, head, head, [(randn(b, t, c), True)],
                  lambda x: F.cross_entropy(model.lm_head(x[0].reshape(-1, c).index_select(0, rows)), targets)),
        Component("gradient clipping and AdamW", 1, 0, 0, 0, [], lambda _: update(), before_each_call=give_gradients),
    ]
    def parts(name, module, calls):
        """The frozen product and the LoRA delta of a projection apart (not in the sum), as ProjectionParts in StepComponents.cs."""
        fan_in, fan_out = module.base.in_features, module.base.out_features
        lora = [module.lora_A.weight, module.lora_B.weight]

        def zero_gradients():
            for p in lora:
                if p.grad is not None:
                    p.grad.zero_()

        upstream, frozen = randn(b, t, fan_out), 2 * n * fan_in * fan_out
        return [
            Component(name + ": frozen product", calls, calls, frozen, frozen, [(randn(b, t, fan_in), True)], lambda x: module.base(x[0]), upstream),
            Component(name + ": LoRA delta", calls, calls, 2 * n * r * (fan_in + fan_out), 2 * n * r * (fan_in + fan_out) + 2 * n * r * fan_out + 2 * n * fan_in * r,
                      [(randn(b, t, fan_in), True)], lambda x: module.lora_B(module.lora_A(x[0])) * module.scale, upstream, zero_gradients),
        ]

    projection_parts = [*parts("q_proj", attention.q_proj, L - 1), *parts("k_proj and v_proj", attention.k_proj, 2 * (L - 1)), *parts("o_proj", attention.o_proj, L),
                        *parts("gate_proj and up_proj", mlp.gate_proj, 2 * L), *parts("down_proj", mlp.down_proj, L)]
    return components, projection_parts, sum(p.numel() for p in trainable)


def matmul_rates(shapes, rounds):
    """Median GFLOP/s over rounds of (m x k) @ (k x n) for each shape, as MatmulRate.cs: about 50 ms per round at 100 GFLOP/s."""
    rates = {}
    for m, k, n in shapes:
        a, b = torch.randn(m, k), torch.randn(k, n)
        flops = 2.0 * m * k * n
        repeats = max(1, math.ceil(5e9 / flops))
        for _ in range(3):
            a @ b
        per_round = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(repeats):
                a @ b
            per_round.append(flops * repeats / (time.perf_counter() - start) / 1e9)
        rates[f"{m} x {k} x {n}"] = statistics.median(per_round)
    return rates


def print_table(rows, with_share):
    """The markdown table of ProfileBench.cs."""
    print("| component | per step (forward / backward calls) | forward ms (one call) | backward ms (one call) | ms per step | counted GFLOP per step | GFLOP/s | "
          "ms at the matmul rate | other ms |" + (" share of the sum |" if with_share else ""))
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if with_share else ""))
    for row in rows:
        gflops = f"{row['gflop_per_step'] / (row['ms_per_step'] / 1000):.1f}" if row["gflop_per_step"] > 0 else "-"
        backward_ms = f"{row['backward_ms']:.2f}" if row["backward_calls"] > 0 else "-"
        print(f"| {row['component']} | {row['forward_calls']} / {row['backward_calls']} | {row['forward_ms']:.2f} | {backward_ms} | {row['ms_per_step']:.1f} | "
              f"{row['gflop_per_step']:.2f} | {gflops} | {row['ms_at_matmul_rate']:.1f} | {row['ms_per_step'] - row['ms_at_matmul_rate']:.1f} |"
              + (f" {100 * row['share']:.1f} % |" if with_share else ""))


def profile(args, s):
    """`--profile`: every component of the step timed alone, against this file's step timed in the same rounds (ProfileBench.cs)."""
    start_line, start_load = uptime("start")
    torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    step, trainable = make_step(s)
    components, projection_parts, profiled_parameters = step_components(s)
    timed = components + projection_parts
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads; {len(components)} components and {len(projection_parts)} projection parts; "
          f"trainable parameters: {profiled_parameters:,} profiled, {sum(p.numel() for p in trainable):,} in the step")
    for _ in range(args.warmup):
        step()
    for component in timed:
        for _ in range(args.warmup):
            component.time_one_call()
    forward, backward, step_ms = [[] for _ in timed], [[] for _ in timed], []
    for _ in range(args.rounds):
        for index, component in enumerate(timed):
            calls = [component.time_one_call() for _ in range(args.steps)]
            forward[index].append(statistics.mean(f for f, _ in calls))
            backward[index].append(statistics.mean(b for _, b in calls))
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        step_ms.append((time.perf_counter() - start) * 1000 / args.steps)
    tokens = s["batch"] * s["length"]
    rates = matmul_rates([(tokens, s["hidden"], s["hidden"]), (tokens, s["hidden"], s["intermediate"]), (tokens, s["intermediate"], s["hidden"])], args.rounds)
    end_line, end_load = uptime("end")

    rate = max(rates.values()) * 1e9
    all_rows = []
    for index, component in enumerate(timed):
        f, b = statistics.median(forward[index]), statistics.median(backward[index])
        all_rows.append(dict(component=component.name, forward_calls=component.forward_calls, backward_calls=component.backward_calls, forward_ms=f, backward_ms=b,
                             ms_per_step=component.forward_calls * f + component.backward_calls * b, gflop_per_step=component.flops_per_step / 1e9,
                             ms_at_matmul_rate=component.flops_per_step / rate * 1000))
    rows, part_rows = all_rows[:len(components)], all_rows[len(components):]
    total = sum(row["ms_per_step"] for row in rows)
    for row in rows:
        row["share"] = row["ms_per_step"] / total
    step_median = statistics.median(step_ms)
    flops = sum(component.flops_per_step for component in components)
    print()
    print(f"{args.warmup} warm-up calls, then {args.rounds} rounds of {args.steps} calls per component and {args.steps} steps; medians over rounds; "
          f"{args.threads} threads; matmul reference {rate / 1e9:.1f} GFLOP/s")
    print_table(rows, with_share=True)
    print(f"| **sum of components** | | | | **{total:.1f}** | {flops / 1e9:.2f} | {flops / (total / 1000) / 1e9:.1f} | {flops / rate * 1000:.1f} | "
          f"{total - flops / rate * 1000:.1f} | 100 % |")
    print()
    print(f"PyTorch step, same process and rounds: {step_median:.1f} ms; sum of components / step = {total / step_median:.3f} ({total - step_median:+.1f} ms)")
    for shape, value in rates.items():
        print(f"matmul {shape}: {value:.1f} GFLOP/s")
    print()
    print("Projections split into their frozen product and LoRA delta, timed apart (not in the sum; calls of the rows whose input needs its gradient):")
    print_table(part_rows, with_share=False)
    publishable = is_publishable(start_load, end_load)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, f"peer-profile-{args.size}-t{args.threads}.json")
    with open(path, "w") as f:
        json.dump(dict(benchmark=f"peer-profile-{args.size}-t{args.threads}", framework=f"PyTorch {torch.__version__} eager", size=dict(name=args.size, **s),
                       threads=args.threads, warmup=args.warmup, rounds=args.rounds, steps_per_round=args.steps, uptime_start=start_line, uptime_end=end_line,
                       publishable=publishable, rows=rows,
                       details=dict(sum_ms_per_step=total, step_ms_per_step=step_median, step_rounds_ms=step_ms, sum_over_step=total / step_median,
                                    matmul_gflops_per_second=rate / 1e9, matmul_rates=rates, step_gflop=flops / 1e9, trainable_parameters=profiled_parameters, projection_parts=part_rows)),
                  f, indent=2)
    print(f"result written to {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="bench")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=4, help="steps per round")
    parser.add_argument("--out", default="bench-results")
    parser.add_argument("--profile", action="store_true", help="time every kind of operation of the step alone (the `profile` subcommand of the C# bench)")
    args = parser.parse_args()
    s = SIZES[args.size]
    if args.profile:
        profile(args, s)
        return
    start_line, start_load = uptime("start")
    torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    rate = matmul_rate()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads; 512 x 512 matmul {rate:.1f} GFLOP/s")
    if rate < 10:
        print("WARNING: the matmul is slow, PyTorch may be on the reference BLAS: apt-get install libopenblas0-pthread")

    step, trainable = make_step(s)
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
    b, t = s["batch"], s["length"]
    tokens_per_second = b * t / (median / 1000)
    print(f"{s['layers']} layers, width {s['hidden']}, batch {b} x {t}, {sum(p.numel() for p in trainable):,} trainable parameters; "
          f"{args.warmup} warm-up steps, median of {args.rounds} rounds of {args.steps} steps")
    print("| size | threads | PyTorch ms/step | PyTorch tokens/s |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| {args.size} | {args.threads} | {median:.1f} | {tokens_per_second:.0f} |")
    publishable = is_publishable(start_load, end_load)
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
