/*
 * state.h - floor 3 internals: the device's persisted security state
 * (policies, SPC store, TPS, PIN counters, gateways). Not installed.
 *
 * The rooms and the one way calls run (each only to the ones after it):
 *   signer.c  cp_spc_add_cert: the X.509 reader feeds the SPC store
 *   authenticode.c  X.509 / PKCS#7
 *   policy.c  policy values: list, get, set, reset
 *   roles.c   roles of sources, effective roles
 *   spc.c tps.c  the SPC store; TPS, PIN counts, gateways
 *   state.c   load, save, damaged state, the fail-closed policy read
 *   blob.c    the stored form of each part (bounded reader)
 *   ptab.c    the policy table
 */
#ifndef CP_TRUST_STATE_H
#define CP_TRUST_STATE_H

#include "../base/base.h"
#include "omacp/trust.h"

#define CP_POLICY_SLOTS 64
#define CP_TPS_NAME_MAX 64

/*
 * One SPC signer. cert (cert_len octets of DER, then the NUL-terminated
 * subject) is one ctx allocation, or NULL for an entry held by thumbprint
 * only (cp_spc_add: hosts that verified the signature elsewhere).
 */
typedef struct cp_spc_entry {
    uint8_t sha1[20];
    uint32_t roles;
    uint8_t *cert;
    size_t cert_len;
} cp_spc_entry;

/* Largest certificate (DER) and subject text the SPC store keeps. */
#define CP_SPC_CERT_MAX 8192
#define CP_SPC_SUBJECT_MAX 255

#define CP_GATEWAYS_MAX 32
#define CP_GATEWAY_ADDR_MAX CP_GATEWAY_ADDRESS_MAX /* omacp/trust.h */

/* A push gateway provisioned through PXLOGICAL/PXPHYSICAL. */
typedef struct cp_gw_entry {
    char addr[CP_GATEWAY_ADDR_MAX + 1]; /* PXADDR */
    uint8_t trusted;                    /* its PXLOGICAL has TRUST */
    uint8_t push;                       /* PUSHENABLED = 1 */
} cp_gw_entry;

/*
 * PIN attempt counts are kept per message identity: its SEC method and a
 * digest of its body, never its MAC text (so re-sending a message, with
 * its MAC in another case or, for USERPINMAC, any other MAC text, does not
 * buy new attempts). A live count is never evicted: when all CP_PIN_SLOTS
 * are taken, a PIN-signed message without a slot is refused before any
 * prompt (fail closed). A slot frees when its message verifies.
 */
#define CP_PIN_SLOTS 16
typedef struct cp_pin_slot {
    uint8_t digest[20];
    uint32_t failures;
    uint32_t seq; /* age: larger is newer */
} cp_pin_slot;

/* Bits of cp_trust_state.damaged: a blob of that kind was unusable. */
#define CP_DAMAGE_POLICY 0x01u /* corrupt, or a value out of range */
#define CP_DAMAGE_SPC 0x02u
#define CP_DAMAGE_TPS 0x04u
#define CP_DAMAGE_PIN 0x08u
#define CP_DAMAGE_GW 0x10u

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
    /*
     * CP_DAMAGE_* bits, set by cp_trust__damaged() only: that part of the
     * state is unknown and is treated as its most restrictive reading
     * (see state.c, "damaged state") until it is re-provisioned.
     */
    uint32_t damaged;
    uint32_t bad_policy; /* the first policy id found out of range at load */
};

/* The trust state of ctx, made and loaded on first use. NULL only on CP_E_NOMEM. */
cp_status cp_trust__state(cp_ctx *ctx, struct cp_trust_state **out);

/* Persist one part of the state. */
cp_status cp_trust__save_policies(cp_ctx *ctx);
cp_status cp_trust__save_spc(cp_ctx *ctx);
cp_status cp_trust__save_tps(cp_ctx *ctx);
cp_status cp_trust__save_pin(cp_ctx *ctx);
cp_status cp_trust__save_gw(cp_ctx *ctx);

/* ---- blob.c: the stored form of each part ------------------------------- */

/* Largest payloads of the parts written from a fixed buffer. */
#define CP_BLOB_POLICY_MAX (2 + CP_POLICY_SLOTS * 8)
#define CP_BLOB_TPS_MAX (3 + CP_TPS_URL_MAX + CP_TPS_NAME_MAX)
#define CP_BLOB_PIN_MAX (1 + CP_PIN_SLOTS * 28)

/*
 * Readers of a payload into st: CP_E_CORRUPT for anything short or
 * inconsistent (CP_E_NOMEM from the SPC store's certificates). The
 * policies' reader marks in bad (by table index) the values out of their
 * range, for state.c to damage; the others take the ctx (allocator) and
 * the blob's format version.
 */
cp_status cp_blob__read_policies(struct cp_trust_state *st, const uint8_t *p,
                                 size_t n, uint8_t bad[CP_POLICY_SLOTS]);
cp_status cp_blob__read_spc(cp_ctx *ctx, struct cp_trust_state *st,
                            const uint8_t *p, size_t n, unsigned version);
cp_status cp_blob__read_tps(cp_ctx *ctx, struct cp_trust_state *st,
                            const uint8_t *p, size_t n, unsigned version);
cp_status cp_blob__read_pin(cp_ctx *ctx, struct cp_trust_state *st,
                            const uint8_t *p, size_t n, unsigned version);
cp_status cp_blob__read_gw(cp_ctx *ctx, struct cp_trust_state *st,
                           const uint8_t *p, size_t n, unsigned version);
/* Writers: the payload of a part (the length, or a cp_buf status). */
size_t cp_blob__write_policies(const struct cp_trust_state *st,
                               uint8_t out[CP_BLOB_POLICY_MAX]);
cp_status cp_blob__write_spc(const struct cp_trust_state *st, cp_buf *b);
size_t cp_blob__write_tps(const struct cp_trust_state *st,
                          uint8_t out[CP_BLOB_TPS_MAX]);
size_t cp_blob__write_pin(const struct cp_trust_state *st,
                          uint8_t out[CP_BLOB_PIN_MAX]);
cp_status cp_blob__write_gw(const struct cp_trust_state *st, cp_buf *b);

/* A signer's certificate memory back to the allocator (e stays, empty). */
void cp_spc__free_entry(const cp_ctx *ctx, cp_spc_entry *e);
/* Forget every signer (their certificates go back to the allocator). */
void cp_spc__clear(const cp_ctx *ctx, struct cp_trust_state *st);
/* One allocation: der, then subject and its NUL (NULL: out of memory). */
uint8_t *cp_spc__cert_dup(const cp_ctx *ctx, const uint8_t *der,
                          size_t der_len, const char *subject,
                          size_t subject_len);
/* Length of url's scheme when it is one a TPS may have, else 0. */
size_t cp_trust__url_scheme_len(const char *url);

/* ---- ptab.c: the policy table (index-based) ----------------------------- */
size_t cp_policy__count(void);
uint32_t cp_policy__id(size_t index);
uint32_t cp_policy__default(const cp_ctx *ctx, size_t index);
/* Index of id in the table, or -1. */
int cp_policy__index(uint32_t id);
/* The most restrictive value of the policy at index (fail-closed reading). */
uint32_t cp_policy__strict(const cp_ctx *ctx, size_t index);
/* 1 when value is within the documented range of the policy at index. */
int cp_policy__in_range(size_t index, uint32_t value);
/* Everything of a cp_policy_desc but its value. */
void cp_policy__describe(const cp_ctx *ctx, size_t index,
                         cp_policy_desc *out);
/* The roles allowed to change the policy at index. */
uint32_t cp_policy__set_roles(size_t index);

/* ---- state.c: the one fail-closed read of a policy ---------------------- */

/*
 * The value in force of the policy at index, for a decision or a report.
 * When the state cannot be loaded: that status, and in *value the
 * policy's most restrictive value (cp_policy__strict), never its default.
 * A policy damaged at load holds its most restrictive value already.
 */
cp_status cp_policy__read(cp_ctx *ctx, size_t index, uint32_t *value);
/*
 * CP_OK when the policies in force are the stored ones: the state loads
 * (else its status, never CP_E_CORRUPT) and no policy is damaged (else
 * CP_E_CORRUPT with the ctx error set). For a caller that refuses a whole
 * message on damaged policies rather than deciding on strict values.
 */
cp_status cp_policy__intact(cp_ctx *ctx);
/*
 * Value of a known policy id through cp_policy__read (0 for an unknown
 * id): no decision is made on permissive defaults.
 */
uint32_t cp_policy__value(cp_ctx *ctx, uint32_t id);

/*
 * The one place that decides what damaged state means. Marks the parts in
 * mask (CP_DAMAGE_*) of st as damaged and applies their fail-closed reading
 * (policy >= 0 with CP_DAMAGE_POLICY: only the policy at that table index,
 * a value found out of range; -1: every policy):
 *   policy: every policy takes its most restrictive value, pinned (saved
 *           as set) until a MANAGER sets or resets it;
 *   TPS:    "bootstrapped, TPS unknown": no OTA bootstrap, no TPS match,
 *           cp_tps_get reports CP_E_CORRUPT; a local MANAGER BOOTSTRAP
 *           replaces it (cp_trust__tps_may_set);
 *   SPC:    the store is empty and signed .cpf files get no roles until a
 *           signer is added (which saves the store again; there is
 *           nothing to remove);
 *   PIN:    the counts are unknown: PIN-signed messages are refused;
 *   gateways: no gateway is known or trusted.
 */
void cp_trust__damaged(const cp_ctx *ctx, struct cp_trust_state *st,
                       uint32_t mask, int policy);
/*
 * The status (CP_E_CORRUPT, with the ctx error set) when a damaged part in
 * mask forbids what the caller is about to do, else CP_OK.
 */
cp_status cp_trust__check_damage(cp_ctx *ctx, uint32_t mask);

/* Set the TPS (BOOTSTRAP): url must be a valid PROVURL; persisted. */
cp_status cp_trust__tps_set(cp_ctx *ctx, const char *url, const char *name);
/*
 * May a BOOTSTRAP with a PROVURL set the TPS for a caller with roles
 * (effective)? CP_OK when none is stored; CP_E_EXISTS when one is; when the
 * stored one is damaged (unknown), only a local MANAGER (MANAGER or EXEMPT,
 * not ANY_PUSH_SOURCE: never over the air) may replace it, else
 * CP_E_CORRUPT. why (cap octets) gets the reason of a refusal.
 */
cp_status cp_trust__tps_may_set(cp_ctx *ctx, uint32_t roles, char *why,
                                size_t cap);
/* 1 when url names the stored TPS (case-insensitive scheme and host, a
   trailing '/' ignored). */
int cp_trust__tps_match(cp_ctx *ctx, const char *url);
/* 0 when url is a complete http, https, wsp or wsps URL of at most 256 characters. */
cp_status cp_trust__provurl_check(const char *url);

/*
 * Attempts counted for the message with this identity digest: CP_OK and
 * *failures (0 if none); CP_E_CORRUPT when the stored counts are damaged;
 * CP_E_LIMIT when the message has no slot and every slot holds a live
 * count (fail closed: the message must be refused). Errors set the ctx.
 */
cp_status cp_trust__pin_failures(cp_ctx *ctx, const uint8_t digest[20],
                                 unsigned *failures);
/*
 * Record the attempt count of a message and save it before returning;
 * any failure (no free slot, storage) is returned and must refuse.
 */
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
/*
 * Add or replace a signer held by its certificate: der (der_len <=
 * CP_SPC_CERT_MAX octets, its SHA-1 thumbprint sha1) and its subject text
 * (at most CP_SPC_SUBJECT_MAX characters). Persisted.
 */
cp_status cp_spc__add_cert(cp_ctx *ctx, const uint8_t *sha1, uint32_t roles,
                           const uint8_t *der, size_t der_len,
                           const char *subject);
/*
 * The index-th signer's certificate (borrowed: valid until the store
 * changes; NULL and 0 for a thumbprint-only entry) and subject ("" when
 * none). CP_E_NOT_FOUND past the end.
 */
cp_status cp_spc__cert(cp_ctx *ctx, size_t index, const uint8_t **der,
                       size_t *der_len, const char **subject);
cp_status cp_tps__get(cp_ctx *ctx, char *url, size_t cap);
/* ctx must not be NULL. */
uint32_t cp_roles__effective(cp_ctx *ctx, uint32_t roles);

#endif
