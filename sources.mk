# sources.mk - what the library is built from and the warnings it is built
# with, written once for every build file: included by the Makefile (and so
# by test/fuzz/fuzz.mk and test/perf/perf.mk, which it includes) and by
# bench/bench.mk; .ci/analyze asks for them with make print-lib-srcs and
# make print-warn. Paths are from the top of the tree.

# Every library source: one folder per floor (see the Makefile's layout
# notes); a new .c file in one of them is built without further ado.
# lib/codec/*_none.c are the stand-ins of a module left out (below), not
# part of the whole library.
LIB_NONE     := $(wildcard lib/codec/*_none.c)
LIB_SRCS_ALL := $(filter-out $(LIB_NONE), \
                  $(wildcard lib/base/*.c lib/codec/*.c lib/trust/*.c \
                             lib/engine/*.c lib/engine/csp/*.c lib/device/*.c))

# The sources of this build's flavour: NO_XML=1 leaves out the expat front
# end, NO_CPF=1 the cabinet reader and Authenticode (FIRMWARE=1 sets these
# and the two below in the Makefile).
LIB_SRCS := $(LIB_SRCS_ALL)
ifeq ($(NO_XML),1)
LIB_SRCS := $(filter-out lib/codec/xml.c,$(LIB_SRCS))
endif
ifeq ($(NO_CPF),1)
LIB_SRCS := $(filter-out lib/codec/cab.c lib/trust/authenticode.c,$(LIB_SRCS))
endif
# NO_ENC=1 the WBXML encoder, NO_XMLOUT=1 the XML writer: each replaced by
# its stand-in, whose public function returns CP_E_UNSUPPORTED.
ifeq ($(NO_ENC),1)
LIB_SRCS := $(filter-out lib/codec/wbxml_enc.c,$(LIB_SRCS)) lib/codec/wbxml_enc_none.c
endif
ifeq ($(NO_XMLOUT),1)
LIB_SRCS := $(filter-out lib/codec/xmlout.c,$(LIB_SRCS)) lib/codec/xmlout_none.c
endif

# The warnings of every C compile of ours (WERROR=1 adds -Werror in the
# Makefile).
WARN_FLAGS = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wpointer-arith -Wvla -Wformat=2
