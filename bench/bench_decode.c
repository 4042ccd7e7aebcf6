/*
 * bench_decode.c - `make bench`: WBXML decode + XML output, libomacp versus
 * libwbxml2, plus libomacp's peak heap.
 *
 * Our side is what `omacp decode` does minus I/O: cp_doc_decode_wbxml, then
 * cp_doc_write_xml (compact, flags 0), then free both. The baseline is
 * libwbxml2's wbxml_conv_wbxml2xml_run with compact output and no indent,
 * then free of its XML. Each side reuses one context / converter.
 *
 * Each figure is the median of BENCH_REPS (default 5) measurements of a
 * fixed number of iterations, chosen so that one measurement lasts at least
 * BENCH_MIN_SECONDS (default 0.2). The two sides' measurements of a document
 * alternate (ours, theirs, ours, ...), so that a change in the machine's
 * load during the run falls on both and not on the ratio. MB/s counts 10^6
 * bytes of WBXML input.
 *
 * Targets: libomacp at least 20x faster than libwbxml2 on every document,
 * and peak heap of the decode alone <= 3 x WBXML size + 16 KB. A miss is
 * reported, not fatal: the exit status is 0 unless the bench itself could
 * not run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wbxml/wbxml.h>

#include "bench.h"

#define MAX_DOCS 8
#define MAX_REPS 15
#define RATIO_TARGET 20.0
#define XML_FLAGS 0u /* what `omacp decode` writes without options */

typedef struct settings {
    double min_s; /* shortest measurement, seconds */
    int reps;     /* measurements per figure */
} settings;

typedef struct result {
    int ours_ok, theirs_ok;
    double ours_s, theirs_s; /* median seconds per document */
    size_t peak_dec, peak_all;
    int xml_same; /* 1 same, 0 differs, -1 not compared */
    size_t xml_where;
} result;

/* Run one side iters times on d; 0 on success. */
typedef int (*run_fn)(void *state, const bench_doc *d, unsigned long iters);

/* ---- the two sides ------------------------------------------------------- */

static int run_ours(void *state, const bench_doc *d, unsigned long iters)
{
    cp_ctx *ctx = state;
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_doc *doc = NULL;
        char *xml = NULL;
        size_t xml_len = 0;
        cp_status st = cp_doc_decode_wbxml(ctx, d->wbxml, d->len, &doc);
        if (st == CP_OK)
            st = cp_doc_write_xml(ctx, doc, XML_FLAGS, &xml, &xml_len);
        cp_free(ctx, xml);
        cp_doc_free(doc);
        if (st != CP_OK)
            return -1;
    }
    return 0;
}

static int run_theirs(void *state, const bench_doc *d, unsigned long iters)
{
    WBXMLConvWBXML2XML *conv = state;
    unsigned long i;

    for (i = 0; i < iters; i++) {
        WB_UTINY *xml = NULL;
        WB_ULONG xml_len = 0;
        WBXMLError e = wbxml_conv_wbxml2xml_run(conv, (WB_UTINY *)d->wbxml,
                                                (WB_ULONG)d->len, &xml,
                                                &xml_len);
        free(xml); /* libwbxml2 allocates with malloc */
        if (e != WBXML_OK)
            return -1;
    }
    return 0;
}

/* ---- timing -------------------------------------------------------------- */

static double timed(run_fn f, void *state, const bench_doc *d,
                    unsigned long iters)
{
    double t0 = bench_now();
    if (f(state, d, iters) != 0)
        return -1.0;
    return bench_now() - t0;
}

/* Iterations that take at least s->min_s; 0 on failure. */
static unsigned long calibrate(run_fn f, void *state, const bench_doc *d,
                               const settings *s)
{
    unsigned long iters = 1;
    for (;;) {
        double t = timed(f, state, d, iters), want;
        if (t < 0.0)
            return 0;
        if (t >= s->min_s || iters >= 1000000000ul)
            return iters;
        if (t <= 0.0) {
            iters *= 10;
            continue;
        }
        want = (double)iters * s->min_s * 1.15 / t;
        if (want > (double)iters * 10.0)
            want = (double)iters * 10.0;
        iters = (unsigned long)want + 1;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One side of a comparison and its measurements. */
typedef struct side {
    run_fn f;
    void *state;
    int ok;              /* in: may run; out: measured */
    unsigned long iters; /* per measurement */
    double per[MAX_REPS];
    double median; /* seconds per document */
} side;

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return v[n / 2];
}

/*
 * Measure both sides on d, their measurements alternating, into
 * sd[i].median. A side that fails gets ok 0.
 */
static void measure_pair(side sd[2], const bench_doc *d, const settings *s)
{
    int r, i;

    for (i = 0; i < 2; i++) {
        if (!sd[i].ok)
            continue;
        sd[i].iters = calibrate(sd[i].f, sd[i].state, d, s);
        sd[i].ok = sd[i].iters != 0;
    }
    for (r = 0; r < s->reps; r++) {
        for (i = 0; i < 2; i++) {
            double t;
            if (!sd[i].ok)
                continue;
            t = timed(sd[i].f, sd[i].state, d, sd[i].iters);
            if (t < 0.0)
                sd[i].ok = 0;
            sd[i].per[r] = t / (double)sd[i].iters;
        }
    }
    for (i = 0; i < 2; i++)
        if (sd[i].ok)
            sd[i].median = median_of(sd[i].per, s->reps);
}

/* ---- correctness and heap ---------------------------------------------- */

/* Decode + write once with our side; *xml is cp_free'd by the caller. */
static cp_status ours_once(cp_ctx *ctx, const bench_doc *d, char **xml,
                           size_t *xml_len)
{
    cp_doc *doc = NULL;
    cp_status st = cp_doc_decode_wbxml(ctx, d->wbxml, d->len, &doc);
    *xml = NULL;
    if (st == CP_OK)
        st = cp_doc_write_xml(ctx, doc, XML_FLAGS, xml, xml_len);
    cp_doc_free(doc);
    return st;
}

/* Run both sides once, report refusals, compare the XML. */
static void check_doc(cp_ctx *ctx, WBXMLConvWBXML2XML *conv,
                      const bench_doc *d, result *r)
{
    char *ours = NULL;
    size_t ours_len = 0;
    WB_UTINY *theirs = NULL;
    WB_ULONG theirs_len = 0;
    cp_status st = ours_once(ctx, d, &ours, &ours_len);
    WBXMLError e = wbxml_conv_wbxml2xml_run(conv, (WB_UTINY *)d->wbxml,
                                            (WB_ULONG)d->len,
                                            &theirs, &theirs_len);

    r->ours_ok = st == CP_OK;
    r->theirs_ok = e == WBXML_OK;
    r->xml_same = -1;
    if (!r->ours_ok)
        printf("  %s: libomacp refused it: %s (%s; byte offset %ld)\n",
               d->name, cp_strerror(st), cp_ctx_error_message(ctx),
               cp_ctx_error_offset(ctx) == CP_NO_OFFSET
                   ? -1L
                   : (long)cp_ctx_error_offset(ctx));
    if (!r->theirs_ok)
        printf("  %s: libwbxml2 refused it: %s\n", d->name,
               (const char *)wbxml_errors_string(e));
    if (r->ours_ok && r->theirs_ok)
        r->xml_same = bench_xml_same(ours, ours_len, (const char *)theirs,
                                     (size_t)theirs_len, &r->xml_where);
    if (r->xml_same == 0)
        printf("  %s: XML differs at normalised offset %lu\n", d->name,
               (unsigned long)r->xml_where);
    cp_free(ctx, ours);
    free(theirs);
}

/* Peak heap of decode alone and of decode + write, with counting hooks. */
static void measure_heap(cp_ctx *mctx, bench_counter *c, const bench_doc *d,
                         result *r)
{
    cp_doc *doc = NULL;
    char *xml = NULL;
    size_t xml_len = 0, base = c->cur;

    c->peak = c->cur;
    if (cp_doc_decode_wbxml(mctx, d->wbxml, d->len, &doc) == CP_OK)
        r->peak_dec = c->peak - base;
    cp_doc_free(doc);
    c->peak = c->cur;
    if (ours_once(mctx, d, &xml, &xml_len) == CP_OK)
        r->peak_all = c->peak - base;
    cp_free(mctx, xml);
}

/* ---- documents ----------------------------------------------------------- */

static const struct {
    const char *file, *name;
} vectors[] = {
    {"doc_nowsms_strtbl.json", "vector nowsms_strtbl"},
    {"doc_provcont_appc_example.json", "vector provcont_appc"},
    {"doc_cht_operator_codepage.json", "vector cht_operator"},
};

static const size_t gen_sizes[] = {1024, 10240, 102400};

/*
 * Fill docs with the vectors and the generated documents. A document that
 * cannot be read or built stays in the list with wbxml NULL, so that its
 * targets count as missed instead of vanishing.
 */
static int load_docs(cp_ctx *ctx, bench_doc *docs)
{
    const char *dir = bench_vectors_dir();
    size_t i;
    int n = 0;

    for (i = 0; i < sizeof vectors / sizeof vectors[0]; i++, n++) {
        snprintf(docs[n].name, sizeof docs[n].name, "%s", vectors[i].name);
        docs[n].wbxml = bench_vector_wbxml(dir, vectors[i].file, &docs[n].len);
    }
    for (i = 0; i < sizeof gen_sizes / sizeof gen_sizes[0]; i++, n++) {
        snprintf(docs[n].name, sizeof docs[n].name, "generated ~%lu KB",
                 (unsigned long)(gen_sizes[i] / 1024));
        if (bench_gen_doc(ctx, gen_sizes[i], &docs[n].wbxml, &docs[n].len))
            docs[n].wbxml = NULL;
    }
    return n;
}

/* ---- report --------------------------------------------------------------- */

static double mbps(const bench_doc *d, double s)
{
    return s > 0.0 ? (double)d->len / s / 1e6 : 0.0;
}

static size_t heap_target(const bench_doc *d)
{
    return 3 * d->len + 16384;
}

/* Why a document has no figures, or NULL when it has them. */
static const char *why_none(const bench_doc *d, const result *r)
{
    if (d->wbxml == NULL)
        return "document not available";
    return r->ours_ok ? NULL : "libomacp failed";
}

static void print_speed(const bench_doc *docs, const result *res, int n)
{
    int i;
    printf("\n%-22s %8s | %12s %8s | %12s %8s | %7s | %s\n", "document",
           "WBXML B", "ours us/doc", "MB/s", "wbxml2 us/doc", "MB/s",
           "ratio", "XML");
    for (i = 0; i < n; i++) {
        const bench_doc *d = &docs[i];
        const result *r = &res[i];
        printf("%-22s %8lu | ", d->name, (unsigned long)d->len);
        if (d->wbxml == NULL) {
            printf("not available\n");
            continue;
        }
        if (r->ours_ok)
            printf("%12.3f %8.2f | ", r->ours_s * 1e6, mbps(d, r->ours_s));
        else
            printf("%12s %8s | ", "FAILED", "-");
        if (r->theirs_ok)
            printf("%12.3f %8.2f | ", r->theirs_s * 1e6,
                   mbps(d, r->theirs_s));
        else
            printf("%12s %8s | ", "refused", "-");
        if (r->ours_ok && r->theirs_ok && r->ours_s > 0.0)
            printf("%6.1fx | ", r->theirs_s / r->ours_s);
        else
            printf("%7s | ", "n/a");
        printf("%s\n", r->xml_same == 1   ? "same"
                       : r->xml_same == 0 ? "differs"
                                          : "-");
    }
}

static void print_heap(const bench_doc *docs, const result *res, int n)
{
    int i;
    printf("\nlibomacp peak heap (payload bytes seen by counting allocator "
           "hooks)\n");
    printf("%-22s %8s | %12s | %18s | %14s\n", "document", "WBXML B",
           "decode peak", "decode+write peak", "target 3x+16K");
    for (i = 0; i < n; i++) {
        if (why_none(&docs[i], &res[i]) != NULL) {
            printf("%-22s %8lu | %12s | %18s | %14s\n", docs[i].name,
                   (unsigned long)docs[i].len, "-", "-", "-");
            continue;
        }
        printf("%-22s %8lu | %12lu | %18lu | %14lu\n", docs[i].name,
               (unsigned long)docs[i].len, (unsigned long)res[i].peak_dec,
               (unsigned long)res[i].peak_all,
               (unsigned long)heap_target(&docs[i]));
    }
}

/* Print the targets; returns the number met, *total the number counted. */
static int print_targets(const bench_doc *docs, const result *res, int n,
                         int *total)
{
    int i, met = 0;
    *total = 0;
    printf("\ntargets\n");
    for (i = 0; i < n; i++) {
        const result *r = &res[i];
        const char *why = why_none(&docs[i], r);
        double ratio = why == NULL && r->ours_s > 0.0
                           ? r->theirs_s / r->ours_s : 0.0;
        int ok = why == NULL && ratio >= RATIO_TARGET;
        if (why == NULL && !r->theirs_ok) {
            printf("  [n/a ] speed ratio >= %.0fx          %-22s "
                   "libwbxml2 refused the document\n",
                   RATIO_TARGET, docs[i].name);
        } else {
            printf("  [%s] speed ratio >= %.0fx          %-22s ",
                   ok ? "PASS" : "MISS", RATIO_TARGET, docs[i].name);
            if (why != NULL)
                printf("%s\n", why);
            else
                printf("%.1fx\n", ratio);
            met += ok;
            (*total)++;
        }
        ok = why == NULL && r->peak_dec <= heap_target(&docs[i]);
        printf("  [%s] decode peak <= 3x + 16 KB   %-22s ",
               ok ? "PASS" : "MISS", docs[i].name);
        if (why != NULL)
            printf("%s\n", why);
        else
            printf("%lu of %lu bytes\n", (unsigned long)r->peak_dec,
                   (unsigned long)heap_target(&docs[i]));
        met += ok;
        (*total)++;
    }
    return met;
}

/* ---- main ----------------------------------------------------------------- */

static void read_settings(settings *s)
{
    const char *v = getenv("BENCH_MIN_SECONDS");
    s->min_s = v ? atof(v) : 0.2;
    if (!(s->min_s > 0.0 && s->min_s < 60.0))
        s->min_s = 0.2;
    v = getenv("BENCH_REPS");
    s->reps = v ? atoi(v) : 5;
    if (s->reps < 1 || s->reps > MAX_REPS)
        s->reps = 5;
}

static void bench_one(cp_ctx *ctx, WBXMLConvWBXML2XML *conv, cp_ctx *mctx,
                      bench_counter *c, const bench_doc *d,
                      const settings *s, result *r)
{
    side sd[2];

    memset(r, 0, sizeof *r);
    memset(sd, 0, sizeof sd);
    r->xml_same = -1;
    if (d->wbxml == NULL) {
        printf("  %s: not available (see above)\n", d->name);
        return;
    }
    check_doc(ctx, conv, d, r);
    sd[0].f = run_ours;
    sd[0].state = ctx;
    sd[0].ok = r->ours_ok;
    sd[1].f = run_theirs;
    sd[1].state = conv;
    sd[1].ok = r->theirs_ok;
    measure_pair(sd, d, s);
    r->ours_ok = sd[0].ok;
    r->ours_s = sd[0].median;
    r->theirs_ok = sd[1].ok;
    r->theirs_s = sd[1].median;
    if (r->ours_ok)
        measure_heap(mctx, c, d, r);
}

static int run_all(cp_ctx *ctx, WBXMLConvWBXML2XML *conv, cp_ctx *mctx,
                   bench_counter *c, const settings *s)
{
    bench_doc docs[MAX_DOCS];
    result res[MAX_DOCS];
    int n, i, met, total;

    memset(docs, 0, sizeof docs);
    n = load_docs(ctx, docs);
    printf("libomacp %s vs libwbxml2 %s: WBXML -> compact XML, median of %d "
           "runs of >= %.2f s; MB/s = 10^6 B of WBXML per second\n",
           cp_version(), WBXML_LIB_VERSION, s->reps, s->min_s);
    for (i = 0; i < n; i++) {
        bench_one(ctx, conv, mctx, c, &docs[i], s, &res[i]);
        fflush(stdout);
    }
    print_speed(docs, res, n);
    print_heap(docs, res, n);
    met = print_targets(docs, res, n, &total);
    printf("bench: %d/%d targets met\n", met, total);
    for (i = 0; i < n; i++)
        free(docs[i].wbxml);
    return 0;
}

int main(void)
{
    settings s;
    cp_config cfg;
    bench_counter counter;
    cp_ctx *ctx = NULL, *mctx = NULL;
    WBXMLConvWBXML2XML *conv = NULL;
    int rc = 1;

    read_settings(&s);
    cp_config_init(&cfg);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK) {
        fprintf(stderr, "bench: cannot create a libomacp context\n");
        return 1;
    }
    bench_counter_hooks(&cfg, &counter);
    if (cp_ctx_new(&cfg, &mctx) != CP_OK ||
        wbxml_conv_wbxml2xml_create(&conv) != WBXML_OK) {
        fprintf(stderr, "bench: cannot create the contexts\n");
    } else {
        wbxml_conv_wbxml2xml_set_gen_type(conv, WBXML_GEN_XML_COMPACT);
        wbxml_conv_wbxml2xml_set_indent(conv, 0);
        rc = run_all(ctx, conv, mctx, &counter, &s);
    }
    if (conv != NULL)
        wbxml_conv_wbxml2xml_destroy(conv);
    cp_ctx_free(mctx);
    cp_ctx_free(ctx);
    return rc;
}
