/*
 * docint.h - floor 2 internals of the document model, shared by the codecs
 * and (later) the engine. Not installed.
 */
#ifndef CP_DOCINT_H
#define CP_DOCINT_H

#include "../base/base.h"
#include "omacp/doc.h"

/* Extra attributes beyond the node's primary one and its value. */
typedef struct cp_xattr {
    struct cp_xattr *next;
    const char *str;
    uint8_t id; /* cp_attr */
} cp_xattr;

/*
 * Nodes live in blocks of at most CP_NBLOCK_MAX nodes inside the document's
 * arena and link to each other by reference: (block number << 8 | slot) + 1,
 * 0 for none. Links are 32 bits wide, so a node is 32 bytes on LP64 hosts
 * and 24 on 32-bit ones (it was 64 with pointer links). A node reaches its
 * block through its slot and the block's document through the block, so a
 * node alone still leads to its parent, siblings, children and the rare
 * attributes beyond the primary one and the value, which the document keeps
 * in a hash table keyed by node reference (flag CP_NF_XATTR).
 */
#define CP_NBLOCK_MAX 256u
#define CP_NBLOCK_COUNT_MAX 0xFFFFFFu /* references stay below 2^32 */
#define CP_NF_XATTR 1u
/*
 * The key (the value) needs no escape in XML and its length is the byte
 * before it, key[-1] (value[-1]): set by the decoder for the strings it
 * knows so, the token tables' (prov.c), and cleared by every change of
 * the key (the value), so that the XML writer may skip its scan.
 */
#define CP_NF_KEYLEN 2u
#define CP_NF_VALLEN 4u
#define CP_TAILS 16 /* last-child cache: one entry per depth */

struct cp_node {
    const char *key;   /* the primary attribute: version, type or name */
    const char *value; /* CP_ATTR_VALUE */
    uint32_t parent, next, child; /* references, 0: none */
    uint8_t slot;  /* index in its block */
    uint8_t kind;  /* cp_node_kind */
    uint8_t flags; /* CP_NF_* */
    uint8_t depth; /* 0 for the root; saturates at 255 */
};

typedef struct cp_nblock {
    cp_doc *doc;
    uint32_t num; /* block number */
    cp_node nodes[];
} cp_nblock;

/* One entry of the block table (a struct, so tables are arrays of records). */
typedef struct cp_nslot {
    cp_nblock *b;
} cp_nslot;

/* The attributes of one node beyond key and value (hash chain entry). */
typedef struct cp_xrec {
    struct cp_xrec *hnext;
    cp_xattr *head; /* sorted by id */
    uint32_t ref;
} cp_xrec;

/* One bucket of the attribute hash table. */
typedef struct cp_xslot {
    cp_xrec *head;
} cp_xslot;

struct cp_doc {
    cp_arena arena;
    cp_node *root;
    size_t count;        /* elements, root included */
    size_t max_elements; /* from the ctx that made it */
    struct cp_nslot *blocks; /* by block number */
    uint32_t nblocks, bcap;
    cp_nblock *cur;      /* the last block */
    uint32_t cur_base;   /* its number << 8 */
    uint32_t used, cap;  /* slots used and available in the last block */
    struct {
        uint32_t pref, lref; /* a parent and its last child, 0: none */
    } tail[CP_TAILS]; /* last child of the latest parent at each depth */
    struct cp_xslot *xtab; /* hash table of cp_xrec, xmask + 1 buckets */
    uint32_t xmask, xcount;
};

/* The block a node lives in. */
static inline const cp_nblock *cp_node__block(const cp_node *n)
{
    return (const cp_nblock *)(const void *)((const char *)(n - n->slot) -
                                             offsetof(cp_nblock, nodes));
}

/* The document a node belongs to. */
static inline cp_doc *cp_node__doc(const cp_node *n)
{
    return cp_node__block(n)->doc;
}

/* A node's own reference. */
static inline uint32_t cp_node__ref(const cp_node *n)
{
    return ((cp_node__block(n)->num << 8) | n->slot) + 1u;
}

/* The node a reference names, seen from node n of the same document. */
static inline cp_node *cp_node__at(const cp_node *n, uint32_t ref)
{
    const cp_nblock *b;
    if (ref-- == 0)
        return NULL;
    b = cp_node__block(n);
    if ((ref >> 8) != b->num)
        b = b->doc->blocks[ref >> 8].b;
    return (cp_node *)&b->nodes[ref & 0xFFu];
}

static inline cp_node *cp_node__parent(const cp_node *n)
{
    return cp_node__at(n, n->parent);
}
static inline cp_node *cp_node__next(const cp_node *n)
{
    return cp_node__at(n, n->next);
}
static inline cp_node *cp_node__child(const cp_node *n)
{
    return cp_node__at(n, n->child);
}

/* 1 when n stands right under the root (a top-level element). */
static inline int cp_node__at_top(const cp_node *n)
{
    const cp_node *p = cp_node__parent(n);
    return p != NULL && p->kind == CP_NODE_DOC;
}

/* The attributes of n beyond key and value, sorted by id (NULL: none). */
cp_xattr *cp_node__xattrs(const cp_node *n);

/*
 * An XML name, padded with NULs to CP_NAME_PAD bytes: a writer may copy all
 * CP_NAME_PAD bytes of s and then advance by len.
 */
#define CP_NAME_PAD 32
typedef struct cp_name {
    char s[CP_NAME_PAD];
    uint8_t len; /* strlen(s) */
} cp_name;

/* What the grammar says about one node kind. */
typedef struct cp_kind_info {
    cp_name name;
    uint32_t attrs; /* bit a set: attribute a allowed */
    uint16_t kids;  /* bit k set: a child of kind k allowed; 0: no children */
    uint8_t key;    /* the attribute kept in cp_node.key (a cp_attr) */
} cp_kind_info;

/* The node kinds (CP_NODE_KIND_COUNT entries, by cp_node_kind). */
const cp_kind_info *cp_doc__kinds(void);
/* The attribute names (CP_ATTR_COUNT entries, by cp_attr). */
const cp_name *cp_doc__attr_names(void);

/* Make a document holding only the root. */
cp_status cp_doc__create(cp_ctx *ctx, cp_doc **out);
/*
 * The same with the first arena chunk first bytes large (the doc and its
 * root take about 150 of them): a decoder sizes it from its input.
 */
cp_status cp_doc__create_sized(cp_ctx *ctx, size_t first, cp_doc **out);
/* Append a child; checks the grammar (CP_E_GRAMMAR) and the element limit (CP_E_LIMIT). */
cp_status cp_doc__add(cp_doc *doc, cp_node *parent, cp_node_kind kind,
                      cp_node **out);

/*
 * cp_doc__add's work without its checks, for a decoder that made them
 * itself: a new last child of parent, or NULL when out of memory.
 */
cp_node *cp_doc__append_slow(cp_doc *doc, cp_node *parent,
                             cp_node_kind kind);
static inline cp_node *cp_doc__append(cp_doc *doc, cp_node *parent,
                                      cp_node_kind kind)
{
    unsigned d = parent->depth;
    cp_node *n, *last = NULL;
    uint32_t ref, pref;
    /* the common cases: room in the block, and the parent childless (no
       cache entry can be valid then: unlinking clears a node's parent) or
       its last child cached */
    if (doc->used == doc->cap || d >= CP_TAILS)
        return cp_doc__append_slow(doc, parent, kind);
    pref = cp_node__ref(parent);
    if (parent->child != 0) {
        if (doc->tail[d].lref == 0 || doc->tail[d].pref != pref)
            return cp_doc__append_slow(doc, parent, kind);
        ref = doc->tail[d].lref - 1u;
        last = &doc->blocks[ref >> 8].b->nodes[ref & 0xFFu];
        if (last->next != 0 || last->parent != pref)
            return cp_doc__append_slow(doc, parent, kind);
    }
    n = &doc->cur->nodes[doc->used];
    ref = (doc->cur_base | doc->used) + 1u;
    n->key = n->value = NULL;
    n->parent = pref;
    n->next = n->child = 0;
    n->slot = (uint8_t)doc->used++;
    n->kind = (uint8_t)kind;
    n->flags = 0;
    n->depth = (uint8_t)(d + 1);
    if (last != NULL)
        last->next = ref;
    else
        parent->child = ref;
    doc->tail[d].pref = pref;
    doc->tail[d].lref = ref;
    doc->count++;
    return n;
}
/*
 * cp_doc__append for a caller that tracks parent's reference (pref) and
 * last child itself: last (NULL when parent has none). A decoder knows
 * both, so it needs no look-up; the cache is kept up to date all the same.
 */
static inline cp_node *cp_doc__append_after(cp_doc *doc, cp_node *parent,
                                            uint32_t pref, cp_node *last,
                                            cp_node_kind kind)
{
    unsigned d = parent->depth;
    cp_node *n;
    uint32_t ref;
    if (doc->used == doc->cap)
        return cp_doc__append_slow(doc, parent, kind);
    n = &doc->cur->nodes[doc->used];
    ref = (doc->cur_base | doc->used) + 1u;
    n->key = n->value = NULL;
    n->parent = pref;
    n->next = n->child = 0;
    n->slot = (uint8_t)doc->used++;
    n->kind = (uint8_t)kind;
    n->flags = 0;
    n->depth = (uint8_t)(d < 255 ? d + 1 : 255);
    if (last != NULL)
        last->next = ref;
    else
        parent->child = ref;
    if (d < CP_TAILS) {
        doc->tail[d].pref = pref;
        doc->tail[d].lref = ref;
    }
    doc->count++;
    return n;
}
/* Set an attribute to a copy of s[0..n) (no UTF-8 check here). */
cp_status cp_doc__set_attr(cp_doc *doc, cp_node *n, cp_attr a, const char *s,
                           size_t len);
/* Set an attribute to a string that outlives the document (no copy). */
cp_status cp_doc__set_attr_static(cp_doc *doc, cp_node *n, cp_attr a,
                                  const char *s);
/* 1 when kind may carry attr. */
int cp_doc__attr_allowed(cp_node_kind kind, cp_attr attr);
/* 1 when a child of kind child may stand under parent. */
int cp_doc__child_allowed(cp_node_kind parent, cp_node_kind child);
/* The attribute every node of kind must carry (-1 if none). */
int cp_doc__required_attr(cp_node_kind kind);
/* Kind / attribute from an XML name (-1 if unknown). */
/* The attribute a node of kind keeps in its key (the DOC's too). */
cp_attr cp_doc__key_attr(cp_node_kind k);
int cp_doc__kind_from_name(const char *s, size_t n);
int cp_doc__attr_from_name(const char *s, size_t n);
/* Unlink n (and its subtree) from its parent; the memory stays in the arena. */
void cp_doc__unlink(cp_node *n);
/* Change n's kind, dropping the attributes the new kind does not take. */
void cp_doc__retype(cp_node *n, cp_node_kind kind);
/*
 * Deep-copy src (from any document) as a new child of parent in doc,
 * inserted before `before` (a child of parent) or appended when NULL.
 * Checks the grammar and the element limit like cp_doc__add.
 */
cp_status cp_doc__clone_into(cp_doc *doc, cp_node *parent, cp_node *before,
                             const cp_node *src, cp_node **out);
/*
 * cp_doc__clone_into appending, whose copy keeps src's strings (no copy):
 * src's document must outlive doc.
 */
cp_status cp_doc__graft(cp_doc *doc, cp_node *parent, const cp_node *src);
/*
 * A copy of a whole document's tree, made with ctx's allocator, whose
 * strings are src's own: src must outlive it.
 */
cp_status cp_doc__clone(cp_ctx *ctx, const cp_doc *src, cp_doc **out);

/*
 * The WBXML that cp_doc_encode_wbxml (flags 0) writes for a document whose
 * root has no attributes and holds copies of the subtrees items[0..n) (of
 * any documents, in that order), without building that document
 * (wbxml_enc.c; not in a build without the encoder, CP_NO_ENC).
 */
cp_status cp_doc__encode_items(cp_ctx *ctx, const cp_node *const *items,
                               size_t n, uint8_t **out, size_t *out_len);

/*
 * The element path of n, "/wap-provisioningdoc/characteristic[NAPDEF]/...",
 * written into buf (always NUL-terminated; cut with "..." if too long).
 */
void cp_doc__path(const cp_node *n, char *buf, size_t cap);

/*
 * ProvCont validation (validate.c): CP_OK, or CP_E_BAD_DOC with the
 * offending element in *bad and a reason in msg[0..cap).
 */
cp_status cp_validate__doc(cp_ctx *ctx, const cp_doc *doc, const cp_node **bad,
                           char *msg, size_t cap);

#endif /* CP_DOCINT_H */
