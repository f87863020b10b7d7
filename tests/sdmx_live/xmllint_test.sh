#!/usr/bin/env bash
# Fetches every kind of SDMX-ML message from a live server the way a client does and validates each
# with xmllint against the official SDMX 2.1 schemas. StructureSpecificData needs the DSD-specific
# schema, which the server does not serve yet: here it is only checked to be well-formed XML in the
# DSD's namespace (src/sdmx/sdmx_test.cc validates it against the generated schema).
# Usage: xmllint_test.sh SCHEMA_DIR BASE_URL
set -euo pipefail
schemas=$1
base=$2/sdmx/rest
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0

check() {  # name url [accept]
  local name=$1 url=$2 accept=${3:-application/xml}
  local status
  status=$(curl -s -o "$dir/$name.xml" -w '%{http_code}' -H "Accept: $accept" "$url")
  if [[ $status != 200 && $status != 404 ]]; then
    echo "FAIL $name: HTTP $status"; failures=$((failures + 1)); return
  fi
  if xmllint --noout --nonet --schema "$schemas/SDMXMessage.xsd" "$dir/$name.xml" \
       > "$dir/$name.log" 2>&1; then
    echo "ok   $name (HTTP $status)"
  else
    echo "FAIL $name"; head -n 20 "$dir/$name.log"; failures=$((failures + 1))
  fi
}

check dataflows "$base/dataflow/all/all/latest/"
check dataflow_with_children "$base/dataflow/SPP/DF_SP_COV/1.0?references=all"
check dsd_with_children "$base/datastructure/all/DSD_SP_COV/latest/?references=children"
check codelists "$base/codelist/SPP/all/latest"
check conceptscheme "$base/conceptscheme/SPP/CS_SP/1.0"
check generic_all "$base/data/SPP,DF_SP_COV,1.0/all/all/"
check generic_key_period "$base/data/SPP,DF_SP_COV,1.0/A.G.SI_COV_BENFTS+SI_COV_PENSN.116+418../all/?startPeriod=2015&endPeriod=2023"
check generic_flat "$base/data/DF_SP_COV/all/all?dimensionAtObservation=AllDimensions"
check generic_serieskeysonly "$base/data/DF_SP_COV/.G.SI_COV_PENSN...?detail=serieskeysonly"
check generic_nodata "$base/data/DF_SP_COV/.G.SI_COV_PENSN...?detail=nodata"
check generic_dataonly "$base/data/DF_SP_COV/.G.SI_COV_PENSN...?detail=dataonly&lastNObservations=1"
check no_results_error "$base/data/DF_SP_COV/A.G.SI_COV_BENFTS.999../all"
check national_reporting_type "$base/data/DF_SP_COV/A.N.SI_COV_CHLD.704../all"
# The national targets' dataflow.
check targets_dataflow_with_children "$base/dataflow/SPP/DF_SP_TGT/1.0?references=all"
check targets_dsd_with_children "$base/datastructure/all/DSD_SP_TGT/latest/?references=children"
check targets_generic_all "$base/data/SPP,DF_SP_TGT,1.0/all/all/"
check targets_generic_key_period "$base/data/DF_SP_TGT/A.SI_COV_BENFTS.116...?startPeriod=2025&endPeriod=2030"
check targets_generic_flat "$base/data/DF_SP_TGT/all/all?dimensionAtObservation=AllDimensions"
check targets_generic_serieskeysonly "$base/data/DF_SP_TGT/all?detail=serieskeysonly"
check targets_no_results_error "$base/data/DF_SP_TGT/A.SI_COV_CHLD.418...INTERIM"

curl -s -H 'Accept: application/vnd.sdmx.structurespecificdata+xml;version=2.1' \
  "$base/data/DF_SP_COV/all/all" -o "$dir/ss.xml"
if xmllint --noout --nonet "$dir/ss.xml" && grep -q 'ObsLevelDim:TIME_PERIOD' "$dir/ss.xml"; then
  echo "ok   structurespecific (well-formed)"
else
  echo "FAIL structurespecific"; failures=$((failures + 1))
fi

if ((failures > 0)); then echo "$failures message(s) failed"; exit 1; fi
echo "all messages validate"
