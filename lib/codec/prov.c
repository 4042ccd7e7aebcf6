/* prov.c - the PROV token tables (protocol.md b.2-b.6) and their lookups. */
#include <string.h>

#include "prov.h"

/*
 * Every table string is stored right after one byte holding its length (a
 * static compound literal {length, "text"}), so that a reader holding only
 * the string learns its length from s[-1] without a scan: the XML writer,
 * for the strings the decoder marks so (CP_NF_KEYLEN in docint.h).
 */
#define LS_(s)                                                                \
    (&(const struct { uint8_t n; char c[sizeof(s)]; }){                       \
         (uint8_t)(sizeof(s) - 1), s}.c[0])
#define S_(a, s) {LS_(s), (uint8_t)(sizeof(s) - 1), (uint8_t)(a)}
#define NM(s) S_(CP_ATTR_NAME, s)
#define TY(s) S_(CP_ATTR_TYPE, s)
#define VE(s) S_(CP_ATTR_VERSION, s)
#define VA S_(CP_ATTR_VALUE, "")
#define V(s) S_(0, s)

const cp_prov_str cp_prov__start_tab[CP_PROV_PAGES][0x80] = {
    {   /* code page 0 (b.3) */
        [0x05] = NM(""),
        [0x06] = VA,
        [0x07] = NM("NAME"),
        [0x08] = NM("NAP-ADDRESS"),
        [0x09] = NM("NAP-ADDRTYPE"),
        [0x0A] = NM("CALLTYPE"),
        [0x0B] = NM("VALIDUNTIL"),
        [0x0C] = NM("AUTHTYPE"),
        [0x0D] = NM("AUTHNAME"),
        [0x0E] = NM("AUTHSECRET"),
        [0x0F] = NM("LINGER"),
        [0x10] = NM("BEARER"),
        [0x11] = NM("NAPID"),
        [0x12] = NM("COUNTRY"),
        [0x13] = NM("NETWORK"),
        [0x14] = NM("INTERNET"),
        [0x15] = NM("PROXY-ID"),
        [0x16] = NM("PROXY-PROVIDER-ID"),
        [0x17] = NM("DOMAIN"),
        [0x18] = NM("PROVURL"),
        [0x19] = NM("PXAUTH-TYPE"),
        [0x1A] = NM("PXAUTH-ID"),
        [0x1B] = NM("PXAUTH-PW"),
        [0x1C] = NM("STARTPAGE"),
        [0x1D] = NM("BASAUTH-ID"),
        [0x1E] = NM("BASAUTH-PW"),
        [0x1F] = NM("PUSHENABLED"),
        [0x20] = NM("PXADDR"),
        [0x21] = NM("PXADDRTYPE"),
        [0x22] = NM("TO-NAPID"),
        [0x23] = NM("PORTNBR"),
        [0x24] = NM("SERVICE"),
        [0x25] = NM("LINKSPEED"),
        [0x26] = NM("DNLINKSPEED"),
        [0x27] = NM("LOCAL-ADDR"),
        [0x28] = NM("LOCAL-ADDRTYPE"),
        [0x29] = NM("CONTEXT-ALLOW"),
        [0x2A] = NM("TRUST"),
        [0x2B] = NM("MASTER"),
        [0x2C] = NM("SID"),
        [0x2D] = NM("SOC"),
        [0x2E] = NM("WSP-VERSION"),
        [0x2F] = NM("PHYSICAL-PROXY-ID"),
        [0x30] = NM("CLIENT-ID"),
        [0x31] = NM("DELIVERY-ERR-SDU"),
        [0x32] = NM("DELIVERY-ORDER"),
        [0x33] = NM("TRAFFIC-CLASS"),
        [0x34] = NM("MAX-SDU-SIZE"),
        [0x35] = NM("MAX-BITRATE-UPLINK"),
        [0x36] = NM("MAX-BITRATE-DNLINK"),
        [0x37] = NM("RESIDUAL-BER"),
        [0x38] = NM("SDU-ERROR-RATIO"),
        [0x39] = NM("TRAFFIC-HANDL-PRIO"),
        [0x3A] = NM("TRANSFER-DELAY"),
        [0x3B] = NM("GUARANTEED-BITRATE-UPLINK"),
        [0x3C] = NM("GUARANTEED-BITRATE-DNLINK"),
        [0x3D] = NM("PXADDR-FQDN"),
        [0x3E] = NM("PROXY-PW"),
        [0x3F] = NM("PPGAUTH-TYPE"),
        /* 0x40-0x44 are global tokens */
        [0x45] = VE(""),
        [0x46] = VE("1.0"),
        [0x47] = NM("PULLENABLED"),
        [0x48] = NM("DNS-ADDR"),
        [0x49] = NM("MAX-NUM-RETRY"),
        [0x4A] = NM("FIRST-RETRY-TIMEOUT"),
        [0x4B] = NM("REREG-THRESHOLD"),
        [0x4C] = NM("T-BIT"),
        /* 0x4D unassigned everywhere */
        [0x4E] = NM("AUTH-ENTITY"),
        [0x4F] = NM("SPI"),
        [0x50] = TY(""),
        [0x51] = TY("PXLOGICAL"),
        [0x52] = TY("PXPHYSICAL"),
        [0x53] = TY("PORT"),
        [0x54] = TY("VALIDITY"),
        [0x55] = TY("NAPDEF"),
        [0x56] = TY("BOOTSTRAP"),
        [0x57] = TY("VENDORCONFIG"),
        [0x58] = TY("CLIENTIDENTITY"),
        [0x59] = TY("PXAUTHINFO"),
        [0x5A] = TY("NAPAUTHINFO"),
        [0x5B] = TY("ACCESS"),
        [0x5C] = TY("BEARERINFO"),   /* Kannel */
        [0x5D] = TY("DNS-ADDRINFO"), /* Kannel */
    },
    {   /* code page 1 (b.4) */
        [0x05] = NM(""),
        [0x06] = VA,
        [0x07] = NM("NAME"),
        [0x14] = NM("INTERNET"),
        [0x1C] = NM("STARTPAGE"),
        [0x22] = NM("TO-NAPID"),
        [0x23] = NM("PORTNBR"),
        [0x24] = NM("SERVICE"),
        [0x2E] = NM("AACCEPT"),
        [0x2F] = NM("AAUTHDATA"),
        [0x30] = NM("AAUTHLEVEL"),
        [0x31] = NM("AAUTHNAME"),
        [0x32] = NM("AAUTHSECRET"),
        [0x33] = NM("AAUTHTYPE"),
        [0x34] = NM("ADDR"),
        [0x35] = NM("ADDRTYPE"),
        [0x36] = NM("APPID"),
        [0x37] = NM("APROTOCOL"),
        [0x38] = NM("PROVIDER-ID"),
        [0x39] = NM("TO-PROXY"),
        [0x3A] = NM("URI"),
        [0x3B] = NM("RULE"),
        [0x3C] = NM("APPREF"),    /* Kannel, Symbian */
        [0x3D] = NM("TO-APPREF"), /* Kannel, Symbian */
        [0x50] = TY(""),
        [0x53] = TY("PORT"),
        [0x55] = TY("APPLICATION"),
        [0x56] = TY("APPADDR"),
        [0x57] = TY("APPAUTH"),
        [0x58] = TY("CLIENTIDENTITY"),
        [0x59] = TY("RESOURCE"),
    }};

/* Indexed by token - 0x80. 0x80-0x84 and 0xC0-0xC4 are global tokens. */
const cp_prov_str cp_prov__value_tab[CP_PROV_PAGES][0x80] = {
    {   /* code page 0 (b.5) */
        [0x85 - 0x80] = V("IPV4"),
        [0x86 - 0x80] = V("IPV6"),
        [0x87 - 0x80] = V("E164"),
        [0x88 - 0x80] = V("ALPHA"),
        [0x89 - 0x80] = V("APN"),
        [0x8A - 0x80] = V("SCODE"),
        [0x8B - 0x80] = V("TETRA-ITSI"),
        [0x8C - 0x80] = V("MAN"),
        [0x90 - 0x80] = V("ANALOG-MODEM"),
        [0x91 - 0x80] = V("V.120"),
        [0x92 - 0x80] = V("V.110"),
        [0x93 - 0x80] = V("X.31"),
        [0x94 - 0x80] = V("BIT-TRANSPARENT"),
        [0x95 - 0x80] = V("DIRECT-ASYNCHRONOUS-DATA-SERVICE"),
        [0x9A - 0x80] = V("PAP"),
        [0x9B - 0x80] = V("CHAP"),
        [0x9C - 0x80] = V("HTTP-BASIC"),
        [0x9D - 0x80] = V("HTTP-DIGEST"),
        [0x9E - 0x80] = V("WTLS-SS"),
        [0x9F - 0x80] = V("MD5"),
        [0xA2 - 0x80] = V("GSM-USSD"),
        [0xA3 - 0x80] = V("GSM-SMS"),
        [0xA4 - 0x80] = V("ANSI-136-GUTS"),
        [0xA5 - 0x80] = V("IS-95-CDMA-SMS"),
        [0xA6 - 0x80] = V("IS-95-CDMA-CSD"),
        [0xA7 - 0x80] = V("IS-95-CDMA-PACKET"),
        [0xA8 - 0x80] = V("ANSI-136-CSD"),
        [0xA9 - 0x80] = V("ANSI-136-GPRS"),
        [0xAA - 0x80] = V("GSM-CSD"),
        [0xAB - 0x80] = V("GSM-GPRS"),
        [0xAC - 0x80] = V("AMPS-CDPD"),
        [0xAD - 0x80] = V("PDC-CSD"),
        [0xAE - 0x80] = V("PDC-PACKET"),
        [0xAF - 0x80] = V("IDEN-SMS"),
        [0xB0 - 0x80] = V("IDEN-CSD"),
        [0xB1 - 0x80] = V("IDEN-PACKET"),
        [0xB2 - 0x80] = V("FLEX/REFLEX"),
        [0xB3 - 0x80] = V("PHS-SMS"),
        [0xB4 - 0x80] = V("PHS-CSD"),
        [0xB5 - 0x80] = V("TETRA-SDS"),
        [0xB6 - 0x80] = V("TETRA-PACKET"),
        [0xB7 - 0x80] = V("ANSI-136-GHOST"),
        [0xB8 - 0x80] = V("MOBITEX-MPAK"),
        [0xB9 - 0x80] = V("CDMA2000-1X-SIMPLE-IP"),
        [0xBA - 0x80] = V("CDMA2000-1X-MOBILE-IP"),
        [0xBB - 0x80] = V("3G-GSM"), /* Kannel */
        [0xBC - 0x80] = V("WLAN"),   /* Kannel */
        [0xC5 - 0x80] = V("AUTOBAUDING"),
        [0xCA - 0x80] = V("CL-WSP"),
        [0xCB - 0x80] = V("CO-WSP"),
        [0xCC - 0x80] = V("CL-SEC-WSP"),
        [0xCD - 0x80] = V("CO-SEC-WSP"),
        [0xCE - 0x80] = V("CL-SEC-WTA"),
        [0xCF - 0x80] = V("CO-SEC-WTA"),
        [0xD0 - 0x80] = V("OTA-HTTP-TO"),
        [0xD1 - 0x80] = V("OTA-HTTP-TLS-TO"),
        [0xD2 - 0x80] = V("OTA-HTTP-PO"),
        [0xD3 - 0x80] = V("OTA-HTTP-TLS-PO"),
        [0xE0 - 0x80] = V("AAA"),
        [0xE1 - 0x80] = V("HA"),
    },
    {   /* code page 1 (b.6) */
        [0x86 - 0x80] = V("IPV6"),
        [0x87 - 0x80] = V("E164"),
        [0x88 - 0x80] = V("ALPHA"),
        [0x8D - 0x80] = V("APPSRV"),
        [0x8E - 0x80] = V("OBEX"),
        [0x90 - 0x80] = V(","),
        [0x91 - 0x80] = V("HTTP-"),
        [0x92 - 0x80] = V("BASIC"),
        [0x93 - 0x80] = V("DIGEST"),
    }};

int cp_prov__tag_kind(unsigned page, unsigned id)
{
    switch (id) {
    case CP_PROV_TAG_DOC: return page == 0 ? (int)CP_NODE_DOC : -1;
    case CP_PROV_TAG_CHARACTERISTIC:
        return page < CP_PROV_PAGES ? (int)CP_NODE_CHARACTERISTIC : -1;
    case CP_PROV_TAG_PARM:
        return page < CP_PROV_PAGES ? (int)CP_NODE_PARM : -1;
    default: return -1;
    }
}

/*
 * The reverse index for the encoder. rev_tab holds every distinct
 * (attribute, prefix) of the start tables and, under VALUE_KEY, every
 * string of the value tables, with its token on page 0 and on page 1
 * (0: none), and its length; the string itself is the one the token's
 * table entry holds (rev_str), so it is stored once, with its length byte
 * before it. rev_slots is an open-addressing hash table over rev_tab:
 * a key starts at slot rev_slot(key, s, strlen(s)) and probes linearly;
 * a slot holds a rev_tab index + 1, or 0 when empty. rev_max_len bounds
 * the lengths per key. All three are derived from the tables above
 * (rev_slots by inserting rev_tab in order); test_wbxml checks that
 * every table entry is found here with its tokens, so a table edit that
 * forgets this index fails the tests.
 */
#define VALUE_KEY 4u
#define REV_SLOTS 512u

typedef struct rev {
    uint8_t len, key, tok0, tok1; /* the string: the table entry of a token */
} rev;

static const rev rev_tab[169] = {
    {0, CP_ATTR_NAME, 0x05, 0x05}, /* "" */
    {0, CP_ATTR_VALUE, 0x06, 0x06}, /* "" */
    {4, CP_ATTR_NAME, 0x07, 0x07}, /* "NAME" */
    {11, CP_ATTR_NAME, 0x08, 0}, /* "NAP-ADDRESS" */
    {12, CP_ATTR_NAME, 0x09, 0}, /* "NAP-ADDRTYPE" */
    {8, CP_ATTR_NAME, 0x0A, 0}, /* "CALLTYPE" */
    {10, CP_ATTR_NAME, 0x0B, 0}, /* "VALIDUNTIL" */
    {8, CP_ATTR_NAME, 0x0C, 0}, /* "AUTHTYPE" */
    {8, CP_ATTR_NAME, 0x0D, 0}, /* "AUTHNAME" */
    {10, CP_ATTR_NAME, 0x0E, 0}, /* "AUTHSECRET" */
    {6, CP_ATTR_NAME, 0x0F, 0}, /* "LINGER" */
    {6, CP_ATTR_NAME, 0x10, 0}, /* "BEARER" */
    {5, CP_ATTR_NAME, 0x11, 0}, /* "NAPID" */
    {7, CP_ATTR_NAME, 0x12, 0}, /* "COUNTRY" */
    {7, CP_ATTR_NAME, 0x13, 0}, /* "NETWORK" */
    {8, CP_ATTR_NAME, 0x14, 0x14}, /* "INTERNET" */
    {8, CP_ATTR_NAME, 0x15, 0}, /* "PROXY-ID" */
    {17, CP_ATTR_NAME, 0x16, 0}, /* "PROXY-PROVIDER-ID" */
    {6, CP_ATTR_NAME, 0x17, 0}, /* "DOMAIN" */
    {7, CP_ATTR_NAME, 0x18, 0}, /* "PROVURL" */
    {11, CP_ATTR_NAME, 0x19, 0}, /* "PXAUTH-TYPE" */
    {9, CP_ATTR_NAME, 0x1A, 0}, /* "PXAUTH-ID" */
    {9, CP_ATTR_NAME, 0x1B, 0}, /* "PXAUTH-PW" */
    {9, CP_ATTR_NAME, 0x1C, 0x1C}, /* "STARTPAGE" */
    {10, CP_ATTR_NAME, 0x1D, 0}, /* "BASAUTH-ID" */
    {10, CP_ATTR_NAME, 0x1E, 0}, /* "BASAUTH-PW" */
    {11, CP_ATTR_NAME, 0x1F, 0}, /* "PUSHENABLED" */
    {6, CP_ATTR_NAME, 0x20, 0}, /* "PXADDR" */
    {10, CP_ATTR_NAME, 0x21, 0}, /* "PXADDRTYPE" */
    {8, CP_ATTR_NAME, 0x22, 0x22}, /* "TO-NAPID" */
    {7, CP_ATTR_NAME, 0x23, 0x23}, /* "PORTNBR" */
    {7, CP_ATTR_NAME, 0x24, 0x24}, /* "SERVICE" */
    {9, CP_ATTR_NAME, 0x25, 0}, /* "LINKSPEED" */
    {11, CP_ATTR_NAME, 0x26, 0}, /* "DNLINKSPEED" */
    {10, CP_ATTR_NAME, 0x27, 0}, /* "LOCAL-ADDR" */
    {14, CP_ATTR_NAME, 0x28, 0}, /* "LOCAL-ADDRTYPE" */
    {13, CP_ATTR_NAME, 0x29, 0}, /* "CONTEXT-ALLOW" */
    {5, CP_ATTR_NAME, 0x2A, 0}, /* "TRUST" */
    {6, CP_ATTR_NAME, 0x2B, 0}, /* "MASTER" */
    {3, CP_ATTR_NAME, 0x2C, 0}, /* "SID" */
    {3, CP_ATTR_NAME, 0x2D, 0}, /* "SOC" */
    {11, CP_ATTR_NAME, 0x2E, 0}, /* "WSP-VERSION" */
    {17, CP_ATTR_NAME, 0x2F, 0}, /* "PHYSICAL-PROXY-ID" */
    {9, CP_ATTR_NAME, 0x30, 0}, /* "CLIENT-ID" */
    {16, CP_ATTR_NAME, 0x31, 0}, /* "DELIVERY-ERR-SDU" */
    {14, CP_ATTR_NAME, 0x32, 0}, /* "DELIVERY-ORDER" */
    {13, CP_ATTR_NAME, 0x33, 0}, /* "TRAFFIC-CLASS" */
    {12, CP_ATTR_NAME, 0x34, 0}, /* "MAX-SDU-SIZE" */
    {18, CP_ATTR_NAME, 0x35, 0}, /* "MAX-BITRATE-UPLINK" */
    {18, CP_ATTR_NAME, 0x36, 0}, /* "MAX-BITRATE-DNLINK" */
    {12, CP_ATTR_NAME, 0x37, 0}, /* "RESIDUAL-BER" */
    {15, CP_ATTR_NAME, 0x38, 0}, /* "SDU-ERROR-RATIO" */
    {18, CP_ATTR_NAME, 0x39, 0}, /* "TRAFFIC-HANDL-PRIO" */
    {14, CP_ATTR_NAME, 0x3A, 0}, /* "TRANSFER-DELAY" */
    {25, CP_ATTR_NAME, 0x3B, 0}, /* "GUARANTEED-BITRATE-UPLINK" */
    {25, CP_ATTR_NAME, 0x3C, 0}, /* "GUARANTEED-BITRATE-DNLINK" */
    {11, CP_ATTR_NAME, 0x3D, 0}, /* "PXADDR-FQDN" */
    {8, CP_ATTR_NAME, 0x3E, 0}, /* "PROXY-PW" */
    {12, CP_ATTR_NAME, 0x3F, 0}, /* "PPGAUTH-TYPE" */
    {0, CP_ATTR_VERSION, 0x45, 0}, /* "" */
    {3, CP_ATTR_VERSION, 0x46, 0}, /* "1.0" */
    {11, CP_ATTR_NAME, 0x47, 0}, /* "PULLENABLED" */
    {8, CP_ATTR_NAME, 0x48, 0}, /* "DNS-ADDR" */
    {13, CP_ATTR_NAME, 0x49, 0}, /* "MAX-NUM-RETRY" */
    {19, CP_ATTR_NAME, 0x4A, 0}, /* "FIRST-RETRY-TIMEOUT" */
    {15, CP_ATTR_NAME, 0x4B, 0}, /* "REREG-THRESHOLD" */
    {5, CP_ATTR_NAME, 0x4C, 0}, /* "T-BIT" */
    {11, CP_ATTR_NAME, 0x4E, 0}, /* "AUTH-ENTITY" */
    {3, CP_ATTR_NAME, 0x4F, 0}, /* "SPI" */
    {0, CP_ATTR_TYPE, 0x50, 0x50}, /* "" */
    {9, CP_ATTR_TYPE, 0x51, 0}, /* "PXLOGICAL" */
    {10, CP_ATTR_TYPE, 0x52, 0}, /* "PXPHYSICAL" */
    {4, CP_ATTR_TYPE, 0x53, 0x53}, /* "PORT" */
    {8, CP_ATTR_TYPE, 0x54, 0}, /* "VALIDITY" */
    {6, CP_ATTR_TYPE, 0x55, 0}, /* "NAPDEF" */
    {9, CP_ATTR_TYPE, 0x56, 0}, /* "BOOTSTRAP" */
    {12, CP_ATTR_TYPE, 0x57, 0}, /* "VENDORCONFIG" */
    {14, CP_ATTR_TYPE, 0x58, 0x58}, /* "CLIENTIDENTITY" */
    {10, CP_ATTR_TYPE, 0x59, 0}, /* "PXAUTHINFO" */
    {11, CP_ATTR_TYPE, 0x5A, 0}, /* "NAPAUTHINFO" */
    {6, CP_ATTR_TYPE, 0x5B, 0}, /* "ACCESS" */
    {10, CP_ATTR_TYPE, 0x5C, 0}, /* "BEARERINFO" */
    {12, CP_ATTR_TYPE, 0x5D, 0}, /* "DNS-ADDRINFO" */
    {7, CP_ATTR_NAME, 0, 0x2E}, /* "AACCEPT" */
    {9, CP_ATTR_NAME, 0, 0x2F}, /* "AAUTHDATA" */
    {10, CP_ATTR_NAME, 0, 0x30}, /* "AAUTHLEVEL" */
    {9, CP_ATTR_NAME, 0, 0x31}, /* "AAUTHNAME" */
    {11, CP_ATTR_NAME, 0, 0x32}, /* "AAUTHSECRET" */
    {9, CP_ATTR_NAME, 0, 0x33}, /* "AAUTHTYPE" */
    {4, CP_ATTR_NAME, 0, 0x34}, /* "ADDR" */
    {8, CP_ATTR_NAME, 0, 0x35}, /* "ADDRTYPE" */
    {5, CP_ATTR_NAME, 0, 0x36}, /* "APPID" */
    {9, CP_ATTR_NAME, 0, 0x37}, /* "APROTOCOL" */
    {11, CP_ATTR_NAME, 0, 0x38}, /* "PROVIDER-ID" */
    {8, CP_ATTR_NAME, 0, 0x39}, /* "TO-PROXY" */
    {3, CP_ATTR_NAME, 0, 0x3A}, /* "URI" */
    {4, CP_ATTR_NAME, 0, 0x3B}, /* "RULE" */
    {6, CP_ATTR_NAME, 0, 0x3C}, /* "APPREF" */
    {9, CP_ATTR_NAME, 0, 0x3D}, /* "TO-APPREF" */
    {11, CP_ATTR_TYPE, 0, 0x55}, /* "APPLICATION" */
    {7, CP_ATTR_TYPE, 0, 0x56}, /* "APPADDR" */
    {7, CP_ATTR_TYPE, 0, 0x57}, /* "APPAUTH" */
    {8, CP_ATTR_TYPE, 0, 0x59}, /* "RESOURCE" */
    {4, VALUE_KEY, 0x85, 0}, /* "IPV4" */
    {4, VALUE_KEY, 0x86, 0x86}, /* "IPV6" */
    {4, VALUE_KEY, 0x87, 0x87}, /* "E164" */
    {5, VALUE_KEY, 0x88, 0x88}, /* "ALPHA" */
    {3, VALUE_KEY, 0x89, 0}, /* "APN" */
    {5, VALUE_KEY, 0x8A, 0}, /* "SCODE" */
    {10, VALUE_KEY, 0x8B, 0}, /* "TETRA-ITSI" */
    {3, VALUE_KEY, 0x8C, 0}, /* "MAN" */
    {12, VALUE_KEY, 0x90, 0}, /* "ANALOG-MODEM" */
    {5, VALUE_KEY, 0x91, 0}, /* "V.120" */
    {5, VALUE_KEY, 0x92, 0}, /* "V.110" */
    {4, VALUE_KEY, 0x93, 0}, /* "X.31" */
    {15, VALUE_KEY, 0x94, 0}, /* "BIT-TRANSPARENT" */
    {32, VALUE_KEY, 0x95, 0}, /* "DIRECT-ASYNCHRONOUS-DATA-SERVICE" */
    {3, VALUE_KEY, 0x9A, 0}, /* "PAP" */
    {4, VALUE_KEY, 0x9B, 0}, /* "CHAP" */
    {10, VALUE_KEY, 0x9C, 0}, /* "HTTP-BASIC" */
    {11, VALUE_KEY, 0x9D, 0}, /* "HTTP-DIGEST" */
    {7, VALUE_KEY, 0x9E, 0}, /* "WTLS-SS" */
    {3, VALUE_KEY, 0x9F, 0}, /* "MD5" */
    {8, VALUE_KEY, 0xA2, 0}, /* "GSM-USSD" */
    {7, VALUE_KEY, 0xA3, 0}, /* "GSM-SMS" */
    {13, VALUE_KEY, 0xA4, 0}, /* "ANSI-136-GUTS" */
    {14, VALUE_KEY, 0xA5, 0}, /* "IS-95-CDMA-SMS" */
    {14, VALUE_KEY, 0xA6, 0}, /* "IS-95-CDMA-CSD" */
    {17, VALUE_KEY, 0xA7, 0}, /* "IS-95-CDMA-PACKET" */
    {12, VALUE_KEY, 0xA8, 0}, /* "ANSI-136-CSD" */
    {13, VALUE_KEY, 0xA9, 0}, /* "ANSI-136-GPRS" */
    {7, VALUE_KEY, 0xAA, 0}, /* "GSM-CSD" */
    {8, VALUE_KEY, 0xAB, 0}, /* "GSM-GPRS" */
    {9, VALUE_KEY, 0xAC, 0}, /* "AMPS-CDPD" */
    {7, VALUE_KEY, 0xAD, 0}, /* "PDC-CSD" */
    {10, VALUE_KEY, 0xAE, 0}, /* "PDC-PACKET" */
    {8, VALUE_KEY, 0xAF, 0}, /* "IDEN-SMS" */
    {8, VALUE_KEY, 0xB0, 0}, /* "IDEN-CSD" */
    {11, VALUE_KEY, 0xB1, 0}, /* "IDEN-PACKET" */
    {11, VALUE_KEY, 0xB2, 0}, /* "FLEX/REFLEX" */
    {7, VALUE_KEY, 0xB3, 0}, /* "PHS-SMS" */
    {7, VALUE_KEY, 0xB4, 0}, /* "PHS-CSD" */
    {9, VALUE_KEY, 0xB5, 0}, /* "TETRA-SDS" */
    {12, VALUE_KEY, 0xB6, 0}, /* "TETRA-PACKET" */
    {14, VALUE_KEY, 0xB7, 0}, /* "ANSI-136-GHOST" */
    {12, VALUE_KEY, 0xB8, 0}, /* "MOBITEX-MPAK" */
    {21, VALUE_KEY, 0xB9, 0}, /* "CDMA2000-1X-SIMPLE-IP" */
    {21, VALUE_KEY, 0xBA, 0}, /* "CDMA2000-1X-MOBILE-IP" */
    {6, VALUE_KEY, 0xBB, 0}, /* "3G-GSM" */
    {4, VALUE_KEY, 0xBC, 0}, /* "WLAN" */
    {11, VALUE_KEY, 0xC5, 0}, /* "AUTOBAUDING" */
    {6, VALUE_KEY, 0xCA, 0}, /* "CL-WSP" */
    {6, VALUE_KEY, 0xCB, 0}, /* "CO-WSP" */
    {10, VALUE_KEY, 0xCC, 0}, /* "CL-SEC-WSP" */
    {10, VALUE_KEY, 0xCD, 0}, /* "CO-SEC-WSP" */
    {10, VALUE_KEY, 0xCE, 0}, /* "CL-SEC-WTA" */
    {10, VALUE_KEY, 0xCF, 0}, /* "CO-SEC-WTA" */
    {11, VALUE_KEY, 0xD0, 0}, /* "OTA-HTTP-TO" */
    {15, VALUE_KEY, 0xD1, 0}, /* "OTA-HTTP-TLS-TO" */
    {11, VALUE_KEY, 0xD2, 0}, /* "OTA-HTTP-PO" */
    {15, VALUE_KEY, 0xD3, 0}, /* "OTA-HTTP-TLS-PO" */
    {3, VALUE_KEY, 0xE0, 0}, /* "AAA" */
    {2, VALUE_KEY, 0xE1, 0}, /* "HA" */
    {6, VALUE_KEY, 0, 0x8D}, /* "APPSRV" */
    {4, VALUE_KEY, 0, 0x8E}, /* "OBEX" */
    {1, VALUE_KEY, 0, 0x90}, /* "," */
    {5, VALUE_KEY, 0, 0x91}, /* "HTTP-" */
    {5, VALUE_KEY, 0, 0x92}, /* "BASIC" */
    {6, VALUE_KEY, 0, 0x93}, /* "DIGEST" */
};

/* The longest string under each key: longer ones need no probe. */
static const uint8_t rev_max_len[VALUE_KEY + 1] = {3, 14, 25, 0, 32};

static const uint8_t rev_slots[REV_SLOTS] = {
    60, 34, 0, 0, 0, 151, 0, 36, 9, 0, 0, 0, 0, 0, 0, 0,
    112, 0, 115, 0, 0, 0, 137, 0, 0, 0, 0, 0, 0, 149, 164, 0,
    0, 93, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 63, 61, 0, 0,
    0, 0, 0, 0, 159, 161, 0, 110, 0, 0, 0, 73, 15, 0, 134, 0,
    0, 109, 0, 23, 127, 33, 38, 126, 131, 154, 155, 0, 0, 0, 0, 0,
    117, 0, 136, 27, 62, 0, 130, 0, 0, 0, 0, 0, 0, 0, 132, 87,
    89, 22, 135, 142, 143, 0, 0, 146, 92, 0, 0, 0, 0, 0, 0, 12,
    0, 121, 0, 106, 163, 0, 0, 0, 1, 133, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 18, 0, 0, 0, 0, 0, 42, 0, 78, 54, 59, 108,
    0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 100,
    0, 0, 3, 0, 0, 0, 0, 101, 0, 0, 69, 0, 10, 0, 65, 0,
    0, 0, 125, 90, 0, 0, 141, 0, 0, 0, 0, 0, 0, 0, 0, 52,
    152, 153, 84, 0, 0, 0, 0, 0, 0, 29, 41, 76, 0, 0, 166, 0,
    32, 85, 0, 0, 0, 53, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    94, 0, 98, 0, 0, 46, 0, 95, 0, 0, 0, 0, 113, 114, 0, 0,
    24, 0, 21, 0, 0, 0, 0, 48, 0, 0, 116, 7, 79, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    111, 0, 51, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 37, 81, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 71, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 107, 0, 0, 105, 0, 70, 0, 0, 0,
    0, 0, 0, 0, 0, 66, 144, 28, 0, 0, 0, 0, 0, 8, 91, 0,
    72, 55, 39, 56, 0, 0, 83, 0, 0, 11, 80, 0, 20, 0, 0, 0,
    58, 86, 169, 0, 57, 0, 19, 26, 40, 49, 50, 145, 4, 147, 148, 0,
    47, 0, 0, 104, 0, 0, 0, 0, 0, 0, 0, 0, 123, 0, 17, 0,
    0, 0, 0, 118, 25, 165, 168, 0, 44, 96, 99, 119, 0, 0, 0, 0,
    0, 0, 0, 0, 150, 0, 0, 0, 0, 75, 31, 0, 0, 35, 0, 0,
    0, 0, 0, 120, 0, 0, 97, 122, 0, 0, 16, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 2, 77, 0, 0, 68, 0, 0, 0, 0, 0, 0,
    103, 0, 138, 0, 0, 102, 124, 0, 0, 0, 0, 0, 0, 45, 0, 0,
    0, 0, 74, 162, 0, 0, 0, 140, 0, 0, 0, 167, 0, 0, 139, 0,
    0, 0, 129, 0, 0, 0, 0, 0, 88, 0, 0, 67, 0, 0, 0, 0,
    128, 0, 0, 158, 156, 157, 160, 82, 0, 14, 0, 30, 13, 64, 43, 0,
};

/*
 * Slot of a key: a multiplicative hash of the length, the first, middle
 * and last octets and the key, in constant time (the entries are short
 * upper-case words; a collision only costs a probe).
 */
static size_t rev_slot(unsigned key, const unsigned char *s, size_t n)
{
    uint32_t x = (uint32_t)n;
    if (n != 0) {
        x = x * 31u + s[0];
        x = x * 31u + s[n / 2];
        x = x * 31u + s[n - 1];
    }
    x = x * 8u + key;
    x = (uint32_t)(x * 2654435761u); /* modulo 2^32 whatever int's width */
    return (size_t)(x >> 23);        /* the top 9 bits: 0..511 */
}

/*
 * The first and the last octet of every non-empty string under each key,
 * one bit per octet 0x20..0x5F: most strings an encoder meets (lower-case
 * words, URLs, numbers) fail this test and need no hashing. Written from
 * rev_tab; test_prov_tables finds every entry through it.
 */
#define O_(c) ((uint64_t)1 << ((c) - 0x20))
static const uint64_t rev_first[VALUE_KEY + 1] = {
    /* CP_ATTR_VERSION */
    O_('1'),
    /* CP_ATTR_TYPE */
    O_('A') | O_('B') | O_('C') | O_('D') | O_('N') | O_('P') | O_('R') |
        O_('V'),
    /* CP_ATTR_NAME */
    O_('A') | O_('B') | O_('C') | O_('D') | O_('F') | O_('G') | O_('I') |
        O_('L') | O_('M') | O_('N') | O_('P') | O_('R') | O_('S') | O_('T') |
        O_('U') | O_('V') | O_('W'),
    0, /* CP_ATTR_VALUE */
    /* VALUE_KEY */
    O_(',') | O_('3') | O_('A') | O_('B') | O_('C') | O_('D') | O_('E') |
        O_('F') | O_('G') | O_('H') | O_('I') | O_('M') | O_('O') | O_('P') |
        O_('S') | O_('T') | O_('V') | O_('W') | O_('X'),
};

static const uint64_t rev_last[VALUE_KEY + 1] = {
    /* CP_ATTR_VERSION */
    O_('0'),
    /* CP_ATTR_TYPE */
    O_('E') | O_('F') | O_('G') | O_('H') | O_('L') | O_('N') | O_('O') |
        O_('P') | O_('R') | O_('S') | O_('T') | O_('Y'),
    /* CP_ATTR_NAME */
    O_('A') | O_('C') | O_('D') | O_('E') | O_('F') | O_('I') | O_('K') |
        O_('L') | O_('N') | O_('O') | O_('R') | O_('S') | O_('T') | O_('U') |
        O_('W') | O_('Y'),
    0, /* CP_ATTR_VALUE */
    /* VALUE_KEY */
    O_(',') | O_('-') | O_('0') | O_('1') | O_('4') | O_('5') | O_('6') |
        O_('A') | O_('C') | O_('D') | O_('E') | O_('G') | O_('I') | O_('K') |
        O_('M') | O_('N') | O_('O') | O_('P') | O_('S') | O_('T') | O_('V') |
        O_('X'),
};

#undef O_

/* The string of entry e: its token's in the tables above (not a copy). */
static const char *rev_str(const rev *e)
{
    unsigned page = e->tok0 != 0 ? 0 : 1, tok = page ? e->tok1 : e->tok0;
    if (e->key == VALUE_KEY)
        return cp_prov__value_tab[page][(tok - 0x80) & 0x7Fu].s;
    return cp_prov__start_tab[page][tok & 0x7Fu].s;
}

static int rev_probe(unsigned key, const char *s, size_t n, uint8_t tok[2])
{
    size_t i = rev_slot(key, (const unsigned char *)s, n);
    for (; rev_slots[i] != 0; i = (i + 1) % REV_SLOTS) {
        const rev *e = &rev_tab[rev_slots[i] - 1];
        if (e->key == key && e->len == n && memcmp(rev_str(e), s, n) == 0) {
            tok[0] = e->tok0;
            tok[1] = e->tok1;
            return 1;
        }
    }
    return 0;
}

unsigned cp_prov__lookup(cp_attr attr, const char *s, uint8_t stok[2],
                         uint8_t vtok[2])
{
    return cp_prov__lookup_n(attr, s, strlen(s), stok, vtok);
}

/*
 * Whether key may hold s[0..n), from the length and the first and last
 * octets (f, l: minus 0x20, below 64); the empty string always may.
 */
static inline int rev_maybe(unsigned key, size_t n, unsigned f, unsigned l)
{
    return n == 0 ||
           (n <= rev_max_len[key] &&
            ((rev_first[key] >> f) & (rev_last[key] >> l) & 1u) != 0);
}

unsigned cp_prov__lookup_n(cp_attr attr, const char *s, size_t n,
                           uint8_t stok[2], uint8_t vtok[2])
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned f = n ? u[0] - 0x20u : 0, l = n ? u[n - 1] - 0x20u : 0;
    if (f >= 64u || l >= 64u)
        return 0; /* no token string has such an octet */
    if (stok != NULL && (unsigned)attr < VALUE_KEY &&
        rev_maybe((unsigned)attr, n, f, l) &&
        rev_probe((unsigned)attr, s, n, stok))
        return CP_PROV_HIT_START;
    if (vtok != NULL && rev_maybe(VALUE_KEY, n, f, l) &&
        rev_probe(VALUE_KEY, s, n, vtok))
        return CP_PROV_HIT_VALUE;
    return 0;
}

int cp_prov__find_start(cp_attr attr, const char *s, uint8_t tok[2])
{
    return cp_prov__lookup(attr, s, tok, NULL) != 0;
}
