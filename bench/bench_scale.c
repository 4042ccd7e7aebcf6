/*
 * bench_scale.c - section 5: how the costs grow.
 *
 * (a) cp_doc_decode_wbxml of generated documents of ~1 KB, 10 KB, 100 KB
 *     and 1 MB: time per byte; the largest document's over the smallest's.
 * (b) documents of 10 ... 100000 parms in one VENDORCONFIG and of 10 ...
 *     100000 NAPDEF items (NAPID + NAME each): time per parm / item of
 *     cp_doc_decode_wbxml, and of cp_process_config_doc into the settings
 *     CSP (cp_csp_register_settings) on a fresh device (new in-memory store
 *     and ctx before each call, only the call timed); the largest
 *     document's over the smallest's.
 * (c) a device with 10 and with 10000 NAPDEF items stored: a document
 *     updating 10 stored items, and one adding 10 new ones; time per item,
 *     10000 stored over 10 stored. Updating leaves the state as it was, so
 *     it repeats on one warm device; adding restores the stored state
 *     (a copy of the blobs), makes a new ctx and warms it (an update
 *     loads the stored items) before each timed call.
 *
 * Target of every ratio: at most 1.5. The contexts here raise the limits
 * (elements, document and string-table bytes) so that the large documents
 * are taken. A case predicted to run longer than BENCH_MAX_CASE_SECONDS
 * (from the previous sizes' growth) is not run; its ratio is then the
 * lower bound from the sizes that ran.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define TARGET 1.5
#define N_SIZES 5
#define BATCH 10 /* items of the (c) documents */

static const unsigned counts[N_SIZES] = {10, 100, 1000, 10000, 100000};

static void big_limits(cp_config *cfg)
{
    cp_config_init(cfg);
    cfg->limits.max_doc_bytes = (size_t)64 << 20;
    cfg->limits.max_elements = (size_t)1 << 22;
    cfg->limits.max_strtbl_bytes = (size_t)16 << 20;
}

static cp_ctx *big_ctx(const cp_storage *store)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    big_limits(&cfg);
    if (store != NULL)
        cfg.storage = *store;
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return NULL;
    if (cp_csp_register_settings(ctx, "VENDORCONFIG") != CP_OK ||
        cp_csp_register_settings(ctx, "NAPDEF") != CP_OK) {
        cp_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}

/* ---- runners ------------------------------------------------------------ */

typedef struct dec_state {
    cp_ctx *ctx;
    const uint8_t *w;
    size_t len;
} dec_state;

static double run_decode(void *state, unsigned long iters)
{
    const dec_state *ds = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_doc *doc = NULL;
        cp_status st = cp_doc_decode_wbxml(ds->ctx, ds->w, ds->len, &doc);
        cp_doc_free(doc);
        if (st != CP_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

/* cp_process_config_doc of doc on a fresh device per call. */
typedef struct proc_state {
    const cp_doc *doc;
} proc_state;

static double run_process_fresh(void *state, unsigned long iters)
{
    const proc_state *ps = state;
    double sum = 0.0;
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_storage store;
        cp_ctx *ctx;
        char *out = NULL;
        size_t out_len = 0;
        cp_status st;
        double t0;

        if (cp_store_mem_open(&store) != CP_OK)
            return -1.0;
        ctx = big_ctx(&store);
        if (ctx == NULL) {
            cp_store_mem_close(&store);
            return -1.0;
        }
        t0 = bench_now();
        st = cp_process_config_doc(ctx, ps->doc, CP_ROLE_MANAGER, CP_PROCESS,
                                   &out, &out_len);
        sum += bench_now() - t0;
        cp_free(ctx, out);
        cp_ctx_free(ctx);
        cp_store_mem_close(&store);
        if (st != CP_OK)
            return -1.0;
    }
    return sum;
}

/* ---- rows --------------------------------------------------------------- */

/* Per-unit times of one series; t < 0: not measured; skipped: not run. */
typedef struct series {
    const char *what; /* "decode" ... */
    const char *unit; /* "byte", "parm", "item" */
    double t[N_SIZES];
    int skipped[N_SIZES];
    char label[N_SIZES][24];
    int n;
    char skip_note[120];
} series;

/* Predicted seconds of one run at count next, from the series so far. */
static double predict(const series *se, int i, double next)
{
    double last = se->t[i - 1], growth = 1.0;
    if (i >= 2 && se->t[i - 2] > 0.0 && last > se->t[i - 2])
        growth = last / se->t[i - 2];
    return last * next * growth;
}

/* Print the ratio row, then one row per size. */
static void print_series(const series *se, const char *figure)
{
    char val[32], fig[80], a[32];
    int i, lo = -1, hi = -1, skipped = 0, failed = 0;
    double ratio;

    for (i = 0; i < se->n; i++) {
        if (se->skipped[i])
            skipped = 1;
        else if (se->t[i] <= 0.0)
            failed = 1;
        else {
            if (lo < 0)
                lo = i;
            hi = i;
        }
    }
    if (failed || lo < 0 || hi == lo) {
        bench_row_error(figure, "<= 1.5", "not all sizes could be measured");
    } else {
        ratio = se->t[hi] / se->t[lo];
        snprintf(val, sizeof val, "%s%.2f", skipped ? ">= " : "", ratio);
        if (skipped && ratio <= TARGET)
            bench_row_error(figure, "<= 1.5", "largest size not run: %s",
                            se->skip_note);
        else
            bench_row(figure, val, "<= 1.5", bench_mark_of(ratio <= TARGET),
                      "per %s, %s over %s%s%s", se->unit, se->label[hi],
                      se->label[lo], skipped ? "; not run: " : "",
                      skipped ? se->skip_note : "");
    }
    for (i = 0; i < se->n; i++) {
        snprintf(fig, sizeof fig, "  %s, %s", se->what, se->label[i]);
        if (se->skipped[i])
            bench_row(fig, "not run", "-", BENCH_INFO, "predicted too long");
        else if (se->t[i] <= 0.0)
            bench_row_error(fig, "-", "failed");
        else
            bench_row(fig, bench_fmt_time(a, sizeof a, se->t[i]), "-",
                      BENCH_INFO, "per %s", se->unit);
    }
}

/*
 * Should size i of se be skipped? When the size before it was, or when
 * the run is predicted to last too long; the note says why.
 */
static int skip(series *se, int i, double n, const bench_settings *use,
                const bench_settings *s)
{
    double p;
    if (i == 0)
        return 0;
    if (se->skipped[i - 1])
        return se->skipped[i] = 1;
    if (se->t[i - 1] <= 0.0)
        return 0;
    p = predict(se, i, n);
    if (p * use->reps <= s->max_case_s)
        return 0;
    snprintf(se->skip_note, sizeof se->skip_note,
             "%s predicted %.1f s a run, x %d runs > "
             "BENCH_MAX_CASE_SECONDS %.1f", se->label[i], p, use->reps,
             s->max_case_s);
    return se->skipped[i] = 1;
}

/* ---- (a) decode per byte ------------------------------------------------ */

static void scale_size(cp_ctx *ctx, const bench_settings *s)
{
    static const size_t sizes[4] = {1024, 10240, 102400, 1048576};
    bench_settings heavy = bench_heavy(s);
    series se;
    int i;

    memset(&se, 0, sizeof se);
    se.what = "decode";
    se.unit = "byte";
    se.n = 4;
    for (i = 0; i < 4; i++) {
        dec_state ds;
        uint8_t *w = NULL;
        size_t len = 0;
        se.t[i] = -1.0;
        snprintf(se.label[i], sizeof se.label[i], "~%lu KB",
                 (unsigned long)(sizes[i] / 1024));
        if (bench_gen_doc(ctx, sizes[i], &w, &len) != CP_OK)
            continue;
        snprintf(se.label[i], sizeof se.label[i], "%lu B", (unsigned long)len);
        ds.ctx = ctx;
        ds.w = w;
        ds.len = len;
        se.t[i] = bench_measure1(run_decode, &ds, i >= 3 ? &heavy : s);
        if (se.t[i] > 0.0)
            se.t[i] /= (double)len;
        free(w);
    }
    print_series(&se, "(a) decode per byte, 1 MB / 1 KB");
}

/* ---- (b) elements ------------------------------------------------------- */

/* Check the stored items: a parm-query on the last one. 1 when found. */
static int check_stored(bench_shape shape, unsigned n, const cp_doc *doc)
{
    cp_storage store;
    cp_ctx *ctx;
    char q[400], want[64], *out = NULL;
    size_t out_len = 0;
    int ok = 0;

    if (cp_store_mem_open(&store) != CP_OK)
        return 0;
    ctx = big_ctx(&store);
    if (ctx != NULL &&
        cp_process_config_doc(ctx, doc, CP_ROLE_MANAGER, CP_PROCESS, &out,
                              &out_len) == CP_OK) {
        cp_free(ctx, out);
        out = NULL;
        if (shape == BENCH_CHARS) {
            snprintf(q, sizeof q,
                     "<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
                     "<characteristic type=\"NAP%06u\"><parm-query "
                     "name=\"NAME\"/></characteristic></characteristic>"
                     "</wap-provisioningdoc>", n - 1);
            snprintf(want, sizeof want, "value=\"Access point %u\"", n - 1);
        } else {
            snprintf(q, sizeof q,
                     "<wap-provisioningdoc><characteristic "
                     "type=\"VENDORCONFIG\"><characteristic type=\"bench\">"
                     "<parm-query name=\"P%06u\"/></characteristic>"
                     "</characteristic></wap-provisioningdoc>", n - 1);
            snprintf(want, sizeof want, "value=\"value %u\"", n - 1);
        }
        if (cp_process_config_xml(ctx, q, strlen(q), CP_ROLE_MANAGER,
                                  CP_PROCESS, &out, &out_len) == CP_OK &&
            out != NULL && strstr(out, want) != NULL)
            ok = 1;
        cp_free(ctx, out);
    }
    cp_ctx_free(ctx);
    cp_store_mem_close(&store);
    return ok;
}

typedef struct elem_run {
    cp_ctx *ctx;
    bench_shape shape;
    series dec, proc;
    int check_failed;
} elem_run;

static void elem_one(elem_run *er, int i, const bench_settings *s)
{
    bench_settings heavy = bench_heavy(s);
    const bench_settings *use = counts[i] >= 10000 ? &heavy : s;
    uint8_t *w = NULL;
    size_t len = 0;
    cp_doc *doc = NULL;
    dec_state ds;
    proc_state ps;
    double n = (double)counts[i];

    er->dec.t[i] = er->proc.t[i] = -1.0;
    if (bench_gen_items(er->ctx, er->shape, counts[i], 0, NULL, NULL, &w,
                        &len) != CP_OK)
        return;
    ds.ctx = er->ctx;
    ds.w = w;
    ds.len = len;
    if (!skip(&er->dec, i, n, use, s)) {
        er->dec.t[i] = bench_measure1(run_decode, &ds, use);
        if (er->dec.t[i] > 0.0)
            er->dec.t[i] /= n;
    }
    if (cp_doc_decode_wbxml(er->ctx, w, len, &doc) == CP_OK) {
        ps.doc = doc;
        if (skip(&er->proc, i, n, use, s)) {
            /* not run */
        } else if (i == 0 && !check_stored(er->shape, counts[i], doc)) {
            er->check_failed = 1;
        } else {
            er->proc.t[i] = bench_measure1(run_process_fresh, &ps, use);
            if (er->proc.t[i] > 0.0)
                er->proc.t[i] /= n;
        }
    }
    cp_doc_free(doc);
    free(w);
}

static void scale_elements(cp_ctx *ctx, bench_shape shape,
                           const bench_settings *s)
{
    elem_run er;
    const char *unit = shape == BENCH_PARMS ? "parm" : "item";
    char fig[80];
    int i;

    memset(&er, 0, sizeof er);
    er.ctx = ctx;
    er.shape = shape;
    er.dec.what = "decode";
    er.proc.what = "process";
    er.dec.unit = er.proc.unit = unit;
    er.dec.n = er.proc.n = N_SIZES;
    for (i = 0; i < N_SIZES; i++) {
        snprintf(er.dec.label[i], sizeof er.dec.label[i], "%u %ss", counts[i],
                 unit);
        memcpy(er.proc.label[i], er.dec.label[i], sizeof er.proc.label[i]);
    }
    for (i = 0; i < N_SIZES; i++)
        elem_one(&er, i, s);
    snprintf(fig, sizeof fig, "(b) decode per %s, 100000 / 10 %ss", unit,
             unit);
    print_series(&er.dec, fig);
    snprintf(fig, sizeof fig, "(b) process per %s, 100000 / 10 %ss", unit,
             unit);
    if (er.check_failed)
        bench_row_error(fig, "<= 1.5",
                        "check failed: the last %s is not stored after "
                        "processing", unit);
    else
        print_series(&er.proc, fig);
}

/* ---- (c) stored items --------------------------------------------------- */

typedef struct stored_state {
    bench_store base; /* the device with its items stored */
    bench_store work;
    cp_ctx *warm;     /* on work, for the updates */
    cp_doc *update, *add;
} stored_state;

static cp_status process(cp_ctx *ctx, const cp_doc *doc)
{
    char *out = NULL;
    size_t out_len = 0;
    cp_status st = cp_process_config_doc(ctx, doc, CP_ROLE_MANAGER, CP_PROCESS,
                                         &out, &out_len);
    cp_free(ctx, out);
    return st;
}

static double run_update(void *state, unsigned long iters)
{
    stored_state *ss = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++)
        if (process(ss->warm, ss->update) != CP_OK)
            return -1.0;
    return bench_now() - t0;
}

static double run_add(void *state, unsigned long iters)
{
    stored_state *ss = state;
    double sum = 0.0;
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_storage h = bench_store_hooks(&ss->work);
        cp_ctx *ctx;
        cp_status st;
        double t0;

        if (bench_store_copy(&ss->work, &ss->base) != 0 ||
            (ctx = big_ctx(&h)) == NULL)
            return -1.0;
        st = process(ctx, ss->update); /* loads the stored items */
        t0 = bench_now();
        if (st == CP_OK)
            st = process(ctx, ss->add);
        sum += bench_now() - t0;
        cp_ctx_free(ctx);
        if (st != CP_OK)
            return -1.0;
    }
    return sum;
}

/* Fill ss->base with nstored items; make the documents. 0 on success. */
static int stored_setup(cp_ctx *ctx, stored_state *ss, unsigned nstored)
{
    cp_storage h;
    cp_ctx *dev;
    uint8_t *w = NULL;
    size_t len = 0;
    cp_doc *doc = NULL;
    cp_status st;

    if (bench_store_init(&ss->base) != 0 || bench_store_init(&ss->work) != 0)
        return -1;
    h = bench_store_hooks(&ss->base);
    dev = big_ctx(&h);
    if (dev == NULL)
        return -1;
    st = bench_gen_items(ctx, BENCH_CHARS, nstored, 0, NULL, NULL, &w, &len);
    if (st == CP_OK)
        st = cp_doc_decode_wbxml(ctx, w, len, &doc);
    if (st == CP_OK)
        st = process(dev, doc);
    cp_doc_free(doc);
    free(w);
    cp_ctx_free(dev);
    w = NULL;
    if (st == CP_OK)
        st = bench_gen_items(ctx, BENCH_CHARS, BATCH, 0, NULL, "Updated", &w,
                             &len);
    if (st == CP_OK)
        st = cp_doc_decode_wbxml(ctx, w, len, &ss->update);
    free(w);
    w = NULL;
    if (st == CP_OK)
        st = bench_gen_items(ctx, BENCH_CHARS, BATCH, 0, "NEW", NULL, &w,
                             &len);
    if (st == CP_OK)
        st = cp_doc_decode_wbxml(ctx, w, len, &ss->add);
    free(w);
    if (st == CP_OK && bench_store_copy(&ss->work, &ss->base) == 0) {
        h = bench_store_hooks(&ss->work);
        ss->warm = big_ctx(&h);
    }
    return st == CP_OK && ss->warm != NULL ? 0 : -1;
}

static void stored_free(stored_state *ss)
{
    cp_ctx_free(ss->warm);
    cp_doc_free(ss->update);
    cp_doc_free(ss->add);
    bench_store_free(&ss->base);
    bench_store_free(&ss->work);
    memset(ss, 0, sizeof *ss);
}

static void stored_row(const char *fig, const double t[2])
{
    char val[32], a[32], b[32];
    double ratio;
    if (t[0] <= 0.0 || t[1] <= 0.0) {
        bench_row_error(fig, "<= 1.5", "not measured");
        return;
    }
    ratio = t[1] / t[0];
    snprintf(val, sizeof val, "%.2f", ratio);
    bench_row(fig, val, "<= 1.5", bench_mark_of(ratio <= TARGET),
              "per item: %s with 10 stored, %s with 10000 stored "
              "(x %d items a document)",
              bench_fmt_time(a, sizeof a, t[0]),
              bench_fmt_time(b, sizeof b, t[1]), BATCH);
}

static void scale_stored(cp_ctx *ctx, const bench_settings *s)
{
    static const unsigned stored[2] = {10, 10000};
    double upd[2] = {-1.0, -1.0}, add[2] = {-1.0, -1.0};
    stored_state ss;
    int i;

    for (i = 0; i < 2; i++) {
        memset(&ss, 0, sizeof ss);
        if (stored_setup(ctx, &ss, stored[i]) == 0) {
            upd[i] = bench_measure1(run_update, &ss, s);
            add[i] = bench_measure1(run_add, &ss, s);
            upd[i] = upd[i] > 0.0 ? upd[i] / BATCH : -1.0;
            add[i] = add[i] > 0.0 ? add[i] / BATCH : -1.0;
        }
        stored_free(&ss);
    }
    stored_row("(c) update 10 stored items, 10000 / 10 stored", upd);
    stored_row("(c) add 10 new items, 10000 / 10 stored", add);
}

/* ---- the section -------------------------------------------------------- */

void bench_sec_scale(const bench_settings *s)
{
    cp_ctx *ctx;

    bench_section("5. scaling: per-unit time, largest over smallest",
                  "process = cp_process_config_doc into the settings CSP, "
                  "fresh device (in-memory store) per call, only the call "
                  "timed");
    ctx = big_ctx(NULL);
    if (ctx == NULL) {
        bench_row_error("scaling", "<= 1.5", "cannot create a context");
        return;
    }
    scale_size(ctx, s);
    scale_elements(ctx, BENCH_PARMS, s);
    scale_elements(ctx, BENCH_CHARS, s);
    scale_stored(ctx, s);
    cp_ctx_free(ctx);
}
