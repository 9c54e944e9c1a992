# Everyday verbs around CMake. Every target first makes sure the Debian
# packages the project needs are installed (quietly when they already are).

MAKEFLAGS   += --no-print-directory
BUILD_DIR   ?= build
DEBUG_DIR   ?= build-debug
JOBS        ?= 2
CMAKE_FLAGS ?=

DEB_PACKAGES := build-essential cmake pkg-config \
	libmozjs-102-dev libjemalloc-dev libboost-dev libssl-dev nlohmann-json3-dev \
	libspdlog-dev libcli11-dev libhowardhinnant-date-dev libsqlite3-dev libpq-dev \
	libgtest-dev libgmock-dev libbenchmark-dev postgresql python3 python3-yaml python3-jsonschema tzdata ca-certificates

FUZZ_DIR     ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := request_target_fuzz json_body_fuzz cron_expression_fuzz http_request_fuzz endpoint_response_fuzz

WEB_DIR := src/presentation/web

.PHONY: all deps web build test test-chaos run bench bench-http debug fuzz format clean

all: build

deps:
	@./scripts/install-deps.sh $(DEB_PACKAGES)

# The test drivers in Python use Debian's packages (python3-yaml, python3-jsonschema):
# Debian's interpreter, whatever else is first on the PATH.
$(BUILD_DIR)/CMakeCache.txt:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython3_EXECUTABLE=/usr/bin/python3 $(CMAKE_FLAGS) >/dev/null

# The web UI (TypeScript, Vite; npm ci with the committed lockfile), built
# into $(BUILD_DIR)/web, where the server looks for it beside its binary.
web:
	@command -v node >/dev/null || ./scripts/install-deps.sh nodejs
	@command -v npm >/dev/null || ./scripts/install-deps.sh npm  # NodeSource's nodejs ships its own
	@cd $(WEB_DIR) && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@cd $(WEB_DIR) && JSR_WEB_OUT=$(abspath $(BUILD_DIR))/web npm run --silent build >/dev/null

build: deps web $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The browser tests drive Debian's Chromium (playwright-core, no browser
# download); the monitoring tests run promtool and a real Prometheus.
test: build
	@./scripts/install-deps.sh chromium fonts-dejavu-core prometheus
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Three servers on a throwaway PostgreSQL, killed, restarted and starved of
# their database (tests/chaos/cluster_chaos.py; loopback only, about 4 minutes).
test-chaos: deps web $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target jsruntime
	@timeout 600 python3 tests/chaos/cluster_chaos.py $(abspath $(BUILD_DIR))/jsruntime $(abspath tests/support/postgres_server.sh)

# Only the server binary: tests and benchmarks are built by `make test` and `make bench`.
run: deps web $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target jsruntime
	@echo "Starting jsruntime on http://127.0.0.1:8080 with its SQLite database in ./data (Ctrl-C stops it)."
	@echo "Open http://127.0.0.1:8080/ and sign in with the admin token in ./data/admin-token; or try:"
	@echo "  curl -H \"Authorization: Bearer \$$(cat data/admin-token)\" http://127.0.0.1:8080/api/v1/scripts"
	@echo "The API is described at http://127.0.0.1:8080/openapi.json and in README.md."
	@$(BUILD_DIR)/jsruntime serve --listen 127.0.0.1:8080 --data-dir ./data

bench: deps $(BUILD_DIR)/CMakeCache.txt
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target jsruntime-bench
	@$(BUILD_DIR)/jsruntime-bench

# The request path against Node's http and workerd (bench/http_bench.py);
# workerd comes from npm (bench/package-lock.json), wrk and node from Debian.
bench-http: deps $(BUILD_DIR)/CMakeCache.txt
	@./scripts/install-deps.sh wrk nodejs
	@command -v npm >/dev/null || ./scripts/install-deps.sh npm  # NodeSource's nodejs ships its own
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target jsruntime
	@cd bench && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@python3 bench/http_bench.py

debug: deps
	@cmake -S . -B $(DEBUG_DIR) -DCMAKE_BUILD_TYPE=Debug -DJSR_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(DEBUG_DIR) -j $(JOBS)

# Lays out every C++ source as .clang-format says (Debian's clang-format).
FORMAT_FILES = $(shell git ls-files 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h' 'bench/*.cpp' 'bench/*.h')
format:
	@./scripts/install-deps.sh clang-format
	@clang-format -i $(FORMAT_FILES)

# Builds the fuzz targets with clang, libFuzzer, ASan and UBSan, and runs
# each for FUZZ_SECONDS (see scripts/fuzz.sh).
fuzz: deps
	@./scripts/install-deps.sh clang-19 libclang-rt-19-dev
	@cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-19 \
		-DJSR_SANITIZE=ON -DJSR_FUZZ=ON -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(FUZZ_TARGETS)
	@./scripts/fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD_DIR) $(DEBUG_DIR) $(FUZZ_DIR)
