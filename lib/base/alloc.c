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

/*
 * A chunk's payload is filled from both ends: objects, aligned, upwards
 * from the start ([0, lo)); strings, which need no alignment, downwards
 * from the end ([hi, cap)). So strings cost their bytes only and objects
 * never pad around them.
 */
struct cp_arena_chunk {
    cp_arena_chunk *next;
    size_t lo, hi;
    size_t cap; /* payload bytes, so that a pooled chunk can be reused */
};

#define ALIGN_UP(n, a) (((n) + ((a)-1)) / (a) * (a))
#define HDR ALIGN_UP(sizeof(cp_arena_chunk), sizeof(cp_max_align))
#define ARENA_MIN_CHUNK ((size_t)256)
#define ARENA_MAX_CHUNK ((size_t)64 * 1024)

void cp_arena__init(cp_arena *ar, const cp_allocator *a, size_t first)
{
    ar->a = *a;
    ar->head = NULL;
    ar->next_size = first < ARENA_MIN_CHUNK ? ARENA_MIN_CHUNK : first;
    ar->pool = NULL;
    ar->held = 0;
}

static unsigned char *payload(cp_arena_chunk *c)
{
    return (unsigned char *)c + HDR;
}

static cp_arena_chunk *new_chunk(cp_arena *ar, size_t cap)
{
    cp_arena_chunk *c;
    if (cap > (size_t)-1 - HDR)
        return NULL;
    c = cp_mem__alloc(&ar->a, HDR + cap);
    if (c == NULL)
        return NULL;
    c->cap = cap;
    c->lo = 0;
    c->hi = cap;
    /* saturates: an arena past (size_t)-1 bytes is never kept */
    if (cp_add__ovf(ar->held, HDR + cap, &ar->held))
        ar->held = (size_t)-1;
    return c;
}

/*
 * A chunk with need free bytes, when the head has not: a new head of
 * next_size bytes (or more), whose size then grows geometrically so that
 * the number of chunks stays logarithmic; or, for a request of more than
 * half next_size, a chunk of exactly that size behind the head, which
 * keeps the head's free space in use.
 */
static cp_arena_chunk *grow(cp_arena *ar, size_t need)
{
    cp_arena_chunk *c;
    if (ar->head != NULL && need > ar->next_size / 2) {
        c = new_chunk(ar, need);
        if (c == NULL)
            return NULL;
        c->next = ar->head->next;
        ar->head->next = c;
        return c;
    }
    c = new_chunk(ar, need > ar->next_size ? need : ar->next_size);
    if (c == NULL)
        return NULL;
    c->next = ar->head;
    ar->head = c;
    if (ar->next_size < ARENA_MAX_CHUNK)
        ar->next_size *= 2;
    return c;
}

void *cp_arena__alloc(cp_arena *ar, size_t n)
{
    cp_arena_chunk *c = ar->head;
    size_t need;
    void *p;

    if (n > (size_t)-1 / 2)
        return NULL;
    need = ALIGN_UP(n ? n : 1, sizeof(cp_max_align));
    if (c == NULL || c->hi - c->lo < need) {
        c = grow(ar, need);
        if (c == NULL)
            return NULL;
    }
    p = payload(c) + c->lo;
    c->lo += need;
    return p;
}

size_t cp_arena__room(const cp_arena *ar)
{
    const cp_arena_chunk *c = ar->head;
    if (c == NULL)
        return 0;
    return (c->hi - c->lo) / sizeof(cp_max_align) * sizeof(cp_max_align);
}

char *cp_arena__strndup(cp_arena *ar, const char *s, size_t n)
{
    cp_arena_chunk *c = ar->head;
    char *d;

    if (n >= (size_t)-1 / 2)
        return NULL;
    if (c == NULL || c->hi - c->lo < n + 1) {
        c = grow(ar, n + 1);
        if (c == NULL)
            return NULL;
    }
    c->hi -= n + 1;
    d = (char *)payload(c) + c->hi;
    /* most strings are short: two overlapping copies of a fixed size,
       which the compiler inlines, cost less than a call to memcpy */
    if (n > 16 && n <= 32) {
        memcpy(d, s, 16);
        memcpy(d + n - 16, s + n - 16, 16);
    } else if (n >= 8 && n <= 16) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n != 0) {
        memcpy(d, s, n);
    }
    d[n] = '\0';
    return d;
}

static void free_chunks(const cp_allocator *a, cp_arena_chunk *c)
{
    while (c != NULL) {
        cp_arena_chunk *next = c->next;
        cp_mem__free(a, c);
        c = next;
    }
}

/* ---- the pool ------------------------------------------------------------ */

struct cp_pool {
    cp_allocator a;
    cp_arena_chunk *kept; /* a freed arena's memory, one chunk (atomic) */
    size_t kept_bytes;    /* its size, 0: none (a hint, read relaxed) */
    size_t cap;           /* the most bytes kept */
    unsigned refs;        /* the context and its live documents (atomic) */
};

#if defined(__GNUC__) || defined(__clang__)
#define POOL_SWAP(pool, v) __atomic_exchange_n(&(pool)->kept, (v), __ATOMIC_ACQ_REL)
#define POOL_HINT(pool) __atomic_load_n(&(pool)->kept_bytes, __ATOMIC_RELAXED)
#define POOL_SET_HINT(pool, n) \
    __atomic_store_n(&(pool)->kept_bytes, (n), __ATOMIC_RELAXED)
#define POOL_REF(pool) __atomic_add_fetch(&(pool)->refs, 1u, __ATOMIC_RELAXED)
#define POOL_UNREF(pool) __atomic_sub_fetch(&(pool)->refs, 1u, __ATOMIC_ACQ_REL)
#define POOL_ATOMIC 1
#else
#define POOL_ATOMIC 0 /* no atomics: no pool, every chunk is freed */
#endif

cp_pool *cp_pool__new(const cp_allocator *a, size_t cap)
{
    cp_pool *pool;
    if (!POOL_ATOMIC || a->alloc == NULL)
        return NULL;
    pool = cp_mem__alloc(a, sizeof *pool);
    if (pool != NULL) {
        pool->a = *a;
        pool->kept = NULL;
        pool->kept_bytes = 0;
        pool->cap = cap;
        pool->refs = 1;
    }
    return pool;
}

void cp_pool__trim(cp_pool *pool)
{
#if POOL_ATOMIC
    if (pool != NULL) {
        free_chunks(&pool->a, POOL_SWAP(pool, NULL));
        POOL_SET_HINT(pool, 0);
    }
#else
    (void)pool;
#endif
}

void cp_pool__release(cp_pool *pool)
{
#if POOL_ATOMIC
    cp_allocator a;
    if (pool == NULL || POOL_UNREF(pool) != 0)
        return;
    a = pool->a;
    cp_pool__trim(pool);
    cp_mem__free(&a, pool);
#else
    (void)pool;
#endif
}

void cp_arena__init_pooled(cp_arena *ar, const cp_allocator *a, size_t first,
                           cp_pool *pool)
{
    cp_arena__init(ar, a, first);
#if POOL_ATOMIC
    if (pool != NULL) {
        cp_arena_chunk *c = POOL_SWAP(pool, NULL);
        POOL_SET_HINT(pool, 0);
        POOL_REF(pool);
        ar->pool = pool;
        if (c != NULL) { /* the kept chunk becomes the first one */
            c->next = NULL;
            c->lo = 0;
            c->hi = c->cap;
            ar->head = c;
            ar->held = HDR + c->cap;
        }
    }
#endif
}

#if POOL_ATOMIC
/* Put c in the pool; what is to be freed: the smaller of it and the old. */
static cp_arena_chunk *swap_in(cp_pool *pool, cp_arena_chunk *c)
{
    size_t n = HDR + c->cap, m;
    cp_arena_chunk *old = POOL_SWAP(pool, c);
    POOL_SET_HINT(pool, n);
    if (old == NULL || (m = HDR + old->cap) <= n)
        return old;
    old = POOL_SWAP(pool, old); /* the old one was larger: back it goes */
    POOL_SET_HINT(pool, m);
    return old;
}

/*
 * Give the arena's memory to its pool as one chunk, when it comes to at
 * most the pool's cap and to more than the pool keeps already: its only
 * chunk as it is, or else one new chunk as large as all of them together
 * (allocated now, faulted in by the next document once), so that the
 * next arena of that size needs no chunk at all and a small one after a
 * large one walks no list. The pool keeps the larger chunk; the size it
 * keeps is only a hint here (another thread may be swapping), so the
 * swap decides and the loser is freed.
 */
static void give_back(cp_arena *ar)
{
    cp_arena_chunk *keep = NULL;
    int combine = 0;
    if (ar->head != NULL && ar->held <= ar->pool->cap &&
        ar->held > POOL_HINT(ar->pool)) {
        if (ar->head->next == NULL) {
            keep = ar->head;
            ar->head = NULL;
        } else {
            combine = 1;
        }
    }
    free_chunks(&ar->a, ar->head); /* first, so the peak does not double */
    if (combine) {
        keep = cp_mem__alloc(&ar->a, ar->held);
        if (keep != NULL) {
            keep->next = NULL;
            keep->cap = ar->held - HDR;
        }
    }
    if (keep != NULL)
        keep = swap_in(ar->pool, keep);
    if (keep != NULL)
        cp_mem__free(&ar->a, keep);
    cp_pool__release(ar->pool);
}

#endif

void cp_arena__free(cp_arena *ar)
{
#if POOL_ATOMIC
    if (ar->pool != NULL) {
        give_back(ar);
        return;
    }
#endif
    free_chunks(&ar->a, ar->head);
}
