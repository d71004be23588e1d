using System.Security.Cryptography;
using System.Text;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml.Registry;

/// <summary>A responder's correction as a labelled example: the report as stored and the grade it deserved.</summary>
public sealed record FeedbackExample(ReportV1 Report, Grade Label, long FeedbackId);

/// <summary>
/// What a model trains on: the corpora (written and generated) and, when asked, responders' corrections. Feedback is split
/// by report id (<see cref="CorpusSplit"/>): the test part is held out and judged at promotion, the rest may train, where a
/// correction replaces the corpus's label of the same report. The hash covers the corpora and the feedback trained on, so a
/// version says what it learned from.
/// </summary>
public sealed class TrainingData
{
    public const string FeedbackWriter = "feedback";

    private TrainingData(TrainingCorpus corpus, IReadOnlyList<FeedbackExample> feedback, bool includeFeedback)
    {
        Corpus = corpus;
        Feedback = feedback;
        FeedbackForTraining = includeFeedback ? feedback.Where(f => CorpusSplit.Of(f.Report.ReportId) != CorpusPart.Test).ToList() : [];
        HeldOutFeedback = feedback.Where(f => CorpusSplit.Of(f.Report.ReportId) == CorpusPart.Test).Select(f => (f.Report, f.Label)).ToList();
        var corrected = FeedbackForTraining.Select(f => f.Report.ReportId).ToHashSet();
        Examples = corpus.Examples.Where(e => !corrected.Contains(e.Report.ReportId))
            .Concat(FeedbackForTraining.Select(f => new TrainingExample(f.Report, f.Label, null, FeedbackWriter)))
            .ToList();
        Sha256 = FeedbackForTraining.Count == 0 ? corpus.Sha256 : Hash(corpus.Sha256, FeedbackForTraining);
    }

    public TrainingCorpus Corpus { get; }

    public IReadOnlyList<FeedbackExample> Feedback { get; }

    public IReadOnlyList<FeedbackExample> FeedbackForTraining { get; }

    /// <summary>Corrections in the test part: never trained on, judged at every promotion.</summary>
    public IReadOnlyList<(ReportV1 Report, Grade Label)> HeldOutFeedback { get; }

    /// <summary>Every example a model trains on.</summary>
    public IReadOnlyList<TrainingExample> Examples { get; }

    /// <summary>SHA-256 of the corpora, or of them and the feedback examples trained on.</summary>
    public string Sha256 { get; }

    public static TrainingData Create(TrainingCorpus corpus, IReadOnlyList<FeedbackExample> feedback, bool includeFeedback)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(feedback);
        return new TrainingData(corpus, feedback, includeFeedback);
    }

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
