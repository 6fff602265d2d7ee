using Pipeline.Host.Cli;

return PipelineCommandLine.Create().Parse(args).Invoke();
