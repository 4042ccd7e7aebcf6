/** @file
 * omacp/trust.h - security roles, message sources, security policies, the
 * SPC certificate store, the stored TPS and the push gateways: the
 * device's security model after Windows Mobile 6.5 (see README,
 * "Security model").
 *
 * Roles. Every document the library processes comes with a role mask
 * (CP_ROLE_* bits, omacp/common.h). A message pushed over the air gets
 * its origin roles from the gateway it came through and the stored TPS
 * (omacp/bootstrap.h) plus the roles of its SEC method
 * (cp_roles_for_sec); a document from the device itself gets the roles
 * of its source (cp_source_roles). These are base roles. The effective
 * roles, against which the metabase and the policies' set roles are
 * checked, add the grants of policies 4119 and 4120
 * (cp_roles_effective); cp_process_config_xml and cp_policy_set apply
 * them themselves, so callers pass base roles.
 *
 * Policies. Each security policy is a uint32_t keyed by its Windows
 * Mobile id (the CP_POLICY_* macros name those the library acts on;
 * cp_policy_list lists every id it knows, including those it only
 * stores). A role-mask policy admits a message when (its roles AND the
 * policy) != 0, so 0 admits nobody. A new device starts from the defaults
 * of its profile (cp_config.profile, README "Policy defaults"); only a
 * caller whose effective roles hold the policy's set roles (MANAGER)
 * changes one.
 *
 * Damaged state fails closed. A stored blob that is corrupt or of a
 * foreign format, or a stored policy value out of its range, never falls
 * back to the defaults: the policies concerned (all of them for a damaged
 * "policy" blob, the one for a value out of range) take their most
 * restrictive value (role masks 0, switches off or "ask", 4105 one
 * attempt), pinned until a MANAGER sets or resets each, and over-the-air
 * messages are refused with CP_E_CORRUPT until the stored policies are
 * rewritten (cp_policy_set); a damaged TPS reads as "bootstrapped, TPS
 * unknown"; damaged PIN counts refuse PIN-signed messages; a damaged SPC
 * store gives signed .cpf files no roles; a damaged gateway list trusts
 * no gateway. State that cannot be read at all (CP_E_STORAGE) reads the
 * same way inside the library: every decision is made on the most
 * restrictive values, never on defaults. cp_state_load reports it.
 *
 * Storage. The trust floor keeps its state in the context's storage
 * (cp_storage, omacp/ctx.h) as five blobs, beside the engine's
 * (omacp/engine.h):
 * - "policy": the id and value of every policy that was set (a reset
 *   one follows its profile default and is not stored).
 * - "spc": the SPC store, each signer's thumbprint and role mask, and
 *   since 0.2.0 its certificate and subject (format 2; format 1 still
 *   loads).
 * - "tps": the TPS's PROVURL and name, written by the bootstrap.
 * - "pin": the PIN attempt counts of up to 16 messages (see
 *   cp_verify_bootstrap in omacp/bootstrap.h).
 * - "gateways": the push gateways provisioned through PXLOGICAL.
 *
 * Each blob is framed the same way: the magic "CPST", its kind, its format
 * version, the payload length, the payload and a CRC-32 over all of it;
 * integers are big-endian, so a blob moves between hosts. A blob that does
 * not check out is damaged (above). A blob that is absent (never saved, or
 * removed by the host) reads as the defaults: profile policies, an empty
 * SPC store, no TPS (the device is not bootstrapped), no PIN counts, no
 * gateways. Removing one is thus the owner's decision (removing "pin"
 * clears every PIN count, removing "tps" allows a new bootstrap), and the
 * storage deserves the protection of what it guards. Each change made by
 * a function of this header is saved before it returns CP_OK; when the
 * save fails it returns CP_E_STORAGE (or CP_E_NOMEM) and the value in
 * force stays the old one.
 *
 * Threads and re-entry. Every function below that takes a cp_ctx enters
 * it and returns CP_E_BUSY, touching nothing, while the context is inside
 * another call: another thread's, or the running call's own when a CSP
 * callback or hook calls back with the same context (omacp/ctx.h).
 * cp_roles_effective returns CP_ROLE_NONE then. cp_roles_for_sec and
 * cp_policy_count use no context.
 *
 * Example: what may a normal application change on this device?
 * @code
 * uint32_t roles;
 * if (cp_source_roles(ctx, CP_SOURCE_API_NORMAL, NULL, &roles) == CP_OK)
 *     st = cp_process_config_xml(ctx, xml, len, roles, CP_PROCESS, &out,
 *                                &out_len);
 * @endcode
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_TRUST_H
#define OMACP_TRUST_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- roles ---------------------------------------------------------------
 * The role bits (CP_ROLE_*, CP_ROLES_*) live in omacp/common.h.
 */

/**
 * Effective roles: roles plus MANAGER when (roles AND policy 4119) != 0
 * and plus USER_AUTH when (roles AND policy 4120) != 0. Reads the
 * policies of ctx (loading the stored state on first use). Returns roles
 * unchanged when ctx is NULL. Returns CP_ROLE_NONE (0) when ctx is busy
 * inside another call (see omacp/ctx.h): it cannot vouch for any role
 * then, so it grants none (fail closed). When the policies are damaged or
 * cannot be read, 4119 and 4120 read as 0: no grant, roles unchanged
 * (a load failure is recorded in ctx).
 */
CP_EXPORT uint32_t cp_roles_effective(cp_ctx *ctx, uint32_t roles);

/**
 * Roles given by a SEC method: CP_SEC_NONE (unsigned) USER_UNAUTH,
 * NETWPIN OPERATOR, USERPIN USER_AUTH, USERNETWPIN OPERATOR | USER_AUTH,
 * USERPINMAC USER_AUTH; CP_SEC_INVALID and any other value CP_ROLE_NONE.
 * These are what a verified signature adds to a message's origin roles;
 * they say nothing about whether the signature verified. Pure function.
 */
CP_EXPORT uint32_t cp_roles_for_sec(cp_sec sec);

/* ---- local sources ------------------------------------------------------ */

/** Where a document that did not come over the air comes from. */
typedef enum cp_source {
    CP_SOURCE_API_PRIVILEGED = 1, /**< privileged application (DMProcessConfigXML) */
    CP_SOURCE_API_NORMAL = 2,     /**< normal application */
    CP_SOURCE_RAPI = 3,           /**< desktop RAPI / ActiveSync, by policy 4097 */
    CP_SOURCE_CPF = 4,            /**< a .cpf file, by its signer (SPC store) or policy 4101 */
    CP_SOURCE_BOOT = 5,           /**< boot-time file in ROM */
    CP_SOURCE_UI = 6              /**< the device's settings UI */
} cp_source;

/**
 * Roles of a local source, into *roles. API callers: one-tier device
 * (policy 4123 = 1) MANAGER; two-tier: privileged MANAGER, normal
 * USER_AUTH. RAPI: policy 4097 = 1 MANAGER, 2 USER_AUTH, 0 (or any other
 * value) CP_E_REFUSED. CPF: signer_sha1 (the 20-octet SHA-1 thumbprint of
 * a signer whose signature the host verified; NULL = unsigned) looked up
 * in the SPC store; no match or unsigned: the mask of policy 4101
 * (cp_process_cpf in omacp/cpf.h verifies the signature itself). BOOT:
 * MANAGER. UI: CP_ROLE_EXEMPT | CP_ROLE_USER_AUTH. signer_sha1 is read
 * only for CPF. These are base roles; apply cp_roles_effective() for
 * access checks (cp_process_config_xml does).
 *
 * Policies that cannot be read take their most restrictive values here
 * too: RAPI is refused, an unsigned .cpf gets the mask 0.
 *
 * *roles (when not NULL) is CP_ROLE_NONE on every failure. Errors: CP_E_INVALID_ARG (ctx
 * or roles NULL, an unknown source), CP_E_REFUSED (RAPI switched off),
 * CP_E_CORRUPT (CPF with a signer while the SPC store is damaged: it may
 * have held that signer with other roles), CP_E_STORAGE or CP_E_NOMEM
 * (CPF with a signer, the state could not be loaded), CP_E_BUSY.
 */
CP_EXPORT cp_status cp_source_roles(cp_ctx *ctx, cp_source source,
                                    const uint8_t *signer_sha1,
                                    uint32_t *roles);

/* ---- security policies ---------------------------------------------------
 * Policies are uint32_t values keyed by the Windows Mobile policy id.
 * Role-mask policies use the AND rule: a message passes when
 * (its roles AND the policy) != 0.
 *
 * Every function below that takes a cp_ctx (and cp_source_roles above)
 * returns CP_E_BUSY, touching nothing, while the context is inside another
 * call: another thread's, or the running call's own when a CSP callback or
 * hook calls back with the same context (omacp/ctx.h).
 *
 * Each macro says what the value means, the defaults of the branded and
 * the unbranded profile (one number when both agree), and the most
 * restrictive value that damaged state takes ("strict"). "Stored only":
 * the library keeps the value for the host and acts on it nowhere itself.
 */
/** Desktop RAPI (CP_SOURCE_RAPI): 0 refused, 1 runs as MANAGER, 2 as USER_AUTH. Default 2; strict 0. */
#define CP_POLICY_RAPI 4097u
/** Role mask of an unsigned .cab/.cpf or one whose signer is not in the SPC store; 0 refuses them. Default USER_AUTH; strict 0. */
#define CP_POLICY_UNSIGNED_CABS 4101u
/** Unsigned applications: 0 disallowed, 1 allowed. Stored only. Default 1; strict 0. */
#define CP_POLICY_UNSIGNED_APPS 4102u
/** Role mask of unsigned themes. Stored only. Default USER_UNAUTH; strict 0. */
#define CP_POLICY_UNSIGNED_THEMES 4103u
/** 1: a message may get OPERATOR_TPS (from the stored TPS); 0: never. Default 1; strict 0. */
#define CP_POLICY_TPS 4104u
/** PIN attempts per PIN-signed message, 1 to 256; then it is discarded. Default 3; strict 1. */
#define CP_POLICY_MAX_AUTH_RETRY 4105u
/** Role mask of PIN-signed messages in Windows Mobile 6.0, superseded by 4141-4143. Stored only. Default 0xC80 / 0xC84; strict 0. */
#define CP_POLICY_WAP_SIGNED_MSG 4107u
/** Role mask of accepted Service Loading messages. Stored only. Default KNOWN_PPG; strict 0. */
#define CP_POLICY_SL_MESSAGE 4108u
/** Role mask of accepted Service Indication messages. Stored only. Default KNOWN_PPG; strict 0. */
#define CP_POLICY_SI_MESSAGE 4109u
/** Role mask of unsigned (CP_SEC_NONE) messages, against their roles. Default OPERATOR_TPS; strict 0. */
#define CP_POLICY_UNAUTH_MESSAGES 4110u
/** Role mask of every OTA provisioning message, against its roles. Default OPERATOR_TPS | KNOWN_PPG / that | ANY_PUSH_SOURCE; strict 0. */
#define CP_POLICY_OTA_PROVISIONING 4111u
/** 1: WSP push messages are routed (cp_push_process); 0: every one is refused. Default 1; strict 0. */
#define CP_POLICY_WSP_PUSH 4113u
/** Role mask: a caller holding any of these also gets MANAGER. Default OPERATOR_TPS / OPERATOR_TPS | OPERATOR; strict 0. */
#define CP_POLICY_GRANT_MANAGER 4119u
/** Role mask: a caller holding any of these also gets USER_AUTH. Default USER_AUTH; strict 0. */
#define CP_POLICY_GRANT_USER_AUTH 4120u
/** Role mask of the callers that may set TRUST on a PXLOGICAL or change a trusted gateway. Default MANAGER; strict 0. */
#define CP_POLICY_TRUSTED_WAP_PROXY 4121u
/** Unsigned code: 0 ask the user, 1 never ask. Stored only. Default 0; strict 0. */
#define CP_POLICY_UNSIGNED_PROMPT 4122u
/** Application tiers: 1 one-tier, 0 two-tier (see cp_source_roles). Default from cp_config.tier; strict 0. */
#define CP_POLICY_PRIVILEGED_APPS 4123u
/** 0: ask the user before applying a NETWPIN message (cp_push_hooks.confirm); 1: no prompt. Default 0; strict 0. */
#define CP_POLICY_NETWPIN_PROMPT 4132u
/** Role mask of NETWPIN messages, against their origin roles. Default 0 (refused); strict 0. */
#define CP_POLICY_OMACP_NETWPIN 4141u
/** Role mask of USERPIN and USERPINMAC messages, against their origin roles. Default KNOWN_PPG; strict 0. */
#define CP_POLICY_OMACP_USERPIN 4142u
/** Role mask of USERNETWPIN messages, against their origin roles. Default KNOWN_PPG / ANY_PUSH_SOURCE; strict 0. */
#define CP_POLICY_OMACP_USERNETWPIN 4143u

/**
 * Description of one policy, filled by cp_policy_list() in the layout of
 * the release the context's cp_config came from (see cp_config): this
 * one, or for a context made from a 0.1.0 cp_config the 0.1.0 layout,
 * which had no struct_size.
 */
typedef struct cp_policy_desc {
    size_t struct_size;    /**< set by cp_policy_list: the layout it wrote (0.2.0) */
    uint32_t id;           /**< policy id */
    const char *name;      /**< short name, static */
    const char *meaning;   /**< what the value means, static */
    int is_mask;           /**< 1 when the value is a role mask (AND rule) */
    uint32_t value;        /**< current value on this device */
    uint32_t default_value; /**< default for this device's profile */
    uint32_t min, max;     /**< accepted range (masks: any CP_ROLES_ALL bits) */
    uint32_t set_roles;    /**< roles allowed to change it (MANAGER; 0.1.0 also let USER_AUTH change 4120) */
    const char *source;    /**< where the default comes from, static */
} cp_policy_desc;
/** @var cp_policy_desc::min
 * Smallest value cp_policy_set accepts (role masks: 0). */
/** @var cp_policy_desc::max
 * Largest value cp_policy_set accepts (role masks: CP_ROLES_ALL, and
 * only CP_ROLES_ALL bits). */

/**
 * Number of policies this library knows: those of the CP_POLICY_* macros
 * and the ids it only stores. Constant for a build; no context needed.
 */
CP_EXPORT size_t cp_policy_count(void);

/**
 * Describe the index-th known policy (0 <= index < cp_policy_count()),
 * with its value in force on ctx, into *out. The call prepares *out
 * itself (it need not be initialised) in the layout of the context's
 * release (cp_policy_desc); its strings are static. A damaged policy is
 * listed with the most restrictive value it holds.
 *
 * Errors (*out untouched): CP_E_INVALID_ARG (ctx or out NULL),
 * CP_E_NOT_FOUND past the end, CP_E_STORAGE or CP_E_NOMEM (the state could
 * not be loaded), CP_E_BUSY.
 */
CP_EXPORT cp_status cp_policy_list(cp_ctx *ctx, size_t index,
                                   cp_policy_desc *out);

/**
 * Value in force of policy id, into *value: the stored value, the profile
 * default when none is stored, or the most restrictive value when the
 * stored policies are damaged (still CP_OK: that is the value decisions
 * use). Errors (*value untouched): CP_E_INVALID_ARG (ctx or value NULL),
 * CP_E_NOT_FOUND (an id cp_policy_list does not list), CP_E_STORAGE or
 * CP_E_NOMEM (the state could not be loaded; decisions inside the library
 * then use the most restrictive value), CP_E_BUSY.
 */
CP_EXPORT cp_status cp_policy_get(cp_ctx *ctx, uint32_t id, uint32_t *value);

/**
 * Set policy id to value on behalf of a caller holding roles (base roles;
 * the grant policies are applied here), and save it before returning.
 * The same as a SecurityPolicy characteristic in a document, without the
 * document.
 *
 * Checked in this order, after CP_E_INVALID_ARG for ctx NULL and
 * CP_E_BUSY: CP_E_NOT_FOUND for an unknown id;
 * CP_E_ACCESS_DENIED when the effective roles lack the policy's set roles
 * (MANAGER, as the 6.5 SecurityPolicy CSP page documents for every
 * policy; 0.1.0 also let USER_AUTH change 4120; CP_ROLE_EXEMPT always
 * passes); CP_E_INVALID_ARG for a value out of range (cp_policy_desc
 * min and max; a mask with a bit outside CP_ROLES_ALL); CP_E_STORAGE or
 * CP_E_NOMEM when it cannot be stored (the old value stays in force;
 * 0.1.0 said CP_E_IO).
 *
 * On damaged policies the first successful set rewrites the stored
 * policies: over-the-air messages are no longer refused as damaged, and
 * every other policy keeps its most restrictive value, stored, until it
 * is set or reset too.
 */
CP_EXPORT cp_status cp_policy_set(cp_ctx *ctx, uint32_t id, uint32_t value,
                                  uint32_t roles);

/**
 * Restore the profile default of policy id (the value then follows the
 * profile, as if never set); same checks, errors and storage as
 * cp_policy_set, without the range check.
 */
CP_EXPORT cp_status cp_policy_reset(cp_ctx *ctx, uint32_t id, uint32_t roles);

/* ---- SPC store: signers of .cpf files and their role masks --------------- */

/** At most this many SPC entries (signers); one more gives CP_E_LIMIT. */
#define CP_SPC_MAX 64

/**
 * Add or replace the signer with SHA-1 certificate thumbprint sha1 (20
 * octets) and role mask roles (CP_ROLES_ALL bits): a .cpf whose signer
 * has this thumbprint gets roles. An entry with that thumbprint keeps its
 * certificate (if cp_spc_add_cert gave it one) and gets the new roles.
 * Saved before it returns; on a damaged SPC store this starts a new,
 * empty store and rewrites it.
 *
 * Errors (the store unchanged): CP_E_INVALID_ARG (ctx or sha1 NULL, a bit
 * outside CP_ROLES_ALL), CP_E_LIMIT (CP_SPC_MAX signers held already),
 * CP_E_STORAGE or CP_E_NOMEM (not saved), CP_E_BUSY.
 */
CP_EXPORT cp_status cp_spc_add(cp_ctx *ctx, const uint8_t *sha1,
                               uint32_t roles);
/**
 * Remove the signer with thumbprint sha1 (20 octets), and its certificate;
 * saved before it returns. Errors (the store unchanged): CP_E_INVALID_ARG
 * (ctx or sha1 NULL), CP_E_NOT_FOUND (no such signer; a damaged store
 * holds none), CP_E_STORAGE or CP_E_NOMEM, CP_E_BUSY.
 */
CP_EXPORT cp_status cp_spc_remove(cp_ctx *ctx, const uint8_t *sha1);
/**
 * The index-th signer (0-based, in the order they were added; a removal
 * moves the later ones down): its thumbprint into sha1 (20 octets) and its
 * role mask into *roles; either may be NULL. Errors: CP_E_INVALID_ARG (ctx
 * NULL), CP_E_NOT_FOUND past the end, CP_E_STORAGE or CP_E_NOMEM (the
 * state could not be loaded), CP_E_BUSY.
 */
CP_EXPORT cp_status cp_spc_get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                               uint32_t *roles);

/**
 * Add or replace a signer held by its certificate (0.2.0): cert is one
 * X.509 certificate, DER or PEM ("-----BEGIN CERTIFICATE-----"), len
 * octets; roles as cp_spc_add. The entry's thumbprint is the SHA-1 of the
 * DER; an entry with that thumbprint (also one added by cp_spc_add) is
 * replaced. A signed .cpf whose certificate chain reaches this
 * certificate gets roles (see omacp/cpf.h). Saved before it returns, with
 * the certificate and its subject; the library keeps its own copy.
 *
 * Errors (the store unchanged): CP_E_INVALID_ARG (ctx or cert NULL, a bit
 * outside CP_ROLES_ALL), CP_E_MALFORMED (cert is not one certificate),
 * CP_E_LIMIT (the store is full, or the certificate is over 8192 octets of
 * DER), CP_E_STORAGE or CP_E_NOMEM, CP_E_BUSY, CP_E_UNSUPPORTED in a build
 * without the .cpf module (NO_CPF).
 */
CP_EXPORT cp_status cp_spc_add_cert(cp_ctx *ctx, const uint8_t *cert,
                                    size_t len, uint32_t roles);

/** Room for a signer's subject in cp_spc_info, with its NUL (longer subjects are cut). */
#define CP_SPC_SUBJECT_SIZE 256

/** One SPC signer as cp_spc_get_info() reports it. Added in 0.2.0. */
typedef struct cp_spc_info {
    size_t struct_size; /**< set by the caller: sizeof(cp_spc_info) */
    uint8_t sha1[20];   /**< SHA-1 thumbprint of the certificate */
    uint32_t roles;     /**< role mask */
    size_t cert_len;    /**< DER octets held; 0: held by thumbprint only */
    /** Subject (RFC 2253 order, one line; "" for a thumbprint-only entry). */
    char subject[CP_SPC_SUBJECT_SIZE];
} cp_spc_info;

/**
 * The index-th signer (as cp_spc_get) with its subject. Set
 * out->struct_size = sizeof(cp_spc_info) first; the library fills what
 * that size covers and keeps struct_size. Errors (*out untouched):
 * CP_E_INVALID_ARG (ctx or out NULL), CP_E_VERSION (struct_size smaller
 * than the 0.2.0 layout, or absurd), CP_E_NOT_FOUND past the end,
 * CP_E_STORAGE or CP_E_NOMEM, CP_E_BUSY.
 *
 * @code
 * cp_spc_info info;
 * size_t i;
 * info.struct_size = sizeof info;
 * for (i = 0; cp_spc_get_info(ctx, i, &info) == CP_OK; i++)
 *     printf("%s: roles 0x%lx\n", info.subject, (unsigned long)info.roles);
 * @endcode
 */
CP_EXPORT cp_status cp_spc_get_info(cp_ctx *ctx, size_t index,
                                    cp_spc_info *out);

/* ---- the push gateways the device holds ---------------------------------- */

/** Longest gateway address (PXADDR) kept, in octets. Added in 0.2.0. */
#define CP_GATEWAY_ADDRESS_MAX 127

/**
 * One push gateway the device holds: a PXPHYSICAL of a stored PXLOGICAL
 * (see cp_gateway.address in omacp/bootstrap.h for how a push is matched
 * against them). Added in 0.2.0.
 */
typedef struct cp_gateway_info {
    size_t struct_size; /**< sizeof(cp_gateway_info), set by cp_gateway_info_init */
    char address[CP_GATEWAY_ADDRESS_MAX + 1]; /**< its PXADDR */
    int trusted;      /**< 1: its PXLOGICAL carries TRUST */
    int push_enabled; /**< 1: PUSHENABLED = 1 */
} cp_gateway_info;

/** Prepare *g: zero it, set struct_size. NULL is a no-op. Added in 0.2.0. */
#define cp_gateway_info_init(g) cp_gateway_info_init_size((g), sizeof(cp_gateway_info))
/**
 * cp_gateway_info_init() as a function: prepare the size bytes of *g, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_gateway_info_init_size(cp_gateway_info *g, size_t size);

/**
 * The index-th push gateway the device holds (0-based, in the order they
 * were provisioned), into *out, prepared with cp_gateway_info_init. The
 * list is what the last committed PXLOGICAL document left: each commit of
 * the PXLOGICAL CSP replaces it (at most 32 gateways). Errors (*out
 * untouched): CP_E_INVALID_ARG (ctx or out NULL), CP_E_VERSION for an
 * out->struct_size this library does not know, CP_E_NOT_FOUND past the
 * end, CP_E_CORRUPT when the stored list is damaged (no gateway is then
 * known or trusted), CP_E_STORAGE or CP_E_NOMEM, CP_E_BUSY inside another
 * call on ctx. Added in 0.2.0.
 */
CP_EXPORT cp_status cp_gateway_list(cp_ctx *ctx, size_t index,
                                    cp_gateway_info *out);

/* ---- the stored TPS ------------------------------------------------------ */

/** Longest PROVURL accepted (characters); a longer one makes the bootstrap fail with CP_E_BAD_DOC. */
#define CP_TPS_URL_MAX 256

/**
 * The trusted provisioning server set by the bootstrap (a BOOTSTRAP
 * characteristic with a PROVURL, over the air or from a local MANAGER):
 * its PROVURL, NUL-terminated into url (cap octets; cap >=
 * CP_TPS_URL_MAX + 1 always suffices; url may be NULL when cap is 0).
 * CP_E_BUFFER_TOO_SMALL when cap is not more than its length (nothing
 * written). CP_E_INVALID_ARG when ctx is NULL or url NULL with cap > 0,
 * CP_E_STORAGE or CP_E_NOMEM when the state cannot be loaded, CP_E_BUSY.
 * CP_E_NOT_FOUND when the device has not been bootstrapped. CP_E_CORRUPT
 * when the stored TPS is damaged: the device then counts as bootstrapped
 * with an unknown TPS (no OTA bootstrap, no message is OPERATOR_TPS); the
 * error message tells the way back: process a BOOTSTRAP with the PROVURL
 * from a local MANAGER source (cp_process_config_xml with the roles of
 * CP_SOURCE_API_PRIVILEGED or CP_SOURCE_BOOT), which replaces it; nothing
 * that came over the air may.
 */
CP_EXPORT cp_status cp_tps_get(cp_ctx *ctx, char *url, size_t cap);

/**
 * Load the persisted device state (policies, PIN counters, SPC store, TPS,
 * gateways) now, reading every blob again (see "Storage" above). It is
 * otherwise loaded on first use; call this at start to learn early about
 * damaged state, which the first use would otherwise meet silently (its
 * fail-closed reading applies either way). Every blob is read even when
 * one fails; the first failure is returned. Returns CP_E_CORRUPT when a
 * stored blob is corrupt or of a foreign format, or a stored policy value
 * is outside its range (cp_policy_desc min/max); the message names the
 * blob (and the policy). Damaged state never falls back to the defaults,
 * it fails closed: policies take their most restrictive value (role
 * masks 0, switches off or "ask", 4105 one attempt) and keep it, stored,
 * until a MANAGER sets or resets each; a damaged TPS reads as "TPS
 * unknown" (cp_tps_get); damaged PIN counts refuse PIN-signed messages;
 * a damaged SPC store reads as empty and gives signed .cpf files no roles
 * until a signer is added (a removal finds none); a damaged gateway list
 * trusts no gateway until PXLOGICAL is provisioned again. The next
 * save of a blob replaces it. CP_E_STORAGE when storage fails (0.1.0:
 * CP_E_IO), also when an interrupted commit is pending and cannot be
 * finished; every call that needs the state fails the same way then, and
 * policy reads inside the library use the most restrictive values.
 * Also CP_E_NOMEM, CP_E_INVALID_ARG (ctx NULL), CP_E_BUSY.
 */
CP_EXPORT cp_status cp_state_load(cp_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_TRUST_H */
