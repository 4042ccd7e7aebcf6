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
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_CANTCREAT;
}

static int bad_value(const char *cmd, const char *opt, const char *v)
{
    fprintf(stderr, "omacp %s: bad value for %s: %s\n", cmd, opt, v);
    return EXIT_USAGE;
}

static int pdu_args(int argc, char **argv, cp_push_build_options *o,
                    const char **file, const char **out, int *hex)
{
    int i;
    long v;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--text-content-type") == 0) {
            o->flags |= CP_PUSH_BUILD_TEXT_CTYPE;
        } else if (strcmp(a, "--xml") == 0) {
            o->content = CP_CONTENT_XML;
        } else if (strcmp(a, "--no-mac") == 0) {
            o->flags |= CP_PUSH_BUILD_NO_MAC;
        } else if (strcmp(a, "--hex") == 0) {
            *hex = 1;
        } else if (val == NULL && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "omacp pdu: unknown or incomplete option %s\n", a);
            return EXIT_USAGE;
        } else if (strcmp(a, "--sec") == 0) {
            o->sec = send_sec(argv[++i]);
            if (o->sec < 0)
                return bad_value("pdu", a, val);
        } else if (strcmp(a, "--imsi") == 0) {
            o->imsi = argv[++i];
        } else if (strcmp(a, "--pin") == 0) {
            o->pin = argv[++i];
        } else if (strcmp(a, "--initiator") == 0) {
            o->initiator_uri = argv[++i];
        } else if (strcmp(a, "--app-id") == 0) {
            v = send_num(argv[++i], 0xFFFFFFFEul);
            if (v < 0)
                o->app_id_text = val;
            else
                o->app_id = (uint32_t)v;
        } else if (strcmp(a, "--push-flag") == 0) {
            if ((v = send_num(argv[++i], 127)) < 0)
                return bad_value("pdu", a, val);
            o->push_flag = (int)v;
        } else if (strcmp(a, "--tid") == 0) {
            if ((v = send_num(argv[++i], 255)) < 0)
                return bad_value("pdu", a, val);
            o->tid = (uint8_t)v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            *out = argv[++i];
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "omacp pdu: unknown option %s\n", a);
            return EXIT_USAGE;
        } else if (*file == NULL) {
            *file = a;
        } else {
            fprintf(stderr, "omacp pdu: only one input file\n");
            return EXIT_USAGE;
        }
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

static int split_args(int argc, char **argv, cp_sms_split_options *o,
                      const char **file)
{
    int i;
    long v;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--ref16") == 0) {
            o->ref16 = 1;
        } else if (strcmp(a, "--deliver") == 0) {
            o->deliver = 1;
        } else if (val == NULL && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "omacp sms-split: unknown or incomplete option %s\n",
                    a);
            return EXIT_USAGE;
        } else if (strcmp(a, "--ref") == 0) {
            if ((v = send_num(argv[++i], 0xFFFF)) < 0)
                return bad_value("sms-split", a, val);
            o->ref = (unsigned)v;
        } else if (strcmp(a, "--port") == 0 || strcmp(a, "--src-port") == 0) {
            if ((v = send_num(argv[++i], 0xFFFF)) < 0)
                return bad_value("sms-split", a, val);
            if (a[2] == 'p')
                o->dst_port = (unsigned)v;
            else
                o->src_port = (unsigned)v;
        } else if (strcmp(a, "--from") == 0) {
            o->originator = argv[++i];
        } else if (strcmp(a, "--smsc") == 0) {
            o->smsc = argv[++i];
        } else if (strcmp(a, "--scts") == 0) {
            if ((v = send_num(argv[++i], 4102444799ul)) < 0)
                return bad_value("sms-split", a, val);
            o->scts = (uint64_t)v;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "omacp sms-split: unknown option %s\n", a);
            return EXIT_USAGE;
        } else if (*file == NULL) {
            *file = a;
        } else {
            fprintf(stderr, "omacp sms-split: only one input file\n");
            return EXIT_USAGE;
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
