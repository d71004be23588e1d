using BenchmarkDotNet.Attributes;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Incidents;
using RiskWatch.Data.Intake;
using RiskWatch.Ml;
using RiskWatch.Ml.Model;
using RiskWatch.Ml.Text;

namespace RiskWatch.Benchmarks;

/// <summary>The per-report work of intake and scoring, one report at a time.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 12, 0, 0, TimeSpan.FromHours(8));

    private const string ChineseText = "站点三百多名骑手今天上午在区政府门口聚集讨薪,代理商拖欠两个月工资共约120万元,明天还要去。";

    private const string EnglishText = "Hundreds of sanitation workers strike over unpaid wages in Liuzhou, plan to march to city hall tomorrow";

    /// <summary>An informant's report as the contract has it, the sample of every benchmark that needs one.</summary>
    internal static readonly byte[] SampleReport = """
        {"reportId":"0f8fad5b-d9cb-469f-a165-70867728950e","source":"informant","reporter":"inf-0042",
         "occurredAt":"2026-11-20T08:30:00+08:00","location":{"city":"深圳市","district":"龙岗区","street":"坂田街道"},
         "subject":{"kind":"site","name":"某外卖平台坂田配送站","platform":"某外卖平台"},"sector":"food_delivery",
         "category":"wage_arrears","workersAffected":35,"amountOwedCny":120000,
         "collectiveAction":{"status":"planned","expectedAt":"2026-11-22T09:00:00+08:00"},
         "text":"站点代理商拖欠骑手10月工资,约35人,有人在群里号召周五去区政府讨薪。","language":"zh"}
        """u8.ToArray();

    private readonly TextNgramHasher hasher = new();
    private ReportV1 report = null!;
    private ReportFacts facts = null!;
    private string normalizedText = "";

    [GlobalSetup]
    public void Setup()
    {
        report = ReportParser.Parse(SampleReport, Now).Report!;
        facts = ReportFacts.Of(report);
        normalizedText = TextNumberExtractor.Normalize(ChineseText);
    }

    [Benchmark]
    public ReportV1? ParseAndValidate() => ReportParser.Parse(SampleReport, Now).Report;

    [Benchmark]
    public byte[] Serialise() => ReportJson.Serialize(report);

    [Benchmark]
    public string IncidentKeyNormalisation() => IncidentKey.For(report);

    /// <summary>Intake's keys for a report: its incident key (the Kafka key) and its place keys (recorded in the ledger).</summary>
    [Benchmark]
    public (string, PlaceKeys) IntakeKeys()
    {
        var place = new PlaceKeys(PlaceNames.BuiltIn.City(report.Location.City), PlaceNames.BuiltIn.District(report.Location.District), PlaceNames.BuiltIn.Street(report.Location.Street));
        return (IncidentKey.FromPlaceKeys(place.City, place.District, place.Street, report.Subject.Name), place);
    }

    /// <summary>What the intake ledger keeps of a report for its follow-ups: where, about whom, when.</summary>
    [Benchmark]
    public string LedgerAbout() => IntakeLedger.AboutJson(report);

    [Benchmark]
    public ExtractedNumbers NumberExtraction() => TextNumberExtractor.Extract(ChineseText, Now);

    [Benchmark]
    public ExtractedNumbers NumberExtractionEnglish() => TextNumberExtractor.Extract(EnglishText, Now);

    [Benchmark]
    public TextSignals SignalDetection() => SignalDetector.Detect(ChineseText);

    [Benchmark]
    public TextSignals SignalDetectionEnglish() => SignalDetector.Detect(EnglishText);

    /// <summary>Fields, numbers and signals of the sample report, its text normalised once.</summary>
    [Benchmark]
    public ReportFacts Facts() => ReportFacts.Of(report);

    /// <summary>Hashed char 1-3-grams and word 1-2-grams into a reused buffer (what a scorer does per report when the model reads n-grams).</summary>
    [Benchmark]
    public int NgramHashing()
    {
        hasher.Featurise(normalizedText);
        return hasher.Count;
    }

    /// <summary>The whole feature vector in arrays of its own, as training builds it (facts given).</summary>
    [Benchmark]
    public ModelInput FeatureExtraction() => FeatureBuilder.Build(report, facts);
}
