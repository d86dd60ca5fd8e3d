"""Wall time and peak memory of a command's whole process tree (sampled from /proc).

Memory is the sum of the proportional set sizes (PSS) of the process and its descendants:
pages shared between a parent and its forked workers count once, not once per process
as a sum of RSS would.
"""
from __future__ import annotations

import subprocess
import time
from pathlib import Path


def _pss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _tree_rss_bytes(root: int) -> int:
    """Sum of the proportional set sizes of ``root`` and all its descendants. [bytes]"""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            total += _pss_bytes(pid)
        except (OSError, ValueError):
            pass
        stack.extend(children.get(pid, []))
    return total


def measure(cmd: list[str], interval_s: float = 0.5, env: dict | None = None) -> dict:
    """Run ``cmd``; return wall time [s], peak tree RSS [MiB], exit code and output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_bytes(proc.pid))
        time.sleep(interval_s)
    out = proc.stdout.read() if proc.stdout else ""
    return {"wall_s": time.perf_counter() - t0, "peak_mib": peak / 2**20, "rc": proc.returncode, "output": out}
