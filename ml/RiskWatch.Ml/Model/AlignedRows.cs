using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RiskWatch.Ml.Model;

/// <summary>
/// Weight tables whose rows start on a byte boundary (32, 64 or 128 bytes), so that a row read per feature slot touches
/// no more cache lines than its size needs. The array lives on the pinned heap, where it never moves: the boundary found
/// once stays one.
/// </summary>
internal static class AlignedRows
{
    /// <summary>A pinned array holding <paramref name="length"/> elements from <c>Start</c>, an <paramref name="alignment"/>-byte boundary.</summary>
    public static (T[] Array, int Start) Allocate<T>(int length, int alignment)
        where T : unmanaged
    {
        var size = Unsafe.SizeOf<T>();
        var array = GC.AllocateArray<T>(length + (alignment / size), pinned: true);
        var handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        var address = (long)handle.AddrOfPinnedObject();
        handle.Free();
        return (array, (int)((alignment - (address % alignment)) % alignment) / size);
    }
}
