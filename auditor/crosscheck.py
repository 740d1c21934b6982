"""The cross-document rules of a batch run, in a process of their own so they never hold up the workers.

``CrossCheck`` is fed each document's ``Table`` records as stage 1 loads it (``add``, the
records still pickled as the worker sent them), and after stage 1 hands back each document's
cross-document findings in document order (``results``), pickled, for stage 3 to pass on to
the worker that finishes the document, with their number (the main process numbers the rows of
findings.xlsx ahead). With ``separate`` (a run with worker processes) the
indexing and the comparing happen in a forked child process; the main process only moves
bytes through two pipes, and the child blocks when the results pipe is full, so memory
stays flat. Without ``separate`` (one job) the same work happens in this process.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Iterator

from auditor.errors import AuditError

_END = b""
OWN_PROCESS_FROM = 1000  # documents: from here on the comparing runs in a process of its own (``worth_a_process``)


def worth_a_process(jobs: int, documents: int) -> bool:
    """Whether a run's cross-document check should run ``separate``: with worker processes and at
    least ``OWN_PROCESS_FROM`` documents. Below that the comparing is about a second of CPU
    spread over stage 3 (1.5 ms a document) and a fourth process on the cores costs more than
    it spares the main process (400 departments on 2 cores: 1.4% slower wall, 3% more CPU);
    above it the main process would do seconds to hours of comparing between feeding the workers."""
    return jobs > 1 and documents >= OWN_PROCESS_FROM


def _compare(index, config) -> Iterator[tuple[int, int, bytes]]:
    from auditor.checks import iter_across

    for doc, findings in iter_across(index, config):
        yield doc, len(findings), pickle.dumps(findings, pickle.HIGHEST_PROTOCOL)


def _child(tables_in, tables_out, results_in, results_out, config) -> None:
    """The child: take table records until the end mark, then send every document's findings."""
    tables_out.close()  # the parent's ends, inherited
    results_in.close()
    from auditor.checks.dup import TableIndex
    from auditor.pipeline import collect_less

    collect_less()  # the oldest generation seldom walked: the index holds millions of entries
    index = TableIndex(keep=False)  # arrays, not the records: a few dozen bytes per table
    while (blob := tables_in.recv_bytes()) != _END:
        index.add(pickle.loads(blob))
    tables_in.close()
    for doc, count, found in _compare(index, config):
        results_out.send_bytes(doc.to_bytes(8, "little") + count.to_bytes(8, "little") + found)
    results_out.send_bytes(_END)
    results_out.close()


class CrossCheck:
    """The cross-document findings of one run: ``add`` while loading, ``results`` after, ``close`` at the end."""

    def __init__(self, config=None, separate: bool = False):
        self.config = config
        self.blobs: list[bytes] = []
        self.process = None
        if separate:
            context = multiprocessing.get_context("fork")
            tables_in, self._tables = context.Pipe(duplex=False)
            self._results, results_out = context.Pipe(duplex=False)
            self.process = context.Process(
                target=_child, args=(tables_in, self._tables, self._results, results_out, config), daemon=True
            )
            self.process.start()
            tables_in.close()  # the child's ends
            results_out.close()

    def add(self, tables: bytes) -> None:
        """One document's Table records, pickled (``pickle.dumps(list_of_tables)``)."""
        if self.process is None:
            self.blobs.append(tables)
        else:
            self._tables.send_bytes(tables)

    def results(self) -> Iterator[tuple[int, int, bytes]]:
        """(document index, how many cross-document findings, those findings pickled) for the
        documents with any, in order."""
        if self.process is None:
            from auditor.checks.dup import TableIndex

            index = TableIndex(keep=False)
            for blob in self.blobs:
                index.add(pickle.loads(blob))
            self.blobs = []
            yield from _compare(index, self.config)
            return
        self._tables.send_bytes(_END)
        self._tables.close()
        while True:
            try:
                data = self._results.recv_bytes()
            except EOFError:
                raise AuditError(f"跨文件比较进程意外退出（退出码 {self.process.exitcode}）") from None
            if data == _END:
                return
            yield int.from_bytes(data[:8], "little"), int.from_bytes(data[8:16], "little"), data[16:]

    def close(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join()
            self._tables.close()
            self._results.close()
