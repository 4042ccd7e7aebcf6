/*
 * omacp - command-line front end of libomacp.
 *
 *   omacp decode [--pretty] [--max-size BYTES] [FILE|-]   WBXML or XML in,
 *                                                          canonical XML out
 *   omacp encode [--no-string-table] [--max-size BYTES] [-o OUT] [FILE|-]
 *                                                XML or WBXML in, WBXML out
 *   omacp mac --sec METHOD [--imsi DIGITS] [--pin PIN] [FILE|-]
 *   omacp verify (--sec METHOD --mac HEX | --content-type TEXT | --pdu)
 *                [--imsi DIGITS]... [--pin PIN] [FILE|-]
 *   omacp pdu ... / omacp sms-split ...  (omacp_send.c)
 *
 * Exit status: EXIT_TABLE below, the one table that --help, the README
 * ("The omacp tool") and man/omacp.1 show line for line (the tool test
 * checks that they agree).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "omacp.h"
#include "tool.h"

/* The exit statuses: the same lines in README.md and man/omacp.1. */
#define EXIT_TABLE                                                            \
    "Exit status:\n"                                                          \
    "  0  done: applied, authentic, printed\n"                                \
    "  1  refused, not authentic or rolled back; not found (spc remove,\n"    \
    "     policy get/set/reset of an unknown id)\n"                           \
    "  2  usage error: unknown option, missing or surplus argument, bad value\n" \
    " 65  malformed input (the reason, byte offset or line, element path)\n" \
    " 66  an input file or the state directory cannot be opened or read\n"   \
    " 70  internal error\n"                                                   \
    " 73  an output file cannot be created\n"                                 \
    " 74  a write failed (standard output, standard error, an output file),\n" \
    "     or the device state cannot be stored or read (a damaged device\n"  \
    "     file too); the reason is on standard error\n"

static const char usage_text[] =
    "usage: omacp COMMAND [OPTIONS] [--] [FILE|-]\n"
    "\n"
    "Commands:\n"
    "  decode [--pretty] [--declaration] [--max-size BYTES] [FILE|-]\n"
    "      Read a provisioning document (WBXML or XML, detected from the\n"
    "      first byte) and print it as canonical XML.\n"
    "  encode [--no-string-table] [--max-size BYTES] [-o OUT] [FILE|-]\n"
    "      Read a provisioning document (XML or WBXML) and write WBXML.\n"
    "      --max-size: accept inputs up to BYTES (default 1048576); the\n"
    "      element and string-table limits grow with it.\n"
    "  mac --sec METHOD [--imsi DIGITS] [--pin PIN] [FILE|-]\n"
    "      Print the bootstrap MAC of the body in FILE: 40 upper-case hex\n"
    "      digits; for USERPINMAC (--pin = the N PIN digits) the 2N digits\n"
    "      the user is to type. METHOD: NETWPIN, USERPIN, USERNETWPIN,\n"
    "      USERPINMAC or 0-3. NETWPIN takes no --pin (refused, exit 2).\n"
    "  verify (--sec METHOD --mac HEX | --sec USERPINMAC | --content-type TEXT\n"
    "         | --pdu) [--imsi DIGITS]... [--pin PIN] [--json] [FILE|-]\n"
    "      Check a body against its MAC: from --sec/--mac, from a textual\n"
    "      content type (\"application/vnd.wap.connectivity-wbxml; SEC=1;\n"
    "      MAC=...\"), or from a whole WSP push PDU (--pdu). Every --imsi\n"
    "      (one per SIM, numbered from 1) is tried. Exit 0 authentic, 1 not\n"
    "      authentic, 65 malformed. For USERPINMAC --pin is the whole typed\n"
    "      string and no --mac is needed. --pin with --sec NETWPIN is\n"
    "      refused (exit 2); with a message signed NETWPIN it is ignored\n"
    "      with a warning.\n"
    "\n"
    "Sending commands (test harnesses):\n"
    "  pdu [--sec METHOD] [--imsi DIGITS] [--pin PIN] [--text-content-type]\n"
    "      [--xml] [--no-mac] [--app-id ID] [--initiator URI] [--push-flag N]\n"
    "      [--tid N] [--hex] [-o OUT] [FILE|-]\n"
    "      Build the WSP push PDU for a document (XML is encoded to WBXML\n"
    "      unless --xml sends it as XML), signed with METHOD (unsigned\n"
    "      without --sec), in the layout Kannel sends. USERPINMAC: --pin is\n"
    "      the N PIN digits; the 2N digits the user types go to stderr.\n"
    "  sms-split [--ref N] [--ref16] [--port N] [--src-port N]\n"
    "            [--deliver --from ADDR [--smsc ADDR] [--scts SECONDS]] [FILE|-]\n"
    "      Split a push PDU into SMS: one part per line in upper-case hex,\n"
    "      the UDH included; with --deliver each line is an SMS-DELIVER\n"
    "      TPDU (with --smsc, preceded by that SMSC address, \"\" for 00).\n"
    "\n"
    "Device commands (one simulated device per state directory):\n"
    "  device init --state DIR [--profile branded|unbranded] [--tier one|two]\n"
    "              [--imsi DIGITS]... [--settings-csp TYPE]...\n"
    "      Make a new device in DIR (default: branded, two-tier); each\n"
    "      --settings-csp also hosts TYPE (e.g. Registry, CM_GPRSEntries)\n"
    "      with the generic settings CSP.\n"
    "  device show --state DIR [--json]\n"
    "      Profile, tier, IMSIs (masked: MCC+MNC and the last two digits),\n"
    "      hosted CSP types, TPS, policies (how many changed), SPC signers.\n"
    "  push --state DIR [--ppg any|known|trusted] [--gateway ADDR] [--pin PIN]\n"
    "       [--confirm] [--json] [FILE|-]\n"
    "      Deliver a WSP push PDU: the output document on stdout, one verdict\n"
    "      line on stderr. --gateway is the PPG address the bearer guarantees;\n"
    "      --ppg is what the host vouches for: trusted gives TRUSTED_PPG only\n"
    "      when ADDR is a stored trusted, push-enabled gateway (else at most\n"
    "      KNOWN_PPG). --pin answers one PIN prompt; --confirm says yes to\n"
    "      the network-PIN confirmation. Exit 0 applied, 1 refused or rolled\n"
    "      back, 65 malformed.\n"
    "  sms --state DIR [push options] [--tpdu] PART...\n"
    "      The same from SMS user data parts with their UDH (hex or files),\n"
    "      reassembled in any order; --tpdu: each PART is an SMS-DELIVER\n"
    "      TPDU in hex (a PDU-mode +CMT:/+CMGR: line, SMSC address\n"
    "      optional). Parts of an incomplete message are kept in DIR for\n"
    "      the next call (exit 0, \"waiting\"); an SMS that is not a WAP\n"
    "      push is reported and ignored (exit 0).\n"
    "  process --state DIR --source api-privileged|api-normal|rapi|cpf|boot|ui\n"
    "          [--signer SHA1HEX] [--metadata] [--json] [FILE|-]\n"
    "      --source cpf without --signer: FILE is a .cpf cabinet; the\n"
    "      library checks its Authenticode signature against the SPC store.\n"
    "      Run a document through cp_process_config_xml with that source's\n"
    "      roles; same output and exit codes as push.\n"
    "  policy --state DIR [--json] get ID | set ID VALUE | reset ID | list\n"
    "  spc --state DIR [--json] add SHA1HEX ROLEMASK | add --cert CERT ROLEMASK\n"
    "      | remove SHA1HEX | list\n"
    "      The SPC store that gives signed .cpf files their roles.\n"
    "\n"
    "Options: --name VALUE and --name=VALUE are the same; \"--\" ends the\n"
    "options. Roles print as \"0x1014 ANY_PUSH_SOURCE|OPERATOR|USER_AUTH\".\n"
    "--json prints the verdict, policy or list on stdout as one JSON object\n"
    "(exit 0 or 1; errors stay on stderr).\n"
    "  -h, --help       this text\n"
    "  -V, --version    library and tool version\n"
    "\n"
    EXIT_TABLE
    "\n"
    "Commands on one --state DIR take turns (a lock file DIR/.lock).\n";

static void usage(FILE *f)
{
    fputs(usage_text, f);
}

int tool_read_input(const char *path, size_t max, uint8_t **out, size_t *len)
{
    FILE *f = stdin;
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    int is_stdin = (path == NULL || strcmp(path, "-") == 0);

    if (!is_stdin) {
        f = fopen(path, "rb");
        if (f == NULL) {
            fprintf(stderr, "omacp: cannot open %s: %s\n", path,
                    strerror(errno));
            return EXIT_NOINPUT;
        }
    }
    for (;;) {
        size_t r;
        if (n == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 65536;
            nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                free(buf);
                if (!is_stdin)
                    fclose(f);
                fprintf(stderr, "omacp: out of memory\n");
                return EXIT_SOFTWARE;
            }
            buf = nb;
        }
        errno = 0;
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0 || n > max)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "omacp: cannot read %s: %s\n",
                is_stdin ? "standard input" : path, strerror(errno));
        free(buf);
        if (!is_stdin)
            fclose(f);
        return EXIT_NOINPUT;
    }
    if (!is_stdin)
        fclose(f);
    if (n > max) {
        fprintf(stderr,
                "omacp: malformed input: larger than the document limit "
                "(%lu bytes)\n",
                (unsigned long)max);
        free(buf);
        return EXIT_DATAERR;
    }
    *out = buf;
    *len = n;
    return EXIT_OK;
}

int tool_write_output(const char *path, const void *data, size_t len)
{
    FILE *f = stdout;
    int is_stdout = (path == NULL || strcmp(path, "-") == 0);
    if (!is_stdout) {
        f = fopen(path, "wb");
        if (f == NULL) {
            fprintf(stderr, "omacp: cannot create %s: %s\n", path,
                    strerror(errno));
            return EXIT_CANTCREAT;
        }
    }
    if (fwrite(data, 1, len, f) != len || fflush(f) != 0) {
        fprintf(stderr, "omacp: cannot write %s: %s\n",
                is_stdout ? "standard output" : path, strerror(errno));
        if (!is_stdout)
            fclose(f);
        else
            clearerr(stdout); /* said once: main's check stays quiet */
        return EXIT_IOERR;
    }
    if (!is_stdout && fclose(f) != 0) {
        fprintf(stderr, "omacp: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_IOERR;
    }
    return EXIT_OK;
}

int tool_fail(cp_ctx *ctx, cp_status st, const char *what)
{
    const char *msg = ctx ? cp_ctx_error_message(ctx) : "";
    const char *path = ctx ? cp_ctx_error_path(ctx) : "";
    size_t off = ctx ? cp_ctx_error_offset(ctx) : CP_NO_OFFSET;
    unsigned long line = ctx ? cp_ctx_error_line(ctx) : 0;
    int code, msg_len;

    switch (st) {
    case CP_E_NOMEM:
    case CP_E_INTERNAL:
    case CP_E_INVALID_ARG:
    case CP_E_VERSION:
        code = EXIT_SOFTWARE;
        break;
    case CP_E_STORAGE: /* not the input's fault: the device state */
        code = EXIT_IOERR;
        what = "device state";
        break;
    default:
        code = EXIT_DATAERR;
        break;
    }
    if (ctx == NULL || cp_ctx_error_code(ctx) != st || msg[0] == '\0')
        msg = cp_strerror(st);
    msg_len = (int)strlen(msg);
    /* the offset once: a message that ends in " at offset N" (the same N)
       loses that tail, and " (at byte N)" follows */
    if (off != CP_NO_OFFSET) {
        char tail[48];
        size_t ml = strlen(msg), tl;
        tl = (size_t)snprintf(tail, sizeof tail, " at offset %lu",
                              (unsigned long)off);
        if (ml >= tl && strcmp(msg + ml - tl, tail) == 0)
            msg_len = (int)(ml - tl);
    }
    fprintf(stderr, "omacp: %s: %s: %.*s", what, cp_strerror(st), msg_len,
            msg);
    if (off != CP_NO_OFFSET)
        fprintf(stderr, " (at byte %lu)", (unsigned long)off);
    else if (line)
        fprintf(stderr, " (line %lu, column %lu)", line,
                cp_ctx_error_column(ctx));
    if (path[0])
        fprintf(stderr, " in %s", path);
    fputc('\n', stderr);
    return code;
}

/* ---- options ---------------------------------------------------------------- */

void tool_args_init(tool_args *a, const char *cmd, int argc, char **argv,
                    int first)
{
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    a->i = first;
    a->cmd = cmd;
}

int tool_next(tool_args *a, const tool_opt *opts)
{
    const char *s, *eq;
    size_t nlen;
    const tool_opt *o;
    a->arg = NULL;
    if (a->i >= a->argc)
        return -1;
    s = a->argv[a->i++];
    if (!a->rest_only && strcmp(s, "--") == 0) {
        a->rest_only = 1;
        return tool_next(a, opts);
    }
    if (a->rest_only || s[0] != '-' || s[1] == '\0') { /* "-" is stdin */
        a->arg = s;
        return 0;
    }
    eq = s[1] == '-' ? strchr(s, '=') : NULL;
    nlen = eq ? (size_t)(eq - s) : strlen(s);
    for (o = opts; o->name != NULL; o++)
        if (strlen(o->name) == nlen && strncmp(o->name, s, nlen) == 0)
            break;
    if (o->name == NULL) {
        fprintf(stderr, "%s: unknown option %.*s\n", a->cmd, (int)nlen, s);
        return -EXIT_USAGE;
    }
    if (!o->has_arg) {
        if (eq) {
            fprintf(stderr, "%s: option %s takes no value\n", a->cmd, o->name);
            return -EXIT_USAGE;
        }
        return o->id;
    }
    if (eq) {
        a->arg = eq + 1;
    } else if (a->i < a->argc) {
        a->arg = a->argv[a->i++];
    } else {
        fprintf(stderr, "%s: option %s needs a value\n", a->cmd, o->name);
        return -EXIT_USAGE;
    }
    return o->id;
}

int tool_surplus(const char *cmd, const char *arg)
{
    fprintf(stderr, "%s: surplus argument '%s'\n", cmd, arg);
    return EXIT_USAGE;
}

/* ---- roles, JSON, IMSIs ---------------------------------------------------------- */

const char *tool_roles(uint32_t roles, char *buf, size_t cap)
{
    static const struct {
        const char *name;
        uint32_t bit;
    } t[] = {/* alphabetical */
             {"ANY_PUSH_SOURCE", CP_ROLE_ANY_PUSH_SOURCE},
             {"ENTERPRISE", CP_ROLE_ENTERPRISE},
             {"EXEMPT", CP_ROLE_EXEMPT},
             {"KNOWN_PPG", CP_ROLE_KNOWN_PPG},
             {"MANAGER", CP_ROLE_MANAGER},
             {"OEM", CP_ROLE_OEM},
             {"OPERATOR", CP_ROLE_OPERATOR},
             {"OPERATOR_TPS", CP_ROLE_OPERATOR_TPS},
             {"PPG_AUTH", CP_ROLE_PPG_AUTH},
             {"PPG_TRUSTED", CP_ROLE_PPG_TRUSTED},
             {"TRUSTED_PPG", CP_ROLE_TRUSTED_PPG},
             {"USER_AUTH", CP_ROLE_USER_AUTH},
             {"USER_UNAUTH", CP_ROLE_USER_UNAUTH}};
    uint32_t rest = roles;
    size_t i, n;
    const char *sep = " ";
    n = (size_t)snprintf(buf, cap, "0x%lx", (unsigned long)roles);
    if (roles == 0 && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, " NONE");
    for (i = 0; i < sizeof t / sizeof t[0] && n < cap; i++)
        if (roles & t[i].bit) {
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", sep, t[i].name);
            sep = "|";
            rest &= ~t[i].bit;
        }
    if (rest && n < cap)
        snprintf(buf + n, cap - n, "%s0x%lx", sep, (unsigned long)rest);
    return buf;
}

void tool_json_str(FILE *f, const char *s)
{
    if (s == NULL) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f); /* UTF-8 passes as it is */
    }
    fputc('"', f);
}

void tool_json_kv(FILE *f, int first, const char *key, const char *s)
{
    fprintf(f, "%s\"%s\": ", first ? "" : ", ", key);
    tool_json_str(f, s);
}

void tool_json_roles(FILE *f, const char *key, uint32_t roles)
{
    char buf[TOOL_ROLES_MAX];
    fprintf(f, ", \"%s\": %lu, \"%s_names\": ", key, (unsigned long)roles, key);
    tool_json_str(f, tool_roles(roles, buf, sizeof buf));
}

int tool_is_imsi(const char *s)
{
    size_t k, n = strlen(s);
    if (n < 13 || n > 15)
        return 0;
    for (k = 0; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return 0;
    return 1;
}

const char *tool_mask_imsi(const char *imsi, char *buf, size_t cap)
{
    size_t k, n = strlen(imsi);
    if (cap < n + 1 || n < 8) {
        snprintf(buf, cap, "%s", "*");
        return buf;
    }
    for (k = 0; k < n; k++)
        buf[k] = k < 5 || k + 2 >= n ? imsi[k] : '*';
    buf[n] = '\0';
    return buf;
}

cp_ctx *tool_ctx(void)
{
    cp_ctx *ctx = NULL;
    cp_status st = cp_ctx_new(NULL, &ctx);
    if (st) {
        fprintf(stderr, "omacp: cannot make a context: %s\n", cp_strerror(st));
        return NULL;
    }
    return ctx;
}

/*
 * --max-size BYTES: a positive decimal byte count. 0 on success, else the
 * usage exit status with the message on stderr.
 */
static int parse_max_size(const char *cmd, const char *s, size_t *out)
{
    size_t v = 0;
    const char *p;

    for (p = s; *p >= '0' && *p <= '9'; p++) {
        size_t d = (size_t)(*p - '0');
        if (v > ((size_t)-1 - d) / 10)
            break; /* overflow: refused below */
        v = v * 10 + d;
    }
    if (p == s || *p != '\0' || v == 0) {
        fprintf(stderr, "%s: --max-size needs a positive number of bytes, "
                        "not '%s'\n", cmd, s);
        return EXIT_USAGE;
    }
    *out = v;
    return EXIT_OK;
}

/*
 * A context for decode and encode. max 0: the library's limits. Otherwise
 * inputs up to max bytes are taken, and the element and string-table
 * limits grow with it (an element costs at least one input byte), so that
 * a large document is not refused for its element count instead.
 */
static cp_ctx *sized_ctx(size_t max)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_status st;

    if (max == 0)
        return tool_ctx();
    cp_config_init(&cfg);
    cfg.limits.max_doc_bytes = max;
    cfg.limits.max_elements =
        max > CP_DEFAULT_MAX_ELEMENTS ? max : CP_DEFAULT_MAX_ELEMENTS;
    cfg.limits.max_strtbl_bytes =
        max > CP_DEFAULT_MAX_STRTBL_BYTES ? max : CP_DEFAULT_MAX_STRTBL_BYTES;
    st = cp_ctx_new(&cfg, &ctx);
    if (st) {
        fprintf(stderr, "omacp: cannot make a context: %s\n", cp_strerror(st));
        return NULL;
    }
    return ctx;
}

/* Load a document from one input argument; returns an exit status. */
static int load_doc(cp_ctx *ctx, const char *path, cp_doc **doc)
{
    uint8_t *in = NULL;
    size_t len = 0;
    cp_status st;
    int rc = tool_read_input(path, cp_ctx_limits(ctx)->max_doc_bytes, &in,
                             &len);
    if (rc)
        return rc;
    st = cp_doc_load(ctx, in, len, doc);
    free(in);
    if (st)
        return tool_fail(ctx, st,
                         st == CP_E_UNSUPPORTED ? "cannot read input"
                                                : "malformed input");
    return EXIT_OK;
}

int cmd_decode(int argc, char **argv)
{
    const char *file = NULL;
    unsigned flags = 0;
    cp_ctx *ctx;
    cp_doc *doc = NULL;
    char *xml = NULL;
    size_t xml_len = 0, max = 0;
    int i, rc;

    static const tool_opt opts[] = {{"--pretty", 0, 1},
                                     {"--declaration", 0, 2},
                                     {"--max-size", 1, 3},
                                     {NULL, 0, 0}};
    tool_args a;
    tool_args_init(&a, "omacp decode", argc, argv, 1);
    while ((i = tool_next(&a, opts)) != -1) {
        if (i < 0)
            return -i;
        if (i == 1)
            flags |= CP_XML_PRETTY;
        else if (i == 2)
            flags |= CP_XML_DECLARATION;
        else if (i == 3 && (rc = parse_max_size(a.cmd, a.arg, &max)) != 0)
            return rc;
        else if (i == 3)
            continue;
        else if (file == NULL)
            file = a.arg;
        else
            return tool_surplus(a.cmd, a.arg);
    }
    ctx = sized_ctx(max);
    if (ctx == NULL)
        return EXIT_SOFTWARE;
    rc = load_doc(ctx, file, &doc);
    if (rc == EXIT_OK) {
        cp_status st = cp_doc_write_xml(ctx, doc, flags, &xml, &xml_len);
        if (st) {
            rc = tool_fail(ctx, st, "cannot write XML");
        } else {
            rc = tool_write_output(NULL, xml, xml_len);
            if (rc == EXIT_OK && !(flags & CP_XML_PRETTY))
                rc = tool_write_output(NULL, "\n", 1);
        }
    }
    cp_free(ctx, xml);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
    return rc;
}

int cmd_encode(int argc, char **argv)
{
    const char *file = NULL, *out_path = NULL;
    unsigned flags = 0;
    cp_ctx *ctx;
    cp_doc *doc = NULL;
    uint8_t *wb = NULL;
    size_t wb_len = 0, max = 0;
    int i, rc;

    static const tool_opt opts[] = {{"--no-string-table", 0, 1},
                                     {"-o", 1, 2},
                                     {"--output", 1, 2},
                                     {"--max-size", 1, 3},
                                     {NULL, 0, 0}};
    tool_args a;
    tool_args_init(&a, "omacp encode", argc, argv, 1);
    while ((i = tool_next(&a, opts)) != -1) {
        if (i < 0)
            return -i;
        if (i == 1)
            flags |= CP_WBXML_NO_STRING_TABLE;
        else if (i == 2)
            out_path = a.arg;
        else if (i == 3 && (rc = parse_max_size(a.cmd, a.arg, &max)) != 0)
            return rc;
        else if (i == 3)
            continue;
        else if (file == NULL)
            file = a.arg;
        else
            return tool_surplus(a.cmd, a.arg);
    }
    ctx = sized_ctx(max);
    if (ctx == NULL)
        return EXIT_SOFTWARE;
    rc = load_doc(ctx, file, &doc);
    if (rc == EXIT_OK) {
        cp_status st = cp_doc_encode_wbxml(ctx, doc, flags, &wb, &wb_len);
        if (st)
            rc = tool_fail(ctx, st, "cannot encode");
        else
            rc = tool_write_output(out_path, wb, wb_len);
    }
    cp_free(ctx, wb);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
    return rc;
}

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
};

static const struct command commands[] = {
    {"decode", cmd_decode},
    {"encode", cmd_encode},
    {"mac", cmd_mac},
    {"verify", cmd_verify},
    {"device", cmd_device},
    {"push", cmd_push},
    {"sms", cmd_sms},
    {"process", cmd_process},
    {"policy", cmd_policy},
    {"spc", cmd_spc},
    {"pdu", cmd_pdu},
    {"sms-split", cmd_sms_split},
};

/* Every write checked: what stdout and stderr could not take turns the
   exit status into EXIT_IOERR, with the system's reason where it can
   still be said. */
static int finish(int rc)
{
    int out_err, err_err, e = errno;
    /* an earlier failed write left its errno: kept when it is a write's */
    if (e != ENOSPC && e != EIO && e != EPIPE && e != EFBIG && e != EBADF)
        e = 0;
    if (fflush(stdout) != 0) {
        out_err = 1;
        e = errno;
    } else {
        out_err = ferror(stdout) != 0;
    }
    if (fclose(stdout) != 0 && !out_err) {
        out_err = 1;
        e = errno;
    }
    if (out_err) {
        fprintf(stderr, "omacp: cannot write standard output: %s\n",
                e ? strerror(e) : "write error");
        rc = EXIT_IOERR;
    }
    err_err = fflush(stderr) != 0 || ferror(stderr);
    if (err_err)
        rc = EXIT_IOERR; /* nowhere left to say why */
    return rc;
}

static int run(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc > 2)
            return tool_surplus("omacp --help", argv[2]);
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        if (argc > 2)
            return tool_surplus("omacp --version", argv[2]);
        printf("omacp %s (libomacp %s)\n", CP_VERSION_STRING, cp_version());
        return EXIT_OK;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            int j;
            /* -h anywhere among the options; after "--" it is a file name */
            for (j = 2; j < argc && strcmp(argv[j], "--") != 0; j++) {
                if (strcmp(argv[j], "-h") == 0 ||
                    strcmp(argv[j], "--help") == 0) {
                    usage(stdout);
                    return EXIT_OK;
                }
            }
            return commands[i].fn(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "omacp: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    return finish(run(argc, argv));
}
