using Pipeline.Host.Config.Binding;

namespace Pipeline.Host.Tests.Config.Binding;

public sealed class OptionsBinderCollectionTests : IDisposable
{
    private readonly TempConfigDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private T Bind<T>(string yaml)
    {
        var document = YamlConfigDocument.Load(_dir.Write(yaml), []);
        return new OptionsBinder(document).Bind<T>(document.Root, "");
    }

    private string BindError<T>(string yaml)
    {
        string path = _dir.Write(yaml);
        var document = YamlConfigDocument.Load(path, []);
        var bind = () => new OptionsBinder(document).Bind<T>(document.Root, "");
        return bind.Should().Throw<ConfigException>().Which.Message.Replace(path, "F");
    }

    [Fact]
    public void Binds_lists_arrays_and_dictionaries()
    {
        var options = Bind<TestPipelineOptions>("""
            seeds: [3, 4, 5]
            weights: {llm: 0.5, encoder: 2}
            adapters:
              - plugin: lora
                options:
                  targets:
                    llm: [q_proj, k_proj]
                    vision: []
              - plugin: dora
            """);

        options.Seeds.Should().Equal(3, 4, 5);
        options.Weights.Should().Equal(new Dictionary<string, double> { ["llm"] = 0.5, ["encoder"] = 2 });
        options.Adapters.Select(a => a.Plugin).Should().Equal("lora", "dora");
        options.Adapters[0].Options.Targets.Keys.Should().Equal("llm", "vision");
        options.Adapters[0].Options.Targets["llm"].Should().Equal("q_proj", "k_proj");
        options.Adapters[0].Options.Targets["vision"].Should().BeEmpty();
    }

    [Fact]
    public void A_collection_from_yaml_replaces_the_default_instead_of_merging()
    {
        var options = Bind<TestPipelineOptions>("weights: {encoder: 2}\nseeds: []\n");

        options.Weights.Should().Equal(new Dictionary<string, double> { ["encoder"] = 2 });
        options.Seeds.Should().BeEmpty();
    }

    [Fact]
    public void A_bad_item_is_reported_with_its_index_in_the_key_path()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
                options:
                  targets:
                    llm: [q_proj, {name: v_proj}]
            """).Should().Be("F:5:23: adapters[0].options.targets.llm[1]: expected a string, got a mapping");
    }

    [Fact]
    public void A_null_item_of_a_non_nullable_element_type_is_an_error()
    {
        BindError<TestPipelineOptions>("seeds: [1, ~]\n").Should().Be("F:1:12: seeds[1]: expected an integer, got null");
    }

    [Fact]
    public void Nullable_elements_accept_null()
    {
        Bind<NullableItems>("names: [a, ~]\ncounts: {x: 1, y: null}\n").Should().BeEquivalentTo(new NullableItems
        {
            Names = ["a", null],
            Counts = new Dictionary<string, int?> { ["x"] = 1, ["y"] = null },
        });
    }

    [Fact]
    public void A_mapping_where_a_sequence_is_expected_is_reported()
    {
        BindError<TestPipelineOptions>("seeds: {a: 1}\n").Should().Be("F:1:8: seeds: expected a sequence, got a mapping");
    }

    [Fact]
    public void A_sequence_where_a_dictionary_is_expected_is_reported()
    {
        BindError<TestPipelineOptions>("weights: [1, 2]\n").Should().Be("F:1:10: weights: expected a mapping, got a sequence");
    }

    [Fact]
    public void A_bad_dictionary_value_is_reported_with_its_key_in_the_key_path()
    {
        BindError<TestPipelineOptions>("weights:\n  llm: heavy\n").Should().Be("F:2:8: weights.llm: expected a number, got 'heavy'");
    }

    [Fact]
    public void A_sequence_of_options_objects_binds_each_strictly()
    {
        BindError<TestPipelineOptions>("""
            adapters:
              - plugin: lora
              - plugin: lora
                optoins: {}
            """).Should().Be(
            "F:4:5: unknown key 'optoins' in adapters[1] (did you mean 'options'?); known keys: name, options, plugin");
    }

    private sealed record NullableItems
    {
        public IReadOnlyList<string?> Names { get; init; } = [];
        public Dictionary<string, int?> Counts { get; init; } = [];
    }
}
