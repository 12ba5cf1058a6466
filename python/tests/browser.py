"""Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
JSON messages ended by NUL, commands on fd 3, replies on fd 4), so that a test waits in real
time for the page to say it is done. `--dump-dom --virtual-time-budget` could dump a page
whose stream was still open (seen in CI), and nothing here needs a package beyond Debian's
chromium."""
import fcntl
import json
import os
import shutil
import subprocess
import time


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _Pipe:
    def __init__(self, to_browser, from_browser):
        self.w, self.r, self.buf, self.next_id = to_browser, from_browser, b"", 0

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:  # events and other replies are skipped
            while b"\0" not in self.buf:
                chunk = os.read(self.r, 1 << 16)
                if not chunk:
                    raise RuntimeError("chromium closed its DevTools pipe")
                self.buf += chunk
            raw, self.buf = self.buf.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]


def rendered_dom(url, profile_dir, timeout=90):
    """The page's DOM once `document.body.dataset.done` is "1", or when `timeout` seconds
    have passed (the caller's assertion then shows what the page said)."""
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()

    def child_fds():  # the browser reads commands on fd 3 and writes replies on fd 4
        high_r, high_w = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10), fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.dup2(high_r, 3)
        os.dup2(high_w, 4)

    proc = subprocess.Popen(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile_dir}", "--remote-debugging-pipe", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=child_fds, close_fds=False)  # the pipes' other ends are close-on-exec
    os.close(to_r)
    os.close(from_w)
    pipe = _Pipe(to_w, from_r)
    try:
        target = pipe.call("Target.createTarget", url=url)["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        probe = ("document.body && document.body.dataset.done === '1' ? "
                 "document.documentElement.outerHTML : ''")
        deadline = time.monotonic() + timeout
        while True:
            value = pipe.call("Runtime.evaluate", session, expression=probe,
                              returnByValue=True)["result"].get("value", "")
            if value or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        if not value:
            value = pipe.call("Runtime.evaluate", session, expression="document.documentElement.outerHTML",
                              returnByValue=True)["result"]["value"]
        try:
            pipe.call("Browser.close")
        except RuntimeError:
            pass
        return value
    finally:
        os.close(to_w)
        os.close(from_r)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
