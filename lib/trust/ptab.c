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
#include <string.h>

#include "state.h"

/*
 * The table is packed for firmware: no pointers (a pointer costs 4 or 8
 * bytes and a relocation in a position-independent build), small
 * integers instead. A row's name is the row's string in names[]; its
 * meaning and source are indexes into pools of the distinct texts, each a
 * run of NUL-separated strings. Finding a string walks its pool, which
 * only cp_policy_describe / cp_policy_list pay; the lookups by id and the
 * value checks never touch a string.
 */

/* The accepted ranges; RG_MASK is also the kind "role mask". */
enum { RG_01, RG_02, RG_AUTHRETRY, RG_ANY, RG_MASK };
static const uint32_t range_min[] = {0, 0, 1, 0, 0};
static const uint32_t range_max[] = {1, 2, 256, 0xFFFFFFFFu, CP_ROLES_ALL};

#define MEANINGS(X)                                                          \
    X(M_AUTORUN, "0 storage-card applications may auto-run, 1 blocked")     \
    X(M_UNDOC, "stored only (meaning undocumented)")                         \
    X(M_RAPI, "0 desktop RAPI refused, 1 RAPI runs as MANAGER, 2 as USER_AUTH") \
    X(M_CABS, "role mask of unsigned or unknown-signer .cab/.cpf")           \
    X(M_APPS, "0 unsigned applications disallowed, 1 allowed")               \
    X(M_THEMES, "role mask of unsigned themes")                              \
    X(M_TPS, "1 OPERATOR_TPS may be assigned, 0 never")                      \
    X(M_RETRY, "PIN attempts allowed per PIN-signed message")                \
    X(M_WAPSIGNED, "role mask for PIN-signed messages (WM 6.0; superseded by 4141-4143, stored only)") \
    X(M_SL, "role mask of accepted SL messages")                             \
    X(M_SI, "role mask of accepted SI messages")                             \
    X(M_UNAUTH, "role mask: unsigned messages accepted when (roles AND mask) != 0") \
    X(M_OTA, "role mask: OTA provisioning messages accepted when (roles AND mask) != 0") \
    X(M_WSPPUSH, "1 WSP push notifications routed, 0 not")                   \
    X(M_GRANTMGR, "roles that also get MANAGER")                             \
    X(M_GRANTUA, "roles that also get USER_AUTH")                            \
    X(M_PROXY, "roles that may create, change or delete a trusted PPG")     \
    X(M_PROMPT, "0 ask before unsigned code, 1 never ask")                   \
    X(M_TIER, "1 one-tier, 0 two-tier")                                      \
    X(M_SLSECURE, "0 SL must use https/wsps, 1 http/wsp allowed")            \
    X(M_STORED, "stored only")                                               \
    X(M_DRM, "role mask of DRM rights messages")                             \
    X(M_NETWPROMPT, "0 ask the user before a pure-NETWPIN message, 1 no prompt") \
    X(M_NETWPIN, "role mask: NETWPIN-signed messages accepted when (origin roles AND mask) != 0") \
    X(M_USERPIN, "role mask: USERPIN/USERPINMAC messages accepted when (origin roles AND mask) != 0") \
    X(M_USERNETWPIN, "role mask: USERNETWPIN messages accepted when (origin roles AND mask) != 0")

#define SOURCES(X)                                                           \
    X(S_P4, "P4")                                                            \
    X(S_SILENT, "ours (silent)")                                             \
    X(S_P4P7, "P4, P7")                                                      \
    X(S_WAPSIGNED, "P4; unbranded O3")                                       \
    X(S_P7, "P7")                                                            \
    X(S_UNAUTH, "ours: only the TPS through a trusted PPG (WM silent)")      \
    X(S_OTA, "P7; unbranded adds ANY_PUSH_SOURCE to cover 4143 (P7 rule)")   \
    X(S_GRANTMGR, "P4 (phone SKU); unbranded O3")                            \
    X(S_GRANTUA, "P4; set by MANAGER only (SecurityPolicy CSP, 6.5 bb737380; WM2003 P3 also let USER_AUTH)") \
    X(S_PROXY, "ours: MANAGER (WM silent)")                                  \
    X(S_TIER, "the device's tier (cp_config.tier)")                          \
    X(S_SECURE, "ours (silent): secure")                                     \
    X(S_P2, "P2")                                                            \
    X(S_NETWPIN, "P7 (NETWPIN-only refused)")                                \
    X(S_USERNETWPIN, "P7; unbranded: any push source (O3, O14)")

#define ENUM_OF(id, text) id,
#define POOL_OF(id, text) text "\0"
enum { MEANINGS(ENUM_OF) M_COUNT };
enum { SOURCES(ENUM_OF) S_COUNT };
static const char meanings[] = MEANINGS(POOL_OF);
static const char sources[] = SOURCES(POOL_OF);

#define R_M CP_ROLE_MANAGER
#define TPS CP_ROLE_OPERATOR_TPS
#define PPG CP_ROLE_KNOWN_PPG
/* Every policy is set by MANAGER only (cp_policy__set_roles). */

/* id, name, range, default branded, unbranded, meaning, source */
#define POLICIES(X)                                                          \
    X(2, "AutoRun", RG_01, 0, 0, M_AUTORUN, S_P4)                            \
    X(10, "PerimeterSecurity", RG_ANY, 0, 0, M_UNDOC, S_SILENT)              \
    X(4097, "RAPI", RG_02, 2, 2, M_RAPI, S_P4)                               \
    X(4101, "UnsignedCABs", RG_MASK, CP_ROLE_USER_AUTH, CP_ROLE_USER_AUTH,   \
      M_CABS, S_P4)                                                          \
    X(4102, "UnsignedApps", RG_01, 1, 1, M_APPS, S_P4)                       \
    X(4103, "UnsignedThemes", RG_MASK, CP_ROLE_USER_UNAUTH,                  \
      CP_ROLE_USER_UNAUTH, M_THEMES, S_P4)                                   \
    X(4104, "TPS", RG_01, 1, 1, M_TPS, S_P4P7)                               \
    X(4105, "MaxAuthRetry", RG_AUTHRETRY, 3, 3, M_RETRY, S_P4P7)             \
    X(4107, "WAPSignedMessage", RG_MASK, 0xC80u, 0xC84u, M_WAPSIGNED,        \
      S_WAPSIGNED)                                                           \
    X(4108, "ServiceLoading", RG_MASK, PPG, PPG, M_SL, S_P7)                 \
    X(4109, "ServiceIndication", RG_MASK, PPG, PPG, M_SI, S_P7)              \
    X(4110, "UnauthenticatedMessages", RG_MASK, TPS, TPS, M_UNAUTH, S_UNAUTH) \
    X(4111, "OTAProvisioning", RG_MASK, TPS | PPG,                           \
      TPS | PPG | CP_ROLE_ANY_PUSH_SOURCE, M_OTA, S_OTA)                     \
    X(4112, "WDPPush", RG_ANY, 0, 0, M_UNDOC, S_SILENT)                      \
    X(4113, "WSPPush", RG_01, 1, 1, M_WSPPUSH, S_P7)                         \
    X(4119, "GrantManager", RG_MASK, TPS, TPS | CP_ROLE_OPERATOR,            \
      M_GRANTMGR, S_GRANTMGR)                                                \
    X(4120, "GrantUserAuth", RG_MASK, CP_ROLE_USER_AUTH, CP_ROLE_USER_AUTH,  \
      M_GRANTUA, S_GRANTUA)                                                  \
    X(4121, "TrustedWAPProxy", RG_MASK, R_M, R_M, M_PROXY, S_PROXY)          \
    X(4122, "UnsignedPrompt", RG_01, 0, 0, M_PROMPT, S_P4)                   \
    X(4123, "PrivilegedApps", RG_01, 0, 0, M_TIER, S_TIER)                   \
    X(4124, "SLSecureDownload", RG_01, 0, 0, M_SLSECURE, S_SECURE)           \
    X(4125, "SMIMESign", RG_ANY, 0, 0, M_STORED, S_SILENT)                   \
    X(4126, "SMIMEEncrypt", RG_ANY, 0, 0, M_STORED, S_SILENT)                \
    X(4127, "SoftCerts", RG_ANY, 0, 0, M_STORED, S_SILENT)                   \
    X(4129, "DRMWAPRights", RG_MASK, CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED, \
      CP_ROLE_PPG_AUTH | CP_ROLE_PPG_TRUSTED, M_DRM, S_P2)                   \
    X(4130, "OMADMSSL", RG_ANY, 0, 0, M_STORED, S_SILENT)                    \
    X(4131, "PasswordRequired", RG_ANY, 0, 0, M_STORED, S_SILENT)            \
    X(4132, "NetworkPINPrompt", RG_01, 0, 0, M_NETWPROMPT, S_P4P7)           \
    X(4133, "LASSDesktop", RG_ANY, 0, 0, M_STORED, S_SILENT)                 \
    X(4134, "EncryptRemovable", RG_ANY, 0, 0, M_STORED, S_SILENT)            \
    X(4135, "Bluetooth", RG_ANY, 0, 0, M_STORED, S_SILENT)                   \
    X(4136, "HTMLMessage", RG_ANY, 0, 0, M_STORED, S_SILENT)                 \
    X(4137, "SMIMESigning", RG_ANY, 0, 0, M_STORED, S_SILENT)                \
    X(4138, "SMIMEEncryption", RG_ANY, 0, 0, M_STORED, S_SILENT)             \
    X(4139, "SMIMESigningAlgorithm", RG_ANY, 0, 0, M_STORED, S_SILENT)       \
    X(4140, "SMIMEEncryptionAlgorithm", RG_ANY, 0, 0, M_STORED, S_SILENT)    \
    X(4141, "OMACPNetworkPIN", RG_MASK, 0, 0, M_NETWPIN, S_NETWPIN)          \
    X(4142, "OMACPUserPIN", RG_MASK, PPG, PPG, M_USERPIN, S_P7)              \
    X(4143, "OMACPUserNetworkPIN", RG_MASK, PPG, CP_ROLE_ANY_PUSH_SOURCE,    \
      M_USERNETWPIN, S_USERNETWPIN)                                          \
    X(4144, "SMIMEEncryptionNegotiation", RG_ANY, 0, 0, M_STORED, S_SILENT)  \
    X(4145, "SharePointUNC", RG_ANY, 0, 0, M_STORED, S_SILENT)               \
    X(4146, "LASSQuickConnect", RG_ANY, 0, 0, M_STORED, S_SILENT)            \
    X(4147, "SMSMMSDisable", RG_ANY, 0, 0, M_STORED, S_SILENT)               \
    X(4148, "InternetEmailDisable", RG_ANY, 0, 0, M_STORED, S_SILENT)        \
    X(4149, "FIPSSelfTests", RG_ANY, 0, 0, M_STORED, S_SILENT)               \
    X(4150, "CertExpiryCheck", RG_ANY, 0, 0, M_STORED, S_SILENT)             \
    X(4151, "WidgetInstall", RG_ANY, 0, 0, M_STORED, S_SILENT)               \
    X(4152, "WidgetExecute", RG_ANY, 0, 0, M_STORED, S_SILENT)

/* Ids and default role masks fit 16 bits (ids < 4153, CP_ROLES_ALL). */
typedef struct policy_row {
    uint16_t id;
    uint16_t def_branded, def_unbranded;
    uint8_t range, meaning, source;
} policy_row;

#define ROW_OF(id, name, range, defb, defu, meaning, source)                 \
    {id, defb, defu, range, meaning, source},
#define NAME_OF(id, name, range, defb, defu, meaning, source) name "\0"
static const policy_row rows[] = {POLICIES(ROW_OF)};
static const char names[] = POLICIES(NAME_OF);

#define NROWS (sizeof rows / sizeof rows[0])

typedef char static_assert_slots[(NROWS <= CP_POLICY_SLOTS) ? 1 : -1];
typedef char static_assert_pools[(M_COUNT <= 256 && S_COUNT <= 256) ? 1 : -1];

/* The i-th string of a pool of NUL-separated strings. */
static const char *nth(const char *pool, size_t i)
{
    while (i-- > 0)
        pool += strlen(pool) + 1;
    return pool;
}

size_t cp_policy__count(void)
{
    return NROWS;
}

uint32_t cp_policy__id(size_t index)
{
    return rows[index].id;
}

/* Binary search: the rows are in rising id order (test_trust checks it),
   and every push and policy read looks an id up. */
int cp_policy__index(uint32_t id)
{
    size_t lo = 0, hi = NROWS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rows[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < NROWS && rows[lo].id == id ? (int)lo : -1;
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
    if (r->range == RG_MASK)
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
    if (value < range_min[r->range] || value > range_max[r->range])
        return 0;
    return r->range != RG_MASK || (value & ~(uint32_t)CP_ROLES_ALL) == 0;
}

/* The static half of a cp_policy_desc; the caller fills in value. */
void cp_policy__describe(const cp_ctx *ctx, size_t index, cp_policy_desc *out)
{
    const policy_row *r = &rows[index];
    out->id = r->id;
    out->name = nth(names, index);
    out->meaning = nth(meanings, r->meaning);
    out->is_mask = r->range == RG_MASK;
    out->default_value = cp_policy__default(ctx, index);
    out->min = range_min[r->range];
    out->max = range_max[r->range];
    out->set_roles = R_M;
    out->source = nth(sources, r->source);
}

uint32_t cp_policy__set_roles(size_t index)
{
    (void)index;
    return R_M;
}

CP_EXPORT size_t cp_policy_count(void)
{
    return NROWS;
}
