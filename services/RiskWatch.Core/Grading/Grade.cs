namespace RiskWatch.Core.Grading;

/// <summary>The five outcomes of MODEL-211.md, ordered by severity so that comparisons mean "more serious".</summary>
public enum Grade
{
    None = 0,
    Blue = 1,
    Yellow = 2,
    Orange = 3,
    Red = 4,
}

public static class Grades
{
    /// <summary>All grades in severity order; also the order of the model's probability vector.</summary>
    public static readonly IReadOnlyList<Grade> All = [Grade.None, Grade.Blue, Grade.Yellow, Grade.Orange, Grade.Red];

    public static string ToWire(this Grade grade) => grade switch
    {
        Grade.None => "none",
        Grade.Blue => "blue",
        Grade.Yellow => "yellow",
        Grade.Orange => "orange",
        Grade.Red => "red",
        _ => throw new ArgumentOutOfRangeException(nameof(grade), grade, null),
    };

    public static bool TryParse(string? wire, out Grade grade)
    {
        switch (wire)
        {
            case "none": grade = Grade.None; return true;
            case "blue": grade = Grade.Blue; return true;
            case "yellow": grade = Grade.Yellow; return true;
            case "orange": grade = Grade.Orange; return true;
            case "red": grade = Grade.Red; return true;
            default: grade = Grade.None; return false;
        }
    }

    public static Grade Parse(string wire) =>
        TryParse(wire, out var grade) ? grade : throw new FormatException($"'{wire}' is not a grade (none, blue, yellow, orange, red).");

    public static Grade Max(Grade a, Grade b) => a >= b ? a : b;
}
