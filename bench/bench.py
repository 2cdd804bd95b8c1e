"""Time sqlsoul against peer linters on the shared corpora, in the same run.

    python bench/bench.py [--repeat 5] [--corpora ../shared/corpora] [--peers squawk,sqlfluff]

Each tool lints the same files; the median wall time of --repeat runs is reported with the ratio
to sqlsoul. Peers come from the `bench` extra (pip install -e '.[bench]'); a missing peer is
skipped with a note. Exit codes of the linters are ignored: findings are expected.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# sqlfluff takes seconds per file: it runs only on the workloads named here.
SLOW_PEER_WORKLOADS = {"sqlfluff": {"pagila"}}
# (label, folder, glob): PostgreSQL corpora squawk can read too.
WORKLOADS = (
    ("lemmy (diesel, 684 files)", "lemmy", "**/*.sql"),
    ("pagila schema (pg_dump)", "pagila", "pagila-schema.sql"),
    ("concourse (migrate)", "concourse", "**/*.sql"),
)


def files_of(corpora: Path, folder: str, pattern: str) -> list[str]:
    return sorted(str(path) for path in (corpora / folder).glob(pattern))


def command(tool: str, files: list[str], folder: Path) -> list[str] | None:
    bin_dir = Path(sys.executable).parent
    if tool == "sqlsoul":
        return [sys.executable, "-m", "sqlsoul", "lint", "--quiet", "--no-color", "--output", "/dev/null", str(folder)]
    executable = shutil.which(tool, path=str(bin_dir)) or shutil.which(tool)
    if executable is None:
        return None
    if tool == "squawk":
        return [executable, *files]
    if tool == "sqlfluff":
        # By default sqlfluff skips files over 20 kB, which would time nothing: lift the limit.
        config = Path(tempfile.mkdtemp()) / "sqlfluff.cfg"
        config.write_text("[sqlfluff]\nlarge_file_skip_byte_limit = 0\n", encoding="utf-8")
        return [executable, "lint", "--dialect", "postgres", "--nofail", "--disable-progress-bar",
                "--config", str(config), *files]
    raise ValueError(tool)


def median_seconds(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpora", type=Path, default=REPO.parent / "shared" / "corpora")
    parser.add_argument("--peers", default="squawk,sqlfluff")
    args = parser.parse_args()
    if not args.corpora.is_dir():
        print(f"no corpora at {args.corpora}", file=sys.stderr)
        return 2
    peers = [peer for peer in args.peers.split(",") if peer]
    print(f"{'workload':32} {'tool':9} {'median s':>9} {'vs sqlsoul':>10}")
    for label, folder, pattern in WORKLOADS:
        files = files_of(args.corpora, folder, pattern)
        target = args.corpora / folder if "**" in pattern else Path(files[0])
        baseline = median_seconds(command("sqlsoul", files, target), args.repeat)  # type: ignore[arg-type]
        print(f"{label:32} {'sqlsoul':9} {baseline:9.3f} {1.0:10.2f}")
        for peer in peers:
            if peer in SLOW_PEER_WORKLOADS and folder not in SLOW_PEER_WORKLOADS[peer]:
                continue
            argv = command(peer, files, target)
            if argv is None:
                print(f"{label:32} {peer:9} {'missing':>9}")
                continue
            seconds = median_seconds(argv, 1 if peer in SLOW_PEER_WORKLOADS else args.repeat)
            print(f"{label:32} {peer:9} {seconds:9.3f} {seconds / baseline:10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
