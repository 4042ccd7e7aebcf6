/*
 * bench_decode.c - section 1: WBXML decode + XML output, libomacp versus
 * libwbxml2; and the PROV documents shared with section 6.
 *
 * Our side is what `omacp decode` does minus I/O: cp_doc_decode_wbxml, then
 * cp_doc_write_xml (compact, flags 0), then free both. The baseline is
 * libwbxml2's wbxml_conv_wbxml2xml_run with compact output and no indent,
 * then free of its XML. Each side reuses one context / converter. Both
 * outputs are compared once per document (modulo prolog and layout).
 *
 * Target (issue 18): libomacp at least 40x faster than libwbxml2 on every
 * document, the ratio being the median of the alternating pairs' ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wbxml/wbxml.h>

#include "bench.h"

#define RATIO_TARGET 40.0
#define TGT ">= 40x"
#define XML_FLAGS 0u /* what `omacp decode` writes without options */

/* The state of both sides for one document. */
typedef struct pair_state {
    cp_ctx *ctx;
    WBXMLConvWBXML2XML *conv;
    const bench_doc *d;
} pair_state;

/* ---- the two sides ------------------------------------------------------ */

static double run_ours(void *state, unsigned long iters)
{
    const pair_state *ps = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_doc *doc = NULL;
        char *xml = NULL;
        size_t xml_len = 0;
        cp_status st = cp_doc_decode_wbxml(ps->ctx, ps->d->wbxml, ps->d->len,
                                           &doc);
        if (st == CP_OK)
            st = cp_doc_write_xml(ps->ctx, doc, XML_FLAGS, &xml, &xml_len);
        cp_free(ps->ctx, xml);
        cp_doc_free(doc);
        if (st != CP_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

static double run_theirs(void *state, unsigned long iters)
{
    const pair_state *ps = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        WB_UTINY *xml = NULL;
        WB_ULONG xml_len = 0;
        WBXMLError e = wbxml_conv_wbxml2xml_run(
            ps->conv, (WB_UTINY *)ps->d->wbxml, (WB_ULONG)ps->d->len, &xml,
            &xml_len);
        free(xml); /* libwbxml2 allocates with malloc */
        if (e != WBXML_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

/* ---- correctness -------------------------------------------------------- */

/*
 * Run both sides once and compare the XML. Returns 1 when both worked and
 * agree; otherwise 0 with the reason in why.
 */
static int check_doc(const pair_state *ps, char *why, size_t cap)
{
    cp_doc *doc = NULL;
    char *ours = NULL;
    size_t ours_len = 0, where = 0;
    WB_UTINY *theirs = NULL;
    WB_ULONG theirs_len = 0;
    WBXMLError e;
    int same = 0;
    cp_status st = cp_doc_decode_wbxml(ps->ctx, ps->d->wbxml, ps->d->len, &doc);

    if (st == CP_OK)
        st = cp_doc_write_xml(ps->ctx, doc, XML_FLAGS, &ours, &ours_len);
    cp_doc_free(doc);
    e = wbxml_conv_wbxml2xml_run(ps->conv, (WB_UTINY *)ps->d->wbxml,
                                 (WB_ULONG)ps->d->len, &theirs, &theirs_len);
    if (st != CP_OK)
        snprintf(why, cap, "libomacp refused it: %s (%s)", cp_strerror(st),
                 cp_ctx_error_message(ps->ctx));
    else if (e != WBXML_OK)
        snprintf(why, cap, "libwbxml2 refused it: %s",
                 (const char *)wbxml_errors_string(e));
    else {
        same = bench_xml_same(ours, ours_len, (const char *)theirs,
                              (size_t)theirs_len, &where);
        if (same != 1)
            snprintf(why, cap, "XML differs at normalised offset %lu",
                     (unsigned long)where);
    }
    cp_free(ps->ctx, ours);
    free(theirs);
    return same == 1;
}

/* ---- documents ---------------------------------------------------------- */

static const struct {
    const char *file, *name;
} vectors[] = {
    {"doc_nowsms_strtbl.json", "vector nowsms_strtbl"},
    {"doc_provcont_appc_example.json", "vector provcont_appc"},
    {"doc_cht_operator_codepage.json", "vector cht_operator"},
};

static const size_t gen_sizes[] = {1024, 10240, 102400};
#define DENSE_SIZE 102400

int bench_load_docs(cp_ctx *ctx, bench_doc *docs)
{
    const char *dir = bench_vectors_dir();
    size_t i;
    int n = 0;

    /* a document that cannot be read or built stays with wbxml NULL, so
       that its figures show as not measured instead of vanishing */
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
    snprintf(docs[n].name, sizeof docs[n].name, "token-dense ~%lu KB",
             (unsigned long)(DENSE_SIZE / 1024));
    if (bench_gen_dense(ctx, DENSE_SIZE, &docs[n].wbxml, &docs[n].len))
        docs[n].wbxml = NULL;
    return n + 1;
}

void bench_free_docs(bench_doc *docs, int n)
{
    int i;
    for (i = 0; i < n; i++)
        free(docs[i].wbxml);
}

/* ---- the section -------------------------------------------------------- */

static void one_doc(pair_state *ps, const bench_settings *s)
{
    const bench_doc *d = ps->d;
    char fig[80], why[160], val[48], a[32], b[32];
    bench_side sd[2];
    bench_ratio r;
    bench_mark m;

    snprintf(fig, sizeof fig, "%s (%lu B)", d->name, (unsigned long)d->len);
    if (d->wbxml == NULL) {
        bench_row_error(fig, TGT, "document not available (see stderr)");
        bench_goal_note(BENCH_G_WBXML, "n/a", BENCH_ERROR);
        return;
    }
    if (!check_doc(ps, why, sizeof why)) {
        bench_row_error(fig, TGT, "%s", why);
        bench_goal_note(BENCH_G_WBXML, "n/a", BENCH_ERROR);
        return;
    }
    memset(sd, 0, sizeof sd);
    sd[0].run = run_ours;
    sd[1].run = run_theirs;
    sd[0].state = sd[1].state = ps;
    sd[0].ok = sd[1].ok = 1;
    bench_measure(sd, 2, s);
    if (bench_pair_ratio(&sd[1], &sd[0], 1.0, s->reps, &r) != 0) {
        bench_row_error(fig, TGT, "a side failed while timed");
        bench_goal_note(BENCH_G_WBXML, "n/a", BENCH_ERROR);
        return;
    }
    m = bench_mark_of(r.med >= RATIO_TARGET);
    bench_row(fig, bench_fmt_ratio(val, sizeof val, &r, 1, "x"), TGT, m,
              "ours %s (%.0f MB/s), libwbxml2 %s; XML same",
              bench_fmt_time(a, sizeof a, sd[0].median),
              (double)d->len / sd[0].median / 1e6,
              bench_fmt_time(b, sizeof b, sd[1].median));
    bench_goal(BENCH_G_WBXML, r.med, m);
}

void bench_sec_wbxml(const bench_doc *docs, int n, const bench_settings *s)
{
    cp_ctx *ctx = NULL;
    WBXMLConvWBXML2XML *conv = NULL;
    pair_state ps;
    char note[200];
    int i;

    snprintf(note, sizeof note,
             "speed-up of libomacp (cp_doc_decode_wbxml + cp_doc_write_xml) "
             "over libwbxml2 %s (wbxml_conv_wbxml2xml_run, compact)",
             WBXML_LIB_VERSION);
    bench_section("1. WBXML -> XML text, libomacp vs libwbxml2", note);
    if (cp_ctx_new(NULL, &ctx) != CP_OK ||
        wbxml_conv_wbxml2xml_create(&conv) != WBXML_OK) {
        bench_row_error("WBXML -> XML", TGT, "cannot create the contexts");
        bench_goal_note(BENCH_G_WBXML, "n/a", BENCH_ERROR);
        cp_ctx_free(ctx);
        return;
    }
    wbxml_conv_wbxml2xml_set_gen_type(conv, WBXML_GEN_XML_COMPACT);
    wbxml_conv_wbxml2xml_set_indent(conv, 0);
    ps.ctx = ctx;
    ps.conv = conv;
    for (i = 0; i < n; i++) {
        ps.d = &docs[i];
        one_doc(&ps, s);
    }
    wbxml_conv_wbxml2xml_destroy(conv);
    cp_ctx_free(ctx);
}
