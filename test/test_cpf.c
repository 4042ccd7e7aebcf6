/*
 * test_cpf.c - .cpf files end to end (issue 15), with cabinets packed by
 * gcab and signed by osslsigncode, certificates made by openssl
 * (test/cpf_fixtures.sh). Without those tools the tests that need them
 * skip, saying so; CI installs them. A NO_CPF build checks that every
 * entry point says CP_E_UNSUPPORTED.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "omacp.h"
#include "support/memstore.h"
#include "support/testutil.h"

static char fx_dir[256];
static int fx_state; /* 0 not tried, 1 made, -1 tools absent */

static int fixtures(void)
{
    char cmd[600];
    int rc;
    if (fx_state)
        return fx_state > 0;
    snprintf(fx_dir, sizeof fx_dir, "%s/omacp-cpf-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(fx_dir) == NULL) {
        fx_state = -1;
        return 0;
    }
    snprintf(cmd, sizeof cmd, "sh test/cpf_fixtures.sh '%s' >&2", fx_dir);
    rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "test_cpf: SKIPPED the tests with real .cpf files: "
                        "gcab, osslsigncode and openssl are needed "
                        "(make deps installs them)\n");
        fx_state = -1;
        return 0;
    }
    fx_state = 1;
    return 1;
}

/* A NO_CPF build skips them (test_audit_and_args checks CP_E_UNSUPPORTED),
   and so does NO_XML: _setup.xml is XML text. */
#if defined(CP_NO_CPF) || defined(CP_NO_XML)
#define HAVE_CPF 0
#else
#define HAVE_CPF 1
#endif
#define NEED_FIXTURES()                 \
    do {                                \
        if (!HAVE_CPF || !fixtures()) { \
            skip();                     \
            return;                     \
        }                               \
    } while (0)

static uint8_t *fx(const char *name, size_t *len)
{
    char path[512];
    uint8_t *p;
    snprintf(path, sizeof path, "%s/%s", fx_dir, name);
    p = tu_read_file(path, len);
    assert_non_null(p);
    return p;
}

typedef struct dev {
    memstore m;
    cp_ctx *ctx;
} dev;

static void dev_open(dev *d, size_t max_doc)
{
    cp_config cfg;
    ms_init(&d->m);
    cp_config_init(&cfg);
    ms_attach(&cfg, &d->m);
    if (max_doc)
        cfg.limits.max_doc_bytes = max_doc;
    assert_int_equal(cp_ctx_new(&cfg, &d->ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(d->ctx), CP_OK);
}

static void dev_close(dev *d)
{
    cp_ctx_free(d->ctx);
    ms_free(&d->m);
}

static void trust_root(dev *d, uint32_t roles)
{
    size_t n;
    uint8_t *c = fx("root.pem", &n);
    assert_int_equal(cp_spc_add_cert(d->ctx, c, n, roles), CP_OK);
    free(c);
}

/* Process file; returns the status, fills *v. */
static cp_status run_v(dev *d, const uint8_t *p, size_t n, unsigned flags,
                       cp_cpf_verdict *v)
{
    char *out = NULL;
    size_t out_len = 0;
    cp_status st;
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    st = cp_process_cpf_ex(d->ctx, p, n, flags ? flags : CP_PROCESS, NULL, v,
                           &out, &out_len);
    cp_free(d->ctx, out);
    return st;
}

static cp_status run_file(dev *d, const char *name, cp_cpf_verdict *v)
{
    size_t n;
    uint8_t *p = fx(name, &n);
    cp_status st = run_v(d, p, n, 0, v);
    free(p);
    return st;
}

static void audit_count(void *user, const cp_cpf_verdict *v)
{
    int *n = user;
    (*n)++;
    assert_true(v->reason[0] != '\0');
}

/* ---- the list ---------------------------------------------------- */

static void test_known_signer_applied_with_its_roles(void **state)
{
    static const char *const files[] = {"signed.cab", "signed_sha1.cab",
                                        "signed_stored.cab", "signed_b.cab"};
    dev d;
    cp_cpf_verdict v;
    size_t i;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    trust_root(&d, CP_ROLE_MANAGER);
    for (i = 0; i < 4; i++) {
        assert_int_equal(run_file(&d, files[i], &v), CP_OK);
        assert_int_equal(v.signature, CP_CPF_KNOWN);
        assert_int_equal(v.outcome, CP_OUTCOME_APPLIED);
        assert_int_equal(v.roles, CP_ROLE_MANAGER);
        assert_string_equal(v.signer, "CN=libomacp Test Signer");
    }
    assert_string_equal(v.digest, "SHA256");
    dev_close(&d);
}

static void test_known_signer_by_thumbprint(void **state)
{
    dev d;
    cp_cpf_verdict v;
    size_t n;
    uint8_t *c;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    /* the signer certificate itself, pinned by its thumbprint */
    assert_int_equal(run_file(&d, "signed.cab", &v), CP_E_ACCESS_DENIED);
    assert_int_equal(v.signature, CP_CPF_UNKNOWN);
    assert_int_equal(cp_spc_add(d.ctx, v.signer_sha1, CP_ROLE_MANAGER), CP_OK);
    assert_int_equal(run_file(&d, "signed.cab", &v), CP_OK);
    assert_int_equal(v.signature, CP_CPF_KNOWN);
    assert_memory_equal(v.anchor_sha1, v.signer_sha1, 20);
    /* the certificate form of the same entry keeps working, DER too */
    c = fx("signer.der", &n);
    assert_int_equal(cp_spc_add_cert(d.ctx, c, n, CP_ROLE_OPERATOR), CP_OK);
    free(c);
    assert_int_equal(run_file(&d, "signed.cab", &v), CP_OK);
    assert_int_equal(v.roles, CP_ROLE_OPERATOR);
    dev_close(&d);
}

static void test_unknown_signer_gets_4101(void **state)
{
    dev d;
    cp_cpf_verdict v;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    trust_root(&d, CP_ROLE_MANAGER);
    assert_int_equal(run_file(&d, "unknown.cab", &v), CP_E_ACCESS_DENIED);
    assert_int_equal(v.signature, CP_CPF_UNKNOWN);
    assert_int_equal(v.roles, CP_ROLE_USER_AUTH); /* 4101 default */
    assert_int_equal(v.outcome, CP_OUTCOME_ROLLED_BACK);
    assert_int_equal(cp_policy_set(d.ctx, CP_POLICY_UNSIGNED_CABS,
                                   CP_ROLE_MANAGER, CP_ROLE_EXEMPT), CP_OK);
    assert_int_equal(run_file(&d, "unknown.cab", &v), CP_OK);
    assert_int_equal(v.roles, CP_ROLE_MANAGER);
    dev_close(&d);
}

static void test_unsigned_gets_4101(void **state)
{
    dev d;
    cp_cpf_verdict v;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    assert_int_equal(run_file(&d, "unsigned.cab", &v), CP_E_ACCESS_DENIED);
    assert_int_equal(v.signature, CP_CPF_UNSIGNED);
    assert_int_equal(v.roles, CP_ROLE_USER_AUTH);
    assert_int_equal(cp_policy_set(d.ctx, CP_POLICY_UNSIGNED_CABS, 0,
                                   CP_ROLE_EXEMPT), CP_OK);
    assert_int_equal(run_file(&d, "unsigned.cab", &v), CP_E_REFUSED);
    assert_int_equal(v.outcome, CP_OUTCOME_REFUSED);
    assert_int_equal(run_file(&d, "unknown.cab", &v), CP_E_REFUSED);
    assert_int_equal(cp_policy_set(d.ctx, CP_POLICY_UNSIGNED_CABS,
                                   CP_ROLE_MANAGER, CP_ROLE_EXEMPT), CP_OK);
    assert_int_equal(run_file(&d, "stored.cab", &v), CP_OK);
    dev_close(&d);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Every octet of the signed range, flipped: never accepted. */
static void test_flipped_byte_refused(void **state)
{
    dev d;
    cp_cpf_verdict v;
    size_t n, i, refused = 0, sig;
    uint8_t *p;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    trust_root(&d, CP_ROLE_MANAGER);
    /* unsigned files get no roles: nothing can pass as "unsigned" */
    assert_int_equal(cp_policy_set(d.ctx, CP_POLICY_UNSIGNED_CABS, 0,
                                   CP_ROLE_EXEMPT), CP_OK);
    p = fx("signed.cab", &n);
    sig = le32(p + 44);
    assert_true(sig > 60 && sig < n);
    for (i = 0; i < n; i++) {
        cp_status st;
        p[i] ^= 0x01;
        st = run_v(&d, p, n, 0, &v);
        p[i] ^= 0x01;
        if (i >= sig && st == CP_OK) {
            /* in the PKCS#7 but outside what it signs (the copy of the
               root it carries, say): the same signer, the same roles */
            assert_int_equal(v.roles, CP_ROLE_MANAGER);
            assert_string_equal(v.signer, "CN=libomacp Test Signer");
            continue;
        }
        if (st == CP_OK)
            fail_msg("octet %lu flipped: accepted", (unsigned long)i);
        assert_int_not_equal(v.outcome, CP_OUTCOME_APPLIED);
        if (st == CP_E_REFUSED)
            refused++;
        else
            assert_true(st == CP_E_MALFORMED || st == CP_E_LIMIT);
    }
    /* the header's undigested fields are MALFORMED, the rest REFUSED */
    assert_true(refused + 40 >= sig);
    assert_int_equal(run_v(&d, p, n, 0, &v), CP_OK);
    free(p);
    dev_close(&d);
}

/* The signature of signed_b.cab pasted into signed.cab. */
static void test_pasted_signature_refused(void **state)
{
    dev d;
    cp_cpf_verdict v;
    size_t na, nb, off_a, off_b, len_b;
    uint8_t *a, *b, *c;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    trust_root(&d, CP_ROLE_MANAGER);
    a = fx("signed.cab", &na);
    b = fx("signed_b.cab", &nb);
    off_a = le32(a + 44);
    off_b = le32(b + 44);
    len_b = le32(b + 48);
    c = malloc(off_a + len_b);
    assert_non_null(c);
    memcpy(c, a, off_a);
    memcpy(c + off_a, b + off_b, len_b);
    c[48] = (uint8_t)len_b;
    c[49] = (uint8_t)(len_b >> 8);
    assert_int_equal(run_v(&d, c, off_a + len_b, 0, &v), CP_E_REFUSED);
    assert_int_equal(v.signature, CP_CPF_BAD);
    assert_non_null(strstr(v.reason, "digest"));
    /* the signature cut off: refused, not unsigned */
    assert_int_equal(run_v(&d, a, na - 8, 0, &v), CP_E_REFUSED);
    free(a);
    free(b);
    free(c);
    dev_close(&d);
}

static void test_member_errors(void **state)
{
    dev d;
    cp_cpf_verdict v;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 4096);
    trust_root(&d, CP_ROLE_MANAGER);
    assert_int_equal(run_file(&d, "two.cab", &v), CP_E_MALFORMED);
    assert_non_null(strstr(cp_ctx_error_message(d.ctx), "2 members"));
    assert_int_equal(run_file(&d, "signed_two.cab", &v), CP_E_MALFORMED);
    assert_int_equal(v.outcome, CP_OUTCOME_MALFORMED);
    assert_int_equal(run_file(&d, "dotdot.cab", &v), CP_E_MALFORMED);
    assert_non_null(strstr(cp_ctx_error_message(d.ctx), "path"));
    assert_int_equal(run_file(&d, "big.cab", &v), CP_E_LIMIT);
    assert_non_null(strstr(cp_ctx_error_message(d.ctx), "limit"));
    dev_close(&d);
}

/* A member that lies about its size: caught while decompressing. */
static void test_lying_member_size(void **state)
{
    dev d;
    cp_cpf_verdict v;
    size_t n;
    uint8_t *p;
    uint32_t coff;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    assert_int_equal(cp_policy_set(d.ctx, CP_POLICY_UNSIGNED_CABS,
                                   CP_ROLE_MANAGER, CP_ROLE_EXEMPT), CP_OK);
    p = fx("big.cab", &n);
    coff = le32(p + 16); /* CFFILE: cbFile first */
    p[coff] = 0x10; /* declares far fewer octets than it holds */
    p[coff + 1] = 0x00;
    p[coff + 2] = 0x00;
    p[coff + 3] = 0x00;
    assert_int_not_equal(run_v(&d, p, n, 0, &v), CP_OK);
    p[coff + 2] = 0x10; /* more than it holds */
    assert_int_not_equal(run_v(&d, p, n, 0, &v), CP_OK);
    /* truncated anywhere */
    assert_int_equal(run_v(&d, p, n / 2, 0, &v), CP_E_MALFORMED);
    assert_int_equal(run_v(&d, p, 20, 0, &v), CP_E_MALFORMED);
    free(p);
    dev_close(&d);
}

/* Rule: an expired signer on a chain to the store refuses the file. */
static void test_expired_certificate_refused(void **state)
{
    dev d;
    cp_cpf_verdict v;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    trust_root(&d, CP_ROLE_MANAGER);
    assert_int_equal(run_file(&d, "expired.cab", &v), CP_E_REFUSED);
    assert_int_equal(v.signature, CP_CPF_BAD);
    assert_non_null(strstr(v.reason, "expired"));
    /* a device without a trustworthy clock may skip the dates */
    {
        size_t n;
        uint8_t *p = fx("expired.cab", &n);
        assert_int_equal(run_v(&d, p, n, CP_PROCESS | CP_CPF_NO_TIME_CHECK, &v),
                         CP_OK);
        assert_int_equal(v.roles, CP_ROLE_MANAGER);
        free(p);
    }
    dev_close(&d);
}

/* A damaged SPC blob: signed files get no roles; unsigned still 4101. */
static void test_damaged_spc_store(void **state)
{
    dev d;
    cp_cpf_verdict v;
    size_t n;
    uint8_t *blob, sha1[20];
    uint32_t roles;
    const uint8_t *b;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    trust_root(&d, CP_ROLE_MANAGER);
    assert_int_equal(cp_spc_get(d.ctx, 0, sha1, &roles), CP_OK);
    b = ms_get(&d.m, "spc", &n);
    assert_non_null(b);
    assert_int_equal(b[5], 2); /* format 2: with certificates */
    blob = malloc(n);
    memcpy(blob, b, n);
    blob[n - 1] ^= 0xFF;
    cp_ctx_free(d.ctx);
    d.ctx = NULL;
    ms_put(&d.m, "spc", blob, n);
    free(blob);
    {
        cp_config cfg;
        cp_config_init(&cfg);
        ms_attach(&cfg, &d.m);
        assert_int_equal(cp_ctx_new(&cfg, &d.ctx), CP_OK);
        assert_int_equal(cp_csp_register_builtins(d.ctx), CP_OK);
    }
    assert_int_equal(run_file(&d, "signed.cab", &v), CP_E_CORRUPT);
    assert_int_equal(v.outcome, CP_OUTCOME_REFUSED);
    assert_int_equal(run_file(&d, "unsigned.cab", &v), CP_E_ACCESS_DENIED);
    /* the damaged store reads as empty: there is no signer to remove, and
       trying does not recover it; the message says what does */
    assert_int_equal(cp_spc_remove(d.ctx, sha1), CP_E_NOT_FOUND);
    assert_int_equal(run_file(&d, "signed.cab", &v), CP_E_CORRUPT);
    assert_non_null(strstr(cp_ctx_error_message(d.ctx), "adds a signer"));
    trust_root(&d, CP_ROLE_MANAGER); /* rewrites the store */
    assert_int_equal(run_file(&d, "signed.cab", &v), CP_OK);
    dev_close(&d);
}

static void test_spc_certificates(void **state)
{
    dev d;
    cp_spc_info info;
    size_t n;
    uint8_t *c, sha1[20];
    uint32_t roles;
    (void)state;
    NEED_FIXTURES();
    dev_open(&d, 0);
    memset(sha1, 0xAB, 20);
    assert_int_equal(cp_spc_add(d.ctx, sha1, CP_ROLE_OPERATOR), CP_OK);
    trust_root(&d, CP_ROLE_MANAGER);
    info.struct_size = sizeof info;
    assert_int_equal(cp_spc_get_info(d.ctx, 0, &info), CP_OK);
    assert_int_equal(info.cert_len, 0);
    assert_string_equal(info.subject, "");
    info.struct_size = sizeof info;
    assert_int_equal(cp_spc_get_info(d.ctx, 1, &info), CP_OK);
    assert_string_equal(info.subject, "CN=libomacp Test Root");
    assert_true(info.cert_len > 100);
    assert_int_equal(cp_spc_get(d.ctx, 1, sha1, &roles), CP_OK);
    assert_memory_equal(sha1, info.sha1, 20);
    info.struct_size = 8;
    assert_int_equal(cp_spc_get_info(d.ctx, 1, &info), CP_E_VERSION);
    info.struct_size = sizeof info;
    assert_int_equal(cp_spc_get_info(d.ctx, 2, &info), CP_E_NOT_FOUND);
    /* reloaded from storage: the same */
    assert_int_equal(cp_state_load(d.ctx), CP_OK);
    info.struct_size = sizeof info;
    assert_int_equal(cp_spc_get_info(d.ctx, 1, &info), CP_OK);
    assert_string_equal(info.subject, "CN=libomacp Test Root");
    /* not a certificate */
    assert_int_equal(cp_spc_add_cert(d.ctx, (const uint8_t *)"hello", 5, 8),
                     CP_E_MALFORMED);
    c = fx("root.der", &n);
    assert_int_equal(cp_spc_add_cert(d.ctx, c, n - 1, 8), CP_E_MALFORMED);
    assert_int_equal(cp_spc_add_cert(d.ctx, c, n, 0x40000000u), CP_E_INVALID_ARG);
    free(c);
    assert_int_equal(cp_spc_remove(d.ctx, info.sha1), CP_OK);
    info.struct_size = sizeof info;
    assert_int_equal(cp_spc_get_info(d.ctx, 1, &info), CP_E_NOT_FOUND);
    dev_close(&d);
}

/* A format-1 SPC blob (0.1.0) still loads. */
static void test_spc_format1_loads(void **state)
{
    /* "CPST" kind 2 version 1, payload: count 1, thumbprint 11.., roles 8 */
    static const char hex[] = "43505354" "02" "01" "0000001A"
                              "0001" "1111111111111111111111111111111111111111"
                              "00000008";
    dev d;
    size_t n;
    uint8_t *blob = tu_hex(hex, &n), *full, sha1[20];
    uint32_t roles = 0, crc = 0xFFFFFFFFu;
    size_t i;
    int k;
    (void)state;
    full = malloc(n + 4);
    memcpy(full, blob, n);
    for (i = 0; i < n; i++) { /* CRC-32 (IEEE) */
        crc ^= full[i];
        for (k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    crc ^= 0xFFFFFFFFu;
    full[n] = (uint8_t)(crc >> 24);
    full[n + 1] = (uint8_t)(crc >> 16);
    full[n + 2] = (uint8_t)(crc >> 8);
    full[n + 3] = (uint8_t)crc;
    ms_init(&d.m);
    ms_put(&d.m, "spc", full, n + 4);
    {
        cp_config cfg;
        cp_config_init(&cfg);
        ms_attach(&cfg, &d.m);
        assert_int_equal(cp_ctx_new(&cfg, &d.ctx), CP_OK);
    }
    assert_int_equal(cp_state_load(d.ctx), CP_OK);
    assert_int_equal(cp_spc_get(d.ctx, 0, sha1, &roles), CP_OK);
    assert_int_equal(roles, 8);
    assert_int_equal(sha1[0], 0x11);
    free(blob);
    free(full);
    dev_close(&d);
}

static void test_audit_and_args(void **state)
{
    dev d;
    cp_cpf_hooks h;
    cp_cpf_verdict v;
    int count = 0;
    char *out = NULL;
    static const uint8_t junk[] = "MSCF not really";
    cp_status st;
    (void)state;
    dev_open(&d, 0);
    memset(&h, 0, sizeof h);
    h.struct_size = sizeof h;
    h.audit = audit_count;
    h.user = &count;
    v.struct_size = sizeof v;
    st = cp_process_cpf_ex(d.ctx, junk, sizeof junk, CP_PROCESS, &h, &v, &out,
                           NULL);
#ifdef CP_NO_CPF
    assert_int_equal(st, CP_E_UNSUPPORTED);
    assert_int_equal(cp_spc_add_cert(d.ctx, junk, sizeof junk, 8),
                     CP_E_UNSUPPORTED);
#else
    assert_int_equal(st, CP_E_MALFORMED);
    assert_int_equal(v.outcome, CP_OUTCOME_MALFORMED);
#endif
    assert_int_equal(count, 1);
    assert_null(out);
    assert_int_equal(cp_process_cpf(NULL, junk, 4, 0, &out, NULL),
                     CP_E_INVALID_ARG);
    assert_int_equal(cp_process_cpf(d.ctx, junk, 4, 0x80000000u, &out, NULL),
                     CP_E_INVALID_ARG);
    h.struct_size = 4;
    assert_int_equal(cp_process_cpf_ex(d.ctx, junk, 4, 0, &h, NULL, &out, NULL),
                     CP_E_VERSION);
    dev_close(&d);
}

/* Every allocation of a signed file's path fails once: no crash, no leak. */
static void test_alloc_failures(void **state)
{
    long fail;
    size_t n;
    uint8_t *p;
    (void)state;
    NEED_FIXTURES();
    p = fx("signed.cab", &n);
    for (fail = 1; fail < 2000; fail++) {
        cp_config cfg;
        tu_alloc t;
        memstore m;
        cp_ctx *ctx = NULL;
        char *out = NULL;
        cp_status st;
        ms_init(&m);
        cp_config_init(&cfg);
        ms_attach(&cfg, &m);
        tu_alloc_setup(&cfg, &t, fail);
        if (cp_ctx_new(&cfg, &ctx) == CP_OK &&
            cp_csp_register_builtins(ctx) == CP_OK) {
            st = cp_process_cpf(ctx, p, n, CP_PROCESS, &out, NULL);
            cp_free(ctx, out);
            cp_ctx_free(ctx);
            assert_int_equal(t.live, 0);
            if (st != CP_E_NOMEM && t.calls < fail) {
                ms_free(&m);
                break;
            }
        } else {
            cp_ctx_free(ctx); /* NULL when cp_ctx_new failed */
            assert_int_equal(t.live, 0);
        }
        ms_free(&m);
    }
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_and_args),
        cmocka_unit_test(test_spc_format1_loads),
        cmocka_unit_test(test_known_signer_applied_with_its_roles),
        cmocka_unit_test(test_known_signer_by_thumbprint),
        cmocka_unit_test(test_unknown_signer_gets_4101),
        cmocka_unit_test(test_unsigned_gets_4101),
        cmocka_unit_test(test_flipped_byte_refused),
        cmocka_unit_test(test_pasted_signature_refused),
        cmocka_unit_test(test_member_errors),
        cmocka_unit_test(test_lying_member_size),
        cmocka_unit_test(test_expired_certificate_refused),
        cmocka_unit_test(test_damaged_spc_store),
        cmocka_unit_test(test_spc_certificates),
        cmocka_unit_test(test_alloc_failures),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (fx_state > 0) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "test_cpf: could not remove %s\n", fx_dir);
    }
    return rc;
}
