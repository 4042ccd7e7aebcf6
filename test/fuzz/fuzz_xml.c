/*
 * fuzz_xml.c - libFuzzer harness: cp_doc_parse_xml on any bytes. A document
 * that parses is written as XML, encoded as WBXML, decoded and written
 * again; the two XML texts must be identical, and the first text must parse
 * back to the same text, else abort().
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_or_abort(const char *a, size_t al, const char *b, size_t bl)
{
    if (al != bl || memcmp(a, b, al) != 0)
        abort();
}

static void check_stable(cp_ctx *ctx, const cp_doc *doc)
{
    uint8_t *wb = NULL;
    size_t wb_len = 0;
    cp_doc *again = NULL, *reparsed = NULL;
    char *x1 = NULL, *x2 = NULL, *x3 = NULL;
    size_t l1 = 0, l2 = 0, l3 = 0;

    if (cp_doc_write_xml(ctx, doc, 0, &x1, &l1) != CP_OK)
        abort(); /* a parsed document must be writable */
    if (cp_doc_encode_wbxml(ctx, doc, 0, &wb, &wb_len) != CP_OK ||
        cp_doc_decode_wbxml(ctx, wb, wb_len, &again) != CP_OK ||
        cp_doc_write_xml(ctx, again, 0, &x2, &l2) != CP_OK)
        abort();
    same_or_abort(x1, l1, x2, l2);
    if (cp_doc_parse_xml(ctx, x1, l1, &reparsed) != CP_OK ||
        cp_doc_write_xml(ctx, reparsed, 0, &x3, &l3) != CP_OK)
        abort(); /* our own XML must parse */
    same_or_abort(x1, l1, x3, l3);
    cp_free(ctx, x1);
    cp_free(ctx, x2);
    cp_free(ctx, x3);
    cp_free(ctx, wb);
    cp_doc_free(again);
    cp_doc_free(reparsed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_ctx *ctx = NULL;
    cp_doc *doc = NULL;

    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        abort();
    if (cp_doc_parse_xml(ctx, (const char *)data, size, &doc) == CP_OK) {
        check_stable(ctx, doc);
        cp_doc_free(doc);
    }
    cp_ctx_free(ctx);
    return 0;
}
