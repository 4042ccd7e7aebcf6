/*
 * perf_guard.c - the fixed workloads of the instruction-count guard
 * (test/perf/perf.mk, test/perf/README).
 *
 *   perf_guard <workload>     run one workload; exit 0 when its results
 *                             are right, 1 when not (or on a usage error)
 *   perf_guard all            every workload once (a quick self-check)
 *   perf_guard list           the workload names, one a line
 *
 * Each workload prepares its inputs outside the measured part (reading a
 * committed vector from $CP_VECTORS, or building a document with the
 * builder API), then calls perf_run_<workload> (the name with '-' as '_'),
 * which does the work PERF_N_<workload> times and checks every result.
 * perf.mk runs the program under callgrind with
 * --toggle-collect=perf_run_<workload>, so only the instructions executed
 * inside that function (and what it calls) are counted. Nothing here reads
 * the clock, draws random numbers or depends on addresses, so the count of
 * a workload is the same from run to run on the same build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omacp.h"
#include "support/testutil.h"

/* The measured functions: never inlined into their caller and never
   cloned under another name (callgrind finds them by name). */
#if defined(__GNUC__) && !defined(__clang__)
#define PERF_MEASURED __attribute__((noinline, noclone))
#elif defined(__GNUC__)
#define PERF_MEASURED __attribute__((noinline))
#else
#define PERF_MEASURED
#endif

/* Repetitions inside each measured function. */
#define PERF_N_DECODE_SMALL 1000
#define PERF_N_DECODE_LARGE 10
#define PERF_N_XML_PARSE 100
#define PERF_N_XML_WRITE 1000
#define PERF_N_VERIFY 1000
#define PERF_N_PROCESS 50
#define PERF_N_PUSH 50
#define PERF_N_XML_PARSE_ORD 100
#define PERF_N_DECODE_DENSE 10
#define PERF_N_PROCESS_PARMS 5 /* fresh devices, one call each */
#define PERF_N_XML_WRITE_BIG 10

/* The token-dense document: this many NAPDEFs (about 100 KB of WBXML). */
#define DENSE_ITEMS 2800
/* The two sizes of the process-<n> workloads: parms in one VENDORCONFIG. */
#define PARMS_SMALL 100
#define PARMS_LARGE 1000

/* The large document: this many access points (about 100 KB of WBXML). */
#define LARGE_ITEMS 800

#define PUSH_IMSI "262019876543210"
#define PUSH_PIN "4711"
#define PUSH_TPS "http://tps.perf.example/cp"

/* ---- failing ------------------------------------------------------------- */

static void die(const char *what, cp_status st)
{
    fprintf(stderr, "perf_guard: %s: %s (%d)\n", what, cp_strerror(st),
            (int)st);
    exit(1);
}

static void die_ctx(cp_ctx *ctx, const char *what, cp_status st)
{
    fprintf(stderr, "perf_guard: %s: %s (%d): %s\n", what, cp_strerror(st),
            (int)st, ctx != NULL ? cp_ctx_error_message(ctx) : "");
    exit(1);
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "perf_guard: wrong result: %s\n", what);
        exit(1);
    }
}

static cp_ctx *new_ctx(void)
{
    cp_ctx *ctx = NULL;
    cp_status st = cp_ctx_new(NULL, &ctx);
    if (st != CP_OK)
        die("cp_ctx_new", st);
    return ctx;
}

/* ---- inputs ---------------------------------------------------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t n;
} bytes;

/* The hex field key of a committed vector file, decoded. */
static bytes vector_hex(const char *file, const char *key)
{
    bytes b = {NULL, 0};
    char *hex = tu_vector_field(file, key);
    if (hex == NULL) {
        fprintf(stderr, "perf_guard: %s: no \"%s\" (is CP_VECTORS set?)\n",
                file, key);
        exit(1);
    }
    b.p = tu_hex(hex, &b.n);
    free(hex);
    check(b.p != NULL && b.n > 0, "vector hex");
    return b;
}

static char *vector_text(const char *file, const char *key)
{
    char *s = tu_vector_field(file, key);
    if (s == NULL) {
        fprintf(stderr, "perf_guard: %s: no \"%s\" (is CP_VECTORS set?)\n",
                file, key);
        exit(1);
    }
    return s;
}

static size_t count_of_xml(cp_ctx *ctx, const char *xml)
{
    cp_doc *doc = NULL;
    size_t n;
    cp_status st = cp_doc_parse_xml(ctx, xml, strlen(xml), &doc);
    if (st != CP_OK)
        die_ctx(ctx, "parsing the vector's XML", st);
    n = cp_doc_element_count(doc);
    cp_doc_free(doc);
    return n;
}

static size_t count_of_wbxml(cp_ctx *ctx, const bytes *wb)
{
    cp_doc *doc = NULL;
    size_t n;
    cp_status st = cp_doc_decode_wbxml(ctx, wb->p, wb->n, &doc);
    if (st != CP_OK)
        die_ctx(ctx, "decoding the vector's WBXML", st);
    n = cp_doc_element_count(doc);
    cp_doc_free(doc);
    return n;
}

/* Canonical XML of a document; malloc'd copy. */
static char *canonical(cp_ctx *ctx, const cp_doc *doc, size_t *len)
{
    char *out = NULL, *copy;
    size_t n = 0;
    cp_status st = cp_doc_write_xml(ctx, doc, 0, &out, &n);
    if (st != CP_OK)
        die_ctx(ctx, "cp_doc_write_xml", st);
    copy = malloc(n + 1);
    check(copy != NULL, "malloc");
    memcpy(copy, out, n + 1);
    cp_free(ctx, out);
    *len = n;
    return copy;
}

/* Decode in n times, each giving want elements (what names the workload). */
static int decode_times(cp_ctx *ctx, const bytes *in, size_t want, int n,
                        const char *what)
{
    int i;
    for (i = 0; i < n; i++) {
        cp_doc *doc = NULL;
        cp_status st = cp_doc_decode_wbxml(ctx, in->p, in->n, &doc);
        if (st != CP_OK)
            die_ctx(ctx, what, st);
        check(cp_doc_element_count(doc) == want, what);
        cp_doc_free(doc);
    }
    return i;
}

/* ---- decode-small: a 501-octet operator document ---------------------------- */

int perf_run_decode_small(cp_ctx *ctx, const bytes *in, size_t want);

PERF_MEASURED int perf_run_decode_small(cp_ctx *ctx, const bytes *in,
                                        size_t want)
{
    return decode_times(ctx, in, want, PERF_N_DECODE_SMALL, "decode-small");
}

static void wl_decode_small(void)
{
    static const char vec[] = "doc_cht_operator_codepage.json";
    cp_ctx *ctx = new_ctx();
    bytes wb = vector_hex(vec, "wbxml_hex");
    char *xml = vector_text(vec, "xml");
    size_t want = count_of_xml(ctx, xml);
    check(want > 40, "decode-small: the vector's XML has its elements");
    check(perf_run_decode_small(ctx, &wb, want) == PERF_N_DECODE_SMALL,
          "decode-small iterations");
    free(xml);
    free(wb.p);
    cp_ctx_free(ctx);
}

/* ---- decode-large: a generated document of about 100 KB ----------------------- */

/* Builder with a sticky status; counts the elements it adds. */
typedef struct gen {
    cp_doc *doc;
    cp_status st;
    size_t elements;
    char val[96];
} gen;

static const cp_node *gen_char(gen *g, const cp_node *parent, const char *type)
{
    const cp_node *n = NULL;
    if (g->st == CP_OK)
        g->st = cp_node_add(g->doc, parent, CP_NODE_CHARACTERISTIC, &n);
    if (g->st == CP_OK)
        g->st = cp_node_set_attr(g->doc, n, CP_ATTR_TYPE, type);
    g->elements += g->st == CP_OK;
    return n;
}

static void gen_parm(gen *g, const cp_node *parent, const char *name,
                     const char *value)
{
    const cp_node *n = NULL;
    if (g->st == CP_OK)
        g->st = cp_node_add(g->doc, parent, CP_NODE_PARM, &n);
    if (g->st == CP_OK)
        g->st = cp_node_set_attr(g->doc, n, CP_ATTR_NAME, name);
    if (g->st == CP_OK && value != NULL)
        g->st = cp_node_set_attr(g->doc, n, CP_ATTR_VALUE, value);
    g->elements += g->st == CP_OK;
}

/* A parm whose value is pre, k in at least width digits, then post. */
static void gen_parm_n(gen *g, const cp_node *parent, const char *name,
                       const char *pre, int width, unsigned k,
                       const char *post)
{
    snprintf(g->val, sizeof g->val, "%s%0*u%s", pre, width, k, post);
    gen_parm(g, parent, name, g->val);
}

/* One access point k: NAPDEF with authentication and validity. */
static void gen_nap(gen *g, const cp_node *root, unsigned k)
{
    const cp_node *nap = gen_char(g, root, "NAPDEF"), *sub;
    gen_parm_n(g, nap, "NAPID", "NAP", 4, k, "");
    gen_parm_n(g, nap, "NAME", "Access point ", 1, k, "");
    gen_parm(g, nap, "BEARER", k % 2 ? "GSM-GPRS" : "GSM-CSD");
    gen_parm_n(g, nap, "NAP-ADDRESS", "apn", 4, k, ".operator.example");
    gen_parm(g, nap, "NAP-ADDRTYPE", "APN");
    gen_parm_n(g, nap, "DNS-ADDR", "10.0.", 1, k % 250, ".53");
    sub = gen_char(g, nap, "NAPAUTHINFO");
    gen_parm(g, sub, "AUTHTYPE", "PAP");
    gen_parm_n(g, sub, "AUTHNAME", "user", 4, k, "");
    gen_parm_n(g, sub, "AUTHSECRET", "secret-", 4, k, "");
    sub = gen_char(g, nap, "VALIDITY");
    gen_parm_n(g, sub, "COUNTRY", "", 1, 200 + k % 100, "");
    gen_parm_n(g, sub, "NETWORK", "", 3, k % 1000, "");
}

/* The document as WBXML (string table on), and its element count. */
/* The built document as WBXML in host memory; frees the document. */
static bytes gen_wbxml(cp_ctx *ctx, gen *g, const char *what, size_t *elements)
{
    uint8_t *out = NULL;
    bytes b = {NULL, 0};
    if (g->st != CP_OK)
        die_ctx(ctx, what, g->st);
    check(cp_doc_element_count(g->doc) == g->elements, "builder element count");
    g->st = cp_doc_encode_wbxml(ctx, g->doc, 0, &out, &b.n);
    if (g->st != CP_OK)
        die_ctx(ctx, "cp_doc_encode_wbxml", g->st);
    b.p = malloc(b.n);
    check(b.p != NULL, "malloc");
    memcpy(b.p, out, b.n);
    cp_free(ctx, out);
    cp_doc_free(g->doc);
    *elements = g->elements;
    return b;
}

static bytes gen_large(cp_ctx *ctx, size_t *elements)
{
    gen g;
    unsigned k;
    memset(&g, 0, sizeof g);
    g.st = cp_doc_new(ctx, &g.doc);
    if (g.st != CP_OK)
        die("cp_doc_new", g.st);
    g.elements = 1;
    for (k = 0; k < LARGE_ITEMS; k++)
        gen_nap(&g, cp_doc_root(g.doc), k);
    return gen_wbxml(ctx, &g, "building the large document", elements);
}

int perf_run_decode_large(cp_ctx *ctx, const bytes *in, size_t want);

PERF_MEASURED int perf_run_decode_large(cp_ctx *ctx, const bytes *in,
                                        size_t want)
{
    return decode_times(ctx, in, want, PERF_N_DECODE_LARGE, "decode-large");
}

static void wl_decode_large(void)
{
    cp_ctx *ctx = new_ctx();
    size_t want = 0;
    bytes wb = gen_large(ctx, &want);
    check(wb.n >= 80000 && wb.n <= 160000, "decode-large: about 100 KB");
    check(want == 1 + (size_t)LARGE_ITEMS * 14, "decode-large element count");
    check(perf_run_decode_large(ctx, &wb, want) == PERF_N_DECODE_LARGE,
          "decode-large iterations");
    free(wb.p);
    cp_ctx_free(ctx);
}

/* ---- xml-parse: the ProvCont example as XML text ------------------------------- */

static const char appc_vec[] = "doc_provcont_appc_example.json";

int perf_run_xml_parse(cp_ctx *ctx, const char *xml, size_t len, size_t want);

PERF_MEASURED int perf_run_xml_parse(cp_ctx *ctx, const char *xml, size_t len,
                                     size_t want)
{
    int i;
    for (i = 0; i < PERF_N_XML_PARSE; i++) {
        cp_doc *doc = NULL;
        cp_status st = cp_doc_parse_xml(ctx, xml, len, &doc);
        if (st != CP_OK)
            die_ctx(ctx, "cp_doc_parse_xml", st);
        check(cp_doc_element_count(doc) == want, "xml-parse element count");
        cp_doc_free(doc);
    }
    return i;
}

static void wl_xml_parse(void)
{
    cp_ctx *ctx = new_ctx();
    char *xml = vector_text(appc_vec, "xml");
    bytes wb = vector_hex(appc_vec, "wbxml_hex");
    size_t want = count_of_wbxml(ctx, &wb); /* the other decoder */
    check(want > 40, "xml-parse: the vector's WBXML has its elements");
    check(perf_run_xml_parse(ctx, xml, strlen(xml), want) == PERF_N_XML_PARSE,
          "xml-parse iterations");
    free(wb.p);
    free(xml);
    cp_ctx_free(ctx);
}

/* ---- xml-write: the decoded ProvCont example to canonical XML ------------------- */

int perf_run_xml_write(cp_ctx *ctx, const cp_doc *doc, const char *want,
                       size_t want_len);

PERF_MEASURED int perf_run_xml_write(cp_ctx *ctx, const cp_doc *doc,
                                     const char *want, size_t want_len)
{
    int i;
    for (i = 0; i < PERF_N_XML_WRITE; i++) {
        char *out = NULL;
        size_t n = 0;
        cp_status st = cp_doc_write_xml(ctx, doc, 0, &out, &n);
        if (st != CP_OK)
            die_ctx(ctx, "cp_doc_write_xml", st);
        check(n == want_len && memcmp(out, want, n) == 0, "xml-write output");
        cp_free(ctx, out);
    }
    return i;
}

static void wl_xml_write(void)
{
    cp_ctx *ctx = new_ctx();
    bytes wb = vector_hex(appc_vec, "wbxml_hex");
    char *xml = vector_text(appc_vec, "xml");
    cp_doc *doc = NULL, *ref = NULL;
    char *want, *ref_text;
    size_t want_len, ref_len;
    cp_status st = cp_doc_decode_wbxml(ctx, wb.p, wb.n, &doc);
    if (st != CP_OK)
        die_ctx(ctx, "cp_doc_decode_wbxml", st);
    /* the expected text: the vector's XML parsed and written (the other
       decoder), equal to what the decoded WBXML gives */
    st = cp_doc_parse_xml(ctx, xml, strlen(xml), &ref);
    if (st != CP_OK)
        die_ctx(ctx, "cp_doc_parse_xml", st);
    ref_text = canonical(ctx, ref, &ref_len);
    want = canonical(ctx, doc, &want_len);
    check(want_len == ref_len && memcmp(want, ref_text, ref_len) == 0,
          "xml-write: WBXML and XML forms of the vector write the same text");
    check(perf_run_xml_write(ctx, doc, want, want_len) == PERF_N_XML_WRITE,
          "xml-write iterations");
    free(ref_text);
    free(want);
    cp_doc_free(ref);
    cp_doc_free(doc);
    free(xml);
    free(wb.p);
    cp_ctx_free(ctx);
}

/* ---- verify: the USERPIN push vector, parse + MAC check ------------------------ */

int perf_run_verify(cp_ctx *ctx, const bytes *pdu, const char *pin,
                    size_t body_len);

PERF_MEASURED int perf_run_verify(cp_ctx *ctx, const bytes *pdu,
                                  const char *pin, size_t body_len)
{
    int i;
    for (i = 0; i < PERF_N_VERIFY; i++) {
        cp_push push;
        cp_status st;
        cp_push_init(&push);
        st = cp_wsp_parse_push(ctx, pdu->p, pdu->n, &push);
        if (st != CP_OK)
            die_ctx(ctx, "cp_wsp_parse_push", st);
        check(push.sec == CP_SEC_USERPIN && push.body_len == body_len,
              "verify: parsed push");
        st = cp_mac_verify(ctx, push.sec, NULL, 0, pin, push.mac, NULL,
                           push.body, push.body_len, NULL);
        if (st != CP_OK)
            die_ctx(ctx, "cp_mac_verify", st);
    }
    return i;
}

static void wl_verify(void)
{
    static const char vec[] = "wsp_push_pdus.json";
    cp_ctx *ctx = new_ctx();
    bytes pdu = vector_hex(vec, "pdu_hex"); /* the first: push-userpin */
    char *pin = vector_text(vec, "verifies_with_pin");
    bytes body = vector_hex("mac_gecko_userpin_operator_doc.json", "body_hex");
    cp_push push;
    cp_status st;
    /* the check can fail: a wrong PIN does not verify */
    cp_push_init(&push);
    st = cp_wsp_parse_push(ctx, pdu.p, pdu.n, &push);
    if (st != CP_OK)
        die_ctx(ctx, "cp_wsp_parse_push", st);
    check(push.body_len == body.n &&
              memcmp(push.body, body.p, body.n) == 0,
          "verify: the PDU carries the MAC vector's body");
    st = cp_mac_verify(ctx, push.sec, NULL, 0, "0001", push.mac, NULL,
                       push.body, push.body_len, NULL);
    check(st == CP_E_NOT_AUTHENTIC, "verify: a wrong PIN is refused");
    check(perf_run_verify(ctx, &pdu, pin, body.n) == PERF_N_VERIFY,
          "verify iterations");
    free(body.p);
    free(pin);
    free(pdu.p);
    cp_ctx_free(ctx);
}

/* ---- devices for process and push ----------------------------------------------- */

typedef struct device {
    cp_storage store;
    cp_ctx *ctx;
} device;

static const char *const push_imsis[] = {PUSH_IMSI};

static void device_up(device *d, cp_profile profile)
{
    static const char *const settings[] = {"NAPDEF", "APPLICATION", "ACCESS",
                                           "VENDORCONFIG"};
    cp_config cfg;
    cp_status st;
    size_t i;
    st = cp_store_mem_open(&d->store);
    if (st != CP_OK)
        die("cp_store_mem_open", st);
    cp_config_init(&cfg);
    cfg.profile = profile;
    cfg.storage = d->store;
    cfg.imsis = push_imsis;
    cfg.n_imsis = 1;
    st = cp_ctx_new(&cfg, &d->ctx);
    if (st != CP_OK)
        die("cp_ctx_new", st);
    st = cp_csp_register_builtins(d->ctx);
    for (i = 0; st == CP_OK && i < sizeof settings / sizeof settings[0]; i++)
        st = cp_csp_register_settings(d->ctx, settings[i]);
    if (st != CP_OK)
        die_ctx(d->ctx, "registering the CSPs", st);
}

static void device_down(device *d)
{
    cp_ctx_free(d->ctx);
    cp_store_mem_close(&d->store);
}

static int has_tps(cp_ctx *ctx, const char *url)
{
    char got[CP_TPS_URL_MAX + 1];
    return cp_tps_get(ctx, got, sizeof got) == CP_OK && strcmp(got, url) == 0;
}

/* ---- process: a multi-characteristic document on a fresh device ----------------- */

static const char process_xml[] =
    "<wap-provisioningdoc version=\"1.1\">"
    "<characteristic type=\"NAPDEF\">"
    "<parm name=\"NAPID\" value=\"INTERNET\"/>"
    "<parm name=\"NAME\" value=\"Operator Internet\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.perf.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
    "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHTYPE\" value=\"CHAP\"/>"
    "<parm name=\"AUTHNAME\" value=\"web\"/><parm name=\"AUTHSECRET\" value=\"web\"/>"
    "</characteristic></characteristic>"
    "<characteristic type=\"NAPDEF\">"
    "<parm name=\"NAPID\" value=\"MMS\"/><parm name=\"NAME\" value=\"Operator MMS\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"mms.perf.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/></characteristic>"
    "<characteristic type=\"PXLOGICAL\">"
    "<parm name=\"PROXY-ID\" value=\"WAPGW\"/><parm name=\"NAME\" value=\"Gateway\"/>"
    "<parm name=\"STARTPAGE\" value=\"http://portal.perf.example/\"/>"
    "<characteristic type=\"PXPHYSICAL\">"
    "<parm name=\"PHYSICAL-PROXY-ID\" value=\"GW1\"/>"
    "<parm name=\"PXADDR\" value=\"10.11.12.13\"/>"
    "<parm name=\"PXADDRTYPE\" value=\"IPV4\"/>"
    "<parm name=\"TO-NAPID\" value=\"INTERNET\"/>"
    "<characteristic type=\"PORT\"><parm name=\"PORTNBR\" value=\"9201\"/>"
    "</characteristic></characteristic></characteristic>"
    "<characteristic type=\"APPLICATION\">"
    "<parm name=\"APPID\" value=\"w2\"/><parm name=\"NAME\" value=\"Portal\"/>"
    "<parm name=\"TO-PROXY\" value=\"WAPGW\"/>"
    "<characteristic type=\"RESOURCE\">"
    "<parm name=\"URI\" value=\"http://portal.perf.example/\"/>"
    "<parm name=\"STARTPAGE\"/></characteristic></characteristic>"
    "<characteristic type=\"APPLICATION\">"
    "<parm name=\"APPID\" value=\"w4\"/><parm name=\"NAME\" value=\"MMS\"/>"
    "<parm name=\"TO-NAPID\" value=\"MMS\"/>"
    "<parm name=\"ADDR\" value=\"http://mmsc.perf.example/\"/></characteristic>"
    "<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" value=\"perf\"/>"
    "<parm name=\"level\" value=\"3\"/></characteristic>"
    "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"Operator\"/>"
    "<parm name=\"PROVURL\" value=\"" PUSH_TPS "\"/></characteristic>"
    "<characteristic type=\"SecurityPolicy\"><parm name=\"4105\" value=\"5\"/>"
    "<parm-query name=\"4119\"/></characteristic>"
    "</wap-provisioningdoc>";

int perf_run_process(device *devs, const char *want, size_t want_len);

PERF_MEASURED int perf_run_process(device *devs, const char *want,
                                   size_t want_len)
{
    int i;
    for (i = 0; i < PERF_N_PROCESS; i++) {
        char *out = NULL;
        size_t n = 0;
        cp_status st = cp_process_config_xml(devs[i].ctx, process_xml,
                                             sizeof process_xml - 1,
                                             CP_ROLE_MANAGER, CP_PROCESS,
                                             &out, &n);
        if (st != CP_OK)
            die_ctx(devs[i].ctx, "cp_process_config_xml", st);
        check(n == want_len && memcmp(out, want, n) == 0, "process output");
        cp_free(devs[i].ctx, out);
    }
    return i;
}

static void wl_process(void)
{
    device ref, devs[PERF_N_PROCESS];
    char *out = NULL, *want;
    size_t n = 0, i;
    uint32_t v = 0;
    cp_status st;
    /* the expected output, from one more fresh device, checked here */
    device_up(&ref, CP_PROFILE_BRANDED);
    st = cp_process_config_xml(ref.ctx, process_xml, sizeof process_xml - 1,
                               CP_ROLE_MANAGER, CP_PROCESS, &out, &n);
    if (st != CP_OK)
        die_ctx(ref.ctx, "cp_process_config_xml", st);
    check(strstr(out, "<parm name=\"4119\" value=\"") != NULL,
          "process: the parm-query is answered");
    check(cp_policy_get(ref.ctx, CP_POLICY_MAX_AUTH_RETRY, &v) == CP_OK &&
              v == 5,
          "process: policy 4105 set");
    check(has_tps(ref.ctx, PUSH_TPS), "process: the TPS is stored");
    want = malloc(n + 1);
    check(want != NULL, "malloc");
    memcpy(want, out, n + 1);
    cp_free(ref.ctx, out);
    device_down(&ref);
    for (i = 0; i < PERF_N_PROCESS; i++)
        device_up(&devs[i], CP_PROFILE_BRANDED);
    check(perf_run_process(devs, want, n) == PERF_N_PROCESS,
          "process iterations");
    for (i = 0; i < PERF_N_PROCESS; i++) {
        check(has_tps(devs[i].ctx, PUSH_TPS), "process: TPS on every device");
        device_down(&devs[i]);
    }
    free(want);
}

/* ---- push: a USERNETWPIN-signed bootstrap on a fresh unbranded device ----------- */

static const char boot_xml[] =
    "<wap-provisioningdoc version=\"1.1\">"
    "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"INTERNET\"/>"
    "<parm name=\"NAME\" value=\"Perf Internet\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.perf.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/></characteristic>"
    "<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" value=\"PPG\"/>"
    "<parm name=\"NAME\" value=\"Perf PPG\"/><parm name=\"PUSHENABLED\" value=\"1\"/>"
    "<characteristic type=\"PXPHYSICAL\">"
    "<parm name=\"PHYSICAL-PROXY-ID\" value=\"PPG-SMSC\"/>"
    "<parm name=\"PXADDR\" value=\"+4917000000000\"/>"
    "<parm name=\"PXADDRTYPE\" value=\"E164\"/>"
    "<parm name=\"TO-NAPID\" value=\"INTERNET\"/></characteristic>"
    "</characteristic>"
    "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
    "<parm name=\"NAME\" value=\"Portal\"/><parm name=\"TO-PROXY\" value=\"PPG\"/>"
    "</characteristic>"
    "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"Perf TPS\"/>"
    "<parm name=\"PROVURL\" value=\"" PUSH_TPS "\"/></characteristic>"
    "</wap-provisioningdoc>";

/* A growing byte string for the PDU. */
typedef struct pdu_buf {
    uint8_t b[2048];
    size_t n;
} pdu_buf;

static void pb_put(pdu_buf *o, const void *p, size_t n)
{
    check(o->n + n <= sizeof o->b, "PDU buffer");
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void pb_byte(pdu_buf *o, unsigned v)
{
    uint8_t c = (uint8_t)v;
    pb_put(o, &c, 1);
}

/* WSP uintvar (7 bits an octet, most significant first). */
static void pb_uintvar(pdu_buf *o, size_t v)
{
    uint8_t t[5];
    int k = 0;
    do {
        t[k++] = (uint8_t)(v & 0x7F);
        v >>= 7;
    } while (v != 0 && k < 5);
    while (k-- > 0)
        pb_byte(o, t[k] | (k > 0 ? 0x80u : 0u));
}

/*
 * TID 01, PDU type 06 (Push), HeadersLen, then the content type in the
 * general form (Value-length, media 0xB6 = connectivity-wbxml, SEC 0x91
 * USERNETWPIN, MAC 0x92 as a text string), then the body.
 */
static bytes make_push(cp_ctx *ctx)
{
    pdu_buf ct, pdu;
    cp_doc *doc = NULL;
    uint8_t *wb = NULL;
    size_t wb_len = 0;
    char mac[CP_MAC_TEXT_SIZE];
    bytes b = {NULL, 0};
    cp_status st = cp_doc_parse_xml(ctx, boot_xml, sizeof boot_xml - 1, &doc);
    if (st == CP_OK)
        st = cp_doc_encode_wbxml(ctx, doc, 0, &wb, &wb_len);
    if (st == CP_OK)
        st = cp_mac_compute(ctx, CP_SEC_USERNETWPIN, PUSH_IMSI, PUSH_PIN, NULL,
                            wb, wb_len, mac, sizeof mac);
    if (st != CP_OK)
        die_ctx(ctx, "building the push", st);
    ct.n = 0;
    pb_byte(&ct, 0xB6);
    pb_byte(&ct, 0x91);
    pb_byte(&ct, 0x80u | CP_SEC_USERNETWPIN);
    pb_byte(&ct, 0x92);
    pb_put(&ct, mac, strlen(mac) + 1);
    pdu.n = 0;
    pb_byte(&pdu, 0x01);
    pb_byte(&pdu, 0x06);
    pb_uintvar(&pdu, 2 + ct.n); /* 0x1F, the one-octet length, the value */
    pb_byte(&pdu, 0x1F);
    pb_uintvar(&pdu, ct.n);
    pb_put(&pdu, ct.b, ct.n);
    pb_put(&pdu, wb, wb_len);
    check(ct.n < 128, "content type fits a one-octet uintvar");
    cp_free(ctx, wb);
    cp_doc_free(doc);
    b.p = malloc(pdu.n);
    check(b.p != NULL, "malloc");
    memcpy(b.p, pdu.b, pdu.n);
    b.n = pdu.n;
    return b;
}

/* The user types the right PIN at the first prompt. */
static cp_status type_pin(void *user, int sec, unsigned attempt,
                          unsigned left, char *pin, size_t cap)
{
    int *prompts = user;
    (void)left;
    (*prompts)++;
    if (sec != CP_SEC_USERNETWPIN || attempt != 1 || cap <= strlen(PUSH_PIN))
        return CP_E_BAD_PIN;
    memcpy(pin, PUSH_PIN, strlen(PUSH_PIN) + 1);
    return CP_OK;
}

int perf_run_push(device *devs, const bytes *pdu);

PERF_MEASURED int perf_run_push(device *devs, const bytes *pdu)
{
    int i, prompts = 0;
    cp_push_hooks hooks;
    cp_push_hooks_init(&hooks);
    hooks.pin = type_pin;
    hooks.user = &prompts;
    for (i = 0; i < PERF_N_PUSH; i++) {
        cp_push_result res;
        cp_status st;
        cp_push_result_init(&res);
        st = cp_push_process(devs[i].ctx, pdu->p, pdu->n, NULL, &hooks, &res);
        if (st != CP_OK)
            die_ctx(devs[i].ctx, "cp_push_process", st);
        check(res.outcome == CP_OUTCOME_APPLIED && res.verdict.accepted &&
                  res.verdict.is_bootstrap && res.output != NULL &&
                  prompts == i + 1,
              "push: bootstrap applied");
        cp_free(devs[i].ctx, res.output);
    }
    return i;
}

static void wl_push(void)
{
    device devs[PERF_N_PUSH];
    cp_ctx *ctx = new_ctx();
    bytes pdu = make_push(ctx);
    size_t i;
    cp_ctx_free(ctx);
    for (i = 0; i < PERF_N_PUSH; i++)
        device_up(&devs[i], CP_PROFILE_UNBRANDED);
    check(perf_run_push(devs, &pdu) == PERF_N_PUSH, "push iterations");
    for (i = 0; i < PERF_N_PUSH; i++) {
        check(has_tps(devs[i].ctx, PUSH_TPS), "push: TPS on every device");
        device_down(&devs[i]);
    }
    free(pdu.p);
}

/* ---- xml-parse-ord: ordinary provisioning XML ------------------------------------ */

/*
 * The ProvCont example as a server or a person writes it: an XML
 * declaration, the PROV DOCTYPE, two-space indentation and a comment
 * before every top-level characteristic. Made from the vector with the
 * writer (CP_XML_PRETTY | CP_XML_DECLARATION), then dressed here.
 */
static char *ordinary_xml(cp_ctx *ctx, const char *xml, size_t *len)
{
    static const char doctype[] =
        "<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\"\n"
        "  \"http://www.wapforum.org/DTD/prov.dtd\">\n";
    static const char top[] = "\n  <characteristic";
    cp_doc *doc = NULL;
    char *pretty = NULL, *o, *w;
    const char *p, *q, *end, *nl;
    size_t n = 0, k = 0;
    cp_status st = cp_doc_parse_xml(ctx, xml, strlen(xml), &doc);
    if (st == CP_OK)
        st = cp_doc_write_xml(ctx, doc, CP_XML_PRETTY | CP_XML_DECLARATION,
                              &pretty, &n);
    if (st != CP_OK)
        die_ctx(ctx, "writing the ordinary XML", st);
    cp_doc_free(doc);
    end = pretty + n;
    nl = strchr(pretty, '\n');
    check(nl != NULL, "ordinary XML: the declaration line");
    o = malloc(n + sizeof doctype + 64 * 40);
    check(o != NULL, "malloc");
    w = o;
    memcpy(w, pretty, (size_t)(nl + 1 - pretty));
    w += nl + 1 - pretty;
    memcpy(w, doctype, sizeof doctype - 1);
    w += sizeof doctype - 1;
    for (p = nl + 1; p < end; p = q) {
        q = strstr(p, top);
        q = q != NULL ? q + 1 : end;
        memcpy(w, p, (size_t)(q - p));
        w += q - p;
        if (q < end && k < 64)
            w += sprintf(w, "  <!-- item %u -->\n", (unsigned)++k);
    }
    *w = '\0';
    check(k > 2, "ordinary XML: comments between the characteristics");
    cp_free(ctx, pretty);
    *len = (size_t)(w - o);
    return o;
}

int perf_run_xml_parse_ord(cp_ctx *ctx, const char *xml, size_t len,
                           size_t want);

PERF_MEASURED int perf_run_xml_parse_ord(cp_ctx *ctx, const char *xml,
                                         size_t len, size_t want)
{
    int i;
    for (i = 0; i < PERF_N_XML_PARSE_ORD; i++) {
        cp_doc *doc = NULL;
        cp_status st = cp_doc_parse_xml(ctx, xml, len, &doc);
        if (st != CP_OK)
            die_ctx(ctx, "cp_doc_parse_xml (ordinary)", st);
        check(cp_doc_element_count(doc) == want, "xml-parse-ord element count");
        cp_doc_free(doc);
    }
    return i;
}

static void wl_xml_parse_ord(void)
{
    cp_ctx *ctx = new_ctx();
    char *xml = vector_text(appc_vec, "xml"), *ord;
    bytes wb = vector_hex(appc_vec, "wbxml_hex");
    size_t want = count_of_wbxml(ctx, &wb), len = 0;
    ord = ordinary_xml(ctx, xml, &len);
    check(strstr(ord, "<!DOCTYPE") != NULL && strstr(ord, "<!--") != NULL,
          "xml-parse-ord: DOCTYPE and comments");
    check(perf_run_xml_parse_ord(ctx, ord, len, want) == PERF_N_XML_PARSE_ORD,
          "xml-parse-ord iterations");
    free(ord);
    free(wb.p);
    free(xml);
    cp_ctx_free(ctx);
}

/* ---- decode-dense: token-dense WBXML of about 100 KB ----------------------------- */

/* NAPDEFs whose parm names and values are all PROV tokens: 3-4 octets an
   element, the most elements per input byte a real document has. */
static bytes gen_dense(cp_ctx *ctx, size_t *elements)
{
    static const char *const bearers[] = {"GSM-GPRS", "GSM-CSD", "GSM-SMS"};
    gen g;
    unsigned k;
    memset(&g, 0, sizeof g);
    g.st = cp_doc_new(ctx, &g.doc);
    if (g.st != CP_OK)
        die("cp_doc_new", g.st);
    g.elements = 1;
    for (k = 0; k < DENSE_ITEMS; k++) {
        const cp_node *nap = gen_char(&g, cp_doc_root(g.doc), "NAPDEF");
        const cp_node *auth;
        gen_parm(&g, nap, "BEARER", bearers[k % 3]);
        gen_parm(&g, nap, "NAP-ADDRTYPE", k % 2 ? "APN" : "E164");
        gen_parm(&g, nap, "CALLTYPE", "ANALOG-MODEM");
        gen_parm(&g, nap, "LINKSPEED", "AUTOBAUDING");
        gen_parm(&g, nap, "INTERNET", NULL);
        auth = gen_char(&g, nap, "NAPAUTHINFO");
        gen_parm(&g, auth, "AUTHTYPE", k % 2 ? "CHAP" : "PAP");
    }
    return gen_wbxml(ctx, &g, "building the dense document", elements);
}

int perf_run_decode_dense(cp_ctx *ctx, const bytes *in, size_t want);

PERF_MEASURED int perf_run_decode_dense(cp_ctx *ctx, const bytes *in,
                                        size_t want)
{
    return decode_times(ctx, in, want, PERF_N_DECODE_DENSE, "decode-dense");
}

/* A context whose element limit takes the dense document. */
static cp_ctx *big_ctx(void)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_status st;
    cp_config_init(&cfg);
    cfg.limits.max_elements = (size_t)1 << 20;
    st = cp_ctx_new(&cfg, &ctx);
    if (st != CP_OK)
        die("cp_ctx_new", st);
    return ctx;
}

static void wl_decode_dense(void)
{
    cp_ctx *ctx = big_ctx();
    size_t want = 0;
    bytes wb = gen_dense(ctx, &want);
    check(wb.n >= 80000 && wb.n <= 160000, "decode-dense: about 100 KB");
    check(want == 1 + (size_t)DENSE_ITEMS * 8, "decode-dense element count");
    check((double)wb.n / (double)want < 5.0,
          "decode-dense: under 5 octets an element");
    check(perf_run_decode_dense(ctx, &wb, want) == PERF_N_DECODE_DENSE,
          "decode-dense iterations");
    free(wb.p);
    cp_ctx_free(ctx);
}

/* ---- xml-write-big: the large generated document to canonical XML -------------- */

int perf_run_xml_write_big(cp_ctx *ctx, const cp_doc *doc, const char *want,
                           size_t want_len);

PERF_MEASURED int perf_run_xml_write_big(cp_ctx *ctx, const cp_doc *doc,
                                         const char *want, size_t want_len)
{
    int i;
    for (i = 0; i < PERF_N_XML_WRITE_BIG; i++) {
        char *out = NULL;
        size_t n = 0;
        cp_status st = cp_doc_write_xml(ctx, doc, 0, &out, &n);
        if (st != CP_OK)
            die_ctx(ctx, "cp_doc_write_xml (big)", st);
        check(n == want_len && memcmp(out, want, n) == 0,
              "xml-write-big output");
        cp_free(ctx, out);
    }
    return i;
}

static void wl_xml_write_big(void)
{
    cp_ctx *ctx = new_ctx();
    size_t elements = 0, want_len = 0;
    bytes wb = gen_large(ctx, &elements);
    cp_doc *doc = NULL, *back = NULL;
    char *want;
    cp_status st = cp_doc_decode_wbxml(ctx, wb.p, wb.n, &doc);
    if (st != CP_OK)
        die_ctx(ctx, "cp_doc_decode_wbxml (big)", st);
    want = canonical(ctx, doc, &want_len);
    /* the expected text parses back to the same number of elements */
    st = cp_doc_parse_xml(ctx, want, want_len, &back);
    if (st != CP_OK)
        die_ctx(ctx, "cp_doc_parse_xml (big)", st);
    check(cp_doc_element_count(back) == elements && want_len > 100000,
          "xml-write-big: the text is the whole document");
    check(perf_run_xml_write_big(ctx, doc, want, want_len) ==
              PERF_N_XML_WRITE_BIG,
          "xml-write-big iterations");
    cp_doc_free(back);
    cp_doc_free(doc);
    free(want);
    free(wb.p);
    cp_ctx_free(ctx);
}

/* ---- process-100, process-1000: instructions per parm --------------------------- */

/*
 * A VENDORCONFIG of n parms into its settings CSP, one call on each of
 * PERF_N_PROCESS_PARMS fresh devices: the per-parm cost of the engine
 * (authorization pre-pass, metabase, settings encode, commit) at two
 * sizes, so that a cost growing faster than the parms shows.
 */
static char *parms_xml(unsigned n)
{
    size_t cap = 128 + (size_t)n * 48, len;
    char *x = malloc(cap);
    unsigned k;
    check(x != NULL, "malloc");
    len = (size_t)sprintf(x, "<wap-provisioningdoc version=\"1.1\">"
                             "<characteristic type=\"VENDORCONFIG\">"
                             "<parm name=\"NAME\" value=\"perf\"/>");
    for (k = 0; k < n; k++)
        len += (size_t)sprintf(x + len,
                               "<parm name=\"P%06u\" value=\"value %u\"/>", k,
                               k);
    memcpy(x + len, "</characteristic></wap-provisioningdoc>", 40);
    return x;
}

static int parm_stored(cp_ctx *ctx, unsigned k, unsigned *got)
{
    char q[300], want[40], *out = NULL;
    size_t n = 0;
    int ok;
    snprintf(q, sizeof q,
             "<wap-provisioningdoc><characteristic type=\"VENDORCONFIG\">"
             "<characteristic type=\"perf\"><parm-query name=\"P%06u\"/>"
             "</characteristic></characteristic></wap-provisioningdoc>", k);
    snprintf(want, sizeof want, "value=\"value %u\"", k);
    ok = cp_process_config_xml(ctx, q, strlen(q), CP_ROLE_MANAGER, CP_PROCESS,
                               &out, &n) == CP_OK &&
         out != NULL && strstr(out, want) != NULL;
    cp_free(ctx, out);
    *got += ok;
    return ok;
}

int perf_run_process_parms(device *devs, const cp_doc *doc);

PERF_MEASURED int perf_run_process_parms(device *devs, const cp_doc *doc)
{
    int i;
    for (i = 0; i < PERF_N_PROCESS_PARMS; i++) {
        char *out = NULL;
        size_t n = 0;
        cp_status st = cp_process_config_doc(devs[i].ctx, doc,
                                             CP_ROLE_MANAGER, CP_PROCESS,
                                             &out, &n);
        if (st != CP_OK)
            die_ctx(devs[i].ctx, "cp_process_config_doc (parms)", st);
        cp_free(devs[i].ctx, out);
    }
    return i;
}

/* Separate names, so that callgrind's --toggle-collect tells them apart. */
int perf_run_process_100(device *devs, const cp_doc *doc);
int perf_run_process_1000(device *devs, const cp_doc *doc);

PERF_MEASURED int perf_run_process_100(device *devs, const cp_doc *doc)
{
    return perf_run_process_parms(devs, doc);
}

PERF_MEASURED int perf_run_process_1000(device *devs, const cp_doc *doc)
{
    return perf_run_process_parms(devs, doc);
}

static void wl_process_parms(unsigned n)
{
    device devs[PERF_N_PROCESS_PARMS];
    cp_ctx *ctx = new_ctx();
    char *xml = parms_xml(n);
    cp_doc *doc = NULL;
    unsigned got = 0;
    size_t i;
    int done;
    cp_status st = cp_doc_parse_xml(ctx, xml, strlen(xml), &doc);
    if (st != CP_OK)
        die_ctx(ctx, "cp_doc_parse_xml (parms)", st);
    check(cp_doc_element_count(doc) == 3 + (size_t)n, "parms element count");
    for (i = 0; i < PERF_N_PROCESS_PARMS; i++)
        device_up(&devs[i], CP_PROFILE_BRANDED);
    done = n == PARMS_SMALL ? perf_run_process_100(devs, doc)
                            : perf_run_process_1000(devs, doc);
    check(done == PERF_N_PROCESS_PARMS, "process-parms iterations");
    for (i = 0; i < PERF_N_PROCESS_PARMS; i++) {
        (void)parm_stored(devs[i].ctx, 0, &got);
        (void)parm_stored(devs[i].ctx, n - 1, &got);
        device_down(&devs[i]);
    }
    check(got == 2 * PERF_N_PROCESS_PARMS,
          "process-parms: the first and last parm stored on every device");
    cp_doc_free(doc);
    free(xml);
    cp_ctx_free(ctx);
}

static void wl_process_100(void)
{
    wl_process_parms(PARMS_SMALL);
}

static void wl_process_1000(void)
{
    wl_process_parms(PARMS_LARGE);
}

/* ---- main ----------------------------------------------------------------------- */

typedef struct workload {
    const char *name;
    void (*run)(void);
} workload;

static const workload workloads[] = {
    {"decode-small", wl_decode_small}, {"decode-large", wl_decode_large},
    {"xml-parse", wl_xml_parse},       {"xml-write", wl_xml_write},
    {"verify", wl_verify},             {"process", wl_process},
    {"push", wl_push},
    /* issue 18's workloads */
    {"xml-parse-ord", wl_xml_parse_ord}, {"decode-dense", wl_decode_dense},
    {"process-100", wl_process_100},     {"process-1000", wl_process_1000},
    {"xml-write-big", wl_xml_write_big}};

#define N_WORKLOADS (sizeof workloads / sizeof workloads[0])

int main(int argc, char **argv)
{
    size_t i;
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        for (i = 0; i < N_WORKLOADS; i++)
            printf("%s\n", workloads[i].name);
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "all") == 0) {
        for (i = 0; i < N_WORKLOADS; i++) {
            workloads[i].run();
            printf("%s: ok\n", workloads[i].name);
            fflush(stdout);
        }
        return 0;
    }
    for (i = 0; argc == 2 && i < N_WORKLOADS; i++) {
        if (strcmp(argv[1], workloads[i].name) == 0) {
            workloads[i].run();
            return 0;
        }
    }
    fprintf(stderr, "usage: perf_guard <workload> | all | list\n");
    return 1;
}
