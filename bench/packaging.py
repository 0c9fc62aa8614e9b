"""The frozen bundle's figures: unpacked size (target < 300 MB) and cold start against the source in
the same run (target: bundle ≤ 1.5 × source).

Needs the bundle (`make dist`). Each start is a new process, offscreen, on a demo folder made by the
bundle itself; runs alternate bundle/source so both see the same machine state. Two measures:
- "to window with data": until the data folder is open and the window painted with it
  (BRANCH_LEDGER_STARTUP_PROBE=1, packaging/rthook_startup_probe.py, in both);
- "to first paint": until the window's first paint, before any data is opened
  (BRANCH_LEDGER_EXIT_ON_PAINT=1, when desktop/app.py supports it).

    .venv/bin/python -m bench packaging
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "branch-ledger"
RUNS = 7
SOURCE_RUNNER = (
    "import sys, runpy; sys.path.insert(0, {root!r}); "
    "runpy.run_path({hook!r}); "
    "from desktop.app import main; raise SystemExit(main())"
)


def bundle_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def _timed(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=60,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{cmd[0]} did not finish in 60 s: {exc.stderr!r}") from None
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {result.returncode}: {result.stderr[-500:]}")
    return elapsed


def main() -> dict[str, float]:
    exe = BUNDLE / ("branch-ledger.exe" if sys.platform == "win32" else "branch-ledger")
    if not exe.exists():
        print(f"  no bundle at {BUNDLE}: run `make dist` first")
        return {}
    figures: dict[str, float] = {"bundle_mb": bundle_size_mb(BUNDLE)}
    print(f"  bundle size unpacked: {figures['bundle_mb']:.0f} MB (target < 300 MB)")

    work = Path(tempfile.mkdtemp(prefix="bench-packaging-"))
    try:
        data = work / "data"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        env.pop("PYTHONPATH", None)
        subprocess.run([str(exe), "--data-dir", str(data), "demo"], env=env, check=True, capture_output=True)
        source = [sys.executable, "-c", SOURCE_RUNNER.format(root=str(ROOT),
                                                             hook=str(ROOT / "packaging" / "rthook_startup_probe.py")),
                  "--data-dir", str(data)]
        bundle = [str(exe), "--data-dir", str(data)]
        measures = [("window with data", {"BRANCH_LEDGER_STARTUP_PROBE": "1"})]
        if "BRANCH_LEDGER_EXIT_ON_PAINT" in (ROOT / "desktop" / "app.py").read_text(encoding="utf-8"):
            measures.append(("first paint", {"BRANCH_LEDGER_EXIT_ON_PAINT": "1"}))
        for label, extra in measures:
            run_env = dict(env, **extra)
            try:  # one warm-up each: the page cache, not the program, is cold
                _timed(bundle, run_env, work)
                _timed(source, run_env, work)
            except RuntimeError as exc:  # e.g. a bundle built before the source learnt the variable
                print(f"  start to {label}: not measured ({exc}); rebuild the bundle with `make dist`")
                continue
            times: dict[str, list[float]] = {"bundle": [], "source": []}
            for _ in range(RUNS):
                times["bundle"].append(_timed(bundle, run_env, work))
                times["source"].append(_timed(source, run_env, work))
            b, s = statistics.median(times["bundle"]), statistics.median(times["source"])
            key = label.replace(" ", "_")
            figures[f"bundle_{key}_s"] = b
            figures[f"source_{key}_s"] = s
            figures[f"ratio_{key}"] = b / s
            print(f"  start to {label}: bundle {b:.3f} s, source {s:.3f} s (medians of {RUNS}): "
                  f"{b / s:.2f}× (target ≤ 1.5×)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


if __name__ == "__main__":
    main()
