# test/fuzz/fuzz.mk - fuzzing, corpus replay and coverage; included by the
# Makefile (-include test/fuzz/fuzz.mk), which provides CC, ALL_CFLAGS,
# BASE_CFLAGS, ALL_LDFLAGS, LIBS, LIB_SRCS (from sources.mk), STATICLIB,
# BUILD and EMULATOR.
#
#   make replay                 every harness built with $(CC) and the normal
#                               flags (SANITIZE=1 works too) plus replay.c,
#                               run over test/fuzz/corpus/<h> and
#                               test/fuzz/crashes/<h> (no clang needed)
#   make fuzz FUZZ_SECONDS=N    every harness built with clang and
#                               -fsanitize=fuzzer,address,undefined, run for
#                               N seconds (default 60) on a scratch copy of
#                               its corpus; fails on any crash, leak,
#                               timeout, OOM or sanitizer report.
#                               make -j2 fuzz runs two at once.
#   make fuzz-<h>               one harness (h = wbxml xml wsp sms mac push tpdu
#                               process cab)
#   make coverage               unit tests, the tool test and the replay in
#                               a --coverage build (build-coverage); prints
#                               the line coverage of lib/ (lcov when
#                               installed, else gcov); fails below
#                               COVERAGE_MIN percent (default 0: report only)
#
# A crash found by `make fuzz` is left in build-fuzz/artifacts/<h>/; once
# fixed, copy it to test/fuzz/crashes/<h>/ so `make replay` keeps it fixed.

ifndef FUZZ_MK_INCLUDED
FUZZ_MK_INCLUDED = 1

FUZZ_HARNESSES = wbxml xml wsp sms mac push process tpdu
# the .cpf cabinet reader (not in a NO_CPF build)
ifneq ($(NO_CPF),1)
FUZZ_HARNESSES += cab
endif
FUZZ_SRC       = test/fuzz
FUZZ_SECONDS  ?= 60
FUZZ_CC       ?= clang
FUZZ_BUILD    ?= build-fuzz
FUZZ_FLAGS    ?= -timeout=10 -rss_limit_mb=2048
FUZZ_SAN       = -fsanitize=address,undefined -fno-sanitize-recover=all \
                 -fno-omit-frame-pointer
FUZZ_CFLAGS    = -std=c99 -g -O1 $(FUZZ_SAN) -Iinclude -Ilib \
                 -D_FILE_OFFSET_BITS=64 $(XML_DEF) $(CPF_DEF) $(CPPFLAGS)

# The dictionary of each harness (push reads both the WSP and WBXML one).
FUZZ_DICT_wbxml   = $(FUZZ_SRC)/wbxml.dict
FUZZ_DICT_xml     = $(FUZZ_SRC)/xml.dict
FUZZ_DICT_wsp     = $(FUZZ_SRC)/wsp.dict
FUZZ_DICT_sms     = $(FUZZ_SRC)/sms.dict
FUZZ_DICT_mac     = $(FUZZ_SRC)/wsp.dict
FUZZ_DICT_push    = $(FUZZ_BUILD)/push.dict
FUZZ_DICT_process = $(FUZZ_SRC)/xml.dict
FUZZ_DICT_tpdu    = $(FUZZ_SRC)/sms.dict
FUZZ_DICT_cab     = $(FUZZ_SRC)/cab.dict

.PHONY: replay fuzz coverage $(FUZZ_HARNESSES:%=fuzz-%)

# ---- replay (normal compiler) -------------------------------------------------
REPLAY_BINS = $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/replay_%)

$(BUILD)/fuzz/replay_%: $(FUZZ_SRC)/fuzz_%.c $(FUZZ_SRC)/replay.c $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(FUZZ_SRC)/fuzz_$*.c $(FUZZ_SRC)/replay.c \
	  $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)

replay: $(REPLAY_BINS)
	@set -e; for h in $(FUZZ_HARNESSES); do \
	  $(EMULATOR) $(BUILD)/fuzz/replay_$$h $(FUZZ_SRC)/corpus/$$h \
	    $(FUZZ_SRC)/crashes/$$h; done

# ---- fuzz (clang + libFuzzer) -------------------------------------------------
FUZZ_OBJS = $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_SRC)/fuzz_%.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LIBS)

$(FUZZ_BUILD)/push.dict: $(FUZZ_SRC)/wsp.dict $(FUZZ_SRC)/wbxml.dict
	@mkdir -p $(dir $@)
	cat $^ > $@

-include $(FUZZ_OBJS:.o=.d)
.SECONDARY: $(FUZZ_OBJS) $(FUZZ_HARNESSES:%=$(FUZZ_BUILD)/fuzz_%) $(REPLAY_BINS)

# One harness: a scratch corpus seeded from the tree (new inputs land there,
# not in test/fuzz/corpus), the regression inputs read too. libFuzzer exits
# non-zero on a crash, leak, timeout, OOM or (with -fno-sanitize-recover)
# any sanitizer report.
$(FUZZ_HARNESSES:%=fuzz-%): fuzz-%: $(FUZZ_BUILD)/fuzz_% $(FUZZ_BUILD)/push.dict
	@mkdir -p $(FUZZ_BUILD)/corpus/$* $(FUZZ_BUILD)/artifacts/$* $(FUZZ_BUILD)/log
	@cp $(FUZZ_SRC)/corpus/$*/* $(FUZZ_BUILD)/corpus/$*/
	@echo "fuzz-$*: $(FUZZ_SECONDS) s"
	@rc=0; ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(FUZZ_BUILD)/fuzz_$* -max_total_time=$(FUZZ_SECONDS) $(FUZZ_FLAGS) \
	    -print_final_stats=1 -dict=$(FUZZ_DICT_$*) \
	    -artifact_prefix=$(FUZZ_BUILD)/artifacts/$*/ \
	    $(FUZZ_BUILD)/corpus/$* $(FUZZ_SRC)/crashes/$* \
	    > $(FUZZ_BUILD)/log/$*.log 2>&1 || rc=$$?; \
	  if [ $$rc != 0 ]; then tail -n 60 $(FUZZ_BUILD)/log/$*.log; \
	    echo "fuzz-$*: FAILED (exit $$rc); input in $(FUZZ_BUILD)/artifacts/$*/"; exit 1; fi; \
	  echo "fuzz-$*: $$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    $(FUZZ_BUILD)/log/$*.log) executions, no crash"

fuzz: $(FUZZ_HARNESSES:%=fuzz-%)
	@echo "make fuzz: $(words $(FUZZ_HARNESSES)) harnesses, $(FUZZ_SECONDS) s each, no crash"

# ---- coverage -------------------------------------------------------------------
COV_BUILD    ?= build-coverage
COVERAGE_MIN ?= 0

# Line coverage of lib/ from the .gcda files, without lcov: gcov's
# "Lines executed:P% of N" for each lib/ source, summed by
# tools/gcov-lines.awk.

coverage:
	@find $(COV_BUILD) -name '*.gcda' -delete 2>/dev/null || true
	$(MAKE) --no-print-directory -f Makefile -f $(FUZZ_SRC)/fuzz.mk BUILD=$(COV_BUILD) COVERAGE=1 SANITIZE= \
	  unit-test tool-test replay
	@set -e; if command -v lcov >/dev/null 2>&1; then \
	  lcov -q -c -d $(COV_BUILD)/obj -o $(COV_BUILD)/all.info --rc lcov_branch_coverage=0; \
	  lcov -q -e $(COV_BUILD)/all.info '$(CURDIR)/lib/*' -o $(COV_BUILD)/lib.info; \
	  lcov --summary $(COV_BUILD)/lib.info 2>&1 | grep 'lines'; \
	  pct=$$(lcov --summary $(COV_BUILD)/lib.info 2>&1 | \
	    sed -n 's/^ *lines\.*: *\([0-9.]*\)%.*/\1/p'); \
	  if command -v genhtml >/dev/null 2>&1; then \
	    genhtml -q -o $(COV_BUILD)/html $(COV_BUILD)/lib.info && \
	    echo "coverage: report in $(COV_BUILD)/html/index.html"; fi; \
	else \
	  rm -rf $(COV_BUILD)/gcov; mkdir -p $(COV_BUILD)/gcov; \
	  for d in $$(find $(COV_BUILD)/obj/lib -name '*.gcda' -exec dirname {} \; | sort -u); do \
	    (cd $(COV_BUILD)/gcov && gcov -n -o $(CURDIR)/$$d $(CURDIR)/$$d/*.gcda); \
	  done > $(COV_BUILD)/gcov/summary.txt 2>/dev/null; \
	  set -- $$(awk -f tools/gcov-lines.awk $(COV_BUILD)/gcov/summary.txt); pct=$$1; \
	  echo "  lines......: $$1% ($$2 of $$3 lines) [gcov]"; \
	fi; \
	echo "coverage: lib/ line coverage $$pct% (unit tests, tool test, corpus replay)"; \
	awk -v p="$$pct" -v m="$(COVERAGE_MIN)" 'BEGIN { exit !(p + 0 >= m + 0) }' || \
	  { echo "coverage: below COVERAGE_MIN=$(COVERAGE_MIN)%"; exit 1; }

endif # FUZZ_MK_INCLUDED
