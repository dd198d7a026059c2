/* SPDX-License-Identifier: GPL-3.0-or-later */
/* tree.c: the node cache behind the TUI's tree.
 *
 * Memory matters here: a directory may hold 100,000 entries or more, so a
 * node is one allocation holding the fixed fields, the file id and the
 * name. File ids are long hexadecimal strings; they are kept as the bytes
 * they spell, which halves them. Directory state lives in a separate
 * struct that only expanded directories get. */
#include "config.h"

#include "onetui/tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "onetui/fileinfo.h"
#include "onetui/i18n.h"
#include "onetui/provider.h"
#include "onetui/str.h"

#include "engine-int.h"

#define DEFAULT_MAX_NODES 1000000
#define MAX_ID_BYTES 0xffff

enum id_kind {
	ID_RAW,		/* stored as given */
	ID_HEX_UPPER,	/* [0-9A-F]{2n} stored as n bytes */
	ID_HEX_LOWER,	/* [0-9a-f]{2n} stored as n bytes */
};

/* How far a directory's size has come (its size attribute is null). */
enum size_state {
	SIZE_UNASKED,
	SIZE_ASKED,		/* queued or in flight */
	SIZE_UNKNOWN,		/* the provider could not tell; not asked again */
};

/* Directory statistics in flight at once; more wait, newest first. */
#define SIZE_CALLS 4
#define SIZE_QUEUE 128

struct od_dir;

struct od_node {
	struct od_node *parent;
	struct od_node *hnext;		/* hash chain */
	struct od_dir *dir;		/* NULL until the directory is expanded */
	int64_t size;
	int64_t mtime;
	uint32_t mode;
	uint16_t id_len;		/* bytes of id stored in data */
	uint8_t type : 2;		/* enum od_file_type */
	uint8_t kind : 2;		/* enum od_node_kind */
	uint8_t size_state : 2;		/* enum size_state, directories */
	uint8_t id_kind;
	/* id bytes, then the name and its NUL; a dataset's root file id and
	 * root path follow, each with its NUL. */
	char data[];
};

struct load;

struct od_dir {
	struct od_node *node;
	struct od_node **v;
	size_t n, cap;
	enum od_load_state state;
	struct od_error *err;
	struct load *load;		/* the running load, or NULL */
	struct od_dir *lru_prev, *lru_next;	/* collapsed directories with children */
	bool expanded;
	bool in_lru;
};

/* A load in flight; detached (dir NULL) when the directory goes away
 * before its callback has run. */
struct load {
	struct od_tree *t;
	struct od_dir *dir;
	struct od_op *op;		/* listing or root lookup */
	/* Datasets: each listed one is read before it becomes a node. */
	size_t records;			/* dataset records in flight */
	bool listed;			/* the listing itself has ended */
	struct od_error *err;		/* how it ended */
};

struct root {
	struct od_space *space;	/* NULL for a public share */
	struct od_node *node;
	char *share_id;		/* a public share's root: its share id */
	bool no_stats;		/* the provider keeps no directory statistics */
};

/* One directory's statistics being read; t is NULL once the tree is gone. */
struct size_call {
	struct od_tree *t;
	char *id;
	struct od_op *op;
};

struct od_tree {
	struct od_zone *z;
	size_t max_nodes;
	size_t n_nodes;
	size_t n_dirs;
	struct od_node **buckets;
	size_t n_buckets;
	struct root *roots;
	size_t n_roots;
	struct od_dir *lru_head, *lru_tail;	/* head: most recently collapsed */
	od_tree_listener *listener;
	void *listener_ud;
	char *size_queue[SIZE_QUEUE];	/* directory ids; the newest last */
	size_t n_size_queue;
	struct size_call *size_calls[SIZE_CALLS];
};

static void
notify(struct od_tree *t, struct od_node *n, enum od_tree_event ev)
{
	if (t->listener)
		t->listener(t, n, ev, t->listener_ud);
}

/* --- ids and hashing ---------------------------------------------------------- */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static enum id_kind
id_kind_of(const char *id, size_t len)
{
	bool upper = false, lower = false;

	if (len == 0 || len % 2)
		return ID_RAW;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];
		if (c >= 'A' && c <= 'F')
			upper = true;
		else if (c >= 'a' && c <= 'f')
			lower = true;
		else if (c < '0' || c > '9')
			return ID_RAW;
	}
	if (upper && lower)
		return ID_RAW;
	return lower ? ID_HEX_LOWER : ID_HEX_UPPER;
}

/* Encode id into out (room for len bytes); returns the stored length. */
static size_t
id_encode(const char *id, size_t len, enum id_kind kind, uint8_t *out)
{
	if (kind == ID_RAW) {
		memcpy(out, id, len);
		return len;
	}
	for (size_t i = 0; i < len / 2; i++)
		out[i] = (uint8_t)(hexval(id[2 * i]) << 4 | hexval(id[2 * i + 1]));
	return len / 2;
}

static size_t
hash_bytes(const uint8_t *p, size_t n, uint8_t kind)
{
	uint64_t h = 1469598103934665603ULL ^ kind;

	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 29));
}

static size_t
node_hash(const struct od_node *n)
{
	return hash_bytes((const uint8_t *)n->data, n->id_len, n->id_kind);
}

static int
grow_buckets(struct od_tree *t)
{
	size_t nb = t->n_buckets ? t->n_buckets * 2 : 1024;
	struct od_node **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct od_node *n = t->buckets[i], *next;
		for (; n; n = next) {
			size_t h = node_hash(n) & (nb - 1);
			next = n->hnext;
			n->hnext = b[h];
			b[h] = n;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = nb;
	return 0;
}

static void
hash_remove(struct od_tree *t, struct od_node *n)
{
	struct od_node **p = &t->buckets[node_hash(n) & (t->n_buckets - 1)];

	for (; *p; p = &(*p)->hnext) {
		if (*p == n) {
			*p = n->hnext;
			return;
		}
	}
}

struct od_node *
od_tree_find(const struct od_tree *t, const char *file_id)
{
	size_t len = strlen(file_id);
	enum id_kind kind = id_kind_of(file_id, len);
	uint8_t stack[256], *key = len <= sizeof(stack) ? stack : malloc(len);
	struct od_node *n = NULL;
	size_t klen;

	if (!key || !t->n_buckets || len > 2 * MAX_ID_BYTES) {
		if (key != stack)
			free(key);
		return NULL;
	}
	klen = id_encode(file_id, len, kind, key);
	for (n = t->buckets[hash_bytes(key, klen, (uint8_t)kind) & (t->n_buckets - 1)]; n; n = n->hnext)
		if (n->id_kind == kind && n->id_len == klen && memcmp(n->data, key, klen) == 0)
			break;
	if (key != stack)
		free(key);
	return n;
}

/* --- nodes ------------------------------------------------------------------- */

/* A node named strs[0], with n - 1 more strings stored after the name. */
static struct od_node *
node_new(struct od_tree *t, struct od_node *parent, const char *id, const char *const *strs, size_t n_strs)
{
	size_t idlen = strlen(id), extra = 0;
	enum id_kind kind = id_kind_of(id, idlen);
	size_t stored = kind == ID_RAW ? idlen : idlen / 2;
	struct od_node *n;
	char *w;

	if (stored > MAX_ID_BYTES)
		return NULL;
	for (size_t i = 0; i < n_strs; i++)
		extra += strlen(strs[i]) + 1;
	if (t->n_nodes + 1 > t->n_buckets && grow_buckets(t) != 0)
		return NULL;
	n = malloc(sizeof(*n) + stored + extra);
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->parent = parent;
	n->size = -1;
	n->id_kind = (uint8_t)kind;
	n->id_len = (uint16_t)id_encode(id, idlen, kind, (uint8_t *)n->data);
	w = n->data + n->id_len;
	for (size_t i = 0; i < n_strs; i++) {
		size_t len = strlen(strs[i]) + 1;
		memcpy(w, strs[i], len);
		w += len;
	}
	{
		size_t h = node_hash(n) & (t->n_buckets - 1);
		n->hnext = t->buckets[h];
		t->buckets[h] = n;
	}
	t->n_nodes++;
	return n;
}

static void
node_set_attrs(struct od_node *n, const struct od_attrs *a)
{
	if (a->have & OD_ATTR_TYPE)
		n->type = (uint8_t)a->type;
	if (a->have & OD_ATTR_SIZE)
		n->size = a->size;
	if (a->have & OD_ATTR_MTIME)
		n->mtime = a->mtime;
	if (a->have & OD_ATTR_MODE)
		n->mode = a->mode;
}

const char *
od_node_name(const struct od_node *n)
{
	return n->data + n->id_len;
}

enum od_node_kind
od_node_kind(const struct od_node *n)
{
	return (enum od_node_kind)n->kind;
}

const char *
od_node_root_file_id(const struct od_node *n)
{
	const char *name = od_node_name(n);

	return n->kind == OD_NODE_DATASET ? name + strlen(name) + 1 : NULL;
}

const char *
od_node_root_path(const struct od_node *n)
{
	const char *id = od_node_root_file_id(n);

	return id ? id + strlen(id) + 1 : NULL;
}

unsigned
od_node_dataset_flags(const struct od_node *n)
{
	return n->kind == OD_NODE_FILE ? 0 : n->mode;
}

char *
od_node_id(const struct od_node *n)
{
	static const char upper[] = "0123456789ABCDEF", lower[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)n->data;
	const char *digits = n->id_kind == ID_HEX_LOWER ? lower : upper;
	size_t len = n->id_kind == ID_RAW ? n->id_len : 2u * n->id_len;
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	if (n->id_kind == ID_RAW) {
		memcpy(s, p, len);
	} else {
		for (size_t i = 0; i < n->id_len; i++) {
			s[2 * i] = digits[p[i] >> 4];
			s[2 * i + 1] = digits[p[i] & 15];
		}
	}
	s[len] = '\0';
	return s;
}

enum od_file_type
od_node_type(const struct od_node *n)
{
	return (enum od_file_type)n->type;
}

int64_t
od_node_size(const struct od_node *n)
{
	return n->size;
}

int64_t
od_node_mtime(const struct od_node *n)
{
	return n->mtime;
}

unsigned
od_node_mode(const struct od_node *n)
{
	return n->mode;
}

struct od_node *
od_node_parent(const struct od_node *n)
{
	return n->parent;
}

bool
od_node_expanded(const struct od_node *n)
{
	return n->dir && n->dir->expanded;
}

enum od_load_state
od_node_load_state(const struct od_node *n)
{
	return n->dir ? n->dir->state : OD_LOAD_NONE;
}

const struct od_error *
od_node_error(const struct od_node *n)
{
	return n->dir ? n->dir->err : NULL;
}

size_t
od_node_child_count(const struct od_node *n)
{
	return n->dir ? n->dir->n : 0;
}

struct od_node *
od_node_child(const struct od_node *n, size_t i)
{
	return n->dir && i < n->dir->n ? n->dir->v[i] : NULL;
}

size_t
od_tree_node_count(const struct od_tree *t)
{
	return t->n_nodes;
}

static struct root *
root_entry(const struct od_tree *t, const struct od_node *n)
{
	while (n->parent)
		n = n->parent;
	for (size_t i = 0; i < t->n_roots; i++)
		if (t->roots[i].node == n)
			return &t->roots[i];
	return NULL;
}

struct od_space *
od_node_space(const struct od_tree *t, const struct od_node *n)
{
	const struct root *r = root_entry(t, n);

	return r ? r->space : NULL;
}

/* --- the LRU of collapsed directories ------------------------------------------- */

static void
lru_remove(struct od_tree *t, struct od_dir *d)
{
	if (!d->in_lru)
		return;
	if (d->lru_prev)
		d->lru_prev->lru_next = d->lru_next;
	else
		t->lru_head = d->lru_next;
	if (d->lru_next)
		d->lru_next->lru_prev = d->lru_prev;
	else
		t->lru_tail = d->lru_prev;
	d->lru_prev = d->lru_next = NULL;
	d->in_lru = false;
}

static void
lru_push(struct od_tree *t, struct od_dir *d)
{
	lru_remove(t, d);
	if (d->expanded || d->n == 0)
		return;
	d->lru_next = t->lru_head;
	if (t->lru_head)
		t->lru_head->lru_prev = d;
	t->lru_head = d;
	if (!t->lru_tail)
		t->lru_tail = d;
	d->in_lru = true;
}

/* --- dropping children ------------------------------------------------------------ */

static void free_node(struct od_tree *t, struct od_node *n);

static void
detach_load(struct od_dir *d)
{
	if (d->load) {
		d->load->dir = NULL;
		od_op_cancel(d->load->op);
		d->load = NULL;
	}
}

static void
drop_children(struct od_tree *t, struct od_dir *d)
{
	detach_load(d);
	for (size_t i = 0; i < d->n; i++)
		free_node(t, d->v[i]);
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
	d->state = OD_LOAD_NONE;
	od_error_free(d->err);
	d->err = NULL;
	lru_remove(t, d);
}

static void
free_dir(struct od_tree *t, struct od_dir *d)
{
	drop_children(t, d);
	t->n_dirs--;
	free(d);
}

static void
free_node(struct od_tree *t, struct od_node *n)
{
	if (n->dir)
		free_dir(t, n->dir);
	hash_remove(t, n);
	t->n_nodes--;
	free(n);
}

static bool
is_ancestor(const struct od_node *a, const struct od_node *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

/* Drop collapsed directories' children, least recently used first, until
 * need more nodes fit; never those of keep or its ancestors. */
static bool
make_room(struct od_tree *t, size_t need, struct od_node *keep)
{
	struct od_dir *d = t->lru_tail;

	while (t->n_nodes + need > t->max_nodes && d) {
		struct od_dir *prev = d->lru_prev;
		if (!d->expanded && !d->load && !is_ancestor(d->node, keep)) {
			drop_children(t, d);
			notify(t, d->node, OD_TREE_DROPPED);
			/* The list may have lost more than d. */
			d = t->lru_tail;
			continue;
		}
		d = prev;
	}
	return t->n_nodes + need <= t->max_nodes;
}

/* --- the tree ---------------------------------------------------------------------- */

struct od_tree *
od_tree_new(struct od_zone *z, size_t max_nodes)
{
	struct od_tree *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->z = z;
	t->max_nodes = max_nodes ? max_nodes : DEFAULT_MAX_NODES;
	return t;
}

void
od_tree_free(struct od_tree *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_roots; i++) {
		free_node(t, t->roots[i].node);
		free(t->roots[i].share_id);
	}
	for (size_t i = 0; i < t->n_size_queue; i++)
		free(t->size_queue[i]);
	for (size_t i = 0; i < SIZE_CALLS; i++) {
		if (t->size_calls[i]) {
			t->size_calls[i]->t = NULL;
			od_op_cancel(t->size_calls[i]->op);
		}
	}
	free(t->roots);
	free(t->buckets);
	free(t);
}

void
od_tree_set_listener(struct od_tree *t, od_tree_listener *fn, void *ud)
{
	t->listener = fn;
	t->listener_ud = ud;
}

/* A new root node named name with id; NULL when out of memory. */
static struct root *
root_new(struct od_tree *t, const char *id, const char *name)
{
	struct root *v = realloc(t->roots, (t->n_roots + 1) * sizeof(*v));
	struct od_node *n;

	if (!v)
		return NULL;
	t->roots = v;
	n = id ? node_new(t, NULL, id, (const char *const[]){ name }, 1) : NULL;
	if (!n)
		return NULL;
	n->type = OD_FILE_DIR;
	n->kind = OD_NODE_FILE;
	v = &t->roots[t->n_roots++];
	*v = (struct root){ .node = n };
	return v;
}

/* The root of kind (and flags) for a space, made on first use. */
static struct od_node *
root_of(struct od_tree *t, struct od_space *s, enum od_node_kind kind, unsigned flags)
{
	const char *state = flags & OD_NODE_DETACHED ? "detached" : "attached";
	struct root *r;
	char *id;

	for (size_t i = 0; i < t->n_roots; i++) {
		struct od_node *n = t->roots[i].node;
		if (t->roots[i].space == s && !t->roots[i].share_id && n->kind == kind && n->mode == flags)
			return n;
	}
	/* Dataset roots get ids no file or dataset can have. */
	id = kind == OD_NODE_FILE ? strdup(s->id) : od_asprintf("datasets:%s:%s", state, s->id);
	r = root_new(t, id, s->name);
	free(id);
	if (!r)
		return NULL;
	r->space = s;
	r->node->kind = kind;
	r->node->mode = flags;
	return r->node;
}

struct od_node *
od_tree_share_root(struct od_tree *t, const char *share_id, const struct od_attrs *a)
{
	char *copy;
	struct root *r;

	for (size_t i = 0; i < t->n_roots; i++)
		if (od_str_eq(t->roots[i].share_id, share_id))
			return t->roots[i].node;
	if (!(copy = strdup(share_id)))
		return NULL;
	if (!(r = root_new(t, a->file_id, a->name))) {
		free(copy);
		return NULL;
	}
	r->share_id = copy;
	node_set_attrs(r->node, a);
	/* Public share data has no directory statistics. */
	r->no_stats = true;
	return r->node;
}

const char *
od_node_share_id(const struct od_tree *t, const struct od_node *n)
{
	const struct root *r = root_entry(t, n);

	return r ? r->share_id : NULL;
}

struct od_node *
od_tree_space_root(struct od_tree *t, struct od_space *s)
{
	return root_of(t, s, OD_NODE_FILE, 0775);
}

struct od_node *
od_tree_datasets_root(struct od_tree *t, struct od_space *s, bool detached)
{
	return root_of(t, s, OD_NODE_DATASETS, detached ? OD_NODE_DETACHED : 0);
}

static struct od_dir *
dir_of(struct od_tree *t, struct od_node *n)
{
	if (!n->dir) {
		n->dir = calloc(1, sizeof(*n->dir));
		if (!n->dir)
			return NULL;
		n->dir->node = n;
		t->n_dirs++;
	}
	return n->dir;
}

/* Room for n more children. */
static int
dir_reserve(struct od_dir *d, size_t n)
{
	size_t cap = d->cap ? d->cap : 16;
	struct od_node **nv;

	if (d->n + n <= d->cap)
		return 0;
	while (cap < d->n + n)
		cap *= 2;
	nv = realloc(d->v, cap * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	d->v = nv;
	d->cap = cap;
	return 0;
}

static int
add_entries(struct od_tree *t, struct od_dir *d, const struct od_attrs *v, size_t n)
{
	struct od_node *dirnode = d->node;

	if (dir_reserve(d, n) != 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct od_node *c = od_tree_find(t, v[i].file_id);
		/* A listing that repeats an id (a refresh race) updates the node. */
		if (c && c->parent == dirnode) {
			node_set_attrs(c, &v[i]);
			continue;
		}
		c = node_new(t, dirnode, v[i].file_id, &v[i].name, 1);
		if (!c)
			return -ENOMEM;
		node_set_attrs(c, &v[i]);
		d->v[d->n++] = c;
	}
	return 0;
}

#ifdef OD_UNITTEST
size_t
od_tree_dir_count(const struct od_tree *t)
{
	return t->n_dirs;
}
#endif


/* A page of a directory's listing arrived; false to stop listing. */
OD_STATIC bool
od_tree_receive_page(struct od_tree *t, struct od_node *dirnode, const struct od_attrs *entries, size_t n)
{
	struct od_dir *d = dir_of(t, dirnode);

	if (!d)
		return false;
	if (!make_room(t, n, d->node)) {
		d->err = od_error_new(OD_ERR_INTERNAL,
				      _("showing only the first %zu entries: the tree holds as many nodes as it may "
					"(%zu)"),
				      d->n, t->max_nodes);
		return false;
	}
	if (add_entries(t, d, entries, n) != 0) {
		d->err = od_error_nomem();
		return false;
	}
	notify(t, d->node, OD_TREE_PAGE);
	return true;
}

static bool
on_page(const struct od_attrs *entries, size_t n, void *ud)
{
	struct load *l = ud;

	return l->dir && od_tree_receive_page(l->t, l->dir->node, entries, n);
}

static void
on_listed(struct od_error *err, void *ud)
{
	struct load *l = ud;
	struct od_tree *t = l->t;
	struct od_dir *d = l->dir;

	if (!d) {
		od_error_free(err);
		free(l);
		return;
	}
	d->load = NULL;
	if (err && err->kind != OD_ERR_CANCELLED) {
		od_error_free(d->err);
		d->err = err;
		d->state = OD_LOAD_FAILED;
	} else {
		/* Stopped early: cancelled, or on_page gave up and said why. */
		d->state = err || d->err ? OD_LOAD_PARTIAL : OD_LOAD_DONE;
		od_error_free(err);
	}
	if (!d->expanded)
		lru_push(t, d);
	free(l);
	notify(t, d->node, OD_TREE_FINISHED);
}

/* --- datasets ----------------------------------------------------------------- */

/* One dataset being read, with the name the listing gave it. */
struct record {
	struct load *l;
	char *name;
};

/* A dataset's record arrived: it becomes a child of dir. */
OD_STATIC bool
od_tree_receive_dataset(struct od_tree *t, struct od_node *dirnode, const char *name, const struct od_dataset *ds)
{
	struct od_dir *d = dir_of(t, dirnode);
	const char *strs[] = { name, ds->root_file_id, ds->root_path ? ds->root_path : "" };
	struct od_node *c;

	if (!d || !make_room(t, 1, d->node))
		return false;
	c = od_tree_find(t, ds->id);
	if (c && c->parent == dirnode)
		return true;	/* listed twice (a failover started the listing again) */
	if (dir_reserve(d, 1) != 0 || !(c = node_new(t, dirnode, ds->id, strs, 3)))
		return false;
	c->kind = OD_NODE_DATASET;
	c->type = (uint8_t)ds->root_type;
	c->mode = ds->protection | (od_str_eq(ds->state, "detached") ? OD_NODE_DETACHED : 0);
	c->mtime = ds->created;
	d->v[d->n++] = c;
	notify(t, dirnode, OD_TREE_PAGE);
	return true;
}

/* The listing and every record have come back: the load is over. */
static void
datasets_settle(struct load *l)
{
	if (l->listed && !l->records)
		on_listed(l->err, l);
}

static void
on_record(const struct od_dataset *ds, struct od_error *err, void *ud)
{
	struct record *r = ud;
	struct load *l = r->l;

	l->records--;
	if (l->dir && !err && !od_tree_receive_dataset(l->t, l->dir->node, r->name, ds) && !l->dir->err)
		l->dir->err = od_error_nomem();
	else if (l->dir && err && err->kind != OD_ERR_CANCELLED && !l->dir->err)
		l->dir->err = err, err = NULL;
	od_error_free(err);
	free(r->name);
	free(r);
	datasets_settle(l);
}

static bool
on_dataset_page(const struct od_dataset_entry *v, size_t n, void *ud)
{
	struct load *l = ud;

	for (size_t i = 0; l->dir && i < n; i++) {
		struct record *r = calloc(1, sizeof(*r));
		if (!r || !(r->name = od_strdup(v[i].name)) ||
		    !od_dataset_get(l->t->z, od_node_space(l->t, l->dir->node), v[i].id, on_record, r)) {
			if (r)
				free(r->name);
			free(r);
			return false;
		}
		r->l = l;
		l->records++;
	}
	return l->dir != NULL;
}

static void
on_datasets_listed(struct od_error *err, void *ud)
{
	struct load *l = ud;

	l->listed = true;
	l->op = NULL;
	l->err = err;
	datasets_settle(l);
}

static int
start_datasets(struct load *l)
{
	struct od_node *n = l->dir->node;
	char *id = n->kind == OD_NODE_DATASET ? od_node_id(n) : NULL;

	if (n->kind == OD_NODE_DATASET && !id)
		return -ENOMEM;
	l->op = od_datasets_list(l->t->z, od_node_space(l->t, n), id, n->mode & OD_NODE_DETACHED, on_dataset_page,
				 on_datasets_listed, l);
	free(id);
	return l->op ? 0 : -ENOMEM;
}

/* --- loading ------------------------------------------------------------------- */

static int start_listing(struct load *l, const char *dir_id);

/* A space root's children need the root directory id first. */
static void
on_root(const char *file_id, struct od_error *err, void *ud)
{
	struct load *l = ud;

	if (!err && l->dir && start_listing(l, file_id) == 0)
		return;
	on_listed(err ? err : l->dir ? od_error_nomem() : NULL, l);
}

static int
start_listing(struct load *l, const char *dir_id)
{
	struct od_dir *d = l->dir;
	struct od_list_opts opts = {
		.attrs = OD_ATTRS_LISTING,
		.limit = 1000,
		.after = d->n ? od_node_name(d->v[d->n - 1]) : NULL,
	};

	l->op = od_provider_list(l->t->z, od_node_space(l->t, d->node), dir_id, &opts, on_page, on_listed, l);
	return l->op ? 0 : -ENOMEM;
}

static int
start_load(struct od_tree *t, struct od_dir *d)
{
	struct load *l = calloc(1, sizeof(*l));
	struct od_space *s = od_node_space(t, d->node);
	bool shared = !s && od_node_share_id(t, d->node);
	char *id;
	int rc;

	if (!l || (!s && !shared)) {
		free(l);
		return -ENOMEM;
	}
	l->t = t;
	l->dir = d;
	od_error_free(d->err);
	d->err = NULL;
	d->state = OD_LOAD_RUNNING;
	d->load = l;
	if (d->node->kind != OD_NODE_FILE) {
		rc = start_datasets(l);
	} else if (!d->node->parent && !shared) {
		l->op = od_provider_resolve(t->z, s, "", on_root, l);
		rc = l->op ? 0 : -ENOMEM;
	} else {
		id = od_node_id(d->node);
		rc = id ? start_listing(l, id) : -ENOMEM;
		free(id);
	}
	if (rc) {
		d->load = NULL;
		d->state = OD_LOAD_FAILED;
		d->err = od_error_nomem();
		free(l);
	}
	return rc;
}

int
od_tree_expand(struct od_tree *t, struct od_node *n)
{
	struct od_dir *d;

	if (n->type != OD_FILE_DIR)
		return 0;
	d = dir_of(t, n);
	if (!d)
		return -ENOMEM;
	d->expanded = true;
	lru_remove(t, d);
	if (d->state == OD_LOAD_NONE || d->state == OD_LOAD_PARTIAL || d->state == OD_LOAD_FAILED)
		return start_load(t, d);
	return 0;
}

void
od_tree_collapse(struct od_tree *t, struct od_node *n)
{
	struct od_dir *d = n->dir;

	if (!d)
		return;
	d->expanded = false;
	if (d->load)
		od_op_cancel(d->load->op);
	else
		lru_push(t, d);
}

int
od_tree_refresh(struct od_tree *t, struct od_node *n)
{
	struct od_dir *d = n->dir;

	if (!d)
		return 0;
	drop_children(t, d);
	notify(t, n, OD_TREE_DROPPED);
	return d->expanded ? start_load(t, d) : 0;
}

/* --- directory sizes ------------------------------------------------------------- */

static void pump_sizes(struct od_tree *t);

static void
on_size(const struct od_dir_stats *st, struct od_error *err, void *ud)
{
	struct size_call *c = ud;
	struct od_tree *t = c->t;
	struct od_node *n = t ? od_tree_find(t, c->id) : NULL;
	struct root *r;

	for (size_t i = 0; t && i < SIZE_CALLS; i++)
		if (t->size_calls[i] == c)
			t->size_calls[i] = NULL;
	if (n && !err) {
		n->size = st->size;
		notify(t, n, OD_TREE_SIZE);
	} else if (n) {
		n->size_state = err->kind == OD_ERR_CANCELLED ? SIZE_UNASKED : SIZE_UNKNOWN;
		/* Not offered for the space: the other directories need not ask. */
		if ((od_error_is(err, "dirStatsDisabledForSpace") || od_error_is(err, "dirStatsNotReady")) &&
		    (r = root_entry(t, n)))
			r->no_stats = true;
	}
	od_error_free(err);
	free(c->id);
	free(c);
	if (t)
		pump_sizes(t);
}

static void
pump_sizes(struct od_tree *t)
{
	for (;;) {
		size_t slot = 0;
		struct size_call *c;
		struct od_node *n;
		struct root *r;
		char *id;

		while (slot < SIZE_CALLS && t->size_calls[slot])
			slot++;
		if (slot == SIZE_CALLS || !t->n_size_queue)
			return;
		id = t->size_queue[--t->n_size_queue];
		n = od_tree_find(t, id);
		r = n ? root_entry(t, n) : NULL;
		if (!n || !r || r->no_stats || n->size >= 0 || !(c = calloc(1, sizeof(*c)))) {
			if (n && r)
				n->size_state = r->no_stats ? SIZE_UNKNOWN : SIZE_UNASKED;
			free(id);
			continue;
		}
		c->t = t;
		c->id = id;
		c->op = od_file_dir_stats(t->z, r->space, id, on_size, c);
		if (!c->op) {
			n->size_state = SIZE_UNASKED;
			free(id);
			free(c);
			return;
		}
		t->size_calls[slot] = c;
	}
}

void
od_tree_want_size(struct od_tree *t, struct od_node *n)
{
	struct root *r;
	struct od_node *old;
	char *id;

	if (n->kind != OD_NODE_FILE || n->type != OD_FILE_DIR || !n->parent || n->size >= 0 ||
	    n->size_state != SIZE_UNASKED)
		return;
	r = root_entry(t, n);
	if (!r || r->no_stats) {
		n->size_state = SIZE_UNKNOWN;
		return;
	}
	if (!(id = od_node_id(n)))
		return;
	if (t->n_size_queue == SIZE_QUEUE) {
		/* The oldest wish gives way: it is long off the screen. */
		if ((old = od_tree_find(t, t->size_queue[0])))
			old->size_state = SIZE_UNASKED;
		free(t->size_queue[0]);
		memmove(t->size_queue, t->size_queue + 1, (SIZE_QUEUE - 1) * sizeof(char *));
		t->n_size_queue--;
	}
	t->size_queue[t->n_size_queue++] = id;
	n->size_state = SIZE_ASKED;
	pump_sizes(t);
}
