"""Parse a history's files ahead of the engine, in a forked child process.

libpg_query is about a sixth of the work of linting a large history and needs nothing the engine
computes, so on a machine with a second core a child process runs it over the files in the order
the engine will ask for them. It writes each file's JSON tree to an unnamed file, which the engine
maps, and announces it through a pipe; the engine decodes the tree where it lies and goes on, or
parses the file itself when the child has not got that far (it never waits: on a busy machine the
child may be scheduled late). The trees do not go through the pipe itself so that the child never
waits for the engine to read: it parses everything and exits, and the pages it shared with the
engine need no more copying.

Anything unusual falls back to parsing in the process itself, as without this module: no
`os.fork` (Windows), other threads running (forking them is unsafe), a small history (the fork
costs more than it saves), a file whose whole-file parse fails (the engine's piecewise parse
reports the errors), a child that dies.
"""

from __future__ import annotations

import mmap
import os
import struct
import threading
from collections.abc import Sequence

from sqlsoul.libpg import parser as pg

# Below these a history parses in a few milliseconds: not worth a process.
MIN_FILES = 50
MIN_BYTES = 200_000

_RECORD = struct.Struct("<iqq")  # file index, where its JSON starts in the file, its length (-1: did not parse)
_NOT_PARSED = -1
_READ_BYTES = 1 << 16
# The trees file is mapped this far when the child starts (address space, not memory); trees that
# lie beyond are read with pread.
_MAPPED = 1 << 28


class ParseAhead:
    """The JSON trees of files, parsed by a child process; `take` gives None where it has none."""

    def __init__(self, texts: Sequence[tuple[int, str]]) -> None:
        """Start parsing `texts`, (file index, SQL text) in the order `take` will ask for them,
        if they are worth a child process and one can be forked safely."""
        self._pid: int | None = None
        self._pipe = -1  # the read end of the child's announcements
        self._records = bytearray()  # announcements read, up to a record read in part
        self._trees = -1  # descriptor of the file the child writes the trees to
        self._pending = {index for index, _ in texts}  # neither received nor asked for yet
        self._received: dict[int, tuple[int, int]] = {}  # where each announced tree is: (start, length)
        self._map: mmap.mmap | None = None  # the trees file, mapped: trees are decoded where they lie
        if not _worth_forking(texts):
            self._pending.clear()
            return
        try:
            self._trees = _unnamed_file()
            os.ftruncate(self._trees, _MAPPED)  # sparse: only what the child writes takes memory
            self._map = mmap.mmap(self._trees, _MAPPED, prot=mmap.PROT_READ)
            read_end, write_end = os.pipe()
        except OSError:
            self.close()
            return
        try:
            pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            self.close()
            return
        if pid == 0:
            os.close(read_end)
            _child(write_end, self._trees, texts)  # never returns
        os.close(write_end)
        os.set_blocking(read_end, False)
        self._pid = pid
        self._pipe = read_end

    def take(self, index: int) -> bytes | memoryview | None:
        """The JSON tree of file `index` as libpg_query wrote it (a view of the mapped file: decode
        it before the next call of close); None when the caller must parse the file itself: never
        announced, did not parse, the child is gone, or the child has not got that far yet (the
        engine does not wait: on a busy machine the child may be scheduled late, and then parsing
        here is faster than waiting)."""
        self._receive()
        self._pending.discard(index)
        start, length = self._received.pop(index, (0, _NOT_PARSED))
        if length == _NOT_PARSED:
            return None
        if self._map is not None and start + length <= _MAPPED:
            return memoryview(self._map)[start : start + length]
        tree = os.pread(self._trees, length, start)  # past the mapped part
        return tree if len(tree) == length else None

    def _receive(self) -> None:
        """Take in every tree the child has announced so far, without waiting for more."""
        if self._pipe < 0:
            return
        try:
            chunk = os.read(self._pipe, _READ_BYTES)
        except BlockingIOError:
            return
        if not chunk:  # the child is done, or died: whatever it did not announce, the caller parses
            self._pending.clear()
            os.close(self._pipe)
            self._pipe = -1
            return
        self._records += chunk
        whole = len(self._records) - len(self._records) % _RECORD.size
        for index, start, length in _RECORD.iter_unpack(self._records[:whole]):
            if index in self._pending:  # not yet parsed by the caller itself
                self._pending.discard(index)
                self._received[index] = (start, length)
        del self._records[:whole]

    def close(self) -> None:
        """Stop the child (closing the pipe ends its next write) and reap it."""
        if self._pipe >= 0:
            os.close(self._pipe)
            self._pipe = -1
        if self._pid is not None:
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # a tree is still referenced somewhere: the mapping goes with it
                pass
            self._map = None
        if self._trees >= 0:
            os.close(self._trees)
            self._trees = -1
        self._pending.clear()
        self._received.clear()

    def __enter__(self) -> ParseAhead:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _worth_forking(texts: Sequence[tuple[int, str]]) -> bool:
    if not hasattr(os, "fork") or threading.active_count() > 1 or len(texts) < MIN_FILES:
        return False
    return sum(len(text) for _, text in texts) >= MIN_BYTES


def _unnamed_file() -> int:
    """A file that lives as long as its descriptors: in memory on Linux, else a deleted temporary."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("sqlsoul-trees")
    import tempfile  # costs a few milliseconds to import: only where memfd_create is missing

    file = tempfile.TemporaryFile()
    descriptor = os.dup(file.fileno())
    file.close()
    return descriptor


def _child(pipe: int, trees: int, texts: Sequence[tuple[int, str]]) -> None:
    """Parse every text and announce each tree once it is written, then leave at once: no cleanup
    of the parent's state runs here (atexit handlers, buffered output that the parent writes too)."""
    status = 1
    try:
        written = 0
        for index, text in texts:
            try:
                tree = pg.parse_sql_json(text).encode()
            except pg.ParseError:
                _write(pipe, _RECORD.pack(index, 0, _NOT_PARSED))
                continue
            _write(trees, tree)
            _write(pipe, _RECORD.pack(index, written, len(tree)))
            written += len(tree)
        status = 0
    finally:
        os._exit(status)  # also on BaseException: the child must never run the parent's code


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
