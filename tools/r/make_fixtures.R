#!/usr/bin/env Rscript
# Reference values from R for the montecarlo fitting tests (tests/montecarlo/test_*.py).
#
# Regenerate (from the repository root; needs Debian packages r-base-core,
# r-cran-fitdistrplus, r-cran-suppdists, r-cran-truncnorm, r-cran-jsonlite):
#
#     Rscript tools/r/make_fixtures.R
#
# Writes tests/montecarlo/fixtures/r_fits.json and r_truncnorm.json. The generated samples are
# written into the JSON at full precision, so Python reads exactly the numbers R used. The tests
# only read the JSON; they never need R.
suppressPackageStartupMessages({
  library(fitdistrplus)
  library(SuppDists)
  library(truncnorm)
  library(jsonlite)
})

out_dir <- file.path("tests", "montecarlo", "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

# ---------------------------------------------------------------- data sets
units <- read.csv(file.path("montecarlo", "data", "monthly_units.csv"))
classic <- units$units[units$month <= "2015-09"]
stopifnot(length(classic) == 189)

# Draw from `gen(seed)` until SuppDists' quantile fit picks `type` (seeded, reproducible).
find_type <- function(type, gen) {
  for (seed in 1:2000) {
    x <- gen(seed)
    jf <- tryCatch(JohnsonFit(x, moment = "quant"), error = function(e) NULL)
    if (!is.null(jf) && jf$type == type) return(list(x = x, seed = seed))
  }
  stop(paste("no sample of type", type))
}
rnd <- function(x) signif(x, 10)  # short decimals; exact doubles in the JSON
datasets <- list(classic = list(x = classic, seed = NA))
datasets$johnson_su <- find_type("SU", function(s) { set.seed(s); rnd(10 + 2 * rt(200, df = 4)) })
datasets$johnson_sb <- find_type("SB", function(s) { set.seed(s); rnd(5 + 10 * rbeta(150, 2, 3)) })
datasets$johnson_sl <- find_type("SL", function(s) { set.seed(s); rnd(3 + rlnorm(300, 1, 0.5)) })
datasets$johnson_sl_reflected <- find_type("SL", function(s) {
  set.seed(s); rnd(60 - rlnorm(300, 2, 0.4)) })
datasets$johnson_sn <- find_type("SN", function(s) { set.seed(s); rnd(rnorm(250, 20, 3)) })
set.seed(42); datasets$logistic <- list(x = rnd(rlogis(120, 5, 2)), seed = 42)
set.seed(43); datasets$cauchy <- list(x = rnd(rcauchy(100, 3, 1.5)), seed = 43)
set.seed(44); datasets$gamma_small <- list(x = rnd(rgamma(15, 2.5, 0.4)), seed = 44)
set.seed(45); datasets$weibull_big <- list(x = rnd(rweibull(400, 1.7, 300)), seed = 45)

# ---------------------------------------------------------------- fits
families <- c(norm = "norm", expon = "exp", weibull = "weibull", lognorm = "lnorm",
              gamma = "gamma", logistic = "logis", cauchy = "cauchy")
positive <- c("expon", "weibull", "lognorm", "gamma")

one_fit <- function(x, py, r) {
  if (py %in% positive && any(x <= 0)) return(NULL)
  f <- tryCatch(suppressWarnings(fitdist(x, r, method = "mle")), error = function(e) NULL)
  if (is.null(f)) return(NULL)
  g <- gofstat(f)
  list(estimate = as.list(f$estimate), sd = as.list(f$sd), loglik = f$loglik,
       aic = f$aic, bic = f$bic, ks = unname(g$ks), cvm = unname(g$cvm), ad = unname(g$ad))
}

fixture <- list()
for (name in names(datasets)) {
  x <- datasets[[name]]$x
  fits <- list()
  for (py in names(families)) fits[[py]] <- one_fit(x, py, families[[py]])
  jf <- JohnsonFit(x, moment = "quant")
  q <- quantile(x, probs = c(0.05, 0.206, 0.5, 0.794, 0.95), names = FALSE)
  fixture[[name]] <- list(
    x = x, seed = datasets[[name]]$seed, fits = fits,
    johnson = list(type = jf$type, gamma = jf$gamma, delta = jf$delta, xi = jf$xi,
                   lambda = jf$lambda, quantiles = q,
                   qjohnson = qJohnson(c(0.01, 0.25, 0.5, 0.75, 0.99), jf)))
}
meta <- list(generator = "tools/r/make_fixtures.R", R = R.version.string,
             fitdistrplus = as.character(packageVersion("fitdistrplus")),
             SuppDists = as.character(packageVersion("SuppDists")))
writeLines(toJSON(list(meta = meta, datasets = fixture), auto_unbox = TRUE, digits = NA,
                  null = "null", na = "null", pretty = TRUE),
           file.path(out_dir, "r_fits.json"))

# ---------------------------------------------------------------- truncated normal
cases <- list(
  list(mean = 10, sd = 2, a = 8, b = 15),
  list(mean = 12.3, sd = 3.1, a = 5.2, b = 20.9),
  list(mean = 0, sd = 1, a = -Inf, b = 1.5),
  list(mean = 0, sd = 1, a = 3, b = 4),
  list(mean = 0, sd = 1, a = -4, b = -3),
  list(mean = 0, sd = 1, a = 6, b = 7),
  list(mean = 5, sd = 0.5, a = 5.1, b = Inf)
)
tn <- list()
for (cs in cases) {
  lo <- cs$a; hi <- cs$b
  flo <- if (is.finite(lo)) lo else cs$mean - 6 * cs$sd
  fhi <- if (is.finite(hi)) hi else cs$mean + 6 * cs$sd
  x <- seq(flo, fhi, length.out = 9)
  u <- c(1e-10, 0.001, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999)
  tn[[length(tn) + 1]] <- c(cs, list(
    x = x, p = ptruncnorm(x, lo, hi, cs$mean, cs$sd), d = dtruncnorm(x, lo, hi, cs$mean, cs$sd),
    u = u, q = qtruncnorm(u, lo, hi, cs$mean, cs$sd),
    e = etruncnorm(lo, hi, cs$mean, cs$sd), v = vtruncnorm(lo, hi, cs$mean, cs$sd)))
}
meta$truncnorm <- as.character(packageVersion("truncnorm"))
writeLines(toJSON(list(meta = meta, cases = tn), auto_unbox = TRUE, digits = NA,
                  pretty = TRUE),
           file.path(out_dir, "r_truncnorm.json"))
cat("wrote", file.path(out_dir, c("r_fits.json", "r_truncnorm.json")), "\n")
