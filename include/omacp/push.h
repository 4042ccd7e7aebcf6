/** @file
 * omacp/push.h - the over-the-air pipeline: a WSP push PDU (or the SMS
 * segments that carry it) in, a verdict and applied settings out.
 *
 *   PDU -> cp_verify_bootstrap (origin roles, policies, MAC before decoding,
 *   PIN attempts, bootstrap rules) -> NETWPIN confirmation (policy 4132)
 *   -> decode -> cp_process_config_xml with the message's roles -> output
 *   document, and one audit record for every message.
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

/** What happened to a message, as the audit record tells it. */
typedef enum cp_outcome {
    CP_OUTCOME_APPLIED = 0,     /**< accepted and every setting applied */
    CP_OUTCOME_REFUSED = 1,     /**< refused before anything was applied */
    CP_OUTCOME_ROLLED_BACK = 2, /**< accepted, but the document failed and was rolled back */
    CP_OUTCOME_MALFORMED = 3,   /**< the PDU or the document could not be read */
    /**
     * Accepted, but its commit is not durable yet: only the commit's
     * journal reached storage (status CP_E_STORAGE). It is neither applied
     * nor undone: the next access to the state finishes it. Added in 0.2.0.
     */
    CP_OUTCOME_PENDING = 4
} cp_outcome;

/**
 * One audit record: written for every message, accepted or refused. It
 * never holds a PIN, a key or an IMSI.
 */
typedef struct cp_audit {
    size_t struct_size;      /**< sizeof(cp_audit) */
    uint64_t time;           /**< cp_push_hooks.now(), or 0 without that hook */
    cp_ppg ppg;              /**< what the host said of the gateway */
    const char *gateway;     /**< the gateway address given, or NULL */
    const char *initiator;   /**< X-Wap-Initiator-URI, or NULL */
    cp_sec sec;              /**< CP_SEC_* of the message */
    uint32_t roles;          /**< the message's roles (origin | signature) */
    cp_outcome outcome;      /**< what happened */
    cp_status status;        /**< the status cp_push_process returns */
    const char *reason;      /**< one line in plain words */
} cp_audit;

/** The host's side of the pipeline. Every member may be NULL / 0. */
typedef struct cp_push_hooks {
    size_t struct_size;      /**< sizeof(cp_push_hooks), set by cp_push_hooks_init */
    cp_pin_prompt pin;       /**< asks the user for a PIN (see bootstrap.h) */
    /**
     * Policy 4132 = 0 and a pure NETWPIN message: ask the user whether to
     * apply it. Return 1 to apply, 0 to refuse. Without this hook such a
     * message is refused.
     */
    int (*confirm)(void *user, const cp_verdict *v);
    /** Receives one record per message. */
    void (*audit)(void *user, const cp_audit *record);
    /** The host's clock in seconds, for audit records. */
    uint64_t (*now)(void *user);
    void *user;              /**< passed to every hook */
} cp_push_hooks;

/** Prepare *h: zero it, set struct_size. */
#define cp_push_hooks_init(h) cp_push_hooks_init_size((h), sizeof(cp_push_hooks))
/**
 * cp_push_hooks_init() as a function: prepare the size bytes of *h, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_push_hooks_init_size(cp_push_hooks *h, size_t size);

/** The outcome of cp_push_process. */
typedef struct cp_push_result {
    size_t struct_size;      /**< sizeof(cp_push_result), set by cp_push_result_init */
    cp_verdict verdict;      /**< the trust decision */
    cp_outcome outcome;      /**< applied, refused, rolled back or malformed */
    char *output;            /**< the output document (XML), or NULL; cp_free() it */
    size_t output_len;       /**< its length */
    int pending;             /**< cp_push_process_sms: 1 while segments are missing */
} cp_push_result;

/** Prepare *r: zero it, set struct_size. */
#define cp_push_result_init(r) cp_push_result_init_size((r), sizeof(cp_push_result))
/**
 * cp_push_result_init() as a function: prepare the size bytes of *r, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_push_result_init_size(cp_push_result *r, size_t size);

/**
 * Process one WSP push PDU. gw may be NULL (unknown gateway), hooks may be
 * NULL. The host passes in gw what the bearer guarantees about the push
 * proxy gateway: its address (the WAP push's PPG address, never a
 * sender-chosen SMS originator number unless the network guarantees it)
 * and, in gw->ppg, whether the host vouches for it; TRUSTED_PPG and
 * OPERATOR_TPS need both that and a gateway the device itself holds as
 * trusted and push-enabled (see cp_ppg and cp_gateway in
 * omacp/bootstrap.h). Routing is by content type only (application/vnd.wap.connectivity-
 * wbxml or text/vnd.wap.connectivity-xml, binary or textual), whatever the
 * X-Wap-Application-Id (absent, "*" or "wml.ua"); policy 4113 = 0 refuses
 * every WSP push. Returns CP_OK when the document was applied; otherwise the
 * reason: the refusal of cp_verify_bootstrap, CP_E_REFUSED (policy, or the
 * user declined a NETWPIN message), the engine's status (the settings were
 * rolled back), or a decoding error. result->output holds the output
 * document whenever the engine ran (also when it rolled back).
 */
CP_EXPORT cp_status cp_push_process(cp_ctx *ctx, const uint8_t *pdu,
                                    size_t len, const cp_gateway *gw,
                                    const cp_push_hooks *hooks,
                                    cp_push_result *result);

/**
 * The SMS-level entry: add one SMS (see cp_sms_add) and, when it completes
 * a push, process it as cp_push_process does. While segments are missing
 * it returns CP_OK with result->pending = 1 and writes no audit record.
 * While ctx is inside another call it returns CP_E_BUSY without taking the
 * segment (the caller may offer it again), with an audit record as
 * cp_push_process writes for a busy context.
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
