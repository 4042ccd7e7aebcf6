/*
 * bootstrap.c - cp_verify_bootstrap(): origin roles, the acceptance
 * policies, the MAC before any decoding, PIN attempts, and the bootstrap
 * rules (branded devices refuse it, unbranded ones accept one).
 */
#include <string.h>

#include "../trust/state.h"
#include "device.h"
#include "omacp/auth.h"

#define NO_IMSI ((size_t)-1)

/* The first (0.1.0) layouts, frozen: the smallest struct_size taken. */
#define GATEWAY_MIN_SIZE CP_SIZE_THROUGH(cp_gateway, address)

CP_ALIGN_DECL(cp_gateway);
CP_ALIGN_DECL(cp_verdict);

CP_EXPORT void cp_gateway_init_size(cp_gateway *gw, size_t size)
{
    cp_struct__init(gw, size); /* ppg 0 is CP_PPG_ANY */
}

static void verdict_defaults(cp_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    v->imsi_index = NO_IMSI;
    v->sec = CP_SEC_NONE;
}

CP_EXPORT void cp_verdict_init_size(cp_verdict *v, size_t size)
{
    cp_verdict d;
    verdict_defaults(&d);
    cp_struct__init_from(v, size, &d, sizeof d);
}

/* The symbols 0.1.0 programs call: they prepare the 0.1.0 layouts only. */
#undef cp_gateway_init
#undef cp_verdict_init
CP_EXPORT void cp_gateway_init(cp_gateway *gw);
CP_EXPORT void cp_verdict_init(cp_verdict *v);
CP_EXPORT void cp_gateway_init(cp_gateway *gw)
{
    cp_gateway_init_size(gw, CP_FIRST_SIZE(cp_gateway, address));
}

CP_EXPORT void cp_verdict_init(cp_verdict *v)
{
    cp_verdict_init_size(v, CP_FIRST_SIZE(cp_verdict, pin_failures));
}

cp_status cp_boot__take_gateway(cp_ctx *ctx, const cp_gateway *in,
                                cp_gateway *g, const cp_gateway **use)
{
    *use = NULL;
    if (in == NULL)
        return CP_OK;
    cp_gateway_init(g);
    if (cp_struct__take_in(ctx, "cp_gateway", g, sizeof *g, in,
                           GATEWAY_MIN_SIZE) != CP_OK)
        return CP_E_VERSION;
    *use = g;
    return CP_OK;
}

size_t cp_boot__verdict_size_010(void)
{
    return CP_FIRST_SIZE(cp_verdict, pin_failures);
}

/* The call prepares the verdict: the layout of the context's release. */
static void give_verdict(const cp_ctx *ctx, cp_verdict *out,
                         const cp_verdict *v)
{
    cp_struct__fill(ctx, out, v, sizeof *v,
                    CP_FIRST_SIZE(cp_verdict, pin_failures));
}

void(cp_boot__refuse)(cp_verdict *v, cp_status st, const char *text)
{
    size_t n;
    if (text == NULL)
        text = cp_strerror(st);
    n = strlen(text);
    if (n >= sizeof v->reason_text)
        n = sizeof v->reason_text - 1;
    memcpy(v->reason_text, text, n);
    v->reason_text[n] = '\0';
    v->accepted = 0;
    v->reason = st;
}

/* Refuse for a reason found here: the ctx error detail says so. */
static cp_status refuse(cp_ctx *ctx, cp_verdict *v, cp_status st,
                        const char *text)
{
    cp_boot__refuse(v, st, text);
    cp_err__set(ctx, st, CP_NO_OFFSET, "%s", v->reason_text);
    return st;
}

/*
 * Refuse with the status of an inner call that has just recorded its own,
 * more precise message (a decoder, the MAC check, the state store).
 */
static cp_status refuse_inner(cp_ctx *ctx, cp_verdict *v, cp_status st,
                              const char *text)
{
    cp_boot__refuse(v, st, text);
    if (ctx->err.code != st)
        cp_err__set(ctx, st, CP_NO_OFFSET, "%s", v->reason_text);
    return st;
}

#if defined(CP_TERSE) && CP_TERSE
/* TERSE (device.h): the reason is the status's short text. */
#define refuse(ctx, v, st, text) \
    ((void)sizeof(text), (refuse)((ctx), (v), (st), NULL))
#define refuse_inner(ctx, v, st, text) \
    ((void)sizeof(text), (refuse_inner)((ctx), (v), (st), NULL))
#endif

/* A MAC parameter that can verify at all: exactly 40 hex digits. */
static int mac_form_ok(const cp_push *push)
{
    size_t i;
    if (!push->has_mac || push->mac_len != CP_PUSH_MAC_CHARS)
        return 0;
    for (i = 0; i < CP_PUSH_MAC_CHARS; i++) {
        char c = push->mac[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
              (c >= 'a' && c <= 'f')))
            return 0;
    }
    return 1;
}

/*
 * The gateway's standing. The stored gateway list (PXLOGICAL TRUST,
 * PUSHENABLED) is the ceiling; the host's word can only lower it, except
 * for the low-privilege KNOWN_PPG, which the host's word alone gives:
 *   KNOWN_PPG   host says KNOWN or TRUSTED, or the address is a stored
 *               push-enabled gateway;
 *   TRUSTED_PPG host says TRUSTED and the address is a stored push-enabled
 *               gateway of a trusted PXLOGICAL (then Push-Flag is believed
 *               and the initiator may be matched with the TPS).
 */
static cp_ppg gateway_level(cp_ctx *ctx, const cp_gateway *gw)
{
    const cp_gw_entry *e;
    cp_ppg stored = CP_PPG_ANY;
    if (gw == NULL)
        return CP_PPG_ANY;
    e = gw->address != NULL ? cp_trust__gateway_find(ctx, gw->address) : NULL;
    if (e != NULL && e->push)
        stored = e->trusted ? CP_PPG_TRUSTED : CP_PPG_KNOWN;
    if (gw->ppg == CP_PPG_TRUSTED && stored == CP_PPG_TRUSTED)
        return CP_PPG_TRUSTED;
    if (gw->ppg == CP_PPG_KNOWN || gw->ppg == CP_PPG_TRUSTED ||
        stored != CP_PPG_ANY)
        return CP_PPG_KNOWN;
    return CP_PPG_ANY;
}

uint32_t cp_boot__origin_roles(cp_ctx *ctx, const cp_push *push,
                               const cp_gateway *gw)
{
    uint32_t r = CP_ROLE_ANY_PUSH_SOURCE;
    cp_ppg ppg = gateway_level(ctx, gw);
    if (ppg == CP_PPG_KNOWN || ppg == CP_PPG_TRUSTED)
        r |= CP_ROLE_KNOWN_PPG;
    if (ppg != CP_PPG_TRUSTED)
        return r; /* Push-Flag is only believed from a trusted gateway */
    r |= CP_ROLE_TRUSTED_PPG;
    if (push->push_flag >= 0 && (push->push_flag & 0x01))
        r |= CP_ROLE_PPG_AUTH;
    if (push->push_flag >= 0 && (push->push_flag & 0x02))
        r |= CP_ROLE_PPG_TRUSTED;
    if ((r & CP_ROLE_PPG_AUTH) && push->initiator_uri != NULL &&
        cp_policy__value(ctx, CP_POLICY_TPS) == 1 &&
        cp_trust__tps_match(ctx, push->initiator_uri))
        r |= CP_ROLE_OPERATOR_TPS;
    return r;
}

/* Steps 2-4 of the pipeline: which policy admits this method. */
static cp_status check_policies(cp_ctx *ctx, cp_verdict *v)
{
    static const uint32_t by_sec[4] = {
        CP_POLICY_OMACP_NETWPIN, CP_POLICY_OMACP_USERPIN,
        CP_POLICY_OMACP_USERNETWPIN, CP_POLICY_OMACP_USERPIN};
    char text[160];
    uint32_t id, mask;
    if (v->sec == CP_SEC_NONE) {
        id = CP_POLICY_UNAUTH_MESSAGES;
        mask = cp_policy__value(ctx, id);
        if ((v->roles & mask) == 0) {
            cp_boot__say(text, sizeof text,
                    "unsigned message refused by policy 4110 (roles 0x%lx, "
                    "policy 0x%lx)",
                    (unsigned long)v->roles, (unsigned long)mask);
            return refuse(ctx, v, CP_E_REFUSED, text);
        }
    } else {
        id = by_sec[v->sec];
        mask = cp_policy__value(ctx, id);
        if ((v->origin_roles & mask) == 0) {
            cp_boot__say(text, sizeof text,
                    "%s-signed message refused by policy %lu (origin roles "
                    "0x%lx, policy 0x%lx)",
                    cp_sec_name(v->sec), (unsigned long)id,
                    (unsigned long)v->origin_roles, (unsigned long)mask);
            return refuse(ctx, v, CP_E_REFUSED, text);
        }
    }
    mask = cp_policy__value(ctx, CP_POLICY_OTA_PROVISIONING);
    if ((v->roles & mask) == 0) {
        cp_boot__say(text, sizeof text,
                "OTA provisioning refused by policy 4111 (roles 0x%lx, policy "
                "0x%lx)",
                (unsigned long)v->roles, (unsigned long)mask);
        return refuse(ctx, v, CP_E_REFUSED, text);
    }
    return CP_OK;
}

static cp_status verify_netwpin(cp_ctx *ctx, const cp_push *push,
                                const cp_auth_options *opt, cp_verdict *v)
{
    const char *imsis[CP_MAX_IMSIS];
    size_t i, idx = NO_IMSI;
    cp_status st;
    if (!mac_form_ok(push)) /* also a longer MAC cut to 40 characters */
        return refuse(ctx, v, CP_E_BAD_MAC, "MAC is not exactly 40 hex digits");
    if (ctx->n_imsis == 0)
        return refuse(ctx, v, CP_E_BAD_PIN,
                      "NETWPIN message but the device has no IMSI");
    for (i = 0; i < ctx->n_imsis; i++)
        imsis[i] = ctx->imsis[i];
    st = cp_mac_verify(ctx, CP_SEC_NETWPIN, imsis, ctx->n_imsis, NULL,
                       push->mac, opt, push->body, push->body_len, &idx);
    if (st != CP_OK)
        return refuse_inner(ctx, v, st,
                            st == CP_E_NOT_AUTHENTIC
                                ? "NETWPIN MAC does not match: not authentic"
                                : "NETWPIN check failed");
    v->imsi_index = idx;
    return CP_OK;
}

/*
 * The PIN counter belongs to one message: its SEC method and its body. The
 * MAC text is left out on purpose: the same body with its MAC in another
 * case, or (USERPINMAC, whose MAC the user types) with any other MAC text,
 * is the same message and gets no new attempts.
 */
static void message_identity(const cp_push *push, uint8_t out[20])
{
    static const char label[] = "omacp PIN counter ";
    uint8_t key[sizeof label + 1];
    size_t n = sizeof label - 1;
    memcpy(key, label, n);
    key[n++] = (uint8_t)('0' + (push->sec & 7));
    (void)cp_hmac_sha1(key, n, push->body, push->body_len, out);
}

static cp_status one_attempt(cp_ctx *ctx, const cp_push *push,
                             const cp_auth_options *opt, const char *pin,
                             size_t *idx)
{
    const char *imsis[CP_MAX_IMSIS];
    size_t i;
    for (i = 0; i < ctx->n_imsis; i++)
        imsis[i] = ctx->imsis[i];
    return cp_mac_verify(ctx, push->sec, imsis, ctx->n_imsis, pin,
                         push->mac, opt, push->body, push->body_len, idx);
}

/*
 * Wipe a secret. Through a volatile pointer, so that the compiler cannot
 * drop it as a dead store (a plain memset of a buffer never read again may
 * be removed).
 */
static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n-- > 0)
        *v++ = 0;
}

static cp_status verify_pin(cp_ctx *ctx, const cp_push *push,
                            const cp_auth_options *opt, cp_pin_prompt prompt,
                            void *user, cp_verdict *v)
{
    struct cp_trust_state *ts;
    uint8_t digest[20];
    char pin[CP_PIN_MAX + 1];
    unsigned failures = 0, max;
    cp_status st = cp_trust__state(ctx, &ts);
    if (st)
        return refuse_inner(ctx, v, st, "cannot load the security state");
    /* a message that can never verify does not make the user type a PIN */
    if (push->sec == CP_SEC_USERNETWPIN && ctx->n_imsis == 0)
        return refuse(ctx, v, CP_E_BAD_PIN,
                      "USERNETWPIN message but the device has no IMSI");
    if (push->sec != CP_SEC_USERPINMAC && !mac_form_ok(push))
        return refuse(ctx, v, CP_E_BAD_MAC, "MAC is not exactly 40 hex digits");
    message_identity(push, digest);
    st = cp_trust__pin_failures(ctx, digest, &failures);
    if (st) /* damaged counts or no free slot: fail closed, no prompt */
        return refuse_inner(ctx, v, st,
                            st == CP_E_LIMIT
                                ? "too many PIN-signed messages with failed "
                                  "attempts pending: message refused"
                                : "PIN attempt counts unavailable: message "
                                  "refused");
    max = cp_policy__value(ctx, CP_POLICY_MAX_AUTH_RETRY);
    v->pin_failures = failures;
    while (failures < max) {
        size_t idx = NO_IMSI;
        wipe(pin, sizeof pin);
        if (prompt == NULL ||
            prompt(user, push->sec, failures + 1, max - failures, pin,
                   sizeof pin) != CP_OK) {
            wipe(pin, sizeof pin);
            return refuse(ctx, v, CP_E_BAD_PIN,
                          "no PIN was entered for a PIN-signed message");
        }
        pin[CP_PIN_MAX] = '\0';
        /* The attempt is counted, durably, before the PIN is checked: no
           verdict (and no crash in between) can leave it uncounted. */
        st = cp_trust__pin_note(ctx, digest, failures + 1);
        if (st) {
            wipe(pin, sizeof pin);
            return refuse_inner(ctx, v, st,
                                "cannot store the PIN attempt count: "
                                "message refused");
        }
        st = one_attempt(ctx, push, opt, pin, &idx);
        wipe(pin, sizeof pin); /* at once */
        if (st == CP_OK) {
            v->imsi_index = idx;
            /* best effort: a count left behind only costs attempts */
            (void)cp_trust__pin_clear(ctx, digest);
            return CP_OK;
        }
        failures++;
        v->pin_failures = failures;
        if (st != CP_E_NOT_AUTHENTIC && st != CP_E_BAD_PIN)
            return refuse_inner(ctx, v, st, "PIN check failed");
    }
    return refuse(ctx, v, CP_E_PIN_EXHAUSTED,
                  "wrong PIN too many times (policy 4105): message discarded");
}

/*
 * A BOOTSTRAP that names a TPS (PROVURL parm): what sets the TPS. Many
 * operator documents carry a BOOTSTRAP with only NAME (the CHT and NowSMS
 * vectors); those are ordinary settings, not an OTA bootstrap.
 */
static int names_tps(const cp_node *c)
{
    const cp_node *p;
    for (p = cp_node_first_child(c); p; p = cp_node_next(p)) {
        const char *nm = cp_node_attr(p, CP_ATTR_NAME);
        if (cp_node_get_kind(p) == CP_NODE_PARM && nm &&
            cp_str__casecmp(nm, "PROVURL") == 0)
            return 1;
    }
    return 0;
}

/* Decode the (authentic) body and look for a top-level BOOTSTRAP. */
static cp_status find_bootstrap(cp_ctx *ctx, const cp_push *push,
                                cp_doc **doc_out, int *is_boot)
{
    const cp_node *n;
    cp_doc *doc = NULL;
    cp_status st;
    *is_boot = 0;
    if (push->content == CP_CONTENT_WBXML)
        st = cp_doc_decode_wbxml(ctx, push->body, push->body_len, &doc);
    else
        st = cp_doc_parse_xml(ctx, (const char *)push->body, push->body_len,
                              &doc);
    if (st)
        return st;
    for (n = cp_node_first_child(cp_doc_root(doc)); n; n = cp_node_next(n)) {
        const char *t = cp_node_attr(n, CP_ATTR_TYPE);
        if (cp_node_get_kind(n) == CP_NODE_CHARACTERISTIC && t &&
            cp_str__casecmp(t, "BOOTSTRAP") == 0 && names_tps(n))
            *is_boot = 1;
    }
    if (doc_out)
        *doc_out = doc;
    else
        cp_doc_free(doc);
    return CP_OK;
}

/*
 * wm-model.md 5.3: a branded device refuses every OTA bootstrap; an
 * unbranded one accepts one, signed USERNETWPIN (network AND user PIN).
 * No policy or profile setting opens another method.
 */
static cp_status bootstrap_rules(cp_ctx *ctx, cp_verdict *v)
{
    char text[160];
    cp_status st;
    if (!v->is_bootstrap)
        return CP_OK;
    if (ctx->profile == CP_PROFILE_BRANDED)
        return refuse(ctx, v, CP_E_REFUSED,
                      "OTA bootstrap is disabled on this operator-branded device");
    if (v->sec != CP_SEC_USERNETWPIN) {
        cp_boot__say(text, sizeof text,
                 "%s bootstrap refused: an OTA bootstrap must be signed "
                 "USERNETWPIN (network and user PIN)",
                 v->sec == CP_SEC_NONE ? "an unauthenticated"
                                       : cp_sec_name(v->sec));
        return refuse(ctx, v, CP_E_REFUSED, text);
    }
    st = cp_tps__get(ctx, NULL, 0);
    if (st == CP_E_CORRUPT)
        return refuse_inner(ctx, v, st,
                            "the stored TPS is damaged: the device counts as "
                            "bootstrapped; a second bootstrap is refused");
    if (st != CP_E_NOT_FOUND)
        return st == CP_OK || st == CP_E_BUFFER_TOO_SMALL
                   ? refuse(ctx, v, CP_E_EXISTS,
                            "device already bootstrapped: a second bootstrap "
                            "is refused")
                   : refuse_inner(ctx, v, st, "cannot read the stored TPS");
    return CP_OK;
}

cp_status cp_boot__verify(cp_ctx *ctx, const cp_push *push,
                          const cp_gateway *gw, cp_pin_prompt prompt,
                          void *user, cp_verdict *v, cp_doc **doc_out)
{
    cp_auth_options opt;
    cp_status st;
    cp_doc *doc = NULL;

    if (doc_out)
        *doc_out = NULL;
    verdict_defaults(v);
    v->sec = push->sec;
    if (push->body == NULL)
        return refuse(ctx, v, CP_E_INVALID_ARG, "the push has no body");
    if (push->content != CP_CONTENT_WBXML && push->content != CP_CONTENT_XML)
        return refuse(ctx, v, CP_E_NOT_PROV,
                      "content type is not a provisioning document");
    /* Make the state first: no policy read may fall back to its default. */
    st = cp_policy__intact(ctx);
    if (st)
        return refuse_inner(ctx, v, st,
                            st == CP_E_CORRUPT
                                ? "the stored policies are damaged: OTA "
                                  "messages are refused until a MANAGER sets "
                                  "them again"
                                : "cannot load the security state");
    v->origin_roles = cp_boot__origin_roles(ctx, push, gw);
    v->roles = v->origin_roles | cp_roles_for_sec(push->sec);
    if (push->sec < CP_SEC_NONE || /* CP_SEC_INVALID included */
        push->sec > CP_SEC_USERPINMAC)
        return refuse(ctx, v, CP_E_BAD_SEC,
                      "SEC method is not one of 0-3: message dropped");
    st = check_policies(ctx, v);
    if (st)
        return st;

    cp_auth_options_init(&opt);
    opt.min_pinmac_digits = ctx->min_pinmac_digits;
    opt.compat = ctx->auth_compat;
    if (push->sec == CP_SEC_NETWPIN)
        st = verify_netwpin(ctx, push, &opt, v);
    else if (push->sec != CP_SEC_NONE)
        st = verify_pin(ctx, push, &opt, prompt, user, v);
    if (st)
        return st;

    /* Authentic (or unsigned and admitted): only now decode the body. */
    st = find_bootstrap(ctx, push, &doc, &v->is_bootstrap);
    if (st)
        return refuse_inner(ctx, v, st, "the document cannot be decoded");
    st = bootstrap_rules(ctx, v);
    if (st) {
        cp_doc_free(doc);
        return st;
    }
    v->confirm_due = push->sec == CP_SEC_NETWPIN &&
                     cp_policy__value(ctx, CP_POLICY_NETWPIN_PROMPT) == 0;
    v->effective_roles = cp_roles__effective(ctx, v->roles);
    v->accepted = 1;
    v->reason = CP_OK;
    strcpy(v->reason_text, "accepted");
    if (doc_out)
        *doc_out = doc;
    else
        cp_doc_free(doc);
    return CP_OK;
}

/* Busy: refused, and the ctx (owned by the call inside) is not touched. */
static cp_status refuse_busy(cp_verdict *v)
{
    cp_boot__refuse(v, CP_E_BUSY,
                    "another configuration call is running on this context");
    return CP_E_BUSY;
}

/* The caller's structs taken in: its push (if any) and gateway. */
typedef struct verify_in {
    cp_push push;
    cp_gateway gw;
    const cp_gateway *gwp;
} verify_in;

static cp_status verify_start(cp_ctx *ctx, const cp_push *push,
                              const cp_gateway *gw, verify_in *in)
{
    if (push != NULL) {
        cp_push_init(&in->push);
        if (cp_struct__take_in(ctx, "cp_push", &in->push, sizeof in->push,
                               push, CP_SIZE_THROUGH(cp_push, body_offset)))
            return CP_E_VERSION;
    }
    return cp_boot__take_gateway(ctx, gw, &in->gw, &in->gwp);
}

CP_EXPORT cp_status cp_verify_bootstrap(cp_ctx *ctx, const cp_push *push,
                                        const cp_gateway *gw,
                                        cp_pin_prompt prompt, void *user,
                                        cp_verdict *out)
{
    verify_in in;
    cp_verdict v;
    cp_status st;
    if (ctx == NULL || push == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if ((st = verify_start(ctx, push, gw, &in)) != CP_OK)
        return st;
    verdict_defaults(&v);
    if (cp_ctx__enter(ctx) != CP_OK) {
        st = refuse_busy(&v);
    } else {
        st = cp_boot__verify(ctx, &in.push, in.gwp, prompt, user, &v, NULL);
        cp_ctx__leave(ctx);
    }
    give_verdict(ctx, out, &v);
    return st;
}

CP_EXPORT cp_status cp_verify_bootstrap_pdu(cp_ctx *ctx, const uint8_t *pdu,
                                            size_t len, const cp_gateway *gw,
                                            cp_pin_prompt prompt, void *user,
                                            cp_verdict *out)
{
    verify_in in;
    cp_verdict v;
    cp_status st;
    if (ctx == NULL || pdu == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if ((st = verify_start(ctx, NULL, gw, &in)) != CP_OK)
        return st;
    verdict_defaults(&v);
    if (cp_ctx__enter(ctx) != CP_OK) {
        st = refuse_busy(&v);
    } else {
        cp_push_init(&in.push);
        st = cp_wsp_parse_push(ctx, pdu, len, &in.push);
        if (st) {
#if defined(CP_TERSE) && CP_TERSE
            cp_boot__refuse(&v, st, NULL); /* device.h */
#else
            v.reason = st;
            snprintf(v.reason_text, sizeof v.reason_text,
                     "malformed push: %s", cp_ctx_error_message(ctx));
#endif
        } else {
            st = cp_boot__verify(ctx, &in.push, in.gwp, prompt, user, &v,
                                 NULL);
        }
        cp_ctx__leave(ctx);
    }
    give_verdict(ctx, out, &v);
    return st;
}
