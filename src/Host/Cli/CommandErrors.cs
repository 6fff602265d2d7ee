using Pipeline.Host.Composition;
using Pipeline.Host.Config.Binding;
using Pipeline.Host.Pipelines;

namespace Pipeline.Host.Cli;

/// <summary>Runs a command body and turns expected failures into one message on standard error and an exit code, without a stack trace.</summary>
public static class CommandErrors
{
    /// <summary>Exit code for a configuration error (bad YAML, unknown key or plugin, bad value, plugin files the lock refuses).</summary>
    public const int ConfigurationError = 2;

    /// <summary>
    /// Exit code for a command line that does not parse (unknown option, missing argument, bad value): the same code as a
    /// configuration error, since in both cases the run is refused before anything starts.
    /// </summary>
    public const int UsageError = 2;

    /// <summary>Exit code of <c>pipeline matrix</c> when the results fail the comparison with a baseline (a regression, or a cell missing on either side).</summary>
    public const int BaselineFailed = 3;

    /// <summary>Exit code for any other failure (plugin failure, bad data, training stopped).</summary>
    public const int RunError = 1;

    public static int Run(Func<int> body, TextWriter error)
    {
        try
        {
            return body();
        }
        catch (ConfigException e)
        {
            error.WriteLine(e.Message);
            return ConfigurationError;
        }
        catch (Exception e) when (e is UnknownPluginException or PluginLockException)
        {
            error.WriteLine($"error: {e.Message}");
            return ConfigurationError;
        }
        catch (Exception e) when (e is PluginFailureException or InvalidDataException or IOException or InvalidOperationException or ArgumentException)
        {
            error.WriteLine($"error: {e.Message}");
            return RunError;
        }
        catch (Exception e)
        {
            // Anything else is unexpected (a native libtorch error, say): name its type so it can be reported.
            error.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            return RunError;
        }
    }
}
