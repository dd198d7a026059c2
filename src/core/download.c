/* SPDX-License-Identifier: GPL-3.0-or-later */
/* download.c: files and trees from a space to local disk. */
#include "config.h"

#include "onetui/download.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "onetui/digest.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/localname.h"
#include "onetui/log.h"
#include "onetui/provider.h"
#include "onetui/str.h"

#include "hasher.h"
#include "pcall.h"
#include "xfer-int.h"

#define MIB (1u << 20)
#define MAX_STREAMS 16
/* Pieces of a file fetched in several streams that may be in the file
 * at once: those in transfer and those done but not yet joined to the
 * complete start of the file. */
#define MAX_SEGS (2 * MAX_STREAMS)
#define DEFAULT_SPLIT_MIN (32u << 20)
/* A file split into streams is fetched in pieces, handed out in order,
 * so that its start is complete early and its checksum can follow: about
 * four per stream of what is left, between these sizes. */
#define PIECE_MIN MIB
#define PIECE_MAX (64u * MIB)
/* Files at least this large are written, and hashed, by a thread of
 * their own (see hasher.h); smaller ones are written as their bytes
 * arrive and hashed as they pass by. */
#define THREAD_MIN (8u * MIB)
/* Directories listed at once. */
#define LISTINGS 2
/* Completed files wait at most this long (or until this many wait) for
 * the sync that makes them durable before they are renamed. */
#define BATCH_MS 200
#define BATCH_FILES 256
/* How often progress of files being fetched is recorded. */
#define PART_RECORD_MS 1000

#define LIST_ATTRS (OD_ATTR_TYPE | OD_ATTR_SIZE | OD_ATTR_MTIME | OD_ATTRS_CHECKSUM)

enum file_state {
	F_QUEUED,
	F_ACTIVE,
	F_DONE,
	F_KEPT,
	F_FAILED,
};

struct dl_file {
	struct od_space *space;
	char *file_id;
	char *local;		/* absolute or as given: where it goes */
	char *remote;		/* "SPACE/path", for messages */
	uint64_t size;
	int64_t mtime;
	char sha256[OD_SHA256_HEX];	/* the recorded checksum, "" when none usable */
	const char *check_note;		/* why the checksum cannot be compared */
	enum file_state state;
	unsigned attempts;
};

struct dl_dir {
	struct od_space *space;
	char *id;
	char *local;
	char *remote;
	int64_t mtime;
	char *after;		/* the last name received, to go on after a pause */
	bool relist;		/* its listing was cut short by a refused token */
};

/* A piece of the file: bytes [start, end), of which done were received
 * from start on; those not in fill are written, or queued for the
 * writing thread. Requests point at their piece: pieces never move. */
struct dl_seg {
	struct dl_active *a;
	struct od_req *req;
	uint64_t start, end, done;
	struct od_wbuf *fill;		/* bytes on their way to the writing thread */
	bool used;
};

struct dl_active {
	struct od_download *d;
	struct dl_file *f;
	char *part;
	char *url;			/* of the content */
	int fd;
	struct od_sha256 *h;		/* hashing as the bytes pass by (small files) */
	uint64_t hashed;		/* bytes [0, hashed) went into h */
	struct od_hash_job *hj;		/* or writing and hashing in a thread (large files) */
	/* Bytes [0, base) are received; the used pieces cover [base, next)
	 * without gaps; bytes from next on are not asked for yet. */
	uint64_t base, next;
	struct dl_seg seg[MAX_SEGS];
	unsigned streams, running;
	bool resumed;
	bool fresh;			/* the .part file was made by this run: it holds only what it wrote */
	bool finished;			/* waiting in the batch */
	struct od_error *err;		/* why a stream failed; the file fails when all are back */
	char got[OD_SHA256_HEX];	/* the SHA-256 of what was written, "" when not computed */
	struct dl_active *next_done;	/* in the batch */
};

/* A "part" record of an earlier run: bytes [0, base) were written, and
 * pieces [start, end, done] in order from base on. */
struct dl_part {
	char *local;
	char *file_id;
	uint64_t size;
	int64_t mtime;
	uint64_t base;
	unsigned nseg;
	uint64_t seg[MAX_SEGS][3];
};

/* A "done" record of an earlier run. */
struct dl_done {
	char *local;
	char sha256[OD_SHA256_HEX];
	bool verified;
};

struct od_download {
	struct od_zone *z;
	struct od_engine *e;
	struct od_download_opts o;
	od_xfer_event_fn *fn;
	void *ud;
	struct od_journal *journal;

	struct dl_file **files;
	size_t n_files, cap_files, next_file;
	struct dl_dir *dirs;		/* every directory, to list and to date */
	size_t n_dirs, cap_dirs, next_dir;
	size_t n_relist;		/* directories to list again */
	unsigned listing;		/* listings running */
	struct od_op *list_ops[LISTINGS];

	struct dl_active **active;	/* jobs slots */
	unsigned n_active;
	struct dl_active *batch;	/* finished, waiting to be made durable */
	size_t n_batch;
	long long batch_since, parts_at;

	struct dl_part *parts;
	size_t n_parts;
	struct dl_done *done;
	size_t n_done;
	bool done_sorted;

	struct od_strset made_dirs;
	unsigned adding;		/* sources still being looked up */
	struct od_xfer_totals t;
	bool started, paused, stopping, finished, in_pump, listed;
	struct od_error *stop_err;
};

static void pump(struct od_download *d);
static void finish_file(struct dl_active *a);
static int settle(struct dl_active *a);

/* --- events and records -------------------------------------------------------- */

static void
emit(struct od_download *d, enum od_xfer_event_kind kind, const struct dl_file *f,
     const struct od_error *err, const char *note)
{
	struct od_xfer_event ev = { .kind = kind, .err = err, .note = note };

	if (f) {
		const struct od_provider_info *p = f->space ? od_provider_current(f->space) : NULL;
		ev.local = f->local;
		ev.remote = f->remote;
		ev.file_id = f->file_id;
		ev.provider_id = p ? p->id : NULL;
		ev.size = f->size;
		ev.mtime = f->mtime;
	}
	d->fn(&ev, d->ud);
}

static void
record(struct od_download *d, cJSON *rec)
{
	xfer_record(d->journal, rec);
}

static void
sync_journal(struct od_download *d)
{
	xfer_sync(d->journal);
}

static cJSON *
file_record(const char *key, const struct dl_file *f)
{
	cJSON *r = cJSON_CreateObject();

	if (r && (!cJSON_AddStringToObject(r, key, f->local) || !cJSON_AddStringToObject(r, "fileId", f->file_id) ||
		  !cJSON_AddNumberToObject(r, "size", (double)f->size) ||
		  !cJSON_AddNumberToObject(r, "mtime", (double)f->mtime))) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

static struct od_error *note_part(struct od_download *d, const cJSON *rec, const char *local);

/* The used piece that starts at off, or NULL. */
static struct dl_seg *
piece_at(struct dl_active *a, uint64_t off)
{
	for (unsigned i = 0; i < MAX_SEGS; i++)
		if (a->seg[i].used && a->seg[i].start == off)
			return &a->seg[i];
	return NULL;
}

/* Bytes of the file received: written, or on their way. */
static uint64_t
written_bytes(const struct dl_active *a)
{
	uint64_t n = a->base;

	for (unsigned i = 0; i < MAX_SEGS; i++)
		if (a->seg[i].used)
			n += a->seg[i].done;
	return n;
}

/* Record how far a's file is, in the journal and for a resume in this run. */
static void
record_part(struct dl_active *a)
{
	cJSON *r = file_record("part", a->f), *segs;
	struct od_error *err;
	uint64_t off = a->base;
	struct dl_seg *s;

	if (r && !cJSON_AddNumberToObject(r, "base", (double)a->base)) {
		cJSON_Delete(r);
		r = NULL;
	}
	segs = r ? cJSON_AddArrayToObject(r, "segs") : NULL;
	/* In file order, which is not the order of the slots. */
	while (segs && off < a->next && (s = piece_at(a, off))) {
		double v[3] = { (double)s->start, (double)s->end, (double)s->done };
		cJSON_AddItemToArray(segs, cJSON_CreateDoubleArray(v, 3));
		off = s->end;
	}
	if (r && (err = note_part(a->d, r, a->f->local))) {
		od_log(OD_LOG_WARN, "%s", err->message);
		od_error_free(err);
	}
	record(a->d, r);
}

/* --- earlier runs ------------------------------------------------------------- */

static int
by_local(const void *x, const void *y)
{
	return strcmp(((const struct dl_done *)x)->local, ((const struct dl_done *)y)->local);
}

static const struct dl_done *
find_done(struct od_download *d, const char *local)
{
	struct dl_done key = { .local = (char *)local };

	if (!d->done_sorted && d->n_done) {
		qsort(d->done, d->n_done, sizeof(*d->done), by_local);
		d->done_sorted = true;
	}
	return d->n_done ? bsearch(&key, d->done, d->n_done, sizeof(*d->done), by_local) : NULL;
}

static struct dl_part *
find_part(struct od_download *d, const char *local)
{
	for (size_t i = d->n_parts; i-- > 0;)
		if (strcmp(d->parts[i].local, local) == 0)
			return &d->parts[i];
	return NULL;
}

static struct od_error *
note_part(struct od_download *d, const cJSON *rec, const char *local)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(rec, "fileId");
	const cJSON *segs = cJSON_GetObjectItemCaseSensitive(rec, "segs"), *s;
	const cJSON *base = cJSON_GetObjectItemCaseSensitive(rec, "base");
	int64_t size, mtime, off = 0;
	struct dl_part p = { 0 }, *v;

	if (!cJSON_IsString(id) || !od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "size"), &size) ||
	    !od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "mtime"), &mtime) || !cJSON_IsArray(segs) ||
	    size < 0 || (base && (!od_json_is_integer(base, &off) || off < 0 || off > size)))
		return NULL;	/* not one of ours: the file simply starts over */
	p.base = (uint64_t)off;
	cJSON_ArrayForEach(s, segs) {
		int64_t x[3];
		if (p.nseg == MAX_SEGS || cJSON_GetArraySize(s) != 3)
			return NULL;
		for (int i = 0; i < 3; i++)
			if (!od_json_is_integer(cJSON_GetArrayItem(s, i), &x[i]) || x[i] < 0)
				return NULL;
		/* Pieces follow each other from base on. */
		if (x[0] != off || x[0] > x[1] || x[1] > size || x[2] > x[1] - x[0])
			return NULL;
		off = x[1];
		for (int i = 0; i < 3; i++)
			p.seg[p.nseg][i] = (uint64_t)x[i];
		p.nseg++;
	}
	v = realloc(d->parts, (d->n_parts + 1) * sizeof(*v));
	if (!v)
		return od_error_nomem();
	d->parts = v;
	p.local = strdup(local);
	p.file_id = strdup(id->valuestring);
	p.size = (uint64_t)size;
	p.mtime = mtime;
	if (!p.local || !p.file_id) {
		free(p.local);
		free(p.file_id);
		return od_error_nomem();
	}
	d->parts[d->n_parts++] = p;
	return NULL;
}

struct od_error *
od_download_note(struct od_download *d, const cJSON *rec)
{
	const cJSON *part = cJSON_GetObjectItemCaseSensitive(rec, "part");
	const cJSON *done = cJSON_GetObjectItemCaseSensitive(rec, "done");
	const cJSON *sha, *ver;
	struct dl_done *v;

	if (cJSON_IsString(part))
		return note_part(d, rec, part->valuestring);
	if (!cJSON_IsString(done))
		return NULL;
	v = realloc(d->done, (d->n_done + 1) * sizeof(*v));
	if (!v)
		return od_error_nomem();
	d->done = v;
	v = &d->done[d->n_done];
	memset(v, 0, sizeof(*v));
	if (!(v->local = strdup(done->valuestring)))
		return od_error_nomem();
	sha = cJSON_GetObjectItemCaseSensitive(rec, "sha256");
	ver = cJSON_GetObjectItemCaseSensitive(rec, "verified");
	if (cJSON_IsString(sha) && od_sha256_valid(sha->valuestring))
		memcpy(v->sha256, sha->valuestring, OD_SHA256_HEX);
	v->verified = cJSON_IsTrue(ver);
	d->n_done++;
	d->done_sorted = false;
	return NULL;
}

/* --- set-up ----------------------------------------------------------------- */

struct od_error *
od_download_new(struct od_zone *z, const struct od_download_opts *opts, od_xfer_event_fn *fn, void *ud,
		struct od_download **out)
{
	struct od_download *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return od_error_nomem();
	d->z = z;
	d->e = od_zone_engine(z);
	if (opts)
		d->o = *opts;
	if (!d->o.jobs)
		d->o.jobs = 4;
	if (!d->o.streams)
		d->o.streams = 1;
	if (d->o.streams > MAX_STREAMS)
		d->o.streams = MAX_STREAMS;
	if (!d->o.split_min)
		d->o.split_min = DEFAULT_SPLIT_MIN;
	if (!d->o.file_attempts)
		d->o.file_attempts = 3;
	d->fn = fn;
	d->ud = ud;
	d->active = calloc(d->o.jobs, sizeof(*d->active));
	if (!d->active) {
		free(d);
		return od_error_nomem();
	}
	od_strset_init(&d->made_dirs);
	*out = d;
	return NULL;
}

void
od_download_set_journal(struct od_download *d, struct od_journal *j)
{
	d->journal = j;
}

/* Take the recorded checksum of a as the one to compare with. */
static void
take_checksum(struct dl_file *f, const struct od_attrs *a)
{
	f->sha256[0] = '\0';
	f->check_note = NULL;
	if (!a->sha256)
		return;
	if (!od_sha256_valid(a->sha256)) {
		f->check_note = _("the recorded checksum is not a SHA-256; not compared");
	} else if (a->sha256_mtime >= 0 && a->sha256_mtime != f->mtime) {
		f->check_note = _("the file changed after its checksum was recorded; not compared");
	} else {
		for (int i = 0; i < 64; i++)
			f->sha256[i] = (char)(a->sha256[i] | 0x20);	/* lower case */
		f->sha256[64] = '\0';
	}
}

static struct od_error *
add_file(struct od_download *d, struct od_space *s, const struct od_attrs *a, char *remote, char *local)
{
	struct dl_file *f = calloc(1, sizeof(*f));

	if (!f || !remote || !local || !(f->file_id = strdup(a->file_id)))
		goto nomem;
	if (d->n_files == d->cap_files) {
		size_t cap = d->cap_files ? d->cap_files * 2 : 64;
		struct dl_file **v = realloc(d->files, cap * sizeof(*v));
		if (!v)
			goto nomem;
		d->files = v;
		d->cap_files = cap;
	}
	f->space = s;
	f->remote = remote;
	f->local = local;
	f->size = a->size > 0 ? (uint64_t)a->size : 0;
	f->mtime = a->mtime;
	take_checksum(f, a);
	d->files[d->n_files++] = f;
	d->t.files++;
	d->t.bytes += f->size;
	return NULL;
nomem:
	if (f)
		free(f->file_id);
	free(f);
	free(remote);
	free(local);
	return od_error_nomem();
}

static struct od_error *
add_dir(struct od_download *d, struct od_space *s, const struct od_attrs *a, char *remote, char *local)
{
	struct dl_dir *dir;

	if (!remote || !local)
		goto nomem;
	if (d->n_dirs == d->cap_dirs) {
		size_t cap = d->cap_dirs ? d->cap_dirs * 2 : 16;
		struct dl_dir *v = realloc(d->dirs, cap * sizeof(*v));
		if (!v)
			goto nomem;
		d->dirs = v;
		d->cap_dirs = cap;
	}
	dir = &d->dirs[d->n_dirs];
	memset(dir, 0, sizeof(*dir));
	if (!(dir->id = strdup(a->file_id)))
		goto nomem;
	dir->space = s;
	dir->remote = remote;
	dir->local = local;
	dir->mtime = a->mtime;
	d->n_dirs++;
	return NULL;
nomem:
	free(remote);
	free(local);
	return od_error_nomem();
}

static struct od_error *
add_entry(struct od_download *d, struct od_space *s, const struct od_attrs *a, char *remote, char *local)
{
	if (a->type == OD_FILE_DIR)
		return add_dir(d, s, a, remote, local);
	if (a->type == OD_FILE_REG)
		return add_file(d, s, a, remote, local);
	{
		struct dl_file f = { .space = s, .local = local, .remote = remote, .file_id = (char *)a->file_id };
		emit(d, OD_XFER_SKIPPED, &f, NULL, _("a symbolic link; not followed"));
	}
	free(remote);
	free(local);
	return NULL;
}

struct od_error *
od_download_add(struct od_download *d, struct od_space *s, const struct od_attrs *a, const char *remote,
		const char *local)
{
	return add_entry(d, s, a, od_strdup(remote), od_strdup(local));
}

/* A source named by its path, being looked up. */
struct add_op {
	struct od_download *d;
	struct od_space *s;
	char *remote, *local;
};

static void
add_op_end(struct add_op *op, struct od_error *err)
{
	struct od_download *d = op->d;

	if (err && err->kind != OD_ERR_CANCELLED) {
		struct dl_file f = { .space = op->s, .local = op->local, .remote = op->remote };
		od_error_prefix(err, _("Cannot access %s"), op->remote);
		emit(d, OD_XFER_FILE_FAILED, &f, err, NULL);
		d->t.files++;
		d->t.files_failed++;
	}
	od_error_free(err);
	free(op->remote);
	free(op->local);
	free(op);
	d->adding--;
	pump(d);
}

static void
on_source_attrs(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct add_op *op = ud;

	if (!err) {
		err = add_entry(op->d, op->s, a, op->remote, op->local);
		op->remote = op->local = NULL;
	}
	add_op_end(op, err);
}

static void
on_source_id(const char *file_id, struct od_error *err, void *ud)
{
	struct add_op *op = ud;

	if (!err && !od_provider_stat(op->d->z, op->s, file_id, LIST_ATTRS, on_source_attrs, op))
		err = od_error_nomem();
	if (err)
		add_op_end(op, err);
}

/* A source op for remote -> local, counted as being added before its
 * call starts (a call may end inside its start); NULL when out of memory. */
static struct add_op *
add_op_new(struct od_download *d, struct od_space *s, const char *remote, const char *local)
{
	struct add_op *op = calloc(1, sizeof(*op));

	if (!op || !(op->remote = strdup(remote)) || !(op->local = strdup(local))) {
		if (op)
			free(op->remote);
		free(op);
		return NULL;
	}
	op->d = d;
	op->s = s;
	d->adding++;
	return op;
}

static struct od_error *
add_op_started(struct add_op *op, struct od_op *started)
{
	if (!started) {
		op->d->adding--;
		free(op->remote);
		free(op->local);
		free(op);
		return od_error_nomem();
	}
	return NULL;
}

struct od_error *
od_download_add_path(struct od_download *d, struct od_space *s, const char *path, const char *remote,
		     const char *local)
{
	struct add_op *op = add_op_new(d, s, remote, local);

	if (!op)
		return od_error_nomem();
	return add_op_started(op, od_provider_resolve(d->z, s, path, on_source_id, op));
}

struct od_error *
od_download_add_id(struct od_download *d, struct od_space *s, const char *file_id, const char *remote,
		   const char *local)
{
	struct add_op *op = add_op_new(d, s, remote, local);

	if (!op)
		return od_error_nomem();
	return add_op_started(op, od_provider_stat(d->z, s, file_id, LIST_ATTRS, on_source_attrs, op));
}

void
od_download_totals(const struct od_download *d, struct od_xfer_totals *t)
{
	*t = d->t;
	t->listing = d->next_dir < d->n_dirs || d->listing > 0 || d->n_relist || d->adding;
	t->paused = d->paused;
}

/* --- listing ----------------------------------------------------------------- */

static char *
join(const char *dir, const char *name)
{
	return od_asprintf("%s/%s", dir, name);
}

/* One listed entry: judge its name, then queue it. */
static struct od_error *
list_entry(struct od_download *d, struct dl_dir *dir, const struct od_attrs *a)
{
	enum od_name_verdict verdict;
	const char *why;
	char *name;

	if (od_local_name(a->name, d->o.map_names, &name, &verdict, &why) != 0)
		return od_error_nomem();
	if (verdict != OD_NAME_OK) {
		struct dl_file f = { .space = dir->space, .file_id = (char *)a->file_id };
		struct od_error *err = NULL;
		f.remote = join(dir->remote, a->name);
		f.local = name ? join(dir->local, name) : NULL;
		if (verdict == OD_NAME_REFUSED) {
			err = od_error_new(OD_ERR_INPUT, _("left out: %s (--map-names fetches it under a safe name)"),
					   why);
			if (a->type == OD_FILE_REG) {
				d->t.files++;
				d->t.files_failed++;
			}
		}
		emit(d, OD_XFER_NAME, &f, err, why);
		od_error_free(err);
		free(f.remote);
		free(f.local);
		if (verdict == OD_NAME_REFUSED)
			return NULL;
	}
	{
		char *local = join(dir->local, name);
		free(name);
		return add_entry(d, dir->space, a, join(dir->remote, a->name), local);
	}
}

struct list_ctx {
	struct od_download *d;
	size_t dir;		/* index in d->dirs (the array may move) */
	unsigned slot;
};

static bool
on_page(const struct od_attrs *entries, size_t n, void *ud)
{
	struct list_ctx *c = ud;
	struct od_download *d = c->d;
	struct od_error *err = NULL;

	for (size_t i = 0; i < n && !err; i++)
		err = list_entry(d, &d->dirs[c->dir], &entries[i]);
	if (!err && n) {
		struct dl_dir *dir = &d->dirs[c->dir];
		free(dir->after);
		if (!(dir->after = strdup(entries[n - 1].name)))
			err = od_error_nomem();
	}
	if (err) {
		/* Only memory can run out here. */
		d->stop_err = err;
		return false;
	}
	pump(d);
	return true;
}

static void stop(struct od_download *d, struct od_error *err);
static void pause_for_token(struct od_download *d, const struct od_error *err);

static void
on_listed(struct od_error *err, void *ud)
{
	struct list_ctx *c = ud;
	struct od_download *d = c->d;
	struct dl_dir *dir = &d->dirs[c->dir];

	d->list_ops[c->slot] = NULL;
	d->listing--;
	if (err && err->kind != OD_ERR_CANCELLED && od_error_is_auth(err)) {
		/* List it again once a token is accepted. */
		dir->relist = true;
		d->n_relist++;
		pause_for_token(d, err);
	} else if (err && err->kind != OD_ERR_CANCELLED) {
		struct dl_file f = { .space = dir->space, .local = dir->local, .remote = dir->remote,
				     .file_id = dir->id };
		od_error_prefix(err, _("Cannot list %s"), dir->remote);
		emit(d, OD_XFER_FILE_FAILED, &f, err, NULL);
		/* Counted as one item that failed, so that totals add up. */
		d->t.files++;
		d->t.files_failed++;
	}
	od_error_free(err);
	free(c);
	if (d->stop_err)
		stop(d, NULL);
	else
		pump(d);
}

/* The next directory to list: one cut short first. */
static size_t
next_listing(struct od_download *d)
{
	if (d->n_relist) {
		for (size_t i = 0; i < d->next_dir; i++) {
			if (d->dirs[i].relist) {
				d->dirs[i].relist = false;
				d->n_relist--;
				return i;
			}
		}
	}
	return d->next_dir++;
}

static void
start_listing(struct od_download *d, unsigned slot)
{
	struct od_list_opts lo = { .attrs = LIST_ATTRS };
	struct list_ctx *c = calloc(1, sizeof(*c));
	struct dl_dir *dir;

	if (!c) {
		stop(d, od_error_nomem());
		return;
	}
	c->d = d;
	c->dir = next_listing(d);
	dir = &d->dirs[c->dir];
	lo.after = dir->after;
	c->slot = slot;
	d->listing++;
	d->list_ops[slot] = od_provider_list(d->z, dir->space, dir->id, &lo, on_page, on_listed, c);
	if (!d->list_ops[slot]) {
		d->listing--;
		free(c);
		stop(d, od_error_nomem());
	}
}

/* --- local files -------------------------------------------------------------- */

/* mkdir -p for the directory that holds path, remembering what exists. */
static struct od_error *
make_parent(struct od_download *d, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (!slash || slash == path)
		return NULL;
	if (!(dir = od_strndup(path, (size_t)(slash - path))))
		return od_error_nomem();
	rc = od_strset_add(&d->made_dirs, dir);
	if (rc == 1) {
		for (char *p = dir + 1; *p; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
				rc = -errno;
				*p = '/';
				break;
			}
			*p = '/';
		}
		if (rc == 1 && mkdir(dir, 0777) != 0 && errno != EEXIST)
			rc = -errno;
	}
	if (rc < 0) {
		struct od_error *err = rc == -ENOMEM ? od_error_nomem()
						     : od_error_errno(OD_ERR_IO, -rc, _("cannot create %s"), dir);
		free(dir);
		return err;
	}
	free(dir);
	return NULL;
}

/* A local file already there: keep it (true) when it has the remote size
 * and mtime, and, when checking, the recorded checksum. */
static bool
keep_existing(struct od_download *d, struct dl_file *f, const struct stat *st)
{
	struct od_xfer_event ev = { .kind = OD_XFER_FILE_KEPT };
	const struct dl_done *done;
	char sha[OD_SHA256_HEX] = "";
	struct od_error *err = NULL;

	if (!S_ISREG(st->st_mode) || (uint64_t)st->st_size != f->size || st->st_mtime != f->mtime)
		return false;
	done = find_done(d, f->local);
	if (done && done->sha256[0] && !d->o.verify)
		memcpy(sha, done->sha256, OD_SHA256_HEX);
	else if (d->o.hash || d->o.verify)
		err = xfer_hash_file(f->local, f->size, sha);
	if (err) {
		emit(d, OD_XFER_FILE_FAILED, f, err, NULL);
		od_error_free(err);
		f->state = F_FAILED;
		d->t.files_failed++;
		return true;
	}
	if (sha[0] && f->sha256[0] && strcmp(sha, f->sha256) != 0) {
		err = od_error_new(OD_ERR_INPUT, _("the local copy differs from the recorded checksum "
						   "(--overwrite fetches it again)"));
		emit(d, OD_XFER_FILE_FAILED, f, err, NULL);
		od_error_free(err);
		f->state = F_FAILED;
		d->t.files_failed++;
		return true;
	}
	ev.local = f->local;
	ev.remote = f->remote;
	ev.file_id = f->file_id;
	ev.size = f->size;
	ev.mtime = f->mtime;
	ev.sha256 = sha[0] ? sha : NULL;
	ev.verified = sha[0] && f->sha256[0];
	ev.note = f->check_note;
	f->state = F_KEPT;
	d->t.files_kept++;
	d->t.bytes_done += f->size;
	d->fn(&ev, d->ud);
	return true;
}

/* --- fetching one file ------------------------------------------------------------ */

static void
cancel_streams(struct dl_active *a)
{
	for (unsigned i = 0; i < MAX_SEGS; i++)
		if (a->seg[i].req)
			od_req_cancel(a->seg[i].req);
}

static void
free_active(struct dl_active *a)
{
	cancel_streams(a);
	od_hash_job_cancel(a->hj);
	if (a->fd >= 0)
		close(a->fd);
	od_sha256_free(a->h);
	od_error_free(a->err);
	free(a->part);
	free(a->url);
	free(a);
}

static void
release_slot(struct od_download *d, struct dl_active *a)
{
	for (unsigned i = 0; i < d->o.jobs; i++) {
		if (d->active[i] == a) {
			d->active[i] = NULL;
			d->n_active--;
			d->t.active = d->n_active;
			return;
		}
	}
}

/* Give up on a's file with err (taken over), or queue it again. */
static void
fail_file(struct dl_active *a, struct od_error *err)
{
	struct od_download *d = a->d;
	struct dl_file *f = a->f;
	uint64_t written = written_bytes(a);

	d->t.bytes_done -= written < d->t.bytes_done ? written : d->t.bytes_done;
	release_slot(d, a);
	if (err->sys_errno && err->kind == OD_ERR_IO && xfer_fatal_errno(err->sys_errno)) {
		if (settle(a) == 0)
			record_part(a);
		free_active(a);
		f->state = F_QUEUED;
		stop(d, err);
		return;
	}
	if (err->kind == OD_ERR_CANCELLED || od_error_is_auth(err)) {
		/* Stopped or paused: it stays queued and resumes where it is. */
		if (settle(a) == 0) {
			if (a->fd >= 0)
				fdatasync(a->fd);
			record_part(a);
		}
		free_active(a);
		f->state = F_QUEUED;
		if (err->kind != OD_ERR_CANCELLED)
			pause_for_token(d, err);
		/* A pause may last: what it keeps must survive a crash meanwhile. */
		if (d->paused)
			sync_journal(d);
		od_error_free(err);
		return;
	}
	free_active(a);
	if (++f->attempts < d->o.file_attempts) {
		od_log(OD_LOG_INFO, "%s: %s; trying it again", f->remote, err->message);
		f->state = F_QUEUED;
		od_error_free(err);
		/* Back of the queue: behind what is waiting. */
		{
			struct dl_file **v = d->files;
			size_t i;
			for (i = 0; i < d->next_file && v[i] != f; i++)
				;
			if (i < d->next_file) {
				memmove(&v[i], &v[i + 1], (d->n_files - i - 1) * sizeof(*v));
				v[d->n_files - 1] = f;
				d->next_file--;
			}
		}
		return;
	}
	f->state = F_FAILED;
	d->t.files_failed++;
	{
		cJSON *r = cJSON_CreateObject();
		if (r && cJSON_AddStringToObject(r, "failed", f->local))
			cJSON_AddStringToObject(r, "error", err->message);
		record(d, r);
	}
	emit(d, OD_XFER_FILE_FAILED, f, err, NULL);
	od_error_free(err);
}

static void flush_batch(struct od_download *d);
static void record_parts(struct od_download *d);

/* Timed work that must not wait for the next file to end: recording
 * progress and making finished files durable. Safe inside a sink (it
 * starts no request). */
static void
housekeeping(struct od_download *d)
{
	long long now = od_now_ms();

	if (d->n_batch && (d->n_batch >= BATCH_FILES || now - d->batch_since >= BATCH_MS))
		flush_batch(d);
	if (d->n_active && now - d->parts_at >= PART_RECORD_MS)
		record_parts(d);
}

/* Where the written start of the file ends: base and what follows it of
 * the piece that starts there, but for what still waits in its buffer
 * (the thread writes what it was handed before it reads anything back). */
static uint64_t
written_prefix(struct dl_active *a)
{
	const struct dl_seg *s = piece_at(a, a->base);

	return a->base + (s ? s->done - (s->fill ? s->fill->len : 0) : 0);
}

/* Have every byte received so far written: 0, or why writing failed
 * (then the last record of the file still says how far it is). */
static int
settle(struct dl_active *a)
{
	int e;

	if (!a->hj)
		return 0;
	for (unsigned i = 0; i < MAX_SEGS; i++)
		od_hash_job_flush(a->hj, &a->seg[i].fill);
	if ((e = od_hash_job_sync(a->hj)))
		return e;
	od_hash_job_extend(a->hj, written_prefix(a));
	return 0;
}

static int
write_at(int fd, uint64_t off, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = pwrite(fd, data, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		data += n;
		off += (uint64_t)n;
		len -= (size_t)n;
	}
	return 0;
}

static struct od_error *
on_data(const char *data, size_t len, void *ud)
{
	struct dl_seg *s = ud;
	struct dl_active *a = s->a;
	uint64_t off = s->start + s->done;
	int e = a->hj ? od_hash_job_put(a->hj, &s->fill, off, data, len) : write_at(a->fd, off, data, len);

	if (e)
		return od_error_errno(OD_ERR_IO, e, _("cannot write %s"), a->part);
	if (a->h && a->hashed == off) {
		od_sha256_update(a->h, data, len);
		a->hashed += len;
	}
	s->done += len;
	if (a->hj && s->start == a->base)
		od_hash_job_extend(a->hj, written_prefix(a));
	a->d->t.bytes_done += len;
	a->d->t.bytes_moved += len;
	housekeeping(a->d);
	return NULL;
}

/* Join the finished pieces at the start of the file to it. */
static void
advance_base(struct dl_active *a)
{
	struct dl_seg *s;

	while ((s = piece_at(a, a->base)) && !s->req && s->done == s->end - s->start) {
		a->base = s->end;
		s->used = false;
	}
	if (a->hj)
		od_hash_job_extend(a->hj, written_prefix(a));
}

static void on_seg_done(struct od_req *req, struct od_error *err, void *ud);

static struct od_error *
submit_seg(struct dl_active *a, struct dl_seg *s)
{
	struct od_download *d = a->d;
	struct od_req *req;

	if (s->done == s->end - s->start)
		return NULL;
	if (!(req = od_req_new(d->e, OD_GET, a->url)))
		return od_error_nomem();
	if (a->f->space)
		od_req_auth(req);
	od_req_set_sink(req, on_data, s);
	od_req_set_range(req, s->start + s->done, s->end);
	if (d->o.max_speed) {
		unsigned streams = d->n_active * a->streams;
		od_req_set_max_speed(req, d->o.max_speed / (streams ? streams : 1));
	}
	s->req = req;
	a->running++;
	od_req_submit(req, on_seg_done, s);
	return NULL;
}

/* The length of the next piece to hand out. */
static uint64_t
piece_len(const struct dl_active *a)
{
	uint64_t left = a->f->size - a->next, len;

	if (a->streams <= 1)
		return left;
	len = (left / (a->streams * 4u) + MIB - 1) & ~(uint64_t)(MIB - 1);
	if (len < PIECE_MIN)
		len = PIECE_MIN;
	if (len > PIECE_MAX)
		len = PIECE_MAX;
	return len < left ? len : left;
}

/* Send requests for the pieces that have none, then hand out new pieces
 * while streams are free. */
static struct od_error *
start_pieces(struct dl_active *a)
{
	struct od_error *err = NULL;

	for (unsigned i = 0; i < MAX_SEGS && !err; i++)
		if (a->seg[i].used && !a->seg[i].req)
			err = submit_seg(a, &a->seg[i]);
	while (!err && a->running < a->streams && a->next < a->f->size) {
		struct dl_seg *s = NULL;
		for (unsigned i = 0; i < MAX_SEGS && !s; i++)
			if (!a->seg[i].used)
				s = &a->seg[i];
		if (!s)
			break;	/* pieces wait for the start of the file */
		*s = (struct dl_seg){ .a = a, .start = a->next, .end = a->next + piece_len(a), .used = true };
		a->next = s->end;
		err = submit_seg(a, s);
	}
	return err;
}

static void
on_seg_done(struct od_req *req, struct od_error *err, void *ud)
{
	struct dl_seg *s = ud;
	struct dl_active *a = s->a;
	struct od_download *d = a->d;

	s->req = NULL;
	a->running--;
	if (s->fill)
		od_hash_job_flush(a->hj, &s->fill);
	if (!err && s->done != s->end - s->start)
		err = od_error_new(OD_ERR_INPUT, _("the provider sent %llu of %llu bytes; the file may have "
						   "changed while it was fetched"),
				   (unsigned long long)s->done, (unsigned long long)(s->end - s->start));
	if (!err && !a->err) {
		advance_base(a);
		err = start_pieces(a);
	}
	if (err && !a->err) {
		/* Stop the other streams; the file fails once all are back. */
		a->err = err;
		cancel_streams(a);
	} else {
		od_error_free(err);
	}
	if (a->running > 0)
		return;
	if (a->err) {
		struct od_error *e = a->err;
		a->err = NULL;
		fail_file(a, e);
	} else {
		finish_file(a);
	}
	pump(d);
}

/* How a's file is fetched: as an earlier run left it, or from the start. */
static void
plan_segments(struct dl_active *a, const struct dl_part *p)
{
	struct od_download *d = a->d;

	memset(a->seg, 0, sizeof(a->seg));
	a->streams = d->o.streams > 1 && a->f->size >= d->o.split_min ? d->o.streams : 1;
	a->base = a->next = p ? p->base : 0;
	for (unsigned i = 0; p && i < p->nseg; i++) {
		a->seg[i] = (struct dl_seg){ .a = a, .start = p->seg[i][0], .end = p->seg[i][1],
					     .done = p->seg[i][2], .used = true };
		a->next = a->seg[i].end;
	}
	a->resumed = p != NULL;
}

/* Whether a single stream fetched the whole file in order: then what the
 * .part file holds is good, whatever was recorded. */
static bool
whole_in_order(const struct dl_part *p, uint64_t size)
{
	return p->base == 0 && p->nseg == 1 && p->seg[0][0] == 0 && p->seg[0][1] == size;
}

/* Whether a .part file of this size can hold what p says was written. */
static bool
part_fits(const struct dl_part *p, uint64_t part_size)
{
	if (whole_in_order(p, p->size))
		return true;
	if (p->base > part_size)
		return false;
	for (unsigned i = 0; i < p->nseg; i++)
		if (p->seg[i][2] && p->seg[i][0] + p->seg[i][2] > part_size)
			return false;
	return true;
}

/* Open NAME.part; an earlier run's part is taken up when it is of the same
 * remote file and still there. */
static struct od_error *
open_part(struct dl_active *a)
{
	struct od_download *d = a->d;
	struct dl_file *f = a->f;
	struct dl_part *p = find_part(d, f->local);
	struct stat st;

	if (p && (strcmp(p->file_id, f->file_id) != 0 || p->size != f->size || p->mtime != f->mtime))
		p = NULL;
	/* Most files are new: then there is nothing to look at or cut. */
	a->fd = open(a->part, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (a->fd >= 0) {
		a->fresh = true;
		plan_segments(a, NULL);
		return NULL;
	}
	if (errno == EEXIST)
		a->fd = open(a->part, O_RDWR | O_CLOEXEC);
	if (a->fd < 0)
		return od_error_errno(OD_ERR_IO, errno, _("cannot create %s"), a->part);
	if (p && fstat(a->fd, &st) == 0 && part_fits(p, (uint64_t)st.st_size)) {
		plan_segments(a, p);
		if (!whole_in_order(p, f->size))
			return NULL;
		a->seg[0].done = (uint64_t)st.st_size < f->size ? (uint64_t)st.st_size : f->size;
		return ftruncate(a->fd, (off_t)a->seg[0].done) == 0
			       ? NULL
			       : od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), a->part);
	}
	plan_segments(a, NULL);
	if (ftruncate(a->fd, 0) != 0)
		return od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), a->part);
	return NULL;
}

static struct od_error *
start_streams(struct dl_active *a)
{
	struct od_download *d = a->d;
	struct od_space *s = a->f->space;
	struct od_error *err = NULL;
	char *path;

	if (s && !od_provider_current(s) && (err = od_provider_plan(d->z, s)))
		return err;
	path = data_path(a->f->file_id, "/content");
	if (!path)
		a->url = NULL;
	else if (s)
		a->url = od_asprintf("%s%s%s", od_provider_current(s)->origin, OP_API, path);
	else	/* a share: the zone redirects to a provider */
		a->url = od_asprintf("%s%s/shares%s", od_zone_origin(d->z), OZ_API, path);
	free(path);
	if (!a->url)
		return od_error_nomem();
	d->t.bytes_done += written_bytes(a);
	advance_base(a);
	return start_pieces(a);
}

char *
od_download_part_path(const char *local)
{
	const char *slash = strrchr(local, '/'), *name = slash ? slash + 1 : local;
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	if (strlen(name) + 5 <= 255)
		return od_asprintf("%s.part", local);
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	return od_asprintf("%.*s.onetui-%016llx.part", (int)(name - local), local, (unsigned long long)h);
}

/* Whether the checksum of a's file is computed, and how: a large file is
 * written by a thread, which hashes the bytes it writes (or, with
 * --verify, reads them back), a small one is hashed as its bytes pass by.
 * What an earlier run wrote is read back either way. */
static struct od_error *
start_hashing(struct dl_active *a)
{
	struct od_download *d = a->d;
	struct dl_file *f = a->f;
	uint64_t prefix = written_prefix(a);
	struct od_sha256 *h = NULL;
	struct od_error *err;

	if ((f->sha256[0] || d->o.hash || d->o.verify) && !(h = od_sha256_new()))
		return od_error_nomem();
	if (f->size >= THREAD_MIN) {
		if ((err = od_hash_job_start(d->e, a->fd, h, 0, &a->hj)))
			return err;
		if (!d->o.verify)
			od_hash_job_hash_buffers(a->hj);
		od_hash_job_extend(a->hj, prefix);
		return NULL;
	}
	if (!h)
		return NULL;
	a->h = h;
	a->hashed = prefix;
	return od_sha256_fd(h, a->fd, 0, prefix);
}

static void
start_file(struct od_download *d, struct dl_file *f, unsigned slot)
{
	struct dl_active *a;
	struct stat st;
	struct od_error *err;

	if (lstat(f->local, &st) == 0 && !d->o.overwrite) {
		if (keep_existing(d, f, &st))
			return;
		err = od_error_new(OD_ERR_INPUT, _("a different file is already there (--overwrite replaces it)"));
		f->state = F_FAILED;
		d->t.files_failed++;
		emit(d, OD_XFER_FILE_FAILED, f, err, NULL);
		od_error_free(err);
		return;
	}
	if (!(a = calloc(1, sizeof(*a)))) {
		stop(d, od_error_nomem());
		return;
	}
	a->d = d;
	a->f = f;
	a->fd = -1;
	f->state = F_ACTIVE;
	d->active[slot] = a;
	d->n_active++;
	d->t.active = d->n_active;
	if (!(a->part = od_download_part_path(f->local))) {
		fail_file(a, od_error_nomem());
		return;
	}
	if ((err = make_parent(d, f->local)) || (err = open_part(a))) {
		fail_file(a, err);
		return;
	}
	if ((err = start_hashing(a))) {
		fail_file(a, err);
		return;
	}
	if ((err = start_streams(a))) {
		fail_file(a, err);
		return;
	}
	if (a->running == 0)
		finish_file(a);	/* empty, or every byte was there */
}

static void check_file(struct dl_active *a, struct od_error *err);

static void
on_file_hashed(struct od_error *err, const char *hex, void *ud)
{
	struct dl_active *a = ud;

	a->hj = NULL;
	memcpy(a->got, hex, OD_SHA256_HEX);
	check_file(a, err);
	pump(a->d);
}

/* Every byte is written: have it checked, then queue it for the durable
 * rename. */
static void
finish_file(struct dl_active *a)
{
	struct od_download *d = a->d;
	struct dl_file *f = a->f;
	struct od_error *err = NULL;
	struct stat st;
	int e = settle(a);

	/* Every byte was written by this run: the size is right. A part of
	 * an earlier run may be longer (a piece written past what was
	 * recorded) or end in a hole. */
	if (e)
		err = od_error_errno(OD_ERR_IO, e, _("cannot write %s"), a->part);
	else if (a->fresh)
		;
	else if (fstat(a->fd, &st) != 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot check %s"), a->part);
	else if ((uint64_t)st.st_size != f->size && ftruncate(a->fd, (off_t)f->size) != 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), a->part);
	if (!err && a->hj) {
		/* The thread still has the last bytes to hash. */
		od_hash_job_finish(a->hj, f->size, on_file_hashed, a);
		return;
	}
	if (!err && a->h) {
		if (d->o.verify) {
			/* Read everything back rather than trust what passed by. */
			od_sha256_reset(a->h);
			a->hashed = 0;
		}
		err = od_sha256_fd(a->h, a->fd, a->hashed, f->size - a->hashed);
		if (!err)
			od_sha256_hex(a->h, a->got);
	}
	check_file(a, err);
}

/* Compare the checksum, date the file and queue it for the rename; or
 * fail it with err (taken over). */
static void
check_file(struct dl_active *a, struct od_error *err)
{
	struct od_download *d = a->d;
	struct dl_file *f = a->f;
	struct timespec times[2] = { { .tv_sec = f->mtime }, { .tv_sec = f->mtime } };

	if (!err && f->sha256[0] && strcmp(a->got, f->sha256) != 0) {
		if (a->resumed) {
			/* The part an earlier run left may be what is wrong:
			 * start this file over once. */
			od_log(OD_LOG_INFO, "%s: checksum mismatch after resuming; fetching it whole", f->remote);
			unlink(a->part);
			for (size_t i = 0; i < d->n_parts; i++)
				if (strcmp(d->parts[i].local, f->local) == 0)
					d->parts[i].file_id[0] = '\0';
		}
		err = od_error_new(OD_ERR_INPUT, _("checksum mismatch: the remote file records SHA-256 %s, "
						   "the bytes received have %s"), f->sha256, a->got);
		if (!a->resumed) {
			unlink(a->part);
			f->attempts = d->o.file_attempts;	/* fetching it again will not help */
		}
	}
	if (!err && futimens(a->fd, times) != 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot set the time of %s"), a->part);
	if (err) {
		fail_file(a, err);
		return;
	}
	release_slot(d, a);
	a->finished = true;
	a->next_done = d->batch;
	if (!d->batch)
		d->batch_since = od_now_ms();
	d->batch = a;
	d->n_batch++;
}

/* Make the finished files durable, rename them into place and record them. */
static void
flush_batch(struct od_download *d)
{
	struct dl_active *a, *next;

	if (!d->batch)
		return;
	/* One sync for the whole batch instead of one per file. */
	if (syncfs(d->batch->fd) != 0)
		for (a = d->batch; a; a = a->next_done)
			fdatasync(a->fd);
	for (a = d->batch; a; a = next) {
		struct dl_file *f = a->f;
		next = a->next_done;
		if (rename(a->part, f->local) != 0) {
			struct od_error *err = od_error_errno(OD_ERR_IO, errno, _("cannot rename %s"), a->part);
			f->state = F_FAILED;
			d->t.files_failed++;
			emit(d, OD_XFER_FILE_FAILED, f, err, NULL);
			od_error_free(err);
		} else {
			struct od_xfer_event ev = { .kind = OD_XFER_FILE_DONE };
			const struct od_provider_info *p = f->space ? od_provider_current(f->space) : NULL;
			cJSON *r = file_record("done", f);
			bool hashed = a->got[0] != '\0', verified = hashed && f->sha256[0];
			if (r) {
				cJSON_AddItemToObject(r, "sha256", hashed ? cJSON_CreateString(a->got) : cJSON_CreateNull());
				cJSON_AddBoolToObject(r, "verified", verified);
				if (p)
					cJSON_AddStringToObject(r, "provider", p->id);
				cJSON_AddNumberToObject(r, "time", (double)time(NULL));
			}
			record(d, r);
			f->state = F_DONE;
			d->t.files_done++;
			ev.local = f->local;
			ev.remote = f->remote;
			ev.file_id = f->file_id;
			ev.provider_id = p ? p->id : NULL;
			ev.size = f->size;
			ev.mtime = f->mtime;
			ev.sha256 = hashed ? a->got : NULL;
			ev.verified = verified;
			ev.note = f->check_note;
			d->fn(&ev, d->ud);
		}
		free_active(a);
	}
	d->batch = NULL;
	d->n_batch = 0;
	sync_journal(d);
}

/* Record how far the files being fetched are, after making that much of
 * them durable. */
static void
record_parts(struct od_download *d)
{
	bool any = false;

	for (unsigned i = 0; i < d->o.jobs; i++) {
		struct dl_active *a = d->active[i];
		if (a && a->fd >= 0 && !a->finished && settle(a) == 0) {
			fdatasync(a->fd);
			record_part(a);
			any = true;
		}
	}
	if (any)
		sync_journal(d);
	d->parts_at = od_now_ms();
}

/* --- the job -------------------------------------------------------------------- */

static void
set_dir_times(struct od_download *d)
{
	/* Deepest first: dating a directory must come after writing into it;
	 * the list is in listing order, so parents come before children. */
	for (size_t i = d->n_dirs; i-- > 0;) {
		struct timespec times[2] = { { .tv_sec = d->dirs[i].mtime }, { .tv_sec = d->dirs[i].mtime } };
		if (utimensat(AT_FDCWD, d->dirs[i].local, times, 0) != 0 && errno != ENOENT)
			od_log(OD_LOG_INFO, "cannot set the time of %s: %s", d->dirs[i].local, strerror(errno));
	}
}

static bool
idle(const struct od_download *d)
{
	return d->listing == 0 && d->n_active == 0 && d->adding == 0;
}

static void
finish_job(struct od_download *d, struct od_error *err)
{
	flush_batch(d);
	if (!err) {
		for (size_t i = 0; i < d->n_dirs; i++) {
			struct dl_file f = { .local = d->dirs[i].local };
			char *probe = od_asprintf("%s/.", f.local);
			struct od_error *e = probe ? make_parent(d, probe) : od_error_nomem();
			free(probe);
			if (e) {
				err = e;
				break;
			}
		}
		set_dir_times(d);
	}
	d->finished = true;
	emit(d, OD_XFER_FINISHED, NULL, err, NULL);
	od_error_free(err);
}

static void
stop(struct od_download *d, struct od_error *err)
{
	if (d->stopping) {
		od_error_free(err);
		return;
	}
	d->stopping = true;
	d->paused = false;	/* a stopped job ends, paused or not */
	d->t.paused = false;
	if (err) {
		od_error_free(d->stop_err);
		d->stop_err = err;
	}
	for (unsigned i = 0; i < LISTINGS; i++)
		if (d->list_ops[i])
			od_op_cancel(d->list_ops[i]);
	for (unsigned i = 0; i < d->o.jobs; i++) {
		struct dl_active *a = d->active[i];
		if (a && a->hj && !a->running) {
			/* Every byte is there, only its checksum was awaited:
			 * the next run reads it back. */
			od_hash_job_cancel(a->hj);
			a->hj = NULL;
			fail_file(a, od_error_new(OD_ERR_CANCELLED, _("cancelled")));
		} else if (a) {
			cancel_streams(a);
		}
	}
	pump(d);
}

/* Stop the requests, keep everything else: resuming goes on. */
static void
hold(struct od_download *d)
{
	d->paused = true;
	d->t.paused = true;
	for (unsigned i = 0; i < LISTINGS; i++)
		if (d->list_ops[i])
			od_op_cancel(d->list_ops[i]);
	for (unsigned i = 0; i < d->o.jobs; i++)
		if (d->active[i])
			cancel_streams(d->active[i]);
}

static void
pause_for_token(struct od_download *d, const struct od_error *err)
{
	if (d->paused)
		return;
	hold(d);
	emit(d, OD_XFER_PAUSED, NULL, err, NULL);
}

void
od_download_pause(struct od_download *d)
{
	if (!d->paused && !d->stopping && !d->finished)
		hold(d);
}

/* Start what can start; notice the end. */
static void
pump(struct od_download *d)
{
	if (d->in_pump || d->finished)
		return;
	d->in_pump = true;
	housekeeping(d);
	if (!d->stopping && !d->paused) {
		for (unsigned slot = 0; slot < LISTINGS && (d->n_relist || d->next_dir < d->n_dirs); slot++)
			if (!d->list_ops[slot])
				start_listing(d, slot);
		for (unsigned slot = 0; slot < d->o.jobs && d->next_file < d->n_files && !d->stopping; slot++) {
			if (d->active[slot])
				continue;
			start_file(d, d->files[d->next_file++], slot);
			if (!d->active[slot] && d->next_file < d->n_files)
				slot--;	/* kept or failed at once: the slot is still free */
		}
	}
	if (d->n_batch && idle(d))
		flush_batch(d);
	d->in_pump = false;
	if (idle(d) && d->started && !d->paused &&
	    (d->stopping || (d->next_file == d->n_files && d->next_dir == d->n_dirs && !d->n_relist))) {
		struct od_error *err = d->stop_err;
		d->stop_err = NULL;
		if (d->stopping && !err)
			err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
		finish_job(d, err);
		return;
	}
	if (!d->paused && d->next_dir == d->n_dirs && d->listing == 0 && !d->adding && !d->stopping && d->started) {
		static const struct od_xfer_event listed = { .kind = OD_XFER_LISTED };
		if (!d->listed) {
			d->listed = true;
			d->fn(&listed, d->ud);
		}
	}
}

void
od_download_start(struct od_download *d)
{
	d->started = true;
	d->parts_at = od_now_ms();
	pump(d);
}

void
od_download_resume(struct od_download *d)
{
	if (!d->paused)
		return;
	d->paused = false;
	d->t.paused = false;
	/* Listings and files that were running start again (parts resume). */
	d->next_file = 0;
	while (d->next_file < d->n_files && d->files[d->next_file]->state != F_QUEUED)
		d->next_file++;
	pump(d);
}

void
od_download_cancel(struct od_download *d)
{
	stop(d, NULL);
}

void
od_download_free(struct od_download *d)
{
	if (!d)
		return;
	for (unsigned i = 0; i < LISTINGS; i++)
		if (d->list_ops[i])
			od_op_cancel(d->list_ops[i]);
	for (unsigned i = 0; i < d->o.jobs; i++)
		if (d->active[i])
			free_active(d->active[i]);
	while (d->batch) {
		struct dl_active *a = d->batch;
		d->batch = a->next_done;
		free_active(a);
	}
	for (size_t i = 0; i < d->n_files; i++) {
		free(d->files[i]->file_id);
		free(d->files[i]->local);
		free(d->files[i]->remote);
		free(d->files[i]);
	}
	for (size_t i = 0; i < d->n_dirs; i++) {
		free(d->dirs[i].id);
		free(d->dirs[i].local);
		free(d->dirs[i].remote);
		free(d->dirs[i].after);
	}
	for (size_t i = 0; i < d->n_parts; i++) {
		free(d->parts[i].local);
		free(d->parts[i].file_id);
	}
	for (size_t i = 0; i < d->n_done; i++)
		free(d->done[i].local);
	free(d->parts);
	free(d->done);
	free(d->files);
	free(d->dirs);
	free(d->active);
	od_strset_done(&d->made_dirs);
	od_error_free(d->stop_err);
	free(d);
}
