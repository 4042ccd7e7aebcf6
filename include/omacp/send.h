/** @file
 * omacp/send.h - the sending side, for test harnesses and servers: build
 * the WSP push PDU that carries a provisioning document, sign it, and split
 * it into SMS as a gateway sends it. Added in 0.2.0.
 *
 *   XML or WBXML body -> cp_push_build (SEC and MAC computed from the body,
 *   content type, optional headers) -> WSP push PDU -> cp_sms_split (WDP
 *   port addressing and concatenation UDH, optionally SMS-DELIVER TPDUs)
 *   -> one SMS user data (or TPDU) per part.
 *
 * The default output is the layout Kannel's OTA sender emits (protocol.md
 * c.6 and e.1), so a device cannot tell this library from a deployed
 * gateway:
 *
 * @code{.unparsed}
 *   PDU:  01 06 <HeadersLen uintvar> 1F 2D B6 91 <80+SEC> 92 <40 hex> 00 <body>
 *   UDH:  06 05 04 0B 84 0B 84                       (one SMS)
 *         0B 05 04 0B 84 0B 84 00 03 <ref> <n> <i>    (part i of n)
 * @endcode
 *
 * These functions use only the context's allocator and error detail: like
 * cp_doc_* and cp_mac_*, they are not guarded against a concurrent call
 * (omacp/ctx.h), and a CSP callback may use them. Keys and PINs are handled
 * by cp_mac_compute (omacp/auth.h) and wiped there.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_SEND_H
#define OMACP_SEND_H

#include "auth.h"
#include "common.h"
#include "ctx.h"
#include "wsp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the push PDU ------------------------------------------------------- */

/**
 * cp_push_build_options.flags: write the content type in the textual WSP
 * form: the media type as a Text-string and SEC and MAC as untyped
 * parameters ("SEC" = the method number as text, "MAC" = the 40 hex
 * digits). Default: the binary form (0xB6 / 0xB5, typed parameters 0x91
 * and 0x92), as gateways send it.
 */
#define CP_PUSH_BUILD_TEXT_CTYPE 0x0001u
/**
 * cp_push_build_options.flags: send the SEC parameter without a MAC
 * parameter (e.g. "03 B6 91 83" for USERPINMAC, whose MAC travels in the
 * digits the user types). The body is still signed: for USERPINMAC the
 * digits are returned as usual; for the other methods the push then
 * cannot verify, which is what a harness wants when it tests refusal.
 */
#define CP_PUSH_BUILD_NO_MAC 0x0002u
/**
 * cp_push_build_options.flags: when the body is XML and the content is
 * WBXML, encode it with every string inline (CP_WBXML_NO_STRING_TABLE),
 * as Kannel does. Default: the encoder's string table.
 */
#define CP_PUSH_BUILD_NO_STRING_TABLE 0x0004u

/** Every cp_push_build flag this version knows. */
#define CP_PUSH_BUILD_FLAGS_ALL                                    \
    (CP_PUSH_BUILD_TEXT_CTYPE | CP_PUSH_BUILD_NO_MAC |             \
     CP_PUSH_BUILD_NO_STRING_TABLE)

/** cp_push_build_options.app_id when no X-Wap-Application-Id is sent. */
#define CP_PUSH_NO_APP_ID UINT32_MAX

/**
 * What to build. Start from cp_push_build_options_init(), which sets the
 * defaults noted below; fields are only ever appended, and the library
 * reads only the first struct_size bytes.
 */
typedef struct cp_push_build_options {
    size_t struct_size; /**< sizeof(cp_push_build_options), set by the init */
    /**
     * Security method: CP_SEC_NONE (the default: an unsigned push, content
     * type the single octet 0xB6) or CP_SEC_NETWPIN .. CP_SEC_USERPINMAC.
     */
    cp_sec sec;
    /** IMSI (13-15 digits) for NETWPIN and USERNETWPIN; else ignored. */
    const char *imsi;
    /**
     * PIN for USERPIN and USERNETWPIN; for USERPINMAC the N PIN digits
     * (the MAC parameter then carries HMAC-SHA1 keyed with them, as
     * gateways send it, and the 2N digits for the user are returned).
     */
    const char *pin;
    /** Key options (compat key forms, USERPINMAC digit range); NULL = defaults. */
    const cp_auth_options *auth;
    /**
     * CP_CONTENT_WBXML (default): application/vnd.wap.connectivity-wbxml;
     * a WBXML body is sent as given, an XML body is encoded first.
     * CP_CONTENT_XML: text/vnd.wap.connectivity-xml; the body must be XML
     * text and is sent as given.
     */
    cp_content_kind content;
    unsigned int flags; /**< CP_PUSH_BUILD_* bits, default 0 */
    uint8_t tid;        /**< WSP transaction id, default 1 */
    /**
     * X-Wap-Application-Id as a registry code (0 = x-wap-application:*,
     * 2 = wml.ua), or CP_PUSH_NO_APP_ID (the default, as Kannel: none).
     * Ignored when app_id_text is set.
     */
    uint32_t app_id;
    /** X-Wap-Application-Id as a URI text, or NULL (default). */
    const char *app_id_text;
    /** X-Wap-Initiator-URI, or NULL (default: none). */
    const char *initiator_uri;
    /** Push-Flag bit mask 0..127 (0x01 initiator authenticated, 0x02
        content trusted, 0x04 last), or -1 (default: no header). */
    int push_flag;
} cp_push_build_options;

/** Prepare *o with the defaults above. NULL is a no-op. Never fails. */
#define cp_push_build_options_init(o) cp_push_build_options_init_size((o), sizeof(cp_push_build_options))
/**
 * cp_push_build_options_init() as a function: prepare the size bytes of *o, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_push_build_options_init_size(cp_push_build_options *o, size_t size);

/**
 * Build a connectionless WSP push PDU carrying body.
 *
 * body is a provisioning document: WBXML (first octet 0x01..0x03) or XML
 * text (anything else; encoded to WBXML first when opt->content is
 * CP_CONTENT_WBXML, refused with CP_E_INVALID_ARG when it is WBXML and
 * the content is CP_CONTENT_XML). A WBXML body is not decoded or checked:
 * a harness may send a broken one on purpose. The SEC and MAC are
 * computed over the body exactly as it goes into the PDU.
 *
 * Layout: TID, 0x06, HeadersLen (uintvar), the content type, then
 * X-Wap-Application-Id (0xAF), X-Wap-Initiator-URI (0xB1) and Push-Flag
 * (0xB4) when asked for, in that order, then the body. The content type
 * is one octet without SEC; with SEC, a Value-length (one octet up to 30,
 * else 0x1F + uintvar, so 1F 2D with a MAC) and the media and parameters.
 *
 * *pdu receives the PDU (free with cp_free(ctx, *pdu)), *pdu_len its
 * length. For USERPINMAC, user_pin (user_pin_cap octets, at least 2N + 1)
 * receives the 2N digits the user is to type; for other methods it
 * receives "" when user_pin_cap > 0, and may be NULL with cap 0. opt NULL
 * means all defaults (an unsigned WBXML push).
 *
 * Errors: CP_E_INVALID_ARG (NULL ctx/pdu/pdu_len, body NULL or empty,
 * unknown flags or content, push_flag over 127, a header text that is
 * empty or holds a control character, an XML content with a WBXML body),
 * CP_E_VERSION (opt->struct_size), CP_E_BAD_SEC (sec not CP_SEC_NONE or
 * 0..3), CP_E_BAD_PIN (key material missing or malformed, see
 * cp_mac_compute), CP_E_BUFFER_TOO_SMALL (user_pin too small), the
 * decoder's and encoder's errors for an XML body, CP_E_LIMIT (a body over
 * limits.max_doc_bytes), CP_E_NOMEM. On failure *pdu is NULL.
 */
CP_EXPORT cp_status cp_push_build(cp_ctx *ctx,
                                  const cp_push_build_options *opt,
                                  const uint8_t *body, size_t body_len,
                                  uint8_t **pdu, size_t *pdu_len,
                                  char *user_pin, size_t user_pin_cap);

/* ---- SMS ---------------------------------------------------------------- */

/** Octets of TP-User-Data one SMS can carry (8-bit data). */
#define CP_SMS_UD_MAX 140u
/** Most SMS one message can be split into (the concatenation counters). */
#define CP_SMS_PARTS_MAX 255u

/**
 * How to split. Start from cp_sms_split_options_init(); fields are only
 * ever appended.
 */
typedef struct cp_sms_split_options {
    size_t struct_size;     /**< sizeof(cp_sms_split_options), set by the init */
    unsigned int dst_port;  /**< WDP destination port, default 2948 */
    unsigned int src_port;  /**< WDP source port, default 2948 (Kannel; 9200 is also seen) */
    unsigned int ref;       /**< concatenation reference: 0..255, or 0..65535 with ref16; default 0 */
    int ref16;              /**< 1: 16-bit reference IE 0x08; default 0: 8-bit IE 0x00 */
    /**
     * 1: each part becomes an SMS-DELIVER TPDU (as a modem gives it in
     * PDU mode) instead of bare user data. Default 0.
     */
    int deliver;
    /**
     * deliver: the originator address (TP-OA): up to 20 digits, with a
     * leading '+' for an international number (type 0x91, else 0x81).
     * Required with deliver.
     */
    const char *originator;
    /**
     * deliver: the service-centre time stamp as seconds since 1970-01-01
     * UTC, written in UTC (time zone 0); years 2000..2099 only
     * (946684800..4102444799). 0 (the default) writes 2000-01-01 00:00:00.
     */
    uint64_t scts;
    /**
     * deliver: NULL (default) for the TPDU alone; otherwise the TPDU is
     * preceded by this service-centre address as +CMT:/+CMGR: PDU-mode
     * lines carry it (same syntax as originator; "" writes the single
     * octet 00, "use the stored SMSC").
     */
    const char *smsc;
} cp_sms_split_options;

/** Prepare *o with the defaults above. NULL is a no-op. Never fails. */
#define cp_sms_split_options_init(o) cp_sms_split_options_init_size((o), sizeof(cp_sms_split_options))
/**
 * cp_sms_split_options_init() as a function: prepare the size bytes of *o, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_sms_split_options_init_size(cp_sms_split_options *o, size_t size);

/** One SMS of a split message. */
typedef struct cp_sms_part {
    const uint8_t *data; /**< the user data (UDH first), or the whole TPDU */
    size_t len;          /**< octets in data */
} cp_sms_part;

/**
 * Split a WSP push PDU into SMS, as gateways send it: every SMS carries a
 * user data header with the 16-bit application port addressing IE (0x05);
 * when the PDU needs more than one SMS, the concatenation IE follows it
 * (0x00 with an 8-bit reference, or 0x08 with ref16). Every SMS holds at
 * most CP_SMS_UD_MAX octets of user data, header included, and each part
 * but the last is full: 133 octets of the PDU in a single SMS, 128 per
 * part (127 with ref16) otherwise.
 *
 * *parts receives an array of *n_parts parts in order, in one block freed
 * with cp_free(ctx, *parts); the data pointers point into that block.
 *
 * Errors: CP_E_INVALID_ARG (NULL argument, empty PDU, a port over 65535,
 * a reference too large for its size, deliver without an originator, an
 * originator or SMSC that is not a '+' and up to 20 digits, an scts
 * outside 2000..2099), CP_E_VERSION (opt->struct_size), CP_E_LIMIT (more
 * than CP_SMS_PARTS_MAX parts needed), CP_E_NOMEM. On failure *parts is
 * NULL and *n_parts 0.
 */
CP_EXPORT cp_status cp_sms_split(cp_ctx *ctx,
                                 const cp_sms_split_options *opt,
                                 const uint8_t *pdu, size_t pdu_len,
                                 cp_sms_part **parts, size_t *n_parts);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_SEND_H */
