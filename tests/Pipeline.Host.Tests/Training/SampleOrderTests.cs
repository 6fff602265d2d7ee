using Pipeline.Host.Training;

namespace Pipeline.Host.Tests.Training;

public sealed class SampleOrderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(15)]
    public void A_fast_forwarded_order_continues_exactly_where_the_original_stood(int drawsBefore)
    {
        var original = new SampleOrder(count: 40, seed: 11);
        for (int i = 0; i < drawsBefore; i++) original.Next(6);

        var restored = new SampleOrder(count: 40, seed: 11);
        restored.FastForward(original.Epochs, original.Position);

        for (int i = 0; i < 20; i++) restored.Next(6).Should().Equal(original.Next(6), "draw {0} after the restore", i);
    }

    [Fact]
    public void Only_a_fresh_order_can_be_fast_forwarded()
    {
        var order = new SampleOrder(count: 10, seed: 1);
        order.Next(3);

        var again = () => order.FastForward(1, 3);

        again.Should().Throw<InvalidOperationException>();
    }
}
