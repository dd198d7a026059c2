/* SPDX-License-Identifier: GPL-3.0-or-later */
/* t-watch.c: the folder watcher on real files, under inotify and by
 * polling. The tests wait for outcomes with deadlines of seconds, and
 * never count on a timer firing at a given moment, so that a busy machine
 * slows them down without failing them. */
#include "config.h"

#include "onetui/watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onetui/engine.h"
#include "onetui/str.h"
#include "tap.h"
#include "testutil.h"

/* Internal of watch.c, visible in the OD_UNITTEST build. */
extern int (*od_watch_add_watch)(int fd, const char *path, uint32_t mask);

/* Long enough for anything that should happen to happen. */
#define DEADLINE_MS 10000

struct event {
	enum od_watch_event_kind kind;
	char *path;		/* NULL for PROBLEM and SCANNED */
	int64_t size, mtime_ns;
	char *message;		/* PROBLEM */
};

/* One watch on a folder of its own, and what it reported. */
struct run {
	struct od_watch *w;
	const char *mode;	/* "inotify" or "poll", for the test names */
	char *root;
	struct event *ev;
	size_t n, cap;
};

static void
record(const struct od_watch_event *ev, void *ud)
{
	struct run *r = ud;
	struct event *e;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		if (!(r->ev = realloc(r->ev, r->cap * sizeof(*r->ev))))
			abort();
	}
	e = &r->ev[r->n++];
	memset(e, 0, sizeof(*e));
	e->kind = ev->kind;
	if (ev->file) {
		e->path = strdup(ev->file->path);
		e->size = ev->file->size;
		e->mtime_ns = ev->file->mtime_ns;
	}
	if (ev->err)
		e->message = strdup(ev->err->message);
	/* What the callback may ask. */
	(void)od_watch_pending(r->w);
	(void)od_watch_idle_ms(r->w);
}

static size_t
count(const struct run *r, enum od_watch_event_kind kind, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].kind == kind && (!path || od_str_eq(r->ev[i].path, path)))
			n++;
	return n;
}

/* The index of the first such event, or -1. */
static long
first(const struct run *r, enum od_watch_event_kind kind, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->ev[i].kind == kind && (!path || od_str_eq(r->ev[i].path, path)))
			return (long)i;
	return -1;
}

static const struct event *
last(const struct run *r, enum od_watch_event_kind kind, const char *path)
{
	for (size_t i = r->n; i > 0; i--)
		if (r->ev[i - 1].kind == kind && (!path || od_str_eq(r->ev[i - 1].path, path)))
			return &r->ev[i - 1];
	return NULL;
}

/* Events about path, whatever their kind. */
static size_t
about(const struct run *r, const char *path)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n; i++)
		n += od_str_eq(r->ev[i].path, path);
	return n;
}

/* Wait as the callers do, at most max_ms, then run the watch. */
static void
step(struct run *r, long long max_ms)
{
	long next = od_watch_next_ms(r->w);
	struct pollfd pfd = { .fd = od_watch_fd(r->w), .events = POLLIN };

	if (next < 0 || next > max_ms)
		next = (long)max_ms;
	poll(&pfd, 1, (int)next);
	od_watch_run(r->w);
}

/* Run until there are n events of kind about path (any path: NULL), or
 * the deadline passes. */
static bool
run_until(struct run *r, enum od_watch_event_kind kind, const char *path, size_t n)
{
	long long end = od_now_ms() + DEADLINE_MS;

	while (count(r, kind, path) < n) {
		long long now = od_now_ms();
		if (now >= end)
			return false;
		step(r, end - now);
	}
	return true;
}

static void
run_for(struct run *r, long ms)
{
	long long end = od_now_ms() + ms;

	for (long long now; (now = od_now_ms()) < end;)
		step(r, end - now);
}

static char *
at(const struct run *r, const char *rel)
{
	char *p = od_asprintf("%s/%s", r->root, rel);

	if (!p)
		abort();
	return p;
}

static void
must(bool cond, const char *what, const char *path)
{
	if (!cond) {
		diag("cannot %s %s: %s", what, path, strerror(errno));
		abort();
	}
}

static void
write_file(const struct run *r, const char *rel, const char *data, int flags)
{
	char *p = at(r, rel);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);

	must(fd >= 0 && write(fd, data, strlen(data)) == (ssize_t)strlen(data) && close(fd) == 0, "write", p);
	free(p);
}

static void
put(const struct run *r, const char *rel, const char *data)
{
	write_file(r, rel, data, O_TRUNC);
}

static void
append(const struct run *r, const char *rel, const char *data)
{
	write_file(r, rel, data, O_APPEND);
}

static void
make_dir(const struct run *r, const char *rel)
{
	char *p = at(r, rel);

	must(mkdir(p, 0755) == 0, "create", p);
	free(p);
}

/* A folder beside the test's root, outside what is watched. */
static char *
make_outside(const struct run *r, const char *name)
{
	char *p = od_asprintf("%s/%s-%s", scratch_dir, name, r->mode);

	must(p && mkdir(p, 0755) == 0, "create", p ? p : name);
	return p;
}

/* An empty file at dir/name. */
static void
touch_in(const char *dir, const char *name)
{
	char *p = od_asprintf("%s/%s", dir, name);

	must(p && close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644)) == 0, "create", p ? p : name);
	free(p);
}

static void
remove_at(const struct run *r, const char *rel)
{
	char *p = at(r, rel);

	must(remove(p) == 0, "remove", p);
	free(p);
}

static void
rename_at(const struct run *r, const char *from, const char *to)
{
	char *a = at(r, from), *b = at(r, to);

	must(rename(a, b) == 0, "rename", a);
	free(a);
	free(b);
}

static struct stat
stat_at(const struct run *r, const char *rel)
{
	char *p = at(r, rel);
	struct stat st;

	must(lstat(p, &st) == 0, "stat", p);
	free(p);
	return st;
}

static int64_t
mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static int64_t
ctime_ns(const struct stat *st)
{
	return (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

/* Declare path known as st says (ino and ctime 0: not known). */
static int
known(const struct run *r, const char *path, int64_t size, int64_t mtime, uint64_t ino, int64_t ctime)
{
	struct od_watch_file f = { .path = path, .size = size, .mtime_ns = mtime, .ino = ino, .ctime_ns = ctime };

	return od_watch_known(r->w, &f);
}

/* A fresh folder for the test name in the given mode (nothing watches it yet). */
static void
begin(struct run *r, const char *name, enum od_watch_mode mode)
{
	memset(r, 0, sizeof(*r));
	r->mode = mode == OD_WATCH_POLL ? "poll" : "inotify";
	r->root = od_asprintf("%s/%s-%s", scratch_dir, name, r->mode);
	if (!r->root || mkdir(r->root, 0755) != 0)
		abort();
}

/* Short timers, and no safety scans under inotify: what inotify misses
 * stays missed, so that the tests see it. */
static struct od_watch_opts
quick_opts(enum od_watch_mode mode)
{
	return (struct od_watch_opts){
		.mode = mode, .stable_ms = 300, .close_grace_ms = 100, .poll_ms = 100, .rescan_ms = -1,
	};
}

static void
watch(struct run *r, const struct od_watch_opts *o)
{
	struct od_error *err = od_watch_new(r->root, o, record, r, &r->w);

	if (err) {
		diag("%s", err->message);
		abort();
	}
}

static void
finish(struct run *r)
{
	od_watch_free(r->w);
	for (size_t i = 0; i < r->n; i++) {
		free(r->ev[i].path);
		free(r->ev[i].message);
	}
	free(r->ev);
	free(r->root);
}

/* --- the tests ------------------------------------------------------------------ */

static void
test_initial(enum od_watch_mode mode)
{
	static const char *const files[] = { "a.dat", "empty", "sub/c.dat", "sub/deep/er/d.dat" };
	struct od_watch_opts o = quick_opts(mode);
	struct run r;
	bool in_order = true, once = true, sizes = true;

	begin(&r, "initial", mode);
	make_dir(&r, "sub");
	make_dir(&r, "sub/deep");
	make_dir(&r, "sub/deep/er");
	put(&r, "a.dat", "abc");
	put(&r, "empty", "");
	put(&r, "sub/c.dat", "cccc");
	put(&r, "sub/deep/er/d.dat", "ddddd");
	watch(&r, &o);
	ok(od_watch_mode(r.w) == mode, "%s: the mode asked for", r.mode);
	cmp_ok(od_watch_next_ms(r.w), "==", 0, "%s: the first scan is due at once", r.mode);
	cmp_ok(od_watch_pending(r.w), "==", 0, "%s: nothing pending before the first run", r.mode);
	ok(run_until(&r, OD_WATCH_SCANNED, NULL, 1), "%s: the first scan ends", r.mode);
	for (size_t i = 0; i < OD_ARRAY_SIZE(files); i++)
		in_order &= first(&r, OD_WATCH_SEEN, files[i]) >= 0 &&
			    first(&r, OD_WATCH_SEEN, files[i]) < first(&r, OD_WATCH_SCANNED, NULL);
	ok(in_order, "%s: every file there at the start is SEEN before SCANNED", r.mode);
	cmp_ok(od_watch_pending(r.w) + count(&r, OD_WATCH_STABLE, NULL), "==", 4,
	       "%s: SEEN files are pending until STABLE", r.mode);
	if (mode == OD_WATCH_INOTIFY && od_watch_pending(r.w) > 0)
		cmp_ok(od_watch_next_ms(r.w), "<=", o.stable_ms, "%s: the next deadline is a stability timer", r.mode);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 4), "%s: all four are STABLE", r.mode);
	run_for(&r, 500);
	for (size_t i = 0; i < OD_ARRAY_SIZE(files); i++) {
		once &= count(&r, OD_WATCH_SEEN, files[i]) == 1 && count(&r, OD_WATCH_STABLE, files[i]) == 1;
		in_order &= first(&r, OD_WATCH_SEEN, files[i]) < first(&r, OD_WATCH_STABLE, files[i]);
	}
	ok(once, "%s: each SEEN once and STABLE once", r.mode);
	ok(in_order, "%s: SEEN before STABLE", r.mode);
	sizes &= last(&r, OD_WATCH_STABLE, "a.dat")->size == 3;
	sizes &= last(&r, OD_WATCH_STABLE, "empty")->size == 0;
	sizes &= last(&r, OD_WATCH_STABLE, "sub/deep/er/d.dat")->size == 5;
	ok(sizes, "%s: with their sizes", r.mode);
	{
		struct stat st = stat_at(&r, "sub/c.dat");
		cmp_ok(last(&r, OD_WATCH_STABLE, "sub/c.dat")->mtime_ns, "==", mtime_ns(&st),
		       "%s: and modification times in nanoseconds", r.mode);
	}
	cmp_ok(count(&r, OD_WATCH_GONE, NULL) + count(&r, OD_WATCH_PROBLEM, NULL), "==", 0,
	       "%s: nothing GONE, no PROBLEM", r.mode);
	cmp_ok(od_watch_pending(r.w), "==", 0, "%s: nothing pending at the end", r.mode);
	if (mode == OD_WATCH_INOTIFY)
		cmp_ok(od_watch_next_ms(r.w), "==", -1, "%s: nothing planned without safety scans", r.mode);
	else
		cmp_ok(od_watch_next_ms(r.w), "<=", o.poll_ms, "%s: the next scan is planned", r.mode);
	cmp_ok(od_watch_idle_ms(r.w), ">=", 500, "%s: idle since the files were seen", r.mode);
	finish(&r);
}

static void
test_globs(enum od_watch_mode mode)
{
	static const char *const include[] = { "*.tif", "*.xml" };
	static const char *const exclude[] = { "*.tmp", "skip", "keep/priv*", "thumb_*" };
	static const char *const wanted[] = { "a.tif", "meta/x.xml", "keep/h.tif", "n.tif" };
	struct od_watch_opts o = quick_opts(mode);
	struct run r;
	size_t reported = 0;

	o.include = include;
	o.n_include = OD_ARRAY_SIZE(include);
	o.exclude = exclude;
	o.n_exclude = OD_ARRAY_SIZE(exclude);
	begin(&r, "globs", mode);
	make_dir(&r, "meta");
	make_dir(&r, "skip");
	make_dir(&r, "deep");
	make_dir(&r, "deep/skip");
	make_dir(&r, "keep");
	make_dir(&r, "keep/private");
	make_dir(&r, "keep/sub");
	put(&r, "a.tif", "a");
	put(&r, "b.txt", "b");
	put(&r, "c.tif.tmp", "c");
	put(&r, "thumb_1.tif", "t");
	put(&r, "meta/x.xml", "<x/>");
	put(&r, "skip/e.tif", "e");
	put(&r, "deep/skip/f.tif", "f");
	put(&r, "keep/private/g.tif", "g");
	put(&r, "keep/h.tif", "h");
	put(&r, "keep/sub/thumb_2.tif", "t");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 3), "%s: the three wanted files are STABLE", r.mode);
	put(&r, "skip/new.tif", "x");
	put(&r, "keep/private/new.tif", "x");
	put(&r, "n.tmp", "x");
	put(&r, "n.tif", "x");
	make_dir(&r, "skip/later");
	put(&r, "skip/later/y.tif", "y");
	ok(run_until(&r, OD_WATCH_STABLE, "n.tif", 1), "%s: a wanted file made later is STABLE", r.mode);
	run_for(&r, 400);
	for (size_t i = 0; i < OD_ARRAY_SIZE(wanted); i++)
		reported += count(&r, OD_WATCH_STABLE, wanted[i]) == 1;
	cmp_ok(reported, "==", OD_ARRAY_SIZE(wanted), "%s: each wanted file once", r.mode);
	cmp_ok(count(&r, OD_WATCH_SEEN, NULL) + count(&r, OD_WATCH_STABLE, NULL), "==", 2 * OD_ARRAY_SIZE(wanted),
	       "%s: nothing else (by name, by path, in excluded folders)", r.mode);
	finish(&r);
}

static void
test_slow_writer(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	char chunk[1000], *path;
	long long prev, widest = 0;
	size_t stable_while_written;
	struct run r;
	int fd;

	o.stable_ms = 400;
	memset(chunk, 'x', sizeof(chunk));
	begin(&r, "slow", mode);
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_SCANNED, NULL, 1), "%s: watching an empty folder", r.mode);
	path = at(&r, "stack.mrc");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	must(fd >= 0, "create", path);
	prev = od_now_ms();
	for (int i = 0; i < 11; i++) {
		long long now = od_now_ms();
		must(write(fd, chunk, sizeof(chunk)) == (ssize_t)sizeof(chunk), "write", path);
		if (now - prev > widest)
			widest = now - prev;
		prev = now;
		run_for(&r, 100);
	}
	stable_while_written = count(&r, OD_WATCH_STABLE, "stack.mrc");
	must(close(fd) == 0, "close", path);
	free(path);
	if (widest < o.stable_ms - 50) {
		cmp_ok(stable_while_written, "==", 0, "%s: never STABLE while being written", r.mode);
	} else {
		diag("%s: the writer paused %lld ms, longer than stable_ms: the machine is too busy", r.mode, widest);
		skip(1, "%s: the writer was not steady", r.mode);
	}
	ok(run_until(&r, OD_WATCH_STABLE, "stack.mrc", 1), "%s: STABLE once written", r.mode);
	run_for(&r, 600);
	cmp_ok(count(&r, OD_WATCH_STABLE, "stack.mrc"), "==", 1, "%s: STABLE once", r.mode);
	cmp_ok(last(&r, OD_WATCH_STABLE, "stack.mrc")->size, "==", 11000, "%s: with the final size", r.mode);
	if (widest < o.stable_ms - 50)
		cmp_ok(count(&r, OD_WATCH_SEEN, "stack.mrc"), "==", 1, "%s: SEEN once, not once a write", r.mode);
	else
		skip(1, "%s: the writer was not steady", r.mode);
	finish(&r);
}

static void
test_change_after_stable(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	struct timespec times[2];
	struct stat st;
	struct run r;
	char *path;

	begin(&r, "change", mode);
	put(&r, "f.dat", "0123456789");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, "f.dat", 1), "%s: STABLE", r.mode);
	append(&r, "f.dat", "abc");
	ok(run_until(&r, OD_WATCH_STABLE, "f.dat", 2), "%s: changed after STABLE: STABLE again", r.mode);
	cmp_ok(last(&r, OD_WATCH_STABLE, "f.dat")->size, "==", 13, "%s: with the new size", r.mode);
	cmp_ok(count(&r, OD_WATCH_SEEN, "f.dat"), "==", 2, "%s: SEEN again first", r.mode);
	st = stat_at(&r, "f.dat");
	times[0] = st.st_atim;
	times[1] = st.st_mtim;
	times[1].tv_sec -= 3600;
	path = at(&r, "f.dat");
	must(utimensat(AT_FDCWD, path, times, 0) == 0, "touch", path);
	free(path);
	ok(run_until(&r, OD_WATCH_STABLE, "f.dat", 3), "%s: the same bytes with a new mtime: STABLE again", r.mode);
	cmp_ok(last(&r, OD_WATCH_STABLE, "f.dat")->mtime_ns, "==", mtime_ns(&st) - 3600000000000LL,
	       "%s: with the new mtime", r.mode);
	cmp_ok(last(&r, OD_WATCH_STABLE, "f.dat")->size, "==", 13, "%s: and the same size", r.mode);
	finish(&r);
}

/* Another file with the same size and mtime renamed over one reported
 * (cp -p, rsync -t): reported again. Not so a file only chmod'ed, nor one
 * declared known under another inode with its ctime (a network file system
 * numbering its files anew). */
static void
test_replaced(enum od_watch_mode mode)
{
	static const char *const exclude[] = { "*.tmp" };
	struct od_watch_opts o = quick_opts(mode);
	struct timespec times[2];
	struct stat old, now, kept, other;
	struct run r;
	char *path;

	o.exclude = exclude;
	o.n_exclude = 1;
	begin(&r, "replaced", mode);
	put(&r, "f.tif", "first image");
	put(&r, "kept.tif", "kept");
	put(&r, "other.tif", "other");
	kept = stat_at(&r, "kept.tif");
	other = stat_at(&r, "other.tif");
	watch(&r, &o);
	ok(known(&r, "kept.tif", kept.st_size, mtime_ns(&kept), kept.st_ino + 1, ctime_ns(&kept)) == 0 &&
	   known(&r, "other.tif", other.st_size, mtime_ns(&other), other.st_ino + 1, ctime_ns(&other) - 1) == 0,
	   "%s: files declared known with an inode and a ctime", r.mode);
	ok(run_until(&r, OD_WATCH_STABLE, "f.tif", 1), "%s: STABLE", r.mode);
	old = stat_at(&r, "f.tif");
	put(&r, "f.tmp", "other image");
	times[0] = old.st_atim;
	times[1] = old.st_mtim;
	path = at(&r, "f.tmp");
	must(utimensat(AT_FDCWD, path, times, 0) == 0, "touch", path);
	free(path);
	rename_at(&r, "f.tmp", "f.tif");
	now = stat_at(&r, "f.tif");
	must(now.st_size == old.st_size && mtime_ns(&now) == mtime_ns(&old) && now.st_ino != old.st_ino,
	     "replace with the same size and mtime", "f.tif");
	ok(run_until(&r, OD_WATCH_STABLE, "f.tif", 2), "%s: replaced by rename, same size and mtime: STABLE again",
	   r.mode);
	cmp_ok(count(&r, OD_WATCH_SEEN, "f.tif"), "==", 2, "%s: SEEN again first", r.mode);
	path = at(&r, "f.tif");
	must(chmod(path, 0600) == 0, "chmod", path);
	free(path);
	run_for(&r, 700);
	cmp_ok(count(&r, OD_WATCH_SEEN, "f.tif"), "==", 2, "%s: chmod'ed (a new ctime, the same inode): not again",
	       r.mode);
	cmp_ok(about(&r, "kept.tif"), "==", 0, "%s: known under another inode, the same ctime: not reported",
	       r.mode);
	ok(run_until(&r, OD_WATCH_STABLE, "other.tif", 1), "%s: known under another inode and ctime: STABLE",
	   r.mode);
	finish(&r);
}

static void
test_rename_into_place(enum od_watch_mode mode)
{
	static const char *const exclude[] = { "*.tmp" };
	struct od_watch_opts o = quick_opts(mode);
	struct run r;

	o.exclude = exclude;
	o.n_exclude = 1;
	/* Under inotify only the close can make it complete in time. */
	if (mode == OD_WATCH_INOTIFY)
		o.stable_ms = 60000;
	begin(&r, "rename", mode);
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_SCANNED, NULL, 1), "%s: watching", r.mode);
	put(&r, "x.tmp", "the whole image");
	rename_at(&r, "x.tmp", "x.tif");
	ok(run_until(&r, OD_WATCH_STABLE, "x.tif", 1),
	   mode == OD_WATCH_INOTIFY ? "%s: renamed into place: STABLE through the close grace"
				    : "%s: renamed into place: STABLE", r.mode);
	cmp_ok(last(&r, OD_WATCH_STABLE, "x.tif")->size, "==", 15, "%s: with its size", r.mode);
	cmp_ok(about(&r, "x.tmp"), "==", 0, "%s: the excluded temporary name is never reported", r.mode);
	finish(&r);
}

static void
test_new_folder(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	char name[64], *outside, *dest;
	size_t once = 0;
	struct run r;

	begin(&r, "newdir", mode);
	outside = make_outside(&r, "outside");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_SCANNED, NULL, 1), "%s: watching", r.mode);
	/* Files made in a new folder before the watcher can have watched it. */
	make_dir(&r, "run1");
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "run1/f%02d.dat", i);
		put(&r, name, "frame");
	}
	make_dir(&r, "run1/sub");
	make_dir(&r, "run1/sub/deeper");
	put(&r, "run1/sub/deeper/g.dat", "g");
	/* A folder moved in from elsewhere. */
	touch_in(outside, "1.dat");
	dest = at(&r, "moved-in");
	must(rename(outside, dest) == 0, "move", outside);
	free(dest);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 22), "%s: every file of the new folders is STABLE", r.mode);
	run_for(&r, 400);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "run1/f%02d.dat", i);
		once += count(&r, OD_WATCH_STABLE, name) == 1;
	}
	cmp_ok(once, "==", 20, "%s: the files made with the folder, once each", r.mode);
	cmp_ok(count(&r, OD_WATCH_STABLE, "run1/sub/deeper/g.dat"), "==", 1, "%s: and below it", r.mode);
	cmp_ok(count(&r, OD_WATCH_STABLE, "moved-in/1.dat"), "==", 1, "%s: and in a folder moved in", r.mode);
	put(&r, "run1/sub/deeper/later.dat", "later");
	ok(run_until(&r, OD_WATCH_STABLE, "run1/sub/deeper/later.dat", 1), "%s: the new folders are watched", r.mode);
	free(outside);
	finish(&r);
}

static void
test_delete(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	struct run r;

	begin(&r, "delete", mode);
	make_dir(&r, "d");
	make_dir(&r, "d/e");
	put(&r, "a.dat", "a");
	put(&r, "keep.dat", "k");
	put(&r, "d/b.dat", "b");
	put(&r, "d/e/c.dat", "c");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 4), "%s: four files STABLE", r.mode);
	remove_at(&r, "a.dat");
	ok(run_until(&r, OD_WATCH_GONE, "a.dat", 1), "%s: a deleted file is GONE", r.mode);
	cmp_ok(last(&r, OD_WATCH_GONE, "a.dat")->size, "==", 1, "%s: with its last size", r.mode);
	remove_at(&r, "d/e/c.dat");
	remove_at(&r, "d/e");
	remove_at(&r, "d/b.dat");
	remove_at(&r, "d");
	ok(run_until(&r, OD_WATCH_GONE, "d/b.dat", 1) && run_until(&r, OD_WATCH_GONE, "d/e/c.dat", 1),
	   "%s: the files of a deleted folder are GONE", r.mode);
	run_for(&r, 300);
	cmp_ok(count(&r, OD_WATCH_GONE, NULL), "==", 3, "%s: once each, and nothing else", r.mode);
	make_dir(&r, "d");
	put(&r, "d/b.dat", "again");
	ok(run_until(&r, OD_WATCH_STABLE, "d/b.dat", 2), "%s: made again: STABLE again", r.mode);
	finish(&r);
}

static void
test_moved_folder(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	struct run r;

	begin(&r, "move", mode);
	make_dir(&r, "old");
	make_dir(&r, "old/sub");
	put(&r, "old/x.dat", "x");
	put(&r, "old/sub/y.dat", "y");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 2), "%s: two files STABLE", r.mode);
	rename_at(&r, "old", "new");
	ok(run_until(&r, OD_WATCH_GONE, NULL, 2), "%s: a folder moved: its old paths are GONE", r.mode);
	ok(run_until(&r, OD_WATCH_STABLE, "new/x.dat", 1) && run_until(&r, OD_WATCH_STABLE, "new/sub/y.dat", 1),
	   "%s: and its new paths STABLE", r.mode);
	put(&r, "new/sub/z.dat", "z");
	ok(run_until(&r, OD_WATCH_STABLE, "new/sub/z.dat", 1), "%s: a file made there later has the new path",
	   r.mode);
	cmp_ok(about(&r, "old/sub/z.dat"), "==", 0, "%s: not the old one", r.mode);
	finish(&r);
}

static void
test_root_gone(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	const struct event *p;
	struct run r;

	begin(&r, "rootgone", mode);
	put(&r, "a.dat", "a");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, "a.dat", 1), "%s: STABLE", r.mode);
	remove_at(&r, "a.dat");
	must(rmdir(r.root) == 0, "remove", r.root);
	ok(run_until(&r, OD_WATCH_GONE, "a.dat", 1), "%s: the root removed: its file is GONE", r.mode);
	ok(run_until(&r, OD_WATCH_PROBLEM, NULL, 1), "%s: and a PROBLEM", r.mode);
	p = last(&r, OD_WATCH_PROBLEM, NULL);
	ok(p && strstr(p->message, r.root), "%s: that names the root", r.mode);
	run_for(&r, 400);
	cmp_ok(count(&r, OD_WATCH_PROBLEM, NULL), "==", 1, "%s: once", r.mode);
	must(mkdir(r.root, 0755) == 0, "create", r.root);
	put(&r, "b.dat", "b");
	ok(run_until(&r, OD_WATCH_STABLE, "b.dat", 1), "%s: made again, it is watched again", r.mode);
	if (mode == OD_WATCH_INOTIFY) {
		put(&r, "c.dat", "c");
		ok(run_until(&r, OD_WATCH_STABLE, "c.dat", 1) && od_watch_mode(r.w) == OD_WATCH_INOTIFY,
		   "%s: through inotify", r.mode);
	}
	finish(&r);
}

static void
test_known(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	struct stat same, changed;
	struct run r;

	begin(&r, "known", mode);
	put(&r, "same.dat", "same");
	put(&r, "changed.dat", "changed");
	same = stat_at(&r, "same.dat");
	changed = stat_at(&r, "changed.dat");
	watch(&r, &o);
	ok(known(&r, "same.dat", same.st_size, mtime_ns(&same), 0, 0) == 0 &&
	   known(&r, "changed.dat", changed.st_size - 1, mtime_ns(&changed), 0, 0) == 0 &&
	   known(&r, "missing.dat", 10, 123, 0, 0) == 0,
	   "%s: files declared known (without inode and ctime, as in older journals)", r.mode);
	ok(run_until(&r, OD_WATCH_GONE, "missing.dat", 1), "%s: a known file not there is GONE", r.mode);
	cmp_ok(last(&r, OD_WATCH_GONE, "missing.dat")->size, "==", 10, "%s: as declared", r.mode);
	ok(run_until(&r, OD_WATCH_STABLE, "changed.dat", 1), "%s: a known file that changed is STABLE", r.mode);
	cmp_ok(count(&r, OD_WATCH_SEEN, "changed.dat"), "==", 1, "%s: after SEEN", r.mode);
	run_for(&r, 600);
	cmp_ok(about(&r, "same.dat"), "==", 0, "%s: an unchanged known file is not reported", r.mode);
	append(&r, "same.dat", "+");
	ok(run_until(&r, OD_WATCH_STABLE, "same.dat", 1), "%s: until it changes", r.mode);
	ok(known(&r, "late.dat", 1, 1, 0, 0) == 0, "%s: declared after the first run", r.mode);
	ok(run_until(&r, OD_WATCH_GONE, "late.dat", 1), "%s: looked at in the next run", r.mode);
	finish(&r);
}

static void
test_unreadable(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	const struct event *p;
	struct run r;
	char *locked, *later;

	if (geteuid() == 0) {
		skip(9, "%s: permissions do not stop root", mode == OD_WATCH_POLL ? "poll" : "inotify");
		return;
	}
	begin(&r, "unreadable", mode);
	make_dir(&r, "locked");
	make_dir(&r, "later");
	put(&r, "locked/secret.dat", "s");
	put(&r, "later/kept.dat", "k");
	put(&r, "ok.dat", "ok");
	locked = at(&r, "locked");
	later = at(&r, "later");
	must(chmod(locked, 0) == 0, "lock", locked);
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, "ok.dat", 1), "%s: a readable file beside it is STABLE", r.mode);
	p = last(&r, OD_WATCH_PROBLEM, NULL);
	ok(p && strstr(p->message, locked), "%s: PROBLEM names the unreadable folder", r.mode);
	run_for(&r, 500);
	cmp_ok(count(&r, OD_WATCH_PROBLEM, NULL), "==", 1, "%s: once, not at every scan", r.mode);
	cmp_ok(about(&r, "locked/secret.dat"), "==", 0, "%s: nothing is said of what it holds", r.mode);
	must(chmod(locked, 0755) == 0, "unlock", locked);
	if (mode == OD_WATCH_POLL)
		od_watch_rescan(r.w);
	ok(run_until(&r, OD_WATCH_STABLE, "locked/secret.dat", 1), "%s: readable again: its file is STABLE", r.mode);
	ok(run_until(&r, OD_WATCH_STABLE, "later/kept.dat", 1), "%s: another folder's file is STABLE", r.mode);
	must(chmod(later, 0) == 0, "lock", later);
	od_watch_rescan(r.w);
	ok(run_until(&r, OD_WATCH_PROBLEM, NULL, 2), "%s: that folder made unreadable: PROBLEM", r.mode);
	run_for(&r, 300);
	must(chmod(later, 0755) == 0, "unlock", later);
	cmp_ok(count(&r, OD_WATCH_GONE, NULL), "==", 0, "%s: what it held is not taken for GONE", r.mode);
	run_for(&r, 300);
	cmp_ok(about(&r, "later/kept.dat"), "==", 2, "%s: nor reported again once readable", r.mode);
	free(later);
	free(locked);
	finish(&r);
}

static void
test_special(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	char *link, *fifo, *out;
	struct run r;

	begin(&r, "special", mode);
	out = make_outside(&r, "elsewhere");
	touch_in(out, "o.dat");
	put(&r, "real.dat", "real");
	link = at(&r, "link.dat");
	must(symlink("real.dat", link) == 0, "link", link);
	free(link);
	link = at(&r, "linkdir");
	must(symlink(out, link) == 0, "link", link);
	free(link);
	fifo = at(&r, "pipe");
	must(mkfifo(fifo, 0644) == 0, "make", fifo);
	free(fifo);
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, "real.dat", 1), "%s: the regular file is STABLE", r.mode);
	link = at(&r, "link2.dat");
	must(symlink("real.dat", link) == 0, "link", link);
	free(link);
	fifo = at(&r, "pipe2");
	must(mkfifo(fifo, 0644) == 0, "make", fifo);
	free(fifo);
	run_for(&r, 600);
	cmp_ok(count(&r, OD_WATCH_SEEN, NULL) + count(&r, OD_WATCH_STABLE, NULL) + count(&r, OD_WATCH_GONE, NULL),
	       "==", 2, "%s: symbolic links (to files, to folders) and fifos are left out", r.mode);
	cmp_ok(count(&r, OD_WATCH_PROBLEM, NULL), "==", 0, "%s: silently", r.mode);
	free(out);
	finish(&r);
}

static void
test_names(enum od_watch_mode mode)
{
	static const char *const names[] = {
		"with space.dat", "new\nline.dat", "bad\xff\xfe.dat", "dir with space/\xc3\xbc \xe2\x82\xac.dat",
		"later \t\x01.dat", "dir with space/late\xc0.dat",
	};
	struct od_watch_opts o = quick_opts(mode);
	size_t verbatim = 0;
	struct run r;

	begin(&r, "names", mode);
	make_dir(&r, "dir with space");
	for (size_t i = 0; i < 4; i++)
		put(&r, names[i], names[i]);
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_SCANNED, NULL, 1), "%s: watching", r.mode);
	for (size_t i = 4; i < OD_ARRAY_SIZE(names); i++)
		put(&r, names[i], names[i]);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, OD_ARRAY_SIZE(names)), "%s: odd names are STABLE", r.mode);
	for (size_t i = 0; i < OD_ARRAY_SIZE(names); i++)
		verbatim += count(&r, OD_WATCH_STABLE, names[i]) == 1 &&
			    last(&r, OD_WATCH_STABLE, names[i])->size == (int64_t)strlen(names[i]);
	cmp_ok(verbatim, "==", OD_ARRAY_SIZE(names), "%s: spaces, newlines, bytes that are not UTF-8: verbatim",
	       r.mode);
	finish(&r);
}

static void
test_at_once(enum od_watch_mode mode)
{
	struct od_watch_opts o = quick_opts(mode);
	struct run r;

	o.stable_ms = -1;
	begin(&r, "atonce", mode);
	put(&r, "a.dat", "a");
	put(&r, "b.dat", "b");
	watch(&r, &o);
	od_watch_run(r.w);
	cmp_ok(count(&r, OD_WATCH_STABLE, NULL), "==", 2, "%s: stable_ms negative: STABLE in the first run", r.mode);
	ok(first(&r, OD_WATCH_SEEN, "a.dat") >= 0 && first(&r, OD_WATCH_SEEN, "a.dat") < first(&r, OD_WATCH_STABLE, "a.dat"),
	   "%s: just after SEEN", r.mode);
	cmp_ok(od_watch_pending(r.w), "==", 0, "%s: nothing pending", r.mode);
	put(&r, "c.dat", "c");
	ok(run_until(&r, OD_WATCH_STABLE, "c.dat", 1), "%s: a file made later too", r.mode);
	finish(&r);
}

static void
test_rescan(void)
{
	struct od_watch_opts o = quick_opts(OD_WATCH_POLL);
	struct run r;

	o.poll_ms = 60000;
	begin(&r, "rescan", OD_WATCH_POLL);
	put(&r, "a.dat", "a");
	put(&r, "gone.dat", "g");
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 2), "rescan: STABLE without waiting for another scan");
	append(&r, "a.dat", "more");
	put(&r, "b.dat", "b");
	remove_at(&r, "gone.dat");
	run_for(&r, 300);
	cmp_ok(count(&r, OD_WATCH_STABLE, NULL) + count(&r, OD_WATCH_GONE, NULL), "==", 2,
	       "rescan: changes behind the watcher's back wait for a scan");
	cmp_ok(od_watch_next_ms(r.w), ">", 10000, "rescan: the next one is far");
	od_watch_rescan(r.w);
	cmp_ok(od_watch_next_ms(r.w), "==", 0, "rescan: asked for: due at once");
	ok(run_until(&r, OD_WATCH_GONE, "gone.dat", 1), "rescan: the deleted file is GONE");
	ok(run_until(&r, OD_WATCH_STABLE, "b.dat", 1) && run_until(&r, OD_WATCH_STABLE, "a.dat", 2),
	   "rescan: the new and the changed file are STABLE");
	cmp_ok(count(&r, OD_WATCH_SCANNED, NULL), "==", 2, "rescan: two scans in all");
	finish(&r);
}

static int watches_left;

static int
limited_add_watch(int fd, const char *path, uint32_t mask)
{
	if (watches_left-- <= 0) {
		errno = ENOSPC;
		return -1;
	}
	return inotify_add_watch(fd, path, mask);
}

static void
test_fallback(void)
{
	struct od_watch_opts o = quick_opts(OD_WATCH_INOTIFY);
	const struct event *p;
	struct run r;

	begin(&r, "fallback", OD_WATCH_INOTIFY);
	make_dir(&r, "d1");
	make_dir(&r, "d2");
	make_dir(&r, "d3");
	put(&r, "top.dat", "t");
	put(&r, "d1/x.dat", "x");
	put(&r, "d2/y.dat", "y");
	put(&r, "d3/z.dat", "z");
	watches_left = 2;
	od_watch_add_watch = limited_add_watch;
	watch(&r, &o);
	ok(run_until(&r, OD_WATCH_SCANNED, NULL, 1), "fallback: the first scan ends");
	p = last(&r, OD_WATCH_PROBLEM, NULL);
	ok(count(&r, OD_WATCH_PROBLEM, NULL) == 1 && p && strstr(p->message, "max_user_watches"),
	   "fallback: the kernel's limit of watches is a PROBLEM that says so");
	ok(od_watch_mode(r.w) == OD_WATCH_POLL && od_watch_fd(r.w) == -1, "fallback: polling from then on");
	ok(run_until(&r, OD_WATCH_STABLE, NULL, 4), "fallback: every file is STABLE");
	put(&r, "d2/later.dat", "l");
	ok(run_until(&r, OD_WATCH_STABLE, "d2/later.dat", 1), "fallback: a file made later is found by polling");
	od_watch_add_watch = inotify_add_watch;
	finish(&r);
}

static void
test_modes(void)
{
	struct od_watch_opts o = { .mode = OD_WATCH_AUTO };
	struct od_watch *w;
	struct od_error *err;

	err = od_watch_new(scratch_dir, &o, record, NULL, &w);
	ok(!err, "auto: a watch on the scratch folder");
	if (err) {
		od_error_free(err);
		return;
	}
	ok(od_watch_mode(w) != OD_WATCH_AUTO, "auto: a mode is chosen");
	diag("auto on %s: %s", scratch_dir, od_watch_mode(w) == OD_WATCH_INOTIFY ? "inotify" : "poll");
	ok((od_watch_fd(w) >= 0) == (od_watch_mode(w) == OD_WATCH_INOTIFY), "auto: a descriptor only for inotify");
	od_watch_free(w);
	o.mode = OD_WATCH_POLL;
	err = od_watch_new(scratch_dir, &o, record, NULL, &w);
	ok(!err && od_watch_mode(w) == OD_WATCH_POLL && od_watch_fd(w) == -1, "poll: no descriptor");
	od_watch_free(w);
	od_error_free(err);
}

static void
test_bad_roots(void)
{
	struct od_watch *w;
	struct od_error *err;
	char *missing = scratch_path("no such folder"), *file = scratch_write_str("plain file", "x", 0644);

	err = od_watch_new(missing, NULL, record, NULL, &w);
	ok(err && strstr(err->message, missing), "a root that is not there: an error that names it");
	od_error_free(err);
	err = od_watch_new(file, NULL, record, NULL, &w);
	ok(err && err->kind == OD_ERR_INPUT, "a root that is a file: an error");
	od_error_free(err);
	free(missing);
	free(file);
}

int
main(void)
{
	static const enum od_watch_mode modes[] = { OD_WATCH_INOTIFY, OD_WATCH_POLL };

	scratch_init("t-watch");
	test_bad_roots();
	test_modes();
	for (size_t i = 0; i < OD_ARRAY_SIZE(modes); i++) {
		test_initial(modes[i]);
		test_globs(modes[i]);
		test_slow_writer(modes[i]);
		test_change_after_stable(modes[i]);
		test_rename_into_place(modes[i]);
		test_replaced(modes[i]);
		test_new_folder(modes[i]);
		test_delete(modes[i]);
		test_moved_folder(modes[i]);
		test_root_gone(modes[i]);
		test_known(modes[i]);
		test_unreadable(modes[i]);
		test_special(modes[i]);
		test_names(modes[i]);
		test_at_once(modes[i]);
	}
	test_rescan();
	test_fallback();
	scratch_done();
	return done_testing();
}
