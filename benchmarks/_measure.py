"""Wall time and peak memory of a command's whole process tree (sampled from /proc).

Memory is the sum of the proportional set sizes (PSS) of the process and its descendants:
pages shared between a parent and its forked workers count once, not once per process
as a sum of RSS would.
"""
from __future__ import annotations

import os
import resource
import subprocess
import threading
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


def _load_1min() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def measure(cmd: list[str], interval_s: float = 0.5, env: dict | None = None) -> dict:
    """Run ``cmd``; return wall time [s], CPU time of the tree [s], peak tree PSS [MiB], exit code and output.

    ``cpu_s`` (user + system of the command and every descendant it waited for) does not grow when
    other jobs share the cores, unlike ``wall_s``; ``load_before`` and ``load_after`` (1-minute load
    averages) say how busy the machine was.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = _load_1min()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = 0
    out_parts: list[str] = []
    # the output is read while the command runs: a command printing more than the pipe holds (64 KiB) would
    # otherwise block on its next line and never end
    reader = threading.Thread(target=lambda: out_parts.append(proc.stdout.read() if proc.stdout else ""),
                              daemon=True)
    reader.start()
    while proc.poll() is None:
        peak = max(peak, _tree_rss_bytes(proc.pid))
        time.sleep(interval_s)
    reader.join()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "peak_mib": peak / 2**20, "rc": proc.returncode, "output": "".join(out_parts),
            "load_before": load_before, "load_after": _load_1min()}
