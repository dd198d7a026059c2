/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-config.c: od_config_load on any file, then od_settings_resolve. */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "onetui/config.h"
#include "onetui/str.h"

#include "fuzz.h"

/* The file every run rewrites, made on the first. */
static char path[64];
static int fd = -1;

static void
remove_file(void)
{
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

static void
setup(void)
{
	static const char *const vars[] = {
		"ONETUI_PROFILE", "ONEDATA_ZONE", "ONEZONE_HOST", "ONETUI_CACERT",
		"ONEPROVIDER_HOST", "ONECLIENT_PROVIDER_HOST", "XDG_CONFIG_HOME",
	};

	/* Settings must come from the file alone. */
	for (size_t i = 0; i < OD_ARRAY_SIZE(vars); i++)
		unsetenv(vars[i]);
	setenv("HOME", "/home/fuzz", 1);
	snprintf(path, sizeof(path), "/tmp/onetui-fuzz-config.XXXXXX");
	fd = mkstemp(path);
	FUZZ_CHECK(fd >= 0);
	atexit(remove_file);
}

/* Case-insensitive memmem for a lower-case needle. */
static bool
contains(const uint8_t *data, size_t size, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= size; i++)
		if (strncasecmp((const char *)data + i, needle, n) == 0)
			return true;
	return false;
}

static void
check_settings(const struct od_settings *s)
{
	FUZZ_CHECK(s->zone_origin != NULL);
	FUZZ_CHECK(od_str_starts(s->zone_origin, "https://") || od_str_starts(s->zone_origin, "http://"));
	FUZZ_CHECK(s->n_preferred == 0 || s->preferred != NULL);
	for (size_t i = 0; i < s->n_preferred; i++)
		FUZZ_CHECK(s->preferred[i] && *s->preferred[i]);
	FUZZ_CHECK(!s->token_file || s->token_file[0] == '/');
	FUZZ_CHECK(!s->ca_file || s->ca_file[0] == '/');
	FUZZ_CHECK(s->connect_timeout_ms >= 0 && s->connect_timeout_ms <= 600000);
	FUZZ_CHECK(s->max_retries >= -1 && s->max_retries <= 20);
}

static void
resolve(const struct od_config *cfg, const char *profile)
{
	struct od_overrides ov = { .profile = profile };
	struct od_settings s;
	struct od_error *err;

	err = od_settings_resolve(cfg, &ov, &s);
	if (err) {
		FUZZ_CHECK(err->message != NULL);
		od_error_free(err);
		return;
	}
	check_settings(&s);
	od_settings_done(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct od_config *cfg = NULL;
	struct od_error *err;

	if (fd < 0)
		setup();
	/* @include would read other files, or block on /dev/stdin. */
	if (contains(data, size, "@include"))
		return 0;
	FUZZ_CHECK(ftruncate(fd, 0) == 0);
	FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);

	err = od_config_load(path, &cfg);
	if (err) {
		FUZZ_CHECK(err->message != NULL && cfg == NULL);
		od_error_free(err);
		return 0;
	}
	FUZZ_CHECK(cfg != NULL && cfg->path != NULL);
	FUZZ_CHECK(!cfg->default_profile || od_config_profile(cfg, cfg->default_profile));
	for (size_t i = 0; i < cfg->n_profiles; i++) {
		const struct od_profile *p = &cfg->profiles[i];

		FUZZ_CHECK(p->name != NULL);
		FUZZ_CHECK(od_config_profile(cfg, p->name) != NULL);
		FUZZ_CHECK(!p->token_file || p->token_file[0] == '/');
		FUZZ_CHECK(!p->ca_file || p->ca_file[0] == '/');
	}
	resolve(cfg, NULL);
	for (size_t i = 0; i < cfg->n_profiles && i < 4; i++)
		resolve(cfg, cfg->profiles[i].name);
	resolve(cfg, "no-such-profile");
	od_config_free(cfg);
	return 0;
}
