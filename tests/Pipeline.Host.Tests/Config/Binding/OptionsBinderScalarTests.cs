using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class OptionsBinderScalarTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (TestTrainingOptions Options, string Path) BindTraining(string trainingBody)
    {
        string path = _dir.Write("training:\n" + trainingBody);
        var document = YamlConfigDocument.Load(path, []);
        return (new OptionsBinder(document).Bind<TestTrainingOptions>(document.Root["training"], "training"), path);
    }

    private string BindTrainingError(string trainingBody)
    {
        string path = _dir.Write("training:\n" + trainingBody);
        var document = YamlConfigDocument.Load(path, []);
        var bind = () => new OptionsBinder(document).Bind<TestTrainingOptions>(document.Root["training"], "training");
        return bind.Should().Throw<ConfigException>().Which.Message.Replace(path, "F");
    }

    [Fact]
    public void Binds_every_scalar_kind()
    {
        var (options, _) = BindTraining("""
              steps: 250
              seed: 9000000000
              learning_rate: 1e-3
              min_learning_rate_ratio: 0.25
              router_gradient: false
              precision: mixed_fp16
              cls_every: 3
              run_name: "007"
            """);

        options.Should().Be(new TestTrainingOptions
        {
            Steps = 250, Seed = 9_000_000_000, LearningRate = 1e-3, MinLearningRateRatio = 0.25f, RouterGradient = false,
            Precision = TestPrecision.MixedFP16, ClsEvery = 3, RunName = "007",
        });
    }

    [Fact]
    public void Absent_keys_keep_their_defaults()
    {
        var (options, _) = BindTraining("  steps: 5\n");

        options.Should().Be(new TestTrainingOptions { Steps = 5 });
        options.LearningRate.Should().Be(1e-4);
    }

    [Theory]
    [InlineData("~")]
    [InlineData("null")]
    [InlineData("")]
    public void A_yaml_null_sets_a_nullable_property_to_null(string value)
    {
        string path = _dir.Write("cls_every: 3\nrun_name: x\n");
        var document = YamlConfigDocument.Load(path, [$"cls_every={value}", $"run_name={value}"]);

        var options = new OptionsBinder(document).Bind<TestTrainingOptions>(document.Root, "");

        (options.ClsEvery, options.RunName).Should().Be((null, null));
    }

    [Fact]
    public void A_quoted_null_is_a_string()
    {
        var (options, _) = BindTraining("  run_name: 'null'\n");

        options.RunName.Should().Be("null");
    }

    [Theory]
    [InlineData("steps: ten", "F:2:10: training.steps: expected an integer, got 'ten'")]
    [InlineData("steps: 1.5", "F:2:10: training.steps: expected an integer, got '1.5'")]
    [InlineData("steps: 3000000000", "F:2:10: training.steps: expected an integer from -2147483648 to 2147483647, got '3000000000'")]
    [InlineData("seed: 1e3", "F:2:9: training.seed: expected an integer, got '1e3'")]
    [InlineData("learning_rate: fast", "F:2:18: training.learning_rate: expected a number, got 'fast'")]
    [InlineData("learning_rate: 1,5", "F:2:18: training.learning_rate: expected a number, got '1,5'")]
    [InlineData("learning_rate: .nan", "F:2:18: training.learning_rate: expected a number, got '.nan'")]
    [InlineData("min_learning_rate_ratio: 1e60", "F:2:28: training.min_learning_rate_ratio: expected a number, got '1e60'")]
    [InlineData("router_gradient: yes", "F:2:20: training.router_gradient: expected a boolean (true or false), got 'yes'")]
    [InlineData("router_gradient: True", "F:2:20: training.router_gradient: expected a boolean (true or false), got 'True'")]
    [InlineData("precision: fp32", "F:2:14: training.precision: expected one of float32, bf16, mixed_fp16, got 'fp32'")]
    [InlineData("precision: bf61", "F:2:14: training.precision: expected one of float32, bf16, mixed_fp16, got 'bf61' (did you mean 'bf16'?)")]
    [InlineData("steps:", "F:2:9: training.steps: expected an integer, got an empty value")]
    [InlineData("steps: ~", "F:2:10: training.steps: expected an integer, got null")]
    [InlineData("steps: {a: 1}", "F:2:10: training.steps: expected an integer, got a mapping")]
    [InlineData("run_name: [a, b]", "F:2:13: training.run_name: expected a string, got a sequence")]
    [InlineData("cls_every: x", "F:2:14: training.cls_every: expected an integer, got 'x'")]
    public void A_wrong_scalar_is_reported_at_its_value_with_its_key_path(string line, string message)
    {
        BindTrainingError("  " + line + "\n").Should().Be(message);
    }

    [Fact]
    public void A_scalar_where_a_mapping_is_expected_is_reported()
    {
        string path = _dir.Write("training: fast\n");
        var document = YamlConfigDocument.Load(path, []);

        var bind = () => new OptionsBinder(document).Bind<TestPipelineOptions>(document.Root, "");

        bind.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:1:11: training: expected a mapping, got 'fast'");
    }

    [Fact]
    public void A_long_value_is_shortened_in_the_message()
    {
        string value = new('x', 100);

        BindTrainingError($"  steps: {value}\n").Should().Be($"F:2:10: training.steps: expected an integer, got '{new string('x', 57)}...'");
    }

    [Fact]
    public void Top_level_scalars_bind_without_a_key_path_prefix()
    {
        string path = _dir.Write("steps: ten\n");
        var document = YamlConfigDocument.Load(path, []);
        var binder = new OptionsBinder(document);

        binder.Bind<int?>(null, "steps").Should().BeNull();
        var bind = () => binder.Bind<int>(document.Root["steps"], "");
        bind.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:1:8: expected an integer, got 'ten'");
    }
}
