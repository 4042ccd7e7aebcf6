/*
 * authenticode.c - Authenticode signatures of .cpf cabinets and the X.509
 * certificates of the SPC store, with OpenSSL (the one file that includes
 * OpenSSL headers). No ASN.1 or cryptography is done by hand here: the
 * PKCS#7 SignedData, the SpcIndirectDataContent and the certificates are
 * read by OpenSSL's decoders, digests and signatures checked by OpenSSL,
 * the chain built by X509_verify_cert.
 *
 * Authenticode (Microsoft, "Windows Authenticode Portable Executable
 * Signature Format"): the SignedData's content type is
 * SPC_INDIRECT_DATA_OBJID (1.3.6.1.4.1.311.2.1.4) and its content
 *   SpcIndirectDataContent ::= SEQUENCE {
 *       data          SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL },
 *       messageDigest DigestInfo }
 * where type is SPC_CAB_DATA_OBJID (1.3.6.1.4.1.311.2.1.25) for a cabinet
 * and messageDigest the digest of the file's signed ranges. The signer's
 * messageDigest attribute covers the content octets of that SEQUENCE
 * without its tag and length.
 *
 * OpenSSL allocates with its own (process-wide) allocator: its memory
 * hooks can only be set once per process, so the library leaves them to
 * the host. Everything this file hands back is in ctx memory.
 */
#include <stdio.h>
#include <string.h>

#include "authenticode.h"

#ifndef CP_NO_CPF
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define OID_INDIRECT_DATA "1.3.6.1.4.1.311.2.1.4"
#define OID_CAB_DATA "1.3.6.1.4.1.311.2.1.25"
#define CERT_IN_MAX 65536

static cp_status refuse(cp_ctx *ctx, const char *why)
{
    ERR_clear_error();
    return cp_err__set(ctx, CP_E_REFUSED, CP_NO_OFFSET,
                       "the .cpf signature does not verify: %s; refused",
                       why);
}

static int oid_is(const ASN1_OBJECT *o, const char *dotted)
{
    char buf[64];
    int n = OBJ_obj2txt(buf, sizeof buf, o, 1);
    return n > 0 && (size_t)n < sizeof buf && strcmp(buf, dotted) == 0;
}

static void subject_of(X509 *x, char *out, size_t cap)
{
    BIO *b = BIO_new(BIO_s_mem());
    int n = 0;
    out[0] = '\0';
    if (b == NULL)
        return;
    /* RFC 2253 escapes control and non-ASCII octets: the text is ASCII */
    if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
                           XN_FLAG_RFC2253) >= 0)
        n = BIO_read(b, out, (int)(cap - 1));
    out[n > 0 ? n : 0] = '\0';
    BIO_free(b);
}

static int thumbprint(X509 *x, uint8_t sha1[20])
{
    unsigned int n = 0;
    return X509_digest(x, EVP_sha1(), sha1, &n) == 1 && n == 20;
}

/* ---- the signed content ---------------------------------------------------- */

/*
 * The digest algorithm and value named by the SpcIndirectDataContent
 * (DER in seq[0..n)); refuses anything but a cabinet's.
 */
static cp_status indirect_digest(cp_ctx *ctx, const uint8_t *seq, long n,
                                 const EVP_MD **md, uint8_t *want,
                                 size_t *want_len)
{
    const unsigned char *q = seq;
    STACK_OF(ASN1_TYPE) *top = d2i_ASN1_SEQUENCE_ANY(NULL, &q, n), *data = NULL;
    const ASN1_TYPE *t0, *t1;
    X509_SIG *di = NULL;
    const X509_ALGOR *alg;
    const ASN1_OCTET_STRING *dig;
    const ASN1_OBJECT *aobj;
    cp_status st = CP_E_REFUSED;
    const char *why = "its content is not an Authenticode SpcIndirectDataContent";
    int nid;
    if (top == NULL || q != seq + n || sk_ASN1_TYPE_num(top) != 2)
        goto out;
    t0 = sk_ASN1_TYPE_value(top, 0);
    t1 = sk_ASN1_TYPE_value(top, 1);
    if (t0->type != V_ASN1_SEQUENCE || t1->type != V_ASN1_SEQUENCE)
        goto out;
    q = t0->value.sequence->data;
    data = d2i_ASN1_SEQUENCE_ANY(NULL, &q, t0->value.sequence->length);
    if (data == NULL || sk_ASN1_TYPE_num(data) < 1 ||
        sk_ASN1_TYPE_value(data, 0)->type != V_ASN1_OBJECT)
        goto out;
    if (!oid_is(sk_ASN1_TYPE_value(data, 0)->value.object, OID_CAB_DATA)) {
        why = "it signs something other than a cabinet";
        goto out;
    }
    q = t1->value.sequence->data;
    di = d2i_X509_SIG(NULL, &q, t1->value.sequence->length);
    if (di == NULL)
        goto out;
    X509_SIG_get0(di, &alg, &dig);
    X509_ALGOR_get0(&aobj, NULL, NULL, alg);
    nid = OBJ_obj2nid(aobj);
    if (nid != NID_sha1 && nid != NID_sha256 && nid != NID_sha384 &&
        nid != NID_sha512) {
        why = "its file digest uses an algorithm other than SHA-1 or SHA-2";
        goto out;
    }
    *md = EVP_get_digestbynid(nid);
    if (*md == NULL || ASN1_STRING_length(dig) != EVP_MD_get_size(*md)) {
        why = "its file digest has the wrong length";
        goto out;
    }
    *want_len = (size_t)ASN1_STRING_length(dig);
    memcpy(want, ASN1_STRING_get0_data(dig), *want_len);
    st = CP_OK;
out:
    X509_SIG_free(di);
    sk_ASN1_TYPE_pop_free(data, ASN1_TYPE_free);
    sk_ASN1_TYPE_pop_free(top, ASN1_TYPE_free);
    return st == CP_OK ? CP_OK : refuse(ctx, why);
}

/* Digest of the file's signed ranges, compared with the signed one. */
static cp_status file_digest(cp_ctx *ctx, const uint8_t *file,
                             const cp_ac_range *r, size_t n, const EVP_MD *md,
                             const uint8_t *want, size_t want_len)
{
    uint8_t got[EVP_MAX_MD_SIZE];
    unsigned int got_len = 0;
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    size_t i;
    int ok = m != NULL && EVP_DigestInit_ex(m, md, NULL) == 1;
    for (i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(m, file + r[i].off, r[i].len) == 1;
    ok = ok && EVP_DigestFinal_ex(m, got, &got_len) == 1;
    EVP_MD_CTX_free(m);
    if (!ok)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "cannot compute the cabinet digest");
    if (got_len != want_len || CRYPTO_memcmp(got, want, want_len) != 0)
        return refuse(ctx, "the cabinet's digest differs from the signed "
                           "digest (the cabinet was changed after signing, "
                           "or the signature is another file's)");
    return CP_OK;
}

/* Exactly one signer, with a digest we accept, whose certificate may sign code. */
static cp_status check_signer(cp_ctx *ctx, PKCS7 *p7, X509 **signer)
{
    STACK_OF(PKCS7_SIGNER_INFO) *sis = PKCS7_get_signer_info(p7);
    STACK_OF(X509) *signers;
    X509_ALGOR *dalg = NULL;
    const ASN1_OBJECT *obj;
    int nid;
    *signer = NULL;
    if (sis == NULL || sk_PKCS7_SIGNER_INFO_num(sis) != 1)
        return refuse(ctx, "it does not have exactly one signer");
    PKCS7_SIGNER_INFO_get0_algs(sk_PKCS7_SIGNER_INFO_value(sis, 0), NULL,
                                &dalg, NULL);
    if (dalg == NULL)
        return refuse(ctx, "its signer names no digest");
    X509_ALGOR_get0(&obj, NULL, NULL, dalg);
    nid = OBJ_obj2nid(obj);
    if (nid != NID_sha1 && nid != NID_sha256 && nid != NID_sha384 &&
        nid != NID_sha512)
        return refuse(ctx, "its signer uses a digest other than SHA-1 or SHA-2");
    signers = PKCS7_get0_signers(p7, NULL, 0);
    if (signers == NULL || sk_X509_num(signers) != 1) {
        sk_X509_free(signers);
        return refuse(ctx, "the signer's certificate is not in the signature");
    }
    *signer = sk_X509_value(signers, 0);
    sk_X509_free(signers);
    if ((X509_get_extension_flags(*signer) & EXFLAG_XKUSAGE) &&
        !(X509_get_extended_key_usage(*signer) & XKU_CODE_SIGN))
        return refuse(ctx, "the signer's certificate is not for code signing");
    if (!(X509_get_key_usage(*signer) & KU_DIGITAL_SIGNATURE))
        return refuse(ctx, "the signer's certificate may not sign");
    return CP_OK;
}

/* The signer's signature over the content octets (tag and length skipped). */
static cp_status check_signature(cp_ctx *ctx, PKCS7 *p7, const uint8_t *seq,
                                 long n)
{
    const unsigned char *q = seq;
    long len = 0;
    int tag = 0, cls = 0, rc;
    BIO *in, *mem;
    rc = ASN1_get_object(&q, &len, &tag, &cls, n);
    if ((rc & 0x80) || rc != V_ASN1_CONSTRUCTED || tag != V_ASN1_SEQUENCE ||
        len != n - (long)(q - seq))
        return refuse(ctx, "its content is not one DER SEQUENCE");
    /* behind a buffer filter: PKCS7_verify copies a memory BIO into one
       of its own, which OpenSSL 3.0 leaks when the SignedData names a
       digest it does not know */
    in = BIO_new(BIO_f_buffer());
    mem = BIO_new_mem_buf(q, (int)len);
    if (in == NULL || mem == NULL) {
        BIO_free(in);
        BIO_free(mem);
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory verifying the signature");
    }
    BIO_push(in, mem);
    /* the chain is checked separately, against the SPC store */
    rc = PKCS7_verify(p7, NULL, NULL, in, NULL, PKCS7_NOVERIFY | PKCS7_BINARY);
    BIO_free_all(in);
    if (rc != 1)
        return refuse(ctx, "the signer's signature over the signed content "
                           "is wrong");
    return CP_OK;
}

/* ---- the chain to the SPC store -------------------------------------------- */

static int unknown_signer(int err)
{
    return err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
           err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
           err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
           err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
           err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

/* The SPC entry with this thumbprint: its index, or -1. */
static int spc_index(cp_ctx *ctx, const uint8_t sha1[20], uint32_t *roles)
{
    uint8_t s[20];
    size_t i;
    for (i = 0; cp_spc__get(ctx, i, s, roles) == CP_OK; i++)
        if (memcmp(s, sha1, 20) == 0)
            return (int)i;
    return -1;
}

/*
 * Trust anchors: every certificate of the SPC store, and each certificate
 * carried in the signature whose thumbprint an entry holds (an entry
 * added by thumbprint pins that certificate).
 */
static int fill_store(cp_ctx *ctx, X509_STORE *store, STACK_OF(X509) *carried)
{
    size_t i;
    int k;
    const uint8_t *der;
    size_t der_len;
    const char *subject;
    uint32_t roles;
    for (i = 0; cp_spc__cert(ctx, i, &der, &der_len, &subject) == CP_OK; i++) {
        const unsigned char *q = der;
        X509 *x;
        if (der == NULL)
            continue;
        x = d2i_X509(NULL, &q, (long)der_len);
        if (x == NULL)
            continue; /* held, but unreadable: anchors nothing */
        k = X509_STORE_add_cert(store, x);
        X509_free(x);
        if (k != 1)
            return 0;
    }
    for (k = 0; k < sk_X509_num(carried); k++) {
        uint8_t s[20];
        X509 *x = sk_X509_value(carried, k);
        if (thumbprint(x, s) && spc_index(ctx, s, &roles) >= 0 &&
            X509_STORE_add_cert(store, x) != 1)
            return 0;
    }
    return 1;
}

static cp_status check_chain(cp_ctx *ctx, PKCS7 *p7, X509 *signer,
                             unsigned flags, cp_ac_result *res)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *sc = X509_STORE_CTX_new();
    STACK_OF(X509) *carried = p7->d.sign->cert;
    cp_status st = CP_OK;
    unsigned long vflags = X509_V_FLAG_PARTIAL_CHAIN;
    int rc, err, k;
    if (store == NULL || sc == NULL || !fill_store(ctx, store, carried) ||
        X509_STORE_CTX_init(sc, store, signer, carried) != 1) {
        st = cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                         "out of memory checking the signer's chain");
        goto out;
    }
    if (flags & CP_AC_NO_TIME)
        vflags |= X509_V_FLAG_NO_CHECK_TIME;
    X509_STORE_CTX_set_flags(sc, vflags);
    rc = X509_verify_cert(sc);
    err = X509_STORE_CTX_get_error(sc);
    if (rc == 1) {
        /* the nearest SPC entry on the verified chain, from the signer up
           (with a partial chain OpenSSL may go on past it) */
        STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(sc);
        for (k = 0; k < sk_X509_num(chain) && !res->known; k++)
            res->known = thumbprint(sk_X509_value(chain, k), res->anchor_sha1) &&
                         spc_index(ctx, res->anchor_sha1, &res->roles) >= 0;
        if (!res->known) {
            st = refuse(ctx, "its chain reaches no SPC entry");
            goto out;
        }
    } else if (!unknown_signer(err)) {
        char why[160];
        X509 *bad = X509_STORE_CTX_get_current_cert(sc);
        char who[96];
        who[0] = '\0';
        if (bad != NULL)
            subject_of(bad, who, sizeof who);
        snprintf(why, sizeof why, "certificate '%s': %s", who,
                 X509_verify_cert_error_string(err));
        st = refuse(ctx, why);
    }
out:
    X509_STORE_CTX_free(sc);
    X509_STORE_free(store);
    return st;
}

static cp_status verify_p7(cp_ctx *ctx, PKCS7 *p7, const uint8_t *file,
                           const cp_ac_range *ranges, size_t n,
                           unsigned flags, cp_ac_result *res)
{
    const ASN1_TYPE *content;
    const EVP_MD *md = NULL;
    uint8_t want[EVP_MAX_MD_SIZE];
    size_t want_len = 0;
    X509 *signer = NULL;
    cp_status st;
    if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL ||
        p7->d.sign->contents == NULL ||
        !oid_is(p7->d.sign->contents->type, OID_INDIRECT_DATA))
        return refuse(ctx, "it is not an Authenticode SignedData");
    content = p7->d.sign->contents->d.other;
    if (content == NULL || content->type != V_ASN1_SEQUENCE)
        return refuse(ctx, "it carries no SpcIndirectDataContent");
    st = indirect_digest(ctx, content->value.sequence->data,
                         content->value.sequence->length, &md, want,
                         &want_len);
    if (!st)
        st = file_digest(ctx, file, ranges, n, md, want, want_len);
    if (!st)
        st = check_signer(ctx, p7, &signer);
    if (!st)
        st = check_signature(ctx, p7, content->value.sequence->data,
                             content->value.sequence->length);
    if (st)
        return st;
    snprintf(res->digest, sizeof res->digest, "%s",
             OBJ_nid2sn(EVP_MD_get_type(md)));
    subject_of(signer, res->signer, sizeof res->signer);
    if (!thumbprint(signer, res->signer_sha1))
        return refuse(ctx, "cannot take the signer's thumbprint");
    /* a damaged store may have held this signer with fewer roles */
    st = cp_trust__check_damage(ctx, CP_DAMAGE_SPC);
    if (st)
        return st;
    return check_chain(ctx, p7, signer, flags, res);
}

cp_status cp_ac__verify(cp_ctx *ctx, const uint8_t *file,
                        const cp_ac_range *ranges, size_t n,
                        const uint8_t *sig, size_t sig_len, unsigned flags,
                        cp_ac_result *res)
{
    const unsigned char *q = sig;
    PKCS7 *p7;
    size_t used, i;
    cp_status st;
    memset(res, 0, sizeof *res);
    if (sig_len > 0x7fffffffu)
        return refuse(ctx, "it is too large");
    p7 = d2i_PKCS7(NULL, &q, (long)sig_len);
    if (p7 == NULL)
        return refuse(ctx, "it is not a DER PKCS#7 structure");
    used = (size_t)(q - sig);
    for (i = used; i < sig_len; i++)
        if (sig[i] != 0)
            break;
    if (sig_len - used >= 8 || i != sig_len)
        st = refuse(ctx, "data follows the PKCS#7 structure");
    else
        st = verify_p7(ctx, p7, file, ranges, n, flags, res);
    PKCS7_free(p7);
    ERR_clear_error();
    return st;
}

cp_status cp_ac__cert(cp_ctx *ctx, const uint8_t *in, size_t len,
                      uint8_t **der, size_t *der_len, uint8_t sha1[20],
                      char *subject, size_t cap)
{
    X509 *x = NULL;
    const unsigned char *q = in;
    unsigned char *w;
    int n;
    cp_status st = CP_OK;
    *der = NULL;
    *der_len = 0;
    if (len == 0 || len > CERT_IN_MAX)
        return cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                           "a certificate of %lu octets: not one X.509 "
                           "certificate", (unsigned long)len);
    if (len >= 11 && memcmp(in, "-----BEGIN ", 11) == 0) {
        BIO *b = BIO_new_mem_buf(in, (int)len);
        if (b != NULL)
            x = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
    } else {
        x = d2i_X509(NULL, &q, (long)len);
        if (x != NULL && q != in + len) {
            X509_free(x);
            x = NULL;
        }
    }
    if (x == NULL || (n = i2d_X509(x, NULL)) <= 0 || !thumbprint(x, sha1)) {
        st = cp_err__set(ctx, CP_E_MALFORMED, CP_NO_OFFSET,
                         "not one X.509 certificate (DER or PEM)");
        goto out;
    }
    *der = cp_mem__alloc(&ctx->alloc, (size_t)n);
    if (*der == NULL) {
        st = cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                         "out of memory reading a certificate");
        goto out;
    }
    w = *der;
    *der_len = (size_t)i2d_X509(x, &w);
    subject_of(x, subject, cap);
out:
    X509_free(x);
    ERR_clear_error();
    return st;
}

#endif /* CP_NO_CPF */
