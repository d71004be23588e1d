using System.Globalization;
using System.Text;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml;

public sealed record GradeMetrics(Grade Grade, int Support, double Precision, double Recall, double F1);

/// <summary>How a model did on a labelled set. Confusion[actual, predicted], indexed by (int)Grade.</summary>
public sealed record EvaluationResult(int Count, IReadOnlyList<GradeMetrics> PerGrade, int[,] Confusion, double MacroF1, double Accuracy)
{
    public double RedRecall => PerGrade[(int)Grade.Red].Recall;

    public override string ToString() => Format();

    public string Format()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"n = {Count}   accuracy = {Accuracy:F3}   macro-F1 = {MacroF1:F3}   red recall = {RedRecall:F3}");
        sb.AppendLine("grade    support  precision  recall  F1");
        foreach (var g in PerGrade)
        {
            sb.AppendLine(c, $"{g.Grade.ToWire(),-8} {g.Support,7}  {g.Precision,9:F3}  {g.Recall,6:F3}  {g.F1:F3}");
        }

        sb.AppendLine("confusion (rows = actual, columns = predicted)");
        sb.Append("         ");
        foreach (var g in Grades.All)
        {
            sb.Append(c, $"{g.ToWire(),7}");
        }

        sb.AppendLine();
        foreach (var a in Grades.All)
        {
            sb.Append(c, $"{a.ToWire(),-8} ");
            foreach (var p in Grades.All)
            {
                sb.Append(c, $"{Confusion[(int)a, (int)p],7}");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }
}

/// <summary>Scores a model against labelled reports.</summary>
public static class ModelEvaluator
{
    public static EvaluationResult Evaluate(RiskModel model, IEnumerable<(ReportV1 Report, Grade Label)> labelled)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labelled);
        var rows = labelled.ToList();
        var predictions = model.PredictBatch(rows.Select(r => r.Report).ToList());
        return FromPairs(rows.Select((r, i) => (r.Label, predictions[i].Grade)));
    }

    public static EvaluationResult FromPairs(IEnumerable<(Grade Actual, Grade Predicted)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var n = Grades.All.Count;
        var m = new int[n, n];
        var count = 0;
        foreach (var (a, p) in pairs)
        {
            m[(int)a, (int)p]++;
            count++;
        }

        var per = new List<GradeMetrics>();
        var correct = 0;
        for (var g = 0; g < n; g++)
        {
            int tp = m[g, g], fp = 0, fn = 0;
            correct += tp;
            for (var o = 0; o < n; o++)
            {
                if (o != g)
                {
                    fp += m[o, g];
                    fn += m[g, o];
                }
            }

            var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            per.Add(new GradeMetrics((Grade)g, tp + fn, precision, recall, f1));
        }

        var present = per.Where(x => x.Support > 0).ToList();
        var macro = present.Count == 0 ? 0 : present.Average(x => x.F1);
        return new EvaluationResult(count, per, m, macro, count == 0 ? 0 : (double)correct / count);
    }
}
