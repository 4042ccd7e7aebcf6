/*
 * bench_gen.c - generated provisioning documents of a chosen WBXML size.
 *
 * Every name and value used here has a PROV token that libwbxml2 also knows
 * (no page-1 APPREF/TO-APPREF 0x3C/0x3D, no BEARERINFO/DNS-ADDRINFO
 * 0x5C/0x5D, no 3G-GSM/WLAN 0xBB/0xBC), so both decoders accept the result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

/* Builder state with a sticky status: after a failure every step is a no-op. */
typedef struct gen {
    cp_doc *doc;
    cp_status st;
    const char *what; /* the step that failed */
    char buf[128];    /* scratch for formatted values */
} gen;

static const cp_node *add_char(gen *g, const cp_node *parent, const char *type)
{
    const cp_node *n = NULL;
    if (g->st != CP_OK)
        return NULL;
    g->st = cp_node_add(g->doc, parent, CP_NODE_CHARACTERISTIC, &n);
    if (g->st == CP_OK)
        g->st = cp_node_set_attr(g->doc, n, CP_ATTR_TYPE, type);
    if (g->st != CP_OK)
        g->what = type;
    return g->st == CP_OK ? n : NULL;
}

/* Add <parm name=name value=value/>; value NULL: no value attribute. */
static void add_parm(gen *g, const cp_node *parent, const char *name,
                     const char *value)
{
    const cp_node *n = NULL;
    if (g->st != CP_OK)
        return;
    g->st = cp_node_add(g->doc, parent, CP_NODE_PARM, &n);
    if (g->st == CP_OK)
        g->st = cp_node_set_attr(g->doc, n, CP_ATTR_NAME, name);
    if (g->st == CP_OK && value != NULL)
        g->st = cp_node_set_attr(g->doc, n, CP_ATTR_VALUE, value);
    if (g->st != CP_OK)
        g->what = name;
}

#if defined(__GNUC__) || defined(__clang__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BENCH_PRINTF(f, a)
#endif

/* add_parm with a printf-formatted value. */
static void add_parmf(gen *g, const cp_node *parent, const char *name,
                      const char *fmt, ...) BENCH_PRINTF(4, 5);

static void add_parmf(gen *g, const cp_node *parent, const char *name,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->buf, sizeof g->buf, fmt, ap);
    va_end(ap);
    add_parm(g, parent, name, g->buf);
}

static void napdef(gen *g, const cp_node *root, unsigned i)
{
    static const char *const kinds[] = {"Internet", "MMS", "WAP"};
    const cp_node *nap = add_char(g, root, "NAPDEF");
    const cp_node *auth;

    add_parmf(g, nap, "NAPID", "NAP%04u", i);
    snprintf(g->buf, sizeof g->buf, "Operator %s %u", kinds[i % 3], i);
    add_parm(g, nap, "NAME", g->buf);
    if (i % 4 == 3) { /* a circuit-switched dial-up access now and then */
        add_parm(g, nap, "BEARER", "GSM-CSD");
        add_parmf(g, nap, "NAP-ADDRESS", "+3580812%04u", i);
        add_parm(g, nap, "NAP-ADDRTYPE", "E164");
        add_parm(g, nap, "CALLTYPE", "ANALOG-MODEM");
    } else {
        add_parm(g, nap, "BEARER", "GSM-GPRS");
        add_parmf(g, nap, "NAP-ADDRESS", "internet%u.mnc001.mcc244.gprs", i);
        add_parm(g, nap, "NAP-ADDRTYPE", "APN");
    }
    if (i % 3 == 0)
        add_parm(g, nap, "INTERNET", NULL);
    add_parmf(g, nap, "DNS-ADDR", "10.%u.0.53", i % 250);
    auth = add_char(g, nap, "NAPAUTHINFO");
    add_parm(g, auth, "AUTHTYPE", i % 2 ? "CHAP" : "PAP");
    add_parmf(g, auth, "AUTHNAME", "user%u", i);
    add_parmf(g, auth, "AUTHSECRET", "secret%04u", i * 7919u % 10000u);
}

static void pxlogical(gen *g, const cp_node *root, unsigned i)
{
    static const char *const ports[] = {"8080", "9201", "9203"};
    const cp_node *px = add_char(g, root, "PXLOGICAL");
    const cp_node *phys, *port;

    add_parmf(g, px, "PROXY-ID", "proxy%u.operator.example", i);
    add_parmf(g, px, "NAME", "Operator proxy %u", i);
    add_parmf(g, px, "STARTPAGE", "http://wap.operator.example/home/%u", i);
    phys = add_char(g, px, "PXPHYSICAL");
    add_parmf(g, phys, "PHYSICAL-PROXY-ID", "PX%u", i);
    snprintf(g->buf, sizeof g->buf, "10.%u.%u.%u", i / 250 % 250, i % 250,
             1 + i % 7);
    add_parm(g, phys, "PXADDR", g->buf);
    add_parm(g, phys, "PXADDRTYPE", "IPV4");
    add_parmf(g, phys, "TO-NAPID", "NAP%04u", i);
    port = add_char(g, phys, "PORT");
    add_parm(g, port, "PORTNBR", ports[i % 3]);
    add_parm(g, port, "SERVICE", i % 3 == 0 ? "OTA-HTTP-PO" : "CO-WSP");
}

static void application(gen *g, const cp_node *root, unsigned i)
{
    const cp_node *app = add_char(g, root, "APPLICATION");
    const cp_node *res;

    add_parm(g, app, "APPID", i % 2 ? "w4" : "w2");
    add_parmf(g, app, "TO-PROXY", "proxy%u.operator.example", i);
    if (i % 2) {
        add_parmf(g, app, "NAME", "Operator MMS %u", i);
        add_parmf(g, app, "ADDR", "http://mmsc%u.operator.example:8002/", i);
        return;
    }
    add_parmf(g, app, "NAME", "Operator browser %u", i);
    res = add_char(g, app, "RESOURCE");
    add_parmf(g, res, "URI", "http://wap.operator.example/portal/%u/", i);
    add_parmf(g, res, "NAME", "Portal %u", i);
    add_parm(g, res, "STARTPAGE", NULL);
}

/* Build a document of nblocks blocks into g->doc (already made). */
static void build(gen *g, unsigned nblocks)
{
    const cp_node *root = cp_doc_root(g->doc);
    const cp_node *boot;
    unsigned i;

    g->st = cp_node_set_attr(g->doc, root, CP_ATTR_VERSION, "1.0");
    boot = add_char(g, root, "BOOTSTRAP");
    add_parm(g, boot, "NAME", "Operator");
    add_parm(g, boot, "PROVURL", "http://prov.operator.example/cp");
    for (i = 0; i < nblocks && g->st == CP_OK; i++) {
        napdef(g, root, i);
        pxlogical(g, root, i);
        application(g, root, i);
    }
}

/* Build and encode a document of nblocks blocks; *out is malloc'd. */
static cp_status make_doc(cp_ctx *ctx, unsigned nblocks, uint8_t **out,
                          size_t *out_len)
{
    gen g;
    uint8_t *w = NULL;
    size_t wlen = 0;

    memset(&g, 0, sizeof g);
    g.what = "cp_doc_new";
    g.st = cp_doc_new(ctx, &g.doc);
    if (g.st == CP_OK) {
        g.what = "?";
        build(&g, nblocks);
    }
    if (g.st == CP_OK) {
        g.what = "cp_doc_encode_wbxml";
        g.st = cp_doc_encode_wbxml(ctx, g.doc, 0, &w, &wlen);
    }
    cp_doc_free(g.doc);
    if (g.st != CP_OK) {
        fprintf(stderr, "bench: building a document failed at %s: %s (%s)\n",
                g.what, cp_strerror(g.st), cp_ctx_error_message(ctx));
        return g.st;
    }
    *out = malloc(wlen ? wlen : 1);
    if (*out == NULL) {
        cp_free(ctx, w);
        return CP_E_NOMEM;
    }
    memcpy(*out, w, wlen);
    *out_len = wlen;
    cp_free(ctx, w);
    return CP_OK;
}

cp_status bench_gen_doc(cp_ctx *ctx, size_t target, uint8_t **out,
                        size_t *out_len)
{
    uint8_t *w = NULL;
    size_t one = 0, two = 0, per;
    unsigned n;
    cp_status st;

    /* Size of one block from documents of one and of two blocks. */
    st = make_doc(ctx, 1, &w, &one);
    free(w);
    w = NULL;
    if (st == CP_OK)
        st = make_doc(ctx, 2, &w, &two);
    if (st != CP_OK)
        return st;
    free(w);
    per = two > one ? two - one : 1;
    n = target > one ? (unsigned)(1 + (target - one + per / 2) / per) : 1;
    return make_doc(ctx, n, out, out_len);
}
