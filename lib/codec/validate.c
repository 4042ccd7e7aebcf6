/*
 * validate.c - the ProvCont occurrence and value rules (protocol.md b.8):
 * which parms and child characteristics each ProvCont characteristic
 * takes, how often, and which values. Types this table does not know
 * (host CSPs, Windows Mobile CSPs) are not checked.
 */
#include <stdio.h>
#include <string.h>

#include "docint.h"

enum occ { ONE, OPT, ANY, SOME };       /* 1, 0..1, 0..n, 1..n */
enum vt { VS, VU, VX, VN, VE };          /* string, unsigned, hex ok, no value, enum */

typedef struct prule {
    const char *name;
    uint8_t occ, vt;
    const char *const *set; /* VE */
} prule;

typedef struct crule {
    const char *type;
    uint8_t occ;
} crule;

typedef struct ctab {
    const char *type;
    const prule *parms;
    const crule *kids;
    int open; /* 1: other parms allowed (application or vendor specific) */
} ctab;

static const char *const addrtypes[] = {"IPV4", "IPV6", "E164", "ALPHA", "APN",
                                        "SCODE", "TETRA-ITSI", "MAN", NULL};
static const char *const calltypes[] = {
    "ANALOG-MODEM", "V.120", "V.110", "X.31", "BIT-TRANSPARENT",
    "DIRECT-ASYNCHRONOUS-DATA-SERVICE", NULL};
static const char *const authtypes[] = {"PAP", "CHAP", "MD5", NULL};
static const char *const pxauthtypes[] = {"HTTP-BASIC", "HTTP-DIGEST", "WTLS-SS",
                                          NULL};
static const char *const bearers[] = {
    "GSM-USSD", "GSM-SMS", "ANSI-136-GUTS", "IS-95-CDMA-SMS", "IS-95-CDMA-CSD",
    "IS-95-CDMA-PACKET", "ANSI-136-CSD", "ANSI-136-GPRS", "GSM-CSD",
    "GSM-GPRS", "AMPS-CDPD", "PDC-CSD", "PDC-PACKET", "IDEN-SMS", "IDEN-CSD",
    "IDEN-PACKET", "FLEX/REFLEX", "PHS-SMS", "PHS-CSD", "TETRA-SDS",
    "TETRA-PACKET", "ANSI-136-GHOST", "MOBITEX-MPAK", "CDMA2000-1X-SIMPLE-IP",
    "CDMA2000-1X-MOBILE-IP", "3G-GSM", "WLAN", NULL};
static const char *const services[] = {
    "CL-WSP", "CO-WSP", "CL-SEC-WSP", "CO-SEC-WSP", "CL-SEC-WTA",
    "CO-SEC-WTA", "OTA-HTTP-TO", "OTA-HTTP-TLS-TO", "OTA-HTTP-PO",
    "OTA-HTTP-TLS-PO", NULL};
static const char *const entities[] = {"AAA", "HA", NULL};

#define END {NULL, 0, 0, NULL}
#define CEND {NULL, 0}

static const prule px_logical[] = {
    {"PROXY-ID", ONE, VS, NULL}, {"NAME", ONE, VS, NULL},
    {"PROXY-PROVIDER-ID", OPT, VS, NULL}, {"DOMAIN", ANY, VS, NULL},
    {"STARTPAGE", OPT, VS, NULL}, {"BASAUTH-ID", OPT, VS, NULL},
    {"BASAUTH-PW", OPT, VS, NULL}, {"WSP-VERSION", OPT, VS, NULL},
    {"PUSHENABLED", OPT, VU, NULL}, {"PULLENABLED", OPT, VU, NULL},
    {"TRUST", OPT, VN, NULL}, {"MASTER", OPT, VN, NULL},
    {"PROXY-PW", OPT, VS, NULL}, {"PPGAUTH-TYPE", OPT, VE, pxauthtypes}, END};
static const crule px_logical_k[] = {
    {"PXAUTHINFO", ANY}, {"PORT", ANY}, {"PXPHYSICAL", SOME}, CEND};
static const prule px_authinfo[] = {{"PXAUTH-TYPE", ONE, VE, pxauthtypes},
                                    {"PXAUTH-ID", OPT, VS, NULL},
                                    {"PXAUTH-PW", OPT, VS, NULL}, END};
static const prule px_physical[] = {
    {"PHYSICAL-PROXY-ID", ONE, VS, NULL}, {"PXADDR", ONE, VS, NULL},
    {"TO-NAPID", SOME, VS, NULL}, {"PXADDRTYPE", OPT, VE, addrtypes},
    {"PXADDR-FQDN", OPT, VS, NULL}, {"DOMAIN", ANY, VS, NULL},
    {"WSP-VERSION", OPT, VS, NULL}, {"PUSHENABLED", OPT, VU, NULL},
    {"PULLENABLED", OPT, VU, NULL}, END};
static const crule port_only[] = {{"PORT", ANY}, CEND};
static const prule port[] = {{"PORTNBR", ONE, VU, NULL},
                             {"SERVICE", ANY, VE, services}, END};
static const prule napdef[] = {
    {"NAPID", ONE, VS, NULL}, {"NAME", ONE, VS, NULL},
    {"NAP-ADDRESS", ONE, VS, NULL}, {"NAP-ADDRTYPE", OPT, VE, addrtypes},
    {"BEARER", ANY, VE, bearers}, {"CALLTYPE", OPT, VE, calltypes},
    {"INTERNET", OPT, VN, NULL}, {"LOCAL-ADDR", OPT, VS, NULL},
    {"LOCAL-ADDRTYPE", OPT, VE, addrtypes}, {"LINKSPEED", OPT, VS, NULL},
    {"DNLINKSPEED", OPT, VS, NULL}, {"LINGER", OPT, VU, NULL},
    {"DNS-ADDR", ANY, VS, NULL}, {"MAX-NUM-RETRY", OPT, VX, NULL},
    {"FIRST-RETRY-TIMEOUT", OPT, VX, NULL}, {"REREG-THRESHOLD", OPT, VX, NULL},
    {"T-BIT", OPT, VN, NULL}, {"DELIVERY-ERR-SDU", OPT, VX, NULL},
    {"DELIVERY-ORDER", OPT, VX, NULL}, {"TRAFFIC-CLASS", OPT, VX, NULL},
    {"MAX-SDU-SIZE", OPT, VX, NULL}, {"MAX-BITRATE-UPLINK", OPT, VX, NULL},
    {"MAX-BITRATE-DNLINK", OPT, VX, NULL}, {"RESIDUAL-BER", OPT, VX, NULL},
    {"SDU-ERROR-RATIO", OPT, VX, NULL}, {"TRAFFIC-HANDL-PRIO", OPT, VX, NULL},
    {"TRANSFER-DELAY", OPT, VX, NULL},
    {"GUARANTEED-BITRATE-UPLINK", OPT, VX, NULL},
    {"GUARANTEED-BITRATE-DNLINK", OPT, VX, NULL}, END};
static const crule napdef_k[] = {{"NAPAUTHINFO", ANY}, {"VALIDITY", ANY}, CEND};
static const prule napauth[] = {{"AUTHTYPE", ONE, VE, authtypes},
                                {"AUTHNAME", OPT, VS, NULL},
                                {"AUTHSECRET", OPT, VS, NULL},
                                {"AUTH-ENTITY", ANY, VE, entities},
                                {"SPI", OPT, VS, NULL}, END};
static const prule validity[] = {{"COUNTRY", OPT, VS, NULL},
                                 {"NETWORK", OPT, VS, NULL},
                                 {"SID", OPT, VS, NULL}, {"SOC", OPT, VS, NULL},
                                 {"VALIDUNTIL", OPT, VU, NULL}, END};
static const prule bootstrap[] = {{"NAME", OPT, VS, NULL},
                                  {"PROVURL", OPT, VS, NULL},
                                  {"CONTEXT-ALLOW", OPT, VU, NULL},
                                  {"COUNTRY", OPT, VS, NULL},
                                  {"NETWORK", ANY, VS, NULL},
                                  {"PROXY-ID", ANY, VS, NULL}, END};
static const prule clientid[] = {{"CLIENT-ID", ONE, VS, NULL}, END};
static const prule vendor[] = {{"NAME", ONE, VS, NULL}, END};
static const prule application[] = {
    {"APPID", ONE, VS, NULL}, {"NAME", OPT, VS, NULL},
    {"PROVIDER-ID", OPT, VS, NULL}, {"AACCEPT", OPT, VS, NULL},
    {"APROTOCOL", OPT, VS, NULL}, {"TO-PROXY", ANY, VS, NULL},
    {"TO-NAPID", ANY, VS, NULL}, {"ADDR", ANY, VS, NULL}, END};
static const crule application_k[] = {
    {"APPADDR", ANY}, {"APPAUTH", ANY}, {"RESOURCE", ANY}, CEND};
static const prule appaddr[] = {{"ADDR", ONE, VS, NULL},
                                {"ADDRTYPE", OPT, VS, NULL}, END};
static const prule appauth[] = {
    {"AAUTHLEVEL", OPT, VS, NULL}, {"AAUTHTYPE", OPT, VS, NULL},
    {"AAUTHNAME", OPT, VS, NULL}, {"AAUTHSECRET", OPT, VS, NULL},
    {"AAUTHDATA", OPT, VS, NULL}, END};
static const prule resource[] = {
    {"URI", ONE, VS, NULL}, {"NAME", OPT, VS, NULL},
    {"AACCEPT", OPT, VS, NULL}, {"AAUTHTYPE", OPT, VS, NULL},
    {"AAUTHNAME", OPT, VS, NULL}, {"AAUTHSECRET", OPT, VS, NULL},
    {"AAUTHDATA", OPT, VS, NULL}, {"STARTPAGE", OPT, VN, NULL},
    {"CLIURI", OPT, VS, NULL}, {"IMAGE", OPT, VS, NULL},
    {"SYNCTYPE", OPT, VS, NULL}, END};
static const prule access_r[] = {
    {"RULE", SOME, VS, NULL}, {"APPID", ANY, VS, NULL},
    {"PORTNBR", ANY, VU, NULL}, {"DOMAIN", ANY, VS, NULL},
    {"TO-NAPID", ANY, VS, NULL}, {"TO-PROXY", ANY, VS, NULL}, END};
static const crule none_k[] = {CEND};

static const ctab tables[] = {
    {"PXLOGICAL", px_logical, px_logical_k, 0},
    {"PXAUTHINFO", px_authinfo, none_k, 0},
    {"PXPHYSICAL", px_physical, port_only, 0},
    {"PORT", port, none_k, 0},
    {"NAPDEF", napdef, napdef_k, 0},
    {"NAPAUTHINFO", napauth, none_k, 0},
    {"VALIDITY", validity, none_k, 0},
    {"BOOTSTRAP", bootstrap, none_k, 0},
    {"CLIENTIDENTITY", clientid, none_k, 0},
    {"VENDORCONFIG", vendor, none_k, 1},
    {"APPLICATION", application, application_k, 1},
    {"APPADDR", appaddr, port_only, 0},
    {"APPAUTH", appauth, none_k, 0},
    {"RESOURCE", resource, none_k, 0},
    {"ACCESS", access_r, none_k, 0},
};

static const ctab *table_of(const char *type)
{
    size_t i;
    for (i = 0; i < sizeof tables / sizeof tables[0]; i++)
        if (strcmp(tables[i].type, type) == 0)
            return &tables[i];
    return NULL;
}

static int value_ok(const prule *r, const char *v)
{
    size_t i;
    switch (r->vt) {
    case VU:
        if (v == NULL || *v == '\0')
            return 0;
        for (i = 0; v[i]; i++)
            if (v[i] < '0' || v[i] > '9')
                return 0;
        return i <= 10;
    case VX:
        if (v == NULL || *v == '\0')
            return 0;
        if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && v[2] != '\0') {
            for (i = 2; v[i]; i++)
                if (!((v[i] >= '0' && v[i] <= '9') ||
                      ((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'f')))
                    return 0;
            return 1;
        }
        for (i = 0; v[i]; i++)
            if (v[i] < '0' || v[i] > '9')
                return 0;
        return 1;
    case VN:
        return v == NULL || *v == '\0';
    case VE:
        for (i = 0; v != NULL && r->set[i] != NULL; i++)
            if (strcmp(r->set[i], v) == 0)
                return 1;
        return 0;
    default:
        return 1;
    }
}

static const char *occ_text(int occ)
{
    switch (occ) {
    case ONE: return "exactly once";
    case OPT: return "at most once";
    case SOME: return "at least once";
    default: return "any number of times";
    }
}

static int occ_ok(int occ, size_t n)
{
    return (occ == ONE && n == 1) || (occ == OPT && n <= 1) ||
           (occ == SOME && n >= 1) || occ == ANY;
}

/* Check one characteristic (not its children); 0 with *bad/msg on failure. */
static cp_status check_one(cp_ctx *ctx, const cp_node *c, const cp_node **bad,
                           char *msg, size_t cap)
{
    const ctab *t = table_of(c->key);
    const cp_node *k;
    size_t i;
    if (t == NULL)
        return CP_OK;
    for (k = cp_node__child(c); k != NULL; k = cp_node__next(k)) {
        if (k->kind == CP_NODE_PARM) {
            const prule *r = t->parms;
            while (r->name && strcmp(r->name, k->key) != 0)
                r++;
            if (r->name == NULL && !t->open) {
                *bad = k;
                snprintf(msg, cap, "%s takes no parm %.60s", c->key, k->key);
                return CP_E_BAD_DOC;
            }
            if (r->name != NULL && !value_ok(r, k->value)) {
                *bad = k;
                snprintf(msg, cap, "invalid value for %s %.60s", c->key, k->key);
                return CP_E_BAD_DOC;
            }
        } else if (k->kind == CP_NODE_CHARACTERISTIC) {
            const crule *r = t->kids;
            while (r->type && strcmp(r->type, k->key) != 0)
                r++;
            if (r->type == NULL) {
                *bad = k;
                snprintf(msg, cap, "%s may not contain %.60s", c->key, k->key);
                return CP_E_BAD_DOC;
            }
        }
    }
    for (i = 0; t->parms[i].name != NULL; i++) {
        size_t n = 0;
        for (k = cp_node__child(c); k != NULL; k = cp_node__next(k))
            n += k->kind == CP_NODE_PARM && strcmp(k->key, t->parms[i].name) == 0;
        if (!occ_ok(t->parms[i].occ, n)) {
            *bad = c;
            snprintf(msg, cap, "%s needs %s %s", c->key, t->parms[i].name,
                     occ_text(t->parms[i].occ));
            return CP_E_BAD_DOC;
        }
    }
    for (i = 0; t->kids[i].type != NULL; i++) {
        size_t n = 0;
        for (k = cp_node__child(c); k != NULL; k = cp_node__next(k))
            n += k->kind == CP_NODE_CHARACTERISTIC &&
                 strcmp(k->key, t->kids[i].type) == 0;
        if (!occ_ok(t->kids[i].occ, n)) {
            *bad = c;
            snprintf(msg, cap, "%s needs %s %s", c->key, t->kids[i].type,
                     occ_text(t->kids[i].occ));
            return CP_E_BAD_DOC;
        }
    }
    (void)ctx;
    return CP_OK;
}

/* Walk every characteristic of the document (iteratively). */
cp_status cp_validate__doc(cp_ctx *ctx, const cp_doc *doc, const cp_node **bad,
                           char *msg, size_t cap)
{
    const cp_node *n = cp_node__child(doc->root);
    static const char *const roots[] = {"PXLOGICAL", "NAPDEF", "BOOTSTRAP",
                                        "VENDORCONFIG", "CLIENTIDENTITY",
                                        "APPLICATION", "ACCESS", NULL};
    size_t clientids = 0;
    *bad = NULL;
    while (n != NULL) {
        if (n->kind == CP_NODE_CHARACTERISTIC) {
            cp_status st;
            if (cp_node__at_top(n) && table_of(n->key) != NULL) {
                size_t i;
                for (i = 0; roots[i] && strcmp(roots[i], n->key) != 0; i++)
                    ;
                if (roots[i] == NULL) {
                    *bad = n;
                    snprintf(msg, cap, "%s may not stand at the top level",
                             n->key);
                    return CP_E_BAD_DOC;
                }
                if (strcmp(n->key, "CLIENTIDENTITY") == 0 && ++clientids > 1) {
                    *bad = n;
                    snprintf(msg, cap, "CLIENTIDENTITY at most once");
                    return CP_E_BAD_DOC;
                }
            }
            st = check_one(ctx, n, bad, msg, cap);
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
