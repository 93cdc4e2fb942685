"""Analysis plans: a coordinator's pre-specified analyses, run on the pooled rows (no Django here).

spec        the plan as data (population, analyses, published claims) and the checks that need no data
result      what executing a plan returns, JSON-ready
values      how plan values (JSON) compare with dataset values
variables   a variable's value per case, and the day it became known (landmarks)
population  the run filters and conditions, with the cases each rule removed
frame       the analysis frame of one analysis (groups, outcome, covariates, landmark)
validate    the checks that need the data
methods     proportions, survival (KM, CIF) and cox, each on a frame
pooling     per-center estimates and their pooling
verdict     a published claim read against the pooled result
execute     execute_plan: all of the above for a whole plan
document    the results as the plan's JSON document
cli         ``python -m analytics plan PLAN.json DATASET_DIR``
"""
