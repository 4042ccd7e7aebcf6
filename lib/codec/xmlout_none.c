/*
 * xmlout_none.c - the stand-in for the XML writer in a build without it
 * (NO_XMLOUT=1, FIRMWARE=1; see sources.mk): cp_doc_write_xml keeps its
 * contract on the output arguments and says the module is not built.
 */
#include "prov.h"

CP_EXPORT cp_status cp_doc_write_xml(cp_ctx *ctx, const cp_doc *doc,
                                     unsigned int flags, char **out,
                                     size_t *out_len)
{
    (void)doc;
    (void)flags;
    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    return cp_err__set(ctx, CP_E_UNSUPPORTED, CP_NO_OFFSET,
                       "cp_doc_write_xml: the XML writer is not in this "
                       "build (NO_XMLOUT)");
}
