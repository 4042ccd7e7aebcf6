/*
 * store_mem.c - the in-memory store: a list of named blobs. One store type
 * with two users: cp_store_mem_open (host memory, malloc; the store
 * outlives the contexts using it: tests, simulators) and the context's
 * built-in store when the host gives no storage hooks (context memory,
 * made on the first save, freed with the context; see store.c).
 *
 * Each save stores a copy, so the caller's buffer may go away. Replacing a
 * blob swaps one pointer, so a failed save (out of memory) leaves the old
 * content.
 */
#include <string.h>

#include "omacp/store.h"
#include "store.h"

struct mblob {
    struct mblob *next;
    char name[CP_STORE_NAME_MAX + 1];
    uint8_t *data; /* NULL when len is 0 */
    size_t len;
};

/* One store. The tag is the one of the context's field mem_blobs (base.h),
   which holds the built-in store. */
struct cp_memstore {
    struct mblob *head;
    cp_ntab tab;    /* the blobs by name */
    cp_allocator a; /* where the store, its blobs and its table live */
};

static const char *mblob_name(const void *item)
{
    return ((const struct mblob *)item)->name;
}

struct cp_memstore *cp_store__mem_new(const cp_allocator *a)
{
    struct cp_memstore *ms = cp_mem__alloc(a, sizeof *ms);
    if (ms == NULL)
        return NULL;
    ms->head = NULL;
    ms->a = *a;
    cp_ntab__init(&ms->tab, mblob_name);
    return ms;
}

void cp_store__mem_free(struct cp_memstore *ms)
{
    struct mblob *b;
    cp_allocator a;
    if (ms == NULL)
        return;
    a = ms->a; /* the store itself goes last, with its own allocator */
    b = ms->head;
    while (b != NULL) {
        struct mblob *next = b->next;
        cp_mem__free(&a, b->data);
        cp_mem__free(&a, b);
        b = next;
    }
    cp_ntab__free(&ms->tab, &a);
    cp_mem__free(&a, ms);
}

cp_status cp_store__mem_load(void *user, const char *name, uint8_t *buf,
                             size_t cap, size_t *len)
{
    const struct cp_memstore *ms = user;
    const struct mblob *b;
    if (ms == NULL || len == NULL || (buf == NULL && cap != 0) ||
        !cp_store__name_ok(name))
        return CP_E_INVALID_ARG;
    b = cp_ntab__find(&ms->tab, name);
    if (b == NULL)
        return CP_E_NOT_FOUND;
    *len = b->len;
    if (b->len > cap)
        return CP_E_BUFFER_TOO_SMALL;
    if (b->len != 0)
        memcpy(buf, b->data, b->len);
    return CP_OK;
}

/* A new, empty blob called name, in the list and the table; NULL: no memory. */
static struct mblob *mblob_add(struct cp_memstore *ms, const char *name)
{
    struct mblob *b = cp_mem__alloc(&ms->a, sizeof *b);
    if (b == NULL)
        return NULL;
    memcpy(b->name, name, strlen(name) + 1);
    b->data = NULL;
    b->len = 0;
    if (cp_ntab__put(&ms->tab, &ms->a, b) != CP_OK) {
        cp_mem__free(&ms->a, b);
        return NULL;
    }
    b->next = ms->head;
    ms->head = b;
    return b;
}

cp_status cp_store__mem_save(void *user, const char *name, const uint8_t *data,
                             size_t len)
{
    struct cp_memstore *ms = user;
    struct mblob *b;
    uint8_t *copy = NULL;
    if (ms == NULL || (data == NULL && len != 0) || !cp_store__name_ok(name))
        return CP_E_INVALID_ARG;
    if (len != 0) {
        copy = cp_mem__alloc(&ms->a, len);
        if (copy == NULL)
            return CP_E_NOMEM;
        memcpy(copy, data, len);
    }
    b = cp_ntab__find(&ms->tab, name);
    if (b == NULL)
        b = mblob_add(ms, name);
    if (b == NULL) {
        cp_mem__free(&ms->a, copy);
        return CP_E_NOMEM;
    }
    cp_mem__free(&ms->a, b->data);
    b->data = copy;
    b->len = len;
    return CP_OK;
}

/* ---- the public store: the C library's memory ---------------------------- */

CP_EXPORT cp_status cp_store_mem_open_size(cp_storage *out, size_t size)
{
    cp_allocator host;
    cp_storage s;
    if (out == NULL || !cp_storage__size_ok(size))
        return out == NULL ? CP_E_INVALID_ARG : CP_E_VERSION;
    memset(&s, 0, sizeof s);
    s.struct_size = sizeof s;
    cp_mem__default(&host);
    s.user = cp_store__mem_new(&host);
    if (s.user != NULL) {
        s.load = cp_store__mem_load;
        s.save = cp_store__mem_save;
    }
    cp_storage__put(out, size, &s);
    return s.user != NULL ? CP_OK : CP_E_NOMEM;
}

CP_EXPORT void cp_store_mem_close_size(cp_storage *out, size_t size)
{
    cp_storage s;
    if (out == NULL || !cp_storage__size_ok(size))
        return;
    cp_storage__get(out, size, &s);
    if (s.load != cp_store__mem_load || s.user == NULL)
        return;
    cp_store__mem_free(s.user);
    memset(&s, 0, sizeof s);
    cp_storage__put(out, size, &s);
}

/* The symbols 0.1.0 programs call: the 0.1.0 cp_storage, no struct_size. */
#undef cp_store_mem_open
#undef cp_store_mem_close
CP_EXPORT cp_status cp_store_mem_open(cp_storage *out);
CP_EXPORT void cp_store_mem_close(cp_storage *s);
CP_EXPORT cp_status cp_store_mem_open(cp_storage *out)
{
    return cp_store_mem_open_size(out, cp_storage__size_010());
}

CP_EXPORT void cp_store_mem_close(cp_storage *s)
{
    cp_store_mem_close_size(s, cp_storage__size_010());
}
