using System.ComponentModel.DataAnnotations;
using Pipeline.Host.Config.Binding;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class OptionsBinderObjectTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (T Options, string Path) Bind<T>(string yaml, params string[] overrides)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, overrides);
        return (new OptionsBinder(document).Bind<T>(document.Root, ""), path);
    }

    private string BindError<T>(string yaml, params string[] overrides)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, overrides);
        var bind = () => new OptionsBinder(document).Bind<T>(document.Root, "");
        return bind.Should().Throw<ConfigException>().Which.Message.Replace(path, "F");
    }

    [Fact]
    public void Binds_nested_records_and_keeps_the_defaults_of_absent_keys()
    {
        var (options, _) = Bind<TestPipelineOptions>("""
            name: demo
            training:
              steps: 7
            adapters:
              - plugin: lora
                options:
                  rank: 4
            """);

        options.Name.Should().Be("demo");
        options.Training.Should().Be(new TestTrainingOptions { Steps = 7 });
        options.Adapters.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new TestAdapterEntry { Plugin = "lora", Options = new TestLoraOptions { Rank = 4 } });
        options.Seeds.Should().Equal(1, 2);
    }

    [Fact]
    public void An_absent_block_binds_to_the_defaults()
    {
        string path = _dir.Write("name: demo\n");
        var document = YamlConfigDocument.Load(path, []);

        new OptionsBinder(document).Bind<TestTrainingOptions>(null, "training").Should().Be(new TestTrainingOptions());
    }

    [Fact]
    public void An_unknown_key_is_reported_at_the_key_with_the_known_keys_sorted()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
                options:
                  alphabet: 4
            """).Should().Be("F:4:7: unknown key 'alphabet' in adapters[0].options; known keys: alpha, dropout, rank, targets");
    }

    [Fact]
    public void An_unknown_key_close_to_a_known_one_gets_a_suggestion()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
                options:
                  rnak: 4
            """).Should().Be(
            "F:4:7: unknown key 'rnak' in adapters[0].options (did you mean 'rank'?); known keys: alpha, dropout, rank, targets");
    }

    [Fact]
    public void An_unknown_top_level_key_says_so()
    {
        BindError<TestPipelineOptions>("trainig:\n  steps: 1\n").Should().Be(
            "F:1:1: unknown key 'trainig' at the top level (did you mean 'training'?); " +
            "known keys: adapters, extra, name, seeds, training, weights");
    }

    [Fact]
    public void A_key_that_differs_only_by_case_gets_the_known_key_suggested_however_far_it_is()
    {
        BindError<TestPipelineOptions>("training:\n  LEARNING_RATE: 0.1\n").Should().Be(
            "F:2:3: unknown key 'LEARNING_RATE' in training (did you mean 'learning_rate'?); known keys: " +
            "cls_every, learning_rate, min_learning_rate_ratio, precision, router_gradient, run_name, scheduler, seed, steps");
    }

    [Fact]
    public void A_key_with_a_look_alike_unicode_letter_is_unknown_and_the_ascii_key_suggested()
    {
        // "n\u0430me": the second letter is the Cyrillic a.
        BindError<TestPipelineOptions>("n\u0430me: demo\n").Should().Be(
            "F:1:1: unknown key 'n\u0430me' at the top level (did you mean 'name'?); known keys: adapters, extra, name, seeds, training, weights");
    }

    [Theory]
    [InlineData("training: &t {steps: 3}\nweights:\n  <<: {llm: 1.0}\n", "F:3:3: YAML merge keys ('<<: *anchor') are not supported in weights; write the keys out")]
    [InlineData("extra: &e {steps: 3}\ntraining:\n  <<: *e\n", "F:3:3: YAML merge keys ('<<: *anchor') are not supported in training; write the keys out")]
    public void A_merge_key_is_refused_rather_than_read_as_a_key_named_lt_lt(string yaml, string message)
    {
        BindError<TestPipelineOptions>(yaml).Should().Be(message);
    }

    [Fact]
    public void A_quoted_lt_lt_is_an_ordinary_dictionary_key()
    {
        Bind<TestPipelineOptions>("weights: {\"<<\": 2.0}\n").Options.Weights.Should().ContainKey("<<");
    }

    [Fact]
    public void A_huge_unknown_key_is_shortened_in_the_message()
    {
        string key = new('k', 1_000_000);

        // An explicit key ('? KEY'): YAML limits implicit keys to 1024 characters.
        BindError<TestPipelineOptions>($"? {key}\n: 1\n").Should().Be(
            $"F:1:3: unknown key '{new string('k', 57)}...' at the top level; known keys: adapters, extra, name, seeds, training, weights");
    }

    [Fact]
    public void Unicode_values_bind_unchanged()
    {
        Bind<TestPipelineOptions>("name: \"\u00e9t\u00e9 \u6f22\u5b57 \U0001F600\"\n").Options.Name.Should().Be("\u00e9t\u00e9 \u6f22\u5b57 \U0001F600");
    }

    [Fact]
    public void An_unknown_key_created_by_an_override_is_reported_at_the_override()
    {
        BindError<TestPipelineOptions>("name: demo\n", "training.stpes=3").Should().Be(
            "--set training.stpes: unknown key 'stpes' in training (did you mean 'steps'?); known keys: " +
            "cls_every, learning_rate, min_learning_rate_ratio, precision, router_gradient, run_name, scheduler, seed, steps");
    }

    [Fact]
    public void A_missing_required_key_is_reported_at_the_mapping()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - name: first
                options: {rank: 2}
            """).Should().Be("F:2:5: missing required key 'plugin' in adapters[0]");
    }

    [Fact]
    public void A_yaml_null_for_a_non_nullable_block_is_an_error()
    {
        BindError<TestPipelineOptions>("training:\nname: x\n").Should().Be("F:1:10: training: expected a mapping, got an empty value");
    }

    [Fact]
    public void Keys_must_be_names()
    {
        BindError<TestPipelineOptions>("? [a, b]\n: 1\n").Should().Be("F:1:3: keys at the top level must be names, got a sequence");
    }

    [Fact]
    public void A_config_node_property_keeps_the_block_raw_for_binding_later()
    {
        string path = _dir.Write("""
            adapters:
            - plugin: lora
              options:
                rank: 0
            - plugin: other
            """);
        var document = YamlConfigDocument.Load(path, []);
        var binder = new OptionsBinder(document);

        var entries = binder.Bind<Dictionary<string, List<TestRawAdapterEntry>>>(document.Root, "");

        ConfigNode options = entries["adapters"][0].Options!;
        options.KeyPath.Should().Be("adapters[0].options");
        options.Node.Should().BeOfType<YamlMappingNode>();
        var bindLater = () => binder.Bind<TestLoraOptions>(options);
        bindLater.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:4:11: adapters[0].options.rank: must be at least 1, got 0");

        ConfigNode absent = entries["adapters"][1].Options!;
        (absent.Node, absent.IsMissing, absent.KeyPath).Should().Be((null, true, "adapters[1].options"));
        binder.Bind<TestLoraOptions>(absent).Should().BeEquivalentTo(new TestLoraOptions());
    }

    [Fact]
    public void A_yaml_node_property_is_kept_as_it_is()
    {
        var (options, _) = Bind<TestPipelineOptions>("extra: {anything: [goes, here]}\n");

        options.Extra.Should().BeOfType<YamlMappingNode>().Which.Children.Should().ContainKey(new YamlScalarNode("anything"));
    }

    [Fact]
    public void Raw_node_types_bind_from_a_kept_node_as_they_are()
    {
        string path = _dir.Write("present: {a: 1}\nempty:\n");
        var document = YamlConfigDocument.Load(path, []);
        var binder = new OptionsBinder(document);
        var present = new ConfigNode(document, "present", document.Root["present"], document.Root);
        var empty = new ConfigNode(document, "empty", document.Root["empty"], document.Root);
        var absent = new ConfigNode(document, "absent", null, document.Root);

        binder.Bind<ConfigNode>(absent).Should().BeSameAs(absent);
        binder.Bind<YamlNode?>(absent).Should().BeNull();
        binder.Bind<YamlNode>(empty).Should().BeSameAs(document.Root["empty"]);
        ((object)binder.Bind<YamlMappingNode>(present)).Should().BeSameAs(document.Root["present"]);
        var wrongKind = () => binder.Bind<YamlSequenceNode>(present);
        wrongKind.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:1:10: present: expected a sequence, got a mapping");
    }

    [Fact]
    public void An_absent_scalar_is_missing_unless_nullable()
    {
        string path = _dir.Write("name: x\n");
        var document = YamlConfigDocument.Load(path, []);
        var binder = new OptionsBinder(document);
        var absent = new ConfigNode(document, "training.steps", null, document.Root);

        binder.Bind<int?>(absent).Should().BeNull();
        var bind = () => binder.Bind<int>(absent);
        bind.Should().Throw<ConfigException>().Which.Message.Should().Be($"{path}:1:1: missing value for training.steps");
    }

    [Fact]
    public void The_options_type_must_have_a_public_parameterless_constructor()
    {
        string path = _dir.Write("value: 1\n");
        var document = YamlConfigDocument.Load(path, []);

        var bind = () => new OptionsBinder(document).Bind<NoDefaultConstructor>(document.Root, "");

        bind.Should().Throw<InvalidOperationException>().WithMessage("*must be a non-abstract class with a public parameterless constructor");
    }

    [Fact]
    public void An_unsupported_property_type_is_a_mistake_in_the_options_type()
    {
        string path = _dir.Write("when: 1\n");
        var document = YamlConfigDocument.Load(path, []);

        var bind = () => new OptionsBinder(document).Bind<UnsupportedProperty>(document.Root, "");

        bind.Should().Throw<InvalidOperationException>().WithMessage("*property When has type System.DateTime, which the options binder does not support*");
    }

    [Fact]
    public void A_required_member_counts_as_required_too()
    {
        BindError<RequiredMember>("other: 1\n").Should().Be("F:1:1: missing required key 'name' at the top level");
    }

    private sealed record NoDefaultConstructor(int Value);

    private sealed record UnsupportedProperty
    {
        public DateTime When { get; init; }
    }

    private sealed record RequiredMember
    {
        public required string Name { get; init; }
        public int Other { get; init; }

        [Required] public int Unused => 0;
    }
}
