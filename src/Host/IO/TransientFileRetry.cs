using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Host.IO;

/// <summary>
/// Retries file I/O that failed with a transient <see cref="IOException"/> (a busy network share, a file briefly
/// locked by a virus scanner or a sync client), with exponential backoff and an overall time limit. Wrap reads
/// and writes of checkpoint and dataset files in it, never tensor math. Missing files and directories are not
/// transient and fail at once, as do all other exception types.
/// </summary>
public sealed class TransientFileRetry
{
    private readonly ResiliencePipeline _pipeline;

    /// <summary>The policy used by the host: 4 retries from 200 ms doubling (jittered), at most 30 s in all.</summary>
    public static TransientFileRetry Default { get; } = new(maxRetries: 4, firstDelay: TimeSpan.FromMilliseconds(200), timeLimit: TimeSpan.FromSeconds(30));

    /// <param name="maxRetries">Retries after the first attempt.</param>
    /// <param name="firstDelay">The delay before the first retry; each next one doubles it.</param>
    /// <param name="timeLimit">
    /// The limit on all attempts and delays together. It stops further retries and cuts waits short; a single
    /// blocking call in progress is not interrupted.
    /// </param>
    public TransientFileRetry(int maxRetries, TimeSpan firstDelay, TimeSpan timeLimit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        if (maxRetries == 0)
        {
            _pipeline = ResiliencePipeline.Empty;
            return;
        }
        _pipeline = new ResiliencePipelineBuilder()
            .AddTimeout(new TimeoutStrategyOptions { Timeout = timeLimit })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>(IsTransient),
                MaxRetryAttempts = maxRetries,
                Delay = firstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    Retried?.Invoke(args.AttemptNumber + 1, args.Outcome.Exception!);
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Raised before each retry with the retry number (from 1) and the exception that caused it.</summary>
    public event Action<int, Exception>? Retried;

    /// <summary>Whether <paramref name="exception"/> may succeed on a later attempt.</summary>
    public static bool IsTransient(IOException exception) =>
        exception is not (FileNotFoundException or DirectoryNotFoundException or EndOfStreamException or PathTooLongException
);

    /// <summary>Runs <paramref name="action"/>, retrying it on transient I/O errors.</summary>
    public T Execute<T>(Func<T> action) => _pipeline.Execute(_ => action(), CancellationToken.None);

    /// <summary>Runs <paramref name="action"/>, retrying it on transient I/O errors.</summary>
    public void Execute(Action action) => _pipeline.Execute(_ => action(), CancellationToken.None);
}
