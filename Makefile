# Two commands matter (see README.md):
#   make demo   install what is missing, build, run the demo against the built-in SMSC simulator
#   make test   install what is missing, build, run every test (what CI runs)
# The rest are conveniences for developers; the real build is CMake presets (CMakePresets.json).
JOBS ?= $(shell nproc)

.PHONY: demo test setup build build-asan build-fuzz test-ci test-asan test-fuzz format clean

setup:
	@scripts/setup.sh

build: setup
	cmake --preset ci >/dev/null
	cmake --build --preset ci -j $(JOBS)

demo: build
	scripts/demo.sh build/ci

# make test must not skip the interop suite: a missing npm peer fails instead.
test-ci: build
	SMSDRV_REQUIRE_INTEROP=1 ctest --preset ci -j $(JOBS)

build-asan: setup
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: build-asan
	SMSDRV_REQUIRE_INTEROP=1 ctest --preset asan -j $(JOBS)

build-fuzz: setup
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz-targets

test-fuzz: build-fuzz
	ctest --preset fuzz -L fuzz -j $(JOBS)

test: test-ci test-asan test-fuzz

format:
	git ls-files '*.cpp' '*.hpp' '*.h' '*.c' | xargs clang-format -i

clean:
	rm -rf build
