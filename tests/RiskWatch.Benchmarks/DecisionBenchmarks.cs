using BenchmarkDotNet.Attributes;
using RiskWatch.Core.Grading;
using RiskWatch.Ml;
using RiskWatch.Ml.Model;

namespace RiskWatch.Benchmarks;

/// <summary>
/// The grade decision alone (<see cref="GradeDecision.Decide"/>), per report, on the figures the stages before it give
/// the seed corpus's reports; its model is the one <see cref="ScoringBenchmarks"/> trains with the decision.
/// </summary>
[MemoryDiagnoser]
public class DecisionBenchmarks
{
    private readonly float[] probabilities = new float[Grades.All.Count];
    private GradeDecision decision = null!;
    private List<float[]> inputs = [];
    private int next;

    [GlobalSetup]
    public void Setup()
    {
        var scoring = new ScoringBenchmarks { Decision = true, BatchThreads = 1 };
        scoring.Setup();
        var model = scoring.Model;
        decision = model.Decision!;
        inputs = [.. LabelledCorpus.ReadReports(SeedCorpus.DefaultPath).Take(1000).Select(report =>
        {
            var p = model.Predict(report);
            var x = new float[GradeDecision.InputCount];
            GradeDecision.Inputs(p.ModelProbabilities, p.SignProbabilities, p.FactProbabilities, report.Language == "en", x);
            return x;
        })];
        scoring.Cleanup();
    }

    [Benchmark]
    public Grade Decide()
    {
        next = (next + 1) % inputs.Count;
        return decision.Decide(inputs[next], probabilities);
    }
}
