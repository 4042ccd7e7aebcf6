/*
 * prov.h - floor 2: the WBXML token tables of the PROV language
 * (wap-provisioningdoc, ProvCont 1.0 and 1.1 as one union table, code pages
 * 0 and 1). Data shared by the WBXML decoder and encoder. Not installed.
 *
 * Contents follow protocol.md sections b.2-b.6: every entry the four main
 * sources agree on, the spellings the majority uses (DELIVERY-ERR-SDU,
 * IS-95-CDMA-PACKET, AUTOBAUDING, TETRA-*, CDMA2000-1X-*), AAA/HA on page 0,
 * the page-1 AAUTHTYPE strings at 0x90-0x93 (never 0x80-0x83, which are
 * global tokens), and the Kannel-only entries that real senders emit:
 * page-0 type BEARERINFO 0x5C and DNS-ADDRINFO 0x5D, page-0 values 3G-GSM
 * 0xBB and WLAN 0xBC, page-1 names APPREF 0x3C and TO-APPREF 0x3D. The
 * vendor WLAN list of Kannel's page 1 is left out (it collides with global
 * tokens and with itself).
 */
#ifndef CP_PROV_H
#define CP_PROV_H

#include "docint.h"

/** Number of code pages PROV defines (0 and 1). */
#define CP_PROV_PAGES 2u
/** WBXML well-known public id of PROV 1.0 (also used by 1.1). */
#define CP_PROV_PUBLIC_ID 0x0Bu
/** The formal public identifier, for documents that send it as a string. */
#define CP_PROV_FPI "-//WAPFORUM//DTD PROV 1.0//EN"

/** Tag identities (a tag octet without its 0x80/0x40 bits), page 0. */
#define CP_PROV_TAG_DOC 0x05u
#define CP_PROV_TAG_CHARACTERISTIC 0x06u
#define CP_PROV_TAG_PARM 0x07u

/**
 * One table string. For an attribute-start token: the attribute it names
 * (a cp_attr) and its value prefix ("" for the bare `name=` kind). For an
 * attribute-value token: the string it stands for (attr unused).
 * s == NULL marks an unassigned token.
 */
typedef struct cp_prov_str {
    const char *s;
    uint8_t len;  /* strlen(s) */
    uint8_t attr; /* cp_attr (start tokens only) */
} cp_prov_str;

/** Attribute-start tokens, indexed [page][token], token 0x00-0x7F. */
extern const cp_prov_str cp_prov__start_tab[CP_PROV_PAGES][0x80];
/** Attribute-value tokens, indexed [page][token - 0x80], token 0x80-0xFF. */
extern const cp_prov_str cp_prov__value_tab[CP_PROV_PAGES][0x80];

/** The attribute-start entry of token tok (< 0x80) on page, or NULL. */
static inline const cp_prov_str *cp_prov__start(unsigned page, unsigned tok)
{
    const cp_prov_str *e;
    if (page >= CP_PROV_PAGES || tok >= 0x80)
        return NULL;
    e = &cp_prov__start_tab[page][tok];
    return e->s ? e : NULL;
}

/** The attribute-value entry of token tok (0x80-0xFF) on page, or NULL. */
static inline const cp_prov_str *cp_prov__value(unsigned page, unsigned tok)
{
    const cp_prov_str *e;
    if (page >= CP_PROV_PAGES || tok < 0x80 || tok > 0xFF)
        return NULL;
    e = &cp_prov__value_tab[page][tok - 0x80];
    return e->s ? e : NULL;
}

/**
 * Node kind of tag identity id (0x05-0x3F, without the A/C bits) on page:
 * wap-provisioningdoc on page 0 only, characteristic and parm on pages 0
 * and 1. -1 when the page has no such tag.
 */
int cp_prov__tag_kind(unsigned page, unsigned id);

/** Page-0 tag identity of kind (DOC, CHARACTERISTIC, PARM), 0 if none. */
static inline unsigned cp_prov__tag_token(cp_node_kind kind)
{
    switch (kind) {
    case CP_NODE_DOC: return CP_PROV_TAG_DOC;
    case CP_NODE_CHARACTERISTIC: return CP_PROV_TAG_CHARACTERISTIC;
    case CP_NODE_PARM: return CP_PROV_TAG_PARM;
    default: return 0;
    }
}

/** 1 when attr has attribute-start tokens (version, type, name, value). */
static inline int cp_prov__attr_has_tokens(cp_attr attr)
{
    return attr == CP_ATTR_VERSION || attr == CP_ATTR_TYPE ||
           attr == CP_ATTR_NAME || attr == CP_ATTR_VALUE;
}

/** The bare start token of an attribute that has tokens ("name=" ...). */
static inline void cp_prov__bare_start(cp_attr attr, uint8_t tok[2])
{
    switch (attr) {
    case CP_ATTR_VERSION: tok[0] = 0x45; tok[1] = 0; break;
    case CP_ATTR_TYPE: tok[0] = tok[1] = 0x50; break;
    case CP_ATTR_NAME: tok[0] = tok[1] = 0x05; break;
    default: tok[0] = tok[1] = 0x06; break;
    }
}

/*
 * Reverse lookups for the encoder. Exact (case-sensitive) match of the
 * whole string s. On a hit tok[p] receives the token on page p, 0 where
 * that page has none (0 is never a PROV token), and 1 is returned; on a
 * miss 0 is returned and tok is untouched. A static hash index, no
 * allocation.
 */

/** cp_prov__lookup result bits. */
#define CP_PROV_HIT_START 1u
#define CP_PROV_HIT_VALUE 2u

/**
 * Both lookups of a value s of attr: first a start token of attr whose
 * prefix is s (into stok, unless NULL), then, when there is none, a value
 * token that is s (into vtok, unless NULL). Returns CP_PROV_HIT_START,
 * CP_PROV_HIT_VALUE or 0.
 */
unsigned cp_prov__lookup(cp_attr attr, const char *s, uint8_t stok[2],
                         uint8_t vtok[2]);

/** cp_prov__lookup of the n octets at s (the caller knows the length). */
unsigned cp_prov__lookup_n(cp_attr attr, const char *s, size_t n,
                           uint8_t stok[2], uint8_t vtok[2]);

/** Start token of attr whose prefix equals s ("" finds the bare token). */
int cp_prov__find_start(cp_attr attr, const char *s, uint8_t tok[2]);

#endif /* CP_PROV_H */
