# test/perf/perf.mk - the instruction-count regression guard; included by
# the Makefile (-include test/perf/perf.mk), which provides CC, ALL_CFLAGS,
# ALL_LDFLAGS, LIBS, STATICLIB, BUILD and CFLAGS. See test/perf/README.
#
#   make perf-guard      build $(BUILD)/perf/perf_guard against the static
#                        library, count the instructions (callgrind Ir) of
#                        each workload's perf_run_<workload> function and
#                        compare them with test/perf/baseline.txt: fails
#                        when one is more than PERF_TOLERANCE percent
#                        (default 10) above its baseline; one that far
#                        below is reported (run make perf-baseline); a
#                        workload the baseline does not have yet is
#                        listed as "new, no baseline" and does not fail
#   make perf-baseline   measure the same way and rewrite baseline.txt
#
# Only a plain native build is measured: under SANITIZE, COVERAGE, NO_XML
# or CROSS perf-guard says it skips and perf-baseline refuses.

ifndef PERF_MK_INCLUDED
PERF_MK_INCLUDED = 1

ifndef STATICLIB
$(error test/perf/perf.mk needs the Makefile: make -f Makefile -f test/perf/perf.mk perf-guard)
endif

PERF_SRC       = test/perf
PERF_DIR       = $(BUILD)/perf
PERF_BIN       = $(PERF_DIR)/perf_guard
PERF_BASELINE  = $(PERF_SRC)/baseline.txt
PERF_WORKLOADS = decode-small decode-large xml-parse xml-write verify process push \
                 xml-parse-ord decode-dense process-100 process-1000 xml-write-big
PERF_COUNTS    = $(PERF_WORKLOADS:%=$(PERF_DIR)/%.ir)
PERF_TOLERANCE ?= 10
# The inputs are the committed vectors, whatever VECTORS says.
PERF_VECTORS   = $(abspath test/vectors)
VALGRIND      ?= valgrind

.PHONY: perf-guard perf-baseline perf-tools

ifneq ($(filter 1,$(SANITIZE) $(COVERAGE) $(NO_XML))$(CROSS),)

perf-guard:
	@echo "perf-guard: skipped: instruction counts are only compared in a plain native build (not SANITIZE, COVERAGE, NO_XML or CROSS)"

perf-baseline:
	@echo "perf-baseline: refused: the baseline comes from a plain native build (not SANITIZE, COVERAGE, NO_XML or CROSS)"; exit 1

else

# The comparison of a measurement with the baseline: tools/perf-compare.awk.
PERF_COMPARE = tools/perf-compare.awk
# The workloads the baseline has (want=1) or has not (want=0): only the
# first are compared, so that a workload added before its baseline is
# recorded is reported as new instead of failing the guard.
PERF_SPLIT = $(PERF_DIR)/split.awk

$(PERF_SPLIT):
	@mkdir -p $(dir $@)
	@printf '%s\n' 'FILENAME == ARGV[1] { if ($$1 !~ /^#/ && NF >= 2) b[$$1] = 1; next }' \
	  '(($$1 in b) ? 1 : 0) == want' > $@

$(PERF_BIN): $(PERF_SRC)/perf_guard.c test/support/testutil.c \
             test/support/testutil.h $(STATICLIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itest -o $@ $(PERF_SRC)/perf_guard.c \
	  test/support/testutil.c $(STATICLIB) $(ALL_LDFLAGS) $(LIBS)

perf-tools:
	@command -v $(VALGRIND) >/dev/null 2>&1 || \
	  { echo "perf-guard: $(VALGRIND) not found: sudo apt-get install -y valgrind (.ci/run installs it)"; exit 1; }

# One workload under callgrind, collecting only inside perf_run_<w>; the
# total Ir goes to $(PERF_DIR)/<w>.ir. perf-tools is phony, so every run
# measures afresh. A workload that fails its own checks fails here.
$(PERF_DIR)/%.ir: $(PERF_BIN) perf-tools
	@rm -f $@ $(PERF_DIR)/$*.callgrind
	@CP_VECTORS=$(PERF_VECTORS) $(VALGRIND) --tool=callgrind \
	  --toggle-collect=perf_run_$(subst -,_,$*) \
	  --callgrind-out-file=$(PERF_DIR)/$*.callgrind \
	  $(PERF_BIN) $* > $(PERF_DIR)/$*.log 2>&1 || \
	  { cat $(PERF_DIR)/$*.log; echo "perf-guard: workload $* failed (see above)"; exit 1; }
	@n=$$(awk '/^totals:/ { t = $$2 } /^summary:/ { s = $$2 } \
	      END { print (t != "" ? t : s) + 0 }' $(PERF_DIR)/$*.callgrind); \
	  if [ "$$n" -le 0 ]; then \
	    echo "perf-guard: no instructions counted in perf_run_$(subst -,_,$*) (inlined or renamed?)"; exit 1; fi; \
	  echo "$$n" > $@

$(PERF_DIR)/counts.txt: $(PERF_COUNTS)
	@for w in $(PERF_WORKLOADS); do echo "$$w $$(cat $(PERF_DIR)/$$w.ir)"; done > $@

# The header of the baseline: what the counts were taken with.
PERF_HDR_COMPILER = $$($(CC) --version 2>/dev/null | head -1)
PERF_HDR_VALGRIND = $$($(VALGRIND) --version 2>/dev/null)
# HEAD when measured: a new baseline is usually committed on top of it.
PERF_HDR_TREE = $$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

perf-guard: $(PERF_DIR)/counts.txt $(PERF_SPLIT)
	@test -f $(PERF_BASELINE) || { echo "perf-guard: $(PERF_BASELINE) missing: run make perf-baseline"; exit 1; }
	@cc="$(PERF_HDR_COMPILER)"; vg="$(PERF_HDR_VALGRIND)"; \
	  grep -qxF "# compiler: $$cc" $(PERF_BASELINE) || \
	    echo "perf-guard: note: the baseline was not taken with $$cc ($$(sed -n 's/^# compiler: //p' $(PERF_BASELINE)))"; \
	  grep -qxF "# valgrind: $$vg" $(PERF_BASELINE) || \
	    echo "perf-guard: note: the baseline was not taken with $$vg ($$(sed -n 's/^# valgrind: //p' $(PERF_BASELINE)))"; \
	  grep -qxF "# cflags: $(strip $(CFLAGS))" $(PERF_BASELINE) || \
	    echo "perf-guard: note: the baseline was not taken with CFLAGS=$(strip $(CFLAGS)) ($$(sed -n 's/^# cflags: //p' $(PERF_BASELINE)))"
	@echo "perf-guard: instructions inside perf_run_<workload> (callgrind Ir), tolerance $(PERF_TOLERANCE)%"
	@printf '  %-14s %14s %14s %9s\n' workload baseline now change
	@awk -v want=1 -f $(PERF_SPLIT) $(PERF_BASELINE) $(PERF_DIR)/counts.txt > $(PERF_DIR)/known.txt
	@awk -v want=0 -f $(PERF_SPLIT) $(PERF_BASELINE) $(PERF_DIR)/counts.txt > $(PERF_DIR)/new.txt
	@awk -v tol=$(PERF_TOLERANCE) -v fail=1 -v what=perf-guard \
	  -v base_file=$(PERF_BASELINE) -f $(PERF_COMPARE) \
	  $(PERF_BASELINE) $(PERF_DIR)/known.txt
	@while read w n; do printf '  %-14s %14s %14s   new, no baseline\n' "$$w" - "$$n"; done < $(PERF_DIR)/new.txt
	@if [ -s $(PERF_DIR)/new.txt ]; then \
	  echo "perf-guard: new, no baseline (not compared; make perf-baseline records them):" \
	    $$(awk '{ printf " %s", $$1 }' $(PERF_DIR)/new.txt); fi
	@echo "perf-guard: passed"

perf-baseline: $(PERF_DIR)/counts.txt
	@if [ -f $(PERF_BASELINE) ]; then \
	  printf '  %-14s %14s %14s %9s\n' workload old new change; \
	  awk -v tol=$(PERF_TOLERANCE) -v fail=0 -v what=perf-baseline \
	    -v base_file=$(PERF_BASELINE) -f $(PERF_COMPARE) \
	    $(PERF_BASELINE) $(PERF_DIR)/counts.txt; fi
	@{ echo "# libomacp instruction counts: callgrind Ir inside perf_run_<workload>"; \
	   echo "# of test/perf/perf_guard.c. Written by make perf-baseline; see test/perf/README."; \
	   echo "# compiler: $(PERF_HDR_COMPILER)"; \
	   echo "# valgrind: $(PERF_HDR_VALGRIND)"; \
	   echo "# cflags: $(strip $(CFLAGS))"; \
	   echo "# HEAD when measured: $(PERF_HDR_TREE)"; \
	   echo "# date: $$(date -u +%Y-%m-%d)"; \
	   cat $(PERF_DIR)/counts.txt; } > $(PERF_BASELINE).tmp
	@mv $(PERF_BASELINE).tmp $(PERF_BASELINE)
	@echo "perf-baseline: wrote $(PERF_BASELINE); commit it with the change that moved the counts"

endif
endif # PERF_MK_INCLUDED
