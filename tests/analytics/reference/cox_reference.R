# Reference values for analytics/core/cox: survival::coxph (Efron and Breslow ties, categorical covariates,
# strata) and survival::cox.zph (the score test of survival >= 3.0), on the CSVs in data/.
# Run from this folder: Rscript cox_reference.R  (writes cox_reference.json)
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

read <- function(name) read.csv(file.path("data", paste0(name, ".csv")), stringsAsFactors = FALSE)

zph_table <- function(fit, transform, terms) {
  z <- cox.zph(fit, transform = transform, terms = terms)
  tb <- z$table
  n <- nrow(tb)
  list(
    transform = transform, terms_grouped = terms,
    terms = lapply(seq_len(n - 1), function(i) {
      list(term = rownames(tb)[i], chisq = tb[i, "chisq"], df = tb[i, "df"], p = tb[i, "p"])
    }),
    global = list(chisq = tb[n, "chisq"], df = tb[n, "df"], p = tb[n, "p"])
  )
}

one_case <- function(id, data_name, formula, ties, covariates, strata = NULL, time, event,
                     zph = list(list("km", TRUE))) {
  dat <- read(data_name)
  # Years with rounding noise: R's timefix (aeqSurv) must tie them back to the days they came from.
  # Not estimable on purpose: a constant, and the sum of two other covariates (R: NA coefficients).
  if (data_name == "multicenter") { dat$const <- 1; dat$both <- dat$age_lt6m + dat$wbc300 }
  if (data_name == "lung") dat$years <- dat$time / 365.25 * (1 + 1e-12 * (seq_len(nrow(dat)) %% 2))
  fit <- coxph(formula, data = dat, ties = ties, model = TRUE)
  s <- summary(fit)
  cf <- s$coefficients
  ci <- s$conf.int
  list(
    id = id, data = data_name, time = time, event = event, covariates = I(covariates), strata = strata,
    ties = ties, formula = paste(deparse(formula), collapse = " "),
    n = fit$n, nevent = fit$nevent, n_dropped = length(fit$na.action),
    terms = I(rownames(cf)),
    coef = I(unname(cf[, "coef"])), se = I(unname(cf[, "se(coef)"])), hr = I(unname(cf[, "exp(coef)"])),
    hr_lower = I(unname(ci[, "lower .95"])), hr_upper = I(unname(ci[, "upper .95"])),
    z = I(unname(cf[, "z"])), p = I(unname(cf[, "Pr(>|z|)"])),
    var = unname(as.matrix(fit$var)),
    loglik = fit$loglik,
    lr = list(chisq = unname(s$logtest["test"]), df = unname(s$logtest["df"]), p = unname(s$logtest["pvalue"])),
    # fit$wald.test, not summary()'s waldtest, which summary.coxph rounds to 2 decimals.
    wald = list(chisq = unname(fit$wald.test), df = unname(s$waldtest["df"]),
                p = pchisq(unname(fit$wald.test), unname(s$waldtest["df"]), lower.tail = FALSE)),
    score = list(chisq = unname(s$sctest["test"]), df = unname(s$sctest["df"]), p = unname(s$sctest["pvalue"])),
    concordance = unname(fit$concordance["concordance"]),
    concordance_se = unname(fit$concordance["std"]),
    concordance_counts = as.list(fit$concordance[c("concordant", "discordant", "tied.x", "tied.y", "tied.xy")]),
    iter = fit$iter,
    zph = lapply(zph, function(z) zph_table(fit, z[[1]], z[[2]]))
  )
}

all_zph <- list(list("km", TRUE), list("km", FALSE), list("rank", TRUE), list("identity", TRUE),
                list("log", TRUE))

cases <- list(
  one_case("aml_efron", "aml", Surv(time, status) ~ x, "efron", c("x"), time = "time", event = "status"),
  one_case("lung_efron", "lung", Surv(time, status) ~ age + sex + ph.ecog, "efron",
           c("age", "sex", "ph.ecog"), time = "time", event = "status", zph = all_zph),
  one_case("lung_breslow", "lung", Surv(time, status) ~ age + sex + ph.ecog, "breslow",
           c("age", "sex", "ph.ecog"), time = "time", event = "status", zph = all_zph),
  one_case("lung_years_timefix", "lung", Surv(years, status) ~ age + sex + ph.ecog, "efron",
           c("age", "sex", "ph.ecog"), time = "years", event = "status", zph = all_zph),
  one_case("lung_strata_efron", "lung", Surv(time, status) ~ age + ph.ecog + wt.loss + strata(sex), "efron",
           c("age", "ph.ecog", "wt.loss"), strata = "sex", time = "time", event = "status"),
  one_case("veteran_efron", "veteran", Surv(time, status) ~ trt + celltype + karno, "efron",
           c("trt", "celltype", "karno"), time = "time", event = "status", zph = all_zph),
  one_case("veteran_breslow", "veteran", Surv(time, status) ~ trt + celltype + karno, "breslow",
           c("trt", "celltype", "karno"), time = "time", event = "status", zph = all_zph),
  one_case("ovarian_efron", "ovarian", Surv(futime, fustat) ~ age + resid.ds + rx + ecog.ps, "efron",
           c("age", "resid.ds", "rx", "ecog.ps"), time = "futime", event = "fustat"),
  one_case("mgus2_efron", "mgus2", Surv(futime, death) ~ age + sex + hgb + creat, "efron",
           c("age", "sex", "hgb", "creat"), time = "futime", event = "death"),
  one_case("multicenter_efron", "multicenter",
           Surv(os_time, os_event) ~ risk + age_lt6m + wbc300 + sex + strata(center), "efron",
           c("risk", "age_lt6m", "wbc300", "sex"), strata = "center", time = "os_time", event = "os_event",
           zph = all_zph),
  one_case("multicenter_breslow", "multicenter",
           Surv(os_time, os_event) ~ risk + age_lt6m + wbc300 + sex + strata(center), "breslow",
           c("risk", "age_lt6m", "wbc300", "sex"), strata = "center", time = "os_time", event = "os_event"),
  one_case("multicenter_not_estimable", "multicenter",
           Surv(os_time, os_event) ~ age_lt6m + const + wbc300 + both + risk + strata(center), "efron",
           c("age_lt6m", "const", "wbc300", "both", "risk"), strata = "center", time = "os_time", event = "os_event",
           zph = all_zph),
  one_case("multicenter_relapse_unstratified", "multicenter",
           Surv(time, cr_event == 1) ~ risk + age_lt6m + wbc300, "efron",
           c("risk", "age_lt6m", "wbc300"), time = "time", event = "relapse")  # relapse = cr_event == 1
)
names(cases) <- vapply(cases, function(x) x$id, "")

out <- list(
  generated_by = "tests/analytics/reference/cox_reference.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  cases = cases
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
           "cox_reference.json")
