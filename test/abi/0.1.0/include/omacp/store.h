/*
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
CP_EXPORT cp_status cp_store_file_open(const char *dir, cp_storage *out);

/** Release what cp_store_file_open() made. NULL or closed: no-op. */
CP_EXPORT void cp_store_file_close(cp_storage *s);

/** Fill *out with hooks of a new, empty in-memory store. CP_E_NOMEM. */
CP_EXPORT cp_status cp_store_mem_open(cp_storage *out);

/** Free an in-memory store and its blobs. NULL or closed: no-op. */
CP_EXPORT void cp_store_mem_close(cp_storage *s);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_STORE_H */
