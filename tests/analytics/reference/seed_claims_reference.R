# Reference values for the seeds' claims (analytics/plans/claims/), from the counts the papers print.
# 2x2 tables: rows exposed / unexposed, columns outcome yes / no. Woolf's CI is exp(log OR -+ z * sqrt(sum 1/cell));
# chisq.test without (correct = FALSE) and with (correct = TRUE) Yates' correction; fisher.test two-sided.
# Log-rank: survdiff on the follow-up that gives seed 000's 2-year OS (83.3% / 50.0%) with its 2 deaths and the
# largest statistic (see test_claims.py).
# Run from this folder: Rscript seed_claims_reference.R  (writes seed_claims_reference.json; survival + jsonlite)
# The Python tests read the JSON only; they never need R.
suppressPackageStartupMessages({
  library(jsonlite)
  library(survival)
})

meta <- list(r_version = R.version.string, generated_by = "tests/analytics/reference/seed_claims_reference.R")

two_by_two <- function(a, b, c, d) {
  tab <- matrix(c(a, c, b, d), nrow = 2)  # rows (a, b) and (c, d)
  log_or <- log(a * d / (b * c))
  se <- sqrt(1 / a + 1 / b + 1 / c + 1 / d)
  z <- qnorm(0.975)
  list(
    table = list(c(a, b), c(c, d)),
    odds_ratio = exp(log_or), lower = exp(log_or - z * se), upper = exp(log_or + z * se),
    chisq = unname(suppressWarnings(chisq.test(tab, correct = FALSE))$statistic),
    chisq_p = suppressWarnings(chisq.test(tab, correct = FALSE))$p.value,
    yates_p = suppressWarnings(chisq.test(tab, correct = TRUE))$p.value,
    fisher_p = fisher.test(tab)$p.value
  )
}

# Unfavorable: 7 cases, the death at day 300 with 2 at risk; favorable: 8 cases, the death at day 500 with 6 at
# risk; every unfavorable case gone before day 500.
os <- data.frame(
  time = c(120, 150, 200, 250, 280, 300, 400, 350, 450, 500, 900, 950, 980, 990, 1000),
  event = c(0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0),
  group = c(rep("unfavorable", 7), rep("favorable", 8))
)
lr <- survdiff(Surv(time, event) ~ group, data = os)

out <- list(
  meta = meta,
  toxicity_relapse_death = two_by_two(4, 10, 1, 18),
  toxicity_by_response = two_by_two(5, 1, 7, 15),
  cr_11_of_12_vs_7_of_12 = two_by_two(11, 1, 7, 5),
  os_logrank_bound = list(
    time = os$time, event = os$event, group = os$group,
    chisq = unname(lr$chisq), p = pchisq(lr$chisq, df = 1, lower.tail = FALSE)
  )
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE), "seed_claims_reference.json")
