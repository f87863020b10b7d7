# Shortcuts for developers; the scripts are the source of truth.
.PHONY: setup build run test bench format clean
setup: ; scripts/setup.sh
build: ; scripts/build.sh
run: ; scripts/run.sh
test: ; scripts/test.sh
bench: build ; build/bench/import_bench
format: ; clang-format -i $$(git ls-files '*.h' '*.cc')
clean: ; rm -rf build
