/*
 * spc.c - the SPC certificate store: the signers whose .cpf files get
 * roles, held by thumbprint (and, from 0.2.0, with their certificate and
 * subject), each change saved before it is reported done. Adding a signer
 * by its certificate goes through the X.509 reader: signer.c.
 */
#include <stddef.h>
#include <string.h>

#include "state.h"

static int spc_find(const struct cp_trust_state *st, const uint8_t *sha1)
{
    size_t i;
    for (i = 0; i < st->n_spc; i++)
        if (memcmp(st->spc[i].sha1, sha1, 20) == 0)
            return (int)i;
    return -1;
}

cp_status cp_spc__add(cp_ctx *ctx, const uint8_t *sha1, uint32_t roles)
{
    struct cp_trust_state *st;
    cp_spc_entry old;
    size_t old_n;
    int i;
    cp_status s;
    if (ctx == NULL || sha1 == NULL || (roles & ~(uint32_t)CP_ROLES_ALL))
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    old_n = st->n_spc;
    i = spc_find(st, sha1);
    if (i < 0) {
        if (st->n_spc == CP_SPC_MAX)
            return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                               "the SPC store is full (%d signers)", CP_SPC_MAX);
        i = (int)st->n_spc++;
        memcpy(st->spc[i].sha1, sha1, 20);
        st->spc[i].cert = NULL; /* the same thumbprint keeps its certificate */
        st->spc[i].cert_len = 0;
    }
    old = st->spc[i];
    st->spc[i].roles = roles;
    s = cp_trust__save_spc(ctx);
    if (s) {
        st->spc[i] = old;
        st->n_spc = old_n;
    }
    return s;
}

cp_status cp_spc__add_cert(cp_ctx *ctx, const uint8_t *sha1, uint32_t roles,
                           const uint8_t *der, size_t der_len,
                           const char *subject)
{
    struct cp_trust_state *st;
    cp_spc_entry old, *e;
    size_t old_n, sl;
    uint8_t *c;
    int i;
    cp_status s;
    if (ctx == NULL || sha1 == NULL || der == NULL || der_len == 0 ||
        subject == NULL || (roles & ~(uint32_t)CP_ROLES_ALL))
        return CP_E_INVALID_ARG;
    sl = strlen(subject);
    if (der_len > CP_SPC_CERT_MAX || sl > CP_SPC_SUBJECT_MAX)
        return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                           "the certificate is larger than the SPC store "
                           "keeps (%d octets of DER, %d of subject)",
                           CP_SPC_CERT_MAX, CP_SPC_SUBJECT_MAX);
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    c = cp_spc__cert_dup(ctx, der, der_len, subject, sl);
    if (c == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory adding a signer");
    old_n = st->n_spc;
    i = spc_find(st, sha1);
    if (i < 0) {
        if (st->n_spc == CP_SPC_MAX) {
            cp_mem__free(&ctx->alloc, c);
            return cp_err__set(ctx, CP_E_LIMIT, CP_NO_OFFSET,
                               "the SPC store is full (%d signers)", CP_SPC_MAX);
        }
        i = (int)st->n_spc++;
        memset(&st->spc[i], 0, sizeof st->spc[i]);
        memcpy(st->spc[i].sha1, sha1, 20);
    }
    e = &st->spc[i];
    old = *e;
    e->roles = roles;
    e->cert = c;
    e->cert_len = der_len;
    s = cp_trust__save_spc(ctx);
    if (s) { /* memory goes back to what is stored */
        *e = old;
        st->n_spc = old_n;
        cp_mem__free(&ctx->alloc, c);
    } else {
        cp_mem__free(&ctx->alloc, old.cert);
    }
    return s;
}

cp_status cp_spc__cert(cp_ctx *ctx, size_t index, const uint8_t **der,
                       size_t *der_len, const char **subject)
{
    struct cp_trust_state *st;
    const cp_spc_entry *e;
    cp_status s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    if (index >= st->n_spc)
        return CP_E_NOT_FOUND;
    e = &st->spc[index];
    *der = e->cert;
    *der_len = e->cert_len;
    *subject = e->cert ? (const char *)e->cert + e->cert_len : "";
    return CP_OK;
}

cp_status cp_spc__remove(cp_ctx *ctx, const uint8_t *sha1)
{
    struct cp_trust_state *st;
    cp_spc_entry old;
    size_t k;
    int i;
    cp_status s;
    if (ctx == NULL || sha1 == NULL)
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    i = spc_find(st, sha1);
    if (i < 0)
        return cp_err__set(ctx, CP_E_NOT_FOUND, CP_NO_OFFSET,
                           "no such signer in the SPC store");
    old = st->spc[i];
    for (k = (size_t)i; k + 1 < st->n_spc; k++)
        st->spc[k] = st->spc[k + 1];
    st->n_spc--;
    s = cp_trust__save_spc(ctx);
    if (s) { /* put it back where it was */
        for (k = st->n_spc; k > (size_t)i; k--)
            st->spc[k] = st->spc[k - 1];
        st->spc[i] = old;
        st->n_spc++;
    } else {
        cp_spc__free_entry(ctx, &old);
    }
    return s;
}

cp_status cp_spc__get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                     uint32_t *roles)
{
    struct cp_trust_state *st;
    cp_status s;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    s = cp_trust__state(ctx, &st);
    if (s)
        return s;
    if (index >= st->n_spc)
        return CP_E_NOT_FOUND;
    if (sha1)
        memcpy(sha1, st->spc[index].sha1, 20);
    if (roles)
        *roles = st->spc[index].roles;
    return CP_OK;
}

/* ---- public entry points: one call at a time per context ---------------- */

CP_EXPORT cp_status cp_spc_add(cp_ctx *ctx, const uint8_t *sha1,
                               uint32_t roles)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__add(ctx, sha1, roles);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_spc_remove(cp_ctx *ctx, const uint8_t *sha1)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__remove(ctx, sha1);
    cp_ctx__leave(ctx);
    return st;
}

CP_EXPORT cp_status cp_spc_get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                               uint32_t *roles)
{
    cp_status st;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__get(ctx, index, sha1, roles);
    cp_ctx__leave(ctx);
    return st;
}

/* The first layout of cp_spc_info (0.2.0), frozen. */
#define SPC_INFO_MIN_SIZE CP_SIZE_THROUGH(cp_spc_info, subject)

CP_EXPORT cp_status cp_spc_get_info(cp_ctx *ctx, size_t index,
                                    cp_spc_info *out)
{
    cp_spc_info info;
    const uint8_t *der = NULL;
    const char *subject = "";
    size_t der_len = 0, n;
    cp_status st;
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if (cp_struct__check(NULL, "cp_spc_info", out, SPC_INFO_MIN_SIZE))
        return CP_E_VERSION;
    memset(&info, 0, sizeof info);
    info.struct_size = sizeof info;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_spc__get(ctx, index, info.sha1, &info.roles);
    if (st == CP_OK)
        st = cp_spc__cert(ctx, index, &der, &der_len, &subject);
    cp_ctx__leave(ctx);
    if (st != CP_OK)
        return st;
    info.cert_len = der_len;
    n = strlen(subject);
    memcpy(info.subject, subject, n < CP_SPC_SUBJECT_SIZE ? n : CP_SPC_SUBJECT_SIZE - 1);
    return cp_struct__give(out, &info, sizeof info, SPC_INFO_MIN_SIZE);
}
