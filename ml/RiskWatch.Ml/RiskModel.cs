using System.Collections.Concurrent;
using System.IO.Compression;
using System.Runtime.Intrinsics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Grading;
using RiskWatch.Ml.Model;
using RiskWatch.Ml.Signals;
using RiskWatch.Ml.Text;

namespace RiskWatch.Ml;

/// <summary>
/// A trained grading model: the learned ML.NET pipeline plus the policy floors, which only raise
/// a grade. <see cref="Predict"/> is safe to call from many threads.
/// </summary>
public sealed class RiskModel : IDisposable
{
    // With BatchThreads = 2, batches of at least this many reports are split in two halves scored on
    // two threads (the caller's and one from the pool). Below it the hand-off costs more than it
    // saves (a report takes about 10 µs, a hand-off tens of µs).
    private const int ParallelBatchThreshold = 256;

    private int batchThreads = 1;

    private readonly MLContext ml;
    private readonly ITransformer transformer;

    // Feature buffers (and a tree model's PredictionEngine) are not thread-safe; a pool gives each concurrent caller its
    // own scorer and keeps them warm between calls.
    private readonly ConcurrentBag<Scorer> scorers = [];
    private int disposed;

    // Score slot i holds the probability of grade slotGrades[i].
    private readonly Grade[] slotGrades;

    // A linear model's weights, for its scores without the prediction engine and for explanations (null for tree
    // models, which keep the engine).
    private readonly LinearScores? linear;

    // The learned models' and the linear grade model's weights in one table, read in one pass (null for tree models).
    private readonly SlotWeights? slotWeights;

    // The text slots the model reads: those with a non-zero weight for a linear model, all (null)
    // for tree models. SDCA's automatic L1 threshold (1 for more than 10,000 features) can zero
    // every n-gram weight; the scorers then skip the n-grams altogether.
    private readonly SlotMask? textSlotsRead;

    private RiskModel(MLContext ml, ITransformer transformer, DataViewSchema inputSchema, ModelMetadata metadata, SignalModels? signals, SignalModels? facts, GradeDecision? decision)
    {
        this.ml = ml;
        this.transformer = transformer;
        Metadata = metadata;
        Signals = signals;
        Facts = facts;
        Decision = signals is null || facts is null ? null : decision;
        this.learned = signals is null ? facts : facts is null ? signals : signals.Concat(facts);
        var features = inputSchema.GetColumnOrNull(nameof(ModelInput.Features));
        if (features?.Type is not VectorDataViewType { Size: FeatureBuilder.Length })
        {
            throw new InvalidDataException($"The model's input is not the {FeatureBuilder.Length}-slot feature vector this build computes. Retrain the model.");
        }

        var output = transformer.GetOutputSchema(inputSchema);
        slotGrades = SlotGrades(output);
        var (weights, biases) = LinearWeights(transformer);
        this.linear = weights is null ? null : new LinearScores(weights, biases);
        this.textSlotsRead = weights is null ? null : TextSlotsWithWeight(weights, [signals, facts]);
        this.slotWeights = SlotWeights.For(this.learned, this.linear);
    }

    /// <summary>The hard-sign models and their thresholds; null for a model trained without sign labels (the keyword patterns then stand in).</summary>
    public SignalModels? Signals { get; }

    /// <summary>The learned facts behind the number floors (<see cref="FactSigns"/>), which the grade model reads; null for a model trained without them.</summary>
    public SignalModels? Facts { get; }

    /// <summary>
    /// The last stage, which decides the grade from the stages before (<see cref="GradeDecision"/>); null for a model
    /// trained without it, whose grade is the grade model's raised to the highest floor.
    /// </summary>
    public GradeDecision? Decision { get; }

    // The sign models followed by the fact models, read in one pass over a report's slots (one weight row per slot).
    private readonly SignalModels? learned;

    /// <summary>How many of the <see cref="FeatureBuilder.TextSlots"/> text slots the model reads (all for tree models).</summary>
    public int TextSlotsRead => this.textSlotsRead?.Count ?? FeatureBuilder.TextSlots;

    private static SlotMask TextSlotsWithWeight(VBuffer<float>[] weights, IEnumerable<SignalModels?> learned)
    {
        var mask = new SlotMask(FeatureBuilder.TextSlots);
        foreach (var slot in learned.SelectMany(l => l?.Models ?? []).SelectMany(m => m.Slots))
        {
            if (slot < FeatureBuilder.TextSlots)
            {
                mask.Add(slot);
            }
        }

        foreach (var w in weights)
        {
            foreach (var (slot, value) in w.Items())
            {
                if (slot < FeatureBuilder.TextSlots && value != 0)
                {
                    mask.Add(slot);
                }
            }
        }

        return mask;
    }

    private static (VBuffer<float>[]? Weights, float[] Biases) LinearWeights(ITransformer transformer)
    {
        VBuffer<float>[]? weights = null;
        var biases = Array.Empty<float>();
        if (transformer is TransformerChain<ITransformer> chain
            && chain.LastTransformer is MulticlassPredictionTransformer<Microsoft.ML.Trainers.MaximumEntropyModelParameters> last)
        {
            last.Model.GetWeights(ref weights, out _);
            biases = [.. last.Model.GetBiases()];
        }

        return (weights, biases);
    }

    /// <summary>
    /// Reads which grade each score slot stands for from the label's key values, rather than
    /// trusting an order: a wrong order would silently swap grades.
    /// </summary>
    private static Grade[] SlotGrades(DataViewSchema output)
    {
        var score = output["Score"];
        var size = score.Type is VectorDataViewType v ? v.Size : Grades.All.Count;
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        if (score.HasSlotNames())
        {
            score.GetSlotNames(ref names);
        }

        var map = new Grade[size];
        var values = names.DenseValues().ToArray();
        for (var i = 0; i < size; i++)
        {
            if (i < values.Length && Grades.TryParse(values[i].ToString(), out var g))
            {
                map[i] = g;
            }
            else if (values.Length == 0 && i < Grades.All.Count)
            {
                map[i] = (Grade)i;
            }
            else
            {
                throw new InvalidDataException($"Score slot {i} of the model is not a grade.");
            }
        }

        return map;
    }

    public string Version => Metadata.Version;

    /// <summary>
    /// Threads <see cref="PredictBatch"/> may use. 1 (default): one thread scores about 120,000
    /// reports/s on this 2-core machine. 2: a batch of 1,000 finishes about a third sooner, but each
    /// report then costs about a quarter more CPU (the two threads slow each other down), and the
    /// Scoring service needs that CPU for Kafka and PostgreSQL; worth it only where latency matters
    /// and a core is idle. More than 2 never pays on two cores, so 1 and 2 are the only values.
    /// </summary>
    public int BatchThreads
    {
        get => batchThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 2);
            batchThreads = value;
        }
    }

    public ModelMetadata Metadata { get; }

    /// <summary>The metadata of a model file without loading the model; null when the file has none (not a RiskWatch model).</summary>
    public static ModelMetadata? ReadMetadata(Stream modelFile)
    {
        using var zip = new ZipArchive(modelFile, ZipArchiveMode.Read, leaveOpen: true);
        if (zip.GetEntry(ModelTrainer.MetadataEntry) is not { } entry)
        {
            return null;
        }

        using var s = entry.Open();
        return JsonSerializer.Deserialize<ModelMetadata>(s, LabelledCorpus.JsonOptions);
    }

    /// <summary>
    /// Whether <paramref name="path"/> holds a model this build can load: there, and trained on this build's feature
    /// version. After an upgrade that changed the features, a start trains a new one rather than fail on the old.
    /// </summary>
    public static bool IsUsable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        using var stream = File.OpenRead(path);
        return ReadMetadata(stream)?.FeatureVersion == ModelTrainer.FeatureVersion;
    }

    public static RiskModel Load(string path)
    {
        var ml = new MLContext(seed: 211);
        ITransformer transformer;
        DataViewSchema inputSchema;
        using (var stream = File.OpenRead(path))
        {
            transformer = ml.Model.Load(stream, out inputSchema);
        }

        ModelMetadata? metadata = null;
        SignalModels? signals, facts;
        GradeDecision? decision = null;
        using (var zip = ZipFile.OpenRead(path))
        {
            if (zip.GetEntry(ModelTrainer.MetadataEntry) is { } entry)
            {
                using var s = entry.Open();
                metadata = JsonSerializer.Deserialize<ModelMetadata>(s, LabelledCorpus.JsonOptions);
            }

            if (metadata is null)
            {
                throw new InvalidDataException($"{path} has no {ModelTrainer.MetadataEntry}: not a RiskWatch model.");
            }

            if (metadata.FeatureVersion != ModelTrainer.FeatureVersion)
            {
                throw new InvalidDataException($"{path} was trained on feature version {metadata.FeatureVersion}; this build computes version {ModelTrainer.FeatureVersion}. Retrain the model.");
            }

            signals = ReadLearned(zip, SignalModels.Entry, SignalModels.HardSignTargets);
            facts = ReadLearned(zip, SignalModels.FactsEntry, SignalModels.FactTargets);
            if (zip.GetEntry(GradeDecision.Entry) is { } decisionEntry)
            {
                using var buffered = Buffered(decisionEntry);
                decision = GradeDecision.Read(buffered);
            }
        }

        return new RiskModel(ml, transformer, inputSchema, metadata, signals, facts, decision);
    }

    private static SignalModels? ReadLearned(ZipArchive zip, string entryName, IReadOnlyList<int> targets)
    {
        if (zip.GetEntry(entryName) is not { } entry)
        {
            return null;
        }

        using var buffered = Buffered(entry);
        return SignalModels.Read(buffered, targets);
    }

    /// <summary>An entry's bytes, read whole before they are parsed (a zip entry's stream inflates as it is read).</summary>
    private static MemoryStream Buffered(ZipArchiveEntry entry)
    {
        using var s = entry.Open();
        var buffered = new MemoryStream();
        s.CopyTo(buffered);
        buffered.Position = 0;
        return buffered;
    }

    public GradePrediction Predict(ReportV1 report)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        ArgumentNullException.ThrowIfNull(report);
        var scorer = RentScorer();
        try
        {
            return Grade(report, scorer);
        }
        finally
        {
            this.scorers.Add(scorer);
        }
    }

    /// <summary>
    /// Grades many reports; results are in input order and equal <see cref="Predict"/>'s. Each report
    /// goes straight from features to its scorer (no IDataView round trip); a batch
    /// of 256 or more is split over <see cref="BatchThreads"/> threads.
    /// </summary>
    public IReadOnlyList<GradePrediction> PredictBatch(IReadOnlyList<ReportV1> reports)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        ArgumentNullException.ThrowIfNull(reports);
        var results = new GradePrediction[reports.Count];
        if (batchThreads == 1 || reports.Count < ParallelBatchThreshold)
        {
            GradeRange(reports, results, 0, reports.Count);
        }
        else
        {
            var half = reports.Count / 2;
            Parallel.Invoke(
                new ParallelOptions { MaxDegreeOfParallelism = 2 },
                () => GradeRange(reports, results, 0, half),
                () => GradeRange(reports, results, half, reports.Count));
        }

        return results;
    }

    private void GradeRange(IReadOnlyList<ReportV1> reports, GradePrediction[] results, int from, int to)
    {
        var scorer = RentScorer();
        try
        {
            for (var i = from; i < to; i++)
            {
                var report = reports[i] ?? throw new ArgumentException($"Report {i} of the batch is null.", nameof(reports));
                results[i] = Grade(report, scorer);
            }
        }
        finally
        {
            this.scorers.Add(scorer);
        }
    }

    private Scorer RentScorer() =>
        this.scorers.TryTake(out var scorer) ? scorer
        : new Scorer(this.linear is null ? this.ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(this.transformer) : null, this.linear, this.learned, this.slotWeights, this.textSlotsRead);

    /// <summary>
    /// The grade model's probability of <c>none</c> at or above which a sign at its floor threshold raises no grade (it is
    /// flagged instead). Chosen leave-one-writer-out: it keeps red recall (0.938 to 0.937) and lifts none recall by about 3
    /// points (ml/README.md).
    /// </summary>
    public const float SignFloorNoneLimit = 0.8f;

    /// <summary>One report through facts (the text normalised once), features, the sign models, the grade model and the floors.</summary>
    private GradePrediction Grade(ReportV1 report, Scorer scorer)
    {
        var text = PreparedText.Of(report.Text);

        // The n-grams first: their weight rows, mostly in memory, are fetched while the facts are read.
        scorer.Prefetch(scorer.Features.ReadText(text.Text));
        var facts = ReportFacts.Of(report, text);
        var keywordFloor = GradeFloors.Highest(GradeFloors.Evaluate(facts));
        var features = scorer.Features.Build(report, facts, keywordFloor);
        var detection = new SignDetection(HardSignals.None, GradeFloors.KeywordSigns(facts));
        var learnedFacts = FactSigns.None;
        var signCount = Signals?.Models.Count ?? 0;
        if (this.learned is { } learned)
        {
            scorer.SumLearned(features);
            if (Signals is not null)
            {
                detection = learned.Reached(scorer.LearnedProbabilities, 0, signCount).AsSigns;
            }

            if (Facts is not null)
            {
                learnedFacts = learned.Reached(scorer.LearnedProbabilities, signCount, Facts.Models.Count).FlooredFacts;
            }
        }

        var signProbabilities = scorer.LearnedProbabilities.AsSpan(0, signCount);
        var factProbabilities = scorer.LearnedProbabilities.AsSpan(signCount, Facts?.Models.Count ?? 0);
        var scores = scorer.Score(signProbabilities, factProbabilities);
        var own = Normalise(scores, slotGrades);
        var none = own[(int)Core.Grading.Grade.None];
        if (none >= SignFloorNoneLimit && Signals is not null)
        {
            // The grade model, which has read the sign probabilities too, is sure this is no labour matter: a sign detected
            // at 60% precision does not overrule it. The sign stays flagged, so the report waits in the review queue with it.
            detection = new SignDetection(detection.Flagged | detection.Floored, HardSignals.None);
        }

        var floors = GradeFloors.Evaluate(facts, detection.Floored, labourLikely: none < 0.5f, learnedFacts);
        float[]? decided = null;
        if (Decision is not null)
        {
            Span<float> inputs = stackalloc float[GradeDecision.InputCount];
            GradeDecision.Inputs(own, signProbabilities, factProbabilities, report.Language == "en", inputs);
            decided = new float[Grades.All.Count];
            Decision.Decide(inputs, decided);
        }

        return Combine(own, Signals is null ? (float[])own.Clone() : Reweighted(own), decided, facts, floors, detection) with
        {
            SignProbabilities = [.. signProbabilities],
            FactProbabilities = [.. factProbabilities],
        };
    }

    /// <summary>
    /// Weights on a written-corpus model's grade probabilities (by grade, renormalised) before its grade is read: on
    /// writers it has not read, the model over-calls blue and yellow against none, and red against orange. Chosen on
    /// leave-writers-out predictions (five groups of writers, 54 writers, the optional fields withheld from one training
    /// report in two: <see cref="ModelTrainer.AsTrained"/>): log weights 0.8, -0.4, -0.4, 0.4, 0.2 give macro-F1 0.837,
    /// red recall 0.958, `none` recall 0.878 against 0.838 / 0.959 / 0.843 with `none` at 0, and grade 32 of the 5,343 real
    /// CLB incidents `none` (17 with `none` at 0; ml/README.md). Before the optional fields were withheld, any weight on
    /// `none` sent real incidents over the 1% the issue allows. The floors' gates (a labour matter,
    /// <see cref="SignFloorNoneLimit"/>) read the model's own probabilities, as they were chosen on.
    /// </summary>
    public static readonly IReadOnlyList<float> GradeWeights = [MathF.Exp(0.8f), MathF.Exp(-0.4f), MathF.Exp(-0.4f), MathF.Exp(0.4f), MathF.Exp(0.2f)];

    private static float[] Reweighted(float[] probabilities)
    {
        var p = new float[probabilities.Length];
        var sum = 0f;
        for (var g = 0; g < p.Length; g++)
        {
            p[g] = probabilities[g] * GradeWeights[g];
            sum += p[g];
        }

        for (var g = 0; g < p.Length; g++)
        {
            // Float rounding can put a near-certain grade a hair over 1.
            p[g] = Math.Min(1f, p[g] / sum);
        }

        return p;
    }

    /// <summary>
    /// A multiclass model's scores (by score slot; slot i is grade <paramref name="slotGrades"/>[i]) as probabilities indexed
    /// by grade that sum to 1 (the trainer's scores are already nearly so).
    /// </summary>
    internal static float[] Normalise(ReadOnlySpan<float> scores, ReadOnlySpan<Grade> slotGrades)
    {
        var p = new float[Grades.All.Count];
        var sum = 0f;
        for (var i = 0; i < scores.Length && i < slotGrades.Length; i++)
        {
            var v = float.IsFinite(scores[i]) ? Math.Max(0, scores[i]) : 0;
            p[(int)slotGrades[i]] += v;
            sum += v;
        }

        if (sum <= 0)
        {
            Array.Fill(p, 1f / p.Length);
        }
        else
        {
            for (var g = 0; g < p.Length; g++)
            {
                p[g] /= sum;
            }
        }

        return p;
    }

    /// <summary>
    /// The grade and its reasons. With a grade decision, its grade, raised to the highest floor on numbers (the decision
    /// may overrule the sign models' floors, which it reads, but not the counts, sums and times MODEL-211 names); a sign
    /// whose own grade it did not reach is only flagged. Without one, the grade model's (weighted) grade raised to the
    /// highest floor. A raised grade takes the probability of the grades under it, so that the vector agrees with it.
    /// </summary>
    private GradePrediction Combine(float[] own, float[] weighted, float[]? decided, ReportFacts facts, IReadOnlyList<FiredFloor> floors, SignDetection detection)
    {
        var modelGrade = ArgMax(weighted);
        float[] p;
        Grade grade;
        if (decided is not null)
        {
            (grade, p, detection) = UnderDecision(decided, floors, detection);
        }
        else
        {
            grade = Grades.Max(modelGrade, GradeFloors.Highest(floors));
            p = Raised(weighted, grade);
        }

        // The floors that decided the grade, then each sign the sign models are unsure of (flagged, not floored: a person
        // should look), then the facts read from the report.
        var reasons = floors.Where(f => f.Grade == grade).Select(f => f.Reason).ToList();
        foreach (var sign in HardSignalNames.All)
        {
            if ((detection.Flagged & sign) != 0 && (detection.Floored & sign) == 0)
            {
                reasons.Add(Explanations.PossibleSign(sign));
            }
        }

        var limit = Math.Max(4, reasons.Count);
        reasons.AddRange(Explanations.Describe(facts).Where(r => !reasons.Contains(r)).Take(Math.Max(0, limit - reasons.Count)));
        return new GradePrediction(grade, p, Version)
        {
            Floors = floors,
            ModelGrade = modelGrade,
            ModelProbabilities = own,
            Signs = detection.Floored,
            FlaggedSigns = detection.Flagged & ~detection.Floored,
            Reasons = reasons,
        };
    }

    /// <summary>
    /// The features that pushed the report towards its grade, strongest first: for the linear model,
    /// weight × value for the grade minus the mean over grades, named by the text n-gram of this
    /// report that hashed to the slot (<see cref="TextNgramHasher.Describe"/>) or by the structured
    /// feature. The weight of a slot is learned from every training n-gram that shares it; with
    /// 2^18 slots the named n-gram is nearly always the one that taught it. Empty for tree models,
    /// which have no such decomposition here.
    /// </summary>
    public IReadOnlyList<FeatureContribution> Explain(ReportV1 report, int top = 5)
    {
        ObjectDisposedException.ThrowIf(disposed != 0, this);
        ArgumentNullException.ThrowIfNull(report);
        if (this.linear is null)
        {
            return [];
        }

        var prediction = Predict(report);
        var slot = Array.IndexOf(slotGrades, prediction.ModelGrade);
        var text = PreparedText.Of(report.Text);
        var facts = ReportFacts.Of(report, text);
        // The vector the grade model read: the features and, when the model has learned signs, their probabilities.
        var x = FeatureBuilder.WithLearnedSigns(
            new FeatureVectorBuilder().Build(report, facts, text.Text, GradeFloors.Highest(GradeFloors.Evaluate(facts))),
            prediction.SignProbabilities,
            prediction.FactProbabilities);
        var ngrams = TextNgramHasher.Describe(text.Text);
        var contributions = new List<FeatureContribution>();
        foreach (var (j, value) in x.Items())
        {
            if (value == 0)
            {
                continue;
            }

            var mean = 0f;
            for (var k = 0; k < this.linear.Classes; k++)
            {
                mean += this.linear.Weight(j, k);
            }

            mean /= this.linear.Classes;
            var c = (this.linear.Weight(j, slot) - mean) * value;
            if (c > 0)
            {
                contributions.Add(new FeatureContribution(FeatureName(j, ngrams), c));
            }
        }

        return contributions.OrderByDescending(c => c.Contribution).Take(top).ToList();
    }

    private static string FeatureName(int j, IReadOnlyDictionary<int, string> ngrams)
    {
        if (j >= FeatureBuilder.DenseOffset)
        {
            var d = j - FeatureBuilder.DenseOffset;
            return d < FeatureBuilder.DenseNames.Count ? FeatureBuilder.DenseNames[d] : $"feature {j}";
        }

        return ngrams.TryGetValue(j, out var gram) ? $"text \"{gram}\"" : $"text slot {j}";
    }

    /// <summary>
    /// What a grade decision's probabilities (<paramref name="decided"/>) make of a report: the grade under the floors it
    /// may not overrule (<see cref="GradeFloors.UnderDecision"/>), the probabilities raised to it, and the signs: a floored
    /// sign whose own grade it did not reach is only flagged from then on.
    /// </summary>
    internal static (Grade Grade, float[] Probabilities, SignDetection Signs) UnderDecision(
        float[] decided, IReadOnlyList<FiredFloor> floors, SignDetection signs)
    {
        var grade = GradeFloors.UnderDecision(ArgMax(decided), floors);
        var unheeded = HardSignals.None;
        foreach (var sign in HardSignalNames.All)
        {
            if ((signs.Floored & sign) != 0 && GradeFloors.GradeOf(sign) > grade)
            {
                unheeded |= sign;
            }
        }

        return (grade, Raised(decided, grade), new SignDetection(signs.Flagged | unheeded, signs.Floored & ~unheeded));
    }

    /// <summary><paramref name="probabilities"/>, or when its own grade is below <paramref name="grade"/> a copy with the mass of the grades under <paramref name="grade"/> moved onto it.</summary>
    private static float[] Raised(float[] probabilities, Grade grade)
    {
        if (ArgMax(probabilities) >= grade)
        {
            return probabilities;
        }

        var p = (float[])probabilities.Clone();
        var moved = 0f;
        for (var g = 0; g < (int)grade; g++)
        {
            moved += p[g];
            p[g] = 0;
        }

        p[(int)grade] = Math.Min(1f, p[(int)grade] + moved); // float rounding can sum a hair over 1
        return p;
    }

    private static Grade ArgMax(float[] p)
    {
        var best = 0;
        for (var g = 1; g < p.Length; g++)
        {
            if (p[g] > p[best])
            {
                best = g;
            }
        }

        return (Grade)best;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        while (this.scorers.TryTake(out var scorer))
        {
            scorer.Dispose();
        }
    }

    /// <summary>
    /// The scoring state of one concurrent caller: feature buffers, and the scores of a linear model (<paramref name="linear"/>)
    /// or, for a tree model, a prediction engine with its input and output rows.
    /// </summary>
    private sealed class Scorer(
        PredictionEngine<ModelInput, ModelOutput>? engine, LinearScores? linear, SignalModels? learned, SlotWeights? slotWeights, SlotMask? textSlotsRead)
        : IDisposable
    {
        private readonly ModelInput input = new();
        private readonly float[] linearScores = new float[linear?.Classes ?? 0];
        private readonly int[] learnedIndices = new int[FeatureBuilder.DenseLength - FeatureBuilder.SignOffset];
        private readonly float[] learnedValues = new float[FeatureBuilder.DenseLength - FeatureBuilder.SignOffset];
        private Vector256<float> gradePartial;
        private ModelOutput output = new();

        /// <summary>The hard signs' probabilities, then the learned facts', for the report being scored.</summary>
        public float[] LearnedProbabilities { get; } = new float[HardSignalNames.All.Count + FactSignNames.All.Count];

        public FeatureVectorBuilder Features { get; } = new(textSlotsRead);

        /// <summary>Fetches the shared table's rows of these text slots ahead of <see cref="SumLearned"/> (<see cref="SlotWeights.Prefetch"/>).</summary>
        public void Prefetch(ReadOnlySpan<int> textSlots) => slotWeights?.Prefetch(textSlots);

        /// <summary>
        /// The learned models' probabilities for <paramref name="features"/> (the last <see cref="FeatureVectorBuilder.Build"/>)
        /// into <see cref="LearnedProbabilities"/>; with a shared table, the grade model's sums over the same slots too.
        /// </summary>
        public void SumLearned(VBuffer<float> features)
        {
            if (slotWeights is not null)
            {
                this.gradePartial = slotWeights.Sum(features.GetIndices(), features.GetValues(), LearnedProbabilities);
            }
            else
            {
                learned!.Probabilities(features.GetIndices(), features.GetValues(), LearnedProbabilities);
            }
        }

        /// <summary>The model's scores for the last report with the learned signs' probabilities; the array is reused by the next call.</summary>
        public float[] Score(ReadOnlySpan<float> signs, ReadOnlySpan<float> facts)
        {
            if (slotWeights is not null)
            {
                var n = FeatureBuilder.WriteLearnedSigns(signs, facts, this.learnedIndices, this.learnedValues);
                slotWeights.GradeScores(this.gradePartial, this.learnedIndices.AsSpan(0, n), this.learnedValues.AsSpan(0, n), this.linearScores);
                return this.linearScores;
            }

            var features = Features.WithLearnedSigns(signs, facts);
            if (linear is not null)
            {
                linear.Score(features, this.linearScores);
                return this.linearScores;
            }

            this.input.Features = features;
            engine!.Predict(this.input, ref this.output);
            return this.output.Score;
        }

        public void Dispose() => engine?.Dispose();
    }
}
