/* alloc.c - allocator hooks and the arena that holds a document. */
#include <stdlib.h>
#include <string.h>

#include "base.h"

static void *std_alloc(void *u, size_t n)
{
    (void)u;
    return malloc(n);
}
static void *std_realloc(void *u, void *p, size_t n)
{
    (void)u;
    return realloc(p, n);
}
static void std_free(void *u, void *p)
{
    (void)u;
    free(p);
}

void cp_mem__default(cp_allocator *a)
{
    a->alloc = std_alloc;
    a->realloc = std_realloc;
    a->free = std_free;
    a->user = NULL;
}

void *cp_mem__alloc(const cp_allocator *a, size_t n)
{
    return a->alloc(a->user, n ? n : 1);
}

void *cp_mem__realloc(const cp_allocator *a, void *p, size_t n)
{
    if (p == NULL)
        return cp_mem__alloc(a, n);
    return a->realloc(a->user, p, n ? n : 1);
}

void cp_mem__free(const cp_allocator *a, void *p)
{
    if (p != NULL)
        a->free(a->user, p);
}

/* A chunk's payload starts at an offset aligned for any object. */
typedef union {
    long double ld;
    void *p;
    uint64_t u;
    void (*f)(void);
} cp_max_align;

struct cp_arena_chunk {
    cp_arena_chunk *next;
    size_t used, cap;
};

#define ALIGN_UP(n, a) (((n) + ((a)-1)) / (a) * (a))
#define HDR ALIGN_UP(sizeof(cp_arena_chunk), sizeof(cp_max_align))
#define ARENA_MAX_CHUNK ((size_t)64 * 1024)

void cp_arena__init(cp_arena *ar, const cp_allocator *a, size_t first)
{
    ar->a = *a;
    ar->head = NULL;
    ar->next_size = first < 256 ? 256 : first;
}

void *cp_arena__alloc(cp_arena *ar, size_t n)
{
    cp_arena_chunk *c = ar->head;
    size_t need;

    if (n > (size_t)-1 / 2)
        return NULL;
    need = ALIGN_UP(n ? n : 1, sizeof(cp_max_align));
    if (c == NULL || c->cap - c->used < need) {
        size_t cap = ar->next_size;
        if (cap < need)
            cap = need;
        if (cap > (size_t)-1 - HDR)
            return NULL;
        c = cp_mem__alloc(&ar->a, HDR + cap);
        if (c == NULL)
            return NULL;
        c->cap = cap;
        c->used = 0;
        c->next = ar->head;
        ar->head = c;
        /* Grow geometrically so that the number of chunks stays logarithmic. */
        if (ar->next_size < ARENA_MAX_CHUNK)
            ar->next_size *= 2;
    }
    {
        void *p = (unsigned char *)c + HDR + c->used;
        c->used += need;
        return p;
    }
}

char *cp_arena__strndup(cp_arena *ar, const char *s, size_t n)
{
    char *d;
    if (n == (size_t)-1)
        return NULL;
    d = cp_arena__alloc(ar, n + 1);
    if (d == NULL)
        return NULL;
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void cp_arena__free(cp_arena *ar)
{
    cp_arena_chunk *c = ar->head;
    cp_allocator a = ar->a;
    while (c != NULL) {
        cp_arena_chunk *next = c->next;
        cp_mem__free(&a, c);
        c = next;
    }
}
