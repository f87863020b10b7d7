# Peer for bench/simulate_bench.cc: the same poverty and inequality indicators with R's laeken
# (Debian r-cran-laeken) on the same data.
#   Rscript bench/simulate_bench.R DATA.bin N
# DATA.bin holds N doubles of welfare then N doubles of weights (little-endian), written by the
# C++ benchmark. Prints one "name value" line per result; "laeken_seconds" is the total time of
# arpr + gini + qsr + rmpg (reading the file is not timed).
suppressPackageStartupMessages(library(laeken))
args <- commandArgs(trailingOnly = TRUE)
con <- file(args[1], "rb")
n <- as.integer(args[2])
inc <- readBin(con, "double", n = n)
w <- readBin(con, "double", n = n)
close(con)
t <- system.time({
  a <- arpr(inc, weights = w)          # at-risk-of-poverty rate: below 60% of the weighted median
  g <- gini(inc, weights = w)          # Gini (x 100)
  q <- qsr(inc, weights = w)           # S80/S20 quintile share ratio
  r <- rmpg(inc, weights = w)          # relative median at-risk-of-poverty gap (x 100)
})[["elapsed"]]
cat(sprintf("laeken_seconds %.6f\n", t))
cat(sprintf("arpr %.10f\n", a$value / 100))
cat(sprintf("threshold %.10f\n", a$threshold))
cat(sprintf("gini %.10f\n", g$value / 100))
cat(sprintf("qsr %.10f\n", q$value))
cat(sprintf("rmpg %.10f\n", r$value / 100))
