using RiskWatch.Response;

ResponseService.Build(args).Run();
