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
writeLines(jsonlite::toJSON(out, digits = NA, auto_unbox = TRUE), file.path(dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))), "r_forecast.json"))
