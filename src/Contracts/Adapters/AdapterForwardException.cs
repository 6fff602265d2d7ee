using TorchSharp;

namespace Pipeline.Contracts.Adapters;

/// <summary>
/// A module an adapter attached threw during forward. Every adaptation site catches what the adapter's module throws
/// and rethrows it wrapped in this exception, tagged with the adapter's name and the site, so the host can report
/// the failure by plugin and place (<c>adapter plugin 'lora' failed in forward at
/// llm.model.layers.0.self_attn.q_proj: ...</c>) instead of as an anonymous error deep inside the model.
/// <see cref="Modules.AdaptableLinear"/> and <see cref="Modules.AttentionInputSlot"/> do this already; a component
/// that implements a site itself should call attached modules through <see cref="Run{T}"/>.
/// </summary>
public sealed class AdapterForwardException : Exception
{
    /// <param name="adapterName">The name the module was attached under.</param>
    /// <param name="site">The site module the adapter is attached at (the host finds its path in the model).</param>
    /// <param name="inner">What the adapter's module threw.</param>
    public AdapterForwardException(string adapterName, torch.nn.Module site, Exception inner)
        : base($"adapter '{adapterName}' failed in forward: {inner.Message}", inner)
    {
        AdapterName = adapterName;
        Site = site;
    }

    /// <summary>The name the failing module was attached under.</summary>
    public string AdapterName { get; }

    /// <summary>The site module the adapter is attached at.</summary>
    public torch.nn.Module Site { get; }

    /// <summary>
    /// Runs <paramref name="forward"/>, a call into a module attached under <paramref name="adapterName"/> at
    /// <paramref name="site"/>, and wraps anything it throws. An <see cref="AdapterForwardException"/> from a site
    /// further in passes through unchanged, so the innermost adapter is the one named.
    /// </summary>
    public static T Run<T>(string adapterName, torch.nn.Module site, Func<T> forward)
    {
        try
        {
            return forward();
        }
        catch (Exception error) when (error is not AdapterForwardException)
        {
            throw new AdapterForwardException(adapterName, site, error);
        }
    }
}
