/*
 * wbxml_enc.c - the document model -> WBXML 1.3, public id 0x0B, UTF-8.
 *
 * Two walks over the tree, both iterative. The first collects the strings
 * that cannot be tokenised (and the names that have no token, which WBXML
 * can only send as LITERAL references into the string table) and lays out
 * the string table; the second writes the header, the table and the body.
 * The attribute code page is tracked exactly as the decoder tracks it, so a
 * SWITCH_PAGE is written only where the next token lives on the other page.
 * cp_doc__encode_items writes a list of subtrees as the children of a bare
 * root (a settings page: no document is built for it).
 */
#include <string.h>

#include "prov.h"

enum {
    T_SWITCH_PAGE = 0x00, T_END = 0x01, T_STR_I = 0x03, T_LITERAL = 0x04,
    T_STR_T = 0x83
};
#define TAG_A 0x80u
#define TAG_C 0x40u
#define NO_OFF UINT32_MAX

/* One distinct string: how often it is written, where it sits in the table. */
typedef struct sent {
    const char *s;
    size_t len;
    uint32_t hash, count, off; /* off: NO_OFF when written inline */
    int lit;                   /* a LITERAL name: always in the table */
} sent;

/*
 * How the first walk decided to write one attribute, for the second walk
 * (one record per attribute in document order, so every lookup is made
 * once): how (W_* below), the token on page 0 and page 1 (W_START,
 * W_VALUE), and for W_STRING the value's entry in the string set, so the
 * second walk neither measures nor hashes it again (NO_ENT: no table).
 */
typedef struct aplan {
    uint8_t how;
    uint8_t tok[2];
    uint8_t attr; /* the cp_attr: the second walk need not work it out */
    uint32_t ent;
} aplan;
#define NO_ENT UINT32_MAX

typedef struct enc {
    cp_ctx *ctx;
    unsigned flags;
    unsigned page; /* current attribute page */
    cp_buf out;
    aplan *plans;     /* per attribute in document order */
    size_t nplans, pcap;
    size_t next_plan; /* the second walk's position in plans */
    sent *ents;
    size_t n, cap;
    uint32_t *slots; /* open addressing: index + 1, 0 = empty */
    size_t nslots;
    size_t tbl_len;
    size_t estimate; /* rough size of the output */
} enc;

/* ---- the string set ---------------------------------------------------- */

/* FNV-1a of s and its length, in one pass over it. */
static uint32_t hash_len(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t h = 2166136261u;
    while (*p != 0)
        h = (h ^ *p++) * 16777619u;
    *len = (size_t)(p - (const unsigned char *)s);
    return h;
}

/* Inline, as set_add below: they run for every string of the document. */
static inline size_t slot_of(const enc *e, const char *s, size_t n,
                             uint32_t h)
{
    size_t mask = e->nslots - 1, i = h & mask;
    while (e->slots[i] != 0) {
        const sent *x = &e->ents[e->slots[i] - 1];
        if (x->hash == h && x->len == n && memcmp(x->s, s, n) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

/* Room for ns / 2 strings in ns slots (a power of 2 above the count). */
static cp_status set_resize(enc *e, size_t ns)
{
    size_t i;
    uint32_t *sl;
    sent *ne;
    if (ns > ((size_t)-1) / sizeof *sl / 2 || ns / 2 > UINT32_MAX)
        return CP_E_NOMEM;
    ne = cp_mem__realloc(&e->ctx->alloc, e->ents, ns / 2 * sizeof *ne);
    if (ne == NULL)
        return CP_E_NOMEM;
    e->ents = ne;
    e->cap = ns / 2;
    sl = cp_mem__alloc(&e->ctx->alloc, ns * sizeof *sl);
    if (sl == NULL)
        return CP_E_NOMEM;
    memset(sl, 0, ns * sizeof *sl);
    cp_mem__free(&e->ctx->alloc, e->slots);
    e->slots = sl;
    e->nslots = ns;
    for (i = 0; i < e->n; i++)
        sl[slot_of(e, ne[i].s, ne[i].len, ne[i].hash)] = (uint32_t)(i + 1);
    return CP_OK;
}

static cp_status set_grow(enc *e)
{
    return set_resize(e, e->nslots ? e->nslots * 2 : 64);
}

/*
 * Size the plans for about nodes elements (a parm has two attributes)
 * and the set for strings strings before the walk, so they seldom grow
 * (and rehash) during it. A page of stored items asks for two strings an
 * element (mostly each attribute is one); a whole document asks for none,
 * so a large one that is mostly tokens does not take memory it never uses.
 */
static cp_status presize(enc *e, size_t nodes, size_t strings)
{
    size_t ns = 64;
    if (nodes > ((size_t)-1) / 8 / sizeof(aplan))
        return CP_OK; /* absurd: let them grow */
    e->plans = cp_mem__alloc(&e->ctx->alloc, nodes * 2 * sizeof *e->plans);
    if (e->plans == NULL)
        return CP_E_NOMEM;
    e->pcap = nodes * 2;
    if (strings == 0)
        return CP_OK;
    while (ns / 2 < strings)
        ns *= 2;
    return set_resize(e, ns);
}

/*
 * Count one use of s (n octets, hash h); lit marks a LITERAL name. Its
 * entry's index goes to *idx.
 */
static inline cp_status set_add(enc *e, const char *s, size_t n, uint32_t h,
                                int lit, uint32_t *idx)
{
    size_t i;
    sent *x;
    if (e->n >= e->cap) {
        cp_status st = set_grow(e);
        if (st)
            return st;
    }
    i = slot_of(e, s, n, h);
    if (e->slots[i] == 0) {
        x = &e->ents[e->n];
        x->s = s;
        x->len = n;
        x->hash = h;
        x->count = 0;
        x->off = NO_OFF;
        x->lit = 0;
        e->slots[i] = (uint32_t)++e->n;
    }
    *idx = e->slots[i] - 1;
    x = &e->ents[*idx];
    if (x->count < UINT32_MAX)
        x->count++;
    x->lit |= lit;
    return CP_OK;
}

/* A name without a token: a LITERAL, so always in the table. */
static cp_status set_add_name(enc *e, const char *s)
{
    size_t n;
    uint32_t h = hash_len(s, &n), idx;
    return set_add(e, s, n, h, 1, &idx);
}

/* Table offset of a LITERAL name (set_add_name put it in the set). */
static uint32_t name_off(const enc *e, const char *s)
{
    size_t n, i;
    uint32_t h = hash_len(s, &n);
    if (e->nslots == 0)
        return NO_OFF;
    i = slot_of(e, s, n, h);
    return e->slots[i] ? e->ents[e->slots[i] - 1].off : NO_OFF;
}

/* ---- the document walk ------------------------------------------------- */

/* The node after n in document order, within the tree under root. */
static const cp_node *next_node(const cp_node *n, const cp_node *root)
{
    if (cp_node__child(n))
        return cp_node__child(n);
    /* n is under root, so the climb meets root before running out of
       parents (n != NULL said for the analyzers) */
    while (n != NULL && n != root && cp_node__next(n) == NULL)
        n = cp_node__parent(n);
    return n == NULL || n == root ? NULL : cp_node__next(n);
}

static int kind_has_token(cp_node_kind k)
{
    return cp_prov__tag_token(k) != 0;
}

/*
 * The attributes of n are written in cp_attr order: the primary one
 * (version, type or name, kept in n->key), value, then the others, which
 * the model keeps sorted by id. The walks read them in place (no
 * iterator: this runs for every node, twice).
 */
static cp_attr primary_attr(const cp_node *n)
{
    int a = cp_doc__required_attr((cp_node_kind)n->kind);
    return a < 0 ? CP_ATTR_VERSION : (cp_attr)a; /* the root: version */
}

/* The value of n, which the root never carries (NULL: none). */
static const char *value_of(const cp_node *n)
{
    return n->kind != CP_NODE_DOC ? n->value : NULL;
}

/* n's attributes beyond key and value; the flag spares most nodes a call. */
static const cp_xattr *xattrs_of(const cp_node *n)
{
    return (n->flags & CP_NF_XATTR) ? cp_node__xattrs(n) : NULL;
}

/*
 * How value v of attribute a is written: a start token whose prefix is the
 * whole value (W_START), or the bare start token (or a LITERAL name)
 * followed by nothing, a value token or a string.
 */
enum { W_START, W_EMPTY, W_VALUE, W_STRING };

/* A new plan record, or NULL when out of memory. */
static aplan *plan_new(enc *e)
{
    if (e->nplans == e->pcap) {
        size_t nc = e->pcap ? e->pcap * 2 : 64;
        aplan *t = nc <= (size_t)-1 / sizeof *t
                       ? cp_mem__realloc(&e->ctx->alloc, e->plans,
                                         nc * sizeof *t)
                       : NULL;
        if (t == NULL)
            return NULL;
        e->plans = t;
        e->pcap = nc;
    }
    return &e->plans[e->nplans++];
}

/* Decide how value v of attribute a is written; a string joins the set. */
static cp_status plan(enc *e, cp_attr a, const char *v)
{
    uint8_t stok[2] = {0, 0}, vtok[2] = {0, 0};
    unsigned hits = 0;
    size_t len;
    uint32_t h = hash_len(v, &len); /* one pass: the lookups need the length */
    aplan *p = plan_new(e);
    if (p == NULL)
        return CP_E_NOMEM;
    e->estimate += 8;
    p->ent = NO_ENT;
    p->attr = (uint8_t)a;
    if (len != 0)
        hits = cp_prov__lookup_n(
            a, v, len, cp_prov__attr_has_tokens(a) ? stok : NULL, vtok);
    p->how = (uint8_t)(len == 0                         ? W_EMPTY
                       : (hits & CP_PROV_HIT_START) ? W_START
                       : (hits & CP_PROV_HIT_VALUE) ? W_VALUE
                                                    : W_STRING);
    p->tok[0] = hits & CP_PROV_HIT_START ? stok[0] : vtok[0];
    p->tok[1] = hits & CP_PROV_HIT_START ? stok[1] : vtok[1];
    if (p->how != W_STRING)
        return CP_OK;
    e->estimate += len;
    if (e->flags & CP_WBXML_NO_STRING_TABLE)
        return CP_OK;
    return set_add(e, v, len, h, 0, &p->ent);
}

/* One attribute: its name when it has no token, and its plan. */
static cp_status collect_attr(enc *e, cp_attr a, const char *v)
{
    if (!cp_prov__attr_has_tokens(a)) {
        cp_status st = set_add_name(e, cp_attr_name(a));
        if (st)
            return st;
    }
    return plan(e, a, v);
}

static cp_status collect_node(enc *e, const cp_node *n)
{
    const cp_xattr *x;
    cp_status st = CP_OK;

    if (n->kind != CP_NODE_DOC && n->key == NULL)
        return CP_E_GRAMMAR; /* the required attribute is missing */
    if (!kind_has_token((cp_node_kind)n->kind))
        st = set_add_name(e, cp_node_kind_name((cp_node_kind)n->kind));
    e->estimate += 4;
    if (st == CP_OK && n->key != NULL)
        st = collect_attr(e, primary_attr(n), n->key);
    if (st == CP_OK && value_of(n) != NULL)
        st = collect_attr(e, CP_ATTR_VALUE, n->value);
    for (x = xattrs_of(n); x != NULL && st == CP_OK; x = x->next)
        st = collect_attr(e, (cp_attr)x->id, x->str);
    return st;
}

/* CP_E_GRAMMAR, saying which node lacks its required attribute. */
static cp_status missing_key(enc *e, const cp_node *n)
{
    char path[CP_ERRPATH_MAX];
    cp_node_kind k = (cp_node_kind)n->kind;
    cp_err__set(e->ctx, CP_E_GRAMMAR, CP_NO_OFFSET,
                "%s without its %s attribute", cp_node_kind_name(k),
                cp_attr_name((cp_attr)cp_doc__required_attr(k)));
    cp_doc__path(n, path, sizeof path);
    cp_err__set_path(e->ctx, path);
    return CP_E_GRAMMAR;
}

/* The first walk over top and the tree under it. */
static cp_status collect_tree(enc *e, const cp_node *top)
{
    const cp_node *n;
    for (n = top; n != NULL; n = next_node(n, top)) {
        cp_status st = collect_node(e, n);
        if (st == CP_E_GRAMMAR)
            return missing_key(e, n);
        if (st)
            return st;
    }
    return CP_OK;
}

/* Give table offsets to the LITERAL names and the repeated strings. */
static cp_status layout_table(enc *e)
{
    size_t i, next;
    for (i = 0; i < e->n; i++) {
        sent *x = &e->ents[i];
        if (!x->lit && x->count < 2)
            continue;
        if (e->tbl_len >= UINT32_MAX ||
            cp_add__ovf(e->tbl_len, x->len, &next) ||
            cp_add__ovf(next, 1, &next))
            return CP_E_OVERFLOW;
        x->off = (uint32_t)e->tbl_len;
        e->tbl_len = next;
    }
    if (e->tbl_len > UINT32_MAX)
        return CP_E_OVERFLOW;
    return CP_OK;
}

/* ---- writing ----------------------------------------------------------- */

static cp_status put_mbu32(cp_buf *b, uint32_t v)
{
    uint8_t t[5];
    size_t i = sizeof t;
    t[--i] = (uint8_t)(v & 0x7F);
    while ((v >>= 7) != 0)
        t[--i] = (uint8_t)(0x80 | (v & 0x7F));
    return cp_buf__put(b, t + i, sizeof t - i);
}

/* One octet: the room is usually reserved already. */
static cp_status putc_(cp_buf *b, uint8_t c)
{
    if (b->len + 1 < b->cap) {
        b->p[b->len++] = c;
        return CP_OK;
    }
    return cp_buf__putc(b, c);
}

static cp_status put2(cp_buf *b, uint8_t x, uint8_t y)
{
    uint8_t t[2];
    t[0] = x;
    t[1] = y;
    return cp_buf__put(b, t, 2);
}

/* Write token tok[p] of a page that has it, switching pages if needed. */
static inline cp_status put_paged(enc *e, const uint8_t tok[2],
                                  int page0_first)
{
    unsigned p = e->page;
    cp_status st;
    if (page0_first)
        p = tok[0] ? 0 : 1;
    else if (tok[p] == 0)
        p = !p;
    if (p != e->page) {
        st = put2(&e->out, T_SWITCH_PAGE, (uint8_t)p);
        if (st)
            return st;
        e->page = p;
    }
    return putc_(&e->out, tok[p]);
}

static cp_status put_ref(enc *e, uint8_t tok, uint32_t off)
{
    cp_status st = putc_(&e->out, tok);
    return st ? st : put_mbu32(&e->out, off);
}

/* n octets: the room is usually reserved already. */
static cp_status put_bytes(cp_buf *b, const void *p, size_t n)
{
    if (n < b->cap - b->len) {
        memcpy(b->p + b->len, p, n);
        b->len += n;
        return CP_OK;
    }
    return cp_buf__put(b, p, n);
}

/* A string value: a table reference when it is in the table, else inline. */
static cp_status put_string(enc *e, const char *v, const aplan *p)
{
    const char *s = v;
    size_t n;
    cp_status st;
    if (p->ent != NO_ENT) {
        const sent *x = &e->ents[p->ent];
        if (x->off != NO_OFF)
            return put_ref(e, T_STR_T, x->off);
        s = x->s;
        n = x->len;
    } else {
        n = strlen(v); /* CP_WBXML_NO_STRING_TABLE */
    }
    st = putc_(&e->out, T_STR_I);
    return st ? st : put_bytes(&e->out, s, n + 1);
}

static cp_status put_attr(enc *e, const char *v)
{
    const aplan *p = &e->plans[e->next_plan++]; /* made by plan() */
    cp_attr a = (cp_attr)p->attr;
    uint8_t stok[2];
    cp_status st;

    if (p->how == W_START)
        return put_paged(e, p->tok, 0);
    if (p->how == W_STRING && p->ent != NO_ENT && e->page == 0 &&
        cp_prov__attr_has_tokens(a)) {
        /* the common string (a stored setting's name or value): its bare
           start token (page 0 has it) and the inline string, in one go
           when the room reserved holds them; else the steps below */
        const sent *x = &e->ents[p->ent];
        if (x->off == NO_OFF && x->len + 3 < e->out.cap - e->out.len) {
            uint8_t *o = e->out.p + e->out.len;
            cp_prov__bare_start(a, stok);
            o[0] = stok[0];
            o[1] = T_STR_I;
            memcpy(o + 2, x->s, x->len + 1);
            e->out.len += x->len + 3;
            return CP_OK;
        }
    }
    if (!cp_prov__attr_has_tokens(a)) {
        st = put_ref(e, T_LITERAL, name_off(e, cp_attr_name(a)));
    } else {
        cp_prov__bare_start(a, stok);
        st = put_paged(e, stok, 0);
    }
    if (st || p->how == W_EMPTY)
        return st;
    if (p->how == W_VALUE)
        return put_paged(e, p->tok, 1);
    return put_string(e, v, p);
}

static cp_status put_start_tag(enc *e, const cp_node *n)
{
    const cp_xattr *x = xattrs_of(n);
    const char *value = value_of(n);
    cp_node_kind k = (cp_node_kind)n->kind;
    int attrs = n->key || x || value;
    unsigned bits = (n->child != 0 ? TAG_C : 0) | (attrs ? TAG_A : 0);
    cp_status st;

    if (kind_has_token(k))
        st = putc_(&e->out, (uint8_t)(cp_prov__tag_token(k) | bits));
    else
        st = put_ref(e, (uint8_t)(T_LITERAL | bits),
                     name_off(e, cp_node_kind_name(k)));
    if (st || !(bits & TAG_A))
        return st;
    if (n->key != NULL) /* the attributes in the first walk's order */
        st = put_attr(e, n->key);
    if (st == CP_OK && value != NULL)
        st = put_attr(e, value);
    for (; x != NULL && st == CP_OK; x = x->next)
        st = put_attr(e, x->str);
    return st ? st : putc_(&e->out, T_END);
}

static cp_status put_body(enc *e, const cp_node *root)
{
    const cp_node *n = root;
    cp_status st;
    for (;;) {
        st = put_start_tag(e, n);
        if (st)
            return st;
        if (cp_node__child(n)) {
            n = cp_node__child(n);
            continue;
        }
        for (;;) {
            if (n == root)
                return CP_OK;
            if (cp_node__next(n)) {
                n = cp_node__next(n);
                break;
            }
            n = cp_node__parent(n); /* it has content: close it */
            st = putc_(&e->out, T_END);
            if (st)
                return st;
        }
    }
}

/* The header and the string table, with room reserved for the body. */
static cp_status put_head(enc *e)
{
    static const uint8_t head[3] = {0x03, CP_PROV_PUBLIC_ID, 0x6A};
    size_t i, need;
    cp_status st;

    if (cp_add__ovf(e->estimate, e->tbl_len, &need) ||
        cp_add__ovf(need, 16, &need))
        return CP_E_OVERFLOW;
    st = cp_buf__reserve(&e->out, need);
    if (st == CP_OK)
        st = cp_buf__put(&e->out, head, sizeof head);
    if (st == CP_OK)
        st = put_mbu32(&e->out, (uint32_t)e->tbl_len);
    for (i = 0; st == CP_OK && e->tbl_len != 0 && i < e->n; i++)
        if (e->ents[i].off != NO_OFF) /* tbl_len 0: none is */
            st = put_bytes(&e->out, e->ents[i].s, e->ents[i].len + 1);
    return st;
}

/*
 * What is written: the tree under root, or (root NULL) a root without
 * attributes whose children are copies of items[0..n).
 */
typedef struct tree {
    const cp_node *root;
    const cp_node *const *items;
    size_t n;
} tree;

/* Elements in the subtree under n, n included. */
static size_t tree_count(const cp_node *n)
{
    const cp_node *c;
    size_t k = 0;
    for (c = n; c != NULL; c = next_node(c, n))
        k++;
    return k;
}

static cp_status encode(enc *e, const tree *t)
{
    size_t i, nodes = 1;
    cp_status st;
    if (t->root != NULL)
        nodes = cp_node__doc(t->root)->count;
    for (i = 0; i < t->n; i++)
        nodes += tree_count(t->items[i]);
    st = presize(e, nodes, t->root != NULL ? 0 : nodes * 2);
    if (st)
        return st;
    if (t->root != NULL) {
        st = collect_tree(e, t->root);
    } else {
        e->estimate += 4; /* the root: a bare tag token */
        for (i = 0; i < t->n && st == CP_OK; i++)
            st = collect_tree(e, t->items[i]);
    }
    if (st == CP_OK)
        st = layout_table(e);
    if (st == CP_OK)
        st = put_head(e);
    if (st || t->root != NULL)
        return st ? st : put_body(e, t->root);
    st = putc_(&e->out,
               (uint8_t)(CP_PROV_TAG_DOC | (t->n != 0 ? TAG_C : 0)));
    for (i = 0; i < t->n && st == CP_OK; i++)
        st = put_body(e, t->items[i]);
    return st || t->n == 0 ? st : putc_(&e->out, T_END);
}

/* Both entry points after their argument checks. */
static cp_status encode_tree(cp_ctx *ctx, const tree *t, unsigned flags,
                             uint8_t **out, size_t *out_len)
{
    enc e;
    cp_status st;
    memset(&e, 0, sizeof e);
    e.ctx = ctx;
    e.flags = flags;
    cp_buf__init(&e.out, &ctx->alloc);
    st = encode(&e, t);
    if (st == CP_OK)
        st = cp_buf__take(&e.out, out, out_len);
    cp_buf__free(&e.out);
    cp_mem__free(&ctx->alloc, e.plans);
    cp_mem__free(&ctx->alloc, e.ents);
    cp_mem__free(&ctx->alloc, e.slots);
    if (st != CP_OK && st != CP_E_GRAMMAR)
        cp_err__set(ctx, st, CP_NO_OFFSET, "WBXML encoding failed: %s",
                    cp_strerror(st));
    return st;
}

CP_EXPORT cp_status cp_doc_encode_wbxml(cp_ctx *ctx, const cp_doc *doc,
                                        unsigned int flags, uint8_t **out,
                                        size_t *out_len)
{
    tree t;
    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (ctx == NULL || doc == NULL || doc->root == NULL || out == NULL ||
        out_len == NULL)
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "cp_doc_encode_wbxml: NULL argument");
    t.root = doc->root;
    t.items = NULL;
    t.n = 0;
    return encode_tree(ctx, &t, flags, out, out_len);
}

cp_status cp_doc__encode_items(cp_ctx *ctx, const cp_node *const *items,
                               size_t n, uint8_t **out, size_t *out_len)
{
    tree t;
    *out = NULL;
    *out_len = 0;
    t.root = NULL;
    t.items = items;
    t.n = n;
    return encode_tree(ctx, &t, 0, out, out_len);
}
