"""Wall time and peak memory of a command's whole process tree (sampled from /proc)."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path


def _tree_rss_bytes(root: int) -> int:
    """Sum of the resident set sizes of ``root`` and all its descendants. [bytes]"""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            rss[int(d.name)] = int((d / "statm").read_text().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(cmd: list[str], interval_s: float = 0.05, env: dict | None = None) -> dict:
    """Run ``cmd``; return wall time [s], peak tree RSS [MiB], exit code and output."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_bytes(proc.pid))
        time.sleep(interval_s)
    out = proc.stdout.read() if proc.stdout else ""
    return {"wall_s": time.perf_counter() - t0, "peak_mib": peak / 2**20, "rc": proc.returncode, "output": out}
