/*
 * ptab.c - the security policy table: ids, meanings, ranges, profile
 * defaults and where each default comes from, and each policy's most
 * restrictive value (its fail-closed reading). Constant data and lookups
 * only: the values in force are state.c's, their changes policy.c's.
 *
 * Sources (see ../shared/spec/wm-model.md, section 2): P4 = WM "Default
 * Security Policy Settings", P7 = Windows 10 Mobile SecurityPolicy CSP,
 * O3 = "Enabling OTA Bootstrapping" (the OEM recipe for unbranded
 * devices), P2/P3 = WM5 / WM2003 policy pages. "ours" marks a value chosen
 * by libomacp where the sources are silent; the README explains each.
 */
#include "state.h"

enum { VAL = 0, MASK = 1 };

typedef struct policy_row {
    uint32_t id;
    uint8_t kind;
    const char *name;
    const char *meaning;
    uint32_t def_branded, def_unbranded;
    uint32_t min, max;
    uint32_t set_roles;
    const char *source;
} policy_row;

#define R_M CP_ROLE_MANAGER
#define ANYV 0u, 0xFFFFFFFFu
#define MASKV 0u, CP_ROLES_ALL

static const policy_row rows[] = {
    {2, VAL, "AutoRun", "0 storage-card applications may auto-run, 1 blocked",
     0, 0, 0, 1, R_M, "P4"},
    {10, VAL, "PerimeterSecurity", "stored only (meaning undocumented)", 0, 0,
     ANYV, R_M, "ours (silent)"},
    {4097, VAL, "RAPI",
     "0 desktop RAPI refused, 1 RAPI runs as MANAGER, 2 as USER_AUTH", 2, 2, 0,
     2, R_M, "P4"},
    {4101, MASK, "UnsignedCABs", "role mask of unsigned or unknown-signer .cab/.cpf",
     CP_ROLE_USER_AUTH, CP_ROLE_USER_AUTH, MASKV, R_M, "P4"},
    {4102, VAL, "UnsignedApps", "0 unsigned applications disallowed, 1 allowed",
     1, 1, 0, 1, R_M, "P4"},
    {4103, MASK, "UnsignedThemes", "role mask of unsigned themes",
     CP_ROLE_USER_UNAUTH, CP_ROLE_USER_UNAUTH, MASKV, R_M, "P4"},
    {4104, VAL, "TPS", "1 OPERATOR_TPS may be assigned, 0 never", 1, 1, 0, 1,
     R_M, "P4, P7"},
    {4105, VAL, "MaxAuthRetry", "PIN attempts allowed per PIN-signed message",
     3, 3, 1, 256, R_M, "P4, P7"},
    {4107, MASK, "WAPSignedMessage",
     "role mask for PIN-signed messages (WM 6.0; superseded by 4141-4143, stored only)",
     0xC80u, 0xC84u, MASKV, R_M, "P4; unbranded O3"},
    {4108, MASK, "ServiceLoading", "role mask of accepted SL messages",
     CP_ROLE_KNOWN_PPG, CP_ROLE_KNOWN_PPG, MASKV, R_M, "P7"},
    {4109, MASK, "ServiceIndication", "role mask of accepted SI messages",
     CP_ROLE_KNOWN_PPG, CP_ROLE_KNOWN_PPG, MASKV, R_M, "P7"},
    {4110, MASK, "UnauthenticatedMessages",
     "role mask: unsigned messages accepted when (roles AND mask) != 0",
     CP_ROLE_OPERATOR_TPS, CP_ROLE_OPERATOR_TPS, MASKV, R_M,
     "ours: only the TPS through a trusted PPG (WM silent)"},
    {4111, MASK, "OTAProvisioning",
     "role mask: OTA provisioning messages accepted when (roles AND mask) != 0",
     CP_ROLE_OPERATOR_TPS | CP_ROLE_KNOWN_PPG,
     CP_ROLE_OPERATOR_TPS | CP_ROLE_KNOWN_PPG | CP_ROLE_ANY_PUSH_SOURCE,
     MASKV, R_M, "P7; unbranded adds ANY_PUSH_SOURCE to cover 4143 (P7 rule)"},
    {4112, VAL, "WDPPush", "stored only (meaning undocumented)", 0, 0, ANYV,
     R_M, "ours (silent)"},
    {4113, VAL, "WSPPush", "1 WSP push notifications routed, 0 not", 1, 1, 0,
     1, R_M, "P7"},
    {4119, MASK, "GrantManager", "roles that also get MANAGER",
     CP_ROLE_OPERATOR_TPS, CP_ROLE_OPERATOR_TPS | CP_ROLE_OPERATOR, MASKV,
     R_M, "P4 (phone SKU); unbranded O3"},
    {4120, MASK, "GrantUserAuth", "roles that also get USER_AUTH",
     CP_ROLE_USER_AUTH, CP_ROLE_USER_AUTH, MASKV, R_M,
     "P4; set by MANAGER only (SecurityPolicy CSP, 6.5 bb737380; WM2003 P3 also let USER_AUTH)"},
    {4121, MASK, "TrustedWAPProxy",
     "roles that may create, change or delete a trusted PPG", R_M, R_M,
     MASKV, R_M, "ours: MANAGER (WM silent)"},
    {4122, VAL, "UnsignedPrompt", "0 ask before unsigned code, 1 never ask", 0,
     0, 0, 1, R_M, "P4"},
    {4123, VAL, "PrivilegedApps", "1 one-tier, 0 two-tier", 0, 0, 0, 1, R_M,
     "the device's tier (cp_config.tier)"},
    {4124, VAL, "SLSecureDownload", "0 SL must use https/wsps, 1 http/wsp allowed",
     0, 0, 0, 1, R_M, "ours (silent): secure"},
    {4125, VAL, "SMIMESign", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4126, VAL, "SMIMEEncrypt", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4127, VAL, "SoftCerts", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4129, MASK, "DRMWAPRights", "role mask of DRM rights messages",
     CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED, CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED,
     MASKV, R_M, "P2"},
    {4130, VAL, "OMADMSSL", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4131, VAL, "PasswordRequired", "stored only", 0, 0, ANYV, R_M,
     "ours (silent)"},
    {4132, VAL, "NetworkPINPrompt",
     "0 ask the user before a pure-NETWPIN message, 1 no prompt", 0, 0, 0, 1,
     R_M, "P4, P7"},
    {4133, VAL, "LASSDesktop", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4134, VAL, "EncryptRemovable", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4135, VAL, "Bluetooth", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4136, VAL, "HTMLMessage", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4137, VAL, "SMIMESigning", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4138, VAL, "SMIMEEncryption", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4139, VAL, "SMIMESigningAlgorithm", "stored only", 0, 0, ANYV, R_M,
     "ours (silent)"},
    {4140, VAL, "SMIMEEncryptionAlgorithm", "stored only", 0, 0, ANYV, R_M,
     "ours (silent)"},
    {4141, MASK, "OMACPNetworkPIN",
     "role mask: NETWPIN-signed messages accepted when (origin roles AND mask) != 0",
     0, 0, MASKV, R_M, "P7 (NETWPIN-only refused)"},
    {4142, MASK, "OMACPUserPIN",
     "role mask: USERPIN/USERPINMAC messages accepted when (origin roles AND mask) != 0",
     CP_ROLE_KNOWN_PPG, CP_ROLE_KNOWN_PPG, MASKV, R_M, "P7"},
    {4143, MASK, "OMACPUserNetworkPIN",
     "role mask: USERNETWPIN messages accepted when (origin roles AND mask) != 0",
     CP_ROLE_KNOWN_PPG, CP_ROLE_ANY_PUSH_SOURCE, MASKV, R_M,
     "P7; unbranded: any push source (O3, O14)"},
    {4144, VAL, "SMIMEEncryptionNegotiation", "stored only", 0, 0, ANYV, R_M,
     "ours (silent)"},
    {4145, VAL, "SharePointUNC", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4146, VAL, "LASSQuickConnect", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4147, VAL, "SMSMMSDisable", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4148, VAL, "InternetEmailDisable", "stored only", 0, 0, ANYV, R_M,
     "ours (silent)"},
    {4149, VAL, "FIPSSelfTests", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4150, VAL, "CertExpiryCheck", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4151, VAL, "WidgetInstall", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
    {4152, VAL, "WidgetExecute", "stored only", 0, 0, ANYV, R_M, "ours (silent)"},
};

#define NROWS (sizeof rows / sizeof rows[0])

typedef char static_assert_slots[(NROWS <= CP_POLICY_SLOTS) ? 1 : -1];

size_t cp_policy__count(void)
{
    return NROWS;
}

uint32_t cp_policy__id(size_t index)
{
    return rows[index].id;
}

int cp_policy__index(uint32_t id)
{
    size_t i;
    for (i = 0; i < NROWS; i++)
        if (rows[i].id == id)
            return (int)i;
    return -1;
}

uint32_t cp_policy__default(const cp_ctx *ctx, size_t index)
{
    if (rows[index].id == CP_POLICY_PRIVILEGED_APPS)
        return ctx->tier == CP_TIER_ONE ? 1u : 0u;
    return ctx->profile == CP_PROFILE_UNBRANDED ? rows[index].def_unbranded
                                                : rows[index].def_branded;
}

/*
 * The most restrictive value of each policy, taken when its stored value
 * is damaged or the state cannot be read (fail closed). Role masks: 0,
 * nobody. Switches: the closed side (4097 RAPI refused, 4102 unsigned
 * applications disallowed, 4104 no OPERATOR_TPS, 4113 WSP push off, 4122
 * and 4132 ask the user, 4123 two-tier, 4124 secure download only, 2
 * AutoRun blocked). 4105: one PIN attempt. Policies that are only stored
 * (their meaning is undocumented and nothing reads them) keep the default.
 */
uint32_t cp_policy__strict(const cp_ctx *ctx, size_t index)
{
    const policy_row *r = &rows[index];
    if (r->kind == MASK)
        return 0;
    switch (r->id) {
    case 2: /* AutoRun: blocked */
    case CP_POLICY_MAX_AUTH_RETRY: /* one PIN attempt */
        return 1;
    case CP_POLICY_RAPI:
    case CP_POLICY_UNSIGNED_APPS:
    case CP_POLICY_TPS:
    case CP_POLICY_WSP_PUSH:
    case CP_POLICY_UNSIGNED_PROMPT:
    case CP_POLICY_PRIVILEGED_APPS:
    case 4124: /* SL secure download */
    case CP_POLICY_NETWPIN_PROMPT:
        return 0;
    default:
        return cp_policy__default(ctx, index);
    }
}

int cp_policy__in_range(size_t index, uint32_t value)
{
    const policy_row *r = &rows[index];
    if (value < r->min || value > r->max)
        return 0;
    return r->kind != MASK || (value & ~(uint32_t)CP_ROLES_ALL) == 0;
}

/* The static half of a cp_policy_desc; the caller fills in value. */
void cp_policy__describe(const cp_ctx *ctx, size_t index, cp_policy_desc *out)
{
    const policy_row *r = &rows[index];
    out->id = r->id;
    out->name = r->name;
    out->meaning = r->meaning;
    out->is_mask = r->kind == MASK;
    out->default_value = cp_policy__default(ctx, index);
    out->min = r->min;
    out->max = r->max;
    out->set_roles = r->set_roles;
    out->source = r->source;
}

uint32_t cp_policy__set_roles(size_t index)
{
    return rows[index].set_roles;
}

CP_EXPORT size_t cp_policy_count(void)
{
    return NROWS;
}
