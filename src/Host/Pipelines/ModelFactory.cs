using Pipeline.Contracts.Adapters;
using Pipeline.Contracts.Encoders;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Interop;
using Pipeline.Host.Modules.Llama;
using Pipeline.Host.Modules.Multimodal;
using Pipeline.Host.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Host.Pipelines;

/// <summary>
/// The composition root of the model: builds the decoder, each encoder plugin and its projector, assembles the
/// multimodal model, loads pretrained weights (<c>model.weights</c>), then lets each adapter plugin attach itself.
/// A plugin that throws is reported by kind and name; an adapter target that matches nothing is a configuration
/// error at the adapter's options.
/// </summary>
public static class ModelFactory
{
    /// <summary>Builds on <paramref name="device"/>; pass <see cref="torch.META"/> to build without allocating weights.</summary>
    public static BuiltModel Build(PipelineDefinition definition, int vocabularySize, Device device)
    {
        bool meta = device.type == DeviceType.META;
        if (meta) set_default_device(META);
        try
        {
            return BuildOnDefaultDevice(definition, vocabularySize, meta ? META : device);
        }
        finally
        {
            if (meta) set_default_device(CPU);
        }
    }

    private static BuiltModel BuildOnDefaultDevice(PipelineDefinition definition, int vocabularySize, Device device)
    {
        var config = definition.Config;
        long seed = config.Run.Seed;
        manual_seed(seed);
        var forwardContext = new ForwardContextAccessor();
        // vocab_size 0 takes the pretrained decoder's vocabulary when there is one, else the tokenizer's.
        var llmOptions = config.Model.Llm.VocabSize == 0
            ? config.Model.Llm with { VocabSize = PretrainedWeights.LlmVocabularySize(definition) ?? vocabularySize }
            : config.Model.Llm;
        if (llmOptions.VocabSize < vocabularySize)
            throw definition.Document.ErrorAt(definition.Document.Root,
                $"model.llm.vocab_size: {llmOptions.VocabSize} is smaller than the tokenizer's vocabulary ({vocabularySize}); set 0 to take it from the tokenizer");
        var llm = new LlamaForCausalLM(llmOptions, forwardContext);

        var encoders = new Dictionary<string, IEncoder>();
        var projectors = new Dictionary<string, Projector>();
        foreach (var encoder in definition.Encoders)
        {
            IEncoder built = Guard("encoder", encoder.PluginName, "while being built",
                () => encoder.Factory.Create(encoder.Options, new EncoderBuildContext(encoder.InstanceName, device, StableSeed.Derive(seed, encoder.InstanceName))));
            var sameModality = encoders.FirstOrDefault(e => e.Value.Modality == built.Modality);
            if (sameModality.Value is not null)
                throw encoder.Node.ErrorAt($"model.encoders: '{sameModality.Key}' and '{encoder.InstanceName}' both encode {built.Modality}; keep one encoder per modality");
            encoders[encoder.InstanceName] = built;
            int hidden = config.Model.Projector.HiddenSize > 0 ? config.Model.Projector.HiddenSize : llmOptions.HiddenSize;
            projectors[encoder.InstanceName] = new Projector(built.Width, hidden, llmOptions.HiddenSize, config.Model.Projector.Activation);
        }
        var model = new MultimodalModel(llm, encoders, projectors, forwardContext);
        foreach (var encoder in definition.Encoders) model.PluginOrigins.AddEncoder(encoder.InstanceName, encoder.PluginName);
        var loadedWeights = PretrainedWeights.Load(definition, model, readTensors: device.type != DeviceType.META);
        var baseNames = model.named_parameters().Select(p => p.name).ToList();

        var adapters = new List<IAdapter>();
        var adapterOwners = new Dictionary<string, string>();
        foreach (var adapter in definition.Adapters)
        {
            var context = new AdapterBuildContext(adapter.InstanceName, model.Components, forwardContext, device, StableSeed.Derive(seed, adapter.InstanceName));
            var before = model.named_parameters().Select(p => p.name).ToHashSet();
            try
            {
                model.PluginOrigins.AddAdapter(adapter.InstanceName, adapter.PluginName);
                adapters.Add(Guard("adapter", adapter.PluginName, "while attaching", () => adapter.Factory.Attach(adapter.Options, context)));
            }
            catch (PluginFailureException failure) when (failure.InnerException is AdapterTargetException target)
            {
                throw adapter.Node.ErrorAtQuotedValue(target.Message);
            }
            var added = model.named_parameters().Select(p => p.name).Where(name => !before.Contains(name)).ToList();
            int sites = adapters[^1].AttachedSites.Count;
            if (added.Count == 0)
                throw new PluginFailureException("adapter", adapter.PluginName, "while attaching", new InvalidOperationException(
                    $"it added no parameters to the model (attached at {sites} site{(sites == 1 ? "" : "s")}): the modules it " +
                    "attaches must register their parameters (call RegisterComponents() at the end of their constructors), or nothing trains"));
            foreach (string name in added) adapterOwners[name] = adapter.InstanceName;
        }
        if (device.type != DeviceType.META && device.type != DeviceType.CPU) model.to(device);
        var inventory = new ParameterInventory(model.named_parameters().Select(p => (p.name, p.parameter)), baseNames, adapterOwners);
        return new BuiltModel(model, adapters, inventory) { LoadedWeights = loadedWeights };
    }

    private static T Guard<T>(string kind, string name, string stage, Func<T> build)
    {
        try
        {
            return build() ?? throw new InvalidOperationException($"it returned null instead of {(kind == "encoder" ? "an encoder" : "the attached adapter")}");
        }
        catch (Exception e) when (e is not ConfigException)
        {
            throw new PluginFailureException(kind, name, stage, e);
        }
    }
}
