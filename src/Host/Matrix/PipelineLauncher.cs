namespace Pipeline.Host.Matrix;

/// <summary>The command line that starts this same Pipeline host in another process (matrix cells, array scripts).</summary>
public static class PipelineLauncher
{
    /// <summary>
    /// The program and leading arguments: the <c>dotnet</c> host (the SDK's <c>DOTNET_HOST_PATH</c>, else the running
    /// process when it is <c>dotnet</c>, else <c>dotnet</c> on the PATH) and the absolute path of <c>pipeline.dll</c>.
    /// </summary>
    public static IReadOnlyList<string> Command()
    {
        string assembly = typeof(PipelineLauncher).Assembly.Location;
        return [DotnetHost(), assembly];
    }

    private static string DotnetHost()
    {
        string? fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
        string? process = Environment.ProcessPath;
        if (process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(root) && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
