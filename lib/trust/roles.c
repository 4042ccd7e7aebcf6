/* roles.c - role masks of message sources and the grant policies. */
#include "state.h"

uint32_t cp_roles__effective(cp_ctx *ctx, uint32_t roles)
{
    uint32_t eff = roles;
    if (roles & cp_policy__value(ctx, CP_POLICY_GRANT_MANAGER))
        eff |= CP_ROLE_MANAGER;
    if (roles & cp_policy__value(ctx, CP_POLICY_GRANT_USER_AUTH))
        eff |= CP_ROLE_USER_AUTH;
    return eff;
}

CP_EXPORT uint32_t cp_roles_for_sec(cp_sec sec)
{
    switch (sec) {
    case CP_SEC_NONE: return CP_ROLE_USER_UNAUTH; /* unsigned */
    case CP_SEC_NETWPIN: return CP_ROLE_OPERATOR;
    case CP_SEC_USERPIN: return CP_ROLE_USER_AUTH;
    case CP_SEC_USERNETWPIN: return CP_ROLE_OPERATOR | CP_ROLE_USER_AUTH;
    case CP_SEC_USERPINMAC: return CP_ROLE_USER_AUTH;
    case CP_SEC_INVALID: /* refused anyway */
    default: return CP_ROLE_NONE; /* any other number a caller passes */
    }
}

static cp_status cpf_roles(cp_ctx *ctx, const uint8_t *sha1, uint32_t *roles)
{
    size_t i = 0;
    uint8_t s[20];
    uint32_t r;
    if (sha1 != NULL) {
        /* a damaged store may have held this signer with fewer roles */
        cp_status st = cp_trust__check_damage(ctx, CP_DAMAGE_SPC);
        if (st)
            return st;
        while (cp_spc__get(ctx, i++, s, &r) == CP_OK) {
            size_t k;
            int same = 1;
            for (k = 0; k < 20; k++)
                same &= s[k] == sha1[k];
            if (same) {
                *roles = r;
                return CP_OK;
            }
        }
    }
    *roles = cp_policy__value(ctx, CP_POLICY_UNSIGNED_CABS);
    return CP_OK;
}

static cp_status source_roles(cp_ctx *ctx, cp_source source,
                              const uint8_t *signer_sha1, uint32_t *roles)
{
    int one_tier;
    uint32_t rapi;
    *roles = CP_ROLE_NONE;
    one_tier = cp_policy__value(ctx, CP_POLICY_PRIVILEGED_APPS) == 1;
    switch (source) {
    case CP_SOURCE_API_PRIVILEGED:
        *roles = CP_ROLE_MANAGER;
        return CP_OK;
    case CP_SOURCE_API_NORMAL:
        *roles = one_tier ? CP_ROLE_MANAGER : CP_ROLE_USER_AUTH;
        return CP_OK;
    case CP_SOURCE_RAPI:
        rapi = cp_policy__value(ctx, CP_POLICY_RAPI);
        if (rapi == 1) {
            *roles = CP_ROLE_MANAGER;
            return CP_OK;
        }
        if (rapi == 2) {
            *roles = CP_ROLE_USER_AUTH;
            return CP_OK;
        }
        return cp_err__set(ctx, CP_E_REFUSED, CP_NO_OFFSET,
                           "desktop RAPI is disabled by policy 4097 = %lu",
                           (unsigned long)rapi);
    case CP_SOURCE_CPF:
        return cpf_roles(ctx, signer_sha1, roles);
    case CP_SOURCE_BOOT:
        *roles = CP_ROLE_MANAGER;
        return CP_OK;
    case CP_SOURCE_UI:
        *roles = CP_ROLE_EXEMPT | CP_ROLE_USER_AUTH;
        return CP_OK;
    default:
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "unknown source %d", (int)source);
    }
}

/* ---- public entry points: one call at a time per context ---------------- */

CP_EXPORT uint32_t cp_roles_effective(cp_ctx *ctx, uint32_t roles)
{
    uint32_t eff;
    if (ctx == NULL)
        return roles;
    /* busy: no grant can be vouched for, so none at all (fail closed) */
    if (cp_ctx__enter(ctx) != CP_OK)
        return CP_ROLE_NONE;
    eff = cp_roles__effective(ctx, roles);
    cp_ctx__leave(ctx);
    return eff;
}

CP_EXPORT cp_status cp_source_roles(cp_ctx *ctx, cp_source source,
                                    const uint8_t *signer_sha1,
                                    uint32_t *roles)
{
    cp_status st;
    if (ctx == NULL || roles == NULL)
        return CP_E_INVALID_ARG;
    *roles = CP_ROLE_NONE;
    if ((st = cp_ctx__enter(ctx)) != CP_OK)
        return st;
    st = source_roles(ctx, source, signer_sha1, roles);
    cp_ctx__leave(ctx);
    return st;
}
