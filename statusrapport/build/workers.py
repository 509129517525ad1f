"""Where chapter notebooks run: a local process pool (default) or a Dask distributed cluster.

``make(scheduler, jobs)`` returns a context manager with the two operations
``execute.run_chapters`` needs::

    with workers.make(scheduler, jobs) as pool:
        futures = {pool.submit(fn, *args): item for item in items}
        for fut in pool.as_completed(futures):
            fut.result()

Local (``scheduler=None``): a ``ProcessPoolExecutor`` with the *spawn* start method (kernels and
zmq do not survive fork), ``jobs`` workers or one per CPU. Workers and their kernels die with
the build: each sets a parent-death signal (:func:`die_with_parent`), so even ``kill -9`` of
``build.py`` leaves nothing running, and leaving the pool on an exception (Ctrl-C, SIGTERM)
kills the workers at once instead of waiting for a chapter that may never end.

Dask (``scheduler="tcp://host:port"``): a ``dask.distributed.Client`` connected to a running
scheduler. The submitted function runs on the workers, so the workers must

* have the same Python environment (requirements.txt and this package installed), and
* see the project, the build's scratch folder under ``output/`` and ``.cache/`` **at the same
  absolute paths** as the machine running ``build.py`` (a shared file system: NFS, SMB, a
  bind-mounted volume). Notebooks, executed notebooks, chapter logs and read logs are passed
  as paths, not as data. ``check_shared`` verifies this before anything runs.

On Dask, ``jobs`` is ignored: the cluster's worker threads decide how many chapters run at
once. A worker process keeps one kernel and one read log (kernels.py), so it runs one chapter
at a time; start workers with ``--nthreads 1`` and add processes (``--nworkers N``) to run more
chapters in parallel. Workers with more threads still work correctly, one chapter at a time.
"""

import ctypes
import os
import signal
import sys
import threading
import uuid
from concurrent import futures as _cf
from multiprocessing import get_context

from statusrapport.errors import ParameterError

CONNECT_TIMEOUT = "10s"


PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Ask Linux to SIGKILL this process when its parent ends (prctl PR_SET_PDEATHSIG); used
    in worker processes and, as ``preexec_fn``, for kernels. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _init_worker(parent):
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle
    if os.getppid() != parent:  # the parent ended before the signal was armed
        os._exit(1)


class _Pool:
    """Context manager: ``close`` on leaving the ``with`` block; ``close(abort=True)`` when
    it is left by an exception."""

    def close(self, abort=False):
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, kind, *exc):
        self.close(abort=kind is not None)
        return False


class LocalPool(_Pool):
    """Process pool on this machine."""

    def __init__(self, jobs=None):
        self.workers = jobs or os.cpu_count() or 1
        self._pool = _cf.ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"),
                                             initializer=_init_worker, initargs=(os.getpid(),))

    def submit(self, fn, *args):
        return self._pool.submit(fn, *args)

    def as_completed(self, futures):
        return _cf.as_completed(futures)

    def check_shared(self, *paths):
        """Nothing to check: the workers are on this machine."""
        return None

    def close(self, abort=False):
        if abort:  # a running chapter may never end: kill the workers (kernels follow them)
            main = threading.current_thread() is threading.main_thread()
            held = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None  # a 2nd Ctrl-C
            try:
                processes = list((self._pool._processes or {}).values())
                for proc in processes:
                    proc.kill()
                self._pool.shutdown(wait=False, cancel_futures=True)
                for proc in processes:
                    proc.join(5)
            finally:
                if main:
                    signal.signal(signal.SIGINT, held)
            return
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __repr__(self):
        return f"<LocalPool {self.workers} prosesser>"


# One chapter at a time per worker process (see the module docstring).
_PROCESS_LOCK = threading.Lock()


def _one_at_a_time(fn, *args):
    with _PROCESS_LOCK:
        return fn(*args)


def _missing(paths):
    """Runs on each Dask worker: which of ``paths`` this machine cannot see."""
    return [p for p in paths if not os.path.exists(p)]


class DaskPool(_Pool):
    """Client of a Dask distributed scheduler."""

    def __init__(self, address, jobs=None):
        try:
            from distributed import Client
        except ImportError as err:  # pragma: no cover - distributed is in requirements.txt
            raise ParameterError(f"--scheduler krever pakken 'distributed' ({err})") from err
        self.address = address
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise ParameterError(f"fikk ikke kontakt med Dask-klyngen på {address}: {err}") from err
        self.jobs = jobs  # ignored: the cluster decides; kept for repr and messages

    @property
    def workers(self):
        return len(self.client.scheduler_info().get("workers", {}))

    def submit(self, fn, *args):
        name = getattr(fn, "__name__", "task").lstrip("_") or "task"  # dashboard name
        # pure=False: every chapter run is a new task even with identical arguments.
        return self.client.submit(_one_at_a_time, fn, *args, key=f"{name}-{uuid.uuid4().hex}",
                                  pure=False, retries=0)

    def as_completed(self, futures):
        from distributed import as_completed

        return as_completed(list(futures), loop=self.client.loop)

    def check_shared(self, *paths):
        """Raise ParameterError unless every worker sees every path (absolute, same spelling)."""
        paths = [os.path.abspath(str(p)) for p in paths]
        if not self.client.scheduler_info().get("workers"):
            raise ParameterError(f"Dask-klyngen på {self.address} har ingen arbeidere")
        found = self.client.run(_missing, paths)
        bad = {w: m for w, m in found.items() if m}
        if bad:
            lines = "; ".join(f"{w} mangler {', '.join(m)}" for w, m in sorted(bad.items()))
            raise ParameterError("Dask-arbeiderne må se prosjektet på samme sti som build.py "
                                 f"(delt filsystem): {lines}")
        return None

    def close(self, abort=False):
        self.client.close()

    def __repr__(self):
        return f"<DaskPool {self.address}>"


def make(scheduler=None, jobs=None):
    """A local process pool (``scheduler=None``) or a Dask client (``"tcp://host:port"``)."""
    if not scheduler:
        return LocalPool(jobs)
    address = str(scheduler).strip()
    if "://" not in address:
        if ":" not in address:
            raise ParameterError(f"ugyldig Dask-adresse '{scheduler}'; bruk f.eks. tcp://10.0.0.5:8786")
        address = "tcp://" + address
    return DaskPool(address, jobs)
