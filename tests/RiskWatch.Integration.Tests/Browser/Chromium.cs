using System.Text.Json;
using Microsoft.Playwright;

namespace RiskWatch.Integration.Tests.Browser;

/// <summary>Debian's Chromium as the tests drive it: headless, no sandbox (root in a container), never a downloaded browser.</summary>
public static class Chromium
{
    public static readonly BrowserTypeLaunchOptions Options = new()
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            // A console plays its alert sound without a click first, as it would after the responder's first click.
            "--autoplay-policy=no-user-gesture-required",
        ],
    };

    /// <summary>A phone-sized context: 390 × 844, touch, Chinese.</summary>
    public static BrowserNewContextOptions Phone(string baseUrl) => new()
    {
        ViewportSize = new() { Width = 390, Height = 844 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
        Locale = "zh-CN",
        BaseURL = baseUrl,
    };

    public static BrowserNewContextOptions Desktop(string baseUrl) => new()
    {
        ViewportSize = new() { Width = 1366, Height = 900 },
        Locale = "zh-CN",
        BaseURL = baseUrl,
    };

    /// <summary>Script errors the page reports (uncaught exceptions and console errors other than failed loads while offline).</summary>
    public static List<string> WatchErrors(IPage page)
    {
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.Contains("Failed to load resource", StringComparison.Ordinal)
                && !message.Text.Contains("ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal)
                && !message.Text.Contains("net::ERR", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        return errors;
    }

    /// <summary>Logs in to the console with <paramref name="key"/> and waits for the alert list.</summary>
    public static async Task LoginAsync(IPage page, string key)
    {
        await page.GotoAsync("/console/");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.Locator("#list:not([hidden]) #summary").WaitForAsync();
    }

    /// <summary>The WCAG contrast ratio of an element's text on the background it sits on (walking up through transparent ones).</summary>
    public static Task<double> ContrastAsync(ILocator element) => element.EvaluateAsync<double>("""
        (node) => {
          const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
          let bg = null;
          for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
            const c = rgb(getComputedStyle(n).backgroundColor);
            if (c.length === 3 || (c.length === 4 && c[3] > 0.99)) { bg = c.slice(0, 3); break; }
          }
          bg = bg || [255, 255, 255];
          const fg = rgb(getComputedStyle(node).color).slice(0, 3);
          const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
          return (a + 0.05) / (b + 0.05);
        }
        """);
}

/// <summary>
/// axe-core (from the npm registry, installed by <c>scripts/bootstrap --test</c> into .riskwatch/tools/axe) run in the page
/// as it is: serious and critical violations fail the test, each named with the elements it found.
/// </summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(RepoRoot.Path, ".riskwatch", "tools", "axe", "node_modules", "axe-core", "axe.min.js");
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"axe-core is not installed at {path}: run scripts/bootstrap --test.");
    });

    public static async Task AssertNoSeriousViolationsAsync(IPage page, string what)
    {
        // Evaluated through the DevTools protocol rather than a <script> tag, so the page's CSP (no inline script) stays on.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            await page.EvaluateAsync(Source.Value);
        }

        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary) }));
            }
            """);
        var violations = result.EnumerateArray().Select(v => $"{v.GetProperty("impact")} {v.GetProperty("id")}: {v.GetProperty("help")}\n    "
            + string.Join("\n    ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))).ToList();
        Assert.True(violations.Count == 0, $"axe-core found serious or critical violations on {what}:\n" + string.Join("\n", violations));
    }
}

/// <summary>The repository's root folder (where RiskWatch.sln is).</summary>
public static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "RiskWatch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RiskWatch.sln not found above " + AppContext.BaseDirectory);
    }
}
