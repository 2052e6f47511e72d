"""How many threads the BLAS may use, read through threadpoolctl.

The estimators allow the core's split element-wise passes (see
``_core/threads.py``) this many threads, so ``threadpoolctl`` limits and the
single thread of each joblib worker apply to them as to the matrix products.
"""

from threadpoolctl import ThreadpoolController

_controllers = []  # one ThreadpoolController, made on first use


def blas_threads():
    """How many threads the BLAS may use here and now.

    Examples
    --------
    >>> from threadpoolctl import threadpool_limits
    >>> with threadpool_limits(limits=1, user_api="blas"):
    ...     blas_threads()
    1
    """
    if not _controllers:
        _controllers.append(ThreadpoolController())
    blas = [
        library
        for library in _controllers[0].lib_controllers
        if library.user_api == "blas"
    ]
    return min((library.num_threads for library in blas), default=1)
