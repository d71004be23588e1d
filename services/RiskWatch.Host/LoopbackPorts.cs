using System.Net;
using System.Net.Sockets;

namespace RiskWatch.Host;

/// <summary>
/// Free TCP ports on the loopback address for local clusters, services and test harnesses. The system picks each (port
/// 0); all listeners of one call stay open until every port is picked, so the ports of one call are distinct: ports
/// taken one call after another can be the same one, since the system may hand a just-released port out again (a fault
/// test's service once failed to bind its second address so).
/// </summary>
public static class LoopbackPorts
{
    /// <summary><paramref name="count"/> distinct ports free at the moment of the call.</summary>
    public static int[] Free(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }

    /// <summary>One port free at the moment of the call.</summary>
    public static int Free() => Free(1)[0];
}
