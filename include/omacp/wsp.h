/** @file
 * omacp/wsp.h - the connectionless WSP push PDU that carries a provisioning
 * document, and the content type with its SEC and MAC parameters.
 *
 * A provisioning push arrives (after SMS reassembly) as one WSP Push PDU:
 *
 *     TID  PDU-type(0x06)  HeadersLen(uintvar)  Content-Type  Headers  Body
 *
 * cp_wsp_parse_push() reads it with bounds checks and fills a cp_push: the
 * content type (binary WSP or textual), the SEC and MAC parameters of the
 * content type, X-Wap-Application-Id, X-Wap-Initiator-URI and Push-Flag.
 * Everything else in the header block is skipped by the WSP value rules.
 * The body is always exactly the octets from the start of the headers plus
 * HeadersLen to the end of the PDU; it is never moved by what the headers
 * contain, so the MAC is checked over exactly the bytes the sender signed.
 *
 * cp_wsp_parse_content_type_text() reads the textual form of the content
 * type (as a PPG or HTTP transport gives it), e.g.
 * "application/vnd.wap.connectivity-wbxml; SEC=USERPIN; MAC=AA2D...94D4".
 *
 * This layer only reports what the message says. It does not judge it: a
 * SEC value outside 0..3 is kept as CP_SEC_INVALID, a MAC of the wrong
 * length or with non-hex characters is kept as sent, and the trust layer
 * refuses them. Nothing here allocates memory.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_WSP_H
#define OMACP_WSP_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the content type says the body is. */
typedef enum cp_content_kind {
    CP_CONTENT_OTHER = 0, /**< anything else: not a provisioning document */
    CP_CONTENT_WBXML = 1, /**< application/vnd.wap.connectivity-wbxml (0x36, byte 0xB6) */
    CP_CONTENT_XML = 2    /**< text/vnd.wap.connectivity-xml (0x35, byte 0xB5) */
} cp_content_kind;

/** Size of cp_push.media_type: the longest media type kept is one less. */
#define CP_PUSH_MEDIA_MAX 96
/** Number of characters a well-formed MAC has (20 octets in hex). */
#define CP_PUSH_MAC_CHARS 40

/** cp_push.content_code / app_id_code when the value was sent as text. */
#define CP_PUSH_TEXTUAL UINT32_MAX
/** cp_push.sec_raw when the SEC value could not be read as a number. */
#define CP_SEC_RAW_UNREADABLE UINT32_MAX

/**
 * What one push PDU (or one textual content type) says. Prepare it with
 * cp_push_init(); the parse functions check struct_size so that fields can
 * be appended in later releases.
 *
 * Pointers (app_id_text, initiator_uri, body) are borrowed: they point into
 * the PDU passed to cp_wsp_parse_push() and stay valid only as long as that
 * buffer does. The text ones are NUL-terminated by the PDU's own
 * End-of-string octet. Everything else is held in the struct itself.
 */
typedef struct cp_push {
    size_t struct_size; /**< sizeof(cp_push) as the caller compiled it (set by cp_push_init) */

    uint8_t tid;        /**< transaction id of the PDU (any value) */
    uint8_t pdu_type;   /**< 0x06, the only type accepted */

    cp_content_kind content; /**< what the body is, from the media type */
    /**
     * The well-known media code (e.g. 0x36), or CP_PUSH_TEXTUAL when the
     * media type was sent as text.
     */
    uint32_t content_code;
    /**
     * The media type as text: the text as sent, or the registered name of
     * a well-known code ("" for a code this library has no name for).
     * A textual media type of CP_PUSH_MEDIA_MAX octets or more makes the
     * parse fail with CP_E_MALFORMED; it is never cut short.
     */
    char media_type[CP_PUSH_MEDIA_MAX];
    /**
     * The charset parameter as an IANA MIBenum (106 = UTF-8), or 0 when
     * absent or given as "*" (Any-charset). A textual charset name that
     * this library does not know gives CP_PUSH_TEXTUAL.
     */
    uint32_t charset;

    /**
     * The SEC parameter: a cp_sec value. CP_SEC_NONE when absent;
     * CP_SEC_INVALID when present with a number other than 0..3 or with a
     * value that is not a number or a method name. Never mapped to another
     * method.
     */
    cp_sec sec;
    /**
     * The number sent when sec is 0..3 or CP_SEC_INVALID (e.g. 4 for the
     * binary value 0x84), or CP_SEC_RAW_UNREADABLE when the value was not a
     * number or method name. 0 when SEC is absent.
     */
    uint32_t sec_raw;

    /** 1 when a MAC parameter was present (whatever its form), else 0. */
    int has_mac;
    /**
     * Length of the MAC text as sent (after removing the quote of a
     * Quoted-string). A usable MAC has exactly CP_PUSH_MAC_CHARS; anything
     * else (including 0, an empty value) is for the trust layer to refuse.
     */
    size_t mac_len;
    /**
     * The MAC text as sent, NUL-terminated: the first
     * min(mac_len, CP_PUSH_MAC_CHARS) characters. Not checked for hex
     * digits or case here.
     */
    char mac[CP_PUSH_MAC_CHARS + 1];

    /** 1 when an X-Wap-Application-Id header was present. */
    int has_app_id;
    /** Its registry code (0x00 = x-wap-application:*), or CP_PUSH_TEXTUAL. */
    uint32_t app_id_code;
    /** Its URI text when sent as text (borrowed from the PDU), else NULL. */
    const char *app_id_text;

    /** X-Wap-Initiator-URI (borrowed from the PDU), or NULL when absent. */
    const char *initiator_uri;

    /**
     * Push-Flag bit mask (0x01 initiator authenticated by the PPG, 0x02
     * content trusted, 0x04 last push), or -1 when the header is absent.
     */
    int push_flag;

    /**
     * The body (the provisioning document, the bytes the MAC covers):
     * borrowed, from PDU offset body_offset to the end of the PDU.
     * body_len may be 0. NULL before a successful parse.
     */
    const uint8_t *body;
    size_t body_len;    /**< octets in body */
    size_t body_offset; /**< offset of body in the PDU = headers start + HeadersLen */
} cp_push;

/**
 * Prepare *p: zero it, set struct_size and the "absent" values (sec =
 * CP_SEC_NONE, push_flag = -1, content_code/app_id_code = CP_PUSH_TEXTUAL,
 * pointers NULL). NULL is a no-op. Never fails.
 */
#define cp_push_init(p) cp_push_init_size((p), sizeof(cp_push))
/**
 * cp_push_init() as a function: prepare the size bytes of *p, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_push_init_size(cp_push *p, size_t size);

/**
 * Parse a connectionless WSP Push PDU of len octets into *out.
 *
 * Layout accepted: TID (1 octet), PDU type 0x06, HeadersLen (uintvar, at
 * most 5 octets, <= 0xFFFFFFFF, and it must fit in what is left of the
 * PDU), then HeadersLen octets holding the content type followed by
 * headers, then the body.
 *
 * Content type: a one-octet well-known type (e.g. 0xB6), a textual media
 * type, or the general form Value-length (0..30, or 0x1F + uintvar) +
 * media (Short-integer, Long-integer or text) + parameters. Parameters come
 * in any order; typed ones (SEC 0x91, MAC 0x92, charset 0x81, and every
 * other WAP-230 parameter, skipped by its value type) and untyped ones
 * (text name + value; "SEC", "MAC" and "charset" matched in any case, SEC
 * numeric or a method name in any case). A MAC Quoted-string loses its
 * leading quote (and a trailing one, if a sender adds it).
 *
 * Headers: X-Wap-Application-Id (0xAF), X-Wap-Initiator-URI (0xB1) and
 * Push-Flag (0xB4) in code page 1, and the same names sent as textual
 * headers, fill the struct; every other header is skipped; Shift sequences
 * (0x7F + page, or 0x01..0x1F) change the code page for the headers that
 * follow. No value may run past the end of the content type or of the
 * header block.
 *
 * Returns CP_OK, or (with offset and message in ctx):
 * - CP_E_INVALID_ARG: ctx or out NULL, or pdu NULL with len > 0.
 * - CP_E_VERSION: out->struct_size is not one this library knows (call
 *   cp_push_init first).
 * - CP_E_UNSUPPORTED: a ConfirmedPush (0x07), which only exists over
 *   connection-oriented sessions.
 * - CP_E_TRUNCATED: the PDU ends in the TID, type or HeadersLen, or before
 *   the HeadersLen octets of headers.
 * - CP_E_MALFORMED: another PDU type; an empty header block; a value that
 *   breaks the WSP encoding or runs past the end of its area; a textual
 *   media type too long for media_type; SEC or MAC given twice; one of the
 *   three headers above given twice or in the wrong form.
 * - CP_E_OVERFLOW: a uintvar or integer does not fit 32 bits.
 * On failure *out is reset as by cp_push_init (struct_size kept).
 */
CP_EXPORT cp_status cp_wsp_parse_push(cp_ctx *ctx, const uint8_t *pdu,
                                      size_t len, cp_push *out);

/**
 * Parse a textual content type such as
 * "application/vnd.wap.connectivity-wbxml; SEC=USERPIN; MAC=AA2D...94D4"
 * (NUL-terminated) and set the content-type fields of *out: content,
 * content_code (always CP_PUSH_TEXTUAL), media_type, charset, sec,
 * sec_raw, has_mac, mac_len, mac. The other fields are left as they are,
 * so a transport that has the body elsewhere can fill them itself.
 *
 * Rules: white space is allowed around the media type, ';' and '=';
 * media type and parameter names are matched in any case; a value is a
 * token or a quoted-string ("..." with backslash escapes); SEC is 0..3 or
 * NETWPIN / USERPIN / USERNETWPIN / USERPINMAC in any case, any other
 * value gives CP_SEC_INVALID (with sec_raw the number, or
 * CP_SEC_RAW_UNREADABLE); unknown parameters are ignored; SEC or MAC
 * without "=value" count as present with an unreadable / empty value.
 *
 * Returns CP_OK, or CP_E_INVALID_ARG (NULL argument), CP_E_VERSION (bad
 * struct_size), CP_E_MALFORMED (no "type/subtype", a media type of
 * CP_PUSH_MEDIA_MAX characters or more, a control character, an
 * unterminated quoted-string, a missing ';' between parameters, an empty
 * parameter name, SEC or MAC given twice). The error offset is the
 * character index in text. On failure the content-type fields are reset.
 */
CP_EXPORT cp_status cp_wsp_parse_content_type_text(cp_ctx *ctx,
                                                   const char *text,
                                                   cp_push *out);

/**
 * Name of a SEC value: "NETWPIN", "USERPIN", "USERNETWPIN", "USERPINMAC",
 * "none" for CP_SEC_NONE, "invalid" for CP_SEC_INVALID and anything else.
 * A static string; never NULL.
 */
CP_EXPORT const char *cp_sec_name(cp_sec sec);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_WSP_H */
