/*
 * bench.h - shared parts of `make bench` (not part of the library).
 *
 * The bench is a POSIX program: it times with clock_gettime(CLOCK_MONOTONIC)
 * and links the baselines (libwbxml2, expat, libtomcrypt). It uses only
 * libomacp's public API (omacp.h).
 *
 * Sections, one source file each (main in bench_main.c):
 *   1 WBXML -> XML text versus libwbxml2        bench_decode.c
 *   2 XML text -> document versus bare expat    bench_xml.c
 *   3 verify a signed push versus HMAC alone    bench_mac.c
 *   4 cp_push_process of a signed bootstrap     bench_push.c
 *   5 scaling (size, elements, stored items)    bench_scale.c
 *   6 memory (peak heap, allocations)           bench_mem.c
 *   7 footprint (size of the -Os objects)       bench_size.c
 *   8 build + split versus the MAC alone        bench_send.c
 *   9 whole processes: omacp decode vs wbxml2xml bench_proc.c
 *  10 instructions per parm (callgrind)          bench_proc.c
 * then the table of issue 18's figures (bench_goals_print).
 * Every figure is printed as one row: figure, value (a ratio where the
 * target is one), target, mark. The marks are counted for the summary.
 * A ratio is the median of the ratios of BENCH_MIN_PAIRS or more
 * alternating pairs, printed with their smallest and largest.
 */
#ifndef CP_BENCH_H
#define CP_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "omacp.h"

#if defined(__GNUC__) || defined(__clang__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BENCH_PRINTF(f, a)
#endif

/* One input document of the bench; wbxml is malloc'd and owned here. */
typedef struct bench_doc {
    char name[40];
    uint8_t *wbxml;
    size_t len;
} bench_doc;

/* The PROV documents of sections 1 and 6: three vectors, three generated,
   one token-dense. */
#define BENCH_MAX_DOCS 8

/* ---- bench_util.c: clock, settings, timing ------------------------------ */

/* Seconds on the monotonic clock. */
double bench_now(void);

#define BENCH_MAX_REPS 15

/*
 * Knobs (environment): BENCH_MIN_SECONDS, the shortest measurement
 * (default 0.2); BENCH_REPS, measurements per figure (default 5, at most
 * BENCH_MAX_REPS); BENCH_MAX_CASE_SECONDS, the longest a scaling case may
 * be predicted to take before it is skipped (default 20).
 */
typedef struct bench_settings {
    double min_s;
    int reps;
    double max_case_s;
} bench_settings;

void bench_read_settings(bench_settings *s);

/* The settings for heavy cases: a shorter minimum, as many measurements. */
bench_settings bench_heavy(const bench_settings *s);

/*
 * One side of a measurement: run(state, iters) performs iters operations
 * and returns the seconds of the part it times (all of it, or only the
 * calls under test when each operation needs fresh state set up first),
 * or a negative value on failure.
 */
typedef double (*bench_run_fn)(void *state, unsigned long iters);

typedef struct bench_side {
    bench_run_fn run;
    void *state;
    int ok;              /* in: may run; out: measured */
    unsigned long iters; /* operations per measurement */
    double per[BENCH_MAX_REPS];
    double median; /* seconds per operation */
} bench_side;

/*
 * Measure n sides: each is calibrated to iterations lasting at least
 * s->min_s (its last calibration run is its first measurement), then the
 * remaining s->reps - 1 measurements of the sides alternate (a, b, a, b,
 * ...), so that a change in the machine's load falls on both sides of a
 * ratio. A side whose run fails gets ok 0.
 */
void bench_measure(bench_side *sd, int n, const bench_settings *s);

/* Shortcut for one side; returns the median seconds per op, or -1. */
double bench_measure1(bench_run_fn run, void *state, const bench_settings *s);

/*
 * A ratio of two sides measured together by bench_measure: one ratio per
 * alternating pair (measurement r of num over measurement r of den, each
 * per operation, times scale), then their median, smallest and largest.
 * pairs is the number of pairs (the settings' reps).
 */
typedef struct bench_ratio {
    double med, lo, hi;
    int pairs;
} bench_ratio;

/* 0 on success; -1 when a side was not measured or a time is 0. */
int bench_pair_ratio(const bench_side *num, const bench_side *den,
                     double scale, int pairs, bench_ratio *r);

/* "21.9x (19.8-23.0)" with prec decimals and suffix ("x" or ""). */
const char *bench_fmt_ratio(char *buf, size_t cap, const bench_ratio *r,
                            int prec, const char *suffix);

/* The fewest pairs a ratio is reported from without a warning. */
#define BENCH_MIN_PAIRS 5

/* ---- bench_util.c: report ----------------------------------------------- */

typedef enum bench_mark {
    BENCH_PASS = 0,
    BENCH_MISS = 1,
    BENCH_ERROR = 2, /* could not be measured, or an output check failed */
    BENCH_INFO = 3   /* a figure without a target */
} bench_mark;

/* Start a section: its title and a note printed under it (may be NULL). */
void bench_section(const char *title, const char *note);

/*
 * One row: figure, value, target, mark, and a free-form detail. Counted
 * in the summary unless BENCH_INFO.
 */
void bench_row(const char *figure, const char *value, const char *target,
               bench_mark mark, const char *detail_fmt, ...)
    BENCH_PRINTF(5, 6);

/* A row that could not be measured: value "n/a", mark ERROR. */
void bench_row_error(const char *figure, const char *target,
                     const char *why_fmt, ...) BENCH_PRINTF(3, 4);

/* PASS or MISS: ok true gives PASS. */
bench_mark bench_mark_of(int ok);

/* Counts of the rows printed so far. */
void bench_tally(int *pass, int *miss, int *error);

/*
 * The figures of issue 18's table, gathered from the sections and printed
 * together at the end (bench_goals_print): every document or size a
 * section measures for a figure adds its value and mark; the summary gives
 * the worst value (the smallest for an "at least" target, the largest for
 * an "at most" one) and the worst mark. A figure no section added is
 * printed as not measured, or with the text of bench_goal_note.
 */
typedef enum bench_goal_id {
    BENCH_G_ARM_TEXT = 0, /* library text, armhf, -Os */
    BENCH_G_X86_SIZE,     /* x86-64 text + data, -Os, no unwind tables */
    BENCH_G_WBXML,        /* decode + XML write vs libwbxml2 */
    BENCH_G_PER_BYTE,     /* decode time per byte, 10 MB over 1 KB */
    BENCH_G_HEAP,         /* decode peak over its target (1.0 = at it) */
    BENCH_G_XML,          /* XML parse vs bare expat */
    BENCH_G_PARM_IR,      /* processing, instructions per parm */
    BENCH_G_MAC,          /* MAC verify vs HMAC-SHA1 */
    BENCH_G_N
} bench_goal_id;

void bench_goal(bench_goal_id g, double value, bench_mark mark);
/* A figure measured elsewhere or not at all: text instead of a value. */
void bench_goal_note(bench_goal_id g, const char *text, bench_mark mark);
/* Print the table; counts nothing (its rows were counted as measured). */
void bench_goals_print(void);

/* "%.3g"-like formatting of a time in the unit that suits it. */
const char *bench_fmt_time(char *buf, size_t cap, double seconds);

/* ---- bench_util.c: vectors ---------------------------------------------- */

/* $CP_VECTORS when set and non-empty, else ../shared/vectors. */
const char *bench_vectors_dir(void);

/*
 * Read the hex string field "field" of the JSON vector dir/file and decode
 * it. With anchor non-NULL, the first such field after the first
 * occurrence of anchor (e.g. "\"push-netwpin\""). Returns a malloc'd
 * buffer (*len its size), or NULL with a message on stderr.
 */
uint8_t *bench_vector_hex(const char *dir, const char *file,
                          const char *anchor, const char *field, size_t *len);

/* The "wbxml_hex" field of a document vector. */
uint8_t *bench_vector_wbxml(const char *dir, const char *file, size_t *len);

/* ---- bench_util.c: counting allocator ----------------------------------- */

/*
 * Counting allocator: every block carries a size header, so the counter
 * knows the payload bytes held now (cur) and at most (peak), and the
 * number of alloc/realloc calls.
 */
typedef struct bench_counter {
    size_t cur, peak;
    unsigned long calls;
} bench_counter;

/* Put the counting hooks, with state c (zeroed here), into cfg. */
void bench_counter_hooks(cp_config *cfg, bench_counter *c);

/* ---- bench_util.c: a snapshot-able in-memory store ---------------------- */

#define BENCH_STORE_BLOBS 4096

/*
 * The library's in-memory store (cp_store_mem_open, which finds a blob by
 * a hash of its name, as a file system's lookup does) behind hooks that
 * list the blob names, so that the bench can copy it: a device state
 * prepared once (e.g. 10000 stored items) is restored before every
 * measured call.
 */
typedef struct bench_store {
    cp_storage mem; /* the blobs */
    int n;
    char name[BENCH_STORE_BLOBS][CP_STORE_NAME_MAX + 1];
} bench_store;

/* An empty store; 0 on success, -1 out of memory. */
int bench_store_init(bench_store *st);
/* Free st (also a zeroed one); it is zeroed after. */
void bench_store_free(bench_store *st);
/* dst (freed first) becomes a copy of src; 0 on success, -1 out of memory. */
int bench_store_copy(bench_store *dst, const bench_store *src);
/* Hooks of st for cp_config.storage. */
cp_storage bench_store_hooks(bench_store *st);

/* ---- bench_util.c: XML comparison --------------------------------------- */

/*
 * Compare two XML texts modulo the prolog (XML declaration, DOCTYPE: all
 * before the first "<wap-provisioningdoc"), whitespace between tags, and
 * "<x .../>" versus "<x ...></x>". Returns 1 when equal; otherwise 0 and
 * *where is the offset of the first difference in the normalised text of
 * a. Returns -1 when out of memory.
 */
int bench_xml_same(const char *a, size_t alen, const char *b, size_t blen,
                   size_t *where);

/* ---- bench_util.c: WSP push PDU ----------------------------------------- */

/*
 * Wrap body into a connectionless WSP push PDU as a PPG sends it: TID,
 * type 0x06, HeadersLen, content type application/vnd.wap.connectivity-
 * wbxml in the general form with SEC (sec 0..3) and, when mac is not NULL,
 * MAC (40 hex digits), then X-Wap-Application-Id x-wap-application:wml.ua,
 * then the body. *out is malloc'd. 0 on success, -1 out of memory.
 */
int bench_wsp_pdu(int sec, const char *mac, const uint8_t *body,
                  size_t body_len, uint8_t **out, size_t *out_len);

/* ---- bench_gen.c: documents --------------------------------------------- */

/*
 * Build a realistic provisioning document of about target bytes of WBXML
 * (a BOOTSTRAP with NAME and PROVURL, then repeated NAPDEF, PXLOGICAL/
 * PXPHYSICAL/PORT and APPLICATION/RESOURCE blocks with varying ids,
 * addresses and names) with the public builder API and encode it with
 * cp_doc_encode_wbxml (string table on). *out is malloc'd. On failure
 * returns the failing status and names the failing step on stderr.
 */
cp_status bench_gen_doc(cp_ctx *ctx, size_t target, uint8_t **out,
                        size_t *out_len);

/*
 * A token-dense document of about target bytes of WBXML: NAPDEF blocks
 * whose parm names and values are all PROV tokens (3-4 bytes an element).
 */
cp_status bench_gen_dense(cp_ctx *ctx, size_t target, uint8_t **out,
                          size_t *out_len);

/* The same documents sized by their compact XML text (cp_doc_write_xml). */
cp_status bench_gen_xml(cp_ctx *ctx, size_t target, char **out,
                        size_t *out_len);

/*
 * The bootstrap of sections 4 and 6: one BOOTSTRAP (NAME, PROVURL,
 * NETWORK, COUNTRY), one NAPDEF (with NAPAUTHINFO and VALIDITY), one
 * PXLOGICAL (DOMAINs, PXAUTHINFO, PXPHYSICAL with two PORTs) and one
 * APPLICATION (w2, four RESOURCEs): about 1 KB of WBXML. *out is malloc'd.
 */
cp_status bench_gen_bootstrap(cp_ctx *ctx, uint8_t **out, size_t *out_len);

/* Shapes of the scaling documents. */
typedef enum bench_shape {
    BENCH_PARMS = 0, /* one VENDORCONFIG (NAME "bench") with n more parms */
    BENCH_CHARS = 1  /* n NAPDEF items, each NAPID + NAME */
} bench_shape;

/*
 * A scaling document of n items of shape, as WBXML. first numbers the
 * items (NAPID "NAP%06u" from first on; parm names "P%06u"); prefix, when
 * not NULL, replaces "NAP" in the NAPIDs and tag replaces the value text
 * ("Access point", "value"), so that a document can add new items or
 * update stored ones. ctx must allow enough elements.
 */
cp_status bench_gen_items(cp_ctx *ctx, bench_shape shape, unsigned n,
                          unsigned first, const char *prefix,
                          const char *tag, uint8_t **out, size_t *out_len);

/* ---- the sections ------------------------------------------------------- */

/* bench_decode.c: fill docs (see BENCH_MAX_DOCS); returns their number. */
int bench_load_docs(cp_ctx *ctx, bench_doc *docs);
void bench_free_docs(bench_doc *docs, int n);

void bench_sec_wbxml(const bench_doc *docs, int n, const bench_settings *s);
void bench_sec_xml(const bench_settings *s);
void bench_sec_verify(const bench_settings *s);
void bench_sec_push(const bench_settings *s);
void bench_sec_scale(const bench_settings *s);
void bench_sec_memory(const bench_doc *docs, int n);
void bench_sec_footprint(void);
void bench_sec_send(const bench_settings *s);
void bench_sec_process(const bench_settings *s);
/* self: the bench's own path, run under callgrind with --cg-process N. */
void bench_sec_parm_ir(const char *self);
/* The --cg-process N mode: process N parms once (bench_cg_process). */
int bench_cg_worker(unsigned n);

/* bench_push.c: the signed bootstrap of sections 4 and 6. */
typedef struct bench_boot {
    uint8_t *body; /* WBXML */
    size_t body_len;
    uint8_t *pdu;
    size_t pdu_len;
    char mac[CP_MAC_TEXT_SIZE];
} bench_boot;

#define BENCH_IMSI "262019876543210"
/* The PIN of the SIM card letter: USERNETWPIN bootstraps are signed with it. */
#define BENCH_PIN "1234"

/* Build the bootstrap; 0 on success, else -1 with a message on stderr. */
int bench_boot_make(bench_boot *b);
void bench_boot_free(bench_boot *b);

/*
 * A fresh device for the bootstrap: unbranded profile, in-memory store
 * (cp_store_mem_open), the IMSI BENCH_IMSI, built-in CSPs and settings
 * CSPs for NAPDEF and APPLICATION, and policy 4141 (NETWPIN messages) set
 * to ANY_PUSH_SOURCE: its default 0 refuses every NETWPIN message. cfg
 * may carry allocator hooks. 0 on success; cp_device_free releases it.
 */
typedef struct bench_device {
    cp_storage store;
    cp_ctx *ctx;
} bench_device;

int bench_device_new(bench_device *d, const cp_config *base);
void bench_device_free(bench_device *d);

/* Hooks for cp_push_process: confirms the NETWPIN message (policy 4132). */
void bench_push_hooks(cp_push_hooks *h);

#endif /* CP_BENCH_H */
