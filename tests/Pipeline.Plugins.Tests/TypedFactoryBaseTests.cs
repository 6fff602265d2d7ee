using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Schedulers;
using Pipeline.Plugins.Adapters.Lora;
using Pipeline.Plugins.Adapters.Mma;
using Pipeline.Plugins.Adapters.Mole;
using Pipeline.Plugins.Encoders.Audio;
using Pipeline.Plugins.Encoders.Vision;
using Pipeline.Plugins.Schedulers;
using Pipeline.Plugins.Schedulers.Commit;
using static TorchSharp.torch;

namespace Pipeline.Plugins.Tests;

/// <summary>Every built-in plugin is written on the typed factory base classes of contracts 1.5.</summary>
public sealed class TypedFactoryBaseTests
{
    public static TheoryData<IPluginFactory, Type> Factories => new()
    {
        { new VisionEncoderFactory(), typeof(EncoderFactory<VisionEncoderOptions>) },
        { new AudioEncoderFactory(), typeof(EncoderFactory<AudioEncoderOptions>) },
        { new LoraAdapterFactory(), typeof(AdapterFactory<LoraOptions>) },
        { new MmaAdapterFactory(), typeof(AdapterFactory<MmaOptions>) },
        { new MoleAdapterFactory(), typeof(AdapterFactory<MoleOptions>) },
        { new ConstantScheduleFactory(), typeof(SchedulerFactory<ConstantScheduleOptions>) },
        { new WarmupCosineScheduleFactory(), typeof(SchedulerFactory<WarmupCosineOptions>) },
        { new CommitScheduleFactory(), typeof(SchedulerFactory<CommitOptions>) },
    };

    [Theory]
    [MemberData(nameof(Factories))]
    public void Each_factory_derives_from_the_typed_base_of_its_options(IPluginFactory factory, Type typedBase)
    {
        factory.GetType().BaseType.Should().Be(typedBase);
        factory.OptionsType.Should().Be(typedBase.GetGenericArguments()[0]);
    }

    [Fact]
    public void Another_plugins_options_are_refused_with_the_plugin_and_both_types()
    {
        var groups = new[] { new ParameterGroupInfo("llm", 1e-3, 1) };
        var context = new SchedulerBuildContext(10, groups, (_, _) => throw new NotSupportedException());

        var commit = () => new CommitScheduleFactory().Create(new WarmupCosineOptions(), context);
        var lora = () => new LoraAdapterFactory().Attach(new MoleOptions(), null!);
        var audio = () => new AudioEncoderFactory().Create(new VisionEncoderOptions(), new EncoderBuildContext("audio", CPU, 1));

        commit.Should().Throw<ArgumentException>()
            .WithMessage("scheduler 'commit' expects options of type CommitOptions, got WarmupCosineOptions (Parameter 'options')");
        lora.Should().Throw<ArgumentException>()
            .WithMessage("adapter 'lora' expects options of type LoraOptions, got MoleOptions (Parameter 'options')");
        audio.Should().Throw<ArgumentException>()
            .WithMessage("encoder 'audio' expects options of type AudioEncoderOptions, got VisionEncoderOptions (Parameter 'options')");
    }
}
