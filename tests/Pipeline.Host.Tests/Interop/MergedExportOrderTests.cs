using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Modules;
using Pipeline.Host.Interop;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Pipelines;
using static Pipeline.Host.Tests.Modules.ProjectionAdapterModules;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary>
/// A merged export folds a weight transform and a delta on the same projection whatever their order in the YAML:
/// transforms merge first, so the file holds <c>T(W) + D</c> (what the forward computes), and everything unmerges in
/// reverse, leaving the model as it was.
/// </summary>
public sealed class MergedExportOrderTests
{
    private const string Site = "model.layers.0.self_attn.q_proj";

    [Fact]
    public void A_transform_listed_after_a_delta_on_the_same_projection_merges_first_and_everything_unmerges()
    {
        using var pipeline = new TinyPipeline();
        using var built = TinyModels.Build(pipeline.ConfigPath);
        var projection = (AdaptableLinear)built.Model.Components["llm"].LinearSites[Site];
        using (no_grad())
            foreach (var (_, parameter) in projection.GetDelta("lora").named_parameters()) parameter.uniform_(-0.1, 0.1);
        float[] rowScales = Enumerable.Range(0, projection.OutFeatures).Select(i => 0.5f + i % 3).ToArray();
        projection.AttachWeightTransform("scale", new RowScale(rowScales));
        var withTransform = built with { Adapters = [.. built.Adapters, new TransformAdapter(projection)] };
        using var before = projection.Weight.detach().clone();
        using var expected = ExpectedMergedWeight(projection, rowScales);
        string output = Path.Combine(pipeline.Directory, "merged");

        MergedLlamaExporter.Write(withTransform, name => name, null, output, _ => { });

        using var file = SafetensorsFile.Open(Path.Combine(output, "model.safetensors"));
        using var written = file.Read($"{Site}.weight");
        written.allclose(expected, rtol: 1e-6, atol: 1e-7).Should().BeTrue("the file holds T(W) + D");
        projection.Weight.equal(before).all().item<bool>().Should().BeTrue("the export unmerged everything again");
        projection.IsMerged("scale").Should().BeFalse();
        projection.IsMerged("lora").Should().BeFalse();
    }

    private static Tensor ExpectedMergedWeight(AdaptableLinear projection, float[] rowScales)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor transformed = projection.Weight.detach() * tensor(rowScales).unsqueeze(1);
        Tensor delta = ((IMergeableLinearDelta)projection.GetDelta("lora")).DeltaWeight();
        return (transformed + delta).MoveToOuterDisposeScope();
    }

    /// <summary>An adapter whose only module is the row-scale transform on one projection.</summary>
    private sealed class TransformAdapter(AdaptableLinear projection) : IAdapter
    {
        public string Name => "scale";
        public IReadOnlyList<string> AttachedSites => [$"llm:{Site}"];
        public bool CanMerge => true;
        public void Merge() => projection.Merge(Name);
        public void Unmerge() => projection.Unmerge(Name);
    }
}
