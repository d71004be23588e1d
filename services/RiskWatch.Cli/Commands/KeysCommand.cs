using System.CommandLine;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;

namespace RiskWatch.Cli.Commands;

public static class KeysCommand
{
    public static Command Create()
    {
        var keys = new Command("keys", "Manage API keys of informant devices, platforms, responders and admins.");
        keys.Subcommands.Add(CreateKey());
        keys.Subcommands.Add(List());
        keys.Subcommands.Add(Revoke());
        return keys;
    }

    private static Command CreateKey()
    {
        var role = new Option<string>("--role") { Description = "informant, platform, responder or admin.", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var principal = new Option<string>("--principal") { Description = "Pseudonymous id of the holder, e.g. inf-0042, plat-acme, resp-longgang-1 (never a real name).", Required = true };
        var city = new Option<string?>("--city") { Description = "Responder's jurisdiction: city (omit for everywhere)." };
        var district = new Option<string?>("--district") { Description = "Responder's jurisdiction: district within the city." };
        var street = new Option<string?>("--street") { Description = "Responder's jurisdiction: street within the district." };
        var description = new Option<string?>("--description") { Description = "A note for operators." };
        var command = new Command("create", "Create a key and print it once; only its hash is stored.") { role, principal, city, district, street, description };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var jurisdiction = new Jurisdiction(parse.GetValue(city), parse.GetValue(district), parse.GetValue(street));
            if (jurisdiction is { City: null, District: not null } or { District: null, Street: not null })
            {
                Console.Error.WriteLine("A district needs its city, and a street its district.");
                return 2;
            }

            return await WithStoreAsync(cancellationToken, async (store, dataSource) =>
            {
                var (key, info) = await store.CreateAsync(parse.GetValue(role)!, parse.GetValue(principal)!, jurisdiction, parse.GetValue(description), cancellationToken);
                Console.WriteLine($"Created key {info.KeyId} ({info.Role}, {info.Principal}). Keep it now; it is not shown again:");
                Console.WriteLine(key);
                if (info.Role == Roles.Platform)
                {
                    // Platforms sign their batches (HMAC-SHA256); the secret is stored encrypted and shown only now.
                    var secret = await new RiskWatch.Data.Intake.PlatformSigning(dataSource, CliSecrets.Box(CliConfiguration.Build())).CreateSecretAsync(info.KeyId, cancellationToken);
                    Console.WriteLine("Signing secret for X-RiskWatch-Signature (HMAC-SHA256 over \"{timestamp}.{body}\"); keep it now too:");
                    Console.WriteLine(secret);
                }

                return 0;
            });
        });
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List keys (never their secrets).");
        command.SetAction(async (_, cancellationToken) => await WithStoreAsync(cancellationToken, async store =>
        {
            Console.WriteLine($"{"key",-14}{"role",-11}{"principal",-24}{"jurisdiction",-30}{"created (UTC)",-18}revoked");
            foreach (var key in await store.ListAsync(cancellationToken))
            {
                var place = string.Join("/", new[] { key.City, key.District, key.Street }.Where(p => p is not null));
                Console.WriteLine($"{key.KeyId,-14}{key.Role,-11}{key.Principal,-24}{(place.Length == 0 ? "-" : place),-30}{key.CreatedAt,-18:yyyy-MM-dd HH:mm}{key.RevokedAt?.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) ?? "-"}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Revoke()
    {
        var keyId = new Argument<string>("key-id") { Description = "The key's id as `keys list` shows it." };
        var command = new Command("revoke", "Revoke a key; services stop accepting it within 30 seconds.") { keyId };
        command.SetAction(async (parse, cancellationToken) => await WithStoreAsync(cancellationToken, async store =>
        {
            if (await store.RevokeAsync(parse.GetValue(keyId)!, cancellationToken))
            {
                Console.WriteLine("Revoked.");
                return 0;
            }

            Console.Error.WriteLine("No such active key.");
            return 1;
        }));
        return command;
    }

    private static Task<int> WithStoreAsync(CancellationToken cancellationToken, Func<ApiKeyStore, Task<int>> action) =>
        WithStoreAsync(cancellationToken, (store, _) => action(store));

    private static async Task<int> WithStoreAsync(CancellationToken cancellationToken, Func<ApiKeyStore, NpgsqlDataSource, Task<int>> action)
    {
        var (connectionString, cluster) = await CliDatabase.OpenAsync(CliConfiguration.Build(), cancellationToken);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            return await action(new ApiKeyStore(dataSource), dataSource);
        }
        finally
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
    }
}
