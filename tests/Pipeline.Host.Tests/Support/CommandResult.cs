using System.Diagnostics;

namespace Pipeline.Host.Tests.Support;

/// <summary>What a finished command printed and how it exited.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Output">Standard output.</param>
/// <param name="Error">Standard error.</param>
public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs <paramref name="program"/> with <paramref name="arguments"/>, extra environment variables and a working
    /// directory (empty: this process's); kills it and fails after <paramref name="timeout"/> (default one minute).
    /// </summary>
    public static CommandResult Run(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null, string workingDirectory = "")
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {limit}");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Standard output, or an exception naming the command, its exit code and its error output when it failed.</summary>
    public string OutputOrThrow(string what) =>
        ExitCode == 0 ? Output : throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:\n{Error}{Output}");
}
