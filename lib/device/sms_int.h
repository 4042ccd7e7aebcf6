/*
 * sms_int.h - what the rooms of SMS reassembly share: the pending-message
 * table and one segment's header facts. sms.c holds options, lifetime, the
 * table and adding a segment; sms_udh.c reads the UDH of one segment;
 * sms_state.c saves and restores the table. Not installed.
 */
#ifndef CP_SMS_INT_H
#define CP_SMS_INT_H

#include "../base/base.h"
#include "omacp/sms.h"

/* TP-User-Data of one SMS holds at most 140 octets. */
#define CP_SMS__UD_MAX 140u
/* Longest origin address kept, in octets (a TP-OA holds 20 digits; an
   alphanumeric sender 11 characters, up to 33 octets of UTF-8). */
#define CP_SMS__ORIGIN_MAX 128u

/* What the UDH of one segment says. */
typedef struct cp_sms__seg {
    int has_concat, ref16; /* concatenation IE seen; 16-bit reference */
    int has_port, port8;   /* port IE seen; the 8-bit form */
    unsigned ref, total, seq;
    unsigned dst_port;
    const uint8_t *payload; /* user data after the UDH */
    size_t payload_len;
} cp_sms__seg;

/* One segment slot of a partial message (not cp_sms_split's cp_sms_part). */
typedef struct cp_sms__slot {
    uint8_t *data; /* payload copy; NULL while missing */
    size_t len;
} cp_sms__slot;

typedef struct cp_sms__msg {
    /* in order of creation = arrival of the first segment */
    struct cp_sms__msg *next;
    uint64_t first;     /* clock when its first segment arrived */
    const char *origin; /* NULL for an unknown sender; points into the block */
    unsigned ref, total, have;
    int ref16;
    cp_sms__slot parts[]; /* total slots, then the origin string */
} cp_sms__msg;

struct cp_sms {
    cp_ctx *ctx;
    unsigned max_segments, max_pending;
    uint32_t expiry;
    cp_sms__msg *head, *tail;
    size_t pending;
};

/*
 * The UDH of the len octets at ud (when udhi) into *si, which also gets
 * the payload after it. CP_E_MALFORMED, recorded in ctx with the offset in
 * ud, for a header that is cut, overlong or names a segment out of range.
 */
cp_status cp_sms__parse_udh(cp_ctx *ctx, const uint8_t *ud, size_t len,
                            int udhi, cp_sms__seg *si);

/* A copy of n octets at p (n may be 0) in s's context memory, or NULL. */
uint8_t *cp_sms__copy(cp_sms *s, const uint8_t *p, size_t n);
/* Record running out of memory in s's context; returns CP_E_NOMEM. */
cp_status cp_sms__nomem(cp_sms *s);
/* Free m and its parts; m must not be in s's table. */
void cp_sms__msg_free(cp_sms *s, cp_sms__msg *m);
/* Drop every pending message. */
void cp_sms__clear(cp_sms *s);
/* Append m as the newest message, first dropping the oldest when full. */
void cp_sms__append(cp_sms *s, cp_sms__msg *m);

#endif
