/* load.c - pick the codec for an input, and the NO_XML stand-in. */
#include "docint.h"

CP_EXPORT cp_status cp_doc_load(cp_ctx *ctx, const uint8_t *in, size_t in_len,
                                cp_doc **out)
{
    if (ctx == NULL || out == NULL || (in == NULL && in_len != 0))
        return CP_E_INVALID_ARG;
    /* A WBXML document starts with its version octet (1.1-1.3); XML text
       never starts with a control character. */
    if (in_len > 0 && in[0] >= 0x01 && in[0] <= 0x03)
        return cp_doc_decode_wbxml(ctx, in, in_len, out);
    return cp_doc_parse_xml(ctx, (const char *)in, in_len, out);
}

#ifdef CP_NO_XML
CP_EXPORT cp_status cp_doc_parse_xml(cp_ctx *ctx, const char *in,
                                     size_t in_len, cp_doc **out)
{
    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL || (in == NULL && in_len != 0))
        return CP_E_INVALID_ARG;
    return cp_err__set(ctx, CP_E_UNSUPPORTED, CP_NO_OFFSET,
                       "the XML front end is not built in (NO_XML)");
}
#endif
