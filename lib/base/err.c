/*
 * err.c - the detail of a context's last failure: status, one-line
 * message, byte offset or line and column, element path; recorded by
 * every floor through cp_err__set, read by the caller through the
 * cp_ctx_error_* getters.
 */
#define CP_ERR_DEFINE 1 /* see base.h: defines cp_err__set itself (TERSE:
                          cp_err__code) */
#include <stdio.h>
#include <string.h>

#include "base.h"

/* Where a failure happened: a byte offset, or a line and column. */
static void set_where(cp_ctx *ctx, size_t offset, unsigned long line,
                      unsigned long column)
{
    ctx->err.offset = offset;
    ctx->err.line = line;
    ctx->err.column = column;
}

#if defined(CP_TERSE) && CP_TERSE
/* TERSE (base.h): the message is the status's short text, nothing else. */
static void set_code(cp_ctx *ctx, cp_status st)
{
    const char *m = cp_strerror(st);
    size_t n = strlen(m);
    if (n >= sizeof ctx->err.message)
        n = sizeof ctx->err.message - 1;
    ctx->err.code = st;
    ctx->err.path[0] = '\0';
    memcpy(ctx->err.message, m, n);
    ctx->err.message[n] = '\0';
}

cp_status cp_err__code(cp_ctx *ctx, cp_status st, size_t offset)
{
    if (ctx == NULL)
        return st;
    set_code(ctx, st);
    set_where(ctx, offset, 0, 0);
    return st;
}

cp_status cp_err__code_lc(cp_ctx *ctx, cp_status st, unsigned long line,
                          unsigned long column)
{
    if (ctx == NULL)
        return st;
    set_code(ctx, st);
    set_where(ctx, CP_NO_OFFSET, line, column);
    return st;
}
#else
static void vset(cp_ctx *ctx, cp_status st, const char *fmt, va_list ap)
    CP_PRINTF(3, 0);
static void vset(cp_ctx *ctx, cp_status st, const char *fmt, va_list ap)
{
    ctx->err.code = st;
    ctx->err.path[0] = '\0';
    if (fmt == NULL || vsnprintf(ctx->err.message, sizeof ctx->err.message,
                                 fmt, ap) < 0)
        snprintf(ctx->err.message, sizeof ctx->err.message, "%s",
                 cp_strerror(st));
}

cp_status cp_err__set(cp_ctx *ctx, cp_status st, size_t offset,
                      const char *fmt, ...)
{
    va_list ap;
    if (ctx == NULL)
        return st;
    va_start(ap, fmt);
    vset(ctx, st, fmt, ap);
    va_end(ap);
    set_where(ctx, offset, 0, 0);
    return st;
}

cp_status cp_err__set_lc(cp_ctx *ctx, cp_status st, unsigned long line,
                         unsigned long column, const char *fmt, ...)
{
    va_list ap;
    if (ctx == NULL)
        return st;
    va_start(ap, fmt);
    vset(ctx, st, fmt, ap);
    va_end(ap);
    set_where(ctx, CP_NO_OFFSET, line, column);
    return st;
}
#endif

void cp_err__set_path(cp_ctx *ctx, const char *path)
{
    if (ctx == NULL)
        return;
    snprintf(ctx->err.path, sizeof ctx->err.path, "%s", path ? path : "");
}

CP_EXPORT cp_status cp_ctx_error_code(const cp_ctx *ctx)
{
    return ctx ? ctx->err.code : CP_E_INVALID_ARG;
}
CP_EXPORT const char *cp_ctx_error_message(const cp_ctx *ctx)
{
    return ctx ? ctx->err.message : "";
}
CP_EXPORT size_t cp_ctx_error_offset(const cp_ctx *ctx)
{
    return ctx ? ctx->err.offset : CP_NO_OFFSET;
}
CP_EXPORT unsigned long cp_ctx_error_line(const cp_ctx *ctx)
{
    return ctx ? ctx->err.line : 0;
}
CP_EXPORT unsigned long cp_ctx_error_column(const cp_ctx *ctx)
{
    return ctx ? ctx->err.column : 0;
}
CP_EXPORT const char *cp_ctx_error_path(const cp_ctx *ctx)
{
    return ctx ? ctx->err.path : "";
}
CP_EXPORT void cp_ctx_clear_error(cp_ctx *ctx)
{
    if (ctx == NULL)
        return;
    memset(&ctx->err, 0, sizeof ctx->err);
    ctx->err.offset = CP_NO_OFFSET;
}
