using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using RiskWatch.Core.Grading;

namespace RiskWatch.Ml.Model;

/// <summary>
/// The last stage of grading: boosted trees that read what the stages before found (the grade model's probabilities,
/// each hard sign's and each learned fact's probability, the report's language) and decide the grade. It learns what
/// the fixed floors could not: when a sign the sign models are fairly sure of still does not make a report red (planned
/// beyond 48 hours, rumoured, background), and when a look-alike that mentions riders and money is no labour matter.
/// Trained on reports of writers that every stage before it had not read (<see cref="ModelTrainer"/>), so it learns
/// how those stages err on new phrasing, not how they recite their training set. One ensemble per grade, that grade
/// against the rest (LightGBM); the trees are copied out of ML.NET into flat arrays, so that a report costs some 1,200
/// comparisons (about 4 µs on one core here: `DecisionBenchmarks`) and no allocation. Trained only when asked (<see cref="TrainingOptions.Decision"/>):
/// those microseconds are a fifth of a report's grading. Read-only once built: safe from many threads.
/// </summary>
public sealed class GradeDecision
{
    public const string Entry = "riskwatch/decision.bin";

    private const int FormatVersion = 1;

    /// <summary>The grade model's probabilities (by grade), the sign and the fact probabilities, and 1 for English.</summary>
    public static int InputCount { get; } = Grades.All.Count + HardSignalNames.All.Count + Signals.FactSignNames.All.Count + 1;

    /// <summary>
    /// Weights on the ensembles' probabilities before the grade is read, read off the leave-one-writer-out predictions (a
    /// grid of red 2-64 and `none` 0.5-2; ml/README.md). Red first: a red missed is the failure the system exists to
    /// prevent, so red is weighted up until its recall on held-out writers was above what the fixed floors gave (0.962
    /// against 0.956). `none` is weighted down: at 1 or more the held-out writers' look-alikes fared better, but real CLB
    /// headlines, a style no writer used, were graded `none` more often than the 1% allowed (1.03% at 1, 0.97% at 0.75).
    /// </summary>
    public static readonly IReadOnlyList<float> GradeWeights = [0.75f, 1f, 1f, 1f, 32f];

    // The trees of every grade, one after another, each node's four numbers side by side (16 bytes: a tree's nodes share
    // a few cache lines). A node's children are node numbers, or ~leaf for a leaf; a report goes left when its input is
    // at or under the node's threshold (as ML.NET's trees do).
    private readonly Node[] nodes;
    private readonly float[] leaves;
    private readonly int[] roots;           // per tree: its first node, or ~leaf for a tree that is a single leaf
    private readonly int[] firstTreeOf;     // per grade, and one past the last tree
    private readonly float[] bias;          // per grade

    private readonly record struct Node(int Input, float Threshold, int Left, int Right);

    private GradeDecision(Node[] nodes, float[] leaves, int[] roots, int[] firstTreeOf, float[] bias)
    {
        (this.nodes, this.leaves, this.roots, this.firstTreeOf, this.bias) = (nodes, leaves, roots, firstTreeOf, bias);
    }

    /// <summary>Fills <paramref name="inputs"/> (length <see cref="InputCount"/>) from what the stages before found.</summary>
    public static void Inputs(ReadOnlySpan<float> gradeProbabilities, ReadOnlySpan<float> signProbabilities, ReadOnlySpan<float> factProbabilities, bool english, Span<float> inputs)
    {
        gradeProbabilities.CopyTo(inputs);
        signProbabilities.CopyTo(inputs[gradeProbabilities.Length..]);
        factProbabilities.CopyTo(inputs[(gradeProbabilities.Length + signProbabilities.Length)..]);
        inputs[InputCount - 1] = english ? 1 : 0;
    }

    /// <summary>The grade for <paramref name="inputs"/>, with the weighted probabilities (by grade, summing to 1) it was read from.</summary>
    public Grade Decide(ReadOnlySpan<float> inputs, Span<float> probabilities)
    {
        var sum = 0f;
        for (var g = 0; g < bias.Length; g++)
        {
            probabilities[g] = GradeWeights[g] / (1f + MathF.Exp(-Margin(g, inputs)));
            sum += probabilities[g];
        }

        var best = 0;
        for (var g = 0; g < bias.Length; g++)
        {
            probabilities[g] /= sum;
            if (probabilities[g] > probabilities[best])
            {
                best = g;
            }
        }

        return (Grade)best;
    }

    /// <summary>The ensemble of grade <paramref name="grade"/>: its bias plus the leaf each tree sends the inputs to.</summary>
    internal float Margin(int grade, ReadOnlySpan<float> inputs)
    {
        var margin = bias[grade];
        for (var t = firstTreeOf[grade]; t < firstTreeOf[grade + 1]; t++)
        {
            var node = roots[t];
            while (node >= 0)
            {
                ref readonly var n = ref nodes[node];
                node = inputs[n.Input] <= n.Threshold ? n.Left : n.Right;
            }

            margin += leaves[~node];
        }

        return margin;
    }

    /// <summary>Trains one ensemble per grade on (inputs, grade) rows; null when a grade has no row to learn from.</summary>
    public static GradeDecision? Train(IReadOnlyList<(float[] Inputs, Grade Label)> rows, int seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Grades.All.Any(g => !rows.Any(r => r.Label == g)))
        {
            return null;
        }

        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, InputCount);
        var ensembles = new List<RegressionTreeEnsemble>();
        foreach (var grade in Grades.All)
        {
            var data = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = r.Label == grade, Features = r.Inputs }), schema);
            var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                NumberOfIterations = 60,
                LearningRate = 0.1,
                NumberOfLeaves = 15,
                MinimumExampleCountPerLeaf = 20,
                Seed = seed,
                NumberOfThreads = threads,
                Silent = true,
            });
            ensembles.Add(trainer.Fit(data).Model.SubModel.TrainedTreeEnsemble);
        }

        return FromEnsembles(ensembles);
    }

    /// <summary>Flattens ML.NET's ensembles (one per grade, in <see cref="Grades.All"/> order).</summary>
    internal static GradeDecision FromEnsembles(IReadOnlyList<RegressionTreeEnsemble> ensembles)
    {
        var (nodes, leaves, roots) = (new List<Node>(), new List<float>(), new List<int>());
        var firstTreeOf = new List<int>();
        var bias = new List<float>();
        foreach (var ensemble in ensembles)
        {
            firstTreeOf.Add(roots.Count);
            bias.Add((float)ensemble.Bias);
            for (var t = 0; t < ensemble.Trees.Count; t++)
            {
                var tree = ensemble.Trees[t];
                var weight = (float)ensemble.TreeWeights[t];
                if (tree.CategoricalSplitFlags.Any(c => c))
                {
                    throw new InvalidOperationException("The grade decision's trees split on numbers only.");
                }

                var (nodeBase, leafBase) = (nodes.Count, leaves.Count);
                int Child(int c) => c >= 0 ? nodeBase + c : ~(leafBase + ~c);
                roots.Add(tree.NumberOfNodes == 0 ? ~leafBase : nodeBase);
                for (var n = 0; n < tree.NumberOfNodes; n++)
                {
                    nodes.Add(new Node(tree.NumericalSplitFeatureIndexes[n], tree.NumericalSplitThresholds[n], Child(tree.LeftChild[n]), Child(tree.RightChild[n])));
                }

                leaves.AddRange(tree.LeafValues.Select(v => (float)v * weight));
            }
        }

        firstTreeOf.Add(roots.Count);
        return new GradeDecision([.. nodes], [.. leaves], [.. roots], [.. firstTreeOf], [.. bias]);
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(FormatVersion);
        writer.Write(InputCount);
        WriteArray(writer, nodes, n =>
        {
            writer.Write(n.Input);
            writer.Write(n.Threshold);
            writer.Write(n.Left);
            writer.Write(n.Right);
        });
        WriteArray(writer, leaves, writer.Write);
        WriteArray(writer, roots, writer.Write);
        WriteArray(writer, firstTreeOf, writer.Write);
        WriteArray(writer, bias, writer.Write);
    }

    public static GradeDecision Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        if (reader.ReadInt32() != FormatVersion || reader.ReadInt32() != InputCount)
        {
            throw new InvalidDataException("The model's grade decision has a format this build does not read. Retrain the model.");
        }

        var (nodes, leaves, roots, firstTreeOf, bias) = (
            ReadArray(reader, () => new Node(reader.ReadInt32(), reader.ReadSingle(), reader.ReadInt32(), reader.ReadInt32())),
            ReadArray(reader, reader.ReadSingle), ReadArray(reader, reader.ReadInt32), ReadArray(reader, reader.ReadInt32), ReadArray(reader, reader.ReadSingle));
        // A child split comes after its parent (as every tree is built), which also rules out a walk that never ends.
        bool Within(int parent, int child) => child >= 0 ? child > parent && child < nodes.Length : ~child < leaves.Length;
        if (bias.Length != Grades.All.Count || firstTreeOf.Length != Grades.All.Count + 1
            || nodes.Select((n, i) => n.Input < 0 || n.Input >= InputCount || !Within(i, n.Left) || !Within(i, n.Right)).Any(bad => bad)
            || roots.Any(r => !Within(-1, r)) || firstTreeOf.Any(t => t < 0 || t > roots.Length))
        {
            throw new InvalidDataException("The model's grade decision is damaged. Retrain the model.");
        }

        return new GradeDecision(nodes, leaves, roots, firstTreeOf, bias);
    }

    private static void WriteArray<T>(BinaryWriter writer, T[] values, Action<T> write)
    {
        writer.Write(values.Length);
        foreach (var v in values)
        {
            write(v);
        }
    }

    private static T[] ReadArray<T>(BinaryReader reader, Func<T> read)
    {
        var values = new T[reader.ReadInt32()];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = read();
        }

        return values;
    }

    private sealed class Row
    {
        public bool Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
