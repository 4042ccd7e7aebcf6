/*
 * xmlout.c - the canonical XML writer (cp_doc_write_xml). No expat here.
 *
 * Canonical form: UTF-8, attributes in cp_attr order, values in double
 * quotes with & < > " escaped as entities and tab, LF and CR as character
 * references (an XML parser normalizes raw ones to spaces, so parsing the
 * output gives back exactly the same values). Other C0 control characters
 * cannot be represented in XML 1.0 at all; they are written as character
 * references too, which keeps the output deterministic and visible, but a
 * parser (ours included) refuses such a document.
 *
 * One walk over the tree writes into one buffer, sized up front from the
 * element count and grown (rarely) by doubling; each piece first makes sure
 * of its room, then is copied without further checks. Names come from
 * doc.c's padded tables and go out with one copy of a fixed size (the room
 * asked for includes that padding). A value is scanned once, through a
 * table, for its length up to the first byte that needs an escape; a value
 * without one goes out in one copy (put_bytes), and the usual element (key
 * and value, nothing to escape) is written in one step. A key or value the
 * decoder took from the token tables is not scanned: its node says that
 * it needs no escape and that its length is the byte before it
 * (CP_NF_KEYLEN). When the guess was far
 * too large the buffer is cut to the text at the end. The walk has no
 * recursion, so a deep tree built through the API cannot exhaust the stack.
 */
#include <string.h>

#include "docint.h"

/*
 * What a value byte turns into: 0 for itself, ESC_END for the terminating
 * NUL, else the number of bytes its escape adds (its length minus one).
 */
#define ESC_END 0xFFu
#define C3 3, 3, 3, 3, 3, 3, 3, 3, 3   /* &#1; .. &#9; */
#define C4 4, 4, 4, 4, 4, 4, 4, 4, 4, 4 /* &#10; .. &#31; */
static const unsigned char esc_extra[256] = {
    ESC_END, C3, C4, C4, 4, 4, /* 0x00-0x1F */
    [0x22] = 5,                /* " &quot; */
    [0x26] = 4,                /* & &amp; */
    [0x3C] = 3, [0x3E] = 3,    /* < &lt;  > &gt; */
};
#define ESC_MAX 6 /* the longest escape, &quot; */

/*
 * The length of s's first run of bytes that need no escape. Four bytes a
 * round; a byte is looked at only when the ones before it were plain, so
 * nothing past the NUL is read.
 */
static inline size_t plain_run(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (;;) {
        if (esc_extra[p[0]])
            break;
        if (esc_extra[p[1]])
            return (size_t)(p + 1 - (const unsigned char *)s);
        if (esc_extra[p[2]])
            return (size_t)(p + 2 - (const unsigned char *)s);
        if (esc_extra[p[3]])
            return (size_t)(p + 3 - (const unsigned char *)s);
        p += 4;
    }
    return (size_t)(p - (const unsigned char *)s);
}

/*
 * 1 when s needs no escape, with its length in *n: known (flag known, see
 * CP_NF_KEYLEN: the byte before s) or scanned for.
 */
static inline int plain_len(const char *s, unsigned known, size_t *n)
{
    if (known) {
        *n = ((const unsigned char *)s)[-1];
        return 1;
    }
    *n = plain_run(s);
    return s[*n] == '\0';
}

/* Writer state: the tables, the options, the output. */
typedef struct xw {
    const cp_kind_info *kinds;
    const cp_name *attrs;
    int pretty;
    cp_buf b;
    cp_status st; /* first failure, else CP_OK */
} xw;

/* ---- room and raw output ------------------------------------------------- */

static int grow(xw *w, size_t n)
{
    if (w->st == CP_OK)
        w->st = cp_buf__reserve(&w->b, n);
    return w->st == CP_OK;
}

/* Make room for n more bytes (and the final NUL); 0 on failure. */
static int room(xw *w, size_t n)
{
    if (w->b.cap - w->b.len > n)
        return 1;
    return grow(w, n);
}

/* Room for a tag at depth: indent, '<' or "</", a padded name, "/>", LF. */
static int tag_room(xw *w, size_t depth)
{
    if (depth > ((size_t)-1 - CP_NAME_PAD - 8) / 2) {
        w->st = CP_E_OVERFLOW;
        return 0;
    }
    return room(w, 2 * depth + CP_NAME_PAD + 8);
}

/* The output position, and back. */
static char *out_at(const xw *w)
{
    return (char *)w->b.p + w->b.len;
}

static void out_to(xw *w, const char *o)
{
    w->b.len = (size_t)(o - (const char *)w->b.p);
}

/* A padded name (see cp_name): one copy of a fixed size. */
static char *put_name(char *o, const cp_name *nm)
{
    memcpy(o, nm->s, CP_NAME_PAD);
    return o + nm->len;
}

/*
 * s[0..n) at o. Values are mostly a few bytes long: up to 16 go out as two
 * overlapping fixed-size copies (which the compiler inlines) instead of a
 * call to memcpy; nothing outside s[0..n) is read.
 */
static inline char *put_bytes(char *o, const char *s, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(o, s, 8);
        memcpy(o + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(o, s, 4);
        memcpy(o + n - 4, s + n - 4, 4);
    } else if (n < 4) {
        size_t i;
        for (i = 0; i < n; i++)
            o[i] = s[i];
    } else {
        memcpy(o, s, n);
    }
    return o + n;
}

static char *put_indent(const xw *w, char *o, size_t depth)
{
    if (!w->pretty)
        return o;
    memset(o, ' ', 2 * depth);
    return o + 2 * depth;
}

/* ---- values ---------------------------------------------------------------- */

/* The escape of byte c, whose esc_extra entry is neither 0 nor ESC_END. */
static char *put_escape(char *o, unsigned char c)
{
    switch (c) {
    case 0x26: memcpy(o, "&amp;", 5); break;
    case 0x3C: memcpy(o, "&lt;", 4); break;
    case 0x3E: memcpy(o, "&gt;", 4); break;
    case 0x22: memcpy(o, "&quot;", 6); break;
    default: /* a C0 control character: &#N; */
        o[0] = '&';
        o[1] = '#';
        if (c >= 10) {
            o[2] = (char)('0' + c / 10);
            o[3] = (char)('0' + c % 10);
            o[4] = ';';
        } else {
            o[2] = (char)('0' + c);
            o[3] = ';';
        }
        break;
    }
    return o + esc_extra[c] + 1;
}

/* s with its escapes. */
static char *put_escaped(char *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p != 0; p++) {
        if (esc_extra[*p] == 0)
            *o++ = (char)*p;
        else
            o = put_escape(o, *p);
    }
    return o;
}

/* ' name="value"' */
static void put_attr(xw *w, cp_attr a, const char *v)
{
    size_t n = plain_run(v), max;
    int esc = v[n] != '\0';
    char *o;

    if (esc)
        n += strlen(v + n);
    max = n;
    if (esc && n > ((size_t)-1 - CP_NAME_PAD - 8) / ESC_MAX) {
        w->st = CP_E_OVERFLOW;
        return;
    }
    if (esc)
        max = n * ESC_MAX;
    if (max > (size_t)-1 - CP_NAME_PAD - 8) {
        w->st = CP_E_OVERFLOW;
        return;
    }
    if (!room(w, max + CP_NAME_PAD + 8))
        return;
    o = out_at(w);
    *o++ = ' ';
    o = put_name(o, &w->attrs[a]);
    *o++ = '=';
    *o++ = '"';
    if (esc) {
        o = put_escaped(o, v);
    } else {
        o = put_bytes(o, v, n);
    }
    *o++ = '"';
    out_to(w, o);
}

/* ---- attributes in canonical order ------------------------------------- */

/*
 * 1 when n's extra attributes are sorted by id and hold none of the first
 * four, so that key, value and then the list are in cp_attr order (always
 * so for trees built through doc.c).
 */
static int xattrs_ordered(const cp_node *n)
{
    const cp_xattr *x;
    unsigned prev = CP_ATTR_VALUE;
    for (x = cp_node__xattrs(n); x != NULL; x = x->next) {
        if (x->id <= prev || x->id >= CP_ATTR_COUNT)
            return 0;
        prev = x->id;
    }
    return 1;
}

/* Every attribute of n in cp_attr order; stops at a failure. */
static void put_attrs(xw *w, const cp_node *n)
{
    const cp_xattr *x;
    int a;

    if (!xattrs_ordered(n)) { /* not made by doc.c: ask for each one */
        for (a = 0; a < CP_ATTR_COUNT && w->st == CP_OK; a++) {
            const char *v = cp_node_attr(n, (cp_attr)a);
            if (v != NULL)
                put_attr(w, (cp_attr)a, v);
        }
        return;
    }
    if (n->key != NULL)
        put_attr(w, (cp_attr)w->kinds[n->kind].key, n->key);
    if (n->value != NULL && n->kind != CP_NODE_DOC && w->st == CP_OK)
        put_attr(w, CP_ATTR_VALUE, n->value);
    for (x = cp_node__xattrs(n); x != NULL && w->st == CP_OK; x = x->next)
        put_attr(w, (cp_attr)x->id, x->str);
}

/* ---- tags and the walk ----------------------------------------------------- */

/* The end of a start tag: a non-container closes itself and ends its line. */
static char *end_open(const xw *w, char *o, const cp_node *n, int container)
{
    if (!container)
        *o++ = '/';
    *o++ = '>';
    if (w->pretty && (!container || n->child != 0))
        *o++ = '\n';
    return o;
}

/*
 * ' name="' of the attributes an element's one-step start tag may carry
 * (the keys: version, type, name; and value), by cp_attr, in PIECE bytes
 * whose last holds the length: one copy of a fixed size, as for a
 * cp_name, instead of a space, the name and '="' one after the other; the
 * bytes copied past the length are overwritten by what follows or left
 * past the end of the text.
 */
#define PIECE 16
static const char plain_pieces[CP_ATTR_VALUE + 1][PIECE] = {
    " version=\"\0\0\0\0\0\012",    /* 10 bytes */
    " type=\"\0\0\0\0\0\0\0\0\007",  /* 7 */
    " name=\"\0\0\0\0\0\0\0\0\007",  /* 7 */
    " value=\"\0\0\0\0\0\0\0\010"};  /* 8 */

/* ' name="value"' for a value s[0..n) without bytes to escape. */
static char *put_plain_attr(char *o, const char *pc, const char *s, size_t n)
{
    memcpy(o, pc, PIECE);
    o = put_bytes(o + (unsigned char)pc[PIECE - 1], s, n);
    *o++ = '"';
    return o;
}

/*
 * The start tag of the usual element in one step: no extra attributes, and
 * a key and value without bytes to escape. 0, with nothing written, for
 * any other element.
 */
static int put_open_plain(xw *w, const cp_node *n, int container,
                          size_t depth)
{
    const cp_kind_info *k = &w->kinds[n->kind];
    const char *key = n->key;
    const char *val = n->kind != CP_NODE_DOC ? n->value : NULL;
    size_t kn = 0, vn = 0, big = (size_t)-1 / 8;
    char *o;

    if (((n->flags & CP_NF_XATTR) && cp_node__xattrs(n) != NULL) ||
        (key != NULL && !plain_len(key, n->flags & CP_NF_KEYLEN, &kn)) ||
        (val != NULL && !plain_len(val, n->flags & CP_NF_VALLEN, &vn)))
        return 0;
    if ((kn | vn | depth) > big) /* the general path says so */
        return 0;
    if (!room(w, 2 * depth + kn + vn + 3 * (size_t)CP_NAME_PAD + 16))
        return 1;
    o = put_indent(w, out_at(w), depth);
    *o++ = '<';
    o = put_name(o, &k->name);
    if (key != NULL) /* k->key is one of the first three */
        o = put_plain_attr(o, plain_pieces[k->key], key, kn);
    if (val != NULL)
        o = put_plain_attr(o, plain_pieces[CP_ATTR_VALUE], val, vn);
    out_to(w, end_open(w, o, n, container));
    return 1;
}

/* The start tag, attribute by attribute. */
static void put_open(xw *w, const cp_node *n, int container, size_t depth)
{
    char *o;
    if (put_open_plain(w, n, container, depth) || !tag_room(w, depth))
        return;
    o = put_indent(w, out_at(w), depth);
    *o++ = '<';
    out_to(w, put_name(o, &w->kinds[n->kind].name));
    put_attrs(w, n);
    if (w->st == CP_OK && room(w, 4))
        out_to(w, end_open(w, out_at(w), n, container));
}

/* The end tag of a container; an empty one stays on its start tag's line. */
static void put_close(xw *w, const cp_node *n, size_t depth)
{
    char *o;
    if (!tag_room(w, depth))
        return;
    o = out_at(w);
    if (n->child != 0)
        o = put_indent(w, o, depth);
    *o++ = '<';
    *o++ = '/';
    o = put_name(o, &w->kinds[n->kind].name);
    *o++ = '>';
    if (w->pretty)
        *o++ = '\n';
    out_to(w, o);
}

/* 1 when n is characteristic-like; CP_E_INTERNAL for a kind no table has. */
static int container_of(xw *w, const cp_node *n)
{
    if (n->kind >= CP_NODE_KIND_COUNT) {
        w->st = CP_E_INTERNAL;
        return 0;
    }
    return w->kinds[n->kind].kids != 0;
}

/*
 * The node of reference to (not 0), from n of reference ref: a document
 * made in document order (decoded) has a node's first child or next
 * sibling in the slot after it, found without a block look-up.
 */
static const cp_node *step(const cp_node *n, uint32_t ref, uint32_t to)
{
    if (to == ref + 1 && n->slot != 0xFFu) /* same block */
        return n + 1;
    return cp_node__at(n, to);
}

/*
 * Depth-first, iterative: descend to the first child, else close and climb
 * (every parent is a container) to the next sibling. End tags are written
 * in one place, so that put_close is inlined.
 */
static void walk(xw *w, const cp_node *root)
{
    const cp_node *n = root;
    uint32_t ref = cp_node__ref(root), to;
    size_t depth = 0;

    for (;;) {
        int container = container_of(w, n);
        if (w->st != CP_OK)
            return;
        put_open(w, n, container, depth);
        if (container && n->child != 0) {
            to = n->child;
            n = step(n, ref, to);
            ref = to;
            depth++;
            continue;
        }
        for (;;) {
            if (container)
                put_close(w, n, depth);
            if (n == root || w->st != CP_OK)
                return;
            if (n->next != 0)
                break;
            ref = n->parent;
            n = cp_node__parent(n);
            depth--;
            container = 1;
        }
        to = n->next;
        n = step(n, ref, to);
        ref = to;
    }
}

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
/* First guess of the output size: bytes per element, plus a little. */
#define GUESS_PER_ELEMENT 48u
#define GUESS_BASE 256u

/* Hand the text over, cut to its length when the guess left much over. */
static cp_status finish(cp_ctx *ctx, xw *w, char **out, size_t *out_len)
{
    uint8_t *p = w->b.p, *q;
    size_t len = w->b.len, slack = w->b.cap - len;

    /* every piece left room for a NUL (room()): the buffer is handed
       over without cp_buf__take's checks */
    p[len] = 0;
    w->b.p = NULL;
    w->b.len = w->b.cap = 0;
    if (slack > 4096 && slack > len / 4) {
        q = cp_mem__realloc(&ctx->alloc, p, len + 1);
        if (q != NULL) /* else keep the larger block */
            p = q;
    }
    *out = (char *)p;
    if (out_len != NULL)
        *out_len = len;
    return CP_OK;
}

static cp_status write_doc(cp_ctx *ctx, const cp_doc *doc, unsigned flags,
                           char **out, size_t *out_len)
{
    xw w;
    size_t guess = GUESS_BASE;

    memset(&w, 0, sizeof w);
    w.kinds = cp_doc__kinds();
    w.attrs = cp_doc__attr_names();
    w.pretty = (flags & CP_XML_PRETTY) != 0;
    cp_buf__init(&w.b, &ctx->alloc);
    if (doc->count < ((size_t)-1 - GUESS_BASE) / GUESS_PER_ELEMENT)
        guess += doc->count * GUESS_PER_ELEMENT;
    w.b.p = cp_mem__alloc(&ctx->alloc, guess); /* exactly the guess */
    if (w.b.p == NULL)
        return CP_E_NOMEM;
    w.b.cap = guess;
    if (flags & CP_XML_DECLARATION) { /* guess > the declaration */
        memcpy(w.b.p, XML_DECL, sizeof XML_DECL - 1);
        w.b.len = sizeof XML_DECL - 1;
    }
    walk(&w, doc->root);
    if (w.st == CP_OK)
        w.st = finish(ctx, &w, out, out_len);
    if (w.st != CP_OK)
        cp_buf__free(&w.b);
    return w.st;
}

CP_EXPORT cp_status cp_doc_write_xml(cp_ctx *ctx, const cp_doc *doc,
                                     unsigned int flags, char **out,
                                     size_t *out_len)
{
    cp_status st;

    if (out != NULL)
        *out = NULL;
    if (out_len != NULL)
        *out_len = 0;
    if (ctx == NULL || doc == NULL || doc->root == NULL || out == NULL)
        return CP_E_INVALID_ARG;
    if (flags & ~(CP_XML_PRETTY | CP_XML_DECLARATION))
        return cp_err__set(ctx, CP_E_INVALID_ARG, CP_NO_OFFSET,
                           "unknown cp_doc_write_xml flags 0x%x",
                           flags & ~(CP_XML_PRETTY | CP_XML_DECLARATION));
    st = write_doc(ctx, doc, flags, out, out_len);
    if (st != CP_OK)
        return cp_err__set(ctx, st, CP_NO_OFFSET, "writing XML: %s",
                           cp_strerror(st));
    return CP_OK;
}
