using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Encoders.Audio;

/// <summary>
/// A Whisper-style audio encoder laid out as Hugging Face's <c>WhisperEncoder</c> (<c>conv1.*</c>, <c>conv2.*</c>,
/// <c>embed_positions.weight</c>, <c>layers.{i}.*</c>, <c>layer_norm.*</c>), with the log-mel front end inside
/// (<c>log_mel</c>, no state-dict entries). Takes waveforms <c>B x samples</c>; returns <c>B x tokens x C</c>.
/// With <see cref="AudioEncoderOptions.ClassToken"/> a learned <c>class_embedding</c> (not in Whisper) is prepended at
/// position 0, as CLIP's [CLS]: attention-input adapters route on it, and <c>cls_every_k</c> output reads it.
/// </summary>
/// <remarks>
/// Positions are Whisper's fixed sinusoids, kept as <c>embed_positions.weight</c> (one row per frame after
/// <c>conv2</c>) with gradients off, so Hugging Face checkpoints load and the table is saved with the model.
/// </remarks>
public sealed class WhisperAudioEncoder : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "log_mel")] private readonly LogMelSpectrogram _logMel;
    [ComponentName(Name = "conv1")] private readonly TemporalConvolution _conv1;
    [ComponentName(Name = "conv2")] private readonly TemporalConvolution _conv2;
    [ComponentName(Name = "embed_positions")] private readonly Embedding _positions;
    [ComponentName(Name = "layers")] private readonly ModuleList<WhisperEncoderLayer> _layers;
    [ComponentName(Name = "layer_norm")] private readonly LayerNorm _finalNorm;
    [ComponentName(Name = "class_embedding")] private readonly Parameter? _classEmbedding;
    private readonly WhisperEncoderLayer[] _layersInOrder;
    private readonly int _poolTo;
    private readonly bool _clsEveryK;
    private readonly int _clsEvery;

    /// <param name="options">Validated options.</param>
    /// <param name="device">The device to create the parameters on.</param>
    public WhisperAudioEncoder(AudioEncoderOptions options, Device device) : base(nameof(WhisperAudioEncoder))
    {
        _poolTo = options.PoolTo;
        _clsEveryK = options.OutputTokens == AudioEncoderOptions.ClsEveryKTokens;
        _clsEvery = options.ClsEvery;
        _logMel = new LogMelSpectrogram(options.SampleRate, options.NFft, options.HopLength, options.MelBins, device);
        _conv1 = new TemporalConvolution(options.MelBins, options.Width, kernelSize: 3, stride: 1, padding: 1, device);
        _conv2 = new TemporalConvolution(options.Width, options.Width, kernelSize: 3, stride: 2, padding: 1, device);
        _positions = nn.Embedding(options.EncodedFrameCount, options.Width, device: device);
        using (no_grad())
        {
            using var sinusoids = Sinusoids(options.EncodedFrameCount, options.Width, device);
            _positions.weight!.copy_(sinusoids);
        }
        _positions.weight!.requires_grad = false;
        _layersInOrder = Enumerable.Range(0, options.Layers).Select(i => new WhisperEncoderLayer(i, options, device)).ToArray();
        _layers = nn.ModuleList(_layersInOrder);
        _finalNorm = nn.LayerNorm(options.Width, eps: 1e-5, device: device);
        if (options.ClassToken)
        {
            // Drawn last, so the other weights are the same with and without the token.
            _classEmbedding = new Parameter(empty(options.Width, device: device));
            using (no_grad()) nn.init.normal_(_classEmbedding, 0, 1 / Math.Sqrt(options.Width));
        }
        RegisterComponents();
    }

    /// <summary>
    /// Whisper's position table, <c>length x width</c>: <c>[sin(p * w_j), cos(p * w_j)]</c> with
    /// <c>w_j = 10000^(-j / (width/2 - 1))</c>, <c>j = 0 .. width/2 - 1</c>; an odd width gets a last column of zeros.
    /// </summary>
    public static Tensor Sinusoids(long length, long width, Device device)
    {
        using var scope = NewDisposeScope();
        long half = width / 2;
        double increment = Math.Log(10000) / Math.Max(half - 1, 1);
        Tensor frequencies = exp(arange(half, dtype: float32, device: device) * -increment);
        Tensor angles = arange(length, dtype: float32, device: device).unsqueeze(1) * frequencies.unsqueeze(0);
        Tensor table = cat([sin(angles), cos(angles)], dim: 1);
        if (table.shape[1] < width) table = nn.functional.pad(table, [0, width - table.shape[1]]);
        return table.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Encodes waveforms (<c>B x samples</c>, already padded or trimmed to the clip length). <c>frames</c>: the final
    /// <c>layer_norm</c> of every frame (class token dropped), average-pooled to <c>pool_to</c> tokens when it is set.
    /// <c>cls_every_k</c>: the raw class-token state after blocks k, 2k, ..., <c>B x (layers / k) x C</c>.
    /// </summary>
    public override Tensor forward(Tensor waveforms)
    {
        using var scope = NewDisposeScope();
        Tensor features = _logMel.call(waveforms).to(_conv1.Weight.dtype);
        Tensor hidden = nn.functional.gelu(_conv1.call(features));
        hidden = nn.functional.gelu(_conv2.call(hidden)).permute(0, 2, 1);
        hidden = hidden + _positions.weight!.unsqueeze(0);
        if (_classEmbedding is not null)
            hidden = cat([_classEmbedding.view(1, 1, -1).expand(hidden.shape[0], 1, -1).to_type(hidden.dtype), hidden], dim: 1);
        if (_clsEveryK)
        {
            var classStates = new List<Tensor>();
            for (int i = 0; i < _layersInOrder.Length; i++)
            {
                hidden = _layersInOrder[i].call(hidden);
                if ((i + 1) % _clsEvery == 0) classStates.Add(hidden[.., 0]);
            }
            return stack(classStates, dim: 1).MoveToOuterDisposeScope();
        }
        foreach (var layer in _layersInOrder) hidden = layer.call(hidden);
        hidden = _finalNorm.call(hidden);
        if (_classEmbedding is not null) hidden = hidden[.., 1..];
        if (_poolTo > 0)
            hidden = nn.functional.adaptive_avg_pool1d(hidden.transpose(1, 2), _poolTo).transpose(1, 2);
        return hidden.MoveToOuterDisposeScope();
    }
}
