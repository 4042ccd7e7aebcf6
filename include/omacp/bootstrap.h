/** @file
 * omacp/bootstrap.h - is an over-the-air message authentic and acceptable,
 * and with which roles: cp_verify_bootstrap().
 *
 * The order is fixed (README, "Security model"): origin roles from the
 * gateway -> policy 4110 (unsigned) or 4141/4142/4143 (by SEC method) ->
 * policy 4111 -> the MAC over the raw body, before anything decodes it,
 * with PIN attempts counted against policy 4105 -> only then the body is
 * decoded to see whether it is a bootstrap (a BOOTSTRAP with a PROVURL):
 * refused on a branded device, accepted once on an unbranded one, and only
 * when signed USERNETWPIN (network and user PIN, wm-model.md 5.3).
 *
 * Damaged state fails closed: while the stored policies are damaged every
 * OTA message is refused with CP_E_CORRUPT; a damaged TPS counts as "the
 * device is bootstrapped, TPS unknown" (see cp_tps_get); state that cannot
 * be read at all refuses with CP_E_STORAGE (CP_E_IO before 0.2.0). No
 * decision is made on defaults.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_BOOTSTRAP_H
#define OMACP_BOOTSTRAP_H

#include "common.h"
#include "ctx.h"
#include "wsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * What the host itself vouches for about the push proxy gateway a message
 * came through. It can only lower what the device's stored gateway list
 * (PXLOGICAL TRUST, PXPHYSICAL PXADDR and PUSHENABLED) allows, never raise
 * it, except for the low-privilege KNOWN_PPG (see cp_gateway.address):
 *
 * | ppg     | address matches a stored push-enabled gateway of a ... |
 * |         | trusted PXLOGICAL | other PXLOGICAL | nothing / NULL     |
 * |---------|-------------------|-----------------|--------------------|
 * | ANY     | KNOWN             | KNOWN           | ANY_PUSH_SOURCE    |
 * | KNOWN   | KNOWN             | KNOWN           | KNOWN              |
 * | TRUSTED | TRUSTED           | KNOWN           | KNOWN              |
 *
 * (every row includes ANY_PUSH_SOURCE; KNOWN = + KNOWN_PPG; TRUSTED = +
 * KNOWN_PPG, TRUSTED_PPG, the Push-Flag roles PPG_AUTH/PPG_TRUSTED and,
 * with PPG_AUTH and an initiator URI equal to the stored TPS, OPERATOR_TPS).
 * Changed after 0.1.0: there CP_PPG_TRUSTED alone gave TRUSTED_PPG, and a
 * stored trusted address gave it whatever ppg said.
 */
typedef enum cp_ppg {
    CP_PPG_ANY = 0,    /**< the host vouches for nothing (the default) */
    CP_PPG_KNOWN = 1,  /**< a gateway the host knows: + KNOWN_PPG, at most */
    CP_PPG_TRUSTED = 2 /**< the host got the message from the gateway at
                            address over a bearer that guarantees that
                            address: TRUSTED_PPG when the stored list holds it
                            as trusted and push-enabled, else KNOWN_PPG */
} cp_ppg;

/** Facts about the delivery of one push, from the host. */
typedef struct cp_gateway {
    size_t struct_size; /**< sizeof(cp_gateway), set by cp_gateway_init */
    cp_ppg ppg;         /**< what the host itself knows; default CP_PPG_ANY */
    /**
     * The address of the push proxy gateway (PPG) the WAP push came from,
     * exactly as the bearer guarantees it: the PPG's IP address on a
     * connection-oriented or authenticated bearer, or the number of the
     * SMSC / short code the operator's network delivers the push from when
     * the network guarantees it. Never pass a value the sender chooses
     * (a spoofable SMS originator number, an HTTP header): pass NULL
     * instead. It is compared with the PXADDR of each stored PXPHYSICAL
     * exactly, without regard to ASCII case, with no other normalisation
     * ("+49..." and "0049..." differ; spaces count). A match with
     * PUSHENABLED = 1 gives KNOWN_PPG; TRUSTED_PPG needs that, a PXLOGICAL
     * with TRUST and ppg = CP_PPG_TRUSTED (see cp_ppg).
     */
    const char *address;
} cp_gateway;

/** Prepare *gw: zero it, set struct_size (ppg = CP_PPG_ANY). */
#define cp_gateway_init(gw) cp_gateway_init_size((gw), sizeof(cp_gateway))
/**
 * cp_gateway_init() as a function: prepare the size bytes of *gw, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_gateway_init_size(cp_gateway *gw, size_t size);

/** Longest PIN a prompt may return, in octets (without the NUL). */
#define CP_PIN_MAX 64

/**
 * Ask the user for the PIN of a PIN-signed message (USERPIN, USERNETWPIN:
 * the PIN; USERPINMAC: the whole digit string the user was given).
 * attempt counts from 1; attempts_left includes this one. Write a
 * NUL-terminated PIN of at most CP_PIN_MAX octets into pin (cap =
 * CP_PIN_MAX + 1) and return CP_OK; return anything else when the user
 * gives up (the message is refused, the attempt is not counted). The
 * library wipes the buffer after use.
 */
typedef cp_status (*cp_pin_prompt)(void *user, cp_sec sec, unsigned attempt,
                                   unsigned attempts_left, char *pin,
                                   size_t cap);

/** The outcome of cp_verify_bootstrap(). */
typedef struct cp_verdict {
    size_t struct_size;      /**< sizeof(cp_verdict), set by cp_verdict_init */
    int accepted;            /**< 1: authentic and acceptable */
    cp_status reason;        /**< CP_OK, or why it was refused */
    char reason_text[160];   /**< one line in plain words; never a secret */
    cp_sec sec;              /**< CP_SEC_* of the message */
    uint32_t origin_roles;   /**< from the gateway and the stored TPS */
    uint32_t roles;          /**< origin roles | signature roles */
    uint32_t effective_roles; /**< roles after the grant policies 4119/4120 (0 unless accepted) */
    size_t imsi_index;       /**< IMSI that verified, or (size_t)-1 */
    int confirm_due;         /**< pure NETWPIN and policy 4132 = 0: ask the user first */
    int is_bootstrap;        /**< the body names a TPS: BOOTSTRAP with a PROVURL */
    unsigned pin_failures;   /**< wrong PINs counted for this message so far */
} cp_verdict;

/** Prepare *v: zero it, set struct_size. */
#define cp_verdict_init(v) cp_verdict_init_size((v), sizeof(cp_verdict))
/**
 * cp_verdict_init() as a function: prepare the size bytes of *v, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_verdict_init_size(cp_verdict *v, size_t size);

/**
 * Decide whether push (parsed with cp_wsp_parse_push) is authentic and
 * acceptable on this device. gw may be NULL (unknown gateway). prompt is
 * called for PIN-signed messages (may be NULL: they are refused). Returns
 * CP_OK when accepted, otherwise the reason (also in out->reason):
 * CP_E_REFUSED (a policy, a branded device, a bootstrap not signed
 * USERNETWPIN: the reason names the method used), CP_E_EXISTS (second
 * bootstrap), CP_E_BAD_SEC, CP_E_BAD_MAC, CP_E_BAD_PIN (no IMSI/PIN
 * available), CP_E_NOT_AUTHENTIC, CP_E_PIN_EXHAUSTED, CP_E_LIMIT (PIN
 * attempt table full, below), CP_E_NOT_PROV (not a provisioning content
 * type), a decoding error of the body, CP_E_CORRUPT (damaged state: the
 * stored policies, PIN counts, or a bootstrap while the stored TPS is
 * damaged), CP_E_NOMEM / CP_E_STORAGE (also: an attempt count that could
 * not be saved: refused), or CP_E_BUSY (ctx is inside another call, also
 * the running call's own when a hook calls back: out says refused, the
 * ctx and its PIN counters are not touched). Nothing is applied.
 *
 * PIN attempts (USERPIN, USERNETWPIN, USERPINMAC) are counted per message:
 * its SEC method and a digest of its body; the MAC text is not part of it,
 * so the same body re-sent with its MAC in another case or (USERPINMAC)
 * with any other MAC text gains nothing. Each attempt is saved to storage
 * before the PIN is checked; if it cannot be saved the message is refused.
 * After policy 4105 attempts the message is discarded (CP_E_PIN_EXHAUSTED),
 * across restarts. The device keeps counts for 16 messages with failed
 * attempts; a count is never dropped to make room: while all 16 are taken
 * (by messages not yet verified or discarded), every new PIN-signed
 * message is refused with CP_E_LIMIT before any prompt (fail closed). A
 * count is freed when its message verifies. To clear every count (the
 * owner's decision, e.g. a factory reset) remove the stored "pin" blob.
 * Processes sharing one state directory see each other's counts when the
 * storage has lock hooks (cp_store_file_config, omacp/store.h).
 */
CP_EXPORT cp_status cp_verify_bootstrap(cp_ctx *ctx, const cp_push *push,
                                        const cp_gateway *gw,
                                        cp_pin_prompt prompt, void *user,
                                        cp_verdict *out) CP_WARN_UNUSED;

/**
 * The same from a raw WSP push PDU. A PDU that cannot be parsed returns
 * its parse error (CP_E_TRUNCATED, CP_E_MALFORMED, ...), refused.
 */
CP_EXPORT cp_status cp_verify_bootstrap_pdu(cp_ctx *ctx, const uint8_t *pdu,
                                            size_t len, const cp_gateway *gw,
                                            cp_pin_prompt prompt, void *user,
                                            cp_verdict *out) CP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* OMACP_BOOTSTRAP_H */
