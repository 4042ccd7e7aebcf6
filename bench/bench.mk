# bench/bench.mk - the benchmark, run by `make bench` as
#   $(MAKE) -f bench/bench.mk BUILD=$(BUILD) LIBS="$(LIBS)" run
# from the top of the tree, after $(BUILD)/libomacp.a is built.
#
# `run` first compiles every lib/ source at -Os into $(BUILD)/bench/os/
# and writes size(1) of the objects to $(BUILD)/bench/os/size.txt (the
# footprint section), builds the omacp tool (the Makefile's $(BUILD)/omacp,
# for section 9), then runs the program, which prints every section, the
# table of issue 18's figures and a summary. It exits 0 only when every
# target passed: non-zero on a MISS, or when a figure could not be
# measured or an output check failed.
#
# Baselines: libwbxml2 (Debian libwbxml2-dev, pkg-config libwbxml2) and
# its wbxml2xml tool (libwbxml2-utils, section 9), expat and libtomcrypt
# (the library's own dependencies). `run` installs the two libwbxml2
# packages with apt-get when they are missing and we are root; otherwise
# it prints the command to run and fails. Section 10 counts instructions
# with valgrind when it is installed.
#
# Knobs (environment): BENCH_MIN_SECONDS (default 0.2), the shortest
# measurement; BENCH_REPS (default 5), the measurements per figure;
# BENCH_MAX_CASE_SECONDS (default 20), the longest a scaling case may be
# predicted to take before it is skipped; BENCH_ONLY (e.g. 1,9,10), the
# sections to run; CP_VECTORS, the shared test vectors (default
# ../shared/vectors).

BUILD      ?= build
CC         ?= cc
SIZE       ?= size
PKG_CONFIG ?= pkg-config

BENCH_DIR  = $(BUILD)/bench
BENCH_BIN  = $(BENCH_DIR)/omacp-bench
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_HDRS := $(wildcard bench/*.h)
STATICLIB  = $(BUILD)/libomacp.a

# The library's sources and warnings, as the Makefile has them.
include sources.mk

BENCH_WARN = $(WARN_FLAGS)
# clock_gettime is POSIX: allowed in bench/ (never in lib/).
BENCH_CFLAGS = -std=c99 -O2 -g -D_POSIX_C_SOURCE=199309L $(BENCH_WARN) \
               -Iinclude -Ibench
# The library's dependencies: the Makefile passes its LIBS (so a NO_CPF or
# pkg-config build links what its library needs); this default is a plain
# native build's, for running bench.mk by hand.
LIBS      ?= -lexpat -ltomcrypt -lmspack -lcrypto
BENCH_LIBS = $(LIBS)

# ---- footprint: the library's own objects at -Os ---------------------------
# The Makefile's defines and include path (BASE_CFLAGS without warnings);
# expat and libtomcrypt are not compiled in, so they are not counted.
OS_DIR    = $(BENCH_DIR)/os
# -fno-pie as make footprint: every constant counted as text, as in firmware
OS_CFLAGS = -std=c99 -Os -fno-pie -fvisibility=hidden -Iinclude -D_FILE_OFFSET_BITS=64
# Every library source (OS_CFLAGS carry no NO_XML or NO_CPF define).
OS_SRCS  := $(sort $(LIB_SRCS_ALL))
OS_OBJS   = $(OS_SRCS:%.c=$(OS_DIR)/%.o)
SIZE_FILE = $(OS_DIR)/size.txt

.PHONY: run footprint wbxml-dep FORCE

# The tool of section 9, as the Makefile builds it.
BENCH_TOOL = $(BUILD)/omacp

run: $(BENCH_BIN)
	@rm -f $(SIZE_FILE)
	@echo "bench: compiling lib/ at -Os into $(OS_DIR) for the footprint"
	@$(MAKE) --no-print-directory -f bench/bench.mk BUILD=$(BUILD) footprint || \
	  echo "bench: the -Os objects did not build: footprint not measured"
	@$(MAKE) --no-print-directory BUILD=$(BUILD) $(BENCH_TOOL) >/dev/null || \
	  echo "bench: the omacp tool did not build: section 9 not measured"
	@BENCH_SIZE_FILE=$(SIZE_FILE) BENCH_SECT_FILE=$(SECT_FILE) \
	  BENCH_SIZE_CFLAGS="$(CC) $(OS_CFLAGS)" BENCH_TOOL=$(BENCH_TOOL) \
	  $(BENCH_BIN)

footprint: $(SIZE_FILE)

# size(1)'s text column counts constants and unwind tables as text: the
# sections file splits it (code, constant data, unwind tables), for the
# host and, when its cross compiler is installed, for ARM Thumb-2 (armhf).
SECT_FILE  = $(OS_DIR)/sections.txt
ARM_CC    ?= arm-linux-gnueabihf-gcc
ARM_DIR    = $(BENCH_DIR)/os-armhf
# The split: tools/size-sections.awk.
SECT_AWK  = tools/size-sections.awk

# Issue 18's two size figures leave out the optional .cpf module (the
# cabinet reader and Authenticode, which also needs the target's OpenSSL
# headers): they are built from OS_NOCPF only.
OS_NOCPF   = $(filter-out lib/codec/cab.c lib/trust/authenticode.c,$(OS_SRCS))
# The x86-64 figure: text + data built -Os -fno-asynchronous-unwind-tables.
NU_DIR     = $(BENCH_DIR)/os-nounwind
NU_CFLAGS  = $(OS_CFLAGS) -fno-asynchronous-unwind-tables

# The sections file gets "host CODE CONST UNWIND" (all sources), then
# "host-nounwind-nocpf TEXT DATA BSS", then for armhf "armhf-nocpf TEXT
# DATA BSS" and "armhf CODE CONST UNWIND" (no .cpf).
$(SIZE_FILE): $(OS_OBJS)
	@$(SIZE) $(OS_OBJS) > $@.tmp && mv $@.tmp $@
	@$(SIZE) -A $(OS_OBJS) | awk -v tag=host -f $(SECT_AWK) > $(SECT_FILE)
	@rm -rf $(NU_DIR); mkdir -p $(NU_DIR); ok=1; \
	  for f in $(OS_NOCPF); do o=$(NU_DIR)/$$(echo $$f | tr / _).o; \
	    $(CC) $(NU_CFLAGS) -c $$f -o $$o || ok=0; done; \
	  if [ $$ok = 1 ]; then \
	    $(SIZE) $(NU_DIR)/*.o | awk 'NR > 1 { t += $$1; d += $$2; b += $$3 } \
	      END { print "host-nounwind-nocpf", t, d, b }' >> $(SECT_FILE); fi
	@if command -v $(ARM_CC) >/dev/null 2>&1; then \
	  rm -rf $(ARM_DIR); mkdir -p $(ARM_DIR); ok=1; \
	  for f in $(OS_NOCPF); do o=$(ARM_DIR)/$$(echo $$f | tr / _).o; \
	    $(ARM_CC) $(OS_CFLAGS) -idirafter /usr/include -c $$f -o $$o || ok=0; done; \
	  if [ $$ok = 1 ]; then \
	    arm-linux-gnueabihf-size $(ARM_DIR)/*.o | awk 'NR > 1 { t += $$1; d += $$2; b += $$3 } \
	      END { print "armhf-nocpf", t, d, b }' >> $(SECT_FILE); \
	    arm-linux-gnueabihf-size -A $(ARM_DIR)/*.o | awk -v tag=armhf -f $(SECT_AWK) >> $(SECT_FILE); \
	  else echo "bench: the armhf objects did not build: armhf not measured"; fi; fi

# The objects depend on the flags they were built with (make sees only
# file times): the stamp changes, and every object is rebuilt, when the
# compiler or OS_CFLAGS do.
OS_STAMP = $(OS_DIR)/cflags.txt
$(OS_STAMP): FORCE
	@mkdir -p $(OS_DIR)
	@echo '$(CC) $(OS_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(OS_CFLAGS)' > $@
FORCE:

$(OS_DIR)/%.o: %.c $(OS_STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(OS_CFLAGS) -MMD -MP -c $< -o $@

-include $(OS_OBJS:.o=.d)

# libwbxml2's headers go in as system headers so our warnings skip them.
$(BENCH_BIN): $(BENCH_SRCS) $(BENCH_HDRS) $(STATICLIB) | wbxml-dep
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) \
	  $$($(PKG_CONFIG) --cflags libwbxml2 | sed 's/-I/-isystem /g') \
	  -o $@ $(BENCH_SRCS) $(STATICLIB) \
	  $$($(PKG_CONFIG) --libs libwbxml2) $(BENCH_LIBS)

WBXML_PKGS = libwbxml2-dev libwbxml2-utils

wbxml-dep:
	@if command -v dpkg-query >/dev/null 2>&1; then \
	  miss=; for p in $(WBXML_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	      grep -q 'install ok installed' || miss="$$miss $$p"; done; \
	  if [ -z "$$miss" ]; then exit 0; fi; \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "bench: installing$$miss (the libwbxml2 baseline)"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y $$miss || \
	    { apt-get update && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y $$miss; } || \
	    exit 1; \
	  else \
	    echo "bench:$$miss (the libwbxml2 baseline) missing. Run:"; \
	    echo "  sudo apt-get install -y$$miss"; \
	    exit 1; \
	  fi; \
	elif ! $(PKG_CONFIG) --exists libwbxml2; then \
	  echo "bench: libwbxml2 (pkg-config libwbxml2) not found:" \
	       "install the libwbxml2 development files"; \
	  exit 1; \
	fi
