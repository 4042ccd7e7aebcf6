/* status.c - status codes, messages and the library version. */
#include "base.h"

CP_EXPORT const char *cp_strerror(cp_status st)
{
    switch (st) {
    case CP_OK: return "success";
    case CP_E_NOMEM: return "out of memory";
    case CP_E_INVALID_ARG: return "invalid argument";
    case CP_E_VERSION: return "unknown struct size or version";
    case CP_E_TRUNCATED: return "input truncated";
    case CP_E_MALFORMED: return "malformed input";
    case CP_E_OVERFLOW: return "number or length overflow";
    case CP_E_UNKNOWN_TOKEN: return "unknown token";
    case CP_E_CHARSET: return "unsupported charset or invalid text";
    case CP_E_NOT_PROV: return "not a provisioning document";
    case CP_E_LIMIT: return "limit exceeded";
    case CP_E_XML: return "XML not well-formed";
    case CP_E_GRAMMAR: return "element or attribute not allowed here";
    case CP_E_DTD: return "refused DTD construct";
    case CP_E_UNSUPPORTED: return "unsupported";
    case CP_E_BUFFER_TOO_SMALL: return "buffer too small";
    case CP_E_IO: return "storage or I/O error";
    case CP_E_INTERNAL: return "internal error";
    case CP_E_BUSY: return "context busy";
    case CP_E_NOT_FOUND: return "not found";
    case CP_E_EXISTS: return "already exists";
    case CP_E_BAD_SEC: return "missing or unknown SEC method";
    case CP_E_BAD_MAC: return "MAC is not 40 hex digits";
    case CP_E_NOT_AUTHENTIC: return "MAC mismatch: message not authentic";
    case CP_E_BAD_PIN: return "missing or malformed PIN or IMSI";
    case CP_E_PIN_EXHAUSTED: return "PIN attempts exhausted";
    case CP_E_REFUSED: return "refused by security policy";
    case CP_E_ACCESS_DENIED: return "access denied";
    case CP_E_CORRUPT: return "stored state corrupt or foreign";
    case CP_E_CSP: return "configuration service provider failed";
    case CP_E_ROLLBACK: return "rollback failed: settings may be inconsistent";
    case CP_E_BAD_DOC: return "invalid provisioning request";
    case CP_E_STORAGE: return "storage failed";
    default: return "unknown error";
    }
}

CP_EXPORT const char *cp_version(void)
{
    return CP_VERSION_STRING;
}

CP_EXPORT unsigned long cp_version_number(void)
{
    return (unsigned long)CP_VERSION_NUMBER;
}
