namespace RiskWatch.Ml;

/// <summary>
/// Where the labelled corpora are: copied beside the binaries at build time (so the packed tool and `riskwatch up` train
/// without a checkout), else found in the checkout's ml/data folder. <see cref="DefaultPath"/> is the generated seed
/// corpus; <see cref="WrittenCorpus.DefaultDirectory"/> the written one.
/// </summary>
public static class SeedCorpus
{
    public const string FileName = "corpus.jsonl";

    public static string DefaultPath => Locate(Path.Combine("data", FileName), Path.Combine("ml", "data", FileName));

    /// <summary>A file or folder beside the program (<paramref name="beside"/>), else in a checkout above it (<paramref name="inCheckout"/>).</summary>
    internal static string Locate(string beside, string inCheckout)
    {
        var here = Path.Combine(AppContext.BaseDirectory, beside);
        if (File.Exists(here) || Directory.Exists(here))
        {
            return here;
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, inCheckout);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{beside} is neither beside the program nor in a checkout's {inCheckout}.");
    }
}
