# Writes the input tables the R-reference tests use: public datasets shipped with R's survival package,
# and a synthetic multicenter infant cohort. Run from this folder: Rscript export_datasets.R
suppressPackageStartupMessages(library(survival))

out <- function(df, name) write.csv(df, file.path("data", paste0(name, ".csv")), row.names = FALSE, na = "")

aml_df <- survival::aml
aml_df$x <- as.character(aml_df$x)
out(aml_df, "aml")

lung_df <- survival::lung
lung_df$status <- lung_df$status - 1  # 1 = censored, 2 = dead in R's coding -> 0/1
out(lung_df, "lung")

vet <- survival::veteran
vet$celltype <- as.character(vet$celltype)
out(vet, "veteran")

out(survival::ovarian, "ovarian")

m <- survival::mgus2
# Competing risks: progression (1) before death (2); censored (0).
m$etime <- ifelse(m$pstat == 0, m$futime, m$ptime)
m$event <- ifelse(m$pstat == 0, 2 * m$death, 1)
out(m, "mgus2")

# Synthetic multicenter cohort: 8 centers, three cytogenetic risk classes, binary covariates, exponential
# hazards with a center frailty; relapse (1) and death in remission (2) as competing events.
set.seed(20261121)
n <- 600
center <- sample(sprintf("C%02d", 1:8), n, replace = TRUE, prob = c(.2, .18, .15, .12, .1, .1, .08, .07))
risk <- sample(c("favorable", "intermediate", "unfavorable"), n, replace = TRUE, prob = c(.25, .4, .35))
age_lt6m <- rbinom(n, 1, 0.45)
wbc300 <- rbinom(n, 1, 0.2)
sex <- sample(c("F", "M"), n, replace = TRUE)
frailty <- setNames(rnorm(8, 0, 0.25), sprintf("C%02d", 1:8))
lp <- 0.6 * (risk == "intermediate") + 1.1 * (risk == "unfavorable") + 0.5 * age_lt6m + 0.4 * wbc300 +
  frailty[center]
rel <- rexp(n, 0.00035 * exp(lp))
drem <- rexp(n, 0.00012 * exp(0.3 * age_lt6m))
cens <- runif(n, 365, 6 * 365)
first <- pmin(rel, drem, cens)
cr_event <- ifelse(first == cens, 0, ifelse(first == rel, 1, 2))
# Overall survival: relapse is fatal with probability 0.6 within a year, death in remission is death.
post <- ifelse(cr_event == 1, ifelse(runif(n) < 0.6, runif(n, 30, 365), Inf), 0)
death_time <- ifelse(cr_event == 2, first, first + post)
os_event <- as.integer(death_time <= cens)
os_time <- round(pmin(death_time, cens))
out(data.frame(
  center = center, risk = risk, age_lt6m = age_lt6m, wbc300 = wbc300, sex = sex,
  time = pmax(round(first), 1), cr_event = cr_event,
  os_time = pmax(os_time, 1), os_event = os_event
), "multicenter")
