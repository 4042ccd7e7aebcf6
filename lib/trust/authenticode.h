/*
 * authenticode.h - floor 3 internals: Authenticode signatures and X.509
 * certificates (authenticode.c, the one file that includes OpenSSL
 * headers). Not installed.
 */
#ifndef CP_TRUST_AUTHENTICODE_H
#define CP_TRUST_AUTHENTICODE_H

#include "state.h"

/* A part of the signed file that its digest covers. */
typedef struct cp_ac_range {
    size_t off, len;
} cp_ac_range;

/* cp_ac__verify: do not check certificate validity periods. */
#define CP_AC_NO_TIME 0x1u

typedef struct cp_ac_result {
    int known;               /* 1: the chain reached a signer of the SPC store */
    uint32_t roles;          /* that signer's roles (known only) */
    uint8_t signer_sha1[20]; /* thumbprint of the signing certificate */
    uint8_t anchor_sha1[20]; /* thumbprint of the SPC entry reached (known) */
    char signer[CP_SPC_SUBJECT_MAX + 1]; /* its subject, RFC 2253, one line */
    char digest[16];         /* digest algorithm of the file digest */
} cp_ac_result;

/*
 * Verify the Authenticode signature sig[0..sig_len) (PKCS#7 SignedData,
 * then at most 7 zero octets of padding) of the file whose digested parts
 * are ranges[0..n) of file: the content must be an
 * SpcIndirectDataContent for a cabinet (SPC_CAB_DATA_OBJID) whose digest
 * (SHA-1, SHA-256, -384 or -512) equals the one computed over the ranges;
 * exactly one signer, whose signature over the content verifies, whose
 * certificate may sign code. Then the chain from the signer towards the
 * certificates of the SPC store (and the certificates in the signature
 * whose thumbprint an entry holds): reached, res->known = 1 and the
 * roles of the entry reached; no way there, res->known = 0 (an unknown
 * signer: the caller gives policy 4101's roles). Validity periods are
 * checked against the host clock unless flags has CP_AC_NO_TIME.
 * CP_OK, else CP_E_REFUSED (anything that does not verify, an expired
 * certificate on a chain to the store), CP_E_CORRUPT (the SPC store is
 * damaged: no signer can be vouched for), CP_E_NOMEM; the ctx message
 * says why.
 */
cp_status cp_ac__verify(cp_ctx *ctx, const uint8_t *file,
                        const cp_ac_range *ranges, size_t n,
                        const uint8_t *sig, size_t sig_len, unsigned flags,
                        cp_ac_result *res);

/*
 * Read one X.509 certificate, DER or PEM: *der (ctx allocator) gets its
 * DER, sha1 its thumbprint, subject (cap octets) its subject.
 * CP_E_MALFORMED when it is not one certificate.
 */
cp_status cp_ac__cert(cp_ctx *ctx, const uint8_t *in, size_t len,
                      uint8_t **der, size_t *der_len, uint8_t sha1[20],
                      char *subject, size_t cap);

#endif
