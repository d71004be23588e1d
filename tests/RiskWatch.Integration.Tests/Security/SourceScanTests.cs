using System.Diagnostics;
using System.Text.RegularExpressions;

namespace RiskWatch.Integration.Tests.Security;

/// <summary>Scans of the repository's own sources: SQL only with parameters, constant-time secret checks, no committed secrets.</summary>
public sealed partial class SourceScanTests
{
    /// <summary>
    /// Interpolations reviewed by hand and allowed: (file name, hole expression, why). Each must still exist, so the list
    /// cannot silently outlive the code.
    /// </summary>
    private static readonly (string File, string Expression, string Why)[] ReviewedSql =
    [
        ("AlertCommands.cs", "{string.Join(\", \", set)}",
            "the SET list is joined from string literals chosen by a switch on the action; every value is a @parameter"),
    ];

    public static string RepositoryRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RiskWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RiskWatch.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> ServiceSources() =>
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "services"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [Fact]
    public void No_SQL_in_the_services_is_built_from_runtime_values()
    {
        var files = ServiceSources().Select(f => (Path: f, Source: File.ReadAllText(f))).ToList();
        Assert.True(files.Count > 50, "the scan found too few sources to be meaningful");
        var constNames = SqlConcatenationScanner.ConstNames(files.Select(f => f.Source));
        var findings = files.SelectMany(f => SqlConcatenationScanner.Scan(Path.GetRelativePath(RepositoryRoot, f.Path), f.Source, constNames)).ToList();

        var unreviewed = findings.Where(f => !ReviewedSql.Any(r => Path.GetFileName(f.File) == r.File && f.Expression == r.Expression)).ToList();
        Assert.True(unreviewed.Count == 0, "SQL built from runtime values (use @parameters, or a const string fragment):\n" + string.Join("\n", unreviewed));
        foreach (var reviewed in ReviewedSql)
        {
            Assert.True(findings.Any(f => Path.GetFileName(f.File) == reviewed.File && f.Expression == reviewed.Expression),
                $"The reviewed exception {reviewed.File} {reviewed.Expression} no longer exists; remove it from the list.");
        }
    }

    [Fact]
    public void The_SQL_scanner_catches_interpolation_and_concatenation_and_lets_constants_and_parameters_pass()
    {
        const string bad = """"
            class Bad
            {
                const string Columns = "a, b";
                void Query(string reporter, long id, string table)
                {
                    var one = $"SELECT * FROM reports WHERE reporter = '{reporter}'";
                    var two = "DELETE FROM alerts WHERE alert_id = " + id;
                    var three = $"""
                        UPDATE {table} SET grade = 'red'
                        """;
                    var four = "SELECT a FROM t " + "WHERE b = '" + reporter + "'";
                    var five = string.Format("x {0}", 1) + "INSERT INTO t VALUES (1)" + table;
                }
            }
            """";
        const string good = """"
            class Good
            {
                const string Columns = "a, b";
                void Query()
                {
                    var one = $"SELECT {Columns} FROM reports WHERE reporter = @Reporter";
                    var two = "DELETE FROM alerts " + "WHERE alert_id = @Id";
                    const string three = $"""
                        SELECT {Columns}, {Other.Sql} FROM alerts WHERE id = @Id
                        """;
                    var log = $"Selected {count} of {total} from the list";
                    var sum = "total: " + count;
                }
            }
            """";
        var consts = SqlConcatenationScanner.ConstNames([bad, good, "class Other { public const string Sql = \"true\"; }"]);

        var findings = SqlConcatenationScanner.Scan("Bad.cs", bad, consts);
        Assert.Contains(findings, f => f.Expression == "{reporter}" && f.Line == 6);
        Assert.Contains(findings, f => f.Expression == "+ id" && f.Line == 7);
        Assert.Contains(findings, f => f.Expression == "{table}" && f.Line == 8);
        Assert.Contains(findings, f => f.Expression == "+ reporter" && f.Line == 11);
        Assert.Contains(findings, f => f.Expression == "+ table" && f.Line == 12);
        Assert.Empty(SqlConcatenationScanner.Scan("Good.cs", good, consts));
    }

    /// <summary>The code that checks keys, signatures and CSRF tokens, and the comparison each must use.</summary>
    private static readonly string[] SecretChecks =
    [
        "services/RiskWatch.Data/Access/ApiKeyStore.cs",
        "services/RiskWatch.Ingest/Apis/PlatformApi.cs",
        "services/RiskWatch.Response/Handling/WebhookSignature.cs",
        "services/RiskWatch.Response/Console/ConsoleApi.cs",
    ];

    [GeneratedRegex(@"(?i)(hash|signature|secret|token|csrf|expected|digest|\bmac\b|presented)\w*\s*(==|!=)\s*(?!null\b)\w|(?i)(hash|signature|secret|token|csrf|digest|mac)\w*\s*\.\s*(SequenceEqual|Equals)\s*\(|string\.Equals\([^)]*(hash|signature|secret|token|csrf)", RegexOptions.None)]
    private static partial Regex NonConstantTimeComparison();

    public static IReadOnlyList<string> NonConstantTimeLines(string source) =>
        source.Split('\n')
            .Select((line, i) => (Line: line, Number: i + 1))
            .Where(l => !l.Line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !l.Line.TrimStart().StartsWith("///", StringComparison.Ordinal))
            .Where(l => NonConstantTimeComparison().IsMatch(Regex.Replace(l.Line, @"\.(Length|Count)\b", ".__size")))
            .Where(l => !Regex.IsMatch(l.Line, @"\.(Length|Count)\s*(==|!=)"))
            .Select(l => $"{l.Number}: {l.Line.Trim()}")
            .ToList();

    [Fact]
    public void Keys_signatures_and_CSRF_tokens_are_compared_in_constant_time()
    {
        var files = SecretChecks
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "services/RiskWatch.ServiceDefaults/Security"), "*.cs")
                .Select(f => Path.GetRelativePath(RepositoryRoot, f)))
            .Distinct()
            .ToList();
        var problems = new List<string>();
        foreach (var file in files)
        {
            var source = File.ReadAllText(Path.Combine(RepositoryRoot, file));
            if (SecretChecks.Contains(file) && !source.Contains("CryptographicOperations.FixedTimeEquals(", StringComparison.Ordinal))
            {
                problems.Add($"{file}: checks a secret but never calls CryptographicOperations.FixedTimeEquals");
            }

            problems.AddRange(NonConstantTimeLines(source).Select(l => $"{file}:{l}"));
        }

        Assert.True(problems.Count == 0, "Secret comparisons that are not constant-time:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_constant_time_scan_catches_ordinary_comparisons()
    {
        Assert.NotEmpty(NonConstantTimeLines("if (row.SecretHash.SequenceEqual(Hash(secret))) {"));
        Assert.NotEmpty(NonConstantTimeLines("return presented == expected;"));
        Assert.NotEmpty(NonConstantTimeLines("var ok = string.Equals(signature, computed, StringComparison.Ordinal);"));
        Assert.NotEmpty(NonConstantTimeLines("if (csrfToken != header) return;"));
        Assert.Empty(NonConstantTimeLines("var ok = CryptographicOperations.FixedTimeEquals(expected, signature);"));
        Assert.Empty(NonConstantTimeLines("if (signature.Length == expected.Length && secret is null) {"));
        Assert.Empty(NonConstantTimeLines("if (expected == null) return;"));
    }

    [GeneratedRegex(@"-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"\brwk_[0-9a-f]{12}_[A-Za-z0-9_-]{40,}")]
    private static partial Regex ApiKey();

    [GeneratedRegex(@"\brws_[A-Za-z0-9_-]{32,}")]
    private static partial Regex SigningSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])")]
    private static partial Regex Base64Of32Bytes();

    /// <summary>What in this text looks like a committed secret (each with its line).</summary>
    public static IReadOnlyList<string> SecretLookingValues(string path, string text)
    {
        var found = new List<string>();
        var config = Regex.IsMatch(path, @"\.(json|ya?ml|env|properties|toml|ini|conf|config|key|pem)$", RegexOptions.IgnoreCase);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (PrivateKey().IsMatch(line))
            {
                found.Add($"{path}:{i + 1}: a private key");
            }

            if (ApiKey().IsMatch(line))
            {
                found.Add($"{path}:{i + 1}: an rwk_ API key");
            }

            if (SigningSecret().IsMatch(line))
            {
                found.Add($"{path}:{i + 1}: an rws_ signing secret");
            }

            // A key is random bytes; base64 of readable text ("ci-only-not-a-real-key...") is a placeholder a reader sees as one.
            if (config && Base64Of32Bytes().Matches(line).Any(m => IsRandomKey(m.Value)))
            {
                found.Add($"{path}:{i + 1}: a base64 32-byte key");
            }
        }

        return found;
    }

    private static bool IsRandomKey(string base64)
    {
        var bytes = new byte[32];
        return Convert.TryFromBase64String(base64, bytes, out var n) && n == 32 && !bytes.All(b => b is >= 0x20 and < 0x7f);
    }

    [Fact]
    public void The_repository_holds_no_committed_secret_looking_values()
    {
        var files = RepositoryFiles();
        Assert.True(files.Count > 100, "the scan found too few files to be meaningful");
        var found = new List<string>();
        foreach (var relative in files)
        {
            var full = Path.Combine(RepositoryRoot, relative);
            if (!File.Exists(full) || new FileInfo(full).Length > 8 * 1024 * 1024)
            {
                continue;
            }

            var text = File.ReadAllText(full);
            if (text.Contains('\0', StringComparison.Ordinal))
            {
                continue; // binary
            }

            found.AddRange(SecretLookingValues(relative, text));
        }

        // This file's own patterns and samples are not secrets.
        found.RemoveAll(f => f.StartsWith("tests/RiskWatch.Integration.Tests/Security/", StringComparison.Ordinal));
        Assert.True(found.Count == 0, "Secret-looking values in the repository (take them from the environment or a mounted file):\n" + string.Join("\n", found));
    }

    [Fact]
    public void The_committed_secret_scan_catches_keys()
    {
        var sample = "-----BEGIN " + "PRIVATE KEY-----\nkey: " + Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7 + 1)).ToArray()) +
            "\nadmin: rwk_" + "0a1b2c3d4e5f_" + new string('x', 43) + "\nsigning: rws_" + new string('Q', 43) + "\n";
        var found = SecretLookingValues("helm/values.yaml", sample);
        Assert.Equal(4, found.Count);
        Assert.Empty(SecretLookingValues("helm/values.yaml", "keys:\n  values: {}\n  existingSecret: \"\"\nimage: sha256:" + new string('a', 64) + "\n"));
    }

    /// <summary>Files that are or would be committed: tracked plus untracked-but-not-ignored (git ls-files), else a walk.</summary>
    private static List<string> RepositoryFiles()
    {
        try
        {
            var start = new ProcessStartInfo("git", "ls-files -z --cached --others --exclude-standard")
            {
                WorkingDirectory = RepositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var git = Process.Start(start)!;
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            if (git.ExitCode == 0)
            {
                return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace('\\', '/')).ToList();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No git: walk the tree instead.
        }

        string[] skip = [".git", "bin", "obj", ".riskwatch", "TestResults", "node_modules"];
        return Directory.EnumerateFiles(RepositoryRoot, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryRoot, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(part => skip.Contains(part)))
            .ToList();
    }
}
