# Two commands matter (see README.md):
#   make demo   install what is missing, build, run the demo against the built-in SMSC and MMSC
#               simulators (an SMS and an MMS round trip)
#   make test   install what is missing, build, run every test (what CI runs)
# The rest are conveniences for developers; the real build is CMake presets (CMakePresets.json).
# make bench: release build, every benchmark, results + table + chart (docs/benchmarks.md).
# make packages: the Debian packages from the ci build, in build/packages/ (docs/packaging.md).
JOBS ?= $(shell nproc)

.PHONY: demo test setup build build-asan build-fuzz build-tsan build-release test-ci test-asan test-fuzz test-tsan bench format clean packages

setup:
	@scripts/setup.sh

build: setup
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)

demo: build
	scripts/demo.sh build/ci

# make test must not skip the interop suite or the browser tests: a missing npm peer or browser
# fails instead.
test-ci: build
	SMSDRV_REQUIRE_INTEROP=1 SMSDRV_REQUIRE_BROWSER=1 ctest --preset ci -j $(JOBS)

build-asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: build-asan
	SMSDRV_REQUIRE_INTEROP=1 SMSDRV_REQUIRE_BROWSER=1 ctest --preset asan -j $(JOBS)

build-fuzz: setup
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz-targets

test-fuzz: build-fuzz
	ctest --preset fuzz -L fuzz -j $(JOBS)

# ThreadSanitizer on the host-thread / I/O-thread hand-over and the HTTP channels' own threads: the
# ABI, e2e and fault suites and the tests labelled tsan (the preset builds nothing else).
build-tsan: setup
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)

test-tsan: build-tsan
	ctest --preset tsan -j $(JOBS)

test: test-ci test-asan test-fuzz test-tsan

build-release: setup
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# Writes docs/benchmarks/*.json*, prints the tables, redraws docs/benchmarks-throughput.png.
# SOAK_RATE=N adds the 5-minute soak; RUNS=N sets the runs per figure (5).
bench: build-release
	scripts/bench.sh build/release

packages: build
	packaging/build-packages.sh build/ci build/packages

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

clean:
	rm -rf build
