using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using RiskWatch.Data.Models;
using RiskWatch.Ml;

namespace RiskWatch.Scoring;

/// <summary>
/// Owns the model Scoring grades with, and swaps it when the registry's current version changes
/// (<see cref="ModelReloader"/> polls). A batch takes a <see cref="ModelLease"/> at its start and scores every
/// report with that one model; a model replaced while batches still hold it is disposed when the last lease ends.
/// Before the registry answers (or while it is empty) the model at <see cref="ModelOptions.Path"/> is used.
/// </summary>
public sealed class ModelHolder(IOptions<ModelOptions> options, ModelRegistry registry, ILogger<ModelHolder> logger) : IHealthCheck, IDisposable
{
    private readonly object gate = new();
    private Loaded? current;
    private bool disposed;

    /// <summary>The model now current (loaded on first use). Batches use <see cref="Acquire"/> instead.</summary>
    public RiskModel Current
    {
        get
        {
            lock (gate)
            {
                return EnsureLoaded().Model;
            }
        }
    }

    /// <summary>Where the current model came from: <c>registry</c> or <c>path</c>.</summary>
    public string Source { get; private set; } = "";

    /// <summary>Takes the current model for one batch; dispose the lease when the batch is done.</summary>
    public ModelLease Acquire()
    {
        lock (gate)
        {
            var loaded = EnsureLoaded();
            loaded.Users++;
            return new ModelLease(this, loaded);
        }
    }

    /// <summary>
    /// Asks the registry for the current version and, when it differs from the loaded one, loads it and swaps.
    /// Returns the version swapped to, or null when nothing changed. A registry or file problem is logged and the
    /// loaded model kept.
    /// </summary>
    public async Task<string?> RefreshAsync(CancellationToken cancellationToken)
    {
        CurrentModelVersion? wanted;
        try
        {
            wanted = await registry.CurrentAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            logger.LogWarning(e, "Cannot read the model registry; keeping the loaded model");
            return null;
        }

        if (wanted is null)
        {
            return null;
        }

        lock (gate)
        {
            if (current?.Model.Version == wanted.Version)
            {
                return null;
            }
        }

        RiskModel model;
        try
        {
            model = RiskModel.Load(await LocalFileAsync(wanted, cancellationToken));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or NpgsqlException or InvalidOperationException or FormatException)
        {
            logger.LogError(e, "Cannot load model {Version} from the registry; keeping the loaded model", wanted.Version);
            return null;
        }

        Swap(model, "registry");
        return model.Version;
    }

    private void Swap(RiskModel model, string source)
    {
        string? previous;
        lock (gate)
        {
            if (disposed)
            {
                model.Dispose();
                return;
            }

            var old = current;
            previous = old?.Model.Version;
            current = new Loaded(model);
            Source = source;
            if (old is not null)
            {
                old.Retired = true;
                if (old.Users == 0)
                {
                    old.Model.Dispose();
                }
            }
        }

        ScoringMetrics.SetModelVersion(model.Version);
        logger.LogInformation("Model {Version} now grades new batches (was {Previous}, from {Source})", model.Version, previous ?? "none", source);
    }

    private Task<string> LocalFileAsync(CurrentModelVersion wanted, CancellationToken cancellationToken)
    {
        var cache = string.IsNullOrEmpty(options.Value.CacheDirectory)
            ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Value.Path)) ?? ".", "registry")
            : options.Value.CacheDirectory;
        return registry.LocalFileAsync(wanted.Version, wanted.ContentSha256, wanted.Path, cache, cancellationToken);
    }

    private Loaded EnsureLoaded()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (current is null)
        {
            // First use before the reloader's first look at the registry: the configured file.
            current = new Loaded(RiskModel.Load(options.Value.Path));
            Source = "path";
            ScoringMetrics.SetModelVersion(current.Model.Version);
        }

        return current;
    }

    internal void Release(Loaded loaded)
    {
        lock (gate)
        {
            loaded.Users--;
            if (loaded.Retired && loaded.Users == 0)
            {
                loaded.Model.Dispose();
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(HealthCheckResult.Healthy($"model {Current.Version} ({Source})"));
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or InvalidDataException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"no model in the registry and none at {options.Value.Path}", e));
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            if (current is { } loaded)
            {
                loaded.Retired = true;
                if (loaded.Users == 0)
                {
                    loaded.Model.Dispose();
                }
            }
        }
    }

    internal sealed class Loaded(RiskModel model)
    {
        public RiskModel Model { get; } = model;

        public int Users { get; set; }

        public bool Retired { get; set; }
    }
}

/// <summary>One batch's hold on a model: the same model for every report of the batch.</summary>
public sealed class ModelLease : IDisposable
{
    private readonly ModelHolder holder;
    private readonly ModelHolder.Loaded loaded;
    private int released;

    internal ModelLease(ModelHolder holder, ModelHolder.Loaded loaded)
    {
        this.holder = holder;
        this.loaded = loaded;
    }

    public RiskModel Model => loaded.Model;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0)
        {
            holder.Release(loaded);
        }
    }
}

/// <summary>Polls the registry every <see cref="ModelOptions.PollIntervalMs"/> and lets the holder swap models between batches.</summary>
public sealed class ModelReloader(ModelHolder holder, IOptions<ModelOptions> options, ILogger<ModelReloader> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PollIntervalMs));
        try
        {
            do
            {
                try
                {
                    await holder.RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A failed look at the registry must never stop the service: the loaded model keeps grading.
                    logger.LogWarning(e, "Model registry poll failed; keeping the loaded model");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
