/*
 * state.h - floor 3 internals: the device's persisted security state
 * (policies, SPC store, TPS, PIN counters). Not installed.
 */
#ifndef CP_TRUST_STATE_H
#define CP_TRUST_STATE_H

#include "../base/base.h"
#include "omacp/trust.h"

#define CP_POLICY_SLOTS 64
#define CP_TPS_NAME_MAX 64

typedef struct cp_spc_entry {
    uint8_t sha1[20];
    uint32_t roles;
} cp_spc_entry;

#define CP_GATEWAYS_MAX 32
#define CP_GATEWAY_ADDR_MAX 127

/* A push gateway provisioned through PXLOGICAL/PXPHYSICAL. */
typedef struct cp_gw_entry {
    char addr[CP_GATEWAY_ADDR_MAX + 1]; /* PXADDR */
    uint8_t trusted;                    /* its PXLOGICAL has TRUST */
    uint8_t push;                       /* PUSHENABLED = 1 */
} cp_gw_entry;

/*
 * PIN failure counts are kept per message (a digest of its body), for the
 * last CP_PIN_SLOTS messages that failed, so re-sending a message does not
 * buy new attempts; the oldest slot is reused when all are taken.
 */
#define CP_PIN_SLOTS 8
typedef struct cp_pin_slot {
    uint8_t digest[20];
    uint32_t failures;
    uint32_t seq; /* age: larger is newer */
} cp_pin_slot;

struct cp_trust_state {
    int loaded;
    uint32_t pol[CP_POLICY_SLOTS];   /* value by table index */
    uint8_t pol_set[CP_POLICY_SLOTS]; /* 1: explicitly set (persisted) */
    cp_spc_entry spc[CP_SPC_MAX];
    size_t n_spc;
    int has_tps;
    char tps[CP_TPS_URL_MAX + 1];
    char tps_name[CP_TPS_NAME_MAX + 1];
    cp_pin_slot pin[CP_PIN_SLOTS]; /* PIN failure counts by message */
    size_t n_pin;
    uint32_t pin_seq;
    cp_gw_entry gw[CP_GATEWAYS_MAX];
    size_t n_gw;
};

/* The trust state of ctx, made and loaded on first use. NULL only on CP_E_NOMEM. */
cp_status cp_trust__state(cp_ctx *ctx, struct cp_trust_state **out);

/* Persist one part of the state. */
cp_status cp_trust__save_policies(cp_ctx *ctx);
cp_status cp_trust__save_spc(cp_ctx *ctx);
cp_status cp_trust__save_tps(cp_ctx *ctx);
cp_status cp_trust__save_pin(cp_ctx *ctx);

/* Policy table access for state.c (index-based). */
size_t cp_policy__count(void);
uint32_t cp_policy__id(size_t index);
uint32_t cp_policy__default(const cp_ctx *ctx, size_t index);
/* Index of id in the table, or -1. */
int cp_policy__index(uint32_t id);
/* Value of a known policy id (the default if ctx state cannot be made). */
uint32_t cp_policy__value(cp_ctx *ctx, uint32_t id);

/* Set the TPS (BOOTSTRAP): url must be a valid PROVURL; persisted. */
cp_status cp_trust__tps_set(cp_ctx *ctx, const char *url, const char *name);
/* 1 when url names the stored TPS (case-insensitive scheme and host, a
   trailing '/' ignored). */
int cp_trust__tps_match(cp_ctx *ctx, const char *url);
/* 0 when url is a complete http, https, wsp or wsps URL of at most 256 characters. */
cp_status cp_trust__provurl_check(const char *url);

/* Failures counted for the message with this body digest (0 if none). */
unsigned cp_trust__pin_failures(cp_ctx *ctx, const uint8_t digest[20]);
/* Record the failure count of a message; persisted. */
cp_status cp_trust__pin_note(cp_ctx *ctx, const uint8_t digest[20],
                             unsigned failures);
/* Forget a message's count (it verified); persisted. */
cp_status cp_trust__pin_clear(cp_ctx *ctx, const uint8_t digest[20]);

/* Replace the provisioned gateway list (PXLOGICAL CSP); persisted. */
cp_status cp_trust__gateways_set(cp_ctx *ctx, const cp_gw_entry *gw, size_t n);
/* The provisioned gateway with address addr, or NULL. */
const cp_gw_entry *cp_trust__gateway_find(cp_ctx *ctx, const char *addr);

/*
 * The public calls of trust.h without entering the context: for code that
 * runs inside a call which entered it already (built-in CSPs, the push and
 * bootstrap pipeline). Same contracts as their public twins otherwise.
 */
cp_status cp_policy__list(cp_ctx *ctx, size_t index, cp_policy_desc *out);
cp_status cp_policy__get(cp_ctx *ctx, uint32_t id, uint32_t *value);
cp_status cp_policy__set(cp_ctx *ctx, uint32_t id, uint32_t value,
                         uint32_t roles);
cp_status cp_policy__reset(cp_ctx *ctx, uint32_t id, uint32_t roles);
cp_status cp_state__load(cp_ctx *ctx);
cp_status cp_spc__add(cp_ctx *ctx, const uint8_t *sha1, uint32_t roles);
cp_status cp_spc__remove(cp_ctx *ctx, const uint8_t *sha1);
cp_status cp_spc__get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                      uint32_t *roles);
cp_status cp_tps__get(cp_ctx *ctx, char *url, size_t cap);
/* ctx must not be NULL. */
uint32_t cp_roles__effective(cp_ctx *ctx, uint32_t roles);

#endif
