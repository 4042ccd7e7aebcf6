/*
 * runxml.c - running XML documents through a device in the cmocka suites
 * (runxml.h): the fixture teardown, the processing call with a copy of its
 * output, a growable string, policy and TPS checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/runxml.h"

int tu_teardown(void **state)
{
    tu_fixture *f = *state;
    cp_ctx_free(f->ctx);
    ms_free(&f->ms);
    free(f);
    return 0;
}

cp_status tu_proc_flags(cp_ctx *ctx, uint32_t roles, const char *in,
                        unsigned int flags, char **out)
{
    char *o = NULL;
    size_t n = 0;
    cp_status st =
        cp_process_config_xml(ctx, in, strlen(in), roles, flags, &o, &n);
    if (out != NULL)
        *out = NULL;
    if (o != NULL) {
        assert_int_equal(strlen(o), n);
        if (out != NULL) {
            *out = malloc(n + 1);
            assert_non_null(*out);
            memcpy(*out, o, n + 1);
        }
        cp_free(ctx, o);
    }
    return st;
}

cp_status tu_proc(cp_ctx *ctx, uint32_t roles, const char *in, char **out)
{
    return tu_proc_flags(ctx, roles, in, CP_PROCESS, out);
}

/* Room for n more characters and a NUL. */
static void sb_room(tu_sbuf *b, size_t n)
{
    char *p;
    if (b->len + n + 1 <= b->cap)
        return;
    p = realloc(b->p, (b->len + n + 1) * 2);
    assert_non_null(p);
    b->p = p;
    b->cap = (b->len + n + 1) * 2;
}

void tu_sb_putn(tu_sbuf *b, const char *s, size_t n)
{
    sb_room(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tu_sb_put(tu_sbuf *b, const char *s)
{
    tu_sb_putn(b, s, strlen(s));
}

void tu_sb_add(tu_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(n >= 0);
    sb_room(b, (size_t)n);
    va_start(ap, fmt);
    (void)vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void tu_setpol(cp_ctx *ctx, uint32_t id, uint32_t value)
{
    assert_int_equal(cp_policy_set(ctx, id, value, CP_ROLE_MANAGER), CP_OK);
}

void tu_tps_is(cp_ctx *ctx, const char *url)
{
    char got[CP_TPS_URL_MAX + 1];
    if (url == NULL) {
        assert_int_equal(cp_tps_get(ctx, got, sizeof got), CP_E_NOT_FOUND);
        return;
    }
    assert_int_equal(cp_tps_get(ctx, got, sizeof got), CP_OK);
    assert_string_equal(got, url);
}
