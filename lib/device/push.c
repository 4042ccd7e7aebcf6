/*
 * push.c - cp_push_process(): the over-the-air pipeline from a WSP push PDU
 * (or its SMS segments) to applied settings, with one audit record per
 * message.
 */
#include <stdio.h>
#include <string.h>

#include "../engine/engine.h"
#include "../trust/state.h"
#include "device.h"
#include "omacp/push.h"

/* The first (0.1.0) layouts, frozen: the smallest struct_size taken. */
#define HOOKS_MIN_SIZE CP_SIZE_THROUGH(cp_push_hooks, user)

CP_ALIGN_DECL(cp_push_hooks);
CP_ALIGN_DECL(cp_push_result);

CP_EXPORT void cp_push_hooks_init_size(cp_push_hooks *h, size_t size)
{
    cp_struct__init(h, size);
}

static void result_defaults(cp_push_result *r)
{
    memset(r, 0, sizeof *r);
    r->struct_size = sizeof *r;
    cp_verdict_init(&r->verdict);
}

CP_EXPORT void cp_push_result_init_size(cp_push_result *r, size_t size)
{
    cp_push_result d;
    result_defaults(&d);
    cp_struct__init_from(r, size, &d, sizeof d);
}

/* The symbols 0.1.0 programs call: they prepare the 0.1.0 layouts only. */
#undef cp_push_hooks_init
#undef cp_push_result_init
CP_EXPORT void cp_push_hooks_init(cp_push_hooks *h);
CP_EXPORT void cp_push_result_init(cp_push_result *r);
CP_EXPORT void cp_push_hooks_init(cp_push_hooks *h)
{
    cp_push_hooks_init_size(h, CP_FIRST_SIZE(cp_push_hooks, user));
}

CP_EXPORT void cp_push_result_init(cp_push_result *r)
{
    cp_push_result_init_size(r, CP_FIRST_SIZE(cp_push_result, pending));
}

/* The caller's structs in this library's layouts. */
typedef struct push_in {
    cp_push_hooks h;  /* hooks the caller's size does not cover: unset */
    cp_gateway g;
    const cp_gateway *gw; /* &g, or NULL */
} push_in;

static cp_status take_in(cp_ctx *ctx, const cp_gateway *gw,
                         const cp_push_hooks *hooks, push_in *in)
{
    cp_push_hooks_init(&in->h);
    if (hooks != NULL &&
        cp_struct__take_in(ctx, "cp_push_hooks", &in->h, sizeof in->h, hooks,
                           HOOKS_MIN_SIZE))
        return CP_E_VERSION;
    return cp_boot__take_gateway(ctx, gw, &in->g, &in->gw);
}

/*
 * The call prepares the caller's result itself (cp_push_process's
 * contract since 0.1.0), so it is written in the layout of the release
 * the context's cp_config came from; the verdict inside follows it.
 */
static void give_result(const cp_ctx *ctx, cp_push_result *out,
                        cp_push_result *r)
{
    r->verdict.struct_size = ctx->abi == CP_ABI__010
                                 ? cp_boot__verdict_size_010()
                                 : sizeof r->verdict;
    cp_struct__fill(ctx, out, r, sizeof *r,
                    CP_FIRST_SIZE(cp_push_result, pending));
}

static int decode_error(cp_status st)
{
    switch (st) {
    case CP_E_TRUNCATED:
    case CP_E_MALFORMED:
    case CP_E_OVERFLOW:
    case CP_E_UNKNOWN_TOKEN:
    case CP_E_CHARSET:
    case CP_E_XML:
    case CP_E_GRAMMAR:
    case CP_E_DTD:
        return 1;
    default:
        return 0;
    }
}

static void audit(cp_ctx *ctx, const cp_push_hooks *h, const cp_gateway *gw,
                  const cp_push *push, cp_push_result *r, cp_status st,
                  const char *reason)
{
    cp_audit a;
    if (h->audit == NULL)
        return;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.time = h->now ? h->now(h->user) : 0;
    a.ppg = gw ? gw->ppg : CP_PPG_ANY;
    a.gateway = gw ? gw->address : NULL;
    a.initiator = push ? push->initiator_uri : NULL;
    a.sec = r->verdict.sec;
    a.roles = r->verdict.roles;
    a.outcome = r->outcome;
    a.status = st;
    a.reason = reason != NULL && reason[0] ? reason : cp_strerror(st);
    (void)ctx;
    h->audit(h->user, &a);
}

/* Everything after the PDU is parsed; the ctx is entered. */
static cp_status pipeline(cp_ctx *ctx, const cp_push *push,
                          const cp_gateway *gw, const cp_push_hooks *h,
                          cp_push_result *r, const char **why)
{
    cp_doc *doc = NULL;
    cp_status st;
    /* Load the state first: policy 4113 must never fall back to its
       default because the stored value could not be read (fail closed);
       damaged policies are refused as such, not by a strict 4113. */
    st = cp_policy__intact(ctx);
    if (st) {
        r->outcome = CP_OUTCOME_REFUSED;
        r->verdict.sec = push->sec;
        cp_boot__refuse(&r->verdict, st,
                        st == CP_E_CORRUPT
                            ? "the stored policies are damaged: OTA messages "
                              "are refused until a MANAGER sets them again"
                            : "cannot load the device's security state");
        *why = r->verdict.reason_text;
        return st;
    }
    if (cp_policy__value(ctx, CP_POLICY_WSP_PUSH) == 0) {
        r->outcome = CP_OUTCOME_REFUSED;
        r->verdict.sec = push->sec;
        cp_boot__refuse(&r->verdict, CP_E_REFUSED,
                        "WSP push is switched off (policy 4113 = 0)");
        *why = r->verdict.reason_text;
        return cp_err__set(ctx, CP_E_REFUSED, CP_NO_OFFSET, "%s", *why);
    }
    st = cp_boot__verify(ctx, push, gw, h->pin, h->user, &r->verdict, &doc);
    if (st) {
        r->outcome = decode_error(st) ? CP_OUTCOME_MALFORMED : CP_OUTCOME_REFUSED;
        *why = r->verdict.reason_text;
        return st;
    }
    if (r->verdict.confirm_due &&
        (h->confirm == NULL || !h->confirm(h->user, &r->verdict))) {
        cp_doc_free(doc);
        r->outcome = CP_OUTCOME_REFUSED;
        cp_boot__refuse(&r->verdict, CP_E_REFUSED,
                        "the user did not confirm the network-PIN message "
                        "(policy 4132)");
        *why = r->verdict.reason_text;
        return cp_err__set(ctx, CP_E_REFUSED, CP_NO_OFFSET, "%s", *why);
    }
#if defined(CP_NO_XMLOUT) && CP_NO_XMLOUT
    /* no XML writer, no output document: r->output stays NULL */
    st = cp_engine__process(ctx, doc, r->verdict.roles, CP_PROCESS, NULL, NULL);
#else
    st = cp_engine__process(ctx, doc, r->verdict.roles, CP_PROCESS,
                            &r->output, &r->output_len);
#endif
    cp_doc_free(doc);
    r->outcome = st == CP_OK ? CP_OUTCOME_APPLIED
                 : st == CP_E_STORAGE && ctx->commit_pending
                     ? CP_OUTCOME_PENDING /* not undone: it completes later */
                     : CP_OUTCOME_ROLLED_BACK;
    *why = st ? cp_ctx_error_message(ctx) : "applied";
    return st;
}

static void refuse_busy(cp_ctx *ctx, const push_in *in, cp_push_result *r)
{
    /* The ctx belongs to the call inside (maybe in another thread): its
       error detail is not touched. */
    r->outcome = CP_OUTCOME_REFUSED;
    cp_boot__refuse(&r->verdict, CP_E_BUSY,
                    "another configuration call is running on this context");
    audit(ctx, &in->h, in->gw, NULL, r, CP_E_BUSY, r->verdict.reason_text);
}

/* One PDU, the structs taken in, the ctx entered by the caller. */
static cp_status push_entered(cp_ctx *ctx, const uint8_t *pdu, size_t len,
                              const push_in *in, cp_push_result *r)
{
    cp_push push;
    const char *why = "";
    cp_status st;
    cp_push_init(&push);
    st = cp_wsp_parse_push(ctx, pdu, len, &push);
    if (st) {
        char text[sizeof r->verdict.reason_text];
        r->outcome = st == CP_E_UNSUPPORTED ? CP_OUTCOME_REFUSED
                                            : CP_OUTCOME_MALFORMED;
        cp_boot__say(text, sizeof text, "malformed push: %s",
                 cp_ctx_error_message(ctx));
        cp_boot__refuse(&r->verdict, st, text);
        why = cp_ctx_error_message(ctx);
        audit(ctx, &in->h, in->gw, NULL, r, st, why);
        return st;
    }
    st = pipeline(ctx, &push, in->gw, &in->h, r, &why);
    audit(ctx, &in->h, in->gw, &push, r, st, why);
    return st;
}

/* One PDU, the structs taken in, the ctx not entered yet. */
static cp_status push_one(cp_ctx *ctx, const uint8_t *pdu, size_t len,
                          const push_in *in, cp_push_result *r)
{
    cp_status st;
    if (cp_ctx__enter(ctx) != CP_OK) {
        refuse_busy(ctx, in, r);
        return CP_E_BUSY;
    }
    st = push_entered(ctx, pdu, len, in, r);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_push_process(cp_ctx *ctx, const uint8_t *pdu,
                                    size_t len, const cp_gateway *gw,
                                    const cp_push_hooks *hooks,
                                    cp_push_result *result)
{
    push_in in;
    cp_push_result r;
    cp_status st;
    if (ctx == NULL || pdu == NULL || result == NULL)
        return CP_E_INVALID_ARG;
    if ((st = take_in(ctx, gw, hooks, &in)) != CP_OK)
        return st;
    result_defaults(&r);
    st = push_one(ctx, pdu, len, &in, &r);
    give_result(ctx, result, &r);
    return st;
}

/* One segment: CP_OK with r->pending while parts are missing. */
static cp_status sms_one(cp_ctx *ctx, cp_sms *sms, const char *origin,
                         const uint8_t *ud, size_t len, int udhi,
                         uint64_t now, const push_in *in, cp_push_result *r)
{
    uint8_t *pdu = NULL;
    size_t pdu_len = 0;
    cp_status st;
    /* The ctx is held from the segment to the end of its message: a
       completed message has left the reassembly buffer, and another
       call entering the ctx in between would make it lost (CP_E_BUSY
       after the parts were taken). A busy ctx refuses the segment
       before it is taken, so the caller can give it again. */
    if ((st = cp_ctx__enter(ctx)) != CP_OK) {
        refuse_busy(ctx, in, r);
        return st;
    }
    st = cp_sms_add(sms, origin, ud, len, udhi, now, &pdu, &pdu_len);
    if (st) {
        /* a broken segment is not a message: no audit record, but the
           result must not read as applied */
        char text[sizeof r->verdict.reason_text];
        r->outcome = st == CP_E_MALFORMED || st == CP_E_OVERFLOW ||
                             st == CP_E_TRUNCATED
                         ? CP_OUTCOME_MALFORMED
                         : CP_OUTCOME_REFUSED;
        cp_boot__say(text, sizeof text, "SMS segment not taken: %s",
                 cp_ctx_error_message(ctx));
        cp_boot__refuse(&r->verdict, st, text);
        cp_ctx__leave(ctx);
        return st;
    }
    if (pdu == NULL) {
        cp_ctx__leave(ctx);
        r->pending = 1;
        return CP_OK;
    }
    st = push_entered(ctx, pdu, pdu_len, in, r);
    cp_ctx__leave(ctx);
    cp_free(ctx, pdu);
    return st;
}

CP_EXPORT cp_status cp_push_process_sms(cp_ctx *ctx, cp_sms *sms,
                                        const char *origin,
                                        const uint8_t *ud, size_t len,
                                        int udhi, uint64_t now,
                                        const cp_gateway *gw,
                                        const cp_push_hooks *hooks,
                                        cp_push_result *result)
{
    push_in in;
    cp_push_result r;
    cp_status st;
    if (ctx == NULL || sms == NULL || result == NULL)
        return CP_E_INVALID_ARG;
    if ((st = take_in(ctx, gw, hooks, &in)) != CP_OK)
        return st;
    result_defaults(&r);
    st = sms_one(ctx, sms, origin, ud, len, udhi, now, &in, &r);
    give_result(ctx, result, &r);
    return st;
}
