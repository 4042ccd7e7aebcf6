/*
 * fuzz_cab.c - libFuzzer harness: the .cpf cabinet reader and signature
 * check, cp_process_cpf on any bytes. Policy 4101 is MANAGER, so an
 * unsigned cabinet goes all the way through libmspack and the engine; a
 * signed one through the Authenticode check. The document limit is 64 KiB,
 * so a compression bomb must stop there.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_cpf_verdict v;
    char *out = NULL;
    size_t out_len = 0;
    cp_status st;

    cp_config_init(&cfg);
    cfg.limits.max_doc_bytes = 65536;
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return 0;
    if (cp_csp_register_builtins(ctx) != CP_OK ||
        cp_policy_set(ctx, CP_POLICY_UNSIGNED_CABS, CP_ROLE_MANAGER,
                      CP_ROLE_EXEMPT) != CP_OK) {
        cp_ctx_free(ctx);
        return 0;
    }
    memset(&v, 0, sizeof v);
    v.struct_size = sizeof v;
    st = cp_process_cpf_ex(ctx, data, size, CP_PROCESS, NULL, &v, &out,
                           &out_len);
    /* a signed file that did not verify is never applied */
    if (v.signature == CP_CPF_BAD && (st == CP_OK || v.roles != 0))
        abort();
    if (st == CP_OK && (out == NULL || v.outcome != CP_OUTCOME_APPLIED))
        abort();
    cp_free(ctx, out);
    cp_ctx_free(ctx);
    return 0;
}
