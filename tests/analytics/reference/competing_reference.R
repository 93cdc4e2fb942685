# Reference values for analytics/core/competing.py: Aalen-Johansen cumulative incidence (survival::survfit,
# multi-state, infinitesimal-jackknife standard error; log, log-log and plain CIs), cmprsk::cuminc estimates
# and variances, and Gray's test (cmprsk::cuminc, rho = 0), on the CSVs in data/.
# Run from this folder: Rscript competing_reference.R  (writes competing_reference.json)
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
  library(jsonlite)
})

read <- function(name) read.csv(file.path("data", paste0(name, ".csv")), stringsAsFactors = FALSE)

# One survfit per CI transform; the point estimates and standard errors do not depend on it.
aj_curves <- function(time, event, group) {
  ev <- factor(event, levels = c(0, 1, 2))
  fits <- lapply(c(log = "log", loglog = "log-log", plain = "plain"), function(ct) {
    if (is.null(group)) survfit(Surv(time, ev) ~ 1, conf.type = ct)
    else survfit(Surv(time, ev) ~ group, conf.type = ct)
  })
  fit <- fits$log
  st <- fit$states
  k <- which(st == "1")
  labels <- if (is.null(fit$strata)) rep("all", length(fit$time)) else
    sub("^group=", "", rep(names(fit$strata), fit$strata))
  out <- list()
  for (g in unique(labels)) {
    rows <- labels == g
    out[[g]] <- list(
      time = fit$time[rows],
      n_risk = fit$n.risk[rows, 1],
      estimate = fit$pstate[rows, k],
      std_err = fit$std.err[rows, k],
      lower_log = fits$log$lower[rows, k], upper_log = fits$log$upper[rows, k],
      lower_loglog = fits$loglog$lower[rows, k], upper_loglog = fits$loglog$upper[rows, k],
      lower_plain = fits$plain$lower[rows, k], upper_plain = fits$plain$upper[rows, k]
    )
  }
  out
}

# Estimates at chosen times, as summary.survfit gives them (times past a group's last follow-up are dropped).
aj_at <- function(time, event, group, times) {
  ev <- factor(event, levels = c(0, 1, 2))
  fit <- if (is.null(group)) survfit(Surv(time, ev) ~ 1) else survfit(Surv(time, ev) ~ group)
  sm <- summary(fit, times = times)
  k <- which(fit$states == "1")
  labels <- if (is.null(sm$strata)) rep("all", length(sm$time)) else sub("^group=", "", as.character(sm$strata))
  out <- list()
  for (g in unique(labels)) {
    rows <- labels == g
    out[[g]] <- list(time = sm$time[rows], estimate = sm$pstate[rows, k], std_err = sm$std.err[rows, k],
      lower = sm$lower[rows, k], upper = sm$upper[rows, k])
  }
  out
}

cuminc_curves <- function(time, event, group) {
  ci <- if (is.null(group)) cuminc(time, event) else cuminc(time, event, group)
  out <- list()
  for (nm in names(ci)) {
    if (nm == "Tests") next
    parts <- strsplit(nm, " ")[[1]]
    if (parts[length(parts)] != "1") next
    g <- if (is.null(group)) "all" else paste(parts[-length(parts)], collapse = " ")
    cur <- ci[[nm]]
    # cuminc returns the corners of the step function; keep the value after the jump at each time.
    keep <- !duplicated(cur$time, fromLast = TRUE)
    out[[g]] <- list(time = cur$time[keep], estimate = cur$est[keep], variance = cur$var[keep])
  }
  out
}

gray <- function(time, event, group, strata = NULL) {
  ci <- if (is.null(strata)) cuminc(time, event, group) else cuminc(time, event, group, strata)
  tst <- ci$Tests
  # cuminc reports 1 - pchisq(), which underflows to 0 below about 1e-16; p_upper is the upper tail directly.
  list(chisq = unname(tst["1", "stat"]), df = unname(tst["1", "df"]), p = unname(tst["1", "pv"]),
    p_upper = pchisq(unname(tst["1", "stat"]), unname(tst["1", "df"]), lower.tail = FALSE))
}

case <- function(name, tcol, ecol, gcol, times, strata_col = NULL) {
  d <- read(name)
  g <- if (is.null(gcol)) NULL else d[[gcol]]
  res <- list(
    data = paste0(name, ".csv"), time = tcol, event = ecol, group = gcol, times = times,
    survfit = aj_curves(d[[tcol]], d[[ecol]], g),
    at = aj_at(d[[tcol]], d[[ecol]], g, times),
    cuminc = cuminc_curves(d[[tcol]], d[[ecol]], g)
  )
  if (!is.null(gcol)) res$gray <- gray(d[[tcol]], d[[ecol]], g)
  if (!is.null(strata_col)) {
    res$strata <- strata_col
    res$gray_stratified <- gray(d[[tcol]], d[[ecol]], g, d[[strata_col]])
  }
  res
}

ref <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  cmprsk_version = as.character(packageVersion("cmprsk")),
  cases = list(
    mgus2_all = case("mgus2", "etime", "event", NULL, c(12, 60, 120, 240)),
    mgus2_sex = case("mgus2", "etime", "event", "sex", c(12, 60, 120, 240)),
    multicenter_risk = case("multicenter", "time", "cr_event", "risk", c(365, 730, 1825), "center"),
    multicenter_sex = case("multicenter", "time", "cr_event", "sex", c(365, 730, 1825), "center")
  )
)
writeLines(toJSON(ref, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = FALSE),
  "competing_reference.json")
