/* text.c - UTF-8 checks and small string helpers. */
#include <string.h>

#include "base.h"

int cp_utf8__valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k, need;
        uint32_t cp;
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (n - i <= need)
            return 0;
        for (k = 1; k <= need; k++) {
            uint8_t d = s[i + k];
            if ((d & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (uint32_t)(d & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += need + 1;
    }
    return 1;
}

size_t cp_utf8__encode(uint32_t cp, uint8_t out[4])
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int cp_str__casecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    /* equal octets (the usual case) need no folding */
    while (*x && (*x == *y || lower(*x) == lower(*y))) {
        x++;
        y++;
    }
    return lower(*x) - lower(*y);
}

/* A letter, a digit, '.', '_' or '-': the octets a blob name may hold. */
static int name_octet(unsigned char c)
{
    return (unsigned)((c | 0x20u) - 'a') < 26u || (unsigned)(c - '0') < 10u ||
           c == '.' || c == '_' || c == '-';
}

int cp_store__name_ok(const char *name)
{
    size_t i;
    if (name == NULL || name[0] == '\0' || name[0] == '.')
        return 0;
    /* every store call checks its name: a range test, not a strchr */
    for (i = 0; name[i] != '\0'; i++)
        if (i >= CP_STORE_NAME_MAX || !name_octet((unsigned char)name[i]))
            return 0;
    return 1;
}
