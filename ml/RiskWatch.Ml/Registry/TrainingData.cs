using System.Security.Cryptography;
using System.Text;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml.Registry;

/// <summary>A responder's correction as a labelled example: the report as stored and the grade it deserved.</summary>
public sealed record FeedbackExample(ReportV1 Report, Grade Label, long FeedbackId);

/// <summary>
/// What a model trains on and is judged by. The corpus and the feedback are split alike, by the report id
/// (<see cref="CorpusSplit"/>): feedback in the test part is held out with the corpus's test part, the rest
/// may train. The hash covers the corpus file and the feedback used, so a version says what it learned from.
/// </summary>
public sealed class TrainingData
{
    private TrainingData(
        IReadOnlyList<(ReportV1 Report, Grade Label)> corpus, IReadOnlyList<FeedbackExample> feedback, string corpusSha256, bool includeFeedback)
    {
        Corpus = corpus;
        Feedback = feedback;
        IncludeFeedback = includeFeedback;
        var trainingFeedback = includeFeedback ? feedback.Where(f => CorpusSplit.Of(f.Report.ReportId) != CorpusPart.Test).ToList() : [];
        FeedbackForTraining = trainingFeedback;
        Sha256 = trainingFeedback.Count == 0 ? corpusSha256 : Hash(corpusSha256, trainingFeedback);
    }

    public IReadOnlyList<(ReportV1 Report, Grade Label)> Corpus { get; }

    public IReadOnlyList<FeedbackExample> Feedback { get; }

    public IReadOnlyList<FeedbackExample> FeedbackForTraining { get; }

    public bool IncludeFeedback { get; }

    /// <summary>SHA-256 of the corpus file, or of it and the feedback examples trained on.</summary>
    public string Sha256 { get; }

    public static TrainingData Create(string corpusPath, IReadOnlyList<FeedbackExample> feedback, bool includeFeedback) =>
        new(LabelledCorpus.Read(corpusPath), feedback, ModelTrainer.Sha256OfFile(corpusPath), includeFeedback);

    /// <summary>The corpus reports of the given parts plus, when included, the feedback of the same parts (a corrected report replaces a corpus one with its id).</summary>
    public IReadOnlyList<(ReportV1 Report, Grade Label)> Rows(params CorpusPart[] parts)
    {
        var wanted = parts.ToHashSet();
        var fromFeedback = IncludeFeedback
            ? FeedbackForTraining.Where(f => wanted.Contains(CorpusSplit.Of(f.Report.ReportId))).ToList()
            : [];
        var corrected = fromFeedback.Select(f => f.Report.ReportId).ToHashSet();
        return Corpus.Where(r => wanted.Contains(CorpusSplit.Of(r.Report.ReportId)) && !corrected.Contains(r.Report.ReportId))
            .Concat(fromFeedback.Select(f => (f.Report, f.Label)))
            .ToList();
    }

    /// <summary>The held-out data every promotion is judged on: the corpus's test part and the feedback in the test part.</summary>
    public IReadOnlyList<(ReportV1 Report, Grade Label)> HeldOut()
    {
        var feedback = Feedback.Where(f => CorpusSplit.Of(f.Report.ReportId) == CorpusPart.Test).ToList();
        var corrected = feedback.Select(f => f.Report.ReportId).ToHashSet();
        return Corpus.Where(r => CorpusSplit.Of(r.Report.ReportId) == CorpusPart.Test && !corrected.Contains(r.Report.ReportId))
            .Concat(feedback.Select(f => (f.Report, f.Label)))
            .ToList();
    }

    public int HeldOutFeedbackCount => Feedback.Count(f => CorpusSplit.Of(f.Report.ReportId) == CorpusPart.Test);

    private static string Hash(string corpusSha256, IReadOnlyList<FeedbackExample> feedback)
    {
        var sb = new StringBuilder(corpusSha256);
        foreach (var f in feedback.OrderBy(f => f.Report.ReportId))
        {
            sb.Append('\n').Append(f.Report.ReportId.ToString("D")).Append(' ').Append(f.Label.ToWire());
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
