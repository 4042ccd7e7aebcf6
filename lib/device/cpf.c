/*
 * cpf.c - .cpf files: the cabinet (codec/cab.c) -> its Authenticode
 * signature (trust/authenticode.c) -> roles (SPC store or policy 4101) ->
 * the engine, with one verdict per file for the audit hook.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../codec/cab.h"
#include "../engine/engine.h"
#include "../trust/authenticode.h"
#include "omacp/cpf.h"
#include "omacp/engine.h"

/* First layouts (0.2.0), frozen: the minimum struct_size accepted. */
#define VERDICT_MIN_SIZE CP_SIZE_THROUGH(cp_cpf_verdict, reason)
#define HOOKS_MIN_SIZE CP_SIZE_THROUGH(cp_cpf_hooks, user)

#define FLAGS_KNOWN (CP_PROCESS | CP_METADATA | CP_CPF_NO_TIME_CHECK)

static void reason(cp_cpf_verdict *v, const char *text)
{
    snprintf(v->reason, sizeof v->reason, "%s", text);
}

#ifndef CP_NO_CPF

static int decode_error(cp_status st)
{
    return st == CP_E_MALFORMED || st == CP_E_TRUNCATED ||
           st == CP_E_OVERFLOW || st == CP_E_LIMIT || st == CP_E_XML ||
           st == CP_E_GRAMMAR || st == CP_E_DTD || st == CP_E_CHARSET ||
           st == CP_E_UNKNOWN_TOKEN || st == CP_E_NOT_PROV ||
           st == CP_E_UNSUPPORTED;
}

/* The signature's verdict: v->signature, v->roles and the signer. */
static cp_status signature_roles(cp_ctx *ctx, const uint8_t *in,
                                 const cp_cab_layout *l, unsigned flags,
                                 cp_cpf_verdict *v)
{
    cp_ac_range r[3];
    cp_ac_result *res; /* on the heap: bounded frames (stack-check) */
    size_t i;
    cp_status st;
    if (!l->is_signed) {
        v->signature = CP_CPF_UNSIGNED;
        v->roles = cp_policy__value(ctx, CP_POLICY_UNSIGNED_CABS);
        return CP_OK;
    }
    for (i = 0; i < l->n_hashed; i++) {
        r[i].off = l->hashed[i].off;
        r[i].len = l->hashed[i].len;
    }
    res = cp_mem__alloc(&ctx->alloc, sizeof *res);
    if (res == NULL)
        return cp_err__set(ctx, CP_E_NOMEM, CP_NO_OFFSET,
                           "out of memory verifying the signature");
    st = cp_ac__verify(ctx, in, r, l->n_hashed, in + l->sig_off, l->sig_len,
                       (flags & CP_CPF_NO_TIME_CHECK) ? CP_AC_NO_TIME : 0,
                       res);
    memcpy(v->signer_sha1, res->signer_sha1, 20);
    snprintf(v->signer, sizeof v->signer, "%s", res->signer);
    snprintf(v->digest, sizeof v->digest, "%s", res->digest);
    if (st) {
        v->signature = st == CP_E_REFUSED ? CP_CPF_BAD : CP_CPF_UNREAD;
    } else if (res->known) {
        v->signature = CP_CPF_KNOWN;
        memcpy(v->anchor_sha1, res->anchor_sha1, 20);
        v->roles = res->roles;
    } else {
        v->signature = CP_CPF_UNKNOWN;
        v->roles = cp_policy__value(ctx, CP_POLICY_UNSIGNED_CABS);
    }
    cp_mem__free(&ctx->alloc, res);
    return st;
}

/* Open, verify, give roles: everything before the engine. */
static cp_status admit(cp_ctx *ctx, const uint8_t *in, size_t len,
                       unsigned flags, cp_cpf_verdict *v, cp_doc **doc)
{
    struct cp_trust_state *ts;
    cp_cab_layout l;
    uint8_t *xml = NULL;
    size_t xml_len = 0;
    cp_status st;
    v->signature = CP_CPF_UNREAD;
    /* the state first: no decision on defaults that could not be read */
    st = cp_trust__state(ctx, &ts);
    if (!st)
        st = cp_cab__layout(ctx, in, len, &l);
    if (!st)
        st = signature_roles(ctx, in, &l, flags, v);
    if (st)
        return st;
    if ((v->roles & CP_ROLES_ALL) == 0) {
        v->roles = 0;
        return cp_err__set(ctx, CP_E_REFUSED, CP_NO_OFFSET,
                           "%s .cpf files get no roles (policy 4101 = 0): "
                           "refused",
                           v->signature == CP_CPF_UNSIGNED ? "unsigned"
                           : v->signature == CP_CPF_UNKNOWN
                               ? "signer not in the SPC store;"
                               : "this signer's");
    }
    st = cp_cab__extract(ctx, in, l.cab_len, ctx->limits.max_doc_bytes, &xml,
                         &xml_len);
    if (!st)
        st = cp_doc_load(ctx, xml, xml_len, doc);
    cp_mem__free(&ctx->alloc, xml);
    return st;
}

static cp_status process_entered(cp_ctx *ctx, const uint8_t *in, size_t len,
                                 unsigned flags, cp_cpf_verdict *v, char **out,
                                 size_t *out_len)
{
    cp_doc *doc = NULL;
    cp_status st = admit(ctx, in, len, flags, v, &doc);
    if (st) {
        v->outcome = decode_error(st) && v->signature != CP_CPF_BAD
                         ? CP_OUTCOME_MALFORMED
                         : CP_OUTCOME_REFUSED;
        if (v->outcome == CP_OUTCOME_REFUSED)
            v->roles = 0;
        return st;
    }
    st = cp_engine__process(ctx, doc, v->roles,
                            flags & (CP_PROCESS | CP_METADATA), out, out_len);
    cp_doc_free(doc);
    v->outcome = st == CP_OK ? CP_OUTCOME_APPLIED
                 : st == CP_E_STORAGE && ctx->commit_pending
                     ? CP_OUTCOME_PENDING
                     : CP_OUTCOME_ROLLED_BACK;
    return st;
}

#endif /* CP_NO_CPF */

static cp_status run(cp_ctx *ctx, const uint8_t *in, size_t len,
                     unsigned flags, cp_cpf_verdict *v, char **out,
                     size_t *out_len)
{
#ifdef CP_NO_CPF
    (void)in;
    (void)len;
    (void)flags;
    (void)out;
    (void)out_len;
    v->outcome = CP_OUTCOME_REFUSED;
    v->signature = CP_CPF_UNREAD;
    return cp_err__set(ctx, CP_E_UNSUPPORTED, CP_NO_OFFSET,
                       "this build has no .cpf support (NO_CPF)");
#else
    return process_entered(ctx, in, len, flags, v, out, out_len);
#endif
}

CP_EXPORT cp_status cp_process_cpf_ex(cp_ctx *ctx, const uint8_t *in,
                                      size_t len, unsigned int flags,
                                      const cp_cpf_hooks *hooks,
                                      cp_cpf_verdict *verdict, char **out,
                                      size_t *out_len)
{
    cp_cpf_verdict v;
    cp_cpf_hooks h;
    cp_status st;
    if (ctx == NULL || in == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    *out = NULL;
    if (out_len)
        *out_len = 0;
    memset(&h, 0, sizeof h);
    if ((verdict != NULL &&
         cp_struct__check(NULL, "cp_cpf_verdict", verdict, VERDICT_MIN_SIZE)) ||
        (hooks != NULL &&
         cp_struct__take(&h, sizeof h, hooks, HOOKS_MIN_SIZE)))
        return CP_E_VERSION;
    if (flags & ~(unsigned)FLAGS_KNOWN)
        return CP_E_INVALID_ARG;
    memset(&v, 0, sizeof v);
    v.struct_size = sizeof v;
    if ((st = cp_ctx__enter(ctx)) != CP_OK) {
        v.outcome = CP_OUTCOME_REFUSED;
        v.signature = CP_CPF_UNREAD;
        reason(&v, "the context is busy with another call");
    } else {
        st = run(ctx, in, len, flags, &v, out, out_len);
        reason(&v, st ? cp_ctx_error_message(ctx) : "applied");
        cp_ctx__leave(ctx);
    }
    v.status = st;
    if (h.audit != NULL)
        h.audit(h.user, &v);
    if (verdict != NULL)
        (void)cp_struct__give(verdict, &v, sizeof v, VERDICT_MIN_SIZE);
    return st;
}

CP_EXPORT cp_status cp_process_cpf(cp_ctx *ctx, const uint8_t *in, size_t len,
                                   unsigned int flags, char **out,
                                   size_t *out_len)
{
    return cp_process_cpf_ex(ctx, in, len, flags, NULL, NULL, out, out_len);
}
