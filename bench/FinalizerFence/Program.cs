using Pipeline.Bench.FinalizerFence;

// time [pipeline.yaml] [rounds] [steps per round] | repro fenced|unfenced [seconds] [spins per background allocation]
string command = args.Length > 0 ? args[0] : "time";
if (command == "repro")
    Repro.Run(args.Length > 1 && args[1] == "fenced", args.Length > 2 ? int.Parse(args[2]) : 5, args.Length > 3 ? int.Parse(args[3]) : 0);
else
    StepTiming.Run(args.Length > 1 ? args[1] : "examples/quickstart.yaml", args.Length > 2 ? int.Parse(args[2]) : 5, args.Length > 3 ? int.Parse(args[3]) : 20);
