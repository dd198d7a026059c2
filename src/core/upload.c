/* SPDX-License-Identifier: GPL-3.0-or-later */
/* upload.c: local files and trees into a space. */
#include "config.h"

#include "onetui/upload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "onetui/digest.h"
#include "onetui/fileops.h"
#include "onetui/i18n.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/provider.h"
#include "onetui/str.h"
#include "onetui/url.h"

#include "hasher.h"
#include "pcall.h"
#include "xfer-int.h"

#define DEFAULT_SMALL_MAX (8u << 20)
/* Files at least this large are hashed by a thread of their own while
 * they are sent (see hasher.h); smaller ones as their bytes go out. */
#define HASH_THREAD_MIN (8u << 20)
/* Folders being created or listed at once. */
#define DIR_OPS 2

enum dir_state {
	D_WAIT,		/* its parent is not ready */
	D_MAKING,	/* being created */
	D_LISTING,
	D_READY,	/* its remote entries are known */
	D_FAILED,
};

/* What a remote folder holds. */
struct up_entry {
	char *name;
	char *file_id;
	enum od_file_type type;
	int64_t size;
	char sha256[OD_SHA256_HEX];	/* "" when none usable */
};

struct up_dir {
	struct up_dir *parent;	/* NULL: a folder that exists (dir_id given) */
	struct od_space *space;
	char *name;		/* its name in the parent */
	char *local;		/* NULL for a remote folder that has no local one */
	char *remote;		/* "SPACE/path", for messages */
	char *id;
	enum dir_state state;
	struct up_entry *ents;
	size_t n_ents, cap_ents;
};

enum file_state {
	F_QUEUED,
	F_ACTIVE,
	F_DONE,
	F_KEPT,
	F_FAILED,
};

struct up_file {
	struct up_dir *dir;
	char *name;
	char *local;
	char *remote;
	uint64_t size;
	int64_t mtime;
	enum file_state state;
	unsigned attempts;
	char *remote_id;	/* the remote file an earlier attempt of this run wrote to */
	bool made;		/* asked to be made: it may be there, its id unknown */
};

/* The steps of sending one file. */
enum phase {
	P_CHECK,	/* reading back what the provider has of an earlier run */
	P_SEND,		/* creating it with its content, or writing its content */
	P_HASH,		/* sent; waiting for the thread that computes its checksum */
	P_CREATE,	/* creating it empty (large files) */
	P_STAT,		/* asking the size and mtime the provider now has */
	P_RECORD,	/* recording the checksum */
	P_READBACK,	/* verifying: reading it all back */
	P_RESTAT,	/* asking how much an earlier attempt of this run sent */
	P_COMPARE,	/* a file of the same size is there: hashing ours to compare */
};

struct up_active {
	struct od_upload *u;
	struct up_file *f;
	enum phase phase;
	int fd;
	char *file_id;
	uint64_t offset;	/* where this request's bytes start */
	uint64_t sent;		/* bytes of this request read from the file */
	struct od_sha256 *h;	/* of the local bytes [0, hashed), as they are sent */
	uint64_t hashed;
	struct od_hash_job *hj;	/* or the thread computing it (large files) */
	struct od_sha256 *back;	/* of bytes read back */
	struct od_req *req;
	struct od_op *op;
	int64_t remote_mtime;
	bool replace;		/* write over the remote file from 0 */
	char sha[OD_SHA256_HEX];
	char theirs[OD_SHA256_HEX];	/* P_COMPARE: the checksum recorded remotely */
	struct od_error *err;	/* why the checksum could not be computed */
};

/* A "part" or "done" record of an earlier run. */
struct up_note {
	char *local;
	char *file_id;
	char sha256[OD_SHA256_HEX];
	uint64_t size;
	int64_t mtime;
	bool done;
};

struct od_upload {
	struct od_zone *z;
	struct od_engine *e;
	struct od_upload_opts o;
	od_xfer_event_fn *fn;
	void *ud;
	struct od_journal *journal;

	struct up_dir **dirs;
	size_t n_dirs, cap_dirs;
	struct od_op *dir_ops[DIR_OPS];
	struct up_dir *dir_busy[DIR_OPS];
	struct up_file **files;
	size_t n_files, cap_files, next_file;
	struct up_active **active;
	unsigned n_active;
	struct up_note *notes;
	size_t n_notes;
	struct od_xfer_totals t;
	long long synced_at;
	bool started, paused, stopping, finished, in_pump, listed;
	unsigned adding;		/* sources whose remote folder is being looked up */
	struct od_error *stop_err;
};

static void pump(struct od_upload *u);

/* --- events and records --------------------------------------------------------- */

static void
emit_file(struct od_upload *u, enum od_xfer_event_kind kind, const struct up_file *f, const char *file_id,
	  const char *sha, bool verified, const struct od_error *err, const char *note)
{
	const struct od_provider_info *p = f->dir ? od_provider_current(f->dir->space) : NULL;
	struct od_xfer_event ev = {
		.kind = kind, .local = f->local, .remote = f->remote, .file_id = file_id,
		.provider_id = p ? p->id : NULL, .size = f->size, .mtime = f->mtime,
		.sha256 = sha && *sha ? sha : NULL, .verified = verified, .err = err, .note = note,
		.made = f->made,
	};

	u->fn(&ev, u->ud);
}

static void
emit(struct od_upload *u, enum od_xfer_event_kind kind, const struct od_error *err)
{
	struct od_xfer_event ev = { .kind = kind, .err = err };

	u->fn(&ev, u->ud);
}

static cJSON *
note_record(const char *key, const struct up_file *f, const char *file_id)
{
	cJSON *r = cJSON_CreateObject();

	if (r && (!cJSON_AddStringToObject(r, key, f->local) || !cJSON_AddStringToObject(r, "fileId", file_id) ||
		  !cJSON_AddNumberToObject(r, "size", (double)f->size) ||
		  !cJSON_AddNumberToObject(r, "mtime", (double)f->mtime))) {
		cJSON_Delete(r);
		return NULL;
	}
	return r;
}

struct od_error *
od_upload_note(struct od_upload *u, const cJSON *rec)
{
	const cJSON *part = cJSON_GetObjectItemCaseSensitive(rec, "part");
	const cJSON *done = cJSON_GetObjectItemCaseSensitive(rec, "done");
	const cJSON *creating = cJSON_GetObjectItemCaseSensitive(rec, "creating");
	const cJSON *key = cJSON_IsString(part) ? part : cJSON_IsString(done) ? done : creating, *id, *sha;
	int64_t size, mtime;
	struct up_note *v;

	id = key == creating ? NULL : cJSON_GetObjectItemCaseSensitive(rec, "fileId");
	sha = cJSON_GetObjectItemCaseSensitive(rec, "sha256");
	if (!cJSON_IsString(key) || (key != creating && !cJSON_IsString(id)) ||
	    !od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "size"), &size) ||
	    !od_json_is_integer(cJSON_GetObjectItemCaseSensitive(rec, "mtime"), &mtime) || size < 0)
		return NULL;
	v = realloc(u->notes, (u->n_notes + 1) * sizeof(*v));
	if (!v)
		return od_error_nomem();
	u->notes = v;
	v = &u->notes[u->n_notes];
	memset(v, 0, sizeof(*v));
	v->local = strdup(key->valuestring);
	v->file_id = strdup(id ? id->valuestring : "");
	if (!v->local || !v->file_id) {
		free(v->local);
		free(v->file_id);
		return od_error_nomem();
	}
	v->size = (uint64_t)size;
	v->mtime = mtime;
	v->done = key == done;
	if (v->done && cJSON_IsString(sha) && od_sha256_valid(sha->valuestring))
		memcpy(v->sha256, sha->valuestring, OD_SHA256_HEX);
	u->n_notes++;
	return NULL;
}

/* The latest record of an earlier run about f sent to file_id (a record
 * of a creation under way names no file id: the crash may have come
 * before the answer), NULL when there is none or f changed since; *stale
 * says the latter. */
static const struct up_note *
find_note(const struct od_upload *u, const struct up_file *f, const char *file_id, bool *stale)
{
	*stale = false;
	for (size_t i = u->n_notes; i-- > 0;) {
		const struct up_note *n = &u->notes[i];
		if (strcmp(n->local, f->local) != 0)
			continue;
		if (*n->file_id && strcmp(n->file_id, file_id) != 0)
			return NULL;
		*stale = n->size != f->size || n->mtime != f->mtime;
		return *stale ? NULL : n;
	}
	return NULL;
}

/* Record that f is about to be created, before the request that may
 * create it: a crash after it leaves a remote file this job can claim. */
static void
note_creating(struct od_upload *u, const struct up_file *f)
{
	cJSON *r = cJSON_CreateObject();

	if (r && (!cJSON_AddStringToObject(r, "creating", f->local) ||
		  !cJSON_AddNumberToObject(r, "size", (double)f->size) ||
		  !cJSON_AddNumberToObject(r, "mtime", (double)f->mtime))) {
		cJSON_Delete(r);
		r = NULL;
	}
	xfer_record(u->journal, r);
	xfer_sync(u->journal);
}

/* --- set-up ------------------------------------------------------------------------ */

struct od_error *
od_upload_new(struct od_zone *z, const struct od_upload_opts *opts, od_xfer_event_fn *fn, void *ud,
	      struct od_upload **out)
{
	struct od_upload *u = calloc(1, sizeof(*u));

	*out = NULL;
	if (!u)
		return od_error_nomem();
	u->z = z;
	u->e = od_zone_engine(z);
	if (opts)
		u->o = *opts;
	if (!u->o.jobs)
		u->o.jobs = 4;
	if (!u->o.small_max)
		u->o.small_max = DEFAULT_SMALL_MAX;
	if (!u->o.file_attempts)
		u->o.file_attempts = 3;
	u->fn = fn;
	u->ud = ud;
	if (!(u->active = calloc(u->o.jobs, sizeof(*u->active)))) {
		free(u);
		return od_error_nomem();
	}
	*out = u;
	return NULL;
}

void
od_upload_set_journal(struct od_upload *u, struct od_journal *j)
{
	u->journal = j;
}

static struct up_dir *
new_dir(struct od_upload *u, struct up_dir *parent, struct od_space *s, const char *name, const char *local,
	const char *remote)
{
	struct up_dir *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (u->n_dirs == u->cap_dirs) {
		size_t cap = u->cap_dirs ? u->cap_dirs * 2 : 16;
		struct up_dir **v = realloc(u->dirs, cap * sizeof(*v));
		if (!v) {
			free(d);
			return NULL;
		}
		u->dirs = v;
		u->cap_dirs = cap;
	}
	d->parent = parent;
	d->space = s;
	d->name = od_strdup(name);
	d->local = od_strdup(local);
	d->remote = od_strdup(remote);
	if ((name && !d->name) || (local && !d->local) || !d->remote) {
		free(d->name);
		free(d->local);
		free(d->remote);
		free(d);
		return NULL;
	}
	u->dirs[u->n_dirs++] = d;
	return d;
}

static struct od_error *
new_file(struct od_upload *u, struct up_dir *dir, const char *name, const char *local, const struct stat *st)
{
	struct up_file *f = calloc(1, sizeof(*f));

	if (!f)
		return od_error_nomem();
	if (u->n_files == u->cap_files) {
		size_t cap = u->cap_files ? u->cap_files * 2 : 64;
		struct up_file **v = realloc(u->files, cap * sizeof(*v));
		if (!v) {
			free(f);
			return od_error_nomem();
		}
		u->files = v;
		u->cap_files = cap;
	}
	f->dir = dir;
	f->name = strdup(name);
	f->local = strdup(local);
	f->remote = od_asprintf("%s/%s", dir->remote, name);
	if (!f->name || !f->local || !f->remote) {
		free(f->name);
		free(f->local);
		free(f->remote);
		free(f);
		return od_error_nomem();
	}
	f->size = (uint64_t)st->st_size;
	f->mtime = st->st_mtime;
	u->files[u->n_files++] = f;
	u->t.files++;
	u->t.bytes += f->size;
	return NULL;
}

/* Something local that is not sent: said, and counted when it is a file
 * that could not be read. */
static void
local_problem(struct od_upload *u, const char *local, const char *remote, struct od_error *err, const char *note)
{
	struct up_file f = { .local = (char *)local, .remote = (char *)remote };

	if (err) {
		u->t.files++;
		u->t.files_failed++;
	}
	emit_file(u, err ? OD_XFER_FILE_FAILED : OD_XFER_SKIPPED, &f, NULL, NULL, false, err, note);
	od_error_free(err);
}

/* Add local (a file or folder) into dir under name. */
static struct od_error *
add_local(struct od_upload *u, struct up_dir *dir, const char *local, const char *name)
{
	struct stat st;
	struct od_error *err = NULL;
	char *remote = od_asprintf("%s/%s", dir->remote, name);
	struct up_dir *sub;
	DIR *dh;
	struct dirent *de;

	if (!remote)
		return od_error_nomem();
	if (lstat(local, &st) != 0) {
		local_problem(u, local, remote, od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), local), NULL);
	} else if (S_ISREG(st.st_mode)) {
		err = new_file(u, dir, name, local, &st);
	} else if (!S_ISDIR(st.st_mode)) {
		local_problem(u, local, remote, NULL,
			      S_ISLNK(st.st_mode) ? _("a symbolic link; not followed") : _("not a regular file; left out"));
	} else if (!(dh = opendir(local))) {
		local_problem(u, local, remote, od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), local), NULL);
	} else if (!(sub = new_dir(u, dir, dir->space, name, local, remote))) {
		closedir(dh);
		err = od_error_nomem();
	} else {
		while (!err && (de = readdir(dh))) {
			char *path;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (!(path = od_asprintf("%s/%s", local, de->d_name)))
				err = od_error_nomem();
			else
				err = add_local(u, sub, path, de->d_name);
			free(path);
		}
		closedir(dh);
	}
	free(remote);
	return err;
}

struct od_error *
od_upload_add(struct od_upload *u, const char *local, struct od_space *s, const char *dir_id,
	      const char *remote_dir, const char *name)
{
	struct up_dir *top = NULL;

	/* Sources going into the same remote folder share it. */
	for (size_t i = 0; i < u->n_dirs && !top; i++)
		if (!u->dirs[i]->parent && u->dirs[i]->space == s && strcmp(u->dirs[i]->id, dir_id) == 0)
			top = u->dirs[i];
	if (!top) {
		if (!(top = new_dir(u, NULL, s, NULL, NULL, remote_dir)) || !(top->id = strdup(dir_id)))
			return od_error_nomem();
	}
	return add_local(u, top, local, name);
}

/* A source whose remote folder is being looked up, or made. */
struct add_op {
	struct od_upload *u;
	struct od_space *s;
	char *local, *dir, *remote_dir, *name, *dir_id;
	bool looked_again;	/* after the folder was found made by another */
};

static void
add_op_free(struct add_op *op)
{
	if (!op)
		return;
	free(op->local);
	free(op->dir);
	free(op->remote_dir);
	free(op->name);
	free(op->dir_id);
	free(op);
}

static void
add_op_end(struct add_op *op, struct od_error *err)
{
	struct od_upload *u = op->u;

	if (!err)
		err = od_upload_add(u, op->local, op->s, op->dir_id, op->remote_dir, op->name);
	if (err && err->kind != OD_ERR_CANCELLED) {
		char *remote = od_asprintf("%s/%s", op->remote_dir, op->name);
		if (err->kind != OD_ERR_INPUT)
			od_error_prefix(err, _("cannot reach %s"), op->remote_dir);
		local_problem(u, op->local, remote ? remote : op->remote_dir, err, NULL);
		free(remote);
	} else {
		od_error_free(err);
	}
	add_op_free(op);
	u->adding--;
	pump(u);
}

static void
on_folder_attrs(const struct od_attrs *a, struct od_error *err, void *ud)
{
	struct add_op *op = ud;

	if (!err && a->type != OD_FILE_DIR)
		err = od_error_new(OD_ERR_INPUT, _("%s is a file, not a folder"), op->remote_dir);
	add_op_end(op, err);
}

static void on_folder_id(const char *file_id, struct od_error *err, void *ud);

static void
on_folder_made(const char *file_id, struct od_error *err, void *ud)
{
	struct add_op *op = ud;

	if (err && err->kind == OD_ERR_POSIX && err->sys_errno == EEXIST && !op->looked_again) {
		/* Another source made it meanwhile (files of a new folder
		 * are added side by side): look it up again, once. */
		od_error_free(err);
		op->looked_again = true;
		if (!od_provider_resolve(op->u->z, op->s, op->dir, on_folder_id, op))
			add_op_end(op, od_error_nomem());
		return;
	}
	if (!err && !(op->dir_id = strdup(file_id)))
		err = od_error_nomem();
	add_op_end(op, err);
}

static void
on_folder_id(const char *file_id, struct od_error *err, void *ud)
{
	struct add_op *op = ud;

	if (err && err->kind == OD_ERR_POSIX && err->sys_errno == ENOENT && op->s->root_id && !op->looked_again) {
		/* Missing: made with its parents, from the space's root. */
		od_error_free(err);
		if (!od_file_mkdirs(op->u->z, op->s, op->s->root_id, op->dir, on_folder_made, op))
			add_op_end(op, od_error_nomem());
		return;
	}
	if (!err && !(op->dir_id = strdup(file_id)))
		err = od_error_nomem();
	if (!err && !od_provider_stat(op->u->z, op->s, file_id, OD_ATTR_TYPE, on_folder_attrs, op))
		err = od_error_nomem();
	if (err)
		add_op_end(op, err);
}

struct od_error *
od_upload_add_path(struct od_upload *u, const char *local, struct od_space *s, const char *dir,
		   const char *remote_dir, const char *name)
{
	struct add_op *op = calloc(1, sizeof(*op));

	if (!op || !(op->local = strdup(local)) || !(op->dir = strdup(dir)) ||
	    !(op->remote_dir = strdup(remote_dir)) || !(op->name = strdup(name))) {
		add_op_free(op);
		return od_error_nomem();
	}
	op->u = u;
	op->s = s;
	/* Counted before the call starts: it may end inside it. */
	u->adding++;
	if (!od_provider_resolve(u->z, s, dir, on_folder_id, op)) {
		u->adding--;
		add_op_free(op);
		return od_error_nomem();
	}
	return NULL;
}

void
od_upload_totals(const struct od_upload *u, struct od_xfer_totals *t)
{
	*t = u->t;
	t->listing = u->adding > 0;
	t->paused = u->paused;
}

/* --- remote folders ------------------------------------------------------------------ */

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct up_entry *)a)->name, ((const struct up_entry *)b)->name);
}

static const struct up_entry *
find_entry(const struct up_dir *d, const char *name)
{
	struct up_entry key = { .name = (char *)name };

	return d->n_ents ? bsearch(&key, d->ents, d->n_ents, sizeof(*d->ents), by_name) : NULL;
}

struct dir_ctx {
	struct od_upload *u;
	struct up_dir *d;
	unsigned slot;
};

static bool
on_dir_page(const struct od_attrs *v, size_t n, void *ud)
{
	struct dir_ctx *c = ud;
	struct up_dir *d = c->d;

	for (size_t i = 0; i < n; i++) {
		struct up_entry *e;
		if (d->n_ents == d->cap_ents) {
			size_t cap = d->cap_ents ? d->cap_ents * 2 : 32;
			struct up_entry *w = realloc(d->ents, cap * sizeof(*w));
			if (!w)
				return false;
			d->ents = w;
			d->cap_ents = cap;
		}
		e = &d->ents[d->n_ents];
		memset(e, 0, sizeof(*e));
		e->name = strdup(v[i].name);
		e->file_id = strdup(v[i].file_id);
		if (!e->name || !e->file_id) {
			free(e->name);
			free(e->file_id);
			return false;
		}
		e->type = v[i].type;
		e->size = v[i].size;
		if (v[i].sha256 && od_sha256_valid(v[i].sha256) &&
		    (v[i].sha256_mtime < 0 || v[i].sha256_mtime == v[i].mtime))
			for (int k = 0; k < OD_SHA256_HEX; k++)
				e->sha256[k] = (char)(k < 64 ? v[i].sha256[k] | 0x20 : 0);
		d->n_ents++;
	}
	return true;
}

static void pause_for_token(struct od_upload *u, const struct od_error *err);
static void stop(struct od_upload *u, struct od_error *err);

static void
dir_failed(struct od_upload *u, struct up_dir *d, struct od_error *err)
{
	struct up_file f = { .local = d->local, .remote = d->remote };

	d->state = D_FAILED;
	od_error_prefix(err, _("Cannot use the folder %s"), d->remote);
	emit_file(u, OD_XFER_FILE_FAILED, &f, d->id, NULL, false, err, NULL);
	od_error_free(err);
	/* Its files and folders fail with it. */
	for (size_t i = 0; i < u->n_files; i++) {
		struct up_file *x = u->files[i];
		struct up_dir *p = x->dir;
		while (p && p != d)
			p = p->parent;
		if (p && x->state == F_QUEUED) {
			x->state = F_FAILED;
			u->t.files_failed++;
		}
	}
	for (size_t i = 0; i < u->n_dirs; i++) {
		struct up_dir *p = u->dirs[i]->parent;
		while (p && p != d)
			p = p->parent;
		if (p && u->dirs[i]->state == D_WAIT)
			u->dirs[i]->state = D_FAILED;
	}
}

static void
dir_op_done(struct dir_ctx *c, struct od_error *err)
{
	struct od_upload *u = c->u;
	struct up_dir *d = c->d;

	u->dir_ops[c->slot] = NULL;
	u->dir_busy[c->slot] = NULL;
	free(c);
	if (err && err->kind == OD_ERR_CANCELLED) {
		d->state = d->id ? D_LISTING : D_WAIT;
		od_error_free(err);
	} else if (err && od_error_is_auth(err)) {
		d->state = d->id ? D_LISTING : D_WAIT;
		pause_for_token(u, err);
		od_error_free(err);
	} else if (err) {
		dir_failed(u, d, err);
	}
	pump(u);
}

static void
on_dir_listed(struct od_error *err, void *ud)
{
	struct dir_ctx *c = ud;

	if (!err) {
		if (c->d->n_ents)
			qsort(c->d->ents, c->d->n_ents, sizeof(*c->d->ents), by_name);
		c->d->state = D_READY;
	} else {
		/* A listing cut short is listed again from the start. */
		for (size_t i = 0; i < c->d->n_ents; i++) {
			free(c->d->ents[i].name);
			free(c->d->ents[i].file_id);
		}
		c->d->n_ents = 0;
	}
	dir_op_done(c, err);
}

static void
on_dir_made(const char *file_id, struct od_error *err, void *ud)
{
	struct dir_ctx *c = ud;

	if (!err && !(c->d->id = strdup(file_id)))
		err = od_error_nomem();
	if (!err)
		c->d->state = D_READY;	/* new: nothing in it */
	dir_op_done(c, err);
}

/* Start what a folder needs next in a free slot. */
static void
step_dir(struct od_upload *u, struct up_dir *d, unsigned slot)
{
	struct dir_ctx *c = calloc(1, sizeof(*c));
	struct od_list_opts lo = { .attrs = OD_ATTR_TYPE | OD_ATTR_SIZE | OD_ATTR_MTIME | OD_ATTRS_CHECKSUM };
	struct od_op *op;

	if (!c) {
		stop(u, od_error_nomem());
		return;
	}
	c->u = u;
	c->d = d;
	c->slot = slot;
	if (!d->id) {
		const struct up_entry *e = find_entry(d->parent, d->name);
		if (e && e->type == OD_FILE_DIR) {
			if (!(d->id = strdup(e->file_id))) {
				free(c);
				stop(u, od_error_nomem());
				return;
			}
		} else if (e) {
			free(c);
			dir_failed(u, d, od_error_new(OD_ERR_INPUT, _("a file of that name is there")));
			return;
		} else {
			d->state = D_MAKING;
			op = od_file_create(u->z, d->space, d->parent->id, d->name, OD_FILE_DIR, on_dir_made, c);
			goto started;
		}
	}
	d->state = D_LISTING;
	op = od_provider_list(u->z, d->space, d->id, &lo, on_dir_page, on_dir_listed, c);
started:
	if (!op) {
		free(c);
		stop(u, od_error_nomem());
		return;
	}
	u->dir_ops[slot] = op;
	u->dir_busy[slot] = d;
}

/* --- one file ------------------------------------------------------------------------ */

static void
free_active(struct up_active *a)
{
	od_hash_job_cancel(a->hj);
	if (a->fd >= 0)
		close(a->fd);
	od_sha256_free(a->h);
	od_sha256_free(a->back);
	od_error_free(a->err);
	free(a->file_id);
	free(a);
}

static void
release(struct od_upload *u, struct up_active *a)
{
	for (unsigned i = 0; i < u->o.jobs; i++) {
		if (u->active[i] == a) {
			u->active[i] = NULL;
			u->n_active--;
			u->t.active = u->n_active;
			return;
		}
	}
}

static void
fail_file(struct up_active *a, struct od_error *err)
{
	struct od_upload *u = a->u;
	struct up_file *f = a->f;

	u->t.bytes_done -= a->offset + a->sent < u->t.bytes_done ? a->offset + a->sent : u->t.bytes_done;
	release(u, a);
	if (a->file_id && !f->remote_id)
		f->remote_id = strdup(a->file_id);	/* without it, the next attempt starts over */
	if (err->kind == OD_ERR_CANCELLED || od_error_is_auth(err)) {
		f->state = F_QUEUED;
		if (err->kind != OD_ERR_CANCELLED)
			pause_for_token(u, err);
		free_active(a);
		od_error_free(err);
		return;
	}
	if (err->kind == OD_ERR_IO && xfer_fatal_errno(err->sys_errno)) {
		f->state = F_QUEUED;
		free_active(a);
		stop(u, err);
		return;
	}
	if (++f->attempts < u->o.file_attempts && err->kind != OD_ERR_INPUT) {
		od_log(OD_LOG_INFO, "%s: %s; trying it again", f->remote, err->message);
		f->state = F_QUEUED;
		/* To the back of the queue. */
		for (size_t i = 0; i < u->next_file; i++) {
			if (u->files[i] == f) {
				memmove(&u->files[i], &u->files[i + 1], (u->n_files - i - 1) * sizeof(*u->files));
				u->files[u->n_files - 1] = f;
				u->next_file--;
				break;
			}
		}
		free_active(a);
		od_error_free(err);
		return;
	}
	f->state = F_FAILED;
	u->t.files_failed++;
	{
		cJSON *r = cJSON_CreateObject();
		if (r && cJSON_AddStringToObject(r, "failed", f->local))
			cJSON_AddStringToObject(r, "error", err->message);
		xfer_record(u->journal, r);
	}
	emit_file(u, OD_XFER_FILE_FAILED, f, a->file_id, NULL, false, err, NULL);
	free_active(a);
	od_error_free(err);
}

static char *
content_url(struct up_active *a, const char *suffix)
{
	const struct od_provider_info *p = od_provider_current(a->f->dir->space);
	char *path = data_path(a->file_id, suffix), *url;

	url = p && path ? od_asprintf("%s%s%s", p->origin, OP_API, path) : NULL;
	free(path);
	return url;
}

static void next_phase(struct up_active *a, struct od_error *err);

static void
on_req_done(struct od_req *req, struct od_error *err, void *ud)
{
	struct up_active *a = ud;

	a->req = NULL;
	if (!err && a->phase == P_SEND && !a->file_id) {
		/* A small file was created with its content: its id is in the reply. */
		cJSON *root = NULL;
		const char *id = NULL;
		err = od_req_json(req, _("the provider's answer to a creation"), &root);
		if (!err)
			err = od_json_str(root, "fileId", _("the provider's answer to a creation"), &id);
		if (!err && !(a->file_id = strdup(id)))
			err = od_error_nomem();
		cJSON_Delete(root);
	}
	next_phase(a, err);
}

/* Read the next bytes of the local file for the request. */
static size_t
on_source(char *buf, size_t n, struct od_error **err, void *ud)
{
	struct up_active *a = ud;
	uint64_t off = a->offset + a->sent;
	ssize_t got;

	if (off >= a->f->size)
		return 0;
	if (n > a->f->size - off)
		n = (size_t)(a->f->size - off);
	do
		got = pread(a->fd, buf, n, (off_t)off);
	while (got < 0 && errno == EINTR);
	if (got <= 0) {
		*err = got < 0 ? od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), a->f->local)
			       : od_error_new(OD_ERR_INPUT, _("%s became shorter while it was sent"), a->f->local);
		return 0;
	}
	if (a->h && a->hashed == off) {
		od_sha256_update(a->h, buf, (size_t)got);
		a->hashed += (uint64_t)got;
	}
	a->sent += (uint64_t)got;
	a->u->t.bytes_done += (uint64_t)got;
	a->u->t.bytes_moved += (uint64_t)got;
	return (size_t)got;
}

static struct od_error *
on_rewind(void *ud)
{
	struct up_active *a = ud;

	a->u->t.bytes_done -= a->sent;
	a->sent = 0;
	return NULL;
}

static void
on_hashed(struct od_error *err, const char *hex, void *ud)
{
	struct up_active *a = ud;

	a->hj = NULL;
	memcpy(a->sha, hex, OD_SHA256_HEX);
	if (a->phase == P_HASH) {
		next_phase(a, err);
		return;
	}
	od_error_free(a->err);
	a->err = err;	/* told when the content is sent */
}

/* A large file's checksum is computed meanwhile by a thread, going on
 * from what a->h holds. */
static struct od_error *
hash_in_thread(struct up_active *a)
{
	struct od_error *err;

	if (a->hj || !a->h || a->f->size < HASH_THREAD_MIN)
		return NULL;
	err = od_hash_job_start(a->u->e, a->fd, a->h, a->hashed, &a->hj);
	a->h = NULL;
	if (!err)
		od_hash_job_finish(a->hj, a->f->size, on_hashed, a);
	return err;
}

static struct od_error *
send_content(struct up_active *a)
{
	struct od_upload *u = a->u;
	struct od_error *err;
	struct od_req *req;
	char *url;

	a->phase = P_SEND;
	if ((err = hash_in_thread(a)))
		return err;
	if (a->file_id) {
		char suffix[48];
		if (a->replace)
			snprintf(suffix, sizeof(suffix), "/content");
		else
			snprintf(suffix, sizeof(suffix), "/content?offset=%llu", (unsigned long long)a->offset);
		url = content_url(a, suffix);
	} else {
		/* Created with its content in one request. */
		struct od_buf b;
		const struct od_provider_info *p = od_provider_current(a->f->dir->space);
		od_buf_init(&b, OD_BUF_UNLIMITED);
		if (!p || od_buf_addf(&b, "%s%s/data/", p->origin, OP_API) || od_url_escape(&b, a->f->dir->id) ||
		    od_buf_adds(&b, "/children?name=") || od_url_escape(&b, a->f->name) ||
		    od_buf_adds(&b, "&type=REG")) {
			od_buf_done(&b);
			return od_error_nomem();
		}
		url = od_buf_steal(&b);
	}
	req = url ? od_req_new(u->e, a->file_id ? OD_PUT : OD_POST, url) : NULL;
	free(url);
	if (!req)
		return od_error_nomem();
	od_req_auth(req);
	if (od_req_set_source(req, "application/octet-stream", a->f->size - a->offset, on_source,
			      a->file_id ? on_rewind : NULL, a) != 0) {
		od_req_cancel(req);
		return od_error_nomem();
	}
	if (u->o.max_speed)
		od_req_set_max_speed(req, u->o.max_speed / (u->n_active ? u->n_active : 1));
	if (a->file_id) {
		/* Where the remote bytes come from, for a resume after a crash. */
		xfer_record(u->journal, note_record("part", a->f, a->file_id));
		xfer_sync(u->journal);
	}
	a->sent = 0;
	a->req = req;
	od_req_submit(req, on_req_done, a);
	return NULL;
}

static struct od_error *
on_back(const char *data, size_t len, void *ud)
{
	struct up_active *a = ud;

	od_sha256_update(a->back, data, len);
	return NULL;
}

/* Read bytes [0, len) of the remote file back into a->back. */
static struct od_error *
read_back(struct up_active *a, uint64_t len)
{
	struct od_req *req;
	char *url = content_url(a, "/content");

	if (!(a->back = a->back ? a->back : od_sha256_new()) || !url) {
		free(url);
		return od_error_nomem();
	}
	req = od_req_new(a->u->e, OD_GET, url);
	free(url);
	if (!req)
		return od_error_nomem();
	od_req_auth(req);
	od_req_set_sink(req, on_back, a);
	od_req_set_range(req, 0, len);
	a->req = req;
	od_req_submit(req, on_req_done, a);
	return NULL;
}

static void
on_stat(const struct od_attrs *at, struct od_error *err, void *ud)
{
	struct up_active *a = ud;

	a->op = NULL;
	if (!err && (at->size < 0 || (uint64_t)at->size != a->f->size))
		err = od_error_new(OD_ERR_INPUT, _("the provider holds %lld bytes of it instead of %llu"),
				   (long long)at->size, (unsigned long long)a->f->size);
	if (!err)
		a->remote_mtime = at->mtime;
	next_phase(a, err);
}

static void
on_op_done(struct od_error *err, void *ud)
{
	struct up_active *a = ud;

	a->op = NULL;
	next_phase(a, err);
}

static void
on_created(const char *file_id, struct od_error *err, void *ud)
{
	struct up_active *a = ud;

	a->op = NULL;
	if (!err && !(a->file_id = strdup(file_id)))
		err = od_error_nomem();
	next_phase(a, err);
}

static void
file_done(struct up_active *a, bool verified)
{
	struct od_upload *u = a->u;
	struct up_file *f = a->f;
	cJSON *r = note_record("done", f, a->file_id);

	if (r) {
		cJSON_AddStringToObject(r, "sha256", a->sha);
		cJSON_AddBoolToObject(r, "verified", verified);
		cJSON_AddNumberToObject(r, "time", (double)time(NULL));
	}
	xfer_record(u->journal, r);
	release(u, a);
	f->state = F_DONE;
	u->t.files_done++;
	emit_file(u, OD_XFER_FILE_DONE, f, a->file_id, a->sha, verified, NULL, NULL);
	free_active(a);
}

/* The step after the current one, or the end of the file. */
static void
next_phase(struct up_active *a, struct od_error *err)
{
	struct od_upload *u = a->u;
	cJSON *x;

	if (err) {
		fail_file(a, err);
		pump(u);
		return;
	}
	switch (a->phase) {
	case P_CHECK: {
		char back[OD_SHA256_HEX], mine[OD_SHA256_HEX];
		od_sha256_hex(a->back, back);
		/* a->h holds the local prefix; the rest is added as it is sent. */
		od_sha256_reset(a->h);
		if ((err = od_sha256_fd(a->h, a->fd, 0, a->offset)))
			break;
		if (od_sha256_peek_hex(a->h, mine) != 0) {
			err = od_error_nomem();
			break;
		}
		a->hashed = a->offset;
		if (strcmp(back, mine) != 0) {
			od_log(OD_LOG_INFO, "%s: what the provider has differs; sending it whole", a->f->remote);
			od_sha256_reset(a->h);
			a->hashed = 0;
			a->offset = 0;
			a->replace = true;
		}
		u->t.bytes_done += a->offset;
		err = send_content(a);
		break;
	}
	case P_CREATE:
		err = send_content(a);
		break;
	case P_SEND:
		if (a->sent != a->f->size - a->offset) {
			err = od_error_new(OD_ERR_INPUT, _("%s changed while it was sent"), a->f->local);
			break;
		}
		if (a->hj) {
			a->phase = P_HASH;
			return;
		}
		if (a->err) {
			err = a->err;
			a->err = NULL;
			break;
		}
		if (a->h && a->hashed != a->f->size) {
			od_sha256_reset(a->h);
			err = od_sha256_fd(a->h, a->fd, 0, a->f->size);
		}
		if (!err && a->h)
			od_sha256_hex(a->h, a->sha);
		/* fall through */
	case P_HASH:
		a->phase = P_STAT;
		if (!err && !(a->op = od_provider_stat(u->z, a->f->dir->space, a->file_id, OD_ATTR_SIZE | OD_ATTR_MTIME,
						       on_stat, a)))
			err = od_error_nomem();
		break;
	case P_STAT:
		a->phase = P_RECORD;
		x = cJSON_CreateObject();
		if (!x || !cJSON_AddStringToObject(x, OD_XATTR_SHA256, a->sha) ||
		    !cJSON_AddNumberToObject(x, OD_XATTR_SHA256_MTIME, (double)a->remote_mtime) ||
		    !(a->op = od_xattrs_set(u->z, a->f->dir->space, a->file_id, x, on_op_done, a)))
			err = od_error_nomem();
		cJSON_Delete(x);
		break;
	case P_RECORD:
		if (!u->o.verify) {
			file_done(a, false);
			pump(u);
			return;
		}
		a->phase = P_READBACK;
		if (a->back)
			od_sha256_reset(a->back);
		err = read_back(a, a->f->size);
		break;
	case P_RESTAT:
	case P_COMPARE:
		break;	/* on_restat, on_compared go on */
	case P_READBACK: {
		char back[OD_SHA256_HEX];
		od_sha256_hex(a->back, back);
		if (strcmp(back, a->sha) != 0) {
			err = od_error_new(OD_ERR_INPUT, _("read back, the remote file has SHA-256 %s instead of %s"),
					   back, a->sha);
			break;
		}
		file_done(a, true);
		pump(u);
		return;
	}
	}
	if (err) {
		fail_file(a, err);
		pump(u);
	}
}

/* f is there already, with the same content. */
static void
file_kept(struct up_active *a)
{
	struct od_upload *u = a->u;
	struct up_file *f = a->f;

	release(u, a);
	f->state = F_KEPT;
	u->t.files_kept++;
	u->t.bytes_done += f->size;
	emit_file(u, OD_XFER_FILE_KEPT, f, a->file_id, a->sha, true, NULL, NULL);
	free_active(a);
}

static void
on_compared(struct od_error *err, const char *hex, void *ud)
{
	struct up_active *a = ud;
	struct od_upload *u = a->u;

	a->hj = NULL;
	if (!err && strcmp(hex, a->theirs) == 0) {
		memcpy(a->sha, hex, OD_SHA256_HEX);
		file_kept(a);
	} else {
		if (!err)
			err = od_error_new(OD_ERR_INPUT, _("a different file is there (--overwrite replaces it)"));
		/* Not worth another try: what is there stays as it is. */
		a->f->attempts = u->o.file_attempts;
		fail_file(a, err);
	}
	pump(u);
}

/* How much of f an earlier attempt of this run left on the provider:
 * checked and gone on from, or written over when it is too long. */
static void
on_restat(const struct od_attrs *at, struct od_error *err, void *ud)
{
	struct up_active *a = ud;
	struct od_upload *u = a->u;

	a->op = NULL;
	if (!err && at->size > 0 && (uint64_t)at->size <= a->f->size) {
		a->offset = (uint64_t)at->size;
		a->phase = P_CHECK;
		err = read_back(a, a->offset);
	} else if (!err) {
		a->replace = at->size != 0;
		err = send_content(a);
	}
	if (err) {
		/* fail_file frees a. */
		fail_file(a, err);
		pump(u);
	}
}

/* What to do with f, given what the remote folder holds under its name. */
static struct od_error *
plan_file(struct up_active *a, const struct up_entry *e)
{
	struct od_upload *u = a->u;
	struct up_file *f = a->f;
	const struct up_note *note;
	struct od_error *err;
	bool stale;

	if (f->remote_id) {
		/* Paused or retried within this run: go on at the size it has. */
		if (!(a->file_id = strdup(f->remote_id)))
			return od_error_nomem();
		a->phase = P_RESTAT;
		a->op = od_provider_stat(u->z, f->dir->space, a->file_id, OD_ATTR_SIZE, on_restat, a);
		return a->op ? NULL : od_error_nomem();
	}
	if (!e) {
		note_creating(u, f);
		f->made = true;
		if (f->size <= u->o.small_max)
			return send_content(a);
		a->phase = P_CREATE;
		a->op = od_file_create(u->z, f->dir->space, f->dir->id, f->name, OD_FILE_REG, on_created, a);
		return a->op ? NULL : od_error_nomem();
	}
	if (e->type == OD_FILE_DIR)
		return od_error_new(OD_ERR_INPUT, _("a folder of that name is there"));
	if (!(a->file_id = strdup(e->file_id)))
		return od_error_nomem();
	if (u->o.overwrite) {
		a->replace = true;
		return send_content(a);
	}
	note = find_note(u, f, e->file_id, &stale);
	if (stale) {
		/* What an earlier run sent of f before it changed: replaced. */
		a->replace = true;
		return send_content(a);
	}
	if (note && !note->done && e->size >= 0 && (uint64_t)e->size <= f->size) {
		/* Our own earlier run stopped here: check what arrived, then go
		 * on (with nothing left to send when it all arrived). */
		a->offset = (uint64_t)e->size;
		a->phase = P_CHECK;
		return read_back(a, a->offset);
	}
	if (e->size >= 0 && (uint64_t)e->size == f->size) {
		/* The same content? Compare checksums, never the bytes; ours
		 * is computed by a thread, the loop goes on meanwhile. */
		const char *theirs = e->sha256[0] ? e->sha256 : note && note->done ? note->sha256 : "";
		if (!*theirs)
			return od_error_new(OD_ERR_INPUT, _("a file of the same size but no recorded checksum is there "
							    "(--overwrite replaces it)"));
		snprintf(a->theirs, sizeof(a->theirs), "%s", theirs);
		a->phase = P_COMPARE;
		if (f->size < HASH_THREAD_MIN) {
			/* Small: hashed at once, for less than a thread's start costs. */
			char mine[OD_SHA256_HEX];
			err = xfer_hash_file(f->local, f->size, mine);
			on_compared(err, err ? "" : mine, a);
			return NULL;
		}
		err = od_hash_job_start(u->e, a->fd, a->h, 0, &a->hj);
		a->h = NULL;
		if (!err)
			od_hash_job_finish(a->hj, f->size, on_compared, a);
		return err;
	}
	return od_error_new(OD_ERR_INPUT, _("a different file is there (--overwrite replaces it)"));
}

static void
start_file(struct od_upload *u, struct up_file *f, unsigned slot)
{
	struct up_active *a = calloc(1, sizeof(*a));
	struct od_error *err = NULL;

	if (!a) {
		stop(u, od_error_nomem());
		return;
	}
	a->u = u;
	a->f = f;
	a->fd = open(f->local, O_RDONLY | O_CLOEXEC);
	f->state = F_ACTIVE;
	u->active[slot] = a;
	u->n_active++;
	u->t.active = u->n_active;
	if (a->fd < 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), f->local);
	else if (!(a->h = od_sha256_new()))
		err = od_error_nomem();
	else if (!od_provider_current(f->dir->space) && (err = od_provider_plan(u->z, f->dir->space)))
		;
	else
		err = plan_file(a, find_entry(f->dir, f->name));
	if (err) {
		/* Not worth another try: what is there stays as it is. */
		f->attempts = u->o.file_attempts;
		fail_file(a, err);
		return;
	}
}

/* --- the job ------------------------------------------------------------------------ */

static void
cancel_all(struct od_upload *u)
{
	for (unsigned i = 0; i < DIR_OPS; i++)
		if (u->dir_ops[i])
			od_op_cancel(u->dir_ops[i]);
	for (unsigned i = 0; i < u->o.jobs; i++) {
		struct up_active *a = u->active[i];
		if (a && a->req)
			od_req_cancel(a->req);
		if (a && a->op)
			od_op_cancel(a->op);
	}
}

static void
stop(struct od_upload *u, struct od_error *err)
{
	if (u->stopping) {
		od_error_free(err);
		return;
	}
	u->stopping = true;
	u->paused = false;	/* a stopped job ends, paused or not */
	u->stop_err = err;
	cancel_all(u);
	for (unsigned i = 0; i < u->o.jobs; i++) {
		struct up_active *a = u->active[i];
		if (a && (a->phase == P_HASH || a->phase == P_COMPARE))
			/* Sent, only its checksum was awaited: the next run
			 * reads back what the provider has. */
			fail_file(a, od_error_new(OD_ERR_CANCELLED, _("cancelled")));
	}
	pump(u);
}

static void
pause_for_token(struct od_upload *u, const struct od_error *err)
{
	if (u->paused)
		return;
	u->paused = true;
	cancel_all(u);
	emit(u, OD_XFER_PAUSED, err);
}

void
od_upload_pause(struct od_upload *u)
{
	if (!u->paused && !u->stopping && !u->finished) {
		u->paused = true;
		cancel_all(u);
	}
}

static bool
busy(const struct od_upload *u)
{
	for (unsigned i = 0; i < DIR_OPS; i++)
		if (u->dir_ops[i])
			return true;
	return u->n_active > 0 || u->adding > 0;
}

/* The next folder that can take a step. */
static struct up_dir *
next_dir(struct od_upload *u)
{
	for (size_t i = 0; i < u->n_dirs; i++) {
		struct up_dir *d = u->dirs[i];
		bool taken = false;
		for (unsigned k = 0; k < DIR_OPS; k++)
			taken = taken || u->dir_busy[k] == d;
		if (taken || d->state == D_READY || d->state == D_FAILED || d->state == D_MAKING)
			continue;
		if (d->id || (d->parent && d->parent->state == D_READY))
			return d;
	}
	return NULL;
}

static void
pump(struct od_upload *u)
{
	bool waiting = false;

	if (u->in_pump || u->finished)
		return;
	u->in_pump = true;
	if (!u->stopping && !u->paused) {
		struct up_dir *d;
		for (unsigned slot = 0; slot < DIR_OPS; slot++)
			if (!u->dir_ops[slot] && (d = next_dir(u)))
				step_dir(u, d, slot);
		/* Files start in order once their folder is ready. */
		for (unsigned slot = 0; slot < u->o.jobs && !u->stopping && !u->paused; slot++) {
			struct up_file *f = NULL;
			if (u->active[slot])
				continue;
			while (u->next_file < u->n_files && u->files[u->next_file]->state != F_QUEUED)
				u->next_file++;
			for (size_t i = u->next_file; i < u->n_files && !f; i++)
				if (u->files[i]->state == F_QUEUED && u->files[i]->dir->state == D_READY)
					f = u->files[i];
			if (!f)
				break;
			start_file(u, f, slot);
			if (!u->active[slot])
				slot--;	/* kept or failed at once: the slot is free */
		}
	}
	if (od_now_ms() - u->synced_at >= 200) {
		xfer_sync(u->journal);
		u->synced_at = od_now_ms();
	}
	for (size_t i = 0; i < u->n_files && !waiting; i++)
		waiting = u->files[i]->state == F_QUEUED && u->files[i]->dir->state != D_FAILED;
	u->in_pump = false;
	if (!busy(u) && u->started && !u->paused && (u->stopping || !waiting)) {
		struct od_error *err = u->stop_err;
		u->stop_err = NULL;
		if (u->stopping && !err)
			err = od_error_new(OD_ERR_CANCELLED, _("cancelled"));
		xfer_sync(u->journal);
		u->finished = true;
		emit(u, OD_XFER_FINISHED, err);
		od_error_free(err);
	}
}

void
od_upload_start(struct od_upload *u)
{
	u->started = true;
	emit(u, OD_XFER_LISTED, NULL);
	pump(u);
}

void
od_upload_resume(struct od_upload *u)
{
	if (!u->paused)
		return;
	u->paused = false;
	u->next_file = 0;
	pump(u);
}

void
od_upload_cancel(struct od_upload *u)
{
	stop(u, NULL);
}

void
od_upload_free(struct od_upload *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->n_dirs; i++) {
		struct up_dir *d = u->dirs[i];
		for (size_t k = 0; k < d->n_ents; k++) {
			free(d->ents[k].name);
			free(d->ents[k].file_id);
		}
		free(d->ents);
		free(d->name);
		free(d->local);
		free(d->remote);
		free(d->id);
		free(d);
	}
	for (size_t i = 0; i < u->n_files; i++) {
		free(u->files[i]->name);
		free(u->files[i]->local);
		free(u->files[i]->remote);
		free(u->files[i]->remote_id);
		free(u->files[i]);
	}
	for (unsigned i = 0; i < u->o.jobs; i++)
		if (u->active[i])
			free_active(u->active[i]);
	for (size_t i = 0; i < u->n_notes; i++) {
		free(u->notes[i].local);
		free(u->notes[i].file_id);
	}
	free(u->notes);
	free(u->dirs);
	free(u->files);
	free(u->active);
	od_error_free(u->stop_err);
	free(u);
}
