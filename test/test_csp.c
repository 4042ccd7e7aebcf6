/*
 * test_csp.c - the built-in configuration service providers, driven end to
 * end through cp_process_config_xml with XML documents: SecurityPolicy,
 * BOOTSTRAP, PXLOGICAL/PXPHYSICAL (and the push gateways they make, seen
 * through cp_verify_bootstrap), the Metabase CSP, and the generic settings
 * CSP (NAPDEF, APPLICATION, CLIENTIDENTITY, VENDORCONFIG, ACCESS).
 *
 * Expected outputs are written out by hand from the rules in
 * shared/spec/wm-model.md (2.2-2.3 policies and their defaults, 4.3-4.5
 * metabase and default roles, 5.3-5.4 bootstrap and trusted PPGs) and
 * protocol.md b.8 (identities, APPIDs), or taken from the shared vectors'
 * own XML (a query must give back exactly the items that were sent).
 * Every device keeps its state in test/support/memstore, so persistence is
 * checked with a second context on the same store, and "nothing changed"
 * by comparing the stored blobs byte for byte.
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

/* Default Roles for Configuration Service Providers (aa455885, WM5) and the
   NAPDEF page (aa455932): NAPDEF is Manager, Operator, Operator-TPS and
   AuthUser's by default (0x9C); 0.1.0 gave it MANAGER only. */
#define NAPDEF_DEFAULT (MGR | OP | TPS | UA)

#define TPS_URL "http://tps.example.com/cp"

/* The generic settings types every device here registers. */
static const char *const set_types[] = {"NAPDEF", "APPLICATION",
                                        "CLIENTIDENTITY", "VENDORCONFIG",
                                        "ACCESS"};

/* ---- devices and documents ---------------------------------------------------- */

typedef tu_fixture fixture;

static cp_ctx *device(memstore *ms, cp_profile profile)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    size_t i;
    cp_config_init(&cfg);
    cfg.profile = profile;
    ms_attach(&cfg, ms);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(ctx), CP_OK);
    for (i = 0; i < sizeof set_types / sizeof set_types[0]; i++)
        assert_int_equal(cp_csp_register_settings(ctx, set_types[i]), CP_OK);
    return ctx;
}

static int setup_branded(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    ms_init(&f->ms);
    f->ctx = device(&f->ms, CP_PROFILE_BRANDED);
    *state = f;
    return 0;
}

static int setup_unbranded(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    ms_init(&f->ms);
    f->ctx = device(&f->ms, CP_PROFILE_UNBRANDED);
    *state = f;
    return 0;
}

/* want_st for "any failure" (no cp_status is positive) */
#define ANY_ERROR ((cp_status)1)

static void expect_doc(cp_ctx *ctx, uint32_t roles, const char *in,
                       cp_status want_st, const char *want, int line)
{
    char *got = NULL;
    cp_status st = tu_proc(ctx, roles, in, &got);
    int st_ok = want_st == ANY_ERROR ? st != CP_OK : st == want_st;
    if (!st_ok || got == NULL || strcmp(got, want) != 0) {
        print_error("line %d: status %d (want %d)\n  got:  %s\n  want: %s\n",
                    line, (int)st, (int)want_st, got ? got : "(null)", want);
        free(got);
        fail();
        return;
    }
    free(got);
}

/* Run in as roles; expect status st and output out exactly. */
#define EXPECT(ctx, roles, in, st, out) \
    expect_doc(ctx, roles, in, st, out, __LINE__)
/* Run in as roles; expect a failure (any status) and output out exactly. */
#define EXPECT_ANY_ERR(ctx, roles, in, out) \
    expect_doc(ctx, roles, in, ANY_ERROR, out, __LINE__)
/* Run in as roles; expect it applied and echoed unchanged. */
#define APPLY(ctx, roles, in) expect_doc(ctx, roles, in, CP_OK, in, __LINE__)

/* ---- stored blobs, byte for byte ------------------------------------------------- */

typedef ms_snap snapshot;
#define snap_take ms_snap_take
#define snap_free ms_snap_free

/* Every blob as it was; a blob added since must be empty (journal). */
static void snap_check(const memstore *ms, const snapshot *s)
{
    int i;
    for (i = 0; i < s->n; i++) {
        size_t len = 0;
        const uint8_t *d = ms_get(ms, s->b[i].name, &len);
        assert_non_null(d);
        if (len != s->b[i].len ||
            (len && memcmp(d, s->b[i].data, len) != 0)) {
            print_error("blob %s changed\n", s->b[i].name);
            fail();
        }
    }
    for (i = s->n; i < ms->n; i++) {
        size_t len = 0;
        (void)ms_get(ms, ms_name(ms, i), &len);
        if (len != 0) {
            print_error("blob %s appeared\n", ms_name(ms, i));
            fail();
        }
    }
}

/* ================================================================================
 * SecurityPolicy (wm-model.md 2.2, 2.3)
 * ================================================================================ */

static uint32_t policy(cp_ctx *ctx, uint32_t id)
{
    uint32_t v = 0xDEADBEEFu;
    assert_int_equal(cp_policy_get(ctx, id, &v), CP_OK);
    return v;
}

static void test_sp_set_and_query(void **state)
{
    NEED_XML();
    fixture *f = *state;
    /* P4 defaults: RAPI 4097 = 2, retries 4105 = 3 */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-query name=\"4097\"/><parm-query name=\"4105\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4097\" value=\"2\"/><parm name=\"4105\" value=\"3\"/>"
               "</characteristic>"));
    /* set, and read back in the same document */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4097\" value=\"1\"/><parm name=\"4105\" value=\"5\"/>"
               "<parm-query name=\"4097\"/></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4097\" value=\"1\"/><parm name=\"4105\" value=\"5\"/>"
               "<parm name=\"4097\" value=\"1\"/></characteristic>"));
    assert_int_equal(policy(f->ctx, 4097), 1);
    assert_int_equal(policy(f->ctx, 4105), 5);
    /* a role mask, e.g. the wm-model.md 2.3 example 4119 = 132 */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4119\" value=\"132\"/></characteristic>"));
    assert_int_equal(policy(f->ctx, 4119), 132);
    /* persisted: a second context on the same store */
    {
        cp_ctx *c2 = device(&f->ms, CP_PROFILE_BRANDED);
        EXPECT(c2, MGR,
               DOC("<characteristic type=\"SecurityPolicy\">"
                   "<parm-query name=\"4097\"/><parm-query name=\"4105\"/>"
                   "<parm-query name=\"4119\"/></characteristic>"),
               CP_OK,
               DOC("<characteristic type=\"SecurityPolicy\">"
                   "<parm name=\"4097\" value=\"1\"/>"
                   "<parm name=\"4105\" value=\"5\"/>"
                   "<parm name=\"4119\" value=\"132\"/></characteristic>"));
        cp_ctx_free(c2);
    }
}

static void test_sp_noparm_resets(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4105\" value=\"7\"/><parm name=\"4119\" value=\"0\"/>"
              "<parm name=\"4097\" value=\"1\"/>"
              "</characteristic>"));
    /* SecurityPolicy CSP page (P5): noparm sets the policy to 0, the most
       restrictive value; 4105's range starts at 1, so one attempt */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"4105\"/><noparm name=\"4119\"/>"
               "<noparm name=\"4097\"/>"
               "<parm-query name=\"4105\"/><parm-query name=\"4119\"/>"
               "<parm-query name=\"4097\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"4105\"/><noparm name=\"4119\"/>"
               "<noparm name=\"4097\"/>"
               "<parm name=\"4105\" value=\"1\"/><parm name=\"4119\" value=\"0\"/>"
               "<parm name=\"4097\" value=\"0\"/>"
               "</characteristic>"));
    assert_int_equal(policy(f->ctx, 4119), 0);
    /* the host's cp_policy_reset still restores the profile default */
    assert_int_equal(cp_policy_reset(f->ctx, 4119, CP_ROLE_EXEMPT), CP_OK);
    assert_int_equal(policy(f->ctx, 4119), TPS);
    /* an unknown policy cannot be reset */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"4118\"/></characteristic>"),
           CP_E_NOT_FOUND,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm-error name=\"4118\" "
               "desc=\"SecurityPolicy/4118 does not exist\"/></characteristic>"));
}

/* noparm is the most restrictive value on every profile, not the default. */
static void test_sp_noparm_unbranded_default(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4119\" value=\"128\"/></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"4119\"/><parm-query name=\"4119\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"4119\"/><parm name=\"4119\" value=\"0\"/>"
               "</characteristic>"));
}

/* 1 when v is an optional sign and decimal digits (a metabase integer). */
static int signed_decimal(const char *v)
{
    if (*v == '-' || *v == '+')
        v++;
    if (*v == '\0')
        return 0;
    for (; *v; v++)
        if (*v < '0' || *v > '9')
            return 0;
    return 1;
}

/* Ids and values are decimal only (P5, P6): each is refused on its parm. */
static void test_sp_bad_numbers(void **state)
{
    NEED_XML();
    static const struct {
        const char *name, *value;
    } bad[] = {
        {"4105", "0x10"}, {"4105", "-1"},  {"4105", " 2"},  {"4105", "2 "},
        {"4105", "+2"},   {"4105", ""},    {"4105", "1e1"}, {"4105", "4294967296"},
        {"0x1009", "2"},  {"-4105", "2"},  {" 4105", "2"},  {"", "2"},
    };
    fixture *f = *state;
    snapshot before;
    size_t i;
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4105\" value=\"4\"/></characteristic>"));
    snap_take(&f->ms, &before);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char in[256], want[512];
        /* a good parm first: it must be rolled back too */
        snprintf(in, sizeof in,
                 DOC("<characteristic type=\"SecurityPolicy\">"
                     "<parm name=\"4097\" value=\"0\"/>"
                     "<parm name=\"%s\" value=\"%s\"/></characteristic>"),
                 bad[i].name, bad[i].value);
        /* a bad id is refused by the engine (one spelling per setting),
           a bad value by the CSP */
        if (i < 8 && !signed_decimal(bad[i].value))
            /* not even an integer: the metabase's datatype (integer, as
               the SecurityPolicy CSP page gives it) refuses it first */
            snprintf(want, sizeof want,
                     DOC("<characteristic type=\"SecurityPolicy\">"
                         "<parm name=\"4097\" value=\"0\"/>"
                         "<parm-error name=\"%s\" value=\"%s\" desc=\"SecurityPolicy/"
                         "%s takes a decimal integer\"/>"
                         "</characteristic>"),
                     bad[i].name, bad[i].value, bad[i].name);
        else if (i < 8)
            snprintf(want, sizeof want,
                     DOC("<characteristic type=\"SecurityPolicy\">"
                         "<parm name=\"4097\" value=\"0\"/>"
                         "<parm-error name=\"%s\" value=\"%s\" desc=\"SecurityPolicy "
                         "parm failed: policy ids and values are decimal numbers\"/>"
                         "</characteristic>"),
                     bad[i].name, bad[i].value);
        else
            snprintf(want, sizeof want,
                     DOC("<characteristic type=\"SecurityPolicy\">"
                         "<parm name=\"4097\" value=\"0\"/>"
                         "<parm-error name=\"%s\" value=\"%s\" desc=\"policy id "
                         "&quot;%s&quot; is not canonical: write it in decimal "
                         "without sign, spaces or leading zeros\"/>"
                         "</characteristic>"),
                     bad[i].name, bad[i].value, bad[i].name);
        EXPECT(f->ctx, MGR, in, CP_E_BAD_DOC, want);
        assert_int_equal(policy(f->ctx, 4105), 4);
        assert_int_equal(policy(f->ctx, 4097), 2);
        snap_check(&f->ms, &before);
    }
    snap_free(&before);
}

static void test_sp_unknown_and_range(void **state)
{
    NEED_XML();
    fixture *f = *state;
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"9999\" value=\"1\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"9999\" value=\"1\" "
               "desc=\"SecurityPolicy parm failed: unknown policy 9999\"/>"
               "</characteristic>"));
    /* 4105 takes 1..256 (P3) */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4105\" value=\"257\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4105\" value=\"257\" "
               "desc=\"SecurityPolicy parm failed: value 257 out of range for "
               "policy 4105\"/></characteristic>"));
    /* a mask with a bit that is no role */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4111\" value=\"8193\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4111\" value=\"8193\" "
               "desc=\"SecurityPolicy parm failed: value 8193 out of range for "
               "policy 4111\"/></characteristic>"));
    /* a query of an unknown policy answers noparm */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-query name=\"9999\"/></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"9999\"/></characteristic>"));
    assert_int_equal(policy(f->ctx, 4105), 3);
    assert_int_equal(policy(f->ctx, 4111), TPS | CP_ROLE_KNOWN_PPG);
}

/* MANAGER only (P5), 4120 included: the SecurityPolicy CSP page (WM 6.5,
   bb737380) gives every policy to Manager; 0.1.0 followed WM 2003's P3 and
   let USER_AUTH set 4120 too. A host may still open one policy to another
   role with a metabase entry on SecurityPolicy/<id>. */
static void test_sp_roles(void **state)
{
    NEED_XML();
    fixture *f = *state;
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4097\" value=\"1\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4097\" value=\"1\" desc=\"access denied to "
               "SecurityPolicy/4097: roles 0x10, needs one of 0x8\"/>"
               "</characteristic>"));
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-query name=\"4097\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-query-error name=\"4097\" desc=\"access denied to "
               "SecurityPolicy/4097: roles 0x10, needs one of 0x8\"/>"
               "</characteristic>"));
    EXPECT(f->ctx, OP | UNAUTH,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm name=\"4105\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<noparm-error name=\"4105\" desc=\"access denied to "
               "SecurityPolicy/4105: roles 0x44, needs one of 0x8\"/>"
               "</characteristic>"));
    assert_int_equal(policy(f->ctx, 4097), 2);
    /* 4120: USER_AUTH may not either (6.5 SecurityPolicy page: Manager) */
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"144\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4120\" value=\"144\" desc=\"access denied "
               "to SecurityPolicy/4120: roles 0x10, needs one of 0x8\"/>"
               "</characteristic>"));
    assert_int_equal(policy(f->ctx, 4120), UA);
    /* an explicit entry on SecurityPolicy/4120 (what 0.1.0 had by default)
       opens that one policy to USER_AUTH ... */
    {
        cp_meta m;
        cp_meta_init(&m);
        m.access_roles = MGR | UA;
        assert_int_equal(cp_meta_set(f->ctx, "SecurityPolicy/4120", &m), CP_OK);
    }
    APPLY(f->ctx, UA,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4120\" value=\"144\"/></characteristic>"));
    assert_int_equal(policy(f->ctx, 4120), UA | TPS);
    /* ... but not the same document's other policies */
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"16\"/>"
               "<parm name=\"4119\" value=\"16\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"16\"/>"
               "<parm-error name=\"4119\" value=\"16\" desc=\"access denied to "
               "SecurityPolicy/4119: roles 0x10, needs one of 0x8\"/>"
               "</characteristic>"));
    assert_int_equal(policy(f->ctx, 4120), UA | TPS);
    /* anyone else may not touch 4120 (the entry names MANAGER and USER_AUTH) */
    EXPECT(f->ctx, UNAUTH,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"16\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4120\" value=\"16\" desc=\"access denied to "
               "SecurityPolicy/4120: roles 0x40, needs one of 0x18\"/>"
               "</characteristic>"));
    /* MANAGER may set 4120 as well */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4120\" value=\"16\"/></characteristic>"));
    assert_int_equal(policy(f->ctx, 4120), UA);
    /* without the entry, 4120 is MANAGER's again */
    assert_int_equal(cp_meta_remove(f->ctx, "SecurityPolicy/4120"), CP_OK);
    EXPECT(f->ctx, UNAUTH,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"80\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4120\" value=\"80\" desc=\"access denied to "
               "SecurityPolicy/4120: roles 0x40, needs one of 0x8\"/>"
               "</characteristic>"));
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"80\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4120\" value=\"80\" desc=\"access denied to "
               "SecurityPolicy/4120: roles 0x10, needs one of 0x8\"/>"
               "</characteristic>"));
    assert_int_equal(policy(f->ctx, 4120), UA);
}

/* 4119 grants MANAGER: OPERATOR_TPS on a branded device (P4 phone SKU). */
static void test_sp_grant_manager(void **state)
{
    NEED_XML();
    fixture *f = *state;
    static const char set[] =
        DOC("<characteristic type=\"SecurityPolicy\">"
            "<parm name=\"4105\" value=\"6\"/></characteristic>");
    APPLY(f->ctx, TPS, set);
    assert_int_equal(policy(f->ctx, 4105), 6);
    EXPECT(f->ctx, OP, set, CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4105\" value=\"6\" desc=\"access denied to "
               "SecurityPolicy/4105: roles 0x4, needs one of 0x8\"/>"
               "</characteristic>"));
    /* take the grant away: the TPS alone may no longer */
    APPLY(f->ctx, TPS,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4119\" value=\"0\"/></characteristic>"));
    EXPECT(f->ctx, TPS, set, CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4105\" value=\"6\" desc=\"access denied to "
               "SecurityPolicy/4105: roles 0x80, needs one of 0x8\"/>"
               "</characteristic>"));
    /* 4120 grants USER_AUTH: OPERATOR may then write what USER_AUTH may
       (ACCESS: Manager and AuthUser, aa455885), but not 4120 itself, which
       is MANAGER's only (6.5 SecurityPolicy page; 0.1.0 let USER_AUTH) */
    EXPECT(f->ctx, OP,
           DOC("<characteristic type=\"ACCESS\"><parm name=\"RULE\" "
               "value=\"r\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"ACCESS\"><parm-error name=\"RULE\" "
               "value=\"r\" desc=\"access denied to ACCESS/RULE: roles 0x4, "
               "needs one of 0x18\"/></characteristic>"));
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4120\" value=\"20\"/></characteristic>"));
    APPLY(f->ctx, OP,
          DOC("<characteristic type=\"ACCESS\"><parm name=\"RULE\" "
              "value=\"r\"/></characteristic>"));
    EXPECT(f->ctx, OP,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4120\" value=\"16\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4120\" value=\"16\" desc=\"access denied to "
               "SecurityPolicy/4120: roles 0x14, needs one of 0x8\"/>"
               "</characteristic>"));
    assert_int_equal(policy(f->ctx, 4120), UA | OP);
}

/* The unbranded profile adds OPERATOR to 4119 (O3 recipe, value 132). */
static void test_sp_grant_manager_unbranded(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, OP,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4119\" value=\"128\"/></characteristic>"));
    EXPECT(f->ctx, OP,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4119\" value=\"132\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"SecurityPolicy\">"
               "<parm-error name=\"4119\" value=\"132\" desc=\"access denied to "
               "SecurityPolicy/4119: roles 0x4, needs one of 0x8\"/>"
               "</characteristic>"));
}

/* The SecurityPolicy CSP page (WM 6.5) lists characteristic-query as not
   available: the whole list is cp_policy_list's, policies are read one by
   one with parm-query. */
static void test_sp_characteristic_query(void **state)
{
    NEED_XML();
    fixture *f = *state;
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"SecurityPolicy\"/>"),
           CP_E_UNSUPPORTED,
           DOC("<characteristic-query-error type=\"SecurityPolicy\" "
               "desc=\"SecurityPolicy does not support characteristic-query\"/>"));
    /* reading needs MANAGER (checked before the CSP is asked) */
    EXPECT(f->ctx, UA, DOC("<characteristic-query type=\"SecurityPolicy\"/>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic-query-error type=\"SecurityPolicy\" "
               "desc=\"access denied to SecurityPolicy: roles 0x10, needs one "
               "of 0x8\"/>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"SecurityPolicy\"><parm-query name=\"4105\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4105\" "
               "value=\"3\"/></characteristic>"));
}

/* ================================================================================
 * BOOTSTRAP (wm-model.md 4.5 K2, 5.3; protocol.md b.8)
 * ================================================================================ */

#define BOOT_DOC                                                              \
    DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"Op\"/>" \
        "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/>"                        \
        "<parm name=\"CONTEXT-ALLOW\" value=\"0\"/></characteristic>")

static void test_boot_stores_tps(void **state)
{
    NEED_XML();
    fixture *f = *state;
    tu_tps_is(f->ctx, NULL);
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"BOOTSTRAP\"/>"),
           CP_OK, DOC("<nocharacteristic type=\"BOOTSTRAP\"/>"));
    APPLY(f->ctx, MGR, BOOT_DOC);
    tu_tps_is(f->ctx, TPS_URL);
    EXPECT(f->ctx, MGR,
           DOC("<characteristic-query type=\"BOOTSTRAP\"/>"
               "<characteristic type=\"BOOTSTRAP\"><parm-query name=\"PROVURL\"/>"
               "<parm-query name=\"NAME\"/><parm-query name=\"COUNTRY\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"Op\"/>"
               "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/></characteristic>"
               "<characteristic type=\"BOOTSTRAP\">"
               "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/>"
               "<parm name=\"NAME\" value=\"Op\"/><noparm name=\"COUNTRY\"/>"
               "</characteristic>"));
    /* persisted */
    {
        cp_ctx *c2 = device(&f->ms, CP_PROFILE_BRANDED);
        tu_tps_is(c2, TPS_URL);
        EXPECT(c2, MGR, DOC("<characteristic-query type=\"BOOTSTRAP\"/>"),
               CP_OK,
               DOC("<characteristic type=\"BOOTSTRAP\">"
                   "<parm name=\"NAME\" value=\"Op\"/>"
                   "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/>"
                   "</characteristic>"));
        cp_ctx_free(c2);
    }
}

#define URL_ERR                                                                \
    "BOOTSTRAP parm failed: PROVURL must be a complete http, https, wsp or " \
    "wsps URL of at most 256 characters"

static void boot_url_case(const char *url, int ok)
{
    memstore ms;
    cp_ctx *ctx;
    char *in, *want;
    size_t n = strlen(url) + 512;
    ms_init(&ms);
    ctx = device(&ms, CP_PROFILE_BRANDED);
    in = malloc(n);
    want = malloc(n);
    assert_non_null(in);
    assert_non_null(want);
    snprintf(in, n,
             DOC("<characteristic type=\"BOOTSTRAP\">"
                 "<parm name=\"PROVURL\" value=\"%s\"/></characteristic>"),
             url);
    if (ok) {
        APPLY(ctx, MGR, in);
        tu_tps_is(ctx, url);
    } else {
        snprintf(want, n,
                 DOC("<characteristic type=\"BOOTSTRAP\"><parm-error "
                     "name=\"PROVURL\" value=\"%s\" desc=\"" URL_ERR "\"/>"
                     "</characteristic>"),
                 url);
        EXPECT(ctx, MGR, in, CP_E_BAD_DOC, want);
        tu_tps_is(ctx, NULL);
    }
    free(in);
    free(want);
    cp_ctx_free(ctx);
    ms_free(&ms);
}

static void test_boot_provurl_forms(void **state)
{
    NEED_XML();
    static const struct {
        const char *url;
        int ok;
    } cases[] = {
        {"http://tps.example.com/", 1},
        {"https://tps.example.com:8443/cp?x=1", 1},
        {"wsp://10.0.0.1:9200/prov", 1},
        {"wsps://tps.example.com", 1},
        {"HTTP://TPS.EXAMPLE.COM/", 1},
        {"ftp://tps.example.com/", 0},
        {"http://", 0},
        {"https://", 0},
        {"http:///path", 0},
        {"tps.example.com/cp", 0},
        {"http://tps.example.com/a b", 0},
        {"", 0},
        {"mailto:tps@example.com", 0},
    };
    char url[300];
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        boot_url_case(cases[i].url, cases[i].ok);
    /* at most 256 characters (W10 cap, wm-model.md 4.5) */
    memset(url, 'a', sizeof url);
    memcpy(url, "http://h.example/", 17);
    url[256] = '\0';
    boot_url_case(url, 1);
    url[256] = 'a';
    url[257] = '\0';
    boot_url_case(url, 0);
}

/* CONTEXT-ALLOW: only 0 is supported; any number is accepted as 0. */
static void test_boot_context_allow(void **state)
{
    NEED_XML();
    fixture *f = *state;
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"BOOTSTRAP\">"
               "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/>"
               "<parm name=\"CONTEXT-ALLOW\" value=\"x\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"BOOTSTRAP\">"
               "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/>"
               "<parm-error name=\"CONTEXT-ALLOW\" value=\"x\" desc=\"BOOTSTRAP "
               "parm failed: CONTEXT-ALLOW is a number\"/></characteristic>"));
    tu_tps_is(f->ctx, NULL);
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"BOOTSTRAP\">"
              "<parm name=\"CONTEXT-ALLOW\" value=\"3\"/>"
              "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/></characteristic>"));
    tu_tps_is(f->ctx, TPS_URL);
}

/* A second bootstrap is refused (ProvBoot; bootstrap.h CP_E_EXISTS). */
static void test_boot_second_refused(void **state)
{
    NEED_XML();
    fixture *f = *state;
    snapshot before;
    APPLY(f->ctx, MGR, BOOT_DOC);
    snap_take(&f->ms, &before);
    /* a NAPDEF first: rolled back with the rest (the status is checked in
       test_boot_second_refused_status) */
    EXPECT_ANY_ERR(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N9\"/>"
               "<parm name=\"NAME\" value=\"nine\"/></characteristic>"
               "<characteristic type=\"BOOTSTRAP\">"
               "<parm name=\"PROVURL\" value=\"http://evil.example.com/\"/>"
               "</characteristic>"),
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N9\"/>"
               "<parm name=\"NAME\" value=\"nine\"/></characteristic>"
               "<characteristic-error type=\"BOOTSTRAP\" desc=\"BOOTSTRAP "
               "characteristic failed: a TPS is stored already: a second "
               "bootstrap is refused\">"
               "<parm name=\"PROVURL\" value=\"http://evil.example.com/\"/>"
               "</characteristic-error>"));
    snap_check(&f->ms, &before);
    tu_tps_is(f->ctx, TPS_URL);
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"), CP_OK,
           DOC("<nocharacteristic type=\"NAPDEF\"/>"));
    snap_free(&before);
}

/* The same, reported by status on its own (also the same PROVURL again). */
static void test_boot_second_refused_status(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *out = NULL;
    cp_status st;
    APPLY(f->ctx, MGR, BOOT_DOC);
    st = tu_proc(f->ctx, MGR, BOOT_DOC, &out);
    free(out);
    assert_int_equal(st, CP_E_EXISTS);
    st = tu_proc(f->ctx, TPS,
              DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"PROVURL\" "
                  "value=\"https://b.example/\"/></characteristic>"),
              &out);
    free(out);
    assert_int_equal(st, CP_E_EXISTS);
    assert_int_equal(cp_ctx_error_code(f->ctx), CP_E_EXISTS);
    tu_tps_is(f->ctx, TPS_URL);
    /* a BOOTSTRAP without PROVURL changes nothing and is not refused */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"BOOTSTRAP\">"
              "<parm name=\"NAME\" value=\"Other\"/></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"BOOTSTRAP\"><parm-query name=\"NAME\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" "
               "value=\"Op\"/></characteristic>"));
}

/* BOOTSTRAP: Manager, Operator, Operator-TPS (K2). */
static void test_boot_roles(void **state)
{
    NEED_XML();
    static const struct {
        uint32_t roles;
        int ok;
    } cases[] = {
        {MGR, 1}, {OP, 1}, {TPS, 1}, {OP | UA, 1}, {UA, 0}, {UNAUTH, 0},
        {CP_ROLE_KNOWN_PPG | O_ANY, 0}, {CP_ROLE_OEM, 0},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memstore ms;
        cp_ctx *ctx;
        ms_init(&ms);
        ctx = device(&ms, CP_PROFILE_BRANDED);
        if (cases[i].ok) {
            APPLY(ctx, cases[i].roles, BOOT_DOC);
            tu_tps_is(ctx, TPS_URL);
        } else {
            char want[512];
            snprintf(want, sizeof want,
                     DOC("<characteristic type=\"BOOTSTRAP\"><parm-error "
                         "name=\"NAME\" value=\"Op\" desc=\"access denied to "
                         "BOOTSTRAP/NAME: roles 0x%lx, needs one of 0x8c\"/>"
                         "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/>"
                         "<parm name=\"CONTEXT-ALLOW\" value=\"0\"/>"
                         "</characteristic>"),
                     (unsigned long)cases[i].roles);
            EXPECT(ctx, cases[i].roles, BOOT_DOC, CP_E_ACCESS_DENIED, want);
            tu_tps_is(ctx, NULL);
        }
        cp_ctx_free(ctx);
        ms_free(&ms);
    }
}

/* ================================================================================
 * PXLOGICAL / PXPHYSICAL and the push gateways (wm-model.md 5.4)
 * ================================================================================ */

#define PX_ITEM(id, name, extra, phys)                                  \
    "<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" value=\"" id \
    "\"/><parm name=\"NAME\" value=\"" name "\"/>" extra phys "</characteristic>"
#define PX_PHYS(addr, extra)                                                  \
    "<characteristic type=\"PXPHYSICAL\">"                                     \
    "<parm name=\"PHYSICAL-PROXY-ID\" value=\"P1\"/>"                          \
    "<parm name=\"PXADDR\" value=\"" addr "\"/>" extra                        \
    "<parm name=\"TO-NAPID\" value=\"INTERNET\"/></characteristic>"

#define GW_ADDR "+4479000001"

static void test_px_keyed_by_proxy_id(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(PX_ITEM("PX1", "first", "", PX_PHYS(GW_ADDR, ""))
                  PX_ITEM("PX2", "second", "", PX_PHYS("10.0.0.2", ""))));
    /* the second document names PX1 again: an update, not a new item */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"PXLOGICAL\">"
              "<parm name=\"PROXY-ID\" value=\"PX1\"/>"
              "<parm name=\"NAME\" value=\"renamed\"/></characteristic>"));
    /* replaced parms follow the ones kept, in the order they were sent */
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"PXLOGICAL\"/>"),
           CP_OK,
           DOC("<characteristic type=\"PXLOGICAL\">" PX_PHYS(GW_ADDR, "")
               "<parm name=\"PROXY-ID\" value=\"PX1\"/>"
               "<parm name=\"NAME\" value=\"renamed\"/></characteristic>"
               PX_ITEM("PX2", "second", "", PX_PHYS("10.0.0.2", ""))));
    /* and through Windows Mobile addressing */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PX2\">"
               "<parm-query name=\"NAME\"/></characteristic></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PX2\">"
               "<parm name=\"NAME\" value=\"second\"/></characteristic>"
               "</characteristic>"));
}

/*
 * A push through gateway addr, which the host reports as trusted
 * (CP_PPG_TRUSTED): the verdict's origin roles. Since issue 12 the host's
 * word alone gives only KNOWN_PPG (was CP_PPG_ANY with the address
 * raising it): TRUSTED_PPG needs the stored gateway list to agree, so
 * gateways the list does not hold as trusted and push-enabled are O_KNOWN
 * here (they were O_ANY).
 */
static uint32_t origin_via(cp_ctx *ctx, const char *addr, int push_flag,
                           const char *initiator)
{
    static const char body[] =
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"Z\"/>"
            "</characteristic>");
    cp_push push;
    cp_gateway gw;
    cp_verdict v;
    cp_push_init(&push);
    push.content = CP_CONTENT_XML;
    push.body = (const uint8_t *)body;
    push.body_len = sizeof body - 1;
    push.push_flag = push_flag;
    push.initiator_uri = initiator;
    cp_gateway_init(&gw);
    gw.ppg = CP_PPG_TRUSTED;
    gw.address = addr;
    assert_int_equal(cp_verify_bootstrap(ctx, &push, &gw, NULL, NULL, &v),
                     CP_OK);
    assert_int_equal(v.accepted, 1);
    return v.origin_roles;
}

/* Unsigned pushes from any source admitted, so only origin roles differ. */
#define OPEN_POLICIES                                                  \
    "<characteristic type=\"SecurityPolicy\">"                          \
    "<parm name=\"4110\" value=\"4096\"/><parm name=\"4111\" value=\"4096\"/>" \
    "</characteristic>"

static void test_px_gateways_end_to_end(void **state)
{
    NEED_XML();
    static const struct {
        const char *logical, *physical;
        uint32_t origin; /* push_flag 3: both Push-Flag bits */
    } cases[] = {
        /* TRUST + PUSHENABLED on the PXPHYSICAL */
        {"<parm name=\"TRUST\"/>", "<parm name=\"PUSHENABLED\" value=\"1\"/>",
         O_TRUSTED | CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED},
        /* TRUST=1 + PUSHENABLED on the PXLOGICAL */
        {"<parm name=\"TRUST\" value=\"1\"/><parm name=\"PUSHENABLED\" "
         "value=\"1\"/>",
         "", O_TRUSTED | CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED},
        /* no TRUST: a known gateway, Push-Flag not believed */
        {"", "<parm name=\"PUSHENABLED\" value=\"1\"/>", O_KNOWN},
        {"<parm name=\"TRUST\" value=\"0\"/>",
         "<parm name=\"PUSHENABLED\" value=\"1\"/>", O_KNOWN},
        /* no PUSHENABLED: not a push gateway (the host's word: KNOWN) */
        {"<parm name=\"TRUST\"/>", "", O_KNOWN},
        {"<parm name=\"TRUST\"/>", "<parm name=\"PUSHENABLED\" value=\"0\"/>",
         O_KNOWN},
        /* the PXPHYSICAL's own flag wins over the PXLOGICAL's */
        {"<parm name=\"TRUST\"/><parm name=\"PUSHENABLED\" value=\"1\"/>",
         "<parm name=\"PUSHENABLED\" value=\"0\"/>", O_KNOWN},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memstore ms;
        cp_ctx *ctx, *c2;
        char in[1024];
        ms_init(&ms);
        ctx = device(&ms, CP_PROFILE_BRANDED);
        APPLY(ctx, MGR, DOC(OPEN_POLICIES));
        assert_int_equal(origin_via(ctx, GW_ADDR, 3, NULL), O_KNOWN);
        snprintf(in, sizeof in,
                 DOC("<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" "
                     "value=\"PPG\"/>%s<characteristic type=\"PXPHYSICAL\">"
                     "<parm name=\"PXADDR\" value=\"" GW_ADDR "\"/>%s"
                     "</characteristic></characteristic>"),
                 cases[i].logical, cases[i].physical);
        APPLY(ctx, MGR, in);
        assert_int_equal(origin_via(ctx, GW_ADDR, 3, NULL), cases[i].origin);
        { /* the host sees the same list (cp_gateway_list) */
            cp_gateway_info g;
            int trusted = cases[i].origin != O_KNOWN;
            cp_gateway_info_init(&g);
            assert_int_equal(cp_gateway_list(ctx, 0, &g), CP_OK);
            assert_string_equal(g.address, GW_ADDR);
            assert_int_equal(g.trusted && g.push_enabled, trusted);
            assert_int_equal(cp_gateway_list(ctx, 1, &g), CP_E_NOT_FOUND);
            g.struct_size = 8;
            assert_int_equal(cp_gateway_list(ctx, 0, &g), CP_E_VERSION);
        }
        /* the address only: another gateway stays unknown */
        assert_int_equal(origin_via(ctx, "+4479000002", 3, NULL), O_KNOWN);
        assert_int_equal(origin_via(ctx, NULL, 3, NULL), O_KNOWN);
        /* persisted */
        c2 = device(&ms, CP_PROFILE_BRANDED);
        assert_int_equal(origin_via(c2, GW_ADDR, 3, NULL), cases[i].origin);
        cp_ctx_free(c2);
        /* deleting the proxy forgets the gateway */
        APPLY(ctx, MGR,
              DOC("<characteristic type=\"PXLOGICAL\">"
                  "<nocharacteristic type=\"PPG\"/></characteristic>"));
        assert_int_equal(origin_via(ctx, GW_ADDR, 3, NULL), O_KNOWN);
        cp_ctx_free(ctx);
        ms_free(&ms);
    }
}

/* The wm-model.md 5.3 recipe: bootstrap with TPS and trusted PPG; the TPS
   then pushes through that PPG and is recognized (OPERATOR_TPS). */
static void test_px_tps_through_trusted_ppg(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(OPEN_POLICIES
              "<characteristic type=\"BOOTSTRAP\">"
              "<parm name=\"PROVURL\" value=\"" TPS_URL "\"/></characteristic>"
              PX_ITEM("PPG", "operator ppg", "<parm name=\"TRUST\"/>",
                      PX_PHYS(GW_ADDR, "<parm name=\"PUSHENABLED\" value=\"1\"/>"))));
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 1, TPS_URL),
                     O_TRUSTED | CP_ROLE_PPG_AUTH | TPS);
    /* without the PPG's authentication the initiator is not believed */
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, TPS_URL), O_TRUSTED);
    assert_int_equal(origin_via(f->ctx, "+4479000002", 1, TPS_URL), O_KNOWN);
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 1, "http://other.example/"),
                     O_TRUSTED | CP_ROLE_PPG_AUTH);
}

#define PX_DENIED(what)                                                     \
    "desc=\"PXLOGICAL " what " failed: changing a trusted push gateway needs " \
    "one of the roles 0x80 (policy 4121)\""

/*
 * 4121 governs changing and deleting a trusted gateway too (H5), not only
 * the TRUST parm: USER_AUTH, who may write PXLOGICAL here, may neither
 * move the trusted proxy "PPG" to another address nor delete it.
 */
static void px_trusted_stays(fixture *f)
{
    static const char moved_phys[] =
        "<characteristic type=\"PXPHYSICAL\"><parm name=\"PXADDR\" "
        "value=\"+4479000666\"/><parm name=\"PUSHENABLED\" value=\"1\"/>"
        "</characteristic>";
    char in[1024], want[1024];
    snapshot before;
    snap_take(&f->ms, &before);
    /* by identity: the PXPHYSICAL is replaced, TRUST stays on the item */
    snprintf(in, sizeof in,
             DOC("<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" "
                 "value=\"PPG\"/>%s</characteristic>"),
             moved_phys);
    snprintf(want, sizeof want,
             DOC("<characteristic-error type=\"PXLOGICAL\" "
                 PX_DENIED("characteristic") "><parm name=\"PROXY-ID\" "
                 "value=\"PPG\"/>%s</characteristic-error>"),
             moved_phys);
    EXPECT(f->ctx, UA, in, CP_E_ACCESS_DENIED, want);
    /* by address */
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PPG\">"
               "<characteristic type=\"PXPHYSICAL\"><parm name=\"PXADDR\" "
               "value=\"+4479000666\"/></characteristic></characteristic>"
               "</characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic-error type=\"PXLOGICAL\" "
               PX_DENIED("characteristic") "><characteristic type=\"PPG\">"
               "<characteristic type=\"PXPHYSICAL\"><parm name=\"PXADDR\" "
               "value=\"+4479000666\"/></characteristic></characteristic>"
               "</characteristic-error>"));
    /* switching push off is a change too */
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PPG\">"
               "<characteristic type=\"PXPHYSICAL\"><parm name=\"PUSHENABLED\" "
               "value=\"0\"/></characteristic></characteristic>"
               "</characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic-error type=\"PXLOGICAL\" "
               PX_DENIED("characteristic") "><characteristic type=\"PPG\">"
               "<characteristic type=\"PXPHYSICAL\"><parm name=\"PUSHENABLED\" "
               "value=\"0\"/></characteristic></characteristic>"
               "</characteristic-error>"));
    /* deletes */
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"PXLOGICAL\">"
               "<nocharacteristic type=\"PPG\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic-error type=\"PXLOGICAL\" "
               PX_DENIED("characteristic") "><nocharacteristic type=\"PPG\"/>"
               "</characteristic-error>"));
    EXPECT(f->ctx, UA, DOC("<nocharacteristic type=\"PXLOGICAL\"/>"),
           CP_E_ACCESS_DENIED,
           DOC("<nocharacteristic-error type=\"PXLOGICAL\" "
               PX_DENIED("nocharacteristic") "/>"));
    snap_check(&f->ms, &before);
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_TRUSTED);
    assert_int_equal(origin_via(f->ctx, "+4479000666", 0, NULL), O_KNOWN);
    /* what leaves the trusted gateways alone stays allowed */
    APPLY(f->ctx, UA,
          DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PPG\">"
              "<parm name=\"NAME\" value=\"renamed\"/></characteristic>"
              "</characteristic>"
              PX_ITEM("PX3", "plain", "",
                      PX_PHYS("+4479000003",
                              "<parm name=\"PUSHENABLED\" value=\"1\"/>"))));
    assert_int_equal(origin_via(f->ctx, "+4479000003", 0, NULL), O_KNOWN);
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_TRUSTED);
    snap_free(&before);
}

/* TRUST may only be set by the roles of policy 4121 (H5); default MANAGER. */
static void test_px_trust_needs_4121(void **state)
{
    NEED_XML();
    fixture *f = *state;
    static const char trust_doc[] =
        DOC(PX_ITEM("PPG", "p", "<parm name=\"TRUST\"/>",
                    PX_PHYS(GW_ADDR, "<parm name=\"PUSHENABLED\" value=\"1\"/>")));
    /* let USER_AUTH write PXLOGICAL through the metabase */
    APPLY(f->ctx, MGR,
          DOC(OPEN_POLICIES
              "<characteristic type=\"Metabase\"><characteristic type=\"PXLOGICAL\">"
              "<parm name=\"access-role\" value=\"24\"/></characteristic>"
              "</characteristic>"));
    EXPECT(f->ctx, UA, trust_doc, CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"PXLOGICAL\">"
               "<parm name=\"PROXY-ID\" value=\"PPG\"/>"
               "<parm name=\"NAME\" value=\"p\"/>"
               "<parm-error name=\"TRUST\" desc=\"PXLOGICAL parm failed: TRUST "
               "needs one of the roles 0x8 (policy 4121)\"/>"
               PX_PHYS(GW_ADDR, "<parm name=\"PUSHENABLED\" value=\"1\"/>")
               "</characteristic>"));
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_KNOWN);
    /* the same proxy without TRUST: a known gateway */
    APPLY(f->ctx, UA,
          DOC(PX_ITEM("PPG", "p", "",
                      PX_PHYS(GW_ADDR, "<parm name=\"PUSHENABLED\" value=\"1\"/>"))));
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_KNOWN);
    /* 4121 = OPERATOR_TPS: now even a plain MANAGER may not ... */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"SecurityPolicy\">"
              "<parm name=\"4121\" value=\"128\"/></characteristic>"));
    EXPECT(f->ctx, MGR, trust_doc, CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"PXLOGICAL\">"
               "<parm name=\"PROXY-ID\" value=\"PPG\"/>"
               "<parm name=\"NAME\" value=\"p\"/>"
               "<parm-error name=\"TRUST\" desc=\"PXLOGICAL parm failed: TRUST "
               "needs one of the roles 0x80 (policy 4121)\"/>"
               PX_PHYS(GW_ADDR, "<parm name=\"PUSHENABLED\" value=\"1\"/>")
               "</characteristic>"));
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_KNOWN);
    /* ... but the TPS may */
    APPLY(f->ctx, TPS, trust_doc);
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_TRUSTED);
    px_trusted_stays(f);
}

static void test_px_rollback_keeps_gateways(void **state)
{
    NEED_XML();
    fixture *f = *state;
    snapshot before;
    APPLY(f->ctx, MGR,
          DOC(OPEN_POLICIES PX_ITEM(
              "PPG", "p", "<parm name=\"TRUST\"/>",
              PX_PHYS(GW_ADDR, "<parm name=\"PUSHENABLED\" value=\"1\"/>"))));
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_TRUSTED);
    snap_take(&f->ms, &before);
    /* drop TRUST, add a second gateway, then fail */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PPG\">"
               "<noparm name=\"TRUST\"/></characteristic></characteristic>"
               PX_ITEM("PX2", "q", "",
                       PX_PHYS("+4479000002",
                               "<parm name=\"PUSHENABLED\" value=\"1\"/>"))
               "<characteristic type=\"SecurityPolicy\">"
               "<parm name=\"4105\" value=\"0x3\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"PPG\">"
               "<noparm name=\"TRUST\"/></characteristic></characteristic>"
               PX_ITEM("PX2", "q", "",
                       PX_PHYS("+4479000002",
                               "<parm name=\"PUSHENABLED\" value=\"1\"/>"))
               "<characteristic type=\"SecurityPolicy\"><parm-error "
               "name=\"4105\" value=\"0x3\" desc=\"SecurityPolicy/4105 "
               "takes a decimal integer\"/>"
               "</characteristic>"));
    snap_check(&f->ms, &before);
    assert_int_equal(origin_via(f->ctx, GW_ADDR, 0, NULL), O_TRUSTED);
    assert_int_equal(origin_via(f->ctx, "+4479000002", 0, NULL), O_KNOWN);
    snap_free(&before);
}

/* ================================================================================
 * Metabase CSP (wm-model.md 3.5, 4.3, 4.4)
 * ================================================================================ */

#define MB_ENTRY(path, parms)                                                 \
    "<characteristic type=\"Metabase\"><characteristic type=\"" path "\">" parms \
    "</characteristic></characteristic>"
#define NAP(id, name)                                                           \
    "<characteristic type=\"NAPDEF\"><parm name=\"NAME\" value=\"" name "\"/>" \
    "<parm name=\"NAPID\" value=\"" id "\"/></characteristic>"

static void meta_is(cp_ctx *ctx, const char *path, int exact, uint32_t roles)
{
    cp_meta m;
    int ex = -1;
    assert_int_equal(cp_meta_get(ctx, path, &m, &ex), CP_OK);
    assert_int_equal(ex, exact);
    assert_int_equal(m.access_roles, roles);
}

static void test_mb_grants_user_auth(void **state)
{
    NEED_XML();
    fixture *f = *state;
    /* NAPDEF's default names AuthUser (aa455885); make NAPDEF MANAGER's
       with an explicit entry (0.1.0's default, M1) so that USER_AUTH starts
       without access */
    meta_is(f->ctx, "NAPDEF/NAME", 0, NAPDEF_DEFAULT);
    APPLY(f->ctx, MGR,
          DOC(MB_ENTRY("NAPDEF", "<parm name=\"access-role\" value=\"8\"/>")));
    meta_is(f->ctx, "NAPDEF", 1, MGR);
    /* before: NAPDEF is MANAGER's */
    EXPECT(f->ctx, UA, DOC(NAP("N1", "mine")), CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><parm-error name=\"NAME\" "
               "value=\"mine\" desc=\"access denied to NAPDEF/NAME: roles 0x10, "
               "needs one of 0x8\"/><parm name=\"NAPID\" value=\"N1\"/>"
               "</characteristic>"));
    APPLY(f->ctx, MGR,
          DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"16\"/>"
                                      "<parm name=\"rw-access\" value=\"3\"/>")
                  MB_ENTRY("NAPDEF/NAPID",
                           "<parm name=\"access-role\" value=\"24\"/>")));
    meta_is(f->ctx, "NAPDEF/NAME", 1, UA);
    meta_is(f->ctx, "NAPDEF/NAP-ADDRESS", 0, MGR);
    /* after: USER_AUTH may write NAME (and NAPID) ... */
    APPLY(f->ctx, UA, DOC(NAP("N1", "mine")));
    /* ... but nothing else of NAPDEF */
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
               "<parm name=\"NAP-ADDRESS\" value=\"apn\"/></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
               "<parm-error name=\"NAP-ADDRESS\" value=\"apn\" desc=\"access "
               "denied to NAPDEF/NAP-ADDRESS: roles 0x10, needs one of 0x8\"/>"
               "</characteristic>"));
    /* and MANAGER lost NAME (the AND rule, no MANAGER short-circuit) */
    EXPECT(f->ctx, MGR, DOC(NAP("N1", "x")), CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><parm-error name=\"NAME\" "
               "value=\"x\" desc=\"access denied to NAPDEF/NAME: roles 0x8, "
               "needs one of 0x10\"/><parm name=\"NAPID\" value=\"N1\"/>"
               "</characteristic>"));
    /* rw-access 1: read only, for everyone */
    APPLY(f->ctx, MGR,
          DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"24\"/>"
                                      "<parm name=\"rw-access\" value=\"1\"/>")));
    EXPECT(f->ctx, UA, DOC(NAP("N1", "y")), CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><parm-error name=\"NAME\" "
               "value=\"y\" desc=\"NAPDEF/NAME is not writable\"/>"
               "<parm name=\"NAPID\" value=\"N1\"/></characteristic>"));
    EXPECT(f->ctx, UA,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm-query name=\"NAME\"/></characteristic></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm-query-error name=\"NAME\" desc=\"access denied to "
               "NAPDEF/N1/NAME: roles 0x10, needs one of 0x8\"/>"
               "</characteristic></characteristic>"));
    /* persisted */
    {
        cp_ctx *c2 = device(&f->ms, CP_PROFILE_BRANDED);
        meta_is(c2, "NAPDEF/NAME", 1, UA | MGR);
        meta_is(c2, "NAPDEF/NAPID", 1, UA | MGR);
        EXPECT(c2, MGR,
               DOC("<characteristic type=\"Metabase\">"
                   "<characteristic-query type=\"NAPDEF/NAME\"/></characteristic>"),
               CP_OK,
               DOC("<characteristic type=\"Metabase\">"
                   "<characteristic type=\"NAPDEF/NAME\">"
                   "<parm name=\"access-role\" value=\"24\"/>"
                   "<parm name=\"rw-access\" value=\"1\"/></characteristic>"
                   "</characteristic>"));
        cp_ctx_free(c2);
    }
}

/* Each metabase parm takes effect at once (M2, wm-model.md 3.5). */
static void test_mb_governs_same_document(void **state)
{
    NEED_XML();
    fixture *f = *state;
    snapshot before;
    snap_take(&f->ms, &before);
    EXPECT(f->ctx, MGR,
           DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"16\"/>")
                   NAP("N1", "x")),
           CP_E_ACCESS_DENIED,
           DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"16\"/>")
               "<characteristic type=\"NAPDEF\"><parm-error name=\"NAME\" "
               "value=\"x\" desc=\"access denied to NAPDEF/NAME: roles 0x8, "
               "needs one of 0x10\"/><parm name=\"NAPID\" value=\"N1\"/>"
               "</characteristic>"));
    /* rolled back: no entry (NAPDEF's default in force), no NAPDEF */
    snap_check(&f->ms, &before);
    meta_is(f->ctx, "NAPDEF/NAME", 0, NAPDEF_DEFAULT);
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"), CP_OK,
           DOC("<nocharacteristic type=\"NAPDEF\"/>"));
    /* a limit set earlier in the document applies to a later value */
    EXPECT(f->ctx, MGR,
           DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"maxlength\" value=\"3\"/>")
                   NAP("N1", "four")),
           CP_E_BAD_DOC,
           DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"maxlength\" value=\"3\"/>")
               "<characteristic type=\"NAPDEF\"><parm-error name=\"NAME\" "
               "value=\"four\" desc=\"value of NAPDEF/NAME longer than 3 "
               "octets\"/><parm name=\"NAPID\" value=\"N1\"/></characteristic>"));
    snap_check(&f->ms, &before);
    /* a later metabase element does not undo the check of an earlier value */
    APPLY(f->ctx, MGR,
          DOC(NAP("N1", "four")
                  MB_ENTRY("NAPDEF/NAME", "<parm name=\"maxlength\" value=\"3\"/>")));
    snap_free(&before);
}

static void test_mb_needs_manager(void **state)
{
    NEED_XML();
    fixture *f = *state;
    static const uint32_t who[] = {UA, OP, UNAUTH, CP_ROLE_OEM,
                                   CP_ROLE_ENTERPRISE};
    size_t i;
    for (i = 0; i < sizeof who / sizeof who[0]; i++) {
        char want[512];
        snprintf(want, sizeof want,
                 DOC("<characteristic type=\"Metabase\"><characteristic "
                     "type=\"NAPDEF/NAME\"><parm-error name=\"access-role\" "
                     "value=\"16\" desc=\"access denied to "
                     "Metabase/NAPDEF/NAME/access-role: roles 0x%lx, needs one "
                     "of 0x8\"/></characteristic></characteristic>"),
                 (unsigned long)who[i]);
        EXPECT(f->ctx, who[i],
               DOC(MB_ENTRY("NAPDEF/NAME",
                            "<parm name=\"access-role\" value=\"16\"/>")),
               CP_E_ACCESS_DENIED, want);
    }
    /* nothing written: NAPDEF's default (aa455885) still in force */
    meta_is(f->ctx, "NAPDEF/NAME", 0, NAPDEF_DEFAULT);
    /* a granted MANAGER (OPERATOR_TPS by 4119) may */
    APPLY(f->ctx, TPS,
          DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"16\"/>")));
    meta_is(f->ctx, "NAPDEF/NAME", 1, UA);
}

static void test_mb_top_level_refused(void **state)
{
    NEED_XML();
    fixture *f = *state;
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"Metabase\"/>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic-query-error type=\"Metabase\" desc=\"Metabase "
               "characteristic-query failed: a top-level Metabase query is "
               "refused\"/>"));
    EXPECT(f->ctx, MGR, DOC("<nocharacteristic type=\"Metabase\"/>"),
           CP_E_ACCESS_DENIED,
           DOC("<nocharacteristic-error type=\"Metabase\" desc=\"Metabase "
               "query of the old tree failed: a top-level Metabase query is "
               "refused\"/>"));
}

/* datatype / minvalue / maxvalue / maxlength are enforced on later values. */
static void test_mb_value_rules(void **state)
{
    NEED_XML();
    static const struct {
        const char *entry; /* metabase parms for NAPDEF/LINGER */
        const char *value;
        cp_status st;
        const char *desc;
    } cases[] = {
        {"<parm name=\"datatype\" value=\"integer\"/>", "120", CP_OK, NULL},
        {"<parm name=\"datatype\" value=\"integer\"/>", "-7", CP_OK, NULL},
        {"<parm name=\"datatype\" value=\"integer\"/>", "12a", CP_E_BAD_DOC,
         "NAPDEF/LINGER takes a decimal integer"},
        {"<parm name=\"datatype\" value=\"integer\"/>", "", CP_E_BAD_DOC,
         "NAPDEF/LINGER takes a decimal integer"},
        {"<parm name=\"datatype\" value=\"integer\"/>"
         "<parm name=\"minvalue\" value=\"1\"/><parm name=\"maxvalue\" "
         "value=\"10\"/>",
         "10", CP_OK, NULL},
        {"<parm name=\"datatype\" value=\"integer\"/>"
         "<parm name=\"minvalue\" value=\"1\"/><parm name=\"maxvalue\" "
         "value=\"10\"/>",
         "1", CP_OK, NULL},
        {"<parm name=\"datatype\" value=\"integer\"/>"
         "<parm name=\"minvalue\" value=\"1\"/><parm name=\"maxvalue\" "
         "value=\"10\"/>",
         "11", CP_E_BAD_DOC, "value of NAPDEF/LINGER out of range"},
        {"<parm name=\"datatype\" value=\"integer\"/>"
         "<parm name=\"minvalue\" value=\"1\"/><parm name=\"maxvalue\" "
         "value=\"10\"/>",
         "0", CP_E_BAD_DOC, "value of NAPDEF/LINGER out of range"},
        {"<parm name=\"datatype\" value=\"integer\"/>"
         "<parm name=\"minvalue\" value=\"-5\"/>",
         "-6", CP_E_BAD_DOC, "value of NAPDEF/LINGER out of range"},
        {"<parm name=\"maxlength\" value=\"4\"/>", "abcd", CP_OK, NULL},
        {"<parm name=\"maxlength\" value=\"4\"/>", "abcde", CP_E_BAD_DOC,
         "value of NAPDEF/LINGER longer than 4 octets"},
        {"<parm name=\"datatype\" value=\"boolean\"/>", "1", CP_OK, NULL},
        {"<parm name=\"datatype\" value=\"boolean\"/>", "false", CP_OK, NULL},
        {"<parm name=\"datatype\" value=\"boolean\"/>", "yes", CP_E_BAD_DOC,
         "NAPDEF/LINGER takes a boolean"},
        {"<parm name=\"datatype\" value=\"string\"/>", "anything", CP_OK, NULL},
    };
    size_t i;
    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memstore ms;
        cp_ctx *ctx;
        char mb[512], in[512], want[768];
        ms_init(&ms);
        ctx = device(&ms, CP_PROFILE_BRANDED);
        snprintf(mb, sizeof mb,
                 DOC("<characteristic type=\"Metabase\"><characteristic "
                     "type=\"NAPDEF/LINGER\">%s</characteristic>"
                     "</characteristic>"),
                 cases[i].entry);
        APPLY(ctx, MGR, mb);
        snprintf(in, sizeof in,
                 DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
                     "value=\"N1\"/><parm name=\"LINGER\" value=\"%s\"/>"
                     "</characteristic>"),
                 cases[i].value);
        if (cases[i].st == CP_OK) {
            APPLY(ctx, MGR, in);
        } else {
            snprintf(want, sizeof want,
                     DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
                         "value=\"N1\"/><parm-error name=\"LINGER\" value=\"%s\" "
                         "desc=\"%s\"/></characteristic>"),
                     cases[i].value, cases[i].desc);
            EXPECT(ctx, MGR, in, cases[i].st, want);
        }
        cp_ctx_free(ctx);
        ms_free(&ms);
    }
}

static void test_mb_bad_entries(void **state)
{
    NEED_XML();
    static const char *const bad[] = {
        "<parm name=\"access-role\" value=\"0x10\"/>",
        "<parm name=\"access-role\" value=\"8192\"/>",
        "<parm name=\"rw-access\" value=\"4\"/>",
        "<parm name=\"datatype\" value=\"pointer\"/>",
        "<parm name=\"maxlength\" value=\"-1\"/>",
        "<parm name=\"minvalue\" value=\"1.5\"/>",
        "<parm name=\"colour\" value=\"red\"/>",
    };
    fixture *f = *state;
    snapshot before;
    size_t i;
    snap_take(&f->ms, &before);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char in[512], *out = NULL;
        snprintf(in, sizeof in,
                 DOC("<characteristic type=\"Metabase\"><characteristic "
                     "type=\"NAPDEF/NAME\">%s</characteristic></characteristic>"),
                 bad[i]);
        assert_int_equal(tu_proc(f->ctx, MGR, in, &out), CP_E_BAD_DOC);
        assert_non_null(strstr(out, "<parm-error name=\""));
        assert_non_null(strstr(out, "desc=\"Metabase parm failed: bad metabase "
                                    "parm "));
        free(out);
        snap_check(&f->ms, &before);
    }
    /* min above max */
    EXPECT(f->ctx, MGR,
           DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"minvalue\" value=\"5\"/>"
                                       "<parm name=\"maxvalue\" value=\"4\"/>")),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"Metabase\"><characteristic-error "
               "type=\"NAPDEF/NAME\" desc=\"Metabase characteristic failed: "
               "invalid metabase entry for NAPDEF/NAME\">"
               "<parm name=\"minvalue\" value=\"5\"/>"
               "<parm name=\"maxvalue\" value=\"4\"/></characteristic-error>"
               "</characteristic>"));
    /* a failed entry leaves the CSP ready for the next document */
    APPLY(f->ctx, MGR,
          DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"24\"/>")));
    meta_is(f->ctx, "NAPDEF/NAME", 1, UA | MGR);
    snap_free(&before);
}

static void test_mb_queries(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(MB_ENTRY("NAPDEF/NAME", "<parm name=\"access-role\" value=\"16\"/>"
                                      "<parm name=\"maxlength\" value=\"30\"/>")));
    /* queries answer the entry in force; reading creates no entry */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"Metabase\">"
               "<characteristic type=\"NAPDEF/NAME\">"
               "<parm-query name=\"access-role\"/><parm-query name=\"maxlength\"/>"
               "<parm-query name=\"minvalue\"/></characteristic>"
               "<characteristic type=\"NAPDEF/BEARER\">"
               "<parm-query name=\"access-role\"/></characteristic>"
               "<characteristic-query type=\"NAPDEF/NAME\"/>"
               "<characteristic-query type=\"NAPDEF/BEARER\"/></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"Metabase\">"
               "<characteristic type=\"NAPDEF/NAME\">"
               "<parm name=\"access-role\" value=\"16\"/>"
               "<parm name=\"maxlength\" value=\"30\"/>"
               "<noparm name=\"minvalue\"/></characteristic>"
               /* NAPDEF's default roles (aa455885): 0x9C */
               "<characteristic type=\"NAPDEF/BEARER\">"
               "<parm name=\"access-role\" value=\"156\"/></characteristic>"
               "<characteristic type=\"NAPDEF/NAME\">"
               "<parm name=\"access-role\" value=\"16\"/>"
               "<parm name=\"rw-access\" value=\"3\"/>"
               "<parm name=\"maxlength\" value=\"30\"/></characteristic>"
               "<nocharacteristic type=\"NAPDEF/BEARER\"/></characteristic>"));
    meta_is(f->ctx, "NAPDEF/BEARER", 0, NAPDEF_DEFAULT);
    /* every field an entry holds is answered */
    EXPECT(f->ctx, MGR,
           DOC(MB_ENTRY("NAPDEF/LINGER",
                        "<parm name=\"datatype\" value=\"integer\"/>"
                        "<parm name=\"minvalue\" value=\"-3\"/>"
                        "<parm name=\"maxvalue\" value=\"600\"/>")
                   "<characteristic type=\"Metabase\">"
                   "<characteristic type=\"NAPDEF/LINGER\">"
                   "<parm-query name=\"datatype\"/><parm-query name=\"maxvalue\"/>"
                   "</characteristic>"
                   "<characteristic-query type=\"NAPDEF/LINGER\"/>"
                   "</characteristic>"),
           CP_OK,
           DOC(MB_ENTRY("NAPDEF/LINGER",
                        "<parm name=\"datatype\" value=\"integer\"/>"
                        "<parm name=\"minvalue\" value=\"-3\"/>"
                        "<parm name=\"maxvalue\" value=\"600\"/>")
                   "<characteristic type=\"Metabase\">"
                   "<characteristic type=\"NAPDEF/LINGER\">"
                   "<parm name=\"datatype\" value=\"integer\"/>"
                   "<parm name=\"maxvalue\" value=\"600\"/></characteristic>"
                   /* access-role: NAPDEF's default (aa455885) */
                   "<characteristic type=\"NAPDEF/LINGER\">"
                   "<parm name=\"access-role\" value=\"156\"/>"
                   "<parm name=\"rw-access\" value=\"3\"/>"
                   "<parm name=\"datatype\" value=\"integer\"/>"
                   "<parm name=\"minvalue\" value=\"-3\"/>"
                   "<parm name=\"maxvalue\" value=\"600\"/></characteristic>"
                   "</characteristic>"));
}

/* An entry on NAPDEF/NAME also governs NAPDEF/<NAPID>/NAME (addressing). */
static void test_mb_addressing_no_bypass(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(NAP("N1", "one")
                  MB_ENTRY("NAPDEF/NAME", "<parm name=\"rw-access\" value=\"1\"/>")
                      MB_ENTRY("NAPDEF/NAPAUTHINFO",
                               "<parm name=\"access-role\" value=\"16\"/>")));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm name=\"NAME\" value=\"two\"/></characteristic>"
               "</characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm-error name=\"NAME\" value=\"two\" desc=\"NAPDEF/NAME "
               "is not writable\"/></characteristic>"
               "</characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<noparm name=\"NAME\"/></characteristic></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<noparm-error name=\"NAME\" desc=\"NAPDEF/NAME is not "
               "writable\"/></characteristic>"
               "</characteristic>"));
    /* reading stays allowed */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm-query name=\"NAME\"/></characteristic></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm name=\"NAME\" value=\"one\"/></characteristic>"
               "</characteristic>"));
    /* a child characteristic of the item: NAPDEF/NAPAUTHINFO is USER_AUTH's */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<characteristic type=\"NAPAUTHINFO\">"
               "<parm name=\"AUTHTYPE\" value=\"PAP\"/></characteristic>"
               "</characteristic></characteristic>"),
           CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<characteristic type=\"NAPAUTHINFO\">"
               "<parm-error name=\"AUTHTYPE\" value=\"PAP\" desc=\"access "
               "denied to NAPDEF/NAPAUTHINFO/AUTHTYPE: roles 0x8, "
               "needs one of 0x10\"/></characteristic>"
               "</characteristic></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic-query type=\"N1\"/>"
               "</characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm name=\"NAME\" value=\"one\"/>"
               "<parm name=\"NAPID\" value=\"N1\"/></characteristic>"
               "</characteristic>"));
}

/* Deleting entries brings back what is above them, down to the default.
   USER_UNAUTH stands in for a role the default denies: NAPDEF's default
   (aa455885) names AuthUser, which 0.1.0's MANAGER-only default denied. */
static void test_mb_nocharacteristic_entry(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(MB_ENTRY("NAPDEF", "<parm name=\"access-role\" value=\"72\"/>")
                  MB_ENTRY("NAPDEF/NAME",
                           "<parm name=\"access-role\" value=\"64\"/>")));
    APPLY(f->ctx, UNAUTH, DOC(NAP("N1", "u")));
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"Metabase\">"
              "<nocharacteristic type=\"NAPDEF/NAME\"/></characteristic>"));
    meta_is(f->ctx, "NAPDEF/NAME", 0, UNAUTH | MGR); /* NAPDEF's entry now */
    APPLY(f->ctx, MGR, DOC(NAP("N1", "m")));
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"Metabase\">"
              "<nocharacteristic type=\"NAPDEF\"/></characteristic>"));
    meta_is(f->ctx, "NAPDEF/NAME", 0, NAPDEF_DEFAULT);
    EXPECT(f->ctx, UNAUTH, DOC(NAP("N1", "u")), CP_E_ACCESS_DENIED,
           DOC("<characteristic type=\"NAPDEF\"><parm-error name=\"NAME\" "
               "value=\"u\" desc=\"access denied to NAPDEF/NAME: roles 0x40, "
               "needs one of 0x9c\"/><parm name=\"NAPID\" value=\"N1\"/>"
               "</characteristic>"));
    /* deleting what is not there */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"Metabase\">"
               "<nocharacteristic type=\"NAPDEF/NAME\"/></characteristic>"),
           CP_E_NOT_FOUND,
           DOC("<characteristic type=\"Metabase\"><nocharacteristic-error "
               "type=\"NAPDEF/NAME\" desc=\"Metabase/NAPDEF/NAME does not "
               "exist\"/></characteristic>"));
    /* persisted */
    {
        cp_ctx *c2 = device(&f->ms, CP_PROFILE_BRANDED);
        meta_is(c2, "NAPDEF/NAME", 0, NAPDEF_DEFAULT);
        meta_is(c2, "NAPDEF", 0, NAPDEF_DEFAULT);
        cp_ctx_free(c2);
    }
}

/* ================================================================================
 * The generic settings CSP
 * ================================================================================ */

/* The type="..." of the characteristic element at s. */
static void type_of(const char *s, char *out, size_t cap)
{
    const char *t = strstr(s, "type=\"");
    size_t n;
    assert_non_null(t);
    t += 6;
    n = strcspn(t, "\"");
    assert_true(n < cap);
    memcpy(out, t, n);
    out[n] = '\0';
}

/*
 * The top-level characteristics of type in the document text xml, in
 * order, as the answer to <characteristic-query type="type"/> is expected
 * to give them back: empty ones are not stored.
 */
static void items_of(const char *xml, const char *type, tu_sbuf *out)
{
    static const char open_tag[] = "<characteristic ";
    static const char close_tag[] = "</characteristic>";
    const char *p = xml, *start = NULL;
    int depth = 0, want = 0;
    char t[64];
    while ((p = strchr(p, '<')) != NULL) {
        if (strncmp(p, open_tag, sizeof open_tag - 1) == 0) {
            const char *gt = strchr(p, '>');
            assert_non_null(gt);
            if (gt[-1] == '/') { /* <characteristic .../> */
                p = gt + 1;
                continue;
            }
            if (depth++ == 0) {
                type_of(p, t, sizeof t);
                want = strcmp(t, type) == 0;
                start = p;
            }
            p = gt + 1;
        } else if (strncmp(p, close_tag, sizeof close_tag - 1) == 0) {
            p += sizeof close_tag - 1;
            assert_true(depth > 0);
            if (--depth == 0 && want) {
                size_t n = (size_t)(p - start);
                const char *body = strchr(start, '>') + 1;
                if (body != p - (sizeof close_tag - 1)) /* not empty */
                    tu_sb_putn(out, start, n);
            }
        } else {
            p++;
        }
    }
    assert_int_equal(depth, 0);
}

static void expect_query_matches(cp_ctx *ctx, const char *xml,
                                 const char *type, int line)
{
    tu_sbuf want = {NULL, 0, 0};
    tu_sbuf items = {NULL, 0, 0};
    char in[128];
    items_of(xml, type, &items);
    snprintf(in, sizeof in, DOC("<characteristic-query type=\"%s\"/>"), type);
    tu_sb_put(&want, "<wap-provisioningdoc>");
    if (items.len) {
        tu_sb_put(&want, items.p);
    } else {
        tu_sb_put(&want, "<nocharacteristic type=\"");
        tu_sb_put(&want, type);
        tu_sb_put(&want, "\"/>");
    }
    tu_sb_put(&want, "</wap-provisioningdoc>");
    /* the UI (exempt) reads secrets too: the whole item comes back */
    expect_doc(ctx, CP_ROLE_EXEMPT | CP_ROLE_USER_AUTH, in, CP_OK, want.p, line);
    free(want.p);
    free(items.p);
}

#define QUERY_MATCHES(ctx, xml, type) \
    expect_query_matches(ctx, xml, type, __LINE__)

static const char *const all_types[] = {"NAPDEF",       "APPLICATION",
                                        "CLIENTIDENTITY", "VENDORCONFIG",
                                        "ACCESS",       "PXLOGICAL"};

static void check_vector(const char *file)
{
    memstore ms;
    cp_ctx *ctx, *c2;
    char *xml = tu_vector_field(file, "xml");
    size_t i;
    assert_non_null(xml);
    ms_init(&ms);
    ctx = device(&ms, CP_PROFILE_BRANDED);
    APPLY(ctx, MGR, xml);
    for (i = 0; i < sizeof all_types / sizeof all_types[0]; i++)
        QUERY_MATCHES(ctx, xml, all_types[i]);
    /* no PROVURL in these: no TPS, nothing to answer */
    EXPECT(ctx, MGR, DOC("<characteristic-query type=\"BOOTSTRAP\"/>"), CP_OK,
           DOC("<nocharacteristic type=\"BOOTSTRAP\"/>"));
    /* the same document again: identities match, nothing is duplicated */
    APPLY(ctx, MGR, xml);
    for (i = 0; i < sizeof all_types / sizeof all_types[0]; i++)
        QUERY_MATCHES(ctx, xml, all_types[i]);
    /* another context on the same store sees the same */
    c2 = device(&ms, CP_PROFILE_BRANDED);
    for (i = 0; i < sizeof all_types / sizeof all_types[0]; i++)
        QUERY_MATCHES(c2, xml, all_types[i]);
    cp_ctx_free(c2);
    cp_ctx_free(ctx);
    ms_free(&ms);
    free(xml);
}

static void test_set_vectors(void **state)
{
    NEED_XML();
    (void)state;
    check_vector("doc_provcont_appc_example.json");
    check_vector("doc_cht_operator_codepage.json");
    check_vector("doc_nowsms_strtbl.json");
}

/* items_of itself: nested children of the same type, self-closing and
   empty items. */
static void test_set_items_helper(void **state)
{
    tu_sbuf b = {NULL, 0, 0};
    (void)state;
    items_of(DOC("<characteristic type=\"A\"><parm name=\"x\"/>"
                 "<characteristic type=\"A\"><parm name=\"y\"/></characteristic>"
                 "</characteristic><characteristic type=\"B\"/>"
                 "<characteristic type=\"A\"></characteristic>"
                 "<characteristic type=\"A\"><parm name=\"z\"/></characteristic>"),
             "A", &b);
    assert_string_equal(b.p, "<characteristic type=\"A\"><parm name=\"x\"/>"
                             "<characteristic type=\"A\"><parm name=\"y\"/>"
                             "</characteristic></characteristic>"
                             "<characteristic type=\"A\"><parm name=\"z\"/>"
                             "</characteristic>");
    free(b.p);
}

#define N1_FULL                                                                \
    "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"      \
    "<parm name=\"NAME\" value=\"one\"/><parm name=\"BEARER\" value=\"GSM-GPRS\"/>" \
    "<parm name=\"NAP-ADDRESS\" value=\"apn1\"/>"                              \
    "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHTYPE\" value=\"PAP\"/>" \
    "<parm name=\"AUTHNAME\" value=\"u\"/></characteristic>"                   \
    "<characteristic type=\"VALIDITY\"><parm name=\"COUNTRY\" value=\"228\"/>" \
    "</characteristic></characteristic>"

static void test_set_identity_update(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(N1_FULL "<characteristic type=\"NAPDEF\">"
                      "<parm name=\"NAPID\" value=\"N2\"/>"
                      "<parm name=\"NAME\" value=\"two\"/></characteristic>"));
    /* NAME replaced, NAPAUTHINFO replaced as a whole, the rest kept */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
              "<parm name=\"NAME\" value=\"uno\"/>"
              "<characteristic type=\"NAPAUTHINFO\">"
              "<parm name=\"AUTHTYPE\" value=\"CHAP\"/></characteristic>"
              "</characteristic>"));
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"), CP_OK,
           DOC("<characteristic type=\"NAPDEF\">"
               "<parm name=\"BEARER\" value=\"GSM-GPRS\"/>"
               "<parm name=\"NAP-ADDRESS\" value=\"apn1\"/>"
               "<characteristic type=\"VALIDITY\"><parm name=\"COUNTRY\" "
               "value=\"228\"/></characteristic>"
               "<parm name=\"NAPID\" value=\"N1\"/>"
               "<parm name=\"NAME\" value=\"uno\"/>"
               "<characteristic type=\"NAPAUTHINFO\">"
               "<parm name=\"AUTHTYPE\" value=\"CHAP\"/></characteristic>"
               "</characteristic>"
               "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N2\"/>"
               "<parm name=\"NAME\" value=\"two\"/></characteristic>"));
    /* noparm / nocharacteristic inside an identified item */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
              "<noparm name=\"BEARER\"/><nocharacteristic type=\"VALIDITY\"/>"
              "</characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<parm-query name=\"BEARER\"/><parm-query name=\"NAME\"/>"
               "</characteristic></characteristic>"
               "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
               "<characteristic-query type=\"VALIDITY\"/>"
               "<characteristic-query type=\"NAPAUTHINFO\"/></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
               "<noparm name=\"BEARER\"/><parm name=\"NAME\" value=\"uno\"/>"
               "</characteristic></characteristic>"
               "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
               "<nocharacteristic type=\"VALIDITY\"/>"
               "<characteristic type=\"NAPAUTHINFO\">"
               "<parm name=\"AUTHTYPE\" value=\"CHAP\"/></characteristic>"
               "</characteristic>"));
}

/* APPLICATION: APPID and PROVIDER-ID together; VENDORCONFIG: NAME;
   CLIENTIDENTITY: one item. */
static void test_set_other_identities(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
              "<parm name=\"PROVIDER-ID\" value=\"A\"/><parm name=\"NAME\" value=\"a\"/>"
              "</characteristic>"
              "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
              "<parm name=\"PROVIDER-ID\" value=\"B\"/><parm name=\"NAME\" value=\"b\"/>"
              "</characteristic>"
              "<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" value=\"V\"/>"
              "<parm name=\"X\" value=\"1\"/></characteristic>"
              "<characteristic type=\"CLIENTIDENTITY\">"
              "<parm name=\"CLIENT-ID\" value=\"c1\"/></characteristic>"));
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
              "<parm name=\"PROVIDER-ID\" value=\"B\"/><parm name=\"NAME\" value=\"b2\"/>"
              "</characteristic>"
              "<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" value=\"V\"/>"
              "<parm name=\"X\" value=\"2\"/></characteristic>"
              "<characteristic type=\"CLIENTIDENTITY\">"
              "<parm name=\"CLIENT-ID\" value=\"c2\"/></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic-query type=\"APPLICATION\"/>"
               "<characteristic-query type=\"VENDORCONFIG\"/>"
               "<characteristic-query type=\"CLIENTIDENTITY\"/>"),
           CP_OK,
           DOC("<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
               "<parm name=\"PROVIDER-ID\" value=\"A\"/><parm name=\"NAME\" value=\"a\"/>"
               "</characteristic>"
               "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
               "<parm name=\"PROVIDER-ID\" value=\"B\"/><parm name=\"NAME\" value=\"b2\"/>"
               "</characteristic>"
               "<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" value=\"V\"/>"
               "<parm name=\"X\" value=\"2\"/></characteristic>"
               "<characteristic type=\"CLIENTIDENTITY\">"
               "<parm name=\"CLIENT-ID\" value=\"c2\"/></characteristic>"));
}

static void test_set_napdef_needs_napid(void **state)
{
    NEED_XML();
    fixture *f = *state;
    snapshot before;
    snap_take(&f->ms, &before);
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAME\" value=\"x\"/>"
               "<parm name=\"NAP-ADDRESS\" value=\"apn\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic-error type=\"NAPDEF\" desc=\"NAPDEF "
               "characteristic failed: NAPDEF without NAPID\">"
               "<parm name=\"NAME\" value=\"x\"/>"
               "<parm name=\"NAP-ADDRESS\" value=\"apn\"/></characteristic-error>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"PXLOGICAL\"><parm name=\"NAME\" value=\"x\"/>"
               "</characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic-error type=\"PXLOGICAL\" desc=\"PXLOGICAL "
               "characteristic failed: PXLOGICAL without PROXY-ID\">"
               "<parm name=\"NAME\" value=\"x\"/></characteristic-error>"));
    snap_check(&f->ms, &before);
    snap_free(&before);
}

/* APPIDs outside the known list (protocol.md b.8) are reported. */
static void test_set_unknown_appid(void **state)
{
    NEED_XML();
    fixture *f = *state;
    snapshot before;
    APPLY(f->ctx, MGR, DOC(N1_FULL));
    snap_take(&f->ms, &before);
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N2\"/>"
               "</characteristic>"
               "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" "
               "value=\"w9\"/><parm name=\"NAME\" value=\"x\"/></characteristic>"),
           CP_E_BAD_DOC,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N2\"/>"
               "</characteristic>"
               "<characteristic-error type=\"APPLICATION\" desc=\"APPLICATION "
               "characteristic failed: unknown APPLICATION APPID w9\">"
               "<parm name=\"APPID\" value=\"w9\"/><parm name=\"NAME\" value=\"x\"/>"
               "</characteristic-error>"));
    snap_check(&f->ms, &before);
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"), CP_OK,
           DOC(N1_FULL));
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"APPLICATION\"/>"),
           CP_OK, DOC("<nocharacteristic type=\"APPLICATION\"/>"));
    /* every APPID the library knows is taken */
    {
        static const char *const ids[] = {"w2", "w4", "w5", "w7", "wA", "DL",
                                          "ap0004", "ap0005", "25", "110",
                                          "143"};
        size_t i;
        for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
            char in[256];
            snprintf(in, sizeof in,
                     DOC("<characteristic type=\"APPLICATION\"><parm "
                         "name=\"APPID\" value=\"%s\"/></characteristic>"),
                     ids[i]);
            APPLY(f->ctx, MGR, in);
        }
    }
    snap_free(&before);
}

/* Windows Mobile addressing (wm-model.md 4.5, X8): NAPID as a type. */
static void test_set_wm_addressing(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
              "value=\"INTERNET\"/><parm name=\"NAME\" value=\"Web\"/>"
              "<parm name=\"BEARER\" value=\"GSM-GPRS\"/></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"INTERNET\">"
               "<parm-query name=\"NAME\"/><parm-query name=\"LINGER\"/>"
               "</characteristic></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"INTERNET\">"
               "<parm name=\"NAME\" value=\"Web\"/><noparm name=\"LINGER\"/>"
               "</characteristic></characteristic>"));
    /* set and delete through the address */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"INTERNET\">"
              "<parm name=\"NAME\" value=\"Web2\"/><noparm name=\"BEARER\"/>"
              "</characteristic></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\">"
               "<characteristic-query type=\"INTERNET\"/></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"INTERNET\">"
               "<parm name=\"NAPID\" value=\"INTERNET\"/>"
               "<parm name=\"NAME\" value=\"Web2\"/></characteristic>"
               "</characteristic>"));
    /* an address that names nothing */
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\">"
               "<characteristic-query type=\"NOSUCH\"/></characteristic>"),
           CP_OK,
           DOC("<characteristic type=\"NAPDEF\">"
               "<nocharacteristic type=\"NOSUCH\"/></characteristic>"));
}

static void test_set_delete(void **state)
{
    NEED_XML();
    fixture *f = *state;
    APPLY(f->ctx, MGR,
          DOC(N1_FULL "<characteristic type=\"NAPDEF\">"
                      "<parm name=\"NAPID\" value=\"N2\"/></characteristic>"
                      "<characteristic type=\"ACCESS\">"
                      "<parm name=\"RULE\" value=\"r\"/></characteristic>"));
    /* one item */
    APPLY(f->ctx, MGR,
          DOC("<characteristic type=\"NAPDEF\">"
              "<nocharacteristic type=\"N1\"/></characteristic>"));
    EXPECT(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"), CP_OK,
           DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
               "value=\"N2\"/></characteristic>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic type=\"NAPDEF\">"
               "<nocharacteristic type=\"N1\"/></characteristic>"),
           CP_E_NOT_FOUND,
           DOC("<characteristic type=\"NAPDEF\"><nocharacteristic-error "
               "type=\"N1\" desc=\"NAPDEF/N1 does not exist\"/>"
               "</characteristic>"));
    /* every item of a type; other types untouched */
    APPLY(f->ctx, MGR,
          DOC(N1_FULL "<nocharacteristic type=\"NAPDEF\"/>"));
    EXPECT(f->ctx, MGR,
           DOC("<characteristic-query type=\"NAPDEF\"/>"
               "<characteristic-query type=\"ACCESS\"/>"),
           CP_OK,
           DOC("<nocharacteristic type=\"NAPDEF\"/>"
               "<characteristic type=\"ACCESS\"><parm name=\"RULE\" value=\"r\"/>"
               "</characteristic>"));
    /* persisted */
    {
        cp_ctx *c2 = device(&f->ms, CP_PROFILE_BRANDED);
        EXPECT(c2, MGR,
               DOC("<characteristic-query type=\"NAPDEF\"/>"
                   "<characteristic-query type=\"ACCESS\"/>"),
               CP_OK,
               DOC("<nocharacteristic type=\"NAPDEF\"/>"
                   "<characteristic type=\"ACCESS\"><parm name=\"RULE\" "
                   "value=\"r\"/></characteristic>"));
        cp_ctx_free(c2);
    }
}

/* Deleting a type that holds nothing: reported on the element. */
static void test_set_delete_empty_type(void **state)
{
    NEED_XML();
    fixture *f = *state;
    EXPECT(f->ctx, MGR, DOC("<nocharacteristic type=\"NAPDEF\"/>"),
           CP_E_NOT_FOUND,
           DOC("<nocharacteristic-error type=\"NAPDEF\" "
               "desc=\"NAPDEF does not exist\"/>"));
}

/* A failed document leaves every stored blob as it was, byte for byte,
   and the same context and a new one answer as before. */
static void test_set_rollback_unchanged(void **state)
{
    NEED_XML();
    fixture *f = *state;
    char *xml = tu_vector_field("doc_cht_operator_codepage.json", "xml");
    snapshot before;
    char *out = NULL;
    size_t i;
    assert_non_null(xml);
    APPLY(f->ctx, MGR, xml);
    snap_take(&f->ms, &before);
    assert_int_equal(
        tu_proc(f->ctx, MGR,
             DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"CHT_MMS\">"
                 "<parm name=\"NAME\" value=\"changed\"/></characteristic>"
                 "</characteristic>"
                 "<nocharacteristic type=\"APPLICATION\"/>"
                 "<characteristic type=\"PXLOGICAL\"><nocharacteristic "
                 "type=\"WPROXY\"/></characteristic>"
                 "<characteristic type=\"ACCESS\"><parm name=\"RULE\" value=\"n\"/>"
                 "</characteristic>"
                 "<characteristic type=\"Metabase\"><characteristic "
                 "type=\"NAPDEF\"><parm name=\"access-role\" value=\"24\"/>"
                 "</characteristic></characteristic>"
                 "<characteristic type=\"SecurityPolicy\">"
                 "<parm name=\"4119\" value=\"0\"/>"
                 "<parm name=\"4105\" value=\"-1\"/></characteristic>"),
             &out),
        CP_E_BAD_DOC);
    free(out);
    snap_check(&f->ms, &before);
    for (i = 0; i < sizeof all_types / sizeof all_types[0]; i++)
        QUERY_MATCHES(f->ctx, xml, all_types[i]);
    assert_int_equal(policy(f->ctx, 4119), TPS);
    /* the access-role 24 entry was rolled back: NAPDEF's default (aa455885) */
    meta_is(f->ctx, "NAPDEF", 0, NAPDEF_DEFAULT);
    {
        cp_ctx *c2 = device(&f->ms, CP_PROFILE_BRANDED);
        for (i = 0; i < sizeof all_types / sizeof all_types[0]; i++)
            QUERY_MATCHES(c2, xml, all_types[i]);
        cp_ctx_free(c2);
    }
    snap_free(&before);
    free(xml);
}

/* ACCESS: Manager and AuthUser (K2); APPLICATION: Manager, Operator,
   Operator-TPS (K2); NAPDEF: Manager, Operator, Operator-TPS, AuthUser
   (Default Roles aa455885, NAPDEF page aa455932; 0.1.0: Manager only);
   types the table does not name: Manager (M1). */
static void test_set_default_roles(void **state)
{
    NEED_XML();
    static const struct {
        const char *doc;
        uint32_t roles;
        int ok;
    } cases[] = {
        {DOC("<characteristic type=\"ACCESS\"><parm name=\"RULE\" value=\"r\"/>"
             "</characteristic>"), UA, 1},
        {DOC("<characteristic type=\"ACCESS\"><parm name=\"RULE\" value=\"r\"/>"
             "</characteristic>"), OP, 0},
        {DOC("<characteristic type=\"APPLICATION\"><parm name=\"APPID\" "
             "value=\"w4\"/></characteristic>"), OP, 1},
        {DOC("<characteristic type=\"APPLICATION\"><parm name=\"APPID\" "
             "value=\"w4\"/></characteristic>"), UA, 0},
        {DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
             "value=\"n\"/></characteristic>"), OP, 1},
        {DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
             "value=\"n\"/></characteristic>"), UA, 1},
        {DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
             "value=\"n\"/></characteristic>"), UNAUTH, 0},
        {DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
             "value=\"n\"/></characteristic>"), CP_ROLE_OEM | O_KNOWN, 0},
        {DOC("<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" "
             "value=\"v\"/></characteristic>"), OP, 0},
        {DOC("<characteristic type=\"VENDORCONFIG\"><parm name=\"NAME\" "
             "value=\"v\"/></characteristic>"), UA, 0},
        {DOC("<characteristic type=\"CLIENTIDENTITY\"><parm name=\"CLIENT-ID\" "
             "value=\"c\"/></characteristic>"), MGR, 1},
    };
    fixture *f = *state;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        cp_status st = tu_proc(f->ctx, cases[i].roles, cases[i].doc, &out);
        if (cases[i].ok) {
            assert_int_equal(st, CP_OK);
            assert_string_equal(out, cases[i].doc);
        } else {
            assert_int_equal(st, CP_E_ACCESS_DENIED);
            assert_non_null(strstr(out, "<parm-error name=\""));
        }
        free(out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define B(t) cmocka_unit_test_setup_teardown(t, setup_branded, tu_teardown)
#define U(t) cmocka_unit_test_setup_teardown(t, setup_unbranded, tu_teardown)
        B(test_sp_set_and_query),
        B(test_sp_noparm_resets),
        U(test_sp_noparm_unbranded_default),
        B(test_sp_bad_numbers),
        B(test_sp_unknown_and_range),
        B(test_sp_roles),
        B(test_sp_grant_manager),
        U(test_sp_grant_manager_unbranded),
        B(test_sp_characteristic_query),
        B(test_boot_stores_tps),
        cmocka_unit_test(test_boot_provurl_forms),
        B(test_boot_context_allow),
        B(test_boot_second_refused),
        B(test_boot_second_refused_status),
        cmocka_unit_test(test_boot_roles),
        B(test_px_keyed_by_proxy_id),
        cmocka_unit_test(test_px_gateways_end_to_end),
        B(test_px_tps_through_trusted_ppg),
        B(test_px_trust_needs_4121),
        B(test_px_rollback_keeps_gateways),
        B(test_mb_grants_user_auth),
        B(test_mb_governs_same_document),
        B(test_mb_needs_manager),
        B(test_mb_top_level_refused),
        cmocka_unit_test(test_mb_value_rules),
        B(test_mb_bad_entries),
        B(test_mb_queries),
        B(test_mb_addressing_no_bypass),
        B(test_mb_nocharacteristic_entry),
        cmocka_unit_test(test_set_items_helper),
        cmocka_unit_test(test_set_vectors),
        B(test_set_identity_update),
        B(test_set_other_identities),
        B(test_set_napdef_needs_napid),
        B(test_set_unknown_appid),
        B(test_set_wm_addressing),
        B(test_set_delete),
        B(test_set_delete_empty_type),
        B(test_set_rollback_unchanged),
        B(test_set_default_roles),
#undef B
#undef U
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
