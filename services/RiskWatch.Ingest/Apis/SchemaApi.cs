namespace RiskWatch.Ingest.Apis;

public static class SchemaApi
{
    /// <summary>Embedded from schemas/report.v1.json at the repository root: the file in the repository is the one served.</summary>
    public const string ResourceName = "Schemas.report.v1.json";

    public static IEndpointRouteBuilder MapSchemaApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/schemas/report.v1.json", () =>
                Results.Stream(typeof(SchemaApi).Assembly.GetManifestResourceStream(ResourceName)!, "application/schema+json"))
            .WithName("ReportSchema")
            .WithSummary("The JSON Schema of report contract v1, for every channel including producing straight to Kafka.")
            .WithTags("Contract");
        return app;
    }
}
