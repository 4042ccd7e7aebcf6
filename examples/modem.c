/*
 * modem.c - a firmware's receive path: the PDU-mode lines a GSM modem
 * gives for incoming SMS ("+CMT: ,LEN" then the hex of the SMSC address and
 * the SMS-DELIVER TPDU), through cp_sms_parse_deliver and
 * cp_push_process_sms, to a host CSP that configures the access point.
 *
 *   modem FILE [PIN]   read the modem's lines from FILE (a capture, or a
 *                      pseudo-terminal the modem is attached to)
 *   modem              no arguments: make the lines itself in a temporary
 *                      file (the operator's side: cp_push_build,
 *                      cp_sms_split), then read them
 *
 * It shows the two things a real integration has to get right:
 *  - the deferred PIN: a USERNETWPIN bootstrap needs the PIN the user was
 *    given with the SIM; the modem's thread must not wait for the user, so
 *    the PIN prompt answers "not now" (the message is refused, nothing is
 *    counted), the PDU is kept, and when the user has typed the PIN the
 *    same PDU is processed again (cp_push_process);
 *  - how the host learns what changed: its own CSP (here "NAPDEF", kept in
 *    a struct) is called for every parm of the committed document, and
 *    commit tells it the whole document applied.
 *
 * Build: cc modem.c $(pkg-config --cflags --libs omacp)
 * SPDX-License-Identifier: MIT
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <omacp.h>

#define IMSI "262019876543210"
#define SIM_PIN "4711" /* printed on the SIM's card, typed by the user */
#define GATEWAY "+4917012345678"

/* ---- the host's access point CSP: what the firmware would configure ----- */

struct apn {
    char pending[128]; /* NAP-ADDRESS of the running document */
    char active[128];  /* the access point in use */
    int changes;
};

static cp_status ap_parm(void *user, cp_csp_session *s, const char *path,
                         const char *name, const char *value, void *cookie)
{
    struct apn *a = user;
    (void)s;
    (void)path;
    (void)cookie;
    if (strcmp(name, "NAP-ADDRESS") == 0 && value != NULL) {
        if (strlen(value) >= sizeof a->pending)
            return CP_E_BAD_DOC;
        memcpy(a->pending, value, strlen(value) + 1);
    }
    return CP_OK; /* the other NAPDEF parms: accepted, not used here */
}

static cp_status ap_commit(void *user, cp_csp_session *s)
{
    struct apn *a = user;
    (void)s;
    if (a->pending[0] != '\0') { /* only now: the whole document applied */
        memcpy(a->active, a->pending, sizeof a->active);
        a->changes++;
        printf("host: configure the access point \"%s\"\n", a->active);
    }
    a->pending[0] = '\0';
    return CP_OK;
}

static cp_status ap_rollback(void *user, cp_csp_session *s)
{
    struct apn *a = user;
    (void)s;
    a->pending[0] = '\0';
    return CP_OK;
}

static cp_status ap_begin(void *user, cp_csp_session *s)
{
    return ap_rollback(user, s);
}

static cp_status ap_enter(void *user, cp_csp_session *s, const char *path,
                          const char *type, void *pc, void **cookie)
{
    (void)user;
    (void)s;
    (void)path;
    (void)type;
    (void)pc;
    (void)cookie;
    return CP_OK;
}

/* ---- the PIN: asked for later, never inside the modem's thread ------------- */

struct pin_box {
    const char *pin; /* NULL: the user has not typed it yet */
    int asked;
};

static cp_status ask_pin(void *user, int sec, unsigned attempt,
                         unsigned attempts_left, char *pin, size_t cap)
{
    struct pin_box *b = user;
    (void)sec;
    (void)attempt;
    (void)attempts_left;
    b->asked = 1;
    if (b->pin == NULL || strlen(b->pin) >= cap)
        return CP_E_BAD_PIN; /* "not now": refused, no attempt counted */
    memcpy(pin, b->pin, strlen(b->pin) + 1);
    return CP_OK;
}

/* ---- the operator's side: make the modem's lines --------------------------- */

static const char boot_xml[] =
    "<wap-provisioningdoc version=\"1.1\">"
    "<characteristic type=\"NAPDEF\"><parm name=\"NAPID\" value=\"INTERNET\"/>"
    "<parm name=\"NAME\" value=\"Operator Internet\"/>"
    "<parm name=\"NAP-ADDRESS\" value=\"internet.operator.example\"/>"
    "<parm name=\"NAP-ADDRTYPE\" value=\"APN\"/>"
    "<parm name=\"BEARER\" value=\"GSM-GPRS\"/></characteristic>"
    "<characteristic type=\"BOOTSTRAP\"><parm name=\"NAME\" value=\"Operator\"/>"
    "<parm name=\"PROVURL\" value=\"http://tps.operator.example/cp\"/>"
    "</characteristic></wap-provisioningdoc>";

/* Write the "+CMT:" lines a modem would give for the bootstrap push. */
static int make_lines(const char *file)
{
    cp_ctx *ctx = NULL;
    cp_push_build_options o;
    cp_sms_split_options so;
    cp_sms_part *parts = NULL;
    uint8_t *pdu = NULL;
    size_t pdu_len = 0, n = 0, i, k;
    FILE *f;
    int rc = 1;
    if (cp_ctx_new(NULL, &ctx) != CP_OK)
        return 1;
    cp_push_build_options_init(&o);
    o.sec = CP_SEC_USERNETWPIN;
    o.imsi = IMSI;
    o.pin = SIM_PIN;
    cp_sms_split_options_init(&so);
    so.deliver = 1;
    so.originator = GATEWAY;
    so.smsc = "+491720000000"; /* +CMT: lines start with the SMSC address */
    so.ref = 42;
    f = fopen(file, "w");
    if (f != NULL &&
        cp_push_build(ctx, &o, (const uint8_t *)boot_xml, strlen(boot_xml), &pdu,
                      &pdu_len, NULL, 0) == CP_OK &&
        cp_sms_split(ctx, &so, pdu, pdu_len, &parts, &n) == CP_OK) {
        fprintf(f, "AT+CNMI=2,2,0,0,0\r\nOK\r\n"); /* modem chatter: ignored */
        for (i = 0; i < n; i++) {
            /* the length counts the TPDU without the SMSC address */
            fprintf(f, "+CMT: ,%lu\r\n",
                    (unsigned long)(parts[i].len - 1 - parts[i].data[0]));
            for (k = 0; k < parts[i].len; k++)
                fprintf(f, "%02X", parts[i].data[k]);
            fprintf(f, "\r\n");
        }
        rc = 0;
    }
    if (f != NULL && fclose(f) != 0)
        rc = 1;
    cp_free(ctx, parts);
    cp_free(ctx, pdu);
    cp_ctx_free(ctx);
    if (rc)
        fprintf(stderr, "modem: cannot make %s\n", file);
    return rc;
}

/* ---- the device ---------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* The octets of a hex line; 0 when it is not hex. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    while (s[0] != '\0' && s[0] != '\r' && s[0] != '\n') {
        int hi = hexval(s[0]), lo = s[1] ? hexval(s[1]) : -1;
        if (hi < 0 || lo < 0 || n == cap)
            return 0;
        out[n++] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    return n;
}

struct device {
    cp_ctx *ctx;
    cp_sms *sms;
    struct apn apn;
    struct pin_box pin;
};

static int device_new(struct device *d)
{
    static const char *const imsis[] = {IMSI};
    static const cp_csp_ops ops = {sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX,
                                   ap_begin, ap_enter, NULL, ap_parm, NULL,
                                   NULL, NULL, NULL, ap_commit, ap_rollback,
                                   NULL};
    cp_config cfg;
    memset(d, 0, sizeof *d);
    cp_config_init(&cfg);
    cfg.profile = CP_PROFILE_UNBRANDED; /* accepts one OTA bootstrap */
    cfg.imsis = imsis;
    cfg.n_imsis = 1;
    return cp_ctx_new(&cfg, &d->ctx) != CP_OK ||
           cp_csp_register_builtins(d->ctx) != CP_OK ||
           cp_csp_register(d->ctx, "NAPDEF", &ops, &d->apn) != CP_OK ||
           cp_sms_new(d->ctx, NULL, &d->sms) != CP_OK;
}

/* The audit hook: every message, with what happened and why. */
static void audit(void *user, const cp_audit *a)
{
    (void)user;
    printf("audit: SEC %s, roles 0x%lx, outcome %d: %s\n", cp_sec_name(a->sec),
           (unsigned long)a->roles, (int)a->outcome, a->reason);
}

static void hooks_of(struct device *d, cp_push_hooks *h)
{
    cp_push_hooks_init(h);
    h->pin = ask_pin;
    h->audit = audit;
    h->user = &d->pin;
}

/* One +CMT: line's octets. */
static cp_status on_line(struct device *d, const uint8_t *octets, size_t len,
                         uint64_t now)
{
    cp_sms_deliver sm;
    cp_gateway gw;
    cp_push_hooks h;
    cp_push_result r;
    cp_status st;
    cp_sms_deliver_init(&sm);
    st = cp_sms_parse_deliver(d->ctx, octets, len, CP_TPDU_SMSC_AUTO, &sm);
    if (st != CP_OK) {
        printf("modem: not an SMS-DELIVER: %s\n", cp_ctx_error_message(d->ctx));
        return st;
    }
    if (!sm.is_wap_push) {
        printf("modem: an SMS from %s that is not a WAP push: for the inbox\n",
               sm.originator);
        return CP_OK;
    }
    /* An SMS bearer shows only the originator, which any sender can set:
       it is not a proven gateway address, so no gateway trust is claimed. */
    cp_gateway_init(&gw);
    hooks_of(d, &h);
    cp_push_result_init(&r);
    d->pin.asked = 0;
    st = cp_push_process_sms(d->ctx, d->sms, sm.originator, sm.ud, sm.ud_len,
                             sm.udhi, now, &gw, &h, &r);
    if (r.pending)
        return CP_OK; /* more parts to come */
    if (st == CP_E_BAD_PIN && d->pin.asked && d->pin.pin == NULL)
        /* the deferred PIN: nothing counted; ask the user, come back */
        printf("device: a PIN-signed message: asking the user for the PIN\n");
    cp_free(d->ctx, r.output);
    return st;
}

int main(int argc, char **argv)
{
    char tmp[] = "/tmp/omacp-modem-XXXXXX";
    const char *file = argv[1];
    char line[1024];
    uint8_t octets[200];
    struct device d;
    FILE *f;
    cp_status st = CP_OK;
    uint64_t now = 1000;
    int rc = 1;
    if (argc == 1) {
        int fd = mkstemp(tmp);
        if (fd < 0)
            return 1;
        close(fd);
        file = tmp;
        if (make_lines(file) != 0) {
            remove(tmp);
            return 1;
        }
    }
    if (device_new(&d) != 0) {
        fprintf(stderr, "modem: cannot set up the device\n");
        return 1;
    }
    f = fopen(file, "r");
    if (f == NULL) {
        perror(file);
        goto out;
    }
    /* pass 1: the modem's lines as they come; the user is away */
    while (fgets(line, sizeof line, f) != NULL) {
        size_t n;
        if (strncmp(line, "+CMT:", 5) != 0 && strncmp(line, "+CMGR:", 6) != 0)
            continue; /* modem chatter */
        if (fgets(line, sizeof line, f) == NULL)
            break;
        n = unhex(line, octets, sizeof octets);
        if (n == 0)
            continue;
        st = on_line(&d, octets, n, now++);
    }
    fclose(f);
    if (st == CP_E_BAD_PIN) {
        /* pass 2: the user typed the PIN; the same message again (a host
           keeps the parts it was given; here they are read again) */
        d.pin.pin = argc > 2 ? argv[2] : SIM_PIN;
        printf("user: types the PIN\n");
        f = fopen(file, "r");
        if (f == NULL)
            goto out;
        while (fgets(line, sizeof line, f) != NULL) {
            size_t n;
            if (strncmp(line, "+CMT:", 5) != 0 && strncmp(line, "+CMGR:", 6) != 0)
                continue;
            if (fgets(line, sizeof line, f) == NULL)
                break;
            n = unhex(line, octets, sizeof octets);
            if (n != 0)
                st = on_line(&d, octets, n, now++);
        }
        fclose(f);
    }
    if (st == CP_OK && d.apn.changes == 1) {
        char url[CP_TPS_URL_MAX + 1];
        if (cp_tps_get(d.ctx, url, sizeof url) == CP_OK)
            printf("device: bootstrapped by %s, access point %s\n", url,
                   d.apn.active);
        rc = 0;
    } else {
        printf("device: not applied: %s\n", cp_strerror(st));
    }
out:
    cp_sms_free(d.sms);
    cp_ctx_free(d.ctx);
    if (argc == 1)
        remove(tmp);
    return rc;
}
