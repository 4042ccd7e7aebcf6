/*
 * bench_gen.c - generated provisioning documents: realistic ones of a
 * chosen WBXML or XML size, and the scaling documents (many parms in one
 * characteristic, many NAPDEF items).
 *
 * Every name and value of the realistic documents has a PROV token that
 * libwbxml2 also knows (no page-1 APPREF/TO-APPREF 0x3C/0x3D, no
 * BEARERINFO/DNS-ADDRINFO 0x5C/0x5D, no 3G-GSM/WLAN 0xBB/0xBC), so both
 * decoders accept them.
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

/*
 * A token-dense block: a NAPDEF of parms whose names and values all have
 * PROV tokens, so that an element costs 3-4 bytes of WBXML (tag, name
 * token, value token, END): about the most elements per byte a real
 * document has, the worst case for memory per input byte.
 */
static void dense_block(gen *g, const cp_node *root, unsigned i)
{
    static const char *const bearers[] = {"GSM-GPRS", "GSM-CSD", "GSM-SMS"};
    const cp_node *nap = add_char(g, root, "NAPDEF");
    const cp_node *auth;

    add_parm(g, nap, "BEARER", bearers[i % 3]);
    add_parm(g, nap, "NAP-ADDRTYPE", i % 2 ? "APN" : "E164");
    add_parm(g, nap, "CALLTYPE", "ANALOG-MODEM");
    add_parm(g, nap, "LINKSPEED", "AUTOBAUDING");
    add_parm(g, nap, "INTERNET", NULL);
    auth = add_char(g, nap, "NAPAUTHINFO");
    add_parm(g, auth, "AUTHTYPE", i % 2 ? "CHAP" : "PAP");
}

static void build_dense(gen *g, unsigned nblocks)
{
    const cp_node *root = cp_doc_root(g->doc);
    unsigned i;

    g->st = cp_node_set_attr(g->doc, root, CP_ATTR_VERSION, "1.0");
    for (i = 0; i < nblocks && g->st == CP_OK; i++)
        dense_block(g, root, i);
}

typedef void (*builder_fn)(gen *g, unsigned nblocks);

/* Copy a buffer the library made (freed here with cp_free) to malloc. */
static cp_status take(cp_ctx *ctx, void *w, size_t wlen, size_t extra,
                      void **out)
{
    *out = malloc(wlen + extra ? wlen + extra : 1);
    if (*out == NULL) {
        cp_free(ctx, w);
        return CP_E_NOMEM;
    }
    memcpy(*out, w, wlen + extra);
    cp_free(ctx, w);
    return CP_OK;
}

/* Encode g->doc as WBXML (xml 0) or compact XML text (xml 1), then free it. */
static cp_status finish(cp_ctx *ctx, gen *g, int xml, unsigned wflags,
                        void **out, size_t *out_len)
{
    char *x = NULL;
    uint8_t *b = NULL;
    void *w;
    size_t wlen = 0;

    if (g->st == CP_OK) {
        g->what = xml ? "cp_doc_write_xml" : "cp_doc_encode_wbxml";
        if (xml)
            g->st = cp_doc_write_xml(ctx, g->doc, 0, &x, &wlen);
        else
            g->st = cp_doc_encode_wbxml(ctx, g->doc, wflags, &b, &wlen);
    }
    w = xml ? (void *)x : (void *)b;
    cp_doc_free(g->doc);
    g->doc = NULL;
    if (g->st != CP_OK) {
        fprintf(stderr, "bench: building a document failed at %s: %s (%s)\n",
                g->what, cp_strerror(g->st), cp_ctx_error_message(ctx));
        return g->st;
    }
    *out_len = wlen;
    return take(ctx, w, wlen, xml ? 1 : 0, out); /* XML: with its NUL */
}

/* Build and encode a document of nblocks blocks; *out is malloc'd. */
static cp_status make_doc(cp_ctx *ctx, builder_fn fill, unsigned nblocks,
                          int xml, void **out, size_t *out_len)
{
    gen g;

    memset(&g, 0, sizeof g);
    g.what = "cp_doc_new";
    g.st = cp_doc_new(ctx, &g.doc);
    if (g.st == CP_OK) {
        g.what = "?";
        fill(&g, nblocks);
    }
    return finish(ctx, &g, xml, 0, out, out_len);
}

/* A document of about target bytes in its form (xml 0 WBXML, 1 XML). */
static cp_status sized(cp_ctx *ctx, builder_fn fill, size_t target, int xml,
                       void **out, size_t *out_len)
{
    void *w = NULL;
    size_t one = 0, two = 0, per;
    unsigned n;
    cp_status st;

    /* Size of one block from documents of one and of two blocks. */
    st = make_doc(ctx, fill, 1, xml, &w, &one);
    free(w);
    w = NULL;
    if (st == CP_OK)
        st = make_doc(ctx, fill, 2, xml, &w, &two);
    if (st != CP_OK)
        return st;
    free(w);
    per = two > one ? two - one : 1;
    n = target > one ? (unsigned)(1 + (target - one + per / 2) / per) : 1;
    return make_doc(ctx, fill, n, xml, out, out_len);
}

cp_status bench_gen_doc(cp_ctx *ctx, size_t target, uint8_t **out,
                        size_t *out_len)
{
    void *w = NULL;
    cp_status st = sized(ctx, build, target, 0, &w, out_len);
    *out = w;
    return st;
}

cp_status bench_gen_dense(cp_ctx *ctx, size_t target, uint8_t **out,
                          size_t *out_len)
{
    void *w = NULL;
    cp_status st = sized(ctx, build_dense, target, 0, &w, out_len);
    *out = w;
    return st;
}

cp_status bench_gen_xml(cp_ctx *ctx, size_t target, char **out,
                        size_t *out_len)
{
    void *w = NULL;
    cp_status st = sized(ctx, build, target, 1, &w, out_len);
    *out = w;
    return st;
}

/* ---- the bootstrap ------------------------------------------------------ */

/* One of each: BOOTSTRAP, NAPDEF, PXLOGICAL, APPLICATION, fully dressed. */
static void boot_doc(gen *g)
{
    const cp_node *root = cp_doc_root(g->doc);
    const cp_node *c, *a, *ph, *port;

    g->st = cp_node_set_attr(g->doc, root, CP_ATTR_VERSION, "1.0");
    c = add_char(g, root, "BOOTSTRAP");
    add_parm(g, c, "NAME", "Example Operator provisioning");
    add_parm(g, c, "PROVURL", "http://provisioning.operator.example/cp/tps");
    add_parm(g, c, "NETWORK", "26201");
    add_parm(g, c, "COUNTRY", "262");

    c = add_char(g, root, "NAPDEF");
    add_parm(g, c, "NAPID", "INTERNET-GPRS");
    add_parm(g, c, "NAME", "Example Operator Internet");
    add_parm(g, c, "BEARER", "GSM-GPRS");
    add_parm(g, c, "NAP-ADDRESS", "internet.operator.example");
    add_parm(g, c, "NAP-ADDRTYPE", "APN");
    add_parm(g, c, "DNS-ADDR", "10.11.12.13");
    add_parm(g, c, "DNS-ADDR", "10.11.12.14");
    add_parm(g, c, "INTERNET", NULL);
    a = add_char(g, c, "NAPAUTHINFO");
    add_parm(g, a, "AUTHTYPE", "PAP");
    add_parm(g, a, "AUTHNAME", "internet-user");
    add_parm(g, a, "AUTHSECRET", "internet-secret");
    a = add_char(g, c, "VALIDITY");
    add_parm(g, a, "COUNTRY", "262");
    add_parm(g, a, "NETWORK", "26201");

    c = add_char(g, root, "PXLOGICAL");
    add_parm(g, c, "PROXY-ID", "wap.proxy.operator.example");
    add_parm(g, c, "NAME", "Example Operator WAP proxy");
    add_parm(g, c, "STARTPAGE", "http://portal.operator.example/start");
    add_parm(g, c, "DOMAIN", "http://portal.operator.example/");
    add_parm(g, c, "DOMAIN", "http://shop.operator.example/");
    a = add_char(g, c, "PXAUTHINFO");
    add_parm(g, a, "PXAUTH-TYPE", "HTTP-BASIC");
    add_parm(g, a, "PXAUTH-ID", "proxy-user");
    add_parm(g, a, "PXAUTH-PW", "proxy-password");
    ph = add_char(g, c, "PXPHYSICAL");
    add_parm(g, ph, "PHYSICAL-PROXY-ID", "PROXY-GPRS-1");
    add_parm(g, ph, "PXADDR", "10.11.12.100");
    add_parm(g, ph, "PXADDRTYPE", "IPV4");
    add_parm(g, ph, "TO-NAPID", "INTERNET-GPRS");
    port = add_char(g, ph, "PORT");
    add_parm(g, port, "PORTNBR", "9201");
    add_parm(g, port, "SERVICE", "CO-WSP");
    port = add_char(g, ph, "PORT");
    add_parm(g, port, "PORTNBR", "8080");
    add_parm(g, port, "SERVICE", "OTA-HTTP-PO");

    c = add_char(g, root, "APPLICATION");
    add_parm(g, c, "APPID", "w2");
    add_parm(g, c, "TO-PROXY", "wap.proxy.operator.example");
    add_parm(g, c, "NAME", "Example Operator portal");
    a = add_char(g, c, "RESOURCE");
    add_parm(g, a, "URI", "http://portal.operator.example/start");
    add_parm(g, a, "NAME", "Operator portal home");
    add_parm(g, a, "STARTPAGE", NULL);
    a = add_char(g, c, "RESOURCE");
    add_parm(g, a, "URI", "http://portal.operator.example/news/");
    add_parm(g, a, "NAME", "Operator news");
    a = add_char(g, c, "RESOURCE");
    add_parm(g, a, "URI", "http://portal.operator.example/support/");
    add_parm(g, a, "NAME", "Customer support");
    a = add_char(g, c, "RESOURCE");
    add_parm(g, a, "URI", "http://shop.operator.example/ringtones/");
    add_parm(g, a, "NAME", "Ringtones and games");
}

cp_status bench_gen_bootstrap(cp_ctx *ctx, uint8_t **out, size_t *out_len)
{
    gen g;
    void *w = NULL;
    cp_status st;

    memset(&g, 0, sizeof g);
    g.what = "cp_doc_new";
    g.st = cp_doc_new(ctx, &g.doc);
    if (g.st == CP_OK)
        boot_doc(&g);
    st = finish(ctx, &g, 0, 0, &w, out_len);
    *out = w;
    return st;
}

/* ---- scaling documents -------------------------------------------------- */

static void items(gen *g, bench_shape shape, unsigned n, unsigned first,
                  const char *prefix, const char *tag)
{
    const cp_node *root = cp_doc_root(g->doc), *c = NULL;
    unsigned i;

    if (shape == BENCH_PARMS) {
        c = add_char(g, root, "VENDORCONFIG");
        add_parm(g, c, "NAME", "bench");
    }
    for (i = first; i < first + n && g->st == CP_OK; i++) {
        if (shape == BENCH_PARMS) {
            char name[16];
            snprintf(name, sizeof name, "P%06u", i);
            add_parmf(g, c, name, "%s %u", tag ? tag : "value", i);
        } else {
            c = add_char(g, root, "NAPDEF");
            add_parmf(g, c, "NAPID", "%s%06u", prefix ? prefix : "NAP", i);
            add_parmf(g, c, "NAME", "%s %u", tag ? tag : "Access point", i);
        }
    }
}

cp_status bench_gen_items(cp_ctx *ctx, bench_shape shape, unsigned n,
                          unsigned first, const char *prefix,
                          const char *tag, uint8_t **out, size_t *out_len)
{
    gen g;
    void *w = NULL;
    cp_status st;

    memset(&g, 0, sizeof g);
    g.what = "cp_doc_new";
    g.st = cp_doc_new(ctx, &g.doc);
    if (g.st == CP_OK)
        items(&g, shape, n, first, prefix, tag);
    st = finish(ctx, &g, 0, 0, &w, out_len);
    *out = w;
    return st;
}
