using System.Text.RegularExpressions;
using Pipeline.Host.Cli;
using Pipeline.Host.Tests.Composition;
using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Cli;

public sealed class ParamsCommandTests
{
    private static string Example(string name) => Path.Combine(SamplePluginBuild.RepositoryRoot(), "examples", name);

    /// <summary>The number cells of the row whose label is <paramref name="label"/>.</summary>
    private static string[] Row(string output, string label) =>
        output.Split('\n').Select(line => line.TrimEnd())
            .Select(line => Regex.Match(line, $@"^\s*{Regex.Escape(label)}((\s+[\d,]+)+)$"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Single();

    /// <summary>Peak resident memory of this process so far (VmHWM), in bytes.</summary>
    private static long PeakResidentBytes() =>
        long.Parse(File.ReadAllLines("/proc/self/status").Single(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    [Theory]
    [InlineData("lavin-7b.yaml", "3,781,296", "6,738,415,616", "2,629,952")]
    [InlineData("lavin-13b.yaml", "5,390,080", "13,015,864,320", "4,106,640")]
    public void LaVIN_examples_train_exactly_the_papers_parameter_count_and_allocate_no_weights(
        string file, string trainable, string llm, string adaptersInLlm)
    {
        long peakBefore = PeakResidentBytes();

        var (exitCode, output, error) = ConsoleCapture.Run("params", Example(file));

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        // docs/adapters/mma.md, parameter counts: L * (20C + 10) + 24 * 20490 + (1024 * 128 + 128 + 128 * C + C) + 2C.
        Row(output, "total").Should().EndWith(trainable);
        Row(output, "llm").Should().Equal(llm, "0");
        Row(output, "encoder vision").Should().Equal("303,179,776", "0");
        Row(output, "in llm").Should().Equal(adaptersInLlm, adaptersInLlm);
        Row(output, "in vision").Should().Equal("491,760", "491,760");
        output.Should().Contain("model built on the meta device, 0 bytes of weights allocated");
        (PeakResidentBytes() - peakBefore).Should().BeLessThan(2L << 30, "a 7B model in fp32 would need 27 GB");
    }

    [Fact]
    public void Every_stage_gets_a_trainable_column_and_adapters_a_row_per_component()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, output, error) = ConsoleCapture.Run("params", pipeline.ConfigPath, "--set", "model.llm.vocab_size=100");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        output.Should().Contain("vocabulary: 100 (model.llm.vocab_size)")
            .And.Contain("  pretrain: [llm, encoders, projectors]").And.Contain("  instruct: [adapters, projectors]");
        // LoRA rank 4 on q_proj (32 -> 32) and v_proj (32 -> 16) of one layer: 4 * (32 + 32) + 4 * (32 + 16) = 448.
        Row(output, "adapter lora").Should().Equal("448", "0", "448");
        Row(output, "in llm").Should().Equal("448", "0", "448");
        long projector = 32 * 32 + 32 + 32 * 32 + 32;
        Row(output, "projector vision").Should().Equal(ParameterCountTable.Format(projector), ParameterCountTable.Format(projector), ParameterCountTable.Format(projector));
        var total = Row(output, "total");
        total[2].Should().Be(ParameterCountTable.Format(448 + 2 * projector));
        Directory.Exists(pipeline.OutputDirectory).Should().BeFalse("params must not train or write outputs");
    }

    [Fact]
    public void Stage_selects_one_column_and_an_unknown_stage_is_a_configuration_error()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, output, _) = ConsoleCapture.Run("params", pipeline.ConfigPath, "--stage", "instruct", "--set", "model.llm.vocab_size=100");
        var (badExit, _, error) = ConsoleCapture.Run("params", pipeline.ConfigPath, "--stage", "tune");

        exitCode.Should().Be(0);
        Row(output, "adapter lora").Should().Equal("448", "448");
        badExit.Should().Be(CommandErrors.ConfigurationError);
        error.Trim().Should().Be("--stage: no stage named 'tune'; stages: pretrain, instruct");
    }

    [Fact]
    public void Without_a_vocabulary_size_the_tokenizers_is_used()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, output, _) = ConsoleCapture.Run("params", pipeline.ConfigPath);

        exitCode.Should().Be(0);
        output.Should().MatchRegex(@"vocabulary: \d+ \(from the tokenizer\)");
    }

    /// <summary>The cells of a row of the weight-bytes table (after its header line).</summary>
    private static string[] BytesRow(string output, string label) =>
        output[output.IndexOf("weight bytes in each stage", StringComparison.Ordinal)..].Split('\n')
            .Where(line => line.StartsWith(label + " ", StringComparison.Ordinal))
            .Select(line => Regex.Split(line.Trim(), @"\s{3,}")[1..]).Single();

    [Fact]
    public void Weight_bytes_per_stage_count_frozen_weights_in_their_components_dtype()
    {
        using var pipeline = new TinyPipeline();

        var (exitCode, output, error) = ConsoleCapture.Run("params", pipeline.ConfigPath, "--set", "model.llm.vocab_size=100",
            "--set", "model.dtype=bfloat16", "--set", "model.dtypes.audio=float16");

        error.Should().BeEmpty();
        exitCode.Should().Be(0);
        // LLM: embedding and head 2 * 100 * 32, attention 32 * (32 + 16 + 16 + 32), MLP 3 * 32 * 64, norms 3 * 32.
        const long llm = 2 * 100 * 32 + 32 * 96 + 3 * 32 * 64 + 3 * 32;
        Row(output, "llm")[0].Should().Be(ParameterCountTable.Format(llm));
        BytesRow(output, "llm").Should().Equal($"{ParameterCountTable.Format(4 * llm)} float32", $"{ParameterCountTable.Format(2 * llm)} bfloat16");
        BytesRow(output, "encoder audio")[1].Should().EndWith(" float16");
        BytesRow(output, "encoder vision")[1].Should().EndWith(" bfloat16");
        long projector = 32 * 32 + 32 + 32 * 32 + 32;
        BytesRow(output, "projector vision").Should().Equal($"{ParameterCountTable.Format(4 * projector)} float32", $"{ParameterCountTable.Format(4 * projector)} float32");
        BytesRow(output, "adapters").Should().Equal("1,792 float32", "1,792 float32");
        BytesRow(output, "total")[0].Should().EndWith(" float32");
        BytesRow(output, "total")[1].Should().EndWith(" bfloat16+float16+float32");
    }
}
