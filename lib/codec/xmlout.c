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
 * The tree is walked without recursion, so a deep tree built through the
 * API cannot exhaust the stack.
 */
#include <string.h>

#include "docint.h"

typedef struct xw {
    cp_buf b;
    int pretty;
    cp_status st; /* first failure, else CP_OK */
} xw;

static void put(xw *w, const char *s, size_t n)
{
    if (w->st == CP_OK)
        w->st = cp_buf__put(&w->b, s, n);
}

static void puts_(xw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void indent(xw *w, size_t depth)
{
    size_t i;
    if (!w->pretty)
        return;
    for (i = 0; i < depth; i++)
        put(w, "  ", 2);
}

static void newline(xw *w)
{
    if (w->pretty)
        put(w, "\n", 1);
}

/* The replacement for one byte of a value, or NULL to copy it as it is. */
static const char *escape_of(unsigned char c, char tmp[8])
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    default: break;
    }
    if (c >= 0x20)
        return NULL;
    tmp[0] = '&';
    tmp[1] = '#';
    if (c >= 10) {
        tmp[2] = (char)('0' + c / 10);
        tmp[3] = (char)('0' + c % 10);
        tmp[4] = ';';
        tmp[5] = '\0';
    } else {
        tmp[2] = (char)('0' + c);
        tmp[3] = ';';
        tmp[4] = '\0';
    }
    return tmp;
}

/* Copy runs of plain bytes at once; escape the rest. */
static void put_value(xw *w, const char *s)
{
    const char *run = s;
    char tmp[8];

    for (; *s != '\0'; s++) {
        const char *e = escape_of((unsigned char)*s, tmp);
        if (e == NULL)
            continue;
        put(w, run, (size_t)(s - run));
        puts_(w, e);
        run = s + 1;
    }
    put(w, run, (size_t)(s - run));
}

static void put_attrs(xw *w, const cp_node *n)
{
    int a;
    for (a = 0; a < CP_ATTR_COUNT; a++) {
        const char *v = cp_node_attr(n, (cp_attr)a);
        if (v == NULL)
            continue;
        put(w, " ", 1);
        puts_(w, cp_attr_name((cp_attr)a));
        put(w, "=\"", 2);
        put_value(w, v);
        put(w, "\"", 1);
    }
}

/* The start tag; a non-container closes itself and ends its line. */
static void open_tag(xw *w, const cp_node *n, size_t depth)
{
    indent(w, depth);
    put(w, "<", 1);
    puts_(w, cp_node_kind_name((cp_node_kind)n->kind));
    put_attrs(w, n);
    if (cp_doc__is_container((cp_node_kind)n->kind)) {
        put(w, ">", 1);
        if (n->child != NULL)
            newline(w);
    } else {
        put(w, "/>", 2);
        newline(w);
    }
}

/* The end tag of a container; an empty one stays on its start tag's line. */
static void close_tag(xw *w, const cp_node *n, size_t depth)
{
    if (n->child != NULL)
        indent(w, depth);
    put(w, "</", 2);
    puts_(w, cp_node_kind_name((cp_node_kind)n->kind));
    put(w, ">", 1);
    newline(w);
}

static int has_children(const cp_node *n)
{
    return cp_doc__is_container((cp_node_kind)n->kind) && n->child != NULL;
}

/* Depth-first, iterative: descend to the first child, else close and climb. */
static void walk(xw *w, const cp_node *root)
{
    const cp_node *n = root;
    size_t depth = 0;

    for (;;) {
        open_tag(w, n, depth);
        if (has_children(n)) {
            n = n->child;
            depth++;
            continue;
        }
        if (cp_doc__is_container((cp_node_kind)n->kind))
            close_tag(w, n, depth);
        while (n != root && n->next == NULL) {
            n = n->parent;
            depth--;
            close_tag(w, n, depth);
        }
        if (n == root || w->st != CP_OK)
            return;
        n = n->next;
    }
}

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

CP_EXPORT cp_status cp_doc_write_xml(cp_ctx *ctx, const cp_doc *doc,
                                     unsigned int flags, char **out,
                                     size_t *out_len)
{
    xw w;
    uint8_t *p = NULL;

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
    memset(&w, 0, sizeof w);
    cp_buf__init(&w.b, &ctx->alloc);
    w.pretty = (flags & CP_XML_PRETTY) != 0;
    if (flags & CP_XML_DECLARATION)
        puts_(&w, XML_DECL);
    walk(&w, doc->root);
    if (w.st == CP_OK)
        w.st = cp_buf__take(&w.b, &p, out_len);
    if (w.st != CP_OK) {
        cp_buf__free(&w.b);
        if (out_len != NULL)
            *out_len = 0;
        return cp_err__set(ctx, w.st, CP_NO_OFFSET,
                           "writing XML: %s", cp_strerror(w.st));
    }
    *out = (char *)p;
    return CP_OK;
}
