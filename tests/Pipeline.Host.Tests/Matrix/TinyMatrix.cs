using Pipeline.Host.Tests.Pipelines;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// A matrix over the tiny pipeline (<see cref="TinyPipeline"/>, written beside as <c>base.yaml</c>) in a fresh temporary
/// folder: by default two LoRA ranks by two seeds, short stages, output in <c>out/</c>.
/// </summary>
public sealed class TinyMatrix : IDisposable
{
    /// <summary>Keys every cell sets: stages of a few steps and a small held-out split, so a cell trains in seconds.</summary>
    public const string ShortStages = """
        set:
          stages.0.steps: 6
          stages.1.steps: 4
          data.synthetic.eval_per_category: 3
        """;

    public const string Axes = """
        axes:
          rank:
            key: model.adapters.0.options
            values:
              r4: { rank: 4, alpha: 8, targets: { llm: [q_proj, v_proj] } }
              r8: { rank: 8, alpha: 16, targets: { llm: [q_proj, v_proj] } }
          seed:
            key: run.seed
            values: [1, 2]
        """;

    private readonly TinyPipeline _base = new();

    /// <param name="body">The matrix YAML after <c>base</c> and <c>output_dir</c>; by default <see cref="ShortStages"/> and <see cref="Axes"/>.</param>
    public TinyMatrix(string? body = null)
    {
        File.Move(_base.ConfigPath, BasePath);
        Write(body ?? ShortStages + "\n" + Axes);
    }

    public string Directory => _base.Directory;

    public string BasePath => Path.Combine(Directory, "base.yaml");

    public string MatrixPath => Path.Combine(Directory, "matrix.yaml");

    public string OutputDirectory => Path.Combine(Directory, "out");

    public string CellDirectory(string name) => Path.Combine(OutputDirectory, "cells", name);

    /// <summary>Rewrites the matrix file with <c>base: base.yaml</c>, <c>output_dir: out</c> and <paramref name="body"/>.</summary>
    public void Write(string body) => File.WriteAllText(MatrixPath, "base: base.yaml\noutput_dir: out\n" + body + "\n");

    public void Dispose() => _base.Dispose();
}
