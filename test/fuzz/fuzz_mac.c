/*
 * fuzz_mac.c - libFuzzer harness: cp_mac_verify for every SEC (and for the
 * invalid ones) with a fixed IMSI and PIN. Input: mac_len(1) mac_text
 * (mac_len % 64 octets) body(rest). The MAC text also serves as the typed
 * string of USERPINMAC.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const imsis[] = {"466923103145252", "2620212345678"};

static void verify_all(cp_ctx *ctx, const char *mac, const uint8_t *body,
                       size_t body_len, const cp_auth_options *opt)
{
    static const int secs[] = {CP_SEC_NETWPIN, CP_SEC_USERPIN,
                               CP_SEC_USERNETWPIN, CP_SEC_USERPINMAC,
                               CP_SEC_NONE, CP_SEC_INVALID, 7};
    size_t i, idx;
    cp_status st;

    for (i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        const char *pin = secs[i] == CP_SEC_USERPINMAC ? mac : "1234";
        idx = 0;
        st = cp_mac_verify(ctx, secs[i], imsis, 2, pin, mac, opt, body,
                           body_len, &idx);
        if (st == CP_OK && (secs[i] < 0 || secs[i] > 3))
            abort();
        if (st != CP_OK && idx != (size_t)-1)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_ctx *ctx = NULL;
    cp_auth_options opt;
    char mac[65];
    size_t mac_len;

    if (size == 0)
        return 0;
    mac_len = (size_t)(data[0] % 64u);
    if (mac_len > size - 1)
        mac_len = size - 1;
    memcpy(mac, data + 1, mac_len);
    mac[mac_len] = '\0';
    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        abort();
    verify_all(ctx, mac, data + 1 + mac_len, size - 1 - mac_len, NULL);
    cp_auth_options_init(&opt);
    opt.compat = CP_AUTH_COMPAT_ASCII_IMSI | CP_AUTH_COMPAT_PADDED_IMSI;
    verify_all(NULL, mac, data + 1 + mac_len, size - 1 - mac_len, &opt);
    cp_ctx_free(ctx);
    return 0;
}
