/*
 * wbxml_enc_none.c - the stand-in for the WBXML encoder in a build without
 * it (NO_ENC=1, FIRMWARE=1; see sources.mk): cp_doc_encode_wbxml keeps its
 * contract on the output arguments and says the module is not built.
 */
#include "prov.h"

CP_EXPORT cp_status cp_doc_encode_wbxml(cp_ctx *ctx, const cp_doc *doc,
                                        unsigned int flags, uint8_t **out,
                                        size_t *out_len)
{
    (void)doc;
    (void)flags;
    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    return cp_err__set(ctx, CP_E_UNSUPPORTED, CP_NO_OFFSET,
                       "cp_doc_encode_wbxml: the WBXML encoder is not in "
                       "this build (NO_ENC)");
}
