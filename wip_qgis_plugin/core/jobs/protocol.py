"""The JSON job and progress protocol between the QGIS plugin and an engine in another Python.

When the Python of QGIS lacks the engine's packages, the plugin runs the engine in a separate
interpreter (``wip worker JOB.json``). This module is both ends' shared contract and imports
only the standard library, so the plugin can use it where numpy and geopandas are missing.

A *job* is a JSON file::

    {"protocol": 1, "job": "eligibility", "single_process": false,
     "arguments": {"catalogue": {"source": "wind_sachsen_anhalt"},
                   "layers": {"buildings": {"path": "/data/region.gpkg", "layer": "buildings"}},
                   "aoi": {"layer": {"path": "/data/region.gpkg", "layer": "municipalities"}},
                   "outputs": {"eligibility": "/out/elig.tif"},
                   "settings": {"resolution_m": 50.0, "kinds": ["hard", "soft"]}}}

The worker answers on stdout with one JSON object per line, each with a ``type``:

=========== ==================================================================
``hello``   ``protocol``, ``pid``, ``python``, ``version``: the worker started
``progress````fraction`` in [0, 1], ``message`` (str or null)
``info``    ``message``
``warning`` ``message``
``result``  ``job``, ``result``: the entry point's JSON result; the last line
``error``   ``error`` (exception class), ``message``, ``code``, ``details``;
            the last line
=========== ==================================================================

The caller cancels by writing ``cancel`` to the worker's stdin (closing stdin does the same);
the engine stops at its next check and removes its temporary files. A caller that cannot wait
kills the worker and removes what :func:`partial_files` names.

The jobs are listed in :data:`ENTRY_POINTS` by name: the engine function each calls, the
files it writes and its *adapter* in :mod:`.adapters`, which decodes the arguments into the
engine's dataclasses (:func:`decode_dataclass`, which reads the field annotations), calls the
engine and encodes the result as JSON. :func:`run_job` runs a job in this process; the CLI, the
scenario runner and the plugin (when the engine imports in QGIS) use it too, so every path shares
every line between the arguments and the engine.

This module imports only the standard library (a test checks it): the adapters, which import the
engine, are loaded by :func:`run_job` on first use, by module name.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.metadata
import importlib.util
import json
import os
import re
import sys
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from .. import __version__
from ..errors import Cancelled, InternalError, WipError, internal_error, user_error
from .paths import (
    arguments_of,
    check_outputs_are_not_inputs,
    eligibility_outputs,
    outputs_of,
    profile_outputs,
    remove_stale_parts,
)
from ..data.excel_csv import CSV_FORMATS, csv_paths, excel_copies
from ..messages import to_wire
from ..plain import to_plain
from ..progress import NullProgress

#: Version of the job and message format; a worker refuses jobs of another version.
PROTOCOL_VERSION = 1

#: Message types a worker writes, with the fields each must have.
MESSAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "hello": ("protocol",),
    "progress": ("fraction",),
    "info": ("message",),
    "warning": ("message",),
    "result": ("result",),
    "error": ("message",),
}

#: Python modules the engine imports, with the pip requirement that provides each
#: (a minimum version where older releases lack what the engine uses).
ENGINE_DEPENDENCIES: dict[str, str] = {
    "numpy": "numpy>=1.22", "shapely": "shapely>=2", "geopandas": "geopandas", "pyogrio": "pyogrio",
    "rasterio": "rasterio", "pyproj": "pyproj>=3.5", "scipy": "scipy", "yaml": "pyyaml", "edt": "edt",
    "networkx": "networkx", "pandas": "pandas", "pvlib": "pvlib", "windpowerlib": "windpowerlib",
    "demandlib": "demandlib",
}

#: Requirements installed with ``pip --no-deps`` (requirements-nodeps.txt: their metadata over-asks).
NO_DEPS_REQUIREMENTS: frozenset[str] = frozenset({"demandlib"})


class ProtocolError(WipError):
    """A job file or a message line does not follow the protocol."""


class JobError(WipError):
    """An entry point refused a job before running the engine.

    Parameters
    ----------
    code : str
        Stable reason, e.g. ``missing_roles``; the plugin words a translated message from it.
    message : str
        English message for other callers.
    details : mapping
        JSON data the message is built from (e.g. the missing roles).
    """

    def __init__(self, code: str, message: str, details: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.details = dict(details or {})


class WorkerFailed(WipError):
    """The worker process ended without a result or an error message (a crash)."""


# ----------------------------------------------------------------- dependencies
def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text.split("+")[0])[:3])


def release_number(version: str) -> tuple[int, ...] | None:
    """The release number of an installed version (``2.0.6`` → (2, 0, 6)), or None if it has none.

    A package built without its version reports a placeholder such as ``0+unknown`` (Debian sid's
    python3-shapely 2.2.0-1), ``0`` or ``0.0.0``: no release is all zeros, so these say only that the
    version cannot be told.
    """
    numbers = _version_tuple(version)
    return numbers if any(numbers) else None


def dependency_problems(dependencies: Mapping[str, str] | None = None) -> list[str]:
    """Pip requirements of the engine that are missing or too old in this Python.

    Looks the packages up without importing them (cheap enough for every QGIS start). A
    requirement ``name>=x`` is reported when the installed version is older than ``x``; a package
    whose version cannot be told (no metadata, or a version without a release number such as
    ``0+unknown``) is taken as it is.
    """
    problems = []
    for module, requirement in (ENGINE_DEPENDENCIES if dependencies is None else dependencies).items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken or blocked package counts as missing
            found = False
        if not found:
            problems.append(requirement)
            continue
        name, _, minimum = requirement.partition(">=")
        if minimum:
            try:
                installed = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:  # e.g. a source checkout: cannot tell
                continue
            release = release_number(installed)
            if release is not None and release < _version_tuple(minimum):
                problems.append(requirement)
    return problems


def check_report() -> dict[str, Any]:
    """What ``wip worker --check`` prints: this Python, the plugin version and missing packages."""
    return {"type": "check", "protocol": PROTOCOL_VERSION, "python": sys.version.split()[0],
            "executable": sys.executable, "version": __version__, "problems": dependency_problems()}


# ----------------------------------------------------------------- jobs
@dataclasses.dataclass(frozen=True)
class Job:
    """One engine call: the entry point's name and its JSON arguments.

    Attributes
    ----------
    name : str
        Key of :data:`ENTRY_POINTS`, e.g. ``eligibility``.
    arguments : mapping
        JSON-able arguments (layer paths, catalogue, settings, output paths).
    single_process : bool
        Compute tiles in this process (no forked tile workers), e.g. in a QGIS worker thread.
    protocol : int
        :data:`PROTOCOL_VERSION` of the writer.
    csv_format : str or None
        ``excel_de``: a German-Excel copy of every CSV the job writes (:mod:`..data.excel_csv`); ``standard``:
        none; None: the environment variable ``WIP_CSV_FORMAT``, else ``standard``.
    """

    name: str
    arguments: Mapping[str, Any]
    single_process: bool = False
    protocol: int = PROTOCOL_VERSION
    csv_format: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The job as JSON data."""
        return {"protocol": self.protocol, "job": self.name, "single_process": self.single_process,
                "csv_format": self.csv_format, "arguments": to_jsonable(dict(self.arguments))}

    @classmethod
    def from_dict(cls, data: Any) -> Job:
        """Read a job, refusing other protocol versions, unknown jobs and malformed data."""
        if not isinstance(data, Mapping):
            raise ProtocolError("A job must be a JSON object.")
        if data.get("protocol") != PROTOCOL_VERSION:
            raise ProtocolError(f"The job has protocol version {data.get('protocol')!r}; this engine reads "
                                f"version {PROTOCOL_VERSION}. Use the engine of the same plugin version.")
        name = data.get("job")
        if name not in ENTRY_POINTS:
            raise ProtocolError(f"Unknown job {name!r}; known: {', '.join(sorted(ENTRY_POINTS))}.")
        arguments = data.get("arguments")
        if not isinstance(arguments, Mapping):
            raise ProtocolError("The job's arguments must be a JSON object.")
        unknown = sorted(set(data) - {"protocol", "job", "single_process", "arguments", "csv_format"})
        if unknown:
            raise ProtocolError(f"The job has unknown keys: {', '.join(unknown)}.")
        csv_format = data.get("csv_format")
        if csv_format not in (None, *CSV_FORMATS):
            raise ProtocolError(f"The job's csv_format {csv_format!r} is none of {', '.join(CSV_FORMATS)}.")
        return cls(name, dict(arguments), bool(data.get("single_process", False)), PROTOCOL_VERSION, csv_format)

    def write(self, path: Path) -> Path:
        """Write the job as JSON (UTF-8), atomically."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
        os.replace(tmp, path)
        return path

    @classmethod
    def read(cls, path: Path) -> Job:
        """Read a job file written by :meth:`write`."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ProtocolError(f"Cannot read the job file {str(path)!r}: {exc}") from exc
        return cls.from_dict(data)


def _refuse(value: Any) -> Any:
    raise ProtocolError(f"Cannot send a {type(value).__name__} to the engine: {value!r}")


def to_jsonable(value: Any) -> Any:
    """JSON data of a value (:func:`.plain.to_plain`: NaN as null), refusing what JSON cannot hold."""
    return to_plain(value, _refuse)


# ----------------------------------------------------------------- dataclass codec
def _split_top(text: str, sep: str) -> list[str]:
    """Split an annotation string at ``sep`` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "["
        depth -= ch == "]"
        if ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return parts


def _decode(annotation: str, value: Any, namespace: Mapping[str, Any], where: str) -> Any:
    """Convert JSON ``value`` to the type an annotation string names (as written in the engine)."""
    options = _split_top(annotation, "|")
    if value is None:
        if "None" in options or annotation.startswith("Optional[") or "Any" in options:
            return None
        raise ProtocolError(f"{where}: a value is required.")
    for option in (o for o in options if o != "None"):
        if option.startswith("Optional["):
            return _decode(option[9:-1], value, namespace, where)
        head, _, inner = option.partition("[")
        inner = inner[:-1] if inner else ""
        if head in ("tuple", "list", "Sequence") and isinstance(value, (list, tuple)):
            items = _split_top(inner, ",") if inner else ["Any"]
            item_type = items[0] if len(items) == 1 or items[-1] == "..." else None
            if item_type is None:
                decoded = [_decode(t, v, namespace, f"{where}[{i}]") for i, (t, v) in enumerate(zip(items, value))]
            else:
                decoded = [_decode(item_type, v, namespace, f"{where}[{i}]") for i, v in enumerate(value)]
            return tuple(decoded) if head == "tuple" else decoded
        if head in ("dict", "Mapping") and isinstance(value, Mapping):
            value_type = _split_top(inner, ",")[-1] if inner else "Any"
            return {k: _decode(value_type, v, namespace, f"{where}.{k}") for k, v in value.items()}
        if head == "Path" and isinstance(value, str):
            return Path(value)
        if head in ("float",) and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if head == "int" and isinstance(value, int) and not isinstance(value, bool):
            return value
        if head == "bool" and isinstance(value, bool):
            return value
        if head == "str" and isinstance(value, str):
            return value
        if head in ("dt.date", "date", "datetime.date") and isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ProtocolError(f"{where}: {value!r} is not a date (YYYY-MM-DD).") from exc
        if head == "Any":
            return value
        cls = namespace.get(head)
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and isinstance(value, Mapping):
            return decode_dataclass(cls, value, where)
    raise ProtocolError(f"{where}: {value!r} is not a {annotation}.")


def decode_dataclass(cls: type, data: Mapping[str, Any], where: str = "") -> Any:
    """Build a (frozen) engine dataclass from JSON data, field by field from its annotations.

    Missing fields take their defaults; unknown fields are refused, so a caller writing an older
    or newer field name learns it at once.
    """
    where = where or cls.__name__
    if not isinstance(data, Mapping):
        raise ProtocolError(f"{where}: expected an object with the fields of {cls.__name__}, got {data!r}.")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ProtocolError(f"{where}: {cls.__name__} has no field {', '.join(unknown)}; "
                            f"it has: {', '.join(fields)}.")
    namespace = vars(sys.modules[cls.__module__])
    kwargs = {}
    for name, value in data.items():
        annotation = fields[name].type
        annotation = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "Any")
        kwargs[name] = _decode(annotation, value, namespace, f"{where}.{name}")
    return cls(**kwargs)


def encode_dataclass(obj: Any) -> dict[str, Any]:
    """JSON data of an engine dataclass (the inverse of :func:`decode_dataclass`)."""
    if not (dataclasses.is_dataclass(obj) and not isinstance(obj, type)):
        raise ProtocolError(f"Not a dataclass: {obj!r}")
    return to_jsonable(obj)


# ----------------------------------------------------------------- messages
def encode_message(kind: str, **fields: Any) -> str:
    """One protocol line (without the newline)."""
    if kind not in MESSAGE_FIELDS:
        raise ProtocolError(f"Unknown message type {kind!r}.")
    return json.dumps({"type": kind, **to_jsonable(fields)}, ensure_ascii=False, allow_nan=False)


def decode_message(line: str) -> dict[str, Any]:
    """Parse one protocol line; raises :class:`ProtocolError` for anything else."""
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise ProtocolError(f"Not a protocol line: {line[:200]!r}") from exc
    if not isinstance(data, dict) or data.get("type") not in MESSAGE_FIELDS:
        raise ProtocolError(f"Not a protocol message: {line[:200]!r}")
    missing = [f for f in MESSAGE_FIELDS[data["type"]] if f not in data]
    if missing:
        raise ProtocolError(f"A {data['type']} message lacks {', '.join(missing)}: {line[:200]!r}")
    return data


def error_fields(exc: BaseException) -> dict[str, Any]:
    """The fields of the ``error`` message describing ``exc``."""
    fields: dict[str, Any] = {"error": type(exc).__name__, "message": str(exc), "code": None, "details": {}}
    if isinstance(exc, JobError):
        fields.update(code=exc.code, details=exc.details)
    elif isinstance(exc, Cancelled):
        fields["code"] = "cancelled"
    elif isinstance(exc, InternalError):
        fields.update(code="internal", details={"traceback": exc.details})
    elif not isinstance(exc, WipError):
        fields.update(code="internal", details={"traceback": traceback.format_exc(limit=20)})
    return fields


def exception_from(message: Mapping[str, Any]) -> WipError:
    """The exception an ``error`` message stands for, raised again on the caller's side."""
    text = str(message.get("message", ""))
    code = message.get("code")
    if code == "cancelled":
        return Cancelled(text) if text else Cancelled()
    if code == "internal":  # the traceback travels for the log, never into the message
        tb = (message.get("details") or {}).get("traceback", "")
        if message.get("error") == "InternalError":
            return InternalError(text, tb)
        return InternalError(f"Internal error in the engine Python ({message.get('error', 'Error')}: {text}). "
                             "This is a defect of the plugin: please report it with the log.", tb)
    if code:
        return JobError(str(code), text, message.get("details") or {})
    return WipError(text)


class MessageWriter:
    """Writes protocol lines to a stream, one whole line at a time (thread-safe)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream
        self._lock = threading.Lock()

    def send(self, kind: str, **fields: Any) -> None:
        """Write one message of type ``kind`` and flush."""
        line = encode_message(kind, **fields)
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


class WorkerProgress:
    """The engine's Progress protocol, sent as messages; cancelled when ``cancel`` is set.

    Progress lines are thinned to one per half percent or new step message (at least every
    0.2 s), so a fine-grained loop does not flood the pipe.
    """

    def __init__(self, writer: MessageWriter, cancel: threading.Event):
        self._writer = writer
        self._cancel = cancel
        self._last = (-1.0, None, 0.0)

    def report(self, fraction: float, message: str | None = None) -> None:  # noqa: D102
        fraction = min(max(float(fraction), 0.0), 1.0)
        last_fraction, last_message, last_time = self._last
        now = time.monotonic()
        if (message is not None and message != last_message) or fraction - last_fraction >= 0.005 \
                or fraction >= 1.0 or now - last_time >= 0.2:
            self._last = (fraction, message if message is not None else last_message, now)
            self._writer.send("progress", fraction=fraction, **(to_wire(message) if message is not None else
                                                                {"message": None}))

    def info(self, message: str) -> None:  # noqa: D102
        self._writer.send("info", **to_wire(message))

    def warning(self, message: str) -> None:  # noqa: D102
        self._writer.send("warning", **to_wire(message))

    def is_cancelled(self) -> bool:  # noqa: D102
        return self._cancel.is_set()


def watch_for_cancel(control: IO[str] | int, cancel: threading.Event) -> threading.Thread:
    """Set ``cancel`` on a ``cancel`` line or the end of ``control`` (the caller went away).

    ``control`` is a text stream or a file descriptor. The worker passes a descriptor read with
    ``os.read``: a thread blocked in a buffered ``sys.stdin`` holds its lock, and a process forked
    meanwhile (the engine's tile workers) deadlocks when multiprocessing closes its stdin.
    """
    def lines():
        if isinstance(control, int):
            pending = b""
            while True:
                chunk = os.read(control, 1024)
                if not chunk:
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    yield line.decode("utf-8", "replace")
        else:
            yield from control

    def watch() -> None:
        try:
            for line in lines():
                if line.strip() == "cancel":
                    break
        except (OSError, ValueError):
            pass
        cancel.set()

    thread = threading.Thread(target=watch, name="wip-cancel-watch", daemon=True)
    thread.start()
    return thread


def serve(job_path: Path, out: IO[str], control: IO[str] | int | None = None,
          cancel: threading.Event | None = None) -> int:
    """Run a job file, writing protocol lines to ``out``; the worker's main function.

    Parameters
    ----------
    job_path : Path
        The job file.
    out : text stream
        Where the protocol lines go (the worker's real stdout).
    control : text stream or file descriptor, optional
        Read for ``cancel`` lines (the worker's stdin); its end also cancels.
    cancel : threading.Event, optional
        Set to cancel from elsewhere (e.g. a signal handler).

    Returns
    -------
    int
        Exit code: 0 result sent, 1 error sent, 130 cancelled.
    """
    writer = MessageWriter(out)
    cancel = cancel or threading.Event()
    writer.send("hello", protocol=PROTOCOL_VERSION, pid=os.getpid(), python=sys.version.split()[0],
                version=__version__)
    if control is not None:
        watch_for_cancel(control, cancel)
    try:
        job = Job.read(job_path)
        result = run_job(job, WorkerProgress(writer, cancel))
    except BaseException as exc:  # noqa: BLE001 - every failure must reach the caller as a message
        writer.send("error", **error_fields(exc))
        return 130 if isinstance(exc, (Cancelled, KeyboardInterrupt)) else 1
    writer.send("result", job=job.name, result=result)
    return 0


# ----------------------------------------------------------------- the jobs
#: Module of the adapters (``<job>_job`` functions), imported by :func:`run_job` on first use so that
#: this module needs only the standard library.
ADAPTERS_MODULE = "wip_qgis_plugin.core.jobs.adapters"


@dataclasses.dataclass(frozen=True)
class EntryPoint:
    """An engine function the worker runs for a job.

    Attributes
    ----------
    name : str
        The job name.
    function : str
        The engine function, ``module:name`` (for documentation and ``wip worker --list``).
    outputs : callable
        ``outputs(arguments) -> list of str``: every file the job writes (for cleaning up after
        a killed worker; standard library only, the plugin calls it where the engine is missing).
    adapter : str
        ``module:name`` of ``run(arguments, single_process, progress) -> dict`` in :mod:`.adapters`,
        which decodes the arguments, calls the function and returns its result as JSON data.
    """

    name: str
    function: str
    outputs: Callable[[Mapping[str, Any]], list[str]]
    adapter: str = ""

    def __post_init__(self) -> None:
        if not self.adapter:
            object.__setattr__(self, "adapter", f"{ADAPTERS_MODULE}:{self.name}_job")


#: What a batch writes into its folder besides the municipalities' folders (:mod:`.batch`'s OVERVIEW_NAME,
#: OVERVIEW_MAP_NAME, MANIFEST_NAME; this module needs only the standard library).
BATCH_FILES = ("batch_overview.csv", "batch_overview.gpkg", "wip_batch.json")


def batch_outputs(arguments: Mapping[str, Any]) -> list[str]:
    """The files of a ``batch`` job's folder (the municipalities' folders are the batch's own to clean)."""
    return [os.path.join(str(arguments["out_dir"]), name) for name in BATCH_FILES] if arguments.get("out_dir") else []


#: The jobs by name.
ENTRY_POINTS: dict[str, EntryPoint] = {e.name: e for e in (
    EntryPoint("eligibility", "wip_qgis_plugin.core.eligibility.engine:run_eligibility", eligibility_outputs),
    EntryPoint("check_data", "wip_qgis_plugin.core.eligibility.check:run_data_check", outputs_of("table")),
    EntryPoint("setback_sweep", "wip_qgis_plugin.core.eligibility.sweep:run_setback_sweep",
               arguments_of("table", "chart")),
    EntryPoint("suitability", "wip_qgis_plugin.core.suitability.engine:run_suitability",
               outputs_of("suitability", "sites", "sites_table", "stability")),
    EntryPoint("windbg", "wip_qgis_plugin.core.eligibility.windbg:windbg_accounting", arguments_of("table")),
    EntryPoint("plan_areas", "wip_qgis_plugin.core.eligibility.plan_areas:plan_area_accounting",
               outputs_of("table", "criteria_table")),
    EntryPoint("grid_topology", "wip_qgis_plugin.core.grid.topology:check_grid_topology",
               arguments_of("report", "cleaned_lines")),
    EntryPoint("grid_connection", "wip_qgis_plugin.core.grid.connection:run_grid_connection",
               outputs_of("connections", "sites", "site_table", "substations", "topology_report")),
    EntryPoint("wind_yield", "wip_qgis_plugin.core.wind.energy:run_wind_yield",
               outputs_of("energy", "full_load_hours", "wind_speed", "table")),
    EntryPoint("turbine_layout", "wip_qgis_plugin.core.wind.layout:run_turbine_layout",
               outputs_of("turbines", "sites_table", "municipalities_table", "sites")),
    EntryPoint("immission", "wip_qgis_plugin.core.wind.immission:run_immission",
               outputs_of("receptors", "turbines", "noise_raster", "contours", "shadow_raster")),
    EntryPoint("repowering", "wip_qgis_plugin.core.wind.repowering:run_repowering",
               outputs_of("old_turbines", "table", "turbines")),
    EntryPoint("profile", "wip_qgis_plugin.core.profile.engine:run_profile", profile_outputs),
    EntryPoint("solar_potential", "wip_qgis_plugin.core.solar.ground:run_solar_potential",
               outputs_of("specific_yield", "capacity_density", "energy_density", "sites", "sites_table",
                           "municipalities_table")),
    EntryPoint("rooftop_solar", "wip_qgis_plugin.core.solar.rooftop:run_rooftop_solar",
               outputs_of("buildings", "buildings_table", "municipalities_table")),
    EntryPoint("floating_pv", "wip_qgis_plugin.core.solar.floating:run_floating", outputs_of("fields", "table")),
    EntryPoint("osm_plan", "wip_qgis_plugin.core.jobs.osm_download:plan_osm_download", arguments_of()),
    EntryPoint("osm_convert", "wip_qgis_plugin.core.jobs.osm_download:convert_osm", outputs_of("geopackage")),
    EntryPoint("batch", "wip_qgis_plugin.core.jobs.batch:run_batch", batch_outputs),
)}


def entry_point_names() -> list[str]:
    """Names of the registered jobs, sorted."""
    return sorted(ENTRY_POINTS)


def resolve(reference: str) -> Callable[..., Any]:
    """The function a ``module:name`` reference names, imported (for the adapters and the tests)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def resolve_function(entry: EntryPoint) -> Callable[..., Any]:
    """Import the engine function an entry point names (checks the registry in tests)."""
    return resolve(entry.function)


def run_job(job: Job, progress: Any = None) -> dict[str, Any]:
    """Run a job in this process and return its JSON result (the worker, CLI and plugin call this).

    The adapter is imported here, by name, on the first job: the engine's packages are needed
    only to run a job, not to write or read one. The process's warning filters are as before when
    it returns: in QGIS's Python a library's process-wide change (demandlib 0.2.2 sets
    ``simplefilter('error')``) would make every later warning raise, GDAL's too (pyogrio turns them
    into Python warnings), even inside QGIS's own calls.
    """
    with warnings.catch_warnings():
        return _run_job(job, progress)


def _run_job(job: Job, progress: Any) -> dict[str, Any]:
    if job.name not in ENTRY_POINTS:
        raise ProtocolError(f"Unknown job {job.name!r}; known: {', '.join(sorted(ENTRY_POINTS))}.")
    arguments = to_jsonable(dict(job.arguments))  # what a worker reads from the file, in this process too
    run = resolve(ENTRY_POINTS[job.name].adapter)
    try:
        outputs = job_outputs(job)
        check_outputs_are_not_inputs(arguments, outputs)
        for folder in sorted({Path(p).parent for p in outputs}):  # what a killed run left there
            remove_stale_parts(folder)
        result = to_jsonable(run(arguments, job.single_process, progress or NullProgress()))
        if (job.csv_format or os.environ.get("WIP_CSV_FORMAT") or "standard") == "excel_de" \
                and isinstance(result, dict):
            result["excel_csv"] = excel_copies(csv_paths([str(p) for p in outputs] + [result]))
        return result
    except (WipError, Cancelled, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - the one boundary where library errors become user errors
        mapped = user_error(exc)
        if mapped is not None:
            raise mapped from exc
        raise internal_error(exc, traceback.format_exc(limit=-40)) from exc  # the innermost frames: where it failed


def job_outputs(job: Job) -> list[Path]:
    """Every file the job writes."""
    return [Path(p) for p in ENTRY_POINTS[job.name].outputs(job.arguments)]


def partial_files(output: Path) -> list[Path]:
    """Temporary files of ``output`` that a killed engine may leave behind.

    :class:`.data.outputs.OutputTransaction` writes ``<dir>/.<stem>.<random>.part<suffix>`` (plus GDAL
    and SQLite side files with further suffixes) and renames it on success.
    """
    output = Path(output)
    if not output.parent.is_dir():
        return []
    return sorted(output.parent.glob(f".{output.stem}.*.part{output.suffix}*"))


def remove_partial_files(outputs: Sequence[Path]) -> list[Path]:
    """Delete the temporary files of ``outputs``; returns what was deleted."""
    removed = []
    for output in outputs:
        for path in partial_files(output):
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                pass
    return removed
