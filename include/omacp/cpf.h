/** @file
 * omacp/cpf.h - signed provisioning files (.cpf): a Microsoft cabinet
 * holding one _setup.xml, optionally signed with Authenticode. Added in
 * 0.2.0.
 *
 * cp_process_cpf() opens the cabinet, checks its signature, gives the
 * document the roles the security model says (Windows Mobile 6.5, "signed
 * .cab / .cpf"), then processes it exactly as cp_process_config_xml()
 * would with those roles:
 *
 *   signed, signature and digest verify, the signer's chain reaches a
 *     certificate of the SPC store (cp_spc_add_cert, or the signer's own
 *     certificate pinned by thumbprint with cp_spc_add)
 *                                     -> that entry's role mask
 *   signed, verifies, chain reaches no SPC entry (an unknown signer)
 *                                     -> policy 4101's mask
 *   not signed at all                 -> policy 4101's mask
 *   signed, but the signature or the digest does not verify, the
 *     signature is not where the header says, or a certificate on a
 *     chain to the store has expired or is not yet valid
 *                                     -> CP_E_REFUSED (never "unsigned")
 *   4101's mask is 0 (and the file is unsigned or of an unknown signer)
 *                                     -> CP_E_REFUSED
 *   the SPC store is damaged (cp_state_load) and the file is signed
 *                                     -> CP_E_CORRUPT
 *
 * Expired certificates: validity periods are checked against the host's
 * clock on the chain that reaches the SPC store (signer, intermediates and
 * the store's certificate); an expired or not yet valid one refuses the
 * file. Authenticode timestamps (countersignatures) are not honoured: a
 * device cannot check the time-stamping authority. A device without a
 * trustworthy clock passes CP_CPF_NO_TIME_CHECK. An unknown signer's
 * dates do not matter: it gets no more than an unsigned file.
 *
 * The digest is Authenticode's for cabinets (SHA-1 or SHA-256; SHA-384
 * and SHA-512 are read too) over the whole cabinet but the signature
 * area of its header; the octets it leaves out must hold their only
 * allowed values. The cabinet must hold exactly one member, _setup.xml
 * (any case, no path), compressed with MSZIP, LZX or Quantum, or stored,
 * at most cp_limits.max_doc_bytes long: checked against its declared size
 * and while it is decompressed.
 *
 * A build without the module (make NO_CPF=1: no libmspack, no OpenSSL)
 * returns CP_E_UNSUPPORTED from every function here.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_CPF_H
#define OMACP_CPF_H

#include "common.h"
#include "ctx.h"
#include "push.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * cp_process_cpf flag: do not check certificate validity periods (a
 * device without a trustworthy clock). Combine with CP_PROCESS or
 * CP_METADATA (omacp/engine.h).
 */
#define CP_CPF_NO_TIME_CHECK 0x0100u

/** Room for a subject or a reason in cp_cpf_verdict, with its NUL. */
#define CP_CPF_TEXT_SIZE 256

/** How a .cpf was signed, as cp_cpf_verdict tells it. */
typedef enum cp_cpf_signature {
    CP_CPF_UNSIGNED = 0, /**< no signature: policy 4101 */
    CP_CPF_KNOWN = 1,    /**< verified; the chain reached the SPC store */
    CP_CPF_UNKNOWN = 2,  /**< verified; no SPC entry vouches for it: policy 4101 */
    CP_CPF_BAD = 3,      /**< a signature is there and does not verify: refused */
    CP_CPF_UNREAD = 4    /**< the cabinet could not be read that far */
} cp_cpf_signature;

/**
 * The verdict on one .cpf: what was decided and why. Filled by
 * cp_process_cpf_ex and handed to the audit hook.
 */
typedef struct cp_cpf_verdict {
    size_t struct_size;          /**< sizeof(cp_cpf_verdict), set by the caller */
    cp_outcome outcome;          /**< applied, refused, rolled back or malformed */
    cp_status status;            /**< what cp_process_cpf_ex returns */
    cp_cpf_signature signature;  /**< how it was signed */
    uint32_t roles;              /**< the roles it was processed with (0 if refused) */
    uint8_t signer_sha1[20];     /**< signer certificate thumbprint (signed) */
    uint8_t anchor_sha1[20];     /**< the SPC entry its chain reached (KNOWN) */
    char signer[CP_CPF_TEXT_SIZE]; /**< signer subject, RFC 2253, ASCII; "" unsigned */
    char digest[16];             /**< file digest algorithm ("SHA1", "SHA256"), "" unsigned */
    char reason[CP_CPF_TEXT_SIZE]; /**< one line in plain words */
} cp_cpf_verdict;

/** The host's side of cp_process_cpf_ex. Every member may be NULL. */
typedef struct cp_cpf_hooks {
    size_t struct_size; /**< sizeof(cp_cpf_hooks) */
    /** Receives the verdict on every file, accepted or refused. */
    void (*audit)(void *user, const cp_cpf_verdict *v);
    void *user;         /**< passed to the hook */
} cp_cpf_hooks;

/**
 * Process the .cpf file in[0..len): open, verify, assign roles (see the
 * table above), then exactly cp_process_config_xml with those roles.
 * flags: CP_PROCESS and/or CP_METADATA as for cp_process_config_xml,
 * plus CP_CPF_NO_TIME_CHECK. *out / *out_len as there (cp_free the
 * output). The reason of a failure is the ctx error message.
 *
 * Returns the statuses of cp_process_config_xml and: CP_E_MALFORMED (not
 * one whole cabinet with one member _setup.xml: several members, a path
 * in the name, a damaged, truncated or lying header or data),
 * CP_E_LIMIT (the member is larger than limits.max_doc_bytes, declared or
 * decompressed), CP_E_REFUSED (see above), CP_E_CORRUPT (signed, and the
 * SPC store is damaged), CP_E_STORAGE, CP_E_BUSY, CP_E_UNSUPPORTED
 * (NO_CPF build).
 */
CP_EXPORT cp_status cp_process_cpf(cp_ctx *ctx, const uint8_t *in, size_t len,
                                   unsigned int flags, char **out,
                                   size_t *out_len);

/**
 * cp_process_cpf with the verdict: *verdict (may be NULL; set its
 * struct_size first, the library fills what it covers) and the audit
 * hook of hooks (may be NULL) receive it, for every file, also a refused
 * one. CP_E_VERSION when a struct_size is too small.
 */
CP_EXPORT cp_status cp_process_cpf_ex(cp_ctx *ctx, const uint8_t *in,
                                      size_t len, unsigned int flags,
                                      const cp_cpf_hooks *hooks,
                                      cp_cpf_verdict *verdict, char **out,
                                      size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_CPF_H */
