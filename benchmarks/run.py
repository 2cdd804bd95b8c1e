"""Time `sqlsoul lint` against its peers on real migrations, in one run.

    pip install -e '.[bench]'
    python benchmarks/run.py                      # print the table
    python benchmarks/run.py --write docs/performance.md

Runs alternate between the tools (sqlsoul, squawk, sqlsoul, squawk, ...) so that machine noise
hits both alike; each cell is the median of --repeat runs, with the peak resident memory of the
process. The peers need file paths, so they get every .sql file of the workload on their command
line; sqlsoul gets the directory. Exit codes are ignored: findings are expected.

Each workload is compared with the peers that read its dialect: PostgreSQL workloads with squawk
(`--reporter gcc`), the MySQL one (ranger, `--dialect mysql`) with sqlfluff's mysql dialect, since
squawk reads PostgreSQL only. `--peers` picks other peers (sqlfluff on PostgreSQL too, say).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = REPO.parent / "shared" / "corpora"


@dataclass(frozen=True)
class Workload:
    label: str
    target: Path  # what sqlsoul is given: a directory or a file
    files: tuple[str, ...]  # what the peers are given
    dialect: str = "postgres"  # sqlsoul's and sqlfluff's name for it


# The dialects each peer reads, and the peer a workload of each dialect is compared with by default.
PEER_DIALECTS = {"squawk": ("postgres",), "sqlfluff": ("postgres", "mysql", "mariadb", "sqlite")}
DEFAULT_PEERS = {"postgres": "squawk", "mysql": "sqlfluff"}


@dataclass
class Measure:
    seconds: list[float]
    peak_kib: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def workloads(corpora: Path) -> list[Workload]:
    lemmy = corpora / "lemmy"
    pagila = corpora / "pagila" / "pagila-schema.sql"
    ranger = corpora / "ranger-mysql"
    small = REPO / "examples" / "bad" / "002_create_orders.sql"
    found = []
    if lemmy.is_dir():
        files = tuple(sorted(str(path) for path in lemmy.rglob("*.sql")))
        found.append(Workload(f"lemmy ({len(files)} files)", lemmy, files))
    if pagila.is_file():
        found.append(Workload("pagila-schema.sql (pg_dump)", pagila, (str(pagila),)))
    if ranger.is_dir():
        files = tuple(sorted(str(path) for path in ranger.rglob("*.sql")))
        found.append(Workload(f"ranger MySQL ({len(files)} files)", ranger, files, "mysql"))
    found.append(Workload("one small migration", small, (str(small),)))
    return found


def tool_command(tool: str, workload: Workload) -> list[str] | None:
    if tool == "sqlsoul":
        dialect = ["--dialect", workload.dialect] if workload.dialect != "postgres" else []
        return [sys.executable, "-m", "sqlsoul", "lint", "--quiet", "--no-color", "--output", os.devnull,
                *dialect, str(workload.target)]
    executable = shutil.which(tool, path=str(Path(sys.executable).parent)) or shutil.which(tool)
    if executable is None:
        return None
    if tool == "squawk":
        return [executable, "--reporter", "gcc", *workload.files]
    if tool == "sqlfluff":
        # By default sqlfluff skips files over 20 kB, which would time nothing: lift the limit.
        config = Path(tempfile.mkdtemp()) / "sqlfluff.cfg"
        config.write_text("[sqlfluff]\nlarge_file_skip_byte_limit = 0\n", encoding="utf-8")
        return [executable, "lint", "--dialect", workload.dialect, "--nofail", "--disable-progress-bar",
                "--config", str(config), *workload.files]
    raise ValueError(f"unknown tool {tool}")


# An installed wheel runs from compiled bytecode: let the warm-up run write it, as users' runs would.
CHILD_ENVIRONMENT = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_once(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=CHILD_ENVIRONMENT
    )
    _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = 0  # reaped by wait4 above
    return elapsed, usage.ru_maxrss  # Linux reports ru_maxrss in KiB


def measure(commands: dict[str, list[str]], repeat: int) -> dict[str, Measure]:
    results = {tool: Measure([]) for tool in commands}
    for tool, argv in commands.items():  # one untimed warm-up each: file cache, pyc files
        run_once(argv)
    for _ in range(repeat):
        for tool, argv in commands.items():  # alternate, so noise hits every tool alike
            seconds, peak = run_once(argv)
            results[tool].seconds.append(seconds)
            results[tool].peak_kib = max(results[tool].peak_kib, peak)
    return results


def table(rows: list[tuple[Workload, dict[str, Measure]]]) -> str:
    lines = [
        "| workload | tool | median wall s | ratio to the first peer | peak memory MiB |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for workload, results in rows:
        reference = next((result for tool, result in results.items() if tool != "sqlsoul"), None)
        for tool, result in results.items():
            ratio = f"{result.median / reference.median:.2f}" if reference else "n/a"
            lines.append(
                f"| {workload.label} | {tool} | {result.median:.3f} | {ratio} | {result.peak_kib / 1024:.1f} |"
            )
    return "\n".join(lines)


def peers_of(workload: Workload, chosen: list[str] | None) -> list[str]:
    """The peers a workload is compared with: those chosen that read its dialect, else its default."""
    if chosen is None:
        default = DEFAULT_PEERS.get(workload.dialect)
        return [default] if default else []
    return [peer for peer in chosen if workload.dialect in PEER_DIALECTS.get(peer, ())]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per tool and workload (median; at least 5)")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument(
        "--peers", help="comma-separated: squawk, sqlfluff (default: squawk for PostgreSQL, sqlfluff for MySQL)"
    )
    parser.add_argument("--write", type=Path, help="also write the results into this Markdown file")
    args = parser.parse_args()
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")
    chosen = [peer for peer in args.peers.split(",") if peer] if args.peers is not None else None
    rows = []
    peers: list[str] = []
    for workload in workloads(args.corpora):
        commands = {"sqlsoul": tool_command("sqlsoul", workload)}
        for peer in peers_of(workload, chosen):
            if peer not in peers:
                peers.append(peer)
            argv = tool_command(peer, workload)
            if argv is None:
                print(f"note: {peer} is not installed (pip install -e '.[bench]'); skipped", file=sys.stderr)
                continue
            commands[peer] = argv
        rows.append((workload, measure(commands, args.repeat)))  # type: ignore[arg-type]
    output = table(rows)
    print(output)
    if args.write:
        write_report(args.write, output, args.repeat, peers)
    return 0


def write_report(path: Path, output: str, repeat: int, peers: list[str]) -> None:
    versions = []
    for peer in peers:
        argv = tool_command(peer, Workload("", REPO, ()))
        if argv:
            probe = subprocess.run([argv[0], "--version"], capture_output=True, text=True, check=False)
            versions.append(f"{peer} {(probe.stdout or probe.stderr).strip().split()[-1]}")
    from sqlsoul import __version__

    path.write_text(
        "# Performance\n\n"
        "Generated by `python benchmarks/run.py --write docs/performance.md` (after `pip install -e '.[bench]'`),\n"
        "with the shared corpora beside the repository. Each cell is the median wall time of "
        f"{repeat} runs, the tools alternating run by run, and the peak resident memory of the process.\n"
        "The peers are given every `.sql` file of the workload (squawk with `--reporter gcc`, sqlfluff with "
        "the workload's dialect); sqlsoul is given the directory (or file) and the dialect. squawk reads "
        "PostgreSQL only, so the MySQL workload is compared with sqlfluff.\n\n"
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"sqlsoul {__version__}, {', '.join(versions) or 'no peers'}.\n\n"
        f"{output}\n\n"
        "Targets: lemmy at most 3x squawk, pagila-schema.sql under 0.5 s, one small file under 0.25 s, "
        "peak memory under 150 MiB on lemmy.\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    sys.exit(main())
