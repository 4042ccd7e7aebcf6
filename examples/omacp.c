/*
 * omacp - command-line front end of libomacp.
 *
 *   omacp decode [--pretty] [FILE|-]     WBXML or XML in, canonical XML out
 *   omacp encode [--no-string-table] [-o OUT] [FILE|-]   XML or WBXML in, WBXML out
 *   omacp mac --sec METHOD [--imsi DIGITS] [--pin PIN] [FILE|-]
 *   omacp verify (--sec METHOD --mac HEX | --content-type TEXT | --pdu)
 *                [--imsi DIGITS]... [--pin PIN] [FILE|-]
 *   omacp pdu ... / omacp sms-split ...  (omacp_send.c)
 *
 * Exit status: 0 done, 1 refused, 2 usage error, 65 malformed input,
 * 66 input file cannot be opened, 70 internal error, 73 output cannot be
 * written, 74 device state cannot be stored or read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "omacp.h"
#include "tool.h"

static const char usage_text[] =
    "usage: omacp COMMAND [OPTIONS] [FILE|-]\n"
    "\n"
    "Commands:\n"
    "  decode [--pretty] [FILE|-]\n"
    "      Read a provisioning document (WBXML or XML, detected from the\n"
    "      first byte) and print it as canonical XML.\n"
    "  encode [--no-string-table] [-o OUT] [FILE|-]\n"
    "      Read a provisioning document (XML or WBXML) and write WBXML.\n"
    "  mac --sec METHOD [--imsi DIGITS] [--pin PIN] [FILE|-]\n"
    "      Print the bootstrap MAC of the body in FILE: 40 upper-case hex\n"
    "      digits; for USERPINMAC (--pin = the N PIN digits) the 2N digits\n"
    "      the user is to type. METHOD: NETWPIN, USERPIN, USERNETWPIN,\n"
    "      USERPINMAC or 0-3.\n"
    "  verify (--sec METHOD --mac HEX | --content-type TEXT | --pdu)\n"
    "         [--imsi DIGITS]... [--pin PIN] [FILE|-]\n"
    "      Check a body against its MAC: from --sec/--mac, from a textual\n"
    "      content type (\"application/vnd.wap.connectivity-wbxml; SEC=1;\n"
    "      MAC=...\"), or from a whole WSP push PDU (--pdu). Every --imsi\n"
    "      (one per SIM) is tried. Exit 0 authentic, 1 not authentic,\n"
    "      65 malformed. For USERPINMAC --pin is the whole typed string.\n"
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
    "  push --state DIR [--ppg any|known|trusted] [--gateway ADDR] [--pin PIN]\n"
    "       [--confirm] [FILE|-]\n"
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
    "          [--signer SHA1HEX] [--metadata] [FILE|-]\n"
    "      --source cpf without --signer: FILE is a .cpf cabinet; the\n"
    "      library checks its Authenticode signature against the SPC store.\n"
    "      Run a document through cp_process_config_xml with that source's\n"
    "      roles; same output and exit codes as push.\n"
    "  policy --state DIR get ID | set ID VALUE | reset ID | list\n"
    "  spc --state DIR add SHA1HEX ROLEMASK | add --cert CERT ROLEMASK\n"
    "      | remove SHA1HEX | list\n"
    "      The SPC store that gives signed .cpf files their roles.\n"
    "\n"
    "Options:\n"
    "  -h, --help       this text\n"
    "  -V, --version    library and tool version\n"
    "\n"
    "Exit status: 0 done, 1 refused, 2 usage error, 65 malformed input,\n"
    "66 input cannot be opened, 70 internal error, 73 output cannot be\n"
    "written, 74 the device state cannot be stored or read (the reason on\n"
    "stderr; an interrupted commit is finished by the next command).\n"
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
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0 || n > max)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "omacp: read error on %s\n", is_stdin ? "stdin" : path);
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
        fprintf(stderr, "omacp: write error\n");
        if (!is_stdout)
            fclose(f);
        return EXIT_CANTCREAT;
    }
    if (!is_stdout && fclose(f) != 0) {
        fprintf(stderr, "omacp: write error on %s\n", path);
        return EXIT_CANTCREAT;
    }
    return EXIT_OK;
}

int tool_fail(cp_ctx *ctx, cp_status st, const char *what)
{
    const char *msg = ctx ? cp_ctx_error_message(ctx) : "";
    const char *path = ctx ? cp_ctx_error_path(ctx) : "";
    size_t off = ctx ? cp_ctx_error_offset(ctx) : CP_NO_OFFSET;
    unsigned long line = ctx ? cp_ctx_error_line(ctx) : 0;
    int code;

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
    fprintf(stderr, "omacp: %s: %s: %s", what, cp_strerror(st), msg);
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
    size_t xml_len = 0;
    int i, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pretty") == 0) {
            flags |= CP_XML_PRETTY;
        } else if (strcmp(argv[i], "--declaration") == 0) {
            flags |= CP_XML_DECLARATION;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "omacp decode: unknown option %s\n", argv[i]);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "omacp decode: only one input file\n");
            return EXIT_USAGE;
        }
    }
    ctx = tool_ctx();
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
    size_t wb_len = 0;
    int i, rc;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--no-string-table") == 0) {
            flags |= CP_WBXML_NO_STRING_TABLE;
        } else if (strcmp(argv[i], "-o") == 0 ||
                   strcmp(argv[i], "--output") == 0) {
            if (++i == argc) {
                fprintf(stderr, "omacp encode: -o needs a file name\n");
                return EXIT_USAGE;
            }
            out_path = argv[i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "omacp encode: unknown option %s\n", argv[i]);
            return EXIT_USAGE;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "omacp encode: only one input file\n");
            return EXIT_USAGE;
        }
    }
    ctx = tool_ctx();
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

int main(int argc, char **argv)
{
    size_t i;
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("omacp %s (libomacp %s)\n", CP_VERSION_STRING, cp_version());
        return EXIT_OK;
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            int j;
            for (j = 2; j < argc; j++) {
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
