# Reference forecasts from R's forecast package (8.20) for tests/forecast.
# Run: Rscript tests/forecast/data/make_r_fixtures.R  (writes r_forecast.json next to it)
suppressMessages(library(forecast))
out <- list()
ap <- as.numeric(AirPassengers)
set.seed(1)
ns <- 60
nonseas <- as.numeric(50 + cumsum(rnorm(ns, 0.3, 1)))
out$airpassengers <- ap
out$nonseasonal <- nonseas
y <- ts(ap, frequency = 12)
z <- ts(nonseas, frequency = 1)
lev <- c(80)
sn <- snaive(y, h = 18, level = lev)
out$snaive <- list(mean = as.numeric(sn$mean), lower80 = as.numeric(sn$lower), upper80 = as.numeric(sn$upper))
nv <- naive(z, h = 6, level = lev)
out$naive <- list(mean = as.numeric(nv$mean), lower80 = as.numeric(nv$lower), upper80 = as.numeric(nv$upper))
dr <- rwf(z, h = 6, drift = TRUE, level = lev)
out$drift <- list(mean = as.numeric(dr$mean), lower80 = as.numeric(dr$lower), upper80 = as.numeric(dr$upper))
mf <- meanf(z, h = 6, level = lev)
out$meanf <- list(mean = as.numeric(mf$mean), lower80 = as.numeric(mf$lower), upper80 = as.numeric(mf$upper))
th <- thetaf(y, h = 18, level = lev)
out$thetaf_ap <- list(mean = as.numeric(th$mean))
th2 <- thetaf(z, h = 6, level = lev)
out$thetaf_nonseasonal <- list(mean = as.numeric(th2$mean), lower80 = as.numeric(th2$lower), upper80 = as.numeric(th2$upper), alpha = unname(th2$model$par["alpha"]))
e1 <- ets(z, model = "ANN")
f1 <- forecast(e1, h = 6, level = lev)
out$ets_ann <- list(mean = as.numeric(f1$mean), lower80 = as.numeric(f1$lower), upper80 = as.numeric(f1$upper), alpha = unname(e1$par["alpha"]))
e2 <- ets(y)
f2 <- forecast(e2, h = 18, level = lev)
out$ets_ap <- list(method = e2$method, mean = as.numeric(f2$mean), lower80 = as.numeric(f2$lower), upper80 = as.numeric(f2$upper), loglik = e2$loglik, aicc = e2$aicc, sigma2 = e2$sigma2, par = as.list(e2$par), init = as.numeric(e2$initstate))
# fixed forms on classic monthly / yearly series: likelihood at R's optimum and its parameters
fixed_fit <- function(x, model, damped) {
  e <- ets(x, model = model, damped = damped)
  f <- forecast(e, h = 12, level = lev)
  list(x = as.numeric(x), m = frequency(x), method = e$method, loglik = e$loglik, aicc = e$aicc, sigma2 = e$sigma2, par = as.list(e$par), init = as.numeric(e$initstate), mean = as.numeric(f$mean), lower80 = as.numeric(f$lower), upper80 = as.numeric(f$upper))
}
out$ets_fixed <- list(
  USAccDeaths_MAM = fixed_fit(USAccDeaths, "MAM", FALSE),
  ldeaths_MNM = fixed_fit(ldeaths, "MNM", FALSE),
  UKDriverDeaths_AAA = fixed_fit(UKDriverDeaths, "AAA", FALSE),
  WWWusage_AAdN = fixed_fit(WWWusage, "AAN", TRUE),
  nonseasonal_MAN = fixed_fit(z, "MAN", FALSE)
)
a1 <- Arima(log(y), order = c(0, 1, 1), seasonal = c(0, 1, 1))
fa <- forecast(a1, h = 18, level = lev)
out$arima_airline <- list(mean = as.numeric(fa$mean), lower80 = as.numeric(fa$lower), upper80 = as.numeric(fa$upper), coef = unname(coef(a1)))
a2 <- auto.arima(log(y))
out$auto_arima_ap <- list(arma = a2$arma, mean = as.numeric(forecast(a2, h = 18)$mean))
a3 <- auto.arima(z)
out$auto_arima_nonseasonal <- list(arma = a3$arma, mean = as.numeric(forecast(a3, h = 6)$mean))
# auto.arima on simulated monthly series (tests/forecast/test_arima.py): orders, forecasts,
# and the seasonal strength nsdiffs uses.
set.seed(2024)
tt <- 1:96
arima_cases <- list(
  trend_season_ar = 100 + 0.4 * tt + 8 * sin(2 * pi * tt / 12) + arima.sim(list(ar = 0.6), 96),
  walk_season = 50 + cumsum(rnorm(96)) + 5 * cos(2 * pi * tt / 12),
  seasonal_walk = 20 + as.numeric(filter(rnorm(96), c(rep(0, 11), 1), method = "recursive", init = 3 * sin(2 * pi * (1:12) / 12))),
  noisy_level = 10 + arima.sim(list(ma = 0.5), 96),
  drift_ma = 30 + cumsum(0.3 + arima.sim(list(ma = -0.4), 96)),
  short_season = 200 + 15 * sin(2 * pi * (1:60) / 12) + cumsum(rnorm(60, 0, 2))
)
out$auto_arima_cases <- lapply(arima_cases, function(v) {
  v <- ts(as.numeric(v), frequency = 12)
  fit <- auto.arima(v)
  list(x = as.numeric(v), arma = fit$arma, constant = any(names(coef(fit)) %in% c("drift", "intercept")),
       mean = as.numeric(forecast(fit, h = 12)$mean), strength = forecast:::seas.heuristic(v))
})
# Trend + white noise: KPSS asks for d = 1, where (0,1,1) with drift has the best AICc but an
# MA root at 1 (over-differencing); auto.arima rejects it (roots within 1.01) and picks another.
set.seed(1)
overdiff <- ts(10 + 0.2 * (1:80) + rnorm(80), frequency = 1)
od <- auto.arima(overdiff)
od011 <- Arima(overdiff, order = c(0, 1, 1), include.drift = TRUE)
out$auto_arima_overdiff <- list(x = as.numeric(overdiff), arma = od$arma, aicc = od$aicc,
  mean = as.numeric(forecast(od, h = 6)$mean), ma011 = unname(coef(od011)[1]), aicc011 = od011$aicc)
# Very short monthly series: ets() takes its Holt-Winters path (n <= npars + 4)
short_fit <- function(x, model) {
  e <- ets(ts(x, frequency = 12), model = model)
  f <- forecast(e, h = 3, level = lev)
  list(x = x, model = model, method = e$method, par = as.list(e$par), sigma2 = e$sigma2,
       mean = as.numeric(f$mean), lower80 = as.numeric(f$lower), upper80 = as.numeric(f$upper))
}
out$ets_short <- list(
  short_fit(c(100, 102, 101, 104, 104), "ZZZ"),
  short_fit(c(100, 103, 101, 104, 104, 105), "ZZZ"),
  short_fit(c(5.2, 4.8, 6.1), "ZZZ"),
  short_fit(c(10, 12, 15, 17, 20, 22), "ZZZ"),
  short_fit(c(100, 102, 101, 104, 104, 106, 107), "AAN"),
  short_fit(c(100, 102, 101, 104), "ANN")
)
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "r_forecast.json"))
