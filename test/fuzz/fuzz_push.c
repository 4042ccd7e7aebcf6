/*
 * fuzz_push.c - libFuzzer harness: cp_push_process, the whole over-the-air
 * pipeline, on a fresh device with a memory store, the built-in CSPs and
 * settings CSPs for NAPDEF, APPLICATION, ACCESS, PXLOGICAL and BOOTSTRAP.
 *
 * The first input byte picks the device; the rest is the PDU:
 *   bit 0     profile (branded / unbranded)
 *   bits 1-2  gateway: none, unknown (ANY), KNOWN, TRUSTED
 *   bits 3-4  PIN prompt: "0000", "1234", a USERPINMAC string, give up
 *   bit 5     answer of the NETWPIN confirmation hook
 *   bit 6     strict validation
 *   bit 7     the PDU is processed twice (a repeated message)
 *
 * Invariants: a result that is not applied returns non-OK, and the output
 * document (when any) is NUL-terminated at output_len; else abort().
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const imsis[] = {"466923103145252", "2620212345678"};

struct dev {
    unsigned sel;
    unsigned audits;
};

static cp_status prompt(void *user, int sec, unsigned attempt,
                        unsigned attempts_left, char *pin, size_t cap)
{
    static const char *const pins[4] = {"0000", "1234", "1234517887", NULL};
    const struct dev *d = user;
    const char *p = pins[(d->sel >> 3) & 3u];
    (void)sec;
    (void)attempts_left;
    if (p == NULL || attempt > 2 || strlen(p) >= cap)
        return CP_E_REFUSED;
    memcpy(pin, p, strlen(p) + 1);
    return CP_OK;
}

static int confirm(void *user, const cp_verdict *v)
{
    const struct dev *d = user;
    (void)v;
    return (int)((d->sel >> 5) & 1u);
}

static void audit(void *user, const cp_audit *rec)
{
    struct dev *d = user;
    if (rec->reason == NULL)
        abort();
    d->audits++;
}

static cp_ctx *make_device(unsigned sel, const cp_storage *st)
{
    static const char *const types[] = {"NAPDEF", "APPLICATION", "ACCESS",
                                        "PXLOGICAL", "BOOTSTRAP"};
    cp_config cfg;
    cp_ctx *ctx = NULL;
    size_t i;

    cp_config_init(&cfg);
    cfg.storage = *st;
    cfg.profile = (sel & 1u) ? CP_PROFILE_UNBRANDED : CP_PROFILE_BRANDED;
    cfg.imsis = imsis;
    cfg.n_imsis = 2;
    cfg.strict_validation = (int)((sel >> 6) & 1u);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        abort();
    if (cp_csp_register_builtins(ctx) != CP_OK)
        abort();
    for (i = 0; i < sizeof types / sizeof types[0]; i++)
        (void)cp_csp_register_settings(ctx, types[i]); /* may be a builtin */
    return ctx;
}

static void run_once(cp_ctx *ctx, const uint8_t *pdu, size_t len,
                     const cp_gateway *gw, struct dev *d)
{
    cp_push_hooks hooks;
    cp_push_result res;
    cp_status st;

    cp_push_hooks_init(&hooks);
    hooks.pin = prompt;
    hooks.confirm = confirm;
    hooks.audit = audit;
    hooks.user = d;
    cp_push_result_init(&res);
    st = cp_push_process(ctx, pdu, len, gw, &hooks, &res);
    if ((st == CP_OK) != (res.outcome == CP_OUTCOME_APPLIED))
        abort();
    if (res.output != NULL) {
        if (res.output[res.output_len] != '\0')
            abort();
        cp_free(ctx, res.output);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_storage st;
    cp_gateway gw;
    cp_ctx *ctx;
    struct dev d;
    unsigned gwk;

    if (size == 0)
        return 0;
    d.sel = data[0];
    d.audits = 0;
    if (cp_store_mem_open(&st) != CP_OK)
        abort();
    ctx = make_device(d.sel, &st);
    cp_gateway_init(&gw);
    gwk = (d.sel >> 1) & 3u;
    gw.ppg = gwk == 3 ? CP_PPG_TRUSTED : gwk == 2 ? CP_PPG_KNOWN : CP_PPG_ANY;
    gw.address = gwk == 1 ? "+886935874443" : NULL;
    run_once(ctx, data + 1, size - 1, gwk == 0 ? NULL : &gw, &d);
    if (d.sel & 0x80u)
        run_once(ctx, data + 1, size - 1, gwk == 0 ? NULL : &gw, &d);
    if (d.audits != ((d.sel & 0x80u) ? 2u : 1u))
        abort(); /* one audit record for every message */
    cp_ctx_free(ctx);
    cp_store_mem_close(&st);
    return 0;
}
