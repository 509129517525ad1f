"""The analysts' edit loop: ``./rapport preview`` builds the edition into ``.cache/preview/``,
serves it on 127.0.0.1 and builds it again whenever a notebook, data, narrative, edition or
template file is saved; the page in the browser reloads by itself and keeps its place.

It is the ordinary build (same cache, same checks, same chapters), with two differences: the
worker processes and their kernels stay up between builds, so an edited chapter starts at once
with its modules imported, and the result goes to the preview folder, never to ``output/``.
Publishing stays ``./rapport``."""

import http.server
import json
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

from statusrapport.build import hashing, kernels, pipeline, workers
from statusrapport.errors import StatusrapportError

POLL = 0.5  # seconds between looks at the input files
PAGE = """<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Forhåndsvisning – Statusrapport</title>
<style>
html, body { margin: 0; height: 100%; font-family: system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#status { padding: .4rem .8rem; font-size: .9rem; background: #e8f0f7; border-bottom: 1px solid #9db4c8; }
#status.feil { background: #fde8e8; border-color: #c0392b; white-space: pre-wrap; }
iframe { flex: 1; border: 0; width: 100%; }
</style></head><body>
<div id="status" role="status">Bygger …</div>
<iframe id="rapport" title="Rapporten"></iframe>
<script>
let seen = -1;
const frame = document.getElementById("rapport"), status = document.getElementById("status");
async function look() {
  try {
    const s = await (await fetch("/_status", {cache: "no-store"})).json();
    status.textContent = s.message;
    status.className = s.ok ? "" : "feil";
    if (s.page && s.version !== seen) {
      seen = s.version;
      const y = frame.contentWindow ? frame.contentWindow.scrollY : 0;
      frame.onload = () => frame.contentWindow.scrollTo(0, y);
      frame.src = s.page + "?v=" + s.version;
    }
  } catch (e) {
    status.textContent = "Forhåndsvisningen er stoppet. Start den igjen med ./rapport preview.";
    status.className = "feil";
  }
  setTimeout(look, 700);
}
look();
</script></body></html>
"""


class State:
    """What the page asks for: the built page, a version that changes with each build, and a
    line about the last build."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version, self.page, self.ok, self.message = 0, None, True, "Bygger …"

    def as_json(self):
        with self.lock:
            return json.dumps({"version": self.version, "page": self.page, "ok": self.ok,
                               "message": self.message}).encode("utf-8")

    def update(self, **fields):
        with self.lock:
            for key, value in fields.items():
                setattr(self, key, value)


class _Handler(http.server.SimpleHTTPRequestHandler):
    state = None

    def do_GET(self):  # noqa: N802 - the name http.server calls
        if self.path in ("/", "/index.html"):
            return self._send(PAGE.encode("utf-8"), "text/html; charset=utf-8")
        if self.path.startswith("/_status"):
            return self._send(self.state.as_json(), "application/json")
        return super().do_GET()

    def _send(self, body, kind):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):  # the terminal shows builds, not requests
        pass


def serve(folder, state, port):
    """An HTTP server on 127.0.0.1 for ``folder`` in a background thread; returns it."""
    handler = type("Handler", (_Handler,), {"state": state})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                                 partial(handler, directory=str(folder)))
    except OSError as err:
        raise StatusrapportError(f"porten {port} er i bruk eller ikke tilgjengelig ({err.strerror}); "
                                 f"velg en annen med --port, f.eks. --port {port + 1}") from None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def snapshot(root, params):
    """(path, size, mtime) of every input file: cheap to take twice a second."""
    out = []
    for rel, path in hashing.input_files(root, params):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((rel, st.st_size, st.st_mtime_ns))
    return out


def run(opt, port, say=print, stop=None):
    """Build, serve and rebuild on change until Ctrl-C (or until the ``stop`` event is set)."""
    root = Path(opt.root).resolve()
    folder = root / ".cache" / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    state = State()
    server = serve(folder, state, port)
    say(f"Forhåndsvisning på http://127.0.0.1:{port}/ – åpne adressen i nettleseren. "
        "Lagre en notatbok eller datafil, så bygges siden på nytt. Stopp med Ctrl-C.")
    opt.output, opt.progress = folder, (lambda text: None)
    stop, opt.pool = stop or threading.Event(), None
    try:
        opt.pool = workers.make(opt.scheduler, opt.jobs)  # kept: warm kernels between builds
        _warm_up(opt, root)
        while not stop.is_set():
            seen = snapshot(root, opt.params)
            try:
                _build_once(opt, folder, state, say, lambda: snapshot(root, opt.params) != seen)
            except BrokenProcessPool:  # a worker died (e.g. out of memory): start new ones
                opt.pool.close(abort=True)
                opt.pool = workers.make(opt.scheduler, opt.jobs)
                state.update(ok=False, message="En arbeidsprosess stoppet; lagre filen igjen "
                                               "for å bygge på nytt.")
            while not stop.is_set() and snapshot(root, opt.params) == seen:
                stop.wait(POLL)
    finally:
        if opt.pool is not None:
            opt.pool.close(abort=True)
        server.shutdown()
        server.server_close()
    return state


def _warm_up(opt, root):
    """Start every worker's kernel with the package imported and the edition's data parsed,
    while the first build runs (its chapters are often cached)."""
    edition = pipeline.edition_parameter(root, opt.params)
    code = ("from statusrapport import dataset\n"
            f"dataset.load('..', {edition!r}, {opt.region!r}).preload()")
    for _ in range(opt.pool.workers):
        opt.pool.submit(kernels.warm_up, str(root / "notebooks"), code)


def _what_to_do(state):
    shown = "; siden under er fra forrige vellykkede bygging" if state.page else ""
    return f"Rett feilen og lagre filen, så bygges rapporten på nytt{shown}."


def _build_once(opt, folder, state, say, saved_meanwhile):
    """One build; its failures are shown unless a file was saved while it ran (then the build
    checks would blame the chapters for the analyst's edit, and the next build starts at once)."""
    start = time.perf_counter()
    state.update(message="Bygger …")
    try:
        results = pipeline.build(opt)
    except StatusrapportError as err:
        if saved_meanwhile():
            return
        state.update(ok=False, message=f"FEIL: {err}\n{_what_to_do(state)}")
        say(f"FEIL: {err}")
        return
    result = results[0]
    seconds = time.perf_counter() - start
    stamp = time.strftime("%H:%M:%S")
    if result.failures and saved_meanwhile():
        return
    if result.failures:
        errors = "\n".join(f"FEIL: {run.error}" for run in result.failures)
        state.update(ok=False, message=f"{errors}\n{_what_to_do(state)}")
        say(errors)
        return
    page = (result.out_dir / "statusrapport.html").relative_to(folder).as_posix()
    state.update(ok=True, page="/" + page, version=state.version + 1,
                 message=f"Bygget {stamp} på {seconds:.1f} s".replace(".", ","))
    say(f"{stamp}  bygget på {seconds:.1f} s".replace(".", ","))
