/*
 * fuzz_wsp.c - libFuzzer harness: cp_wsp_parse_push on any bytes, and
 * cp_wsp_parse_content_type_text on a NUL-terminated copy of them. A
 * successful parse must describe a body inside the PDU, else abort().
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "omacp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_push(const cp_push *p, const uint8_t *data, size_t size)
{
    if (p->body_offset > size || p->body_len != size - p->body_offset)
        abort();
    if (p->body_len != 0 && p->body != data + p->body_offset)
        abort();
    if (memchr(p->media_type, '\0', sizeof p->media_type) == NULL ||
        memchr(p->mac, '\0', sizeof p->mac) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cp_ctx *ctx = NULL;
    cp_push p;
    char *text;

    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        abort();
    cp_push_init(&p);
    if (cp_wsp_parse_push(ctx, data, size, &p) == CP_OK)
        check_push(&p, data, size);
    text = malloc(size + 1);
    if (text == NULL)
        abort();
    if (size != 0)
        memcpy(text, data, size);
    text[size] = '\0';
    cp_push_init(&p);
    if (cp_wsp_parse_content_type_text(ctx, text, &p) == CP_OK &&
        memchr(p.media_type, '\0', sizeof p.media_type) == NULL)
        abort();
    free(text);
    cp_ctx_free(ctx);
    return 0;
}
