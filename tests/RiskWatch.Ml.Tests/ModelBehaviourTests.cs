using System.Text.RegularExpressions;
using RiskWatch.Core.Contract;
using RiskWatch.Core.Grading;
using RiskWatch.Ml.Model;

namespace RiskWatch.Ml.Tests;

[Collection(TrainedModelCollection.Name)]
public sealed partial class ModelBehaviourTests(TrainedModelFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private RiskModel Model => fixture.Model;

    [Theory]
    [InlineData("明天上午两百多名骑手准备去堵路，抗议配送费下调")]
    [InlineData("About 200 riders plan to block the road outside the station tomorrow over the pay cut")]
    public void A_planned_road_block_by_200_riders_is_red(string text) =>
        Assert.Equal(Grade.Red, Model.Predict(Reports.Informant(text)).Grade);

    [Theory]
    [InlineData("外卖送到都凉了，汤也洒了，要求商家退款")]
    [InlineData("My noodles arrived cold and soggy, I want a refund")]
    [InlineData("测试一下，请忽略")]
    public void A_consumer_complaint_or_a_test_message_is_none(string text) =>
        Assert.Equal(Grade.None, Model.Predict(Reports.Informant(text)).Grade);

    [Theory]
    [InlineData("我是快递员，上个月工资两千多元到现在还没发，找站长也不理")]
    [InlineData("One courier at our depot has not been paid 2,000 yuan for last month")]
    public void One_couriers_unpaid_2000_yuan_is_blue(string text) =>
        Assert.Equal(Grade.Blue, Model.Predict(Reports.Informant(text, sector: "courier")).Grade);

    [Fact]
    public void Calm_words_about_300_striking_workers_are_still_red() =>
        Assert.Equal(Grade.Red, Model.Predict(Reports.Informant("情况说明：三百多名工人今天上午开始停工，现场秩序平稳。")).Grade);

    [Fact]
    public void Angry_words_about_one_workers_fine_are_still_blue() =>
        Assert.Equal(Grade.Blue, Model.Predict(Reports.Informant("太过分了!!!! 站长又罚了我50块，气死我了!!!")).Grade);

    [Fact]
    public void One_workers_threat_to_jump_is_red()
    {
        var p = Model.Predict(Reports.Informant("有个骑手被欠了三千块工资，说再不给钱就从楼上跳下去"));
        Assert.Equal(Grade.Red, p.Grade);
        Assert.Contains(p.Floors, f => f.Rule == "self_harm");
    }

    [Fact]
    public void Structured_numbers_outweigh_a_vague_text() =>
        Assert.Equal(Grade.Red, Model.Predict(Reports.Informant("工人们在厂门口", workers: 320, action: new CollectiveAction { Status = "underway" })).Grade);

    [Fact]
    public void Probabilities_have_one_entry_per_grade_and_sum_to_one()
    {
        foreach (var (report, _) in fixture.Corpus.Take(50))
        {
            var p = Model.Predict(report);
            Assert.Equal(Grades.All.Count, p.Probabilities.Length);
            Assert.Equal(1.0, p.Probabilities.Sum(), precision: 4);
            Assert.All(p.Probabilities, x => Assert.InRange(x, 0f, 1f));
        }
    }

    [Fact]
    public void The_grade_is_never_below_the_models_own_choice_nor_the_floors()
    {
        Assert.Null(Model.Decision); // the default recipe: the grade model and the floors
        foreach (var (report, _) in fixture.Corpus.Take(200))
        {
            var p = Model.Predict(report);
            Assert.True(p.Grade >= p.ModelGrade);
            Assert.All(p.Floors, f => Assert.True(p.Grade >= f.Grade));
        }
    }

    [Fact]
    public void Batch_predictions_match_single_predictions_in_order()
    {
        var reports = fixture.Corpus.Skip(100).Take(80).Select(r => r.Report).ToList();
        var batch = Model.PredictBatch(reports);
        Assert.Equal(reports.Count, batch.Count);
        for (var i = 0; i < reports.Count; i++)
        {
            var single = Model.Predict(reports[i]);
            Assert.Equal(single.Grade, batch[i].Grade);
            Assert.Equal(single.Probabilities, batch[i].Probabilities, (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    [Fact]
    public void Batches_split_over_two_threads_match_single_predictions_in_order()
    {
        using var twoThreads = RiskModel.Load(fixture.ModelPath);
        Assert.Equal(1, twoThreads.BatchThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => twoThreads.BatchThreads = 3);
        twoThreads.BatchThreads = 2;
        var reports = fixture.Corpus.Take(700).Select(r => r.Report).ToList();
        var batch = twoThreads.PredictBatch(reports);
        Assert.Equal(reports.Count, batch.Count);
        for (var i = 0; i < reports.Count; i++)
        {
            var single = Model.Predict(reports[i]);
            Assert.Equal(single.Grade, batch[i].Grade);
            Assert.Equal(single.ModelGrade, batch[i].ModelGrade);
            Assert.Equal(single.Probabilities, batch[i].Probabilities, (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(single.Reasons, batch[i].Reasons);
        }
    }

    [Fact]
    public void Scores_equal_the_ml_net_engine_fed_the_whole_feature_vector()
    {
        // Predict computes a linear model's softmax(W·x + b) itself (LinearScores) and leaves out the text slots the
        // model gives no weight; neither may change a score (score slot i is grade i, see ModelTrainer.BuildPipeline) beyond
        // the text weights' 16-bit steps (Model.SlotWeights).
        var ml = new Microsoft.ML.MLContext(seed: 211);
        var transformer = ml.Model.Load(fixture.ModelPath, out _);
        using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(transformer);
        foreach (var (report, _) in fixture.Corpus.Take(400))
        {
            var prediction = Model.Predict(report);

            // The engine reads the learned signs' and facts' probabilities too (stacked into the dense block).
            var features = FeatureBuilder.WithLearnedSigns(
                FeatureBuilder.Build(report, ReportFacts.Of(report)).Features, prediction.SignProbabilities, prediction.FactProbabilities);
            var score = engine.Predict(new ModelInput { Features = features }).Score;
            Assert.Equal(score.Select(v => v / score.Sum()), prediction.ModelProbabilities, (a, b) => Math.Abs(a - b) < 1e-4);
        }
    }

    [Fact]
    public void Learned_sign_probabilities_equal_each_models_own_weights_read_one_by_one()
    {
        // Predict reads the sign and fact models from one table shared with the grade model (Model.SlotWeights); each
        // probability must be the model's own logistic regression over the report's vector (text slots as present), but for
        // the table's 16-bit steps: each text weight within 1/65,534 of its model's largest, a few hundred slots a report.
        var models = Model.Signals!.Concat(Model.Facts!).Models;
        foreach (var (report, _) in fixture.Corpus.Take(200))
        {
            var prediction = Model.Predict(report);
            var features = FeatureBuilder.Build(report, ReportFacts.Of(report)).Features;
            var x = features.Items().ToDictionary(kv => kv.Key, kv => kv.Key < FeatureBuilder.TextSlots ? 1f : kv.Value);
            var expected = models.Select(m => 1 / (1 + Math.Exp(-(m.Bias + m.Slots.Select((slot, j) => m.Weights[j] * x.GetValueOrDefault(slot)).Sum()))));
            Assert.Equal(expected, prediction.SignProbabilities.Concat(prediction.FactProbabilities).Select(p => (double)p), (a, b) => Math.Abs(a - b) < 1e-3);
        }
    }

    [Fact]
    public void A_reloaded_model_gives_the_same_predictions_and_version()
    {
        using var reloaded = RiskModel.Load(fixture.ModelPath);
        Assert.Equal(Model.Version, reloaded.Version);
        foreach (var (report, _) in fixture.Corpus.Skip(300).Take(40))
        {
            var a = Model.Predict(report);
            var b = reloaded.Predict(report);
            Assert.Equal(a.Grade, b.Grade);
            Assert.Equal(a.Probabilities, b.Probabilities, (x, y) => Math.Abs(x - y) < 1e-5);
            Assert.Equal(reloaded.Version, b.ModelVersion);
        }
    }

    [Fact]
    public void Predictions_from_many_threads_agree_with_one_thread()
    {
        var reports = fixture.Corpus.Take(64).Select(r => r.Report).ToList();
        var expected = reports.Select(r => Model.Predict(r).Grade).ToList();
        var actual = new Grade[reports.Count];
        Parallel.For(0, reports.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => actual[i] = Model.Predict(reports[i]).Grade);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_version_names_the_day_and_the_training_data() =>
        Assert.Matches(VersionPattern(), Model.Version);

    [Fact]
    public void A_prediction_gives_reasons_a_responder_can_read_in_chinese_and_english()
    {
        var p = Model.Predict(Reports.Informant("约好明天上午150名骑手去区政府门口讨薪"));
        Assert.Equal(Grade.Red, p.Grade);
        Assert.NotEmpty(p.Reasons);
        Assert.Contains(p.Reasons, r => r.Zh.Contains("150 名工人", StringComparison.Ordinal) && r.En.Contains("150 workers", StringComparison.Ordinal));
        Assert.All(p.Reasons, r => Assert.Matches(Chinese(), r.Zh));
        Assert.All(p.Reasons, r => Assert.DoesNotMatch(Chinese(), r.En));
    }

    [Fact]
    public void One_worker_is_one_worker_in_english()
    {
        var p = Model.Predict(Reports.Informant("Our station manager has not paid me for March", workers: 1));
        Assert.Contains(p.Reasons, r => r.En == "1 worker affected");
        Assert.DoesNotContain(p.Reasons, r => r.En.Contains("1 workers", StringComparison.Ordinal));
    }

    [Fact]
    public void An_explanation_names_the_words_and_fields_behind_the_grade()
    {
        var report = Reports.Informant("听说站里三十多个骑手准备周五集体罢工，抗议配送费下调");
        var explanation = Model.Explain(report);
        output.WriteLine(string.Join(Environment.NewLine, explanation.Select(c => $"{c.Contribution,8:F3}  {c.Feature}")));
        Assert.NotEmpty(explanation);
        Assert.All(explanation, c => Assert.True(c.Contribution > 0));
        Assert.All(explanation, c => Assert.False(string.IsNullOrWhiteSpace(c.Feature)));
    }

    [Fact]
    public void An_explanation_counts_what_the_sign_models_read_as_the_grade_model_does()
    {
        var report = Reports.Informant("昨天夜里仓库里一个搬运工从货架上摔下来，人当场就没了，老板到现在一句话都没有");
        var explanation = Model.Explain(report, top: 10);
        output.WriteLine(string.Join(Environment.NewLine, explanation.Select(c => $"{c.Contribution,8:F3}  {c.Feature}")));
        Assert.Equal(Grade.Red, Model.Predict(report).Grade);
        Assert.Contains(explanation, c => c.Feature == "reads as death");
    }

    [GeneratedRegex(@"^m-\d{8}-[0-9a-f]{8}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();
}
