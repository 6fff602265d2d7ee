using System.Text.Json;
using Pipeline.Contracts.Adapters;
using Pipeline.Host.Checkpoints;
using Pipeline.Host.Interop;
using Pipeline.Host.Safetensors;
using Pipeline.Host.Tests.Cli;
using Pipeline.Host.Tests.Pipelines;
using Pipeline.Host.Tests.Samples;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Interop;

/// <summary>
/// <c>pipeline export --format peft</c> of the <c>dora</c> sample plugin: PEFT's DoRA keys, shapes and config, PEFT's DoRA
/// forward computed by hand from the exported tensors, and the way back in.
/// </summary>
[Collection(DoraSampleCollection.Name)]
[Trait("Category", "Build")]
public sealed class PeftDoraExportTests(DoraSampleBuild build)
{
    private const string Q = "model.layers.0.self_attn.q_proj";

    private static (int ExitCode, string Output, string Error) Export(TrainedRun run, params string[] arguments) =>
        ConsoleCapture.Run(["export", run.ConfigPath, .. arguments, .. run.SetArguments()]);

    private (TrainedRun Run, string Directory) Exported()
    {
        var run = new TrainedRun(build.TinyYaml());
        string output = run.ExportDirectory("peft");
        var (exitCode, stdout, error) = Export(run, "--out", output);
        error.Should().BeEmpty();
        exitCode.Should().Be(0, stdout);
        return (run, Path.Combine(output, "llm"));
    }

    [Fact]
    public void Dora_is_written_as_peft_lora_with_use_dora_and_a_magnitude_vector_per_projection()
    {
        var (run, directory) = Exported();
        using var _ = run;

        using (var file = SafetensorsFile.Open(Path.Combine(directory, PeftLoraExporter.WeightsFileName)))
            file.Entries.ToDictionary(e => e.Key, e => e.Value.Shape).Should().BeEquivalentTo(new Dictionary<string, long[]>
            {
                [$"base_model.model.{Q}.lora_A.weight"] = [4, 32],
                [$"base_model.model.{Q}.lora_B.weight"] = [32, 4],
                [$"base_model.model.{Q}.lora_magnitude_vector"] = [32],
                ["base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight"] = [4, 32],
                ["base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"] = [16, 4],
                ["base_model.model.model.layers.0.self_attn.v_proj.lora_magnitude_vector"] = [16],
            });
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, PeftLoraExporter.ConfigFileName)));
        var root = config.RootElement;
        root.GetProperty("peft_type").GetString().Should().Be("LORA");
        root.GetProperty("use_dora").GetBoolean().Should().BeTrue();
        root.GetProperty("r").GetInt32().Should().Be(4);
        root.GetProperty("lora_alpha").GetRawText().Should().Be("8");
        root.GetProperty("lora_dropout").GetDouble().Should().Be(0);
        root.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString()).Should().Equal("q_proj", "v_proj");
        root.GetProperty("use_rslora").GetBoolean().Should().BeFalse();
    }

    [Fact]
    public void Peft_dora_forward_computed_by_hand_from_the_exported_tensors_equals_the_trained_projection()
    {
        var (run, directory) = Exported();
        using var _ = run;
        using var trained = TinyModels.Build(run.ConfigPath);
        ModelWeights.Load(trained.Model, run.CheckpointDirectory);
        var site = trained.Model.Components["llm"].LinearSites[Q];
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, PeftLoraExporter.ConfigFileName)));
        double scaling = config.RootElement.GetProperty("lora_alpha").GetDouble() / config.RootElement.GetProperty("r").GetDouble();
        using var file = SafetensorsFile.Open(Path.Combine(directory, PeftLoraExporter.WeightsFileName));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor a = file.Read($"base_model.model.{Q}.lora_A.weight"), b = file.Read($"base_model.model.{Q}.lora_B.weight");
        Tensor magnitude = file.Read($"base_model.model.{Q}.lora_magnitude_vector");
        Tensor x = randn([5, 32], generator: new Generator(3));

        // PEFT's DoraLinearLayer: the base output plus (m / ||W + s B A|| - 1) * W x + m / ||W + s B A|| * s * B A x, the
        // norm over dim 1 of the (out x in) weight, detached.
        Tensor weight = site.Weight.detach();
        Tensor baseResult = nn.functional.linear(x, weight);
        Tensor loraResult = nn.functional.linear(nn.functional.linear(x, a), b);
        Tensor weightNorm = linalg.vector_norm(weight + scaling * b.matmul(a), 2, [1]).detach();
        Tensor magNormScale = (magnitude / weightNorm).view(1, -1);
        Tensor peft = baseResult + (magNormScale - 1) * baseResult + magNormScale * loraResult * scaling;
        Tensor ours = ((nn.Module<Tensor, Tensor>)site).call(x);

        magnitude.abs().max().item<float>().Should().BeGreaterThan(0.05f, "the run's magnitudes were randomised, so the check has teeth");
        ours.allclose(peft, rtol: 1e-5, atol: 1e-6).Should().BeTrue($"max difference {(ours - peft).abs().max().item<float>()}");
    }

    [Fact]
    public void The_peft_dora_adapter_read_into_a_fresh_model_gives_the_trained_outputs()
    {
        var (run, directory) = Exported();
        using var _ = run;
        using var fresh = TinyModels.Build(run.ConfigPath);

        int read = PeftLoraImporter.Load(fresh, "dora", "llm", directory);
        using var after = TinyModels.LlmLogits(fresh);

        read.Should().Be(6);
        TinyModels.Identical(after, run.LlmLogits).Should().BeTrue();
    }

    [Fact]
    public void A_peft_dora_adapter_is_refused_by_a_lora_adapter_and_the_other_way_round()
    {
        var (run, doraDirectory) = Exported();
        using var _ = run;
        using var loraRun = new TrainedRun(TinyPipeline.Yaml);
        string loraOutput = loraRun.ExportDirectory("peft");
        ConsoleCapture.Run(["export", loraRun.ConfigPath, "--out", loraOutput, .. loraRun.SetArguments()]).ExitCode.Should().Be(0);
        using var lora = TinyModels.Build(loraRun.ConfigPath);
        using var dora = TinyModels.Build(run.ConfigPath);

        var intoLora = () => PeftLoraImporter.Load(lora, "lora", "llm", doraDirectory);
        var intoDora = () => PeftLoraImporter.Load(dora, "dora", "llm", Path.Combine(loraOutput, "llm"));

        intoLora.Should().Throw<InvalidDataException>().WithMessage(
            $"'{Path.Combine(doraDirectory, "adapter_config.json")}': use_dora is true, but adapter 'lora' is plain LoRA; attach a DoRA adapter (such as the dora sample plugin) to read it");
        intoDora.Should().Throw<InvalidDataException>().WithMessage(
            $"'{Path.Combine(loraOutput, "llm", "adapter_config.json")}': use_dora is not true, but adapter 'dora' is DoRA and needs a magnitude vector per projection");
    }
}
