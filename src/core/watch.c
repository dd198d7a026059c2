/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch.c: the folder watcher ingest is built on.
 *
 * Every regular file below the root that the globs let through has an
 * entry in a hash table keyed by its path below the root. Every folder has
 * one in a second table (and, while inotify watches it, in a third keyed
 * by its watch descriptor) and lists its files and subfolders, so that a
 * folder deleted or moved away is forgotten in time proportional to what
 * it held.
 *
 * Changes are learnt two ways. A scan lists the tree, one folder open at
 * a time, and stats each file; after a full scan, an entry it did not meet
 * is gone, unless a folder above it could not be listed. Under inotify, an
 * event only marks its file dirty; once the events at hand are read, each
 * dirty file is stat'ed once, so a storm of IN_MODIFY costs one lstat a
 * run. A new folder is watched first and listed next, so that a file made
 * in between is met by one or the other.
 *
 * A file whose size or mtime is not what was last reported complete (or
 * declared known), or that is another file (inode and ctime both
 * changed), is SEEN and pending: it waits on a list ordered by the
 * time of its last change and, once closed after writing, on a second list
 * ordered by the time of closing. Both times come from the monotonic clock
 * and only grow, so the next deadline is at the head of a list. At its
 * deadline the file is stat'ed again: unchanged, it is STABLE; changed, its
 * wait starts over. */
#include "config.h"

#include "onetui/watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/engine.h"
#include "onetui/i18n.h"
#include "onetui/log.h"
#include "onetui/str.h"

#define DEFAULT_CLOSE_GRACE_MS 1000
#define DEFAULT_POLL_MS 5000
#define DEFAULT_RESCAN_MS (10 * 60 * 1000)
/* Reads of the inotify descriptor a run, so that a storm of events cannot
 * keep od_watch_run from returning; the descriptor stays readable. */
#define MAX_READS 64

#define WATCH_MASK (IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | \
		    IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_ONLYDIR)

#define ENTRY_OF(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* inotify_add_watch, which the unit tests replace to reach the kernel's
 * limit of watches. */
OD_STATIC int (*od_watch_add_watch)(int fd, const char *path, uint32_t mask) = inotify_add_watch;

/* Network and cluster file systems, where another machine writes and
 * inotify hears nothing of it. */
static const struct {
	uint32_t magic;
	const char *name;
} network_fs_types[] = {
	{ 0x6969, "NFS" },
	{ 0x517B, "SMB" },
	{ 0xFF534D42, "CIFS" },
	{ 0xFE534D42, "SMB2" },
	{ 0x65735546, "FUSE" },
	{ 0x01021997, "9P" },
	{ 0x5346414F, "AFS" },
	{ 0x6B414653, "AFS" },
	{ 0x73757245, "Coda" },
	{ 0x564C, "NCP" },
	{ 0x00C36400, "CephFS" },
	{ 0x0BD00BD0, "Lustre" },
	{ 0x47504653, "GPFS" },
	{ 0x19830326, "BeeGFS" },
	{ 0x01161970, "GFS2" },
	{ 0x7461636F, "OCFS2" },
	{ 0xAAD7AAEA, "PanFS" },
};

/* An intrusive, circular, doubly linked list; a lone link points to itself. */
struct link {
	struct link *prev, *next;
};

/* A chained hash table of nodes embedded in the entries. */
struct hnode {
	struct hnode *next;
	size_t hash;
};

struct htable {
	struct hnode **buckets;
	size_t n_buckets, n;
};

/* What lstat says of a file, as far as telling a change goes. */
struct fstate {
	int64_t size, mtime_ns, ctime_ns;
	uint64_t ino;
};

struct wfile {
	struct hnode node;		/* in files, by path */
	struct wdir *dir;		/* where it was met; NULL while only declared known */
	struct link in_dir;
	struct link dirty;		/* an event asks to stat it again */
	struct link changing;		/* pending: in the order of last change */
	struct link closed;		/* pending and closed after writing: in the order of closing */
	long long changed_at, closed_at;
	struct fstate st;		/* as last stat'ed (when seen) */
	struct fstate done_st;		/* as last reported complete or declared known (when done) */
	unsigned gen;			/* the last full scan that met it */
	bool seen;
	bool done;
	bool tell_gone;			/* reported or declared known: its going is reported too */
	bool closed_last;		/* the last event about it was a close (or a rename into place) */
	bool problem;			/* a PROBLEM said it cannot be stat'ed */
	char path[];
};

struct wdir {
	struct hnode node;		/* in dirs, by path */
	struct hnode wd_node;		/* in wds, by watch descriptor, while watched */
	int wd;				/* -1: not watched */
	unsigned gen;			/* the last full scan that listed it or tried to */
	bool problem;			/* a PROBLEM said it cannot be listed */
	bool unreadable;		/* it is there but could not be listed: keep what it held */
	struct link in_parent;
	struct link subdirs;
	struct link files;
	char path[];			/* "" for the root */
};

struct od_watch {
	char *root;
	od_watch_fn *fn;
	void *ud;
	enum od_watch_mode mode;
	char **include, **exclude;
	size_t n_include, n_exclude;
	long stable_ms, close_grace_ms, poll_ms, rescan_ms;
	int ifd;			/* inotify; open until freed, also after falling back to polling */
	struct htable files, dirs, wds;
	struct link dirty, changing, closed;
	size_t n_pending;
	unsigned gen;			/* of the last full scan */
	bool scan_due;
	long long next_scan_at;		/* -1: none planned */
	long long now;			/* od_now_ms(), refreshed as work goes on */
	long long last_change_at;
	struct od_buf full, rel, ev_rel;	/* scratch paths */
};

/* --- lists and tables --------------------------------------------------------- */

static void
link_init(struct link *l)
{
	l->prev = l->next = l;
}

static bool
link_alone(const struct link *l)
{
	return l->next == l;
}

static void
link_remove(struct link *l)
{
	l->prev->next = l->next;
	l->next->prev = l->prev;
	link_init(l);
}

/* Put l at the end of the list head, taking it from where it was. */
static void
link_append(struct link *head, struct link *l)
{
	link_remove(l);
	l->prev = head->prev;
	l->next = head;
	head->prev->next = l;
	head->prev = l;
}

static size_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 31));
}

static size_t
hash_wd(int wd)
{
	uint64_t h = (uint64_t)(unsigned)wd * 0x9E3779B97F4A7C15ULL;

	return (size_t)(h ^ (h >> 29));
}

static struct hnode *
htable_chain(const struct htable *t, size_t hash)
{
	return t->n_buckets ? t->buckets[hash & (t->n_buckets - 1)] : NULL;
}

static int
htable_grow(struct htable *t)
{
	size_t nb = t->n_buckets ? t->n_buckets * 2 : 256;
	struct hnode **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct hnode *n = t->buckets[i], *next;
		for (; n; n = next) {
			next = n->next;
			n->next = b[n->hash & (nb - 1)];
			b[n->hash & (nb - 1)] = n;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->n_buckets = nb;
	return 0;
}

static int
htable_add(struct htable *t, struct hnode *n)
{
	struct hnode **slot;

	if (t->n >= t->n_buckets && htable_grow(t) != 0)
		return -ENOMEM;
	slot = &t->buckets[n->hash & (t->n_buckets - 1)];
	n->next = *slot;
	*slot = n;
	t->n++;
	return 0;
}

static void
htable_del(struct htable *t, struct hnode *n)
{
	for (struct hnode **p = &t->buckets[n->hash & (t->n_buckets - 1)]; *p; p = &(*p)->next) {
		if (*p == n) {
			*p = n->next;
			t->n--;
			return;
		}
	}
}

/* Call fn on every node of t; fn may take out the node it is given, and
 * no other. */
static void
htable_each(struct htable *t, void (*fn)(struct hnode *n, void *ud), void *ud)
{
	for (size_t i = 0; i < t->n_buckets; i++) {
		struct hnode *n, *next;
		for (n = t->buckets[i]; n; n = next) {
			next = n->next;
			fn(n, ud);
		}
	}
}

/* --- paths and globs ---------------------------------------------------------- */

/* dir/name in b, or either alone when the other is empty; NULL when out
 * of memory. Valid until b is used again. */
static const char *
path_join(struct od_buf *b, const char *dir, const char *name)
{
	size_t n = strlen(dir);

	od_buf_reset(b);
	if (od_buf_adds(b, dir) != 0)
		return NULL;
	if (n && *name && dir[n - 1] != '/' && od_buf_addc(b, '/') != 0)
		return NULL;
	if (od_buf_adds(b, name) != 0)
		return NULL;
	return od_buf_str(b);
}

/* The path of rel for system calls. */
static const char *
full_path(struct od_watch *w, const char *rel)
{
	return path_join(&w->full, w->root, rel);
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The length of the folder part of path[0, n): "a/b" of "a/b/c", 0 for "c". */
static size_t
parent_len(const char *path, size_t n)
{
	while (n > 0 && path[n - 1] != '/')
		n--;
	return n > 0 ? n - 1 : 0;
}

static bool
matches_any(char *const *globs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (fnmatch(globs[i], path, 0) == 0 || fnmatch(globs[i], base_name(path), 0) == 0)
			return true;
	return false;
}

static bool
excluded(const struct od_watch *w, const char *path)
{
	return matches_any(w->exclude, w->n_exclude, path);
}

static bool
included(const struct od_watch *w, const char *path)
{
	return !w->n_include || matches_any(w->include, w->n_include, path);
}

/* Whether a folder on the way to path is excluded, and so never listed. */
static bool
in_excluded_folder(const struct od_watch *w, const char *path)
{
	char *p = od_strdup(path);
	bool hit = false;

	if (!p)
		return false;
	for (char *slash = strchr(p, '/'); slash && !hit; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		hit = excluded(w, p);
		*slash = '/';
	}
	free(p);
	return hit;
}

/* --- reporting ---------------------------------------------------------------- */

static void
emit(struct od_watch *w, enum od_watch_event_kind kind, const char *path, const struct fstate *s)
{
	struct od_watch_file file = { .path = path, .size = s->size, .mtime_ns = s->mtime_ns, .ino = s->ino,
				      .ctime_ns = s->ctime_ns };
	struct od_watch_event ev = { .kind = kind, .file = path ? &file : NULL };

	w->fn(&ev, w->ud);
}

/* Report err (taken over). */
static void
emit_problem(struct od_watch *w, struct od_error *err)
{
	struct od_watch_event ev = { .kind = OD_WATCH_PROBLEM, .err = err };

	w->fn(&ev, w->ud);
	od_error_free(err);
}

static long long
after(long long at, long ms)
{
	return ms > LLONG_MAX - at ? LLONG_MAX : at + ms;
}

/* The earlier of two times, -1 standing for never. */
static long long
earlier(long long a, long long b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

static void
plan_scan_by(struct od_watch *w, long long at)
{
	w->next_scan_at = earlier(w->next_scan_at, at);
}

/* Something could not be recorded: say so, and look at the whole tree
 * again soon to make up for it. */
static void
out_of_memory(struct od_watch *w)
{
	plan_scan_by(w, after(w->now, w->poll_ms));
	emit_problem(w, od_error_nomem());
}

/* --- files -------------------------------------------------------------------- */

static struct wfile *
find_file(const struct od_watch *w, const char *path)
{
	size_t h = hash_bytes(path, strlen(path));

	for (struct hnode *n = htable_chain(&w->files, h); n; n = n->next) {
		struct wfile *f = ENTRY_OF(n, struct wfile, node);
		if (n->hash == h && strcmp(f->path, path) == 0)
			return f;
	}
	return NULL;
}

static struct wfile *
new_file(struct od_watch *w, const char *path)
{
	size_t len = strlen(path);
	struct wfile *f = calloc(1, sizeof(*f) + len + 1);

	if (!f)
		return NULL;
	memcpy(f->path, path, len + 1);
	f->node.hash = hash_bytes(path, len);
	link_init(&f->in_dir);
	link_init(&f->dirty);
	link_init(&f->changing);
	link_init(&f->closed);
	if (htable_add(&w->files, &f->node) != 0) {
		free(f);
		return NULL;
	}
	return f;
}

static void
attach_file(struct wfile *f, struct wdir *d)
{
	f->dir = d;
	link_append(&d->files, &f->in_dir);
}

/* The entry of the file path in the folder d, made when there is none. */
static struct wfile *
file_in(struct od_watch *w, struct wdir *d, const char *path)
{
	struct wfile *f = find_file(w, path);

	if (!f && !(f = new_file(w, path)))
		return NULL;
	if (f->dir != d)
		attach_file(f, d);
	return f;
}

static bool
pending(const struct wfile *f)
{
	return !link_alone(&f->changing);
}

/* f is no longer waited for. */
static void
end_wait(struct od_watch *w, struct wfile *f)
{
	if (pending(f))
		w->n_pending--;
	link_remove(&f->changing);
	link_remove(&f->closed);
}

static void
free_file(struct od_watch *w, struct wfile *f)
{
	end_wait(w, f);
	link_remove(&f->in_dir);
	link_remove(&f->dirty);
	htable_del(&w->files, &f->node);
	free(f);
}

static void
gone(struct od_watch *w, struct wfile *f)
{
	if (f->tell_gone)
		emit(w, OD_WATCH_GONE, f->path, f->seen ? &f->st : &f->done_st);
	free_file(w, f);
}

/* f changed now (and was closed after that when closed is true): its wait
 * for completeness starts over. */
static void
restart_wait(struct od_watch *w, struct wfile *f, bool closed)
{
	if (!pending(f))
		w->n_pending++;
	f->changed_at = w->now;
	link_append(&w->changing, &f->changing);
	if (closed) {
		f->closed_at = w->now;
		link_append(&w->closed, &f->closed);
	} else {
		link_remove(&f->closed);
	}
	w->last_change_at = w->now;
}

static void
report_stable(struct od_watch *w, struct wfile *f)
{
	end_wait(w, f);
	f->done = true;
	f->done_st = f->st;
	f->tell_gone = true;
	emit(w, OD_WATCH_STABLE, f->path, &f->st);
}

static void
state_of(const struct stat *st, struct fstate *out)
{
	out->size = st->st_size;
	out->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
	out->ino = st->st_ino;
}

/* The same file as it was: same size and mtime, and not another file put
 * in its place (another inode with a change time of its own). */
static bool
same_state(const struct fstate *a, const struct fstate *b)
{
	return a->size == b->size && a->mtime_ns == b->mtime_ns &&
	       (!a->ino || !b->ino || a->ino == b->ino || !a->ctime_ns || !b->ctime_ns || a->ctime_ns == b->ctime_ns);
}

static bool
same_as_stat(const struct wfile *f, const struct stat *st)
{
	struct fstate now;

	state_of(st, &now);
	return f->seen && same_state(&f->st, &now);
}

/* lstat says f is a regular file with st's size and time. */
static void
update_file(struct od_watch *w, struct wfile *f, const struct stat *st)
{
	bool changed = !same_as_stat(f, st), closed = f->closed_last;

	f->closed_last = false;
	f->problem = false;
	f->seen = true;
	state_of(st, &f->st);
	if (pending(f)) {
		if (changed) {
			restart_wait(w, f, closed);
		} else if (closed) {
			f->closed_at = w->now;
			link_append(&w->closed, &f->closed);
		}
		return;
	}
	if (f->done && same_state(&f->st, &f->done_st))
		return;
	f->tell_gone = true;
	restart_wait(w, f, closed);
	emit(w, OD_WATCH_SEEN, f->path, &f->st);
	if (w->stable_ms < 0)
		report_stable(w, f);
}

static bool
vanished(int err)
{
	return err == ENOENT || err == ENOTDIR || err == ELOOP;
}

/* f could not be stat'ed (err), or is no regular file any more (err 0). */
static void
file_missing(struct od_watch *w, struct wfile *f, int err)
{
	const char *full;

	if (!err || vanished(err)) {
		gone(w, f);
		return;
	}
	if (pending(f))
		restart_wait(w, f, false);
	if (f->problem)
		return;
	f->problem = true;
	full = full_path(w, f->path);
	emit_problem(w, full ? od_error_errno(OD_ERR_IO, err, _("cannot read %s"), full) : od_error_nomem());
}

/* 0, or the errno of lstat of rel. */
static int
stat_rel(struct od_watch *w, const char *rel, struct stat *st)
{
	const char *full = full_path(w, rel);

	if (!full)
		return ENOMEM;
	return lstat(full, st) == 0 ? 0 : errno;
}

/* What lstat of f said: err, or st. */
static void
apply_stat(struct od_watch *w, struct wfile *f, int err, const struct stat *st)
{
	if (err || !S_ISREG(st->st_mode))
		file_missing(w, f, err);
	else
		update_file(w, f, st);
}

/* f's wait is over: it is complete if it is still as last seen. */
static void
settle_file(struct od_watch *w, struct wfile *f)
{
	struct stat st;
	int err = stat_rel(w, f->path, &st);

	if (!err && S_ISREG(st.st_mode) && same_as_stat(f, &st))
		report_stable(w, f);
	else
		apply_stat(w, f, err, &st);
}

/* Report the files whose wait is over. */
static void
settle(struct od_watch *w)
{
	w->now = od_now_ms();
	while (w->stable_ms >= 0 && !link_alone(&w->changing)) {
		struct wfile *f = ENTRY_OF(w->changing.next, struct wfile, changing);
		if (after(f->changed_at, w->stable_ms) > w->now)
			break;
		settle_file(w, f);
	}
	while (!link_alone(&w->closed)) {
		struct wfile *f = ENTRY_OF(w->closed.next, struct wfile, closed);
		if (after(f->closed_at, w->close_grace_ms) > w->now)
			break;
		settle_file(w, f);
	}
}

/* --- folders ------------------------------------------------------------------ */

static struct wdir *
find_dir_n(const struct od_watch *w, const char *path, size_t len)
{
	size_t h = hash_bytes(path, len);

	for (struct hnode *n = htable_chain(&w->dirs, h); n; n = n->next) {
		struct wdir *d = ENTRY_OF(n, struct wdir, node);
		if (n->hash == h && strncmp(d->path, path, len) == 0 && d->path[len] == '\0')
			return d;
	}
	return NULL;
}

static struct wdir *
find_dir(const struct od_watch *w, const char *path)
{
	return find_dir_n(w, path, strlen(path));
}

static struct wdir *
find_wd(const struct od_watch *w, int wd)
{
	size_t h = hash_wd(wd);

	for (struct hnode *n = htable_chain(&w->wds, h); n; n = n->next) {
		struct wdir *d = ENTRY_OF(n, struct wdir, wd_node);
		if (d->wd == wd)
			return d;
	}
	return NULL;
}

/* The entry of the folder path, made when there is none. */
static struct wdir *
folder(struct od_watch *w, const char *path)
{
	size_t len = strlen(path);
	struct wdir *d = find_dir_n(w, path, len), *parent;

	if (d)
		return d;
	d = calloc(1, sizeof(*d) + len + 1);
	if (!d)
		return NULL;
	memcpy(d->path, path, len + 1);
	d->node.hash = hash_bytes(path, len);
	d->wd = -1;
	link_init(&d->in_parent);
	link_init(&d->subdirs);
	link_init(&d->files);
	if (htable_add(&w->dirs, &d->node) != 0) {
		free(d);
		return NULL;
	}
	if (len && (parent = find_dir_n(w, path, parent_len(path, len))))
		link_append(&parent->subdirs, &d->in_parent);
	return d;
}

/* Forget d's watch descriptor (the kernel has already dropped it). */
static void
unmap_watch(struct od_watch *w, struct wdir *d)
{
	if (d->wd < 0)
		return;
	htable_del(&w->wds, &d->wd_node);
	d->wd = -1;
}

static void
unwatch(struct od_watch *w, struct wdir *d)
{
	if (d->wd >= 0)
		inotify_rm_watch(w->ifd, d->wd);
	unmap_watch(w, d);
}

/* Free d's entry alone: what it held stays, detached. */
static void
drop_dir(struct od_watch *w, struct wdir *d)
{
	unwatch(w, d);
	while (!link_alone(&d->subdirs))
		link_remove(d->subdirs.next);
	while (!link_alone(&d->files)) {
		struct wfile *f = ENTRY_OF(d->files.next, struct wfile, in_dir);
		link_remove(&f->in_dir);
		f->dir = NULL;
	}
	link_remove(&d->in_parent);
	htable_del(&w->dirs, &d->node);
	free(d);
}

/* d and everything below it is no longer there (deleted, moved away). */
static void
forget_tree(struct od_watch *w, struct wdir *d)
{
	while (!link_alone(&d->subdirs))
		forget_tree(w, ENTRY_OF(d->subdirs.next, struct wdir, in_parent));
	while (!link_alone(&d->files))
		gone(w, ENTRY_OF(d->files.next, struct wfile, in_dir));
	drop_dir(w, d);
}

static bool
is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !n || (strncmp(path, dir, n) == 0 && path[n] == '/');
}

/* d is watched as wd. The kernel gives the same descriptor for the same
 * folder, so a descriptor that belongs to another entry means that folder
 * moved while its events were lost: the entry at the old path goes. */
static void
map_watch(struct od_watch *w, struct wdir *d, int wd)
{
	struct wdir *old = find_wd(w, wd);

	if (old == d)
		return;
	if (old) {
		/* Met twice in one scan (a bind mount): its events go to the first. */
		if (old->gen == w->gen || is_below(d->path, old->path))
			return;
		unmap_watch(w, old);
		forget_tree(w, old);
	}
	unwatch(w, d);	/* the path holds another folder than before */
	d->wd = wd;
	d->wd_node.hash = hash_wd(wd);
	if (htable_add(&w->wds, &d->wd_node) != 0) {
		inotify_rm_watch(w->ifd, wd);
		d->wd = -1;
		out_of_memory(w);
	}
}

static void
unwatch_node(struct hnode *n, void *w)
{
	unwatch(w, ENTRY_OF(n, struct wdir, node));
}

/* inotify cannot watch every folder: polling takes over for good. The
 * descriptor stays open, without watches, so that a caller still waiting
 * on it never waits on a closed or reused one. */
static void
fall_back_to_polling(struct od_watch *w, const char *full, int err)
{
	long secs = (w->poll_ms + 999) / 1000;
	struct od_error *e;

	if (err == ENOSPC)
		e = od_error_new(OD_ERR_IO, _("cannot watch %s for changes: the system's limit of watched folders "
					      "(fs.inotify.max_user_watches) is reached; looking for changes every "
					      "%ld s instead"),
				 full, secs);
	else
		e = od_error_new(OD_ERR_IO, _("cannot watch %s for changes: %s; looking for changes every %ld s instead"),
				 full, strerror(err), secs);
	if (e->kind == OD_ERR_IO)
		e->sys_errno = err;
	od_log(OD_LOG_INFO, "watch %s: inotify_add_watch: %s; polling from now on", w->root, strerror(err));
	w->mode = OD_WATCH_POLL;
	htable_each(&w->dirs, unwatch_node, w);
	plan_scan_by(w, after(w->now, w->poll_ms));
	emit_problem(w, e);
}

/* The watch descriptor of the folder at full, or -1: gone, unreadable
 * (the listing that follows says so) or polling took over. */
static int
watch_folder(struct od_watch *w, const char *full, bool is_root)
{
	/* A folder replaced by a link to another is not followed; the root
	 * given as a link is. */
	uint32_t mask = WATCH_MASK | (is_root ? 0 : IN_DONT_FOLLOW);
	int wd = od_watch_add_watch(w->ifd, full, mask), err = errno;

	if (wd < 0 && !vanished(err) && err != EACCES)
		fall_back_to_polling(w, full, err);
	return wd;
}

/* The listing of d ended with err (0: it was listed). */
static void
set_dir_state(struct od_watch *w, struct wdir *d, int err)
{
	const char *full;

	d->unreadable = err && !vanished(err);
	/* Nothing tells of the root coming back: look for it as when polling. */
	if (err && !*d->path)
		plan_scan_by(w, after(w->now, w->poll_ms));
	if (!err || d->problem) {
		d->problem = err != 0;
		return;
	}
	d->problem = true;
	full = full_path(w, d->path);
	emit_problem(w, full ? od_error_errno(OD_ERR_IO, err, _("cannot read the folder %s"), full)
			     : od_error_nomem());
}

/* --- scans -------------------------------------------------------------------- */

/* Folders met and not listed yet. */
struct dir_stack {
	char **paths;
	size_t n, cap;
};

static void
push_dir(struct od_watch *w, struct dir_stack *s, const char *path)
{
	char *copy;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **p = realloc(s->paths, cap * sizeof(*p));
		if (!p) {
			out_of_memory(w);
			return;
		}
		s->paths = p;
		s->cap = cap;
	}
	if (!(copy = od_strdup(path))) {
		out_of_memory(w);
		return;
	}
	s->paths[s->n++] = copy;
}

/* The entry ent of the folder d (open as dfd). */
static void
scan_entry(struct od_watch *w, struct wdir *d, int dfd, const struct dirent *ent, struct dir_stack *to_list)
{
	const char *rel = path_join(&w->rel, d->path, ent->d_name);
	struct wfile *f;
	struct stat st;
	int err = 0;

	if (!rel) {
		out_of_memory(w);
		return;
	}
	if (excluded(w, rel))
		return;
	if (ent->d_type == DT_DIR) {
		push_dir(w, to_list, rel);
		return;
	}
	/* Links, fifos, sockets and devices are left out. */
	if (ent->d_type != DT_REG && ent->d_type != DT_UNKNOWN)
		return;
	if (ent->d_type == DT_REG && !included(w, rel))
		return;
	if (fstatat(dfd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		err = errno;
	} else if (S_ISDIR(st.st_mode)) {
		push_dir(w, to_list, rel);
		return;
	} else if (!S_ISREG(st.st_mode)) {
		return;
	}
	if (vanished(err) || (ent->d_type == DT_UNKNOWN && !included(w, rel)))
		return;
	if (!(f = file_in(w, d, rel))) {
		out_of_memory(w);
		return;
	}
	f->gen = w->gen;
	apply_stat(w, f, err, &st);
}

/* 0, or the errno of a failed readdir. Closes dh. */
static int
list_dir(struct od_watch *w, struct wdir *d, DIR *dh, struct dir_stack *to_list)
{
	struct dirent *ent;
	int err;

	for (;;) {
		errno = 0;
		if (!(ent = readdir(dh)))
			break;
		if (strcmp(ent->d_name, ".") != 0 && strcmp(ent->d_name, "..") != 0)
			scan_entry(w, d, dirfd(dh), ent, to_list);
	}
	err = errno;
	closedir(dh);
	return err;
}

/* Watch and list the folder rel, pushing its subfolders on to_list. */
static void
scan_dir(struct od_watch *w, const char *rel, struct dir_stack *to_list)
{
	const char *full = full_path(w, rel);
	bool is_root = !*rel;
	int wd = -1, fd, err = 0;
	struct wdir *d;
	DIR *dh = NULL;

	if (!full) {
		out_of_memory(w);
		return;
	}
	w->now = od_now_ms();
	/* Watched before it is listed: a file made meanwhile is met by one or
	 * the other. */
	if (w->mode == OD_WATCH_INOTIFY)
		wd = watch_folder(w, full, is_root);
	fd = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (is_root ? 0 : O_NOFOLLOW));
	if (fd < 0) {
		err = errno;
	} else if (!(dh = fdopendir(fd))) {
		err = errno;
		close(fd);
	}
	if ((err && vanished(err) && !is_root) || !(d = folder(w, rel))) {
		if (!err || !vanished(err))
			out_of_memory(w);
		/* A watch no entry took would only waste one of the kernel's. */
		if (wd >= 0 && !find_wd(w, wd))
			inotify_rm_watch(w->ifd, wd);
		if (dh)
			closedir(dh);
		return;
	}
	d->gen = w->gen;
	if (wd >= 0)
		map_watch(w, d, wd);
	if (dh)
		err = list_dir(w, d, dh, to_list);
	set_dir_state(w, d, err);
}

/* List rel and every folder below it that is not excluded. */
static void
scan_tree(struct od_watch *w, const char *rel)
{
	struct dir_stack to_list = { 0 };

	push_dir(w, &to_list, rel);
	while (to_list.n > 0) {
		char *path = to_list.paths[--to_list.n];
		scan_dir(w, path, &to_list);
		free(path);
	}
	free(to_list.paths);
}

/* Whether a folder above path could not be listed in the last scan, so
 * that path may well still be there. */
static bool
under_unreadable(const struct od_watch *w, const char *path)
{
	for (size_t n = strlen(path); n > 0;) {
		struct wdir *d;
		n = parent_len(path, n);
		d = find_dir_n(w, path, n);
		if (d && d->unreadable && d->gen == w->gen)
			return true;
	}
	return false;
}

/* After a full scan, what it did not meet is gone. */
static void
sweep_file(struct hnode *n, void *ud)
{
	struct od_watch *w = ud;
	struct wfile *f = ENTRY_OF(n, struct wfile, node);

	if (f->gen != w->gen && !under_unreadable(w, f->path))
		gone(w, f);
}

static void
sweep_dir(struct hnode *n, void *ud)
{
	struct od_watch *w = ud;
	struct wdir *d = ENTRY_OF(n, struct wdir, node);

	if (d->gen != w->gen && !under_unreadable(w, d->path))
		drop_dir(w, d);
}

static void
full_scan(struct od_watch *w)
{
	long interval;

	w->scan_due = false;
	w->next_scan_at = -1;
	w->gen++;
	scan_tree(w, "");
	htable_each(&w->files, sweep_file, w);
	htable_each(&w->dirs, sweep_dir, w);
	w->now = od_now_ms();
	interval = w->mode == OD_WATCH_POLL ? w->poll_ms : w->rescan_ms;
	if (interval >= 0)
		plan_scan_by(w, after(w->now, interval));
	emit(w, OD_WATCH_SCANNED, NULL, &(struct fstate){ 0 });
}

/* --- inotify events ----------------------------------------------------------- */

static void
folder_event(struct od_watch *w, const char *rel, uint32_t mask)
{
	struct wdir *sub = find_dir(w, rel);

	if (mask & (IN_DELETE | IN_MOVED_FROM)) {
		if (sub)
			forget_tree(w, sub);
	} else if (mask & (IN_CREATE | IN_MOVED_TO)) {
		if (!excluded(w, rel))
			scan_tree(w, rel);
	} else if ((mask & IN_ATTRIB) && sub && sub->unreadable) {
		scan_tree(w, rel);	/* its permissions changed: it may be readable now */
	}
}

static void
file_event(struct od_watch *w, struct wdir *d, const char *rel, uint32_t mask)
{
	struct wfile *f = find_file(w, rel);

	if (!f) {
		if ((mask & (IN_DELETE | IN_MOVED_FROM)) || excluded(w, rel) || !included(w, rel))
			return;
		if (!(f = new_file(w, rel))) {
			out_of_memory(w);
			return;
		}
	}
	if (!f->dir)
		attach_file(f, d);
	if (mask & (IN_CLOSE_WRITE | IN_MOVED_TO))
		f->closed_last = true;
	else if (mask & (IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM))
		f->closed_last = false;
	if (link_alone(&f->dirty))
		link_append(&w->dirty, &f->dirty);
}

static void
handle_event(struct od_watch *w, const struct inotify_event *ev)
{
	struct wdir *d;
	const char *rel;

	if (ev->mask & IN_Q_OVERFLOW) {
		od_log(OD_LOG_DEBUG, "watch %s: inotify queue overflow, scanning", w->root);
		w->scan_due = true;
		return;
	}
	if (!(d = find_wd(w, ev->wd)))
		return;
	if (ev->mask & IN_IGNORED) {
		unmap_watch(w, d);
		return;
	}
	if (!ev->len) {
		/* The root itself was deleted, moved or unmounted: a scan says what is left. */
		if (!*d->path && (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)))
			w->scan_due = true;
		return;
	}
	if (!(rel = path_join(&w->ev_rel, d->path, ev->name)))
		out_of_memory(w);
	else if (ev->mask & IN_ISDIR)
		folder_event(w, rel, ev->mask);
	else
		file_event(w, d, rel, ev->mask);
}

static void
read_events(struct od_watch *w)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));

	for (int i = 0; i < MAX_READS; i++) {
		ssize_t n = read(w->ifd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		for (ssize_t off = 0; off < n;) {
			const struct inotify_event *ev = (const void *)(buf + off);
			/* After falling back to polling, what is left is drained unread. */
			if (w->mode == OD_WATCH_INOTIFY)
				handle_event(w, ev);
			off += (ssize_t)(sizeof(*ev) + ev->len);
		}
	}
}

static void
look_at_dirty(struct od_watch *w)
{
	w->now = od_now_ms();
	while (!link_alone(&w->dirty)) {
		struct wfile *f = ENTRY_OF(w->dirty.next, struct wfile, dirty);
		struct stat st;
		link_remove(&f->dirty);
		apply_stat(w, f, stat_rel(w, f->path, &st), &st);
	}
}

/* --- the interface ------------------------------------------------------------ */

static const char *
network_fs(const char *path)
{
	struct statfs sf;

	if (statfs(path, &sf) != 0)
		return NULL;
	for (size_t i = 0; i < OD_ARRAY_SIZE(network_fs_types); i++)
		if ((uint32_t)sf.f_type == network_fs_types[i].magic)
			return network_fs_types[i].name;
	return NULL;
}

static struct od_error *
choose_mode(struct od_watch *w, enum od_watch_mode mode)
{
	const char *fs = mode == OD_WATCH_AUTO ? network_fs(w->root) : NULL;

	w->mode = OD_WATCH_POLL;
	if (fs) {
		od_log(OD_LOG_DEBUG, "watch %s: on %s, polling every %ld ms", w->root, fs, w->poll_ms);
	} else if (mode == OD_WATCH_POLL) {
		od_log(OD_LOG_DEBUG, "watch %s: polling every %ld ms", w->root, w->poll_ms);
	} else if ((w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) >= 0) {
		od_log(OD_LOG_DEBUG, "watch %s: inotify", w->root);
		w->mode = OD_WATCH_INOTIFY;
	} else if (mode == OD_WATCH_INOTIFY) {
		return od_error_errno(OD_ERR_IO, errno, _("cannot watch %s for changes"), w->root);
	} else {
		od_log(OD_LOG_DEBUG, "watch %s: no inotify (%s), polling every %ld ms", w->root, strerror(errno),
		       w->poll_ms);
	}
	return NULL;
}

static char **
copy_globs(const char *const *globs, size_t n)
{
	char **copy = calloc(n ? n : 1, sizeof(*copy));

	for (size_t i = 0; copy && i < n; i++) {
		if (!(copy[i] = od_strdup(globs[i]))) {
			while (i > 0)
				free(copy[--i]);
			free(copy);
			return NULL;
		}
	}
	return copy;
}

static void
free_globs(char **globs, size_t n)
{
	for (size_t i = 0; globs && i < n; i++)
		free(globs[i]);
	free(globs);
}

static long
or_default(long v, long dflt)
{
	return v ? v : dflt;
}

struct od_error *
od_watch_new(const char *root, const struct od_watch_opts *opts, od_watch_fn *fn, void *ud, struct od_watch **out)
{
	static const struct od_watch_opts defaults;
	struct od_watch *w;
	struct od_error *err;
	struct stat st;
	size_t len;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if (stat(root, &st) != 0)
		return od_error_errno(OD_ERR_IO, errno, _("cannot watch %s"), root);
	if (!S_ISDIR(st.st_mode))
		return od_error_new(OD_ERR_INPUT, _("cannot watch %s: not a folder"), root);
	if (!(w = calloc(1, sizeof(*w))))
		return od_error_nomem();
	w->ifd = -1;
	w->fn = fn;
	w->ud = ud;
	od_buf_init(&w->full, OD_BUF_UNLIMITED);
	od_buf_init(&w->rel, OD_BUF_UNLIMITED);
	od_buf_init(&w->ev_rel, OD_BUF_UNLIMITED);
	link_init(&w->dirty);
	link_init(&w->changing);
	link_init(&w->closed);
	w->root = od_strdup(root);
	w->n_include = opts->n_include;
	w->n_exclude = opts->n_exclude;
	w->include = copy_globs(opts->include, opts->n_include);
	w->exclude = copy_globs(opts->exclude, opts->n_exclude);
	if (!w->root || !w->include || !w->exclude) {
		od_watch_free(w);
		return od_error_nomem();
	}
	for (len = strlen(w->root); len > 1 && w->root[len - 1] == '/'; len--)
		w->root[len - 1] = '\0';
	w->stable_ms = or_default(opts->stable_ms, OD_WATCH_STABLE_MS);
	w->close_grace_ms = opts->close_grace_ms > 0 ? opts->close_grace_ms : DEFAULT_CLOSE_GRACE_MS;
	w->poll_ms = opts->poll_ms > 0 ? opts->poll_ms : DEFAULT_POLL_MS;
	w->rescan_ms = or_default(opts->rescan_ms, DEFAULT_RESCAN_MS);
	w->scan_due = true;
	w->next_scan_at = -1;
	w->now = w->last_change_at = od_now_ms();
	if ((err = choose_mode(w, opts->mode))) {
		od_watch_free(w);
		return err;
	}
	*out = w;
	return NULL;
}

enum od_watch_mode
od_watch_mode(const struct od_watch *w)
{
	return w->mode;
}

int
od_watch_known(struct od_watch *w, const struct od_watch_file *file)
{
	const char *path = file->path;
	struct wfile *f;

	if (excluded(w, path) || !included(w, path) || in_excluded_folder(w, path))
		return 0;
	if (!(f = find_file(w, path)) && !(f = new_file(w, path)))
		return -ENOMEM;
	f->tell_gone = f->done = true;
	f->done_st = (struct fstate){ .size = file->size, .mtime_ns = file->mtime_ns, .ctime_ns = file->ctime_ns,
				      .ino = file->ino };
	/* Before the first scan, that scan looks at it. */
	if (w->gen > 0 && link_alone(&f->dirty))
		link_append(&w->dirty, &f->dirty);
	return 0;
}

int
od_watch_fd(const struct od_watch *w)
{
	return w->mode == OD_WATCH_INOTIFY ? w->ifd : -1;
}

long
od_watch_next_ms(const struct od_watch *w)
{
	long long now = od_now_ms(), next = w->next_scan_at;

	if (w->scan_due)
		return 0;
	if (w->stable_ms >= 0 && !link_alone(&w->changing))
		next = earlier(next, after(ENTRY_OF(w->changing.next, struct wfile, changing)->changed_at,
					   w->stable_ms));
	if (!link_alone(&w->closed))
		next = earlier(next, after(ENTRY_OF(w->closed.next, struct wfile, closed)->closed_at,
					   w->close_grace_ms));
	if (next < 0)
		return -1;
	if (next <= now)
		return 0;
	return next - now > LONG_MAX ? LONG_MAX : (long)(next - now);
}

void
od_watch_run(struct od_watch *w)
{
	w->now = od_now_ms();
	if (w->ifd >= 0)
		read_events(w);
	look_at_dirty(w);
	if (w->scan_due || (w->next_scan_at >= 0 && w->next_scan_at <= w->now))
		full_scan(w);
	settle(w);
}

void
od_watch_rescan(struct od_watch *w)
{
	w->scan_due = true;
}

size_t
od_watch_pending(const struct od_watch *w)
{
	return w->n_pending;
}

int64_t
od_watch_idle_ms(const struct od_watch *w)
{
	return od_now_ms() - w->last_change_at;
}

static void
free_file_node(struct hnode *n, void *ud)
{
	free(ENTRY_OF(n, struct wfile, node));
}

static void
free_dir_node(struct hnode *n, void *ud)
{
	free(ENTRY_OF(n, struct wdir, node));
}

void
od_watch_free(struct od_watch *w)
{
	if (!w)
		return;
	htable_each(&w->files, free_file_node, NULL);
	htable_each(&w->dirs, free_dir_node, NULL);
	free(w->files.buckets);
	free(w->dirs.buckets);
	free(w->wds.buckets);
	if (w->ifd >= 0)
		close(w->ifd);
	free_globs(w->include, w->n_include);
	free_globs(w->exclude, w->n_exclude);
	free(w->root);
	od_buf_done(&w->full);
	od_buf_done(&w->rel);
	od_buf_done(&w->ev_rel);
	free(w);
}
