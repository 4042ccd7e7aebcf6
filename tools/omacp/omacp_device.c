/*
 * omacp_device.c - the device commands of the omacp tool: one simulated
 * device per state directory (kept by the file store).
 *
 *   omacp device init --state DIR [--profile branded|unbranded]
 *                     [--tier one|two] [--imsi DIGITS]...
 *                     [--settings-csp TYPE]...
 *   omacp device show --state DIR [--json]
 *   omacp push    --state DIR [--ppg any|known|trusted] [--gateway ADDR]
 *                 [--pin PIN] [--confirm] [FILE|-]
 *   omacp sms     --state DIR [--ppg ...] [--gateway ADDR] [--pin PIN]
 *                 [--confirm] [--tpdu] PART...
 *   omacp process --state DIR --source SOURCE [--signer SHA1HEX]
 *                 [--metadata] [FILE|-]
 *   omacp policy  --state DIR get ID | set ID VALUE | reset ID | list
 *   omacp spc     --state DIR add SHA1HEX ROLEMASK | remove SHA1HEX | list
 *
 * push, sms, process, policy and spc take --json (one object on stdout).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "omacp.h"
#include "tool.h"

#define DEVICE_BLOB "device"

/* The ProvCont types the tool's device keeps with the generic settings CSP. */
static const char *const settings_types[] = {
    "NAPDEF", "APPLICATION", "CLIENTIDENTITY", "VENDORCONFIG", "ACCESS"};

/* Further characteristic types a device hosts with the settings CSP. */
#define MAX_EXTRA_TYPES 16

typedef struct device {
    cp_storage store;
    cp_ctx *ctx;
    char extra[MAX_EXTRA_TYPES][61]; /* --settings-csp TYPE */
    size_t n_extra;
    char imsis[CP_MAX_IMSIS][16];
    const char *imsi_ptr[CP_MAX_IMSIS];
    size_t n_imsis;
    cp_profile profile;
    cp_tier tier;
} device;

/* Common options of the device commands. */
typedef struct dopts {
    const char *state, *file, *pin, *gateway, *source, *signer;
    const char *cert; /* spc add --cert FILE */
    cp_ppg ppg;
    int metadata, confirm, json;
    const char **rest; /* positional arguments */
    int nrest;
    int tpdu; /* sms: the parts are SMS-DELIVER TPDUs */
} dopts;

enum { D_STATE = 1, D_PIN, D_GATEWAY, D_SOURCE, D_SIGNER, D_CERT, D_PPG,
       D_METADATA, D_CONFIRM, D_TPDU, D_JSON };
#define D_(x) (1u << (x))
#define D_PUSH (D_(D_STATE) | D_(D_PIN) | D_(D_GATEWAY) | D_(D_PPG) | \
                D_(D_CONFIRM) | D_(D_JSON))

/* The options of one device command (allowed: D_ bits); the positional
   arguments go to o->rest. */
static int parse_dopts(int argc, char **argv, dopts *o, const char *cmd,
                       unsigned allowed)
{
    static const tool_opt all[] = {
        {"--state", 1, D_STATE},     {"--pin", 1, D_PIN},
        {"--gateway", 1, D_GATEWAY}, {"--source", 1, D_SOURCE},
        {"--signer", 1, D_SIGNER},   {"--cert", 1, D_CERT},
        {"--ppg", 1, D_PPG},         {"--metadata", 0, D_METADATA},
        {"--confirm", 0, D_CONFIRM}, {"--tpdu", 0, D_TPDU},
        {"--json", 0, D_JSON}};
    tool_opt opts[sizeof all / sizeof all[0] + 1];
    tool_args t;
    size_t k, n = 0;
    int id;
    memset(o, 0, sizeof *o);
    o->rest = calloc((size_t)argc + 1, sizeof *o->rest);
    if (o->rest == NULL)
        return EXIT_SOFTWARE;
    for (k = 0; k < sizeof all / sizeof all[0]; k++)
        if (allowed & D_(all[k].id))
            opts[n++] = all[k];
    opts[n].name = NULL;
    tool_args_init(&t, cmd, argc, argv, 1);
    while ((id = tool_next(&t, opts)) != -1) {
        const char *v = t.arg;
        switch (id) {
        case D_STATE: o->state = v; break;
        case D_PIN: o->pin = v; break;
        case D_GATEWAY: o->gateway = v; break;
        case D_SOURCE: o->source = v; break;
        case D_SIGNER: o->signer = v; break;
        case D_CERT: o->cert = v; break;
        case D_METADATA: o->metadata = 1; break;
        case D_CONFIRM: o->confirm = 1; break;
        case D_TPDU: o->tpdu = 1; break;
        case D_JSON: o->json = 1; break;
        case D_PPG:
            if (strcmp(v, "any") == 0)
                o->ppg = CP_PPG_ANY;
            else if (strcmp(v, "known") == 0)
                o->ppg = CP_PPG_KNOWN;
            else if (strcmp(v, "trusted") == 0)
                o->ppg = CP_PPG_TRUSTED;
            else {
                fprintf(stderr, "%s: --ppg takes any, known or trusted\n", cmd);
                return EXIT_USAGE;
            }
            break;
        case 0:
            o->rest[o->nrest++] = t.arg;
            break;
        default:
            return -id;
        }
    }
    if (o->state == NULL) {
        fprintf(stderr, "%s: --state DIR is required\n", cmd);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* ---- the device's configuration blob: "key=value" lines ----------------- */

static int save_config(device *d)
{
    char buf[256 + MAX_EXTRA_TYPES * 72];
    size_t i, n;
    n = (size_t)snprintf(buf, sizeof buf, "profile=%s\ntier=%s\n",
                         d->profile == CP_PROFILE_UNBRANDED ? "unbranded"
                                                            : "branded",
                         d->tier == CP_TIER_ONE ? "one" : "two");
    for (i = 0; i < d->n_imsis; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "imsi=%s\n",
                              d->imsis[i]);
    for (i = 0; i < d->n_extra; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "csp=%s\n",
                              d->extra[i]);
    return d->store.save(d->store.user, DEVICE_BLOB, (const uint8_t *)buf,
                         n) == CP_OK
               ? EXIT_OK
               : EXIT_CANTCREAT;
}

/* A damaged device file: exit EXIT_IOERR with the way back. */
static int damaged(const char *state, const char *why)
{
    fprintf(stderr,
            "omacp: the device file %s/" DEVICE_BLOB " is damaged: %s\n"
            "omacp: to recover, fix it (lines profile=branded|unbranded, "
            "tier=one|two, imsi=DIGITS, csp=TYPE) or move %s aside and run "
            "omacp device init --state %s again\n",
            state, why, state, state);
    return EXIT_IOERR;
}

static int load_config(device *d, const char *state)
{
    char buf[512 + MAX_EXTRA_TYPES * 72], *line, *save = NULL, why[160];
    size_t len = 0, k;
    int have_profile = 0, have_tier = 0;
    unsigned long n = 0;
    cp_status st = d->store.load(d->store.user, DEVICE_BLOB, (uint8_t *)buf,
                                 sizeof buf - 1, &len);
    if (st == CP_E_NOT_FOUND) {
        fprintf(stderr,
                "omacp: %s is not a device (run: omacp device init --state %s)\n",
                state, state);
        return EXIT_NOINPUT;
    }
    if (st != CP_OK)
        return damaged(state, st == CP_E_BUFFER_TOO_SMALL ? "too large"
                                                          : cp_strerror(st));
    buf[len] = '\0';
    if (strlen(buf) != len)
        return damaged(state, "it holds a NUL byte");
    for (line = strtok_r(buf, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        int ok = 1;
        n++;
        if (strcmp(line, "profile=unbranded") == 0 ||
            strcmp(line, "profile=branded") == 0) {
            d->profile = line[8] == 'u' ? CP_PROFILE_UNBRANDED
                                        : CP_PROFILE_BRANDED;
            ok = !have_profile++;
        } else if (strcmp(line, "tier=one") == 0 ||
                   strcmp(line, "tier=two") == 0) {
            d->tier = line[5] == 'o' ? CP_TIER_ONE : CP_TIER_TWO;
            ok = !have_tier++;
        } else if (strncmp(line, "imsi=", 5) == 0) {
            ok = d->n_imsis < CP_MAX_IMSIS && tool_is_imsi(line + 5);
            if (ok)
                strcpy(d->imsis[d->n_imsis++], line + 5);
        } else if (strncmp(line, "csp=", 4) == 0) {
            size_t tl = strlen(line + 4);
            ok = d->n_extra < MAX_EXTRA_TYPES && tl >= 1 && tl <= 60;
            for (k = 4; ok && line[k]; k++)
                ok = (line[k] >= 'A' && line[k] <= 'Z') ||
                     (line[k] >= 'a' && line[k] <= 'z') ||
                     (line[k] >= '0' && line[k] <= '9') || line[k] == '-' ||
                     line[k] == '_' || line[k] == '.';
            if (ok)
                strcpy(d->extra[d->n_extra++], line + 4);
        } else {
            ok = 0;
        }
        if (!ok) {
            char shown[40];
            for (k = 0; k + 1 < sizeof shown && line[k]; k++)
                shown[k] = line[k] >= 0x20 && line[k] < 0x7f ? line[k] : '?';
            shown[k] = '\0';
            snprintf(why, sizeof why, "line %lu '%s' is not understood", n,
                     shown);
            return damaged(state, why);
        }
    }
    if (!have_profile || !have_tier)
        return damaged(state, !have_profile ? "no profile= line"
                                            : "no tier= line");
    return EXIT_OK;
}

/* Open the device in state: storage, context, CSPs. */
static void device_close(device *d);

static int device_open(device *d, const char *state)
{
    cp_config cfg;
    size_t i;
    cp_status st;
    int rc;
    memset(d, 0, sizeof *d);
    cp_config_init(&cfg);
    /* with the directory's lock: tool processes on one --state DIR take
       turns, each call reading what the others committed */
    if (cp_store_file_config(state, &cfg) != CP_OK) {
        fprintf(stderr, "omacp: cannot open the state directory %s\n", state);
        return EXIT_NOINPUT;
    }
    d->store = cfg.storage;
    rc = load_config(d, state);
    if (rc) {
        cp_store_file_close(&d->store);
        return rc;
    }
    cfg.profile = d->profile;
    cfg.tier = d->tier;
    for (i = 0; i < d->n_imsis; i++)
        d->imsi_ptr[i] = d->imsis[i];
    cfg.imsis = d->imsi_ptr;
    cfg.n_imsis = d->n_imsis;
    if (cp_ctx_new(&cfg, &d->ctx) != CP_OK ||
        cp_csp_register_builtins(d->ctx) != CP_OK) {
        fprintf(stderr, "omacp: cannot set up the device\n");
        cp_ctx_free(d->ctx);
        cp_store_file_close(&d->store);
        return EXIT_SOFTWARE;
    }
    for (i = 0; i < sizeof settings_types / sizeof settings_types[0]; i++)
        cp_csp_register_settings(d->ctx, settings_types[i]);
    for (i = 0; i < d->n_extra; i++)
        if (cp_csp_register_settings(d->ctx, d->extra[i]) != CP_OK)
            fprintf(stderr, "omacp: warning: cannot host %s: %s\n",
                    d->extra[i], cp_ctx_error_message(d->ctx));
    st = cp_state_load(d->ctx);
    if (st == CP_E_CORRUPT)
        fprintf(stderr, "omacp: warning: %s\n", cp_ctx_error_message(d->ctx));
    if (st == CP_E_STORAGE) {
        rc = tool_fail(d->ctx, st, "device state");
        device_close(d);
        return rc;
    }
    return EXIT_OK;
}

static void device_close(device *d)
{
    cp_ctx_free(d->ctx);
    cp_store_file_close(&d->store);
}

/* ---- device init ---------------------------------------------------------- */

static int cmd_device_init(int argc, char **argv)
{
    device d;
    const char *state = NULL;
    int i, rc;
    uint8_t probe[8];
    size_t plen = 0;
    static const tool_opt opts[] = {{"--state", 1, 1},   {"--profile", 1, 2},
                                     {"--tier", 1, 3},    {"--imsi", 1, 4},
                                     {"--settings-csp", 1, 5}, {NULL, 0, 0}};
    tool_args t;
    memset(&d, 0, sizeof d);
    tool_args_init(&t, "omacp device init", argc, argv, 2);
    while ((i = tool_next(&t, opts)) != -1) {
        if (i < 0)
            return -i;
        if (i == 0)
            return tool_surplus(t.cmd, t.arg);
        if (i == 1) {
            state = t.arg;
        } else if (i == 2) {
            if (strcmp(t.arg, "unbranded") == 0)
                d.profile = CP_PROFILE_UNBRANDED;
            else if (strcmp(t.arg, "branded") != 0) {
                fprintf(stderr, "omacp: --profile takes branded or unbranded\n");
                return EXIT_USAGE;
            }
        } else if (i == 3) {
            if (strcmp(t.arg, "one") == 0)
                d.tier = CP_TIER_ONE;
            else if (strcmp(t.arg, "two") != 0) {
                fprintf(stderr, "omacp: --tier takes one or two\n");
                return EXIT_USAGE;
            }
        } else if (i == 4) {
            const char *s = t.arg;
            size_t k, n = strlen(s);
            if (d.n_imsis == CP_MAX_IMSIS || n < 13 || n > 15) {
                fprintf(stderr, "omacp: IMSI %lu: an IMSI is 13-15 digits, "
                                "at most %d\n",
                        (unsigned long)d.n_imsis + 1, CP_MAX_IMSIS);
                return EXIT_USAGE;
            }
            for (k = 0; k < n; k++)
                if (s[k] < '0' || s[k] > '9') {
                    fprintf(stderr, "omacp: IMSI %lu: an IMSI is decimal "
                                    "digits\n",
                            (unsigned long)d.n_imsis + 1);
                    return EXIT_USAGE;
                }
            strcpy(d.imsis[d.n_imsis++], s);
        } else {
            const char *ty = t.arg;
            size_t k, n = strlen(ty);
            int ok = n >= 1 && n <= 60 && d.n_extra < MAX_EXTRA_TYPES;
            for (k = 0; k < n && ok; k++)
                ok = (ty[k] >= 'A' && ty[k] <= 'Z') || (ty[k] >= 'a' && ty[k] <= 'z') ||
                     (ty[k] >= '0' && ty[k] <= '9') || ty[k] == '-' || ty[k] == '_' ||
                     ty[k] == '.';
            for (k = 0; k < d.n_extra && ok; k++)
                ok = strcasecmp(d.extra[k], ty) != 0;
            for (k = 0; k < sizeof settings_types / sizeof settings_types[0] && ok; k++)
                ok = strcasecmp(settings_types[k], ty) != 0;
            ok = ok && strcasecmp(ty, "SecurityPolicy") != 0 &&
                 strcasecmp(ty, "BOOTSTRAP") != 0 && strcasecmp(ty, "PXLOGICAL") != 0 &&
                 strcasecmp(ty, "Metabase") != 0;
            if (!ok) {
                fprintf(stderr,
                        "omacp device init: --settings-csp takes a type of 1-60 "
                        "letters, digits, '-', '_' or '.' that the device does "
                        "not host yet, each once, at most %d\n",
                        MAX_EXTRA_TYPES);
                return EXIT_USAGE;
            }
            strcpy(d.extra[d.n_extra++], ty);
        }
    }
    if (state == NULL) {
        fprintf(stderr, "omacp device init: --state DIR is required\n");
        return EXIT_USAGE;
    }
    if (mkdir(state, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "omacp: cannot create %s: %s\n", state, strerror(errno));
        return EXIT_CANTCREAT;
    }
    if (cp_store_file_open(state, &d.store) != CP_OK) {
        fprintf(stderr, "omacp: cannot use %s as a state directory\n", state);
        return EXIT_CANTCREAT;
    }
    if (d.store.load(d.store.user, DEVICE_BLOB, probe, sizeof probe, &plen) !=
        CP_E_NOT_FOUND) {
        fprintf(stderr, "omacp: %s holds a device already\n", state);
        cp_store_file_close(&d.store);
        return EXIT_REFUSED;
    }
    rc = save_config(&d);
    cp_store_file_close(&d.store);
    if (rc == EXIT_OK) {
        size_t k;
        printf("device initialised in %s: %s, %s-tier, %lu IMSI(s)", state,
               d.profile == CP_PROFILE_UNBRANDED ? "unbranded" : "branded",
               d.tier == CP_TIER_ONE ? "one" : "two", (unsigned long)d.n_imsis);
        for (k = 0; k < d.n_extra; k++)
            printf("%s%s", k ? ", " : ", also hosting ", d.extra[k]);
        printf("\n");
    }
    return rc;
}

/* ---- device show ------------------------------------------------------------ */

static const char *const builtin_types[] = {"BOOTSTRAP", "Metabase", "PXLOGICAL",
                                            "SecurityPolicy"};

static int cmd_device_show(int argc, char **argv)
{
    dopts o;
    device d;
    char tps[CP_TPS_URL_MAX + 1], m[16];
    const char *tps_state;
    cp_policy_desc p;
    cp_spc_info info;
    size_t i, n_pol = 0, n_changed = 0, n_spc = 0;
    cp_status st;
    int rc = parse_dopts(argc - 1, argv + 1, &o, "omacp device show",
                         D_(D_STATE) | D_(D_JSON));
    if (rc == EXIT_OK && o.nrest > 0)
        rc = tool_surplus("omacp device show", o.rest[0]);
    if (rc == EXIT_OK)
        rc = device_open(&d, o.state);
    if (rc) {
        free(o.rest);
        return rc;
    }
    st = cp_tps_get(d.ctx, tps, sizeof tps);
    tps_state = st == CP_OK ? "set"
                : st == CP_E_NOT_FOUND ? "none"
                                       : "unknown";
    for (i = 0; cp_policy_list(d.ctx, i, &p) == CP_OK; i++) {
        n_pol++;
        n_changed += p.value != p.default_value;
    }
    info.struct_size = sizeof info;
    while (cp_spc_get_info(d.ctx, n_spc, &info) == CP_OK) {
        n_spc++;
        info.struct_size = sizeof info;
    }
    if (o.json) {
        printf("{");
        tool_json_kv(stdout, 1, "state", o.state);
        tool_json_kv(stdout, 0, "profile",
                     d.profile == CP_PROFILE_UNBRANDED ? "unbranded" : "branded");
        tool_json_kv(stdout, 0, "tier", d.tier == CP_TIER_ONE ? "one" : "two");
        printf(", \"imsis_masked\": [");
        for (i = 0; i < d.n_imsis; i++) {
            printf("%s", i ? ", " : "");
            tool_json_str(stdout, tool_mask_imsi(d.imsis[i], m, sizeof m));
        }
        printf("], \"csp_types\": [");
        for (i = 0; i < 4; i++) {
            printf("%s", i ? ", " : "");
            tool_json_str(stdout, builtin_types[i]);
        }
        for (i = 0; i < sizeof settings_types / sizeof settings_types[0]; i++) {
            printf(", ");
            tool_json_str(stdout, settings_types[i]);
        }
        for (i = 0; i < d.n_extra; i++) {
            printf(", ");
            tool_json_str(stdout, d.extra[i]);
        }
        printf("], \"tps\": ");
        tool_json_str(stdout, st == CP_OK ? tps : NULL);
        tool_json_kv(stdout, 0, "tps_state", tps_state);
        printf(", \"gateways\": [");
        for (i = 0;; i++) {
            cp_gateway_info g;
            cp_gateway_info_init(&g);
            if (cp_gateway_list(d.ctx, i, &g) != CP_OK)
                break;
            printf("%s{", i ? ", " : "");
            tool_json_kv(stdout, 1, "address", g.address);
            printf(", \"trusted\": %s, \"push_enabled\": %s}",
                   g.trusted ? "true" : "false",
                   g.push_enabled ? "true" : "false");
        }
        printf("], \"policies\": %lu, "
               "\"policies_changed\": %lu, \"spc_signers\": %lu}\n",
               (unsigned long)n_pol, (unsigned long)n_changed,
               (unsigned long)n_spc);
    } else {
        printf("state: %s\n", o.state);
        printf("profile: %s\n",
               d.profile == CP_PROFILE_UNBRANDED ? "unbranded" : "branded");
        printf("tier: %s\n", d.tier == CP_TIER_ONE ? "one" : "two");
        printf("IMSIs (masked): %lu", (unsigned long)d.n_imsis);
        for (i = 0; i < d.n_imsis; i++)
            printf("%s%lu %s", i ? ", " : ": ", (unsigned long)i + 1,
                   tool_mask_imsi(d.imsis[i], m, sizeof m));
        printf("\nCSP types:");
        for (i = 0; i < 4; i++)
            printf(" %s", builtin_types[i]);
        for (i = 0; i < sizeof settings_types / sizeof settings_types[0]; i++)
            printf(" %s", settings_types[i]);
        for (i = 0; i < d.n_extra; i++)
            printf(" %s", d.extra[i]);
        printf("\nTPS: %s\n", st == CP_OK ? tps
                              : st == CP_E_NOT_FOUND
                                  ? "none (not bootstrapped)"
                                  : "unknown (the stored TPS is damaged)");
        for (i = 0;; i++) {
            cp_gateway_info g;
            cp_status gs;
            cp_gateway_info_init(&g);
            gs = cp_gateway_list(d.ctx, i, &g);
            if (gs == CP_E_CORRUPT)
                printf("push gateways: the stored list is damaged (none "
                       "trusted)\n");
            if (gs != CP_OK) {
                if (i == 0 && gs == CP_E_NOT_FOUND)
                    printf("push gateways: none\n");
                break;
            }
            printf("push gateway %lu: %s%s%s\n", (unsigned long)i + 1,
                   g.address, g.trusted ? ", trusted" : "",
                   g.push_enabled ? ", push enabled" : "");
        }
        printf("policies: %lu, %lu changed from the defaults\n",
               (unsigned long)n_pol, (unsigned long)n_changed);
        printf("SPC signers: %lu\n", (unsigned long)n_spc);
    }
    free(o.rest);
    device_close(&d);
    return EXIT_OK;
}

int cmd_device(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "init") == 0)
        return cmd_device_init(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "show") == 0)
        return cmd_device_show(argc, argv);
    fprintf(stderr, "omacp device: the sub-command is init or show\n");
    return EXIT_USAGE;
}

/* ---- push and sms ------------------------------------------------------------- */

struct pin_state {
    const char *pin;
    int used;
};

static cp_status tool_pin(void *user, int sec, unsigned attempt,
                          unsigned left, char *pin, size_t cap)
{
    struct pin_state *p = user;
    (void)sec;
    (void)attempt;
    (void)left;
    if (p->pin == NULL || p->used || strlen(p->pin) >= cap)
        return CP_E_BAD_PIN; /* the "user" gives up */
    p->used = 1;
    memcpy(pin, p->pin, strlen(p->pin) + 1);
    return CP_OK;
}

static int tool_confirm(void *user, const cp_verdict *v)
{
    (void)v;
    return *(const int *)user;
}

struct hook_user {
    struct pin_state pin;
    int confirm;
    int audits; /* records written: 0 after a failure means no message */
};

static cp_status hook_pin(void *user, int sec, unsigned attempt, unsigned left,
                          char *pin, size_t cap)
{
    return tool_pin(&((struct hook_user *)user)->pin, sec, attempt, left, pin,
                    cap);
}

static int hook_confirm(void *user, const cp_verdict *v)
{
    return tool_confirm(&((struct hook_user *)user)->confirm, v);
}

static void hook_audit(void *user, const cp_audit *a)
{
    (void)a;
    ((struct hook_user *)user)->audits++;
}

/* --json: a verdict as one object on stdout. */
static void verdict_json(const char *outcome, cp_status st, const cp_verdict *v,
                         const char *reason, const char *output)
{
    printf("{");
    tool_json_kv(stdout, 1, "outcome", outcome);
    tool_json_kv(stdout, 0, "status", cp_strerror(st));
    if (v != NULL) {
        tool_json_kv(stdout, 0, "sec", v->sec >= 0 ? cp_sec_name(v->sec) : NULL);
        tool_json_roles(stdout, "roles", v->roles);
        tool_json_roles(stdout, "effective_roles", v->effective_roles);
        printf(", \"bootstrap\": %s", v->is_bootstrap ? "true" : "false");
        if (v->imsi_index != (size_t)-1)
            printf(", \"imsi\": %lu", (unsigned long)v->imsi_index + 1);
        else
            printf(", \"imsi\": null");
    }
    tool_json_kv(stdout, 0, "reason", reason);
    tool_json_kv(stdout, 0, "output", output);
    printf("}\n");
}

/* Print the outcome: the output document on stdout, one line on stderr;
   with json, one JSON object on stdout instead of the document. */
static int report(cp_ctx *ctx, cp_status st, const cp_push_result *r, int json)
{
    const cp_verdict *v = &r->verdict;
    char rb[TOOL_ROLES_MAX];
    const char *why;
    /* not stored: neither applied nor cleanly rolled back, and no output
       document that would read as if it were */
    if (st == CP_E_STORAGE)
        return tool_fail(ctx, st, "device state");
    if (r->output && !json)
        printf("%s\n", r->output);
    if (st == CP_OK) {
        fprintf(stderr, "omacp: applied: SEC=%s roles=%s%s\n",
                cp_sec_name(v->sec), tool_roles(v->roles, rb, sizeof rb),
                v->is_bootstrap ? " (bootstrap)" : "");
        if (json)
            verdict_json("applied", st, v, NULL, r->output);
        return EXIT_OK;
    }
    if (r->outcome == CP_OUTCOME_MALFORMED) { /* with the offset and path */
        if (json)
            verdict_json("malformed", st, v, cp_ctx_error_message(ctx),
                         r->output);
        return tool_fail(ctx, st, "malformed push");
    }
    why = v->reason_text[0] && r->outcome != CP_OUTCOME_ROLLED_BACK
              ? v->reason_text
              : cp_ctx_error_message(ctx);
    fprintf(stderr, "omacp: %s: %s: %s\n",
            r->outcome == CP_OUTCOME_ROLLED_BACK ? "rolled back" : "refused",
            cp_strerror(st), why);
    if (json)
        verdict_json(r->outcome == CP_OUTCOME_ROLLED_BACK ? "rolled_back"
                                                          : "refused",
                     st, v, why, r->output);
    return EXIT_REFUSED;
}

static void setup_push(const dopts *o, struct hook_user *hu, cp_push_hooks *h,
                       cp_gateway *gw)
{
    memset(hu, 0, sizeof *hu);
    hu->pin.pin = o->pin;
    hu->confirm = o->confirm;
    cp_push_hooks_init(h);
    h->pin = hook_pin;
    h->confirm = hook_confirm;
    h->audit = hook_audit;
    h->user = hu;
    cp_gateway_init(gw);
    gw->ppg = o->ppg;
    gw->address = o->gateway;
}

int cmd_push(int argc, char **argv)
{
    dopts o;
    device d;
    struct hook_user hu;
    cp_push_hooks h;
    cp_gateway gw;
    cp_push_result r;
    uint8_t *pdu = NULL;
    size_t len = 0;
    int rc = parse_dopts(argc, argv, &o, "omacp push", D_PUSH);
    if (rc == EXIT_OK && o.nrest > 1)
        rc = tool_surplus("omacp push", o.rest[1]);
    if (rc == EXIT_OK)
        rc = device_open(&d, o.state);
    if (rc) {
        free(o.rest);
        return rc;
    }
    rc = tool_read_input(o.nrest ? o.rest[0] : NULL, (size_t)1 << 20, &pdu,
                         &len);
    if (rc == EXIT_OK) {
        cp_status st;
        setup_push(&o, &hu, &h, &gw);
        st = cp_push_process(d.ctx, pdu, len, &gw, &h, &r);
        rc = report(d.ctx, st, &r, o.json);
        cp_free(d.ctx, r.output);
    }
    free(pdu);
    free(o.rest);
    device_close(&d);
    return rc;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A part is a file (binary user data) or a hex string. */
static int read_part(const char *arg, uint8_t **out, size_t *len)
{
    size_t n = strlen(arg), i;
    FILE *f = fopen(arg, "rb");
    if (f != NULL) {
        fclose(f);
        return tool_read_input(arg, 1024, out, len);
    }
    if (n == 0 || n % 2 != 0) {
        fprintf(stderr, "omacp sms: %s is neither a file nor hex\n", arg);
        return EXIT_USAGE;
    }
    *out = malloc(n / 2);
    if (*out == NULL)
        return EXIT_SOFTWARE;
    for (i = 0; i < n / 2; i++) {
        int hi = hexval((unsigned char)arg[2 * i]);
        int lo = hexval((unsigned char)arg[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(*out);
            fprintf(stderr, "omacp sms: %s is neither a file nor hex\n", arg);
            return EXIT_USAGE;
        }
        (*out)[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return EXIT_OK;
}

/* Partial SMS messages between calls: a blob in the state directory. */
#define SMS_BLOB "sms-pending"

static void sms_state_load(device *d, cp_sms *sms, uint64_t now)
{
    size_t cap = 65536, len = 0;
    uint8_t *buf = malloc(cap);
    cp_status st = buf ? d->store.load(d->store.user, SMS_BLOB, buf, cap, &len)
                       : CP_E_NOMEM;
    if (st == CP_E_BUFFER_TOO_SMALL) {
        free(buf);
        cap = len;
        buf = malloc(cap);
        st = buf ? d->store.load(d->store.user, SMS_BLOB, buf, cap, &len)
                 : CP_E_NOMEM;
    }
    if (st == CP_OK && cp_sms_restore(sms, buf, len, now) != CP_OK)
        fprintf(stderr, "omacp sms: warning: kept segments dropped: %s\n",
                cp_ctx_error_message(d->ctx));
    free(buf);
}

static int sms_state_save(device *d, const cp_sms *sms)
{
    uint8_t *blk = NULL;
    size_t len = 0;
    int rc = EXIT_OK;
    if (cp_sms_save(sms, &blk, &len) != CP_OK ||
        d->store.save(d->store.user, SMS_BLOB, blk, len) != CP_OK) {
        fprintf(stderr, "omacp sms: cannot keep the partial messages in the "
                        "state directory\n");
        rc = EXIT_IOERR;
    }
    cp_free(d->ctx, blk);
    return rc;
}

/* --tpdu: the user data of an SMS-DELIVER; 0 (and a note) for an SMS that
   is not a WAP push, -1 after an error (rc set). */
static int sms_from_tpdu(cp_ctx *ctx, const uint8_t *t, size_t len,
                         cp_sms_deliver *dl, int *rc)
{
    cp_status st;
    cp_sms_deliver_init(dl);
    st = cp_sms_parse_deliver(ctx, t, len, CP_TPDU_SMSC_AUTO, dl);
    if (st) {
        *rc = tool_fail(ctx, st, "malformed TPDU");
        return -1;
    }
    if (!dl->is_wap_push) {
        fprintf(stderr,
                "omacp sms: not a WAP push (from %s, DCS 0x%02X, %s): "
                "ignored\n",
                dl->originator[0] ? dl->originator : "unknown", dl->dcs,
                dl->dst_port ? "another port" : "no port");
        return 0;
    }
    return 1;
}

int cmd_sms(int argc, char **argv)
{
    dopts o;
    device d;
    struct hook_user hu;
    cp_push_hooks h;
    cp_gateway gw;
    cp_push_result r;
    cp_sms *sms = NULL;
    uint64_t now = (uint64_t)time(NULL);
    int i, done = 0, rc = parse_dopts(argc, argv, &o, "omacp sms", D_PUSH | D_(D_TPDU));
    if (rc == EXIT_OK && o.nrest == 0) {
        fprintf(stderr, "omacp sms: give the SMS user data parts\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK)
        rc = device_open(&d, o.state);
    if (rc) {
        free(o.rest);
        return rc;
    }
    setup_push(&o, &hu, &h, &gw);
    if (cp_sms_new(d.ctx, NULL, &sms) != CP_OK)
        rc = EXIT_SOFTWARE;
    else
        sms_state_load(&d, sms, now);
    for (i = 0; i < o.nrest && rc == EXIT_OK && !done; i++) {
        uint8_t *ud = NULL;
        size_t len = 0;
        const uint8_t *p;
        const char *origin = "tool";
        cp_sms_deliver dl;
        cp_status st;
        int udhi = 1, k = 1;
        rc = read_part(o.rest[i], &ud, &len);
        if (rc)
            break;
        p = ud;
        if (o.tpdu) {
            k = sms_from_tpdu(d.ctx, ud, len, &dl, &rc);
            p = dl.ud;
            len = dl.ud_len;
            udhi = dl.udhi;
            origin = dl.originator;
        }
        if (k <= 0) {
            free(ud);
            continue;
        }
        st = cp_push_process_sms(d.ctx, sms, origin, p, len, udhi, now, &gw,
                                 &h, &r);
        free(ud);
        if (st == CP_OK && r.pending)
            continue;
        done = 1;
        if (st != CP_OK && hu.audits == 0) {
            /* the segment itself was refused: no message was processed */
            rc = tool_fail(d.ctx, st, "malformed SMS");
            break;
        }
        rc = report(d.ctx, st, &r, o.json);
        cp_free(d.ctx, r.output);
        if (i + 1 < o.nrest)
            fprintf(stderr, "omacp sms: %d part(s) after a complete message ignored\n",
                    o.nrest - i - 1);
    }
    if (sms != NULL && rc != EXIT_SOFTWARE && rc != EXIT_USAGE) {
        int src = sms_state_save(&d, sms);
        if (!done && rc == EXIT_OK && cp_sms_pending(sms) > 0)
            fprintf(stderr, "omacp sms: waiting for more segments "
                            "(%lu partial message(s) kept in %s)\n",
                    (unsigned long)cp_sms_pending(sms), o.state);
        if (!done && rc == EXIT_OK && src == EXIT_OK && o.json)
            verdict_json(cp_sms_pending(sms) > 0 ? "waiting" : "ignored",
                         CP_OK, NULL,
                         cp_sms_pending(sms) > 0
                             ? "waiting for more segments"
                             : "not a WAP push",
                         NULL);
        if (rc == EXIT_OK)
            rc = src;
    }
    cp_sms_free(sms);
    free(o.rest);
    device_close(&d);
    return rc;
}

/* ---- process ------------------------------------------------------------------ */

static int parse_sha1(const char *hex, uint8_t out[20])
{
    size_t i;
    if (hex == NULL || strlen(hex) != 40)
        return 0;
    for (i = 0; i < 20; i++) {
        int hi = hexval((unsigned char)hex[2 * i]);
        int lo = hexval((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

static int source_of(const char *s, cp_source *out)
{
    static const struct {
        const char *name;
        cp_source src;
    } t[] = {{"api-privileged", CP_SOURCE_API_PRIVILEGED},
             {"api-normal", CP_SOURCE_API_NORMAL},
             {"rapi", CP_SOURCE_RAPI},
             {"cpf", CP_SOURCE_CPF},
             {"boot", CP_SOURCE_BOOT},
             {"ui", CP_SOURCE_UI}};
    size_t i;
    for (i = 0; s != NULL && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(t[i].name, s) == 0) {
            *out = t[i].src;
            return 1;
        }
    return 0;
}

static void print_hex(FILE *f, const uint8_t *p, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++)
        fprintf(f, "%02X", p[k]);
}

/* 1 when the file starts like a cabinet ("MSCF"). */
static int is_cabinet(const char *path)
{
    char m[4] = {0};
    FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "rb") : NULL;
    size_t n = f ? fread(m, 1, 4, f) : 0;
    if (f)
        fclose(f);
    return n == 4 && memcmp(m, "MSCF", 4) == 0;
}

/* --source cpf without --signer: the library opens and verifies the file. */
static int process_cpf_file(device *d, const dopts *o)
{
    static const char *const sig_names[] = {"unsigned", "signed by a known signer",
                                            "signed by an unknown signer",
                                            "bad signature", "unread"};
    cp_cpf_verdict v;
    char rb[TOOL_ROLES_MAX];
    uint8_t *in = NULL;
    size_t len = 0, out_len = 0;
    char *out = NULL;
    cp_status st;
    int rc = tool_read_input(o->nrest ? o->rest[0] : NULL, (size_t)16 << 20,
                             &in, &len);
    if (rc)
        return rc;
    memset(&v, 0, sizeof v);
    v.struct_size = sizeof v;
    st = cp_process_cpf_ex(d->ctx, in, len,
                           o->metadata ? CP_METADATA : CP_PROCESS, NULL, &v,
                           &out, &out_len);
    free(in);
    if (out && st != CP_E_STORAGE && !o->json)
        printf("%s\n", out);
    if (o->json && st != CP_E_STORAGE) {
        printf("{");
        tool_json_kv(stdout, 1, "outcome",
                     st == CP_OK ? (o->metadata ? "metadata" : "applied")
                     : v.outcome == CP_OUTCOME_ROLLED_BACK ? "rolled_back"
                     : v.outcome == CP_OUTCOME_REFUSED     ? "refused"
                                                           : "malformed");
        tool_json_kv(stdout, 0, "status", cp_strerror(st));
        tool_json_kv(stdout, 0, "signature",
                     sig_names[(unsigned)v.signature < 5 ? v.signature : 4]);
        tool_json_kv(stdout, 0, "signer",
                     v.signature == CP_CPF_KNOWN || v.signature == CP_CPF_UNKNOWN
                         ? v.signer
                         : NULL);
        tool_json_roles(stdout, "roles", v.roles);
        tool_json_kv(stdout, 0, "reason", st == CP_OK ? NULL : v.reason);
        tool_json_kv(stdout, 0, "output", out);
        printf("}\n");
    }
    cp_free(d->ctx, out);
    fprintf(stderr, "omacp: cpf: %s", sig_names[(unsigned)v.signature < 5 ? v.signature : 4]);
    if (v.signature == CP_CPF_KNOWN || v.signature == CP_CPF_UNKNOWN) {
        fprintf(stderr, " '%s' (SHA-1 ", v.signer);
        print_hex(stderr, v.signer_sha1, 20);
        fprintf(stderr, ", %s)", v.digest);
    }
    fprintf(stderr, ", roles=%s\n", tool_roles(v.roles, rb, sizeof rb));
    if (st == CP_OK) {
        fprintf(stderr, "omacp: %s: roles=%s\n",
                o->metadata ? "metadata" : "applied", rb);
        return EXIT_OK;
    }
    if (v.outcome == CP_OUTCOME_REFUSED && st != CP_E_STORAGE &&
        st != CP_E_UNSUPPORTED && st != CP_E_NOMEM) {
        fprintf(stderr, "omacp: refused: %s: %s\n", cp_strerror(st), v.reason);
        return EXIT_REFUSED;
    }
    if (v.outcome == CP_OUTCOME_ROLLED_BACK) {
        fprintf(stderr, "omacp: rolled back: %s: %s\n", cp_strerror(st),
                v.reason);
        return EXIT_REFUSED;
    }
    return tool_fail(d->ctx, st, "cpf");
}

int cmd_process(int argc, char **argv)
{
    dopts o;
    device d;
    cp_source src;
    uint8_t signer[20], *in = NULL;
    uint32_t roles = 0;
    size_t len = 0, out_len = 0;
    char *out = NULL;
    cp_status st;
    int rc = parse_dopts(argc, argv, &o, "omacp process",
                           D_(D_STATE) | D_(D_SOURCE) | D_(D_SIGNER) |
                               D_(D_METADATA) | D_(D_JSON));
    if (rc == EXIT_OK && o.nrest > 1)
        rc = tool_surplus("omacp process", o.rest[1]);
    if (rc == EXIT_OK && !source_of(o.source, &src)) {
        fprintf(stderr, "omacp process: --source takes api-privileged, "
                        "api-normal, rapi, cpf, boot or ui\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && o.signer && !parse_sha1(o.signer, signer)) {
        fprintf(stderr, "omacp process: --signer takes 40 hex digits\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK)
        rc = device_open(&d, o.state);
    if (rc) {
        free(o.rest);
        return rc;
    }
    /* a cabinet: the library verifies it; a document: 4101 as before */
    if (src == CP_SOURCE_CPF && o.signer == NULL && is_cabinet(o.nrest ? o.rest[0] : NULL)) {
        rc = process_cpf_file(&d, &o);
        free(o.rest);
        device_close(&d);
        return rc;
    }
    st = cp_source_roles(d.ctx, src, o.signer ? signer : NULL, &roles);
    if (st) {
        fprintf(stderr, "omacp: refused: %s\n", cp_ctx_error_message(d.ctx));
        rc = EXIT_REFUSED;
    } else {
        rc = tool_read_input(o.nrest ? o.rest[0] : NULL, (size_t)1 << 20, &in,
                             &len);
    }
    if (rc == EXIT_OK) {
        st = cp_process_config_xml(d.ctx, (const char *)in, len, roles,
                                   o.metadata ? CP_METADATA : CP_PROCESS, &out,
                                   &out_len);
        const char *outcome = NULL, *why = NULL;
        char rb[TOOL_ROLES_MAX];
        if (out && st != CP_E_STORAGE && !o.json) /* unstored: no output */
            printf("%s\n", out);
        if (st == CP_OK) {
            fprintf(stderr, "omacp: %s: roles=%s\n",
                    o.metadata ? "metadata" : "applied",
                    tool_roles(roles, rb, sizeof rb));
            outcome = o.metadata ? "metadata" : "applied";
        } else if (out == NULL || st == CP_E_STORAGE) {
            if (st != CP_E_STORAGE) {
                outcome = "malformed";
                why = cp_ctx_error_message(d.ctx);
            }
            rc = tool_fail(d.ctx, st, "malformed input");
        } else {
            why = cp_ctx_error_message(d.ctx);
            fprintf(stderr, "omacp: rolled back: %s: %s\n", cp_strerror(st),
                    why);
            outcome = "rolled_back";
            rc = EXIT_REFUSED;
        }
        if (o.json && outcome != NULL) {
            printf("{");
            tool_json_kv(stdout, 1, "outcome", outcome);
            tool_json_kv(stdout, 0, "status", cp_strerror(st));
            tool_json_roles(stdout, "roles", roles);
            tool_json_kv(stdout, 0, "reason", why);
            tool_json_kv(stdout, 0, "output", st == CP_E_STORAGE ? NULL : out);
            printf("}\n");
        }
        cp_free(d.ctx, out);
    }
    free(in);
    free(o.rest);
    device_close(&d);
    return rc;
}

/* ---- policy and spc -------------------------------------------------------------- */

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v;
    if (s == NULL || *s < '0' || *s > '9')
        return 0;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (*end || errno || v > 0xFFFFFFFFul)
        return 0;
    *out = (uint32_t)v;
    return 1;
}

int cmd_policy(int argc, char **argv)
{
    dopts o;
    device d;
    uint32_t id = 0, v = 0;
    cp_status st = CP_OK;
    int rc = parse_dopts(argc, argv, &o, "omacp policy", D_(D_STATE) | D_(D_JSON));
    const char *op = o.nrest ? o.rest[0] : "";
    if (rc == EXIT_OK &&
        !((strcmp(op, "list") == 0 && o.nrest == 1) ||
          ((strcmp(op, "get") == 0 || strcmp(op, "reset") == 0) &&
           o.nrest == 2 && parse_u32(o.rest[1], &id)) ||
          (strcmp(op, "set") == 0 && o.nrest == 3 && parse_u32(o.rest[1], &id) &&
           parse_u32(o.rest[2], &v)))) {
        fprintf(stderr, "omacp policy: get ID | set ID VALUE | reset ID | list\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK)
        rc = device_open(&d, o.state);
    if (rc) {
        free(o.rest);
        return rc;
    }
    /* The tool speaks for the device's owner at the console: the UI. */
    if (strcmp(op, "list") == 0 || (strcmp(op, "get") == 0 && o.json)) {
        cp_policy_desc p;
        size_t i, shown = 0;
        char rb[TOOL_ROLES_MAX];
        int list = strcmp(op, "list") == 0;
        if (o.json && list)
            printf("{\"policies\": [");
        for (i = 0; cp_policy_list(d.ctx, i, &p) == CP_OK; i++) {
            if (!list && p.id != id)
                continue;
            if (o.json) {
                printf("%s{\"id\": %lu", shown ? ", " : "", (unsigned long)p.id);
                tool_json_kv(stdout, 0, "name", p.name);
                printf(", \"value\": %lu, \"default\": %lu, \"is_mask\": %s",
                       (unsigned long)p.value, (unsigned long)p.default_value,
                       p.is_mask ? "true" : "false");
                if (p.is_mask)
                    tool_json_kv(stdout, 0, "value_names",
                                 tool_roles(p.value, rb, sizeof rb));
                tool_json_kv(stdout, 0, "meaning", p.meaning);
                printf("}");
            } else {
                printf("%-5lu %-28s %10lu%s  %s", (unsigned long)p.id, p.name,
                       (unsigned long)p.value,
                       p.value == p.default_value ? "          " : " (changed)",
                       p.meaning);
                if (p.is_mask)
                    printf(" [%s]", tool_roles(p.value, rb, sizeof rb));
                printf("\n");
            }
            shown++;
        }
        if (o.json && list)
            printf("]}\n");
        else if (o.json && shown)
            printf("\n");
        if (!list && !shown) /* the same message as cp_policy_get's */
            st = cp_policy_get(d.ctx, id, &v);
    } else if (strcmp(op, "get") == 0) {
        st = cp_policy_get(d.ctx, id, &v);
        if (st == CP_OK)
            printf("%lu\n", (unsigned long)v);
    } else if (strcmp(op, "set") == 0) {
        st = cp_policy_set(d.ctx, id, v, CP_ROLE_EXEMPT);
    } else {
        st = cp_policy_reset(d.ctx, id, CP_ROLE_EXEMPT);
    }
    if (st == CP_E_STORAGE) {
        rc = tool_fail(d.ctx, st, "policy");
    } else if (st) {
        fprintf(stderr, "omacp policy: %s\n", cp_ctx_error_message(d.ctx));
        /* an unknown id: not found (1); a value out of range: usage (2) */
        rc = st == CP_E_NOT_FOUND     ? EXIT_NOTFOUND
             : st == CP_E_INVALID_ARG ? EXIT_USAGE
                                      : EXIT_SOFTWARE;
    }
    free(o.rest);
    device_close(&d);
    return rc;
}

int cmd_spc(int argc, char **argv)
{
    dopts o;
    device d;
    uint8_t sha1[20];
    uint32_t roles = 0;
    cp_status st = CP_OK;
    int rc = parse_dopts(argc, argv, &o, "omacp spc",
                           D_(D_STATE) | D_(D_CERT) | D_(D_JSON));
    const char *op = o.nrest ? o.rest[0] : "";
    if (rc == EXIT_OK &&
        !((strcmp(op, "list") == 0 && o.nrest == 1) ||
          (strcmp(op, "remove") == 0 && o.nrest == 2 && parse_sha1(o.rest[1], sha1)) ||
          (strcmp(op, "add") == 0 && o.cert == NULL && o.nrest == 3 &&
           parse_sha1(o.rest[1], sha1) && parse_u32(o.rest[2], &roles)) ||
          (strcmp(op, "add") == 0 && o.cert != NULL && o.nrest == 2 &&
           parse_u32(o.rest[1], &roles)))) {
        fprintf(stderr, "omacp spc: add SHA1HEX ROLEMASK | add --cert CERT ROLEMASK "
                        "| remove SHA1HEX | list\n");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK)
        rc = device_open(&d, o.state);
    if (rc) {
        free(o.rest);
        return rc;
    }
    if (strcmp(op, "list") == 0) {
        size_t i;
        cp_spc_info info;
        info.struct_size = sizeof info;
        char rb[TOOL_ROLES_MAX];
        if (o.json)
            printf("{\"signers\": [");
        for (i = 0; cp_spc_get_info(d.ctx, i, &info) == CP_OK; i++) {
            if (o.json) {
                printf("%s{\"sha1\": \"", i ? ", " : "");
                print_hex(stdout, info.sha1, 20);
                printf("\"");
                tool_json_roles(stdout, "roles", info.roles);
                tool_json_kv(stdout, 0, "subject",
                             info.cert_len ? info.subject : NULL);
                printf("}");
            } else {
                print_hex(stdout, info.sha1, 20);
                printf(" %s", tool_roles(info.roles, rb, sizeof rb));
                if (info.cert_len)
                    printf(" %s", info.subject);
                printf("\n");
            }
            info.struct_size = sizeof info;
        }
        if (o.json)
            printf("]}\n");
    } else if (strcmp(op, "add") == 0 && o.cert != NULL) {
        uint8_t *cert = NULL;
        size_t clen = 0;
        rc = tool_read_input(o.cert, (size_t)1 << 16, &cert, &clen);
        if (rc == EXIT_OK) {
            st = cp_spc_add_cert(d.ctx, cert, clen, roles);
            if (st == CP_E_MALFORMED || st == CP_E_UNSUPPORTED) {
                rc = tool_fail(d.ctx, st, "spc add --cert");
                st = CP_OK;
            }
        }
        free(cert);
    } else if (strcmp(op, "add") == 0) {
        st = cp_spc_add(d.ctx, sha1, roles);
    } else {
        st = cp_spc_remove(d.ctx, sha1);
    }
    if (st == CP_E_STORAGE) {
        rc = tool_fail(d.ctx, st, "spc");
    } else if (st) {
        fprintf(stderr, "omacp spc: %s\n", cp_ctx_error_message(d.ctx));
        /* an unknown signer: not found (1), not a usage error */
        rc = st == CP_E_NOT_FOUND     ? EXIT_NOTFOUND
             : st == CP_E_INVALID_ARG ? EXIT_USAGE
                                      : EXIT_SOFTWARE;
    }
    free(o.rest);
    device_close(&d);
    return rc;
}
