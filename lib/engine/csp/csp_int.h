/* csp_int.h - the built-in CSPs' shared internals. Not installed. */
#ifndef CP_CSP_INT_H
#define CP_CSP_INT_H

#include "../engine.h"

struct settings;
/* Register a generic settings CSP with an optional commit hook. */
cp_status cp_csp__settings_register(cp_ctx *ctx, const char *type,
                                    cp_status (*on_commit)(struct settings *),
                                    struct settings **out);
/* PXLOGICAL: the settings CSP plus the trust layer's gateways. */
cp_status cp_csp__pxlogical_register(cp_ctx *ctx);
/* The Metabase CSP (metabase_csp.c): its handlers and the size of the
   zeroed state it is registered with. */
extern const cp_csp_ops cp_csp__mb_ops;
extern const size_t cp_csp__mb_size;

/*
 * A decimal uint32 with no sign, no hex, no spaces (policy ids and values,
 * CONTEXT-ALLOW, metabase fields). Inline here so that the CSP rooms
 * that read numbers need not call each other.
 */
static inline int parse_u32(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' ||
            v > (0xFFFFFFFFu - (uint32_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint32_t)(*s - '0');
    }
    *out = v;
    return 1;
}

#endif
