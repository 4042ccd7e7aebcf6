/*
 * xml.c - the textual front end: wap-provisioningdoc XML text -> cp_doc.
 *
 * The only file that includes expat.h. Expat checks well-formedness and
 * decodes the text to UTF-8; the handlers below check the PROV grammar
 * (through the tables in doc.c) and the limits, and build the tree.
 *
 * DTD policy: a DOCTYPE is accepted and its external subset is never read
 * (parameter entity parsing is off and no external entity handler is set).
 * Entity declarations, attribute-list declarations (their defaults would
 * add or rewrite attribute values that the text does not show) and
 * parameter entity references (after one, expat silently ignores later
 * declarations) are refused with CP_E_DTD. Because a DOCTYPE with an
 * external subset makes expat tolerate undefined entities (it skips them,
 * and in attribute values it drops them without telling anyone), every
 * start tag's raw text is scanned for references other than the five
 * predefined ones, and skipped entities in content are errors too.
 */
#ifndef CP_NO_XML

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <expat.h>

#include "docint.h"

#ifdef XML_UNICODE
#error "libomacp needs expat with UTF-8 XML_Char (built without XML_UNICODE)"
#endif

/*
 * Expat's memory hooks take no user pointer, so they find the context's
 * allocator through this pointer. It is set only while cp_doc_parse_xml
 * runs (from before the parser is made until after it is freed) and then
 * restored, so no allocator outlives the call. It is thread-local, which
 * keeps contexts on different threads independent. A compiler we do not
 * know gets a plain static: there, parse XML on one thread at a time, or
 * define CP_THREAD_LOCAL to the compiler's thread-local storage keyword.
 */
#ifndef CP_THREAD_LOCAL
#if defined(__GNUC__) || defined(__clang__)
#define CP_THREAD_LOCAL __thread
#elif defined(_MSC_VER)
#define CP_THREAD_LOCAL __declspec(thread)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && \
    !defined(__STDC_NO_THREADS__)
#define CP_THREAD_LOCAL _Thread_local
#else
#define CP_THREAD_LOCAL /* not thread-safe: see above */
#endif
#endif

static CP_THREAD_LOCAL const cp_allocator *xml_alloc;

/* cp_allocator has its own realloc, so no size header is needed. */
static void *xm_malloc(size_t n)
{
    return xml_alloc ? cp_mem__alloc(xml_alloc, n) : NULL;
}

static void *xm_realloc(void *p, size_t n)
{
    return xml_alloc ? cp_mem__realloc(xml_alloc, p, n) : NULL;
}

static void xm_free(void *p)
{
    if (xml_alloc != NULL)
        cp_mem__free(xml_alloc, p);
}

/* Entity-reference scanner over a start tag's raw text (may come in pieces). */
enum { ENT_OUT, ENT_AMP, ENT_NAME };
#define ENT_NAME_MAX 5 /* the longest predefined name: "apos", "quot" */

typedef struct xp {
    cp_ctx *ctx;
    XML_Parser p;
    cp_doc *doc;
    cp_node *top;  /* innermost open element; NULL before the root */
    size_t depth;  /* open elements, root = 1 */
    cp_status st;  /* first failure, else CP_OK */
    int in_parse;  /* inside XML_Parse: handlers may stop the parser */
    int pinned;    /* report errors at (line, col) below, not expat's */
    int doctype;   /* a DOCTYPE was seen: expat may skip undefined entities */
    unsigned long line, col;
    int in_subset; /* inside the DOCTYPE's internal subset */
    int scanning;  /* the default handler is getting a start tag */
    const char *in; /* the whole input, and whether it is UTF-16 */
    size_t in_len;
    int wide;
    int ent;       /* ENT_* */
    size_t ent_len;
    char ent_name[ENT_NAME_MAX + 1];
} xp;

/*
 * Where the current event starts. In a start tag the position is pinned
 * before XML_DefaultCurrent (check_tag_refs), which moves expat's position
 * to the end of the tag when it converts from another encoding.
 */
static unsigned long cur_line(const xp *x)
{
    if (x->pinned)
        return x->line;
    return (unsigned long)XML_GetCurrentLineNumber(x->p);
}

static unsigned long cur_col(const xp *x)
{
    if (x->pinned)
        return x->col;
    return (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1;
}

static void set_path(xp *x)
{
    char path[CP_ERRPATH_MAX];
    if (x->top == NULL)
        return;
    cp_doc__path(x->top, path, sizeof path);
    cp_err__set_path(x->ctx, path);
}

/* Record the first failure at (line, col), name the open element, stop expat. */
static void fail_at(xp *x, cp_status st, unsigned long line,
                    unsigned long col, const char *fmt, ...) CP_PRINTF(5, 6);
static void fail_at(xp *x, cp_status st, unsigned long line,
                    unsigned long col, const char *fmt, ...)
{
    char msg[CP_ERRMSG_MAX];
    va_list ap;

    if (x->st != CP_OK)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    x->st = cp_err__set_lc(x->ctx, st, line, col, "%s", msg);
    set_path(x);
    if (x->in_parse)
        XML_StopParser(x->p, XML_FALSE);
}

#if defined(CP_TERSE) && CP_TERSE
#define FAIL(x, st, ...) ((void)sizeof(cp_err__fmt(__VA_ARGS__)), fail_at((x), (st), cur_line(x), cur_col(x), "%s", ""))
#else
#define FAIL(x, st, ...) fail_at((x), (st), cur_line(x), cur_col(x), __VA_ARGS__)
#endif

static const char *kname(const cp_node *n)
{
    return cp_node_kind_name((cp_node_kind)n->kind);
}

/* ---- undefined entity references in a start tag ------------------------ */

static int predefined(const char *s, size_t n)
{
    static const char *const names[] = {"amp", "lt", "gt", "quot", "apos"};
    size_t i;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return 1;
    return 0;
}

/* Expat has checked the tag, so '&' starts "&name;" or "&#...;". */
static void scan_refs(xp *x, const XML_Char *s, int len)
{
    int i;
    for (i = 0; i < len && x->st == CP_OK; i++) {
        char c = s[i];
        if (x->ent == ENT_OUT) {
            /* most tags hold no reference: jump to the next '&' */
            const char *amp = memchr(s + i, '&', (size_t)(len - i));
            if (amp == NULL)
                return;
            i = (int)(amp - s);
            x->ent = ENT_AMP;
            x->ent_len = 0;
        } else if (x->ent == ENT_AMP && c == '#') {
            x->ent = ENT_OUT; /* a character reference */
        } else if (c != ';') {
            x->ent = ENT_NAME;
            if (x->ent_len < ENT_NAME_MAX)
                x->ent_name[x->ent_len] = c;
            x->ent_len++;
        } else {
            x->ent = ENT_OUT;
            if (x->ent_len > ENT_NAME_MAX ||
                !predefined(x->ent_name, x->ent_len))
                FAIL(x, CP_E_XML, "reference to an undefined entity");
        }
    }
}

static void XMLCALL on_default(void *ud, const XML_Char *s, int len)
{
    xp *x = ud;
    if (x->st != CP_OK)
        return;
    if (x->scanning)
        scan_refs(x, s, len);
    else if (x->in_subset && len > 0 && s[0] == '%')
        FAIL(x, CP_E_DTD, "parameter entity references are not allowed");
}

/*
 * Pass the current start tag's text through scan_refs. The input is in
 * memory as a whole, so in an 8-bit encoding (UTF-8, US-ASCII, ISO-8859-1:
 * '&', '#' and ';' are themselves, other bytes cannot be mistaken for
 * them) the tag is scanned where it lies; else expat hands its text over
 * (XML_DefaultCurrent), which moves expat's position when it converts, so
 * the tag's position is pinned first.
 */
static void check_tag_refs(xp *x)
{
    XML_Index at = XML_GetCurrentByteIndex(x->p);
    int n = XML_GetCurrentByteCount(x->p);

    x->ent = ENT_OUT;
    if (!x->wide && at >= 0 && n > 0 && (size_t)at <= x->in_len &&
        (size_t)n <= x->in_len - (size_t)at) {
        scan_refs(x, x->in + at, n);
        return;
    }
    x->line = cur_line(x);
    x->col = cur_col(x);
    x->pinned = 1;
    x->scanning = 1;
    XML_DefaultCurrent(x->p);
    x->scanning = 0;
}

/* ---- elements and attributes -------------------------------------------- */

/*
 * Names from expat come NUL-terminated without a length: compare them
 * whole against the padded tables (first letter first) instead of taking
 * strlen and then comparing; the same answer as cp_doc__*_from_name.
 */
static int name_in(const cp_name *tab, size_t stride, int n, const char *s)
{
    int i;
    for (i = 0; i < n; i++) {
        const cp_name *t = (const cp_name *)(const void *)((const char *)tab +
                                                           (size_t)i * stride);
        if (t->s[0] == s[0] && s[0] != '\0' && strcmp(t->s, s) == 0)
            return i;
    }
    return -1;
}

static int attr_id(const XML_Char *name)
{
    return name_in(cp_doc__attr_names(), sizeof(cp_name), CP_ATTR_COUNT,
                   name);
}

static int kind_id(const XML_Char *name)
{
    const cp_kind_info *k = cp_doc__kinds();
    return name_in(&k->name, sizeof *k, CP_NODE_KIND_COUNT, name);
}

/*
 * One attribute of a start tag, looked at once: its id (-1: unknown) and
 * the length of its value. A tag's first ATT_CACHE attributes are kept
 * (more than CP_ATTR_COUNT distinct known names cannot occur, and the
 * first unknown one ends the tag), later ones looked at again.
 */
#define ATT_CACHE 20
typedef struct att {
    int id;
    size_t len;
} att;

static att att_of(const XML_Char **atts, size_t i, const att *cache)
{
    att a;
    if (i / 2 < ATT_CACHE)
        return cache[i / 2];
    a.id = attr_id(atts[i]);
    a.len = strlen(atts[i + 1]);
    return a;
}

static int attr_ok(xp *x, cp_node *n, const XML_Char *name, att a)
{
    if (a.id < 0) {
        FAIL(x, CP_E_GRAMMAR, "unknown attribute '%.40s' on %s", name,
             kname(n));
        return 0;
    }
    if (!cp_doc__attr_allowed((cp_node_kind)n->kind, (cp_attr)a.id)) {
        FAIL(x, CP_E_GRAMMAR, "attribute '%s' is not allowed on %s", name,
             kname(n));
        return 0;
    }
    if (a.len > x->ctx->limits.max_attr_bytes) {
        FAIL(x, CP_E_LIMIT, "value of '%s' is longer than %lu bytes", name,
             (unsigned long)x->ctx->limits.max_attr_bytes);
        return 0;
    }
    return 1;
}

static int put(xp *x, cp_node *n, int id, const XML_Char *value, size_t len)
{
    if (cp_doc__set_attr(x->doc, n, (cp_attr)id, value, len)) {
        FAIL(x, CP_E_NOMEM, "out of memory");
        return 0;
    }
    return 1;
}

/*
 * Look at every attribute (filling cache) and set the required one first,
 * so that later error paths show it.
 */
static int put_key(xp *x, cp_node *n, const XML_Char **atts, int req,
                   att *cache)
{
    size_t i, key = (size_t)-1;
    for (i = 0; atts[i] != NULL; i += 2) {
        att a;
        a.id = attr_id(atts[i]);
        a.len = strlen(atts[i + 1]);
        if (i / 2 < ATT_CACHE)
            cache[i / 2] = a;
        if (key == (size_t)-1 && req >= 0 && a.id == req &&
            a.len <= x->ctx->limits.max_attr_bytes)
            key = i;
        if (i / 2 + 1 >= ATT_CACHE && key != (size_t)-1)
            break; /* the rest is looked at again anyway */
    }
    if (key == (size_t)-1)
        return 1;
    return put(x, n, req, atts[key + 1], att_of(atts, key, cache).len);
}

static void set_attrs(xp *x, cp_node *n, const XML_Char **atts)
{
    int req = cp_doc__required_attr((cp_node_kind)n->kind);
    att cache[ATT_CACHE];
    size_t i;

    if (!put_key(x, n, atts, req, cache))
        return;
    for (i = 0; atts[i] != NULL; i += 2) {
        att a = att_of(atts, i, cache);
        if (!attr_ok(x, n, atts[i], a))
            return;
        if (a.id != req && !put(x, n, a.id, atts[i + 1], a.len))
            return;
    }
    if (req >= 0 && cp_node_attr(n, (cp_attr)req) == NULL)
        FAIL(x, CP_E_GRAMMAR, "%s lacks its required attribute '%s'",
             kname(n), cp_attr_name((cp_attr)req));
}

static cp_node *open_child(xp *x, const XML_Char *name)
{
    int k = kind_id(name);
    cp_node *n = NULL;
    cp_status st;

    if (k < 0) {
        FAIL(x, CP_E_GRAMMAR, "unknown element '%.40s'", name);
        return NULL;
    }
    if (x->depth >= x->ctx->limits.max_depth) {
        FAIL(x, CP_E_LIMIT, "elements nested deeper than %lu levels",
             (unsigned long)x->ctx->limits.max_depth);
        return NULL;
    }
    st = cp_doc__add(x->doc, x->top, (cp_node_kind)k, &n);
    if (st == CP_E_GRAMMAR)
        FAIL(x, st, "%s may not stand inside %s", name, kname(x->top));
    else if (st == CP_E_LIMIT)
        FAIL(x, st, "more than %lu elements",
             (unsigned long)x->doc->max_elements);
    else if (st != CP_OK)
        FAIL(x, st, "out of memory");
    return st == CP_OK ? n : NULL;
}

static void start_element(xp *x, const XML_Char *name,
                          const XML_Char **atts)
{
    cp_node *n;

    /* Without a DOCTYPE expat itself refuses an undefined entity. */
    if (x->doctype)
        check_tag_refs(x);
    if (x->st != CP_OK)
        return;
    if (x->top == NULL) {
        if (kind_id(name) != CP_NODE_DOC) {
            FAIL(x, CP_E_GRAMMAR,
                 "the root element is '%.40s', not wap-provisioningdoc",
                 name);
            return;
        }
        n = x->doc->root;
    } else if ((n = open_child(x, name)) == NULL) {
        return;
    }
    x->top = n;
    x->depth++;
    set_attrs(x, n, atts);
}

static void XMLCALL on_start(void *ud, const XML_Char *name,
                             const XML_Char **atts)
{
    xp *x = ud;

    if (x->st != CP_OK)
        return;
    start_element(x, name, atts); /* may pin (check_tag_refs) */
    x->pinned = 0;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xp *x = ud;
    (void)name;
    if (x->st != CP_OK || x->top == NULL)
        return;
    x->top = cp_node__parent(x->top);
    x->depth--;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Whitespace between elements is layout; any other text is refused, at the
 * column of its first character (expat reports a line break as an event
 * of its own, so no break precedes it within s).
 */
static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xp *x = ud;
    int i;

    if (x->st != CP_OK)
        return;
    for (i = 0; i < len; i++) {
        if (!is_space(s[i])) {
            fail_at(x, CP_E_GRAMMAR, cur_line(x), cur_col(x) + (unsigned long)i,
                    "text content is not allowed (values go in attributes)");
            return;
        }
    }
}

/* ---- DTD ---------------------------------------------------------------- */

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset)
{
    xp *x = ud;
    (void)name;
    (void)sysid;
    (void)pubid;
    x->doctype = 1;
    x->in_subset = has_internal_subset;
}

static void XMLCALL on_doctype_end(void *ud)
{
    ((xp *)ud)->in_subset = 0;
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param,
                              const XML_Char *value, int value_len,
                              const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid,
                              const XML_Char *notation)
{
    xp *x = ud;
    (void)value;
    (void)value_len;
    (void)base;
    (void)sysid;
    (void)pubid;
    (void)notation;
    if (x->st == CP_OK)
        FAIL(x, CP_E_DTD, "entity declarations are not allowed (%s'%.40s')",
             is_param ? "%" : "", name);
}

static void XMLCALL on_attlist(void *ud, const XML_Char *elname,
                               const XML_Char *attname,
                               const XML_Char *att_type,
                               const XML_Char *dflt, int isrequired)
{
    xp *x = ud;
    (void)elname;
    (void)attname;
    (void)att_type;
    (void)dflt;
    (void)isrequired;
    if (x->st == CP_OK)
        FAIL(x, CP_E_DTD, "attribute-list declarations are not allowed");
}

static void XMLCALL on_skipped(void *ud, const XML_Char *name, int is_param)
{
    xp *x = ud;
    if (x->st == CP_OK)
        FAIL(x, is_param ? CP_E_DTD : CP_E_XML,
             "reference to an undefined entity '%.40s'", name);
}

/*
 * Comments, PIs and notation declarations are ignored. Having handlers
 * keeps their text away from on_default, where a '%' in it would look
 * like a parameter entity reference.
 */
static void XMLCALL on_comment(void *ud, const XML_Char *s)
{
    (void)ud;
    (void)s;
}

static void XMLCALL on_pi(void *ud, const XML_Char *target,
                          const XML_Char *data)
{
    (void)ud;
    (void)target;
    (void)data;
}

static void XMLCALL on_notation(void *ud, const XML_Char *name,
                                const XML_Char *base, const XML_Char *sysid,
                                const XML_Char *pubid)
{
    (void)ud;
    (void)name;
    (void)base;
    (void)sysid;
    (void)pubid;
}

/* ---- the parse ---------------------------------------------------------- */

static void set_handlers(xp *x)
{
    XML_Parser p = x->p;
    XML_SetUserData(p, x);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetDoctypeDeclHandler(p, on_doctype, on_doctype_end);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetAttlistDeclHandler(p, on_attlist);
    XML_SetSkippedEntityHandler(p, on_skipped);
    XML_SetCommentHandler(p, on_comment);
    XML_SetProcessingInstructionHandler(p, on_pi);
    XML_SetNotationDeclHandler(p, on_notation);
    /* The Expand form keeps entity expansion as it is (predefined only). */
    XML_SetDefaultHandlerExpand(p, on_default);
}

/* After XML_Parse failed: our own failure, or expat's. */
static cp_status expat_failure(xp *x)
{
    enum XML_Error e = XML_GetErrorCode(x->p);
    if (x->st != CP_OK)
        return x->st;
    if (e == XML_ERROR_NO_MEMORY)
        FAIL(x, CP_E_NOMEM, "out of memory");
    else
        FAIL(x, CP_E_XML, "%s", XML_ErrorString(e));
    return x->st;
}

/* Feed the whole input (in pieces if it is longer than an int). */
static cp_status feed(xp *x, const char *in, size_t in_len)
{
    cp_rd r;
    cp_rd__init(&r, (const uint8_t *)in, in_len);
    do {
        size_t n = cp_rd__left(&r);
        int last = n <= (size_t)INT_MAX;
        enum XML_Status xs;
        if (!last)
            n = (size_t)INT_MAX;
        x->in_parse = 1;
        xs = XML_Parse(x->p, (const char *)r.p, (int)n, last);
        x->in_parse = 0;
        if (xs != XML_STATUS_OK)
            return expat_failure(x);
        if (cp_rd__skip(&r, n) != CP_OK)
            return cp_err__set(x->ctx, CP_E_INTERNAL, CP_NO_OFFSET,
                               "XML feed overran its input");
    } while (cp_rd__left(&r) > 0);
    return x->st;
}

static cp_status run(xp *x, const char *in, size_t in_len)
{
    static const XML_Memory_Handling_Suite mm = {xm_malloc, xm_realloc,
                                                 xm_free};
    cp_status st = cp_doc__create(x->ctx, &x->doc);

    if (st != CP_OK)
        return cp_err__set_lc(x->ctx, st, 0, 0, "out of memory");
    x->p = XML_ParserCreate_MM(NULL, &mm, NULL);
    if (x->p == NULL)
        return cp_err__set_lc(x->ctx, CP_E_NOMEM, 0, 0, "out of memory");
    set_handlers(x);
    return feed(x, in, in_len);
}

/*
 * 1 when expat will read the input as UTF-16: a byte order mark, or a NUL
 * among the first two bytes (it cannot stand in an 8-bit document).
 */
static int is_wide(const char *in, size_t n)
{
    const unsigned char *u = (const unsigned char *)in;
    if (n < 2)
        return 0;
    return u[0] == 0 || u[1] == 0 || (u[0] == 0xFE && u[1] == 0xFF) ||
           (u[0] == 0xFF && u[1] == 0xFE);
}

CP_EXPORT cp_status cp_doc_parse_xml(cp_ctx *ctx, const char *in,
                                     size_t in_len, cp_doc **out)
{
    const cp_allocator *saved;
    cp_status st;
    xp x;

    if (out != NULL)
        *out = NULL;
    if (ctx == NULL || out == NULL || (in == NULL && in_len != 0))
        return CP_E_INVALID_ARG;
    if (in_len > ctx->limits.max_doc_bytes)
        return cp_err__set_lc(ctx, CP_E_LIMIT, 0, 0,
                              "document of %lu bytes exceeds the limit of %lu",
                              (unsigned long)in_len,
                              (unsigned long)ctx->limits.max_doc_bytes);
    if (in == NULL)
        in = ""; /* in_len is 0: no pointer arithmetic on NULL */
    memset(&x, 0, sizeof x);
    x.ctx = ctx;
    x.in = in;
    x.in_len = in_len;
    x.wide = is_wide(in, in_len);
    saved = xml_alloc;
    xml_alloc = &ctx->alloc;
    st = run(&x, in, in_len);
    if (x.p != NULL)
        XML_ParserFree(x.p);
    xml_alloc = saved;
    if (st != CP_OK) {
        cp_doc_free(x.doc);
        return st;
    }
    *out = x.doc;
    return CP_OK;
}

#else
/* Built without the XML front end: load.c has the stand-in. */
typedef int cp_xml_not_built;
#endif /* CP_NO_XML */
