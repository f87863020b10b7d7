#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, libFuzzer with clang-14, ASan and UBSan) in build-fuzz and runs
# each for FUZZ_SECONDS (default 40) from its corpus in fuzz/corpus. Fails on any crash, hang
# (an input taking over 10 s), out-of-memory (over 2 GB) or sanitizer report; the input that
# failed is left in build-fuzz/artifacts/. New inputs found go to build-fuzz/corpus/, never to
# fuzz/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-40}

CXX=clang++-14 cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSPCOOP_FUZZ=ON -DSPCOOP_BUILD_TESTS=OFF -DSPCOOP_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" --target fuzz_csv fuzz_sdmx_ml fuzz_xlsx -j "${JOBS:-2}"

mkdir -p "$BUILD_DIR/artifacts"
for target in csv sdmx_ml xlsx; do
  corpus="$BUILD_DIR/corpus/$target"
  mkdir -p "$corpus"
  echo "fuzz: $target for ${seconds}s"
  # ASan's leak check stays on; UBSan aborts on its first report (-fno-sanitize-recover).
  "$BUILD_DIR/fuzz/fuzz_$target" "$corpus" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -artifact_prefix="$BUILD_DIR/artifacts/${target}-" -print_final_stats=1 \
    2> "$BUILD_DIR/fuzz_$target.log" || {
      echo "fuzz: $target failed; see $BUILD_DIR/fuzz_$target.log and $BUILD_DIR/artifacts/" >&2
      tail -n 40 "$BUILD_DIR/fuzz_$target.log" >&2
      exit 1
    }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "$BUILD_DIR/fuzz_$target.log" | sed 's/^/  /'
done
echo "fuzz: no crash, hang or sanitizer report"
