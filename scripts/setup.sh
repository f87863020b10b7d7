#!/usr/bin/env bash
# Installs every Debian 12 package spcoop needs to build, run and test. Safe to run again: it
# only calls apt-get when something is missing. Needs root (uses sudo when not root).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config make git ca-certificates
  # libraries (see ARCHITECTURE.md, "Dependencies")
  libsqlite3-dev libfmt-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev libexpected-dev
  libssl-dev zlib1g-dev libbrotli-dev
  libxml2-dev libminizip-dev  # ingest: the SDMX-ML and XLSX readers
  libxlsxwriter-dev  # spreadsheet: XLSX exports and the data-entry template
  libsodium-dev  # auth: argon2id passwords, random tokens
  libyaml-cpp-dev libreadstat-dev r-base-core r-cran-laeken  # simulate: rules, .dta/.sav, bench peer
  libcairo2-dev libpango1.0-dev fonts-noto-cjk  # report: PDF drawing, text layout, CJK fonts
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 curl
  libxml2-utils  # xmllint: sdmx_test validates SDMX-ML against the official schemas
  poppler-utils  # pdftotext, pdffonts, pdfinfo: report_test reads the PDFs back
  r-cran-jsonlite r-cran-rsdmx  # tests/sdmx_live: R's SDMX client against a live server
  clang-14 libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer, ASan, UBSan
  libpqxx-dev libpq-dev postgresql-15  # PostgreSQL backend; the server for its tests
  chromium  # web end-to-end tests: the headless browser (Chinese glyphs: fonts-noto-cjk above)
)
# The web app is built with Node.js (18 or newer) and npm. Debian's nodejs and npm packages are
# installed only when `node` or `npm` is missing: a Node.js from elsewhere (NodeSource) already
# ships npm and conflicts with Debian's npm package.
if ! command -v node >/dev/null; then packages+=(nodejs); fi
if ! command -v npm >/dev/null; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} Debian packages are installed"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: run as root or install sudo" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
