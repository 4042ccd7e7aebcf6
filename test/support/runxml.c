/*
 * runxml.c - running XML documents through a device in the cmocka suites
 * (runxml.h): the fixture teardown, the processing call with a copy of its
 * output, policy and TPS checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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
