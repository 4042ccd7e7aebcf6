# libomacp - GNU make build. See README.md ("Building") for the targets.
#
# Library version and soname. Rules (libtool style, as expat documents them):
# a release that only fixes bugs bumps PATCH; one that adds API bumps MINOR;
# one that breaks ABI bumps MAJOR, and the soname follows MAJOR.
VERSION_MAJOR = 0
VERSION       = 0.1.0

CROSS   ?=
CC      ?= cc
ifeq ($(origin CC),default)
CC      = $(CROSS)gcc
endif
AR      ?= ar
ifeq ($(origin AR),default)
AR      = $(CROSS)ar
endif
RANLIB  ?= $(CROSS)ranlib
PKG_CONFIG ?= pkg-config

PREFIX  ?= /usr/local
DESTDIR ?=
libdir  ?= $(PREFIX)/lib
includedir ?= $(PREFIX)/include
bindir  ?= $(PREFIX)/bin
pkgconfigdir ?= $(libdir)/pkgconfig
mandir  ?= $(PREFIX)/share/man

# Build flavours: SANITIZE=1 (ASan+UBSan), COVERAGE=1 (gcov), NO_XML=1
# (WBXML only, no expat). Each flavour builds in its own directory.
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

WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wpointer-arith -Wvla -Wformat=2
ifeq ($(CI),true)
WERROR  ?= 1
endif
ifeq ($(WERROR),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c99 $(WARN) $(CFLAGS) $(SANFLAGS) -fvisibility=hidden \
             -Iinclude $(CPPFLAGS)
ifeq ($(NO_XML),1)
ALL_CFLAGS += -DCP_NO_XML=1
XML_LIBS =
else
XML_LIBS = -lexpat
endif
LIBS    = $(XML_LIBS) -ltomcrypt
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

LIB_SRCS := $(wildcard lib/base/*.c lib/codec/*.c lib/trust/*.c \
                       lib/engine/*.c lib/engine/csp/*.c lib/device/*.c)
ifeq ($(NO_XML),1)
LIB_SRCS := $(filter-out lib/codec/xml.c,$(LIB_SRCS))
endif
LIB_OBJS  = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB_PICS  = $(LIB_SRCS:%.c=$(BUILD)/pic/%.o)

STATICLIB  = $(BUILD)/libomacp.a
SHAREDLIB  = $(BUILD)/libomacp.so
SHAREDLIBM = $(SHAREDLIB).$(VERSION_MAJOR)
SHAREDLIBV = $(SHAREDLIB).$(VERSION)
TOOL       = $(BUILD)/omacp
TOOL_SRCS := $(wildcard examples/omacp*.c)

# Examples other than the tool: built with the library so they cannot rot,
# and run by make check.
EXAMPLE_SRCS := $(filter-out examples/omacp%.c,$(wildcard examples/*.c))
EXAMPLE_BINS  = $(EXAMPLE_SRCS:examples/%.c=$(BUILD)/examples/%)

TEST_SRCS := $(wildcard test/test_*.c)
TEST_BINS  = $(TEST_SRCS:test/%.c=$(BUILD)/test/%)
TEST_SUPPORT := $(wildcard test/support/*.c)

.PHONY: all lib tool check test demo deps bench install uninstall clean examples-run \
        python-test consumer-check doc \
        headertest symcheck shared-smoke

all: $(STATICLIB) $(SHAREDLIBV) $(TOOL) $(EXAMPLE_BINS)
lib: $(STATICLIB) $(SHAREDLIBV)
tool: $(TOOL)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -MMD -MP -c $< -o $@

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

$(TOOL): $(TOOL_SRCS) $(wildcard examples/*.h) $(STATICLIB)
	$(CC) $(ALL_CFLAGS) -o $@ $(TOOL_SRCS) $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/examples/%: examples/%.c $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)

# ---- tests ---------------------------------------------------------------
# Every test/test_*.c is one cmocka program, linked with the static library
# (whose internal headers the tests may include) and test/support/*.c.
$(BUILD)/test/%: test/%.c $(TEST_SUPPORT) $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Ilib -Itest -o $@ $< $(TEST_SUPPORT) $(STATICLIB) \
	  $(ALL_LDFLAGS) $(LIBS) -lcmocka

VECTORS ?= test/vectors
export CP_VECTORS = $(abspath $(VECTORS))
export CP_TOOL = $(abspath $(TOOL))

test: deps $(TEST_BINS) $(TOOL)
	@set -e; for t in $(TEST_BINS); do echo "== $$t"; $$t; done

examples-run: $(EXAMPLE_BINS)
	@set -e; for e in $(EXAMPLE_BINS); do echo "== $$e"; $$e > $(BUILD)/examples/$$(basename $$e).out; done

# The Python binding's test, against the shared library.
python-test: $(SHAREDLIBV)
	@if command -v python3 >/dev/null 2>&1; then \
	  OMACP_LIB=$(abspath $(SHAREDLIBM)) CP_VECTORS=$(CP_VECTORS) \
	    python3 examples/python/test_omacp.py; \
	else echo "python-test: python3 missing (make deps installs it)"; exit 1; fi

# Install into a scratch DESTDIR and build a consumer through pkg-config,
# against the static and the shared library.
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
	  $(MAKE) --no-print-directory uninstall DESTDIR=$(CONSUMER_DIR) PREFIX=/usr/local >/dev/null; \
	  left=$$(find $(CONSUMER_DIR)/usr -type f | wc -l); \
	  test "$$left" = 0 || { echo "consumer-check: uninstall left $$left files"; exit 1; }
	@echo "consumer-check: installed, built against pkg-config omacp (static and shared), ran, uninstalled"

# Under the sanitizers the Python interpreter and an uninstrumented consumer
# cannot load the instrumented library; those two checks run in plain builds.
ifeq ($(SANITIZE),1)
CHECK_EXTRA =
else
CHECK_EXTRA = python-test consumer-check
endif

check: deps all test examples-run shared-smoke symcheck headertest $(CHECK_EXTRA)
	@echo "make check: all passed"

# Link a small program against the shared library and run it.
shared-smoke: $(SHAREDLIBV)
	@mkdir -p $(BUILD)/smoke
	$(CC) $(ALL_CFLAGS) -o $(BUILD)/smoke/smoke test/smoke/smoke.c \
	  -L$(BUILD) -lomacp $(ALL_LDFLAGS)
	LD_LIBRARY_PATH=$(BUILD) $(BUILD)/smoke/smoke

# Only cp_* symbols may be exported, and exactly the committed list.
symcheck: $(SHAREDLIBV)
	@nm -D --defined-only $(SHAREDLIBV) | awk '{print $$3}' | \
	  grep -v '^OMACP_' | sort > $(BUILD)/symbols.txt
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

# ---- set-up on a fresh Debian machine --------------------------------------
DEB_PKGS = libexpat1-dev libtomcrypt-dev libcmocka-dev pkg-config python3
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || \
	    missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if ! command -v apt-get >/dev/null 2>&1; then \
	    echo "deps: missing$$missing and no apt-get: install them with your package manager"; exit 1; fi; \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
	  else \
	    echo "deps: missing Debian packages. Run:"; \
	    echo "  sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

demo: deps $(BUILD)/examples/device-sim
	@$(BUILD)/examples/device-sim

bench: deps $(STATICLIB)
	@$(MAKE) --no-print-directory -f bench/bench.mk BUILD=$(BUILD) run

# ---- install -------------------------------------------------------------
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
	  pkgconfig/omacp.pc.in > $(DESTDIR)$(pkgconfigdir)/omacp.pc
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

# API reference from the headers (Doxygen is optional: apt-get install doxygen).
doc:
	@command -v doxygen >/dev/null 2>&1 || { echo "make doc needs doxygen: sudo apt-get install -y doxygen"; exit 1; }
	@mkdir -p $(BUILD)/doc
	@(cat doc/Doxyfile; echo "OUTPUT_DIRECTORY = $(BUILD)/doc") | doxygen - >/dev/null
	@echo "API reference: $(BUILD)/doc/html/index.html"

clean:
	rm -rf build build-san build-cov build-noxml build-*

-include $(LIB_OBJS:.o=.d) $(LIB_PICS:.o=.d)
