# R's rsdmx (Debian r-cran-rsdmx) against a live spcoop server: the dataflows, the data structures
# with their codelists, data of the coverage flow for a key and a period, and the national
# targets, read both with plain URLs and through a custom SDMXServiceProvider with dsd = TRUE.
# Every value is compared with the JSON API (/api/v1), which is read with jsonlite, not rsdmx.
# with_server.sh sets two targets. Usage: Rscript rsdmx_test.R http://127.0.0.1:PORT
suppressPackageStartupMessages({
  library(rsdmx)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = TRUE)
stopifnot(length(args) == 1)
server <- args[1]
base <- paste0(server, "/sdmx/rest")
failures <- 0
check <- function(ok, what) {
  if (isTRUE(ok)) {
    cat("ok   ", what, "\n")
  } else {
    cat("FAIL ", what, "\n")
    failures <<- failures + 1
  }
}
api <- function(path) fromJSON(paste0(server, "/api/v1/", path))$data
# rsdmx warns about its own vector conditions on observation attributes; they do not matter here.
quiet <- function(x) suppressWarnings(x)

economies <- api("economies")
series <- api("series")
m49_to_iso3 <- setNames(economies$iso3, economies$m49)

# The key and period: at least one benefit and pensions, Cambodia (116) and Lao PDR (418).
key <- "A.G.SI_COV_BENFTS+SI_COV_PENSN.116+418.."
start <- 2015
end <- 2023
expected <- api(paste0("observations?series=SI_COV_BENFTS,SI_COV_PENSN&economy=KHM,LAO",
                       "&quantile=_T&year_from=", start, "&year_to=", end, "&page_size=1000"))
check(nrow(expected) > 10, sprintf("the API has data for the key (%d observations)", nrow(expected)))
expected$id <- paste(expected$series, expected$economy, expected$sex, expected$age, expected$year)

# Compares a data frame read by rsdmx with the API's observations, value by value.
compare_data <- function(df, label) {
  check(nrow(df) == nrow(expected),
        sprintf("%s: %d rows, the API has %d", label, nrow(df), nrow(expected)))
  iso3 <- m49_to_iso3[sprintf("%03d", as.integer(as.character(df$REF_AREA)))]
  check(all(!is.na(iso3)), paste(label, ": every REF_AREA is an economy's M49 code"))
  id <- paste(df$SERIES, iso3, df$SEX, df$AGE, df$obsTime)
  check(setequal(id, expected$id), paste(label, ": the same keys and years as the API"))
  got <- as.numeric(df$obsValue)[match(expected$id, id)]
  check(isTRUE(all.equal(got, expected$value, tolerance = 0)),
        paste(label, ": every value equals the API's"))
  check(all(df$FREQ == "A") && all(df$UNIT_MEASURE == "PT"), paste(label, ": FREQ A, unit PT"))
}

# The national targets from the API, one row per value: the baseline, the 2025 interim target
# (when set) and the 2030 target, keyed like the rows of DF_SP_TGT.
targets <- api("targets")
check(nrow(targets) == 2, sprintf("the API has the two targets (%d)", nrow(targets)))
target_values <- rbind(
  data.frame(targets[, c("series", "economy", "sex", "age")], type = "BASELINE",
             year = targets$baseline_year, value = targets$baseline_value),
  data.frame(targets[, c("series", "economy", "sex", "age")], type = "INTERIM",
             year = 2025, value = targets$interim_2025),
  data.frame(targets[, c("series", "economy", "sex", "age")], type = "TARGET",
             year = 2030, value = targets$target_2030))
target_values <- target_values[!is.na(target_values$value), ]
target_values$id <- paste(target_values$series, target_values$economy, target_values$sex,
                          target_values$age, target_values$type, target_values$year)

# Compares a data frame of DF_SP_TGT read by rsdmx with the API's targets, value by value.
compare_targets <- function(df, label) {
  check(nrow(df) == nrow(target_values),
        sprintf("%s: %d rows, the API has %d target values", label, nrow(df), nrow(target_values)))
  iso3 <- m49_to_iso3[sprintf("%03d", as.integer(as.character(df$REF_AREA)))]
  id <- paste(df$SERIES, iso3, df$SEX, df$AGE, df$TARGET_TYPE, df$obsTime)
  check(setequal(id, target_values$id), paste(label, ": the same keys, kinds and years as the API"))
  got <- as.numeric(df$obsValue)[match(target_values$id, id)]
  check(isTRUE(all.equal(got, target_values$value, tolerance = 0)),
        paste(label, ": every value equals the API's"))
}

# ---------------------------------------------------------------- plain URLs
flows <- quiet(as.data.frame(readSDMX(paste0(base, "/dataflow/all/all/latest/"))))
check(setequal(as.character(flows$id), c("DF_SP_COV", "DF_SP_TGT")),
      "dataflows: two, DF_SP_COV and DF_SP_TGT")
check(all(as.character(flows$agencyID) == "SPP"), "dataflows: agency SPP")
check(identical(as.character(flows$dsdRef)[match(c("DF_SP_COV", "DF_SP_TGT"), flows$id)],
                c("DSD_SP_COV", "DSD_SP_TGT")),
      "dataflows: structures DSD_SP_COV and DSD_SP_TGT")

dsd <- readSDMX(paste0(base, "/datastructure/all/DSD_SP_COV/latest/?references=children"))
check(is(dsd, "SDMXStructureType") || is(dsd, "SDMXDataStructureDefinition"),
      "datastructure with references=children is read as a complete DSD")
codelists <- slot(dsd, "codelists")
ids <- sapply(slot(codelists, "codelists"), function(x) slot(x, "id"))
check(all(c("CL_FREQ", "CL_REPORTING_TYPE", "CL_SERIES", "CL_AREA", "CL_SEX", "CL_AGE") %in% ids),
      "the DSD brings the codelists of its six dimensions")
cl_series <- as.data.frame(codelists, codelistId = "CL_SERIES")
check(setequal(cl_series$id, series$code), "CL_SERIES has exactly the API's 12 series")
check(identical(cl_series$name.en[match(series$code, cl_series$id)], series$names$en),
      "CL_SERIES English names are the API's")
check(identical(cl_series$name.fr[match(series$code, cl_series$id)], series$names$fr),
      "CL_SERIES French names are the API's")
cl_area <- as.data.frame(codelists, codelistId = "CL_AREA")
check(all(economies$m49 %in% cl_area$id), "CL_AREA has every economy's M49 code")
check(identical(cl_area$name.zh[match(economies$m49, cl_area$id)], economies$names$zh),
      "CL_AREA Chinese names are the API's")
cl_sex <- as.data.frame(codelists, codelistId = "CL_SEX")
check(setequal(cl_sex$id, c("_T", "F", "M")), "CL_SEX is _T, F, M")
dims <- slot(slot(slot(dsd, "datastructures"), "datastructures")[[1]], "Components")
dim_ids <- sapply(slot(dims, "Dimensions"), function(x) slot(x, "conceptRef"))
check(identical(dim_ids, c("FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE")),
      "dimensions in the SDG global database's order")

data_url <- sprintf("%s/data/SPP,DF_SP_COV,1.0/%s/all/?startPeriod=%d&endPeriod=%d",
                    base, key, start, end)
compare_data(quiet(as.data.frame(readSDMX(data_url))), "data by URL")

# The national figure with_server.sh imported (REPORTING_TYPE N) is its own series.
national <- quiet(as.data.frame(readSDMX(paste0(base, "/data/DF_SP_COV/A.N..../all/"))))
vnm <- api("observations?series=SI_COV_CHLD&economy=VNM&year_from=2024&year_to=2024")
check(nrow(national) == 1 && all(national$REPORTING_TYPE == "N") &&
        identical(as.character(national$REF_AREA), "704") && national$obsTime == "2024" &&
        as.numeric(national$obsValue) == vnm$value[vnm$sex == "_T" & vnm$age == "_T"],
      "REPORTING_TYPE N: the national figure alone, with the API's value")

target_dsd <- readSDMX(paste0(base, "/datastructure/all/DSD_SP_TGT/latest/?references=children"))
check(is(target_dsd, "SDMXStructureType") || is(target_dsd, "SDMXDataStructureDefinition"),
      "targets: the DSD with references=children is read as a complete DSD")
target_dims <- slot(slot(slot(target_dsd, "datastructures"), "datastructures")[[1]], "Components")
check(identical(sapply(slot(target_dims, "Dimensions"), function(x) slot(x, "conceptRef")),
                c("FREQ", "SERIES", "REF_AREA", "SEX", "AGE", "TARGET_TYPE")),
      "targets: dimensions FREQ, SERIES, REF_AREA, SEX, AGE, TARGET_TYPE")
cl_type <- as.data.frame(slot(target_dsd, "codelists"), codelistId = "CL_TARGET_TYPE")
check(setequal(cl_type$id, c("BASELINE", "INTERIM", "TARGET")),
      "targets: CL_TARGET_TYPE is BASELINE, INTERIM, TARGET")
check(all(!is.na(cl_type$name.en) & !is.na(cl_type$name.zh) & !is.na(cl_type$name.ru) &
          !is.na(cl_type$name.fr)), "targets: CL_TARGET_TYPE is named in en, zh, ru and fr")
compare_targets(quiet(as.data.frame(readSDMX(paste0(base, "/data/SPP,DF_SP_TGT,1.0/all/all/")))),
                "targets by URL")

# ---------------------------------------------------------------- a custom provider, dsd = TRUE
provider <- SDMXServiceProvider(
  agencyId = "SPCOOP", name = "spcoop on loopback",
  builder = SDMXREST21RequestBuilder(regUrl = base, repoUrl = base, compliant = TRUE))
addSDMXServiceProvider(provider)
provider_flows <- quiet(as.data.frame(readSDMX(providerId = "SPCOOP", resource = "dataflow")))
check(setequal(as.character(provider_flows$id), c("DF_SP_COV", "DF_SP_TGT")), "provider: dataflows")
provider_dsd <- readSDMX(providerId = "SPCOOP", resource = "datastructure",
                         resourceId = "DSD_SP_COV")
check(length(slot(slot(provider_dsd, "codelists"), "codelists")) >= 6, "provider: DSD with codelists")
sdmx <- readSDMX(providerId = "SPCOOP", resource = "data", flowRef = "DF_SP_COV", key = key,
                 start = start, end = end, dsd = TRUE)
check(!is.null(slot(sdmx, "dsd")), "provider: the DSD is fetched and bound to the data")
labelled <- quiet(as.data.frame(sdmx, labels = TRUE))
compare_data(labelled, "data by provider")
iso3 <- m49_to_iso3[sprintf("%03d", as.integer(as.character(labelled$REF_AREA)))]
check(identical(unname(as.character(labelled$REF_AREA_label.en)),
                unname(economies$names$en[match(iso3, economies$iso3)])),
      "provider: REF_AREA labels are the API's economy names")
check(identical(unname(as.character(labelled$SERIES_label.en)),
                unname(series$names$en[match(labelled$SERIES, series$code)])),
      "provider: SERIES labels are the API's series names")

targets_sdmx <- readSDMX(providerId = "SPCOOP", resource = "data", flowRef = "DF_SP_TGT",
                         dsd = TRUE)
check(!is.null(slot(targets_sdmx, "dsd")), "provider: the targets' DSD is bound to the data")
targets_labelled <- quiet(as.data.frame(targets_sdmx, labels = TRUE))
compare_targets(targets_labelled, "targets by provider")
check(identical(sort(unique(as.character(targets_labelled$TARGET_TYPE_label.en))),
                c("Baseline", "Interim target (2025)", "Target (2030)")),
      "provider: TARGET_TYPE labels come from CL_TARGET_TYPE")

if (failures > 0) {
  cat(failures, "check(s) failed\n")
  quit(status = 1)
}
cat("all rsdmx checks passed\n")
