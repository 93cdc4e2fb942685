"""Analysis plans: a coordinator's pre-specified analyses, run on the pooled rows (no Django here).

spec       the plan as data (population, analyses, published claims) and the checks that need no data
result     what executing a plan returns, JSON-ready
"""
