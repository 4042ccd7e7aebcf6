/*
 * decode.c - the smallest use of libomacp: decode a WBXML provisioning
 * document and print it as XML (README, "Using the library").
 *
 * Build: cc decode.c $(pkg-config --cflags --libs omacp)
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>

#include <omacp.h>

/* Decode a WBXML document and print it as canonical XML. */
static int print_wbxml(const uint8_t *body, size_t body_len)
{
    cp_config cfg;
    cp_ctx *ctx;
    cp_doc *doc;
    char *xml;
    size_t xml_len;
    int rc = 0;

    cp_config_init(&cfg);                 /* then set allocator, limits, ... */
    if (cp_ctx_new(&cfg, &ctx) != CP_OK)
        return -1;
    if (cp_doc_decode_wbxml(ctx, body, body_len, &doc) != CP_OK) {
        fprintf(stderr, "cannot decode: %s (%s)\n", cp_ctx_error_message(ctx),
                cp_strerror(cp_ctx_error_code(ctx)));
        rc = -1;
    } else {
        if (cp_doc_write_xml(ctx, doc, 0, &xml, &xml_len) == CP_OK) {
            printf("%s\n", xml);
            cp_free(ctx, xml);
        }
        cp_doc_free(doc);
    }
    cp_ctx_free(ctx);
    return rc;
}

int main(void)
{
    /* WBXML 1.3, PROV 1.0, UTF-8: an empty wap-provisioningdoc, then a
       document that ends in the middle of an element */
    static const uint8_t good[] = {0x03, 0x0B, 0x6A, 0x00, 0x05};
    static const uint8_t cut[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0xC6};
    return print_wbxml(good, sizeof good) == 0 &&
                   print_wbxml(cut, sizeof cut) == -1
               ? 0
               : 1;
}
