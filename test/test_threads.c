/*
 * test_threads.c - the context's threading contract (omacp/ctx.h):
 * independent contexts may be used from different threads at the same time,
 * and a context entered by two threads at once turns the second call away
 * with CP_E_BUSY instead of racing.
 *
 * .ci/analyze also builds this file with -fsanitize=thread, where any data
 * race inside the library is a ThreadSanitizer report and fails the run.
 * Built by `make check` too (without TSan): the assertions stand on their own.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "omacp.h"
#include "support/testutil.h"

/* These tests drive the engine with XML documents: a WBXML-only build
   (NO_XML) has no XML front end, so they are skipped there. */
#ifdef CP_NO_XML
#define NEED_XML() skip()
#else
#define NEED_XML() ((void)0)
#endif

#define ROUNDS 60
#define SHARED_ROUNDS 300
#define MAC_FILE "mac_gecko_netwpin_minimal_doc.json"
#define PUSH_FILE "wsp_push_pdus.json"

#define DOC(body) "<wap-provisioningdoc>" body "</wap-provisioningdoc>"

/* The inputs every thread reads (never written once the threads run). */
typedef struct inputs {
    char *imsi;
    char *mac;
    uint8_t *body;
    size_t body_len;
    uint8_t *push_userpin, *push_netwpin;
    size_t push_userpin_len, push_netwpin_len;
} inputs;

static inputs in;

/* Statuses of one round of work, in call order. */
#define CALLS 7
typedef struct trace {
    cp_status st[ROUNDS][CALLS];
    size_t elements[ROUNDS];
    int out_ok[ROUNDS];
    char out[ROUNDS][320];
} trace;

typedef struct job {
    cp_ctx *ctx;
    int id;
    trace t;
} job;

static int setup(void **state)
{
    char *hex;
    (void)state;
    memset(&in, 0, sizeof in);
    in.imsi = tu_vector_field(MAC_FILE, "imsi");
    in.mac = tu_vector_field(MAC_FILE, "mac_hex");
    hex = tu_vector_field(MAC_FILE, "body_hex");
    if (in.imsi == NULL || in.mac == NULL || hex == NULL)
        return -1;
    in.body = tu_hex(hex, &in.body_len);
    free(hex);
    hex = tu_vector_field_n(PUSH_FILE, "pdu_hex", 0);
    if (hex == NULL)
        return -1;
    in.push_userpin = tu_hex(hex, &in.push_userpin_len);
    free(hex);
    hex = tu_vector_field_n(PUSH_FILE, "pdu_hex", 1);
    if (hex == NULL)
        return -1;
    in.push_netwpin = tu_hex(hex, &in.push_netwpin_len);
    free(hex);
    return in.body && in.push_userpin && in.push_netwpin ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    free(in.imsi);
    free(in.mac);
    free(in.body);
    free(in.push_userpin);
    free(in.push_netwpin);
    return 0;
}

static cp_ctx *new_device(cp_profile profile)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    const char *imsis[1];
    imsis[0] = in.imsi;
    cp_config_init(&cfg);
    cfg.profile = profile;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(cp_csp_register_builtins(ctx), CP_OK);
    assert_int_equal(cp_csp_register_settings(ctx, "HOST"), CP_OK);
    return ctx;
}

/* The HOST document of round i for thread id, and what its answer echoes. */
static void host_doc(char *xml, size_t cap, int id, int i)
{
    snprintf(xml, cap,
             DOC("<characteristic type=\"HOST\"><characteristic "
                 "type=\"t%d\"><parm name=\"v\" value=\"%d\"/>"
                 "<parm-query name=\"v\"/></characteristic>"
                 "</characteristic>"),
             id, i);
}

static void host_answer(char *xml, size_t cap, int id, int i)
{
    snprintf(xml, cap,
             "<characteristic type=\"t%d\"><parm name=\"v\" value=\"%d\"/>",
             id, i);
}

static cp_status push(cp_ctx *ctx, const uint8_t *pdu, size_t n)
{
    cp_push_result r;
    cp_status st;
    cp_push_result_init(&r);
    st = cp_push_process(ctx, pdu, n, NULL, NULL, &r);
    cp_free(ctx, r.output);
    return st;
}

/* One round: decode, verify (good and bad MAC), process, push twice. */
static void round_of_work(job *j, int i)
{
    const char *imsis[1];
    char xml[320], want[320], bad[41];
    char *out = NULL;
    size_t len = 0;
    cp_doc *doc = NULL;
    cp_status *st = j->t.st[i];
    imsis[0] = in.imsi;
    st[0] = cp_doc_decode_wbxml(j->ctx, in.body, in.body_len, &doc);
    j->t.elements[i] = doc ? cp_doc_element_count(doc) : 0;
    cp_doc_free(doc);
    st[1] = cp_mac_verify(j->ctx, CP_SEC_NETWPIN, imsis, 1, NULL, in.mac,
                          NULL, in.body, in.body_len, NULL);
    memcpy(bad, in.mac, 40);
    bad[40] = '\0';
    bad[i % 40] = bad[i % 40] == '0' ? '1' : '0';
    st[2] = cp_mac_verify(j->ctx, CP_SEC_NETWPIN, imsis, 1, NULL, bad, NULL,
                          in.body, in.body_len, NULL);
    host_doc(xml, sizeof xml, j->id, i);
    st[3] = cp_process_config_xml(j->ctx, xml, strlen(xml), CP_ROLE_MANAGER,
                                  0, &out, &len);
    host_answer(want, sizeof want, j->id, i);
    j->t.out_ok[i] = out != NULL && strstr(out, want) != NULL &&
                     len == strlen(out) && len < sizeof j->t.out[i];
    if (j->t.out_ok[i])
        memcpy(j->t.out[i], out, len + 1);
    cp_free(j->ctx, out);
    st[4] = push(j->ctx, in.push_netwpin, in.push_netwpin_len);
    st[5] = push(j->ctx, in.push_userpin, in.push_userpin_len);
    st[6] = cp_ctx_error_code(j->ctx) == CP_OK ? CP_OK : CP_E_INTERNAL;
}

static void *run_job(void *arg)
{
    job *j = arg;
    int i;
    for (i = 0; i < ROUNDS; i++)
        round_of_work(j, i);
    return NULL;
}

/*
 * Two contexts (one per profile), each driven by its own thread at the
 * same time, give exactly the statuses a sequential run on fresh contexts
 * gives.
 */
static void two_contexts_two_threads(void **state)
{
    NEED_XML();
    static job ref[2], par[2];
    pthread_t th[2];
    int k, i;
    (void)state;
    for (k = 0; k < 2; k++) {
        ref[k].ctx = new_device(k ? CP_PROFILE_UNBRANDED : CP_PROFILE_BRANDED);
        ref[k].id = k;
        run_job(&ref[k]);
        cp_ctx_free(ref[k].ctx);
    }
    for (k = 0; k < 2; k++) {
        par[k].ctx = new_device(k ? CP_PROFILE_UNBRANDED : CP_PROFILE_BRANDED);
        par[k].id = k;
    }
    for (k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, run_job, &par[k]), 0);
    for (k = 0; k < 2; k++)
        assert_int_equal(pthread_join(th[k], NULL), 0);
    for (k = 0; k < 2; k++) {
        for (i = 0; i < ROUNDS; i++) {
            /* independent expectations: the vector verifies, a flipped
               digit does not, the HOST document is applied and its
               settings echoed in the answer */
            assert_int_equal(par[k].t.st[i][0], CP_OK);
            assert_true(par[k].t.elements[i] >= 1);
            assert_int_equal(par[k].t.st[i][1], CP_OK);
            assert_int_equal(par[k].t.st[i][2], CP_E_NOT_AUTHENTIC);
            assert_int_equal(par[k].t.st[i][3], CP_OK);
            assert_true(par[k].t.out_ok[i]);
            /* and the rest exactly as the sequential run */
            assert_memory_equal(par[k].t.st[i], ref[k].t.st[i],
                                sizeof par[k].t.st[i]);
            assert_int_equal(par[k].t.elements[i], ref[k].t.elements[i]);
            assert_string_equal(par[k].t.out[i], ref[k].t.out[i]);
        }
        cp_ctx_free(par[k].ctx);
    }
}

/* ---- one context, two threads ----------------------------------------- */

typedef struct shared {
    cp_ctx *ctx;
    int id;
    cp_status push_status; /* what a push returns when not turned away */
    long ok, busy, other;
    cp_status first_other;
    const char *first_call;
} shared;

static void tally(shared *s, cp_status st, cp_status want, const char *call)
{
    if (st == want) {
        s->ok++;
    } else if (st == CP_E_BUSY) {
        s->busy++;
    } else {
        if (s->other++ == 0) {
            s->first_other = st;
            s->first_call = call;
        }
    }
}

static void *run_shared(void *arg)
{
    shared *s = arg;
    int i;
    for (i = 0; i < SHARED_ROUNDS; i++) {
        char xml[320];
        char *out = NULL;
        cp_meta m;
        host_doc(xml, sizeof xml, s->id, i);
        tally(s, cp_process_config_xml(s->ctx, xml, strlen(xml),
                                       CP_ROLE_MANAGER, 0, &out, NULL),
              CP_OK, "cp_process_config_xml");
        cp_free(s->ctx, out);
        cp_meta_init(&m);
        m.access_roles = CP_ROLE_MANAGER;
        tally(s, cp_meta_set(s->ctx, "HOST", &m), CP_OK, "cp_meta_set");
        tally(s, push(s->ctx, in.push_netwpin, in.push_netwpin_len),
              s->push_status, "cp_push_process");
    }
    return NULL;
}

/*
 * One context entered by two threads at once: each call either does its
 * work (CP_OK; for the push, the same status as when called alone) or is
 * turned away with CP_E_BUSY; never anything else.
 */
static void one_context_entered_concurrently(void **state)
{
    NEED_XML();
    static shared s[2];
    pthread_t th[2];
    cp_ctx *ctx = new_device(CP_PROFILE_BRANDED);
    cp_status alone = push(ctx, in.push_netwpin, in.push_netwpin_len);
    int k;
    (void)state;
    /* alone, the push's answer is stable (and not "busy") */
    assert_int_equal(push(ctx, in.push_netwpin, in.push_netwpin_len), alone);
    assert_int_not_equal(alone, CP_E_BUSY);
    for (k = 0; k < 2; k++) {
        memset(&s[k], 0, sizeof s[k]);
        s[k].ctx = ctx;
        s[k].id = k;
        s[k].push_status = alone;
    }
    for (k = 0; k < 2; k++)
        assert_int_equal(pthread_create(&th[k], NULL, run_shared, &s[k]), 0);
    for (k = 0; k < 2; k++)
        assert_int_equal(pthread_join(th[k], NULL), 0);
    for (k = 0; k < 2; k++) {
        if (s[k].other)
            print_message("thread %d: %s returned %d (%s)\n", k,
                          s[k].first_call, s[k].first_other,
                          cp_strerror(s[k].first_other));
        print_message("thread %d: %ld calls did their work, %ld were busy\n",
                      k, s[k].ok, s[k].busy);
        assert_int_equal(s[k].other, 0);
        assert_int_equal(s[k].ok + s[k].busy, 3L * SHARED_ROUNDS);
    }
    /* a call is only turned away while another one does its work */
    assert_true(s[0].ok + s[1].ok > 0);
    /* afterwards the context works normally */
    assert_int_equal(push(ctx, in.push_netwpin, in.push_netwpin_len), alone);
    cp_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_contexts_two_threads),
        cmocka_unit_test(one_context_entered_concurrently),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
