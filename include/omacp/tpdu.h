/** @file
 * omacp/tpdu.h - reading what a modem hands over: an SMS-DELIVER TPDU (3GPP
 * TS 23.040 9.2.2.1), as the hex of a PDU-mode "+CMT:" or "+CMGR:" line,
 * with or without the service-centre address in front. Added in 0.2.0.
 *
 * cp_sms_parse_deliver() checks every length and field and gives what
 * cp_sms_add() / cp_push_process_sms() take: the originator, the UDHI bit
 * and the user data. It also says whether the SMS is a WAP push (8-bit
 * data, a UDH whose 16-bit port IE names port 2948); any other SMS (a text
 * message, another port) parses fine and is handed back with is_wap_push =
 * 0, for the host to route elsewhere: that is not an error.
 *
 * Nothing here allocates memory or touches the context's state (only its
 * error detail): not guarded, like cp_wsp_* (omacp/ctx.h).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_TPDU_H
#define OMACP_TPDU_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** cp_sms_parse_deliver smsc mode: decide from the octets (see there). */
#define CP_TPDU_SMSC_AUTO 0
/** cp_sms_parse_deliver smsc mode: the SMSC address comes first (PDU mode). */
#define CP_TPDU_SMSC_PRESENT 1
/** cp_sms_parse_deliver smsc mode: the octets start with the TPDU itself. */
#define CP_TPDU_SMSC_ABSENT 2

/** Size of the address strings of cp_sms_deliver: 20 digits, '+', NUL and spare. */
#define CP_SMS_ADDR_MAX 48

/**
 * What one SMS-DELIVER says. Prepare it with cp_sms_deliver_init();
 * fields are only ever appended.
 */
typedef struct cp_sms_deliver {
    size_t struct_size; /**< sizeof(cp_sms_deliver), set by cp_sms_deliver_init */
    int has_smsc;       /**< 1 when the octets started with an SMSC address */
    /**
     * The SMSC address ("" when absent or empty): digits ('*', '#', 'a',
     * 'b', 'c' for the extra semi-octet values), '+' first when its type
     * of number is international.
     */
    char smsc[CP_SMS_ADDR_MAX];
    uint8_t first_octet; /**< TP-MTI, TP-MMS, TP-SRI, TP-UDHI, TP-RP bits */
    /**
     * The originator (TP-OA) in the form of smsc; an alphanumeric sender
     * (type of number 101) is decoded from the GSM 7-bit alphabet, a
     * character outside ASCII letters, digits and common punctuation as '?'.
     */
    char originator[CP_SMS_ADDR_MAX];
    uint8_t originator_toa; /**< the originator's type-of-address octet */
    uint8_t pid;            /**< TP-PID */
    uint8_t dcs;            /**< TP-DCS */
    uint8_t scts[7];        /**< TP-SCTS as sent (semi-octets) */
    int udhi;               /**< TP-UDHI: the user data starts with a UDH */
    /**
     * 1 when the user data is 8-bit data (octets), 0 for GSM 7-bit packed
     * (then ud holds the packed octets and udl counts septets) and for
     * UCS-2 or compressed data (octets; not a WAP push).
     */
    int eight_bit;
    unsigned int udl;   /**< TP-UDL as sent (septets for 7-bit data) */
    /** The user data (UDH included), borrowed from the caller's octets. */
    const uint8_t *ud;
    size_t ud_len;      /**< octets in ud */
    /**
     * 1 when this is a WAP push for cp_sms_add: 8-bit data, UDHI, and a
     * 16-bit port addressing IE with destination port 2948. Else 0.
     */
    int is_wap_push;
    unsigned int dst_port; /**< destination port of a port IE, or 0 */
} cp_sms_deliver;

/** Prepare *d: zero it, set struct_size. NULL is a no-op. */
#define cp_sms_deliver_init(d) cp_sms_deliver_init_size((d), sizeof(cp_sms_deliver))
/**
 * cp_sms_deliver_init() as a function: prepare the size bytes of *d, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_sms_deliver_init_size(cp_sms_deliver *d, size_t size);

/**
 * Parse an SMS-DELIVER of len octets (the hex of a PDU-mode line turned
 * into octets) into *out.
 *
 * smsc: CP_TPDU_SMSC_PRESENT when the octets start with the SMSC address
 * (length octet counting the type octet and the digits; 00 = none), as
 * +CMT:/+CMGR: in PDU mode give them; CP_TPDU_SMSC_ABSENT for the bare
 * TPDU; CP_TPDU_SMSC_AUTO tries with the address first and takes that
 * reading when it parses and ends exactly at the last octet, else the
 * bare reading; when neither parses, the error of the reading that got
 * further is reported (the one with the SMSC address on a tie).
 *
 * Checks: an SMS-DELIVER (TP-MTI 00); the address lengths (at most 20
 * digits, 10 octets of SMSC address) and that every address, the PID,
 * DCS, SCTS, UDL and user data are inside the octets; the user data
 * length against the DCS (140 octets, 160 septets); no octets after the
 * user data; with UDHI, a UDH whose length fits the user data and whose
 * IEs fit the UDH.
 *
 * Returns CP_OK (also for an SMS that is not a WAP push), or, with the
 * offset of the bad field in the ctx:
 * CP_E_INVALID_ARG (ctx or out NULL, octets NULL with len > 0, bad smsc
 * mode), CP_E_VERSION (out->struct_size), CP_E_TRUNCATED (the octets end
 * inside a field, naming it), CP_E_MALFORMED (an address too long, a
 * digit semi-octet that is not a digit, a user data length over its
 * maximum, octets after the user data, a broken UDH), CP_E_UNSUPPORTED
 * (another TP-MTI: SMS-SUBMIT-REPORT or SMS-STATUS-REPORT, reserved).
 * On failure *out is reset as by cp_sms_deliver_init.
 */
CP_EXPORT cp_status cp_sms_parse_deliver(cp_ctx *ctx, const uint8_t *octets,
                                         size_t len, int smsc,
                                         cp_sms_deliver *out);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_TPDU_H */
