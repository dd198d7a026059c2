/* SPDX-License-Identifier: GPL-3.0-or-later */
/* acclog.c: the append-only log of the access changes onetui made. */
#include "config.h"

#include "onetui/acclog.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "onetui/i18n.h"
#include "onetui/journal.h"
#include "onetui/json.h"
#include "onetui/log.h"
#include "onetui/str.h"

struct od_error *
od_acclog_path(char **out)
{
	char *dir;
	struct od_error *err = od_state_dir(NULL, &dir);

	*out = NULL;
	if (err)
		return err;
	*out = od_asprintf("%s/access.log", dir);
	free(dir);
	return *out ? NULL : od_error_nomem();
}

static const char *
login_name(void)
{
	const struct passwd *pw = getpwuid(geteuid());
	const char *user = getenv("USER");

	if (pw && pw->pw_name && *pw->pw_name)
		return pw->pw_name;
	return user && *user ? user : "?";
}

/* Add key: value unless value is NULL; false when memory runs out. */
static bool
add(cJSON *o, const char *key, const char *value)
{
	return !value || cJSON_AddStringToObject(o, key, value);
}

static char *
entry_line(struct od_zone *z, const struct od_acclog_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	char host[256] = "?";
	char *line = NULL;

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "?");
	host[sizeof(host) - 1] = '\0';
	if (o && cJSON_AddNumberToObject(o, "time", (double)time(NULL)) && add(o, "action", e->action) &&
	    add(o, "kind", e->kind) && add(o, "id", e->id) && add(o, "name", e->name) &&
	    add(o, "space", e->space_id) && add(o, "detail", e->detail) && add(o, "zone", z ? od_zone_origin(z) : NULL) &&
	    add(o, "user", z ? od_zone_user_id(z) : NULL) && add(o, "login", login_name()) && add(o, "host", host))
		line = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return line;
}

/* Append one line with a single write, so that concurrent onetui
 * processes never interleave their entries, and make it durable. */
static struct od_error *
append(const char *path, const char *line)
{
	size_t len = strlen(line);
	char *text = od_asprintf("%s\n", line);
	struct od_error *err = NULL;
	int fd;

	if (!text)
		return od_error_nomem();
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot open %s"), path);
	else if (write(fd, text, len + 1) != (ssize_t)(len + 1) || fdatasync(fd) != 0)
		err = od_error_errno(OD_ERR_IO, errno, _("cannot write %s"), path);
	if (fd >= 0)
		close(fd);
	free(text);
	return err;
}

void
od_acclog_record(struct od_zone *z, const struct od_acclog_entry *e)
{
	char *path = NULL, *line = entry_line(z, e);
	struct od_error *err = line ? od_acclog_path(&path) : od_error_nomem();

	if (!err)
		err = append(path, line);
	if (err) {
		od_log(OD_LOG_WARN, "the access log misses: %s %s %s (%s)", e->action, e->kind, e->id ? e->id : "",
		       err->message);
		od_error_free(err);
	}
	cJSON_free(line);
	free(path);
}

struct od_acclog_change *
od_acclog_change_new(struct od_zone *z, const char *action, const char *kind, const char *id, const char *name,
		     const char *space_id, const char *detail)
{
	struct od_acclog_change *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	*c = (struct od_acclog_change){ .z = z, .action = action, .kind = kind, .id = od_strdup(id),
					.name = od_strdup(name), .space_id = od_strdup(space_id),
					.detail = od_strdup(detail) };
	if ((id && !c->id) || (name && !c->name) || (space_id && !c->space_id) || (detail && !c->detail)) {
		od_acclog_change_free(c);
		return NULL;
	}
	return c;
}

void
od_acclog_change_free(struct od_acclog_change *c)
{
	if (!c)
		return;
	free(c->id);
	free(c->name);
	free(c->space_id);
	free(c->detail);
	free(c);
}

void
od_acclog_change_end(struct od_acclog_change *c, const struct od_error *err, const char *id)
{
	struct od_acclog_entry e = { c->action, c->kind, id ? id : c->id, c->name, c->space_id, c->detail };

	if (!err)
		od_acclog_record(c->z, &e);
	od_acclog_change_free(c);
}

void
od_acclog_change_done(struct od_error *err, void *ud)
{
	struct od_acclog_change *c = ud;
	od_done_fn *done = c->done;

	ud = c->ud;
	od_acclog_change_end(c, err, NULL);
	done(err, ud);
}

void
od_acclog_change_made(const char *id, struct od_error *err, void *ud)
{
	struct od_acclog_change *c = ud;
	od_file_id_fn *made = c->made;

	ud = c->ud;
	/* What was made is what the entry names, unless it names something
	 * already (consuming an invitation names the invitation). */
	od_acclog_change_end(c, err, c->id ? NULL : id);
	made(id, err, ud);
}

/* One line back into an entry; false when it is not one. */
static bool
parse_line(const cJSON *o, struct od_acclog_line *l)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "time");

	if (!cJSON_IsObject(o) || !cJSON_IsNumber(t))
		return false;
	*l = (struct od_acclog_line){
		.e = { .action = od_json_get_str(o, "action"), .kind = od_json_get_str(o, "kind"),
		       .id = od_json_get_str(o, "id"), .name = od_json_get_str(o, "name"),
		       .space_id = od_json_get_str(o, "space"), .detail = od_json_get_str(o, "detail") },
		.time = (int64_t)t->valuedouble,
		.zone = od_json_get_str(o, "zone"),
		.user = od_json_get_str(o, "user"),
		.login = od_json_get_str(o, "login"),
		.host = od_json_get_str(o, "host"),
	};
	return l->e.action && l->e.kind;
}

struct od_error *
od_acclog_read(od_acclog_fn *fn, void *ud, size_t *skipped)
{
	char *path, *line = NULL;
	struct od_error *err = od_acclog_path(&path);
	size_t cap = 0, bad = 0;
	bool more = true;
	FILE *f;

	if (skipped)
		*skipped = 0;
	if (err)
		return err;
	if (!(f = fopen(path, "re"))) {
		err = errno == ENOENT ? NULL : od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), path);
		free(path);
		return err;
	}
	while (more && getline(&line, &cap, f) > 0) {
		cJSON *o = cJSON_Parse(line);
		struct od_acclog_line l;

		if (parse_line(o, &l))
			more = fn(&l, ud);
		else
			bad++;
		cJSON_Delete(o);
	}
	if (ferror(f))
		err = od_error_errno(OD_ERR_IO, errno, _("cannot read %s"), path);
	fclose(f);
	free(line);
	free(path);
	if (skipped)
		*skipped = bad;
	return err;
}
