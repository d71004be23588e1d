namespace RiskWatch.Ml.Model;

/// <summary>A set of feature slots as a bit set, for example the text slots a trained model reads.</summary>
public sealed class SlotMask
{
    private readonly ulong[] bits;

    public SlotMask(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        bits = new ulong[(length + 63) / 64];
    }

    /// <summary>Slots 0 .. Length - 1 can be members.</summary>
    public int Length { get; }

    /// <summary>How many slots are members.</summary>
    public int Count { get; private set; }

    public void Add(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Length);
        ref var word = ref bits[slot >> 6];
        var bit = 1UL << (slot & 63);
        if ((word & bit) == 0)
        {
            word |= bit;
            Count++;
        }
    }

    public bool Contains(int slot) => (uint)slot < (uint)Length && (bits[slot >> 6] & (1UL << (slot & 63))) != 0;
}
