/*
 * validate.c - the ProvCont occurrence and value rules (protocol.md b.8):
 * which parms and child characteristics each ProvCont characteristic
 * takes, how often, and which values. Types this table does not know
 * (host CSPs, Windows Mobile CSPs) are not checked.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "docint.h"

/*
 * The rules are packed for firmware: strings only, no pointers (a pointer
 * costs 4 or 8 bytes and a relocation in a position-independent build).
 * A table is one string, written like a DTD:
 *   flags type \0  (occ vt name \0)...  \0  (occ type \0)...  \0
 * flags: CLOSED, ROOT (may stand at the top level), ROOT_OPEN (also
 * takes other parms: application or vendor specific). occ: 1 exactly
 * once, ? at most once, * any number, + at least once. vt: s string,
 * u unsigned, x unsigned or 0x hex, n no value, a digit: one of the
 * values of that enumeration (a run of strings ended by an empty one).
 * The tables and the enumerations are members of one struct, so that a
 * 16-bit offset finds each without a pointer.
 */
#define ONE "1"
#define OPT "?"
#define ANY "*"
#define SOME "+"
#define VS "s"
#define VU "u"
#define VX "x"
#define VN "n"
#define CLOSED "-"
#define ROOT "r"
#define ROOT_OPEN "R"
#define P(occ, vt, name) occ vt name "\0"
#define K(occ, type) occ type "\0"
#define TABLE(flags, type, parms, kids) flags type "\0" parms "\0" kids

/* The enumerations, in the order of their digits. */
#define E_ADDR "0"
#define E_CALL "1"
#define E_AUTH "2"
#define E_PXAUTH "3"
#define E_BEARER "4"
#define E_SERVICE "5"
#define E_ENTITY "6"
#define ENUMS(X)                                                             \
    X(addrtypes, "IPV4\0" "IPV6\0" "E164\0" "ALPHA\0" "APN\0" "SCODE\0"     \
      "TETRA-ITSI\0" "MAN\0")                                                \
    X(calltypes, "ANALOG-MODEM\0" "V.120\0" "V.110\0" "X.31\0"               \
      "BIT-TRANSPARENT\0" "DIRECT-ASYNCHRONOUS-DATA-SERVICE\0")              \
    X(authtypes, "PAP\0" "CHAP\0" "MD5\0")                                   \
    X(pxauthtypes, "HTTP-BASIC\0" "HTTP-DIGEST\0" "WTLS-SS\0")               \
    X(bearers, "GSM-USSD\0" "GSM-SMS\0" "ANSI-136-GUTS\0" "IS-95-CDMA-SMS\0" \
      "IS-95-CDMA-CSD\0" "IS-95-CDMA-PACKET\0" "ANSI-136-CSD\0"              \
      "ANSI-136-GPRS\0" "GSM-CSD\0" "GSM-GPRS\0" "AMPS-CDPD\0" "PDC-CSD\0"   \
      "PDC-PACKET\0" "IDEN-SMS\0" "IDEN-CSD\0" "IDEN-PACKET\0"               \
      "FLEX/REFLEX\0" "PHS-SMS\0" "PHS-CSD\0" "TETRA-SDS\0" "TETRA-PACKET\0" \
      "ANSI-136-GHOST\0" "MOBITEX-MPAK\0" "CDMA2000-1X-SIMPLE-IP\0"          \
      "CDMA2000-1X-MOBILE-IP\0" "3G-GSM\0" "WLAN\0")                         \
    X(services, "CL-WSP\0" "CO-WSP\0" "CL-SEC-WSP\0" "CO-SEC-WSP\0"          \
      "CL-SEC-WTA\0" "CO-SEC-WTA\0" "OTA-HTTP-TO\0" "OTA-HTTP-TLS-TO\0"      \
      "OTA-HTTP-PO\0" "OTA-HTTP-TLS-PO\0")                                   \
    X(entities, "AAA\0" "HA\0")

#define TABLES(X)                                                            \
    X(t_pxlogical, TABLE(ROOT, "PXLOGICAL",                                  \
        P(ONE, VS, "PROXY-ID") P(ONE, VS, "NAME")                            \
        P(OPT, VS, "PROXY-PROVIDER-ID") P(ANY, VS, "DOMAIN")                 \
        P(OPT, VS, "STARTPAGE") P(OPT, VS, "BASAUTH-ID")                     \
        P(OPT, VS, "BASAUTH-PW") P(OPT, VS, "WSP-VERSION")                   \
        P(OPT, VU, "PUSHENABLED") P(OPT, VU, "PULLENABLED")                  \
        P(OPT, VN, "TRUST") P(OPT, VN, "MASTER") P(OPT, VS, "PROXY-PW")      \
        P(OPT, E_PXAUTH, "PPGAUTH-TYPE"),                                    \
        K(ANY, "PXAUTHINFO") K(ANY, "PORT") K(SOME, "PXPHYSICAL")))          \
    X(t_pxauthinfo, TABLE(CLOSED, "PXAUTHINFO",                              \
        P(ONE, E_PXAUTH, "PXAUTH-TYPE") P(OPT, VS, "PXAUTH-ID")              \
        P(OPT, VS, "PXAUTH-PW"), ))                                          \
    X(t_pxphysical, TABLE(CLOSED, "PXPHYSICAL",                              \
        P(ONE, VS, "PHYSICAL-PROXY-ID") P(ONE, VS, "PXADDR")                 \
        P(SOME, VS, "TO-NAPID") P(OPT, E_ADDR, "PXADDRTYPE")                 \
        P(OPT, VS, "PXADDR-FQDN") P(ANY, VS, "DOMAIN")                       \
        P(OPT, VS, "WSP-VERSION") P(OPT, VU, "PUSHENABLED")                  \
        P(OPT, VU, "PULLENABLED"),                                           \
        K(ANY, "PORT")))                                                     \
    X(t_port, TABLE(CLOSED, "PORT",                                          \
        P(ONE, VU, "PORTNBR") P(ANY, E_SERVICE, "SERVICE"), ))               \
    X(t_napdef, TABLE(ROOT, "NAPDEF",                                        \
        P(ONE, VS, "NAPID") P(ONE, VS, "NAME") P(ONE, VS, "NAP-ADDRESS")     \
        P(OPT, E_ADDR, "NAP-ADDRTYPE") P(ANY, E_BEARER, "BEARER")            \
        P(OPT, E_CALL, "CALLTYPE") P(OPT, VN, "INTERNET")                    \
        P(OPT, VS, "LOCAL-ADDR") P(OPT, E_ADDR, "LOCAL-ADDRTYPE")            \
        P(OPT, VS, "LINKSPEED") P(OPT, VS, "DNLINKSPEED")                    \
        P(OPT, VU, "LINGER") P(ANY, VS, "DNS-ADDR")                          \
        P(OPT, VX, "MAX-NUM-RETRY") P(OPT, VX, "FIRST-RETRY-TIMEOUT")        \
        P(OPT, VX, "REREG-THRESHOLD") P(OPT, VN, "T-BIT")                    \
        P(OPT, VX, "DELIVERY-ERR-SDU") P(OPT, VX, "DELIVERY-ORDER")          \
        P(OPT, VX, "TRAFFIC-CLASS") P(OPT, VX, "MAX-SDU-SIZE")               \
        P(OPT, VX, "MAX-BITRATE-UPLINK") P(OPT, VX, "MAX-BITRATE-DNLINK")    \
        P(OPT, VX, "RESIDUAL-BER") P(OPT, VX, "SDU-ERROR-RATIO")             \
        P(OPT, VX, "TRAFFIC-HANDL-PRIO") P(OPT, VX, "TRANSFER-DELAY")        \
        P(OPT, VX, "GUARANTEED-BITRATE-UPLINK")                              \
        P(OPT, VX, "GUARANTEED-BITRATE-DNLINK"),                             \
        K(ANY, "NAPAUTHINFO") K(ANY, "VALIDITY")))                           \
    X(t_napauthinfo, TABLE(CLOSED, "NAPAUTHINFO",                            \
        P(ONE, E_AUTH, "AUTHTYPE") P(OPT, VS, "AUTHNAME")                    \
        P(OPT, VS, "AUTHSECRET") P(ANY, E_ENTITY, "AUTH-ENTITY")             \
        P(OPT, VS, "SPI"), ))                                                \
    X(t_validity, TABLE(CLOSED, "VALIDITY",                                  \
        P(OPT, VS, "COUNTRY") P(OPT, VS, "NETWORK") P(OPT, VS, "SID")        \
        P(OPT, VS, "SOC") P(OPT, VU, "VALIDUNTIL"), ))                       \
    X(t_bootstrap, TABLE(ROOT, "BOOTSTRAP",                                  \
        P(OPT, VS, "NAME") P(OPT, VS, "PROVURL") P(OPT, VU, "CONTEXT-ALLOW") \
        P(OPT, VS, "COUNTRY") P(ANY, VS, "NETWORK") P(ANY, VS, "PROXY-ID"), )) \
    X(t_clientid, TABLE(ROOT, "CLIENTIDENTITY", P(ONE, VS, "CLIENT-ID"), ))  \
    X(t_vendor, TABLE(ROOT_OPEN, "VENDORCONFIG", P(ONE, VS, "NAME"), ))      \
    X(t_application, TABLE(ROOT_OPEN, "APPLICATION",                         \
        P(ONE, VS, "APPID") P(OPT, VS, "NAME") P(OPT, VS, "PROVIDER-ID")     \
        P(OPT, VS, "AACCEPT") P(OPT, VS, "APROTOCOL") P(ANY, VS, "TO-PROXY") \
        P(ANY, VS, "TO-NAPID") P(ANY, VS, "ADDR"),                           \
        K(ANY, "APPADDR") K(ANY, "APPAUTH") K(ANY, "RESOURCE")))             \
    X(t_appaddr, TABLE(CLOSED, "APPADDR",                                    \
        P(ONE, VS, "ADDR") P(OPT, VS, "ADDRTYPE"),                           \
        K(ANY, "PORT")))                                                     \
    X(t_appauth, TABLE(CLOSED, "APPAUTH",                                    \
        P(OPT, VS, "AAUTHLEVEL") P(OPT, VS, "AAUTHTYPE")                     \
        P(OPT, VS, "AAUTHNAME") P(OPT, VS, "AAUTHSECRET")                    \
        P(OPT, VS, "AAUTHDATA"), ))                                          \
    X(t_resource, TABLE(CLOSED, "RESOURCE",                                  \
        P(ONE, VS, "URI") P(OPT, VS, "NAME") P(OPT, VS, "AACCEPT")           \
        P(OPT, VS, "AAUTHTYPE") P(OPT, VS, "AAUTHNAME")                      \
        P(OPT, VS, "AAUTHSECRET") P(OPT, VS, "AAUTHDATA")                    \
        P(OPT, VN, "STARTPAGE") P(OPT, VS, "CLIURI") P(OPT, VS, "IMAGE")     \
        P(OPT, VS, "SYNCTYPE"), ))                                           \
    X(t_access, TABLE(ROOT, "ACCESS",                                        \
        P(SOME, VS, "RULE") P(ANY, VS, "APPID") P(ANY, VU, "PORTNBR")        \
        P(ANY, VS, "DOMAIN") P(ANY, VS, "TO-NAPID") P(ANY, VS, "TO-PROXY"), ))

#define MEMBER_OF(id, text) char id[sizeof(text)];
#define TEXT_OF(id, text) text,
#define OFFSET_OF(id, text) (uint16_t)offsetof(struct rules, id),
struct rules {
    TABLES(MEMBER_OF)
    ENUMS(MEMBER_OF)
};
static const struct rules rules = {TABLES(TEXT_OF) ENUMS(TEXT_OF)};
static const uint16_t tables[] = {TABLES(OFFSET_OF)};
static const uint16_t enums[] = {ENUMS(OFFSET_OF)};

typedef char static_assert_rules[sizeof rules <= 0xFFFF ? 1 : -1];

/* The string after p (each entry of a table is one NUL-ended string). */
static const char *skip(const char *p)
{
    return p + strlen(p) + 1;
}

/* The table of a characteristic type (at its flags), or NULL. */
static const char *table_of(const char *type)
{
    size_t i;
    for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        const char *t = (const char *)&rules + tables[i];
        if (strcmp(t + 1, type) == 0)
            return t;
    }
    return NULL;
}

/* The first kid entry of a table (after the empty entry ending parms). */
static const char *kids_of(const char *parms)
{
    while (*parms != '\0')
        parms = skip(parms);
    return parms + 1;
}

static int digits_only(const char *v)
{
    for (; *v; v++)
        if (*v < '0' || *v > '9')
            return 0;
    return 1;
}

/* Does v suit the value type vt (VS, VU, VX, VN or an enumeration)? */
static int value_ok(char vt, const char *v)
{
    const char *e;
    size_t i;
    switch (vt) {
    case 'u':
        return v != NULL && *v != '\0' && digits_only(v) && strlen(v) <= 10;
    case 'x':
        if (v == NULL || *v == '\0')
            return 0;
        if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && v[2] != '\0') {
            for (i = 2; v[i]; i++)
                if (!((v[i] >= '0' && v[i] <= '9') ||
                      ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'f')))
                    return 0;
            return 1;
        }
        return digits_only(v);
    case 'n':
        return v == NULL || *v == '\0';
    case 's':
        return 1;
    default: /* an enumeration */
        if (v == NULL)
            return 0;
        for (e = (const char *)&rules + enums[vt - '0']; *e; e = skip(e))
            if (strcmp(e, v) == 0)
                return 1;
        return 0;
    }
}

static const char *occ_text(char occ)
{
    switch (occ) {
    case '1': return "exactly once";
    case '?': return "at most once";
    case '+': return "at least once";
    default: return "any number of times";
    }
}

static int occ_ok(char occ, size_t n)
{
    return (occ == '1' && n == 1) || (occ == '?' && n <= 1) ||
           (occ == '+' && n >= 1) || occ == '*';
}

/*
 * The reason of a refusal. TERSE builds (base.h) record only the status's
 * short text, so they keep no format here: the arguments are only
 * type-checked, and msg is left empty.
 */
#if defined(CP_TERSE) && CP_TERSE
#define SAY(msg, cap, ...) \
    ((void)sizeof(cp_err__fmt(__VA_ARGS__)), (void)(cap), (msg)[0] = '\0')
#else
#define SAY(msg, cap, ...) (void)snprintf((msg), (cap), __VA_ARGS__)
#endif

/* How many children of c are of kind and named name. */
static size_t count_named(const cp_node *c, int kind, const char *name)
{
    const cp_node *k;
    size_t n = 0;
    for (k = cp_node__child(c); k != NULL; k = cp_node__next(k))
        n += k->kind == kind && strcmp(k->key, name) == 0;
    return n;
}

/* Check one characteristic (not its children); 0 with *bad/msg on failure. */
static cp_status check_one(const cp_node *c, const cp_node **bad, char *msg,
                           size_t cap)
{
    const char *t = table_of(c->key), *parms, *kids, *r;
    const cp_node *k;
    if (t == NULL)
        return CP_OK;
    parms = skip(t);
    kids = kids_of(parms);
    for (k = cp_node__child(c); k != NULL; k = cp_node__next(k)) {
        if (k->kind == CP_NODE_PARM) {
            for (r = parms; *r && strcmp(r + 2, k->key) != 0; r = skip(r))
                ;
            if (*r == '\0' && (*t == 'r' || *t == '-')) {
                *bad = k;
                SAY(msg, cap, "%s takes no parm %.60s", c->key, k->key);
                return CP_E_BAD_DOC;
            }
            if (*r != '\0' && !value_ok(r[1], k->value)) {
                *bad = k;
                SAY(msg, cap, "invalid value for %s %.60s", c->key, k->key);
                return CP_E_BAD_DOC;
            }
        } else if (k->kind == CP_NODE_CHARACTERISTIC) {
            for (r = kids; *r && strcmp(r + 1, k->key) != 0; r = skip(r))
                ;
            if (*r == '\0') {
                *bad = k;
                SAY(msg, cap, "%s may not contain %.60s", c->key, k->key);
                return CP_E_BAD_DOC;
            }
        }
    }
    for (r = parms; *r; r = skip(r))
        if (!occ_ok(r[0], count_named(c, CP_NODE_PARM, r + 2))) {
            *bad = c;
            SAY(msg, cap, "%s needs %s %s", c->key, r + 2, occ_text(r[0]));
            return CP_E_BAD_DOC;
        }
    for (r = kids; *r; r = skip(r))
        if (!occ_ok(r[0], count_named(c, CP_NODE_CHARACTERISTIC, r + 1))) {
            *bad = c;
            SAY(msg, cap, "%s needs %s %s", c->key, r + 1, occ_text(r[0]));
            return CP_E_BAD_DOC;
        }
    return CP_OK;
}

/* Walk every characteristic of the document (iteratively). */
cp_status cp_validate__doc(cp_ctx *ctx, const cp_doc *doc, const cp_node **bad,
                           char *msg, size_t cap)
{
    const cp_node *n = cp_node__child(doc->root);
    size_t clientids = 0;
    (void)ctx;
    *bad = NULL;
    while (n != NULL) {
        if (n->kind == CP_NODE_CHARACTERISTIC) {
            cp_status st;
            const char *t;
            if (cp_node__at_top(n) && (t = table_of(n->key)) != NULL) {
                if (*t != 'r' && *t != 'R') {
                    *bad = n;
                    SAY(msg, cap, "%s may not stand at the top level", n->key);
                    return CP_E_BAD_DOC;
                }
                if (strcmp(n->key, "CLIENTIDENTITY") == 0 && ++clientids > 1) {
                    *bad = n;
                    SAY(msg, cap, "CLIENTIDENTITY at most once");
                    return CP_E_BAD_DOC;
                }
            }
            st = check_one(n, bad, msg, cap);
            if (st)
                return st;
            if (cp_node__child(n) != NULL) {
                n = cp_node__child(n);
                continue;
            }
        }
        while (n != NULL && cp_node__next(n) == NULL)
            n = cp_node__parent(n) == doc->root ? NULL : cp_node__parent(n);
        if (n != NULL)
            n = cp_node__next(n);
    }
    return CP_OK;
}

CP_EXPORT cp_status cp_doc_validate(cp_ctx *ctx, const cp_doc *doc)
{
    const cp_node *bad = NULL;
    char msg[160], path[CP_ERRPATH_MAX];
    cp_status st;
    if (ctx == NULL || doc == NULL)
        return CP_E_INVALID_ARG;
    st = cp_validate__doc(ctx, doc, &bad, msg, sizeof msg);
    if (st == CP_OK)
        return CP_OK;
    cp_err__set(ctx, st, CP_NO_OFFSET, "%s", msg);
    if (bad) {
        cp_doc__path(bad, path, sizeof path);
        cp_err__set_path(ctx, path);
    }
    return st;
}
