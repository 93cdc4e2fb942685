# Reference values for analytics/core/tables/proportions.py: confidence intervals for one proportion x / n.
# Wilson score interval = prop.test(x, n, correct = FALSE)$conf.int; with continuity correction =
# prop.test(x, n, correct = TRUE)$conf.int (R's default); Clopper-Pearson = binom.test(x, n)$conf.int.
# Run from this folder: Rscript proportions_reference.R  (writes proportions_reference.json; base R + jsonlite)
# The Python tests read the JSON only; they never need R.
suppressPackageStartupMessages(library(jsonlite))

meta <- list(
  r_version = R.version.string,
  generated_by = "tests/analytics/reference/proportions_reference.R"
)

# Every x for small n (the edges x = 0, x = n and n = 1 included), the edges and a few inner values for large n.
grid <- list()
for (n in c(1, 2, 3, 4, 5, 7, 10)) for (x in 0:n) grid[[length(grid) + 1]] <- c(x, n)
for (n in c(14, 19, 20, 33, 50, 100, 1000)) {
  for (x in unique(c(0, 1, 2, n %/% 4, n %/% 2, n %/% 2 + 1, n - 2, n - 1, n))) grid[[length(grid) + 1]] <- c(x, n)
}

interval <- function(test) as.numeric(test$conf.int)

cases <- list()
for (level in c(0.95, 0.9, 0.99)) {
  for (xn in grid) {
    x <- xn[1]
    n <- xn[2]
    # prop.test warns "Chi-squared approximation may be incorrect" for small n; the interval is what we want.
    wilson <- suppressWarnings(prop.test(x, n, conf.level = level, correct = FALSE))
    wilson_cc <- suppressWarnings(prop.test(x, n, conf.level = level, correct = TRUE))
    exact <- binom.test(x, n, conf.level = level)
    cases[[length(cases) + 1]] <- list(
      x = x, n = n, conf_level = level, estimate = x / n,
      wilson = interval(wilson), wilson_cc = interval(wilson_cc), clopper_pearson = interval(exact)
    )
  }
}

out <- list(meta = meta, cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null", pretty = FALSE),
           "proportions_reference.json")
