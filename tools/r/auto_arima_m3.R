#!/usr/bin/env Rscript
# R's forecast::auto.arima (default arguments) on series read from a CSV, for
# tools/arima_vs_r.py (dev tool, not a test).
#
#     Rscript tools/r/auto_arima_m3.R in.csv out.csv [h]
#
# in.csv: columns series, value (the training part, in time order), frequency 12.
# out.csv: one row per series: p, d, q, P, D, Q, constant (1 when a mean or drift was
# chosen), aicc, seasonal strength (nsdiffs' heuristic), cpu seconds, then f1..fh.
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
h <- if (length(args) >= 3) as.integer(args[3]) else 18L
d <- read.csv(args[1], stringsAsFactors = FALSE)
ids <- unique(d$series)
rows <- vector("list", length(ids))
for (i in seq_along(ids)) {
  y <- ts(d$value[d$series == ids[i]], frequency = 12)
  t0 <- proc.time()[["user.self"]]
  fit <- auto.arima(y)
  fc <- as.numeric(forecast(fit, h = h)$mean)
  cpu <- proc.time()[["user.self"]] - t0
  a <- fit$arma  # p, q, P, Q, m, d, D
  const <- as.integer(any(names(coef(fit)) %in% c("drift", "intercept")))
  strength <- if (length(y) > 24) forecast:::seas.heuristic(y) else NA
  rows[[i]] <- c(list(series = ids[i], p = a[1], d = a[6], q = a[2], P = a[3], D = a[7],
                      Q = a[4], constant = const, aicc = fit$aicc, strength = strength,
                      cpu = cpu), setNames(as.list(fc), paste0("f", seq_len(h))))
}
write.csv(do.call(rbind.data.frame, rows), args[2], row.names = FALSE)
