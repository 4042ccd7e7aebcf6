/* device.h - floor 5 internals shared by push.c and bootstrap.c. Not installed. */
#ifndef CP_DEVICE_H
#define CP_DEVICE_H

#include <stdio.h>

#include "../base/base.h"
#include "omacp/bootstrap.h"
#include "omacp/doc.h"
#include "omacp/trust.h"
#include "omacp/wsp.h"

/* Origin roles of a push from its gateway facts, Push-Flag and the TPS. */
uint32_t cp_boot__origin_roles(cp_ctx *ctx, const cp_push *push,
                               const cp_gateway *gw);
/*
 * The whole verification; on acceptance *doc_out (if not NULL) receives the
 * decoded document, owned by the caller.
 */
cp_status cp_boot__verify(cp_ctx *ctx, const cp_push *push,
                          const cp_gateway *gw, cp_pin_prompt prompt,
                          void *user, cp_verdict *v, cp_doc **doc_out);
/*
 * Mark v refused for st, with text (cut to fit) as its reason; NULL: the
 * status's short text (cp_strerror).
 */
void cp_boot__refuse(cp_verdict *v, cp_status st, const char *text);
/*
 * Write a reason into buf with a printf format (snprintf).
 *
 * TERSE builds (base.h) keep no message text, and a verdict's reason_text
 * is its status's short text, as a failure's message is: cp_boot__refuse
 * then drops its text (only sizeof names it, so no literal is emitted) and
 * cp_boot__say leaves buf as it is, its format only type-checked.
 */
#if defined(CP_TERSE) && CP_TERSE
#define cp_boot__refuse(v, st, text) \
    ((void)sizeof(text), (cp_boot__refuse)((v), (st), NULL))
#define cp_boot__say(buf, cap, ...) \
    ((void)sizeof(cp_err__fmt(__VA_ARGS__)), (void)sizeof(buf), (void)(cap))
#else
#define cp_boot__say(buf, cap, ...) (void)snprintf((buf), (cap), __VA_ARGS__)
#endif
/*
 * The caller's gateway in this library's layout: *use is g, or NULL when
 * in is NULL. CP_E_VERSION (recorded in ctx) for an unknown struct_size.
 */
cp_status cp_boot__take_gateway(cp_ctx *ctx, const cp_gateway *in,
                                cp_gateway *g, const cp_gateway **use);
/* The size of the first (0.1.0) cp_verdict layout. */
size_t cp_boot__verdict_size_010(void);

#endif
