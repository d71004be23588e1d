namespace RiskWatch.Core.Contract;

/// <summary>Fills <c>language</c> when the sender left it out: Chinese when a fair share of letters are CJK.</summary>
public static class LanguageDetector
{
    public static string Detect(string text)
    {
        int cjk = 0, latin = 0;
        foreach (var c in text)
        {
            if (c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf')
            {
                cjk++;
            }
            else if (char.IsAsciiLetter(c))
            {
                latin++;
            }
        }

        // A Chinese character carries about as much as a short English word: weigh them so.
        return cjk * 4 >= latin ? "zh" : "en";
    }
}
