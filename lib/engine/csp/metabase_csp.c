/*
 * metabase_csp.c - the Metabase CSP: the metabase (access roles, rw-access,
 * datatype and bounds of each setting, and its localized label and
 * options texts) read and written through provisioning documents. The
 * metabase itself lives in ../metabase.c; this room is its CSP face.
 */
#include <stdio.h>
#include <string.h>

#include "../meta.h"
#include "csp_int.h"

/*
 * One entry per characteristic, named by the setting path it describes
 * ("Metabase/NAPDEF/NAME"): parms set its fields (access-role, rw-access,
 * datatype, minvalue, maxvalue, maxlength; semantic-type and multiple are
 * accepted UI hints); its "label" and "options" child characteristics
 * hold localized texts, one parm per language code ("0409" = US English).
 * The cookies tell the three levels apart (an entry's path may hold '/').
 */
typedef struct mb {
    char err[160];
    char path[CP_PATH_MAX + 1];
    cp_meta m;
    int open;
    int changed; /* a parm set a field or a text: store at mb_leave */
    unsigned sub; /* inside label (CP_META__UI_LABEL) or options, else 0 */
    uint8_t ui[CP_META__UI_MAX]; /* the entry's texts, being edited */
    char text[CP_META__UI_MAX + 1]; /* one text, NUL-terminated (scratch) */
    size_t ui_len;
    char ck_entry, ck_label, ck_options; /* cookies: their addresses */
} mb;

static const char *mb_err(void *user, cp_csp_session *s)
{
    mb *c = user;
    (void)s;
    return c->err[0] ? c->err : NULL;
}

/* A failed call never reaches mb_leave: start every call afresh. */
static cp_status mb_begin(void *user, cp_csp_session *s)
{
    mb *c = user;
    (void)s;
    c->open = 0;
    c->sub = 0;
    c->err[0] = '\0';
    return CP_OK;
}

/* The setting path inside a Metabase path ("Metabase/X/Y" -> "X/Y"). */
static const char *setting_of(const char *path)
{
    const char *p = strchr(path, '/');
    return p ? p + 1 : NULL;
}

/* CP_META__UI_LABEL / _OPTIONS for a child characteristic type, else 0. */
static unsigned ui_kind(const char *type)
{
    if (cp_str__casecmp(type, "label") == 0)
        return CP_META__UI_LABEL;
    if (cp_str__casecmp(type, "options") == 0)
        return CP_META__UI_OPTIONS;
    return 0;
}

/* Level of a cookie: 0 none, 1 an entry, or the kind of its texts. */
static unsigned level_of(const mb *c, const void *cookie)
{
    if (cookie == &c->ck_entry)
        return 1;
    if (cookie == &c->ck_label)
        return 0x10 | CP_META__UI_LABEL;
    if (cookie == &c->ck_options)
        return 0x10 | CP_META__UI_OPTIONS;
    return 0;
}

/* The entry in force for sp; the UI may repair a damaged metabase. */
static cp_status mb_lookup(cp_csp_session *s, const char *sp, cp_meta *m,
                           int *exact)
{
    cp_status st = cp_meta__lookup(cp_csp_ctx(s), sp, m, exact);
    if (st == CP_E_CORRUPT && (cp_csp_roles(s) & CP_ROLE_EXEMPT)) {
        cp_meta_init(m);
        if (exact)
            *exact = 0;
        st = CP_OK;
    }
    return st;
}

static cp_status mb_enter(void *user, cp_csp_session *s, const char *path,
                          const char *type, void *pc, void **cookie)
{
    mb *c = user;
    const char *sp = setting_of(path);
    const uint8_t *ui = NULL;
    size_t ui_len = 0;
    cp_status st;
    c->err[0] = '\0';
    if (sp == NULL)
        return CP_OK; /* the Metabase characteristic itself */
    if (pc != NULL && level_of(c, pc) == 1 && c->open && c->sub == 0 &&
        ui_kind(type) != 0) {
        c->sub = ui_kind(type);
        *cookie = c->sub == CP_META__UI_LABEL ? &c->ck_label : &c->ck_options;
        return CP_OK;
    }
    if (pc != NULL || c->open) {
        snprintf(c->err, sizeof c->err,
                 "a metabase entry is one characteristic named by its path, "
                 "with label and options inside");
        return CP_E_BAD_DOC;
    }
    if (strlen(sp) >= sizeof c->path)
        return CP_E_LIMIT;
    memcpy(c->path, sp, strlen(sp) + 1);
    st = mb_lookup(s, sp, &c->m, NULL);
    if (!st)
        st = cp_meta__ui(cp_csp_ctx(s), sp, &ui, &ui_len);
    if (st)
        return st;
    memcpy(c->ui, ui ? ui : (const uint8_t *)"", ui_len);
    c->ui_len = ui_len;
    c->open = 1;
    c->changed = 0;
    c->sub = 0;
    *cookie = &c->ck_entry;
    return CP_OK;
}

static int parse_i64s(const char *v, int64_t *out)
{
    int neg = v && *v == '-';
    uint32_t u;
    if (!parse_u32(neg ? v + 1 : v, &u))
        return 0;
    *out = neg ? -(int64_t)u : (int64_t)u;
    return 1;
}

static const struct {
    const char *name;
    cp_datatype dt;
} dts[] = {{"integer", CP_DT_INTEGER}, {"string", CP_DT_STRING},
           {"float", CP_DT_FLOAT},     {"boolean", CP_DT_BOOLEAN},
           {"binary", CP_DT_BINARY},   {"multiplestring", CP_DT_MULTIPLE_STRING},
           {"node", CP_DT_NODE}};

/* A language code: 1-8 hex digits ("0409", "40c"). */
static int lang_ok(const char *s)
{
    size_t n = strlen(s), i;
    if (n == 0 || n > 8)
        return 0;
    for (i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

/*
 * One text record of an entry's texts (engine.h: kind, lang_len, lang,
 * text_len big-endian, text), read with the bounded reader: a record that
 * does not fit ends the list instead of reading past it.
 */
typedef struct ui_rec {
    unsigned kind;
    const uint8_t *lang, *text;
    size_t lang_len, text_len;
    size_t off, len; /* where the whole record sits */
} ui_rec;

/* The next record of r into x (meta.h reads it); 0 at the end. */
static int ui_next(cp_rd *r, ui_rec *x)
{
    cp_meta_ui_rec u;
    x->off = cp_rd__off(r);
    if (cp_meta__ui_next(r, &u) != CP_OK)
        return 0;
    x->kind = u.kind;
    x->lang = u.lang;
    x->lang_len = u.lang_len;
    x->text = u.text;
    x->text_len = u.text_len;
    x->len = cp_rd__off(r) - x->off;
    return 1;
}

/* The record of (kind, lang) in c->ui, language codes in any case. */
static int ui_find(const mb *c, unsigned kind, const char *lang, ui_rec *x)
{
    size_t ll = strlen(lang), i;
    cp_rd r;
    cp_rd__init(&r, c->ui, c->ui_len);
    while (ui_next(&r, x)) {
        int same = x->kind == kind && x->lang_len == ll;
        for (i = 0; same && i < ll; i++)
            same = (x->lang[i] | 0x20) == (uint8_t)(lang[i] | 0x20);
        if (same)
            return 1;
    }
    return 0;
}

/* Take the record x out of c->ui. */
static void ui_cut(mb *c, const ui_rec *x)
{
    memmove(c->ui + x->off, c->ui + x->off + x->len,
            c->ui_len - x->off - x->len);
    c->ui_len -= x->len;
}

/* Remove the text of (kind, lang); 1 when there was one. */
static int ui_remove(mb *c, unsigned kind, const char *lang)
{
    ui_rec x;
    if (!ui_find(c, kind, lang, &x))
        return 0;
    ui_cut(c, &x);
    return 1;
}

/* Remove every text of kind; 1 when there was one. */
static int ui_remove_kind(mb *c, unsigned kind)
{
    ui_rec x;
    cp_rd r;
    int any = 0;
    cp_rd__init(&r, c->ui, c->ui_len);
    while (ui_next(&r, &x)) {
        if (x.kind != kind)
            continue;
        ui_cut(c, &x);
        any = 1;
        cp_rd__init(&r, c->ui, c->ui_len); /* on from the cut */
        (void)cp_rd__skip(&r, x.off);
    }
    return any;
}

/* Set the text of (kind, lang) to value. */
static cp_status ui_set(mb *c, unsigned kind, const char *lang,
                        const char *value)
{
    size_t ll = strlen(lang), vl = strlen(value);
    (void)ui_remove(c, kind, lang);
    if (vl > 0xFFFF || c->ui_len + 4 + ll + vl > sizeof c->ui) {
        snprintf(c->err, sizeof c->err,
                 "the labels and options of one metabase entry exceed %u "
                 "octets",
                 CP_META__UI_MAX);
        return CP_E_LIMIT;
    }
    c->ui[c->ui_len++] = (uint8_t)kind;
    c->ui[c->ui_len++] = (uint8_t)ll;
    memcpy(c->ui + c->ui_len, lang, ll);
    c->ui_len += ll;
    c->ui[c->ui_len++] = (uint8_t)(vl >> 8);
    c->ui[c->ui_len++] = (uint8_t)vl;
    memcpy(c->ui + c->ui_len, value, vl);
    c->ui_len += vl;
    return CP_OK;
}

static cp_status mb_text_parm(mb *c, unsigned kind, const char *name,
                              const char *value)
{
    if (!lang_ok(name)) {
        snprintf(c->err, sizeof c->err,
                 "%s parms are named by a language code of hex digits "
                 "(0409), not %.40s",
                 kind == CP_META__UI_LABEL ? "label" : "options", name);
        return CP_E_BAD_DOC;
    }
    c->changed = 1;
    return ui_set(c, kind, name, value ? value : "");
}

static cp_status mb_parm(void *user, cp_csp_session *s, const char *path,
                         const char *name, const char *value, void *cookie)
{
    mb *c = user;
    unsigned lv = level_of(c, cookie);
    uint32_t u = 0;
    size_t i;
    int ok = 0;
    (void)s;
    (void)path;
    if (lv == 0 || !c->open) {
        snprintf(c->err, sizeof c->err, "metabase parms belong to an entry");
        return CP_E_BAD_DOC;
    }
    if (lv != 1)
        return mb_text_parm(c, lv & 0xF, name, value);
    if (value == NULL)
        value = "";
    if (strcmp(name, "access-role") == 0 || strcmp(name, "access-roles") == 0) {
        ok = parse_u32(value, &u) && (u & ~(uint32_t)CP_ROLES_ALL) == 0;
        c->m.access_roles = u;
    } else if (strcmp(name, "rw-access") == 0) {
        ok = parse_u32(value, &u) && u <= 3;
        c->m.rw = u;
    } else if (strcmp(name, "maxlength") == 0) {
        ok = parse_u32(value, &u);
        c->m.max_length = u;
    } else if (strcmp(name, "minvalue") == 0) {
        ok = c->m.has_min = parse_i64s(value, &c->m.min);
    } else if (strcmp(name, "maxvalue") == 0) {
        ok = c->m.has_max = parse_i64s(value, &c->m.max);
    } else if (strcmp(name, "datatype") == 0) {
        for (i = 0; i < sizeof dts / sizeof dts[0]; i++)
            if (cp_str__casecmp(dts[i].name, value) == 0) {
                c->m.datatype = dts[i].dt;
                ok = 1;
            }
    } else if (strcmp(name, "semantic-type") == 0 ||
               strcmp(name, "multiple") == 0) {
        ok = 1; /* UI hints: accepted, not used by the device model */
    }
    if (!ok) {
        snprintf(c->err, sizeof c->err, "bad metabase parm %.40s=%.40s", name,
                 value);
        return CP_E_BAD_DOC;
    }
    c->changed = 1;
    return CP_OK;
}

static cp_status mb_leave(void *user, cp_csp_session *s, const char *path,
                          const char *type, void *cookie)
{
    mb *c = user;
    unsigned lv = level_of(c, cookie);
    cp_status st;
    (void)type;
    if (lv > 1) { /* the end of label or options */
        c->sub = 0;
        return CP_OK;
    }
    if (lv == 0 || setting_of(path) == NULL || !c->open)
        return CP_OK;
    c->open = 0;
    if (!c->changed)
        return CP_OK; /* only read: a query must not create an entry */
    if (!(cp_csp_roles(s) & CP_ROLE_EXEMPT) && (c->m.rw & CP_RW_READ)) {
        unsigned rw = 0;
        st = cp_meta__default_rw(cp_csp_ctx(s), c->path, &rw);
        if (st)
            return st;
        if (!(rw & CP_RW_READ)) {
            /* a secret stays write-only over CP, whoever asks */
            snprintf(c->err, sizeof c->err,
                     "%.60s is a write-only secret: only the device "
                     "(UI, cp_meta_set) may make it readable",
                     c->path);
            return CP_E_ACCESS_DENIED;
        }
    }
    /* takes effect at once: later elements of the same document see it */
    st = cp_meta__put_ui(cp_csp_ctx(s), c->path, &c->m, c->ui, c->ui_len);
    if (st == CP_E_INVALID_ARG) {
        snprintf(c->err, sizeof c->err, "invalid metabase entry for %.100s",
                 c->path);
        return CP_E_BAD_DOC;
    }
    return st;
}

/* The text of one field of m by its metabase parm name; 0 when it has none. */
static int mb_field(const cp_meta *m, const char *name, char *b, size_t cap)
{
    size_t i;
    if (strcmp(name, "access-role") == 0 || strcmp(name, "access-roles") == 0)
        snprintf(b, cap, "%lu", (unsigned long)m->access_roles);
    else if (strcmp(name, "rw-access") == 0)
        snprintf(b, cap, "%u", m->rw);
    else if (strcmp(name, "maxlength") == 0 && m->max_length)
        snprintf(b, cap, "%lu", (unsigned long)m->max_length);
    else if (strcmp(name, "minvalue") == 0 && m->has_min)
        snprintf(b, cap, "%lld", (long long)m->min);
    else if (strcmp(name, "maxvalue") == 0 && m->has_max)
        snprintf(b, cap, "%lld", (long long)m->max);
    else if (strcmp(name, "datatype") == 0) {
        for (i = 0; i < sizeof dts / sizeof dts[0]; i++)
            if (dts[i].dt == m->datatype) {
                snprintf(b, cap, "%s", dts[i].name);
                return 1;
            }
        return 0;
    } else
        return 0;
    return 1;
}

/* The text of (kind, lang) of the open entry, NUL-terminated into b. */
static int mb_text(const mb *c, unsigned kind, const char *lang, char *b,
                   size_t cap)
{
    ui_rec x;
    size_t tl;
    if (!ui_find(c, kind, lang, &x))
        return 0;
    tl = x.text_len;
    if (tl >= cap)
        tl = cap - 1;
    memcpy(b, x.text, tl);
    b[tl] = '\0';
    return 1;
}

static cp_status mb_query(void *user, cp_csp_session *s, const char *path,
                          const char *name, void *cookie)
{
    mb *c = user;
    unsigned lv = level_of(c, cookie);
    char b[32];
    cp_meta m;
    const char *sp = setting_of(path);
    if (lv > 1)
        return c->open && mb_text(c, lv & 0xF, name, c->text, sizeof c->text)
                   ? cp_csp_answer(s, c->text)
                   : CP_E_NOT_FOUND;
    if (sp == NULL || mb_lookup(s, sp, &m, NULL) != CP_OK ||
        !mb_field(&m, name, b, sizeof b))
        return CP_E_NOT_FOUND;
    return cp_csp_answer(s, b);
}

static cp_status mb_nochar(void *user, cp_csp_session *s, const char *path,
                           const char *type, void *cookie)
{
    mb *c = user;
    const char *sp = setting_of(path);
    if (sp == NULL) {
        snprintf(c->err, sizeof c->err, "a top-level Metabase delete is refused");
        return CP_E_ACCESS_DENIED;
    }
    if (level_of(c, cookie) == 1 && c->open && ui_kind(type) != 0) {
        /* the entry's label or options: every language of it */
        int any = ui_remove_kind(c, ui_kind(type));
        c->changed |= any;
        return any ? CP_OK : CP_E_NOT_FOUND;
    }
    return cp_meta__del(cp_csp_ctx(s), sp);
}

/* Emit the texts of one kind as a child characteristic of type name. */
static cp_status emit_texts(cp_csp_session *s, const uint8_t *ui, size_t n,
                            unsigned kind, const char *name, char *text)
{
    ui_rec x;
    cp_rd r;
    int open = 0;
    cp_status st = CP_OK;
    char lang[9];
    cp_rd__init(&r, ui, n);
    while (!st && ui_next(&r, &x)) {
        if (x.kind != kind || x.lang_len >= sizeof lang)
            continue;
        memcpy(lang, x.lang, x.lang_len);
        lang[x.lang_len] = '\0';
        memcpy(text, x.text, x.text_len);
        text[x.text_len] = '\0';
        if (!open && (st = cp_csp_emit_enter(s, name)) == CP_OK)
            open = 1;
        if (!st)
            st = cp_csp_emit_parm(s, lang, text);
    }
    return !st && open ? cp_csp_emit_leave(s) : st;
}

static cp_status mb_char_query(void *user, cp_csp_session *s, const char *path,
                               int recursive, void *cookie)
{
    static const char *const fields[] = {"access-role", "rw-access",
                                         "datatype",    "minvalue",
                                         "maxvalue",    "maxlength"};
    mb *c = user;
    const char *sp = setting_of(path);
    char b[32];
    cp_meta m;
    const uint8_t *ui = NULL;
    size_t i, ui_len = 0, pl;
    int exact = 0;
    cp_status st;
    (void)recursive;
    if (sp == NULL) {
        snprintf(c->err, sizeof c->err, "a top-level Metabase query is refused");
        return CP_E_ACCESS_DENIED;
    }
    pl = strlen(sp);
    if (level_of(c, cookie) == 1 && c->open) {
        /* a label or options query inside an entry: "<entry>/label" */
        size_t el = strlen(c->path);
        unsigned kind = pl > el + 1 && memcmp(sp, c->path, el) == 0 &&
                                sp[el] == '/'
                            ? ui_kind(sp + el + 1)
                            : 0;
        if (kind == 0)
            return CP_E_NOT_FOUND;
        /* nothing emitted reads as a nocharacteristic */
        return emit_texts(s, c->ui, c->ui_len, kind, sp + el + 1, c->text);
    }
    st = mb_lookup(s, sp, &m, &exact);
    if (st)
        return st;
    if (!exact)
        return CP_E_NOT_FOUND;
    st = cp_meta__ui(cp_csp_ctx(s), sp, &ui, &ui_len);
    if (!st)
        st = cp_csp_emit_enter(s, sp);
    for (i = 0; i < sizeof fields / sizeof fields[0] && !st; i++)
        if (mb_field(&m, fields[i], b, sizeof b))
            st = cp_csp_emit_parm(s, fields[i], b);
    if (!st)
        st = emit_texts(s, ui, ui_len, CP_META__UI_LABEL, "label", c->text);
    if (!st)
        st = emit_texts(s, ui, ui_len, CP_META__UI_OPTIONS, "options",
                        c->text);
    return st ? st : cp_csp_emit_leave(s);
}

const cp_csp_ops cp_csp__mb_ops = {
    sizeof(cp_csp_ops), CP_CSP_INTERNAL_TX, mb_begin, mb_enter, mb_leave,
    mb_parm, NULL, mb_query, mb_nochar, mb_char_query, NULL, NULL, mb_err};
const size_t cp_csp__mb_size = sizeof(mb);
