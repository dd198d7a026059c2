/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fileops.h: changing a space: creating files and folders, setting
 * extended attributes. Each call goes to the provider serving the space. */
#ifndef ONETUI_FILEOPS_H
#define ONETUI_FILEOPS_H

#include <cjson/cJSON.h>

#include "onetui/attrs.h"
#include "onetui/engine.h"
#include "onetui/provider.h"
#include "onetui/zone.h"

/* Create an empty file or a folder called name in the folder parent_id;
 * fn gets the new file's id. */
struct od_op *od_file_create(struct od_zone *z, struct od_space *s, const char *parent_id, const char *name,
			     enum od_file_type type, od_file_id_fn *fn, void *ud);
/* Create the folder rel (a relative path) below dir_id and every folder
 * on the way that is missing; fn gets the id of the last. */
struct od_op *od_file_mkdirs(struct od_zone *z, struct od_space *s, const char *dir_id, const char *rel,
			     od_file_id_fn *fn, void *ud);
/* Set the extended attributes in xattrs (an object of strings and
 * numbers); others stay as they are. */
struct od_op *od_xattrs_set(struct od_zone *z, struct od_space *s, const char *file_id, const cJSON *xattrs,
			    od_done_fn *fn, void *ud);

#endif
