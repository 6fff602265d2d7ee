using Pipeline.Contracts.Options;
using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class OptionsValidationTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string BindError<T>(string yaml, params string[] overrides)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, overrides);
        var bind = () => new OptionsBinder(document).Bind<T>(document.Root, "");
        return bind.Should().Throw<ConfigException>().Which.Message.Replace(path, "F");
    }

    [Fact]
    public void A_validation_error_is_reported_at_the_offending_value()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
                options:
                  alpha: 8
                  rank: 0
            """).Should().Be("F:5:13: adapters[0].options.rank: must be at least 1, got 0");
    }

    [Fact]
    public void Every_error_of_the_block_is_reported_one_line_each()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
                options: {rank: 0, dropout: 1.5}
            """).Should().Be(
            "F:3:21: adapters[0].options.rank: must be at least 1, got 0\n" +
            "F:3:33: adapters[0].options.dropout: must be in [0, 1), got 1.5");
    }

    [Fact]
    public void An_error_naming_a_nested_key_points_at_that_item()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
                options:
                  targets:
                    llm: [q_proj, ""]
            """).Should().Be("F:5:23: adapters[0].options.targets.llm[1]: must not be empty");
    }

    [Fact]
    public void An_error_about_an_absent_key_points_at_the_block()
    {
        BindError<DefaultIsInvalid>("other: 1\n").Should().Be("F:1:1: threshold: must be set");
    }

    [Fact]
    public void An_error_from_an_override_points_at_the_override()
    {
        BindError<TestPipelineOptions>("adapters:\n  - plugin: lora\n", "adapters.0.options.rank=0")
            .Should().Be("--set adapters.0.options.rank: adapters[0].options.rank: must be at least 1, got 0");
    }

    [Fact]
    public void A_failure_at_a_value_from_the_file_caused_by_an_override_it_names_points_at_the_override()
    {
        BindError<PatchedImage>("image:\n  image_size: 16\n  patch_size: 8\n", "image.patch_size=5")
            .Should().Be("--set image.patch_size: image.image_size: must be divisible by patch_size (5), got 16");
    }

    [Fact]
    public void An_override_the_failure_does_not_name_leaves_it_at_the_file()
    {
        BindError<PatchedImage>("image:\n  image_size: 15\n  patch_size: 8\n", "image.layers=3")
            .Should().Be("F:2:15: image.image_size: must be divisible by patch_size (8), got 15");
    }

    [Fact]
    public void A_block_bound_from_nothing_is_still_validated()
    {
        string path = _dir.Write("name: x\n");
        var document = YamlConfigDocument.Load(path, []);

        var bind = () => new OptionsBinder(document).Bind<DefaultIsInvalid>(null, "section");

        bind.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}: section.threshold: must be set");
    }

    private sealed record DefaultIsInvalid : IValidatableOptions
    {
        public double? Threshold { get; init; }
        public int Other { get; init; }

        public IEnumerable<OptionError> Validate()
        {
            if (Threshold is null) yield return new OptionError("threshold", "must be set");
        }
    }

    private sealed record PatchedImage
    {
        public ImageOptions Image { get; init; } = new();
    }

    private sealed record ImageOptions : IValidatableOptions
    {
        public int ImageSize { get; init; } = 16;
        public int PatchSize { get; init; } = 8;
        public int Layers { get; init; } = 1;

        public IEnumerable<OptionError> Validate()
        {
            if (ImageSize % PatchSize != 0) yield return new OptionError("image_size", $"must be divisible by patch_size ({PatchSize}), got {ImageSize}");
        }
    }
}
