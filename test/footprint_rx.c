/*
 * footprint_rx.c - the receive path of a modem's firmware, for
 * test/footprint.sh's "linked" rows: how much of the library such an
 * image really carries when it is linked with -ffunction-sections and
 * --gc-sections (the archive's size counts every member, used or not).
 *
 * It is linked, never run: the footprint script links it without the C
 * library or libtomcrypt (unresolved symbols allowed) and sums the sizes
 * of the input sections that come from libomacp.a in the link map.
 *
 * What a firmware calls: a context on its own storage hooks, with an
 * unbranded profile and the SIM's IMSI; the built-in CSPs and one of its
 * own; a policy set at boot; SMS reassembly of SMS-DELIVER TPDUs into WSP
 * pushes, authenticated and applied (cp_push_process_sms), a deferred PIN
 * retried with cp_push_process; the TPS address; error texts. No XML, no
 * sending side, no .cpf.
 */
#include <stddef.h>
#include <stdint.h>

#include <omacp.h>

/* The firmware's flash: here nothing, the linker only needs the hooks. */
static cp_status flash_load(void *user, const char *name, uint8_t *buf,
                            size_t cap, size_t *len)
{
    (void)user;
    (void)name;
    (void)buf;
    (void)cap;
    *len = 0;
    return CP_E_NOT_FOUND;
}

static cp_status flash_save(void *user, const char *name, const uint8_t *data,
                            size_t len)
{
    (void)user;
    (void)name;
    (void)data;
    (void)len;
    return CP_OK;
}

/* The host's access point CSP: every parm of a committed NAPDEF. */
static cp_status ap_parm(void *user, cp_csp_session *s, const char *path,
                         const char *name, const char *value, void *cookie)
{
    (void)user;
    (void)s;
    (void)path;
    (void)name;
    (void)value;
    (void)cookie;
    return CP_OK;
}

static cp_status ap_commit(void *user, cp_csp_session *s)
{
    (void)user;
    (void)s;
    return CP_OK;
}

/* Nonzero when the message was one the device acted on. */
static int on_tpdu(cp_ctx *ctx, cp_sms *sms, const uint8_t *octets, size_t len,
                   uint64_t now, char *tps, size_t cap)
{
    cp_sms_deliver sm;
    cp_gateway gw;
    cp_push_hooks h;
    cp_push_result r;
    cp_status st;

    cp_sms_deliver_init(&sm);
    if (cp_sms_parse_deliver(ctx, octets, len, CP_TPDU_SMSC_AUTO, &sm) != CP_OK ||
        !sm.is_wap_push)
        return 0;
    cp_gateway_init(&gw);
    cp_push_hooks_init(&h);
    cp_push_result_init(&r);
    st = cp_push_process_sms(ctx, sms, sm.originator, sm.ud, sm.ud_len,
                             sm.udhi, now, &gw, &h, &r);
    if (st == CP_E_BAD_PIN) /* the PIN typed later: the kept PDU again */
        st = cp_push_process(ctx, sm.ud, sm.ud_len, &gw, &h, &r);
    cp_free(ctx, r.output);
    if (st != CP_OK)
        return (int)cp_strerror(st)[0] + (int)cp_ctx_error_message(ctx)[0];
    return cp_tps_get(ctx, tps, cap) == CP_OK;
}

int main(int argc, char **argv)
{
    static const char *const imsis[] = {"262019876543210"};
    static const cp_csp_ops ops = {sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX,
                                   NULL, NULL, NULL, ap_parm, NULL,
                                   NULL, NULL, NULL, ap_commit, NULL,
                                   NULL};
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_sms *sms = NULL;
    char tps[256];
    int n = 0;

    cp_config_init(&cfg);
    cfg.profile = CP_PROFILE_UNBRANDED;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    cfg.storage.load = flash_load;
    cfg.storage.save = flash_save;
    if (cp_ctx_new(&cfg, &ctx) == CP_OK &&
        cp_state_load(ctx) == CP_OK &&
        cp_csp_register_builtins(ctx) == CP_OK &&
        cp_csp_register(ctx, "NAPDEF", &ops, NULL) == CP_OK &&
        cp_policy_set(ctx, 4113u, 1u, CP_ROLE_MANAGER) == CP_OK && /* WSPPush on */
        cp_sms_new(ctx, NULL, &sms) == CP_OK)
        n = on_tpdu(ctx, sms, (const uint8_t *)argv[0], (size_t)argc, 1000u,
                    tps, sizeof tps);
    cp_sms_free(sms);
    cp_ctx_free(ctx);
    return n;
}
