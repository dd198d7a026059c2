/* SPDX-License-Identifier: GPL-3.0-or-later */
/* digest.c: SHA-256 through OpenSSL's EVP interface, which picks the
 * fastest code the processor allows. */
#include "config.h"

#include "onetui/digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "onetui/i18n.h"

struct od_sha256 {
	EVP_MD_CTX *ctx;
};

struct od_sha256 *
od_sha256_new(void)
{
	struct od_sha256 *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		od_sha256_free(h);
		return NULL;
	}
	return h;
}

void
od_sha256_free(struct od_sha256 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
od_sha256_reset(struct od_sha256 *h)
{
	EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void
od_sha256_update(struct od_sha256 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

void
od_sha256_hex(struct od_sha256 *h, char out[OD_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[64] = '\0';
	od_sha256_reset(h);
}

int
od_sha256_peek_hex(const struct od_sha256 *h, char out[OD_SHA256_HEX])
{
	struct od_sha256 copy = { EVP_MD_CTX_new() };

	if (!copy.ctx || EVP_MD_CTX_copy_ex(copy.ctx, h->ctx) != 1) {
		EVP_MD_CTX_free(copy.ctx);
		return -1;
	}
	od_sha256_hex(&copy, out);
	EVP_MD_CTX_free(copy.ctx);
	return 0;
}

int
od_sha256_fd_buf(struct od_sha256 *h, int fd, uint64_t off, uint64_t len, char *buf, size_t bufsize)
{
	while (len > 0) {
		size_t want = len < bufsize ? (size_t)len : bufsize;
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		od_sha256_update(h, buf, (size_t)n);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

struct od_error *
od_sha256_fd(struct od_sha256 *h, int fd, uint64_t off, uint64_t len)
{
	enum { CHUNK = 1 << 20 };
	char *buf = malloc(CHUNK);
	int e;

	if (!buf)
		return od_error_nomem();
	e = od_sha256_fd_buf(h, fd, off, len, buf, CHUNK);
	free(buf);
	return e ? od_error_errno(OD_ERR_IO, e, _("cannot read back what was written")) : NULL;
}

bool
od_sha256_valid(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdefABCDEF") == 64;
}
