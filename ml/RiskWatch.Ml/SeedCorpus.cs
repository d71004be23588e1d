namespace RiskWatch.Ml;

/// <summary>
/// Where the labelled seed corpus is: copied beside the binaries at build time (so the packed tool and
/// `riskwatch up` train without a checkout), else found in the checkout's ml/data folder.
/// </summary>
public static class SeedCorpus
{
    public const string FileName = "corpus.jsonl";

    public static string DefaultPath
    {
        get
        {
            var beside = Path.Combine(AppContext.BaseDirectory, "data", FileName);
            if (File.Exists(beside))
            {
                return beside;
            }

            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "ml", "data", FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException($"The seed corpus {FileName} is neither beside the program nor in a checkout's ml/data.");
        }
    }
}
