/*
 * fuzz_wbxml.c - libFuzzer harness: cp_doc_decode_wbxml on any bytes. A
 * document that decodes is encoded again, decoded again and written as XML
 * twice (from the first and the second decode); the two texts must be
 * identical (decode -> encode -> decode is stable), else abort().
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_stable(cp_ctx *ctx, const cp_doc *doc, unsigned enc_flags)
{
    uint8_t *wb = NULL;
    size_t wb_len = 0;
    cp_doc *again = NULL;
    char *x1 = NULL, *x2 = NULL;
    size_t l1 = 0, l2 = 0;

    if (cp_doc_write_xml(ctx, doc, 0, &x1, &l1) != CP_OK)
        return; /* e.g. a value XML cannot carry: nothing to compare */
    if (cp_doc_encode_wbxml(ctx, doc, enc_flags, &wb, &wb_len) != CP_OK)
        abort(); /* a decoded document must encode */
    if (cp_doc_decode_wbxml(ctx, wb, wb_len, &again) != CP_OK)
        abort(); /* our own encoding must decode */
    if (cp_doc_write_xml(ctx, again, 0, &x2, &l2) != CP_OK)
        abort();
    if (l1 != l2 || memcmp(x1, x2, l1) != 0)
        abort();
    cp_free(ctx, x1);
    cp_free(ctx, x2);
    cp_free(ctx, wb);
    cp_doc_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_ctx *ctx = NULL;
    cp_doc *doc = NULL;

    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        abort();
    if (cp_doc_decode_wbxml(ctx, data, size, &doc) == CP_OK) {
        check_stable(ctx, doc, 0);
        check_stable(ctx, doc, CP_WBXML_NO_STRING_TABLE);
        cp_doc_free(doc);
    }
    cp_ctx_free(ctx);
    return 0;
}
