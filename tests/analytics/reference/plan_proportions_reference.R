# Reference values for analytics/plans/methods/proportions.py: the difference of two proportions with its Wald
# CI as prop.test(c(x1, x2), c(n1, n2), correct = FALSE) gives it, and that call's p (Pearson's chi-square
# without continuity correction), with Yates' and Fisher's p beside it; and the first group's proportion CI by each
# of the plan's methods (prop.test correct = FALSE / TRUE, binom.test).
# Run from this folder: Rscript plan_proportions_reference.R  (writes plan_proportions_reference.json; base R +
# jsonlite). The Python tests read the JSON only; they never need R.
suppressPackageStartupMessages(library(jsonlite))

meta <- list(
  r_version = R.version.string,
  generated_by = "tests/analytics/reference/plan_proportions_reference.R"
)

# Seed 000's toxicity table (4/14 vs 1/19), zero and full cells, equal proportions, and larger tables.
grid <- list(
  c(4, 14, 1, 19), c(0, 10, 3, 12), c(5, 5, 2, 9), c(7, 12, 7, 12), c(11, 12, 7, 12),
  c(30, 40, 20, 45), c(1, 3, 0, 4), c(150, 200, 90, 180), c(0, 8, 0, 9), c(20, 20, 15, 18)
)

cases <- list()
for (level in c(0.95, 0.9)) {
  for (g in grid) {
    x <- g[c(1, 3)]
    n <- g[c(2, 4)]
    uncorrected <- suppressWarnings(prop.test(x, n, correct = FALSE, conf.level = level))
    yates <- suppressWarnings(prop.test(x, n, correct = TRUE, conf.level = level))
    table <- matrix(c(x[1], n[1] - x[1], x[2], n[2] - x[2]), nrow = 2, byrow = TRUE)
    cases[[length(cases) + 1]] <- list(
      x1 = x[1], n1 = n[1], x2 = x[2], n2 = n[2], conf_level = level,
      difference = x[1] / n[1] - x[2] / n[2],
      conf_int = as.numeric(uncorrected$conf.int),
      chisq = unname(uncorrected$statistic), chisq_p = uncorrected$p.value,
      yates_p = yates$p.value, fisher_p = fisher.test(table)$p.value,
      first_wilson = as.numeric(suppressWarnings(prop.test(x[1], n[1], correct = FALSE, conf.level = level))$conf.int),
      first_wilson_cc = as.numeric(suppressWarnings(prop.test(x[1], n[1], conf.level = level))$conf.int),
      first_clopper_pearson = as.numeric(binom.test(x[1], n[1], conf.level = level)$conf.int)
    )
  }
}

out <- list(meta = meta, cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE),
           "plan_proportions_reference.json")
