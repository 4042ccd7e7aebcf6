/*
 * fw_smoke.c - what a FIRMWARE=1 library still does (make check
 * FIRMWARE=1, test/firmware/check.sh): every WBXML file named on the
 * command line decodes or fails with a status (no crash, no leak under
 * the checker), and the modules left out answer CP_E_UNSUPPORTED with
 * their outputs cleared: the XML writer, the WBXML encoder, and the
 * processing call when it is asked for its output document.
 * Exit 0, or 1 naming the first file and check that failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <omacp.h>

static uint8_t body[1 << 20];

static int fail(const char *file, const char *what)
{
    fprintf(stderr, "fw_smoke: %s: %s\n", file, what);
    return 1;
}

/* The stand-ins: CP_E_UNSUPPORTED, the output pointers cleared. */
static int check_stubs(cp_ctx *ctx, const cp_doc *doc, const char *file)
{
    char *xml = (char *)1;
    uint8_t *wb = (uint8_t *)1;
    size_t len = 1;
    if (cp_doc_write_xml(ctx, doc, 0, &xml, &len) != CP_E_UNSUPPORTED ||
        xml != NULL || len != 0)
        return fail(file, "cp_doc_write_xml is not CP_E_UNSUPPORTED");
    len = 1;
    if (cp_doc_encode_wbxml(ctx, doc, 0, &wb, &len) != CP_E_UNSUPPORTED ||
        wb != NULL || len != 0)
        return fail(file, "cp_doc_encode_wbxml is not CP_E_UNSUPPORTED");
    return 0;
}

/* Processing that asks for the output document cannot have it. */
static int check_process(cp_ctx *ctx, size_t n, const char *file)
{
    char *out = NULL;
    cp_status st = cp_process_config_wbxml(ctx, body, n, CP_ROLE_MANAGER,
                                           CP_PROCESS, &out, NULL);
    cp_free(ctx, out);
    if (st == CP_OK)
        return fail(file, "processing wrote an output document");
    return 0;
}

static int one(const char *file)
{
    cp_config cfg;
    cp_ctx *ctx;
    cp_doc *doc = NULL;
    size_t n;
    int rc = 0;
    FILE *f = fopen(file, "rb");
    if (f == NULL)
        return fail(file, "cannot open");
    n = fread(body, 1, sizeof body, f);
    fclose(f);
    cp_config_init(&cfg);
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return fail(file, "cp_ctx_new failed");
    cp_status st = cp_doc_decode_wbxml(ctx, body, n, &doc);
    printf("%s: decode %s%s%s\n", file, cp_strerror(st), st ? ": " : "",
           st ? cp_ctx_error_message(ctx) : "");
    if (st == CP_OK) {
        rc = check_stubs(ctx, doc, file);
        if (rc == 0)
            rc = check_process(ctx, n, file);
    }
    cp_doc_free(doc);
    cp_ctx_free(ctx);
    return rc;
}

int main(int argc, char **argv)
{
    int i, rc = 0;
    for (i = 1; i < argc && rc == 0; i++)
        rc = one(argv[i]);
    return rc;
}
