# Reference values for analytics/plans (the Cox method, per-center pooling, and a landmark analysis), made by
# survival::coxph / anova / cox.zph / survdiff and metafor::rma on data/plans.csv.
# Run from this folder: Rscript plans_reference.R  (writes data/plans.csv, then plans_reference.json)
#
# data/plans.csv is a synthetic registry extract, one row per case: center (A-E, plus a small center F made by
# hand so that one 2x2 table has a zero cell and one group has no deaths), cytogenetic risk (3 classes), KMT2A
# status, age < 6 months (0/1), sex and WBC (some missing), OS (os_time, os_event), relapse with death in
# remission competing (time, status 0/1/2), CR at the end of induction (cr 0/1) and the day of HSCT (empty when
# none) for the landmark analysis.
suppressPackageStartupMessages({
  library(survival)
  library(metafor)
  library(jsonlite)
})

# ---- the dataset -------------------------------------------------------------------------------------------
set.seed(20261130)
n <- 470
center <- sample(c("A", "B", "C", "D", "E"), n, replace = TRUE, prob = c(.3, .25, .2, .15, .1))
risk <- sample(c("favorable", "intermediate", "unfavorable"), n, replace = TRUE, prob = c(.25, .4, .35))
kmt2a <- ifelse(runif(n) < ifelse(risk == "unfavorable", .8, .2), "rearranged", "germline")
age_lt6m <- rbinom(n, 1, 0.45)
sex <- sample(c("F", "M"), n, replace = TRUE)
sex[runif(n) < .05] <- NA
wbc <- round(rlnorm(n, log(50), 1), 1)
wbc[runif(n) < .04] <- NA
frailty <- setNames(rnorm(5, 0, 0.3), c("A", "B", "C", "D", "E"))
w <- ifelse(is.na(wbc), 50, wbc)
lp <- 0.3 * (risk == "intermediate") + 0.6 * (risk == "unfavorable") + 0.4 * (kmt2a == "rearranged") +
  0.3 * age_lt6m + 0.002 * w + frailty[center]
rel <- rexp(n, 0.0004 * exp(lp))
drem <- rexp(n, 0.00015 * exp(0.3 * age_lt6m))
cens <- runif(n, 200, 5 * 365)
first <- pmin(rel, drem, cens)
status <- ifelse(first == cens, 0, ifelse(first == rel, 1, 2))
post <- ifelse(status == 1, ifelse(runif(n) < 0.6, runif(n, 30, 365), Inf), 0)
death <- ifelse(status == 2, first, first + post)
os_event <- as.integer(death <= cens)
os_time <- pmax(round(pmin(death, cens)), 1)
cr <- rbinom(n, 1, plogis(1.6 - 0.9 * (kmt2a == "rearranged") - 0.3 * age_lt6m))
hsct_day <- ifelse(runif(n) < 0.35, round(runif(n, 60, 300)), NA)
hsct_day[!is.na(hsct_day) & hsct_day >= os_time] <- NA  # transplanted only while alive
main <- data.frame(
  case_key = sprintf("K%04d", seq_len(n)), center = unname(center), risk = risk, kmt2a = kmt2a,
  age_lt6m = age_lt6m, sex = sex, wbc = wbc, os_time = os_time, os_event = os_event,
  time = pmax(round(first), 1), status = status, cr = cr, hsct_day = hsct_day
)
# Center F: every KMT2A-rearranged case reached CR (a zero cell: Haldane's +0.5), no KMT2A-germline case died.
small <- data.frame(
  case_key = sprintf("F%03d", 1:10), center = "F",
  risk = c("unfavorable", "unfavorable", "intermediate", "unfavorable", "favorable",
           "favorable", "intermediate", "favorable", "intermediate", "unfavorable"),
  kmt2a = rep(c("rearranged", "germline"), each = 5),
  age_lt6m = c(1, 0, 1, 1, 0, 0, 1, 0, 0, 1), sex = c("F", "M", "M", "F", "M", "F", "F", "M", "M", "F"),
  wbc = c(320.5, 41.2, 150, 88.8, 12.3, 35, 60.1, 22.2, 140, 9.9),
  os_time = c(120, 400, 365, 90, 800, 700, 650, 1000, 500, 730),
  os_event = c(1, 0, 1, 1, 0, 0, 0, 0, 0, 0),
  time = c(100, 400, 300, 90, 800, 700, 650, 1000, 500, 730),
  status = c(1, 0, 1, 2, 0, 0, 0, 0, 0, 0),
  cr = c(1, 1, 1, 1, 1, 0, 1, 1, 0, 1),
  hsct_day = c(NA, 150, NA, NA, 200, NA, NA, 120, NA, NA)
)
write.csv(rbind(main, small), file.path("data", "plans.csv"), row.names = FALSE, na = "")

# ---- the references, on the data as written ---------------------------------------------------------------
d <- read.csv(file.path("data", "plans.csv"), stringsAsFactors = FALSE, na.strings = "")
d$age_lt6m <- d$age_lt6m == 1  # a yes/no covariate: R's coefficient is age_lt6mTRUE
# The plan's exposure groups in its order: unfavorable, intermediate, favorable; the last is the reference.
# R's factor levels put the reference first and then the others in the plan's order, so the coefficients come
# in the order the plan method reports them.
d$risk3 <- factor(d$risk, levels = c("favorable", "unfavorable", "intermediate"))
d$kmt2a2 <- factor(d$kmt2a, levels = c("germline", "rearranged"))  # groups: rearranged, germline

tests_of <- function(fit) {
  s <- summary(fit)
  list(
    lr = list(chisq = unname(s$logtest["test"]), df = unname(s$logtest["df"]), p = unname(s$logtest["pvalue"])),
    wald = list(chisq = unname(fit$wald.test), df = unname(s$waldtest["df"]),
                p = pchisq(unname(fit$wald.test), unname(s$waldtest["df"]), lower.tail = FALSE)),
    score = list(chisq = unname(s$sctest["test"]), df = unname(s$sctest["df"]), p = unname(s$sctest["pvalue"]))
  )
}

cox_case <- function(id, dat, formula, reduced, description) {
  fit <- coxph(formula, data = dat, ties = "efron", model = TRUE)
  s <- summary(fit)
  cf <- s$coefficients
  ci <- s$conf.int
  # The reduced model on the rows the full one used (anova needs nested fits on the same rows).
  used <- if (is.null(fit$na.action)) dat else dat[-as.integer(fit$na.action), , drop = FALSE]
  red <- coxph(reduced, data = used, ties = "efron", model = TRUE)
  a <- anova(red, fit)
  z <- cox.zph(fit, transform = "km", terms = TRUE)$table
  k <- nrow(z)
  c(list(
    id = id, description = description, formula = paste(deparse(formula), collapse = " "),
    reduced = paste(deparse(reduced), collapse = " "),
    n = fit$n, nevent = fit$nevent, n_dropped = length(fit$na.action),
    terms = I(rownames(cf)), coef = I(unname(cf[, "coef"])), se = I(unname(cf[, "se(coef)"])),
    hr = I(unname(cf[, "exp(coef)"])), lower = I(unname(ci[, "lower .95"])), upper = I(unname(ci[, "upper .95"])),
    p = I(unname(cf[, "Pr(>|z|)"])),
    exposure_lr = list(chisq = a[2, "Chisq"], df = a[2, "Df"], p = a[2, "Pr(>|Chi|)"]),
    zph = list(
      terms = lapply(seq_len(k - 1), function(i) list(term = rownames(z)[i], chisq = z[i, "chisq"],
                                                      df = z[i, "df"], p = z[i, "p"])),
      global = list(chisq = z[k, "chisq"], df = z[k, "df"], p = z[k, "p"])
    )
  ), tests_of(fit))
}

cox_cases <- list(
  cox_case("risk3_os", d, Surv(os_time, os_event) ~ risk3 + age_lt6m + sex + wbc,
           Surv(os_time, os_event) ~ age_lt6m + sex + wbc,
           "OS by risk (unfavorable, intermediate vs favorable) + age < 6 months + sex + WBC"),
  cox_case("risk3_os_strata", d, Surv(os_time, os_event) ~ risk3 + age_lt6m + sex + wbc + strata(center),
           Surv(os_time, os_event) ~ age_lt6m + sex + wbc + strata(center),
           "as risk3_os, stratified by center"),
  cox_case("relapse_cause_specific", d, Surv(time, status == 1) ~ kmt2a2 + age_lt6m + wbc,
           Surv(time, status == 1) ~ age_lt6m + wbc,
           "cause-specific hazard of relapse (death without relapse censored): KMT2A-r vs germline + age + WBC"),
  cox_case("relapse_cause_specific_strata", d, Surv(time, status == 1) ~ kmt2a2 + age_lt6m + wbc + strata(center),
           Surv(time, status == 1) ~ age_lt6m + wbc + strata(center),
           "as relapse_cause_specific, stratified by center")
)
names(cox_cases) <- vapply(cox_cases, function(x) x$id, "")

# ---- per-center pooling -------------------------------------------------------------------------------------
pooled <- function(center, yi, sei, description) {
  fe <- rma(yi = yi, sei = sei, method = "FE")
  dl <- rma(yi = yi, sei = sei, method = "DL")
  summ <- function(fit) list(
    log_estimate = as.numeric(fit$b), se = fit$se, z = fit$zval, p = fit$pval,
    estimate = exp(as.numeric(fit$b)), lower = exp(fit$ci.lb), upper = exp(fit$ci.ub)
  )
  list(
    description = description, centers = I(center), log_estimate = I(yi), se = I(sei),
    fixed = summ(fe), random = summ(dl),
    q = fe$QE, q_df = fe$k - 1, q_p = fe$QEp, i2 = dl$I2, tau2 = dl$tau2,
    weight_fixed = I(unname(weights(fe))), weight_random = I(unname(weights(dl)))
  )
}

# Log odds ratio of CR, KMT2A-rearranged vs germline, per center: Woolf, +1/2 in every cell of a table with a
# zero cell (escalc's add = 1/2, to = "only0", which is Haldane's correction).
centers <- sort(unique(d$center))
tab <- t(sapply(centers, function(cc) {
  x <- d[d$center == cc, ]
  c(ai = sum(x$kmt2a == "rearranged" & x$cr == 1), bi = sum(x$kmt2a == "rearranged" & x$cr == 0),
    ci = sum(x$kmt2a == "germline" & x$cr == 1), di = sum(x$kmt2a == "germline" & x$cr == 0))
}))
es <- escalc(measure = "OR", ai = tab[, "ai"], bi = tab[, "bi"], ci = tab[, "ci"], di = tab[, "di"],
             add = 1 / 2, to = "only0")
or_pool <- pooled(centers, as.numeric(es$yi), sqrt(as.numeric(es$vi)),
                  "log OR of cr, KMT2A rearranged vs germline, per center (escalc OR, add 1/2 to only0)")
or_pool$tables <- lapply(centers, function(cc) as.list(tab[cc, ]))

# Log HR of OS, KMT2A-rearranged vs germline, from a Cox model of each center alone with age < 6 months and
# WBC (complete cases, no strata). A center where either group has no deaths is left out (center F).
hr_rows <- lapply(centers, function(cc) {
  x <- d[d$center == cc & !is.na(d$wbc), ]
  deaths <- tapply(x$os_event, x$kmt2a, sum)
  if (length(deaths) < 2 || any(deaths == 0)) return(NULL)
  fit <- coxph(Surv(os_time, os_event) ~ kmt2a2 + age_lt6m + wbc, data = x, ties = "efron")
  c(coef(fit)[["kmt2a2rearranged"]], sqrt(vcov(fit)[1, 1]), fit$n, fit$nevent)
})
kept <- !vapply(hr_rows, is.null, TRUE)
hr_mat <- do.call(rbind, hr_rows[kept])
hr_pool <- pooled(centers[kept], hr_mat[, 1], hr_mat[, 2],
                  "log HR of OS, KMT2A rearranged vs germline + age < 6 months + WBC, Cox per center")
hr_pool$n <- I(hr_mat[, 3])
hr_pool$nevent <- I(hr_mat[, 4])
hr_pool$excluded <- I(centers[!kept])

# ---- landmark at day 180 ------------------------------------------------------------------------------------
# Cases alive and followed beyond day 180 (os_time > 180); time from the landmark; exposure = HSCT by day 180.
L <- 180
lm <- d[d$os_time > L, ]
lm$lm_time <- lm$os_time - L
lm$hsct <- factor(ifelse(!is.na(lm$hsct_day) & lm$hsct_day <= L, "HSCT by day 180", "no HSCT by day 180"),
                  levels = c("no HSCT by day 180", "HSCT by day 180"))
lm_fit <- function(formula) {
  fit <- coxph(formula, data = lm, ties = "efron")
  s <- summary(fit)
  c(list(n = fit$n, nevent = fit$nevent, coef = unname(coef(fit))[1], se = unname(sqrt(diag(vcov(fit))))[1],
         hr = unname(s$conf.int[1, "exp(coef)"]), lower = unname(s$conf.int[1, "lower .95"]),
         upper = unname(s$conf.int[1, "upper .95"]), p = unname(s$coefficients[1, "Pr(>|z|)"])),
    tests_of(fit))
}
lr_test <- function(formula) {
  sd <- survdiff(formula, data = lm)
  list(chisq = sd$chisq, df = length(sd$n) - 1, p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE),
       groups = I(sub("^hsct=", "", names(sd$n))), n = I(unname(as.numeric(sd$n))),
       observed = I(unname(if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs)),
       expected = I(unname(if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp)))
}
landmark <- list(
  description = paste("landmark at day 180: os_time > 180, time os_time - 180, exposure HSCT by day 180",
                      "(hsct_day <= 180) vs not; HR of HSCT by day 180 vs not"),
  landmark_days = L, n = nrow(lm), case_keys = I(lm$case_key),
  cox = lm_fit(Surv(lm_time, os_event) ~ hsct),
  cox_strata = lm_fit(Surv(lm_time, os_event) ~ hsct + strata(center)),
  logrank = lr_test(Surv(lm_time, os_event) ~ hsct),
  logrank_strata = lr_test(Surv(lm_time, os_event) ~ hsct + strata(center))
)

out <- list(
  generated_by = "tests/analytics/reference/plans_reference.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  metafor_version = as.character(packageVersion("metafor")),
  cox = cox_cases,
  pooling = list(odds_ratio = or_pool, hazard_ratio = hr_pool),
  landmark = landmark
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", na = "null", pretty = TRUE),
           "plans_reference.json")
