/*
 * auth.c - SEC methods, NETWPIN keys and HMAC-SHA1 MACs. The only file of
 * the library that includes tomcrypt.h.
 *
 * Why HMAC is built here on tomcrypt's SHA-1 rather than taken from its
 * hmac_* functions: in libtomcrypt 1.18 (Debian's) hmac_init() gets its key
 * block from the global malloc (not the ctx allocator, and it may fail), and
 * hmac_* address the hash through register_hash()'s global table, which is
 * not locked in builds without LTC_PTHREAD (Debian's). RFC 2104 over
 * sha1_init/sha1_process/sha1_done keeps every byte of state on our stack,
 * where we can wipe it, and touches no global. RFC 2202's seven cases pin
 * it down in test/test_auth.c.
 */
#include <string.h>

#include <tomcrypt.h>

#include "../base/base.h"
#include "omacp/auth.h"

/* cp_sec (omacp/common.h) replaced a plain int in the public calls: the
   enum must keep int's size and so its ABI. */
typedef char static_assert_sec_int[sizeof(cp_sec) == sizeof(int) ? 1 : -1];

/* NETWPIN key forms (cp_imsi_key). */
enum { FORM_SEMI, FORM_PADDED, FORM_ASCII };

#define SHA1_BLOCK 64
#define EF_IMSI_KEY_LEN 8
#define KEY_MAX (CP_IMSI_KEY_MAX + CP_AUTH_PIN_MAX)
/* sha1_process takes an unsigned long length; feed at most this at once. */
#define SHA1_CHUNK ((size_t)1 << 20)
/* The first (0.1.0) layout of cp_auth_options, frozen. */
#define OPTIONS_MIN_SIZE CP_SIZE_THROUGH(cp_auth_options, compat)

static const char *const sec_names[4] = {"NETWPIN", "USERPIN",
                                         "USERNETWPIN", "USERPINMAC"};

typedef struct auth_opts {
    unsigned min, max, compat;
} auth_opts;

typedef struct keybuf {
    uint8_t b[KEY_MAX];
    size_t len;
} keybuf;

/* Wipe a secret. tomcrypt's zeromem stores one byte at a time (a third of
   verify's fixed cost on a short body); memset is called through a volatile
   pointer instead, which the compiler cannot see through, so the stores of
   a buffer never read again are not dropped as dead. */
static void *(*const volatile wipe_set)(void *, int, size_t) = memset;

static void wipe(void *p, size_t n)
{
    (void)wipe_set(p, 0, n);
}

/* ---- HMAC-SHA1 (RFC 2104) ---------------------------------------------- */

static int sha1_feed(hash_state *h, const uint8_t *p, size_t n)
{
    while (n > 0) {
        size_t k = n < SHA1_CHUNK ? n : SHA1_CHUNK;
        if (sha1_process(h, (const unsigned char *)p, (unsigned long)k) !=
            CRYPT_OK)
            return -1;
        p += k;
        n -= k;
    }
    return 0;
}

/* SHA-1 of pad (one block) followed by data; 0 on success. */
static int sha1_padded(hash_state *h, const uint8_t pad[SHA1_BLOCK],
                       const uint8_t *data, size_t len, uint8_t out[20])
{
    if (sha1_init(h) != CRYPT_OK || sha1_feed(h, pad, SHA1_BLOCK) != 0 ||
        sha1_feed(h, data, len) != 0 ||
        sha1_done(h, (unsigned char *)out) != CRYPT_OK)
        return -1;
    return 0;
}

/* XOR every octet of the block with x (ipad, then ipad ^ opad in place). */
static void xor_block(uint8_t b[SHA1_BLOCK], uint8_t x)
{
    size_t i;
    for (i = 0; i < SHA1_BLOCK; i++)
        b[i] = (uint8_t)(b[i] ^ x);
}

/* The key padded (or hashed) to one block, XORed with ipad: the zero-padded
   key K0 is never kept apart, so there is one secret block less to wipe. */
static int ipad_block(hash_state *h, const uint8_t *key, size_t key_len,
                      uint8_t pad[SHA1_BLOCK])
{
    memset(pad, 0, SHA1_BLOCK);
    if (key_len > SHA1_BLOCK) {
        if (sha1_init(h) != CRYPT_OK || sha1_feed(h, key, key_len) != 0 ||
            sha1_done(h, (unsigned char *)pad) != CRYPT_OK)
            return -1;
    } else if (key_len > 0) {
        memcpy(pad, key, key_len);
    }
    xor_block(pad, 0x36);
    return 0;
}

static int hmac_run(const uint8_t *key, size_t key_len, const uint8_t *data,
                    size_t len, uint8_t mac[CP_HMAC_SHA1_LEN])
{
    hash_state h;
    uint8_t pad[SHA1_BLOCK], inner[CP_HMAC_SHA1_LEN];
    int rc = -1;

    if (ipad_block(&h, key, key_len, pad) != 0 ||
        sha1_padded(&h, pad, data, len, inner) != 0)
        goto out;
    xor_block(pad, 0x36 ^ 0x5c); /* K0 ^ ipad becomes K0 ^ opad */
    if (sha1_padded(&h, pad, inner, sizeof inner, mac) != 0)
        goto out;
    rc = 0;
out:
    wipe(&h.sha1, sizeof h.sha1); /* the only member used (the union is 4x) */
    wipe(pad, sizeof pad);
    wipe(inner, sizeof inner);
    return rc;
}

CP_EXPORT cp_status cp_hmac_sha1(const uint8_t *key, size_t key_len,
                                 const uint8_t *data, size_t len,
                                 uint8_t out[CP_HMAC_SHA1_LEN])
{
    if (out == NULL || (key == NULL && key_len > 0) ||
        (data == NULL && len > 0))
        return CP_E_INVALID_ARG;
    if (hmac_run(key, key_len, data, len, out) != 0) {
        wipe(out, CP_HMAC_SHA1_LEN);
        return CP_E_INTERNAL;
    }
    return CP_OK;
}

/* ---- inputs -------------------------------------------------------------- */

CP_ALIGN_DECL(cp_auth_options);

CP_EXPORT void cp_auth_options_init_size(cp_auth_options *o, size_t size)
{
    cp_struct__init(o, size);
}

/* The symbol 0.1.0 programs call: it prepares the 0.1.0 layout only. */
#undef cp_auth_options_init
CP_EXPORT void cp_auth_options_init(cp_auth_options *o);
CP_EXPORT void cp_auth_options_init(cp_auth_options *o)
{
    cp_auth_options_init_size(o, CP_FIRST_SIZE(cp_auth_options, compat));
}

static cp_status opts_get(cp_ctx *ctx, const cp_auth_options *opt,
                          auth_opts *r)
{
    cp_auth_options o;

    if (opt == NULL) { /* the defaults, which pass every check below */
        r->min = CP_AUTH_PINMAC_MIN_DEFAULT;
        r->max = CP_AUTH_PINMAC_MAX;
        r->compat = 0;
        return CP_OK;
    }
    cp_auth_options_init(&o);
    if (
        cp_struct__take_in(ctx, "cp_auth_options", &o, sizeof o, opt,
                           OPTIONS_MIN_SIZE) != CP_OK)
        return CP_E_VERSION;
    r->min = o.min_pinmac_digits ? o.min_pinmac_digits
                                 : CP_AUTH_PINMAC_MIN_DEFAULT;
    r->max = o.max_pinmac_digits ? o.max_pinmac_digits : CP_AUTH_PINMAC_MAX;
    r->compat = o.compat;
    if (r->max > CP_AUTH_PINMAC_MAX || r->min > r->max)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "USERPINMAC digit range %u..%u is not within 1..%d",
                           r->min, r->max, CP_AUTH_PINMAC_MAX);
    if ((r->compat & ~CP_AUTH_COMPAT_ALL) != 0)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "unknown compat flags 0x%x",
                           r->compat & ~CP_AUTH_COMPAT_ALL);
    return CP_OK;
}

/* Number of digits of a 13-15 digit IMSI, never reading past its NUL. */
static cp_status imsi_digits(const char *imsi, size_t *n)
{
    size_t i;

    if (imsi == NULL)
        return CP_E_BAD_PIN;
    for (i = 0; imsi[i] != '\0'; i++) {
        if (i >= CP_IMSI_DIGITS_MAX || (unsigned)(imsi[i] - '0') > 9u)
            return CP_E_BAD_PIN;
    }
    if (i < CP_IMSI_DIGITS_MIN)
        return CP_E_BAD_PIN;
    *n = i;
    return CP_OK;
}

/* Length of a non-empty PIN of at most CP_AUTH_PIN_MAX octets. */
static cp_status pin_length(const char *pin, size_t *len)
{
    size_t i;

    if (pin == NULL || pin[0] == '\0')
        return CP_E_BAD_PIN;
    for (i = 0; pin[i] != '\0'; i++) {
        if (i >= CP_AUTH_PIN_MAX)
            return CP_E_BAD_PIN;
    }
    *len = i;
    return CP_OK;
}

static int all_digits(const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

/* The one key form compat asks for (cp_imsi_key, cp_mac_compute). */
static cp_status form_of(unsigned compat, int *form)
{
    switch (compat) {
    case 0:
        *form = FORM_SEMI;
        return CP_OK;
    case CP_AUTH_COMPAT_ASCII_IMSI:
        *form = FORM_ASCII;
        return CP_OK;
    case CP_AUTH_COMPAT_PADDED_IMSI:
        *form = FORM_PADDED;
        return CP_OK;
    default:
        return CP_E_INVALID_ARG;
    }
}

/* ---- keys ------------------------------------------------------------------ */


/* Write the key of an n-digit valid IMSI in the given form; its length. */
static size_t imsi_key_put(const char *imsi, size_t n, int form,
                           uint8_t key[CP_IMSI_KEY_MAX])
{
    size_t k, len = (n + 2) / 2;

    if (form == FORM_ASCII) {
        memcpy(key, imsi, n);
        return n;
    }
    /* EF_IMSI nibbles, low first: the parity (9 odd, 1 even), the digits,
       and a filler 0xF when the count is even. Octet k >= 1 holds digits
       2k-1 (always there: 2k <= n) and 2k (if any). */
    key[0] = (uint8_t)(((n % 2) ? 0x9u : 0x1u) | (unsigned)(imsi[0] - '0') << 4);
    for (k = 1; k < len; k++)
        key[k] = (uint8_t)((unsigned)(imsi[2 * k - 1] - '0') |
                           (2 * k < n ? (unsigned)(imsi[2 * k] - '0') : 0xFu)
                               << 4);
    for (; form == FORM_PADDED && len < EF_IMSI_KEY_LEN; len++)
        key[len] = 0xFF;
    return len;
}

CP_EXPORT cp_status cp_imsi_key(const char *imsi, unsigned compat,
                                uint8_t *key, size_t key_cap,
                                size_t *key_len)
{
    uint8_t tmp[CP_IMSI_KEY_MAX];
    size_t n, len;
    int form;
    cp_status st;

    if (key_len == NULL || (key == NULL && key_cap > 0))
        return CP_E_INVALID_ARG;
    *key_len = 0;
    if (form_of(compat, &form) != CP_OK)
        return CP_E_INVALID_ARG;
    st = imsi_digits(imsi, &n);
    if (st != CP_OK)
        return st;
    len = imsi_key_put(imsi, n, form, tmp);
    *key_len = len;
    if (key == NULL || key_cap < len) {
        st = CP_E_BUFFER_TOO_SMALL;
    } else {
        memcpy(key, tmp, len);
    }
    wipe(tmp, sizeof tmp);
    return st;
}

/* HMAC key of a method: the IMSI key (if imsi), then the PIN (if pin). */
static void key_make(keybuf *k, const char *imsi, size_t imsi_n, int form,
                     const char *pin, size_t pin_len)
{
    k->len = 0;
    if (imsi != NULL)
        k->len = imsi_key_put(imsi, imsi_n, form, k->b);
    if (pin != NULL) {
        memcpy(k->b + k->len, pin, pin_len);
        k->len += pin_len;
    }
}

static cp_status key_mac(const keybuf *k, const uint8_t *body,
                         size_t body_len, uint8_t mac[CP_HMAC_SHA1_LEN])
{
    return hmac_run(k->b, k->len, body, body_len, mac) == 0 ? CP_OK
                                                            : CP_E_INTERNAL;
}

/* USERPINMAC: MAC digit i is octet i of the HMAC mod 10. */
static void pinmac_digits(const uint8_t mac[CP_HMAC_SHA1_LEN], size_t n,
                          char *out)
{
    size_t i;
    for (i = 0; i < n; i++)
        out[i] = (char)('0' + mac[i] % 10u);
}

/* ---- method checks --------------------------------------------------- */

static int uses_imsi(cp_sec sec)
{
    return sec == CP_SEC_NETWPIN || sec == CP_SEC_USERNETWPIN;
}

static cp_status check_sec(cp_ctx *ctx, cp_sec sec)
{
    if (sec < CP_SEC_NETWPIN || sec > CP_SEC_USERPINMAC)
        return cp_err__set(ctx, CP_E_BAD_SEC, CP_NO_OFFSET,
                           "SEC method %d is not one of 0..3", sec);
    return CP_OK;
}

static cp_status check_pin(cp_ctx *ctx, cp_sec sec, const char *pin,
                           size_t *pin_len)
{
    if (pin_length(pin, pin_len) != CP_OK)
        return cp_err__set(ctx, CP_E_BAD_PIN, CP_NO_OFFSET,
                           "%s needs a PIN of 1 to %d octets", sec_names[sec],
                           CP_AUTH_PIN_MAX);
    return CP_OK;
}

/* The PIN half of USERPINMAC: n_min..n_max decimal digits. */
static cp_status check_pinmac_pin(cp_ctx *ctx, const char *s, size_t n,
                                  const auth_opts *o)
{
    if (!all_digits(s, n) || n < o->min || n > o->max)
        return cp_err__set(ctx, CP_E_BAD_PIN, CP_NO_OFFSET,
                           "USERPINMAC PIN must be %u to %u decimal digits",
                           o->min, o->max);
    return CP_OK;
}

/* ---- signing ------------------------------------------------------------ */

static void hex_put(const uint8_t mac[CP_HMAC_SHA1_LEN], char *out)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t i;
    for (i = 0; i < CP_HMAC_SHA1_LEN; i++) {
        out[2 * i] = digits[mac[i] >> 4];
        out[2 * i + 1] = digits[mac[i] & 0x0F];
    }
    out[CP_MAC_HEX_LEN] = '\0';
}

/* The inputs of cp_mac_compute for sec: IMSI digits, key form, PIN length. */
static cp_status compute_inputs(cp_ctx *ctx, cp_sec sec, const char *imsi,
                                const char *pin, const auth_opts *o,
                                size_t *imsi_n, int *form, size_t *pin_len)
{
    cp_status st;

    if (uses_imsi(sec)) {
        if (form_of(o->compat, form) != CP_OK)
            return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                               "signing takes at most one IMSI compat flag");
        if (imsi_digits(imsi, imsi_n) != CP_OK)
            return cp_err__set(ctx, CP_E_BAD_PIN, CP_NO_OFFSET,
                               "%s needs an IMSI of 13 to 15 digits",
                               sec_names[sec]);
    }
    if (sec == CP_SEC_NETWPIN)
        return CP_OK;
    st = check_pin(ctx, sec, pin, pin_len);
    if (st == CP_OK && sec == CP_SEC_USERPINMAC)
        st = check_pinmac_pin(ctx, pin, *pin_len, o);
    return st;
}

static cp_status compute_mac(cp_ctx *ctx, cp_sec sec, const char *imsi,
                             const char *pin, const auth_opts *o,
                             const uint8_t *body, size_t body_len, char *out,
                             size_t out_cap)
{
    keybuf k;
    uint8_t mac[CP_HMAC_SHA1_LEN];
    size_t imsi_n = 0, pin_len = 0, need;
    int form = FORM_SEMI;
    cp_status st;

    st = compute_inputs(ctx, sec, imsi, pin, o, &imsi_n, &form, &pin_len);
    if (st != CP_OK)
        return st;
    need = sec == CP_SEC_USERPINMAC ? 2 * pin_len + 1 : CP_MAC_TEXT_SIZE;
    if (out_cap < need)
        return cp_err__set(ctx, CP_E_BUFFER_TOO_SMALL, CP_NO_OFFSET,
                           "%s output needs %zu bytes, buffer has %zu",
                           sec_names[sec], need, out_cap);
    key_make(&k, uses_imsi(sec) ? imsi : NULL, imsi_n, form,
             sec == CP_SEC_NETWPIN ? NULL : pin, pin_len);
    st = key_mac(&k, body, body_len, mac);
    if (st != CP_OK) {
        cp_err__set(ctx, st, CP_NO_OFFSET, "SHA-1 failed");
    } else if (sec == CP_SEC_USERPINMAC) {
        memcpy(out, pin, pin_len);
        pinmac_digits(mac, pin_len, out + pin_len);
        out[2 * pin_len] = '\0';
    } else {
        hex_put(mac, out);
    }
    wipe(&k, sizeof k);
    wipe(mac, sizeof mac);
    return st;
}

CP_EXPORT cp_status cp_mac_compute(cp_ctx *ctx, cp_sec sec, const char *imsi,
                                   const char *pin,
                                   const cp_auth_options *opt,
                                   const uint8_t *body, size_t body_len,
                                   char *out, size_t out_cap)
{
    auth_opts o;
    cp_status st;

    if (out != NULL && out_cap > 0)
        out[0] = '\0';
    st = check_sec(ctx, sec);
    if (st == CP_OK)
        st = opts_get(ctx, opt, &o);
    if (st != CP_OK)
        return st;
    if (out == NULL || (body == NULL && body_len > 0))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_mac_compute: NULL %s",
                           out == NULL ? "output" : "body");
    return compute_mac(ctx, sec, imsi, pin, &o, body, body_len, out,
                       out_cap);
}

/* ---- verifying -------------------------------------------------------- */

/* Value of a hex digit of either case, else -1. One unsigned compare per
   range: setting bit 5 folds 'A'..'F' onto 'a'..'f' and maps no other
   byte there. */
static int hex_val(char c)
{
    unsigned d = (unsigned)(unsigned char)c - '0';
    unsigned l = ((unsigned)(unsigned char)c | 0x20u) - 'a';

    if (d < 10u)
        return (int)d;
    if (l < 6u)
        return (int)l + 10;
    return -1;
}

/* Exactly 40 hex digits, either case, into 20 octets. */
static cp_status mac_parse(cp_ctx *ctx, const char *s,
                           uint8_t out[CP_HMAC_SHA1_LEN])
{
    size_t i;
    int hi = 0, lo = 0;

    /* one pass: a digit pair per octet, stopping at the first non-digit
       (the NUL of a short MAC included) */
    for (i = 0; s != NULL && i < CP_HMAC_SHA1_LEN; i++) {
        if ((hi = hex_val(s[2 * i])) < 0 || (lo = hex_val(s[2 * i + 1])) < 0)
            break;
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    if (s == NULL || i < CP_HMAC_SHA1_LEN || s[CP_MAC_HEX_LEN] != '\0')
        return cp_err__set(ctx, CP_E_BAD_MAC, CP_NO_OFFSET,
                           "MAC is not exactly %d hex digits",
                           CP_MAC_HEX_LEN);
    return CP_OK;
}

/* The IMSI list of NETWPIN / USERNETWPIN: non-empty, every entry valid. */
static cp_status check_imsis(cp_ctx *ctx, cp_sec sec, const char *const *imsis,
                             size_t n_imsis)
{
    size_t i, n;

    if (imsis == NULL || n_imsis == 0)
        return cp_err__set(ctx, CP_E_BAD_PIN, CP_NO_OFFSET,
                           "%s needs at least one IMSI", sec_names[sec]);
    for (i = 0; i < n_imsis; i++) {
        if (imsi_digits(imsis[i], &n) != CP_OK)
            return cp_err__set(ctx, CP_E_BAD_PIN, CP_NO_OFFSET,
                               "IMSI #%zu is not 13 to 15 digits", i);
    }
    return CP_OK;
}

/* One candidate key: *match = 1 when its MAC equals want (constant time). */
static cp_status try_key(const char *imsi, size_t imsi_n, int form,
                         const char *pin, size_t pin_len, const uint8_t *body,
                         size_t body_len, const uint8_t want[CP_HMAC_SHA1_LEN],
                         int *match)
{
    keybuf k;
    uint8_t mac[CP_HMAC_SHA1_LEN];
    cp_status st;

    key_make(&k, imsi, imsi_n, form, pin, pin_len);
    st = key_mac(&k, body, body_len, mac);
    /* mem_neq folds every octet; any non-zero result is a mismatch. */
    *match = st == CP_OK && mem_neq(mac, want, sizeof mac) == 0;
    wipe(&k, sizeof k);
    wipe(mac, sizeof mac);
    return st;
}

/* Key forms to try for an n-digit IMSI: the default, then compat ones. */
static size_t forms_for(unsigned compat, size_t n, int forms[3])
{
    size_t count = 0;

    forms[count++] = FORM_SEMI;
    if ((compat & CP_AUTH_COMPAT_PADDED_IMSI) && (n + 2) / 2 < EF_IMSI_KEY_LEN)
        forms[count++] = FORM_PADDED;
    if (compat & CP_AUTH_COMPAT_ASCII_IMSI)
        forms[count++] = FORM_ASCII;
    return count;
}

/* Try every IMSI (and its compat forms) until one verifies. */
static cp_status try_imsis(const char *const *imsis, size_t n_imsis,
                           const char *pin, size_t pin_len,
                           const auth_opts *o, const uint8_t *body,
                           size_t body_len,
                           const uint8_t want[CP_HMAC_SHA1_LEN], size_t *hit)
{
    int forms[3], match = 0;
    size_t i, f, nf, n = 0;
    cp_status st = CP_OK;

    for (i = 0; i < n_imsis && !match && st == CP_OK; i++) {
        n = strlen(imsis[i]); /* all digits: checked by check_imsis */
        nf = forms_for(o->compat, n, forms);
        for (f = 0; f < nf && !match && st == CP_OK; f++)
            st = try_key(imsis[i], n, forms[f], pin, pin_len, body, body_len,
                         want, &match);
        if (match)
            *hit = i;
    }
    return st;
}

static cp_status verify_mac(cp_ctx *ctx, cp_sec sec, const char *const *imsis,
                            size_t n_imsis, const char *pin, size_t pin_len,
                            const auth_opts *o, const uint8_t *body,
                            size_t body_len,
                            const uint8_t want[CP_HMAC_SHA1_LEN],
                            size_t *imsi_index)
{
    size_t hit = (size_t)-1;
    int match = 0;
    cp_status st;

    if (sec == CP_SEC_USERPIN) {
        st = try_key(NULL, 0, FORM_SEMI, pin, pin_len, body, body_len, want,
                     &match);
    } else {
        st = try_imsis(imsis, n_imsis, sec == CP_SEC_NETWPIN ? NULL : pin,
                       pin_len, o, body, body_len, want, &hit);
        match = hit != (size_t)-1;
    }
    if (st != CP_OK)
        return cp_err__set(ctx, st, CP_NO_OFFSET, "SHA-1 failed");
    if (!match && sec == CP_SEC_USERPIN)
        return cp_err__set(ctx, CP_E_NOT_AUTHENTIC, CP_NO_OFFSET,
                           "MAC mismatch for USERPIN");
    if (!match)
        return cp_err__set(ctx, CP_E_NOT_AUTHENTIC, CP_NO_OFFSET,
                           "MAC mismatch for %s (%zu IMSI%s tried)",
                           sec_names[sec], n_imsis, n_imsis == 1 ? "" : "s");
    if (imsi_index != NULL)
        *imsi_index = hit;
    return CP_OK;
}

/* NETWPIN, USERPIN, USERNETWPIN: inputs checked, then verify_mac. */
static cp_status verify_header_mac(cp_ctx *ctx, cp_sec sec,
                                   const char *const *imsis, size_t n_imsis,
                                   const char *pin, const char *mac_text,
                                   const auth_opts *o, const uint8_t *body,
                                   size_t body_len, size_t *imsi_index)
{
    uint8_t want[CP_HMAC_SHA1_LEN];
    size_t pin_len = 0;
    cp_status st;

    st = mac_parse(ctx, mac_text, want);
    if (st == CP_OK && sec != CP_SEC_NETWPIN)
        st = check_pin(ctx, sec, pin, &pin_len);
    if (st == CP_OK && uses_imsi(sec))
        st = check_imsis(ctx, sec, imsis, n_imsis);
    if (st == CP_OK)
        st = verify_mac(ctx, sec, imsis, n_imsis, pin, pin_len, o, body,
                        body_len, want, imsi_index);
    wipe(want, sizeof want);
    return st;
}

/* USERPINMAC: typed = K (N digits) then m (N digits); m must be MAC(K). */
static cp_status verify_pinmac(cp_ctx *ctx, const char *typed,
                               const auth_opts *o, const uint8_t *body,
                               size_t body_len)
{
    keybuf k;
    uint8_t mac[CP_HMAC_SHA1_LEN];
    char digits[CP_AUTH_PINMAC_MAX];
    size_t len = 0, n;
    cp_status st;
    int differ;

    st = check_pin(ctx, CP_SEC_USERPINMAC, typed, &len);
    n = len / 2;
    if (st == CP_OK &&
        (len % 2 != 0 || !all_digits(typed, len) || n < o->min || n > o->max))
        st = cp_err__set(ctx, CP_E_BAD_PIN, CP_NO_OFFSET,
                         "USERPINMAC input must be 2N decimal digits, "
                         "N from %u to %u", o->min, o->max);
    if (st != CP_OK)
        return st;
    key_make(&k, NULL, 0, FORM_SEMI, typed, n);
    st = key_mac(&k, body, body_len, mac);
    differ = 1;
    if (st == CP_OK) {
        pinmac_digits(mac, n, digits);
        differ = mem_neq(digits, typed + n, n) != 0;
    }
    wipe(&k, sizeof k);
    wipe(mac, sizeof mac);
    wipe(digits, sizeof digits);
    if (st != CP_OK)
        return cp_err__set(ctx, st, CP_NO_OFFSET, "SHA-1 failed");
    if (differ)
        return cp_err__set(ctx, CP_E_NOT_AUTHENTIC, CP_NO_OFFSET,
                           "MAC digits mismatch for USERPINMAC");
    return CP_OK;
}

CP_EXPORT cp_status cp_mac_verify(cp_ctx *ctx, cp_sec sec,
                                  const char *const *imsis, size_t n_imsis,
                                  const char *pin, const char *mac_text,
                                  const cp_auth_options *opt,
                                  const uint8_t *body, size_t body_len,
                                  size_t *imsi_index)
{
    auth_opts o;
    cp_status st;

    if (imsi_index != NULL)
        *imsi_index = (size_t)-1;
    st = check_sec(ctx, sec);
    if (st == CP_OK)
        st = opts_get(ctx, opt, &o);
    if (st != CP_OK)
        return st;
    if (body == NULL && body_len > 0)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_mac_verify: NULL body with a length");
    if (sec == CP_SEC_USERPINMAC)
        return verify_pinmac(ctx, pin, &o, body, body_len);
    return verify_header_mac(ctx, sec, imsis, n_imsis, pin, mac_text, &o,
                             body, body_len, imsi_index);
}
