/* SPDX-License-Identifier: GPL-3.0-or-later */
/* watch.h: noticing the files an instrument writes into a folder, and
 * when each one is complete.
 *
 * A watch looks at every regular file below a root folder (symbolic
 * links are not followed; other special files are left out), filtered
 * by include and exclude globs. It learns of new and changed files from
 * inotify where that works, and by scanning the tree every so often
 * where it does not (network file systems: NFS, SMB/CIFS, FUSE mounts,
 * where another machine writes and no event comes); a scan also runs
 * now and then under inotify, so that nothing a lost event hid stays
 * hidden. A file is complete ("stable") when its size and modification
 * time have not changed for stable_ms, or when it was closed after
 * writing and has not changed for close_grace_ms since.
 *
 * Nothing blocks: the caller waits on od_watch_fd (with the network, in
 * od_engine_wait) for at most od_watch_next_ms, then calls od_watch_run,
 * which reads what inotify says, scans when a scan is due, and reports
 * through the callback. The callback is only ever called from
 * od_watch_run; it may call od_watch_rescan, od_watch_pending and
 * od_watch_idle_ms, and must not free the watch (nor declare files known).
 *
 * A file whose stat fails (other than by its going) and a folder that
 * cannot be listed are reported once as PROBLEM, and again only after they
 * were readable in between; what an unreadable folder held is not taken
 * for gone. A root that disappears is a PROBLEM, and its files are GONE. */
#ifndef ONETUI_WATCH_H
#define ONETUI_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onetui/compiler.h"
#include "onetui/error.h"

enum od_watch_mode {
	OD_WATCH_AUTO,		/* inotify, unless the root is on a network file system or inotify fails */
	OD_WATCH_INOTIFY,
	OD_WATCH_POLL,
};

/* How long a file stays unchanged to be complete, unless told. */
#define OD_WATCH_STABLE_MS 30000

struct od_watch_opts {
	enum od_watch_mode mode;
	/* Globs (fnmatch(3), without FNM_PATHNAME, so '*' also matches '/')
	 * matched against the path below the root and against the file's
	 * name alone. A file is watched when it matches an include (or there
	 * is none) and no exclude. Excludes apply to folders too: a folder
	 * whose path or name matches one is not looked into at all; includes
	 * apply to files only. */
	const char *const *include;
	size_t n_include;
	const char *const *exclude;
	size_t n_exclude;
	long stable_ms;		/* unchanged this long: complete; 0: OD_WATCH_STABLE_MS; negative: at once */
	long close_grace_ms;	/* closed after writing, then unchanged this long: complete; 0: 1 s */
	long poll_ms;		/* between scans when polling; 0: 5 s */
	long rescan_ms;		/* between safety scans under inotify; 0: 10 min; negative: never */
};

struct od_watch_file {
	const char *path;	/* below the root, '/'-separated: "GridSquare_1/Data/frame_0001.tif" */
	int64_t size;
	int64_t mtime_ns;	/* the modification time, in nanoseconds since the epoch */
	/* The inode number and the change time (ns): another file renamed
	 * over this one with the same size and mtime (cp -p, rsync -t) has
	 * others. 0 when not known; either alone changing is no change (a
	 * network file system may number its files anew, chmod sets ctime). */
	uint64_t ino;
	int64_t ctime_ns;
};

enum od_watch_event_kind {
	OD_WATCH_SEEN,		/* a new or changed file was noticed; not complete yet */
	OD_WATCH_STABLE,	/* a file is complete: new, or changed since it was last reported complete or known */
	OD_WATCH_GONE,		/* a file reported or declared known before is no longer there */
	OD_WATCH_PROBLEM,	/* something could not be read or watched (err); the watch goes on */
	OD_WATCH_SCANNED,	/* a scan of the whole tree ended (after the first: every file there at the start was seen) */
};

struct od_watch_event {
	enum od_watch_event_kind kind;
	const struct od_watch_file *file;	/* SEEN, STABLE, GONE; valid during the call */
	const struct od_error *err;		/* PROBLEM */
};

typedef void od_watch_fn(const struct od_watch_event *ev, void *ud);

struct od_watch;

/* Watch the folder root (it must exist and be a folder). The first scan
 * runs in the first od_watch_run. */
struct od_error *od_watch_new(const char *root, const struct od_watch_opts *opts, od_watch_fn *fn, void *ud,
			      struct od_watch **out) OD_WARN_UNUSED;
/* The way the watch learns of changes, once chosen (never AUTO). It
 * falls back from inotify to polling when the kernel's limit of watches
 * is reached (said through a PROBLEM event first). AUTO polls when the
 * root is on a network or cluster file system (statfs(2)) or inotify
 * cannot be had; INOTIFY asked for and not available fails od_watch_new. */
enum od_watch_mode od_watch_mode(const struct od_watch *w);
/* Declare a file already dealt with as it was then (from a journal,
 * before the first run): it is reported complete again only when it
 * changes, and GONE when the first scan does not find it. Declared later,
 * it is looked at in the next run. A path the globs leave out is ignored.
 * 0, or -ENOMEM. */
int od_watch_known(struct od_watch *w, const struct od_watch_file *file) OD_WARN_UNUSED;
/* The descriptor to wait on for reading (inotify), or -1 when polling. Ask
 * again after each run: after falling back to polling it is -1 (the old
 * descriptor stays open, quiet, until od_watch_free). */
int od_watch_fd(const struct od_watch *w);
/* Milliseconds until od_watch_run has work without the descriptor being
 * readable (a stability timer, the next scan), 0 when it has now, -1 when
 * nothing is planned (inotify, rescan_ms negative, no file pending): as
 * od_engine_timeout, wait on the descriptor alone. */
long od_watch_next_ms(const struct od_watch *w);
/* Read what inotify says, scan when due, report. */
void od_watch_run(struct od_watch *w);
/* Scan the whole tree at the next od_watch_run. */
void od_watch_rescan(struct od_watch *w);
/* Files noticed and not complete yet. */
size_t od_watch_pending(const struct od_watch *w);
/* Milliseconds since a file was last noticed new or changed (since the
 * watch began, when none was). A file still being written counts as
 * changing each time its growth is noticed, not only at its SEEN. */
int64_t od_watch_idle_ms(const struct od_watch *w);
void od_watch_free(struct od_watch *w);

#endif
