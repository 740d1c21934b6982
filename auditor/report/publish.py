"""A report folder published whole: one run at a time, written aside, swapped in at the end.

``Publication(target)`` — entered before any document is read — takes a lock beside
``target`` (a second run into the same folder is refused at once with a clear message),
checks that the folder can be written and creates a fresh temporary folder beside it, where
the run writes every file. ``commit(names)`` writes a manifest of those names and swaps the
folder into place; leaving the block without commit (an error, Ctrl-C, SIGTERM) removes the
temporary folder and leaves ``target`` as the previous run left it.

The swap renames the old folder away and the new one in (the two renames are microseconds
apart). When ``target`` holds files that auditor did not write (they are not in its manifest),
the folder itself is kept: the new files are moved in one by one and the files of the earlier
run that this run did not write again are removed — only those named in its manifest.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
from pathlib import Path

from auditor.errors import AuditError
from auditor.safe import bounded, shown

MANIFEST = ".auditor-manifest.json"


class Publication:
    def __init__(self, target: str | Path):
        self.target = Path(os.path.abspath(target))
        self.parent = self.target.parent
        stem = bounded(self.target.name, 120)
        self._lock_path = self.parent / f".{stem}.audit-lock"
        self._temp_prefix = f".{stem}.audit-tmp-"
        self._old_prefix = f".{stem}.audit-old-"
        self._lock: int | None = None
        self.folder: Path | None = None
        self.committed = False

    # ---------------------------------------------------------------- entering

    def __enter__(self) -> Publication:
        where = shown(self.target)
        if self.target.exists() and not self.target.is_dir():
            raise AuditError(f"输出位置 {where} 已存在且不是文件夹")
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
            self._take_lock()
            self._remove_leftovers()
            self.folder = Path(tempfile.mkdtemp(prefix=self._temp_prefix, dir=self.parent))
            if self.target.exists() and not os.access(self.target, os.W_OK | os.X_OK):
                raise PermissionError(13, "Permission denied")
        except OSError as err:
            self._release()
            raise AuditError(f"输出文件夹 {where} 无法写入（{err.strerror or err}），未开始读取文件") from None
        return self

    def _take_lock(self) -> None:
        """An exclusive lock on a file beside the target; refused at once when another run holds it."""
        while True:
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise AuditError(
                    f"另一个 audit 正在向 {shown(self.target)} 写入报告；请等它结束，或用 -o 指定其他输出文件夹"
                ) from None
            try:  # the holder before us may have removed the file after we opened it: lock the current one
                same = os.fstat(fd).st_ino == os.stat(self._lock_path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self._lock = fd
                return
            os.close(fd)

    def _remove_leftovers(self) -> None:
        """Temporary folders of runs that were killed outright (SIGKILL, power loss)."""
        for entry in os.scandir(self.parent):
            if entry.name.startswith((self._temp_prefix, self._old_prefix)) and entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)

    # ---------------------------------------------------------------- leaving

    def commit(self, names: list[str]) -> Path:
        """Publish the temporary folder's ``names`` as ``target``; returns ``target``."""
        assert self.folder is not None
        names = list(dict.fromkeys(names))
        (self.folder / MANIFEST).write_text(
            json.dumps({"written_by": "auditor", "files": names}, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        umask = os.umask(0)
        os.umask(umask)
        mode = self.target.stat().st_mode & 0o7777 if self.target.is_dir() else 0o777 & ~umask
        os.chmod(self.folder, mode)
        blocked = {signal.SIGINT, signal.SIGTERM}
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)  # the swap is not cut in half
        try:
            self._swap(names)
            self.committed = True
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return self.target

    def _swap(self, names: list[str]) -> None:
        if not self.target.exists():
            os.rename(self.folder, self.target)
            return
        earlier = _manifest(self.target)
        foreign = set(os.listdir(self.target)) - earlier - {MANIFEST}
        if not foreign:
            old = Path(tempfile.mkdtemp(prefix=self._old_prefix, dir=self.parent))
            os.rename(self.target, old / "previous")
            os.rename(self.folder, self.target)
            shutil.rmtree(old, ignore_errors=True)
            return
        for name in [*names, MANIFEST]:
            os.replace(self.folder / name, self.target / name)
        for name in earlier - set(names):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                (self.target / name).unlink()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self.committed and self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self._release()

    def _release(self) -> None:
        if self._lock is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self._lock_path.unlink()
        os.close(self._lock)
        self._lock = None


def _manifest(folder: Path) -> set[str]:
    """The file names an earlier run wrote into ``folder`` (plain names only; nothing else is trusted)."""
    try:
        files = json.loads((folder / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return set()
    return {name for name in files if isinstance(name, str) and name == Path(name).name and name not in ("", ".", "..")}
