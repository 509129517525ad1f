"""One Jupyter kernel per worker process, reused from chapter to chapter.

Starting a kernel and importing pandas and matplotlib costs more than most chapters take to
run, so a worker keeps its kernel and only clears the namespace between chapters (``%reset``):
every chapter still starts from empty variables and matplotlib's settings, as in JupyterLab's
"Restart and Run All", while modules stay imported. A kernel that died is replaced.

The kernel inherits ``STATUSRAPPORT_READ_LOG`` when it starts, so the log file is fixed per
worker; it is emptied before each chapter and read after it."""

import os
import subprocess
import tempfile
from multiprocessing import util
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from statusrapport.build.workers import die_with_parent

# Between chapters: empty variables, no open figures, and matplotlib's settings as a new kernel
# has them (the house style included once the chapter helpers are imported), so a chapter that
# changes the style (e.g. seaborn's theme) cannot change the next chapter's figures.
RESET = """%reset -f
import sys as _sys, matplotlib as _mpl, matplotlib.pyplot as _plt
_plt.close("all")
_mpl.rc_file_defaults()
if "statusrapport.chapter.figures" in _sys.modules:
    _mpl.rcParams.update(_sys.modules["statusrapport.chapter.figures"].RC)
del _sys, _mpl, _plt
"""


# A chapter allocates millions of short-lived objects (frames, artists, text), and Python's
# default (a collection every 700 new objects) collects some 1 200 times in the chapters of a
# national build: 1,7 s of 24 s; with these thresholds 0,5 s. They decide only when unreachable
# objects are freed, never what a chapter computes.
GC_THRESHOLDS = (50_000, 20, 20)
KERNEL_ARGS = [f"--IPKernelApp.exec_lines=__import__('gc').set_threshold{GC_THRESHOLDS}"]


class _KernelManager(AsyncKernelManager):
    """Remembers the clients opened on the kernel: nbclient leaves its client (sockets, threads,
    buffered outputs) open when it does not own the kernel, so we close them per chapter."""

    def client(self, **kwargs):
        client = super().client(**kwargs)
        self.__dict__.setdefault("_opened", []).append(client)
        return client

    def close_clients(self):
        for client in self.__dict__.pop("_opened", []):
            client.stop_channels()

_kernel = None  # (manager, cwd, read log) of this worker process


def _shutdown():
    if _kernel is not None:
        run_sync(_kernel[0].shutdown_kernel)(now=True)
        Path(_kernel[2]).unlink(missing_ok=True)


def _reset(km):
    """Clear the kernel for the next chapter; False if that failed (it is then replaced)."""
    km.close_clients()  # the previous chapter's
    client = km.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=60)
        reply = run_sync(client.execute_interactive)(RESET, store_history=False, timeout=60)
    finally:
        km.close_clients()
    return reply["content"]["status"] == "ok"


def acquire(cwd):
    """A clean kernel in ``cwd`` and the path of its read log (emptied)."""
    global _kernel
    cwd = str(cwd)
    if _kernel is not None and (_kernel[1] != cwd or not run_sync(_kernel[0].is_alive)()
                                or not _reset(_kernel[0])):
        _shutdown()
        _kernel = None
    if _kernel is None:
        fd, reads = tempfile.mkstemp(prefix="statusrapport-reads-")
        os.close(fd)
        os.environ["STATUSRAPPORT_READ_LOG"] = reads
        km = _KernelManager(kernel_name="python3")
        # The kernel's own chatter (e.g. transport warnings) is noise; cell output goes to the notebook.
        # A kernel ends with its worker, even one killed with SIGKILL (see workers.py).
        run_sync(km.start_kernel)(cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  preexec_fn=die_with_parent, extra_arguments=KERNEL_ARGS)
        _kernel = (km, cwd, reads)
        util.Finalize(None, _shutdown, exitpriority=10)  # runs when the worker process exits
    Path(_kernel[2]).write_text("", encoding="utf-8")
    return _kernel[0], Path(_kernel[2])


def warm_up(cwd, code):
    """Start this worker's kernel in ``cwd`` and run ``code`` in it (imports, data), so that the
    next chapter starts at once; its namespace is cleared before each chapter all the same."""
    km, _ = acquire(cwd)
    client = km.client()
    client.start_channels()
    try:
        run_sync(client.wait_for_ready)(timeout=60)
        run_sync(client.execute_interactive)(code, store_history=False, timeout=600)
    finally:
        km.close_clients()


def kill(km):
    """Stop the kernel at once (a chapter over its time limit); the next acquire starts anew."""
    process = getattr(km.provisioner, "process", None)
    if process is not None and process.poll() is None:
        process.kill()
