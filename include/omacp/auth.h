/** @file
 * omacp/auth.h - bootstrap authentication: the SEC methods of OMA
 * ProvBoot, their keys, and the HMAC-SHA1 MAC over a provisioning push.
 *
 * A bootstrap push may carry, as parameters of its Content-Type, a SEC
 * method and a MAC. The MAC is HMAC-SHA1 over the push body exactly as
 * received (the WBXML document from its version octet to the end of the
 * PDU; no WSP headers, no re-encoding) with a key chosen by the method:
 *
 *   SEC  method        key
 *   0    NETWPIN       the IMSI in SIM semi-octet form (cp_imsi_key)
 *   1    USERPIN       the octets of the PIN the user types
 *   2    USERNETWPIN   the IMSI key octets followed by the PIN octets
 *   3    USERPINMAC    the first half of the digit string the user types;
 *                      the second half carries the MAC (see below)
 *
 * The numeric method values are the CP_SEC_* constants of omacp/common.h
 * (CP_SEC_NETWPIN = 0 ... CP_SEC_USERPINMAC = 3). The functions here take
 * the method as a cp_sec (int-sized: 0.1.0 declared a plain int); every
 * other value, including CP_SEC_NONE (-1,
 * no SEC parameter) and CP_SEC_INVALID (-2), is refused with CP_E_BAD_SEC
 * and never mapped to some other method.
 *
 * The text form of a MAC is 40 hexadecimal digits (the 20 octets, high
 * nibble first). cp_mac_compute writes upper case, which every peer
 * accepts; cp_mac_verify accepts either case.
 *
 * USERPINMAC: the user is given one string of 2N decimal digits, N "PIN"
 * digits K then N "MAC" digits m. With M = HMAC-SHA1(key = K as ASCII,
 * body), digit i of m is '0' + (M[i] mod 10), M[i] being octet i of M
 * (unsigned), i = 0..N-1. The MAC parameter of the push is not used.
 *
 * Secrets. Keys, PIN copies, HMAC state and computed MACs live only on the
 * stack of the call and are wiped before it returns, on every path. Error
 * messages recorded in the ctx never contain a key, PIN, IMSI or MAC. None
 * of these functions allocates memory.
 *
 * Threads. No function here touches global state; any of them may run in
 * several threads at once (on different contexts, or with ctx == NULL).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_AUTH_H
#define OMACP_AUTH_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Octets of an HMAC-SHA1 value. */
#define CP_HMAC_SHA1_LEN 20

/** Hex digits in the text form of a MAC. */
#define CP_MAC_HEX_LEN 40

/** Bytes cp_mac_compute needs for a hex MAC: 40 digits and a NUL. */
#define CP_MAC_TEXT_SIZE (CP_MAC_HEX_LEN + 1)

/**
 * Longest PIN accepted, in octets (USERPIN, USERNETWPIN, and the typed
 * USERPINMAC string). Longer PINs fail with CP_E_BAD_PIN. No real PIN comes
 * near it; the bound keeps every key in a fixed-size stack buffer.
 */
#define CP_AUTH_PIN_MAX 64

/** Shortest IMSI accepted, in decimal digits. */
#define CP_IMSI_DIGITS_MIN 13
/** Longest IMSI accepted, in decimal digits. */
#define CP_IMSI_DIGITS_MAX 15

/** Largest key cp_imsi_key can produce (the ASCII compatibility form). */
#define CP_IMSI_KEY_MAX 15

/** Default minimum of N, the USERPINMAC PIN digits (10 typed digits). */
#define CP_AUTH_PINMAC_MIN_DEFAULT 5
/**
 * Default and largest maximum of N: each MAC digit comes from one octet of
 * the 20-octet HMAC, so N can never exceed 20.
 */
#define CP_AUTH_PINMAC_MAX 20

/*
 * Compatibility flags (cp_auth_options.compat). All are off by default; each
 * accepts a key form that a known-broken server produces. Turn one on only
 * for a server you know to need it: each widens what verifies.
 */

/**
 * Key = the IMSI as its ASCII digits ("2621..." as 0x32 0x36 ...), the
 * commonest server-side mistake, instead of the semi-octet form.
 */
#define CP_AUTH_COMPAT_ASCII_IMSI 0x0001u
/**
 * Key = the 8-octet EF_IMSI image: for an IMSI shorter than 14 digits the
 * semi-octet key is padded with 0xFF octets to 8 octets (protocol.md g.2:
 * the sources do not settle whether the short or the padded key is right;
 * the default is the short key of CPClient, Symbian and kryten). No effect
 * on 14- and 15-digit IMSIs, whose key is 8 octets anyway.
 */
#define CP_AUTH_COMPAT_PADDED_IMSI 0x0002u

/** Every compatibility flag this version knows. */
#define CP_AUTH_COMPAT_ALL \
    (CP_AUTH_COMPAT_ASCII_IMSI | CP_AUTH_COMPAT_PADDED_IMSI)

/**
 * Options of the MAC functions. Start from cp_auth_options_init() (or
 * CP_AUTH_OPTIONS_INIT), then change what you need. Fields are only ever
 * appended; the library reads only the first struct_size bytes. Passing
 * NULL instead of an options struct means all defaults.
 */
typedef struct cp_auth_options {
    /** sizeof(cp_auth_options) as the caller compiled it. */
    size_t struct_size;
    /**
     * USERPINMAC: fewest PIN digits N (so 2N typed digits). 0 means the
     * default, CP_AUTH_PINMAC_MIN_DEFAULT (5). The ProvBoot minimum could
     * not be checked (protocol.md g.1): CPClient and kryten require 5,
     * Symbian none.
     */
    unsigned min_pinmac_digits;
    /**
     * USERPINMAC: most PIN digits N. 0 means CP_AUTH_PINMAC_MAX (20),
     * which is also the largest value allowed.
     */
    unsigned max_pinmac_digits;
    /** CP_AUTH_COMPAT_* flags; 0 (the default) for none. */
    unsigned compat;
} cp_auth_options;

/** Static initialiser equal to what cp_auth_options_init() sets. */
#define CP_AUTH_OPTIONS_INIT { sizeof(cp_auth_options), 0u, 0u, 0u }

/** Prepare *o: zero it and set struct_size. NULL is a no-op. Never fails. */
#define cp_auth_options_init(o) cp_auth_options_init_size((o), sizeof(cp_auth_options))
/**
 * cp_auth_options_init() as a function: prepare the size bytes of *o, the struct as its
 * caller compiled it (the macro passes sizeof; see cp_config_init_size()).
 */
CP_EXPORT void cp_auth_options_init_size(cp_auth_options *o, size_t size);

/*
 * Errors of the option checks, shared by cp_mac_compute and cp_mac_verify:
 * CP_E_VERSION when opt->struct_size is smaller than the first released
 * layout or absurdly large; CP_E_INVALID_ARG when compat has a bit this
 * version does not know, max_pinmac_digits exceeds 20, or the minimum
 * exceeds the maximum.
 */

/**
 * HMAC-SHA1 (RFC 2104) of data under key, into out (20 octets). Keys
 * longer than the 64-octet SHA-1 block are hashed first, as RFC 2104 says.
 * key may be NULL when key_len is 0, data when len is 0. The inner state
 * is wiped before return. A public helper for harnesses and benches.
 *
 * Errors: CP_E_INVALID_ARG (out NULL, or a NULL pointer with a non-zero
 * length), CP_E_INTERNAL if the SHA-1 primitive fails (a bug).
 */
CP_EXPORT cp_status cp_hmac_sha1(const uint8_t *key, size_t key_len,
                                 const uint8_t *data, size_t len,
                                 uint8_t out[CP_HMAC_SHA1_LEN]);

/**
 * The NETWPIN key of an IMSI, into key[0..*key_len).
 *
 * imsi is the IMSI as a NUL-terminated string of 13 to 15 decimal digits
 * (MCC first), nothing else: no spaces, no sign, no leading length.
 *
 * Default form (compat 0), the SIM's EF_IMSI layout without its length
 * octet: the nibble sequence is a parity nibble (0x9 for an odd digit count,
 * 0x1 for an even one), the digits, and for an even count one filler 0xF;
 * nibbles are packed two per octet, the first of each pair in the low half.
 * A 15- or 14-digit IMSI gives 8 octets, a 13-digit one 7. Examples:
 * "466923103145252" -> 49 66 29 13 30 41 25 25;
 * "21407650123456"  -> 21 41 70 56 10 32 54 F6.
 *
 * compat selects a compatibility form instead (at most one flag):
 * CP_AUTH_COMPAT_ASCII_IMSI gives the digits themselves (13-15 octets);
 * CP_AUTH_COMPAT_PADDED_IMSI pads the default form with 0xFF to 8 octets.
 *
 * key_cap is the size of key; key may be NULL when key_cap is 0, which
 * asks for the size. *key_len always receives the key's length when the
 * IMSI is valid, also with CP_E_BUFFER_TOO_SMALL (nothing is written then);
 * CP_IMSI_KEY_MAX octets are always enough. The key is a secret of sorts:
 * wipe it when done.
 *
 * Errors: CP_E_BAD_PIN (imsi NULL, not all digits, or not 13-15 of them),
 * CP_E_INVALID_ARG (key_len NULL, key NULL with key_cap > 0, unknown or
 * two compat flags), CP_E_BUFFER_TOO_SMALL.
 */
CP_EXPORT cp_status cp_imsi_key(const char *imsi, unsigned compat,
                                uint8_t *key, size_t key_cap,
                                size_t *key_len);

/**
 * Sign: compute what a server sends for body under method sec.
 *
 * - sec 0..2 (NETWPIN, USERPIN, USERNETWPIN): out receives the MAC as 40
 *   upper-case hex digits and a NUL; out_cap must be at least
 *   CP_MAC_TEXT_SIZE (41).
 * - sec 3 (USERPINMAC): pin is the N PIN digits (N within the options'
 *   minimum and maximum, digits only); out receives the 2N digits the user
 *   is to type (the PIN digits, then the MAC digits) and a NUL; out_cap must
 *   be at least 2N + 1.
 *
 * imsi is needed by NETWPIN and USERNETWPIN (13-15 digits, as cp_imsi_key;
 * opt->compat selects a compatibility key form, at most one flag, so a
 * harness can imitate a broken server) and ignored otherwise. pin is
 * needed, non-empty and at most CP_AUTH_PIN_MAX octets, by USERPIN,
 * USERNETWPIN and USERPINMAC, and ignored by NETWPIN. body may be NULL
 * when body_len is 0. opt may be NULL (defaults). ctx may be NULL; when
 * given, a failure is recorded in it (without any secret).
 *
 * On failure out (when out_cap > 0) holds the empty string.
 *
 * Errors: CP_E_BAD_SEC (sec not 0..3), CP_E_BAD_PIN (needed IMSI or PIN
 * missing or malformed, USERPINMAC PIN length outside the options' range),
 * CP_E_BUFFER_TOO_SMALL (out_cap too small; the message gives the size
 * needed), CP_E_INVALID_ARG (out NULL, body NULL with a length, bad
 * options), CP_E_VERSION (options), CP_E_INTERNAL.
 */
CP_EXPORT cp_status cp_mac_compute(cp_ctx *ctx, cp_sec sec, const char *imsi,
                                   const char *pin,
                                   const cp_auth_options *opt,
                                   const uint8_t *body, size_t body_len,
                                   char *out, size_t out_cap);

/**
 * Verify: is body authentic under method sec? Returns CP_OK only when it
 * is; any other return means "not authentic" and the body must not be
 * applied. Call it on the raw body before decoding it.
 *
 * - NETWPIN (0) and USERNETWPIN (2): imsis[0..n_imsis) are the IMSIs of
 *   the device (one per SIM; pass only the SIMs present; every entry must be
 *   a valid 13-15 digit IMSI, else CP_E_BAD_PIN). Each is tried in order
 *   until one verifies; its position goes to *imsi_index. With compat flags
 *   in opt the compatibility key forms are tried too, after the default
 *   form of the same IMSI (CP_AUTH_COMPAT_PADDED_IMSI only where it gives
 *   a different key, i.e. for 13-digit IMSIs).
 *   USERNETWPIN also needs pin; its key is the IMSI key then the PIN.
 * - USERPIN (1): the key is pin. imsis is ignored.
 * - For these three, mac_text is the MAC parameter of the push: exactly 40
 *   hex digits, either case, nothing else (CP_E_BAD_MAC otherwise, also
 *   when NULL). It is compared with the computed MAC as 20 octets in
 *   constant time.
 * - USERPINMAC (3): pin is the whole string the user typed, 2N decimal
 *   digits with N within the options' minimum and maximum; an odd length,
 *   a length out of range or a non-digit gives CP_E_BAD_PIN. The last N
 *   digits must equal the MAC digits derived from the first N (see the
 *   top of this header), compared in constant time. mac_text and imsis
 *   are ignored.
 *
 * imsi_index (may be NULL) receives which entry of imsis verified, or
 * (size_t)-1 when the method uses no IMSI or the call fails.
 * body may be NULL when body_len is 0; opt may be NULL (defaults); ctx may
 * be NULL. A failure is recorded in ctx with a message such as
 * "MAC mismatch for NETWPIN (2 IMSIs tried)", never a secret.
 *
 * Errors: CP_E_NOT_AUTHENTIC (well-formed inputs, wrong MAC or PIN),
 * CP_E_BAD_SEC (sec not 0..3, including CP_SEC_NONE and CP_SEC_INVALID),
 * CP_E_BAD_MAC (MAC text malformed), CP_E_BAD_PIN (needed PIN or IMSIs
 * missing or malformed), CP_E_INVALID_ARG (body NULL with a length, bad
 * options), CP_E_VERSION (options), CP_E_INTERNAL.
 */
CP_EXPORT cp_status cp_mac_verify(cp_ctx *ctx, cp_sec sec,
                                  const char *const *imsis, size_t n_imsis,
                                  const char *pin, const char *mac_text,
                                  const cp_auth_options *opt,
                                  const uint8_t *body, size_t body_len,
                                  size_t *imsi_index) CP_WARN_UNUSED;

#ifdef __cplusplus
}
#endif
#endif /* OMACP_AUTH_H */
