/*
 * test_threads.c - the context's threading contract (omacp/ctx.h):
 * independent contexts may be used from different threads at the same time,
 * and a context entered by two threads at once turns the second call away
 * with CP_E_BUSY instead of racing; documents may be freed on any thread.
 *
 * .ci/analyze also builds this file with -fsanitize=thread, where any data
 * race inside the library is a ThreadSanitizer report and fails the run.
 * Built by `make check` too (without TSan): the assertions stand on their own.
 *
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L /* sched_yield, mkdtemp */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>

#include <cmocka.h>

#include "omacp.h"
#include "support/testutil.h"

#define ROUNDS 60
#define SHARED_ROUNDS 300
#define MAC_FILE "mac_gecko_netwpin_minimal_doc.json"
#define PUSH_FILE "wsp_push_pdus.json"


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

/* ---- every entry point that touches a context's state ------------------ */

/*
 * Each public call that reads or changes a context's state, as one step
 * of a table. A step returns CP_E_BUSY when turned away, otherwise a
 * status that does not depend on which other steps ran before it
 * (NOT_FOUND / EXISTS of the add-remove pairs read as CP_OK).
 */
typedef struct probe {
    cp_ctx *ctx;
    cp_push pushed; /* in.push_netwpin parsed once */
    cp_sms *sms;
    cp_doc *doc;    /* a HOST document */
} probe;

static const uint8_t probe_sha1[20] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                       11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

static cp_status quiet(cp_status st)
{
    return st == CP_E_NOT_FOUND || st == CP_E_EXISTS ? CP_OK : st;
}

static cp_status p_policy_get(probe *p)
{
    uint32_t v;
    return cp_policy_get(p->ctx, CP_POLICY_UNSIGNED_APPS, &v);
}
static cp_status p_policy_set(probe *p)
{
    return cp_policy_set(p->ctx, CP_POLICY_UNSIGNED_APPS, 0, CP_ROLE_EXEMPT);
}
static cp_status p_policy_reset(probe *p)
{
    return cp_policy_reset(p->ctx, CP_POLICY_UNSIGNED_APPS, CP_ROLE_EXEMPT);
}
static cp_status p_policy_list(probe *p)
{
    cp_policy_desc d;
    return cp_policy_list(p->ctx, 0, &d);
}
static cp_status p_spc_add(probe *p)
{
    return cp_spc_add(p->ctx, probe_sha1, CP_ROLE_USER_AUTH);
}
static cp_status p_spc_get(probe *p)
{
    uint8_t sha1[20];
    uint32_t roles;
    return quiet(cp_spc_get(p->ctx, 0, sha1, &roles));
}
static cp_status p_spc_remove(probe *p)
{
    return quiet(cp_spc_remove(p->ctx, probe_sha1));
}
static cp_status p_tps_get(probe *p)
{
    char url[CP_TPS_URL_MAX + 1];
    return quiet(cp_tps_get(p->ctx, url, sizeof url));
}
static cp_status p_gateway_list(probe *p)
{
    cp_gateway_info g;
    cp_gateway_info_init(&g);
    return quiet(cp_gateway_list(p->ctx, 0, &g));
}
static cp_status p_state_load(probe *p)
{
    return cp_state_load(p->ctx);
}
static cp_status p_roles_effective(probe *p)
{
    /* busy: no roles at all (omacp/trust.h) */
    return cp_roles_effective(p->ctx, CP_ROLE_USER_AUTH) == CP_ROLE_NONE
               ? CP_E_BUSY
               : CP_OK;
}
static cp_status p_source_roles(probe *p)
{
    uint32_t roles;
    return cp_source_roles(p->ctx, CP_SOURCE_CPF, probe_sha1, &roles);
}
static cp_status p_meta_get(probe *p)
{
    cp_meta m;
    int exact;
    cp_meta_init(&m);
    return quiet(cp_meta_get(p->ctx, "PROBE2", &m, &exact));
}
static cp_status p_meta_set(probe *p)
{
    cp_meta m;
    cp_meta_init(&m);
    m.access_roles = CP_ROLE_MANAGER;
    return cp_meta_set(p->ctx, "PROBE2", &m);
}
static cp_status p_meta_remove(probe *p)
{
    return quiet(cp_meta_remove(p->ctx, "PROBE2"));
}
static cp_status p_csp_register(probe *p)
{
    static const cp_csp_ops none = {sizeof(cp_csp_ops), 0, NULL, NULL, NULL,
                                    NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                    NULL};
    return quiet(cp_csp_register(p->ctx, "PROBE2", &none, NULL));
}
static cp_status p_csp_unregister(probe *p)
{
    return quiet(cp_csp_unregister(p->ctx, "PROBE2"));
}
static cp_status p_register_settings(probe *p)
{
    return quiet(cp_csp_register_settings(p->ctx, "PROBE3"));
}
static cp_status p_register_builtins(probe *p)
{
    return quiet(cp_csp_register_builtins(p->ctx));
}
static cp_status p_verify_bootstrap(probe *p)
{
    cp_verdict v;
    cp_verdict_init(&v);
    return cp_verify_bootstrap(p->ctx, &p->pushed, NULL, NULL, NULL, &v);
}
static cp_status p_verify_bootstrap_pdu(probe *p)
{
    cp_verdict v;
    cp_verdict_init(&v);
    return cp_verify_bootstrap_pdu(p->ctx, in.push_netwpin,
                                   in.push_netwpin_len, NULL, NULL, NULL, &v);
}
static cp_status p_process_xml(probe *p)
{
    char xml[320];
    char *out = NULL;
    cp_status st;
    host_doc(xml, sizeof xml, 7, 7);
    st = cp_process_config_xml(p->ctx, xml, strlen(xml), CP_ROLE_MANAGER, 0,
                               &out, NULL);
    cp_free(p->ctx, out);
    return st;
}
static cp_status p_process_wbxml(probe *p)
{
    char *out = NULL;
    cp_status st = cp_process_config_wbxml(p->ctx, in.body, in.body_len,
                                           CP_ROLE_MANAGER, CP_METADATA, &out,
                                           NULL);
    cp_free(p->ctx, out);
    return st;
}
static cp_status p_process_doc(probe *p)
{
    char *out = NULL;
    cp_status st = cp_process_config_doc(p->ctx, p->doc, CP_ROLE_MANAGER, 0,
                                         &out, NULL);
    cp_free(p->ctx, out);
    return st;
}
static cp_status p_push(probe *p)
{
    return push(p->ctx, in.push_netwpin, in.push_netwpin_len);
}
static cp_status p_push_sms(probe *p)
{
    static const uint8_t ud[] = {0x06, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0,
                                 0x01, 0x06, 0x00};
    cp_push_result r;
    cp_status st;
    cp_push_result_init(&r);
    st = cp_push_process_sms(p->ctx, p->sms, "+1555", ud, sizeof ud, 1, 0,
                             NULL, NULL, &r);
    cp_free(p->ctx, r.output);
    return st;
}

typedef struct probe_call {
    const char *name;
    cp_status (*fn)(probe *p);
} probe_call;

static const probe_call probe_calls[] = {
    {"cp_policy_get", p_policy_get},
    {"cp_policy_set", p_policy_set},
    {"cp_policy_reset", p_policy_reset},
    {"cp_policy_list", p_policy_list},
    {"cp_spc_add", p_spc_add},
    {"cp_spc_get", p_spc_get},
    {"cp_spc_remove", p_spc_remove},
    {"cp_tps_get", p_tps_get},
    {"cp_gateway_list", p_gateway_list},
    {"cp_state_load", p_state_load},
    {"cp_roles_effective", p_roles_effective},
    {"cp_source_roles", p_source_roles},
    {"cp_meta_get", p_meta_get},
    {"cp_meta_set", p_meta_set},
    {"cp_meta_remove", p_meta_remove},
    {"cp_csp_register", p_csp_register},
    {"cp_csp_unregister", p_csp_unregister},
    {"cp_csp_register_settings", p_register_settings},
    {"cp_csp_register_builtins", p_register_builtins},
    {"cp_verify_bootstrap", p_verify_bootstrap},
    {"cp_verify_bootstrap_pdu", p_verify_bootstrap_pdu},
    {"cp_process_config_xml", p_process_xml},
    {"cp_process_config_wbxml", p_process_wbxml},
    {"cp_process_config_doc", p_process_doc},
    {"cp_push_process", p_push},
    {"cp_push_process_sms", p_push_sms},
};
#define N_PROBES (sizeof probe_calls / sizeof probe_calls[0])

static void probe_up(probe *p, cp_ctx *ctx)
{
    char xml[320];
    memset(p, 0, sizeof *p);
    p->ctx = ctx;
    cp_push_init(&p->pushed);
    assert_int_equal(cp_wsp_parse_push(ctx, in.push_netwpin,
                                       in.push_netwpin_len, &p->pushed),
                     CP_OK);
    assert_int_equal(cp_sms_new(ctx, NULL, &p->sms), CP_OK);
    host_doc(xml, sizeof xml, 8, 8);
    assert_int_equal(cp_doc_parse_xml(ctx, xml, strlen(xml), &p->doc), CP_OK);
}

static void probe_down(probe *p)
{
    cp_sms_free(p->sms);
    cp_doc_free(p->doc);
}

/* ---- from a CSP callback: the context is entered by the processing call */

typedef struct inside {
    probe p;
    int runs;
    cp_status st[N_PROBES];
} inside;

static cp_status inside_parm(void *user, cp_csp_session *s, const char *path,
                             const char *name, const char *value,
                             void *cookie)
{
    inside *w = user;
    size_t k;
    (void)path;
    (void)name;
    (void)value;
    (void)cookie;
    assert_ptr_equal(cp_csp_ctx(s), w->p.ctx);
    w->runs++;
    for (k = 0; k < N_PROBES; k++)
        w->st[k] = probe_calls[k].fn(&w->p);
    return CP_OK;
}

static cp_status inside_rollback(void *user, cp_csp_session *s)
{
    (void)user;
    (void)s;
    return CP_OK;
}

/*
 * A host CSP that calls every entry point of the table from inside its own
 * callback gets CP_E_BUSY from each (cp_roles_effective: no roles), and the
 * outer call goes on as if nothing happened.
 */
static void entry_points_busy_inside_callback(void **state)
{
    NEED_XML();
    static const char doc[] =
        DOC("<characteristic type=\"PROBE\"><parm name=\"x\" value=\"1\"/>"
            "</characteristic>");
    static inside w;
    cp_csp_ops ops;
    cp_ctx *ctx = new_device(CP_PROFILE_BRANDED);
    char *out = NULL;
    size_t k;
    cp_status st;
    (void)state;
    memset(&w, 0, sizeof w);
    probe_up(&w.p, ctx);
    memset(&ops, 0, sizeof ops);
    ops.struct_size = sizeof ops;
    ops.flags = CP_CSP_INTERNAL_TX;
    ops.parm = inside_parm;
    ops.rollback = inside_rollback;
    assert_int_equal(cp_csp_register(ctx, "PROBE", &ops, &w), CP_OK);
    st = cp_process_config_xml(ctx, doc, sizeof doc - 1, CP_ROLE_MANAGER, 0,
                               &out, NULL);
    if (st)
        print_message("%s\n", cp_ctx_error_message(ctx));
    assert_int_equal(st, CP_OK);
    cp_free(ctx, out);
    assert_int_equal(w.runs, 1);
    for (k = 0; k < N_PROBES; k++) {
        if (w.st[k] != CP_E_BUSY)
            print_message("%s from a CSP callback returned %d (%s)\n",
                          probe_calls[k].name, w.st[k],
                          cp_strerror(w.st[k]));
    }
    for (k = 0; k < N_PROBES; k++)
        assert_int_equal(w.st[k], CP_E_BUSY);
    /* outside the call every one of them works */
    for (k = 0; k < N_PROBES; k++)
        assert_int_not_equal(probe_calls[k].fn(&w.p), CP_E_BUSY);
    probe_down(&w.p);
    cp_ctx_free(ctx);
}

/* ---- from another thread, while processing runs ------------------------ */

typedef struct racer {
    probe p;
    cp_status alone[N_PROBES];
    long ok, busy, other;
    const char *first_call;
    cp_status first_other;
    int *rounds; /* of the processing thread */
} racer;

static void *run_prober(void *arg)
{
    racer *r = arg;
    int i;
    size_t k;
    while (__atomic_load_n(r->rounds, __ATOMIC_ACQUIRE) == 0)
        ;
    /* at least 100 rounds, and on while processing has done fewer than 40 */
    for (i = 0; i < 100 || (__atomic_load_n(r->rounds, __ATOMIC_ACQUIRE) < 40 &&
                            i < 100000);
         i++) {
        for (k = 0; k < N_PROBES; k++) {
            cp_status st = probe_calls[k].fn(&r->p);
            if (st == r->alone[k]) {
                r->ok++;
            } else if (st == CP_E_BUSY) {
                r->busy++;
            } else if (r->other++ == 0) {
                r->first_call = probe_calls[k].name;
                r->first_other = st;
            }
        }
    }
    return NULL;
}

typedef struct processor {
    cp_ctx *ctx;
    cp_status push_alone;
    long ok, busy, other;
    int rounds, stop;
} processor;

static void *run_processor(void *arg)
{
    processor *q = arg;
    int i;
    for (i = 0; !__atomic_load_n(&q->stop, __ATOMIC_ACQUIRE); i++) {
        char xml[320];
        cp_status st;
        char *out = NULL;
        host_doc(xml, sizeof xml, 0, i);
        st = cp_process_config_xml(q->ctx, xml, strlen(xml), CP_ROLE_MANAGER,
                                   0, &out, NULL);
        cp_free(q->ctx, out);
        q->ok += st == CP_OK;
        q->busy += st == CP_E_BUSY;
        q->other += st != CP_OK && st != CP_E_BUSY;
        st = push(q->ctx, in.push_netwpin, in.push_netwpin_len);
        q->ok += st == q->push_alone;
        q->busy += st == CP_E_BUSY;
        q->other += st != q->push_alone && st != CP_E_BUSY;
        __atomic_store_n(&q->rounds, i + 1, __ATOMIC_RELEASE);
        sched_yield(); /* between calls: the probes get their turns */
    }
    return NULL;
}

/*
 * Every entry point of the table raced against processing on the same
 * context: each call does its work (the status it gives alone) or is
 * turned away with CP_E_BUSY, and under ThreadSanitizer nothing races.
 */
static void entry_points_race_processing(void **state)
{
    NEED_XML();
    static racer r;
    static processor q;
    pthread_t th[2];
    cp_ctx *ctx = new_device(CP_PROFILE_BRANDED);
    size_t k;
    (void)state;
    memset(&r, 0, sizeof r);
    memset(&q, 0, sizeof q);
    probe_up(&r.p, ctx);
    for (k = 0; k < N_PROBES; k++) {
        r.alone[k] = probe_calls[k].fn(&r.p);
        assert_int_not_equal(r.alone[k], CP_E_BUSY);
        /* a second time alone: the same (the table is order-independent) */
        assert_int_equal(probe_calls[k].fn(&r.p), r.alone[k]);
    }
    q.ctx = ctx;
    r.rounds = &q.rounds;
    q.push_alone = push(ctx, in.push_netwpin, in.push_netwpin_len);
    assert_int_equal(pthread_create(&th[0], NULL, run_processor, &q), 0);
    assert_int_equal(pthread_create(&th[1], NULL, run_prober, &r), 0);
    assert_int_equal(pthread_join(th[1], NULL), 0);
    __atomic_store_n(&q.stop, 1, __ATOMIC_RELEASE);
    assert_int_equal(pthread_join(th[0], NULL), 0);
    if (r.other)
        print_message("%s returned %d (%s) during processing\n", r.first_call,
                      r.first_other, cp_strerror(r.first_other));
    print_message("probes: %ld did their work, %ld were busy; processing: "
                  "%ld ok, %ld busy (%d rounds)\n",
                  r.ok, r.busy, q.ok, q.busy, q.rounds);
    assert_int_equal(r.other, 0);
    assert_int_equal(q.other, 0);
    assert_true(r.ok > 0);
    assert_true(q.ok > 0);
    probe_down(&r.p);
    cp_ctx_free(ctx);
}

/* ---- contexts in threads sharing one state directory ------------------- */

#define DIR_THREADS 4
#define DIR_ROUNDS 25
static const uint32_t dir_ids[DIR_THREADS] = {4125, 4126, 4127, 4130};

typedef struct dir_job {
    const char *dir;
    int k;
    long failed;
} dir_job;

/* Its own context and file store on the shared directory; DIR_ROUNDS
   changes of its own policy in the shared policy blob. */
static void *run_dir_job(void *arg)
{
    dir_job *j = arg;
    cp_config cfg;
    cp_ctx *ctx = NULL;
    int i;
    cp_config_init(&cfg);
    if (cp_store_file_config(j->dir, &cfg) != CP_OK ||
        cp_ctx_new(&cfg, &ctx) != CP_OK) {
        j->failed++;
        cp_store_file_close(&cfg.storage);
        return NULL;
    }
    for (i = 1; i <= DIR_ROUNDS; i++)
        if (cp_policy_set(ctx, dir_ids[j->k], (uint32_t)(j->k * 1000 + i),
                          CP_ROLE_MANAGER) != CP_OK)
            j->failed++;
    cp_ctx_free(ctx);
    cp_store_file_close(&cfg.storage);
    return NULL;
}

/*
 * Contexts in different threads, each with its own cp_store_file_config on
 * one directory: the directory's lock serializes their calls (an flock per
 * open file excludes other stores in the same process too), no change is
 * lost, and under ThreadSanitizer nothing races.
 */
static void contexts_share_a_directory(void **state)
{
    static dir_job jobs[DIR_THREADS];
    pthread_t th[DIR_THREADS];
    char dir[] = "/tmp/cpthreads.XXXXXX";
    cp_config cfg;
    cp_ctx *ctx = NULL;
    int k;
    (void)state;
    assert_non_null(mkdtemp(dir));
    for (k = 0; k < DIR_THREADS; k++) {
        jobs[k].dir = dir;
        jobs[k].k = k;
        jobs[k].failed = 0;
        assert_int_equal(pthread_create(&th[k], NULL, run_dir_job, &jobs[k]),
                         0);
    }
    for (k = 0; k < DIR_THREADS; k++)
        assert_int_equal(pthread_join(th[k], NULL), 0);
    cp_config_init(&cfg);
    assert_int_equal(cp_store_file_config(dir, &cfg), CP_OK);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    for (k = 0; k < DIR_THREADS; k++) {
        uint32_t v = 0;
        assert_int_equal(jobs[k].failed, 0);
        assert_int_equal(cp_policy_get(ctx, dir_ids[k], &v), CP_OK);
        assert_int_equal(v, (uint32_t)(k * 1000 + DIR_ROUNDS));
    }
    cp_ctx_free(ctx);
    cp_store_file_close(&cfg.storage);
    {   /* remove the directory: its blobs, the lock file, then itself */
        static const char *const names[] = {"policy", "journal", ".lock"};
        char p[64];
        size_t i;
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            snprintf(p, sizeof p, "%s/%s", dir, names[i]);
            (void)remove(p);
        }
        assert_int_equal(remove(dir), 0);
    }
}

/*
 * The context's memory pool (cp_ctx_trim, omacp/ctx.h): documents made on
 * one thread and freed on another while the first keeps decoding and
 * trimming, and the context freed before the last documents.
 */
#define HANDOFF 64
typedef struct handoff {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    cp_doc *q[HANDOFF];
    int head, tail, done;
} handoff;

static void *free_docs(void *arg)
{
    handoff *h = arg;
    for (;;) {
        cp_doc *doc;
        pthread_mutex_lock(&h->mu);
        while (h->head == h->tail && !h->done)
            pthread_cond_wait(&h->cv, &h->mu);
        if (h->head == h->tail) {
            pthread_mutex_unlock(&h->mu);
            return NULL;
        }
        doc = h->q[h->head++ % HANDOFF];
        pthread_cond_broadcast(&h->cv);
        pthread_mutex_unlock(&h->mu);
        cp_doc_free(doc);
    }
}

static void documents_freed_on_another_thread(void **state)
{
    handoff h;
    pthread_t th;
    cp_ctx *ctx;
    cp_doc *kept[3];
    size_t want = 0;
    int i;
    (void)state;
    memset(&h, 0, sizeof h);
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    assert_int_equal(cp_ctx_new(NULL, &ctx), CP_OK);
    assert_int_equal(pthread_create(&th, NULL, free_docs, &h), 0);
    for (i = 0; i < SHARED_ROUNDS * 4; i++) {
        cp_doc *doc = NULL;
        assert_int_equal(cp_doc_decode_wbxml(ctx, in.body, in.body_len, &doc),
                         CP_OK);
        if (i == 0)
            want = cp_doc_element_count(doc);
        assert_true(want >= 1);
        assert_int_equal(cp_doc_element_count(doc), want);
        if (i % 50 == 0)
            cp_ctx_trim(ctx);
        pthread_mutex_lock(&h.mu);
        while (h.tail - h.head == HANDOFF)
            pthread_cond_wait(&h.cv, &h.mu);
        h.q[h.tail++ % HANDOFF] = doc;
        pthread_cond_broadcast(&h.cv);
        pthread_mutex_unlock(&h.mu);
    }
    for (i = 0; i < 3; i++)
        assert_int_equal(cp_doc_decode_wbxml(ctx, in.body, in.body_len,
                                             &kept[i]), CP_OK);
    cp_ctx_free(ctx); /* while the other thread may still free documents */
    pthread_mutex_lock(&h.mu);
    for (i = 0; i < 3; i++)
        h.q[h.tail++ % HANDOFF] = kept[i];
    h.done = 1;
    pthread_cond_broadcast(&h.cv);
    pthread_mutex_unlock(&h.mu);
    assert_int_equal(pthread_join(th, NULL), 0);
    pthread_cond_destroy(&h.cv);
    pthread_mutex_destroy(&h.mu);
}

/* ---- a multi-part SMS message against a busy context ------------------- */

#define SMS_MESSAGES 200

typedef struct sms_feeder {
    cp_ctx *ctx;
    cp_status alone; /* what the push gives when processed alone */
    long done, lost, wrong, busy;
    int reads; /* the reader's calls, up to 1000: the feeder waits for one */
    int stop;
} sms_feeder;

/* The user data of segment seq (1 or 2) of message ref: concatenation and
   WDP port headers, then that half of the push PDU. */
static size_t sms_segment(uint8_t *ud, size_t cap, unsigned ref, unsigned seq)
{
    size_t half = in.push_netwpin_len / 2;
    size_t off = seq == 1 ? 0 : half;
    size_t n = seq == 1 ? half : in.push_netwpin_len - half;
    const uint8_t head[] = {11,   0x00, 3,    (uint8_t)ref, 2,   (uint8_t)seq,
                            0x05, 4,    0x0B, 0x84,         0x23, 0xF0};
    if (sizeof head + n > cap)
        return 0;
    memcpy(ud, head, sizeof head);
    memcpy(ud + sizeof head, in.push_netwpin + off, n);
    return sizeof head + n;
}

/* Give a segment until the context takes it: CP_E_BUSY means not taken. */
static cp_status sms_give(sms_feeder *f, cp_sms *sms, const uint8_t *ud,
                          size_t n, uint64_t now, int *pending)
{
    cp_push_result r;
    cp_status st;
    for (;;) {
        cp_push_result_init(&r);
        st = cp_push_process_sms(f->ctx, sms, "+4917012345678", ud, n, 1, now,
                                 NULL, NULL, &r);
        cp_free(f->ctx, r.output);
        if (st != CP_E_BUSY)
            break;
        f->busy++;
        sched_yield();
    }
    *pending = r.pending;
    return st;
}

static void *run_sms_feeder(void *arg)
{
    sms_feeder *f = arg;
    uint8_t ud[160];
    cp_sms *sms = NULL;
    unsigned i;
    while (__atomic_load_n(&f->reads, __ATOMIC_ACQUIRE) == 0)
        sched_yield(); /* the reader is at work: the race is on */
    if (cp_sms_new(f->ctx, NULL, &sms) != CP_OK) {
        f->wrong = -1;
        __atomic_store_n(&f->stop, 1, __ATOMIC_RELEASE);
        return NULL;
    }
    for (i = 0; i < SMS_MESSAGES; i++) {
        int pending = 0;
        size_t n = sms_segment(ud, sizeof ud, i, 1);
        cp_status st = sms_give(f, sms, ud, n, 1000u + i, &pending);
        if (st != CP_OK || !pending) {
            f->wrong++;
            continue;
        }
        n = sms_segment(ud, sizeof ud, i, 2);
        st = sms_give(f, sms, ud, n, 1000u + i, &pending);
        if (st == CP_OK && pending)
            f->lost++; /* the first half was taken by a lost message */
        else if (st != f->alone)
            f->wrong++;
        else
            f->done++;
    }
    cp_sms_free(sms);
    __atomic_store_n(&f->stop, 1, __ATOMIC_RELEASE);
    return NULL;
}

static void *run_policy_reader(void *arg)
{
    sms_feeder *f = arg;
    uint32_t v;
    while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
        (void)cp_policy_get(f->ctx, 4113, &v); /* enters the context */
        if (__atomic_load_n(&f->reads, __ATOMIC_RELAXED) < 1000)
            __atomic_add_fetch(&f->reads, 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

/*
 * Two-part SMS messages fed while another thread keeps entering the same
 * context: a segment is either refused before it is taken (CP_E_BUSY,
 * given again) or taken, and the call that completes a message processes
 * it. The context used to be left between reassembly and processing, so a
 * call slipping in there lost the completed message (CP_E_BUSY after its
 * parts were taken; giving the last part again began a new message).
 */
static void sms_message_not_lost_to_a_busy_context(void **state)
{
    static sms_feeder f;
    pthread_t th[2];
    cp_ctx *ctx = new_device(CP_PROFILE_BRANDED);
    (void)state;
    memset(&f, 0, sizeof f);
    f.ctx = ctx;
    f.alone = push(ctx, in.push_netwpin, in.push_netwpin_len);
    assert_int_not_equal(f.alone, CP_E_BUSY);
    assert_int_equal(pthread_create(&th[1], NULL, run_policy_reader, &f), 0);
    assert_int_equal(pthread_create(&th[0], NULL, run_sms_feeder, &f), 0);
    assert_int_equal(pthread_join(th[0], NULL), 0);
    assert_int_equal(pthread_join(th[1], NULL), 0);
    print_message("SMS messages: %ld processed, %ld lost, %ld wrong; %ld "
                  "segments turned away busy\n",
                  f.done, f.lost, f.wrong, f.busy);
    assert_int_equal(f.lost, 0);
    assert_int_equal(f.wrong, 0);
    assert_int_equal(f.done, SMS_MESSAGES);
    cp_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_contexts_two_threads),
        cmocka_unit_test(one_context_entered_concurrently),
        cmocka_unit_test(entry_points_busy_inside_callback),
        cmocka_unit_test(entry_points_race_processing),
        cmocka_unit_test(contexts_share_a_directory),
        cmocka_unit_test(documents_freed_on_another_thread),
        cmocka_unit_test(sms_message_not_lost_to_a_busy_context),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
