/*
 * bench_xml.c - section 2: XML text -> document, libomacp versus a bare
 * expat parse of the same bytes.
 *
 * Our side: cp_doc_parse_xml, then cp_doc_free (one context reused). The
 * baseline: XML_ParserCreate, empty start, end and character-data
 * handlers, XML_Parse of the whole buffer, XML_ParserFree. The documents
 * are the compact XML text (cp_doc_write_xml) of two vectors and of
 * generated documents of about 1, 10 and 100 KB of XML, and each of them
 * again as ordinary provisioning XML is written by hand or by a server: an
 * XML declaration, the PROV DOCTYPE, two-space indentation and a comment
 * before every top-level characteristic. Check: our parse written back
 * (compact) gives the compact text exactly, and expat accepts the input.
 *
 * Target (issue 18): ours at most 1.3 x expat's time on both kinds, the
 * ratio being the median of the alternating pairs' ratios.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "bench.h"

#define TARGET 1.3
#define TGT "<= 1.3x"

typedef struct xdoc {
    char name[48];
    char *xml; /* malloc'd, NUL-terminated */
    size_t len;
    const char *compact; /* what the parse written back must give */
    size_t compact_len;
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
    same = back_len == xs->d->compact_len &&
           memcmp(back, xs->d->compact, back_len) == 0;
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

static const char doctype[] =
    "<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\"\n"
    "  \"http://www.wapforum.org/DTD/prov.dtd\">\n";

/* The indented text with the DOCTYPE after the declaration (line 1) and a
   comment before every top-level characteristic; malloc'd, or NULL. */
static char *dress(const char *pretty, size_t len, size_t *out_len)
{
    static const char top[] = "\n  <characteristic";
    const char *p = pretty, *end = pretty + len, *nl = memchr(p, '\n', len);
    size_t tops = 0, cap;
    char *o, *w;
    const char *q;

    for (q = pretty; (q = strstr(q, top)) != NULL; q++)
        tops++;
    cap = len + sizeof doctype + tops * 40 + 1;
    if (nl == NULL || (o = malloc(cap)) == NULL)
        return NULL;
    w = o;
    memcpy(w, p, (size_t)(nl + 1 - p));
    w += nl + 1 - p;
    memcpy(w, doctype, sizeof doctype - 1);
    w += sizeof doctype - 1;
    for (p = nl + 1, tops = 0; p < end; p = q) {
        q = strstr(p, top);
        q = q != NULL ? q + 1 : end; /* past the newline */
        memcpy(w, p, (size_t)(q - p));
        w += q - p;
        if (q < end)
            w += sprintf(w, "  <!-- item %lu -->\n", (unsigned long)++tops);
    }
    *w = '\0';
    *out_len = (size_t)(w - o);
    return o;
}

/* o becomes c as ordinary XML (see the top of the file); 0 on success. */
static int ordinary(cp_ctx *ctx, const xdoc *c, xdoc *o)
{
    cp_doc *doc = NULL;
    char *x = NULL;
    size_t len = 0;
    cp_status st = cp_doc_parse_xml(ctx, c->xml, c->len, &doc);

    snprintf(o->name, sizeof o->name, "%.30s, ordinary", c->name);
    o->compact = c->xml;
    o->compact_len = c->len;
    if (st == CP_OK)
        st = cp_doc_write_xml(ctx, doc, CP_XML_PRETTY | CP_XML_DECLARATION,
                              &x, &len);
    cp_doc_free(doc);
    if (st == CP_OK)
        o->xml = dress(x, len, &o->len);
    cp_free(ctx, x);
    return o->xml != NULL ? 0 : -1;
}

static int load(cp_ctx *ctx, xdoc *docs)
{
    static const size_t sizes[] = {1024, 10240, 102400};
    int n = 0, k;
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
    /* the compact ones are their own round trip; then each dressed */
    for (k = 0; k < n; k++) {
        docs[k].compact = docs[k].xml;
        docs[k].compact_len = docs[k].len;
    }
    for (k = 0; k < n; k++)
        if (docs[k].xml != NULL)
            (void)ordinary(ctx, &docs[k], &docs[n + k]);
        else
            snprintf(docs[n + k].name, sizeof docs[n + k].name,
                     "%.30s, ordinary", docs[k].name);
    return 2 * n;
}

static void one(xml_state *xs, const bench_settings *s)
{
    char fig[80], why[160], val[48], a[32], b[32];
    bench_side sd[2];
    bench_ratio r;
    bench_mark m;

    snprintf(fig, sizeof fig, "%.47s (%lu B)", xs->d->name,
             (unsigned long)xs->d->len);
    if (xs->d->xml == NULL) {
        bench_row_error(fig, TGT, "document not available (see stderr)");
        bench_goal_note(BENCH_G_XML, "n/a", BENCH_ERROR);
        return;
    }
    if (!check(xs, why, sizeof why)) {
        bench_row_error(fig, TGT, "%s", why);
        bench_goal_note(BENCH_G_XML, "n/a", BENCH_ERROR);
        return;
    }
    memset(sd, 0, sizeof sd);
    sd[0].run = run_ours;
    sd[1].run = run_expat;
    sd[0].state = sd[1].state = xs;
    sd[0].ok = sd[1].ok = 1;
    bench_measure(sd, 2, s);
    if (bench_pair_ratio(&sd[0], &sd[1], 1.0, s->reps, &r) != 0) {
        bench_row_error(fig, TGT, "a side failed while timed");
        bench_goal_note(BENCH_G_XML, "n/a", BENCH_ERROR);
        return;
    }
    m = bench_mark_of(r.med <= TARGET);
    bench_row(fig, bench_fmt_ratio(val, sizeof val, &r, 2, "x"), TGT, m,
              "ours %s (%.0f MB/s), bare expat %s (%.0f MB/s); round trip same",
              bench_fmt_time(a, sizeof a, sd[0].median),
              (double)xs->d->len / sd[0].median / 1e6,
              bench_fmt_time(b, sizeof b, sd[1].median),
              (double)xs->d->len / sd[1].median / 1e6);
    bench_goal(BENCH_G_XML, r.med, m);
}

void bench_sec_xml(const bench_settings *s)
{
    xdoc docs[12];
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
        bench_row_error("XML parse", TGT, "cannot create a context");
        bench_goal_note(BENCH_G_XML, "n/a", BENCH_ERROR);
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
