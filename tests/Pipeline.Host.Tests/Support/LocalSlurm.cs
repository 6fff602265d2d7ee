using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Host.Tests.Support;

/// <summary>
/// A real single-node Slurm cluster on this machine, in a temporary folder: a private <c>munged</c> (own key and
/// socket, run as user <c>munge</c>), <c>slurmctld</c> and <c>slurmd</c> on two free ports, the node named after this
/// host at 127.0.0.1 with the CPUs and memory <c>slurmd -C</c> reports. Configuration, state, logs, key and socket all
/// live in the folder: the system's <c>/etc/slurm</c>, <c>/etc/munge</c> and any Slurm or munge already running are
/// neither used nor touched. Needs root and Debian's <c>slurm-wlm</c> and <c>munge</c>; <see cref="MissingRequirement"/> says what is missing. <see cref="Dispose"/> stops the daemons by
/// their pid files and deletes the folder.
/// </summary>
public sealed partial class LocalSlurm : IDisposable
{
    /// <summary>The programs the cluster needs.</summary>
    public static readonly string[] Programs = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "sinfo", "runuser"];

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] SystemDirectories = ["/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin"];

    private readonly List<string> _pidFiles = [];

    private LocalSlurm(string directory)
    {
        Directory = directory;
        ConfigPath = Path.Combine(directory, "slurm.conf");
    }

    /// <summary>The cluster's folder (configuration, state, spool, logs, munge socket).</summary>
    public string Directory { get; }

    /// <summary>The cluster's <c>slurm.conf</c>; client commands find it through <c>SLURM_CONF</c>.</summary>
    public string ConfigPath { get; }

    /// <summary>Why the cluster cannot start here (a program missing, not root), or <c>null</c> when it can.</summary>
    public static string? MissingRequirement()
    {
        if (!OperatingSystem.IsLinux()) return "Slurm runs on Linux only";
        var missing = Programs.Where(p => Find(p) is null).ToList();
        if (missing.Count > 0) return $"{string.Join(", ", missing)} not found on PATH or in /usr/sbin (Debian packages slurm-wlm and munge)";
        if (Environment.UserName != "root") return $"the local Slurm cluster must be started as root, not {Environment.UserName}";
        return null;
    }

    /// <summary>Starts munge and Slurm and waits until the node is idle.</summary>
    /// <exception cref="InvalidOperationException">A requirement is missing (the message says which and how to skip), or a daemon did not start (the message holds the logs).</exception>
    public static LocalSlurm Start()
    {
        string? missing = MissingRequirement();
        if (missing is not null)
            throw new InvalidOperationException($"cannot start a local Slurm cluster: {missing}. Install them (apt-get install slurm-wlm munge) or set {SlurmFactAttribute.SkipVariable}=1 to skip the Slurm tests.");
        string directory = Path.Combine(Path.GetTempPath(), "pipeline-slurm-" + Guid.NewGuid().ToString("N"));
        var slurm = new LocalSlurm(directory);
        try
        {
            slurm.StartDaemons();
            return slurm;
        }
        catch
        {
            slurm.Dispose();
            throw;
        }
    }

    /// <summary>Runs a Slurm client command against this cluster.</summary>
    public CommandResult Run(string program, params string[] arguments) =>
        CommandResult.Run(Find(program) ?? program, arguments, new Dictionary<string, string> { ["SLURM_CONF"] = ConfigPath });

    /// <summary>Submits a batch script; returns the job id.</summary>
    public string Submit(string scriptPath)
    {
        string output = Run("sbatch", "--parsable", scriptPath).OutputOrThrow($"sbatch {scriptPath}").Trim();
        return output.Split(';')[0];
    }

    /// <summary>Polls <c>squeue</c> until job <paramref name="jobId"/> (every task of an array) has left the queue.</summary>
    /// <exception cref="TimeoutException">It is still queued or running after <paramref name="timeout"/>; the message holds the queue and the daemons' logs.</exception>
    public void WaitForJob(string jobId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string queue = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = Run("squeue", "-j", jobId, "-h");
            // A job the controller has already forgotten is reported as an invalid id: it has left the queue too.
            if (result.ExitCode != 0 && result.Error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return;
            queue = result.OutputOrThrow($"squeue -j {jobId}");
            if (queue.Trim().Length == 0) return;
            Thread.Sleep(250);
        }
        throw new TimeoutException($"Slurm job {jobId} was still in the queue after {timeout}:\n{queue}\n{Logs()}");
    }

    /// <summary>The state and exit code of every task of array job <paramref name="jobId"/>, by task id, as <c>scontrol show job</c> reports them.</summary>
    public IReadOnlyDictionary<int, (string State, string ExitCode)> ArrayTasks(string jobId)
    {
        string output = Run("scontrol", "show", "job", "-o", jobId).OutputOrThrow($"scontrol show job {jobId}");
        var tasks = new SortedDictionary<int, (string, string)>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var task = Regex.Match(line, @"\bArrayTaskId=(\d+)\b");
            if (!task.Success) continue;
            tasks[int.Parse(task.Groups[1].Value, CultureInfo.InvariantCulture)] =
                (Regex.Match(line, @"\bJobState=(\S+)").Groups[1].Value, Regex.Match(line, @"\bExitCode=(\S+)").Groups[1].Value);
        }
        return tasks;
    }

    /// <summary>The daemons' logs, for failure messages.</summary>
    public string Logs()
    {
        var text = new StringBuilder();
        foreach (string path in new[] { Path.Combine(Directory, "log", "slurmctld.log"), Path.Combine(Directory, "log", "slurmd.log"), Path.Combine(Directory, "munge", "munged.log") })
        {
            string log = Path.GetFileName(path);
            string content = File.Exists(path) ? File.ReadAllText(path) : "(none)";
            text.Append($"--- {log} ---\n{(content.Length > 4000 ? "..." + content[^4000..] : content)}\n");
        }
        return text.ToString();
    }

    /// <summary>Stops the daemons (SIGTERM by pid file, SIGKILL after 10 s) and deletes the folder.</summary>
    public void Dispose()
    {
        foreach (string pidFile in Enumerable.Reverse(_pidFiles)) Stop(pidFile);
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private void StartDaemons()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the local Slurm cluster runs on Linux only");
        string log = Path.Combine(Directory, "log");
        string munge = Path.Combine(Directory, "munge");
        foreach (string folder in new[] { Directory, log, munge, Path.Combine(Directory, "state"), Path.Combine(Directory, "spool") })
        {
            System.IO.Directory.CreateDirectory(folder);
            // munged runs as user munge: it must reach its socket through every folder on the way.
            File.SetUnixFileMode(folder, (UnixFileMode)Convert.ToInt32("755", 8));
        }

        // A private key: the system's /etc/munge/munge.key is neither needed nor touched.
        string key = Path.Combine(munge, "munge.key");
        File.WriteAllBytes(key, RandomNumberGenerator.GetBytes(128));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        CommandResult.Run("chown", ["-R", "munge:munge", munge]).OutputOrThrow("chown munge:munge");
        string socket = Path.Combine(munge, "munge.socket");
        string mungePid = Path.Combine(munge, "munged.pid");
        _pidFiles.Add(mungePid);
        Daemon("munged", [Find("runuser")!, "-u", "munge", "--", Find("munged")!, "--socket", socket, "--key-file", key,
            "--pid-file", mungePid, "--log-file", Path.Combine(munge, "munged.log"), "--seed-file", Path.Combine(munge, "munged.seed")]);

        File.WriteAllText(Path.Combine(Directory, "plugstack.conf"), "");
        File.WriteAllText(ConfigPath, Configuration(socket));
        _pidFiles.Add(Path.Combine(Directory, "slurmctld.pid"));
        Daemon("slurmctld", [Find("slurmctld")!, "-f", ConfigPath]);
        _pidFiles.Add(Path.Combine(Directory, "slurmd.pid"));
        Daemon("slurmd", [Find("slurmd")!, "-f", ConfigPath]);
        WaitUntilIdle();
    }

    private string Configuration(string mungeSocket)
    {
        string node = Environment.MachineName.Split('.')[0];
        // slurmd -C prints this machine as a node line (NodeName=... CPUs=... RealMemory=...), then its uptime.
        string hardware = CommandResult.Run(Find("slurmd")!, ["-C"]).OutputOrThrow("slurmd -C").Split('\n')[0].Trim();
        if (!hardware.StartsWith("NodeName=", StringComparison.Ordinal)) throw new InvalidOperationException($"slurmd -C printed no node line: {hardware}");
        var (controllerPort, nodePort) = (FreePort(), FreePort());
        return $"""
            ClusterName=pipelinetest
            SlurmctldHost={node}(127.0.0.1)
            SlurmctldPort={controllerPort}
            SlurmdPort={nodePort}
            AuthType=auth/munge
            CredType=cred/munge
            AuthInfo=socket={mungeSocket}
            SlurmUser=root
            SlurmdUser=root
            StateSaveLocation={Path.Combine(Directory, "state")}
            SlurmdSpoolDir={Path.Combine(Directory, "spool")}
            SlurmctldPidFile={Path.Combine(Directory, "slurmctld.pid")}
            SlurmdPidFile={Path.Combine(Directory, "slurmd.pid")}
            SlurmctldLogFile={Path.Combine(Directory, "log", "slurmctld.log")}
            SlurmdLogFile={Path.Combine(Directory, "log", "slurmd.log")}
            PlugStackConfig={Path.Combine(Directory, "plugstack.conf")}
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            MpiDefault=none
            ReturnToService=2
            AccountingStorageType=accounting_storage/none
            JobAcctGatherType=jobacct_gather/none
            JobCompType=jobcomp/none
            {NodeNamed(hardware, node)} NodeAddr=127.0.0.1 State=UNKNOWN
            PartitionName=debug Nodes={node} Default=YES MaxTime=INFINITE State=UP

            """;
    }

    private static string NodeNamed(string hardware, string node) => NodeNamePattern().Replace(hardware, $"NodeName={node}");

    private void Daemon(string name, IReadOnlyList<string> command)
    {
        // Each daemon forks into the background and writes its pid file; the command itself returns at once.
        var result = CommandResult.Run(command[0], command.Skip(1), new Dictionary<string, string> { ["SLURM_CONF"] = ConfigPath });
        if (result.ExitCode != 0) throw new InvalidOperationException($"{name} did not start (exit code {result.ExitCode}):\n{result.Error}{result.Output}\n{Logs()}");
    }

    private void WaitUntilIdle()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        string state = "";
        while (DateTime.UtcNow < deadline)
        {
            var result = Run("sinfo", "-h", "-N", "-o", "%t");
            state = (result.Output + result.Error).Trim();
            if (result.ExitCode == 0 && state == "idle") return;
            Thread.Sleep(200);
        }
        throw new InvalidOperationException($"the local Slurm node was not idle within {StartTimeout} (sinfo: '{state}'):\n{Logs()}");
    }

    private static void Stop(string pidFile)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid)) return;
        CommandResult.Run("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (IsRunning(pid) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        if (IsRunning(pid)) CommandResult.Run("kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
    }

    /// <summary>Whether the process exists and is not a zombie waiting for its parent.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // The state follows the command name in parentheses: "PID (NAME) S ...".
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The program's path: on PATH, else in the system folders (root's sbin is not always on PATH).</summary>
    private static string? Find(string program)
    {
        var folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SystemDirectories);
        return folders.Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
    }

    [GeneratedRegex(@"^NodeName=\S+")]
    private static partial Regex NodeNamePattern();
}
