using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Schedulers;
using static TorchSharp.torch;

namespace Pipeline.Host.Tests.Contracts;

/// <summary>
/// The typed factory base classes (contracts 1.5) beside the object-taking interfaces they implement. The factories here
/// are not exported: this assembly is loaded as a plugin by the catalog tests, which count its exports.
/// </summary>
public sealed class TypedFactoryTests
{
    public sealed record RankOptions
    {
        public int Rank { get; init; } = 1;
    }

    public sealed record OtherOptions;

    /// <summary>Written against the generic base: keeps what it is given.</summary>
    public sealed class TypedScheduler : SchedulerFactory<RankOptions>
    {
        public RankOptions? Received { get; private set; }

        public override string Description => "typed";

        protected override ILearningRateSchedule Create(RankOptions options, SchedulerBuildContext context)
        {
            Received = options;
            return new FixedRate(options.Rank);
        }
    }

    public sealed class TypedAdapter : AdapterFactory<RankOptions>
    {
        public override string Description => "typed";

        protected override IAdapter Attach(RankOptions options, AdapterBuildContext context) => throw new NotSupportedException();
    }

    public sealed class TypedEncoder : EncoderFactory<RankOptions>
    {
        public override string Description => "typed";

        protected override IEncoder Create(RankOptions options, EncoderBuildContext context) => throw new NotSupportedException();
    }

    /// <summary>Written against the object-taking interface, as plugins built for contracts 1.4 and earlier are.</summary>
    public sealed class RawScheduler : ISchedulerFactory
    {
        public Type OptionsType => typeof(RankOptions);

        public string Description => "raw";

        public ILearningRateSchedule Create(object options, SchedulerBuildContext context) => new FixedRate(((RankOptions)options).Rank);
    }

    private sealed class FixedRate(double rate) : ILearningRateSchedule
    {
        public double LearningRate(string group, long step) => rate;
    }

    private static readonly SchedulerBuildContext Context =
        new(10, [new ParameterGroupInfo("llm", 1e-3, 1)], (_, _) => throw new NotSupportedException());

    [Fact]
    public void A_factory_on_the_generic_base_publishes_its_options_type_and_receives_the_options_typed()
    {
        var factory = new TypedScheduler();
        var options = new RankOptions { Rank = 7 };

        ISchedulerFactory plugin = factory;
        var schedule = plugin.Create(options, Context);

        plugin.OptionsType.Should().Be(typeof(RankOptions));
        factory.Received.Should().BeSameAs(options);
        schedule.LearningRate("llm", 0).Should().Be(7);
    }

    [Fact]
    public void Wrong_options_through_the_object_interface_name_the_plugin_and_both_types()
    {
        ISchedulerFactory plugin = new TypedScheduler();

        var act = () => plugin.Create(new OtherOptions(), Context);

        act.Should().Throw<ArgumentException>()
            .WithMessage("TypedScheduler expects options of type RankOptions, got OtherOptions (Parameter 'options')");
    }

    [Fact]
    public void Null_options_are_refused_the_same_way_by_every_kind()
    {
        var context = new EncoderBuildContext("vision", CPU, 1);

        ((IEncoderFactory)new TypedEncoder()).Invoking(f => f.Create(null!, context)).Should().Throw<ArgumentException>()
            .WithMessage("TypedEncoder expects options of type RankOptions, got null (Parameter 'options')");
        ((IAdapterFactory)new TypedAdapter()).Invoking(f => f.Attach(null!, null!)).Should().Throw<ArgumentException>()
            .WithMessage("TypedAdapter expects options of type RankOptions, got null (Parameter 'options')");
    }

    [Fact]
    public void A_factory_on_the_object_taking_interface_still_works_beside_a_typed_one()
    {
        var options = new RankOptions { Rank = 3 };
        ISchedulerFactory[] plugins = [new RawScheduler(), new TypedScheduler()];

        plugins.Select(p => p.OptionsType).Should().Equal(typeof(RankOptions), typeof(RankOptions));
        plugins.Select(p => p.Create(options, Context).LearningRate("llm", 0)).Should().Equal(3.0, 3.0);
    }
}
