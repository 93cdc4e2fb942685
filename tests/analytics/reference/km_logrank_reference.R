# Reference values for analytics/core/km.py and analytics/core/logrank.py, computed by R's survival package.
# Run from this folder: Rscript km_logrank_reference.R  (writes km_logrank_reference.json)
# The Python tests read the JSON only; they never need R.
suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

read <- function(name) read.csv(file.path("data", paste0(name, ".csv")), stringsAsFactors = FALSE)
num <- function(x) as.numeric(x)  # NA stays NA -> JSON null

# The survival package version and R version the values come from.
meta <- list(
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  generated_by = "tests/analytics/reference/km_logrank_reference.R"
)

# Tiny inline datasets for R's edge rules (median on a flat stretch at 0.5, curve ending at 0.5, ties).
inline <- list(
  flat_half = data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 1)),
  ends_half = data.frame(time = c(1, 2, 3, 4), status = c(1, 1, 0, 0)),
  to_zero = data.frame(time = c(1, 2, 3, 3), status = c(0, 1, 1, 1)),
  starts_zero = data.frame(time = c(0, 0, 2, 5, 5, 7, 9), status = c(1, 0, 1, 1, 0, 1, 0)),
  # Near-ties that survfit's timefix (aeqSurv) merges: 1 and 1 + 1e-10, 3 and 3 + 3e-10.
  near_ties = data.frame(time = c(1, 1 + 1e-10, 2, 2.5, 3, 3 + 3e-10, 4, 4.5),
                         status = c(1, 1, 0, 1, 1, 0, 1, 0))
)

get_data <- function(name) if (!is.null(inline[[name]])) inline[[name]] else read(name)

km_case <- function(id, dataset, time, event, group = NULL, conf_type = "log", times = NULL,
                    rmean = NULL) {
  d <- get_data(dataset)
  rhs <- if (is.null(group)) "1" else group
  f <- as.formula(sprintf("Surv(%s, %s) ~ %s", time, event, rhs))
  fit <- survfit(f, data = d, conf.type = conf_type)
  labels <- if (is.null(group)) "all" else sub("^[^=]*=", "", names(fit$strata))
  curves <- list()
  for (i in seq_along(labels)) {
    z <- if (is.null(group)) fit else fit[i]
    q <- quantile(z, probs = 0.5)
    tab <- summary(z)$table  # print(fit)'s median and limits: the first time a curve reaches 0.5
    curve <- list(
      group = labels[i],
      n = z$n,
      events = sum(z$n.event),
      time = z$time, n_risk = z$n.risk, n_event = z$n.event, n_censor = z$n.censor,
      survival = z$surv, log_std_err = num(z$std.err), lower = num(z$lower), upper = num(z$upper),
      median = num(q$quantile), median_lower = num(q$lower), median_upper = num(q$upper),
      table_median = num(tab[["median"]]), table_lower = num(tab[[grep("LCL$", names(tab))]]),
      table_upper = num(tab[[grep("UCL$", names(tab))]])
    )
    if (!is.null(times)) {
      for (ext in c(FALSE, TRUE)) {
        s <- summary(z, times = times, extend = ext)
        curve[[if (ext) "at_extend" else "at"]] <- list(
          time = s$time, survival = s$surv, std_err = num(s$std.err), lower = num(s$lower),
          upper = num(s$upper), n_risk = s$n.risk
        )
      }
    }
    if (!is.null(rmean)) {
      tab <- summary(z, rmean = rmean)$table
      curve$rmean <- list(horizon = rmean, estimate = num(tab[["rmean"]]), std_err = num(tab[["se(rmean)"]]))
    }
    curves[[i]] <- curve
  }
  list(id = id, dataset = dataset, time = time, event = event, group = group, conf_type = conf_type,
       times = times, curves = curves)
}

logrank_case <- function(id, dataset, time, event, group, strata = NULL, rho = 0) {
  d <- read(dataset)
  rhs <- if (is.null(strata)) group else sprintf("%s + strata(%s)", group, strata)
  f <- as.formula(sprintf("Surv(%s, %s) ~ %s", time, event, rhs))
  x <- survdiff(f, data = d, rho = rho)
  obs <- if (is.matrix(x$obs)) rowSums(x$obs) else x$obs
  ex <- if (is.matrix(x$exp)) rowSums(x$exp) else x$exp
  list(id = id, dataset = dataset, time = time, event = event, group = group, strata = strata, rho = rho,
       groups = sub("^[^=]*=", "", names(x$n)), n = as.vector(x$n),
       chisq = x$chisq, df = length(x$n) - 1, p = x$pvalue,
       observed = as.vector(obs), expected = as.vector(ex), variance = unname(x$var))
}

km <- list()
for (ct in c("log", "log-log", "plain")) {
  km[[length(km) + 1]] <- km_case(paste0("aml_by_x_", ct), "aml", "time", "status", "x", ct,
                                  times = c(0, 3, 5, 10, 30, 48, 100, 161, 200), rmean = 100)
  # The whole aml data: with "log" the upper confidence curve is not monotone near 0.5 (print: 45, quantile: 48).
  km[[length(km) + 1]] <- km_case(paste0("aml_all_", ct), "aml", "time", "status", NULL, ct,
                                  times = c(0, 5, 27, 45, 48, 100, 161, 200), rmean = 100)
  km[[length(km) + 1]] <- km_case(paste0("lung_all_", ct), "lung", "time", "status", NULL, ct,
                                  times = c(365, 730), rmean = 730)
  km[[length(km) + 1]] <- km_case(paste0("lung_by_sex_", ct), "lung", "time", "status", "sex", ct,
                                  times = c(100, 365, 730, 1000), rmean = 365)
  km[[length(km) + 1]] <- km_case(paste0("veteran_by_celltype_", ct), "veteran", "time", "status", "celltype",
                                  ct, times = c(30, 90, 365, 730), rmean = 365)
  km[[length(km) + 1]] <- km_case(paste0("ovarian_by_rx_", ct), "ovarian", "futime", "fustat", "rx", ct,
                                  times = c(365, 730), rmean = 1000)
  km[[length(km) + 1]] <- km_case(paste0("mgus2_by_sex_", ct), "mgus2", "futime", "death", "sex", ct,
                                  times = c(12, 60, 120, 400), rmean = 120)
  km[[length(km) + 1]] <- km_case(paste0("multicenter_os_by_risk_", ct), "multicenter", "os_time", "os_event",
                                  "risk", ct, times = c(365, 730, 1825), rmean = 1825)
  for (nm in names(inline)) {
    km[[length(km) + 1]] <- km_case(paste0(nm, "_", ct), nm, "time", "status", NULL, ct,
                                    times = c(0, 0.5, 1, 2, 3, 4, 10), rmean = 3)
  }
}

lr <- list(
  logrank_case("aml_x", "aml", "time", "status", "x"),
  logrank_case("aml_x_rho1", "aml", "time", "status", "x", rho = 1),
  logrank_case("lung_sex", "lung", "time", "status", "sex"),
  logrank_case("lung_sex_rho1", "lung", "time", "status", "sex", rho = 1),
  logrank_case("veteran_celltype", "veteran", "time", "status", "celltype"),
  logrank_case("veteran_celltype_rho1", "veteran", "time", "status", "celltype", rho = 1),
  logrank_case("veteran_trt_strata_celltype", "veteran", "time", "status", "trt", "celltype"),
  logrank_case("veteran_celltype_strata_trt", "veteran", "time", "status", "celltype", "trt"),
  logrank_case("veteran_celltype_strata_trt_rho1", "veteran", "time", "status", "celltype", "trt", rho = 1),
  logrank_case("ovarian_rx_strata_resid", "ovarian", "futime", "fustat", "rx", "resid.ds"),
  logrank_case("mgus2_sex", "mgus2", "futime", "death", "sex"),
  logrank_case("multicenter_os_risk", "multicenter", "os_time", "os_event", "risk"),
  logrank_case("multicenter_os_risk_rho1", "multicenter", "os_time", "os_event", "risk", rho = 1),
  logrank_case("multicenter_os_risk_strata_center", "multicenter", "os_time", "os_event", "risk", "center"),
  logrank_case("multicenter_os_risk_strata_center_rho1", "multicenter", "os_time", "os_event", "risk", "center",
               rho = 1),
  logrank_case("multicenter_os_age_strata_center", "multicenter", "os_time", "os_event", "age_lt6m", "center")
)

out <- list(meta = meta, inline = inline, km = km, logrank = lr)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null", null = "null", dataframe = "columns", pretty = FALSE),
           "km_logrank_reference.json")
