/** @file
 * omacp/trust.h - security roles, message sources, security policies, the
 * SPC certificate store and the stored TPS: the device's security model
 * after Windows Mobile 6.5 (see README, "Security model").
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
 * policies of ctx. Returns roles unchanged when ctx is NULL. Returns
 * CP_ROLE_NONE (0) when ctx is busy inside another call (see omacp/ctx.h):
 * it cannot vouch for any role then, so it grants none (fail closed).
 */
CP_EXPORT uint32_t cp_roles_effective(cp_ctx *ctx, uint32_t roles);

/** Roles given by a SEC method (CP_SEC_NONE = unsigned). */
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
 * Roles of a local source. API callers: one-tier device (policy 4123 = 1)
 * MANAGER; two-tier: privileged MANAGER, normal USER_AUTH. RAPI: policy
 * 4097 = 1 MANAGER, 2 USER_AUTH, 0 (or any other value) CP_E_REFUSED. CPF:
 * signer_sha1 (20 octets, NULL = unsigned) looked up in the SPC store; no
 * match or unsigned: the mask of policy 4101. BOOT: MANAGER. UI:
 * CP_ROLE_EXEMPT | CP_ROLE_USER_AUTH. These are base roles; apply
 * cp_roles_effective() for access checks.
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
 */
#define CP_POLICY_RAPI 4097u                /**< 0 off, 1 MANAGER, 2 USER_AUTH */
#define CP_POLICY_UNSIGNED_CABS 4101u       /**< role mask of unsigned .cab/.cpf */
#define CP_POLICY_UNSIGNED_APPS 4102u       /**< 0 disallow, 1 allow */
#define CP_POLICY_UNSIGNED_THEMES 4103u     /**< role mask of unsigned themes */
#define CP_POLICY_TPS 4104u                 /**< 1: OPERATOR_TPS may be assigned */
#define CP_POLICY_MAX_AUTH_RETRY 4105u      /**< PIN attempts per message */
#define CP_POLICY_WAP_SIGNED_MSG 4107u      /**< deprecated by 4141-4143; kept */
#define CP_POLICY_SL_MESSAGE 4108u          /**< role mask of SL messages */
#define CP_POLICY_SI_MESSAGE 4109u          /**< role mask of SI messages */
#define CP_POLICY_UNAUTH_MESSAGES 4110u     /**< role mask: unsigned messages */
#define CP_POLICY_OTA_PROVISIONING 4111u    /**< role mask: any OTA provisioning */
#define CP_POLICY_WSP_PUSH 4113u            /**< 1 route WSP push */
#define CP_POLICY_GRANT_MANAGER 4119u       /**< roles that also get MANAGER */
#define CP_POLICY_GRANT_USER_AUTH 4120u     /**< roles that also get USER_AUTH */
#define CP_POLICY_TRUSTED_WAP_PROXY 4121u   /**< roles that may create trusted PPGs */
#define CP_POLICY_UNSIGNED_PROMPT 4122u     /**< 0 ask, 1 never ask */
#define CP_POLICY_PRIVILEGED_APPS 4123u     /**< 1 one-tier, 0 two-tier */
#define CP_POLICY_NETWPIN_PROMPT 4132u      /**< 0 ask before a pure-NETWPIN message */
#define CP_POLICY_OMACP_NETWPIN 4141u       /**< role mask: NETWPIN messages */
#define CP_POLICY_OMACP_USERPIN 4142u       /**< role mask: USERPIN and USERPINMAC */
#define CP_POLICY_OMACP_USERNETWPIN 4143u   /**< role mask: USERNETWPIN */

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

/** Number of policies this library knows. */
CP_EXPORT size_t cp_policy_count(void);

/**
 * Describe the index-th known policy (0 <= index < cp_policy_count()),
 * with its current value on ctx. CP_E_NOT_FOUND past the end.
 */
CP_EXPORT cp_status cp_policy_list(cp_ctx *ctx, size_t index,
                                   cp_policy_desc *out);

/** Current value of policy id. CP_E_NOT_FOUND for an unknown id. */
CP_EXPORT cp_status cp_policy_get(cp_ctx *ctx, uint32_t id, uint32_t *value);

/**
 * Set policy id to value on behalf of a caller holding roles (base roles;
 * the grant policies are applied here). Fails with CP_E_ACCESS_DENIED when
 * the effective roles lack the policy's set roles (MANAGER, as the 6.5
 * SecurityPolicy CSP page documents for every policy; 0.1.0 also let
 * USER_AUTH change 4120; CP_ROLE_EXEMPT always passes), CP_E_INVALID_ARG
 * for a value out of
 * range, CP_E_NOT_FOUND for an unknown id, CP_E_STORAGE when it cannot be
 * stored (the old value stays in force; 0.1.0 said CP_E_IO).
 */
CP_EXPORT cp_status cp_policy_set(cp_ctx *ctx, uint32_t id, uint32_t value,
                                  uint32_t roles);

/** Restore the profile default of policy id; same rules as cp_policy_set. */
CP_EXPORT cp_status cp_policy_reset(cp_ctx *ctx, uint32_t id, uint32_t roles);

/* ---- SPC store: signers of .cpf files and their role masks --------------- */

/** At most this many SPC entries. */
#define CP_SPC_MAX 64

/**
 * Add or replace the signer with SHA-1 certificate thumbprint sha1 (20
 * octets) and role mask roles (CP_ROLES_ALL bits). Persisted. CP_E_LIMIT
 * when the store is full.
 */
CP_EXPORT cp_status cp_spc_add(cp_ctx *ctx, const uint8_t *sha1,
                               uint32_t roles);
/** Remove a signer. CP_E_NOT_FOUND if absent. */
CP_EXPORT cp_status cp_spc_remove(cp_ctx *ctx, const uint8_t *sha1);
/**
 * The index-th signer: its thumbprint into sha1 (20 octets) and its roles.
 * CP_E_NOT_FOUND past the end.
 */
CP_EXPORT cp_status cp_spc_get(cp_ctx *ctx, size_t index, uint8_t *sha1,
                               uint32_t *roles);

/**
 * Add or replace a signer held by its certificate (0.2.0): cert is one
 * X.509 certificate, DER or PEM ("-----BEGIN CERTIFICATE-----"), len
 * octets; roles as cp_spc_add. The entry's thumbprint is the SHA-1 of the
 * DER; an entry with that thumbprint (also one added by cp_spc_add) is
 * replaced. A signed .cpf whose certificate chain reaches this
 * certificate gets roles (see omacp/cpf.h). Persisted, with the
 * certificate and its subject. CP_E_MALFORMED when cert is not one
 * certificate, CP_E_LIMIT when the store is full or the certificate is
 * over 8192 octets of DER, CP_E_UNSUPPORTED in a build without the .cpf
 * module (NO_CPF).
 */
CP_EXPORT cp_status cp_spc_add_cert(cp_ctx *ctx, const uint8_t *cert,
                                    size_t len, uint32_t roles);

/** Room for a signer's subject in cp_spc_info, with its NUL. */
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
 * The index-th signer with its subject. Set out->struct_size first; the
 * library fills what that size covers. CP_E_NOT_FOUND past the end,
 * CP_E_VERSION when struct_size is smaller than the 0.2.0 layout.
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
 * The index-th push gateway the device holds, in the order they were
 * provisioned. CP_E_NOT_FOUND past the end, CP_E_CORRUPT when the stored
 * list is damaged (no gateway is then trusted), CP_E_VERSION for an
 * out->struct_size this library does not know, CP_E_BUSY inside another
 * call on ctx. Added in 0.2.0.
 */
CP_EXPORT cp_status cp_gateway_list(cp_ctx *ctx, size_t index,
                                    cp_gateway_info *out);

/* ---- the stored TPS ------------------------------------------------------ */

/** Longest PROVURL accepted (characters). */
#define CP_TPS_URL_MAX 256

/**
 * The trusted provisioning server set by the OTA bootstrap: its PROVURL
 * (NUL-terminated into url, cap >= CP_TPS_URL_MAX + 1 always suffices).
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
 * Load the persisted device state (policies, PIN counters, SPC store, TPS)
 * now. It is otherwise loaded on first use. Returns CP_E_CORRUPT when a
 * stored blob is corrupt or of a foreign format, or a stored policy value
 * is outside its range (cp_policy_desc min/max); the message names the
 * blob (and the policy). Damaged state never falls back to the defaults,
 * it fails closed: policies take their most restrictive value (role
 * masks 0, switches off or "ask", 4105 one attempt) and keep it, stored,
 * until a MANAGER sets or resets each; a damaged TPS reads as "TPS
 * unknown" (cp_tps_get); damaged PIN counts refuse PIN-signed messages;
 * a damaged SPC store gives signed .cpf files no roles until a signer is
 * added or removed; a damaged gateway list trusts no gateway. The next
 * save of a blob replaces it. CP_E_STORAGE when storage fails (0.1.0:
 * CP_E_IO), also when an interrupted commit is pending and cannot be
 * finished; every call that needs the state fails the same way then, and
 * policy reads inside the library use the most restrictive values.
 */
CP_EXPORT cp_status cp_state_load(cp_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_TRUST_H */
