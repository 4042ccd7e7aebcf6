/*
 * omacp_send.c - the sending-side commands of the omacp tool, for test
 * harnesses: build a signed WSP push PDU, split it into SMS.
 *
 *   omacp pdu [--sec METHOD] [--imsi DIGITS] [--pin PIN]
 *             [--text-content-type] [--xml] [--app-id ID] [--initiator URI]
 *             [--push-flag N] [--tid N] [--hex] [-o OUT] [FILE|-]
 *   omacp sms-split [--ref N] [--ref16] [--port N] [--src-port N]
 *                   [--deliver --from ADDR [--smsc ADDR] [--scts SECONDS]]
 *                   [FILE|-]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "omacp.h"
#include "tool.h"

static int send_sec(const char *s)
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
    return -2;
}

/* A decimal or 0x-hex number up to max; -1 when it is not one. */
static long send_num(const char *s, unsigned long max)
{
    char *end = NULL;
    unsigned long v;
    if (s[0] < '0' || s[0] > '9')
        return -1;
    v = strtoul(s, &end, 0);
    if (end == s || *end != '\0' || v > max)
        return -1;
    return (long)v;
}

static int print_hex(const uint8_t *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        printf("%02X", p[i]);
    putchar('\n');
    if (fflush(stdout) != 0) {
        fprintf(stderr, "omacp: cannot write standard output: %s\n",
                strerror(errno));
        clearerr(stdout); /* said once: main's check stays quiet */
        return EXIT_IOERR;
    }
    return EXIT_OK;
}

static int bad_value(const char *cmd, const char *opt, const char *v)
{
    fprintf(stderr, "omacp %s: bad value for %s: %s\n", cmd, opt, v);
    return EXIT_USAGE;
}

enum { P_TEXT = 1, P_XML, P_NOMAC, P_HEX, P_SEC, P_IMSI, P_PIN, P_INIT,
       P_APPID, P_FLAG, P_TID, P_OUT };

static int pdu_args(int argc, char **argv, cp_push_build_options *o,
                    const char **file, const char **out, int *hex)
{
    static const tool_opt opts[] = {
        {"--text-content-type", 0, P_TEXT}, {"--xml", 0, P_XML},
        {"--no-mac", 0, P_NOMAC},           {"--hex", 0, P_HEX},
        {"--sec", 1, P_SEC},                {"--imsi", 1, P_IMSI},
        {"--pin", 1, P_PIN},                {"--initiator", 1, P_INIT},
        {"--app-id", 1, P_APPID},           {"--push-flag", 1, P_FLAG},
        {"--tid", 1, P_TID},                {"-o", 1, P_OUT},
        {"--output", 1, P_OUT},             {NULL, 0, 0}};
    tool_args t;
    int id;
    long v;
    tool_args_init(&t, "omacp pdu", argc, argv, 1);
    while ((id = tool_next(&t, opts)) != -1) {
        const char *val = t.arg;
        switch (id) {
        case P_TEXT:
            o->flags |= CP_PUSH_BUILD_TEXT_CTYPE;
            break;
        case P_XML:
            o->content = CP_CONTENT_XML;
            break;
        case P_NOMAC:
            o->flags |= CP_PUSH_BUILD_NO_MAC;
            break;
        case P_HEX:
            *hex = 1;
            break;
        case P_SEC:
            o->sec = send_sec(val);
            if (o->sec < 0)
                return bad_value("pdu", "--sec", val);
            break;
        case P_IMSI:
            o->imsi = val;
            break;
        case P_PIN:
            o->pin = val;
            break;
        case P_INIT:
            o->initiator_uri = val;
            break;
        case P_APPID:
            v = send_num(val, 0xFFFFFFFEul);
            if (v < 0)
                o->app_id_text = val;
            else
                o->app_id = (uint32_t)v;
            break;
        case P_FLAG:
            if ((v = send_num(val, 127)) < 0)
                return bad_value("pdu", "--push-flag", val);
            o->push_flag = (int)v;
            break;
        case P_TID:
            if ((v = send_num(val, 255)) < 0)
                return bad_value("pdu", "--tid", val);
            o->tid = (uint8_t)v;
            break;
        case P_OUT:
            *out = val;
            break;
        case 0:
            if (*file != NULL)
                return tool_surplus(t.cmd, val);
            *file = val;
            break;
        default:
            return -id;
        }
    }
    if (o->sec == CP_SEC_NETWPIN && o->pin != NULL) {
        fprintf(stderr, "omacp pdu: NETWPIN takes no --pin (the key is the "
                        "IMSI)\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_pdu(int argc, char **argv)
{
    cp_push_build_options o;
    const char *file = NULL, *out_path = NULL;
    int hex = 0, rc;
    uint8_t *in = NULL, *pdu = NULL;
    size_t len = 0, pdu_len = 0;
    char digits[2 * CP_AUTH_PINMAC_MAX + 1];
    cp_ctx *ctx;
    cp_status st;

    cp_push_build_options_init(&o);
    rc = pdu_args(argc, argv, &o, &file, &out_path, &hex);
    if (rc)
        return rc;
    ctx = tool_ctx();
    if (ctx == NULL)
        return EXIT_SOFTWARE;
    rc = tool_read_input(file, cp_ctx_limits(ctx)->max_doc_bytes, &in, &len);
    if (rc == EXIT_OK) {
        st = cp_push_build(ctx, &o, in, len, &pdu, &pdu_len, digits,
                           sizeof digits);
        if (st)
            rc = tool_fail(ctx, st, "cannot build the push");
        else if (hex && (out_path == NULL || strcmp(out_path, "-") == 0))
            rc = print_hex(pdu, pdu_len);
        else
            rc = tool_write_output(out_path, pdu, pdu_len);
        if (rc == EXIT_OK && o.sec == CP_SEC_USERPINMAC)
            fprintf(stderr, "omacp pdu: the user types %s\n", digits);
    }
    memset(digits, 0, sizeof digits);
    cp_free(ctx, pdu);
    free(in);
    cp_ctx_free(ctx);
    return rc;
}

enum { S_REF16 = 1, S_DELIVER, S_REF, S_PORT, S_SRCPORT, S_FROM, S_SMSC,
       S_SCTS };

static int split_args(int argc, char **argv, cp_sms_split_options *o,
                      const char **file)
{
    static const tool_opt opts[] = {
        {"--ref16", 0, S_REF16}, {"--deliver", 0, S_DELIVER},
        {"--ref", 1, S_REF},     {"--port", 1, S_PORT},
        {"--src-port", 1, S_SRCPORT}, {"--from", 1, S_FROM},
        {"--smsc", 1, S_SMSC},   {"--scts", 1, S_SCTS},
        {NULL, 0, 0}};
    tool_args t;
    int id;
    long v;
    tool_args_init(&t, "omacp sms-split", argc, argv, 1);
    while ((id = tool_next(&t, opts)) != -1) {
        const char *val = t.arg;
        switch (id) {
        case S_REF16:
            o->ref16 = 1;
            break;
        case S_DELIVER:
            o->deliver = 1;
            break;
        case S_REF:
            if ((v = send_num(val, 0xFFFF)) < 0)
                return bad_value("sms-split", "--ref", val);
            o->ref = (unsigned)v;
            break;
        case S_PORT:
        case S_SRCPORT:
            if ((v = send_num(val, 0xFFFF)) < 0)
                return bad_value("sms-split",
                                 id == S_PORT ? "--port" : "--src-port", val);
            if (id == S_PORT)
                o->dst_port = (unsigned)v;
            else
                o->src_port = (unsigned)v;
            break;
        case S_FROM:
            o->originator = val;
            break;
        case S_SMSC:
            o->smsc = val;
            break;
        case S_SCTS:
            if ((v = send_num(val, 4102444799ul)) < 0)
                return bad_value("sms-split", "--scts", val);
            o->scts = (uint64_t)v;
            break;
        case 0:
            if (*file != NULL)
                return tool_surplus(t.cmd, val);
            *file = val;
            break;
        default:
            return -id;
        }
    }
    if (o->deliver && o->originator == NULL) {
        fprintf(stderr, "omacp sms-split: --deliver needs --from ADDR\n");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int cmd_sms_split(int argc, char **argv)
{
    cp_sms_split_options o;
    const char *file = NULL;
    uint8_t *in = NULL;
    size_t len = 0, n = 0, i;
    cp_sms_part *parts = NULL;
    cp_ctx *ctx;
    cp_status st;
    int rc;

    cp_sms_split_options_init(&o);
    rc = split_args(argc, argv, &o, &file);
    if (rc)
        return rc;
    ctx = tool_ctx();
    if (ctx == NULL)
        return EXIT_SOFTWARE;
    rc = tool_read_input(file, (size_t)CP_SMS_PARTS_MAX * CP_SMS_UD_MAX, &in,
                         &len);
    if (rc == EXIT_OK) {
        st = cp_sms_split(ctx, &o, in, len, &parts, &n);
        if (st)
            rc = tool_fail(ctx, st, "cannot split");
        for (i = 0; i < n && rc == EXIT_OK; i++)
            rc = print_hex(parts[i].data, parts[i].len);
    }
    cp_free(ctx, parts);
    free(in);
    cp_ctx_free(ctx);
    return rc;
}
