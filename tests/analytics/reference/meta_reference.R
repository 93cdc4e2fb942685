# Reference values for analytics/core/meta.py: fixed-effect and DerSimonian-Laird pooling with metafor::rma,
# on (1) per-center Cox hazard ratios from the synthetic multicenter cohort in data/ and (2) metafor's BCG
# vaccine trials (log risk ratios), which are heterogeneous enough to give tau^2 > 0.
# Run from this folder: Rscript meta_reference.R  (writes meta_reference.json; needs Debian's r-cran-metafor)
suppressPackageStartupMessages({
  library(survival)
  library(metafor)
  library(jsonlite)
})

pool <- function(center, yi, sei) {
  fe <- rma(yi = yi, sei = sei, method = "FE")
  dl <- rma(yi = yi, sei = sei, method = "DL")
  summ <- function(fit) list(
    log_hr = as.numeric(fit$b), se = fit$se, z = fit$zval, p = fit$pval,
    hr = exp(as.numeric(fit$b)), hr_lower = exp(fit$ci.lb), hr_upper = exp(fit$ci.ub)
  )
  list(
    input = list(center = center, log_hr = yi, se = sei),
    fixed = summ(fe), random = summ(dl),
    tau2 = dl$tau2, q = fe$QE, q_df = fe$k - fe$p, q_p = fe$QEp, i2_fixed = fe$I2, i2_random = dl$I2,
    weight_fixed = unname(weights(fe)), weight_random = unname(weights(dl))
  )
}

# (1) Per-center Cox: relapse (cr_event == 1; death in remission censored) on age < 6 months, Efron ties.
d <- read.csv(file.path("data", "multicenter.csv"), stringsAsFactors = FALSE)
centers <- sort(unique(d$center))
per_center <- t(sapply(centers, function(cc) {
  fit <- coxph(Surv(time, cr_event == 1) ~ age_lt6m, data = d[d$center == cc, ], ties = "efron")
  c(coef(fit)[["age_lt6m"]], sqrt(vcov(fit)[1, 1]))
}))
multicenter <- pool(centers, per_center[, 1], per_center[, 2])
multicenter$description <- "coxph(Surv(time, cr_event == 1) ~ age_lt6m) in each center of multicenter.csv"

# (2) BCG trials: log risk ratios from escalc, as in metafor's documentation.
bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg_ref <- pool(paste0("trial", dat.bcg$trial), as.numeric(bcg$yi), sqrt(as.numeric(bcg$vi)))
bcg_ref$description <- "metafor::dat.bcg, escalc(measure = 'RR'): log risk ratios standing in for log HRs"

ref <- list(
  r_version = R.version.string, metafor_version = as.character(packageVersion("metafor")),
  cases = list(multicenter_age_lt6m = multicenter, bcg = bcg_ref)
)
writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, na = "null", null = "null"), "meta_reference.json")
