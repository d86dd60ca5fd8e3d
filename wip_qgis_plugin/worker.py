"""The engine in a separate Python: settings, start, progress, cancel, and the engine environment.

Where the Python of QGIS lacks the engine's packages (geopandas, rasterio … are missing in many
Windows and macOS installs, and pip wheels there clash with QGIS's own GDAL and PROJ), the
algorithms hand their job to another interpreter: ``<python> -m wip_qgis_plugin.cli worker
JOB.json``. The protocol is in :mod:`.core.jobs.protocol`; this module is its QGIS side.

Settings (QgsSettings; the environment variables override them, e.g. for qgis_process):

``wip/engine_python`` (``WIP_ENGINE_PYTHON``)
    The interpreter of the engine; empty: none.
``wip/engine_mode`` (``WIP_ENGINE_MODE``)
    ``auto`` (default: in QGIS's Python when the engine imports there, else the engine Python),
    ``worker`` (always the engine Python) or ``in_process`` (never).
"""
from __future__ import annotations

import dataclasses
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qgis.core import QgsApplication, QgsProcessingUtils, QgsSettings

from .core.errors import Cancelled
from .core.messages import from_wire
from .core.jobs.protocol import (
    PROTOCOL_VERSION,
    Job,
    ProtocolError,
    WorkerFailed,
    decode_message,
    exception_from,
    job_outputs,
    remove_partial_files,
)
from .i18n import tr, ui_language

PLUGIN_DIR = Path(__file__).resolve().parent
KEY_ENGINE_PYTHON = "wip/engine_python"
KEY_ENGINE_MODE = "wip/engine_mode"
KEY_CSV_FORMAT = "wip/csv_format"
ENV_ENGINE_PYTHON = "WIP_ENGINE_PYTHON"
ENV_ENGINE_MODE = "WIP_ENGINE_MODE"
MODES = ("auto", "worker", "in_process")
#: Seconds the worker may take to stop by itself after ``cancel`` before it is killed.
CANCEL_GRACE_S = 0.4
#: Environment variables of QGIS's Python and libraries that would mislead another interpreter.
FOREIGN_ENV = ("PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONEXECUTABLE", "PYTHONUSERBASE",
               "GDAL_DATA", "GDAL_DRIVER_PATH", "PROJ_LIB", "PROJ_DATA", "GDAL_PLUGINS")
ENGINE_ENV_FILES = PLUGIN_DIR / "engine_env"


# ----------------------------------------------------------------- settings
def engine_python() -> str:
    """The engine interpreter from the environment or the settings; '' if none is set."""
    return (os.environ.get(ENV_ENGINE_PYTHON) or QgsSettings().value(KEY_ENGINE_PYTHON, "", type=str) or "").strip()


def set_engine_python(path: str | os.PathLike | None) -> None:
    """Store the engine interpreter (None or '' removes it)."""
    settings = QgsSettings()
    if path:
        settings.setValue(KEY_ENGINE_PYTHON, str(path))
    else:
        settings.remove(KEY_ENGINE_PYTHON)


def engine_mode() -> str:
    """``auto``, ``worker`` or ``in_process`` (unknown values count as ``auto``)."""
    mode = (os.environ.get(ENV_ENGINE_MODE) or QgsSettings().value(KEY_ENGINE_MODE, "auto", type=str) or "auto")
    return mode if mode in MODES else "auto"


def set_engine_mode(mode: str) -> None:
    """Store the engine mode (``auto``, ``worker`` or ``in_process``)."""
    if mode not in MODES:
        raise ValueError(f"engine mode {mode!r}: use one of {', '.join(MODES)}")
    QgsSettings().setValue(KEY_ENGINE_MODE, mode)


def csv_format() -> str:
    """``excel_de`` (a German-Excel copy of every table, ``core/data/excel_csv.py``) or ``standard``: the setting
    ``wip/csv_format``, by default ``excel_de`` where QGIS speaks German."""
    value = (QgsSettings().value(KEY_CSV_FORMAT, "", type=str) or "").strip()
    if value in ("excel_de", "standard"):
        return value
    return "excel_de" if ui_language() == "de" else "standard"


def with_csv_format(job: Job) -> Job:
    """``job`` with the CSV format of the settings where it names none."""
    return job if job.csv_format else dataclasses.replace(job, csv_format=csv_format())


# ----------------------------------------------------------------- the worker process
def worker_environment(python: str, extra_path: Sequence[str] = ()) -> dict:
    """Environment of the worker: this plugin on the path, none of QGIS's Python variables.

    An interpreter of the QGIS installation itself (e.g. OSGeo4W's python.exe) keeps GDAL_DATA
    and PROJ_LIB, which it needs; any other (a venv with wheels) gets them removed, since the
    wheels bring their own data of other versions.
    """
    env = dict(os.environ)
    python_path = Path(python).absolute()  # not resolve(): a venv's python links to its base
    same_install = any(str(python_path).startswith(str(Path(p).resolve()))
                       for p in {sys.prefix, sys.base_prefix} if p and len(Path(p).resolve().parts) > 2)
    for name in FOREIGN_ENV:
        if not same_install or name.startswith("PYTHON"):
            env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([str(PLUGIN_DIR.parent), *map(str, extra_path)]))
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _popen_options() -> dict:
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)
                | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}  # its own process group: a kill reaches forked tile workers too


def _kill(proc: subprocess.Popen) -> None:
    """Kill the worker and every process it started."""
    if proc.poll() is not None:
        return
    if os.name != "nt":
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    else:
        proc.kill()


def _close(proc: subprocess.Popen) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        try:
            if stream is not None:
                stream.close()
        except (OSError, ValueError):
            pass


def _reader(stream, tag: str, sink: queue.Queue) -> None:
    try:
        for line in stream:
            sink.put((tag, line.rstrip("\r\n")))
    except (OSError, ValueError):
        pass
    finally:
        sink.put((tag, None))


@dataclass
class WorkerRun:
    """A running worker: the process, its job and the queue its output arrives in."""

    proc: subprocess.Popen
    job: Job
    job_file: Path
    lines: queue.Queue


def start_worker(job: Job, python: str, folder: Path | None = None, extra_path: Sequence[str] = ()) -> WorkerRun:
    """Write the job file and start ``python -m wip_qgis_plugin.cli worker`` on it.

    The worker starts in this process's working folder, so relative layer paths (as qgis_process
    users type them) mean the same files. ``extra_path``: folders put on the worker's ``PYTHONPATH`` after the
    plugin's (the planning panel gives QGIS's own ``sys.path`` when the engine's packages are QGIS's).
    """
    folder = Path(folder or QgsProcessingUtils.tempFolder())
    folder.mkdir(parents=True, exist_ok=True)
    job_file = job.write(folder / f"wip_job_{uuid.uuid4().hex[:12]}.json")
    command = [python, "-m", "wip_qgis_plugin.cli", "worker", "--control-stdin", str(job_file)]
    try:
        proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=worker_environment(python, extra_path), cwd=os.getcwd(), text=True, encoding="utf-8",
                                errors="replace", bufsize=1, **_popen_options())
    except OSError as exc:
        job_file.unlink(missing_ok=True)
        raise WorkerFailed(tr("The engine Python “{python}” cannot be started: {error}. Check the setting "
                              "Plugins → WIP Energy & Spatial Planning → Engine Python.").format(
                                  python=python, error=exc)) from exc
    lines: queue.Queue = queue.Queue()
    for stream, tag in ((proc.stdout, "out"), (proc.stderr, "err")):
        threading.Thread(target=_reader, args=(stream, tag, lines), daemon=True, name=f"wip-worker-{tag}").start()
    return WorkerRun(proc, job, job_file, lines)


def cancel_worker(run: WorkerRun, grace_s: float | None = None) -> None:
    """Ask the worker to stop, kill it after ``grace_s`` and remove what it left half-written.

    ``grace_s`` defaults to :data:`CANCEL_GRACE_S`.
    """
    grace_s = CANCEL_GRACE_S if grace_s is None else grace_s
    try:
        run.proc.stdin.write("cancel\n")
        run.proc.stdin.flush()
        run.proc.stdin.close()
    except (OSError, ValueError):
        pass
    try:
        run.proc.wait(timeout=max(grace_s, 0.0))
    except subprocess.TimeoutExpired:
        pass
    _kill(run.proc)
    run.proc.wait()
    remove_partial_files(job_outputs(run.job))


def run_in_worker(job: Job, progress, python: str | None = None, grace_s: float | None = None,
                  folder: Path | None = None, extra_path: Sequence[str] = ()) -> dict:
    """Run a job in the engine Python; messages go to ``progress`` (the engine's Progress protocol).

    Returns the job's JSON result. Raises what the engine raised (:class:`JobError`,
    :class:`Cancelled`, :class:`WipError`), or :class:`WorkerFailed` if the worker died without a
    word. ``progress.is_cancelled()`` is polled every 50 ms; the worker is then stopped within
    ``grace_s`` plus the time a kill takes.
    """
    python = python or engine_python()
    if not python:
        raise WorkerFailed(tr("No engine Python is set."))
    if progress.is_cancelled():
        raise Cancelled()
    run = start_worker(with_csv_format(job), python, folder, extra_path)
    result = error = None
    stderr_tail: deque = deque(maxlen=40)
    open_streams = {"out", "err"}
    try:
        while open_streams:
            if progress.is_cancelled():
                cancel_worker(run, grace_s)
                raise Cancelled()
            try:
                tag, line = run.lines.get(timeout=0.05)
            except queue.Empty:
                continue
            if line is None:
                open_streams.discard(tag)
                continue
            if tag == "err":
                stderr_tail.append(line)
                continue
            try:
                message = decode_message(line)
            except ProtocolError:
                stderr_tail.append(line)  # a stray print of a library: not ours, keep for a crash report
                continue
            kind = message["type"]
            if kind == "hello" and message.get("protocol") != PROTOCOL_VERSION:
                cancel_worker(run, 0.0)
                raise WorkerFailed(tr("The engine Python runs another version of the plugin's engine "
                                      "(protocol {theirs}, needed {ours}).").format(
                                          theirs=message.get("protocol"), ours=PROTOCOL_VERSION))
            elif kind == "progress":
                progress.report(float(message["fraction"]), from_wire(message) if message.get("message") else None)
            elif kind == "info":
                progress.info(from_wire(message))
            elif kind == "warning":
                progress.warning(from_wire(message))
            elif kind == "result":
                result = message["result"]
            elif kind == "error":
                error = message
        code = run.proc.wait()
    finally:
        if run.proc.poll() is None:
            _kill(run.proc)
            run.proc.wait()
        _close(run.proc)
        run.job_file.unlink(missing_ok=True)
    if error is not None:
        remove_partial_files(job_outputs(job))
        raise exception_from(error)
    if result is None:
        remove_partial_files(job_outputs(job))
        raise WorkerFailed(tr("The engine Python “{python}” ended without a result (exit code {code}):\n"
                              "{output}").format(python=python, code=code, output="\n".join(stderr_tail)))
    return result


# ----------------------------------------------------------------- probing an interpreter
@dataclass(frozen=True)
class EngineStatus:
    """What an engine interpreter reports: usable or not, and why."""

    python: str
    ok: bool
    problems: tuple[str, ...] = ()
    error: str = ""
    version: str = ""


@lru_cache(maxsize=8)
def _probe(python: str, stamp: float) -> EngineStatus:
    import json

    try:
        proc = subprocess.run([python, "-m", "wip_qgis_plugin.cli", "worker", "--check"], capture_output=True,
                              text=True, encoding="utf-8", errors="replace", timeout=120,
                              env=worker_environment(python), stdin=subprocess.DEVNULL,
                              **({"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)} if os.name == "nt"
                                 else {}))
    except (OSError, subprocess.SubprocessError) as exc:
        return EngineStatus(python, False, error=str(exc))
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        return EngineStatus(python, False, error=(proc.stderr.strip().splitlines() or ["no answer"])[-1])
    if report.get("protocol") != PROTOCOL_VERSION:
        return EngineStatus(python, False, error=f"protocol {report.get('protocol')} (needed {PROTOCOL_VERSION})")
    problems = tuple(report.get("problems") or ())
    return EngineStatus(python, not problems, problems, version=str(report.get("version", "")))


def probe_engine(python: str) -> EngineStatus:
    """Ask an interpreter whether it has the engine's packages (``wip worker --check``).

    Results are cached until the interpreter file changes; a failed probe is repeated next time.
    """
    path = Path(python)
    if not path.is_file():
        found = shutil.which(python)
        if not found:
            return EngineStatus(python, False, error=tr("no such file"))
        path = Path(found)
    status = _probe(str(path), path.stat().st_mtime)
    if not status.ok:
        _probe.cache_clear()
    return status


# ----------------------------------------------------------------- creating an engine environment
def default_environment_dir() -> Path:
    """Where "Create engine environment" puts the venv: ``<QGIS profile>/wip_engine``."""
    return Path(QgsApplication.qgisSettingsDirPath()) / "wip_engine"


def venv_python(env_dir: Path) -> Path:
    """The interpreter inside a venv."""
    return Path(env_dir) / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def base_python() -> str:
    """A plain Python interpreter to create the venv with (QGIS's ``sys.executable`` may be QGIS itself)."""
    candidates = [getattr(sys, "_base_executable", ""), sys.executable]
    for prefix in dict.fromkeys([sys.base_exec_prefix, sys.exec_prefix]):
        candidates += [str(Path(prefix) / "python.exe"), str(Path(prefix) / "bin" / "python3"),
                       str(Path(prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}")]
    candidates += [shutil.which(f"python{sys.version_info[0]}.{sys.version_info[1]}") or "",
                   shutil.which("python3") or "", shutil.which("python") or ""]
    for candidate in dict.fromkeys(c for c in candidates if c):
        path = Path(candidate)
        if path.is_file() and path.name.lower().startswith("python"):
            return str(path)
    raise WorkerFailed(tr("No Python interpreter found to create the engine environment with. Install Python 3 "
                          "and set its path as the engine Python."))


def _stream(command: list[str], progress, start: float, stop: float, cwd: Path) -> None:
    """Run a command, passing its output lines to ``progress`` as info; raise with its tail on failure."""
    progress.info("$ " + " ".join(command))
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, encoding="utf-8", errors="replace", cwd=str(cwd),
                            env={k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}, **_popen_options())
    tail: deque = deque(maxlen=30)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, "out", lines), daemon=True).start()
    fraction = start
    while True:
        if progress.is_cancelled():
            _kill(proc)
            proc.wait()
            _close(proc)
            raise Cancelled(tr("Creating the engine environment was cancelled."))
        try:
            _, line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        if line is None:
            break
        if line.strip():
            tail.append(line)
            progress.info(line)
            fraction = min(stop, fraction + (stop - fraction) * 0.05)
            progress.report(fraction, line[:80])
    code = proc.wait()
    _close(proc)
    if code != 0:
        raise WorkerFailed(tr("“{command}” failed (exit code {code}):\n{output}").format(
            command=" ".join(command[:4]) + " …", code=code, output="\n".join(tail)))


def create_engine_environment(target: Path | None = None, python: str | None = None, progress=None,
                              requirements: Path | None = None, constraints: Path | None = None,
                              pip_options: tuple[str, ...] = (), store: bool = True) -> Path:
    """Create a venv with the engine's pinned packages and make it the engine Python.

    ``python -m venv TARGET``, then ``TARGET/python -m pip install -c constraints.txt -r
    requirements.txt`` (``engine_env/`` of the plugin). QGIS's own Python is not changed: the
    packages go into the venv only. ``progress`` receives the steps and pip's output (the
    engine's Progress protocol; a QgsProcessingFeedback wrapped in FeedbackProgress, or a task's).

    Returns the venv's interpreter; with ``store`` it is saved as ``wip/engine_python``.
    """
    from .core.progress import NullProgress

    progress = progress or NullProgress()
    target = Path(target or default_environment_dir())
    requirements = Path(requirements or ENGINE_ENV_FILES / "requirements.txt")
    constraints = Path(constraints or ENGINE_ENV_FILES / "constraints.txt")
    base = python or base_python()
    started = time.monotonic()
    progress.report(0.0, tr("Creating the engine environment in {folder}").format(folder=target))
    if not venv_python(target).is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        _stream([base, "-m", "venv", str(target)], progress, 0.0, 0.2, target.parent)
    interpreter = venv_python(target)
    if not interpreter.is_file():
        raise WorkerFailed(tr("“{python} -m venv” made no interpreter at {path}. On Debian and Ubuntu install "
                              "python3-venv.").format(python=base, path=interpreter))
    progress.report(0.2, tr("Installing the engine's packages (pinned versions)"))
    _stream([str(interpreter), "-m", "pip", "install", "--disable-pip-version-check", *pip_options,
             "-c", str(constraints), "-r", str(requirements)], progress, 0.2, 0.9, target)
    nodeps = requirements.with_name("requirements-nodeps.txt")
    if nodeps.is_file():  # packages whose metadata over-asks (demandlib wants numpy>=2), see the file
        _stream([str(interpreter), "-m", "pip", "install", "--disable-pip-version-check", *pip_options,
                 "--no-deps", "-r", str(nodeps)], progress, 0.9, 0.95, target)
    if store:
        set_engine_python(str(interpreter))
    _probe.cache_clear()
    progress.report(1.0, tr("Engine environment ready ({seconds:.0f} s): {python}").format(
        seconds=time.monotonic() - started, python=interpreter))
    return interpreter
