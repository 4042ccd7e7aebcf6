# libomacp - GNU make build. See README.md ("Building") for the targets.
#
# Library version and soname. Rules (libtool style, as expat documents them):
# a release that only fixes bugs bumps PATCH; one that adds API bumps MINOR;
# one that breaks ABI bumps MAJOR, and the soname follows MAJOR.
VERSION_MAJOR = 0
VERSION       = 0.2.0
# VERSION is the one place the release number is written: the headers'
# CP_VERSION_* macros must agree with it (make check's version-check), and
# make dist, make install (omacp.pc, the CMake package files) and the
# soname's file name take it from here.

# Cross builds: CROSS is the tool prefix (make CROSS=arm-linux-gnueabihf-);
# CC, AR, RANLIB, NM, SIZE and READELF follow it unless given. A cross
# build goes into build-<triplet> (see BUILD below). See README.md
# ("Portability").
CROSS   ?=
TRIPLET := $(patsubst %-,%,$(CROSS))
CC      ?= cc
ifeq ($(origin CC),default)
CC      = $(CROSS)gcc
endif
AR      ?= ar
ifeq ($(origin AR),default)
AR      = $(CROSS)ar
endif
RANLIB  ?= $(CROSS)ranlib
NM      ?= $(CROSS)nm
SIZE    ?= $(CROSS)size
READELF ?= $(CROSS)readelf
PKG_CONFIG ?= pkg-config
# Runs a target program on the build machine; empty for native builds, e.g.
# EMULATOR="qemu-arm -L /usr/arm-linux-gnueabihf" for an armhf build.
EMULATOR ?=
# The target's expat, libtomcrypt and cmocka laid out as Debian multiarch
# does (usr/include, usr/lib/<triplet>, lib/<triplet>) under DEPS_ROOT, for
# packages unpacked outside /. Not needed after a real multiarch install
# (apt-get install libexpat1-dev:armhf ...): Debian's cross gcc searches
# /usr/include and /usr/lib/<triplet> by itself.
DEPS_ROOT ?=
ifneq ($(DEPS_ROOT),)
DEPS_CPPFLAGS = -I$(DEPS_ROOT)/usr/include
DEPS_LDFLAGS  = -L$(DEPS_ROOT)/usr/lib/$(TRIPLET) -L$(DEPS_ROOT)/lib/$(TRIPLET) \
                -Wl,-rpath-link,$(DEPS_ROOT)/usr/lib/$(TRIPLET) \
                -Wl,-rpath-link,$(DEPS_ROOT)/lib/$(TRIPLET)
endif

PREFIX  ?= /usr/local
DESTDIR ?=
libdir  ?= $(PREFIX)/lib
includedir ?= $(PREFIX)/include
bindir  ?= $(PREFIX)/bin
pkgconfigdir ?= $(libdir)/pkgconfig
cmakedir ?= $(libdir)/cmake/omacp
mandir  ?= $(PREFIX)/share/man

# Build flavours: SANITIZE=1 (ASan+UBSan), COVERAGE=1 (gcov), NO_XML=1
# (WBXML only, no expat). Each flavour builds in its own directory, and so
# does each cross target.
#
# Size flavours (make footprint measures them): NO_ENC=1 leaves out the
# WBXML encoder and NO_XMLOUT=1 the XML writer (their public functions
# return CP_E_UNSUPPORTED, from lib/codec/*_none.c; -DCP_NO_ENC,
# -DCP_NO_XMLOUT tell the code); TERSE=1 (-DCP_TERSE=1) records every
# error as its status, offset or line, path and cp_strerror's short text,
# so the library carries no message formats (base.h).
# FIRMWARE=1 is the device profile of issue 18: NO_XML, NO_CPF, NO_ENC,
# NO_XMLOUT and TERSE together, each of which the command line may undo.
# The built-in settings CSPs store their settings as WBXML made by the
# encoder, so a firmware that uses them builds FIRMWARE=1 NO_ENC=0 (2.3 KB
# of Thumb-2); without the XML writer there is no output document.
ifeq ($(FIRMWARE),1)
NO_XML = 1
NO_CPF = 1
NO_ENC = 1
NO_XMLOUT = 1
TERSE = 1
endif
ifneq ($(CROSS),)
BUILD   ?= build-$(TRIPLET)
endif
BUILD   ?= build
ifeq ($(SANITIZE),1)
BUILD   := $(BUILD)-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ifeq ($(COVERAGE),1)
BUILD   := $(BUILD)-cov
SANFLAGS += --coverage
endif
ifeq ($(NO_XML),1)
BUILD   := $(BUILD)-noxml
endif
ifeq ($(NO_ENC),1)
BUILD   := $(BUILD)-noenc
MODULE_DEFS += -DCP_NO_ENC=1
endif
ifeq ($(NO_XMLOUT),1)
BUILD   := $(BUILD)-noxmlout
MODULE_DEFS += -DCP_NO_XMLOUT=1
endif
ifeq ($(TERSE),1)
BUILD   := $(BUILD)-terse
TERSE_DEF = -DCP_TERSE=1
endif
# NO_CPF=1: without the .cpf module (cabinet reader and Authenticode: no
# libmspack, no OpenSSL); cp_process_cpf returns CP_E_UNSUPPORTED.
ifeq ($(NO_CPF),1)
BUILD   := $(BUILD)-nocpf
CPF_DEF  = -DCP_NO_CPF=1
CPF_LIBS =
CPF_REQ  =
else
CPF_LIBS = -lmspack -lcrypto
CPF_REQ  = libmspack libcrypto
endif

# The source list (LIB_SRCS) and the warnings (WARN_FLAGS): sources.mk,
# shared with the other build files.
include sources.mk

WARN    = $(WARN_FLAGS)
ifeq ($(CI),true)
WERROR  ?= 1
endif
ifeq ($(WERROR),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
# _FILE_OFFSET_BITS=64: on 32-bit targets the file store's readdir and
# fstat (and the tests') must handle 64-bit directory cookies and sizes.
ifeq ($(NO_XML),1)
XML_DEF = -DCP_NO_XML=1
endif
BASE_CFLAGS = -std=c99 $(WARN) $(CFLAGS) -fvisibility=hidden -Iinclude \
              $(CPPFLAGS) $(DEPS_CPPFLAGS) $(PC_CFLAGS) -D_FILE_OFFSET_BITS=64 $(XML_DEF) $(CPF_DEF) \
              $(TERSE_DEF) $(MODULE_DEFS)
ALL_CFLAGS = $(BASE_CFLAGS) $(SANFLAGS)
# The library's objects carry no unwind tables (.eh_frame: a sixth of the
# x86-64 library at -Os; -fno-unwind-tables for ARM's .ARM.exidx). Safe for
# a C library: nothing in it throws or needs unwinding, and with -g the
# debugger still walks its frames from .debug_frame. The one case that
# needs them is a C++ program throwing an exception out of a callback the
# library called (a CSP, a storage or lock hook) through the library's
# frames to a catch above: without tables that ends in std::terminate.
# Such programs build with UNWIND=1, which keeps the tables; so do the
# sanitizer builds (their reports unwind through the library) and every
# program that is not the library (tests, tool, examples).
ifeq ($(UNWIND)$(SANITIZE),)
LIB_CFLAGS = -fno-asynchronous-unwind-tables -fno-unwind-tables
endif
ifeq ($(NO_XML),1)
XML_LIBS =
else
XML_LIBS = -lexpat
endif
LIBS    = $(XML_LIBS) -ltomcrypt $(CPF_LIBS)
# The dependencies through pkg-config when it knows every one of them
# (installed under another prefix: Homebrew, /usr/local, /opt), else the
# plain -l names above (Debian's default search paths). Native builds only:
# a cross build uses DEPS_ROOT or the multiarch paths. PKG_DEPS=0 skips it.
ifeq ($(CROSS)$(DEPS_ROOT)$(PKG_DEPS),)
PC_MODULES := $(if $(XML_LIBS),expat) libtomcrypt $(CPF_REQ)
PC_CFLAGS  := $(shell $(PKG_CONFIG) --cflags $(PC_MODULES) 2>/dev/null)
PC_LIBS    := $(shell $(PKG_CONFIG) --libs $(PC_MODULES) 2>/dev/null)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)
ifneq ($(strip $(PC_LIBS)),)
LIBS     = $(PC_LIBS)
endif
endif
ifeq ($(strip $(CMOCKA_LIBS)),)
CMOCKA_LIBS = -lcmocka
endif
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS) $(DEPS_LDFLAGS)

LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_PICS  = $(LIB_SRCS:%.c=$(BUILD)/pic/%.o)

STATICLIB  = $(BUILD)/libomacp.a
SHAREDLIB  = $(BUILD)/libomacp.so
SHAREDLIBM = $(SHAREDLIB).$(VERSION_MAJOR)
SHAREDLIBV = $(SHAREDLIB).$(VERSION)
# The omacp command-line tool (installed): tools/omacp/.
TOOL       = $(BUILD)/omacp
TOOL_SRCS := $(wildcard tools/omacp/*.c)
TOOL_HDRS := $(wildcard tools/omacp/*.h)

# The examples: built with the library so they cannot rot, and run by make
# check.
EXAMPLE_SRCS := $(wildcard examples/*.c)
EXAMPLE_BINS  = $(EXAMPLE_SRCS:examples/%.c=$(BUILD)/examples/%)

TEST_SRCS := $(wildcard test/test_*.c)
TEST_BINS  = $(TEST_SRCS:test/%.c=$(BUILD)/test/%)
TEST_SUPPORT := $(wildcard test/support/*.c)

.PHONY: abi-prev house all lib tool check test demo deps bench install uninstall clean examples-run \
        python-test install-python consumer-check doc \
        headertest symcheck shared-smoke unit-test tool-test objs noxml-check \
        stack-check footprint nocpf-check version-check dist distcheck

all: $(STATICLIB) $(SHAREDLIBV) $(TOOL) $(EXAMPLE_BINS)
lib: $(STATICLIB) $(SHAREDLIBV)
tool: $(TOOL)
objs: $(LIB_OBJS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LIB_CFLAGS) -fPIC -MMD -MP -c $< -o $@

$(STATICLIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rc $@ $(LIB_OBJS)
	$(RANLIB) $@

$(SHAREDLIBV): $(LIB_PICS) lib/omacp.map
	$(CC) -shared $(ALL_LDFLAGS) -Wl,-soname,libomacp.so.$(VERSION_MAJOR) \
	  -Wl,--version-script,lib/omacp.map -o $@ $(LIB_PICS) $(LIBS)
	ln -sf libomacp.so.$(VERSION) $(SHAREDLIBM)
	ln -sf libomacp.so.$(VERSION) $(SHAREDLIB)

# TOOL_LINK=shared links the tool against libomacp.so (as a distribution
# installs it; debian/rules does this) instead of libomacp.a; run from the
# build tree it then needs LD_LIBRARY_PATH=$(BUILD). Default: static.
ifeq ($(TOOL_LINK),shared)
$(TOOL): $(TOOL_SRCS) $(TOOL_HDRS) $(SHAREDLIBV)
	$(CC) $(ALL_CFLAGS) -o $@ $(TOOL_SRCS) -L$(BUILD) -lomacp $(ALL_LDFLAGS)
else
$(TOOL): $(TOOL_SRCS) $(TOOL_HDRS) $(STATICLIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(TOOL_SRCS) $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)
endif

$(BUILD)/examples/%: examples/%.c $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)

# ---- tests ---------------------------------------------------------------
# Every test/test_*.c is one cmocka program, linked with the static library
# (whose internal headers the tests may include) and test/support/*.c.
$(BUILD)/test/%: test/%.c $(TEST_SUPPORT) $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ilib -Itest -o $@ $< $(TEST_SUPPORT) $(STATICLIB) \
	  $(ALL_LDFLAGS) $(LIBS) $(CMOCKA_LIBS) -pthread

VECTORS ?= test/vectors
export CP_VECTORS = $(abspath $(VECTORS))
export CP_TOOL = $(abspath $(TOOL))

# The cmocka programs (under $(EMULATOR) in a cross build).
unit-test: $(TEST_BINS)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; $(EMULATOR) $$t; done

test: deps unit-test $(TOOL)

# The tool end to end. It writes its documents as XML and runs the tool
# directly: native builds with the XML front end only (NO_XML checks the
# tool with noxml-check).
tool-test: $(TOOL)
	$(if $(filter 1,$(NO_CPF)),CP_NO_CPF=1) bash test/tool_test.sh $(TOOL) $(VECTORS)

examples-run: $(EXAMPLE_BINS)
	@set -e; for e in $(EXAMPLE_BINS); do echo "== $$e"; $(EMULATOR) $$e > $(BUILD)/examples/$$(basename $$e).out; done

# The Python package's tests (bindings/python/tests, pytest) against the
# built shared library. PYTEST: Debian's pytest-3 (python3-pytest), else
# `python3 -m pytest`.
PYTEST ?= $(shell command -v pytest-3 2>/dev/null || echo python3 -m pytest)
python-test: $(SHAREDLIBV)
	OMACP_LIBRARY=$(abspath $(SHAREDLIBM)) CP_VECTORS=$(abspath $(CP_VECTORS)) \
	  $(PYTEST) -q -p no:cacheprovider bindings/python/tests

# The Python package: `make install-python` pip-installs bindings/python
# into $(DESTDIR)$(PYTHON_SITEDIR) with the system's setuptools (Debian:
# python3-setuptools, python3-wheel), no network. PYTHON_SITEDIR defaults
# to the site directory of $(PREFIX) for $(PYTHON) (Debian's
# /usr/local/lib/python3.X/dist-packages for PREFIX=/usr/local).
PYTHON ?= python3
PYTHON_SITEDIR ?= $(shell $(PYTHON) -c 'import sysconfig as s; p = "$(PREFIX)"; \
  local = "posix_local" in s.get_scheme_names() and p.endswith("/local"); \
  print(s.get_path("purelib", "posix_local" if local else "posix_prefix", \
  {"base": p[:-6] if local else p}))' 2>/dev/null)
install-python:
	@test -n "$(PYTHON_SITEDIR)" || { echo "install-python: $(PYTHON) not found; set PYTHON or PYTHON_SITEDIR"; exit 1; }
	$(PYTHON) -m pip install --no-build-isolation --no-deps --no-cache-dir \
	  --no-warn-script-location --upgrade \
	  --target=$(DESTDIR)$(PYTHON_SITEDIR) ./bindings/python
	@echo "install-python: omacp in $(DESTDIR)$(PYTHON_SITEDIR)"

# Install into a scratch DESTDIR and build a consumer through pkg-config and
# through CMake's find_package(omacp) (test/cmake), against the static and the
# shared library.
CONSUMER_DIR = $(abspath $(BUILD))/consumer
consumer-check: all
	@rm -rf $(CONSUMER_DIR)
	@$(MAKE) --no-print-directory install DESTDIR=$(CONSUMER_DIR) PREFIX=/usr/local >/dev/null
	@set -e; pc="$(CONSUMER_DIR)/usr/local/lib/pkgconfig"; \
	  flags="--define-variable=prefix=$(CONSUMER_DIR)/usr/local \
	         --define-variable=libdir=$(CONSUMER_DIR)/usr/local/lib \
	         --define-variable=includedir=$(CONSUMER_DIR)/usr/local/include"; \
	  cflags=$$(PKG_CONFIG_PATH=$$pc $(PKG_CONFIG) $$flags --cflags omacp); \
	  libs=$$(PKG_CONFIG_PATH=$$pc $(PKG_CONFIG) $$flags --libs omacp); \
	  slibs=$$(PKG_CONFIG_PATH=$$pc $(PKG_CONFIG) $$flags --static --libs omacp); \
	  $(CC) $$cflags -o $(CONSUMER_DIR)/csp_example_shared examples/csp_example.c $$libs; \
	  $(CC) $$cflags -o $(CONSUMER_DIR)/csp_example_static examples/csp_example.c \
	    -Wl,-Bstatic -lomacp -Wl,-Bdynamic $$(echo $$slibs | sed 's/-lomacp//'); \
	  LD_LIBRARY_PATH=$(CONSUMER_DIR)/usr/local/lib $(CONSUMER_DIR)/csp_example_shared >/dev/null; \
	  $(CONSUMER_DIR)/csp_example_static >/dev/null; \
	  test -x $(CONSUMER_DIR)/usr/local/bin/omacp; \
	  if ! command -v cmake >/dev/null 2>&1; then \
	    echo "consumer-check: cmake missing (make deps installs it)"; exit 1; fi; \
	  cmake -S test/cmake -B $(CONSUMER_DIR)/cmake -DCMAKE_C_COMPILER=$(CC) \
	    -DCMAKE_PREFIX_PATH=$(CONSUMER_DIR)/usr/local \
	    -DEXAMPLE=$(abspath examples/csp_example.c) >$(CONSUMER_DIR)/cmake.log 2>&1 && \
	  cmake --build $(CONSUMER_DIR)/cmake >>$(CONSUMER_DIR)/cmake.log 2>&1 || \
	    { cat $(CONSUMER_DIR)/cmake.log; echo "consumer-check: find_package(omacp) consumer failed"; exit 1; }; \
	  $(CONSUMER_DIR)/cmake/csp_example_shared >/dev/null; \
	  $(CONSUMER_DIR)/cmake/csp_example_static >/dev/null; \
	  $(READELF) -d $(CONSUMER_DIR)/cmake/csp_example_shared | grep -q 'NEEDED.*libomacp.so.$(VERSION_MAJOR)'; \
	  ! $(READELF) -d $(CONSUMER_DIR)/cmake/csp_example_static | grep -q 'NEEDED.*libomacp'; \
	  $(MAKE) --no-print-directory uninstall DESTDIR=$(CONSUMER_DIR) PREFIX=/usr/local >/dev/null; \
	  left=$$(find $(CONSUMER_DIR)/usr -type f | wc -l); \
	  test "$$left" = 0 || { echo "consumer-check: uninstall left $$left files"; exit 1; }
	@echo "consumer-check: installed, built against pkg-config omacp and CMake find_package(omacp) (static and shared), ran, uninstalled"

# Under the sanitizers the Python interpreter and an uninstrumented consumer
# cannot load the instrumented library; those two checks run in plain
# native builds with the XML front end (the binding and the consumer example
# drive the engine with XML text). The examples drive it with XML too: NO_XML
# builds them (so they cannot rot) but does not run them; it checks instead
# that expat is gone and the textual entry points say "unsupported".
# stack-check measures frames as built: not under the sanitizers or gcov.
CHECK_RUN   = test shared-smoke symcheck headertest docs-check version-check house
CHECK_EXTRA =
ifeq ($(NO_XML),1)
CHECK_RUN  += noxml-check
else
CHECK_RUN  += examples-run abi-prev
ifeq ($(CROSS),)
CHECK_RUN  += tool-test
ifeq ($(SANITIZE),)
CHECK_EXTRA = python-test consumer-check
endif
endif
endif
ifeq ($(SANITIZE)$(COVERAGE),)
CHECK_RUN  += stack-check
endif
ifeq ($(NO_CPF),1)
CHECK_RUN  += nocpf-check
endif
# TERSE=1: every message is cp_strerror's text, so the assertions on message
# text (in most cmocka programs, tool-test and the Python tests) cannot hold
# there; the rest of make check runs, with terse-check in place of those.
ifeq ($(TERSE),1)
CHECK_RUN  := $(filter-out test tool-test,$(CHECK_RUN)) terse-check
CHECK_EXTRA := $(filter-out python-test,$(CHECK_EXTRA))
endif
# NO_ENC / NO_XMLOUT (so FIRMWARE=1): the cmocka programs, the corpus
# replay, shared-smoke and terse-check compare documents through the
# writer or the encoder; firmware-check runs instead: every vector decodes
# or fails with a status, and what was left out says CP_E_UNSUPPORTED.
ifneq ($(filter 1,$(NO_ENC) $(NO_XMLOUT)),)
CHECK_RUN  := $(filter-out test tool-test terse-check replay shared-smoke,$(CHECK_RUN)) firmware-check
endif

# Fuzz harnesses: `replay` (every corpus and crash file, normal compiler) is
# part of make check; `fuzz` (clang libFuzzer) and `coverage` are separate.
-include test/fuzz/fuzz.mk
-include test/perf/perf.mk
CHECK_RUN += replay

# For scripts that compile the library themselves (.ci/analyze): the
# sources of this flavour, one per line, and the warnings (without -Werror).
print-lib-srcs:
	@printf '%s\n' $(LIB_SRCS)
print-warn:
	@echo $(WARN_FLAGS)
.PHONY: print-lib-srcs print-warn

# No dangling references in the README, SECURITY.md, the man page and the
# headers; every C block of the README is a piece of an example program.
docs-check:
	@sh test/docs_check.sh
.PHONY: docs-check

check: deps all $(CHECK_RUN) $(CHECK_EXTRA)
	@echo "make check: all passed"

# TERSE=1: the cmocka programs that assert no message text (every
# conformance vector's status and tree, WSP, pages, SMS, threads); no
# cp_err__set format left in the archive; and a failure still gives its
# status, its short text and its offset (omacp decode of a cut document).
TERSE_TESTS = $(addprefix $(BUILD)/test/test_,conformance wsp pages sms threads)
terse-check: $(STATICLIB) $(TOOL) $(TERSE_TESTS)
	@set -e; for t in $(TERSE_TESTS); do echo "== $$t"; $(EMULATOR) $$t; done
	@if grep -q 'cp_doc_encode_wbxml: NULL argument' $(STATICLIB); then \
	  echo "terse-check: a message format is still in $(STATICLIB)"; exit 1; fi
	@printf '\003' > $(BUILD)/terse-cut.wbxml; rc=0; \
	  $(EMULATOR) $(TOOL) decode $(BUILD)/terse-cut.wbxml > /dev/null 2> $(BUILD)/terse-err.txt || rc=$$?; \
	  if [ "$$rc" != 65 ] || ! grep -q 'input truncated: input truncated (at byte 1)' $(BUILD)/terse-err.txt; then \
	    echo "terse-check: omacp decode of a cut document exited $$rc; expected 65 and 'input truncated (at byte 1)':"; \
	    cat $(BUILD)/terse-err.txt; exit 1; fi
	@echo "terse-check: $(words $(TERSE_TESTS)) programs passed; no message format in the archive; $$(cat $(BUILD)/terse-err.txt)"
.PHONY: terse-check

# A build without the writer or the encoder: test/firmware/check.sh.
$(BUILD)/test/fw_smoke: test/firmware/fw_smoke.c $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)
firmware-check: $(BUILD)/test/fw_smoke
	@EMULATOR="$(EMULATOR)" bash test/firmware/check.sh $(BUILD)/test/fw_smoke $(VECTORS) $(BUILD)/firmware
.PHONY: firmware-check

# Link a small program against the shared library and run it.
shared-smoke: $(SHAREDLIBV)
	@mkdir -p $(BUILD)/smoke
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/smoke/smoke test/smoke/smoke.c \
	  -L$(BUILD) -lomacp $(ALL_LDFLAGS)
	LD_LIBRARY_PATH=$(BUILD) $(EMULATOR) $(BUILD)/smoke/smoke

# The previous release's caller (test/abi/prev_caller.c): compiled against
# that release's headers, kept verbatim in test/abi/0.1.0/include (and not
# this tree's include/), linked to this library and run. The versioned
# structs' promise: decode, MAC verify, processing, a push, the limits and
# a policy description keep working for a program built for 0.1.0.
ABI_PREV_HEADERS = test/abi/0.1.0/include
abi-prev: $(SHAREDLIBV)
	@mkdir -p $(BUILD)/abi
	$(CC) -std=c99 $(WARN) $(CFLAGS) $(SANFLAGS) -I$(ABI_PREV_HEADERS) \
	  -o $(BUILD)/abi/prev_caller test/abi/prev_caller.c \
	  -L$(BUILD) -lomacp $(ALL_LDFLAGS)
	LD_LIBRARY_PATH=$(BUILD) $(EMULATOR) $(BUILD)/abi/prev_caller

# The house (DESIGN.md): includes only down, codec and trust apart, each
# third-party header in one file, no library .c over 700 lines but the
# WBXML state machine, no call circle between the files of a floor (read
# from the objects' symbols). tools/house.py prints the measures too.
house: lib
	python3 tools/house.py --check --objdir $(BUILD)/obj --nm $(NM)

# Only cp_* symbols may be exported, and exactly the committed list.
symcheck: $(SHAREDLIBV)
	@$(NM) -D --defined-only $(SHAREDLIBV) | awk '{print $$3}' | \
	  sort > $(BUILD)/symbols.txt
	@if grep -v '^cp_' $(BUILD)/symbols.txt; then \
	  echo "symcheck: symbols outside cp_ exported (above)"; exit 1; fi
	@if [ "$(NO_XML)" != 1 ]; then \
	  diff -u test/abi/exported-symbols.txt $(BUILD)/symbols.txt || \
	  { echo "symcheck: exported symbols differ from test/abi/exported-symbols.txt"; exit 1; }; fi
	@echo "symcheck: $$(wc -l < $(BUILD)/symbols.txt) symbols, all cp_*"

# Every public header compiles on its own, as C99 pedantic and as C++.
HEADERS := $(wildcard include/omacp/*.h) include/omacp.h
headertest:
	@mkdir -p $(BUILD)/headertest
	@set -e; for h in $(HEADERS); do \
	  n=$$(echo $$h | tr '/.' '__'); \
	  printf '#include "%s"\n#include "%s"\nint cp_headertest_%s;\n' \
	    "$${h#include/}" "$${h#include/}" "$$n" > $(BUILD)/headertest/$$n.c; \
	  $(CC) -std=c99 -pedantic -Wall -Wextra -Werror -Iinclude -c \
	    $(BUILD)/headertest/$$n.c -o $(BUILD)/headertest/$$n.o; \
	  if command -v $(CROSS)g++ >/dev/null 2>&1; then \
	    $(CROSS)g++ -x c++ -Wall -Wextra -Werror -Iinclude -c \
	      $(BUILD)/headertest/$$n.c -o $(BUILD)/headertest/$$n.cxx.o; fi; \
	done; echo "headertest: $(words $(HEADERS)) headers OK (C99 and C++)"

# The release number is written once, as VERSION above; the public header's
# CP_VERSION_MAJOR/MINOR/PATCH/STRING (literals, so the installed header
# needs no generation step) must spell the same version, and VERSION_MAJOR
# (the soname) must be VERSION's first component; so must the Python
# package's version (bindings/python), where there is one.
version-check:
	@h=include/omacp/common.h; \
	  v=$$(awk '/^#define CP_VERSION_(MAJOR|MINOR|PATCH) /{ printf "%s%s", sep, $$3; sep = "." }' $$h); \
	  s=$$(sed -n 's/^#define CP_VERSION_STRING "\(.*\)"$$/\1/p' $$h); \
	  if [ "$$v" != "$(VERSION)" ] || [ "$$s" != "$(VERSION)" ]; then \
	    echo "version-check: $$h says $$v (\"$$s\"), the Makefile's VERSION is $(VERSION): set CP_VERSION_* to $(VERSION)"; exit 1; fi; \
	  if [ "$(firstword $(subst ., ,$(VERSION)))" != "$(VERSION_MAJOR)" ]; then \
	    echo "version-check: VERSION_MAJOR $(VERSION_MAJOR) is not VERSION $(VERSION)'s major"; exit 1; fi
	@set -e; for f in bindings/python/pyproject.toml bindings/python/omacp/__init__.py; do \
	  [ -f $$f ] || continue; \
	  v=$$(sed -n 's/^\(version\|__version__\) *= *"\(.*\)"$$/\2/p' $$f); \
	  if [ "$$v" != "$(VERSION)" ]; then \
	    echo "version-check: $$f says \"$$v\", the Makefile's VERSION is $(VERSION)"; exit 1; fi; done
	@echo "version-check: Makefile VERSION, CP_VERSION_*, the soname and the Python package (if any) agree on $(VERSION)"

# NO_XML=1: no expat symbol referenced and no expat library needed, and the
# tool refuses XML input with exit 65 and the "unsupported" message.
noxml-check: $(STATICLIB) $(SHAREDLIBV) $(TOOL)
	@if $(NM) $(STATICLIB) $(SHAREDLIBV) $(TOOL) 2>/dev/null | grep -E ' XML_[A-Za-z]'; then \
	  echo "noxml-check: expat symbols in a NO_XML build (above)"; exit 1; fi
	@if $(READELF) -d $(SHAREDLIBV) $(TOOL) | grep -i 'NEEDED.*expat'; then \
	  echo "noxml-check: a NO_XML build linked against expat (above)"; exit 1; fi
	@printf '<wap-provisioningdoc/>' > $(BUILD)/noxml-in.xml; rc=0; \
	  $(EMULATOR) $(TOOL) decode $(BUILD)/noxml-in.xml > /dev/null 2> $(BUILD)/noxml-err.txt || rc=$$?; \
	  if [ "$$rc" != 65 ] || ! grep -q 'unsupported' $(BUILD)/noxml-err.txt; then \
	    echo "noxml-check: omacp decode of XML exited $$rc; expected 65 and 'unsupported':"; \
	    cat $(BUILD)/noxml-err.txt; exit 1; fi
	@echo "noxml-check: no expat symbol or library; omacp decode of XML exits 65: $$(cat $(BUILD)/noxml-err.txt)"

# NO_CPF=1: no libmspack or OpenSSL symbol referenced or library needed,
# and the tool says "unsupported" for a .cpf.
nocpf-check: $(STATICLIB) $(SHAREDLIBV) $(TOOL)
	@if $(NM) $(STATICLIB) $(SHAREDLIBV) $(TOOL) 2>/dev/null | \
	  grep -E ' U (mspack_|PKCS7_|X509_|EVP_|d2i_|BIO_)'; then \
	  echo "nocpf-check: libmspack/OpenSSL symbols in a NO_CPF build (above)"; exit 1; fi
	@if $(READELF) -d $(SHAREDLIBV) $(TOOL) | grep -E 'NEEDED.*(mspack|crypto)'; then \
	  echo "nocpf-check: a NO_CPF build linked against libmspack/OpenSSL (above)"; exit 1; fi
	@rm -rf $(BUILD)/nocpf-state; printf 'MSCF' > $(BUILD)/nocpf.cpf; rc=0; \
	  $(EMULATOR) $(TOOL) device init --state $(BUILD)/nocpf-state > /dev/null; \
	  $(EMULATOR) $(TOOL) process --state $(BUILD)/nocpf-state --source cpf \
	    $(BUILD)/nocpf.cpf > /dev/null 2> $(BUILD)/nocpf-err.txt || rc=$$?; \
	  if [ "$$rc" = 0 ] || ! grep -q 'unsupported\|NO_CPF' $(BUILD)/nocpf-err.txt; then \
	    echo "nocpf-check: omacp process --source cpf exited $$rc; expected 'unsupported':"; \
	    cat $(BUILD)/nocpf-err.txt; exit 1; fi
	@echo "nocpf-check: no libmspack/OpenSSL symbol or library; omacp process --source cpf: $$(cat $(BUILD)/nocpf-err.txt)"

# ---- bounded stack ---------------------------------------------------------
# Every library function's frame, as built with CFLAGS (-fstack-usage), must
# be bounded (no VLA or alloca) and at most STACK_LIMIT bytes. Recursion,
# found in the call graph of -fcallgraph-info (direct calls; calls through
# the CSP function pointers are not seen), is allowed only in the functions
# of STACK_RECURSIVE: the engine's walks over a document or a stored
# settings tree, whose depth the decoders bound by limits.max_depth (stored
# trees are decoded with the same limit). The decoders, the writers and the
# encoder are iterative. Needs GCC >= 10.
STACK_LIMIT ?= 1024
STACK_RECURSIVE = pre_node apply_char annotate replay_tree same_tree emit_as \
                  tree_walk cp_meta__tree_allowed merge_deep
STACK_DIR  = $(BUILD)/stack
STACK_OBJS = $(LIB_SRCS:%.c=$(STACK_DIR)/%.o)

$(STACK_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -fstack-usage -fcallgraph-info=su -MMD -MP -c $< -o $@

# The two checks are awk programs in tools/: stack-usage.awk over the .su
# files (frame sizes), stack-recursion.awk over the .ci call graphs (cycles).
STACK_AWK = tools/stack-usage.awk tools/stack-recursion.awk

stack-check: $(STACK_OBJS) $(STACK_AWK)
	@cat $(STACK_OBJS:.o=.su) | awk -v lim=$(STACK_LIMIT) -f tools/stack-usage.awk
	@cat $(STACK_OBJS:.o=.ci) | awk -v allowed="$(STACK_RECURSIVE)" -f tools/stack-recursion.awk

# ---- footprint ---------------------------------------------------------------
# test/footprint.sh: libomacp.a of every profile (full = without the .cpf
# module, noxml, firmware = make FIRMWARE=1) built with FOOTPRINT_CFLAGS,
# for the host and for FOOTPRINT_CROSS (Thumb-2 on armhf), measured with
# size(1) against its target from issue 18, PASS or MISS per row.
# FOOTPRINT_ENFORCE=1 fails on a MISS in the rows of FOOTPRINT_GATE
# (default: every row with a target; CI runs it so), except that a row
# with a FOOTPRINT_CEILING fails only above that. Each profile builds
# in build-footprint/<triplet>-<profile>. An informative row per arch,
# fw-linked, is what a modem's receive path (test/footprint_rx.c) links of
# the firmware profile with --gc-sections. -fno-pie: firmware is linked at a
# fixed address, so every constant (tables of pointers included) is text,
# as in its image; Debian's default PIE code would put tables of pointers
# in .data.rel.ro, counted as data by size (-Os alone shows that split).
FOOTPRINT_CROSS ?= arm-linux-gnueabihf-
FOOTPRINT_CFLAGS ?= -Os -fno-pie
FOOTPRINT_ENFORCE ?= 0
# The rows still above their targets, held at what they measure (2026-12-07,
# gcc 12, Debian 12, -Os -fno-pie) plus 2 KB: they may shrink, not grow.
# Lower a ceiling when a row shrinks; drop it when the row passes.
FOOTPRINT_CEILING ?= x86_64-full=165936 armhf-full=120786 armhf-firmware=97761
footprint:
	@MAKE="$(MAKE)" CC="$(CC)" FOOTPRINT_CROSS="$(FOOTPRINT_CROSS)" \
	  FOOTPRINT_CFLAGS="$(FOOTPRINT_CFLAGS)" FOOTPRINT_ENFORCE="$(FOOTPRINT_ENFORCE)" \
	  FOOTPRINT_CEILING="$(FOOTPRINT_CEILING)" \
	  $(if $(FOOTPRINT_GATE),FOOTPRINT_GATE="$(FOOTPRINT_GATE)") sh test/footprint.sh

# ---- set-up on a fresh Debian machine --------------------------------------
# libmspack-dev and libssl-dev: the .cpf module (not needed with NO_CPF=1);
# gcab, osslsigncode and openssl: the .cpf tests make and sign their own
# cabinets (test/cpf_fixtures.sh; they skip, saying so, without them).
DEB_PKGS = libexpat1-dev libtomcrypt-dev libcmocka-dev pkg-config python3 \
           python3-pytest python3-setuptools \
           libmspack-dev libssl-dev gcab osslsigncode openssl
# cmake: consumer-check's find_package(omacp) consumer (test/cmake).
DEB_PKGS += cmake
# The libraries the build needs, as pkg-config names them (cmocka for the
# tests; libmspack and libcrypto for the .cpf module).
PC_DEPS = libtomcrypt cmocka $(if $(filter 1,$(NO_XML)),,expat) \
          $(if $(filter 1,$(NO_CPF)),,libmspack libcrypto)
# deps: nothing to do when pkg-config finds every library (any system). On
# Debian/Ubuntu (dpkg-query and apt-get present) the missing packages are
# installed when run as root, else the exact apt-get command is printed;
# elsewhere the missing libraries are named with hints for other systems.
deps:
	@if command -v $(PKG_CONFIG) >/dev/null 2>&1 && \
	   $(PKG_CONFIG) --exists $(PC_DEPS) 2>/dev/null && command -v cmake >/dev/null 2>&1 && \
	   python3 -c 'import pytest' >/dev/null 2>&1; then \
	  exit 0; fi; \
	if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || \
	      missing="$$missing $$p"; done; \
	  [ -z "$$missing" ] && exit 0; \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else \
	    echo "deps: missing Debian packages. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; exit 1; fi; \
	else \
	  echo "deps: pkg-config does not find all of: $(PC_DEPS) (and cmake, python3 with pytest)"; \
	  for l in $(PC_DEPS); do $(PKG_CONFIG) --exists $$l 2>/dev/null || echo "  missing: $$l"; done; \
	  echo "  Fedora: dnf install expat-devel libtomcrypt-devel libcmocka-devel libmspack-devel openssl-devel python3-pytest cmake"; \
	  echo "  Alpine: apk add expat-dev libtomcrypt-dev cmocka-dev libmspack-dev openssl-dev py3-pytest cmake"; \
	  echo "  then make again (or set PKG_CONFIG_PATH to where their .pc files are)"; exit 1; \
	fi

demo: deps $(BUILD)/examples/device-sim
	@$(BUILD)/examples/device-sim

bench: deps $(STATICLIB)
	@$(MAKE) --no-print-directory -f bench/bench.mk BUILD=$(BUILD) LIBS="$(LIBS)" run

# ---- install -------------------------------------------------------------
# The CMake package files (cmake/*.cmake.in): paths relative to cmakedir, so
# the installed tree is relocatable; the static target's link libraries are
# LIBS without -l; the pointer size is the target compiler's.
STATIC_LIBS = $(patsubst -l%,%,$(LIBS))
define cmake_subst
sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@VERSION_MAJOR@|$(VERSION_MAJOR)|g' \
  -e "s|@LIBDIR_REL@|$$(realpath -m --relative-to=$(cmakedir) $(libdir))|g" \
  -e "s|@INCLUDEDIR_REL@|$$(realpath -m --relative-to=$(cmakedir) $(includedir))|g" \
  -e 's|@STATIC_LIBS@|$(subst $(eval) ,;,$(STATIC_LIBS))|g' \
  -e 's|@STATIC_LIBS_TEXT@|$(STATIC_LIBS)|g' \
  -e "s|@SIZEOF_VOID_P@|$$($(CC) -dM -E - </dev/null | sed -n 's/^\#define __SIZEOF_POINTER__ //p')|g" \
  $(1)
endef
install: all
	install -d $(DESTDIR)$(libdir) $(DESTDIR)$(includedir)/omacp \
	  $(DESTDIR)$(pkgconfigdir) $(DESTDIR)$(bindir)
	install -m 644 include/omacp.h $(DESTDIR)$(includedir)/omacp.h
	install -m 644 include/omacp/*.h $(DESTDIR)$(includedir)/omacp/
	install -m 644 $(STATICLIB) $(DESTDIR)$(libdir)/libomacp.a
	install -m 755 $(SHAREDLIBV) $(DESTDIR)$(libdir)/libomacp.so.$(VERSION)
	ln -sf libomacp.so.$(VERSION) $(DESTDIR)$(libdir)/libomacp.so.$(VERSION_MAJOR)
	ln -sf libomacp.so.$(VERSION) $(DESTDIR)$(libdir)/libomacp.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(libdir)|g' \
	  -e 's|@INCLUDEDIR@|$(includedir)|g' -e 's|@VERSION@|$(VERSION)|g' \
	  -e 's|@XML_LIBS@|$(XML_LIBS)|g' -e 's|@XML_REQ@|$(if $(XML_LIBS),expat,)|g' \
	  -e 's|@CPF_LIBS@|$(CPF_LIBS)|g' -e 's|@CPF_REQ@|$(CPF_REQ)|g' \
	  pkgconfig/omacp.pc.in > $(DESTDIR)$(pkgconfigdir)/omacp.pc
	install -d $(DESTDIR)$(cmakedir)
	$(call cmake_subst,cmake/omacpConfig.cmake.in) > $(DESTDIR)$(cmakedir)/omacpConfig.cmake
	$(call cmake_subst,cmake/omacpConfigVersion.cmake.in) > $(DESTDIR)$(cmakedir)/omacpConfigVersion.cmake
	install -m 755 $(TOOL) $(DESTDIR)$(bindir)/omacp
	install -d $(DESTDIR)$(mandir)/man1
	install -m 644 man/omacp.1 $(DESTDIR)$(mandir)/man1/omacp.1

uninstall:
	rm -f $(DESTDIR)$(includedir)/omacp.h
	rm -f $(addprefix $(DESTDIR)$(includedir)/omacp/,$(notdir $(wildcard include/omacp/*.h)))
	-rmdir $(DESTDIR)$(includedir)/omacp 2>/dev/null
	rm -f $(DESTDIR)$(libdir)/libomacp.a $(DESTDIR)$(libdir)/libomacp.so \
	  $(DESTDIR)$(libdir)/libomacp.so.$(VERSION_MAJOR) \
	  $(DESTDIR)$(libdir)/libomacp.so.$(VERSION)
	rm -f $(DESTDIR)$(pkgconfigdir)/omacp.pc $(DESTDIR)$(bindir)/omacp
	rm -f $(DESTDIR)$(mandir)/man1/omacp.1
	rm -f $(DESTDIR)$(cmakedir)/omacpConfig.cmake $(DESTDIR)$(cmakedir)/omacpConfigVersion.cmake
	-rmdir $(DESTDIR)$(cmakedir) 2>/dev/null

# ---- release tarball -------------------------------------------------------
# make dist: omacp-VERSION.tar.gz of the committed tree at HEAD (git archive:
# members in tree order, every mtime the commit's date, owner and group 0,
# the commit id in the pax header; gzip -n: no name or time stamp), so the
# same commit gives the same bytes. Uncommitted changes are not in it.
# make distcheck: the tarball is rebuilt and must be byte-identical, then
# unpacked in a fresh temporary directory (outside any git tree) where
# make check must pass from its own contents.
DIST = omacp-$(VERSION)
DIST_ARCHIVE = git archive --format=tar --prefix=$(DIST)/ HEAD | gzip -9n
dist:
	@git rev-parse --verify -q HEAD >/dev/null || { echo "make dist needs a git checkout"; exit 1; }
	@if [ -n "$$(git status --porcelain --untracked-files=no)" ]; then \
	  echo "make dist: uncommitted changes are not in the tarball (it is HEAD, $$(git rev-parse --short HEAD))"; fi
	$(DIST_ARCHIVE) > $(DIST).tar.gz
	@echo "make dist: $(DIST).tar.gz $$(sha256sum < $(DIST).tar.gz | cut -d' ' -f1)"

distcheck: dist
	@test "$$($(DIST_ARCHIVE) | sha256sum)" = "$$(sha256sum < $(DIST).tar.gz)" || \
	  { echo "distcheck: a second make dist gave different bytes"; exit 1; }
	@echo "distcheck: a second archive of HEAD is byte-identical"
	@set -e; tmp=$$(mktemp -d "$${TMPDIR:-/tmp}/omacp-distcheck.XXXXXX"); \
	  tar -xzf $(DIST).tar.gz -C $$tmp; \
	  echo "distcheck: make check in $$tmp/$(DIST)"; \
	  GIT_CEILING_DIRECTORIES=$$tmp $(MAKE) --no-print-directory -C $$tmp/$(DIST) check \
	    WERROR=$(WERROR) > $$tmp/check.log 2>&1 || \
	    { tail -40 $$tmp/check.log; echo "distcheck: make check failed in $$tmp/$(DIST) (log: $$tmp/check.log)"; exit 1; }; \
	  tail -1 $$tmp/check.log; rm -rf $$tmp
	@echo "distcheck: $(DIST).tar.gz builds and passes make check from its own contents"

# ---- ABI baseline ----------------------------------------------------------
# test/abi/omacp.abi: abidw of the release built with -g -Og; .ci/analyze
# compares every change with it. Regenerate at each release (after bumping
# VERSION, and VERSION_MAJOR for an incompatible change).
ABI_BUILD = build-abi
abi-baseline:
	@command -v abidw >/dev/null 2>&1 || { echo "abi-baseline needs abidw: sudo apt-get install -y abigail-tools"; exit 1; }
	$(MAKE) --no-print-directory BUILD=$(ABI_BUILD) CFLAGS="-g -Og" \
	  SANITIZE= COVERAGE= NO_XML= CROSS= $(ABI_BUILD)/libomacp.so.$(VERSION)
	abidw --headers-dir include --out-file test/abi/omacp.abi \
	  $(ABI_BUILD)/libomacp.so.$(VERSION)
	@echo "abi-baseline: test/abi/omacp.abi written for $$(sed -n "s/.*soname='\([^']*\)'.*/\1/p" test/abi/omacp.abi | head -1)"
.PHONY: abi-baseline

# API reference from the headers (Doxygen is optional: apt-get install doxygen).
doc:
	@command -v doxygen >/dev/null 2>&1 || { echo "make doc needs doxygen: sudo apt-get install -y doxygen"; exit 1; }
	@mkdir -p $(BUILD)/doc
	@(cat doc/Doxyfile; echo "OUTPUT_DIRECTORY = $(BUILD)/doc"; echo "PROJECT_NUMBER = $(VERSION)") | doxygen - >/dev/null
	@echo "API reference: $(BUILD)/doc/html/index.html"

clean:
	rm -rf build build-san build-cov build-noxml build-nocpf build-*
	rm -f omacp-*.tar.gz

-include $(LIB_OBJS:.o=.d) $(LIB_PICS:.o=.d) $(STACK_OBJS:.o=.d)
