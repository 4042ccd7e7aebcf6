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
/* Mark v refused for st, with text (cut to fit) as its reason. */
void cp_boot__refuse(cp_verdict *v, cp_status st, const char *text);
/*
 * The caller's gateway in this library's layout: *use is g, or NULL when
 * in is NULL. CP_E_VERSION (recorded in ctx) for an unknown struct_size.
 */
cp_status cp_boot__take_gateway(cp_ctx *ctx, const cp_gateway *in,
                                cp_gateway *g, const cp_gateway **use);
/* The size of the first (0.1.0) cp_verdict layout. */
size_t cp_boot__verdict_size_010(void);

#endif
