/** @file
 * omacp/doc.h - the provisioning document model and its two codecs.
 *
 * One tree serves both wire forms: a WBXML document (PROV 1.0 / 1.1 code
 * pages) and the textual XML form (wap-provisioningdoc, with the Windows
 * Mobile extensions: queries, deletes, *-error forms and their attributes).
 * A document lives in one arena and is freed at once by cp_doc_free().
 *
 * Nodes are read through the functions below; the tree is read-only to
 * callers except through the builder functions (cp_doc_new, cp_node_add,
 * cp_node_set_attr), which a test harness or server uses to make documents.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef OMACP_DOC_H
#define OMACP_DOC_H

#include "common.h"
#include "ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A decoded document (opaque). */
typedef struct cp_doc cp_doc;
/** One element of a document (opaque, owned by its cp_doc). */
typedef struct cp_node cp_node;

/** Element kinds. The order of the *_ERROR forms follows their base forms. */
typedef enum cp_node_kind {
    CP_NODE_DOC = 0,                    /**< wap-provisioningdoc (the root) */
    CP_NODE_CHARACTERISTIC = 1,         /**< characteristic */
    CP_NODE_PARM = 2,                   /**< parm */
    CP_NODE_CHARACTERISTIC_QUERY = 3,   /**< characteristic-query */
    CP_NODE_PARM_QUERY = 4,             /**< parm-query */
    CP_NODE_NOCHARACTERISTIC = 5,       /**< nocharacteristic */
    CP_NODE_NOPARM = 6,                 /**< noparm */
    CP_NODE_CHARACTERISTIC_ERROR = 7,   /**< characteristic-error */
    CP_NODE_PARM_ERROR = 8,             /**< parm-error */
    CP_NODE_CHARACTERISTIC_QUERY_ERROR = 9, /**< characteristic-query-error */
    CP_NODE_PARM_QUERY_ERROR = 10,      /**< parm-query-error */
    CP_NODE_NOCHARACTERISTIC_ERROR = 11, /**< nocharacteristic-error */
    CP_NODE_NOPARM_ERROR = 12           /**< noparm-error */
} cp_node_kind;

/** Number of node kinds (one past the last). */
#define CP_NODE_KIND_COUNT 13

/**
 * Attributes. Canonical XML output writes them in this order. Append-only.
 * The metadata attributes (CP_ATTR_SEMANTIC_TYPE and after) appear on parm
 * elements of a metadata answer.
 */
typedef enum cp_attr {
    CP_ATTR_VERSION = 0,     /**< version (root only) */
    CP_ATTR_TYPE = 1,        /**< type (characteristic forms) */
    CP_ATTR_NAME = 2,        /**< name (parm forms) */
    CP_ATTR_VALUE = 3,       /**< value (parm, parm-error) */
    CP_ATTR_DATATYPE = 4,    /**< datatype (parm) */
    CP_ATTR_TRANSLATION = 5, /**< translation: filesystem | install (characteristic, parm) */
    CP_ATTR_RECURSIVE = 6,   /**< recursive: true | false (characteristic-query) */
    CP_ATTR_MWID = 7,        /**< mwid (characteristic, characteristic-query, nocharacteristic) */
    CP_ATTR_DESC = 8,        /**< desc: the reason on a *-error form */
    CP_ATTR_SEMANTIC_TYPE = 9, /**< semantic-type (metadata) */
    CP_ATTR_MINVALUE = 10,   /**< minvalue (metadata) */
    CP_ATTR_MAXVALUE = 11,   /**< maxvalue (metadata) */
    CP_ATTR_MAXLENGTH = 12,  /**< maxlength (metadata) */
    CP_ATTR_OPTIONS = 13,    /**< options (metadata) */
    CP_ATTR_MULTIPLE = 14,   /**< multiple (metadata) */
    CP_ATTR_RW_ACCESS = 15,  /**< rw-access (metadata) */
    CP_ATTR_LABEL = 16,      /**< label (metadata) */
    CP_ATTR_ACCESS_ROLES = 17 /**< access-roles (metadata: the role mask) */
} cp_attr;

/** Number of attributes (one past the last). */
#define CP_ATTR_COUNT 18

/** XML name of a node kind ("characteristic", ...), or NULL if out of range. */
CP_EXPORT const char *cp_node_kind_name(cp_node_kind kind);
/** XML name of an attribute ("type", ...), or NULL if out of range. */
CP_EXPORT const char *cp_attr_name(cp_attr attr);

/* ---- decoding --------------------------------------------------------- */

/**
 * Decode a WBXML provisioning document (WBXML 1.1-1.3, public id 0x0B or
 * the PROV FPI in the string table, charset UTF-8, US-ASCII or ISO-8859-1).
 * On success *out owns the document (free with cp_doc_free). On failure *out
 * is NULL, nothing leaks, and the ctx's error detail names the byte offset.
 * Errors: CP_E_TRUNCATED, CP_E_MALFORMED, CP_E_OVERFLOW, CP_E_UNKNOWN_TOKEN,
 * CP_E_CHARSET, CP_E_NOT_PROV, CP_E_LIMIT, CP_E_GRAMMAR, CP_E_NOMEM.
 */
CP_EXPORT cp_status cp_doc_decode_wbxml(cp_ctx *ctx, const uint8_t *in,
                                        size_t in_len, cp_doc **out);

/**
 * Parse the textual XML form (UTF-8, or another encoding expat knows when
 * the XML declaration names it). A DOCTYPE naming the PROV DTD is accepted
 * and never fetched; entity and attribute-list declarations and parameter
 * entity references in an internal subset are refused (CP_E_DTD); external
 * entities are never loaded; only the five predefined entities may be
 * referenced. Errors carry line and column (0 for the size limit, checked
 * before parsing): CP_E_XML, CP_E_GRAMMAR, CP_E_DTD, CP_E_LIMIT, CP_E_NOMEM,
 * CP_E_INVALID_ARG, and CP_E_UNSUPPORTED in a build without the XML front
 * end (NO_XML).
 */
CP_EXPORT cp_status cp_doc_parse_xml(cp_ctx *ctx, const char *in,
                                     size_t in_len, cp_doc **out);

/**
 * Decode either form: WBXML when the first octet is a WBXML version
 * (0x01-0x03), XML text otherwise.
 */
CP_EXPORT cp_status cp_doc_load(cp_ctx *ctx, const uint8_t *in, size_t in_len,
                                cp_doc **out);

/** Free a document and every node and string in it. NULL is a no-op. */
CP_EXPORT void cp_doc_free(cp_doc *doc);

/* ---- encoding ----------------------------------------------------------- */

/** cp_doc_write_xml flag: indent nested elements, one per line. */
#define CP_XML_PRETTY 0x0001u
/** cp_doc_write_xml flag: start with <?xml version="1.0" encoding="UTF-8"?>. */
#define CP_XML_DECLARATION 0x0002u

/**
 * Write the document as canonical XML: UTF-8, no whitespace between elements
 * (unless CP_XML_PRETTY), attributes in cp_attr order, & < > " and control
 * characters escaped (tab, LF, CR and other C0 controls as numeric character references; the other
 * controls cannot be read back as XML 1.0), parm-like elements self-closed,
 * characteristic-like
 * elements always with an end tag. The same tree always gives the same bytes.
 * *out is NUL-terminated (not counted in *out_len) and is freed with
 * cp_free(ctx, *out). Unknown flags: CP_E_INVALID_ARG.
 */
CP_EXPORT cp_status cp_doc_write_xml(cp_ctx *ctx, const cp_doc *doc,
                                     unsigned int flags, char **out,
                                     size_t *out_len);

/** cp_doc_encode_wbxml flag: write every string inline (STR_I). */
#define CP_WBXML_NO_STRING_TABLE 0x0001u

/**
 * Encode as WBXML 1.3, public id 0x0B, UTF-8, with the PROV tokens of code
 * pages 0 and 1 (switching the attribute page where a name or value needs
 * a page-1 token). By default repeated strings go to the string table; with
 * CP_WBXML_NO_STRING_TABLE strings are inline, and the string table holds
 * only the names that have no token (Windows Mobile elements and attributes,
 * which WBXML can only carry as LITERAL references), and is empty when the
 * document has none. Decoding the result gives back the same document.
 * *out is freed with cp_free(ctx, *out).
 */
CP_EXPORT cp_status cp_doc_encode_wbxml(cp_ctx *ctx, const cp_doc *doc,
                                        unsigned int flags, uint8_t **out,
                                        size_t *out_len);

/* ---- reading ------------------------------------------------------------ */

/** The root (wap-provisioningdoc) element; never NULL for a valid doc. */
CP_EXPORT const cp_node *cp_doc_root(const cp_doc *doc);
/** Number of elements in the document, root included. */
CP_EXPORT size_t cp_doc_element_count(const cp_doc *doc);
/** Kind of a node. */
CP_EXPORT cp_node_kind cp_node_get_kind(const cp_node *node);
/** First child of a node, or NULL. */
CP_EXPORT const cp_node *cp_node_first_child(const cp_node *node);
/** Next sibling of a node, or NULL. */
CP_EXPORT const cp_node *cp_node_next(const cp_node *node);
/** Parent of a node, or NULL for the root. */
CP_EXPORT const cp_node *cp_node_parent(const cp_node *node);
/**
 * Value of an attribute as NUL-terminated UTF-8, or NULL when the node does
 * not carry it. The string lives as long as the document.
 */
CP_EXPORT const char *cp_node_attr(const cp_node *node, cp_attr attr);

/* ---- building ----------------------------------------------------------- */

/**
 * Make an empty document (just the root) using ctx's allocator. The
 * document may outlive ctx only if the allocator does.
 */
CP_EXPORT cp_status cp_doc_new(cp_ctx *ctx, cp_doc **out);

/**
 * Append a new child of the given kind as the last child of parent (a node
 * of doc). *out (if not NULL) receives it. Fails with CP_E_GRAMMAR when
 * that kind may not stand under parent, CP_E_LIMIT at the element limit,
 * CP_E_INVALID_ARG when parent belongs to another document.
 */
CP_EXPORT cp_status cp_node_add(cp_doc *doc, const cp_node *parent,
                                cp_node_kind kind, const cp_node **out);

/**
 * Set (value != NULL) or remove (value == NULL) an attribute of a node of
 * doc. The value is copied; it must be valid UTF-8 without NUL characters
 * (CP_E_CHARSET) and may not be set on a kind that does not take it
 * (CP_E_GRAMMAR). A node of another document: CP_E_INVALID_ARG.
 */
CP_EXPORT cp_status cp_node_set_attr(cp_doc *doc, const cp_node *node,
                                     cp_attr attr, const char *value);

/* ---- validation ------------------------------------------------------- */

/**
 * Check a document against the ProvCont rules (protocol.md b.8): which
 * parms and child characteristics each ProvCont characteristic takes and
 * how often (exactly once, at most once, at least once), integer and
 * enumerated values (BEARER, NAP-ADDRTYPE, AUTHTYPE, SERVICE, ...), and
 * which types may stand at the top. APPLICATION and VENDORCONFIG may carry
 * further application-specific parms; types the table does not know (host
 * and Windows Mobile CSPs) are not checked. Returns CP_OK or CP_E_BAD_DOC,
 * with the message and the element path of the first violation in ctx.
 *
 * cp_process_config_xml runs it first when cp_config.strict_validation is
 * set, and then fails the document on the offending element (renamed to
 * its *-error form with the reason). Lenient (the default) does not check:
 * real operator documents, the ProvCont 1.1 example among them (an empty
 * ACCESS), break these rules.
 */
CP_EXPORT cp_status cp_doc_validate(cp_ctx *ctx, const cp_doc *doc);

#ifdef __cplusplus
}
#endif
#endif /* OMACP_DOC_H */
