using RiskWatch.Ml.Text;

namespace RiskWatch.Ml.Tests;

/// <summary>
/// The number, time and action readers against what the writers of the written corpus say their reports
/// show, on the development writers w01-w12 (w13-w17 are kept for checking, not for tests that steer the
/// rules). Floors a little under the figures in ml/README.md, so that a change that loses ground fails.
/// </summary>
public sealed class WrittenCorpusReadersTests
{
    private static readonly IReadOnlyList<WrittenReport> Development =
        WrittenCorpus.Read(Path.Combine(RepoPaths.Root, "ml", "data", "written")).Where(r => string.CompareOrdinal(r.Writer, "w12") <= 0).ToList();

    private static int WorkerBand(int w) => w < 10 ? 0 : w < 30 ? 1 : w < 100 ? 2 : w < 500 ? 3 : 4;

    private static int MoneyBand(decimal a) => a < 100_000 ? 0 : a < 1_000_000 ? 1 : a < 5_000_000 ? 2 : 3;

    [Fact]
    public void The_worker_band_is_right_on_most_reports_that_give_no_count_field()
    {
        var cases = Development.Where(r => r.Report.WorkersAffected is null && r.Facts.Workers is not null).ToList();
        var right = cases.Count(r => ReportFacts.Of(r.Report).Workers is { } w && WorkerBand(w) == WorkerBand(r.Facts.Workers!.Value));
        Assert.True(right >= 0.87 * cases.Count, $"worker band right on {right} of {cases.Count}");
    }

    [Fact]
    public void The_money_band_is_right_on_most_reports_that_give_no_amount_field()
    {
        var cases = Development.Where(r => r.Report.AmountOwedCny is null && r.Facts.AmountCny is not null).ToList();
        var right = cases.Count(r => ReportFacts.Of(r.Report).AmountCny is { } a && MoneyBand(a) == MoneyBand(r.Facts.AmountCny!.Value));
        Assert.True(right >= 0.92 * cases.Count, $"money band right on {right} of {cases.Count}");
    }

    [Fact]
    public void The_action_status_is_right_on_most_reports_that_give_no_action_field()
    {
        var cases = Development.Where(r => r.Report.CollectiveAction is null && r.Facts.Action is not null).ToList();
        var right = cases.Count(r => ReportFacts.Of(r.Report).Action == r.Facts.Action);
        Assert.True(right >= 0.91 * cases.Count, $"action status right on {right} of {cases.Count}");
    }

    [Fact]
    public void A_planned_action_is_put_on_the_right_side_of_48_hours()
    {
        var cases = Development.Where(r => r.Report.CollectiveAction is null && r.Facts.HoursUntilAction is not null).ToList();
        var right = cases.Count(r => ReportFacts.Of(r.Report).HoursUntilAction is { } h && h <= 48 == r.Facts.HoursUntilAction <= 48);
        Assert.True(right >= 0.78 * cases.Count, $"48-hour side right on {right} of {cases.Count}");
    }
}
