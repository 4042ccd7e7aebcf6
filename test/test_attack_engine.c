/*
 * test_attack_engine.c - the engine's access rules tried as an attacker
 * would: every path to a setting must meet the rule of that setting.
 *
 *  A. subtree read: a characteristic-query returns only what the caller
 *     may read (write-only secrets and unreadable settings are left out,
 *     visibly), however the characteristic is addressed;
 *  B. subtree delete / replace: deleting or replacing a characteristic
 *     needs write access to every stored setting in it;
 *  C. another spelling of the same setting: policy ids with leading zeros
 *     or signs, PROV names in other capitals, metabase paths in any case;
 *  D. secrets are write-only by default (every source but the UI).
 *
 * Each class failed on the engine before issue 12's changes (the commit
 * that adds this file says how); SECURITY.md lists them.
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

#define UI (CP_ROLE_EXEMPT | CP_ROLE_USER_AUTH)
/* a pushed message from the TPS through its trusted gateway, granted MANAGER */
#define PUSHED (CP_ROLE_ANY_PUSH_SOURCE | CP_ROLE_KNOWN_PPG | \
                CP_ROLE_TRUSTED_PPG | CP_ROLE_OPERATOR_TPS | CP_ROLE_MANAGER)

/* The secrets of the stored items below, each a distinct string. */
#define S_NAP "nap-secret-7731"
#define S_APP "app-secret-5512"
#define S_APPDATA "app-data-5513"
#define S_PX "px-secret-9044"
#define S_BAS "bas-secret-9045"

static const char items[] = DOC(
    "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
    "<parm name=\"NAME\" value=\"one\"/><parm name=\"BEARER\" value=\"GSM-GPRS\"/>"
    "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHTYPE\" value=\"PAP\"/>"
    "<parm name=\"AUTHNAME\" value=\"user\"/>"
    "<parm name=\"AUTHSECRET\" value=\"" S_NAP "\"/></characteristic>"
    "</characteristic>"
    "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
    "<parm name=\"NAME\" value=\"browser\"/>"
    "<characteristic type=\"APPAUTH\"><parm name=\"AAUTHNAME\" value=\"u\"/>"
    "<parm name=\"AAUTHSECRET\" value=\"" S_APP "\"/>"
    "<parm name=\"AAUTHDATA\" value=\"" S_APPDATA "\"/></characteristic>"
    "</characteristic>"
    "<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" value=\"P1\"/>"
    "<parm name=\"NAME\" value=\"proxy\"/>"
    "<parm name=\"BASAUTH-ID\" value=\"b\"/>"
    "<parm name=\"BASAUTH-PW\" value=\"" S_BAS "\"/>"
    "<characteristic type=\"PXAUTHINFO\"><parm name=\"PXAUTH-TYPE\" value=\"HTTP-BASIC\"/>"
    "<parm name=\"PXAUTH-PW\" value=\"" S_PX "\"/></characteristic>"
    "<characteristic type=\"PXPHYSICAL\"><parm name=\"PHYSICAL-PROXY-ID\" value=\"PH1\"/>"
    "<parm name=\"PXADDR\" value=\"10.0.0.1\"/><parm name=\"PXADDRTYPE\" value=\"IPV4\"/>"
    "<parm name=\"TO-NAPID\" value=\"N1\"/></characteristic>"
    "</characteristic>");

static const char *const secrets[] = {S_NAP, S_APP, S_APPDATA, S_PX, S_BAS};

typedef tu_fixture fixture;

static cp_ctx *device(memstore *ms)
{
    static const char *const types[] = {"NAPDEF", "APPLICATION", "ACCESS"};
    cp_config cfg;
    cp_ctx *ctx = NULL;
    size_t i;
    cp_config_init(&cfg);
    ms_attach(&cfg, ms);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(ctx), CP_OK);
    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        assert_int_equal(cp_csp_register_settings(ctx, types[i]), CP_OK);
    return ctx;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *out = NULL;
    if (f == NULL)
        return -1;
    ms_init(&f->ms);
    f->ctx = device(&f->ms);
#ifndef CP_NO_XML
    if (tu_proc(f->ctx, MGR, items, &out) != CP_OK) {
        fprintf(stderr, "setup: %s\n", out ? out : "(no output)");
        free(out);
        return -1;
    }
    free(out);
#else
    (void)out;
    (void)items;
#endif
    *state = f;
    return 0;
}

/* Every blob of the store, to prove that a refused document changed nothing. */
typedef ms_snap snap;
#define snap_take ms_snap_take

static void snap_same(const memstore *m, snap *s)
{
    int i;
    assert_int_equal(m->n, s->n);
    for (i = 0; i < s->n; i++) {
        size_t len = 0;
        const uint8_t *d = ms_get(m, s->b[i].name, &len);
        assert_non_null(d == NULL && s->b[i].len == 0 ? s->b[i].data : d);
        assert_int_equal(len, s->b[i].len);
        if (len)
            assert_memory_equal(d, s->b[i].data, len);
    }
    ms_snap_free(s);
}

/* out must not contain any secret value. */
static void no_secret(const char *out)
{
    size_t i;
    assert_non_null(out);
    for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
        if (strstr(out, secrets[i]) != NULL) {
            print_error("secret %s leaked in:\n%s\n", secrets[i], out);
            fail();
        }
}

static void contains(const char *out, const char *what)
{
    assert_non_null(out);
    if (strstr(out, what) == NULL) {
        print_error("missing %s in:\n%s\n", what, out);
        fail();
    }
}

/* ---- A. subtree read ------------------------------------------------------------ */

/* characteristic-query of whole types, by a manager and by a pushed message */
static void test_a_query_types_hide_secrets(void **state)
{
    static const char *const q[] = {
        DOC("<characteristic-query type=\"NAPDEF\"/>"),
        DOC("<characteristic-query type=\"APPLICATION\"/>"),
        DOC("<characteristic-query type=\"PXLOGICAL\"/>"),
        DOC("<characteristic-query type=\"napdef\"/>"), /* routing ignores case */
        DOC("<characteristic-query type=\"NAPDEF\" recursive=\"false\"/>")};
    static const uint32_t roles[] = {MGR, PUSHED, MGR | UA};
    fixture *f = *state;
    size_t i, r;
    NEED_XML();
    for (r = 0; r < sizeof roles / sizeof roles[0]; r++)
        for (i = 0; i < sizeof q / sizeof q[0]; i++) {
            char *out = NULL;
            assert_int_equal(tu_proc(f->ctx, roles[r], q[i], &out), CP_OK);
            no_secret(out);
            free(out);
        }
    /* the omission is visible, and says why */
    {
        char *out = NULL;
        assert_int_equal(tu_proc(f->ctx, MGR, q[0], &out), CP_OK);
        contains(out, "<parm-query-error name=\"AUTHSECRET\" desc=\"NAPDEF/"
                      "NAPAUTHINFO/AUTHSECRET is not readable\"/>");
        contains(out, "<parm name=\"AUTHNAME\" value=\"user\"/>");
        free(out);
        assert_int_equal(tu_proc(f->ctx, MGR, q[2], &out), CP_OK);
        contains(out, "<parm-query-error name=\"BASAUTH-PW\"");
        contains(out, "<parm-query-error name=\"PXAUTH-PW\"");
        free(out);
    }
}

/* the same items reached through Windows Mobile addressing and sub-queries */
static void test_a_query_addressed_and_nested(void **state)
{
    static const char *const q[] = {
        DOC("<characteristic type=\"NAPDEF\"><characteristic-query type=\"N1\"/>"
            "</characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
            "<characteristic-query type=\"NAPAUTHINFO\"/></characteristic>"
            "</characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<characteristic-query type=\"NAPAUTHINFO\"/></characteristic>"),
        DOC("<characteristic type=\"APPLICATION\"><characteristic-query type=\"w2\"/>"
            "</characteristic>"),
        DOC("<characteristic type=\"APPLICATION\"><characteristic type=\"w2\">"
            "<characteristic-query type=\"APPAUTH\"/></characteristic>"
            "</characteristic>"),
        DOC("<characteristic type=\"PXLOGICAL\"><characteristic-query type=\"P1\"/>"
            "</characteristic>"),
        DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"P1\">"
            "<characteristic-query type=\"PXAUTHINFO\"/></characteristic>"
            "</characteristic>")};
    fixture *f = *state;
    size_t i;
    NEED_XML();
    for (i = 0; i < sizeof q / sizeof q[0]; i++) {
        char *out = NULL;
        cp_status st = tu_proc(f->ctx, PUSHED, q[i], &out);
        if (st != CP_OK)
            print_error("query %zu: status %d: %s\n", i, st, out ? out : "");
        assert_int_equal(st, CP_OK);
        no_secret(out);
        contains(out, "-query-error");
        free(out);
    }
}

/* a parm-query of a secret, under any path and spelling, is refused */
static void test_a_parm_query_secret(void **state)
{
    static const char *const q[] = {
        DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
            "<characteristic type=\"NAPAUTHINFO\"><parm-query name=\"AUTHSECRET\"/>"
            "</characteristic></characteristic></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<characteristic type=\"NAPAUTHINFO\"><parm-query name=\"AUTHSECRET\"/>"
            "</characteristic></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
            "<characteristic type=\"NAPAUTHINFO\"><parm-query name=\"authsecret\"/>"
            "</characteristic></characteristic></characteristic>"),
        DOC("<characteristic type=\"PXLOGICAL\"><characteristic type=\"P1\">"
            "<parm-query name=\"BASAUTH-PW\"/></characteristic></characteristic>")};
    fixture *f = *state;
    size_t i;
    NEED_XML();
    for (i = 0; i < sizeof q / sizeof q[0]; i++) {
        char *out = NULL;
        cp_status st = tu_proc(f->ctx, MGR, q[i], &out);
        if (st == CP_OK)
            print_error("query %zu answered: %s\n", i, out ? out : "");
        assert_true(st == CP_E_ACCESS_DENIED || st == CP_E_BAD_DOC);
        no_secret(out);
        free(out);
    }
}

/* a host entry making an ordinary setting unreadable holds in subtrees too */
static void test_a_host_entry_holds_in_query(void **state)
{
    fixture *f = *state;
    cp_meta m;
    char *out = NULL;
    NEED_XML();
    cp_meta_init(&m);
    m.rw = CP_RW_WRITE;
    assert_int_equal(cp_meta_set(f->ctx, "NAPDEF/NAME", &m), CP_OK);
    m.rw = CP_RW_READ | CP_RW_WRITE;
    m.access_roles = CP_ROLE_OEM; /* nobody here holds it */
    assert_int_equal(cp_meta_set(f->ctx, "APPLICATION/APPAUTH/AAUTHNAME", &m),
                     CP_OK);
    assert_int_equal(tu_proc(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                          &out),
                     CP_OK);
    contains(out, "<parm-query-error name=\"NAME\"");
    assert_null(strstr(out, "value=\"one\""));
    free(out);
    assert_int_equal(tu_proc(f->ctx, MGR,
                          DOC("<characteristic-query type=\"APPLICATION\"/>"),
                          &out),
                     CP_OK);
    contains(out, "<parm-query-error name=\"AAUTHNAME\" desc=\"access denied to "
                  "APPLICATION/APPAUTH/AAUTHNAME");
    contains(out, "<parm name=\"NAME\" value=\"browser\"/>");
    free(out);
    /* the UI is exempt and sees everything */
    assert_int_equal(tu_proc(f->ctx, UI, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                          &out),
                     CP_OK);
    contains(out, S_NAP);
    contains(out, "value=\"one\"");
    free(out);
}

/* ---- B. subtree delete and replace ---------------------------------------------------------- */

static void lock_napauthinfo(cp_ctx *ctx)
{
    cp_meta m;
    cp_meta_init(&m);
    m.rw = CP_RW_READ; /* read-only: nobody but the UI may change it */
    assert_int_equal(cp_meta_set(ctx, "NAPDEF/NAPAUTHINFO", &m), CP_OK);
}

static void test_b_delete_protected_subtree(void **state)
{
    static const char *const del[] = {
        DOC("<nocharacteristic type=\"NAPDEF\"/>"),
        DOC("<nocharacteristic type=\"NaPdEf\"/>"),
        DOC("<characteristic type=\"NAPDEF\"><nocharacteristic type=\"N1\"/>"
            "</characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
            "<nocharacteristic type=\"NAPAUTHINFO\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<nocharacteristic type=\"NAPAUTHINFO\"/></characteristic>"),
        /* replacing the child characteristic deletes the stored one */
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHTYPE\" value=\"CHAP\"/>"
            "</characteristic></characteristic>")};
    static const uint32_t roles[] = {MGR, PUSHED, MGR | UA};
    fixture *f = *state;
    size_t i, r;
    NEED_XML();
    lock_napauthinfo(f->ctx);
    for (r = 0; r < sizeof roles / sizeof roles[0]; r++)
        for (i = 0; i < sizeof del / sizeof del[0]; i++) {
            snap before;
            char *out = NULL;
            cp_status st;
            snap_take(&f->ms, &before);
            st = tu_proc(f->ctx, roles[r], del[i], &out);
            if (st != CP_E_ACCESS_DENIED)
                print_error("delete %zu roles 0x%x: status %d: %s\n", i,
                            (unsigned)roles[r], st, out ? out : "");
            assert_int_equal(st, CP_E_ACCESS_DENIED);
            contains(out, "-error");
            free(out);
            snap_same(&f->ms, &before);
        }
    /* an empty characteristic writes the node itself: refused there too */
    {
        char *out = NULL;
        assert_int_equal(
            tu_proc(f->ctx, MGR,
                 DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
                     "<characteristic type=\"NAPAUTHINFO\"/></characteristic>"
                     "</characteristic>"),
                 &out),
            CP_E_ACCESS_DENIED);
        free(out);
    }
    /* the item is still there, secret and all */
    {
        char *out = NULL;
        assert_int_equal(tu_proc(f->ctx, UI, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                              &out),
                         CP_OK);
        contains(out, S_NAP);
        free(out);
    }
    /* the UI may delete it */
    {
        char *out = NULL;
        assert_int_equal(tu_proc(f->ctx, UI, del[0], &out), CP_OK);
        free(out);
    }
}

/* write-only is not read-only: a manager may delete an item with a secret */
static void test_b_delete_allowed_when_writable(void **state)
{
    fixture *f = *state;
    char *out = NULL;
    NEED_XML();
    assert_int_equal(tu_proc(f->ctx, MGR,
                          DOC("<characteristic type=\"NAPDEF\"><nocharacteristic "
                              "type=\"N1\"/></characteristic>"),
                          &out),
                     CP_OK);
    free(out);
    assert_int_equal(tu_proc(f->ctx, UI, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                          &out),
                     CP_OK);
    contains(out, "<nocharacteristic type=\"NAPDEF\"/>");
    free(out);
}

/* A host CSP that cannot be queried: entries below a deleted path count. */
static cp_status h_nochar(void *user, cp_csp_session *s, const char *path,
                          const char *type, void *cookie)
{
    (void)s;
    (void)path;
    (void)type;
    (void)cookie;
    (*(int *)user)++;
    return CP_OK;
}

static void test_b_delete_unqueryable_csp(void **state)
{
    fixture *f = *state;
    cp_csp_ops ops;
    cp_meta m;
    int deletes = 0;
    char *out = NULL;
    NEED_XML();
    memset(&ops, 0, sizeof ops);
    ops.struct_size = sizeof ops;
    ops.flags = CP_CSP_INTERNAL_TX;
    ops.nocharacteristic = h_nochar;
    assert_int_equal(cp_csp_register(f->ctx, "HOST", &ops, &deletes), CP_OK);
    assert_int_equal(tu_proc(f->ctx, MGR, DOC("<nocharacteristic type=\"HOST\"/>"), &out),
                     CP_OK);
    free(out);
    assert_int_equal(deletes, 1);
    cp_meta_init(&m);
    m.rw = CP_RW_READ;
    assert_int_equal(cp_meta_set(f->ctx, "HOST/keys/master", &m), CP_OK);
    assert_int_equal(tu_proc(f->ctx, MGR, DOC("<nocharacteristic type=\"HOST\"/>"), &out),
                     CP_E_ACCESS_DENIED);
    contains(out, "HOST/keys/master is not writable");
    free(out);
    assert_int_equal(tu_proc(f->ctx, MGR, DOC("<nocharacteristic type=\"host\"/>"), &out),
                     CP_E_ACCESS_DENIED);
    free(out);
    assert_int_equal(deletes, 1);
}

/* ---- C. another spelling of the same setting ------------------------------------------------ */

static uint32_t policy(cp_ctx *ctx, uint32_t id)
{
    uint32_t v = 0;
    assert_int_equal(cp_policy_get(ctx, id, &v), CP_OK);
    return v;
}

static void test_c_policy_id_spellings(void **state)
{
    static const char *const names[] = {"04141", "004141", "+4141", " 4141",
                                        "4141 ", "-4141", "4141.0", "0x102D"};
    fixture *f = *state;
    cp_meta m;
    uint32_t before;
    size_t i;
    NEED_XML();
    cp_meta_init(&m);
    m.rw = CP_RW_READ; /* 4141 locked */
    assert_int_equal(cp_meta_set(f->ctx, "SecurityPolicy/4141", &m), CP_OK);
    before = policy(f->ctx, 4141);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        char in[256];
        char *out = NULL;
        snprintf(in, sizeof in,
                 DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"%s\" "
                     "value=\"4095\"/></characteristic>"),
                 names[i]);
        assert_int_equal(tu_proc(f->ctx, MGR, in, &out), CP_E_BAD_DOC);
        contains(out, "is not canonical");
        free(out);
        snprintf(in, sizeof in,
                 DOC("<characteristic type=\"SecurityPolicy\"><noparm name=\"%s\"/>"
                     "</characteristic>"),
                 names[i]);
        assert_int_equal(tu_proc(f->ctx, MGR, in, &out), CP_E_BAD_DOC);
        contains(out, "<noparm-error");
        free(out);
        assert_int_equal(policy(f->ctx, 4141), before);
    }
    /* and the canonical spelling meets the lock */
    {
        char *out = NULL;
        assert_int_equal(
            tu_proc(f->ctx, MGR,
                 DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4141\" "
                     "value=\"4095\"/></characteristic>"),
                 &out),
            CP_E_ACCESS_DENIED);
        free(out);
    }
}

/* PROV names have one spelling: capitals, as the WBXML tokens give them */
static void test_c_prov_name_case(void **state)
{
    static const char *const docs[] = {
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<characteristic type=\"NAPAUTHINFO\"><parm name=\"authsecret\" "
            "value=\"x\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<characteristic type=\"napauthinfo\"><parm name=\"AUTHTYPE\" "
            "value=\"PAP\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
            "<parm name=\"Name\" value=\"x\"/></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
            "<noparm name=\"name\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
            "<nocharacteristic type=\"NapAuthInfo\"/></characteristic></characteristic>")};
    fixture *f = *state;
    size_t i;
    NEED_XML();
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        snap before;
        char *out = NULL;
        cp_status st;
        snap_take(&f->ms, &before);
        st = tu_proc(f->ctx, MGR, docs[i], &out);
        if (st != CP_E_BAD_DOC)
            print_error("doc %zu: status %d: %s\n", i, st, out ? out : "");
        assert_int_equal(st, CP_E_BAD_DOC);
        contains(out, "not the canonical spelling");
        free(out);
        snap_same(&f->ms, &before);
    }
    /* a name PROV does not define is the host's own: kept as written */
    {
        char *out = NULL;
        assert_int_equal(
            tu_proc(f->ctx, MGR,
                 DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"N1\"/>"
                     "<parm name=\"x-vendor-flag\" value=\"1\"/></characteristic>"),
                 &out),
            CP_OK);
        free(out);
    }
}

/* a type PROV does not define keeps its names as written (Windows Mobile
   CSPs hosted by the settings CSP: Registry, CM_GPRSEntries) */
static void test_c_non_prov_type_names(void **state)
{
    fixture *f = *state;
    char *out = NULL;
    NEED_XML();
    assert_int_equal(cp_csp_register_settings(f->ctx, "CM_GPRSEntries"), CP_OK);
    assert_int_equal(
        tu_proc(f->ctx, MGR,
             DOC("<characteristic type=\"CM_GPRSEntries\"><characteristic "
                 "type=\"Entries\"><characteristic type=\"Internet\">"
                 "<parm name=\"Name\" value=\"Internet\"/>"
                 "<parm name=\"UserName\" value=\"u\"/></characteristic>"
                 "</characteristic></characteristic>"),
             &out),
        CP_OK);
    free(out);
}

/* a metabase entry holds for every capitalisation of its path */
static void test_c_metabase_case(void **state)
{
    fixture *f = *state;
    cp_meta m;
    int exact = 0;
    char *out = NULL;
    NEED_XML();
    cp_meta_init(&m);
    m.rw = CP_RW_READ;
    assert_int_equal(cp_meta_set(f->ctx, "ACCESS/X-LIMIT", &m), CP_OK);
    assert_int_equal(cp_meta_get(f->ctx, "access/x-limit", &m, &exact), CP_OK);
    assert_int_equal(m.rw, CP_RW_READ);
    assert_int_equal(exact, 1);
    assert_int_equal(
        tu_proc(f->ctx, MGR,
             DOC("<characteristic type=\"ACCESS\"><parm name=\"x-Limit\" value=\"x\"/>"
                 "</characteristic>"),
             &out),
        CP_E_ACCESS_DENIED);
    free(out);
    /* an entry set in lower case protects the capitalised setting */
    cp_meta_init(&m);
    m.rw = CP_RW_READ;
    assert_int_equal(cp_meta_set(f->ctx, "securitypolicy/4097", &m), CP_OK);
    assert_int_equal(
        tu_proc(f->ctx, MGR,
             DOC("<characteristic type=\"SecurityPolicy\"><parm name=\"4097\" "
                 "value=\"1\"/></characteristic>"),
             &out),
        CP_E_ACCESS_DENIED);
    free(out);
    assert_int_equal(policy(f->ctx, 4097), 2);
}

/* ---- D. secrets are write-only by default ------------------------------------------------------ */

static void test_d_secret_defaults(void **state)
{
    static const char *const paths[] = {
        "NAPDEF/NAPAUTHINFO/AUTHSECRET", "PXLOGICAL/PXAUTHINFO/PXAUTH-PW",
        "PXLOGICAL/BASAUTH-PW",          "PXLOGICAL/PROXY-PW",
        "APPLICATION/APPAUTH/AAUTHSECRET", "APPLICATION/APPAUTH/AAUTHDATA",
        "APPLICATION/RESOURCE/AAUTHSECRET", "NAPDEF/WLAN/WPA-PRES-KEY-ASC",
        "NAPDEF/WLAN/WPA-PRES-KEY-HEX",  "NAPDEF/WLAN/WEPKEY/DATA",
        "NAPDEF/WLAN/EAP/PASSWORD",      "napdef/napauthinfo/authsecret"};
    fixture *f = *state;
    cp_meta m, parent;
    size_t i;
    for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        assert_int_equal(cp_meta_get(f->ctx, paths[i], &m, NULL), CP_OK);
        assert_int_equal(m.rw, CP_RW_WRITE);
    }
    /* who may write a secret is who may write its characteristic */
    assert_int_equal(cp_meta_get(f->ctx, "APPLICATION/APPAUTH", &parent, NULL), CP_OK);
    assert_int_equal(cp_meta_get(f->ctx, "APPLICATION/APPAUTH/AAUTHSECRET", &m, NULL),
                     CP_OK);
    assert_int_equal(m.access_roles, parent.access_roles);
    /* a host entry on the characteristic does not make the secret readable */
    cp_meta_init(&m);
    m.access_roles = CP_ROLE_MANAGER | CP_ROLE_USER_AUTH;
    assert_int_equal(cp_meta_set(f->ctx, "NAPDEF", &m), CP_OK);
    assert_int_equal(cp_meta_get(f->ctx, "NAPDEF/NAPAUTHINFO/AUTHSECRET", &m, NULL),
                     CP_OK);
    assert_int_equal(m.rw, CP_RW_WRITE);
    assert_int_equal(m.access_roles, CP_ROLE_MANAGER | CP_ROLE_USER_AUTH);
    /* an entry on the path itself does */
    cp_meta_init(&m);
    assert_int_equal(cp_meta_set(f->ctx, "NAPDEF/NAPAUTHINFO/AUTHSECRET", &m), CP_OK);
    assert_int_equal(cp_meta_get(f->ctx, "NAPDEF/NAPAUTHINFO/AUTHSECRET", &m, NULL),
                     CP_OK);
    assert_int_equal(m.rw, CP_RW_READ | CP_RW_WRITE);
#ifndef CP_NO_XML
    {
        char *out = NULL;
        assert_int_equal(tu_proc(f->ctx, MGR,
                              DOC("<characteristic-query type=\"NAPDEF\"/>"), &out),
                         CP_OK);
        contains(out, S_NAP);
        free(out);
    }
#endif
}

/* writing a secret still works for whoever may write its characteristic */
static void test_d_secret_writable(void **state)
{
    fixture *f = *state;
    char *out = NULL;
    NEED_XML();
    assert_int_equal(
        tu_proc(f->ctx, PUSHED,
             DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
                 "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHSECRET\" "
                 "value=\"new-secret-1\"/></characteristic></characteristic>"
                 "</characteristic>"),
             &out),
        CP_OK);
    no_secret(out);
    free(out);
    assert_int_equal(tu_proc(f->ctx, UI, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                          &out),
                     CP_OK);
    contains(out, "new-secret-1");
    free(out);
    /* an unsigned message (USER_UNAUTH) may not write NAPDEF (Default
       Roles: Manager, Operator, Operator-TPS, Authenticated User): not its
       secret either */
    assert_int_equal(
        tu_proc(f->ctx, CP_ROLE_USER_UNAUTH | CP_ROLE_ANY_PUSH_SOURCE,
             DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
                 "<characteristic type=\"NAPAUTHINFO\"><parm name=\"AUTHSECRET\" "
                 "value=\"x\"/></characteristic></characteristic></characteristic>"),
             &out),
        CP_E_ACCESS_DENIED);
    free(out);
}

/* a pushed MANAGER cannot make a secret readable through the Metabase CSP */
static void test_d_secret_metabase_csp(void **state)
{
    static const char *const docs[] = {
        DOC("<characteristic type=\"Metabase\"><characteristic "
            "type=\"NAPDEF/NAPAUTHINFO/AUTHSECRET\"><parm name=\"rw-access\" "
            "value=\"3\"/></characteristic></characteristic>"),
        DOC("<characteristic type=\"Metabase\"><characteristic "
            "type=\"napdef/NapAuthInfo/authsecret\"><parm name=\"rw-access\" "
            "value=\"1\"/></characteristic></characteristic>")};
    fixture *f = *state;
    char *out = NULL;
    size_t i;
    cp_meta m;
    NEED_XML();
    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        assert_int_equal(tu_proc(f->ctx, PUSHED, docs[i], &out), CP_E_ACCESS_DENIED);
        contains(out, "write-only secret");
        free(out);
    }
    assert_int_equal(cp_meta_get(f->ctx, "NAPDEF/NAPAUTHINFO/AUTHSECRET", &m, NULL),
                     CP_OK);
    assert_int_equal(m.rw, CP_RW_WRITE);
    /* an entry under an addressed path is not the secret's path: it may be
       set, but the secret stays hidden */
    assert_int_equal(
        tu_proc(f->ctx, PUSHED,
             DOC("<characteristic type=\"Metabase\"><characteristic "
                 "type=\"NAPDEF/N1/NAPAUTHINFO/AUTHSECRET\"><parm name=\"rw-access\" "
                 "value=\"3\"/></characteristic></characteristic>"),
             &out),
        CP_OK);
    free(out);
    assert_int_equal(tu_proc(f->ctx, PUSHED,
                          DOC("<characteristic type=\"NAPDEF\"><characteristic-query "
                              "type=\"N1\"/></characteristic>"),
                          &out),
                     CP_OK);
    no_secret(out);
    free(out);
    /* the device's UI may */
    assert_int_equal(tu_proc(f->ctx, UI, docs[0], &out), CP_OK);
    free(out);
    assert_int_equal(tu_proc(f->ctx, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                          &out),
                     CP_OK);
    contains(out, S_NAP);
    free(out);
}

/* a stored metabase that cannot be read fails closed, not open */
static void test_e_damaged_metabase(void **state)
{
    fixture *f = *state;
    cp_meta m;
    cp_ctx *c2;
    char *out = NULL;
    size_t len = 0;
    uint8_t *copy;
    const uint8_t *blob;
    NEED_XML();
    cp_meta_init(&m);
    m.rw = CP_RW_READ;
    assert_int_equal(cp_meta_set(f->ctx, "NAPDEF/NAME", &m), CP_OK);
    blob = ms_get(&f->ms, "metabase", &len);
    assert_non_null(blob);
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, blob, len);
    copy[len / 2] ^= 0x40; /* one flipped bit */
    ms_put(&f->ms, "metabase", copy, len);
    free(copy);
    c2 = device(&f->ms);
    /* before: the lost entry left NAME writable by any MANAGER */
    assert_int_equal(
        tu_proc(c2, MGR,
             DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
                 "<parm name=\"NAME\" value=\"evil\"/></characteristic>"
                 "</characteristic>"),
             &out),
        CP_E_CORRUPT);
    contains(out, "metabase is damaged");
    free(out);
    assert_int_equal(cp_meta_get(c2, "ACCESS", &m, NULL), CP_E_CORRUPT);
    assert_int_equal(m.rw, 0);
    /* the UI still works, and the host's write repairs it */
    assert_int_equal(tu_proc(c2, UI, DOC("<characteristic-query type=\"NAPDEF\"/>"), &out),
                     CP_OK);
    contains(out, "value=\"one\"");
    free(out);
    cp_meta_init(&m);
    m.rw = CP_RW_READ;
    assert_int_equal(cp_meta_set(c2, "NAPDEF/NAME", &m), CP_OK);
    assert_int_equal(tu_proc(c2, MGR, DOC("<characteristic-query type=\"NAPDEF\"/>"),
                          &out),
                     CP_OK);
    free(out);
    cp_ctx_free(c2);
}


/* ---- F. the metabase's leaf cache ------------------------------------------------------------ */

/*
 * The pre-pass takes the entry in force of a parm from the metabase's
 * cache when no entry lies directly below its characteristic (issue 18).
 * Every answer below is the one the engine gave before that cache: each
 * test holds on the engine without it.
 */

/* A host CSP "HOST" that takes any parm (value "fail": the CSP fails). */
static cp_status hf_parm(void *user, cp_csp_session *s, const char *path,
                         const char *name, const char *value, void *cookie)
{
    (void)s;
    (void)path;
    (void)name;
    (void)cookie;
    (*(int *)user)++;
    return value != NULL && strcmp(value, "fail") == 0 ? CP_E_CSP : CP_OK;
}

static cp_status hf_noparm(void *user, cp_csp_session *s, const char *path,
                           const char *name, void *cookie)
{
    (void)user;
    (void)s;
    (void)path;
    (void)name;
    (void)cookie;
    return CP_OK;
}

static cp_status hf_query(void *user, cp_csp_session *s, const char *path,
                          const char *name, void *cookie)
{
    (void)user;
    (void)path;
    (void)name;
    (void)cookie;
    return cp_csp_answer(s, "v");
}

static cp_status hf_char_query(void *user, cp_csp_session *s,
                               const char *path, int recursive, void *cookie)
{
    (void)user;
    (void)s;
    (void)path;
    (void)recursive;
    (void)cookie;
    return CP_E_NOT_FOUND;
}

static int host_calls;

static void host_register(cp_ctx *ctx)
{
    cp_csp_ops ops;
    memset(&ops, 0, sizeof ops);
    ops.struct_size = sizeof ops;
    ops.flags = CP_CSP_INTERNAL_TX;
    ops.parm = hf_parm;
    ops.noparm = hf_noparm;
    ops.parm_query = hf_query;
    ops.characteristic_query = hf_char_query;
    assert_int_equal(cp_csp_register(ctx, "HOST", &ops, &host_calls), CP_OK);
}

/* Set path's entry: rw, roles (0: MANAGER) and datatype. */
static void host_entry(cp_ctx *ctx, const char *path, unsigned rw,
                       uint32_t roles, cp_datatype dt)
{
    cp_meta m;
    cp_meta_init(&m);
    m.rw = rw;
    if (roles)
        m.access_roles = roles;
    m.datatype = dt;
    assert_int_equal(cp_meta_set(ctx, path, &m), CP_OK);
}

/* Process body (inside <characteristic type="HOST"><characteristic
   type="net">) as roles: status st, and the output holds what (or NULL). */
static void host_run(cp_ctx *ctx, uint32_t roles, const char *body,
                     cp_status st, const char *what)
{
    tu_sbuf doc = {NULL, 0, 0};
    char *out = NULL;
    cp_status got;
    tu_sb_add(&doc, "<wap-provisioningdoc><characteristic type=\"HOST\">"
                    "<characteristic type=\"net\">%s</characteristic>"
                    "</characteristic></wap-provisioningdoc>",
              body);
    got = tu_proc(ctx, roles, doc.p, &out);
    if (got != st || (what != NULL && (out == NULL || !strstr(out, what))))
        print_error("roles 0x%x, %s:\nstatus %d (want %d): %s\n",
                    (unsigned)roles, body, got, st, out ? out : "(none)");
    assert_int_equal(got, st);
    if (what != NULL)
        contains(out, what);
    free(out);
    free(doc.p);
}

#define P(name, value) "<parm name=\"" name "\" value=\"" value "\"/>"
#define PQ(name) "<parm-query name=\"" name "\"/>"

/*
 * A parm name holding a separator makes the metabase's last parent one
 * level below the characteristic ("HOST/net/x"): a later plain parm of the
 * same characteristic is not a leaf of it, and keeps its own entry.
 */
static void test_f_parent_below_characteristic(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_entry(f->ctx, "HOST/net/ab", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, P("x/y", "1") P("x/z", "2") P("ab", "3"),
             CP_E_ACCESS_DENIED, "HOST/net/ab is not writable");
    host_run(f->ctx, MGR, P("x\\y", "1") P("x\\z", "2") P("ab", "3"),
             CP_E_ACCESS_DENIED, "HOST/net/ab is not writable");
    host_run(f->ctx, MGR, P("x/y", "1") P("x/z", "2") P("q/z", "2"), CP_OK,
             NULL);
    /* reads: a setting that is not readable */
    host_entry(f->ctx, "HOST/net/ab", CP_RW_WRITE, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, PQ("x/y") PQ("x/z") PQ("ab"), CP_E_ACCESS_DENIED,
             "HOST/net/ab is not readable");
    host_run(f->ctx, MGR,
             "<characteristic-query type=\"x/y\"/>" PQ("x/z") PQ("ab"),
             CP_E_ACCESS_DENIED, "HOST/net/ab is not readable");
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/ab"), CP_OK);
    /* the value rules of the deeper parent are not the plain parm's */
    host_entry(f->ctx, "HOST/net/x", CP_RW_READ | CP_RW_WRITE, 0,
               CP_DT_INTEGER);
    host_run(f->ctx, MGR, P("x/y", "1") P("x/z", "2") P("ab", "text"), CP_OK,
             NULL);
    host_run(f->ctx, MGR, P("x/y", "1") P("x/z", "2") P("x/w", "text"),
             CP_E_BAD_DOC, "HOST/net/x/w takes a decimal integer");
}


/* Learn: a run whose parms leave the cache holding "HOST/net". */
#define LEARN P("a", "1") P("c", "2")

/* Parm names in other capitals, with separators, escapes, long, not ASCII. */
static void test_f_parm_names(void **state)
{
    static const struct {
        const char *entry, *name; /* entry NULL: none set */
        cp_status st;
        const char *why;
    } t[] = {
        {"HOST/net/b", "B", CP_E_ACCESS_DENIED, "HOST/net/B is not writable"},
        {"host/NET/B", "b", CP_E_ACCESS_DENIED, "HOST/net/b is not writable"},
        {"HOST\\net\\b", "b", CP_E_ACCESS_DENIED, "HOST/net/b is not"},
        {"HOST/net/x/y", "x\\y", CP_E_ACCESS_DENIED, "HOST/net/x\\y is not"},
        {"HOST/net/x\\y", "x/y", CP_E_ACCESS_DENIED, "HOST/net/x/y is not"},
        {"HOST/net/%2F", "%2F", CP_E_ACCESS_DENIED, "HOST/net/%2F is not"},
        {"HOST/net/b", "%2Fb", CP_OK, NULL},
        {"HOST/net/b", "b%2F", CP_OK, NULL},
        {"HOST/net/b", "b/", CP_E_ACCESS_DENIED, "HOST/net/b/ is not"},
        {"HOST/net/b", "b\\", CP_E_ACCESS_DENIED, "HOST/net/b\\ is not"},
        {"HOST/net/b", "/b", CP_OK, NULL},
        /* an entry whose path ends in a separator: the empty leaf */
        {"HOST/net\\", "", CP_E_ACCESS_DENIED, "HOST/net/ is not writable"},
        {"HOST/net\\", "/", CP_E_ACCESS_DENIED, "HOST/net// is not"},
        {"HOST/net\\", "\\", CP_E_ACCESS_DENIED, "HOST/net/\\ is not"},
        {"HOST/net/abcdefghi", "abcdefghi", CP_E_ACCESS_DENIED,
         "HOST/net/abcdefghi is not"},
        {"HOST/net/abcdefgh", "ABCDEFGH", CP_E_ACCESS_DENIED,
         "HOST/net/ABCDEFGH is not"},
        {"HOST/net/\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9", CP_E_ACCESS_DENIED,
         "is not writable"},
        /* octets whose low seven bits are '/' and '\\' (U+072F, U+071C) */
        {"HOST/net/a\xdc\xaf\xdc\x9c", "a\xdc\xaf\xdc\x9c", CP_E_ACCESS_DENIED,
         "is not writable"},
        {"HOST/net/a\xdc\xaf\xdc\x9c", "a\xdc\xaf\xdc\x9cz", CP_OK, NULL},
        {"HOST/net/net", "net", CP_E_ACCESS_DENIED, "HOST/net/net is not"},
        {"HOST/net/HOST", "host", CP_E_ACCESS_DENIED, "HOST/net/host is not"},
        {"HOST/net/b", "b\" value=\"1\"/><parm name=\"b", CP_E_ACCESS_DENIED,
         "HOST/net/b is not"},
    };
    fixture *f = *state;
    char body[512], lng[400];
    size_t i;
    NEED_XML();
    host_register(f->ctx);
    for (i = 0; i < sizeof t / sizeof t[0]; i++) {
        host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
        host_entry(f->ctx, t[i].entry, CP_RW_READ, 0, CP_DT_UNKNOWN);
        snprintf(body, sizeof body, LEARN P("%s", "3"), t[i].name);
        host_run(f->ctx, MGR, body, t[i].st, t[i].why);
        /* and with the cache held by the same document's first parms */
        snprintf(body, sizeof body, P("a", "1") P("%s", "3") P("a", "1"),
                 t[i].name);
        host_run(f->ctx, MGR, body, t[i].st, t[i].why);
        assert_int_equal(cp_meta_remove(f->ctx, t[i].entry), CP_OK);
        snprintf(body, sizeof body, LEARN P("%s", "3"), t[i].name);
        host_run(f->ctx, MGR, body, CP_OK, NULL);
    }
    /* long names: 255 octets, and past the longest setting path */
    memset(lng, 'k', sizeof lng - 1);
    lng[sizeof lng - 1] = '\0';
    lng[255] = '\0';
    snprintf(body, sizeof body, "HOST/net/%s", lng);
    host_entry(f->ctx, body, CP_RW_READ, 0, CP_DT_UNKNOWN);
    snprintf(body, sizeof body, LEARN P("%s", "3"), lng);
    host_run(f->ctx, MGR, body, CP_E_ACCESS_DENIED, "desc=\"HOST/net/kkkk");
    lng[255] = 'k';
    snprintf(body, sizeof body, LEARN P("%s", "3"), lng);
    host_run(f->ctx, MGR, body, CP_OK, NULL);
}

/* The same parm twice, noparm, parm-query and characteristic-query. */
static void test_f_element_kinds(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    host_entry(f->ctx, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1") P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    host_run(f->ctx, MGR, LEARN "<noparm name=\"b\"/>", CP_E_ACCESS_DENIED,
             "<noparm-error name=\"b\"");
    host_run(f->ctx, MGR, LEARN PQ("b") PQ("a"), CP_OK, "value=\"v\"");
    host_entry(f->ctx, "HOST/net/b", CP_RW_WRITE, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    host_run(f->ctx, MGR, PQ("a") PQ("c") PQ("b"), CP_E_ACCESS_DENIED,
             "<parm-query-error name=\"b\"");
    host_run(f->ctx, MGR,
             PQ("a") "<characteristic-query type=\"b\"/>",
             CP_E_ACCESS_DENIED, "HOST/net/b is not readable");
    host_run(f->ctx, MGR, PQ("a") "<nocharacteristic type=\"b\"/>",
             CP_E_UNSUPPORTED, NULL);
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/b"), CP_OK);
    host_run(f->ctx, MGR, PQ("a") PQ("c") PQ("b"), CP_OK, NULL);
}

/* The answer is the entry; the caller's roles are checked on each call. */
static void test_f_roles(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_entry(f->ctx, "HOST/net", CP_RW_READ | CP_RW_WRITE, MGR | OP,
               CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    host_run(f->ctx, UA, LEARN, CP_E_ACCESS_DENIED,
             "access denied to HOST/net/a: roles 0x10");
    host_run(f->ctx, OP, LEARN P("b", "1"), CP_OK, NULL);
    host_run(f->ctx, UNAUTH | CP_ROLE_ANY_PUSH_SOURCE, PQ("a"),
             CP_E_ACCESS_DENIED, "access denied to HOST/net/a");
    host_run(f->ctx, UI, LEARN, CP_OK, NULL);
    host_run(f->ctx, PUSHED, LEARN, CP_OK, NULL);
    host_run(f->ctx, UA, PQ("b"), CP_E_ACCESS_DENIED,
             "access denied to HOST/net/b");
    host_run(f->ctx, UA | OP, LEARN, CP_OK, NULL);
    /* grant policy 4120 gives USER_AUTH's caller nothing more here */
    host_run(f->ctx, CP_ROLE_USER_UNAUTH, LEARN, CP_E_ACCESS_DENIED, NULL);
}

/* cp_meta_set / cp_meta_remove between calls: the parent, above, below. */
static void test_f_api_between_calls(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    host_entry(f->ctx, "HOST/net", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN, CP_E_ACCESS_DENIED,
             "HOST/net/a is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net"), CP_OK);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    host_entry(f->ctx, "host", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN, CP_E_ACCESS_DENIED,
             "HOST/net/a is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, "HOST"), CP_OK);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    host_entry(f->ctx, "HOST/net", CP_RW_READ | CP_RW_WRITE, 0, CP_DT_BOOLEAN);
    host_run(f->ctx, MGR, P("a", "1") P("c", "2"), CP_E_BAD_DOC,
             "HOST/net/c takes a boolean");
    host_entry(f->ctx, "HOST/net", CP_RW_READ | CP_RW_WRITE, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, P("a", "1") P("c", "2"), CP_OK, NULL);
    /* an entry below the leaves does not touch them, only its own path */
    host_entry(f->ctx, "HOST/net/x/y", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("x", "1"), CP_OK, NULL);
    host_run(f->ctx, MGR, LEARN P("x/y", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/x/y is not writable");
    host_entry(f->ctx, "HOST/other/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    {
        cp_meta m;
        int exact = 1;
        assert_int_equal(cp_meta_get(f->ctx, "HOST/net/zz", &m, &exact),
                         CP_OK);
        assert_int_equal(exact, 0);
        assert_int_equal(m.rw, CP_RW_READ | CP_RW_WRITE);
        host_entry(f->ctx, "HOST/net/zz", CP_RW_WRITE, 0, CP_DT_UNKNOWN);
        assert_int_equal(cp_meta_get(f->ctx, "host/net\\ZZ", &m, &exact),
                         CP_OK);
        assert_int_equal(exact, 1);
        assert_int_equal(m.rw, CP_RW_WRITE);
        assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/zz"), CP_OK);
        assert_int_equal(cp_meta_get(f->ctx, "HOST/net/zz", &m, &exact),
                         CP_OK);
        assert_int_equal(exact, 0);
        assert_int_equal(m.rw, CP_RW_READ | CP_RW_WRITE);
    }
}

#define MB_SET(path, rw)                                                    \
    "<characteristic type=\"Metabase\"><characteristic type=\"" path "\">" \
    "<parm name=\"rw-access\" value=\"" rw "\"/></characteristic>"          \
    "</characteristic>"
#define MB_DEL(path)                                                       \
    "<characteristic type=\"Metabase\"><nocharacteristic type=\"" path    \
    "\"/></characteristic>"
#define HOST_NET(body)                                                     \
    "<characteristic type=\"HOST\"><characteristic type=\"net\">" body    \
    "</characteristic></characteristic>"

/* Process DOC(xml) as MANAGER: status st, and out holds what (or NULL). */
static void mgr_run(cp_ctx *ctx, const char *xml, cp_status st,
                    const char *what)
{
    char *out = NULL;
    cp_status got = tu_proc(ctx, MGR, xml, &out);
    if (got != st)
        print_error("%s:\nstatus %d (want %d): %s\n", xml, got, st,
                    out ? out : "(none)");
    assert_int_equal(got, st);
    if (what != NULL)
        contains(out, what);
    free(out);
}

/* A document that writes the metabase, then parms under what it set. */
static void test_f_metabase_same_document(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    mgr_run(f->ctx, DOC(MB_SET("HOST/net/b", "1") HOST_NET(LEARN P("b", "1"))),
            CP_E_ACCESS_DENIED, "HOST/net/b is not writable");
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL); /* rolled back */
    mgr_run(f->ctx, DOC(MB_SET("HOST/net", "1") HOST_NET(LEARN)),
            CP_E_ACCESS_DENIED, "HOST/net/a is not writable");
    mgr_run(f->ctx, DOC(MB_SET("HOST", "1") HOST_NET(LEARN)),
            CP_E_ACCESS_DENIED, "HOST/net/a is not writable");
    mgr_run(f->ctx, DOC(MB_SET("host/NET/B", "1") HOST_NET(P("a", "1")
                                                           P("B", "1"))),
            CP_E_ACCESS_DENIED, "HOST/net/B is not writable");
    mgr_run(f->ctx, DOC(HOST_NET(LEARN P("b", "1")) MB_SET("HOST/net/b", "1")),
            CP_OK, NULL);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    /* removed in the document: the pre-pass saw it (before anything ran) */
    mgr_run(f->ctx, DOC(MB_DEL("HOST/net/b") HOST_NET(LEARN P("b", "1"))),
            CP_E_ACCESS_DENIED, "HOST/net/b is not writable");
    mgr_run(f->ctx, DOC(MB_DEL("HOST/net/b") HOST_NET(LEARN)), CP_OK, NULL);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    /* the value rules an entry set in the same document gives */
    mgr_run(f->ctx,
            DOC("<characteristic type=\"Metabase\"><characteristic "
                "type=\"HOST/net\"><parm name=\"datatype\" value=\"integer\"/>"
                "<parm name=\"maxvalue\" value=\"5\"/></characteristic>"
                "</characteristic>" HOST_NET(P("a", "1") P("c", "7"))),
            CP_E_BAD_DOC, "value of HOST/net/c out of range");
    host_run(f->ctx, MGR, P("a", "1") P("c", "7"), CP_OK, NULL);
    /* the Metabase locked by its own first entry: the next one refused */
    mgr_run(f->ctx,
            DOC("<characteristic type=\"Metabase\"><characteristic "
                "type=\"Metabase\"><parm name=\"rw-access\" value=\"1\"/>"
                "</characteristic><characteristic type=\"HOST/net/b\">"
                "<parm name=\"rw-access\" value=\"1\"/><parm "
                "name=\"access-role\" value=\"8\"/></characteristic>"
                "</characteristic>"),
            CP_E_ACCESS_DENIED, "Metabase/HOST/net/b/rw-access is not");
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    /* a name past the longest setting path */
    {
        char body[1200];
        memset(body, 'n', sizeof body);
        memcpy(body, "<parm name=\"", 12);
        /* the end of the element and its NUL */
        memcpy(body + sizeof body - 20, "\" value=\"1\"/>", 14);
        host_run(f->ctx, MGR, body, CP_E_LIMIT, "setting path longer than");
    }
}

/* A document that changed the metabase and failed: rolled back, the
   entries in force are the stored ones again. */
static void test_f_rollback(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_entry(f->ctx, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    mgr_run(f->ctx, DOC(MB_DEL("HOST/net/b") HOST_NET(LEARN P("d", "fail"))),
            CP_E_CSP, NULL);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/b"), CP_OK);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    mgr_run(f->ctx, DOC(MB_SET("HOST/net/b", "1") HOST_NET(LEARN P("d", "fail"))),
            CP_E_CSP, NULL);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    mgr_run(f->ctx, DOC(MB_SET("HOST/net", "1") HOST_NET(P("d", "fail"))),
            CP_E_ACCESS_DENIED, NULL);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    /* a commit that fails to store */
    host_entry(f->ctx, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    f->ms.fail_saves = 1;
    mgr_run(f->ctx, DOC(MB_DEL("HOST/net/b") HOST_NET(LEARN)), CP_E_STORAGE,
            NULL);
    f->ms.fail_saves = 0;
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
}

/* No-op storage lock hooks: each call then reads the store afresh. */
static cp_status lk_lock(void *user)
{
    (void)user;
    return CP_OK;
}

static void lk_unlock(void *user)
{
    (void)user;
}

/* A device that shares its store with others (cp_storage_ext.lock). */
static cp_ctx *device_locked(memstore *ms)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    ms_attach(&cfg, ms);
    cfg.storage_ext.lock = lk_lock;
    cfg.storage_ext.unlock = lk_unlock;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(ctx), CP_OK);
    host_register(ctx);
    return ctx;
}

/* Two contexts on one store, each call reading it afresh; a stored
   metabase damaged under a context that holds the cache. */
static void test_f_contexts_and_reload(void **state)
{
    fixture *f = *state;
    cp_ctx *c1, *c2;
    size_t len = 0;
    uint8_t *copy;
    const uint8_t *blob;
    NEED_XML();
    c1 = device_locked(&f->ms);
    c2 = device_locked(&f->ms);
    host_run(c1, MGR, LEARN, CP_OK, NULL);
    host_run(c2, MGR, LEARN, CP_OK, NULL);
    host_entry(c2, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(c2, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    host_run(c1, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    assert_int_equal(cp_meta_remove(c1, "HOST/net/b"), CP_OK);
    host_run(c2, MGR, LEARN P("b", "1"), CP_OK, NULL);
    host_run(c1, MGR, LEARN P("b", "1"), CP_OK, NULL);
    mgr_run(c2, DOC(MB_SET("HOST/net", "1")), CP_OK, NULL);
    host_run(c1, MGR, LEARN, CP_E_ACCESS_DENIED, "HOST/net/a is not writable");
    assert_int_equal(cp_meta_remove(c2, "HOST/net"), CP_OK);
    host_run(c1, MGR, LEARN, CP_OK, NULL);
    /* damaged while c1 holds the cache */
    host_entry(c2, "HOST/other", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(c1, MGR, LEARN, CP_OK, NULL);
    blob = ms_get(&f->ms, "metabase", &len);
    assert_non_null(blob);
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, blob, len);
    copy[len / 2] ^= 0x40;
    ms_put(&f->ms, "metabase", copy, len);
    free(copy);
    host_run(c1, MGR, LEARN, CP_E_CORRUPT, "metabase is damaged");
    host_run(c1, MGR, PQ("a"), CP_E_CORRUPT, "metabase is damaged");
    host_run(c1, UI, LEARN, CP_OK, NULL);
    host_run(c1, MGR, LEARN, CP_E_CORRUPT, "metabase is damaged");
    host_entry(c2, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(c1, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    host_run(c1, MGR, LEARN, CP_OK, NULL);
    cp_ctx_free(c1);
    cp_ctx_free(c2);
}

/* The metabase's hash of a path (FNV-1a, 0x20 set, '\\' as '/'): the bit
   of the 256 a parent path takes is its low octet. */
static uint32_t path_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        uint8_t o = (uint8_t)*s;
        h = (h ^ (o == '\\' ? (uint32_t)'/' : (uint32_t)(o | 0x20u))) *
            16777619u;
    }
    return h;
}

/* Parents whose hashes share a bit; removal, growth and a reload. */
static void test_f_parent_bits(void **state)
{
    fixture *f = *state;
    char other[64], path[80];
    unsigned i, found = 0;
    cp_ctx *c2;
    NEED_XML();
    host_register(f->ctx);
    for (i = 0; i < 100000 && !found; i++) {
        snprintf(other, sizeof other, "HOST/c%u", i);
        found = (path_hash(other) & 0xFF) == (path_hash("HOST/net") & 0xFF);
    }
    assert_true(found);
    /* the other parent's entry alone: no fast answer, the same one */
    snprintf(path, sizeof path, "%s/k", other);
    host_entry(f->ctx, path, CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    host_entry(f->ctx, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, path), CP_OK); /* same bit */
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    /* the table grows past 16, 32 and 64 slots */
    for (i = 0; i < 40; i++) {
        snprintf(path, sizeof path, "HOST/g%u/k", i);
        host_entry(f->ctx, path, CP_RW_READ, 0, CP_DT_UNKNOWN);
        host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
                 "HOST/net/b is not writable");
    }
    for (i = 0; i < 40; i += 3) {
        snprintf(path, sizeof path, "HOST/g%u/k", i);
        assert_int_equal(cp_meta_remove(f->ctx, path), CP_OK);
    }
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    snprintf(path, sizeof path, "%s/k", other);
    host_entry(f->ctx, path, CP_RW_READ, 0, CP_DT_UNKNOWN);
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/b"), CP_OK);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    snprintf(path, sizeof path, "%s/c", other);
    host_entry(f->ctx, path, CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_run(f->ctx, MGR, LEARN P("b", "1"), CP_OK, NULL);
    host_entry(f->ctx, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    /* the table as loaded from the store by another context */
    c2 = device(&f->ms);
    host_register(c2);
    host_run(c2, MGR, LEARN P("b", "1"), CP_E_ACCESS_DENIED,
             "HOST/net/b is not writable");
    host_run(c2, MGR, LEARN, CP_OK, NULL);
    cp_ctx_free(c2);
}

/* Built-in entries: secrets (rw only) and the policies' datatype. */
static void test_f_builtin_entries(void **state)
{
    fixture *f = *state;
    NEED_XML();
    mgr_run(f->ctx,
            DOC("<characteristic type=\"NAPDEF\"><characteristic type=\"N1\">"
                "<characteristic type=\"NAPAUTHINFO\">"
                "<parm-query name=\"AUTHTYPE\"/><parm-query name=\"AUTHNAME\"/>"
                "<parm-query name=\"AUTHSECRET\"/></characteristic>"
                "</characteristic></characteristic>"),
            CP_E_ACCESS_DENIED, "AUTHSECRET is not readable");
    mgr_run(f->ctx,
            DOC("<characteristic type=\"APPLICATION\"><characteristic "
                "type=\"w2\"><characteristic type=\"APPAUTH\">"
                "<parm-query name=\"AAUTHNAME\"/>"
                "<parm-query name=\"AAUTHDATA\"/></characteristic>"
                "</characteristic></characteristic>"),
            CP_E_ACCESS_DENIED, "AAUTHDATA is not readable");
    mgr_run(f->ctx,
            DOC("<characteristic type=\"SecurityPolicy\">"
                "<parm name=\"4141\" value=\"1\"/><parm name=\"4142\" "
                "value=\"1\"/><parm name=\"4143\" value=\"yes\"/>"
                "</characteristic>"),
            CP_E_BAD_DOC, "takes a decimal integer");
    mgr_run(f->ctx,
            DOC("<characteristic type=\"SecurityPolicy\">"
                "<parm name=\"4097\" value=\"1\"/><parm name=\"4097\" "
                "value=\"2\"/>"
                "</characteristic>"),
            CP_OK, NULL);
}

/* CP_METADATA answers each parm's entry in force. */
static void test_f_metadata(void **state)
{
    fixture *f = *state;
    char *out = NULL;
    NEED_XML();
    host_register(f->ctx);
    host_entry(f->ctx, "HOST/net/ab", CP_RW_READ, 0, CP_DT_UNKNOWN);
    host_entry(f->ctx, "HOST/net/x", CP_RW_READ | CP_RW_WRITE, 0,
               CP_DT_INTEGER);
    assert_int_equal(
        tu_proc_flags(f->ctx, MGR,
                      DOC(HOST_NET(P("x/y", "1") P("x/z", "2") P("ab", "3")
                                       P("cd", "4"))),
                      CP_METADATA, &out),
        CP_OK);
    contains(out, "name=\"x/z\" value=\"2\" datatype=\"integer\" "
                  "rw-access=\"3\"");
    contains(out, "name=\"ab\" value=\"3\" rw-access=\"1\"");
    contains(out, "name=\"cd\" value=\"4\" rw-access=\"3\"");
    free(out);
}


/* The characteristic spelled in other capitals; top-level elements. */
static void test_f_other_spellings_and_top(void **state)
{
    fixture *f = *state;
    NEED_XML();
    host_register(f->ctx);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    host_entry(f->ctx, "HOST/net/b", CP_RW_READ, 0, CP_DT_UNKNOWN);
    mgr_run(f->ctx,
            DOC("<characteristic type=\"host\"><characteristic type=\"NET\">"
                LEARN P("b", "1") "</characteristic></characteristic>"),
            CP_E_ACCESS_DENIED, "HOST/NET/b is not writable");
    mgr_run(f->ctx,
            DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
                LEARN "</characteristic><characteristic type=\"Net\">"
                P("b", "1") "</characteristic></characteristic>"),
            CP_E_ACCESS_DENIED, "HOST/Net/b is not writable");
    mgr_run(f->ctx,
            DOC("<characteristic type=\"HOST\"><characteristic type=\"net\">"
                LEARN "<characteristic type=\"d\">" P("a", "1")
                "</characteristic>" P("b", "1")
                "</characteristic></characteristic>"),
            CP_E_ACCESS_DENIED, "HOST/net/b is not writable");
    assert_int_equal(cp_meta_remove(f->ctx, "HOST/net/b"), CP_OK);
    host_run(f->ctx, MGR, LEARN, CP_OK, NULL);
    host_entry(f->ctx, "HOST", CP_RW_WRITE, 0, CP_DT_UNKNOWN);
    mgr_run(f->ctx, DOC("<characteristic-query type=\"HOST\"/>"),
            CP_E_ACCESS_DENIED, "HOST is not readable");
    host_entry(f->ctx, "HOST", CP_RW_READ, 0, CP_DT_UNKNOWN);
    mgr_run(f->ctx, DOC("<nocharacteristic type=\"HOST\"/>"),
            CP_E_ACCESS_DENIED, "HOST is not writable");
    host_run(f->ctx, MGR, LEARN, CP_E_ACCESS_DENIED,
             "HOST/net/a is not writable");
    host_run(f->ctx, MGR, PQ("a") PQ("c"), CP_OK, NULL);
}


/* PROV names with one lower-case letter at each place (the settings CSP
   looks for one four octets a step): each is refused. */
static void test_f_prov_name_one_lower(void **state)
{
    static const char *const names[] = {"NAPID", "BEARER", "CALLTYPE",
                                        "NAP-ADDRESS", "NAP-ADDRTYPE",
                                        "LOCAL-ADDRTYPE", "LINGER"};
    fixture *f = *state;
    size_t i, k;
    NEED_XML();
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        for (k = 0; names[i][k] != '\0'; k++) {
            char name[32], in[256], *out = NULL;
            cp_status st;
            if (names[i][k] < 'A' || names[i][k] > 'Z')
                continue;
            snprintf(name, sizeof name, "%s", names[i]);
            name[k] = (char)(name[k] - 'A' + 'a');
            snprintf(in, sizeof in,
                     DOC("<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" "
                         "value=\"N1\"/><parm name=\"%s\" value=\"1\"/>"
                         "</characteristic>"),
                     name);
            st = tu_proc(f->ctx, MGR, in, &out);
            if (st != CP_E_BAD_DOC)
                print_error("%s: status %d: %s\n", name, st, out ? out : "");
            assert_int_equal(st, CP_E_BAD_DOC);
            contains(out, "not the canonical spelling");
            free(out);
        }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, tu_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_a_query_types_hide_secrets),
        T(test_a_query_addressed_and_nested),
        T(test_a_parm_query_secret),
        T(test_a_host_entry_holds_in_query),
        T(test_b_delete_protected_subtree),
        T(test_b_delete_allowed_when_writable),
        T(test_b_delete_unqueryable_csp),
        T(test_c_policy_id_spellings),
        T(test_c_prov_name_case),
        T(test_c_non_prov_type_names),
        T(test_c_metabase_case),
        T(test_d_secret_defaults),
        T(test_d_secret_writable),
        T(test_d_secret_metabase_csp),
        T(test_e_damaged_metabase),
        T(test_f_parent_below_characteristic),
        T(test_f_parm_names),
        T(test_f_element_kinds),
        T(test_f_roles),
        T(test_f_api_between_calls),
        T(test_f_metabase_same_document),
        T(test_f_rollback),
        T(test_f_contexts_and_reload),
        T(test_f_parent_bits),
        T(test_f_builtin_entries),
        T(test_f_metadata),
        T(test_f_other_spellings_and_top),
        T(test_f_prov_name_one_lower),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
