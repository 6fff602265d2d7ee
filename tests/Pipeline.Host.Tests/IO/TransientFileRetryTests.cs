using FluentAssertions;
using Pipeline.Host.IO;
using Xunit;

namespace Pipeline.Host.Tests.IO;

public sealed class TransientFileRetryTests
{
    private static TransientFileRetry Fast(int retries) => new(retries, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10));

    [Fact]
    public void A_transient_io_error_is_retried_until_the_call_succeeds()
    {
        var retry = Fast(4);
        var retries = new List<int>();
        retry.Retried += (n, _) => retries.Add(n);
        int attempts = 0;

        int result = retry.Execute(() => ++attempts < 3 ? throw new IOException("share busy") : 42);

        result.Should().Be(42);
        attempts.Should().Be(3);
        retries.Should().Equal(1, 2);
    }

    [Fact]
    public void The_last_error_surfaces_once_the_retries_are_spent()
    {
        int attempts = 0;
        var act = () => Fast(2).Execute(() => { attempts++; throw new IOException($"busy {attempts}"); });

        act.Should().Throw<IOException>().WithMessage("busy 3");
        attempts.Should().Be(3);
    }

    [Fact]
    public void A_missing_file_is_not_transient_and_fails_at_once()
    {
        int attempts = 0;
        var act = () => Fast(4).Execute(() => { attempts++; File.ReadAllBytes("/nonexistent/dir/file.bin"); });

        act.Should().Throw<DirectoryNotFoundException>();
        attempts.Should().Be(1);
    }

    [Fact]
    public void Other_exceptions_are_never_retried()
    {
        int attempts = 0;
        var act = () => Fast(4).Execute(() => { attempts++; throw new InvalidOperationException("math"); });

        act.Should().Throw<InvalidOperationException>();
        attempts.Should().Be(1);
    }

    [Fact]
    public void The_time_limit_stops_retrying()
    {
        var retry = new TransientFileRetry(100, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(300));
        int attempts = 0;
        var act = () => retry.Execute(() => { attempts++; throw new IOException("busy"); });

        act.Should().Throw<Exception>().Which.Should().Match<Exception>(e => e is IOException || e is Polly.Timeout.TimeoutRejectedException);
        attempts.Should().BeLessThan(100);
    }
}
