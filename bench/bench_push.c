/*
 * bench_push.c - section 4: cp_push_process of a typical signed bootstrap,
 * and the bootstrap and device shared with section 6.
 *
 * The message: bench_gen_bootstrap's document (a BOOTSTRAP with PROVURL, a
 * NAPDEF, a PXLOGICAL and an APPLICATION: about 1 KB of WBXML) built with
 * the public builder, cp_doc_encode_wbxml, signed USERNETWPIN with
 * cp_mac_compute under the device's IMSI and wrapped in a WSP push PDU by
 * hand (bench_wsp_pdu).
 *
 * The device: unbranded profile, in-memory store, fresh for every message
 * (a bootstrap is accepted once): a new store and context are made before
 * each call and freed after it, and only the cp_push_process call is
 * timed. The split over the phases calls the public functions one by one
 * on the same message: cp_wsp_parse_push, cp_mac_verify,
 * cp_doc_decode_wbxml, and cp_process_config_doc with the roles the
 * verdict gave (again on a fresh device, only the call timed). The
 * authorization is the engine's pre-pass over every element, timed as the
 * same call on the document plus a last element no CSP takes (refused at
 * the end of the pre-pass, nothing applied); apply is the whole call
 * minus that. "other" is the total minus the phases: loading the
 * device's security state, the policy checks, the bootstrap rules, the
 * verdict and the audit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const char *const dev_imsis[1] = {BENCH_IMSI};

/* ---- the message and the device ----------------------------------------- */

int bench_boot_make(bench_boot *b)
{
    cp_ctx *ctx = NULL;
    cp_status st;

    memset(b, 0, sizeof *b);
    st = cp_ctx_new(NULL, &ctx);
    if (st == CP_OK)
        st = bench_gen_bootstrap(ctx, &b->body, &b->body_len);
    if (st == CP_OK)
        st = cp_mac_compute(ctx, CP_SEC_USERNETWPIN, BENCH_IMSI, BENCH_PIN,
                            NULL, b->body, b->body_len, b->mac,
                            sizeof b->mac);
    cp_ctx_free(ctx);
    if (st != CP_OK ||
        bench_wsp_pdu(CP_SEC_USERNETWPIN, b->mac, b->body, b->body_len,
                      &b->pdu, &b->pdu_len) != 0) {
        fprintf(stderr, "bench: cannot build the bootstrap: %s\n",
                cp_strerror(st));
        bench_boot_free(b);
        return -1;
    }
    return 0;
}

void bench_boot_free(bench_boot *b)
{
    free(b->body);
    free(b->pdu);
    memset(b, 0, sizeof *b);
}

int bench_device_new(bench_device *d, const cp_config *base)
{
    cp_config cfg;
    cp_status st;

    memset(d, 0, sizeof *d);
    if (base != NULL)
        cfg = *base;
    else
        cp_config_init(&cfg);
    cfg.profile = CP_PROFILE_UNBRANDED;
    cfg.imsis = dev_imsis;
    cfg.n_imsis = 1;
    st = cp_store_mem_open(&d->store);
    if (st != CP_OK)
        return -1;
    cfg.storage = d->store;
    st = cp_ctx_new(&cfg, &d->ctx);
    if (st == CP_OK)
        st = cp_csp_register_builtins(d->ctx);
    if (st == CP_OK)
        st = cp_csp_register_settings(d->ctx, "NAPDEF");
    if (st == CP_OK)
        st = cp_csp_register_settings(d->ctx, "APPLICATION");
    if (st == CP_OK)
        st = cp_policy_set(d->ctx, CP_POLICY_OMACP_USERNETWPIN,
                           CP_ROLE_ANY_PUSH_SOURCE, CP_ROLE_EXEMPT);
    if (st != CP_OK) {
        fprintf(stderr, "bench: cannot set up the device: %s (%s)\n",
                cp_strerror(st), d->ctx ? cp_ctx_error_message(d->ctx) : "");
        bench_device_free(d);
        return -1;
    }
    return 0;
}

void bench_device_free(bench_device *d)
{
    cp_ctx_free(d->ctx);
    cp_store_mem_close(&d->store);
    memset(d, 0, sizeof *d);
}

/* The user confirms a pure NETWPIN message (policy 4132 = 0 asks). */
static int confirm_yes(void *user, const cp_verdict *v)
{
    (void)user;
    (void)v;
    return 1;
}

/* The user types the PIN of the SIM card letter. */
static cp_status give_pin(void *user, cp_sec sec, unsigned attempt,
                          unsigned left, char *pin, size_t cap)
{
    (void)user;
    (void)sec;
    (void)attempt;
    (void)left;
    if (cap < sizeof BENCH_PIN)
        return CP_E_BUFFER_TOO_SMALL;
    memcpy(pin, BENCH_PIN, sizeof BENCH_PIN);
    return CP_OK;
}

void bench_push_hooks(cp_push_hooks *h)
{
    cp_push_hooks_init(h);
    h->confirm = confirm_yes;
    h->pin = give_pin;
}

/* ---- the runners -------------------------------------------------------- */

typedef struct push_state {
    const bench_boot *b;
    cp_ctx *ctx;         /* for the phases without device state */
    cp_push push;        /* parsed once, for verify */
    cp_doc *doc;         /* decoded once, for authorize+apply */
    cp_doc *refused;     /* doc + a last characteristic no CSP takes */
    uint32_t roles;      /* what the verdict gave */
} push_state;

static double run_total(void *state, unsigned long iters)
{
    const push_state *ps = state;
    cp_push_hooks h;
    double sum = 0.0;
    unsigned long i;

    bench_push_hooks(&h);
    for (i = 0; i < iters; i++) {
        bench_device d;
        cp_push_result r;
        cp_status st;
        double t0;

        if (bench_device_new(&d, NULL) != 0)
            return -1.0;
        cp_push_result_init(&r);
        t0 = bench_now();
        st = cp_push_process(d.ctx, ps->b->pdu, ps->b->pdu_len, NULL, &h, &r);
        sum += bench_now() - t0;
        cp_free(d.ctx, r.output);
        bench_device_free(&d);
        if (st != CP_OK || r.outcome != CP_OUTCOME_APPLIED)
            return -1.0;
    }
    return sum;
}

static double run_parse(void *state, unsigned long iters)
{
    const push_state *ps = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_push p;
        cp_push_init(&p);
        if (cp_wsp_parse_push(ps->ctx, ps->b->pdu, ps->b->pdu_len, &p) !=
            CP_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

static double run_verify(void *state, unsigned long iters)
{
    const push_state *ps = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        size_t idx = 0;
        if (cp_mac_verify(ps->ctx, ps->push.sec, dev_imsis, 1, BENCH_PIN,
                          ps->push.mac, NULL, ps->push.body,
                          ps->push.body_len, &idx) != CP_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

static double run_decode(void *state, unsigned long iters)
{
    const push_state *ps = state;
    double t0 = bench_now();
    unsigned long i;

    for (i = 0; i < iters; i++) {
        cp_doc *doc = NULL;
        cp_status st = cp_doc_decode_wbxml(ps->ctx, ps->push.body,
                                           ps->push.body_len, &doc);
        cp_doc_free(doc);
        if (st != CP_OK)
            return -1.0;
    }
    return bench_now() - t0;
}

/* cp_process_config_doc of doc on a fresh device; want: its status. */
static double run_process(const push_state *ps, const cp_doc *doc,
                          cp_status want, unsigned long iters)
{
    double sum = 0.0;
    unsigned long i;

    for (i = 0; i < iters; i++) {
        bench_device d;
        char *out = NULL;
        size_t out_len = 0;
        cp_status st;
        double t0;

        if (bench_device_new(&d, NULL) != 0)
            return -1.0;
        t0 = bench_now();
        st = cp_process_config_doc(d.ctx, doc, ps->roles, CP_PROCESS, &out,
                                   &out_len);
        sum += bench_now() - t0;
        cp_free(d.ctx, out);
        bench_device_free(&d);
        if (st != want)
            return -1.0;
    }
    return sum;
}

static double run_apply(void *state, unsigned long iters)
{
    const push_state *ps = state;
    return run_process(ps, ps->doc, CP_OK, iters);
}

/*
 * The engine authorizes every element in a pre-pass before it applies
 * any: the same document with a last top-level characteristic that no CSP
 * takes is refused (CP_E_NOT_FOUND) at the end of that pre-pass, having
 * authorized everything else and applied nothing.
 */
static double run_authorize(void *state, unsigned long iters)
{
    const push_state *ps = state;
    return run_process(ps, ps->refused, CP_E_NOT_FOUND, iters);
}

/* ps->refused: the body decoded again plus <characteristic type="x-none">. */
static cp_status make_refused(push_state *ps)
{
    const cp_node *n = NULL;
    cp_status st = cp_doc_decode_wbxml(ps->ctx, ps->push.body,
                                       ps->push.body_len, &ps->refused);
    if (st == CP_OK)
        st = cp_node_add(ps->refused, cp_doc_root(ps->refused),
                         CP_NODE_CHARACTERISTIC, &n);
    if (st == CP_OK)
        st = cp_node_set_attr(ps->refused, n, CP_ATTR_TYPE, "x-none");
    return st;
}

/* ---- check -------------------------------------------------------------- */

/*
 * Process the message once on a fresh device: accepted, applied, a
 * bootstrap, the TPS set. Fills ps (parsed push, decoded doc, roles).
 * 1 when all is well, else 0 with why.
 */
static int check(push_state *ps, char *why, size_t cap)
{
    bench_device d;
    cp_push_hooks h;
    cp_push_result r;
    cp_status st;
    char url[CP_TPS_URL_MAX + 1];

    if (bench_device_new(&d, NULL) != 0) {
        snprintf(why, cap, "cannot set up the device");
        return 0;
    }
    bench_push_hooks(&h);
    cp_push_result_init(&r);
    st = cp_push_process(d.ctx, ps->b->pdu, ps->b->pdu_len, NULL, &h, &r);
    if (st != CP_OK || r.outcome != CP_OUTCOME_APPLIED || !r.verdict.accepted ||
        !r.verdict.is_bootstrap)
        snprintf(why, cap, "push not accepted: %s (outcome %d, %s; %s)",
                 cp_strerror(st), (int)r.outcome, r.verdict.reason_text,
                 cp_ctx_error_message(d.ctx));
    else if (cp_tps_get(d.ctx, url, sizeof url) != CP_OK)
        snprintf(why, cap, "push applied but no TPS stored");
    ps->roles = r.verdict.roles;
    cp_free(d.ctx, r.output);
    bench_device_free(&d);
    if (st != CP_OK || r.outcome != CP_OUTCOME_APPLIED ||
        !r.verdict.accepted || !r.verdict.is_bootstrap || why[0] != '\0')
        return 0;
    cp_push_init(&ps->push);
    st = cp_wsp_parse_push(ps->ctx, ps->b->pdu, ps->b->pdu_len, &ps->push);
    if (st == CP_OK)
        st = cp_doc_decode_wbxml(ps->ctx, ps->push.body, ps->push.body_len,
                                 &ps->doc);
    if (st == CP_OK)
        st = make_refused(ps);
    if (st != CP_OK) {
        snprintf(why, cap, "phase set-up failed: %s", cp_strerror(st));
        return 0;
    }
    return 1;
}

/* ---- the section -------------------------------------------------------- */

static void phase_row(const char *fig, double t, double total,
                      const char *detail, int may_be_negative)
{
    char val[32];
    if (t < 0.0 && !may_be_negative) {
        bench_row_error(fig, "-", "the phase failed while timed");
        return;
    }
    snprintf(val, sizeof val, "%.2f us", t * 1e6);
    bench_row(fig, val, "-", BENCH_INFO, "%4.1f%% of the total; %s",
              total > 0.0 ? 100.0 * t / total : 0.0, detail);
}

void bench_sec_push(const bench_settings *s)
{
    bench_boot b;
    push_state ps;
    char why[256] = "", fig[80], val[32];
    double total, parse, verify, decode, apply, authz;

    bench_section("4. cp_push_process of a signed bootstrap (USERNETWPIN, "
                  "unbranded device, in-memory store)",
                  "fresh device per message; only the push call is timed "
                  "(store + ctx set-up and free before/after, untimed)");
    memset(&ps, 0, sizeof ps);
    if (bench_boot_make(&b) != 0) {
        bench_row_error("cp_push_process", "-", "bootstrap not built");
        return;
    }
    ps.b = &b;
    if (cp_ctx_new(NULL, &ps.ctx) != CP_OK || !check(&ps, why, sizeof why)) {
        bench_row_error("cp_push_process", "-", "%s",
                        why[0] ? why : "no context");
        cp_doc_free(ps.doc);
        cp_doc_free(ps.refused);
        cp_ctx_free(ps.ctx);
        bench_boot_free(&b);
        return;
    }
    total = bench_measure1(run_total, &ps, s);
    parse = bench_measure1(run_parse, &ps, s);
    verify = bench_measure1(run_verify, &ps, s);
    decode = bench_measure1(run_decode, &ps, s);
    apply = bench_measure1(run_apply, &ps, s);
    authz = bench_measure1(run_authorize, &ps, s);
    snprintf(fig, sizeof fig, "push, per message (%lu B PDU, %lu B WBXML)",
             (unsigned long)b.pdu_len, (unsigned long)b.body_len);
    if (total < 0.0) {
        bench_row_error(fig, "-", "the push failed while timed");
    } else {
        snprintf(val, sizeof val, "%.2f us", total * 1e6);
        bench_row(fig, val, "-", BENCH_INFO,
                  "%.0f messages/s; accepted: CP_OK, applied, TPS stored",
                  1.0 / total);
    }
    phase_row("  parse: cp_wsp_parse_push", parse, total, "the WSP headers",
              0);
    phase_row("  verify: cp_mac_verify", verify, total,
              "HMAC-SHA1 with the IMSI key", 0);
    phase_row("  decode: cp_doc_decode_wbxml", decode, total, "the body", 0);
    phase_row("  authorize: the engine's pre-pass", authz, total,
              "cp_process_config_doc of the document + a last element no "
              "CSP takes, refused after authorizing all the rest (includes "
              "the engine's set-up and state)", 0);
    phase_row("  apply: cp_process_config_doc - authorize", apply - authz,
              total, "the CSPs, the journalled commit, the output document",
              1);
    if (total >= 0.0 && parse >= 0.0 && verify >= 0.0 && decode >= 0.0 &&
        apply >= 0.0)
        phase_row("  other: total - the phases above",
                  total - parse - verify - decode - apply, total,
                  "state, policies, bootstrap rules, verdict, audit "
                  "(measurement noise can make it negative)", 1);
    cp_doc_free(ps.doc);
    cp_doc_free(ps.refused);
    cp_ctx_free(ps.ctx);
    bench_boot_free(&b);
}
