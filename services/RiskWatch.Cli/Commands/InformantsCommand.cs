using System.CommandLine;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Intake;

namespace RiskWatch.Cli.Commands;

/// <summary>
/// <c>riskwatch informants register|list|consent|contact</c>: informants under pseudonymous ids, their contact details
/// encrypted with the configured key, each with an informant API key for their device.
/// </summary>
public static class InformantsCommand
{
    public static Command Create()
    {
        var informants = new Command("informants", "Register informants under pseudonymous ids; their contact details are stored encrypted.");
        informants.Subcommands.Add(Register());
        informants.Subcommands.Add(List());
        informants.Subcommands.Add(Consent());
        informants.Subcommands.Add(Contact());
        return informants;
    }

    private static Command Register()
    {
        var contact = new Option<string>("--contact") { Description = "How the response team may reach the informant (phone, WeChat id); stored encrypted.", Required = true };
        var consent = new Option<bool>("--consent") { Description = "The informant agrees that responders may see the contact details." };
        var command = new Command("register", "Register an informant: prints their pseudonymous id and a device API key (role informant), once.") { contact, consent };
        command.SetAction(async (parse, cancellationToken) => await WithStoresAsync(cancellationToken, async (store, keys) =>
        {
            var informant = await store.RegisterAsync(parse.GetValue(contact)!, parse.GetValue(consent), cancellationToken);
            var (key, info) = await keys.CreateAsync(Roles.Informant, informant.InformantId, Jurisdiction.Everywhere, "informant device", cancellationToken);
            Console.WriteLine($"Registered informant {informant.InformantId} (responders {(informant.ConsentToShare ? "may" : "may not")} see the contact).");
            Console.WriteLine($"Device key {info.KeyId}; give it to the informant now, it is not shown again:");
            Console.WriteLine(key);
            return 0;
        }));
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List informants (never their contact details).");
        command.SetAction(async (_, cancellationToken) => await WithStoresAsync(cancellationToken, async (store, _) =>
        {
            Console.WriteLine($"{"informant",-18}{"consent",-10}registered (UTC)");
            foreach (var informant in await store.ListAsync(cancellationToken))
            {
                Console.WriteLine($"{informant.InformantId,-18}{(informant.ConsentToShare ? "yes" : "no"),-10}{informant.CreatedAt:yyyy-MM-dd HH:mm}");
            }

            return 0;
        }));
        return command;
    }

    private static Command Consent()
    {
        var id = new Argument<string>("informant-id");
        var value = new Argument<string>("yes|no");
        value.AcceptOnlyFromAmong("yes", "no");
        var command = new Command("consent", "Record whether the informant agrees that responders see their contact details.") { id, value };
        command.SetAction(async (parse, cancellationToken) => await WithStoresAsync(cancellationToken, async (store, _) =>
        {
            if (await store.SetConsentAsync(parse.GetValue(id)!, parse.GetValue(value) == "yes", cancellationToken))
            {
                Console.WriteLine("Recorded.");
                return 0;
            }

            Console.Error.WriteLine("No such informant.");
            return 1;
        }));
        return command;
    }

    private static Command Contact()
    {
        var id = new Argument<string>("informant-id");
        var command = new Command("contact", "Show an informant's contact details, only if they consented.") { id };
        command.SetAction(async (parse, cancellationToken) => await WithStoresAsync(cancellationToken, async (store, _) =>
        {
            switch (await store.ContactForResponderAsync(parse.GetValue(id)!, cancellationToken))
            {
                case null:
                    Console.Error.WriteLine("No such informant.");
                    return 1;
                case { ConsentToShare: false }:
                    Console.Error.WriteLine("The informant has not agreed to share their contact details.");
                    return 3;
                case var contact:
                    Console.WriteLine(contact.Contact);
                    return 0;
            }
        }));
        return command;
    }

    private static async Task<int> WithStoresAsync(CancellationToken cancellationToken, Func<InformantStore, ApiKeyStore, Task<int>> action)
    {
        var configuration = CliConfiguration.Build();
        var box = CliSecrets.Box(configuration);
        var (connectionString, cluster) = await CliDatabase.OpenAsync(configuration, cancellationToken);
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            return await action(new InformantStore(dataSource, box), new ApiKeyStore(dataSource));
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
