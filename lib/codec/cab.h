/*
 * cab.h - floor 2 internals: the cabinet reader of .cpf files (cab.c, the
 * one file that includes mspack.h). Not installed.
 */
#ifndef CP_CODEC_CAB_H
#define CP_CODEC_CAB_H

#include "../base/base.h"

typedef struct cp_cab_range {
    size_t off, len;
} cp_cab_range;

/* Where a cabinet's parts are, from its header alone. */
typedef struct cp_cab_layout {
    int is_signed;          /* 1: an Authenticode signature follows the cabinet */
    size_t cab_len;         /* the cabinet proper (cbCabinet) */
    size_t sig_off, sig_len; /* the signature (PKCS#7 DER and its padding) */
    cp_cab_range hashed[3]; /* what the Authenticode digest covers, in order */
    size_t n_hashed;
} cp_cab_layout;

/*
 * Read the header of the cabinet p[0..n) and say where its parts are.
 * Every octet of a signed cabinet before the signature is either in the
 * digested ranges or checked here to hold its one allowed value.
 * CP_E_MALFORMED for anything that is not a single, whole cabinet;
 * CP_E_REFUSED when the header declares a signature that cannot be where
 * it says (a signature that cannot be checked is refused, never taken as
 * none). Errors set the ctx message.
 */
cp_status cp_cab__layout(cp_ctx *ctx, const uint8_t *p, size_t n,
                         cp_cab_layout *out);

/*
 * Decompress the one member of the cabinet p[0..cab_len): it must be
 * named _setup.xml (any case, no path), alone in one folder; at most max
 * octets, checked against the declared size before and against the bytes
 * produced during decompression. *out (ctx allocator, NUL-terminated, not
 * counted) and *out_len. CP_E_MALFORMED (several members, a path, a
 * damaged or lying cabinet), CP_E_LIMIT (too large), CP_E_NOMEM,
 * CP_E_UNSUPPORTED (libmspack built with another off_t).
 */
cp_status cp_cab__extract(cp_ctx *ctx, const uint8_t *p, size_t cab_len,
                          size_t max, uint8_t **out, size_t *out_len);

#endif
