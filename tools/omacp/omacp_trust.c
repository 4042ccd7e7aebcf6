/*
 * omacp_trust.c - `omacp mac` and `omacp verify`: sign and check bootstrap
 * MACs (HMAC-SHA1 with the NETWPIN, USERPIN, USERNETWPIN and USERPINMAC keys).
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"
#include "tool.h"

#define MAX_IMSI_ARGS CP_MAX_IMSIS

/* "NETWPIN", "userpin", "2", ... -> 0..3, or -1. */
static int parse_sec(const char *s)
{
    static const char *const names[] = {"NETWPIN", "USERPIN", "USERNETWPIN",
                                        "USERPINMAC"};
    int i;
    if (s[0] >= '0' && s[0] <= '3' && s[1] == '\0')
        return s[0] - '0';
    for (i = 0; i < 4; i++) {
        const char *a = s, *b = names[i];
        while (*a && *b && ((*a | 0x20) == (*b | 0x20)))
            a++, b++;
        if (*a == '\0' && *b == '\0')
            return i;
    }
    return -1;
}

struct trust_args {
    int sec;
    const char *mac, *content_type, *pin, *file;
    int pdu, json;
    const char *imsis[MAX_IMSI_ARGS];
    size_t n_imsis;
};

enum { T_SEC = 1, T_IMSI, T_PIN, T_MAC, T_CTYPE, T_PDU, T_JSON };

/* Parse the options both commands share; returns an exit status. */
static int parse_args(int argc, char **argv, struct trust_args *a,
                      int verify)
{
    static const tool_opt mac_opts[] = {{"--sec", 1, T_SEC},
                                        {"--imsi", 1, T_IMSI},
                                        {"--pin", 1, T_PIN},
                                        {NULL, 0, 0}};
    static const tool_opt verify_opts[] = {
        {"--sec", 1, T_SEC},   {"--imsi", 1, T_IMSI},
        {"--pin", 1, T_PIN},   {"--mac", 1, T_MAC},
        {"--content-type", 1, T_CTYPE}, {"--pdu", 0, T_PDU},
        {"--json", 0, T_JSON}, {NULL, 0, 0}};
    tool_args t;
    int id;
    memset(a, 0, sizeof *a);
    a->sec = -2;
    tool_args_init(&t, verify ? "omacp verify" : "omacp mac", argc, argv, 1);
    while ((id = tool_next(&t, verify ? verify_opts : mac_opts)) != -1) {
        switch (id) {
        case T_SEC:
            a->sec = parse_sec(t.arg);
            if (a->sec < 0) {
                fprintf(stderr, "%s: unknown SEC method '%s' (NETWPIN, "
                                "USERPIN, USERNETWPIN, USERPINMAC or 0-3)\n",
                        t.cmd, t.arg);
                return EXIT_USAGE;
            }
            break;
        case T_IMSI:
            if (a->n_imsis == MAX_IMSI_ARGS) {
                fprintf(stderr, "%s: at most %d --imsi\n", t.cmd,
                        MAX_IMSI_ARGS);
                return EXIT_USAGE;
            }
            /* checked here to number them as users do, from 1 */
            if (!tool_is_imsi(t.arg)) {
                fprintf(stderr, "%s: IMSI %lu ('%s') is not 13 to 15 "
                                "decimal digits\n",
                        t.cmd, (unsigned long)a->n_imsis + 1, t.arg);
                return EXIT_USAGE;
            }
            a->imsis[a->n_imsis++] = t.arg;
            break;
        case T_PIN:
            a->pin = t.arg;
            break;
        case T_MAC:
            a->mac = t.arg;
            break;
        case T_CTYPE:
            a->content_type = t.arg;
            break;
        case T_PDU:
            a->pdu = 1;
            break;
        case T_JSON:
            a->json = 1;
            break;
        case 0:
            if (a->file != NULL)
                return tool_surplus(t.cmd, t.arg);
            a->file = t.arg;
            break;
        default:
            return -id;
        }
    }
    /* a network PIN is the IMSI: a PIN given with it would be ignored */
    if (a->sec == CP_SEC_NETWPIN && a->pin != NULL) {
        fprintf(stderr, "%s: NETWPIN takes no --pin (the key is the IMSI)\n",
                t.cmd);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_mac(int argc, char **argv)
{
    struct trust_args a;
    uint8_t *body = NULL;
    size_t len = 0;
    char out[CP_AUTH_PINMAC_MAX * 2 + 1];
    cp_ctx *ctx;
    cp_status st;
    int rc = parse_args(argc, argv, &a, 0);
    if (rc)
        return rc;
    if (a.sec < 0) {
        fprintf(stderr, "omacp mac: --sec METHOD is required\n");
        return EXIT_USAGE;
    }
    if (a.n_imsis > 1) {
        fprintf(stderr, "omacp mac: one --imsi only\n");
        return EXIT_USAGE;
    }
    ctx = tool_ctx();
    if (ctx == NULL)
        return EXIT_SOFTWARE;
    rc = tool_read_input(a.file, cp_ctx_limits(ctx)->max_doc_bytes, &body,
                         &len);
    if (rc == EXIT_OK) {
        st = cp_mac_compute(ctx, a.sec, a.n_imsis ? a.imsis[0] : NULL, a.pin,
                            NULL, body, len, out, sizeof out);
        if (st == CP_OK) {
            printf("%s\n", out);
        } else {
            fprintf(stderr, "omacp mac: %s\n", cp_ctx_error_message(ctx));
            rc = (st == CP_E_BAD_PIN || st == CP_E_BAD_SEC) ? EXIT_USAGE
                                                           : EXIT_SOFTWARE;
        }
        memset(out, 0, sizeof out);
    }
    free(body);
    cp_ctx_free(ctx);
    return rc;
}

/* What the MAC, SEC and body are, from the three input forms. */
static int verify_inputs(cp_ctx *ctx, struct trust_args *a, uint8_t *in,
                         size_t len, cp_push *push)
{
    cp_status st;
    cp_push_init(push);
    /* USERPINMAC: the MAC is in what the user types (--pin) */
    int pinmac = a->sec == CP_SEC_USERPINMAC && a->mac == NULL;
    if (a->pdu + (a->content_type != NULL) + (a->mac != NULL || pinmac) !=
        1) {
        fprintf(stderr, "omacp verify: give exactly one of --sec/--mac, "
                        "--sec USERPINMAC, --content-type or --pdu\n");
        return EXIT_USAGE;
    }
    if (a->pdu) {
        st = cp_wsp_parse_push(ctx, in, len, push);
        if (st)
            return tool_fail(ctx, st, "malformed push");
        return EXIT_OK;
    }
    if (a->content_type) {
        st = cp_wsp_parse_content_type_text(ctx, a->content_type, push);
        if (st)
            return tool_fail(ctx, st, "malformed content type");
    } else {
        if (a->sec < 0) {
            fprintf(stderr, "omacp verify: --mac needs --sec METHOD\n");
            return EXIT_USAGE;
        }
        push->sec = a->sec;
        if (a->mac != NULL) {
            push->has_mac = 1;
            push->mac_len = strlen(a->mac);
            snprintf(push->mac, sizeof push->mac, "%s", a->mac);
        }
    }
    push->body = in;
    push->body_len = len;
    return EXIT_OK;
}

/* --json: the verdict of verify as one object on stdout. */
static void verify_json(int authentic, int sec, size_t idx, const char *why)
{
    printf("{\"authentic\": %s, \"sec\": ", authentic ? "true" : "false");
    tool_json_str(stdout, sec >= 0 ? cp_sec_name(sec) : NULL);
    if (idx != (size_t)-1)
        printf(", \"imsi\": %lu", (unsigned long)idx + 1);
    else
        printf(", \"imsi\": null");
    tool_json_kv(stdout, 0, "reason", why);
    printf("}\n");
}

int cmd_verify(int argc, char **argv)
{
    struct trust_args a;
    cp_push push;
    uint8_t *in = NULL;
    size_t len = 0, idx = (size_t)-1;
    cp_ctx *ctx;
    cp_status st;
    int rc = parse_args(argc, argv, &a, 1);
    if (rc)
        return rc;
    ctx = tool_ctx();
    if (ctx == NULL)
        return EXIT_SOFTWARE;
    rc = tool_read_input(a.file, cp_ctx_limits(ctx)->max_doc_bytes, &in, &len);
    if (rc == EXIT_OK)
        rc = verify_inputs(ctx, &a, in, len, &push);
    if (rc == EXIT_OK) {
        if (push.sec == CP_SEC_NONE || push.sec == CP_SEC_INVALID) {
            const char *why = push.sec == CP_SEC_NONE
                                  ? "the message carries no SEC parameter "
                                    "(unsigned)"
                                  : "SEC is not one of 0-3";
            fprintf(stderr, "omacp verify: not authentic: %s\n", why);
            if (a.json)
                verify_json(0, -1, idx, why);
            rc = EXIT_REFUSED;
        } else if (push.sec != CP_SEC_USERPINMAC && push.has_mac &&
                   push.mac_len != CP_PUSH_MAC_CHARS) {
            fprintf(stderr, "omacp verify: malformed input: MAC is not "
                            "exactly 40 hex digits\n");
            rc = EXIT_DATAERR;
        } else {
            if (push.sec == CP_SEC_NETWPIN && a.pin != NULL)
                fprintf(stderr, "omacp verify: warning: --pin ignored: the "
                                "message is signed NETWPIN (the key is the "
                                "IMSI)\n");
            st = cp_mac_verify(ctx, push.sec, a.imsis, a.n_imsis,
                               push.sec == CP_SEC_NETWPIN ? NULL : a.pin,
                               push.has_mac ? push.mac : NULL, NULL,
                               push.body, push.body_len, &idx);
            if (st == CP_OK) {
                if (idx != (size_t)-1)
                    fprintf(stderr, "omacp verify: authentic (%s, IMSI %lu)\n",
                            cp_sec_name(push.sec), (unsigned long)idx + 1);
                else
                    fprintf(stderr, "omacp verify: authentic (%s)\n",
                            cp_sec_name(push.sec));
                if (a.json)
                    verify_json(1, push.sec, idx, NULL);
            } else if (st == CP_E_NOT_AUTHENTIC) {
                fprintf(stderr, "omacp verify: not authentic: %s\n",
                        cp_ctx_error_message(ctx));
                if (a.json)
                    verify_json(0, push.sec, (size_t)-1,
                                cp_ctx_error_message(ctx));
                rc = EXIT_REFUSED;
            } else if (st == CP_E_BAD_MAC) {
                fprintf(stderr, "omacp verify: malformed input: %s\n",
                        cp_ctx_error_message(ctx));
                rc = EXIT_DATAERR;
            } else {
                fprintf(stderr, "omacp verify: %s\n", cp_ctx_error_message(ctx));
                rc = st == CP_E_BAD_PIN ? EXIT_USAGE : EXIT_SOFTWARE;
            }
        }
    }
    free(in);
    cp_ctx_free(ctx);
    return rc;
}
