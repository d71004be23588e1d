using System.Runtime.InteropServices;

namespace RiskWatch.Messaging;

/// <summary>
/// Loads the one librdkafka file that every Kafka client in this process uses: Confluent.Kafka's
/// producers, consumers and admin clients, and the embedded mock cluster.
/// </summary>
public static class RdKafkaLibrary
{
    private static readonly Lock Gate = new();
    private static string? loadedPath;
    private static IntPtr handle;
    private static bool resolverSet;

    /// <summary>Loads librdkafka once (thread-safe, idempotent) and returns the path of the file in use.</summary>
    public static string EnsureLoaded()
    {
        lock (Gate)
        {
            if (loadedPath is not null)
            {
                return loadedPath;
            }

            var path = FindLibrary();
            handle = NativeLibrary.Load(path);

            // Confluent.Kafka probes for its own file when the first client is created, and even when
            // given a path it still binds its P/Invokes by the name "librdkafka", which default probing
            // resolves to the plain Linux build: that one needs Cyrus SASL (libsasl2.so.3), which Debian
            // lacks. The resolver binds those names to the file loaded above, so the clients and the
            // embedded broker share one copy of librdkafka (one set of threads and globals).
            if (!Confluent.Kafka.Library.IsLoaded)
            {
                if (!resolverSet)
                {
                    // Once per process: the runtime refuses a second resolver, e.g. on a retry after a failed load.
                    NativeLibrary.SetDllImportResolver(typeof(Confluent.Kafka.Library).Assembly, Resolve);
                    resolverSet = true;
                }

                Confluent.Kafka.Library.Load(path);
            }

            loadedPath = path;
            return path;
        }
    }

    /// <summary>The native module handle, for resolving the mock-cluster exports Confluent.Kafka does not wrap.</summary>
    public static IntPtr Handle
    {
        get
        {
            EnsureLoaded();
            return handle;
        }
    }

    private static IntPtr Resolve(string libraryName, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath)
    {
        switch (libraryName)
        {
            case "librdkafka" or "centos8-librdkafka" or "alpine-librdkafka":
                return handle;
            case "libdl":
                // Loading by path makes Confluent.Kafka call dlopen from "libdl", which default probing
                // finds only as the unversioned libdl.so of the C development package; a runtime image
                // has libdl.so.2 (and glibc 2.34+ exports dlopen from libc itself).
                foreach (var candidate in (string[])["libdl.so.2", "libc.so.6", "libdl.so"])
                {
                    if (NativeLibrary.TryLoad(candidate, out var loaded))
                    {
                        return loaded;
                    }
                }

                return IntPtr.Zero;
            default:
                return IntPtr.Zero; // default probing
        }
    }

    private static string FindLibrary()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string[] candidates;
        if (OperatingSystem.IsLinux())
        {
            var isMusl = rid.Contains("musl", StringComparison.Ordinal) || File.Exists("/etc/alpine-release");
            // The centos8 build links only glibc (SASL and SSL are static), so it loads on Debian 12
            // where the plain build's libsasl2.so.3 dependency is missing. It exists for x64 only.
            candidates = isMusl
                ? [Native($"linux-{arch}", "alpine-librdkafka.so"), Native($"linux-musl-{arch}", "librdkafka.so")]
                : [Native($"linux-{arch}", "centos8-librdkafka.so"), Native($"linux-{arch}", "librdkafka.so")];
        }
        else if (OperatingSystem.IsMacOS())
        {
            candidates = [Native($"osx-{arch}", "librdkafka.dylib")];
        }
        else
        {
            candidates = [Native($"win-{arch}", "librdkafka.dll")];
        }

        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }

            // A RID-specific publish flattens runtimes/<rid>/native into the application folder.
            var flat = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(candidate));
            if (File.Exists(flat))
            {
                return flat;
            }
        }

        throw new DllNotFoundException(
            $"librdkafka was not found next to the application (looked for {string.Join(", ", candidates)}). " +
            "It ships in the librdkafka.redist package that Confluent.Kafka depends on.");
    }

    private static string Native(string runtime, string file) =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", runtime, "native", file);
}
