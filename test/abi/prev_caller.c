/*
 * prev_caller.c - a program written for, and compiled against, the
 * previous release's headers (test/abi/0.1.0/include, kept verbatim), run
 * against this library. It must keep working: the ABI promise of the
 * versioned structs (DESIGN.md, "API shape"). make abi-prev builds it with
 * only those headers on its include path and links it to this build's
 * shared library.
 *
 * It uses every struct 0.1.0 let a caller fill or receive on the paths a
 * device takes: the config (limits and storage held by value), the limits
 * read back, decode, MAC compute and verify (cp_auth_options), processing,
 * a policy description, and an OTA push (gateway, hooks, result with its
 * verdict, the audit record).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

#if CP_VERSION_MAJOR != 0 || CP_VERSION_MINOR != 1
#error "prev_caller.c must be built against the 0.1.0 headers"
#endif

static int failures;

#define CHECK(cond)                                                       \
    do {                                                                  \
        if (!(cond)) {                                                    \
            fprintf(stderr, "prev_caller: %s:%d: %s\n", __FILE__,         \
                    __LINE__, #cond);                                     \
            failures++;                                                   \
        }                                                                 \
    } while (0)

/* ---- the caller's own storage: a handful of blobs ----------------------- */

#define BLOBS 32
static struct {
    char name[64];
    unsigned char *data;
    size_t len;
} blob[BLOBS];
static unsigned saves;

static int find_blob(const char *name)
{
    int i;
    for (i = 0; i < BLOBS; i++)
        if (blob[i].name[0] && strcmp(blob[i].name, name) == 0)
            return i;
    return -1;
}

static cp_status my_load(void *user, const char *name, uint8_t *buf,
                         size_t cap, size_t *len)
{
    int i = find_blob(name);
    (void)user;
    if (i < 0)
        return CP_E_NOT_FOUND;
    *len = blob[i].len;
    if (cap < blob[i].len)
        return CP_E_BUFFER_TOO_SMALL;
    if (blob[i].len)
        memcpy(buf, blob[i].data, blob[i].len);
    return CP_OK;
}

static cp_status my_save(void *user, const char *name, const uint8_t *data,
                         size_t len)
{
    int i = find_blob(name);
    unsigned char *copy = malloc(len ? len : 1);
    (void)user;
    if (copy == NULL)
        return CP_E_IO;
    if (i < 0)
        for (i = 0; i < BLOBS && blob[i].name[0]; i++)
            ;
    if (i == BLOBS || strlen(name) >= sizeof blob[i].name) {
        free(copy);
        return CP_E_IO;
    }
    if (len)
        memcpy(copy, data, len);
    free(blob[i].data);
    strcpy(blob[i].name, name);
    blob[i].data = copy;
    blob[i].len = len;
    saves++;
    return CP_OK;
}

/* ---- a NAPDEF document, as XML and as WBXML ----------------------------- */

static const char napdef_xml[] =
    "<wap-provisioningdoc>"
    "<characteristic type=\"NAPDEF\">"
    "<parm name=\"NAPID\" value=\"prev_apn\"/>"
    "<parm name=\"NAME\" value=\"Previous release\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
    "</characteristic>"
    "</wap-provisioningdoc>";

static void check_limits(cp_ctx *ctx)
{
    const cp_limits *l = cp_ctx_limits(ctx);
    CHECK(l != NULL);
    if (l == NULL)
        return;
    /* the 0.1.0 layout: max_doc_bytes first, no struct_size */
    CHECK(l->max_doc_bytes == 200000);
    CHECK(l->max_depth == 9);
    CHECK(l->max_elements == CP_DEFAULT_MAX_ELEMENTS);
    CHECK(l->max_attr_bytes == CP_DEFAULT_MAX_ATTR_BYTES);
}

static void check_decode(cp_ctx *ctx, uint8_t **wbxml, size_t *wbxml_len)
{
    cp_doc *doc = NULL, *back = NULL;
    char *xml = NULL;
    size_t xml_len = 0;
    CHECK(cp_doc_parse_xml(ctx, napdef_xml, sizeof napdef_xml - 1, &doc) ==
          CP_OK);
    CHECK(cp_doc_encode_wbxml(ctx, doc, 0, wbxml, wbxml_len) == CP_OK);
    CHECK(cp_doc_decode_wbxml(ctx, *wbxml, *wbxml_len, &back) == CP_OK);
    CHECK(back != NULL && cp_doc_element_count(back) == 6);
    CHECK(cp_doc_write_xml(ctx, back, 0, &xml, &xml_len) == CP_OK);
    CHECK(xml != NULL && strstr(xml, "internet.example") != NULL);
    cp_free(ctx, xml);
    cp_doc_free(back);
    cp_doc_free(doc);
    /* a depth over the configured 9 is refused: the limits were read */
    {
        char deep[600] = "<wap-provisioningdoc>";
        int i;
        for (i = 0; i < 10; i++)
            strcat(deep, "<characteristic type=\"A\">");
        for (i = 0; i < 10; i++)
            strcat(deep, "</characteristic>");
        strcat(deep, "</wap-provisioningdoc>");
        CHECK(cp_doc_parse_xml(ctx, deep, strlen(deep), &doc) == CP_E_LIMIT);
    }
}

static void check_mac(cp_ctx *ctx, const uint8_t *body, size_t len,
                      char mac[41])
{
    cp_auth_options opt;
    size_t which = 0;
    cp_auth_options_init(&opt);
    CHECK(opt.struct_size == sizeof opt);
    CHECK(cp_mac_compute(ctx, CP_SEC_USERPIN, NULL, "1234", &opt, body, len,
                         mac, 41) == CP_OK);
    CHECK(cp_mac_verify(ctx, CP_SEC_USERPIN, NULL, 0, "1234", mac, &opt, body,
                        len, &which) == CP_OK);
    CHECK(cp_mac_verify(ctx, CP_SEC_USERPIN, NULL, 0, "1235", mac, &opt, body,
                        len, &which) != CP_OK);
}

static void check_process(cp_ctx *ctx)
{
    static const char query[] =
        "<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
        "<characteristic-query type=\"prev_apn\"/>"
        "</characteristic></wap-provisioningdoc>";
    char *out = NULL;
    uint32_t roles = 0;
    CHECK(cp_source_roles(ctx, CP_SOURCE_API_PRIVILEGED, NULL, &roles) == CP_OK);
    cp_ctx_clear_error(ctx);
    CHECK(cp_process_config_xml(ctx, napdef_xml, sizeof napdef_xml - 1,
                                roles, 0, &out, NULL) == CP_OK);
    if (cp_ctx_error_code(ctx) != CP_OK)
        fprintf(stderr, "prev_caller: %s\n", cp_ctx_error_message(ctx));
    cp_free(ctx, out);
    out = NULL;
    CHECK(cp_process_config_xml(ctx, query, sizeof query - 1, roles, 0, &out,
                                NULL) == CP_OK);
    CHECK(out != NULL && strstr(out, "Previous release") != NULL);
    cp_free(ctx, out);
}

static void check_policy(cp_ctx *ctx)
{
    cp_policy_desc d;
    size_t i, n = cp_policy_count();
    int seen = 0;
    memset(&d, 0x5A, sizeof d); /* a caller that did not clear it */
    for (i = 0; i < n; i++) {
        CHECK(cp_policy_list(ctx, i, &d) == CP_OK);
        if (d.id == CP_POLICY_MAX_AUTH_RETRY) {
            seen = 1;
            CHECK(d.name != NULL && d.source != NULL && d.meaning != NULL);
            CHECK(d.value == 3);
            CHECK(d.min == 1 && d.is_mask == 0);
        }
    }
    CHECK(seen);
    CHECK(cp_policy_set(ctx, CP_POLICY_MAX_AUTH_RETRY, 3,
                        CP_ROLE_MANAGER) == CP_OK);
}

/* ---- an OTA push: USERPIN-signed, the PIN from the hook ----------------- */

static unsigned pin_asked, audits;
static cp_audit last_audit;

static cp_status give_pin(void *user, int sec, unsigned attempt,
                          unsigned left, char *pin, size_t cap)
{
    (void)user;
    (void)attempt;
    (void)left;
    pin_asked++;
    if (sec != CP_SEC_USERPIN || cap < 5)
        return CP_E_INVALID_ARG;
    strcpy(pin, "1234");
    return CP_OK;
}

static void on_audit(void *user, const cp_audit *a)
{
    (void)user;
    audits++;
    last_audit = *a;
}

static void check_push(cp_ctx *ctx, const uint8_t *body, size_t len,
                       const char mac[41])
{
    uint8_t pdu[1024];
    size_t n = 0;
    cp_gateway gw;
    cp_push_hooks hooks;
    cp_push_result res;
    cp_status st;
    /* TID, Push, headers length 47, then Content-Type: Value-length 45,
       application/vnd.wap.connectivity-wbxml, SEC=USERPIN, MAC=... */
    pdu[n++] = 0x01;
    pdu[n++] = 0x06;
    pdu[n++] = 47;
    pdu[n++] = 0x1F;
    pdu[n++] = 45;
    pdu[n++] = 0xB6;
    pdu[n++] = 0x91;
    pdu[n++] = 0x81;
    pdu[n++] = 0x92;
    memcpy(pdu + n, mac, 40);
    n += 40;
    pdu[n++] = 0;
    CHECK(n == 50 && len <= sizeof pdu - n);
    memcpy(pdu + n, body, len);
    n += len;

    cp_gateway_init(&gw);
    gw.ppg = CP_PPG_KNOWN;
    cp_push_hooks_init(&hooks);
    hooks.pin = give_pin;
    hooks.audit = on_audit;
    cp_push_result_init(&res);
    st = cp_push_process(ctx, pdu, n, &gw, &hooks, &res);
    if (st != CP_OK)
        fprintf(stderr, "prev_caller: push: %s (%s)\n",
                cp_ctx_error_message(ctx), res.verdict.reason_text);
    CHECK(pin_asked == 1);
    CHECK(res.verdict.struct_size == sizeof res.verdict);
    CHECK(res.verdict.sec == CP_SEC_USERPIN);
    CHECK(res.verdict.accepted == 1);
    CHECK(res.verdict.pin_failures == 0);
    CHECK(res.verdict.imsi_index == (size_t)-1);
    CHECK(res.verdict.reason_text[sizeof res.verdict.reason_text - 1] == 0);
    CHECK(res.pending == 0);
    CHECK(audits == 1 && last_audit.sec == CP_SEC_USERPIN);
    CHECK(last_audit.outcome == res.outcome && last_audit.status == st);
    if (st == CP_OK) {
        CHECK(res.outcome == CP_OUTCOME_APPLIED);
        CHECK(res.output != NULL && res.output_len == strlen(res.output));
    } else {
        /* refused by a policy: the reason says so in words */
        CHECK(res.outcome == CP_OUTCOME_REFUSED && res.verdict.reason_text[0]);
    }
    cp_free(ctx, res.output);
}

int main(void)
{
    static const char *const imsis[] = {"001010123456789"};
    cp_config cfg;
    cp_ctx *ctx = NULL;
    uint8_t *wbxml = NULL;
    size_t wbxml_len = 0;
    char mac[41];

    CHECK(cp_version_number() >= CP_VERSION_NUMBER);
    cp_config_init(&cfg);
    CHECK(cfg.struct_size == sizeof cfg);
    cfg.limits.max_doc_bytes = 200000;
    cfg.limits.max_depth = 9;
    cfg.storage.load = my_load;
    cfg.storage.save = my_save;
    cfg.profile = CP_PROFILE_UNBRANDED;
    cfg.tier = CP_TIER_ONE;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    if (cp_ctx_new(&cfg, &ctx) != CP_OK) {
        fprintf(stderr, "prev_caller: cp_ctx_new refused a 0.1.0 config\n");
        return 1;
    }
    CHECK(cp_csp_register_builtins(ctx) == CP_OK);
    CHECK(cp_csp_register_settings(ctx, "NAPDEF") == CP_OK);
    check_limits(ctx);
    check_decode(ctx, &wbxml, &wbxml_len);
    check_mac(ctx, wbxml, wbxml_len, mac);
    check_policy(ctx);
    check_process(ctx);
    check_push(ctx, wbxml, wbxml_len, mac);
    CHECK(saves > 0); /* the state went through the caller's hooks */
    cp_free(ctx, wbxml);
    cp_ctx_free(ctx);

    /* a context made without a config fills 0.1.0 layouts too: the
       library knows the program by the symbol it called (cp_ctx_new) */
    {
        struct {
            cp_policy_desc d;
            unsigned char guard[32];
        } g;
        size_t i;
        const cp_limits *l;
        CHECK(cp_ctx_new(NULL, &ctx) == CP_OK);
        memset(&g, 0xC3, sizeof g);
        CHECK(cp_policy_list(ctx, 0, &g.d) == CP_OK);
        for (i = 0; i < sizeof g.guard; i++)
            CHECK(g.guard[i] == 0xC3);
        {
            uint32_t v = 0;
            CHECK(g.d.name != NULL && g.d.source != NULL);
            CHECK(cp_policy_get(ctx, g.d.id, &v) == CP_OK && v == g.d.value);
        }
        l = cp_ctx_limits(ctx);
        CHECK(l != NULL && l->max_doc_bytes == CP_DEFAULT_MAX_DOC_BYTES &&
              l->max_attr_bytes == CP_DEFAULT_MAX_ATTR_BYTES);
        cp_ctx_free(ctx);
    }

    /* the library's own stores fill a 0.1.0 cp_storage */
    {
        struct {
            cp_storage s;
            unsigned char guard[32];
        } g;
        size_t i;
        memset(&g, 0xC3, sizeof g);
        CHECK(cp_store_mem_open(&g.s) == CP_OK);
        for (i = 0; i < sizeof g.guard; i++)
            CHECK(g.guard[i] == 0xC3);
        cp_config_init(&cfg);
        cfg.storage = g.s;
        CHECK(cp_ctx_new(&cfg, &ctx) == CP_OK);
        CHECK(cp_policy_set(ctx, CP_POLICY_MAX_AUTH_RETRY, 4,
                            CP_ROLE_MANAGER) == CP_OK);
        cp_ctx_free(ctx);
        CHECK(cp_ctx_new(&cfg, &ctx) == CP_OK);
        {
            uint32_t v = 0;
            CHECK(cp_policy_get(ctx, CP_POLICY_MAX_AUTH_RETRY, &v) == CP_OK);
            CHECK(v == 4); /* kept in the store, not the context */
        }
        cp_ctx_free(ctx);
        cp_store_mem_close(&g.s);
    }
    for (saves = 0; saves < BLOBS; saves++)
        free(blob[saves].data);
    if (failures) {
        fprintf(stderr, "prev_caller: %d check(s) failed\n", failures);
        return 1;
    }
    printf("prev_caller: a 0.1.0 program works with this library\n");
    return 0;
}
