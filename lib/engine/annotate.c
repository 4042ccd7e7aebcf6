/*
 * annotate.c - the output document: the metabase attributes of every parm
 * (CP_METADATA), and the answer handed to the caller, the failing element
 * renamed to its *-error form with the reason.
 */
#include <stdio.h>
#include <string.h>

#include "walk.h"

/* The *-error kind a failed element of each kind is renamed to. */
static const cp_node_kind error_of[CP_NODE_KIND_COUNT] = {
    CP_NODE_DOC, CP_NODE_CHARACTERISTIC_ERROR, CP_NODE_PARM_ERROR,
    CP_NODE_CHARACTERISTIC_QUERY_ERROR, CP_NODE_PARM_QUERY_ERROR,
    CP_NODE_NOCHARACTERISTIC_ERROR, CP_NODE_NOPARM_ERROR,
    CP_NODE_CHARACTERISTIC_ERROR, CP_NODE_PARM_ERROR,
    CP_NODE_CHARACTERISTIC_QUERY_ERROR, CP_NODE_PARM_QUERY_ERROR,
    CP_NODE_NOCHARACTERISTIC_ERROR, CP_NODE_NOPARM_ERROR};

/* ---- metadata ------------------------------------------------------------ */

static const char *dt_name(cp_datatype d)
{
    switch (d) {
    case CP_DT_INTEGER: return "integer";
    case CP_DT_STRING: return "string";
    case CP_DT_FLOAT: return "float";
    case CP_DT_BOOLEAN: return "boolean";
    case CP_DT_BINARY: return "binary";
    case CP_DT_MULTIPLE_STRING: return "multiplestring";
    case CP_DT_NODE: return "node";
    default: return NULL;
    }
}

static cp_status set_num(cp_doc *d, cp_node *n, cp_attr a, int64_t v)
{
    char b[32];
    int len = snprintf(b, sizeof b, "%lld", (long long)v);
    return cp_doc__set_attr(d, n, a, b, (size_t)len);
}

static cp_status annotate(cp_walker *w, cp_node *n)
{
    size_t base = w->plen;
    cp_node *c;
    cp_status st = CP_OK;
    if (n->kind == CP_NODE_CHARACTERISTIC) {
        st = cp_walk__path_push(w, n, cp_walk__type_of(w, n));
        for (c = cp_node__child(n); c != NULL && !st; c = cp_node__next(c))
            st = annotate(w, c);
        cp_walk__path_pop(w, base);
        return st;
    }
    if (n->kind == CP_NODE_PARM) {
        cp_meta m;
        const char *dt, *spath = w->spath;
        int k = cp_walk__canonical(w, w->path, n->key, 0);
        st = cp_walk__path_push(w, n, n->key);
        if (!st) {
            memcpy(w->spath, w->path, w->plen + 1);
            if (k == CP_CANON_MAPPED) /* the setting's own entry */
                spath = w->cpath;
            st = cp_meta__lookup(w->ctx, spath, &m, NULL);
        }
        cp_walk__path_pop(w, base);
        if (st)
            return cp_walk__fail(w, n, st, "metabase lookup failed");
        /* the parm attributes of the MSPROV DTD (parm Element, 6.5):
           datatype, rw-access, min/max value, maxlength, label, options */
        dt = dt_name(m.datatype);
        if (dt)
            st = cp_doc__set_attr(w->out, n, CP_ATTR_DATATYPE, dt, strlen(dt));
        if (!st)
            st = set_num(w->out, n, CP_ATTR_RW_ACCESS, (int64_t)m.rw);
        if (!st && cp_meta__ui_text(w->ctx, spath, CP_META__UI_LABEL,
                                    w->tpath, sizeof w->tpath))
            st = cp_doc__set_attr(w->out, n, CP_ATTR_LABEL, w->tpath,
                                  strlen(w->tpath));
        if (!st && cp_meta__ui_text(w->ctx, spath, CP_META__UI_OPTIONS,
                                    w->tpath, sizeof w->tpath))
            st = cp_doc__set_attr(w->out, n, CP_ATTR_OPTIONS, w->tpath,
                                  strlen(w->tpath));
        if (!st && m.has_min)
            st = set_num(w->out, n, CP_ATTR_MINVALUE, m.min);
        if (!st && m.has_max)
            st = set_num(w->out, n, CP_ATTR_MAXVALUE, m.max);
        if (!st && m.max_length)
            st = set_num(w->out, n, CP_ATTR_MAXLENGTH, (int64_t)m.max_length);
        if (st)
            return cp_walk__fail(w, n, st, "out of memory");
    }
    return st;
}

cp_status cp_annotate__metadata(cp_walker *w)
{
    cp_node *n;
    cp_status st = CP_OK;
    for (n = cp_node__child(w->out->root); n != NULL && !st;
         n = cp_node__next(n))
        st = annotate(w, n);
    return st;
}

/* ---- the answer ---------------------------------------------------------- */

static void mark_failure(cp_walker *w)
{
    cp_node *n = w->fail_node;
    char path[CP_ERRPATH_MAX];
    cp_err__set(w->ctx, w->fail_st, CP_NO_OFFSET, "%s", w->fail_desc);
    if (n == NULL || n->kind == CP_NODE_DOC)
        return;
    cp_doc__path(n, path, sizeof path);
    cp_err__set_path(w->ctx, path);
    if (w->borrowed) /* no answer asked: the caller's document stays */
        return;
    cp_doc__retype(n, error_of[n->kind]);
    (void)cp_doc__set_attr(w->out, n, CP_ATTR_DESC, w->fail_desc,
                           strlen(w->fail_desc));
}

cp_status cp_annotate__finish(cp_walker *w, cp_status st, char **out,
                              size_t *out_len)
{
    cp_status wst;
    if (st == CP_OK && w->text != NULL) {
        *out = w->text;
        if (out_len)
            *out_len = w->text_len;
        w->text = NULL;
        return CP_OK;
    }
    cp_mem__free(&w->ctx->alloc, w->text);
    w->text = NULL;
    if (st && out != NULL && cp_walk__own(w) != CP_OK) {
        /* the failure cannot be marked on a copy: no answer */
        cp_err__set(w->ctx, st = st == CP_E_ROLLBACK ? st : CP_E_NOMEM,
                    CP_NO_OFFSET, "out of memory");
        *out = NULL;
        return st;
    }
    if (st)
        mark_failure(w);
    if (out == NULL)
        return st;
    wst = cp_doc_write_xml(w->ctx, w->out, 0, out, out_len);
    if (wst != CP_OK) {
        *out = NULL;
        if (out_len)
            *out_len = 0;
        if (st == CP_OK) {
            st = wst; /* applied, but the answer could not be written */
            cp_err__set(
                w->ctx, st, CP_NO_OFFSET,
                "applied, but the output document could not be written");
        }
    }
    return st;
}
