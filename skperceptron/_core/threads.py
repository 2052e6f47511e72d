"""Element-wise passes split over threads: a small persistent pool and its limit.

NumPy releases the GIL inside its ufunc loops, so contiguous parts of one
large pass (an optimizer step over every parameter, an activation over a
batch) can run on several cores at once. Each element still goes through the
same ufunc with the same operands, and the loops used here (add, multiply,
divide, sqrt, maximum, comparisons) are correctly rounded, so the result is
bit-identical to a single pass on one thread.

Nothing is split unless a caller allows it: ``allow_threads(n)`` sets, for the
code it wraps (and in this thread only, like ``numpy.errstate``), how many
threads ``for_each_part`` may use. The estimators pass the number of threads
their BLAS is allowed, so a ``threadpoolctl`` limit or a joblib worker's
single thread applies to these passes too.
"""

import contextlib
import contextvars
import queue
import threading

# Parts start on multiples of this many elements: whole cache lines and
# whole SIMD vectors, for float32 and float64 alike.
_ALIGNMENT = 64

_allowed_threads = contextvars.ContextVar("allowed_threads", default=1)
_jobs = queue.SimpleQueue()  # jobs the pool threads may help with
_workers = []
_workers_lock = threading.Lock()


@contextlib.contextmanager
def allow_threads(n_threads):
    """Let ``for_each_part`` use up to ``n_threads`` threads inside the block.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(200_000.0)
    >>> with allow_threads(2):
    ...     for_each_part(lambda part: np.sqrt(x[part], out=x[part]), x.size, 50_000)
    >>> x[-1] == np.sqrt(199_999.0)
    np.True_
    """
    token = _allowed_threads.set(max(1, int(n_threads)))
    try:
        yield
    finally:
        _allowed_threads.reset(token)


def for_each_part(function, n_items, min_part):
    """Call ``function(part)`` on slices ``part`` that tile ``range(n_items)``.

    The slices are contiguous, at least ``min_part`` items long and at most
    as many as the allowed threads. The calling thread and the pool threads
    take parts until none is left, so when no core is free the caller runs
    them all itself rather than wait. Returns once every part is done,
    re-raising the first exception of any part. With one part,
    ``function(slice(None))`` runs here and no thread is involved.
    """
    n_parts = min(_allowed_threads.get(), n_items // max(min_part, 1))
    if n_parts <= 1:
        function(slice(None))
        return
    job = _Job(function, _tiling(n_items, n_parts))
    _start_workers(n_parts - 1)
    for _ in range(n_parts - 1):
        _jobs.put(job)
    try:
        job.run_parts()
    finally:  # parts taken by others write shared arrays: always wait for them
        job.finished.wait()
    if job.error is not None:
        raise job.error


class _Job:
    """The parts of one ``for_each_part`` call, taken one by one by any thread."""

    def __init__(self, function, parts):
        self.function, self.parts = function, parts
        self.n_taken = self.n_running = 0
        self.lock = threading.Lock()
        self.finished = threading.Event()
        self.error = None

    def run_parts(self):
        """Take and run parts until none is left; keep the first error."""
        while (part := self._take()) is not None:
            try:
                self.function(part)
            except BaseException as error:  # raised by the caller, at the end
                self.error = self.error or error
            finally:
                self._release()

    def _take(self):
        with self.lock:
            if self.n_taken == len(self.parts):
                return None
            self.n_taken += 1
            self.n_running += 1
            return self.parts[self.n_taken - 1]

    def _release(self):
        with self.lock:
            self.n_running -= 1
            if self.n_running == 0 and self.n_taken == len(self.parts):
                self.finished.set()


def _tiling(n_items, n_parts):
    """``n_parts`` contiguous slices covering ``range(n_items)``, aligned starts."""
    step = -(-n_items // n_parts)  # ceil
    step = -(-step // _ALIGNMENT) * _ALIGNMENT
    starts = range(0, n_items, step)
    return [slice(start, min(start + step, n_items)) for start in starts]


def _start_workers(n_workers):
    """Make sure at least ``n_workers`` pool threads are waiting for jobs."""
    with _workers_lock:
        while len(_workers) < n_workers:
            worker = threading.Thread(
                target=_work, name=f"skperceptron-{len(_workers)}", daemon=True
            )
            worker.start()
            _workers.append(worker)


def _work():
    """A pool thread: help with each job it is handed, forever."""
    while True:
        _jobs.get().run_parts()
