# SPDX-License-Identifier: GPL-3.0-or-later
"""Driving the real onetui full-screen interface in tmux, against the test
zone, for the screen tests.

onetui runs in a private tmux server at a fixed size. Keys go in with
send-keys; what the user would see comes back with capture-pane. Nothing
sleeps: onetui writes "KEYS idle|busy" to the file named by
ONETUI_TEST_IDLE after each turn of its loop, and a test waits until the
keys it sent are handled and nothing is pending. Everything onetui writes
to the terminal is also recorded (pipe-pane), so a test can check that no
hostile escape sequence ever reached it."""

import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from clitest import ONETUI, SLOW, WRAPPER, Harness, Tap  # noqa: E402

__all__ = ["Tap", "Harness", "Screen", "ONETUI", "have_tmux"]


def have_tmux():
    return shutil.which("tmux") is not None


# send-keys names that are one key each.
NAMED = {"Enter", "Escape", "Tab", "BTab", "Space", "BSpace", "Up", "Down", "Left", "Right",
         "PageUp", "PageDown", "PPage", "NPage", "Home", "End", "DC", "IC"}


class Screen:
    """onetui in a tmux pane of width x height."""

    def __init__(self, h, width=100, height=30, locale="C.UTF-8", env=None, args=(), user="alice"):
        self.h = h
        self.dir = os.path.join(h.tmp, "tui-%d" % int(time.monotonic() * 1000))
        os.makedirs(self.dir)
        self.socket = "onetui-test-%d-%s" % (os.getpid(), os.path.basename(self.dir))
        self.idle = os.path.join(self.dir, "idle")
        self.raw = os.path.join(self.dir, "raw")
        self.keys = 0
        self.resizes = 0
        self.width, self.height = width, height
        environ = h.env(env, locale)
        environ["ONETUI_TEST_IDLE"] = self.idle
        environ.setdefault("TERM", "tmux-256color")
        config = os.path.join(h.home, ".config", "onetui", "config")
        if not os.path.exists(config):
            h.write_config('default-profile = "test";\nprofiles = { test = { zone = "%s"; '
                           'token-file = "%s"; ca-file = "%s"; }; };\n'
                           % (h.zone_url, h.tokens[user], h.info["ca"]))
        cmd = " ".join(shlex.quote(a) for a in WRAPPER + [ONETUI] + list(args))
        # onetui starts once the pane is set up (go exists), so that the
        # raw record holds its very first output. After it ends, the pane
        # stays to show how: the tests read it.
        go = os.path.join(self.dir, "go")
        shell = "while [ ! -e %s ]; do sleep 0.01; done; %s; echo \"[exit $?]\"; sleep 3600" % (
            shlex.quote(go), cmd)
        envs = ["%s=%s" % (k, v) for k, v in environ.items()]
        self.tmux("-f", "/dev/null", "new-session", "-d", "-x", str(width), "-y", str(height),
                  "env", "-i", *envs, "sh", "-c", shell)
        self.tmux("set-option", "-g", "set-clipboard", "on")
        self.tmux("pipe-pane", "-o", "cat >> %s" % shlex.quote(self.raw))
        open(go, "w").close()

    def tmux(self, *args, check=True):
        proc = subprocess.run(["tmux", "-L", self.socket] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        if check and proc.returncode != 0:
            raise RuntimeError("tmux %s: %s" % (" ".join(args), proc.stderr.strip()))
        return proc.stdout

    def send(self, *keys):
        """Keys by tmux name (Enter, Down, C-f...) or text sent literally."""
        for k in keys:
            if k in NAMED or (len(k) == 3 and k[:2] in ("C-", "M-")):
                self.tmux("send-keys", k)
                self.keys += 1
            else:
                self.tmux("send-keys", "-l", k)
                self.keys += len(k)
        return self

    def state(self):
        try:
            with open(self.idle) as f:
                keys, resizes, _draws, what = f.read().split()
            return int(keys), int(resizes), what
        except (OSError, ValueError):
            return -1, -1, "none"

    def wait(self, timeout=15, idle=True):
        """Until every key and resize sent is handled and (idle) nothing is
        pending."""
        deadline = time.monotonic() + timeout * SLOW
        while time.monotonic() < deadline:
            keys, resizes, what = self.state()
            if keys >= self.keys and resizes >= self.resizes and (what == "idle" or not idle):
                return True
            time.sleep(0.02)
        return False

    def text(self):
        return self.tmux("capture-pane", "-p")

    def lines(self):
        return self.text().split("\n")

    def raw_output(self):
        with open(self.raw, "rb") as f:
            return f.read()

    def title(self):
        return self.tmux("display-message", "-p", "#{pane_title}").strip()

    def resize(self, width, height):
        self.tmux("resize-window", "-x", str(width), "-y", str(height))
        self.resizes += 1
        self.width, self.height = width, height

    def buffer(self):
        """tmux's paste buffer: where OSC 52 lands with set-clipboard on."""
        return self.tmux("show-buffer", check=False)

    def exited(self, timeout=10):
        """The exit status line once onetui has ended, or None."""
        deadline = time.monotonic() + timeout * SLOW
        while time.monotonic() < deadline:
            for line in self.lines():
                if line.startswith("[exit "):
                    return int(line[6:-1])
            time.sleep(0.05)
        return None

    def close(self):
        self.tmux("kill-server", check=False)
