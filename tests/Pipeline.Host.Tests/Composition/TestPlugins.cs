using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Composition;
using Pipeline.Contracts.Encoders;
using Pipeline.Contracts.Schedulers;

namespace Pipeline.Host.Tests.Composition;

/// <summary>
/// Plugins exported by this test assembly. The catalog tests copy the assembly into temporary directories and
/// load it as a plugin, so every load sees the three good plugins and the five bad exports below.
/// </summary>
public static class TestPlugins
{
    /// <summary>The options type of every test plugin.</summary>
    public sealed record Options
    {
        public int Rank { get; init; } = 1;
    }

    [ExportAdapter("test-adapter", Version = "2.3.4")]
    public sealed class Adapter : IAdapterFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "test adapter";
        public IAdapter Attach(object options, AdapterBuildContext context) => throw new NotSupportedException();
    }

    [ExportEncoder("test-encoder")]
    public sealed class Encoder : IEncoderFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "test encoder";
        public IEncoder Create(object options, EncoderBuildContext context) => throw new NotSupportedException();
    }

    [ExportScheduler("test-scheduler")]
    public sealed class Scheduler : ISchedulerFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "test scheduler";
        public ILearningRateSchedule Create(object options, SchedulerBuildContext context) => throw new NotSupportedException();
    }

    /// <summary>Claims a contracts major version this host does not implement.</summary>
    [ExportAdapter("test-future", ContractMajor = 2)]
    public sealed class FutureContractAdapter : IAdapterFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "built for contracts 2.x";
        public IAdapter Attach(object options, AdapterBuildContext context) => throw new NotSupportedException();
    }

    /// <summary>Exported as an adapter but implements the scheduler interface.</summary>
    [ExportAdapter("test-mislabelled")]
    public sealed class MislabelledAdapter : ISchedulerFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "a scheduler exported as an adapter";
        public ILearningRateSchedule Create(object options, SchedulerBuildContext context) => throw new NotSupportedException();
    }

    /// <summary>Its constructor fails.</summary>
    [ExportAdapter("test-throwing")]
    public sealed class ThrowingAdapter : IAdapterFactory
    {
        public ThrowingAdapter() => throw new InvalidOperationException("broken on purpose");
        public Type OptionsType => typeof(Options);
        public string Description => "never created";
        public IAdapter Attach(object options, AdapterBuildContext context) => throw new NotSupportedException();
    }

    /// <summary>Of a kind the host does not know.</summary>
    [ExportPlugin("widget", "test-widget")]
    public sealed class Widget : IPluginFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "not a kind the host knows";
    }

    /// <summary>Named with characters YAML names may not use.</summary>
    [ExportScheduler("Test Scheduler")]
    public sealed class BadlyNamedScheduler : ISchedulerFactory
    {
        public Type OptionsType => typeof(Options);
        public string Description => "badly named";
        public ILearningRateSchedule Create(object options, SchedulerBuildContext context) => throw new NotSupportedException();
    }
}
