using Microsoft.AspNetCore.Http.HttpResults;
using RiskWatch.Core.Access;
using RiskWatch.Data.Intake;
using RiskWatch.ServiceDefaults;

namespace RiskWatch.Ingest.Apis;

/// <summary>What a responder learns of an informant: the contact only where the informant consented.</summary>
public sealed record InformantContactView(string InformantId, bool ConsentToShare, string? Contact);

public static class InformantsApi
{
    public static IEndpointRouteBuilder MapInformantsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/informants/{informantId}/contact", GetContact)
            .WithName("InformantContact")
            .WithSummary("A registered informant's contact details, for responders; null unless the informant consented to share them.")
            .WithTags("Informants")
            .RequireAuthorization(Roles.Responder);
        return app;
    }

    public static async Task<Results<Ok<InformantContactView>, ProblemHttpResult>> GetContact(
        string informantId, InformantStore informants, ILoggerFactory loggers, HttpContext context, CancellationToken cancellationToken)
    {
        if (await informants.ContactForResponderAsync(informantId, cancellationToken) is not { } contact)
        {
            return TypedResults.Problem("No informant has this id.", statusCode: StatusCodes.Status404NotFound, title: "Unknown informant.", type: Problems.NotFound);
        }

        if (contact.ConsentToShare)
        {
            // Who looked, never what they saw.
            loggers.CreateLogger("RiskWatch.Ingest.InformantContact").LogInformation(
                "Contact of informant {InformantId} shown to {Principal}", informantId, context.User.Identity?.Name);
        }

        return TypedResults.Ok(new InformantContactView(contact.InformantId, contact.ConsentToShare, contact.Contact));
    }
}
