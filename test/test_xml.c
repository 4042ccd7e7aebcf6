/* test_xml.c - the XML front end (cp_doc_parse_xml) and writer (cp_doc_write_xml). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/base.h"
#include "codec/docint.h"
#include "support/testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static cp_ctx *mkctx(size_t depth, size_t elems, size_t attr, size_t doc)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_config_init(&cfg);
    cfg.limits.max_depth = depth;
    cfg.limits.max_elements = elems;
    cfg.limits.max_attr_bytes = attr;
    cfg.limits.max_doc_bytes = doc;
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    return ctx;
}

static cp_status parse(cp_ctx *ctx, const char *s, cp_doc **d)
{
    cp_status st;
    *d = (cp_doc *)&st; /* must be overwritten */
    st = cp_doc_parse_xml(ctx, s, strlen(s), d);
    if (st != CP_OK)
        assert_null(*d);
    else
        assert_non_null(*d);
    return st;
}

static char *write_doc(cp_ctx *ctx, const cp_doc *d, unsigned flags)
{
    char *out = NULL;
    size_t n = 12345;
    assert_int_equal(cp_doc_write_xml(ctx, d, flags, &out, &n), CP_OK);
    assert_non_null(out);
    assert_int_equal(n, strlen(out));
    return out;
}

/*
 * Parse s with default limits; it must fail with st on line at a column in
 * [lo, hi] (and with that element path, unless path is NULL).
 */
static void expect_fail_near(const char *s, cp_status st, unsigned long line,
                             unsigned long lo, unsigned long hi,
                             const char *path)
{
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d;
    cp_status got = parse(ctx, s, &d);
    unsigned long col = cp_ctx_error_column(ctx);
    if (got != st || cp_ctx_error_line(ctx) != line || col < lo || col > hi ||
        (path && strcmp(cp_ctx_error_path(ctx), path) != 0))
        print_error("doc: %s\nwant %d at %lu:%lu-%lu path %s\n"
                    "got  %d at %lu:%lu path %s (%s)\n",
                    s, st, line, lo, hi, path ? path : "(any)", got,
                    cp_ctx_error_line(ctx), col, cp_ctx_error_path(ctx),
                    cp_ctx_error_message(ctx));
    assert_int_equal(got, st);
    assert_int_equal(cp_ctx_error_code(ctx), st);
    assert_int_equal(cp_ctx_error_line(ctx), line);
    assert_in_range(col, lo, hi);
    if (path)
        assert_string_equal(cp_ctx_error_path(ctx), path);
    assert_true(cp_ctx_error_message(ctx)[0] != '\0');
    cp_ctx_free(ctx);
}

/* The same at exactly line:col. */
static void expect_fail(const char *s, cp_status st, unsigned long line,
                        unsigned long col, const char *path)
{
    expect_fail_near(s, st, line, col, col, path);
}

/* Parse s with default limits; it must succeed and write back as canon. */
static void expect_ok(const char *s, const char *canon)
{
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d;
    char *out;
    cp_status st = parse(ctx, s, &d);
    if (st != CP_OK)
        print_error("doc: %s\nfailed %d at %lu:%lu: %s\n", s, st,
                    cp_ctx_error_line(ctx), cp_ctx_error_column(ctx),
                    cp_ctx_error_message(ctx));
    assert_int_equal(st, CP_OK);
    if (canon) {
        out = write_doc(ctx, d, 0);
        assert_string_equal(out, canon);
        cp_free(ctx, out);
    }
    cp_doc_free(d);
    cp_ctx_free(ctx);
}

/* Elements in XML text: '<' not followed by '/', '!' or '?'. */
static size_t count_elements(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (s[0] == '<' && s[1] != '/' && s[1] != '!' && s[1] != '?')
            n++;
    return n;
}

/* ---- the shared vectors --------------------------------------------------- */

static const char *const vector_files[] = {
    "doc_minimal_empty.json", "doc_nowsms_strtbl.json",
    "doc_provcont_appc_example.json", "doc_cht_operator_codepage.json"};
#define N_VECTORS (sizeof vector_files / sizeof vector_files[0])

static void test_vectors_roundtrip(void **state)
{
    NEED_XML();
    size_t i;
    (void)state;
    for (i = 0; i < N_VECTORS; i++) {
        char *xml = tu_vector_field(vector_files[i], "xml");
        cp_ctx *ctx = mkctx(0, 0, 0, 0);
        cp_doc *d, *d2;
        char *out, *out2, *pretty;

        assert_non_null(xml);
        assert_int_equal(parse(ctx, xml, &d), CP_OK);
        assert_int_equal(cp_doc_element_count(d), count_elements(xml));
        out = write_doc(ctx, d, 0);
        assert_string_equal(out, xml);
        /* parse -> write -> parse -> write is stable */
        assert_int_equal(parse(ctx, out, &d2), CP_OK);
        out2 = write_doc(ctx, d2, 0);
        assert_string_equal(out2, xml);
        cp_free(ctx, out2);
        cp_doc_free(d2);
        /* the pretty form parses back to the same document */
        pretty = write_doc(ctx, d, CP_XML_PRETTY | CP_XML_DECLARATION);
        assert_int_equal(parse(ctx, pretty, &d2), CP_OK);
        out2 = write_doc(ctx, d2, 0);
        assert_string_equal(out2, xml);
        cp_free(ctx, out2);
        cp_free(ctx, pretty);
        cp_doc_free(d2);
        cp_free(ctx, out);
        cp_doc_free(d);
        cp_ctx_free(ctx);
        free(xml);
    }
}

static void test_vector_content(void **state)
{
    NEED_XML();
    char *xml = tu_vector_field("doc_provcont_appc_example.json", "xml");
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    const cp_node *root, *c, *p;
    cp_doc *d;
    (void)state;
    assert_int_equal(parse(ctx, xml, &d), CP_OK);
    root = cp_doc_root(d);
    assert_int_equal(cp_node_get_kind(root), CP_NODE_DOC);
    assert_string_equal(cp_node_attr(root, CP_ATTR_VERSION), "1.0");
    c = cp_node_first_child(root);
    assert_int_equal(cp_node_get_kind(c), CP_NODE_CHARACTERISTIC);
    assert_string_equal(cp_node_attr(c, CP_ATTR_TYPE), "PXLOGICAL");
    p = cp_node_first_child(c);
    assert_int_equal(cp_node_get_kind(p), CP_NODE_PARM);
    assert_string_equal(cp_node_attr(p, CP_ATTR_NAME), "PROXY-ID");
    assert_string_equal(cp_node_attr(p, CP_ATTR_VALUE), "170.187.51.4");
    cp_doc_free(d);
    /* cp_doc_load routes text to the XML parser */
    assert_int_equal(cp_doc_load(ctx, (const uint8_t *)xml, strlen(xml), &d),
                     CP_OK);
    assert_int_equal(cp_doc_element_count(d), count_elements(xml));
    cp_doc_free(d);
    cp_ctx_free(ctx);
    free(xml);
}

/* ---- grammar: the spec's tables, written out independently --------------- */

typedef struct elem_spec {
    const char *name;
    const char *key;   /* required attribute, NULL for the root */
    int under_root;    /* may stand directly under the root */
    int container;     /* may hold children */
    const char *attrs; /* every attribute it may carry */
} elem_spec;

#define PARM_ATTRS                                                            \
    "name value datatype translation semantic-type minvalue maxvalue "       \
    "maxlength options multiple rw-access label access-roles"

/* wm-model.md 3.3: the *-error forms carry their base form's attributes and desc. */
static const elem_spec elems[] = {
    {"wap-provisioningdoc", NULL, 0, 1, "version"},
    {"characteristic", "type", 1, 1, "type translation mwid"},
    {"parm", "name", 0, 0, PARM_ATTRS},
    {"characteristic-query", "type", 1, 0, "type recursive mwid"},
    {"parm-query", "name", 0, 0, "name"},
    {"nocharacteristic", "type", 1, 0, "type mwid"},
    {"noparm", "name", 0, 0, "name"},
    {"characteristic-error", "type", 1, 1, "type translation mwid desc"},
    {"parm-error", "name", 0, 0, PARM_ATTRS " desc"},
    {"characteristic-query-error", "type", 1, 0,
     "type recursive mwid desc"},
    {"parm-query-error", "name", 0, 0, "name desc"},
    {"nocharacteristic-error", "type", 1, 0, "type mwid desc"},
    {"noparm-error", "name", 0, 0, "name desc"},
};
#define N_ELEMS (sizeof elems / sizeof elems[0])

static const char *const all_attrs[] = {
    "version", "type", "name", "value", "datatype", "translation",
    "recursive", "mwid", "desc", "semantic-type", "minvalue", "maxvalue",
    "maxlength", "options", "multiple", "rw-access", "label",
    "access-roles"};
#define N_ATTRS (sizeof all_attrs / sizeof all_attrs[0])

static int has_word(const char *list, const char *w)
{
    size_t n = strlen(w);
    const char *p = list;
    while ((p = strstr(p, w)) != NULL) {
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
        p += n;
    }
    return 0;
}

typedef struct sb {
    char s[4096];
    size_t n;
} sb;

static void sb_add(sb *b, const char *fmt, ...) CP_PRINTF(2, 3);
static void sb_add(sb *b, const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    assert_true(r >= 0 && (size_t)r < sizeof b->s - b->n);
    b->n += (size_t)r;
}

/*
 * Open the elements that lead to a natural place for e, one per line,
 * two spaces per level: the root, and a characteristic[W] when e may not
 * stand under the root. Returns the number of open elements; the path of
 * the innermost goes to path.
 */
static int open_chain(sb *b, const elem_spec *e, char *path, size_t cap)
{
    sb_add(b, "<wap-provisioningdoc>\n");
    snprintf(path, cap, "/wap-provisioningdoc");
    if (e->key == NULL || e->under_root)
        return 1;
    sb_add(b, "  <characteristic type=\"W\">\n");
    snprintf(path, cap, "/wap-provisioningdoc/characteristic[W]");
    return 2;
}

static void close_chain(sb *b, int levels)
{
    if (levels == 2)
        sb_add(b, "  </characteristic>\n");
    sb_add(b, "</wap-provisioningdoc>\n");
}

static void test_attribute_placement(void **state)
{
    NEED_XML();
    size_t e, a;
    (void)state;
    for (e = 0; e < N_ELEMS; e++) {
        for (a = 0; a < N_ATTRS; a++) {
            const elem_spec *es = &elems[e];
            int ok = has_word(es->attrs, all_attrs[a]);
            char path[256], epath[300];
            sb b = {{0}, 0};
            int lv;

            if (es->key == NULL) { /* the root itself */
                sb_add(&b, "<wap-provisioningdoc %s=\"v\">\n"
                           "</wap-provisioningdoc>", all_attrs[a]);
                if (ok)
                    expect_ok(b.s, NULL);
                else
                    expect_fail(b.s, CP_E_GRAMMAR, 1, 1, "/wap-provisioningdoc");
                continue;
            }
            lv = open_chain(&b, es, path, sizeof path);
            if (strcmp(all_attrs[a], es->key) == 0)
                sb_add(&b, "%*s<%s %s=\"k\"/>\n", lv * 2, "", es->name,
                       es->key);
            else
                sb_add(&b, "%*s<%s %s=\"k\" %s=\"v\"/>\n", lv * 2, "",
                       es->name, es->key, all_attrs[a]);
            close_chain(&b, lv);
            snprintf(epath, sizeof epath, "%s/%s[k]", path, es->name);
            if (ok)
                expect_ok(b.s, NULL);
            else
                expect_fail(b.s, CP_E_GRAMMAR, (unsigned long)lv + 1,
                            (unsigned long)lv * 2 + 1, epath);
        }
    }
}

static int child_allowed(const elem_spec *parent, const elem_spec *child)
{
    if (child->key == NULL || !parent->container)
        return 0;
    if (parent->key == NULL) /* the root */
        return child->under_root;
    return 1;
}

static void test_element_placement(void **state)
{
    NEED_XML();
    size_t p, c;
    (void)state;
    for (p = 0; p < N_ELEMS; p++) {
        for (c = 0; c < N_ELEMS; c++) {
            const elem_spec *ps = &elems[p], *cs = &elems[c];
            char path[256], ppath[300];
            sb b = {{0}, 0};
            int lv = open_chain(&b, ps, path, sizeof path);

            if (ps->key != NULL) {
                sb_add(&b, "%*s<%s %s=\"P\">\n", lv * 2, "", ps->name,
                       ps->key);
                snprintf(ppath, sizeof ppath, "%s/%s[P]", path, ps->name);
                lv++;
            } else {
                lv = 1;
                snprintf(ppath, sizeof ppath, "%s", path);
            }
            if (cs->key != NULL)
                sb_add(&b, "%*s<%s %s=\"C\"/>\n", lv * 2, "", cs->name,
                       cs->key);
            else
                sb_add(&b, "%*s<%s/>\n", lv * 2, "", cs->name);
            if (ps->key != NULL)
                sb_add(&b, "%*s</%s>\n", (lv - 1) * 2, "", ps->name);
            close_chain(&b, ps->key != NULL && !ps->under_root ? 2 : 1);
            if (child_allowed(ps, cs))
                expect_ok(b.s, NULL);
            else
                expect_fail(b.s, CP_E_GRAMMAR, (unsigned long)lv + 1,
                            (unsigned long)lv * 2 + 1, ppath);
        }
    }
}

static void test_required_attributes(void **state)
{
    NEED_XML();
    size_t e;
    (void)state;
    for (e = 1; e < N_ELEMS; e++) {
        const elem_spec *es = &elems[e];
        char path[256], epath[300];
        sb b = {{0}, 0};
        int lv = open_chain(&b, es, path, sizeof path);
        /* a valid attribute other than the key, when there is one */
        const char *other = has_word(es->attrs, "value")  ? " value=\"v\""
                            : has_word(es->attrs, "mwid") ? " mwid=\"1\""
                                                          : "";
        sb_add(&b, "%*s<%s%s/>\n", lv * 2, "", es->name, other);
        close_chain(&b, lv);
        snprintf(epath, sizeof epath, "%s/%s", path, es->name);
        expect_fail(b.s, CP_E_GRAMMAR, (unsigned long)lv + 1,
                    (unsigned long)lv * 2 + 1, epath);
    }
    /* an empty key is present, so allowed */
    expect_ok("<wap-provisioningdoc><characteristic type=\"\"/>"
              "</wap-provisioningdoc>",
              "<wap-provisioningdoc><characteristic type=\"\">"
              "</characteristic></wap-provisioningdoc>");
}

static void test_line_column(void **state)
{
    NEED_XML();
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<wap-provisioningdoc version=\"1.0\">\n"
        "  <characteristic type=\"NAPDEF\">\n"
        "    <parm name=\"NAME\" value=\"x\"/>\n"
        "\t<parm-query name=\"Q\" value=\"v\"/>\n"
        "  </characteristic>\n"
        "</wap-provisioningdoc>\n";
    (void)state;
    /* a tab counts as one column */
    expect_fail(doc, CP_E_GRAMMAR, 5, 2,
                "/wap-provisioningdoc/characteristic[NAPDEF]/parm-query[Q]");
    /* CR LF is one line break; the error names the innermost open element */
    expect_fail("<wap-provisioningdoc>\r\n<characteristic type=\"A\">\r\n"
                "  <parm name=\"n\"/><bogus/>\r\n</characteristic>"
                "</wap-provisioningdoc>",
                CP_E_GRAMMAR, 3, 19,
                "/wap-provisioningdoc/characteristic[A]");
    /* the key is taken first, so the path names the element even when a
       bad attribute comes before it */
    expect_fail("<wap-provisioningdoc><characteristic type=\"NAPDEF\">"
                "<parm bogus=\"1\" name=\"NAME\"/>"
                "</characteristic></wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 52,
                "/wap-provisioningdoc/characteristic[NAPDEF]/parm[NAME]");
    /* a multi-byte character counts as one column */
    expect_fail("<wap-provisioningdoc>\n<characteristic type=\"\xc3\xa9\xe2\x82\xac\"><x/>"
                "</characteristic></wap-provisioningdoc>",
                CP_E_GRAMMAR, 2, 27,
                "/wap-provisioningdoc/characteristic[\xc3\xa9\xe2\x82\xac]");
}

static void test_unknown_names(void **state)
{
    NEED_XML();
    (void)state;
    expect_fail("<provisioningdoc/>", CP_E_GRAMMAR, 1, 1, "");
    expect_fail("<characteristic type=\"A\"/>", CP_E_GRAMMAR, 1, 1, "");
    expect_fail("<Wap-ProvisioningDoc/>", CP_E_GRAMMAR, 1, 1, "");
    expect_fail("<wap-provisioningdoc>\n <characteristic type=\"A\">"
                "<Parm name=\"x\"/></characteristic></wap-provisioningdoc>",
                CP_E_GRAMMAR, 2, 27, "/wap-provisioningdoc/characteristic[A]");
    expect_fail("<wap-provisioningdoc><foo/></wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 22, "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc><characteristic type=\"A\" Type=\"B\"/>"
                "</wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 22, "/wap-provisioningdoc/characteristic[A]");
    expect_fail("<wap-provisioningdoc xmlns=\"urn:x\"/>", CP_E_GRAMMAR, 1, 1,
                "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc xml:lang=\"en\"/>", CP_E_GRAMMAR, 1, 1,
                "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc><characteristic type=\"A\">"
                "<wap-provisioningdoc/></characteristic></wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 47, "/wap-provisioningdoc/characteristic[A]");
}

static void test_text_content(void **state)
{
    NEED_XML();
    (void)state;
    /* layout whitespace, comments and PIs anywhere are ignored */
    expect_ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c -->\n"
              "<?pi data?>\n<wap-provisioningdoc>\r\n\t <!-- x -->"
              "<characteristic type=\"A\"> <?pi?>\n<parm name=\"n\"/>"
              "<![CDATA[ \n ]]></characteristic>&#32;&#x0A;</wap-provisioningdoc>"
              "\n<!-- after -->\n",
              "<wap-provisioningdoc><characteristic type=\"A\">"
              "<parm name=\"n\"/></characteristic></wap-provisioningdoc>");
    expect_fail("<wap-provisioningdoc>x</wap-provisioningdoc>", CP_E_GRAMMAR,
                1, 22, "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc>\n  <characteristic type=\"A\">\n"
                "   \t value</characteristic></wap-provisioningdoc>",
                CP_E_GRAMMAR, 3, 6, "/wap-provisioningdoc/characteristic[A]");
    expect_fail("<wap-provisioningdoc><characteristic type=\"A\">"
                "<parm name=\"n\">v</parm></characteristic></wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 62,
                "/wap-provisioningdoc/characteristic[A]/parm[n]");
    expect_fail("<wap-provisioningdoc><![CDATA[text]]></wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 31, "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc><![CDATA[ \r\n  x]]></wap-provisioningdoc>",
                CP_E_GRAMMAR, 2, 3, "/wap-provisioningdoc");
    /* a character reference does not move the position in the text */
    expect_fail("<wap-provisioningdoc>&#10;  x</wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 29, "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc>&amp;</wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 22, "/wap-provisioningdoc");
    expect_fail("<wap-provisioningdoc>&#65;</wap-provisioningdoc>",
                CP_E_GRAMMAR, 1, 22, "/wap-provisioningdoc");
}

static void test_not_well_formed(void **state)
{
    NEED_XML();
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d;
    (void)state;
    expect_fail("", CP_E_XML, 1, 1, "");
    expect_fail("   ", CP_E_XML, 1, 4, "");
    expect_fail("<wap-provisioningdoc>\n<characteristic type=\"A\">\n"
                "</wap-provisioningdoc>",
                CP_E_XML, 3, 3, "/wap-provisioningdoc/characteristic[A]");
    expect_fail("<wap-provisioningdoc></wap-provisioningdoc><x/>", CP_E_XML,
                1, 44, "");
    expect_fail("<wap-provisioningdoc version=\"1\" version=\"2\"/>",
                CP_E_XML, 1, 34, "");
    expect_fail("<wap-provisioningdoc version=\"a<b\"/>", CP_E_XML, 1, 32,
                "");
    /* expat points into the tag, near the bad byte or reference */
    expect_fail_near("<wap-provisioningdoc><characteristic type=\"\xff\"/>"
                     "</wap-provisioningdoc>",
                     CP_E_XML, 1, 22, 44, "/wap-provisioningdoc");
    expect_fail_near("<wap-provisioningdoc><characteristic type=\"&#0;\"/>"
                     "</wap-provisioningdoc>",
                     CP_E_XML, 1, 22, 47, "/wap-provisioningdoc");
    /* expat's message is passed on */
    assert_int_equal(parse(ctx, "<wap-provisioningdoc>", &d), CP_E_XML);
    assert_string_equal(cp_ctx_error_message(ctx), "no element found");
    /* an embedded NUL byte */
    assert_int_equal(cp_doc_parse_xml(ctx, "<wap-provisioningdoc/>\0", 23, &d),
                     CP_E_XML);
    assert_null(d);
    cp_ctx_free(ctx);
}

/* ---- DTD and entities ------------------------------------------------------ */

#define PROV_DOCTYPE                                                          \
    "<!DOCTYPE wap-provisioningdoc PUBLIC \"-//WAPFORUM//DTD PROV 1.0//EN\" " \
    "\"http://www.wapforum.org/DTD/prov.dtd\">"

static void test_doctype_accepted(void **state)
{
    NEED_XML();
    static const char canon[] =
        "<wap-provisioningdoc version=\"1.0\"><characteristic type=\"A\">"
        "<parm name=\"n\" value=\"&amp;&lt;&gt;&quot;'A\"/></characteristic>"
        "</wap-provisioningdoc>";
    static const char body[] =
        "<wap-provisioningdoc version=\"1.0\"><characteristic type=\"A\">"
        "<parm name=\"n\" value=\"&amp;&lt;&gt;&quot;&apos;&#x41;\"/>"
        "</characteristic></wap-provisioningdoc>";
    static const char *const doctypes[] = {
        "<?xml version=\"1.0\"?>\n" PROV_DOCTYPE "\n",
        PROV_DOCTYPE,
        "<!DOCTYPE wap-provisioningdoc SYSTEM \"http://bogus.invalid/x.dtd\">",
        /* a file that is not a DTD: reading it would be an error */
        "<!DOCTYPE wap-provisioningdoc SYSTEM \"file:///etc/passwd\">",
        "<!DOCTYPE wap-provisioningdoc SYSTEM \"/nonexistent/prov.dtd\">",
        "<!DOCTYPE wap-provisioningdoc>",
        "<!DOCTYPE wap-provisioningdoc [ ]>",
        "<!DOCTYPE wap-provisioningdoc SYSTEM \"http://x/y.dtd\" [\n"
        "  <!-- a comment with % and &amp; -->\n"
        "  <?pi % ?>\n"
        "  <!ELEMENT wap-provisioningdoc ANY>\n"
        "  <!NOTATION n SYSTEM \"x%y\">\n]>",
    };
    size_t i;
    char buf[1024];
    (void)state;
    for (i = 0; i < sizeof doctypes / sizeof doctypes[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", doctypes[i], body);
        expect_ok(buf, canon);
    }
}

/*
 * Expat reports a declaration when it has read its value literal (internal
 * entities, attribute defaults) or its closing '>' (external entities);
 * the error position is that token.
 */
static void test_dtd_refused(void **state)
{
    NEED_XML();
    (void)state;
    expect_fail("<!DOCTYPE wap-provisioningdoc [\n"
                "  <!ENTITY x \"y\">\n]>\n<wap-provisioningdoc/>",
                CP_E_DTD, 2, 14, "");
    expect_fail("<!DOCTYPE wap-provisioningdoc [ <!ENTITY % p \"y\"> ]>"
                "<wap-provisioningdoc/>",
                CP_E_DTD, 1, 46, "");
    /* an unused declaration is refused as well */
    expect_fail("<!DOCTYPE wap-provisioningdoc [ <!ENTITY unused \"x\"> ]>"
                "<wap-provisioningdoc/>",
                CP_E_DTD, 1, 49, "");
    expect_fail("<!DOCTYPE wap-provisioningdoc SYSTEM \"u\" [\n"
                " <!ENTITY e SYSTEM \"file:///etc/passwd\" NDATA n>\n]>"
                "<wap-provisioningdoc/>",
                CP_E_DTD, 2, 47, ""); /* at the notation name */
    /* attribute defaults would add values the text does not show */
    expect_fail("<!DOCTYPE wap-provisioningdoc [\n"
                "<!ATTLIST wap-provisioningdoc version CDATA \"9\">]>"
                "<wap-provisioningdoc/>",
                CP_E_DTD, 2, 45, "");
    /* a parameter entity reference (expat would then skip declarations) */
    expect_fail("<!DOCTYPE wap-provisioningdoc [ %pe; <!ENTITY x \"y\"> ]>"
                "<wap-provisioningdoc/>",
                CP_E_DTD, 1, 33, "");
    expect_fail("<?xml version=\"1.0\" standalone=\"yes\"?>"
                "<!DOCTYPE wap-provisioningdoc [ %pe; ]><wap-provisioningdoc/>",
                CP_E_DTD, 1, 71, "");
}

static void test_external_entity_refused(void **state)
{
    NEED_XML();
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_doc *d;
    tu_alloc t;
    (void)state;
    expect_fail("<?xml version=\"1.0\"?>\n"
                "<!DOCTYPE wap-provisioningdoc [\n"
                "<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n"
                "<wap-provisioningdoc><characteristic type=\"&xxe;\"/>"
                "</wap-provisioningdoc>",
                CP_E_DTD, 3, 41, "");
    expect_fail("<!DOCTYPE wap-provisioningdoc [\n"
                "<!ENTITY % ext SYSTEM \"file:///etc/passwd\"> %ext;\n]>"
                "<wap-provisioningdoc/>",
                CP_E_DTD, 2, 43, "");
    /* the external subset is not read either */
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(
        parse(ctx,
              "<!DOCTYPE wap-provisioningdoc SYSTEM \"file:///etc/passwd\">"
              "<wap-provisioningdoc/>",
              &d),
        CP_OK);
    cp_doc_free(d);
    cp_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

static void test_billion_laughs(void **state)
{
    NEED_XML();
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE wap-provisioningdoc [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<wap-provisioningdoc><characteristic type=\"&lol9;\"/>"
        "</wap-provisioningdoc>";
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_doc *d;
    tu_alloc t;
    (void)state;
    expect_fail(doc, CP_E_DTD, 3, 15, ""); /* the first declaration */
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, &t, 0);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    assert_int_equal(parse(ctx, doc, &d), CP_E_DTD);
    /* nothing was expanded: far less memory than even one lol4 (10^4 * 3) */
    assert_true(t.peak < 64 * 1024);
    cp_ctx_free(ctx);
    assert_int_equal(t.live, 0);
}

static void test_undefined_entities(void **state)
{
    NEED_XML();
    (void)state;
    /* without an external subset expat refuses them itself (in an
       attribute it reports the start of the tag) */
    expect_fail("<wap-provisioningdoc version=\"&v;\"/>", CP_E_XML, 1, 1,
                "");
    expect_fail("<wap-provisioningdoc>&e;</wap-provisioningdoc>", CP_E_XML, 1,
                22, "/wap-provisioningdoc");
    /* with one, expat would skip them; we do not */
    expect_fail(PROV_DOCTYPE "\n<wap-provisioningdoc>\n"
                "<characteristic type=\"A&x;B\"/></wap-provisioningdoc>",
                CP_E_XML, 3, 1, "/wap-provisioningdoc");
    expect_fail(PROV_DOCTYPE "<wap-provisioningdoc version=\"&quot2;\"/>",
                CP_E_XML, 1, 109, "");
    expect_fail(PROV_DOCTYPE "<wap-provisioningdoc version=\"&ampx;\"/>",
                CP_E_XML, 1, 109, "");
    expect_fail(PROV_DOCTYPE "<wap-provisioningdoc version=\"&g;\"/>",
                CP_E_XML, 1, 109, "");
    expect_fail(PROV_DOCTYPE "<wap-provisioningdoc>\n  &e;"
                "</wap-provisioningdoc>",
                CP_E_XML, 2, 3, "/wap-provisioningdoc");
}

/* An ISO-8859-1 document whose start tag is longer than expat's conversion
   buffer, with a reference at every position across the chunk boundary. */
static void test_entity_scan_chunks(void **state)
{
    NEED_XML();
    static const char head[] =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" PROV_DOCTYPE
        "<wap-provisioningdoc><characteristic type=\"";
    size_t pad;
    (void)state;
    for (pad = 990; pad < 1040; pad++) {
        char doc[2048], want[2048];
        size_t n = 0;
        int bad;
        for (bad = 0; bad < 2; bad++) {
            n = (size_t)snprintf(doc, sizeof doc, "%s", head);
            memset(doc + n, 'a', pad);
            n += pad;
            n += (size_t)snprintf(doc + n, sizeof doc - n,
                                  "%s\xe9\"/></wap-provisioningdoc>",
                                  bad ? "&amq;" : "&amp;");
            if (bad) {
                expect_fail(doc, CP_E_XML, 1,
                            (unsigned long)(strstr(doc, "<characteristic") - doc) + 1,
                            "/wap-provisioningdoc");
                continue;
            }
            n = (size_t)snprintf(want, sizeof want,
                                 "<wap-provisioningdoc><characteristic type=\"");
            memset(want + n, 'a', pad);
            n += pad;
            snprintf(want + n, sizeof want - n,
                     "&amp;\xc3\xa9\"></characteristic></wap-provisioningdoc>");
            expect_ok(doc, want);
        }
    }
}

static void test_encodings(void **state)
{
    NEED_XML();
    /* UTF-16LE with a byte order mark */
    static const char u16[] = "\xff\xfe<\0w\0a\0p\0-\0p\0r\0o\0v\0i\0s\0i\0o\0"
                              "n\0i\0n\0g\0d\0o\0c\0 \0v\0e\0r\0s\0i\0o\0n\0"
                              "=\0\"\0\xe9\0\"\0/\0>\0";
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d;
    (void)state;
    assert_int_equal(cp_doc_parse_xml(ctx, u16, sizeof u16 - 1, &d), CP_OK);
    assert_string_equal(cp_node_attr(cp_doc_root(d), CP_ATTR_VERSION),
                        "\xc3\xa9");
    cp_doc_free(d);
    cp_ctx_free(ctx);
    expect_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
              "<wap-provisioningdoc version=\"\xe9\"/>",
              "<wap-provisioningdoc version=\"\xc3\xa9\"></wap-provisioningdoc>");
    expect_fail("<?xml version=\"1.0\" encoding=\"x-no-such\"?>"
                "<wap-provisioningdoc/>",
                CP_E_XML, 1, 31, "");
}

/* ---- limits ---------------------------------------------------------------- */

/* root > characteristic^(n-2) > nocharacteristic: n deep, one per line */
static char *nested(size_t n)
{
    sb *b = calloc(1, sizeof *b);
    size_t i;
    char *s;
    assert_non_null(b);
    sb_add(b, "<wap-provisioningdoc>\n");
    for (i = 2; i < n; i++)
        sb_add(b, "<characteristic type=\"%lu\">\n", (unsigned long)i);
    sb_add(b, "<nocharacteristic type=\"p\"/>\n");
    for (i = 2; i < n; i++)
        sb_add(b, "</characteristic>");
    sb_add(b, "</wap-provisioningdoc>");
    s = malloc(b->n + 1);
    assert_non_null(s);
    memcpy(s, b->s, b->n + 1);
    free(b);
    return s;
}

static void test_depth_limit(void **state)
{
    NEED_XML();
    size_t lim;
    (void)state;
    for (lim = 2; lim <= CP_DEFAULT_MAX_DEPTH + 1; lim++) {
        cp_ctx *ctx = mkctx(lim == CP_DEFAULT_MAX_DEPTH + 1 ? 0 : lim, 0, 0, 0);
        size_t want = lim == CP_DEFAULT_MAX_DEPTH + 1 ? CP_DEFAULT_MAX_DEPTH : lim;
        char *at = nested(want), *over = nested(want + 1);
        cp_doc *d;
        assert_int_equal(parse(ctx, at, &d), CP_OK);
        assert_int_equal(cp_doc_element_count(d), want);
        cp_doc_free(d);
        assert_int_equal(parse(ctx, over, &d), CP_E_LIMIT);
        assert_int_equal(cp_ctx_error_line(ctx), want + 1);
        assert_int_equal(cp_ctx_error_column(ctx), 1);
        free(at);
        free(over);
        cp_ctx_free(ctx);
    }
    {
        /* depth 1: only an empty root */
        cp_ctx *ctx = mkctx(1, 0, 0, 0);
        cp_doc *d;
        assert_int_equal(parse(ctx, "<wap-provisioningdoc/>", &d), CP_OK);
        cp_doc_free(d);
        assert_int_equal(parse(ctx, "<wap-provisioningdoc>"
                                    "<characteristic type=\"A\"/>"
                                    "</wap-provisioningdoc>",
                               &d),
                         CP_E_LIMIT);
        assert_string_equal(cp_ctx_error_path(ctx), "/wap-provisioningdoc");
        cp_ctx_free(ctx);
    }
}

static void test_element_limit(void **state)
{
    NEED_XML();
    static const char five[] =
        "<wap-provisioningdoc><characteristic type=\"A\"><parm name=\"1\"/>"
        "<parm name=\"2\"/></characteristic>\n<nocharacteristic type=\"B\"/>"
        "</wap-provisioningdoc>";
    static const char six[] =
        "<wap-provisioningdoc><characteristic type=\"A\"><parm name=\"1\"/>"
        "<parm name=\"2\"/></characteristic>\n<nocharacteristic type=\"B\"/>"
        "<nocharacteristic type=\"C\"/></wap-provisioningdoc>";
    cp_ctx *ctx = mkctx(0, 5, 0, 0);
    cp_doc *d;
    (void)state;
    assert_int_equal(parse(ctx, five, &d), CP_OK);
    assert_int_equal(cp_doc_element_count(d), 5);
    cp_doc_free(d);
    assert_int_equal(parse(ctx, six, &d), CP_E_LIMIT);
    assert_int_equal(cp_ctx_error_line(ctx), 2);
    assert_int_equal(cp_ctx_error_column(ctx), 29);
    assert_string_equal(cp_ctx_error_path(ctx), "/wap-provisioningdoc");
    cp_ctx_free(ctx);
}

static void test_attr_limit(void **state)
{
    NEED_XML();
    static const struct {
        const char *value; /* as written in XML */
        cp_status st;
    } rows[] = {
        {"0123456789", CP_OK},
        {"0123456789A", CP_E_LIMIT},
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", CP_OK},        /* 10 bytes */
        {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x", CP_E_LIMIT},  /* 11 bytes */
        {"&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;&amp;", CP_OK}, /* 10 after decoding */
        {"&#x20AC;&#x20AC;&#x20AC;x", CP_OK},                       /* 10 */
        {"&#x20AC;&#x20AC;&#x20AC;xy", CP_E_LIMIT},
        {"", CP_OK},
    };
    cp_ctx *ctx = mkctx(0, 0, 10, 0);
    size_t i;
    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char doc[256];
        cp_doc *d;
        snprintf(doc, sizeof doc,
                 "<wap-provisioningdoc><characteristic type=\"A\">\n"
                 "  <parm name=\"N\" value=\"%s\"/>"
                 "</characteristic></wap-provisioningdoc>",
                 rows[i].value);
        assert_int_equal(parse(ctx, doc, &d), rows[i].st);
        if (rows[i].st == CP_OK) {
            cp_doc_free(d);
            continue;
        }
        assert_int_equal(cp_ctx_error_line(ctx), 2);
        assert_int_equal(cp_ctx_error_column(ctx), 3);
        assert_string_equal(cp_ctx_error_path(ctx),
                            "/wap-provisioningdoc/characteristic[A]/parm[N]");
    }
    cp_ctx_free(ctx);
}

static void test_doc_size_limit(void **state)
{
    NEED_XML();
    static const char doc[] = "<wap-provisioningdoc></wap-provisioningdoc>";
    cp_ctx *ctx = mkctx(0, 0, 0, sizeof doc - 1);
    cp_doc *d;
    (void)state;
    assert_int_equal(parse(ctx, doc, &d), CP_OK);
    cp_doc_free(d);
    cp_ctx_free(ctx);
    ctx = mkctx(0, 0, 0, sizeof doc - 2);
    assert_int_equal(parse(ctx, doc, &d), CP_E_LIMIT);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_LIMIT);
    assert_int_equal(cp_ctx_error_line(ctx), 0);
    cp_ctx_free(ctx);
}

/* ---- writer ---------------------------------------------------------------- */

static void test_escaping(void **state)
{
    NEED_XML();
    static const char value[] = "a&b<c>d\"e'f\tg\nh\ri j\x7f"
                                "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    static const char want[] =
        "<wap-provisioningdoc><characteristic type=\"&lt;&amp;&gt;\">"
        "<parm name=\"n\" value=\"a&amp;b&lt;c&gt;d&quot;e'f&#9;g&#10;h&#13;"
        "i j\x7f\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"/>"
        "</characteristic></wap-provisioningdoc>";
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    const cp_node *c, *p;
    cp_doc *d, *d2;
    char *out;
    (void)state;
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    assert_int_equal(cp_node_add(d, cp_doc_root(d), CP_NODE_CHARACTERISTIC, &c),
                     CP_OK);
    assert_int_equal(cp_node_set_attr(d, c, CP_ATTR_TYPE, "<&>"), CP_OK);
    assert_int_equal(cp_node_add(d, c, CP_NODE_PARM, &p), CP_OK);
    assert_int_equal(cp_node_set_attr(d, p, CP_ATTR_NAME, "n"), CP_OK);
    assert_int_equal(cp_node_set_attr(d, p, CP_ATTR_VALUE, value), CP_OK);
    out = write_doc(ctx, d, 0);
    assert_string_equal(out, want);
    /* and back, byte for byte */
    assert_int_equal(parse(ctx, out, &d2), CP_OK);
    p = cp_node_first_child(cp_node_first_child(cp_doc_root(d2)));
    assert_string_equal(cp_node_attr(p, CP_ATTR_VALUE), value);
    assert_string_equal(
        cp_node_attr(cp_node_first_child(cp_doc_root(d2)), CP_ATTR_TYPE), "<&>");
    cp_doc_free(d2);
    cp_free(ctx, out);
    cp_doc_free(d);
    cp_ctx_free(ctx);
    /* raw tab/LF/CR in a parsed value are normalized to spaces (XML 1.0 3.3.3) */
    expect_ok("<wap-provisioningdoc version=\"a\tb\nc\r\nd\"/>",
              "<wap-provisioningdoc version=\"a b c d\"></wap-provisioningdoc>");
}

static void test_other_controls(void **state)
{
    NEED_XML();
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d, *d2;
    char *out;
    (void)state;
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    assert_int_equal(cp_node_set_attr(d, cp_doc_root(d), CP_ATTR_VERSION,
                                      "\x01\x1f"),
                     CP_OK);
    out = write_doc(ctx, d, 0);
    assert_string_equal(out, "<wap-provisioningdoc version=\"&#1;&#31;\">"
                             "</wap-provisioningdoc>");
    /* not representable in XML 1.0: the parser refuses it */
    assert_int_equal(parse(ctx, out, &d2), CP_E_XML);
    cp_free(ctx, out);
    cp_doc_free(d);
    cp_ctx_free(ctx);
}

static void test_attribute_order(void **state)
{
    NEED_XML();
    static const char want[] =
        "<wap-provisioningdoc><characteristic-error type=\"T\" "
        "translation=\"install\" mwid=\"1\" desc=\"d\">"
        "<parm-error name=\"n\" value=\"v\" datatype=\"integer\" "
        "translation=\"filesystem\" desc=\"e\" semantic-type=\"URL\" "
        "minvalue=\"0\" maxvalue=\"9\" maxlength=\"4\" options=\"o\" "
        "multiple=\"0\" rw-access=\"rw\" label=\"L\" access-roles=\"16\"/>"
        "</characteristic-error></wap-provisioningdoc>";
    static const char shuffled[] =
        "<wap-provisioningdoc><characteristic-error desc=\"d\" mwid=\"1\" "
        "type=\"T\" translation=\"install\"><parm-error access-roles=\"16\" "
        "label=\"L\" rw-access=\"rw\" multiple=\"0\" options=\"o\" "
        "maxlength=\"4\" maxvalue=\"9\" minvalue=\"0\" semantic-type=\"URL\" "
        "desc=\"e\" translation=\"filesystem\" datatype=\"integer\" "
        "value=\"v\" name=\"n\"/></characteristic-error></wap-provisioningdoc>";
    (void)state;
    expect_ok(shuffled, want);
    expect_ok(want, want);
}

static cp_doc *small_doc(cp_ctx *ctx)
{
    const cp_node *c, *n;
    cp_doc *d;
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    assert_int_equal(cp_node_set_attr(d, cp_doc_root(d), CP_ATTR_VERSION, "1.0"),
                     CP_OK);
    assert_int_equal(cp_node_add(d, cp_doc_root(d), CP_NODE_CHARACTERISTIC, &c),
                     CP_OK);
    assert_int_equal(cp_node_set_attr(d, c, CP_ATTR_TYPE, "NAPDEF"), CP_OK);
    assert_int_equal(cp_node_add(d, c, CP_NODE_PARM, &n), CP_OK);
    assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_VALUE, "x"), CP_OK);
    assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_NAME, "NAME"), CP_OK);
    assert_int_equal(cp_node_add(d, c, CP_NODE_CHARACTERISTIC, &n), CP_OK);
    assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_TYPE, "E"), CP_OK);
    assert_int_equal(cp_node_add(d, cp_doc_root(d), CP_NODE_NOCHARACTERISTIC, &n),
                     CP_OK);
    assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_TYPE, "X"), CP_OK);
    return d;
}

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define COMPACT                                                               \
    "<wap-provisioningdoc version=\"1.0\"><characteristic type=\"NAPDEF\">"   \
    "<parm name=\"NAME\" value=\"x\"/><characteristic type=\"E\">"            \
    "</characteristic></characteristic><nocharacteristic type=\"X\"/>"       \
    "</wap-provisioningdoc>"
#define PRETTY                                                                \
    "<wap-provisioningdoc version=\"1.0\">\n"                                 \
    "  <characteristic type=\"NAPDEF\">\n"                                    \
    "    <parm name=\"NAME\" value=\"x\"/>\n"                                 \
    "    <characteristic type=\"E\"></characteristic>\n"                      \
    "  </characteristic>\n"                                                   \
    "  <nocharacteristic type=\"X\"/>\n"                                      \
    "</wap-provisioningdoc>\n"

static void test_flags(void **state)
{
    static const struct {
        unsigned flags;
        const char *want;
    } rows[] = {
        {0, COMPACT},
        {CP_XML_DECLARATION, DECL COMPACT},
        {CP_XML_PRETTY, PRETTY},
        {CP_XML_PRETTY | CP_XML_DECLARATION, DECL PRETTY},
    };
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d = small_doc(ctx), *e;
    size_t i;
    char *out;
    (void)state;
    for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        out = write_doc(ctx, d, rows[i].flags);
        assert_string_equal(out, rows[i].want);
        cp_free(ctx, out);
    }
    assert_int_equal(cp_doc_new(ctx, &e), CP_OK);
    out = write_doc(ctx, e, CP_XML_PRETTY);
    assert_string_equal(out, "<wap-provisioningdoc></wap-provisioningdoc>\n");
    cp_free(ctx, out);
    out = write_doc(ctx, e, 0);
    assert_string_equal(out, "<wap-provisioningdoc></wap-provisioningdoc>");
    cp_free(ctx, out);
    cp_doc_free(e);
    cp_doc_free(d);
    cp_ctx_free(ctx);
}

static void test_deep_tree_written(void **state)
{
    /* built through the API, deeper than any parse limit */
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    const cp_node *n;
    cp_doc *d;
    char *out;
    size_t i, len;
    (void)state;
    assert_int_equal(cp_doc_new(ctx, &d), CP_OK);
    n = cp_doc_root(d);
    for (i = 0; i < 20000; i++) {
        assert_int_equal(cp_node_add(d, n, CP_NODE_CHARACTERISTIC, &n), CP_OK);
        assert_int_equal(cp_node_set_attr(d, n, CP_ATTR_TYPE, "A"), CP_OK);
    }
    assert_int_equal(cp_doc_write_xml(ctx, d, 0, &out, &len), CP_OK);
    assert_int_equal(len, strlen("<wap-provisioningdoc></wap-provisioningdoc>") +
                              20000 * strlen("<characteristic type=\"A\">"
                                             "</characteristic>"));
    assert_memory_equal(out + len - 39, "</characteristic></wap-provisioningdoc>",
                        39);
    cp_free(ctx, out);
    cp_doc_free(d);
    cp_ctx_free(ctx);
}

static void test_bad_arguments(void **state)
{
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d = small_doc(ctx), *o;
    char *out = (char *)ctx;
    size_t n = 7;
    (void)state;
#ifndef CP_NO_XML /* NO_XML: test_no_xml_build */
    o = d;
    assert_int_equal(cp_doc_parse_xml(NULL, "x", 1, &o), CP_E_INVALID_ARG);
    assert_null(o);
    assert_int_equal(cp_doc_parse_xml(ctx, "x", 1, NULL), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_parse_xml(ctx, NULL, 1, &o), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_parse_xml(ctx, NULL, 0, &o), CP_E_XML);
    assert_null(o);
#else
    (void)o;
#endif
    assert_int_equal(cp_doc_write_xml(NULL, d, 0, &out, &n), CP_E_INVALID_ARG);
    assert_null(out);
    assert_int_equal(n, 0);
    assert_int_equal(cp_doc_write_xml(ctx, NULL, 0, &out, &n), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_write_xml(ctx, d, 0, NULL, &n), CP_E_INVALID_ARG);
    assert_int_equal(cp_doc_write_xml(ctx, d, 0x100, &out, &n),
                     CP_E_INVALID_ARG);
    assert_null(out);
    /* out_len is optional */
    assert_int_equal(cp_doc_write_xml(ctx, d, 0, &out, NULL), CP_OK);
    assert_string_equal(out, COMPACT);
    cp_free(ctx, out);
    cp_doc_free(d);
    cp_ctx_free(ctx);
}

/* ---- allocation failures ------------------------------------------------- */

static char *largest_vector(void)
{
    char *best = NULL;
    size_t i;
    for (i = 0; i < N_VECTORS; i++) {
        char *x = tu_vector_field(vector_files[i], "xml");
        assert_non_null(x);
        if (best == NULL || strlen(x) > strlen(best)) {
            free(best);
            best = x;
        } else {
            free(x);
        }
    }
    return best;
}

/* Parse s with the n-th allocation failing (counted from after cp_ctx_new). */
static cp_status parse_failing(const char *s, long n, tu_alloc *t)
{
    cp_config cfg;
    cp_ctx *ctx = NULL;
    cp_doc *d;
    cp_status st;
    cp_config_init(&cfg);
    tu_alloc_setup(&cfg, t, 0);
    assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
    t->fail_at = t->calls + n;
    st = parse(ctx, s, &d);
    if (st != CP_OK)
        assert_int_equal(cp_ctx_error_code(ctx), st);
    cp_doc_free(d);
    cp_ctx_free(ctx);
    assert_int_equal(t->live, 0);
    return st;
}

static void sweep_parse(const char *s)
{
    long n;
    tu_alloc t;
    for (n = 1; n < 100000; n++) {
        cp_status st = parse_failing(s, n, &t);
        if (st == CP_OK)
            break;
        assert_int_equal(st, CP_E_NOMEM);
    }
    assert_true(n > 1 && n < 100000);
}

static void test_alloc_failures_parse(void **state)
{
    NEED_XML();
    char *xml = largest_vector();
    (void)state;
    sweep_parse(xml);
    /* a DOCTYPE, comments, PIs, a character reference and whitespace */
    sweep_parse("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" PROV_DOCTYPE
                "\n<!-- c --><wap-provisioningdoc version=\"1.0\">\n <?pi x?>"
                "<characteristic type=\"A&#xe9;\" mwid=\"1\"><parm name=\"\xe9\" "
                "value=\"&lt;&amp;\"/></characteristic></wap-provisioningdoc>");
    free(xml);
}

static void test_alloc_failures_write(void **state)
{
    NEED_XML();
    char *xml = largest_vector();
    unsigned flags;
    (void)state;
    for (flags = 0; flags < 4; flags++) {
        long n;
        for (n = 1; n < 100000; n++) {
            cp_config cfg;
            cp_ctx *ctx = NULL;
            cp_doc *d;
            tu_alloc t;
            char *out = (char *)&t;
            size_t len = 1;
            cp_status st;
            cp_config_init(&cfg);
            tu_alloc_setup(&cfg, &t, 0);
            assert_int_equal(cp_ctx_new(&cfg, &ctx), CP_OK);
            assert_int_equal(parse(ctx, xml, &d), CP_OK);
            t.fail_at = t.calls + n;
            st = cp_doc_write_xml(ctx, d, flags, &out, &len);
            if (st == CP_OK) {
                if (flags == 0)
                    assert_string_equal(out, xml);
                cp_free(ctx, out);
            } else {
                assert_int_equal(st, CP_E_NOMEM);
                assert_int_equal(cp_ctx_error_code(ctx), CP_E_NOMEM);
                assert_null(out);
                assert_int_equal(len, 0);
            }
            cp_doc_free(d);
            cp_ctx_free(ctx);
            assert_int_equal(t.live, 0);
            if (st == CP_OK)
                break;
        }
        assert_true(n > 1 && n < 100000);
    }
    free(xml);
}

/* ---- the WBXML-only build ------------------------------------------------ */

/*
 * NO_XML: the textual entry points refuse XML text with CP_E_UNSUPPORTED and
 * a message naming the build; WBXML goes through the same entry points as
 * ever. Built in that build only.
 */
#ifdef CP_NO_XML
static void test_no_xml_build(void **state)
{
    static const char xml[] = "<wap-provisioningdoc></wap-provisioningdoc>";
    static const uint8_t wbxml[] = {0x03, 0x0B, 0x6A, 0x00, 0x45, 0x01};
    cp_ctx *ctx = mkctx(0, 0, 0, 0);
    cp_doc *d = (cp_doc *)ctx;
    char *out = (char *)ctx;
    size_t n = 7;
    (void)state;
    assert_int_equal(cp_doc_parse_xml(ctx, xml, strlen(xml), &d),
                     CP_E_UNSUPPORTED);
    assert_null(d);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_UNSUPPORTED);
    assert_non_null(strstr(cp_ctx_error_message(ctx), "NO_XML"));
    d = (cp_doc *)ctx;
    assert_int_equal(cp_doc_load(ctx, (const uint8_t *)xml, strlen(xml), &d),
                     CP_E_UNSUPPORTED);
    assert_null(d);
    assert_int_equal(cp_process_config_xml(ctx, xml, strlen(xml),
                                           CP_ROLE_MANAGER, 0, &out, &n),
                     CP_E_UNSUPPORTED);
    assert_null(out);
    assert_int_equal(cp_ctx_error_code(ctx), CP_E_UNSUPPORTED);
    /* WBXML: decoded, written as XML text, processed */
    assert_int_equal(cp_doc_load(ctx, wbxml, sizeof wbxml, &d), CP_OK);
    out = write_doc(ctx, d, 0);
    assert_string_equal(out, xml);
    cp_free(ctx, out);
    cp_doc_free(d);
    assert_int_equal(cp_process_config_xml(ctx, (const char *)wbxml,
                                           sizeof wbxml, CP_ROLE_MANAGER, 0,
                                           &out, &n),
                     CP_OK);
    assert_string_equal(out, xml);
    assert_int_equal(n, strlen(xml));
    cp_free(ctx, out);
    cp_ctx_free(ctx);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_roundtrip),
        cmocka_unit_test(test_vector_content),
        cmocka_unit_test(test_attribute_placement),
        cmocka_unit_test(test_element_placement),
        cmocka_unit_test(test_required_attributes),
        cmocka_unit_test(test_line_column),
        cmocka_unit_test(test_unknown_names),
        cmocka_unit_test(test_text_content),
        cmocka_unit_test(test_not_well_formed),
        cmocka_unit_test(test_doctype_accepted),
        cmocka_unit_test(test_dtd_refused),
        cmocka_unit_test(test_external_entity_refused),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_undefined_entities),
        cmocka_unit_test(test_entity_scan_chunks),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_element_limit),
        cmocka_unit_test(test_attr_limit),
        cmocka_unit_test(test_doc_size_limit),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_other_controls),
        cmocka_unit_test(test_attribute_order),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_deep_tree_written),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_alloc_failures_parse),
        cmocka_unit_test(test_alloc_failures_write),
#ifdef CP_NO_XML
        cmocka_unit_test(test_no_xml_build),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
