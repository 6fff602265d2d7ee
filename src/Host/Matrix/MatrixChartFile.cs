namespace Pipeline.Host.Matrix;

/// <summary>A chart written for a matrix: its PNG file, its title, and its size in pixels.</summary>
internal sealed record MatrixChartFile(string Path, string Title, int Width, int Height);
