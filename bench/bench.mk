# bench/bench.mk - the decode benchmark, run by `make bench` as
#   $(MAKE) -f bench/bench.mk BUILD=$(BUILD) run
# from the top of the tree, after $(BUILD)/libomacp.a is built.
#
# The baseline is libwbxml2 (Debian libwbxml2-dev, pkg-config libwbxml2).
# `run` installs it with apt-get when it is missing and we are root;
# otherwise it prints the command to run and fails.
#
# Knobs (environment): BENCH_MIN_SECONDS (default 0.2) is the shortest
# measurement, BENCH_REPS (default 5) the measurements per figure;
# CP_VECTORS the shared test vectors (default ../shared/vectors).

BUILD      ?= build
CC         ?= cc
PKG_CONFIG ?= pkg-config

BENCH_DIR  = $(BUILD)/bench
BENCH_BIN  = $(BENCH_DIR)/bench_decode
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_HDRS := $(wildcard bench/*.h)
STATICLIB  = $(BUILD)/libomacp.a

BENCH_WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wpointer-arith -Wvla -Wformat=2
# clock_gettime is POSIX: allowed in bench/ (never in lib/).
BENCH_CFLAGS = -std=c99 -O2 -g -D_POSIX_C_SOURCE=199309L $(BENCH_WARN) \
               -Iinclude -Ibench
BENCH_LIBS = -lexpat -ltomcrypt

.PHONY: run wbxml-dep

run: $(BENCH_BIN)
	$(BENCH_BIN)

# libwbxml2's headers go in as system headers so our warnings skip them.
$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_HDRS) $(STATICLIB) | wbxml-dep
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) \
	  $$($(PKG_CONFIG) --cflags libwbxml2 | sed 's/-I/-isystem /g') \
	  -o $@ $(BENCH_SRCS) $(STATICLIB) \
	  $$($(PKG_CONFIG) --libs libwbxml2) $(BENCH_LIBS)

wbxml-dep:
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  if dpkg-query -W -f='$${Status}' libwbxml2-dev 2>/dev/null | \
	     grep -q 'install ok installed'; then exit 0; fi; \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "bench: installing libwbxml2-dev (the libwbxml2 baseline)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y libwbxml2-dev || \
	    { apt-get update && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y libwbxml2-dev; } || \
	    exit 1; \
	  else \
	    echo "bench: libwbxml2-dev (the libwbxml2 baseline) is missing. Run:"; \
	    echo "  sudo apt-get install -y libwbxml2-dev"; \
	    exit 1; \
	  fi; \
	elif ! $(PKG_CONFIG) --exists libwbxml2; then \
	  echo "bench: libwbxml2 (pkg-config libwbxml2) not found:" \
	       "install the libwbxml2 development files"; \
	  exit 1; \
	fi
