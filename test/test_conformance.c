/*
 * test_conformance.c - the Windows Mobile configuration manager as Microsoft
 * documents it, example by example and rule by rule (issue 13).
 *
 * Every test names the Microsoft page it checks (title, page id and the
 * Windows Mobile version of that page; where the 6.5 page is silent the
 * WM5 or WM 2003 page is used and said). The expected outcome is what the
 * page documents. Where the library's access-control rules (issue 12,
 * SECURITY.md "Attack classes") deliberately contradict the page, the test
 * asserts the library's rule and says "deliberate deviation: <reason>".
 *
 * The example documents themselves are data: test/conformance/<name>.xml,
 * each with a comment citing its page. They are found through
 * $CP_CONFORMANCE, else $CP_VECTORS/../conformance (the Makefile exports
 * CP_VECTORS = test/vectors), else test/conformance.
 *
 * doc/conformance.md is the table of these rules, with each test's outcome
 * on the current library.
 *
 * Self-contained: its own device fixture (the built-in CSPs plus the
 * generic settings CSP for NAPDEF, APPLICATION, ACCESS, CLIENTIDENTITY and
 * VENDORCONFIG, over test/support/memstore).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/memstore.h"
#include "support/runxml.h"
#include "support/testutil.h"

static const char *const set_types[] = {"NAPDEF", "APPLICATION", "ACCESS",
                                        "CLIENTIDENTITY", "VENDORCONFIG"};

/* ---- the device ------------------------------------------------------------------ */

typedef tu_fixture fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    cp_config cfg;
    size_t i;
    if (f == NULL)
        return -1;
    ms_init(&f->ms);
    cp_config_init(&cfg);
    cfg.profile = CP_PROFILE_BRANDED;
    ms_attach(&cfg, &f->ms);
    if (cp_ctx_new(&cfg, &f->ctx) != CP_OK ||
        cp_csp_register_builtins(f->ctx) != CP_OK)
        return -1;
    for (i = 0; i < sizeof set_types / sizeof set_types[0]; i++)
        if (cp_csp_register_settings(f->ctx, set_types[i]) != CP_OK)
            return -1;
    *state = f;
    return 0;
}

/* ---- documents ------------------------------------------------------------------- */

/* test/conformance/<name>, malloc'd and NUL-terminated. */
static char *conf_doc(const char *name)
{
    char path[1024];
    const char *dir = getenv("CP_CONFORMANCE");
    const char *vec = getenv("CP_VECTORS");
    char *text;
    if (dir != NULL)
        snprintf(path, sizeof path, "%s/%s", dir, name);
    else if (vec != NULL)
        snprintf(path, sizeof path, "%s/../conformance/%s", vec, name);
    else
        snprintf(path, sizeof path, "test/conformance/%s", name);
    text = (char *)tu_read_file(path, NULL);
    if (text == NULL) {
        print_error("cannot read %s\n", path);
        fail();
    }
    return text;
}

/* Run in; the status must be want (ANY_ERR: any failure). Returns the output. */
#define ANY_ERR ((cp_status)1)
static char *run_expect(cp_ctx *ctx, uint32_t roles, const char *in,
                        cp_status want, int line)
{
    char *out = NULL;
    cp_status st = tu_proc(ctx, roles, in, &out);
    int ok = want == ANY_ERR ? st != CP_OK : st == want;
    if (!ok) {
        print_error("line %d: status %d (%s), want %s%d\n  in:  %.120s...\n",
                    line, (int)st, cp_strerror(st),
                    want == ANY_ERR ? "a failure, not " : "", (int)want, in);
        print_error("  out: %.900s\n", out ? out : "(null)");
        free(out);
        fail();
    }
    return out;
}
#define RUN(ctx, roles, in, want) run_expect(ctx, roles, in, want, __LINE__)
/* Run and discard the output. */
#define DO(ctx, roles, in, want) free(RUN(ctx, roles, in, want))

/* Run an example file. */
static char *run_file(cp_ctx *ctx, uint32_t roles, const char *name,
                      cp_status want, int line)
{
    char *in = conf_doc(name);
    char *out = run_expect(ctx, roles, in, want, line);
    free(in);
    return out;
}
#define RUNF(ctx, roles, name, want) run_file(ctx, roles, name, want, __LINE__)
#define DOF(ctx, roles, name, want) free(RUNF(ctx, roles, name, want))

static void has_(const char *out, const char *needle, int line)
{
    if (out == NULL || strstr(out, needle) == NULL) {
        print_error("line %d: output lacks %s\n  out: %s\n", line, needle,
                    out ? out : "(null)");
        fail();
    }
}
static void lacks_(const char *out, const char *needle, int line)
{
    if (out != NULL && strstr(out, needle) != NULL) {
        print_error("line %d: output has %s\n  out: %s\n", line, needle, out);
        fail();
    }
}
#define HAS(out, s) has_(out, s, __LINE__)
#define LACKS(out, s) lacks_(out, s, __LINE__)

static void equal_(const char *out, const char *want, int line)
{
    if (out == NULL || strcmp(out, want) != 0) {
        print_error("line %d:\n  got:  %s\n  want: %s\n", line,
                    out ? out : "(null)", want);
        fail();
    }
}
#define EQUAL(out, want) equal_(out, want, __LINE__)

static uint32_t policy(cp_ctx *ctx, uint32_t id)
{
    uint32_t v = 0xDEADBEEFu;
    assert_int_equal(cp_policy_get(ctx, id, &v), CP_OK);
    return v;
}

static void roles_are_(cp_ctx *ctx, const char *path, uint32_t want, int line)
{
    cp_meta m;
    assert_int_equal(cp_meta_get(ctx, path, &m, NULL), CP_OK);
    if (m.access_roles != want) {
        print_error("line %d: %s: access roles 0x%lx, documented 0x%lx\n", line,
                    path, (unsigned long)m.access_roles, (unsigned long)want);
        fail();
    }
}
#define ROLES_ARE(ctx, path, want) roles_are_(ctx, path, want, __LINE__)

/* A NAP added the WAP way, named name. */
#define NAP(id, name)                                                           \
    DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"" id "\"/>" \
        "<parm name=\"NAME\" value=\"" name "\"/></characteristic>")
/* A logical proxy without TRUST, added the WAP way. */
#define PROXY(id)                                                              \
    DOC("<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" value=\"" id \
        "\"/><parm name=\"NAME\" value=\"p\"/><characteristic type=\"PXPHYSICAL\">" \
        "<parm name=\"PHYSICAL-PROXY-ID\" value=\"PP1\"/><parm name=\"PXADDR\" "  \
        "value=\"10.0.0.9\"/><parm name=\"PXADDRTYPE\" value=\"IPV4\"/>"          \
        "<parm name=\"TO-NAPID\" value=\"NAP1\"/></characteristic></characteristic>")

/* =====================================================================================
 * SecurityPolicy CSP
 * ===================================================================================== */

/* "Setting a Security Policy Example" (aa459097, WM5; listed for WM 6.5 in
   bb737248): MANAGER sets 4097 to 1. */
static void test_sp_example_set(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, MGR, "sp_set_4097.xml", CP_OK);
    assert_int_equal(policy(f->ctx, 4097), 1);
}

/* "Querying a Security Policy Example" (aa456166) and "Output from Security
   Policy Query Example" (aa456145 WM5, bb737687 WM 6.5): the parm-query is
   answered in place by a parm carrying the value. */
static void test_sp_example_query_output(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out, *echo;
    DOF(f->ctx, MGR, "sp_set_4097.xml", CP_OK);
    out = RUNF(f->ctx, MGR, "sp_query_4097.xml", CP_OK);
    EQUAL(out, DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4097\" "
                   "value=\"1\"/></characteristic>"));
    /* the documented output document, in the library's canonical form, is
       the same document */
    echo = RUNF(f->ctx, MGR, "sp_query_output_4097.xml", CP_OK);
    EQUAL(out, echo);
    free(out);
    free(echo);
}

/* "Deleting a Security Policy Example" (aa456122 WM5, listed for WM 6.5) and
   the SecurityPolicy CSP page's custom-element table (aa457991 WM5, bb737380
   WM 6.5): noparm sets the policy to 0, the most restrictive value, not to a
   profile default. */
static void test_sp_example_delete_sets_zero(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, MGR, "sp_set_4097.xml", CP_OK);
    DOF(f->ctx, MGR, "sp_delete_4097.xml", CP_OK);
    assert_int_equal(policy(f->ctx, 4097), 0);
}

/* SecurityPolicy CSP page (bb737380, WM 6.5): noparm sets 0, for every
   policy id; a role-mask policy becomes 0 (no role passes). */
static void test_sp_noparm_zero_mask_policy(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"SecurityPolicy\"><noparm name=\"4111\"/>"
           "</characteristic>"),
       CP_OK);
    assert_int_equal(policy(f->ctx, 4111), 0);
}

/* SecurityPolicy CSP page (bb737380, WM 6.5; aa457991 WM5): read/write for
   Manager only, for query and for update, every policy id (the page says
   only the device manager may change policies). */
static void test_sp_roles_manager_only(void **state)
{
    NEED_XML();
    fixture *f = *state;
    static const uint32_t who[] = {UA, OP, TPS | CP_ROLE_KNOWN_PPG, UNAUTH,
                                   CP_ROLE_ENTERPRISE};
    size_t i;
    for (i = 0; i < sizeof who / sizeof who[0]; i++) {
        uint32_t r = who[i];
        if (r & TPS) /* 4119 grants MANAGER to OPERATOR_TPS: skip the grant */
            continue;
        DO(f->ctx, r,
           DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4097\" "
               "value=\"1\"/></characteristic>"),
           CP_E_ACCESS_DENIED);
        DO(f->ctx, r,
           DOC("<characteristic type=\"SecurityPolicy\"><parm-query "
               "name=\"4097\"/></characteristic>"),
           CP_E_ACCESS_DENIED);
    }
    assert_int_equal(policy(f->ctx, 4097), 2);
}

/* SecurityPolicy CSP page (bb737380, WM 6.5): 4120 is Manager's like every
   other policy (only WM 2003's policy page, P3, gave USER_AUTH the role to
   change 4120; the 6.5 CSP page does not). */
static void test_sp_4120_manager_only(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, UA,
       DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4120\" "
           "value=\"48\"/></characteristic>"),
       CP_E_ACCESS_DENIED);
    assert_int_equal(policy(f->ctx, 4120), 16);
}

/* SecurityPolicy CSP page (bb737380, WM 6.5): custom elements
   nocharacteristic and characteristic-query are not available. */
static void test_sp_no_characteristic_query(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, MGR, DOC("<characteristic-query type=\"SecurityPolicy\"/>"),
                    ANY_ERR);
    HAS(out, "<characteristic-query-error type=\"SecurityPolicy\" desc=\"");
    free(out);
    out = RUN(f->ctx, MGR, DOC("<nocharacteristic type=\"SecurityPolicy\"/>"),
              ANY_ERR);
    HAS(out, "<nocharacteristic-error type=\"SecurityPolicy\" desc=\"");
    free(out);
    assert_int_equal(policy(f->ctx, 4097), 2);
}

/* "SecurityPolicy Configuration Service Provider Examples for OMA Client
   Provisioning" (bb737248, WM 6.5): name and value are decimal; hexadecimal
   is not accepted. */
static void test_sp_decimal_only(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"0x1001\" "
           "value=\"1\"/></characteristic>"),
       ANY_ERR);
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4097\" "
           "value=\"0x1\"/></characteristic>"),
       ANY_ERR);
    assert_int_equal(policy(f->ctx, 4097), 2);
}

/* "Determining the Security Policies and Roles on a Device" (bb737507, WM
   6.5): one document queries every policy; each parm-query comes back as a
   parm with the value (decimal role masks for the mask policies). */
static void test_sp_example_determine_policies(void **state)
{
    NEED_XML();
    fixture *f = *state;
    static const struct {
        const char *id;
        uint32_t v;
    } want[] = {{"2", 0},       {"4097", 2},   {"4101", 16},  {"4102", 1},
                {"4103", 64},   {"4104", 1},   {"4105", 3},   {"4119", 128},
                {"4120", 16}};
    char *out = RUNF(f->ctx, MGR, "sp_determine_policies.xml", CP_OK);
    char buf[96];
    size_t i;
    LACKS(out, "parm-query");
    LACKS(out, "-error");
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(buf, sizeof buf, "<parm name=\"%s\" value=\"%lu\"/>", want[i].id,
                 (unsigned long)want[i].v);
        HAS(out, buf);
    }
    HAS(out, "<parm name=\"10\" value=\"");
    free(out);
}

/* "Security Policy Settings" (bb416355, WM 6.5; aa455966 WM5) and "Default
   Security Policy Settings for Windows Mobile-Based Devices" (ms889564):
   the documented defaults and value sets of the policies the 6.5 page
   states (phone SKU: 4119 = OPERATOR_TPS). */
static void test_sp_policy_table_defaults(void **state)
{
    fixture *f = *state;
    static const struct {
        uint32_t id, def, min, max;
    } doc[] = {
        {2, 0, 0, 1},          /* AutoRun: 0 on Professional */
        {4097, 2, 0, 2},       /* RAPI */
        {4101, 16, 0, 0},      /* unsigned CABs: USER_AUTH */
        {4102, 1, 0, 1},       /* unsigned apps */
        {4103, 64, 0, 0},      /* unsigned themes: USER_UNAUTH */
        {4104, 1, 0, 1},       /* TPS role */
        {4105, 3, 0, 0},       /* message authentication retries */
        {4119, 128, 0, 0},     /* grant manager: OPERATOR_TPS (phone) */
        {4120, 16, 0, 0},      /* grant user auth */
        {4122, 0, 0, 1},       /* unsigned prompt */
        {4129, 3072, 0, 0},    /* DRM: PPG_AUTH | PPG_TRUSTED (WM5) */
        {4132, 0, 0, 1},       /* NETWPIN prompt */
    };
    size_t i, n = cp_policy_count(), j;
    int bad = 0;
    for (i = 0; i < sizeof doc / sizeof doc[0]; i++) {
        cp_policy_desc d;
        int found = 0;
        for (j = 0; j < n; j++) {
            memset(&d, 0, sizeof d);
            assert_int_equal(cp_policy_list(f->ctx, j, &d), CP_OK);
            if (d.id == doc[i].id) {
                found = 1;
                break;
            }
        }
        if (!found) {
            print_error("policy %lu unknown\n", (unsigned long)doc[i].id);
            bad = 1;
            continue;
        }
        if (d.default_value != doc[i].def) {
            print_error("policy %lu: default %lu, documented %lu\n",
                        (unsigned long)d.id, (unsigned long)d.default_value,
                        (unsigned long)doc[i].def);
            bad = 1;
        }
        if (doc[i].max != 0 && (d.min != doc[i].min || d.max != doc[i].max)) {
            print_error("policy %lu: range %lu-%lu, documented %lu-%lu\n",
                        (unsigned long)d.id, (unsigned long)d.min,
                        (unsigned long)d.max, (unsigned long)doc[i].min,
                        (unsigned long)doc[i].max);
            bad = 1;
        }
    }
    if (bad)
        fail();
}

/* =====================================================================================
 * Metabase CSP
 * ===================================================================================== */

#define TESTKEY3 "Registry\\HKLM\\Software\\Microsoft\\TestKey3"

static void entry_is(cp_ctx *ctx, const char *path)
{
    cp_meta m;
    int exact = 0;
    assert_int_equal(cp_meta_get(ctx, path, &m, &exact), CP_OK);
    assert_int_equal(exact, 1);
    assert_int_equal(m.access_roles, 190);
    assert_int_equal(m.rw, 3);
    assert_int_equal(m.datatype, CP_DT_INTEGER);
    assert_true(m.has_min && m.min == 0);
    assert_true(m.has_max && m.max == 30);
}

/* "Adding an Entry to the Metabase Example" (aa456051 WM5, bb737509 WM 6.5)
   and "Metabase Settings" (aa458983): an entry with datatype, bounds,
   access-role, rw-access and localized label and options characteristics
   keyed by language code; runnable version with the real U+F000/U+F001
   separators. MANAGER adds it. */
static void test_mb_example_add_entry(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, MGR, "mb_add_entry.xml", CP_OK);
    entry_is(f->ctx, TESTKEY3);
}

/* The same example as published ('=' and ';' written literally): an option
   list is text; the document is still a valid add. */
static void test_mb_example_add_entry_published(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, MGR, "mb_add_entry_published.xml", CP_OK);
    entry_is(f->ctx, TESTKEY3);
}

/* Metabase CSP page (aa455926 WM5, bb737399 WM 6.5): individual entries can
   be queried; the label and options characteristics come back with their
   language-code parms. */
static void test_mb_query_entry_with_label(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "mb_add_entry.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"Metabase\"><characteristic-query type=\""
                  TESTKEY3 "\"/></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"access-role\" value=\"190\"/>");
    HAS(out, "<parm name=\"rw-access\" value=\"3\"/>");
    HAS(out, "<parm name=\"datatype\" value=\"integer\"/>");
    HAS(out, "<characteristic type=\"label\"><parm name=\"0409\" value=\"Test Key\"/>");
    HAS(out, "<characteristic type=\"options\">");
    free(out);
}

/* Metabase CSP page (bb737399, WM 6.5): individual settings are queried;
   the parm-query forms of an entry's access-role and rw-access. The entry
   is set by the host here so that the query form is checked on its own. */
static void test_mb_parm_query_forms(void **state)
{
    NEED_XML();
    fixture *f = *state;
    cp_meta m;
    char *out;
    cp_meta_init(&m);
    m.access_roles = 190;
    m.rw = 3;
    m.datatype = CP_DT_INTEGER;
    m.has_min = m.has_max = 1;
    m.min = 0;
    m.max = 30;
    assert_int_equal(cp_meta_set(f->ctx, "NAPDEF/NAME", &m), CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"Metabase\"><characteristic type=\"NAPDEF/NAME\">"
                  "<parm-query name=\"access-role\"/><parm-query name=\"rw-access\"/>"
                  "<parm-query name=\"datatype\"/><parm-query name=\"minvalue\"/>"
                  "<parm-query name=\"maxvalue\"/></characteristic></characteristic>"),
              CP_OK);
    EQUAL(out, DOC("<characteristic type=\"Metabase\"><characteristic type=\"NAPDEF/NAME\">"
                   "<parm name=\"access-role\" value=\"190\"/><parm name=\"rw-access\" "
                   "value=\"3\"/><parm name=\"datatype\" value=\"integer\"/><parm "
                   "name=\"minvalue\" value=\"0\"/><parm name=\"maxvalue\" value=\"30\"/>"
                   "</characteristic></characteristic>"));
    free(out);
}

/* "Removing an Entry from the Metabase Example" (aa456181 WM5, listed for
   WM 6.5 in bb737576): nocharacteristic of the entry removes it. The entry
   is set by the host so that the remove is checked on its own. */
static void test_mb_example_remove_entry(void **state)
{
    NEED_XML();
    fixture *f = *state;
    cp_meta m;
    int exact = 1;
    cp_meta_init(&m);
    m.access_roles = 190;
    assert_int_equal(cp_meta_set(f->ctx, TESTKEY3, &m), CP_OK);
    DOF(f->ctx, MGR, "mb_remove_entry.xml", CP_OK);
    assert_int_equal(cp_meta_get(f->ctx, TESTKEY3, &m, &exact), CP_OK);
    assert_int_equal(exact, 0);
}

/* The add example, then the remove example: the documented pair. */
static void test_mb_example_add_then_remove(void **state)
{
    NEED_XML();
    fixture *f = *state;
    cp_meta m;
    int exact = 1;
    DOF(f->ctx, MGR, "mb_add_entry.xml", CP_OK);
    DOF(f->ctx, MGR, "mb_remove_entry.xml", CP_OK);
    assert_int_equal(cp_meta_get(f->ctx, TESTKEY3, &m, &exact), CP_OK);
    assert_int_equal(exact, 0);
}

/* Metabase CSP page (bb737399, WM 6.5): top-level query and deletion are
   not supported. */
static void test_mb_top_level_refused(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, MGR, DOC("<characteristic-query type=\"Metabase\"/>"),
                    ANY_ERR);
    HAS(out, "<characteristic-query-error type=\"Metabase\" desc=\"");
    free(out);
    out = RUN(f->ctx, MGR, DOC("<nocharacteristic type=\"Metabase\"/>"), ANY_ERR);
    HAS(out, "<nocharacteristic-error type=\"Metabase\" desc=\"");
    free(out);
}

/* Metabase CSP page (bb737399, WM 6.5): Manager role by default; no other
   role adds an entry. */
static void test_mb_manager_only(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, UA, "mb_add_entry.xml", CP_E_ACCESS_DENIED);
    DOF(f->ctx, OP, "mb_add_entry.xml", CP_E_ACCESS_DENIED);
    ROLES_ARE(f->ctx, "Metabase", MGR);
}

/* Metabase CSP page (bb737399, WM 6.5): each setting takes effect as the
   file is processed, so a role change governs the parms after it. */
static void test_mb_effect_within_document(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"Metabase\"><characteristic type=\"NAPDEF/NAME\">"
           "<parm name=\"access-role\" value=\"16\"/></characteristic></characteristic>"
           "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
           "<parm name=\"NAME\" value=\"x\"/></characteristic>"),
       CP_E_ACCESS_DENIED);
}

/* =====================================================================================
 * METADATA (CFGFLAG_METADATA) and the parm element's attributes
 * ===================================================================================== */

/* DMProcessConfigXML (bb158518, WM 6.5) and "parm Element" (bb737503, WM
   6.5): with the metadata flag nothing is applied and each parm comes back
   with metadata attributes; the SecurityPolicy CSP page gives policy parms
   the data type integer and read/write access. The parm element's
   attributes are name, value, datatype, semantic-type, maxvalue, minvalue,
   maxlength, options, multiple, rw-access and label; a role mask is no
   attribute of the parm element (it is the metabase parm "access-role"). */
static void test_metadata_securitypolicy(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = NULL;
    cp_status st = tu_proc_flags(
        f->ctx, MGR,
        DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4097\" "
            "value=\"1\"/></characteristic>"),
        CP_METADATA, &out);
    assert_int_equal(st, CP_OK);
    HAS(out, "name=\"4097\"");
    HAS(out, "datatype=\"integer\"");
    HAS(out, "rw-access=\"3\"");
    LACKS(out, "access-roles=");
    assert_int_equal(policy(f->ctx, 4097), 2);
    free(out);
}

/* "Metabase Settings" (aa458983) with "parm Element" (bb737503, WM 6.5):
   the metadata of a setting that has the example entry carries its bounds
   and its label in the device language (0409 here). Needs the Registry CSP
   hosted generically. */
static void test_metadata_entry_label(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = NULL;
    cp_status st;
    assert_int_equal(cp_csp_register_settings(f->ctx, "Registry"), CP_OK);
    DOF(f->ctx, MGR, "mb_add_entry.xml", CP_OK);
    st = tu_proc_flags(f->ctx, MGR,
                    DOC("<characteristic type=\"Registry\"><characteristic "
                        "type=\"HKLM\\Software\\Microsoft\"><parm name=\"TestKey3\" "
                        "value=\"2\" datatype=\"integer\"/></characteristic>"
                        "</characteristic>"),
                    CP_METADATA, &out);
    assert_int_equal(st, CP_OK);
    HAS(out, "minvalue=\"0\"");
    HAS(out, "maxvalue=\"30\"");
    HAS(out, "label=\"Test Key\"");
    free(out);
}

/* =====================================================================================
 * Error elements (MSPROV DTD Elements, bb737235 WM 6.5)
 * ===================================================================================== */

/* "parm-error Element" (bb737691, WM 6.5): name, the original value, desc. */
static void test_err_parm_error(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, UA,
                    DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4097\" "
                        "value=\"1\"/></characteristic>"),
                    CP_E_ACCESS_DENIED);
    HAS(out, "<parm-error name=\"4097\" value=\"1\" desc=\"");
    free(out);
}

/* "noparm-error Element" (bb737617, WM 6.5): name and desc. */
static void test_err_noparm_error(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, UA,
                    DOC("<characteristic type=\"SecurityPolicy\"><noparm "
                        "name=\"4097\"/></characteristic>"),
                    CP_E_ACCESS_DENIED);
    HAS(out, "<noparm-error name=\"4097\" desc=\"");
    free(out);
}

/* "parm-query-error Element" (bb737322, WM 6.5): name and desc. */
static void test_err_parm_query_error(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, UA,
                    DOC("<characteristic type=\"SecurityPolicy\"><parm-query "
                        "name=\"4097\"/></characteristic>"),
                    CP_E_ACCESS_DENIED);
    HAS(out, "<parm-query-error name=\"4097\" desc=\"");
    LACKS(out, "value=");
    free(out);
}

/* "characteristic-error Element" (bb737491, WM 6.5): type and desc; the
   failing characteristic keeps its content. */
static void test_err_characteristic_error(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, MGR,
                    DOC("<characteristic type=\"NoSuchCSP\"><parm name=\"a\" "
                        "value=\"1\"/></characteristic>"),
                    ANY_ERR);
    HAS(out, "<characteristic-error type=\"NoSuchCSP\" desc=\"");
    free(out);
}

/* "nocharacteristic-error Element" (bb737368) and "characteristic-query-
   error Element" (bb737603), WM 6.5: type and desc. */
static void test_err_query_and_delete_errors(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = RUN(f->ctx, MGR,
                    DOC("<characteristic type=\"NAPDEF\"><nocharacteristic "
                        "type=\"NOPE\" mwid=\"1\"/></characteristic>"),
                    ANY_ERR);
    HAS(out, "<nocharacteristic-error type=\"NOPE\"");
    HAS(out, "desc=\"");
    free(out);
    out = RUN(f->ctx, UA, DOC("<characteristic-query type=\"Metabase\"/>"), ANY_ERR);
    HAS(out, "<characteristic-query-error type=\"Metabase\" desc=\"");
    free(out);
}

/* "noparm Element" / "nocharacteristic Element" (MSPROV DTD Elements,
   bb737235, WM 6.5): in a response they say the item does not exist. */
static void test_response_noparm_nocharacteristic(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DO(f->ctx, MGR, NAP("NAP1", "one"), CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"NAP1\" "
                  "mwid=\"1\"><parm-query name=\"NAP-ADDRESS\"/></characteristic>"
                  "</characteristic>"),
              CP_OK);
    HAS(out, "<noparm name=\"NAP-ADDRESS\"/>");
    free(out);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic-query "
                  "type=\"NAP2\" mwid=\"1\"/></characteristic>"),
              CP_OK);
    HAS(out, "<nocharacteristic type=\"NAP2\"");
    free(out);
}

/* "characteristic-query Element" (aa455845 WM5; WM 6.5 bb737359): without
   the recursive attribute the whole subtree comes back; recursive="false"
   gives the settings one level in only. */
static void test_charquery_recursive(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "napdef_csd_wap.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic-query "
                  "type=\"NAP1\" mwid=\"1\"/></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"AUTHTYPE\" value=\"PAP\"/>");
    free(out);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic-query "
                  "type=\"NAP1\" mwid=\"1\" recursive=\"false\"/></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"NAME\" value=\"ANY NAME 3\"/>");
    LACKS(out, "AUTHTYPE");
    free(out);
}

/* =====================================================================================
 * BOOTSTRAP CSP
 * ===================================================================================== */

/* "BOOTSTRAP Configuration Service Provider Examples for OMA Client
   Provisioning" (bb737394, WM 6.5): the example sets the TPS. */
static void test_boot_example(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, MGR, "boot_example.xml", CP_OK);
    tu_tps_is(f->ctx, "https://www.adatum.com");
}

/* BOOTSTRAP CSP page (bb737510, WM 6.5) and Default Roles (aa455885):
   Manager, Operator, Operator TPS; an authenticated user may not. */
static void test_boot_roles(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, UA, "boot_example.xml", CP_E_ACCESS_DENIED);
    DOF(f->ctx, OP, "boot_example.xml", CP_OK);
    tu_tps_is(f->ctx, "https://www.adatum.com");
    ROLES_ARE(f->ctx, "BOOTSTRAP", MGR | OP | TPS);
}

/* BOOTSTRAP CSP page (bb737510, WM 6.5): CONTEXT-ALLOW is ignored and 0 is
   assumed. */
static void test_boot_context_allow_ignored(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" "
           "value=\"https://www.adatum.com\"/><parm name=\"CONTEXT-ALLOW\" "
           "value=\"1\"/></characteristic>"),
       CP_OK);
    tu_tps_is(f->ctx, "https://www.adatum.com");
}

/* BOOTSTRAP CSP page (aa455837 WM5; O10): PROVURL is a complete URL with
   http, https, wsp or wsps and at most 256 characters. */
static void test_boot_provurl_rules(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char doc[600];
    char url[300];
    memset(url, 'a', sizeof url);
    memcpy(url, "https://x.example/", 18);
    url[257] = '\0'; /* 257 characters */
    snprintf(doc, sizeof doc,
             DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" "
                 "value=\"%s\"/></characteristic>"),
             url);
    DO(f->ctx, MGR, doc, ANY_ERR);
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" "
           "value=\"ftp://tps.example/\"/></characteristic>"),
       ANY_ERR);
    url[256] = '\0'; /* 256 characters */
    snprintf(doc, sizeof doc,
             DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" "
                 "value=\"%s\"/></characteristic>"),
             url);
    DO(f->ctx, MGR, doc, CP_OK);
}

/* BOOTSTRAP CSP page (aa455837 WM5) and the BOOTSTRAP parameter mapping
   (bb737534, WM 6.5): a missing NAME defaults to "Trust WAP Config Server". */
static void test_boot_name_default(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" "
           "value=\"https://www.adatum.com\"/></characteristic>"),
       CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"BOOTSTRAP\"><parm-query name=\"NAME\"/>"
                  "</characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"NAME\" value=\"Trust WAP Config Server\"/>");
    free(out);
}

/* =====================================================================================
 * NAPDEF (generic settings CSP)
 * ===================================================================================== */

/* "Adding a NAPDEF (WAP Technique) Example" (ms844894, WM5; the 6.5
   GSM-CSD example has the same shape): the NAP is added and is then found
   under its NAPID ("Update Standard WAP Connectivity Parameters",
   aa457925 WM5 / bb737212 WM 6.5: NAPID becomes the sub-characteristic
   type). */
static void test_napdef_example_csd(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "napdef_csd_wap.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"NAP1\" "
                  "mwid=\"1\"><parm-query name=\"NAME\"/><parm-query "
                  "name=\"BEARER\"/></characteristic></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"NAME\" value=\"ANY NAME 3\"/>");
    HAS(out, "<parm name=\"BEARER\" value=\"GSM-CSD\"/>");
    free(out);
}

/* "Adding a GSM-GPRS Network Access Point (WAP Technique) Example"
   (bb737547, WM 6.5), runnable version. */
static void test_napdef_example_gprs(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "napdef_gprs_wap.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"GPRS1\" "
                  "mwid=\"1\"><parm-query name=\"NAP-ADDRTYPE\"/></characteristic>"
                  "</characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>");
    free(out);
}

/* "Adding and Modifying a Network Access Point (Device Technique) Example"
   (bb737561 WM 6.5; ms844891 WM5): the NAP is addressed by its NAPID with
   mwid="1" and modified. */
static void test_napdef_example_device_technique(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DO(f->ctx, MGR, NAP("NAP1", "old"), CP_OK);
    DOF(f->ctx, MGR, "napdef_device.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"NAP1\" "
                  "mwid=\"1\"><parm-query name=\"NAME\"/></characteristic>"
                  "</characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"NAME\" value=\"ANY NAME 3\"/>");
    free(out);
}

/* "Deleting a Network Access Point (Device Technique) Example" (bb737511 WM
   6.5; aa456117 WM5). */
static void test_napdef_example_delete(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "napdef_csd_wap.xml", CP_OK);
    DOF(f->ctx, MGR, "napdef_delete.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic-query "
                  "type=\"NAP1\" mwid=\"1\"/></characteristic>"),
              CP_OK);
    HAS(out, "<nocharacteristic type=\"NAP1\"");
    free(out);
}

/* NAPDEF CSP page (aa455932 WM5; ms844852): a query of AUTHSECRET returns
   asterisks. Deliberate deviation: secrets are write-only (SECURITY.md,
   issue 12): the query is refused with a parm-query-error and neither the
   secret nor a mask comes back. */
static void test_napdef_authsecret_query(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "napdef_csd_wap.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"NAP1\" "
                  "mwid=\"1\"><characteristic type=\"NAPAUTHINFO\"><parm-query "
                  "name=\"AUTHSECRET\"/></characteristic></characteristic>"
                  "</characteristic>"),
              CP_E_ACCESS_DENIED);
    HAS(out, "<parm-query-error name=\"AUTHSECRET\" desc=\"");
    LACKS(out, "mysecret");
    free(out);
}

/* NAPDEF CSP page (aa455932 WM5, ms844852): roles Manager, Operator,
   Operator-TPS, AuthenticatedUser (the captured part of K2 does not list
   NAPDEF). */
static void test_napdef_roles(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, OP, NAP("NAP1", "op"), CP_OK);
    DO(f->ctx, UA, NAP("NAP2", "user"), CP_OK);
    DO(f->ctx, UNAUTH, NAP("NAP3", "anyone"), CP_E_ACCESS_DENIED);
    ROLES_ARE(f->ctx, "NAPDEF/NAME", MGR | OP | TPS | UA);
}

/* =====================================================================================
 * PXLOGICAL / PXPHYSICAL
 * ===================================================================================== */

/* "Adding a Logical and a Physical Proxy Example (WAP Technique)" (bb737400,
   WM 6.5), runnable version: the logical proxy is stored under its
   PROXY-ID, the physical one under its PHYSICAL-PROXY-ID (aa457925). */
static void test_px_example_wap(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "pxlogical_wap.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"PXLOGICAL\"><characteristic "
                  "type=\"www.adatum.com\" mwid=\"1\"><parm-query name=\"NAME\"/>"
                  "</characteristic></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"NAME\" value=\"DefaultProxy2\"/>");
    free(out);
}

/* "Adding and Modifying a Logical and a Physical Proxy Example (Device
   Technique)" (bb737621, WM 6.5), runnable version, after the WAP one. */
static void test_px_example_device(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, MGR, "pxlogical_wap.xml", CP_OK);
    DOF(f->ctx, MGR, "pxlogical_device.xml", CP_OK);
}

/* "Deleting a Logical Proxy Example (Device Technique)" (aa456116, WM5). */
static void test_px_example_delete(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "pxlogical_wap.xml", CP_OK);
    DOF(f->ctx, MGR, "pxlogical_delete.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"PXLOGICAL\"><characteristic-query "
                  "type=\"www.adatum.com\" mwid=\"1\"/></characteristic>"),
              CP_OK);
    HAS(out, "<nocharacteristic type=\"www.adatum.com\"");
    free(out);
}

/* PXLOGICAL CSP page (aa455948 WM5; ms844862 WM 2003: Operator, Operator-
   TPS, Manager): Manager, Operator, Operator-TPS, Authenticated User. A
   proxy without TRUST (TRUST itself needs policy 4121, ours). */
static void test_px_roles(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, OP, PROXY("px.op"), CP_OK);
    DO(f->ctx, UA, PROXY("px.user"), CP_OK);
    ROLES_ARE(f->ctx, "PXLOGICAL/NAME", MGR | OP | TPS | UA);
}

/* PXLOGICAL CSP page (ms844862 WM 2003; the W10 page says the same): a query
   of DOMAIN returns all domains of the proxy separated by semicolons. */
static void test_px_domain_query(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "pxlogical_wap.xml", CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"PXLOGICAL\"><characteristic "
                  "type=\"www.adatum.com\" mwid=\"1\"><parm-query name=\"DOMAIN\"/>"
                  "</characteristic></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"DOMAIN\" value=\".adatum.com/;.contoso.com/\"/>");
    free(out);
}

/* PXLOGICAL CSP page (ms844862, WM 2003): BASAUTH-ID and BASAUTH-PW cannot
   be queried. (BASAUTH-PW is also one of the library's write-only secrets.) */
static void test_px_basauth_not_queryable(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" "
           "value=\"px.b\"/><parm name=\"NAME\" value=\"b\"/><parm "
           "name=\"BASAUTH-ID\" value=\"me\"/><parm name=\"BASAUTH-PW\" "
           "value=\"pw\"/></characteristic>"),
       CP_OK);
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"px.b\" "
           "mwid=\"1\"><parm-query name=\"BASAUTH-PW\"/></characteristic>"
           "</characteristic>"),
       ANY_ERR);
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"px.b\" "
           "mwid=\"1\"><parm-query name=\"BASAUTH-ID\"/></characteristic>"
           "</characteristic>"),
       ANY_ERR);
}

/* =====================================================================================
 * APPLICATION, ACCESS, CLIENTIDENTITY, VENDORCONFIG
 * ===================================================================================== */

/* "w2 APPLICATION Configuration Service Provider Examples for OMA Client
   Provisioning" (bb737474, WM 6.5), runnable version: a favorites folder
   with three resources. */
static void test_app_example_w2(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    DOF(f->ctx, MGR, "app_w2.xml", CP_OK);
    out = RUN(f->ctx, MGR, DOC("<characteristic-query type=\"APPLICATION\"/>"), CP_OK);
    HAS(out, "https://www.margiestravel.com");
    HAS(out, "<parm name=\"STARTPAGE\"/>");
    free(out);
}

/* Default Roles (aa455885) and the w7/w4 pages: APPLICATION is Manager,
   Operator, Operator TPS. */
static void test_app_roles(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DOF(f->ctx, OP, "app_w2.xml", CP_OK);
    DOF(f->ctx, UA, "app_w2.xml", CP_E_ACCESS_DENIED);
    ROLES_ARE(f->ctx, "APPLICATION", MGR | OP | TPS);
}

/* Default Roles (aa455885): ACCESS is Manager, AuthenticatedUser. (The
   Microsoft ACCESS CSP is an OMA DM object for network destinations, ms889539;
   only its roles are taken over for the ProvCont ACCESS characteristic.) */
static void test_access_roles(void **state)
{
    NEED_XML();
    fixture *f = *state;
    static const char doc[] =
        DOC("<characteristic type=\"ACCESS\"><parm name=\"RULE\" value=\"r1\"/>"
            "<parm name=\"DOMAIN\" value=\"example.com\"/></characteristic>");
    DO(f->ctx, UA, doc, CP_OK);
    DO(f->ctx, OP, doc, CP_E_ACCESS_DENIED);
    ROLES_ARE(f->ctx, "ACCESS", MGR | UA);
}

/* CLIENTIDENTITY, VENDORCONFIG: no Windows Mobile page documents them (they
   are not in the Default Roles table); the rule for an undocumented CSP is
   MANAGER (issue 13). */
static void test_undocumented_types_manager(void **state)
{
    NEED_XML();
    fixture *f = *state;
    DO(f->ctx, UA,
       DOC("<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" "
           "value=\"v\"/></characteristic>"),
       CP_E_ACCESS_DENIED);
    DO(f->ctx, UA,
       DOC("<characteristic type=\"CLIENTIDENTITY\"><parm name=\"CLIENT-ID\" "
           "value=\"c\"/></characteristic>"),
       CP_E_ACCESS_DENIED);
    ROLES_ARE(f->ctx, "VENDORCONFIG", MGR);
    ROLES_ARE(f->ctx, "CLIENTIDENTITY", MGR);
}

/* =====================================================================================
 * Windows Mobile CSPs hosted generically (Default Roles, aa455885)
 * ===================================================================================== */

typedef struct hosted {
    const char *type;
    uint32_t roles;
} hosted;

static void hosted_roles(void **state, const hosted *h, size_t n)
{
    fixture *f = *state;
    size_t i;
    int bad = 0;
    for (i = 0; i < n; i++) {
        cp_meta m;
        assert_int_equal(cp_csp_register_settings(f->ctx, h[i].type), CP_OK);
        assert_int_equal(cp_meta_get(f->ctx, h[i].type, &m, NULL), CP_OK);
        if (m.access_roles != h[i].roles) {
            print_error("%s: access roles 0x%lx, documented 0x%lx\n", h[i].type,
                        (unsigned long)m.access_roles, (unsigned long)h[i].roles);
            bad = 1;
        }
    }
    if (bad)
        fail();
}

/* Default Roles for Configuration Service Providers (aa455885, WM5; the
   6.5 CSP pages refer to the same table): the rows for CSPs a device tool
   could host with the generic settings CSP. */
static void test_hosted_default_roles(void **state)
{
    static const hosted h[] = {
        {"Bluetooth", MGR | UA},
        {"BrowserFavorite", MGR | UA},
        {"CertificateStore", MGR},
        {"Clock", MGR | UA},
        {"CM_GPRSEntries", MGR | TPS | UA},
        {"CM_Mappings", MGR},
        {"CM_NetEntries", MGR | UA},
        {"CM_Networks", MGR | UA},
        {"CM_Planner", MGR | UA},
        {"CM_PPPEntries", MGR | TPS | UA},
        {"CM_ProxyEntries", MGR | UA},
        {"CM_VPNEntries", MGR | UA},
        {"CM_WiFiEntries", MGR | UA},
        {"CMPLANNER", MGR | UA},
        {"DevDetail", MGR | OP | TPS},
        {"DeviceInformation", MGR},
    };
    hosted_roles(state, h, sizeof h / sizeof h[0]);
}

/* Registry CSP page (bb737304, WM 6.5): a top-level Registry query is not
   allowed; parms are queried one at a time. */
static void test_registry_top_level_query_refused(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out;
    assert_int_equal(cp_csp_register_settings(f->ctx, "Registry"), CP_OK);
    DO(f->ctx, MGR,
       DOC("<characteristic type=\"Registry\"><characteristic "
           "type=\"HKLM\\Software\\Example\"><parm name=\"v\" value=\"1\" "
           "datatype=\"integer\"/></characteristic></characteristic>"),
       CP_OK);
    out = RUN(f->ctx, MGR,
              DOC("<characteristic type=\"Registry\"><characteristic "
                  "type=\"HKLM\\Software\\Example\"><parm-query name=\"v\"/>"
                  "</characteristic></characteristic>"),
              CP_OK);
    HAS(out, "<parm name=\"v\" value=\"1\"");
    free(out);
    DO(f->ctx, MGR, DOC("<characteristic-query type=\"Registry\"/>"), ANY_ERR);
}

/* =====================================================================================
 * The default-roles table for the shipped CSPs, in one place
 * ===================================================================================== */

/* Default Roles (aa455885) and the CSP pages (SecurityPolicy bb737380,
   Metabase bb737399, BOOTSTRAP bb737510, NAPDEF aa455932, PXLOGICAL
   aa455948): every shipped CSP's root entry. */
static void test_shipped_default_roles(void **state)
{
    fixture *f = *state;
    static const hosted h[] = {
        {"SecurityPolicy/4097", MGR},
        {"Metabase", MGR},
        {"BOOTSTRAP", MGR | OP | TPS},
        {"PXLOGICAL", MGR | OP | TPS | UA},
        {"PXLOGICAL/PXPHYSICAL", MGR | OP | TPS | UA},
        {"NAPDEF", MGR | OP | TPS | UA},
        {"APPLICATION", MGR | OP | TPS},
        {"ACCESS", MGR | UA},
        {"CLIENTIDENTITY", MGR},
        {"VENDORCONFIG", MGR},
    };
    size_t i;
    int bad = 0;
    for (i = 0; i < sizeof h / sizeof h[0]; i++) {
        cp_meta m;
        assert_int_equal(cp_meta_get(f->ctx, h[i].type, &m, NULL), CP_OK);
        if (m.access_roles != h[i].roles) {
            print_error("%s: access roles 0x%lx, documented 0x%lx\n", h[i].type,
                        (unsigned long)m.access_roles, (unsigned long)h[i].roles);
            bad = 1;
        }
    }
    if (bad)
        fail();
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, tu_teardown)
    const struct CMUnitTest tests[] = {
        T(test_sp_example_set),
        T(test_sp_example_query_output),
        T(test_sp_example_delete_sets_zero),
        T(test_sp_noparm_zero_mask_policy),
        T(test_sp_roles_manager_only),
        T(test_sp_4120_manager_only),
        T(test_sp_no_characteristic_query),
        T(test_sp_decimal_only),
        T(test_sp_example_determine_policies),
        T(test_sp_policy_table_defaults),
        T(test_mb_example_add_entry),
        T(test_mb_example_add_entry_published),
        T(test_mb_query_entry_with_label),
        T(test_mb_parm_query_forms),
        T(test_mb_example_remove_entry),
        T(test_mb_example_add_then_remove),
        T(test_mb_top_level_refused),
        T(test_mb_manager_only),
        T(test_mb_effect_within_document),
        T(test_metadata_securitypolicy),
        T(test_metadata_entry_label),
        T(test_err_parm_error),
        T(test_err_noparm_error),
        T(test_err_parm_query_error),
        T(test_err_characteristic_error),
        T(test_err_query_and_delete_errors),
        T(test_response_noparm_nocharacteristic),
        T(test_charquery_recursive),
        T(test_boot_example),
        T(test_boot_roles),
        T(test_boot_context_allow_ignored),
        T(test_boot_provurl_rules),
        T(test_boot_name_default),
        T(test_napdef_example_csd),
        T(test_napdef_example_gprs),
        T(test_napdef_example_device_technique),
        T(test_napdef_example_delete),
        T(test_napdef_authsecret_query),
        T(test_napdef_roles),
        T(test_px_example_wap),
        T(test_px_example_device),
        T(test_px_example_delete),
        T(test_px_roles),
        T(test_px_domain_query),
        T(test_px_basauth_not_queryable),
        T(test_app_example_w2),
        T(test_app_roles),
        T(test_access_roles),
        T(test_undocumented_types_manager),
        T(test_hosted_default_roles),
        T(test_registry_top_level_query_refused),
        T(test_shipped_default_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
