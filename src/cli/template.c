/* SPDX-License-Identifier: GPL-3.0-or-later */
/* template.c: a configured metadata template, found and filled. */
#include "config.h"

#include "cli/output.h"
#include "cli/template.h"
#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "onetui/metatext.h"
#include "xmalloc.h"

/* The configuration's template called name, or NULL (said, with the
 * names there are). */
static const struct od_template *
find_template(const struct od_config *cfg, const char *name)
{
	const struct od_template *t = od_config_template(cfg, name);
	struct od_buf names;

	if (t)
		return t;
	od_buf_init(&names, OD_BUF_UNLIMITED);
	for (size_t i = 0; cfg && i < cfg->n_templates; i++)
		if (od_buf_addf(&names, "%s%s", i ? ", " : "", cfg->templates[i].name))
			xoom();
	if (names.len)
		out_error(_("There is no template \"%s\" in the configuration; there are: %s"), name, od_buf_str(&names));
	else
		out_error(_("There is no template \"%s\": the configuration defines none (see onetui.conf(5))"), name);
	od_buf_done(&names);
	return NULL;
}

int
cli_template_xattrs(const struct od_config *cfg, const char *name, const char *const *values, size_t n,
		    cJSON **out)
{
	const struct od_template *t = find_template(cfg, name);
	struct od_error *err;

	*out = NULL;
	if (!t)
		return EXIT_FAILED;
	if ((err = od_meta_template_fill(t, values, n, out)))
		return out_fail(err, NULL);
	return EXIT_OK;
}
