# siteverify: `make demo` and `make test` are the two commands (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
ROOT := $(CURDIR)

# Every binding's tests find the native pieces through these.
export SITEVERIFY_MOCK_BIN := $(ROOT)/target/release/siteverify-mock
export SITEVERIFY_CLI_BIN := $(ROOT)/target/release/siteverify
export SITEVERIFY_LIB_DIR := $(ROOT)/target/release
export SITEVERIFY_INCLUDE_DIR := $(ROOT)/include

# Bindings with a Makefile providing deps/build/test/demo.
BINDINGS := $(patsubst bindings-%/Makefile,%,$(wildcard bindings-*/Makefile))

HEADER_TMP := $(ROOT)/target/header-check

.PHONY: help build demo test deps dist test-dist install lint vocab check-vocab docs test-rust test-c header check-header bench bench-profile bench-mock fuzz fuzz-smoke $(addprefix test-,$(BINDINGS))

help:
	@echo "make demo   build, start the mock provider, verify a handful of scenario tokens"
	@echo "make test   everything: installs what is missing, lint, Rust, C and every binding"
	@echo "make bench  every binding beside its language's best native client, against nginx (issue 15's goals)"
	@echo "make bench-profile   perf stat, perf record and callgrind of each binding's sequential path (a few minutes)"
	@echo "make docs   every language's reference into target/docs/"
	@echo "make dist   the packages users install, built with zig for glibc 2.17 and musl, into dist/"
	@echo "make test-dist   each package of dist/ installed and tested with no Rust toolchain in reach"
	@echo "make install PREFIX=/usr/local   the C library, header and pkg-config file"

# libsiteverify.so's SONAME is libsiteverify.so.<ABI>: programs linked with
# -lsiteverify look for that name, so it sits beside the library.
build:
	$(CARGO) build --release --locked -p siteverify-cli -p siteverify-mock -p siteverify-ffi -p siteverify-jni
	ln -sf libsiteverify.so target/release/libsiteverify.so.$$(sed -n 's/^#define SV_ABI_VERSION //p' include/siteverify.h)

demo: build
	@scripts/demo.sh $(BINDINGS)

deps:
	scripts/install-deps.sh

lint: check-vocab
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

test-rust:
	$(CARGO) test --locked -p siteverify -p siteverify-mock -p siteverify-cli -p siteverify-opentelemetry

# What bindings repeat of the core's vocabulary (reasons, C constants, option tables) is
# generated between BEGIN/END GENERATED markers. The header sits between the two passes:
# the C constants and setters come from ffi-c, the PHP and Java constants and Java's FFM
# downcall handles from the header.
vocab:
	$(CARGO) run --locked -q -p siteverify-vocab -- write
	$(MAKE) --no-print-directory header
	$(CARGO) run --locked -q -p siteverify-vocab -- write

check-vocab:
	$(CARGO) run --locked -q -p siteverify-vocab -- check

header:
	$(CARGO) run --locked -q -p siteverify-header-gen -- include

# The committed headers must be exactly what the pinned cbindgen generates.
check-header:
	rm -rf $(HEADER_TMP) && mkdir -p $(HEADER_TMP)
	$(CARGO) run --locked -q -p siteverify-header-gen -- $(HEADER_TMP)
	diff -u include/siteverify.h $(HEADER_TMP)/siteverify.h
	diff -u include/siteverify_php.h $(HEADER_TMP)/siteverify_php.h
	@echo "headers match cbindgen"

test-c: build check-header
	$(CARGO) test --locked -p siteverify-ffi
	tests/c/run.sh

$(addprefix test-,$(BINDINGS)): test-%: build
	$(MAKE) -C bindings-$* deps
	$(MAKE) -C bindings-$* test

# docs after the bindings, whose deps and builds it reuses (about 30 s then; 4-5 min from a cold
# clone, most of it the Python extension's build): a reference with a warning fails the suite.
test: deps lint test-rust test-c $(addprefix test-,$(BINDINGS)) docs fuzz-smoke
	@echo "make test: every suite passed"

# Every fuzz target for a minute (`make fuzz SECONDS=600` for longer); CI runs fuzz-smoke.
SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(SECONDS)

fuzz-smoke:
	scripts/fuzz.sh 15

# Every language's reference into target/docs/ (warnings are errors), one index page.
docs: build
	scripts/docs/build.sh

# Issue 15's instrument: wrk, the core and every binding beside its language's best native
# client, against a zero-logic nginx on loopback, pinned and unpinned, with a mark per goal
# (scripts/bench.sh; about 10 minutes once built; no timing assertions anywhere).
bench: build
	scripts/bench.sh

# Where the time goes: for each binding's sequential path against the same nginx, perf stat
# (CPU, context switches, migrations per verification), perf record's top symbols and, for
# the native paths, callgrind's instructions per verification, into target/bench/profiles/
# (bench/profiles.py; says so and does what it can where perf is not permitted).
bench-profile: build
	scripts/bench.sh --profile

# The core against its own in-process mock, next to raw reqwest (the former `make bench`).
bench-mock:
	$(CARGO) bench --locked -p siteverify --bench throughput

# The packages users install (scripts/dist/): native code built once per target with zig
# (glibc 2.17, musl, aarch64), the pinned tools in target/dist-tools/venv.
dist:
	scripts/dist/dist.sh

# Each package of dist/ installed and run in a clean environment: no cargo, no rustc, no target/.
test-dist:
	scripts/dist/test-dist.sh

# The C library (the glibc 2.17 build of `make dist`) with its header and pkg-config file.
PREFIX ?= /usr/local
install:
	scripts/dist/c.sh install "$(PREFIX)"
