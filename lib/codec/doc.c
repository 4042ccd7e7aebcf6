/* doc.c - the document model: one arena, a tree of nodes, the grammar. */
#include <string.h>

#include "docint.h"

#define NM(s) {s, sizeof(s) - 1}

static const cp_name attr_names[CP_ATTR_COUNT] = {
    NM("version"), NM("type"), NM("name"), NM("value"), NM("datatype"),
    NM("translation"), NM("recursive"), NM("mwid"), NM("desc"),
    NM("semantic-type"), NM("minvalue"), NM("maxvalue"), NM("maxlength"),
    NM("options"), NM("multiple"), NM("rw-access"), NM("label"),
    NM("access-roles")};

#define B(a) (1ul << (a))
#define META                                                                  \
    (B(CP_ATTR_SEMANTIC_TYPE) | B(CP_ATTR_MINVALUE) | B(CP_ATTR_MAXVALUE) |  \
     B(CP_ATTR_MAXLENGTH) | B(CP_ATTR_OPTIONS) | B(CP_ATTR_MULTIPLE) |       \
     B(CP_ATTR_RW_ACCESS) | B(CP_ATTR_LABEL) | B(CP_ATTR_ACCESS_ROLES))
#define A_CHAR (B(CP_ATTR_TYPE) | B(CP_ATTR_TRANSLATION) | B(CP_ATTR_MWID))
#define A_PARM                                                                \
    (B(CP_ATTR_NAME) | B(CP_ATTR_VALUE) | B(CP_ATTR_DATATYPE) |              \
     B(CP_ATTR_TRANSLATION) | META)
#define A_CQ (B(CP_ATTR_TYPE) | B(CP_ATTR_RECURSIVE) | B(CP_ATTR_MWID))
#define A_PQ (B(CP_ATTR_NAME))
#define A_NOC (B(CP_ATTR_TYPE) | B(CP_ATTR_MWID))
#define A_NOP (B(CP_ATTR_NAME))
#define D B(CP_ATTR_DESC)

#define K(k) (1u << (k))
#define ROOT_KIDS                                                             \
    (K(CP_NODE_CHARACTERISTIC) | K(CP_NODE_CHARACTERISTIC_QUERY) |           \
     K(CP_NODE_NOCHARACTERISTIC) | K(CP_NODE_CHARACTERISTIC_ERROR) |         \
     K(CP_NODE_CHARACTERISTIC_QUERY_ERROR) |                                 \
     K(CP_NODE_NOCHARACTERISTIC_ERROR))
#define ALL_KIDS (((1u << CP_NODE_KIND_COUNT) - 1) & ~K(CP_NODE_DOC))

/*
 * The grammar, by cp_node_kind: name, allowed attributes, allowed children
 * (none: not a container) and the attribute kept in cp_node.key (version
 * for the root, type for characteristic forms, name for parm forms).
 */
#define KI(name, attrs, kids, key) {NM(name), attrs, kids, key}
static const cp_kind_info kinds[CP_NODE_KIND_COUNT] = {
    KI("wap-provisioningdoc", B(CP_ATTR_VERSION), ROOT_KIDS, CP_ATTR_VERSION),
    KI("characteristic", A_CHAR, ALL_KIDS, CP_ATTR_TYPE),
    KI("parm", A_PARM, 0, CP_ATTR_NAME),
    KI("characteristic-query", A_CQ, 0, CP_ATTR_TYPE),
    KI("parm-query", A_PQ, 0, CP_ATTR_NAME),
    KI("nocharacteristic", A_NOC, 0, CP_ATTR_TYPE),
    KI("noparm", A_NOP, 0, CP_ATTR_NAME),
    KI("characteristic-error", A_CHAR | D, ALL_KIDS, CP_ATTR_TYPE),
    KI("parm-error", A_PARM | D, 0, CP_ATTR_NAME),
    KI("characteristic-query-error", A_CQ | D, 0, CP_ATTR_TYPE),
    KI("parm-query-error", A_PQ | D, 0, CP_ATTR_NAME),
    KI("nocharacteristic-error", A_NOC | D, 0, CP_ATTR_TYPE),
    KI("noparm-error", A_NOP | D, 0, CP_ATTR_NAME)};

const cp_kind_info *cp_doc__kinds(void)
{
    return kinds;
}

const cp_name *cp_doc__attr_names(void)
{
    return attr_names;
}

CP_EXPORT const char *cp_node_kind_name(cp_node_kind kind)
{
    if ((unsigned)kind >= CP_NODE_KIND_COUNT)
        return NULL;
    return kinds[kind].name.s;
}

CP_EXPORT const char *cp_attr_name(cp_attr attr)
{
    if ((unsigned)attr >= CP_ATTR_COUNT)
        return NULL;
    return attr_names[attr].s;
}

int cp_doc__attr_allowed(cp_node_kind kind, cp_attr attr)
{
    if ((unsigned)kind >= CP_NODE_KIND_COUNT ||
        (unsigned)attr >= CP_ATTR_COUNT)
        return 0;
    return (kinds[kind].attrs & B(attr)) != 0;
}

int cp_doc__child_allowed(cp_node_kind parent, cp_node_kind child)
{
    if ((unsigned)parent >= CP_NODE_KIND_COUNT ||
        (unsigned)child >= CP_NODE_KIND_COUNT)
        return 0;
    return (kinds[parent].kids & K(child)) != 0;
}

cp_attr cp_doc__key_attr(cp_node_kind k)
{
    return (unsigned)k < CP_NODE_KIND_COUNT ? (cp_attr)kinds[k].key
                                            : CP_ATTR_NAME;
}

int cp_doc__required_attr(cp_node_kind kind)
{
    if ((unsigned)kind >= CP_NODE_KIND_COUNT || kind == CP_NODE_DOC)
        return -1;
    return (int)cp_doc__key_attr(kind);
}

static int name_index(const cp_name *tab, int n, const char *s, size_t len)
{
    int i;
    if (len == 0)
        return -1;
    for (i = 0; i < n; i++) /* length and first letter before memcmp */
        if (tab[i].len == len && tab[i].s[0] == s[0] &&
            memcmp(tab[i].s, s, len) == 0)
            return i;
    return -1;
}

int cp_doc__kind_from_name(const char *s, size_t n)
{
    int k;
    for (k = 0; k < CP_NODE_KIND_COUNT; k++)
        if (kinds[k].name.len == n && n != 0 && kinds[k].name.s[0] == s[0] &&
            memcmp(kinds[k].name.s, s, n) == 0)
            return k;
    return -1;
}

int cp_doc__attr_from_name(const char *s, size_t n)
{
    return name_index(attr_names, CP_ATTR_COUNT, s, n);
}

cp_status cp_doc__create(cp_ctx *ctx, cp_doc **out)
{
    return cp_doc__create_sized(ctx, 1024, out);
}

/* ---- node blocks ------------------------------------------------------------ */

#define FIRST_BLOCK 8u /* nodes in the first block; the next ones double */
#define MIN_CUT 4u     /* the smallest block made to fit a chunk's rest */

/* Room for one more node: a new block when the last one is full. */
static int new_block(cp_doc *doc)
{
    cp_nblock *b;
    size_t room;
    uint32_t cap = doc->nblocks < 6 ? FIRST_BLOCK << doc->nblocks
                                    : CP_NBLOCK_MAX;
    if (cap < doc->cap) /* never smaller than a large first block */
        cap = doc->cap;
    if (doc->nblocks >= CP_NBLOCK_COUNT_MAX)
        return 0;
    if (doc->nblocks == doc->bcap) { /* the old table stays in the arena */
        uint32_t nc = doc->bcap ? doc->bcap * 2 : 8;
        cp_nslot *t = cp_arena__alloc(&doc->arena, nc * sizeof *t);
        if (t == NULL)
            return 0;
        if (doc->nblocks)
            memcpy(t, doc->blocks, doc->nblocks * sizeof *t);
        doc->blocks = t;
        doc->bcap = nc;
    }
    /*
     * A block that would not fit the arena's current chunk is cut to what
     * does fit (when that is still a useful block), so no chunk ends with
     * a hole the size of a block.
     */
    room = cp_arena__room(&doc->arena);
    if (room >= offsetof(cp_nblock, nodes) + MIN_CUT * sizeof(cp_node) &&
        room < offsetof(cp_nblock, nodes) + cap * sizeof(cp_node))
        cap = (uint32_t)((room - offsetof(cp_nblock, nodes)) /
                         sizeof(cp_node));
    b = cp_arena__alloc(&doc->arena,
                        offsetof(cp_nblock, nodes) + cap * sizeof(cp_node));
    if (b == NULL)
        return 0;
    b->doc = doc;
    b->num = doc->nblocks;
    doc->blocks[doc->nblocks++].b = b;
    doc->cur = b;
    doc->cur_base = b->num << 8;
    doc->used = 0;
    doc->cap = cap;
    return 1;
}

/* A fresh node, unlinked, all fields empty; *ref its reference. */
static cp_node *new_node(cp_doc *doc, cp_node_kind kind, uint32_t *ref)
{
    cp_node *n;
    if (doc->used == doc->cap && !new_block(doc))
        return NULL;
    n = &doc->blocks[doc->nblocks - 1].b->nodes[doc->used];
    n->key = n->value = NULL;
    n->parent = n->next = n->child = 0;
    n->slot = (uint8_t)doc->used;
    n->kind = (uint8_t)kind;
    n->flags = 0;
    n->depth = 0;
    *ref = (((doc->nblocks - 1) << 8) | doc->used) + 1u;
    doc->used++;
    return n;
}

/*
 * A new document's first piece: the doc, its first block table and (right
 * after, see first_cap) its first node block, taken from the arena at once.
 */
#define FIRST_TABLE 8u
typedef struct doc_start {
    cp_doc doc;
    cp_nslot table[FIRST_TABLE];
} doc_start;

/*
 * The first block's nodes: as many as fill half the first chunk with the
 * doc (the other half is for strings and later blocks), so that a decoder,
 * which sizes that chunk from its input, gets one block for a small
 * document instead of 8, 16, 32 ... nodes; at least FIRST_BLOCK.
 */
static uint32_t first_cap(size_t first)
{
    size_t fixed = sizeof(doc_start) + offsetof(cp_nblock, nodes), n;
    if (first / 2 <= fixed + FIRST_BLOCK * sizeof(cp_node))
        return FIRST_BLOCK;
    n = (first / 2 - fixed) / sizeof(cp_node);
    return n > CP_NBLOCK_MAX ? CP_NBLOCK_MAX : (uint32_t)n;
}

cp_status cp_doc__create_sized(cp_ctx *ctx, size_t first, cp_doc **out)
{
    cp_arena ar;
    doc_start *ds;
    cp_doc *doc;
    cp_nblock *b;
    cp_node *n;
    uint32_t cap = first_cap(first);

    *out = NULL;
    cp_arena__init_pooled(&ar, &ctx->alloc, first, ctx->pool);
    ds = cp_arena__alloc(&ar, sizeof *ds + offsetof(cp_nblock, nodes) +
                                  cap * sizeof(cp_node));
    if (ds == NULL) {
        cp_arena__free(&ar);
        return CP_E_NOMEM;
    }
    doc = &ds->doc;
    memset(doc, 0, sizeof *doc);
    doc->arena = ar; /* the arena now lives inside the doc it holds */
    b = (cp_nblock *)(void *)(ds + 1);
    b->doc = doc;
    b->num = 0;
    ds->table[0].b = b;
    doc->blocks = ds->table;
    doc->bcap = FIRST_TABLE;
    doc->nblocks = 1;
    doc->cur = b;
    doc->cap = cap;
    doc->used = 1;
    n = &b->nodes[0]; /* the root: reference 1 */
    memset(n, 0, sizeof *n);
    n->kind = CP_NODE_DOC;
    doc->root = n;
    doc->count = 1;
    doc->max_elements = ctx->limits.max_elements;
    *out = doc;
    return CP_OK;
}

/* Link the unlinked node n (reference nref) as parent's last child. */
static void link_last(cp_doc *doc, cp_node *parent, cp_node *n, uint32_t nref)
{
    unsigned d = parent->depth;
    uint32_t pref = cp_node__ref(parent);
    cp_node *last = NULL;
    if (d < CP_TAILS && doc->tail[d].pref == pref)
        last = cp_node__at(parent, doc->tail[d].lref);
    if (last == NULL || last->next != 0 || last->parent != pref) {
        last = cp_node__child(parent); /* no valid cache entry: walk */
        while (last != NULL && last->next != 0)
            last = cp_node__next(last);
    }
    n->parent = pref;
    n->next = 0;
    n->depth = (uint8_t)(d < 255 ? d + 1 : 255);
    if (last != NULL)
        last->next = nref;
    else
        parent->child = nref;
    if (d < CP_TAILS) {
        doc->tail[d].pref = pref;
        doc->tail[d].lref = nref;
    }
}

cp_node *cp_doc__append_slow(cp_doc *doc, cp_node *parent,
                             cp_node_kind kind)
{
    uint32_t ref;
    cp_node *n = new_node(doc, kind, &ref);
    if (n == NULL)
        return NULL;
    link_last(doc, parent, n, ref);
    doc->count++;
    return n;
}

cp_status cp_doc__add(cp_doc *doc, cp_node *parent, cp_node_kind kind,
                      cp_node **out)
{
    cp_node *n;
    if (!cp_doc__child_allowed((cp_node_kind)parent->kind, kind))
        return CP_E_GRAMMAR;
    if (doc->count >= doc->max_elements)
        return CP_E_LIMIT;
    n = cp_doc__append(doc, parent, kind);
    if (n == NULL)
        return CP_E_NOMEM;
    if (out)
        *out = n;
    return CP_OK;
}

/* ---- extra attributes -------------------------------------------------------- */

static uint32_t xhash(uint32_t ref, uint32_t mask)
{
    return (uint32_t)(((unsigned long)ref * 0x9E3779B1ul) >> 7) & mask;
}

static cp_xrec *xrec_find(const cp_doc *doc, uint32_t ref)
{
    cp_xrec *r;
    if (doc->xtab == NULL)
        return NULL;
    for (r = doc->xtab[xhash(ref, doc->xmask)].head; r != NULL; r = r->hnext)
        if (r->ref == ref)
            return r;
    return NULL;
}

/* Double the table (the old one stays in the arena). */
static int xtab_grow(cp_doc *doc)
{
    uint32_t n = doc->xtab ? (doc->xmask + 1) * 2 : 16, i;
    cp_xslot *t;
    if (n == 0 || n > (uint32_t)-1 / 2)
        return 0;
    t = cp_arena__alloc(&doc->arena, n * sizeof *t);
    if (t == NULL)
        return 0;
    for (i = 0; i < n; i++)
        t[i].head = NULL;
    for (i = 0; doc->xtab != NULL && i <= doc->xmask; i++) {
        cp_xrec *r = doc->xtab[i].head, *nx;
        for (; r != NULL; r = nx) {
            uint32_t h = xhash(r->ref, n - 1);
            nx = r->hnext;
            r->hnext = t[h].head;
            t[h].head = r;
        }
    }
    doc->xtab = t;
    doc->xmask = n - 1;
    return 1;
}

/* The record of n's extra attributes, made when missing (NULL: no memory). */
static cp_xrec *xrec_get(cp_doc *doc, cp_node *n)
{
    uint32_t ref = cp_node__ref(n), h;
    cp_xrec *r = (n->flags & CP_NF_XATTR) ? xrec_find(doc, ref) : NULL;
    if (r != NULL)
        return r;
    if ((doc->xtab == NULL || doc->xcount > doc->xmask) && !xtab_grow(doc))
        return NULL;
    r = cp_arena__alloc(&doc->arena, sizeof *r);
    if (r == NULL)
        return NULL;
    h = xhash(ref, doc->xmask);
    r->ref = ref;
    r->head = NULL;
    r->hnext = doc->xtab[h].head;
    doc->xtab[h].head = r;
    doc->xcount++;
    n->flags |= CP_NF_XATTR;
    return r;
}

cp_xattr *cp_node__xattrs(const cp_node *n)
{
    const cp_xrec *r;
    if (!(n->flags & CP_NF_XATTR))
        return NULL;
    r = xrec_find(cp_node__doc(n), cp_node__ref(n));
    return r ? r->head : NULL;
}

static cp_status put_attr(cp_doc *doc, cp_node *n, cp_attr a, const char *s)
{
    cp_xattr *x, **pp;
    cp_xrec *r;
    if (!cp_doc__attr_allowed((cp_node_kind)n->kind, a))
        return CP_E_GRAMMAR;
    if (a == cp_doc__key_attr((cp_node_kind)n->kind)) {
        n->key = s;
        n->flags &= (uint8_t)~CP_NF_KEYLEN; /* a string of unknown form */
        return CP_OK;
    }
    if (a == CP_ATTR_VALUE) {
        n->value = s;
        n->flags &= (uint8_t)~CP_NF_VALLEN;
        return CP_OK;
    }
    if (s == NULL && !(n->flags & CP_NF_XATTR))
        return CP_OK;
    r = xrec_get(doc, n);
    if (r == NULL)
        return CP_E_NOMEM;
    for (pp = &r->head; *pp != NULL; pp = &(*pp)->next) {
        if ((*pp)->id == a) {
            if (s == NULL)
                *pp = (*pp)->next; /* the record stays in the arena */
            else
                (*pp)->str = s;
            return CP_OK;
        }
        if ((*pp)->id > a)
            break;
    }
    if (s == NULL)
        return CP_OK;
    x = cp_arena__alloc(&doc->arena, sizeof *x);
    if (x == NULL)
        return CP_E_NOMEM;
    x->id = (uint8_t)a;
    x->str = s;
    x->next = *pp; /* kept sorted by id: canonical order for the writer */
    *pp = x;
    return CP_OK;
}

void cp_doc__retype(cp_node *n, cp_node_kind k)
{
    cp_xattr **pp;
    cp_xrec *r;
    n->kind = (uint8_t)k;
    if (!cp_doc__attr_allowed(k, CP_ATTR_VALUE)) {
        n->value = NULL;
        n->flags &= (uint8_t)~CP_NF_VALLEN;
    }
    r = (n->flags & CP_NF_XATTR) ? xrec_find(cp_node__doc(n),
                                             cp_node__ref(n))
                                 : NULL;
    for (pp = r ? &r->head : NULL; pp != NULL && *pp != NULL;) {
        if (!cp_doc__attr_allowed(k, (cp_attr)(*pp)->id))
            *pp = (*pp)->next;
        else
            pp = &(*pp)->next;
    }
}

cp_status cp_doc__set_attr(cp_doc *doc, cp_node *n, cp_attr a, const char *s,
                           size_t len)
{
    char *d;
    if (!cp_doc__attr_allowed((cp_node_kind)n->kind, a))
        return CP_E_GRAMMAR;
    d = cp_arena__strndup(&doc->arena, s, len);
    if (d == NULL)
        return CP_E_NOMEM;
    return put_attr(doc, n, a, d);
}

cp_status cp_doc__set_attr_static(cp_doc *doc, cp_node *n, cp_attr a,
                                  const char *s)
{
    return put_attr(doc, n, a, s);
}

void cp_doc__path(const cp_node *n, char *buf, size_t cap)
{
    const cp_node *chain[64];
    size_t depth = 0, len = 0, i;
    int cut = 0;

    if (cap == 0)
        return;
    buf[0] = '\0';
    for (; n != NULL; n = cp_node__parent(n)) {
        if (depth == 64) {
            cut = 1;
            break;
        }
        chain[depth++] = n;
    }
    if (cut && cap > 4) {
        memcpy(buf, "...", 4);
        len = 3;
    }
    for (i = depth; i-- > 0;) {
        const cp_node *e = chain[i];
        const char *nm = kinds[e->kind].name.s;
        size_t need = 1 + strlen(nm) + (e->key && e->kind ? strlen(e->key) + 2 : 0);
        if (len + need + 1 > cap) {
            if (cap > 4) {
                memcpy(buf + (len + 4 <= cap ? len : cap - 4), "...", 4);
            }
            return;
        }
        buf[len++] = '/';
        memcpy(buf + len, nm, strlen(nm));
        len += strlen(nm);
        if (e->key && e->kind) {
            buf[len++] = '[';
            memcpy(buf + len, e->key, strlen(e->key));
            len += strlen(e->key);
            buf[len++] = ']';
        }
        buf[len] = '\0';
    }
}

void cp_doc__unlink(cp_node *n)
{
    cp_node *p = cp_node__parent(n), *prev = NULL, *c;
    if (p == NULL)
        return;
    for (c = cp_node__child(p); c != NULL && c != n; c = cp_node__next(c))
        prev = c;
    if (c == NULL)
        return;
    if (prev)
        prev->next = n->next;
    else
        p->child = n->next;
    n->next = 0;
    n->parent = 0; /* also makes a stale last-child cache entry miss */
}

CP_EXPORT void cp_doc_free(cp_doc *doc)
{
    cp_arena ar;
    if (doc == NULL)
        return;
    ar = doc->arena; /* copy out: the doc itself is inside the arena */
    cp_arena__free(&ar);
}

CP_EXPORT const cp_node *cp_doc_root(const cp_doc *doc)
{
    return doc ? doc->root : NULL;
}

CP_EXPORT size_t cp_doc_element_count(const cp_doc *doc)
{
    return doc ? doc->count : 0;
}

CP_EXPORT cp_node_kind cp_node_get_kind(const cp_node *node)
{
    return node ? (cp_node_kind)node->kind : CP_NODE_DOC;
}

CP_EXPORT const cp_node *cp_node_first_child(const cp_node *node)
{
    return node ? cp_node__child(node) : NULL;
}

CP_EXPORT const cp_node *cp_node_next(const cp_node *node)
{
    return node ? cp_node__next(node) : NULL;
}

CP_EXPORT const cp_node *cp_node_parent(const cp_node *node)
{
    return node ? cp_node__parent(node) : NULL;
}

CP_EXPORT const char *cp_node_attr(const cp_node *node, cp_attr attr)
{
    const cp_xattr *x;
    if (node == NULL || (unsigned)attr >= CP_ATTR_COUNT)
        return NULL;
    if (attr == cp_doc__key_attr((cp_node_kind)node->kind))
        return node->key;
    if (attr == CP_ATTR_VALUE)
        return node->kind == CP_NODE_DOC ? NULL : node->value;
    for (x = cp_node__xattrs(node); x != NULL; x = x->next)
        if (x->id == attr)
            return x->str;
    return NULL;
}

CP_EXPORT cp_status cp_doc_new(cp_ctx *ctx, cp_doc **out)
{
    if (ctx == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    return cp_doc__create(ctx, out);
}

CP_EXPORT cp_status cp_node_add(cp_doc *doc, const cp_node *parent,
                                cp_node_kind kind, const cp_node **out)
{
    cp_node *n = NULL;
    cp_status st;
    if (doc == NULL || parent == NULL ||
        (unsigned)kind >= CP_NODE_KIND_COUNT || cp_node__doc(parent) != doc)
        return CP_E_INVALID_ARG;
    st = cp_doc__add(doc, (cp_node *)parent, kind, &n);
    if (out)
        *out = st ? NULL : n;
    return st;
}

CP_EXPORT cp_status cp_node_set_attr(cp_doc *doc, const cp_node *node,
                                     cp_attr attr, const char *value)
{
    size_t n;
    if (doc == NULL || node == NULL || (unsigned)attr >= CP_ATTR_COUNT ||
        cp_node__doc(node) != doc)
        return CP_E_INVALID_ARG;
    if (value == NULL)
        return put_attr(doc, (cp_node *)node, attr, NULL);
    n = strlen(value);
    if (!cp_utf8__valid((const uint8_t *)value, n))
        return CP_E_CHARSET;
    return cp_doc__set_attr(doc, (cp_node *)node, attr, value, n);
}
