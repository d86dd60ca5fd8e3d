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

Engine entry points are registered in :data:`ENTRY_POINTS` by job name. Each decodes its
arguments into the engine's dataclasses (:func:`decode_dataclass`, which reads the field
annotations), calls one engine function and encodes the result as JSON. :func:`run_job` runs a
job in this process; the plugin uses it too when the engine imports in QGIS, so both paths share
every line between the parameters and the engine.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.metadata
import importlib.util
import json
import math
import os
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ..errors import Cancelled, WipError

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


def dependency_problems(dependencies: Mapping[str, str] | None = None) -> list[str]:
    """Pip requirements of the engine that are missing or too old in this Python.

    Looks the packages up without importing them (cheap enough for every QGIS start). A
    requirement ``name>=x`` is reported when the installed version is older than ``x``.
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
            if _version_tuple(installed) < _version_tuple(minimum):
                problems.append(requirement)
    return problems


def check_report() -> dict[str, Any]:
    """What ``wip worker --check`` prints: this Python, the plugin version and missing packages."""
    from .. import __version__

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
    """

    name: str
    arguments: Mapping[str, Any]
    single_process: bool = False
    protocol: int = PROTOCOL_VERSION

    def to_dict(self) -> dict[str, Any]:
        """The job as JSON data."""
        return {"protocol": self.protocol, "job": self.name, "single_process": self.single_process,
                "arguments": to_jsonable(dict(self.arguments))}

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
        unknown = sorted(set(data) - {"protocol", "job", "single_process", "arguments"})
        if unknown:
            raise ProtocolError(f"The job has unknown keys: {', '.join(unknown)}.")
        return cls(name, dict(arguments), bool(data.get("single_process", False)), PROTOCOL_VERSION)

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


def to_jsonable(value: Any) -> Any:
    """JSON data of a value: dataclasses as objects, paths as strings, NaN as null, numpy scalars as numbers."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalar
        return to_jsonable(value.item())
    raise ProtocolError(f"Cannot send a {type(value).__name__} to the engine: {value!r}")


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
    elif not isinstance(exc, WipError):
        fields.update(code="internal", details={"traceback": traceback.format_exc(limit=20)})
    return fields


def exception_from(message: Mapping[str, Any]) -> WipError:
    """The exception an ``error`` message stands for, raised again on the caller's side."""
    text = str(message.get("message", ""))
    code = message.get("code")
    if code == "cancelled":
        return Cancelled(text) if text else Cancelled()
    if code == "internal":
        tb = (message.get("details") or {}).get("traceback", "")
        return WorkerFailed(f"{message.get('error', 'Error')}: {text}\n{tb}".rstrip())
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
            self._writer.send("progress", fraction=fraction, message=message)

    def info(self, message: str) -> None:  # noqa: D102
        self._writer.send("info", message=str(message))

    def warning(self, message: str) -> None:  # noqa: D102
        self._writer.send("warning", message=str(message))

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
    from .. import __version__

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


# ----------------------------------------------------------------- entry points
@dataclasses.dataclass(frozen=True)
class EntryPoint:
    """An engine function the worker runs for a job.

    Attributes
    ----------
    name : str
        The job name.
    function : str
        The engine function, ``module:name`` (for documentation and ``wip worker --list``).
    run : callable
        ``run(arguments, single_process, progress) -> dict``: decodes the arguments, calls the
        function and returns its result as JSON data.
    outputs : callable
        ``outputs(arguments) -> list of str``: every file the job writes (for cleaning up after
        a killed worker).
    """

    name: str
    function: str
    run: Callable[[Mapping[str, Any], bool, Any], dict[str, Any]]
    outputs: Callable[[Mapping[str, Any]], list[str]]


ENTRY_POINTS: dict[str, EntryPoint] = {}


def entry_point(name: str, function: str, outputs: Callable[[Mapping[str, Any]], list[str]]):
    """Register the decorated ``run`` function as the entry point of job ``name``."""
    def register(run):
        ENTRY_POINTS[name] = EntryPoint(name, function, run, outputs)
        return run
    return register


def run_job(job: Job, progress: Any = None) -> dict[str, Any]:
    """Run a job in this process and return its JSON result (the worker calls this too)."""
    from ..progress import NullProgress

    if job.name not in ENTRY_POINTS:
        raise ProtocolError(f"Unknown job {job.name!r}; known: {', '.join(sorted(ENTRY_POINTS))}.")
    arguments = to_jsonable(dict(job.arguments))  # what a worker reads from the file, in this process too
    return to_jsonable(ENTRY_POINTS[job.name].run(arguments, job.single_process, progress or NullProgress()))


def job_outputs(job: Job) -> list[Path]:
    """Every file the job writes."""
    return [Path(p) for p in ENTRY_POINTS[job.name].outputs(job.arguments)]


def partial_files(output: Path) -> list[Path]:
    """Temporary files of ``output`` that a killed engine may leave behind.

    :class:`.io.OutputTransaction` writes ``<dir>/.<stem>.<random>.part<suffix>`` (plus GDAL
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


def _paths(*values: Any) -> list[str]:
    return [str(v) for v in values if v]


def _catalogue(spec: Mapping[str, Any]):
    """The catalogue a job names: ``source`` (preset id or YAML path) and optional overrides.

    ``tag_buffers`` (``{tag: metres}``), ``overrides`` (``{criterion id: {field: value}}``) and
    ``suitability_overrides`` are applied in this order.
    """
    from ..catalogue.loader import load_catalogue

    if not isinstance(spec, Mapping) or not spec.get("source"):
        raise ProtocolError("catalogue: give {'source': preset id or YAML file}.")
    unknown = sorted(set(spec) - {"source", "tag_buffers", "overrides", "suitability_overrides"})
    if unknown:
        raise ProtocolError(f"catalogue: unknown keys {', '.join(unknown)}.")
    catalogue = load_catalogue(spec["source"])
    for tag, metres in (spec.get("tag_buffers") or {}).items():
        catalogue = catalogue.with_tag_buffer(tag, float(metres))
    if spec.get("overrides"):
        catalogue = catalogue.with_overrides(spec["overrides"])
    if spec.get("suitability_overrides") and catalogue.suitability is not None:
        catalogue = catalogue.with_suitability_overrides(spec["suitability_overrides"])
    return catalogue


def _layers(data: Mapping[str, Any] | None) -> dict[str, Any]:
    from ..data.layers import LayerRef

    return {role: decode_dataclass(LayerRef, ref, f"layers.{role}") for role, ref in (data or {}).items()}


def _optional(cls: type, data: Any, where: str) -> Any:
    return None if data is None else decode_dataclass(cls, data, where)


def _settings(cls: type, data: Mapping[str, Any] | None, single_process: bool, where: str = "settings") -> Any:
    data = dict(data or {})
    if single_process and "workers" in {f.name for f in dataclasses.fields(cls)}:
        data["workers"] = 1
    return decode_dataclass(cls, data, where)


def _check_roles(catalogue: Any, kinds: tuple[str, ...], layers: Mapping[str, Any], aoi: Any) -> None:
    """Refuse a job whose active criteria read layer roles it does not give."""
    missing = [r for r in catalogue.roles_needed(kinds) if r not in layers and not (r == "municipalities" and aoi)]
    if missing:
        raise JobError("missing_roles", f"The criteria of catalogue {catalogue.id!r} ({', '.join(kinds)}) need "
                       f"layers for these roles, which were not given: {', '.join(missing)}.",
                       {"catalogue": catalogue.id, "kinds": list(kinds), "roles": missing})


def _eligibility_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    reasons = out.get("reasons")
    sidecar = str(Path(reasons).with_name(Path(reasons).stem + "_bits.json")) if reasons else None
    return _paths(out.get("eligibility"), reasons, sidecar, out.get("polygons"), out.get("table"))


@entry_point("eligibility", "wip_qgis_plugin.core.eligibility.engine:run_eligibility", _eligibility_outputs)
def _run_eligibility(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run an eligibility job: catalogue, layers, aoi, outputs, settings (see :func:`.eligibility.run_eligibility`)."""
    from ..eligibility.engine import AreaOfInterest, EligibilityOutputs, EligibilitySettings, run_eligibility

    catalogue = _catalogue(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    settings = _settings(EligibilitySettings, arguments.get("settings"), single_process)
    _check_roles(catalogue, settings.kinds, layers, aoi)
    if "municipalities" in catalogue.roles_needed(settings.kinds):
        layers.setdefault("municipalities", aoi.layer)
    outputs = decode_dataclass(EligibilityOutputs, arguments.get("outputs"), "outputs")
    result = run_eligibility(catalogue, layers, aoi, outputs, settings, progress)
    return {
        "eligible_ha": float(result.eligible_ha), "total_ha": float(result.total_ha),
        "municipalities": [{"name": m.name, "ags": m.ags, "total_ha": m.total_ha, "eligible_ha": m.eligible_ha,
                            "eligible_pct": m.eligible_pct} for m in result.municipalities],
        "outputs": encode_dataclass(result.outputs), "n_polygons": result.n_polygons,
    }


def _first_setback_criterion(catalogue: Any, kinds: tuple[str, ...], tag: str = "settlement_setback") -> str:
    for criterion in catalogue.active(kinds):
        if tag in criterion.tags and criterion.kind != "permitted":
            return criterion.id
    raise JobError("no_default_criterion", f"The catalogue {catalogue.id!r} has no active criterion tagged {tag}: "
                   "give the id of the criterion to vary.", {"catalogue": catalogue.id})


@entry_point("setback_sweep", "wip_qgis_plugin.core.eligibility.sweep:run_setback_sweep",
             lambda a: _paths(a.get("table"), a.get("chart")))
def _run_sweep(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a setback sweep job.

    Arguments: catalogue, layers, aoi, criterion (None: the settlement setback), setbacks_m,
    settings, variants, table, chart, language (see :func:`.sweep.run_setback_sweep`).
    """
    from ..eligibility.engine import AreaOfInterest, EligibilitySettings
    from ..eligibility.sweep import run_setback_sweep

    catalogue = _catalogue(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    settings = _settings(EligibilitySettings, arguments.get("settings"), single_process)
    criterion = arguments.get("criterion") or _first_setback_criterion(catalogue, settings.kinds)
    _check_roles(catalogue, settings.kinds, layers, aoi)
    chart = Path(arguments["chart"]) if arguments.get("chart") else None
    if chart is not None and importlib.util.find_spec("matplotlib") is None:
        raise JobError("needs_matplotlib", "The chart needs the Python package matplotlib: install it, or leave "
                       "the chart out.", {"python": sys.executable})
    result = run_setback_sweep(
        catalogue, layers, aoi, criterion, [float(s) for s in arguments.get("setbacks_m") or ()], settings,
        variants={str(k): list(v) for k, v in (arguments.get("variants") or {}).items()} or None,
        table=Path(arguments["table"]) if arguments.get("table") else None, chart=chart,
        language=str(arguments.get("language") or "de"), progress=progress)
    return {
        "criterion_id": result.criterion_id, "setbacks_m": list(result.setbacks_m),
        "variants": list(result.variants), "series": {v: result.series(v).tolist() for v in result.variants},
        "rows": [dict(encode_dataclass(r), eligible_pct=r.eligible_pct) for r in result.rows],
        "table": result.table, "chart": result.chart,
    }


def _suitability_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    return _paths(out.get("suitability"), out.get("sites"), out.get("sites_table"), out.get("stability"))


@entry_point("suitability", "wip_qgis_plugin.core.suitability.engine:run_suitability", _suitability_outputs)
def _run_suitability(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a suitability job.

    Arguments: catalogue, layers (all given; the criteria's roles are used), rasters ({role: path}),
    aoi or None, eligibility (raster path), outputs, settings, eligible_areas or None.
    """
    from ..eligibility.engine import AreaOfInterest
    from ..data.layers import LayerRef
    from ..data.rasters import RASTER_ROLES
    from ..suitability.engine import SuitabilityOutputs, SuitabilitySettings, run_suitability

    catalogue = _catalogue(arguments.get("catalogue"))
    layers = _layers(arguments.get("layers"))
    rasters = {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items()}
    spec = catalogue.suitability
    if spec is not None:
        missing_layers = [r for r in spec.layer_roles() if r not in layers and r != "municipalities"]
        missing_rasters = [r for r in spec.raster_roles() if r not in rasters
                           and (RASTER_ROLES[r].derived_from if r in RASTER_ROLES else None) not in rasters]
        if missing_layers or missing_rasters:
            raise JobError("missing_inputs", f"The suitability criteria of catalogue {catalogue.id!r} need these "
                           f"inputs, which were not given: {', '.join(missing_layers + missing_rasters)}.",
                           {"catalogue": catalogue.id, "layers": missing_layers, "rasters": missing_rasters})
        layers = {r: ref for r, ref in layers.items() if r in spec.layer_roles()}
    aoi = _optional(AreaOfInterest, arguments.get("aoi"), "aoi")
    outputs = decode_dataclass(SuitabilityOutputs, arguments.get("outputs"), "outputs")
    settings = _settings(SuitabilitySettings, arguments.get("settings"), single_process)
    result = run_suitability(catalogue, layers, rasters, aoi, Path(arguments["eligibility"]), outputs, settings,
                             progress, eligible_areas=_optional(LayerRef, arguments.get("eligible_areas"),
                                                                "eligible_areas"))
    return {
        "criteria": list(result.criteria), "weights": [float(w) for w in result.weights],
        "aggregation": result.aggregation,
        "consistency_ratio": float(result.ahp.consistency_ratio) if result.ahp is not None else None,
        "mean_score": float(result.mean_score), "scored_ha": float(result.scored_ha),
        "sites": [{"rank": s.rank, "site_id": s.site_id, "name": s.name, "area_ha": s.area_ha, "mean": s.mean}
                  for s in result.sites],
        "outputs": encode_dataclass(result.outputs),
    }


@entry_point("windbg", "wip_qgis_plugin.core.eligibility.windbg:windbg_accounting", lambda a: _paths(a.get("table")))
def _run_windbg(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a WindBG accounting job (and write its table).

    Arguments: aoi, crs, land (None: from the AGS), eligible_areas, rotor_in, turbine or None,
    tower_foot_radius_m, table (see :mod:`.windbg`).
    """
    from ..eligibility.engine import AreaOfInterest
    from ..data.layers import LayerRef
    from ..progress import check_cancelled
    from ..units import Turbine
    from ..eligibility.windbg import WINDBG_FIELDS, municipal_areas, windbg_accounting, write_windbg_csv

    aoi = decode_dataclass(AreaOfInterest, arguments.get("aoi"), "aoi")
    crs = str(arguments.get("crs") or "EPSG:25832")
    turbine = _optional(Turbine, arguments.get("turbine"), "turbine")
    progress.report(0.0, "Reading layers")
    municipalities = municipal_areas(aoi, crs, land=arguments.get("land"))
    result = windbg_accounting(
        municipalities, decode_dataclass(LayerRef, arguments.get("eligible_areas"), "eligible_areas"),
        rotor_in=bool(arguments.get("rotor_in")), turbine=turbine, crs=crs,
        tower_foot_radius_m=float(arguments.get("tower_foot_radius_m", 4.0)))
    check_cancelled(progress)
    write_windbg_csv(Path(arguments["table"]), result)
    progress.report(1.0, "Done")

    def row(r: Any) -> dict[str, Any]:
        return {f: result.accounting if f == "accounting" else to_jsonable(getattr(r, f)) for f in WINDBG_FIELDS}

    return {"fields": list(WINDBG_FIELDS), "rows": [row(r) for r in result.rows], "total": row(result.total),
            "rotor_in": result.rotor_in, "inward_offset_m": result.inward_offset_m,
            "accounting": result.accounting, "table": str(arguments["table"])}


@entry_point("grid_topology", "wip_qgis_plugin.core.grid.topology:check_grid_topology",
             lambda a: _paths(a.get("report"), a.get("cleaned_lines")))
def _run_grid_topology(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a grid topology check. Arguments: lines, substations or None, crs, settings, report, cleaned_lines."""
    from ..data.layers import LayerRef
    from ..grid.topology import TopologySettings, check_grid_topology

    topo = check_grid_topology(
        decode_dataclass(LayerRef, arguments.get("lines"), "lines"),
        _optional(LayerRef, arguments.get("substations"), "substations"),
        crs=str(arguments.get("crs") or "EPSG:25832"),
        settings=_settings(TopologySettings, arguments.get("settings"), single_process),
        report=Path(arguments["report"]) if arguments.get("report") else None,
        cleaned_lines=Path(arguments["cleaned_lines"]) if arguments.get("cleaned_lines") else None,
        progress=progress)
    return {"summary": topo.summary(), "converged": topo.converged,
            "report": arguments.get("report"), "cleaned_lines": arguments.get("cleaned_lines")}


def _grid_connection_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    return _paths(*dict.fromkeys(out.get(k) for k in ("connections", "sites", "site_table", "substations",
                                                      "topology_report")))


@entry_point("grid_connection", "wip_qgis_plugin.core.grid.connection:run_grid_connection", _grid_connection_outputs)
def _run_grid_connection(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a grid connection job.

    Arguments: sites, substations, roads or None, power_lines or None, catalogue (preset id or
    YAML file), settings (ConnectionSettings), topology (TopologySettings or None), outputs
    (ConnectionOutputs), crs, cost_raster or None (see :func:`.connection.run_grid_connection`).
    """
    from ..grid.connection import ConnectionOutputs, ConnectionSettings, run_grid_connection
    from ..data.layers import LayerRef
    from ..grid.topology import TopologySettings

    result = run_grid_connection(
        decode_dataclass(LayerRef, arguments.get("sites"), "sites"),
        decode_dataclass(LayerRef, arguments.get("substations"), "substations"),
        _optional(LayerRef, arguments.get("roads"), "roads"),
        catalogue=str(arguments.get("catalogue") or "grid_connection"),
        settings=_settings(ConnectionSettings, arguments.get("settings"), single_process),
        outputs=decode_dataclass(ConnectionOutputs, arguments.get("outputs") or {}, "outputs"),
        crs=str(arguments.get("crs") or "EPSG:25832"),
        cost_raster=arguments.get("cost_raster") or None, progress=progress,
        power_lines=_optional(LayerRef, arguments.get("power_lines"), "power_lines"),
        topology=_optional(TopologySettings, arguments.get("topology"), "topology"))
    sites = result.sites.drop(columns=result.sites.geometry.name)
    subs = result.substations.drop(columns=result.substations.geometry.name)
    return {"summary": result.summary(),
            "sites": [{k: to_jsonable(v) for k, v in row.items()} for row in sites.to_dict("records")],
            "substations": [{k: to_jsonable(v) for k, v in row.items()} for row in subs.to_dict("records")],
            "n_connections": len(result.connections)}


# --- wind yield and turbine layout (core/wind/, core/wind/layout.py)
def _wind_yield_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    return _paths(out.get("energy"), out.get("full_load_hours"), out.get("wind_speed"), out.get("table"))


@entry_point("wind_yield", "wip_qgis_plugin.core.wind.energy:run_wind_yield", _wind_yield_outputs)
def _run_wind_yield(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a wind yield job.

    Arguments: turbine (preset id, YAML file or windpowerlib type), aoi or None, rasters ({role: path}:
    wind_speed_100m, wind_speed_150m, dem), layers (landuse, water), outputs, settings (see
    :func:`.wind.run_wind_yield`).
    """
    from ..eligibility.engine import AreaOfInterest
    from ..wind.energy import WindYieldOutputs, WindYieldSettings, run_wind_yield

    result = run_wind_yield(
        str(arguments.get("turbine") or "E-141/4200"), _optional(AreaOfInterest, arguments.get("aoi"), "aoi"),
        {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items() if v}, _layers(arguments.get("layers")),
        decode_dataclass(WindYieldOutputs, arguments.get("outputs"), "outputs"),
        _settings(WindYieldSettings, arguments.get("settings"), single_process), progress)
    return {"turbine": result.turbine.describe(), "nominal_power_mw": result.turbine.nominal_power_mw,
            "resource_model": result.resource_model, "weather": result.climate.name, "weibull_k": result.weibull_k,
            "losses": result.losses.describe(), "loss_factor": result.loss_factor,
            "mean_wind_speed_m_s": result.mean_wind_speed_m_s, "mean_full_load_hours": result.mean_full_load_hours,
            "mean_density_kg_m3": result.mean_density_kg_m3,
            "municipalities": [encode_dataclass(m) for m in result.municipalities],
            "outputs": encode_dataclass(result.outputs)}


def _layout_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    return _paths(out.get("turbines"), out.get("sites_table"), out.get("municipalities_table"), out.get("sites"))


@entry_point("turbine_layout", "wip_qgis_plugin.core.wind.layout:run_turbine_layout", _layout_outputs)
def _run_turbine_layout(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a turbine layout job.

    Arguments: turbine, eligible_areas, rasters, layers (landuse, water, buildings), outputs, settings
    (see :func:`.layout.run_turbine_layout`).
    """
    from ..data.layers import LayerRef
    from ..wind.layout import LayoutOutputs, LayoutSettings, run_turbine_layout

    result = run_turbine_layout(
        str(arguments.get("turbine") or "E-141/4200"),
        decode_dataclass(LayerRef, arguments.get("eligible_areas"), "eligible_areas"),
        {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items() if v}, _layers(arguments.get("layers")),
        decode_dataclass(LayoutOutputs, arguments.get("outputs"), "outputs"),
        _settings(LayoutSettings, arguments.get("settings"), single_process), progress)
    return {"turbine": result.turbine.describe(), "n_turbines": result.n_turbines,
            "capacity_mw": result.capacity_mw, "energy_mwh_per_a": result.energy_mwh_per_a,
            "full_load_hours": result.full_load_hours, "wake_loss_pct": result.wake_loss_pct,
            "main_direction_deg": result.main_direction_deg, "rotor_in": result.rotor_in,
            "sites": [encode_dataclass(s) for s in result.sites],
            "municipalities": [encode_dataclass(m) for m in result.municipalities],
            "outputs": encode_dataclass(result.outputs)}


# --- municipal energy profile (core/profile/)
def _profile_outputs(arguments: Mapping[str, Any]) -> list[str]:
    from ..profile.engine import profile_output_files

    return [str(p) for p in profile_output_files(arguments.get("plan") or {})]


@entry_point("profile", "wip_qgis_plugin.core.profile.engine:run_profile", _profile_outputs)
def _run_profile(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a municipal energy profile. Arguments: plan (:class:`.profile.ProfilePlan` as JSON)."""
    from ..profile.engine import ProfilePlan, profile_json, run_profile

    plan = _settings(ProfilePlan, arguments.get("plan"), single_process, "plan")
    return profile_json(run_profile(plan, progress))


# --- solar potential and rooftop PV (core/solar/ground.py, core/solar/rooftop.py)
def _solar_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    return _paths(out.get("specific_yield"), out.get("capacity_density"), out.get("energy_density"),
                  out.get("sites"), out.get("sites_table"), out.get("municipalities_table"))


@entry_point("solar_potential", "wip_qgis_plugin.core.solar.ground:run_solar_potential", _solar_outputs)
def _run_solar_potential(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a solar potential job.

    Arguments: eligibility (raster path), outputs (SolarOutputs), settings (SolarSettings), rasters
    ({role: path}: dem or slope + aspect), aoi or None, sites or None (see :func:`.solar.run_solar_potential`).
    """
    from ..eligibility.engine import AreaOfInterest
    from ..data.layers import LayerRef
    from ..solar.ground import SolarOutputs, SolarSettings, run_solar_potential

    result = run_solar_potential(
        Path(arguments["eligibility"]), decode_dataclass(SolarOutputs, arguments.get("outputs"), "outputs"),
        _settings(SolarSettings, arguments.get("settings"), single_process),
        {str(k): str(v) for k, v in (arguments.get("rasters") or {}).items()},
        _optional(AreaOfInterest, arguments.get("aoi"), "aoi"), _optional(LayerRef, arguments.get("sites"), "sites"),
        progress)
    data = encode_dataclass(result)
    data["sites"] = data["sites"][:200]
    return data


def _rooftop_outputs(arguments: Mapping[str, Any]) -> list[str]:
    out = arguments.get("outputs") or {}
    return _paths(out.get("buildings"), out.get("buildings_table"), out.get("municipalities_table"))


@entry_point("rooftop_solar", "wip_qgis_plugin.core.solar.rooftop:run_rooftop_solar", _rooftop_outputs)
def _run_rooftop_solar(arguments: Mapping[str, Any], single_process: bool, progress: Any) -> dict[str, Any]:
    """Run a rooftop PV job. Arguments: buildings, outputs (RooftopOutputs), settings (RooftopSettings), aoi or None."""
    from ..eligibility.engine import AreaOfInterest
    from ..data.layers import LayerRef
    from ..solar.rooftop import RooftopOutputs, RooftopSettings, run_rooftop_solar

    result = run_rooftop_solar(
        decode_dataclass(LayerRef, arguments.get("buildings"), "buildings"),
        decode_dataclass(RooftopOutputs, arguments.get("outputs") or {}, "outputs"),
        _settings(RooftopSettings, arguments.get("settings"), single_process),
        _optional(AreaOfInterest, arguments.get("aoi"), "aoi"), progress)
    return {"n_buildings": result.n_buildings, "n_with_pv": result.n_with_pv,
            "usable_roof_m2": result.usable_roof_m2, "capacity_mwp": result.capacity_mwp,
            "capacity_mw": result.capacity_mw, "energy_mwh_per_a": result.energy_mwh_per_a,
            "mean_yield_kwh_per_kwp": result.mean_yield_kwh_per_kwp, "n_classes": result.n_classes,
            "municipalities": [encode_dataclass(m) for m in result.municipalities],
            "outputs": encode_dataclass(result.outputs)}


def entry_point_names() -> list[str]:
    """Names of the registered jobs, sorted."""
    return sorted(ENTRY_POINTS)


def resolve_function(entry: EntryPoint) -> Callable[..., Any]:
    """Import the engine function an entry point names (checks the registry in tests)."""
    module, _, name = entry.function.partition(":")
    return getattr(importlib.import_module(module), name)
