using System.Text;
using Pipeline.Host.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Tests.Matrix;

/// <summary>
/// Runs the container of an emitted Indexed Job on this machine the way a pod of index <c>I</c> would start it: the
/// container's <c>command</c> then <c>args</c>, with <c>$(VAR)</c> references expanded as Kubernetes expands them (the
/// container's variables being only <c>JOB_COMPLETION_INDEX</c>, which the Job controller sets), in its
/// <c>workingDir</c>. Image, resources and volumes are not simulated: the test points <c>results_path</c> at a local
/// folder instead of a mounted claim.
/// </summary>
internal static class KubernetesPod
{
    /// <summary>The expanded command line of the pod with completion index <paramref name="index"/>.</summary>
    public static IReadOnlyList<string> CommandLine(ParsedYaml job, int index)
    {
        var container = (YamlMappingNode)job.Node("spec", "template", "spec", "containers", "0");
        var variables = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return Words(container, "command").Concat(Words(container, "args")).Select(word => Expand(word, variables)).ToList();
    }

    /// <summary>Runs the pod of index <paramref name="index"/> to its end.</summary>
    public static CommandResult Run(ParsedYaml job, int index, TimeSpan timeout)
    {
        var commandLine = CommandLine(job, index);
        var container = (YamlMappingNode)job.Node("spec", "template", "spec", "containers", "0");
        string workingDirectory = container.Children.TryGetValue(new YamlScalarNode("workingDir"), out var folder) ? ((YamlScalarNode)folder).Value! : "";
        var environment = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return CommandResult.Run(commandLine[0], commandLine.Skip(1), environment, timeout, workingDirectory);
    }

    /// <summary>
    /// Kubernetes' expansion of <c>command</c> and <c>args</c>: <c>$(NAME)</c> becomes the variable's value when the
    /// container defines it and stays as written otherwise; <c>$$</c> is an escaped <c>$</c>; any other <c>$</c> stays.
    /// </summary>
    public static string Expand(string word, IReadOnlyDictionary<string, string> variables)
    {
        var text = new StringBuilder();
        for (int i = 0; i < word.Length; i++)
        {
            if (word[i] != '$' || i + 1 == word.Length) { text.Append(word[i]); continue; }
            if (word[i + 1] == '$') { text.Append('$'); i++; continue; }
            int close = word[i + 1] == '(' ? word.IndexOf(')', i + 2) : -1;
            if (close < 0) { text.Append('$'); continue; }
            string name = word[(i + 2)..close];
            text.Append(variables.TryGetValue(name, out string? value) ? value : word[i..(close + 1)]);
            i = close;
        }
        return text.ToString();
    }

    private static IEnumerable<string> Words(YamlMappingNode container, string key) =>
        container.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((YamlSequenceNode)node).Children.Select(n => ((YamlScalarNode)n).Value!) : [];
}
