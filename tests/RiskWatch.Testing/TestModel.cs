using System.IO.Compression;
using System.Text.Json;
using RiskWatch.Ml;

namespace RiskWatch.Testing;

/// <summary>
/// The model tests grade with, as <c>riskwatch up</c> trains it (<see cref="TrainingCorpus.Default"/>)
/// but without the writer batch <see cref="HeldOutWriter"/>, which the generalisation test grades as reports of a writer
/// the model never read.
/// Training takes a minute or two, so it happens once per corpus and build of the ML code: the model is kept in the temp
/// folder under that key, and every test project of a run (and the next run, until the corpus or the code changes) uses
/// the same file. A lock file keeps two processes from training it at once.
/// </summary>
public static class TestModel
{
    /// <summary>A small batch (100 reports, 20 per grade) by a writer whose reports train no test model.</summary>
    public const string HeldOutWriter = "w24";

    private static readonly Lazy<Task<string>> Model = new(() => Task.Run(TrainOrReuse));

    public static Task<string> PathAsync() => Model.Value;

    /// <summary>
    /// A copy of the test model in a temp folder of its own (<paramref name="folder"/>) whose metadata entry is rewritten by
    /// <paramref name="change"/>: the same model under another version, or claiming older features.
    /// </summary>
    public static async Task<string> CopyWithMetadataAsync(string folder, Func<ModelMetadata, ModelMetadata> change)
    {
        var path = Path.Combine(Path.GetTempPath(), "riskwatch-tests", folder, "model.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(await PathAsync(), path, overwrite: true);
        ModelMetadata meta;
        using (var file = File.OpenRead(path))
        {
            meta = RiskModel.ReadMetadata(file)!;
        }

        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry(ModelTrainer.MetadataEntry)!.Delete();
            using var output = zip.CreateEntry(ModelTrainer.MetadataEntry).Open();
            await JsonSerializer.SerializeAsync(output, change(meta), LabelledCorpus.JsonOptions);
        }

        return path;
    }

    private static string TrainOrReuse()
    {
        var corpus = TrainingCorpus.Default();
        var examples = corpus.Examples.Where(e => e.Writer != HeldOutWriter).ToList();
        // The build of the ML assembly is part of the key: a change to the trainer gives a new model without a version bump.
        var build = typeof(ModelTrainer).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
        var folder = Path.Combine(Path.GetTempPath(), "riskwatch-tests", "models", $"{corpus.Sha256[..16]}-without-{HeldOutWriter}-f{ModelTrainer.FeatureVersion}-{build}");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "model.zip");
        using (Lock(Path.Combine(folder, ".lock")))
        {
            if (!File.Exists(path))
            {
                ModelTrainer.Train(examples, corpus.Sha256, path, new TrainingOptions());
            }
        }

        return path;
    }

    private static FileStream Lock(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another test process is training the same model; it is ready when the lock is free.
                Thread.Sleep(500);
            }
        }
    }
}
