using Pipeline.Host.Conformance;

namespace Pipeline.Host.Tests.Conformance;

public sealed class ConformanceTableTests
{
    [Fact]
    public void A_failed_check_is_marked_and_counted_and_a_check_that_does_not_apply_is_neither()
    {
        ConformanceResult[] results =
        [
            ConformanceResult.Pass("identity", "same output"),
            ConformanceResult.Fail("names", "parameter 'x.y' is not under 'under_test'"),
            new("merge", ConformanceOutcome.NotApplicable, "does not merge"),
        ];

        string table = ConformanceTable.Render("demo", results);

        table.Should().Be(
            "check     result  reason\n" +
            "identity  pass    same output\n" +
            "names     FAIL    parameter 'x.y' is not under 'under_test'\n" +
            "merge     n/a     does not merge\n" +
            "adapter 'demo' fails 1 of 3 checks\n");
        results.Select(r => r.Succeeded).Should().Equal(true, false, true);
    }

    [Fact]
    public void All_applicable_checks_passing_counts_only_those_that_apply()
    {
        string table = ConformanceTable.Render("demo", [ConformanceResult.Pass("seed", "same"), new("merge", ConformanceOutcome.NotApplicable, "no")]);

        table.Split('\n')[^2].Should().Be("adapter 'demo' passes all 1 applicable check");
    }
}
