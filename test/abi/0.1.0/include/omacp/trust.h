/*
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
 * A role mask is a uint32_t of these bits, exactly the Windows Mobile
 * SECROLE_* values. Several roles combine by OR.
 */
#define CP_ROLE_NONE 0x0000u
#define CP_ROLE_OEM 0x0002u             /**< device manufacturer */
#define CP_ROLE_OPERATOR 0x0004u        /**< NETWPIN-signed (SECROLE_CARRIER) */
#define CP_ROLE_MANAGER 0x0008u         /**< may change every setting */
#define CP_ROLE_USER_AUTH 0x0010u       /**< authenticated user (user PIN) */
#define CP_ROLE_ENTERPRISE 0x0020u      /**< enterprise administrator */
#define CP_ROLE_USER_UNAUTH 0x0040u     /**< anyone: unsigned messages */
#define CP_ROLE_OPERATOR_TPS 0x0080u    /**< the trusted provisioning server */
#define CP_ROLE_KNOWN_PPG 0x0100u       /**< came through a known push gateway */
#define CP_ROLE_TRUSTED_PPG 0x0200u     /**< came through a trusted push gateway */
#define CP_ROLE_PPG_AUTH 0x0400u        /**< gateway authenticated the initiator */
#define CP_ROLE_PPG_TRUSTED 0x0800u     /**< gateway says the content is trusted */
#define CP_ROLE_ANY_PUSH_SOURCE 0x1000u /**< every pushed message */
/**
 * libomacp extension, not a Windows Mobile bit: the caller is exempt from
 * role and read/write checks (the device's own settings UI).
 */
#define CP_ROLE_EXEMPT 0x80000000u

/** Roles that say where a pushed message came from. */
#define CP_ROLES_ORIGIN                                                      \
    (CP_ROLE_OPERATOR_TPS | CP_ROLE_KNOWN_PPG | CP_ROLE_TRUSTED_PPG |        \
     CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED | CP_ROLE_ANY_PUSH_SOURCE)
/** Every Windows Mobile role bit. */
#define CP_ROLES_ALL 0x1FFEu

/**
 * Effective roles: roles plus MANAGER when (roles AND policy 4119) != 0
 * and plus USER_AUTH when (roles AND policy 4120) != 0. Reads the
 * policies of ctx. Returns roles unchanged when ctx is NULL.
 */
CP_EXPORT uint32_t cp_roles_effective(cp_ctx *ctx, uint32_t roles);

/** Roles given by a SEC method (CP_SEC_* of omacp/wsp.h; -1 = unsigned). */
CP_EXPORT uint32_t cp_roles_for_sec(int sec);

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

/** Description of one policy, from cp_policy_list(). */
typedef struct cp_policy_desc {
    uint32_t id;           /**< policy id */
    const char *name;      /**< short name, static */
    const char *meaning;   /**< what the value means, static */
    int is_mask;           /**< 1 when the value is a role mask (AND rule) */
    uint32_t value;        /**< current value on this device */
    uint32_t default_value; /**< default for this device's profile */
    uint32_t min, max;     /**< accepted range (masks: any CP_ROLES_ALL bits) */
    uint32_t set_roles;    /**< roles allowed to change it (MANAGER; for 4120 also USER_AUTH) */
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
 * the effective roles lack the policy's set roles (MANAGER; for 4120 also
 * USER_AUTH; CP_ROLE_EXEMPT always passes), CP_E_INVALID_ARG for a value out of
 * range, CP_E_NOT_FOUND for an unknown id, CP_E_IO when it cannot be
 * stored (the old value stays in force).
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

/* ---- the stored TPS ------------------------------------------------------ */

/** Longest PROVURL accepted (characters). */
#define CP_TPS_URL_MAX 256

/**
 * The trusted provisioning server set by the OTA bootstrap: its PROVURL
 * (NUL-terminated into url, cap >= CP_TPS_URL_MAX + 1 always suffices).
 * CP_E_NOT_FOUND when the device has not been bootstrapped.
 */
CP_EXPORT cp_status cp_tps_get(cp_ctx *ctx, char *url, size_t cap);

/**
 * Load the persisted device state (policies, PIN counters, SPC store, TPS)
 * now. It is otherwise loaded on first use. Returns CP_E_CORRUPT when a
 * stored blob is corrupt or of a foreign format: its defaults stay in
 * force, the message names the blob, and the blob is replaced at the next
 * save. CP_E_IO when storage fails.
 */
CP_EXPORT cp_status cp_state_load(cp_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_TRUST_H */
