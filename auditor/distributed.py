"""Run the per-document stage on a Dask cluster (``--scheduler``) instead of local processes.

``dask_map(func, items, scheduler)`` submits ``func(item)`` for every item to a
``dask.distributed`` cluster — ``"local"`` starts a LocalCluster on this machine, anything else
is a scheduler address such as ``tcp://10.0.0.5:8786`` — and yields the results in input
order. At most a window of tasks is in flight, so neither the cluster nor this process holds
the results of a whole province at once. Workers need auditor installed (same version); the
documents are read by the workers, so give paths that they can see (a shared folder).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any


def _client(scheduler: str):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        from auditor.errors import AuditError

        raise AuditError("使用 --scheduler 需要安装 dask：pip install 'auditor[dask]'") from None
    if scheduler == "local":
        import dask

        # workers forked from this process, which has the catalog and the classifier loaded
        # (Run prepares them), as the process pool's are: no second start-up per worker
        with dask.config.set({"distributed.worker.multiprocessing-method": "fork"}):
            cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
        return Client(cluster), cluster
    return Client(scheduler), None


def dask_map(
    func: Callable[[Any], Any],
    items: Iterable[Any],
    scheduler: str,
    window: int | None = None,
    fault: Callable[[Any, str], Any] | None = None,
    time_limit: float | None = None,
) -> Iterator[Any]:
    """``func`` over ``items`` on the cluster, results in input order.

    A task whose workers died (Dask retries it on another worker first) or that runs past
    ``time_limit`` seconds yields ``fault(item, reason)`` instead of stopping the run.
    """
    from auditor.pipeline import DIED, GRACE_SECONDS, Fault, _overtime, _timed

    client, cluster = _client(scheduler)
    call = partial(_timed, func, time_limit)
    wait = time_limit + max(GRACE_SECONDS, 0.2 * time_limit) if time_limit else None
    try:
        workers = max(1, sum(client.nthreads().values()))
        size = window or workers * 8
        pending: deque = deque()
        todo = iter(items)
        for item in todo:
            pending.append((item, client.submit(call, item, pure=False)))
            if len(pending) >= size:
                break
        while pending:
            item, future = pending.popleft()
            try:
                result = future.result(timeout=wait)
            except TimeoutError:
                future.cancel()
                result = Fault(_overtime(time_limit))
            except Exception as err:  # noqa: BLE001 - KilledWorker, a lost connection: this item fails
                result = Fault(f"{DIED}（{type(err).__name__}）")
            future.release()
            for item_next in todo:
                pending.append((item_next, client.submit(call, item_next, pure=False)))
                break
            if isinstance(result, Fault):
                if fault is None:
                    from auditor.errors import RunStopped

                    raise RunStopped(f"运行中止：{result.reason}")
                result = fault(item, result.reason)
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
