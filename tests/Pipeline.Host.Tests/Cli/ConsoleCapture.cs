using Pipeline.Host.Cli;

namespace Pipeline.Host.Tests.Cli;

/// <summary>Runs the <c>pipeline</c> command line in-process and captures what it prints (tests run sequentially).</summary>
public static class ConsoleCapture
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        TextWriter originalOut = Console.Out, originalError = Console.Error;
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int exitCode = PipelineCommandLine.Run(args);
            return (exitCode, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
        }
    }
}
