/*
 * device-sim.c - a narrated OMA Client Provisioning scenario on a simulated
 * device, built on libomacp alone (this is what `make demo` runs).
 *
 * An operator's server (played by this program with libomacp's encoder and
 * MAC signer) bootstraps a fresh unbranded phone over SMS, then manages it
 * through its trusted push gateway; an attacker, a desktop and a user with
 * a bad memory for PINs get their turns; and a branded phone refuses the
 * bootstrap. Every step says what happened and why. It exits non-zero if
 * any step ends differently from what the security model says.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omacp.h>

#define IMSI "262019876543210"
#define PIN "4711"
#define TPS "http://tps.operator.example/cp"
#define GATEWAY "+4917012345678"

static int failures;

/* ---- the operator's side: documents, MACs, PDUs, SMS -------------------- */

typedef struct bytes {
    uint8_t b[8192];
    size_t n;
} bytes;

static void put(bytes *o, const void *p, size_t n)
{
    if (o->n + n > sizeof o->b) {
        fprintf(stderr, "device-sim: PDU too large\n");
        exit(70);
    }
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void putc8(bytes *o, uint8_t c)
{
    put(o, &c, 1);
}

/* Encode an XML document as WBXML with the library's encoder. */
static bytes wbxml_of(cp_ctx *ctx, const char *xml)
{
    bytes o = {{0}, 0};
    cp_doc *doc = NULL;
    uint8_t *wb = NULL;
    size_t n = 0;
    if (cp_doc_parse_xml(ctx, xml, strlen(xml), &doc) != CP_OK ||
        cp_doc_encode_wbxml(ctx, doc, 0, &wb, &n) != CP_OK) {
        fprintf(stderr, "device-sim: cannot encode: %s\n",
                cp_ctx_error_message(ctx));
        exit(70);
    }
    put(&o, wb, n);
    cp_free(ctx, wb);
    cp_doc_free(doc);
    return o;
}

/*
 * A connectionless WSP push: TID, 0x06, headers length, content type
 * (application/vnd.wap.connectivity-wbxml with SEC and MAC when signed),
 * optional X-Wap-Initiator-URI and Push-Flag, then the body.
 */
static bytes push_pdu(cp_ctx *ctx, const bytes *body, int sec, const char *pin,
                      const char *initiator, int push_flag)
{
    bytes h = {{0}, 0}, o = {{0}, 0};
    char mac[CP_MAC_TEXT_SIZE];
    if (sec >= 0) {
        if (cp_mac_compute(ctx, sec, IMSI, pin, NULL, body->b, body->n, mac,
                           sizeof mac) != CP_OK) {
            fprintf(stderr, "device-sim: cannot sign: %s\n",
                    cp_ctx_error_message(ctx));
            exit(70);
        }
        putc8(&h, 0x1F); /* Length-quote: the value is 45 octets */
        putc8(&h, 45);
        putc8(&h, 0xB6);
        putc8(&h, 0x91);
        putc8(&h, (uint8_t)(0x80 | sec));
        putc8(&h, 0x92);
        put(&h, mac, 40);
        putc8(&h, 0);
    } else {
        putc8(&h, 0xB6);
    }
    if (initiator) {
        putc8(&h, 0xB1);
        put(&h, initiator, strlen(initiator) + 1);
    }
    if (push_flag >= 0) {
        putc8(&h, 0xB4);
        putc8(&h, (uint8_t)(0x80 | push_flag));
    }
    putc8(&o, 0x01);
    putc8(&o, 0x06);
    putc8(&o, (uint8_t)h.n); /* < 128: a one-octet uintvar */
    put(&o, h.b, h.n);
    put(&o, body->b, body->n);
    return o;
}

/* ---- the device's side -------------------------------------------------- */

struct user {
    const char *pins[4]; /* what the "user" types at each prompt */
    int prompts;
};

static cp_status prompt(void *u, int sec, unsigned attempt, unsigned left,
                        char *pin, size_t cap)
{
    struct user *usr = u;
    const char *p = usr->prompts < 4 ? usr->pins[usr->prompts] : NULL;
    (void)sec;
    if (p == NULL || strlen(p) >= cap)
        return CP_E_BAD_PIN;
    printf("      [phone] enter PIN (attempt %u, %u left): the user types %s\n",
           attempt, left, p);
    usr->prompts++;
    strcpy(pin, p);
    return CP_OK;
}

static void show_audit(void *u, const cp_audit *a)
{
    static const char *const out[] = {"applied", "refused", "rolled back",
                                      "malformed", "commit pending"};
    (void)u;
    printf("      [audit] SEC=%s roles=0x%04lx %s: %s\n", cp_sec_name(a->sec),
           (unsigned long)a->roles, out[a->outcome], a->reason);
}

static void expect(int ok, const char *what)
{
    printf("   => %s%s\n\n", ok ? "" : "UNEXPECTED: ", what);
    failures += !ok;
}

typedef struct phone {
    cp_storage store;
    cp_ctx *ctx;
    cp_sms *sms;
    char dir[64];
} phone;

static const char *const imsis[] = {IMSI};

static void phone_new(phone *p, cp_profile profile)
{
    cp_config cfg;
    strcpy(p->dir, "/tmp/omacp-demo-XXXXXX");
    if (mkdtemp(p->dir) == NULL || cp_store_file_open(p->dir, &p->store)) {
        fprintf(stderr, "device-sim: no temporary directory\n");
        exit(70);
    }
    cp_config_init(&cfg);
    cfg.profile = profile;
    cfg.tier = CP_TIER_TWO;
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    cfg.storage = p->store;
    if (cp_ctx_new(&cfg, &p->ctx) || cp_csp_register_builtins(p->ctx) ||
        cp_csp_register_settings(p->ctx, "NAPDEF") ||
        cp_csp_register_settings(p->ctx, "APPLICATION") ||
        cp_sms_new(p->ctx, NULL, &p->sms)) {
        fprintf(stderr, "device-sim: cannot make the phone\n");
        exit(70);
    }
}

static void phone_free(phone *p)
{
    char cmd[128];
    cp_sms_free(p->sms);
    cp_ctx_free(p->ctx);
    cp_store_file_close(&p->store);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "device-sim: could not remove %s\n", p->dir);
}

/* Deliver a PDU as SMS segments of at most 140 octets (UDH included). */
static cp_status deliver_sms(phone *p, const bytes *pdu, cp_ppg ppg,
                             const char *gw_addr, struct user *u,
                             cp_push_result *r)
{
    static uint8_t ref = 0x40;
    const size_t room = 140 - 12;
    size_t total = (pdu->n + room - 1) / room, i;
    cp_push_hooks h;
    cp_gateway gw;
    cp_status st = CP_OK;
    cp_push_hooks_init(&h);
    h.pin = prompt;
    h.audit = show_audit;
    h.user = u;
    cp_gateway_init(&gw);
    gw.ppg = ppg;
    gw.address = gw_addr;
    ref++;
    printf("      [air] %lu-octet push in %lu SMS segments, last one first\n",
           (unsigned long)pdu->n, (unsigned long)total);
    for (i = total; i-- > 0;) { /* out of order on purpose */
        uint8_t ud[140];
        static const uint8_t udh[] = {0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0,
                                      0x00, 0x03};
        size_t n = pdu->n - i * room < room ? pdu->n - i * room : room;
        memcpy(ud, udh, sizeof udh);
        ud[9] = ref;
        ud[10] = (uint8_t)total;
        ud[11] = (uint8_t)(i + 1);
        memcpy(ud + 12, pdu->b + i * room, n);
        cp_push_result_init(r);
        st = cp_push_process_sms(p->ctx, p->sms, GATEWAY, ud, 12 + n, 1, 0,
                                 &gw, &h, r);
    }
    return st;
}

static cp_status deliver(phone *p, const bytes *pdu, cp_ppg ppg,
                         const char *gw_addr, struct user *u,
                         cp_push_result *r)
{
    cp_push_hooks h;
    cp_gateway gw;
    cp_push_hooks_init(&h);
    h.pin = prompt;
    h.audit = show_audit;
    h.user = u;
    cp_gateway_init(&gw);
    gw.ppg = ppg;
    gw.address = gw_addr;
    return cp_push_process(p->ctx, pdu->b, pdu->n, &gw, &h, r);
}

static void query(phone *p, const char *xml, uint32_t roles, int pretty)
{
    char *out = NULL, *nice = NULL;
    size_t n;
    cp_doc *doc = NULL;
    cp_process_config_xml(p->ctx, xml, strlen(xml), roles, CP_PROCESS, &out, &n);
    if (pretty && out && cp_doc_parse_xml(p->ctx, out, n, &doc) == CP_OK &&
        cp_doc_write_xml(p->ctx, doc, CP_XML_PRETTY, &nice, &n) == CP_OK)
        printf("%s", nice);
    else
        printf("%s\n", out ? out : "(nothing)");
    cp_free(p->ctx, nice);
    cp_doc_free(doc);
    cp_free(p->ctx, out);
}

static const char bootstrap_xml[] =
    "<wap-provisioningdoc version=\"1.1\">"
    "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"INTERNET\"/>"
    "<parm name=\"NAME\" value=\"Operator Internet\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.operator.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/></characteristic>"
    "<characteristic type=\"PXLOGICAL\"><parm name=\"PROXY-ID\" value=\"PPG1\"/>"
    "<parm name=\"NAME\" value=\"Operator PPG\"/><parm name=\"TRUST\"/>"
    "<parm name=\"PUSHENABLED\" value=\"1\"/>"
    "<characteristic type=\"PXPHYSICAL\">"
    "<parm name=\"PHYSICAL-PROXY-ID\" value=\"PPG1-SMSC\"/>"
    "<parm name=\"PXADDR\" value=\"" GATEWAY "\"/>"
    "<parm name=\"PXADDRTYPE\" value=\"E164\"/>"
    "<parm name=\"TO-NAPID\" value=\"INTERNET\"/></characteristic></characteristic>"
    "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"Operator TPS\"/>"
    "<parm name=\"PROVURL\" value=\"" TPS "\"/></characteristic>"
    /* the O3 recipe: once bootstrapped, OPERATOR alone is no longer MANAGER */
    "<characteristic type=\"SecurityPolicy\"><parm name=\"4119\" value=\"128\"/>"
    "<parm name=\"4143\" value=\"256\"/></characteristic>"
    "</wap-provisioningdoc>";

static const char policy_xml[] =
    "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\">"
    "<parm name=\"4097\" value=\"1\"/></characteristic>"
    "<characteristic type=\"APPLICATION\"><parm name=\"APPID\" value=\"w2\"/>"
    "<parm name=\"NAME\" value=\"Operator portal\"/>"
    "<parm name=\"TO-PROXY\" value=\"PPG1\"/></characteristic>"
    "</wap-provisioningdoc>";

int main(void)
{
    phone ph, br;
    cp_push_result r;
    cp_status st;
    struct user u;
    bytes boot, boot_pdu, pol, pol_pdu, wrong_pdu;
    uint32_t rapi, v;
    int k;

    printf("== libomacp %s device simulator\n\n", cp_version());
    phone_new(&ph, CP_PROFILE_UNBRANDED);
    printf("A fresh unbranded phone (IMSI %s, two-tier), state in %s.\n\n",
           IMSI, ph.dir);

    printf("1. The operator bootstraps it: a USERNETWPIN-signed document (key =\n"
           "   the IMSI and the PIN %s printed on the SIM card letter) with a\n"
           "   NAPDEF, its push gateway (TRUST, PUSHENABLED) and BOOTSTRAP.\n",
           PIN);
    boot = wbxml_of(ph.ctx, bootstrap_xml);
    boot_pdu = push_pdu(ph.ctx, &boot, CP_SEC_USERNETWPIN, PIN, NULL, -1);
    memset(&u, 0, sizeof u);
    u.pins[0] = PIN;
    st = deliver_sms(&ph, &boot_pdu, CP_PPG_ANY, NULL, &u, &r);
    cp_free(ph.ctx, r.output);
    expect(st == CP_OK && r.verdict.is_bootstrap &&
               cp_tps_get(ph.ctx, NULL, 0) != CP_E_NOT_FOUND,
           "accepted: the unbranded phone takes one OTA bootstrap signed with "
           "network and user PIN (policy 4143 = any push source); the TPS and "
           "its trusted gateway are stored");

    printf("2. The same bootstrap again.\n");
    memset(&u, 0, sizeof u);
    u.pins[0] = PIN;
    st = deliver_sms(&ph, &boot_pdu, CP_PPG_ANY, NULL, &u, &r);
    cp_free(ph.ctx, r.output);
    expect(st != CP_OK && u.prompts == 0,
           "refused before any PIN prompt: the policies the bootstrap set "
           "(4143 = KNOWN_PPG) no longer admit it from an unknown gateway, and "
           "a second bootstrap would be refused anyway");

    printf("3. The TPS sets RAPI to full access, unsigned, through its trusted\n"
           "   gateway, which authenticated it (Push-Flag 0x01, initiator %s);\n"
           "   the host reports the gateway as trusted, with the address the\n"
           "   bearer guarantees (%s).\n",
           TPS, GATEWAY);
    pol = wbxml_of(ph.ctx, policy_xml);
    pol_pdu = push_pdu(ph.ctx, &pol, -1, NULL, TPS, 0x01);
    memset(&u, 0, sizeof u);
    st = deliver(&ph, &pol_pdu, CP_PPG_TRUSTED, GATEWAY, &u, &r);
    cp_free(ph.ctx, r.output);
    expect(st == CP_OK && (r.verdict.roles & CP_ROLE_OPERATOR_TPS) &&
               (r.verdict.effective_roles & CP_ROLE_MANAGER) &&
               cp_policy_get(ph.ctx, CP_POLICY_RAPI, &v) == CP_OK && v == 1,
           "applied: the gateway's address is a provisioned trusted, "
           "push-enabled PPG, the initiator is the TPS, so the message is "
           "OPERATOR_TPS, which policy 4119 grants MANAGER");

    printf("4. The same document from an unknown gateway, even though the host\n"
           "   calls it trusted.\n");
    cp_policy_set(ph.ctx, CP_POLICY_RAPI, 2, CP_ROLE_EXEMPT);
    st = deliver(&ph, &pol_pdu, CP_PPG_TRUSTED, "+15550000000", &u, &r);
    cp_free(ph.ctx, r.output);
    expect(st == CP_E_REFUSED && cp_policy_get(ph.ctx, CP_POLICY_RAPI, &v) == CP_OK &&
               v == 2,
           "refused: unsigned messages are only taken from the TPS through a "
           "trusted gateway (policy 4110), and the host's word alone makes no "
           "gateway trusted; nothing changed");

    printf("5. A desktop (RAPI) asks for the PIN retry policy, under each value\n"
           "   of policy 4097.\n");
    for (k = 0; k <= 2; k++) {
        cp_policy_set(ph.ctx, CP_POLICY_RAPI, (uint32_t)k, CP_ROLE_EXEMPT);
        st = cp_source_roles(ph.ctx, CP_SOURCE_RAPI, NULL, &rapi);
        printf("   4097 = %d: ", k);
        if (st) {
            printf("%s\n", cp_ctx_error_message(ph.ctx));
            failures += k != 0;
            continue;
        }
        printf("RAPI runs as 0x%02lx: ", (unsigned long)rapi);
        query(&ph,
              "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\">"
              "<parm-query name=\"4105\"/></characteristic></wap-provisioningdoc>",
              rapi, 0);
    }
    expect(1, "0 refuses the desktop, 1 runs it as MANAGER (answered), 2 as "
              "USER_AUTH (policies need MANAGER: parm-query-error)");

    printf("6. A USERPIN-signed message through a known gateway; the user types\n"
           "   wrong PINs.\n");
    wrong_pdu = push_pdu(ph.ctx, &pol, CP_SEC_USERPIN, "2468", NULL, -1);
    memset(&u, 0, sizeof u);
    u.pins[0] = "1111";
    u.pins[1] = "2222";
    u.pins[2] = "3333";
    u.pins[3] = "2468";
    st = deliver(&ph, &wrong_pdu, CP_PPG_KNOWN, NULL, &u, &r);
    cp_free(ph.ctx, r.output);
    expect(st == CP_E_PIN_EXHAUSTED && u.prompts == 3,
           "discarded after 3 wrong PINs (policy 4105); sending it again buys "
           "no new attempts");

    printf("7. The final settings of the phone:\n");
    query(&ph,
          "<wap-provisioningdoc><characteristic-query type=\"BOOTSTRAP\"/>"
          "<characteristic-query type=\"PXLOGICAL\"/>"
          "<characteristic-query type=\"NAPDEF\"/>"
          "<characteristic-query type=\"APPLICATION\"/>"
          "<characteristic type=\"SecurityPolicy\"><parm-query name=\"4097\"/>"
          "<parm-query name=\"4119\"/><parm-query name=\"4143\"/></characteristic>"
          "</wap-provisioningdoc>",
          CP_ROLE_EXEMPT, 1);
    printf("\n");

    printf("8. The first bootstrap, sent to an operator-branded phone, even\n"
           "   through a gateway it knows and with the right PIN.\n");
    phone_new(&br, CP_PROFILE_BRANDED);
    memset(&u, 0, sizeof u);
    u.pins[0] = PIN;
    st = deliver_sms(&br, &boot_pdu, CP_PPG_KNOWN, NULL, &u, &r);
    cp_free(br.ctx, r.output);
    expect(st == CP_E_REFUSED && r.verdict.is_bootstrap &&
               cp_tps_get(br.ctx, NULL, 0) == CP_E_NOT_FOUND,
           "refused after the MAC checked out: a branded phone never takes an "
           "OTA bootstrap");

    phone_free(&br);
    phone_free(&ph);
    printf("== %s\n", failures ? "SOME STEPS ENDED UNEXPECTEDLY" : "every step "
                                                                   "ended as the "
                                                                   "security model "
                                                                   "says");
    return failures ? 1 : 0;
}
