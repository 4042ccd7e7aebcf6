/** @file
 * omacp/store.h - ready-made storage for cp_config.storage: a file-backed
 * store for Linux/POSIX hosts (one file per blob in a directory, replaced
 * atomically) and an in-memory store that outlives contexts (for tests and
 * simulators).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_STORE_H
#define OMACP_STORE_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Fill *out with hooks that keep each blob as a file in dir (which must
 * exist and be writable). A save writes a temporary file in dir, fsyncs
 * it, renames it over the blob's file and fsyncs dir, so after a crash the
 * old or the new content is there, never a mix. Blob names are limited to
 * letters, digits, '.', '_' and '-' (never a path). Close with
 * cp_store_file_close(). CP_E_IO when dir is not a writable directory,
 * CP_E_NOMEM.
 */
#define cp_store_file_open(dir, out) \
    cp_store_file_open_size((dir), (out), sizeof(cp_storage))
/**
 * cp_store_file_open() as a function: size is the caller's
 * sizeof(cp_storage) (the macro passes it), so the library writes the
 * layout the caller has. CP_E_VERSION for a size it does not know.
 */
CP_EXPORT cp_status cp_store_file_open_size(const char *dir, cp_storage *out,
                                            size_t size);

/**
 * Added in 0.2.0. Open a file store on dir (as cp_store_file_open) into
 * cfg->storage and fill cfg->storage_ext with its lock and reason hooks,
 * so that contexts (in one process or in many) sharing dir take turns:
 * each call of a context holds an exclusive lock on dir for its whole
 * load -> decide -> commit, and reads what the others committed. The lock
 * is flock() on the file dir/.lock (created on first use; the kernel
 * releases it when a process dies); a call waits for it as long as another
 * holds it, so do not hold a call open (e.g. a PIN prompt hook) longer
 * than the other users can wait. The hooks serve one context at a time:
 * give each context its own cp_store_file_config. The reason hook puts the
 * system's words ("write s.X.0: No space left on device") into the ctx
 * message of a CP_E_STORAGE failure. Close with
 * cp_store_file_close(&cfg->storage) after cp_ctx_free. CP_E_VERSION when
 * cfg->struct_size is the 0.1.0 one (no storage_ext), otherwise as
 * cp_store_file_open.
 */
CP_EXPORT cp_status cp_store_file_config(const char *dir, cp_config *cfg);

/** Release what cp_store_file_open() made. NULL or closed: no-op. */
#define cp_store_file_close(s) cp_store_file_close_size((s), sizeof(cp_storage))
/** cp_store_file_close() as a function (size: the caller's sizeof). */
CP_EXPORT void cp_store_file_close_size(cp_storage *s, size_t size);

/** Fill *out with hooks of a new, empty in-memory store. CP_E_NOMEM. */
#define cp_store_mem_open(out) cp_store_mem_open_size((out), sizeof(cp_storage))
/** cp_store_mem_open() as a function (size: the caller's sizeof). */
CP_EXPORT cp_status cp_store_mem_open_size(cp_storage *out, size_t size);

/** Free an in-memory store and its blobs. NULL or closed: no-op. */
#define cp_store_mem_close(s) cp_store_mem_close_size((s), sizeof(cp_storage))
/** cp_store_mem_close() as a function (size: the caller's sizeof). */
CP_EXPORT void cp_store_mem_close_size(cp_storage *s, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_STORE_H */
