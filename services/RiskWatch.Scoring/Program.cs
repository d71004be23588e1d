using RiskWatch.Scoring;

ScoringService.Build(args).Run();
