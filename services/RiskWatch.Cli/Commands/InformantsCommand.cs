using System.CommandLine;
using Npgsql;
using RiskWatch.Core.Access;
using RiskWatch.Data.Access;
using RiskWatch.Data.Alerts;
using RiskWatch.Data.Intake;

namespace RiskWatch.Cli.Commands;

/// <summary>
/// <c>riskwatch informants register|list|consent|contact|reveals</c>: informants under pseudonymous ids, their contact
/// details encrypted with the configured key, each with an informant API key for their device; every contact shown is
/// recorded in the audit log with who (the operating-system user and host) and why.
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
        informants.Subcommands.Add(Reveals());
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
        var reason = new Option<string>("--reason") { Description = "Why you need to contact the informant; recorded in the audit log.", Required = true };
        var alert = new Option<long?>("--alert") { Description = "The alert this is for; when given, the informant must have a report in it." };
        var command = new Command("contact", "Show an informant's contact details, only if they consented; recorded in the audit log with who and why.") { id, reason, alert };
        command.Validators.Add(result =>
        {
            if (result.GetValue(reason) is var why && InformantStore.ReasonProblem(why) is { } problem)
            {
                result.AddError($"--reason {problem}.");
            }
        });
        command.SetAction(async (parse, cancellationToken) => await WithStoresAsync(cancellationToken, (store, _) =>
            RevealAsync(store, parse.GetValue(id)!, parse.GetValue(alert), parse.GetValue(reason)!, RevealActor.CommandLine(), Console.Out, Console.Error, cancellationToken)));
        return command;
    }

    /// <summary>What <c>riskwatch informants contact</c> does once its options are read: reveal, record, print.</summary>
    /// <returns>0 with the contact printed, 1 when no such informant (or none in that alert), 3 without consent.</returns>
    public static async Task<int> RevealAsync(
        InformantStore store, string informantId, long? alertId, string reason, RevealActor actor, TextWriter output, TextWriter errors,
        CancellationToken cancellationToken)
    {
        var result = await store.RevealContactAsync(informantId, alertId, AlertScope.Everywhere, actor, reason, cancellationToken);
        switch (result.Outcome)
        {
            case RevealOutcome.Revealed:
                output.WriteLine(result.Contact);
                errors.WriteLine($"Recorded as reveal {result.RevealId} by {actor.Principal}.");
                return 0;
            case RevealOutcome.NoConsent:
                errors.WriteLine($"The informant has not agreed to share their contact details. Recorded as reveal {result.RevealId}.");
                return 3;
            default:
                errors.WriteLine(alertId is null ? "No such informant." : $"No informant {informantId} has a report in alert {alertId}.");
                return 1;
        }
    }

    private static Command Reveals()
    {
        var informant = new Option<string?>("--informant") { Description = "Only the reveals of this informant." };
        var principal = new Option<string?>("--principal") { Description = "Only the reveals asked for by this principal." };
        var limit = new Option<int>("--limit") { Description = "At most this many rows, newest first.", DefaultValueFactory = _ => 100 };
        var command = new Command("reveals", "The audit log of contact reveals: who asked, when, for which informant and alert, why, and the outcome.") { informant, principal, limit };
        command.SetAction(async (parse, cancellationToken) => await WithStoresAsync(cancellationToken, async (store, _) =>
        {
            var rows = await store.ListRevealsAsync(parse.GetValue(informant), parse.GetValue(principal), Math.Clamp(parse.GetValue(limit), 1, 10_000), cancellationToken);
            WriteReveals(rows, Console.Out);
            return 0;
        }));
        return command;
    }

    public static void WriteReveals(IReadOnlyList<ContactRevealEntry> rows, TextWriter output)
    {
        output.WriteLine($"{"id",-8}{"at (UTC)",-18}{"principal",-28}{"role",-11}{"informant",-18}{"alert",-8}{"outcome",-12}reason");
        foreach (var r in rows)
        {
            output.WriteLine($"{r.RevealId,-8}{r.At:yyyy-MM-dd HH:mm}  {r.Principal,-28}{r.Role,-11}{r.InformantId,-18}{r.AlertId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",-8}{r.Outcome,-12}{r.Reason}");
        }
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
