/* SPDX-License-Identifier: GPL-3.0-or-later */
/* clip.c: copying to the clipboard of the machine the user sits at. Over
 * SSH that clipboard is reachable only through the terminal: the OSC 52
 * sequence asks it to set it. tmux and GNU screen need the sequence
 * passed through them; where nothing works, the popup shows the value. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "onetui/buf.h"
#include "onetui/i18n.h"
#include "tui/tui.h"
#include "xmalloc.h"

/* screen cuts long device control strings: pass the sequence in pieces. */
#define SCREEN_CHUNK 76

/* Build in out what to send for payload (an OSC 52 sequence). */
static void
wrap(struct od_buf *out, const char *seq)
{
	if (getenv("TMUX")) {
		/* Both ways: tmux takes the plain one with set-clipboard on,
		 * and passes the wrapped one with allow-passthrough on. */
		if (od_buf_adds(out, seq) || od_buf_adds(out, "\033Ptmux;"))
			xoom();
		for (const char *p = seq; *p; p++)
			if ((*p == '\033' && od_buf_addc(out, '\033')) || od_buf_addc(out, *p))
				xoom();
		if (od_buf_adds(out, "\033\\"))
			xoom();
	} else if (getenv("STY")) {
		size_t n = strlen(seq);
		for (size_t i = 0; i < n; i += SCREEN_CHUNK) {
			if (od_buf_adds(out, "\033P") ||
			    od_buf_add(out, seq + i, n - i < SCREEN_CHUNK ? n - i : SCREEN_CHUNK) ||
			    od_buf_adds(out, "\033\\"))
				xoom();
		}
	} else if (od_buf_adds(out, seq)) {
		xoom();
	}
}

void
clip_copy(struct app *a, const char *what, const char *value)
{
	struct od_buf seq, out;
	ssize_t w = 0;

	od_buf_init(&seq, OD_BUF_UNLIMITED);
	od_buf_init(&out, OD_BUF_UNLIMITED);
	if (od_buf_adds(&seq, "\033]52;c;"))
		xoom();
	if (od_buf_add_base64(&seq, value, strlen(value)) || od_buf_addc(&seq, '\a'))
		xoom();
	wrap(&out, od_buf_str(&seq));
	/* curses has flushed its output: the sequence does not move the
	 * cursor, so the screen stays as curses thinks it is. */
	for (size_t done = 0; done < out.len && w >= 0; done += (size_t)w)
		w = write(STDOUT_FILENO, out.data + done, out.len - done);
	od_buf_done(&seq);
	od_buf_done(&out);
	if (w < 0)
		app_error(a, _("Cannot write to the terminal to copy the %s"), what);
	else
		app_message(a, _("Copied the %s to your clipboard (if the terminal allows OSC 52; y then 3 shows it)"),
			    what);
}
