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

struct cp_node {
    cp_node *parent, *next, *child, *last;
    const char *key;   /* the primary attribute: version, type or name */
    const char *value; /* CP_ATTR_VALUE */
    cp_xattr *x;       /* every other attribute */
    uint8_t kind;      /* cp_node_kind */
};

struct cp_doc {
    cp_arena arena;
    cp_node *root;
    size_t count;        /* elements, root included */
    size_t max_elements; /* from the ctx that made it */
};

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
 * cp_doc__add's work without its checks, inline for a decoder that made
 * them itself: a new last child of parent, or NULL when out of memory.
 */
static inline cp_node *cp_doc__append(cp_doc *doc, cp_node *parent,
                                      cp_node_kind kind)
{
    cp_node *n = cp_arena__alloc(&doc->arena, sizeof *n);
    if (n == NULL)
        return NULL;
    n->parent = parent;
    n->next = n->child = n->last = NULL;
    n->key = n->value = NULL;
    n->x = NULL;
    n->kind = (uint8_t)kind;
    if (parent->last)
        parent->last->next = n;
    else
        parent->child = n;
    parent->last = n;
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
int cp_doc__kind_from_name(const char *s, size_t n);
int cp_doc__attr_from_name(const char *s, size_t n);
/* 1 when elements of kind have children in canonical output (characteristic-like). */
int cp_doc__is_container(cp_node_kind kind);
/* Unlink n (and its subtree) from its parent; the memory stays in the arena. */
void cp_doc__unlink(cp_node *n);
/*
 * Deep-copy src (from any document) as a new child of parent in doc,
 * inserted before `before` (a child of parent) or appended when NULL.
 * Checks the grammar and the element limit like cp_doc__add.
 */
cp_status cp_doc__clone_into(cp_doc *doc, cp_node *parent, cp_node *before,
                             const cp_node *src, cp_node **out);
/* A deep copy of a whole document, made with ctx's allocator. */
cp_status cp_doc__clone(cp_ctx *ctx, const cp_doc *src, cp_doc **out);

/*
 * The element path of n, "/wap-provisioningdoc/characteristic[NAPDEF]/...",
 * written into buf (always NUL-terminated; cut with "..." if too long).
 */
void cp_doc__path(const cp_node *n, char *buf, size_t cap);

#endif /* CP_DOCINT_H */
