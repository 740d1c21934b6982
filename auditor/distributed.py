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
from collections.abc import Callable, Iterator
from typing import Any


def _client(scheduler: str):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        from auditor.errors import AuditError

        raise AuditError("使用 --scheduler 需要安装 dask：pip install 'auditor[dask]'") from None
    if scheduler == "local":
        cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
        return Client(cluster), cluster
    return Client(scheduler), None


def dask_map(func: Callable[[Any], Any], items: list[Any], scheduler: str, window: int | None = None) -> Iterator[Any]:
    """``func`` over ``items`` on the cluster, results in input order."""
    client, cluster = _client(scheduler)
    try:
        workers = max(1, sum(client.nthreads().values()))
        size = window or workers * 8
        pending: deque = deque()
        todo = iter(items)
        for item in todo:
            pending.append(client.submit(func, item, pure=False))
            if len(pending) >= size:
                break
        while pending:
            future = pending.popleft()
            result = future.result()
            future.release()
            for item in todo:
                pending.append(client.submit(func, item, pure=False))
                break
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
