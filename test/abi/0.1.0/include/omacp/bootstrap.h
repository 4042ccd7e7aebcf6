/*
 * omacp/bootstrap.h - is an over-the-air message authentic and acceptable,
 * and with which roles: cp_verify_bootstrap().
 *
 * The order is fixed (README, "Security model"): origin roles from the
 * gateway -> policy 4110 (unsigned) or 4141/4142/4143 (by SEC method) ->
 * policy 4111 -> the MAC over the raw body, before anything decodes it,
 * with PIN attempts counted against policy 4105 -> only then the body is
 * decoded to see whether it is a bootstrap (a BOOTSTRAP with a PROVURL):
 * refused on a branded device, accepted once on an unbranded one.
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

/** What the host knows of the push proxy gateway a message came through. */
typedef enum cp_ppg {
    CP_PPG_ANY = 0,    /**< unknown gateway: ANY_PUSH_SOURCE only */
    CP_PPG_KNOWN = 1,  /**< a known gateway: + KNOWN_PPG */
    CP_PPG_TRUSTED = 2 /**< a provisioned trusted gateway: + KNOWN_PPG, TRUSTED_PPG
                            and the Push-Flag roles */
} cp_ppg;

/** Facts about the delivery of one push, from the host. */
typedef struct cp_gateway {
    size_t struct_size; /**< sizeof(cp_gateway), set by cp_gateway_init */
    cp_ppg ppg;         /**< what the host itself knows; default CP_PPG_ANY */
    /**
     * The gateway's address as the bearer shows it (an E.164 number or an
     * IP address), or NULL. When it matches the PXADDR of a provisioned
     * PXPHYSICAL with PUSHENABLED = 1 the message gets KNOWN_PPG, and
     * TRUSTED_PPG too when its PXLOGICAL carries TRUST (the stronger of
     * this and ppg counts).
     */
    const char *address;
} cp_gateway;

/** Prepare *gw: zero it, set struct_size (ppg = CP_PPG_ANY). */
CP_EXPORT void cp_gateway_init(cp_gateway *gw);

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
typedef cp_status (*cp_pin_prompt)(void *user, int sec, unsigned attempt,
                                   unsigned attempts_left, char *pin,
                                   size_t cap);

/** The outcome of cp_verify_bootstrap(). */
typedef struct cp_verdict {
    size_t struct_size;      /**< sizeof(cp_verdict), set by cp_verdict_init */
    int accepted;            /**< 1: authentic and acceptable */
    cp_status reason;        /**< CP_OK, or why it was refused */
    char reason_text[160];   /**< one line in plain words; never a secret */
    int sec;                 /**< CP_SEC_* of the message */
    uint32_t origin_roles;   /**< from the gateway and the stored TPS */
    uint32_t roles;          /**< origin roles | signature roles */
    uint32_t effective_roles; /**< roles after the grant policies 4119/4120 (0 unless accepted) */
    size_t imsi_index;       /**< IMSI that verified, or (size_t)-1 */
    int confirm_due;         /**< pure NETWPIN and policy 4132 = 0: ask the user first */
    int is_bootstrap;        /**< the body names a TPS: BOOTSTRAP with a PROVURL */
    unsigned pin_failures;   /**< wrong PINs counted for this message so far */
} cp_verdict;

/** Prepare *v: zero it, set struct_size. */
CP_EXPORT void cp_verdict_init(cp_verdict *v);

/**
 * Decide whether push (parsed with cp_wsp_parse_push) is authentic and
 * acceptable on this device. gw may be NULL (unknown gateway). prompt is
 * called for PIN-signed messages (may be NULL: they are refused). Returns
 * CP_OK when accepted, otherwise the reason (also in out->reason):
 * CP_E_REFUSED (a policy, a branded device, an unsigned bootstrap),
 * CP_E_EXISTS (second bootstrap), CP_E_BAD_SEC, CP_E_BAD_MAC, CP_E_BAD_PIN
 * (no IMSI/PIN available), CP_E_NOT_AUTHENTIC, CP_E_PIN_EXHAUSTED (the
 * last allowed PIN failed: the message is discarded; the failure count of
 * a message persists, so sending it again gains nothing), CP_E_NOT_PROV
 * (not a provisioning content type), a decoding error of the body, or
 * CP_E_NOMEM / CP_E_IO. Nothing is applied.
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
