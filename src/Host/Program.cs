using Pipeline.Host.Cli;

return PipelineCommandLine.Run(args);
