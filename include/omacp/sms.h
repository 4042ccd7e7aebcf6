/** @file
 * omacp/sms.h - reassembly of WAP push datagrams sent as SMS segments.
 *
 * A pushed provisioning message usually arrives as several 8-bit SMS whose
 * user data starts with a user data header (UDH): the application port
 * addressing IE (16-bit 0x05, or 8-bit 0x04) names WDP port 2948, the
 * connectionless WSP push port, and the concatenation IE (8-bit reference
 * 0x00 or 16-bit reference 0x08) says which part of which message each
 * segment is. cp_sms_add() collects them, in any order, ignoring
 * duplicates, and hands back the WSP push PDU when the last one is in.
 * Everything is bounded: segments per message, messages pending at once,
 * and how long a partial message is kept.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_SMS_H
#define OMACP_SMS_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The WDP port of connectionless WSP push. */
#define CP_WDP_PORT_PUSH 2948u

/** Reassembly limits. Start from cp_sms_options_init(). */
typedef struct cp_sms_options {
    size_t struct_size;       /**< sizeof(cp_sms_options), set by cp_sms_options_init */
    unsigned int max_segments; /**< most segments per message, default 32 (1..255) */
    unsigned int max_pending; /**< most partial messages kept, default 8; when full the oldest is dropped */
    uint32_t expiry_seconds;  /**< a partial message older than this is dropped, default 300 */
} cp_sms_options;

/** Prepare *o with the defaults. */
#define cp_sms_options_init(o) cp_sms_options_init_size((o), sizeof(cp_sms_options))
/**
 * cp_sms_options_init() as a function: prepare the size bytes of *o, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_sms_options_init_size(cp_sms_options *o, size_t size);

/** A reassembler (opaque). Not thread-safe; one per context is typical. */
typedef struct cp_sms cp_sms;

/**
 * Make a reassembler using ctx's allocator (opt NULL = defaults).
 * CP_E_INVALID_ARG for max_segments outside 1..255 or max_pending 0,
 * CP_E_VERSION for an unknown opt->struct_size.
 */
CP_EXPORT cp_status cp_sms_new(cp_ctx *ctx, const cp_sms_options *opt,
                               cp_sms **out);

/** Free a reassembler and every partial message. NULL is a no-op. */
CP_EXPORT void cp_sms_free(cp_sms *sms);

/**
 * Add one SMS. origin is the sender's address (messages from different
 * senders never mix; may be NULL). ud is the TP user data, len its length,
 * udhi the TP-UDHI bit (1: ud starts with a UDH). now is the host's clock
 * in seconds (any epoch, never decreasing), used for expiry.
 *
 * When this segment completes a message (or the SMS was not segmented),
 * *pdu receives the WSP push PDU (freed with cp_free(ctx, *pdu)) and
 * *pdu_len its length; otherwise *pdu is NULL and the call returns CP_OK
 * (the segment is kept, or was a duplicate and is ignored).
 *
 * A partial message is keyed by (origin, reference, total, 8- or 16-bit
 * reference), so segments that disagree on the total belong to different
 * messages. A repeated segment number is ignored, even when its content
 * differs (the first copy is kept). ud is at most 140 octets.
 *
 * Errors: CP_E_MALFORMED (a broken UDH, a segment number out of range,
 * a repeated IE, user data longer than 140 octets), CP_E_NOT_PROV (not
 * addressed to WDP port 2948, or no port IE), CP_E_LIMIT (more segments
 * than max_segments), CP_E_INVALID_ARG (bad arguments, an origin longer
 * than 128 octets), CP_E_NOMEM (nothing is kept: sending the segment again
 * completes the message).
 */
CP_EXPORT cp_status cp_sms_add(cp_sms *sms, const char *origin,
                               const uint8_t *ud, size_t len, int udhi,
                               uint64_t now, uint8_t **pdu, size_t *pdu_len);

/** Drop partial messages whose first segment came more than expiry_seconds before now. */
CP_EXPORT void cp_sms_expire(cp_sms *sms, uint64_t now);

/** Number of partial messages held. */
CP_EXPORT size_t cp_sms_pending(const cp_sms *sms);


/**
 * Added in 0.2.0. Write the partial messages of sms (their segments, keys
 * and arrival times) into one block, so that a host which is restarted
 * between two segments (or a tool run once per segment) can go on with
 * cp_sms_restore. *out is freed with cp_free(ctx, *out); an empty
 * reassembler gives a short valid block. The block is for this library
 * only; its format may change between releases (cp_sms_restore then says
 * CP_E_CORRUPT). Errors: CP_E_INVALID_ARG, CP_E_NOMEM.
 */
CP_EXPORT cp_status cp_sms_save(const cp_sms *sms, uint8_t **out,
                                size_t *out_len);

/**
 * Added in 0.2.0. Put back what cp_sms_save wrote: the partial messages
 * replace those sms holds. The block is checked as untrusted input: every
 * length and count, segment numbers, payloads of at most 139 octets,
 * origins of at most 128 octets; the limits of sms apply as for
 * cp_sms_add (a message with more segments than max_segments is refused,
 * beyond max_pending the oldest are dropped), and messages older than
 * expiry_seconds at now are dropped. Errors: CP_E_INVALID_ARG,
 * CP_E_CORRUPT (not a block this version wrote, or inconsistent; sms is
 * left empty), CP_E_NOMEM (sms is left empty).
 */
CP_EXPORT cp_status cp_sms_restore(cp_sms *sms, const uint8_t *data,
                                   size_t len, uint64_t now);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_SMS_H */
