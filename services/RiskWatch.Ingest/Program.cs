using RiskWatch.Ingest;

IngestService.Build(args).Run();
