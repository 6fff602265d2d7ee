using static TorchSharp.torch;

namespace Pipeline.Host.Modules.Llama;

/// <summary>What a decoder attention layer takes besides its hidden state.</summary>
/// <param name="Hidden">The normed (and adapted) hidden state, <c>B x N x C</c>.</param>
/// <param name="Cos">Rotary cosine table, <c>N x head_dim</c>.</param>
/// <param name="Sin">Rotary sine table, <c>N x head_dim</c>.</param>
/// <param name="Mask">A boolean mask (<c>true</c> = may attend), broadcastable to <c>B x H x N x N</c>; <c>null</c> means plain causal.</param>
public sealed record AttentionInput(Tensor Hidden, Tensor Cos, Tensor Sin, Tensor? Mask);
