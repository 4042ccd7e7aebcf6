/*
 * bench_xml.c - section 2: XML text -> document, libomacp versus a bare
 * expat parse of the same bytes.
 *
 * Our side: cp_doc_parse_xml, then cp_doc_free (one context reused). The
 * baseline: XML_ParserCreate, empty start, end and character-data
 * handlers, XML_Parse of the whole buffer, XML_ParserFree. The documents
 * are the compact XML text (cp_doc_write_xml) of two vectors and of
 * generated documents of about 1, 10 and 100 KB of XML. Check: our parse
 * written back gives the input bytes exactly, and expat accepts them.
 *
 * Target: ours at most 1.5 x expat's time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "bench.h"

#define TARGET 1.5

typedef struct xdoc {
    char name[40];
    char *xml; /* malloc'd, NUL-terminated */
    size_t len;
} xdoc;

typedef struct xml_state {
    cp_ctx *ctx;
    const xdoc *d;
} xml_state;

static double run_ours(void *state, unsigned long iters)
{
    const xml_state *xs = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_doc *doc = NULL;
        cp_status st = cp_doc_parse_xml(xs->ctx, xs->d->xml, xs->d->len, &doc);
        cp_doc_free(doc);
        if (st != CP_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

static void XMLCALL on_start(void *user, const XML_Char *name,
                             const XML_Char **atts)
{
    (void)user;
    (void)name;
    (void)atts;
}

static void XMLCALL on_end(void *user, const XML_Char *name)
{
    (void)user;
    (void)name;
}

static void XMLCALL on_chars(void *user, const XML_Char *s, int len)
{
    (void)user;
    (void)s;
    (void)len;
}

static int expat_once(const xdoc *d)
{
    XML_Parser p = XML_ParserCreate(NULL);
    enum XML_Status st;
    if (p == NULL)
        return 0;
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_chars);
    st = XML_Parse(p, d->xml, (int)d->len, 1);
    XML_ParserFree(p);
    return st == XML_STATUS_OK;
}

static double run_expat(void *state, unsigned long iters)
{
    const xml_state *xs = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++)
        if (!expat_once(xs->d))
            return -1.0;
    return bench_now() - t0;
}

/* Parse and write back: the same bytes? 1 yes, 0 no (why says). */
static int check(const xml_state *xs, char *why, size_t cap)
{
    cp_doc *doc = NULL;
    char *back = NULL;
    size_t back_len = 0;
    int same;
    cp_status st = cp_doc_parse_xml(xs->ctx, xs->d->xml, xs->d->len, &doc);

    if (st == CP_OK)
        st = cp_doc_write_xml(xs->ctx, doc, 0, &back, &back_len);
    cp_doc_free(doc);
    if (st != CP_OK) {
        snprintf(why, cap, "libomacp refused it: %s (%s)", cp_strerror(st),
                 cp_ctx_error_message(xs->ctx));
        return 0;
    }
    same = back_len == xs->d->len && memcmp(back, xs->d->xml, back_len) == 0;
    cp_free(xs->ctx, back);
    if (!same) {
        snprintf(why, cap, "parsed document written back differs from input");
        return 0;
    }
    if (!expat_once(xs->d)) {
        snprintf(why, cap, "expat refused it");
        return 0;
    }
    return 1;
}

/* The XML text of a document vector, as cp_doc_write_xml writes it. */
static int vector_xml(cp_ctx *ctx, const char *file, xdoc *d)
{
    size_t len = 0;
    uint8_t *w = bench_vector_wbxml(bench_vectors_dir(), file, &len);
    cp_doc *doc = NULL;
    char *x = NULL;
    cp_status st;

    if (w == NULL)
        return -1;
    st = cp_doc_decode_wbxml(ctx, w, len, &doc);
    free(w);
    if (st == CP_OK)
        st = cp_doc_write_xml(ctx, doc, 0, &x, &d->len);
    cp_doc_free(doc);
    if (st == CP_OK && (d->xml = malloc(d->len + 1)) != NULL)
        memcpy(d->xml, x, d->len + 1);
    cp_free(ctx, x);
    return d->xml != NULL ? 0 : -1;
}

static int load(cp_ctx *ctx, xdoc *docs)
{
    static const size_t sizes[] = {1024, 10240, 102400};
    int n = 0;
    size_t i;

    snprintf(docs[n].name, sizeof docs[n].name, "vector provcont_appc");
    (void)vector_xml(ctx, "doc_provcont_appc_example.json", &docs[n++]);
    snprintf(docs[n].name, sizeof docs[n].name, "vector cht_operator");
    (void)vector_xml(ctx, "doc_cht_operator_codepage.json", &docs[n++]);
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++, n++) {
        snprintf(docs[n].name, sizeof docs[n].name, "generated ~%lu KB",
                 (unsigned long)(sizes[i] / 1024));
        if (bench_gen_xml(ctx, sizes[i], &docs[n].xml, &docs[n].len) != CP_OK)
            docs[n].xml = NULL;
    }
    return n;
}

static void one(xml_state *xs, const bench_settings *s)
{
    char fig[80], why[160], val[32], a[32], b[32];
    bench_side sd[2];
    double ratio;

    snprintf(fig, sizeof fig, "%.39s (%lu B XML)", xs->d->name,
             (unsigned long)xs->d->len);
    if (xs->d->xml == NULL) {
        bench_row_error(fig, "<= 1.5x", "document not available (see stderr)");
        return;
    }
    if (!check(xs, why, sizeof why)) {
        bench_row_error(fig, "<= 1.5x", "%s", why);
        return;
    }
    memset(sd, 0, sizeof sd);
    sd[0].run = run_ours;
    sd[1].run = run_expat;
    sd[0].state = sd[1].state = xs;
    sd[0].ok = sd[1].ok = 1;
    bench_measure(sd, 2, s);
    if (!sd[0].ok || !sd[1].ok || sd[1].median <= 0.0) {
        bench_row_error(fig, "<= 1.5x", "a side failed while timed");
        return;
    }
    ratio = sd[0].median / sd[1].median;
    snprintf(val, sizeof val, "%.2fx", ratio);
    bench_row(fig, val, "<= 1.5x", bench_mark_of(ratio <= TARGET),
              "ours %s (%.0f MB/s), bare expat %s (%.0f MB/s); round trip same",
              bench_fmt_time(a, sizeof a, sd[0].median),
              (double)xs->d->len / sd[0].median / 1e6,
              bench_fmt_time(b, sizeof b, sd[1].median),
              (double)xs->d->len / sd[1].median / 1e6);
}

void bench_sec_xml(const bench_settings *s)
{
    xdoc docs[8];
    xml_state xs;
    cp_ctx *ctx = NULL;
    char note[200];
    XML_Expat_Version v = XML_ExpatVersionInfo();
    int n, i;

    snprintf(note, sizeof note,
             "time of libomacp (cp_doc_parse_xml + cp_doc_free) over a bare "
             "expat %d.%d.%d parse (empty handlers)",
             v.major, v.minor, v.micro);
    bench_section("2. XML text -> document, libomacp vs bare expat", note);
    if (cp_ctx_new(NULL, &ctx) != CP_OK) {
        bench_row_error("XML parse", "<= 1.5x", "cannot create a context");
        return;
    }
    memset(docs, 0, sizeof docs);
    n = load(ctx, docs);
    xs.ctx = ctx;
    for (i = 0; i < n; i++) {
        xs.d = &docs[i];
        one(&xs, s);
    }
    for (i = 0; i < n; i++)
        free(docs[i].xml);
    cp_ctx_free(ctx);
}
