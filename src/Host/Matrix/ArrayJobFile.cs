namespace Pipeline.Host.Matrix;

/// <summary>An array-job file <c>pipeline matrix FILE --emit</c> wrote, and the commands the user runs next.</summary>
/// <param name="Path">The file written, absolute.</param>
/// <param name="SubmitCommand">The command that submits it (<c>sbatch FILE</c>, <c>kubectl apply -f FILE</c>).</param>
/// <param name="CollectCommand">The command that merges the cells' results once every task has ended.</param>
public sealed record ArrayJobFile(string Path, string SubmitCommand, string CollectCommand);
