"""Cold start to the first painted main window, against a bare PySide6 QMainWindow, in one run.

Target (issue 2): ≤ 1.3× the bare window. Each start is a fresh process (`python -m desktop` with
BRANCH_LEDGER_EXIT_ON_PAINT=1, which quits at the first paint event); the two kinds alternate so
machine load hits both alike. Also shown, not targeted: the time until the data folder is open
and its home page painted (BRANCH_LEDGER_EXIT_ON_PAINT=data)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7
TARGET_RATIO = 1.3
ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False

    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, QApplication.quit)

app = QApplication(sys.argv[:1])
window = Window()
window.resize(1200, 760)
window.show()
app.exec()
"""


def _time(command: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; its CPU seconds (user + system) are appended to `cpu`."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise RuntimeError(f"{command} failed ({result.returncode}): {result.stderr[-2000:]}")
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def main() -> dict[str, float]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp) / "data"
        # a demo folder, so the "with data" start opens a real branch (and the automatic backup is done)
        subprocess.run([sys.executable, "-m", "desktop", "--data-dir", str(folder), "demo"], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=300)
        app = [sys.executable, "-m", "desktop", "--data-dir", str(folder)]
        bare = [sys.executable, "-c", BARE]
        paint_env = dict(env, BRANCH_LEDGER_EXIT_ON_PAINT="1")
        data_env = dict(env, BRANCH_LEDGER_EXIT_ON_PAINT="data")
        _time(bare, env)  # warm the file cache for both
        _time(app, paint_env)
        bare_runs, app_runs, data_runs = [], [], []
        bare_cpu: list[float] = []
        app_cpu: list[float] = []
        for _ in range(RUNS):
            bare_runs.append(_time(bare, env, bare_cpu))
            app_runs.append(_time(app, paint_env, app_cpu))
            data_runs.append(_time(app, data_env))
    figures["bare_window_s"] = round(statistics.median(bare_runs), 3)
    figures["app_first_paint_s"] = round(statistics.median(app_runs), 3)
    figures["ratio"] = round(figures["app_first_paint_s"] / figures["bare_window_s"], 2)
    figures["app_with_data_s"] = round(statistics.median(data_runs), 3)
    figures["pair_ratio_median"] = round(statistics.median(a / b for a, b in zip(app_runs, bare_runs)), 2)
    figures["bare_cpu_s"] = round(statistics.median(bare_cpu), 3)
    figures["app_cpu_s"] = round(statistics.median(app_cpu), 3)
    figures["cpu_ratio"] = round(figures["app_cpu_s"] / figures["bare_cpu_s"], 2)
    print(f"  bare PySide6 QMainWindow, first paint: {figures['bare_window_s']} s (median of {RUNS})")
    print(f"  支部工作台账, first paint:              {figures['app_first_paint_s']} s")
    print(f"  ratio: {figures['ratio']}× (target ≤ {TARGET_RATIO}×) — {'OK' if figures['ratio'] <= TARGET_RATIO else 'OVER TARGET'};"
          f" median of the pairwise ratios {figures['pair_ratio_median']}×")
    print(f"  CPU time (user+system): bare {figures['bare_cpu_s']} s, app {figures['app_cpu_s']} s, ratio {figures['cpu_ratio']}×")
    print(f"  until the demo folder is open and its home page painted: {figures['app_with_data_s']} s (no target)")
    return figures


if __name__ == "__main__":
    main()
