"""The methods a plan's analysis runs on its frame: each takes (frame, analysis) and returns an AnalysisResult.

proportions  n/N with CI per group, chi-square / Fisher, odds ratio and difference for two groups
survival     Kaplan-Meier with log-rank, cumulative incidence with Gray's test
cox          Cox proportional hazards of the exposure's groups with covariates (its own branch)
"""
