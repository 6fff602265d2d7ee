namespace Pipeline.Host.Tests.Support;

/// <summary>
/// A fact that needs the headless browser (<see cref="HeadlessBrowser"/>). xunit 2 has no skip decided while a test
/// runs, so the decision is taken here, when tests are discovered: the fact is reported skipped, with the reason, only
/// when the browser is absent and <see cref="HeadlessBrowser.SkipVariable"/> is <c>1</c>. When it is absent otherwise,
/// the test runs and fails with <see cref="HeadlessBrowser.Require"/>'s message, so a machine without the browser
/// never passes the browser tests silently.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (HeadlessBrowser.Find() is null && Environment.GetEnvironmentVariable(HeadlessBrowser.SkipVariable) == "1")
            Skip = $"{HeadlessBrowser.Program} is not installed and {HeadlessBrowser.SkipVariable}=1";
    }
}
