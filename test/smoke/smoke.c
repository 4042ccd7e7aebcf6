/* smoke.c - links against the shared library and decodes the minimal document. */
#include <stdio.h>
#include <string.h>

#include "omacp.h"

int main(void)
{
    static const uint8_t minimal[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
    cp_ctx *ctx = NULL;
    cp_doc *doc = NULL;
    char *xml = NULL;
    size_t len = 0;
    int ok;

    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        return 1;
    ok = cp_doc_decode_wbxml(ctx, minimal, sizeof minimal, &doc) == CP_OK &&
         cp_doc_write_xml(ctx, doc, 0, &xml, &len) == CP_OK &&
         strcmp(xml, "<wap-provisioningdoc></wap-provisioningdoc>") == 0 &&
         strcmp(cp_version(), CP_VERSION_STRING) == 0;
    printf("shared smoke: libomacp %s: %s\n", cp_version(), ok ? "ok" : "FAILED");
    cp_free(ctx, xml);
    cp_doc_free(doc);
    cp_ctx_free(ctx);
    return ok ? 0 : 1;
}
