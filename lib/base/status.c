/* status.c - status codes, messages and the library version. */
#include "base.h"

/*
 * The short text of every status, in the order of the codes: CP_OK (0)
 * first, then CP_E_NOMEM (-1) down to CP_E_STORAGE (-32), then the text of
 * any other value. One pool of NUL-separated strings instead of a switch
 * or a table of pointers: no relocation and no code per case. Finding the
 * text walks at most 33 short strings, which only a failure pays.
 */
static const char texts[] =
    "success\0"
    "out of memory\0"
    "invalid argument\0"
    "unknown struct size or version\0"
    "input truncated\0"
    "malformed input\0"
    "number or length overflow\0"
    "unknown token\0"
    "unsupported charset or invalid text\0"
    "not a provisioning document\0"
    "limit exceeded\0"
    "XML not well-formed\0"
    "element or attribute not allowed here\0"
    "refused DTD construct\0"
    "unsupported\0"
    "buffer too small\0"
    "storage or I/O error\0"
    "internal error\0"
    "context busy\0"
    "not found\0"
    "already exists\0"
    "missing or unknown SEC method\0"
    "MAC is not 40 hex digits\0"
    "MAC mismatch: message not authentic\0"
    "missing or malformed PIN or IMSI\0"
    "PIN attempts exhausted\0"
    "refused by security policy\0"
    "access denied\0"
    "stored state corrupt or foreign\0"
    "configuration service provider failed\0"
    "rollback failed: settings may be inconsistent\0"
    "invalid provisioning request\0"
    "storage failed\0"
    "unknown error";

CP_EXPORT const char *cp_strerror(cp_status st)
{
    const char *p = texts;
    /* unsigned: the codes 0..-32 become 0..32, anything else is larger */
    unsigned i = 0u - (unsigned)st, last = 0u - (unsigned)CP_E_STORAGE;
    if (i > last)
        i = last + 1; /* the text after the last code: "unknown error" */
    while (i-- > 0)
        while (*p++ != '\0')
            ;
    return p;
}

CP_EXPORT const char *cp_version(void)
{
    return CP_VERSION_STRING;
}

CP_EXPORT unsigned long cp_version_number(void)
{
    return (unsigned long)CP_VERSION_NUMBER;
}
