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

#endif
