using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>One axis of a matrix: its name and its labelled values, each the key assignments it makes.</summary>
/// <param name="Name">The axis name (used in cell names).</param>
/// <param name="Values">Each label and the (key path, value) assignments it makes, with the node to point errors at.</param>
public sealed record MatrixAxis(string Name, IReadOnlyList<MatrixAxisValue> Values);

/// <summary>One labelled value of an axis.</summary>
/// <param name="Label">The label (used in cell names).</param>
/// <param name="Node">The label's node in the matrix file.</param>
/// <param name="Assignments">The keys the value sets: key path, value, and the node naming the key.</param>
public sealed record MatrixAxisValue(string Label, YamlNode Node, IReadOnlyList<MatrixAssignment> Assignments);

/// <summary>One key a matrix sets in a cell's pipeline.</summary>
/// <param name="KeyPath">The key path, as for <c>--set</c>: <c>stages.1.scheduler</c>.</param>
/// <param name="Value">The value, a node of the matrix file.</param>
/// <param name="KeyNode">The node naming the key in the matrix file (errors in walking the path point here).</param>
public sealed record MatrixAssignment(string KeyPath, YamlNode Value, YamlNode KeyNode);
