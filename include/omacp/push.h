/** @file
 * omacp/push.h - the over-the-air pipeline: a WSP push PDU (or the SMS
 * segments that carry it) in, a verdict and applied settings out.
 *
 * @code{.unparsed}
 *   PDU -> cp_verify_bootstrap (origin roles, policies, MAC before decoding,
 *   PIN attempts, bootstrap rules) -> NETWPIN confirmation (policy 4132)
 *   -> decode -> cp_process_config_xml with the message's roles -> output
 *   document, and one audit record for every message.
 * @endcode
 *
 * The steps of cp_push_process(), in order; the first that fails ends it:
 * 1. The arguments and the caller's structs are taken in (hooks, gateway).
 *    A failure here returns at once: no audit record, result untouched.
 * 2. The context is entered: while another call is inside it, the message
 *    is refused with CP_E_BUSY (audited; the ctx error detail is left to
 *    the call inside).
 * 3. The PDU is parsed (cp_wsp_parse_push, omacp/wsp.h).
 * 4. The device's security state is loaded: damaged stored policies
 *    refuse every message with CP_E_CORRUPT, unreadable state with its
 *    status; nothing is decided on defaults. Policy 4113 = 0 refuses every
 *    WSP push (CP_E_REFUSED).
 * 5. cp_verify_bootstrap's checks (omacp/bootstrap.h): a provisioning
 *    content type, the origin roles, a SEC method 0..3 or none, policy
 *    4110 or 4141-4143, policy 4111, the MAC over the raw body (with the
 *    pin hook for PIN-signed messages, attempts counted against policy
 *    4105), then decoding the body, then the bootstrap rules.
 * 6. A pure NETWPIN message while policy 4132 = 0: the confirm hook is
 *    asked; without it, or when it says no, CP_E_REFUSED.
 * 7. The document is processed by the engine (cp_process_config_doc,
 *    omacp/engine.h) with the message's roles: all of it is applied or
 *    none.
 * 8. The audit record is written (now, then audit), and the result is
 *    handed to the caller.
 *
 * Routing is by content type only: application/vnd.wap.connectivity-wbxml
 * (binary 0xB6) and text/vnd.wap.connectivity-xml (0xB5), as a code or as
 * text, whatever the X-Wap-Application-Id (absent, "*" or "wml.ua"). Any
 * other content type is refused with CP_E_NOT_PROV.
 *
 * Roles of a message (README, "Security model"). Its origin roles come
 * from the gateway and the stored TPS: CP_ROLE_ANY_PUSH_SOURCE always;
 * CP_ROLE_KNOWN_PPG when the host says the gateway is known or trusted or
 * its address is a stored push-enabled gateway; CP_ROLE_TRUSTED_PPG only
 * when the host says CP_PPG_TRUSTED and the address is a stored
 * push-enabled gateway of a trusted PXLOGICAL, and then also
 * CP_ROLE_PPG_AUTH and CP_ROLE_PPG_TRUSTED from its Push-Flag (0x01,
 * 0x02) and CP_ROLE_OPERATOR_TPS when PPG_AUTH is set, the
 * X-Wap-Initiator-URI equals the stored TPS and policy 4104 = 1 (the
 * table at cp_ppg in omacp/bootstrap.h). Its SEC method adds
 * cp_roles_for_sec(sec): USER_UNAUTH when unsigned, OPERATOR for
 * NETWPIN, USER_AUTH for USERPIN and USERPINMAC, both for USERNETWPIN.
 * The union, cp_verdict.roles, is what the engine gets as base roles; the
 * grant policies 4119 and 4120 then add MANAGER and USER_AUTH
 * (cp_verdict.effective_roles).
 *
 * Hooks, in the order they are called, all on the calling thread while
 * the context is entered: pin (zero or more times, one per PIN attempt),
 * confirm (at most once, after the MAC verified and the body decoded,
 * before anything is applied), the CSP callbacks of the document
 * (omacp/csp.h), now and audit (once, at the end). A hook that calls a
 * guarded function with the same context gets CP_E_BUSY (omacp/ctx.h);
 * functions that only use the context's allocator (cp_doc_*, cp_mac_*)
 * may be called.
 *
 * Memory: the library allocates only through the context's allocator.
 * What it hands out is cp_push_result.output, freed by the caller with
 * cp_free(). The audit record and everything it points to belong to the
 * library and live only during the audit hook's call.
 *
 * Example (the whole receive path of a modem: examples/modem.c):
 * @code
 * cp_push_hooks h;
 * cp_push_result r;
 * cp_push_hooks_init(&h);
 * h.pin = ask_pin;           // the host's cp_pin_prompt
 * h.audit = log_audit;
 * h.user = device;
 * cp_push_result_init(&r);   // r.output is NULL whatever happens
 * st = cp_push_process(ctx, pdu, pdu_len, NULL, &h, &r);
 * if (st != CP_OK)
 *     log("refused: %s (%s)", r.verdict.reason_text, cp_strerror(st));
 * cp_free(ctx, r.output);
 * @endcode
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_PUSH_H
#define OMACP_PUSH_H

#include "bootstrap.h"
#include "common.h"
#include "ctx.h"
#include "sms.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What happened to a message, as the audit record and the result tell it. */
typedef enum cp_outcome {
    /** Accepted and every setting applied, durably (status CP_OK). */
    CP_OUTCOME_APPLIED = 0,
    /**
     * Refused before anything was applied: by the security model (a
     * policy, the MAC, the PIN, the bootstrap rules, the user declining a
     * NETWPIN message), because the context was busy, damaged or
     * unreadable state, a content type that is not provisioning, a
     * ConfirmedPush, or an SMS segment that was not taken.
     */
    CP_OUTCOME_REFUSED = 1,
    /**
     * Accepted, but processing the document failed (access denied, a bad
     * request, a CSP, storage): nothing of it stays applied. The status
     * says why and the output document marks the failing element.
     */
    CP_OUTCOME_ROLLED_BACK = 2,
    /**
     * The PDU could not be parsed, the (authentic) body could not be
     * decoded, or an SMS segment is broken.
     */
    CP_OUTCOME_MALFORMED = 3,
    /**
     * Accepted, but its commit is not durable yet: only the commit's
     * journal reached storage (status CP_E_STORAGE). It is neither applied
     * nor undone: the next access to the state finishes it. Added in 0.2.0.
     */
    CP_OUTCOME_PENDING = 4
} cp_outcome;

/**
 * One audit record: written for every message, accepted or refused,
 * including one refused because the context was busy; not for a call
 * that fails on its arguments, nor for an SMS segment that completes no
 * message. It never holds a PIN, a key or an IMSI.
 *
 * Lifetime: the record and the strings it points to belong to the library
 * and are valid only during the call of cp_push_hooks.audit; copy what
 * you keep. The hook is called before the call returns, so the caller's
 * cp_push_result is not written yet.
 */
typedef struct cp_audit {
    /**
     * sizeof(cp_audit) in this library. Fields are only appended, so a
     * hook compiled against older headers reads the fields it knows.
     */
    size_t struct_size;
    uint64_t time;           /**< cp_push_hooks.now(), or 0 without that hook */
    /** What the host said of the gateway (cp_gateway.ppg; CP_PPG_ANY without one), not what the device made of it. */
    cp_ppg ppg;
    const char *gateway;     /**< the gateway address given (cp_gateway.address), or NULL */
    /** X-Wap-Initiator-URI of the PDU, or NULL (absent, or the PDU not parsed). */
    const char *initiator;
    /** CP_SEC_* of the message; CP_SEC_NONE also when the PDU was not parsed. */
    cp_sec sec;
    /**
     * The message's roles (origin | what its SEC method gives), as far as
     * they were worked out: 0 when it was refused before (busy, parse
     * error, damaged state, policy 4113, not provisioning). They are what
     * the message claims; only CP_OUTCOME_APPLIED, ROLLED_BACK and PENDING
     * say it was accepted (its MAC, if it had one, verified).
     */
    uint32_t roles;
    cp_outcome outcome;      /**< what happened */
    cp_status status;        /**< the status cp_push_process returns */
    /**
     * One line in plain words: "applied", the verdict's reason, or the
     * engine's error message; never NULL or empty (cp_strerror(status) at
     * worst).
     */
    const char *reason;
} cp_audit;

/**
 * The host's side of the pipeline. Prepare it with cp_push_hooks_init,
 * then set what you need: every member may be NULL / 0. The library reads
 * only the struct_size bytes the caller has (at least the 0.1.0 layout,
 * else CP_E_VERSION); hooks beyond them count as NULL. The struct is read
 * during the call only.
 */
typedef struct cp_push_hooks {
    size_t struct_size;      /**< sizeof(cp_push_hooks), set by cp_push_hooks_init */
    /**
     * Asks the user for a PIN (cp_pin_prompt, omacp/bootstrap.h), once per
     * attempt, for USERPIN, USERNETWPIN and USERPINMAC messages. Without
     * it, or when it returns anything but CP_OK, the message is refused
     * with CP_E_BAD_PIN and no attempt is counted: a host that cannot ask
     * now may refuse and offer the message again later.
     */
    cp_pin_prompt pin;
    /**
     * Policy 4132 = 0 and a pure NETWPIN message: ask the user whether to
     * apply it. Return 1 to apply, 0 to refuse (CP_E_REFUSED). Without
     * this hook such a message is refused. v is the accepted verdict
     * (roles, effective roles); valid during the call only.
     */
    int (*confirm)(void *user, const cp_verdict *v);
    /** Receives one record per message (cp_audit), as the last step. */
    void (*audit)(void *user, const cp_audit *record);
    /** The host's clock in seconds, for audit records; called once per record, only when audit is set. */
    uint64_t (*now)(void *user);
    void *user;              /**< passed to every hook */
} cp_push_hooks;

/** Prepare *h: zero it, set struct_size (every hook NULL). NULL is a no-op. */
#define cp_push_hooks_init(h) cp_push_hooks_init_size((h), sizeof(cp_push_hooks))
/**
 * cp_push_hooks_init() as a function: prepare the size bytes of *h, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_push_hooks_init_size(cp_push_hooks *h, size_t size);

/**
 * The outcome of cp_push_process and cp_push_process_sms. The call fills
 * the whole struct itself, in the layout of the release the context's
 * caller was compiled against (cp_ctx_new_version), so it need not be
 * prepared; but a call that fails on its arguments (CP_E_INVALID_ARG,
 * CP_E_VERSION) leaves it untouched, so prepare it with
 * cp_push_result_init to have output NULL whatever happens. Each call
 * overwrites it: free output before reusing the struct.
 */
typedef struct cp_push_result {
    size_t struct_size;      /**< the layout written (set by the call or cp_push_result_init) */
    /**
     * The trust decision (cp_verdict, omacp/bootstrap.h): accepted, the
     * reason and its text, SEC, roles. For a message refused before the
     * trust checks (busy, a parse error, damaged state, policy 4113) it
     * says refused with that status and reason.
     */
    cp_verdict verdict;
    cp_outcome outcome;      /**< applied, refused, rolled back, malformed or pending */
    /**
     * The output document (canonical XML, NUL-terminated, as
     * cp_process_config_xml gives it) whenever the engine ran, also when
     * it rolled back (the failing element marked); else NULL. Allocated
     * with the context's allocator: the caller frees it with
     * cp_free(ctx, output).
     */
    char *output;
    size_t output_len;       /**< its length, without the NUL; 0 when output is NULL */
    /**
     * cp_push_process_sms: 1 while segments are missing. Then nothing
     * else in the result means anything (outcome reads as 0): test pending
     * first. Always 0 from cp_push_process.
     */
    int pending;
} cp_push_result;

/** Prepare *r: zero it, set struct_size and the verdict's "nothing decided" values. NULL is a no-op. */
#define cp_push_result_init(r) cp_push_result_init_size((r), sizeof(cp_push_result))
/**
 * cp_push_result_init() as a function: prepare the size bytes of *r, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_push_result_init_size(cp_push_result *r, size_t size);

/**
 * Process one WSP push PDU (len octets; the library does not keep it),
 * through the steps at the top of this header, and fill *result.
 *
 * gw may be NULL (unknown gateway), hooks may be NULL (no PIN prompt, no
 * confirmation, no audit). The host passes in gw what the bearer
 * guarantees about the push proxy gateway: its address (the WAP push's
 * PPG address, never a sender-chosen SMS originator number unless the
 * network guarantees it) and, in gw->ppg, whether the host vouches for
 * it; TRUSTED_PPG and OPERATOR_TPS need both that and a gateway the
 * device itself holds as trusted and push-enabled (see cp_ppg and
 * cp_gateway in omacp/bootstrap.h). Policy 4113 = 0 refuses every WSP
 * push.
 *
 * Returns CP_OK when the document was applied (outcome APPLIED);
 * otherwise the reason, with the detail in the ctx error (except for
 * CP_E_BUSY) and in result->verdict:
 * - CP_E_INVALID_ARG (ctx, pdu or result NULL) and CP_E_VERSION (hooks or
 *   gw with a struct_size this library does not know): nothing done,
 *   result untouched, no audit record.
 * - CP_E_BUSY: ctx is inside another call; refused.
 * - CP_E_TRUNCATED, CP_E_MALFORMED, CP_E_OVERFLOW: the PDU cannot be
 *   parsed (outcome MALFORMED); CP_E_UNSUPPORTED: a ConfirmedPush
 *   (REFUSED).
 * - CP_E_CORRUPT (damaged stored policies, PIN counts, or a bootstrap
 *   while the stored TPS is damaged), CP_E_STORAGE or CP_E_NOMEM (the
 *   state cannot be read or a PIN attempt cannot be saved): refused.
 * - CP_E_REFUSED: policy 4113, 4110, 4111 or 4141-4143, a bootstrap a
 *   branded device or the SEC method does not allow, or the user did not
 *   confirm a NETWPIN message.
 * - The other refusals of cp_verify_bootstrap: CP_E_NOT_PROV, CP_E_BAD_SEC,
 *   CP_E_BAD_MAC, CP_E_BAD_PIN, CP_E_NOT_AUTHENTIC, CP_E_PIN_EXHAUSTED,
 *   CP_E_LIMIT (PIN attempt table full), CP_E_EXISTS (second bootstrap);
 *   a decoding error of the authentic body (CP_E_XML, CP_E_GRAMMAR,
 *   CP_E_UNKNOWN_TOKEN, CP_E_CHARSET, ...: outcome MALFORMED).
 * - The engine's status when the document fails (outcome ROLLED_BACK):
 *   CP_E_ACCESS_DENIED, CP_E_BAD_DOC, CP_E_CSP, CP_E_NOT_FOUND,
 *   CP_E_ROLLBACK, CP_E_LIMIT, CP_E_NOMEM, CP_E_STORAGE; CP_E_STORAGE with
 *   outcome PENDING when only the commit's journal reached storage (the
 *   next access to the state finishes the commit).
 *
 * result->output holds the output document whenever the engine ran (also
 * when it rolled back); the caller frees it with cp_free(ctx, ...).
 * Limits: the document is bounded by the context's cp_limits.
 */
CP_EXPORT cp_status cp_push_process(cp_ctx *ctx, const uint8_t *pdu,
                                    size_t len, const cp_gateway *gw,
                                    const cp_push_hooks *hooks,
                                    cp_push_result *result);

/**
 * The SMS-level entry: add one SMS to the reassembler sms (origin, ud,
 * len, udhi and now exactly as cp_sms_add in omacp/sms.h takes them) and,
 * when it completes a push (or was not segmented), process that PDU as
 * cp_push_process does, with gw, hooks and result as there. sms must have
 * been made by cp_sms_new with this ctx (the PDU is freed with its
 * allocator); like the reassembler, use it from one thread at a time.
 *
 * - While segments are missing it returns CP_OK with result->pending = 1
 *   and writes no audit record.
 * - A segment cp_sms_add does not take returns its status
 *   (CP_E_MALFORMED, CP_E_NOT_PROV, CP_E_LIMIT, CP_E_INVALID_ARG,
 *   CP_E_NOMEM, ...) with outcome MALFORMED (for a broken segment) or
 *   REFUSED, the reason in the verdict and the ctx, and no audit record:
 *   a segment is not a message.
 * - While ctx is inside another call it returns CP_E_BUSY without taking
 *   the segment (the caller may offer it again), with an audit record as
 *   cp_push_process writes for a busy context.
 * - CP_E_INVALID_ARG (ctx, sms or result NULL) and CP_E_VERSION as
 *   cp_push_process: nothing done, result untouched.
 * Otherwise it returns what cp_push_process returns for the PDU.
 */
CP_EXPORT cp_status cp_push_process_sms(cp_ctx *ctx, cp_sms *sms,
                                        const char *origin,
                                        const uint8_t *ud, size_t len,
                                        int udhi, uint64_t now,
                                        const cp_gateway *gw,
                                        const cp_push_hooks *hooks,
                                        cp_push_result *result);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_PUSH_H */
