/*
 * wsp_build.h - floor 2 internal: writing a connectionless WSP push PDU
 * (the reverse of wsp.c). Not installed; used by lib/device/build.c.
 */
#ifndef CP_WSP_BUILD_H
#define CP_WSP_BUILD_H

#include "../base/base.h"
#include "omacp/wsp.h"

/* What goes into the PDU; the MAC is computed by the caller (trust). */
typedef struct cp_wsp__out {
    uint8_t tid;
    cp_content_kind content;   /* CP_CONTENT_WBXML or CP_CONTENT_XML */
    int text_ctype;            /* textual content type and parameters */
    cp_sec sec;                /* CP_SEC_NONE or 0..3 */
    const char *mac;           /* 40 hex digits, or NULL for no MAC parameter */
    int has_app_id;
    uint32_t app_id;           /* registry code, when app_id_text is NULL */
    const char *app_id_text;
    const char *initiator_uri; /* or NULL */
    int push_flag;             /* 0..127, or -1 */
} cp_wsp__out;

/*
 * The PDU for body, into *pdu (ctx allocator; freed with cp_free). Checks
 * the header texts (non-empty, no control octets) and the Push-Flag range
 * (CP_E_INVALID_ARG) and the sizes (CP_E_OVERFLOW).
 */
cp_status cp_wsp__build_push(cp_ctx *ctx, const cp_wsp__out *in,
                             const uint8_t *body, size_t body_len,
                             uint8_t **pdu, size_t *pdu_len);

#endif
