using Sim.OrderEz.Infrastructure;

namespace Sim.OrderEz.Tests;

public sealed class MonotonicClockTests
{
    private sealed class FrozenTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void Ticks_within_one_millisecond_or_backwards_still_strictly_increase()
    {
        var start = new DateTimeOffset(2025, 3, 3, 1, 12, 0, 123, TimeSpan.Zero);
        var time = new FrozenTime(start.AddTicks(42));
        var clock = new MonotonicClock(time);

        var first = clock.Next();
        var second = clock.Next();
        time.Now = start.AddSeconds(-1);
        var third = clock.Next();
        time.Now = start.AddSeconds(1);
        var fourth = clock.Next();

        first.ShouldBe(start);
        second.ShouldBe(start.AddMilliseconds(1));
        third.ShouldBe(start.AddMilliseconds(2));
        fourth.ShouldBe(start.AddSeconds(1));
    }
}
