using System.Text;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Host.Matrix;

/// <summary>
/// Writes the Kubernetes Indexed Job of a matrix (<c>pipeline matrix FILE --emit k8s</c>): <c>OUT/k8s/job.yaml</c>, one
/// completion per cell, the pod of index <c>I</c> running <c>COMMAND matrix FILE --index I --output RESULTS</c> with the
/// results claim mounted at <c>RESULTS</c> (<see cref="KubernetesOptions.ResultsPath"/>).
/// </summary>
/// <remarks>
/// The index reaches the command through <c>$(JOB_COMPLETION_INDEX)</c> in the container's <c>args</c>: the Job
/// controller sets that variable in every pod of an Indexed Job, and Kubernetes expands <c>$(VAR)</c> references to
/// the container's variables in <c>command</c> and <c>args</c>.
/// </remarks>
public static class KubernetesJobWriter
{
    /// <summary>The variable the Job controller sets to the pod's completion index.</summary>
    public const string IndexVariable = "JOB_COMPLETION_INDEX";

    /// <summary>The name of the container, and of the results volume.</summary>
    public const string ContainerName = "cell", VolumeName = "results";

    /// <summary>Where the Job goes: <c>OUT/k8s/job.yaml</c>.</summary>
    public static string JobPath(string outputDirectory) => Path.Combine(outputDirectory, "k8s", "job.yaml");

    /// <summary>The matrix file as the container sees it: <c>k8s.matrix_file</c>, else the path given on the command line.</summary>
    public static string MatrixFileInContainer(MatrixPlan plan) =>
        plan.Kubernetes.MatrixFile.Length > 0 ? plan.Kubernetes.MatrixFile : plan.MatrixFile;

    /// <summary>Writes the Job; returns its path and the commands to submit it and collect its results.</summary>
    public static ArrayJobFile Write(MatrixPlan plan)
    {
        string path = JobPath(Path.GetFullPath(plan.OutputDirectory));
        string text = Job(plan);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return new ArrayJobFile(path, SubmitCommand(path), CollectCommand(plan.Kubernetes));
    }

    /// <summary>The Job's YAML for <paramref name="plan"/>, after a comment header that says how to submit and collect it.</summary>
    /// <exception cref="InvalidOperationException">The matrix has no cell, or <c>k8s.image</c> is empty.</exception>
    public static string Job(MatrixPlan plan)
    {
        var options = plan.Kubernetes;
        if (plan.Cells.Count == 0) throw new InvalidOperationException("the matrix has no cell to run");
        if (string.IsNullOrWhiteSpace(options.Image)) throw new InvalidOperationException("k8s.image must name the container image that holds Pipeline to emit a Kubernetes Job");

        var header = new StringBuilder();
        header.Append($"# Pipeline matrix '{Path.GetFileNameWithoutExtension(plan.MatrixFile)}' as a Kubernetes Indexed Job: {plan.Cells.Count} cells, completion I runs cell I\n");
        header.Append($"# into {options.ResultsPath}/cells/<cell>/ on claim '{options.ResultsClaim}' (a retried pod resumes its cell from its checkpoint).\n");
        header.Append("# Written by 'pipeline matrix --emit k8s'.\n");
        header.Append($"# Submit:  {SubmitCommand(JobPath(Path.GetFullPath(plan.OutputDirectory)))}\n");
        header.Append($"# Collect: {CollectCommand(options)}   (in a pod that mounts the claim, once every index has ended)\n");
        return header + YamlText.Write(Document(plan));
    }

    private static YamlMappingNode Document(MatrixPlan plan)
    {
        var options = plan.Kubernetes;
        var metadata = new YamlMappingNode { { "name", YamlText.String(options.Name) } };
        if (options.Namespace.Length > 0) metadata.Add("namespace", YamlText.String(options.Namespace));
        metadata.Add("labels", Labels(options));

        return new YamlMappingNode
        {
            { "apiVersion", YamlText.String("batch/v1") },
            { "kind", YamlText.String("Job") },
            { "metadata", metadata },
            {
                "spec", new YamlMappingNode
                {
                    { "completionMode", YamlText.String("Indexed") },
                    { "completions", YamlText.Integer(plan.Cells.Count) },
                    { "parallelism", YamlText.Integer(options.Parallelism) },
                    { "backoffLimitPerIndex", YamlText.Integer(options.RetriesPerCell) },
                    {
                        "template", new YamlMappingNode
                        {
                            { "metadata", new YamlMappingNode { { "labels", Labels(options) } } },
                            {
                                "spec", new YamlMappingNode
                                {
                                    { "restartPolicy", YamlText.String("Never") },
                                    { "containers", new YamlSequenceNode(Container(plan)) },
                                    { "volumes", new YamlSequenceNode(Volume(options)) },
                                }
                            },
                        }
                    },
                }
            },
        };
    }

    private static YamlMappingNode Labels(KubernetesOptions options) => new()
    {
        { "app.kubernetes.io/name", YamlText.String("pipeline-matrix") },
        { "app.kubernetes.io/instance", YamlText.String(options.Name) },
    };

    private static YamlMappingNode Container(MatrixPlan plan)
    {
        var options = plan.Kubernetes;
        var container = new YamlMappingNode
        {
            { "name", YamlText.String(ContainerName) },
            { "image", YamlText.String(options.Image) },
            { "command", YamlText.Strings(options.Command) },
            { "args", YamlText.Strings(["matrix", MatrixFileInContainer(plan), "--index", $"$({IndexVariable})", "--output", options.ResultsPath]) },
        };
        if (options.WorkingDir.Length > 0) container.Add("workingDir", YamlText.String(options.WorkingDir));

        var requests = new YamlMappingNode { { "cpu", YamlText.String(options.Cpu) }, { "memory", YamlText.String(options.Memory) } };
        var limits = new YamlMappingNode { { "cpu", YamlText.String(options.Cpu) }, { "memory", YamlText.String(options.Memory) } };
        // Extended resources such as GPUs are asked for by their limit alone (the request defaults to it).
        if (options.Gpus > 0) limits.Add("nvidia.com/gpu", YamlText.Integer(options.Gpus));
        container.Add("resources", new YamlMappingNode { { "requests", requests }, { "limits", limits } });
        container.Add("volumeMounts", new YamlSequenceNode(new YamlMappingNode
        {
            { "name", YamlText.String(VolumeName) },
            { "mountPath", YamlText.String(options.ResultsPath) },
        }));
        return container;
    }

    private static YamlMappingNode Volume(KubernetesOptions options) => new()
    {
        { "name", YamlText.String(VolumeName) },
        { "persistentVolumeClaim", new YamlMappingNode { { "claimName", YamlText.String(options.ResultsClaim) } } },
    };

    private static string SubmitCommand(string jobPath) => $"kubectl apply -f {ShellQuoting.Bash(jobPath)}";

    private static string CollectCommand(KubernetesOptions options) =>
        $"{ShellQuoting.Bash(options.Command)} matrix collect {ShellQuoting.Bash(options.ResultsPath)}";
}
