"""Which files a job writes and reads: the output functions of the entry points, the check that no job writes
onto its own input (vector, raster, CSV, HTML, PDF alike; compared resolved, case-folded where the file system folds
case), the removal of temporary files a killed run left, and the lock of an output folder. Standard library only,
like :mod:`.protocol`, which imports it.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import InputError


def output_paths(*values: Any) -> list[str]:
    """The given paths as strings, empty ones left out."""
    return [str(v) for v in values if v]


def outputs_of(*keys: str) -> Callable[[Mapping[str, Any]], list[str]]:
    """The output function of a job whose ``outputs`` object names its files under ``keys``."""
    def outputs(arguments: Mapping[str, Any]) -> list[str]:
        out = arguments.get("outputs") or {}
        return output_paths(*dict.fromkeys(out.get(k) for k in keys))
    return outputs


def arguments_of(*keys: str) -> Callable[[Mapping[str, Any]], list[str]]:
    """The output function of a job that names its files in the top-level arguments ``keys``."""
    return lambda arguments: output_paths(*(arguments.get(k) for k in keys))


def eligibility_outputs(arguments: Mapping[str, Any]) -> list[str]:
    """The files of an eligibility job, with the reasons raster's bit-table sidecar and the table per criterion."""
    out = arguments.get("outputs") or {}
    reasons = out.get("reasons")
    sidecar = str(Path(reasons).with_name(Path(reasons).stem + "_bits.json")) if reasons else None
    table = out.get("table")
    per_criterion = str(Path(table).with_name(Path(table).stem + "_criteria.csv")) if table else None
    return output_paths(out.get("eligibility"), reasons, sidecar, out.get("polygons"), table, per_criterion)


def profile_outputs(arguments: Mapping[str, Any]) -> list[str]:
    """Every file a profile job (its plan as JSON) may write, for cleaning up after a killed worker."""
    plan = arguments.get("plan") or {}
    out = plan.get("output_dir")
    if not out:
        return []
    out = Path(out)
    files = [out / f"profile{s}" for s in ("_indicators.csv", ".json", "_hourly.csv", "_sites.gpkg",
                                            "_wind_turbines.gpkg", "_pv_rooftop.gpkg", "_pv_ground_sites.gpkg",
                                            "_pv_ground_yield.tif", "_agri_pv_sites.gpkg", "_agri_pv_yield.tif",
                                            "_pv_floating.gpkg", "_wind_sweep.csv")]
    for step in plan.get("technologies") or []:
        key = step.get("key") if isinstance(step, Mapping) else None
        if key:
            files += [out / f"{key}_{s}" for s in ("eligibility.tif", "reasons.tif", "reasons_bits.json", "areas.gpkg",
                                                  "table.csv", "table_criteria.csv", "suitability.tif", "sites.gpkg")]
    report = out / "report"
    if report.is_dir():
        files += sorted(report.glob("*.html"))
    return [str(p) for p in files]


#: Argument keys that name what a job writes (their values are outputs, not inputs).
_OUTPUT_KEYS = frozenset({"outputs", "output_dir", "table", "chart", "report", "cleaned_lines"})


def input_files(arguments: Mapping[str, Any]) -> list[Path]:
    """Every existing file a job's arguments name outside its outputs (layers, rasters, catalogues, sources …)."""
    found: list[Path] = []

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for key, item in value.items():
                if key not in _OUTPUT_KEYS:
                    walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, (str, Path)) and str(value):
            path = str(value).split("|", 1)[0]
            if len(path) < 4096 and os.path.isfile(path):
                found.append(Path(path))
    walk(arguments)
    return found


def _same_file_key(path: Path) -> str:
    """A key equal for two spellings of one file: resolved, case-folded where the file system folds case."""
    text = str(Path(path).resolve())
    return text.casefold() if sys.platform in ("win32", "darwin") else text


def check_outputs_are_not_inputs(arguments: Mapping[str, Any], outputs: Sequence[str | Path]) -> None:
    """Refuse a job that would write onto one of its own inputs (before any work starts).

    Raises
    ------
    InputError
        Naming the file.
    """
    inputs = {_same_file_key(p): p for p in input_files(arguments)}
    for output in outputs:
        clash = inputs.get(_same_file_key(Path(output)))
        if clash is not None:
            raise InputError(f"The output {str(output)!r} is also an input of this run ({clash}); writing it would "
                             "replace the input. Choose another output file or folder.")


_PART = re.compile(r"^\..*\.(?:(\d+)-)?[^.]*\.part(?:\.[^/]*)?$")


def _running(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # Windows: os.kill(pid, 0) would send Ctrl+C; keep the files
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or no way to tell: keep its files
    return True


def stale_parts(folder: str | Path, recursive: bool = False) -> list[Path]:
    """Temporary ``.part`` files and folders in ``folder`` (and below) of runs that are no longer running.

    The engine names them ``.<stem>.<pid>-<random>.part<suffix>`` (:class:`..data.outputs.OutputTransaction`);
    those without a process id (older versions) are stale by definition.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return []
    out = []
    for path in (folder.rglob if recursive else folder.glob)(".*.part*"):
        found = _PART.match(path.name)
        if found is None or any(parent in out for parent in path.parents):
            continue
        pid = found.group(1)
        if pid is not None and not _running(int(pid)):  # names without a process id are not the engine's: kept
            out.append(path)
    return sorted(out)


#: Folders whose lock this process holds (a second open of the lock file in this process would look locked).
_HELD: set[str] = set()


def _locked_by_another(folder: Path) -> bool:
    """Whether another process holds the folder's ``.wip.lock`` (a run in progress, perhaps in another container)."""
    if str(folder.resolve()) in _HELD:
        return False
    path = folder / ".wip.lock"
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return False
    try:
        with open(path, encoding="utf-8") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            except OSError:
                return False
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    except OSError:
        return False
    return False


def remove_stale_parts(folder: str | Path, recursive: bool = False) -> list[Path]:
    """Delete :func:`stale_parts` of ``folder`` (not while another process holds its lock); returns what was deleted."""
    removed: list[Path] = []
    if Path(folder).is_dir() and _locked_by_another(Path(folder)):
        return removed
    for path in stale_parts(folder, recursive):
        try:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except FileNotFoundError:
            pass
    return removed


@contextlib.contextmanager
def folder_lock(folder: str | Path, what: str = "run") -> Iterator[None]:
    """Hold ``<folder>/.wip.lock`` for the block: a second run into the same folder is refused, not interleaved.

    The lock is the operating system's (``flock``): it ends with the process, also on ``kill -9``, so a crashed
    run never blocks the next. The lock file is removed at the end, and the folder too if the block left it empty
    (a refused run leaves nothing behind). Where ``flock`` is missing (Windows), the block runs unlocked.

    Raises
    ------
    InputError
        Another process holds the lock (named by its process id and start time).
    """
    folder = Path(folder)
    created = not folder.exists()
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".wip.lock"
    while True:
        fh = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise InputError(f"Another wip run is writing into {str(folder)!r} ({holder}). Wait until it has "
                             f"finished, or give this {what} another output folder.") from None
        except OSError:  # a file system without locks (some network or FUSE mounts): run unlocked
            break
        try:  # the holder before us may have removed the file we opened: lock the one at the path
            same = os.stat(path).st_ino == os.fstat(fh.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        fh.close()
    key = str(folder.resolve())
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        _HELD.add(key)
        yield
    finally:
        _HELD.discard(key)
        with contextlib.suppress(OSError):
            path.unlink()
        fh.close()
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty
