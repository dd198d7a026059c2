/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tree.h: the cache of spaces, directories and files the TUI browses.
 *
 * Nodes are keyed by file id. A directory's children load page by page
 * when it is expanded; the listener hears about every page, so a view can
 * show rows as they arrive. Collapsing a directory that is still loading
 * cancels the load (what arrived stays). Memory is bounded: past the node
 * limit, the children of collapsed directories least recently used are
 * dropped, to be loaded again when needed.
 *
 * Node pointers stay valid until the node is dropped (refresh, eviction,
 * od_tree_free); views should keep file ids and look nodes up again. */
#ifndef ONETUI_TREE_H
#define ONETUI_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/attrs.h"
#include "onetui/compiler.h"
#include "onetui/error.h"
#include "onetui/zone.h"

struct od_tree;
struct od_node;
struct od_dataset;

/* What a node stands for. A space's datasets form trees of their own
 * (attached and detached ones apart), beside its directory tree. */
enum od_node_kind {
	OD_NODE_FILE,		/* a file or directory; a space root too */
	OD_NODE_DATASETS,	/* a space's top-level datasets */
	OD_NODE_DATASET,	/* a dataset; its children are its nested datasets */
};
/* od_node_dataset_flags: OD_PROTECT_* (fileinfo.h) and this. */
#define OD_NODE_DETACHED (1u << 4)

enum od_load_state {
	OD_LOAD_NONE,		/* children never asked for, or dropped */
	OD_LOAD_RUNNING,	/* pages arriving */
	OD_LOAD_PARTIAL,	/* stopped before the end (cancelled or memory limit) */
	OD_LOAD_DONE,
	OD_LOAD_FAILED,		/* see od_node_error */
};

enum od_tree_event {
	OD_TREE_PAGE,		/* more children arrived */
	OD_TREE_FINISHED,	/* the load ended: done, partial or failed */
	OD_TREE_DROPPED,	/* the children were dropped (refresh, memory limit) */
	OD_TREE_SIZE,		/* the node (a directory) now knows its size */
};

/* dir is the directory whose children changed, or for OD_TREE_SIZE the
 * directory sized. */
typedef void od_tree_listener(struct od_tree *t, struct od_node *dir, enum od_tree_event ev, void *ud);

/* A tree over the zone's spaces holding at most max_nodes nodes (0: one
 * million). */
struct od_tree *od_tree_new(struct od_zone *z, size_t max_nodes);
void od_tree_free(struct od_tree *t);
void od_tree_set_listener(struct od_tree *t, od_tree_listener *fn, void *ud);

/* The node of a space's root directory (created on first use; NULL only
 * when out of memory). Its id is the space id. */
struct od_node *od_tree_space_root(struct od_tree *t, struct od_space *s);
/* The root whose children are a space's top-level datasets, attached or
 * detached. Its id is made up ("datasets:attached:<space id>"). */
struct od_node *od_tree_datasets_root(struct od_tree *t, struct od_space *s, bool detached);
/* The root of a public share: the shared file or directory, with its
 * attributes a (fileId, a share-scoped id, and name; type, size, mtime and
 * mode when a has them). It and all below it are listed through the zone's
 * public share data path, without a token. Made on first use; NULL when
 * out of memory. */
struct od_node *od_tree_share_root(struct od_tree *t, const char *share_id, const struct od_attrs *a);
/* Start loading a directory's children if they are not (all) there, and
 * keep them while it stays expanded. 0, or -ENOMEM. */
int od_tree_expand(struct od_tree *t, struct od_node *dir) OD_WARN_UNUSED;
/* Stop caring: cancel a running load; the children may be dropped later. */
void od_tree_collapse(struct od_tree *t, struct od_node *dir);
/* Drop the children and, if the directory is expanded, load them again. */
int od_tree_refresh(struct od_tree *t, struct od_node *dir) OD_WARN_UNUSED;
struct od_node *od_tree_find(const struct od_tree *t, const char *file_id);
/* Ask for a directory's size from the provider's directory statistics
 * (its size attribute is null). A few are read at once, the latest wishes
 * first; OD_TREE_SIZE tells when one is known. A space whose provider
 * keeps no statistics is not asked again. Asking twice does nothing. */
void od_tree_want_size(struct od_tree *t, struct od_node *n);
size_t od_tree_node_count(const struct od_tree *t);

const char *od_node_name(const struct od_node *n);
enum od_node_kind od_node_kind(const struct od_node *n);
/* A dataset's root file id and path ("/space/..."); NULL for other nodes.
 * Its type is the root file's. */
const char *od_node_root_file_id(const struct od_node *n);
const char *od_node_root_path(const struct od_node *n);
/* Datasets: their own protection and OD_NODE_DETACHED; a datasets root:
 * OD_NODE_DETACHED for the detached ones; 0 for files. */
unsigned od_node_dataset_flags(const struct od_node *n);
/* The file id; caller frees (NULL when out of memory). */
char *od_node_id(const struct od_node *n);
enum od_file_type od_node_type(const struct od_node *n);
int64_t od_node_size(const struct od_node *n);	/* -1 unknown */
int64_t od_node_mtime(const struct od_node *n);
unsigned od_node_mode(const struct od_node *n);
struct od_node *od_node_parent(const struct od_node *n);
/* The space the node belongs to; NULL in a public share. */
struct od_space *od_node_space(const struct od_tree *t, const struct od_node *n);
/* The id of the public share the node is in, or NULL. */
const char *od_node_share_id(const struct od_tree *t, const struct od_node *n);
bool od_node_expanded(const struct od_node *n);

enum od_load_state od_node_load_state(const struct od_node *n);
const struct od_error *od_node_error(const struct od_node *n);
size_t od_node_child_count(const struct od_node *n);
struct od_node *od_node_child(const struct od_node *n, size_t i);

#ifdef OD_UNITTEST
/* Take a page of dir's listing as if it had arrived from the provider. */
bool od_tree_receive_page(struct od_tree *t, struct od_node *dir, const struct od_attrs *v, size_t n);
/* The same for one dataset record of a datasets listing. */
bool od_tree_receive_dataset(struct od_tree *t, struct od_node *dir, const char *name, const struct od_dataset *ds);
size_t od_tree_dir_count(const struct od_tree *t);
#endif

#endif
