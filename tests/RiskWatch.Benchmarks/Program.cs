using BenchmarkDotNet.Running;
using RiskWatch.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(HotPathBenchmarks).Assembly).Run(args);
