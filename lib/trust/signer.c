/*
 * signer.c - adding an SPC signer by its certificate (cp_spc_add_cert):
 * the one place where the X.509 reader (authenticode.c) feeds the SPC
 * store (spc.c). Apart from both, so calls run one way: authenticode.c
 * reads the store, and the store never calls the reader.
 */
#include "authenticode.h"
#include "state.h"

CP_EXPORT cp_status cp_spc_add_cert(cp_ctx *ctx, const uint8_t *cert,
                                    size_t len, uint32_t roles)
{
#ifdef CP_NO_CPF
    (void)cert;
    (void)len;
    (void)roles;
    if (ctx == NULL)
        return CP_E_INVALID_ARG;
    return CP_E_UNSUPPORTED; /* no X.509 reader in this build */
#else
    cp_status st;
    uint8_t *der = NULL, sha1[20];
    size_t der_len = 0;
    char subject[CP_SPC_SUBJECT_MAX + 1];
    if (ctx == NULL || cert == NULL || (roles & ~(uint32_t)CP_ROLES_ALL))
        return CP_E_INVALID_ARG;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = cp_ac__cert(ctx, cert, len, &der, &der_len, sha1, subject,
                     sizeof subject);
    if (st == CP_OK)
        st = cp_spc__add_cert(ctx, sha1, roles, der, der_len, subject);
    cp_mem__free(&ctx->alloc, der);
    cp_ctx__leave(ctx);
    return st;
#endif
}
