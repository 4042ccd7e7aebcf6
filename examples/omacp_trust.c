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
    int pdu;
    const char *imsis[MAX_IMSI_ARGS];
    size_t n_imsis;
};

/* Parse the options both commands share; returns an exit status. */
static int parse_args(int argc, char **argv, struct trust_args *a,
                      int verify)
{
    int i;
    memset(a, 0, sizeof *a);
    a->sec = -2;
    for (i = 1; i < argc; i++) {
        const char *o = argv[i];
        int has_val = i + 1 < argc;
        if (strcmp(o, "--sec") == 0 && has_val) {
            a->sec = parse_sec(argv[++i]);
            if (a->sec < 0) {
                fprintf(stderr, "omacp: unknown SEC method '%s' (NETWPIN, "
                                "USERPIN, USERNETWPIN, USERPINMAC or 0-3)\n",
                        argv[i]);
                return EXIT_USAGE;
            }
        } else if (strcmp(o, "--imsi") == 0 && has_val) {
            if (a->n_imsis == MAX_IMSI_ARGS) {
                fprintf(stderr, "omacp: at most %d --imsi\n", MAX_IMSI_ARGS);
                return EXIT_USAGE;
            }
            a->imsis[a->n_imsis++] = argv[++i];
        } else if (strcmp(o, "--pin") == 0 && has_val) {
            a->pin = argv[++i];
        } else if (verify && strcmp(o, "--mac") == 0 && has_val) {
            a->mac = argv[++i];
        } else if (verify && strcmp(o, "--content-type") == 0 && has_val) {
            a->content_type = argv[++i];
        } else if (verify && strcmp(o, "--pdu") == 0) {
            a->pdu = 1;
        } else if (o[0] == '-' && o[1] != '\0') {
            fprintf(stderr, "omacp %s: unknown or incomplete option %s\n",
                    argv[0], o);
            return EXIT_USAGE;
        } else if (a->file == NULL) {
            a->file = o;
        } else {
            fprintf(stderr, "omacp %s: only one input file\n", argv[0]);
            return EXIT_USAGE;
        }
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
    if (a->pdu + (a->content_type != NULL) + (a->mac != NULL) != 1) {
        fprintf(stderr, "omacp verify: give exactly one of --sec/--mac, "
                        "--content-type or --pdu\n");
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
        push->has_mac = 1;
        push->mac_len = strlen(a->mac);
        snprintf(push->mac, sizeof push->mac, "%s", a->mac);
    }
    push->body = in;
    push->body_len = len;
    return EXIT_OK;
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
            fprintf(stderr, "omacp verify: not authentic: %s\n",
                    push.sec == CP_SEC_NONE ? "the message carries no SEC "
                                              "parameter (unsigned)"
                                            : "SEC is not one of 0-3");
            rc = EXIT_REFUSED;
        } else if (push.sec != CP_SEC_USERPINMAC && push.has_mac &&
                   push.mac_len != CP_PUSH_MAC_CHARS) {
            fprintf(stderr, "omacp verify: malformed input: MAC is not "
                            "exactly 40 hex digits\n");
            rc = EXIT_DATAERR;
        } else {
            st = cp_mac_verify(ctx, push.sec, a.imsis, a.n_imsis, a.pin,
                               push.has_mac ? push.mac : NULL, NULL,
                               push.body, push.body_len, &idx);
            if (st == CP_OK) {
                if (idx != (size_t)-1)
                    fprintf(stderr, "omacp verify: authentic (%s, IMSI %lu)\n",
                            cp_sec_name(push.sec), (unsigned long)idx + 1);
                else
                    fprintf(stderr, "omacp verify: authentic (%s)\n",
                            cp_sec_name(push.sec));
            } else if (st == CP_E_NOT_AUTHENTIC) {
                fprintf(stderr, "omacp verify: not authentic: %s\n",
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
