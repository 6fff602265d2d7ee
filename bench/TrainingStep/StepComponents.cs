using Pipeline.Contracts.Modules;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Pipelines;
using Pipeline.Host.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Bench.TrainingStep;

/// <summary>
/// Every kind of operation one LoRA training step runs, at the step's exact shapes, on the host's own modules: the
/// <see cref="RmsNorm"/>s, the <see cref="AdaptableLinear"/> projections with the LoRA plugin's delta attached and their
/// base weights frozen, the embedding and the language-model head of a model the host's <see cref="ModelFactory"/>
/// builds from the benchmark's pipeline (so the trainable parameters are exactly the step's), and the operations
/// <see cref="LlamaAttention"/>, <see cref="LlamaMlp"/> and <see cref="LlamaDecoderLayer"/> write out
/// (<see cref="RotaryEmbedding.Apply"/>, <c>repeat_interleave</c>, <c>scaled_dot_product_attention</c>, the head merge,
/// <c>silu(gate) * up</c>, the residual add), with how many times a step runs each forward and backward.
/// </summary>
/// <remarks>
/// Counts for <c>L</c> layers: <c>2L + 1</c> RMSNorms (two per layer and the final one), of which the first layer's
/// first gets no backward (its input, the embeddings, and its weight need no gradient); q, k and v of layer 0 read the
/// embeddings, so their backward computes no input gradient (separate rows); two rotary applies, two repeats (k and v),
/// one attention, one head merge, one SwiGLU product and two residual adds per layer. Autograd sums the gradients of a
/// tensor that feeds several operations; a step does <c>5L - 3</c> such sums (per layer: the normed input feeding q, k
/// and v twice, the residual stream and the attention output each feeding a norm and an add, the normed MLP input feeding
/// gate and up; layer 0 has only the last two), timed as one element-wise add. Counted FLOPs follow <see cref="StepFlops"/>.
/// </remarks>
internal sealed class StepComponents : IDisposable
{
    private readonly BuiltModel _built;
    private readonly AdamW _optimizer;
    private readonly IReadOnlyList<IDisposable> _tensors;

    private StepComponents(BuiltModel built, AdamW optimizer, IReadOnlyList<IDisposable> tensors, IReadOnlyList<ProfiledComponent> components,
        IReadOnlyList<ProfiledComponent> projectionParts)
    {
        _built = built;
        _optimizer = optimizer;
        _tensors = tensors;
        Components = components;
        ProjectionParts = projectionParts;
    }

    /// <summary>The components, in the order a step first runs them; together they are the step.</summary>
    public IReadOnlyList<ProfiledComponent> Components { get; }

    /// <summary>
    /// Each projection's two parts timed apart, not part of the sum: the frozen product alone (<c>linear</c> with the base
    /// weight) and the LoRA delta alone (the plugin's module), with the calls of the projection's row whose input needs
    /// its gradient; with the whole projection's row they show where a projection loses time.
    /// </summary>
    public IReadOnlyList<ProfiledComponent> ProjectionParts { get; }

    /// <summary>Trainable parameters the clipping and AdamW component updates (the step's adapter parameters).</summary>
    public long TrainableParameters { get; private init; }

    /// <summary>Builds the model of <paramref name="definition"/> (vocabulary <paramref name="vocabularySize"/>) and the components at <paramref name="size"/>.</summary>
    public static StepComponents Build(PipelineDefinition definition, int vocabularySize, ModelSize size)
    {
        var built = ModelFactory.Build(definition, vocabularySize, CPU);
        var stage = definition.Config.Stages[0];
        var trainable = built.Inventory.Select(["adapters"], [], built.Adapters.Select(a => a.Name).ToList()).Select(p => p.Parameter).ToList();
        built.Model.train();
        var optimizer = optim.AdamW(trainable, lr: stage.LearningRate.Llm, beta1: stage.Beta1, beta2: stage.Beta2, weight_decay: stage.WeightDecay);
        var modules = built.Model.named_modules().ToDictionary(m => m.name, m => m.module);
        T Module<T>(string suffix) where T : class =>
            modules.Single(m => m.Key == suffix || m.Key.EndsWith("." + suffix, StringComparison.Ordinal)).Value as T
            ?? throw new InvalidOperationException($"module '{suffix}' is not a {typeof(T).Name}");

        IReadOnlyList<ProfiledComponent> components, parts;
        List<IDisposable> stored;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            (components, parts) = new Builder(size, stage.ClipGradNorm, optimizer, trainable,
                Module<nn.Module<Tensor, Tensor>>("embed_tokens"), Module<RmsNorm>("layers.0.input_layernorm"),
                Module<AdaptableLinear>("layers.0.self_attn.q_proj"), Module<AdaptableLinear>("layers.0.self_attn.k_proj"),
                Module<AdaptableLinear>("layers.0.self_attn.o_proj"), Module<AdaptableLinear>("layers.0.mlp.gate_proj"),
                Module<AdaptableLinear>("layers.0.mlp.down_proj"), Module<AdaptableLinear>("lm_head"),
                built.Model.Llm.Options.RopeTheta).Build();
            // The inputs, upstream gradients and tables live as long as the components.
            stored = scope.DisposablesView.ToList();
            scope.Detach(stored);
        }
        return new StepComponents(built, optimizer, stored, components, parts) { TrainableParameters = trainable.Sum(p => p.numel()) };
    }

    public void Dispose()
    {
        foreach (var tensor in _tensors) tensor.Dispose();
        _optimizer.Dispose();
        _built.Dispose();
    }

    private sealed record Builder(ModelSize Size, double ClipGradNorm, AdamW Optimizer, IReadOnlyList<Parameter> Trainable,
        nn.Module<Tensor, Tensor> Embedding, RmsNorm Norm, AdaptableLinear Query, AdaptableLinear KeyOrValue, AdaptableLinear Output,
        AdaptableLinear GateOrUp, AdaptableLinear Down, AdaptableLinear Head, double RopeTheta)
    {
        private long B => Size.Batch;
        private long T => Size.Length;
        private long C => Size.Hidden;
        private long I => Size.Intermediate;
        private int L => Size.Layers;
        private int H => Size.Heads;
        private int Kv => Size.KvHeads;
        private long D => Size.HeadDim;

        public (IReadOnlyList<ProfiledComponent> Components, IReadOnlyList<ProfiledComponent> ProjectionParts) Build()
        {
            var (cos, sin) = RotaryEmbedding.Tables((int)T, (int)D, RopeTheta, CPU, ScalarType.Float32);
            // The attention's inputs as the step makes them: projection outputs split into heads, rotated, k and v repeated.
            Tensor query = RotaryEmbedding.Apply(Heads(randn(B, T, C), H), cos, sin);
            Tensor keyRotated = RotaryEmbedding.Apply(Heads(randn(B, T, Kv * D), Kv), cos, sin);
            Tensor key = Repeat(keyRotated), value = Repeat(Heads(randn(B, T, Kv * D), Kv));
            Tensor attended = nn.functional.scaled_dot_product_attention(query, key, value, is_casual: true);
            var labels = full(B, T, BatchCollator.IgnoredLabel, ScalarType.Int64);
            labels[TensorIndex.Colon, TensorIndex.Slice(T - Size.SupervisedPerSample - 1, T - 1)] = randint(Size.Vocabulary, [B, Size.SupervisedPerSample]);
            double attentionForward = 4.0 * B * T * T * C;
            var components = new List<ProfiledComponent>
            {
                new("embedding lookup", 1, 0, 0, 0, [(randint(Size.Vocabulary, [B, T]), false)], x => Embedding.call(x[0])),
                new("RMSNorm", 2 * L + 1, 2 * L, 0, 0, [(randn(B, T, C), true)], x => Norm.call(x[0]), randn(B, T, C)),
            };
            components.AddRange(Projection("q_proj with LoRA", Query, L, H * D));
            components.AddRange(Projection("k_proj and v_proj with LoRA", KeyOrValue, 2 * L, Kv * D));
            components.Add(new("rotary on q (split into heads, rotate)", L, L, 0, 0, [(randn(B, T, C), true)],
                x => RotaryEmbedding.Apply(Heads(x[0], H), cos, sin), randn(B, H, T, D)));
            components.Add(new("rotary on k (split into heads, rotate)", L, L, 0, 0, [(randn(B, T, Kv * D), true)],
                x => RotaryEmbedding.Apply(Heads(x[0], Kv), cos, sin), randn(B, Kv, T, D)));
            if (Kv != H)
            {
                components.Add(new("repeat k heads", L, L, 0, 0, [(keyRotated, true)], x => Repeat(x[0]), randn(B, H, T, D)));
                components.Add(new("repeat v heads (split into heads, repeat)", L, L, 0, 0, [(randn(B, T, Kv * D), true)],
                    x => Repeat(Heads(x[0], Kv)), randn(B, H, T, D)));
            }
            components.Add(new("causal attention", L, L, attentionForward, 2 * attentionForward, [(query, true), (key, true), (value, true)],
                x => nn.functional.scaled_dot_product_attention(x[0], x[1], x[2], is_casual: true), randn(B, H, T, D)));
            components.Add(new("merge heads (transpose, reshape)", L, L, 0, 0, [(attended, true)],
                x => x[0].transpose(1, 2).reshape(B, T, H * D), randn(B, T, C)));
            components.AddRange(Projection("o_proj with LoRA", Output, L, C, readsEmbeddings: false));
            components.Add(new("residual add", 2 * L, 2 * L, 0, 0, [(randn(B, T, C), true), (randn(B, T, C), true)], x => x[0] + x[1], randn(B, T, C)));
            components.AddRange(Projection("gate_proj and up_proj with LoRA", GateOrUp, 2 * L, I, readsEmbeddings: false));
            components.Add(new("SwiGLU product silu(gate) * up", L, L, 0, 0, [(randn(B, T, I), true), (randn(B, T, I), true)],
                x => nn.functional.silu(x[0]) * x[1], randn(B, T, I)));
            components.AddRange(Projection("down_proj with LoRA", Down, L, C, readsEmbeddings: false));
            components.Add(new("gradient sums at fan-outs (autograd)", 5 * L - 3, 0, 0, 0, [(randn(B, T, C), false), (randn(B, T, C), false)],
                x => x[0] + x[1]));
            double head = 2.0 * Size.Supervised * C * Size.Vocabulary;
            components.Add(new("lm_head at supervised positions, cross-entropy", 1, 1, head, head, [(randn(B, T, C), true), (labels, false)],
                x => LanguageModel(x[0], x[1])));
            components.Add(new("gradient clipping and AdamW", 1, 0, 0, 0, [], _ => Update(), beforeEachCall: GiveGradients));
            var parts = new List<ProfiledComponent>();
            parts.AddRange(Parts("q_proj", Query, L - 1, H * D));
            parts.AddRange(Parts("k_proj and v_proj", KeyOrValue, 2 * (L - 1), Kv * D));
            parts.AddRange(Parts("o_proj", Output, L, C));
            parts.AddRange(Parts("gate_proj and up_proj", GateOrUp, 2 * L, I));
            parts.AddRange(Parts("down_proj", Down, L, C));
            return (components, parts);
        }

        /// <summary>The frozen product and the LoRA delta of <paramref name="projection"/> apart, each on an input that needs its gradient.</summary>
        private IEnumerable<ProfiledComponent> Parts(string name, AdaptableLinear projection, int calls, long outFeatures)
        {
            var delta = projection.GetDelta(projection.AdapterNames.Single());
            var (frozen, loraForward, loraBackward) = Flops(projection.InFeatures, outFeatures);
            Tensor upstream = randn(B, T, outFeatures);
            yield return new(name + ": frozen product", calls, calls, frozen, frozen, [(randn(B, T, projection.InFeatures), true)],
                x => nn.functional.linear(x[0], projection.Weight), upstream);
            yield return new(name + ": LoRA delta", calls, calls, loraForward, loraBackward + InputGradientOfA(projection.InFeatures),
                [(randn(B, T, projection.InFeatures), true)], x => delta.call(x[0]), upstream, ZeroingGradients(delta));
        }

        /// <summary>
        /// A projection with its LoRA delta (input <c>N x in</c>, output <c>N x out</c>): <paramref name="count"/> calls per step,
        /// split into those whose input needs a gradient and, when <paramref name="readsEmbeddings"/>, the layer-0 ones whose input
        /// (the embeddings) does not, so the backward skips the frozen product's and A's input gradients.
        /// </summary>
        private IEnumerable<ProfiledComponent> Projection(string name, AdaptableLinear projection, int count, long outFeatures, bool readsEmbeddings = true)
        {
            int perLayer = count / L;
            var (frozen, loraForward, loraBackward) = Flops(projection.InFeatures, outFeatures);
            double forward = frozen + loraForward;
            double backward = frozen + loraBackward + InputGradientOfA(projection.InFeatures);
            Tensor upstream = randn(B, T, outFeatures);
            Action zeroGradients = ZeroingGradients(projection);
            int withInputGradient = readsEmbeddings ? count - perLayer : count;
            yield return new(name, withInputGradient, withInputGradient, forward, backward, [(randn(B, T, projection.InFeatures), true)],
                x => projection.call(x[0]), upstream, zeroGradients);
            if (readsEmbeddings)
                yield return new(name + ", layer 0 (input needs no gradient)", perLayer, perLayer, forward, loraBackward, [(randn(B, T, projection.InFeatures), false)],
                    x => projection.call(x[0]), upstream, zeroGradients);
        }

        /// <summary>
        /// Counted FLOPs of one call (<see cref="StepFlops"/>): the frozen product (forward, and its input gradient), LoRA's
        /// forward, and LoRA's backward without A's input gradient (the weight gradients of A and B, B's input gradient).
        /// </summary>
        private (double Frozen, double LoraForward, double LoraBackward) Flops(long inFeatures, long outFeatures)
        {
            double n = Size.Tokens, r = Size.Rank;
            return (2 * n * inFeatures * outFeatures, 2 * n * r * (inFeatures + outFeatures), 2 * n * r * (inFeatures + outFeatures) + 2 * n * r * outFeatures);
        }

        /// <summary>FLOPs of A's input gradient, which autograd skips when the projection's input needs no gradient.</summary>
        private double InputGradientOfA(long inFeatures) => 2.0 * Size.Tokens * inFeatures * Size.Rank;

        /// <summary>Zeroes the gradients of <paramref name="module"/>'s trainable parameters, as the step's optimizer leaves them.</summary>
        private static Action ZeroingGradients(nn.Module module)
        {
            var trainable = module.parameters().Where(p => p.requires_grad).ToList();
            return () =>
            {
                foreach (var p in trainable) p.grad?.zero_();
            };
        }

        /// <summary>As the step's head: the rows of supervised positions, the frozen head on them, the answer cross-entropy.</summary>
        private Tensor LanguageModel(Tensor hidden, Tensor labels)
        {
            Tensor rows = labels.ne(BatchCollator.IgnoredLabel).reshape(-1).nonzero().squeeze(1);
            Tensor logits = Head.call(hidden.reshape(-1, C).index_select(0, rows));
            return LanguageModelLoss.AnswerCrossEntropy(logits, labels);
        }

        private Tensor? Update()
        {
            if (ClipGradNorm > 0) nn.utils.clip_grad_norm_(Trainable, ClipGradNorm);
            Optimizer.step();
            Optimizer.zero_grad();
            return null;
        }

        /// <summary>Gives every trainable parameter a gradient (untimed), as the step's backward does before the update.</summary>
        private void GiveGradients() => stack(Trainable.Select(p => p.sum()).ToArray()).sum().backward();

        private Tensor Heads(Tensor x, int heads) => x.view(B, T, heads, D).transpose(1, 2);

        private Tensor Repeat(Tensor x) => x.repeat_interleave(H / Kv, dim: 1);
    }
}
