"""Resumable batches (``wip batch``): a scenario's chain, up to the municipal profile, once per municipality.

A batch runs what ``wip run`` runs (:func:`.runner.run_scenario`: eligibility → … → profile), restricted to one
municipality per task through the area of interest, for every municipality of a layer (``--where`` selects some).
Each municipality gets a folder of its own under ``<out>/municipalities/``; when its run has finished, a marker
(:data:`MARKER_NAME`, holding the municipality's row of the overview) is written into the folder, last and
atomically. A batch started again skips the folders with a marker and redoes the others from scratch, so a batch
killed at any moment (``kill -9`` included) resumes and ends with the same overview as an uninterrupted one. A marker
holds the fingerprint of what the municipality was computed from (:func:`batch_fingerprint`: the scenario file, the
size and time of every input file, the batch's options, the engine's version): after a change of the rules or the
data, the batch redoes every municipality instead of keeping results of the old inputs.
When every municipality has its marker, the rows are joined into :data:`OVERVIEW_NAME` and, with the municipalities'
polygons, into :data:`OVERVIEW_MAP_NAME` (both atomically), and the batch writes :data:`MANIFEST_NAME` (the
municipalities, their status and times).

The tasks are independent (a task loads the scenario file itself and writes only into its own folder), so who
runs them is a parameter: :func:`run_in_process` runs them one after the other in this process; the Dask runner
(:mod:`.distributed`) sends them to a cluster. A :class:`MunicipalityTask` is plain data and
:func:`run_municipality` a module-level function, so both travel to another process by pickle.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import os
import re
import shutil
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..data.layers import LayerRef, layer_info, read_frame
from ..data.outputs import OutputTransaction, write_json, write_vector
from ..eligibility.aoi import AreaOfInterest
from ..errors import InputError, WipError
from ..messages import msg
from ..profile.indicators import INDICATOR_ORDER
from ..progress import NullProgress, Progress
from ..scenario.model import ProfileSection, Scenario
from ..scenario.spec import load_scenario
from .paths import folder_lock, remove_stale_parts
from .runner import ProgressFactory, check_scenario_paths, run_scenario, scenario_paths

#: The marker a finished municipality's folder holds (its overview row), written last and atomically.
MARKER_NAME = "wip_batch_done.json"
#: The overview of a batch: one row per municipality, joined when every municipality has finished.
OVERVIEW_NAME = "batch_overview.csv"
#: The overview as a map: each municipality's polygon with its overview row (layer ``municipalities``).
OVERVIEW_MAP_NAME = "batch_overview.gpkg"
#: What a batch did: the municipalities, their status and times (written at the end of every batch run).
MANIFEST_NAME = "wip_batch.json"
#: The folder of the municipalities' result folders inside the batch folder.
FOLDERS_NAME = "municipalities"
#: The columns of the overview before the indicators.
OVERVIEW_KEYS = ("key", "name", "ags", "folder")


@dataclass(frozen=True)
class Municipality:
    """One municipality of a batch.

    Attributes
    ----------
    key : str
        What selects it in the area of interest: its id (``ags``) where the layer has one, else its name.
    name : str
        Its name (the id where the name is empty).
    ags : str
        Its id ("" without an id field).
    folder : str
        Its result folder, relative to the batch's ``municipalities/`` folder.
    """

    key: str
    name: str
    ags: str
    folder: str


@dataclass(frozen=True)
class BatchSettings:
    """What a batch runs and on which municipalities.

    Attributes
    ----------
    municipalities : LayerRef or None
        The layer of the municipalities (None: the scenario's area-of-interest layer).
    name_field : str or None
        Field naming them (None: the scenario's ``area_of_interest.name_field``).
    id_field : str or None
        Key field (None: the scenario's ``area_of_interest.id_field``, used where the layer has it).
    where : str or None
        An OGR SQL condition selecting municipalities, e.g. ``"ags LIKE '15082%'"`` (None: all).
    only : tuple of str
        Technology keys to run (``wip run --only``; the profile always runs); empty: every step.
    resolution_m : float or None
        Overrides the scenario's resolution. [m]
    sources : tuple
        More sources (``wip run --source``), relative to the working folder.
    single_process : bool
        Compute tiles in the task's process (no forked tile workers); set for Dask workers.
    """

    municipalities: LayerRef | None = None
    name_field: str | None = None
    id_field: str | None = None
    where: str | None = None
    only: tuple[str, ...] = ()
    resolution_m: float | None = None
    sources: tuple[Any, ...] = ()
    single_process: bool = False


@dataclass(frozen=True)
class MunicipalityTask:
    """One municipality's run: plain data, so that it can be sent to another process or machine.

    The scenario file, the municipality layer and the output folder must be visible under the same paths
    wherever the task runs (a shared file system).
    """

    scenario: str
    folder: str
    municipality: Municipality
    layer: LayerRef
    name_field: str
    id_field: str | None
    settings: BatchSettings = field(default_factory=BatchSettings)
    fingerprint: str = ""


@dataclass(frozen=True)
class MunicipalityOutcome:
    """What became of one municipality in a batch run.

    Attributes
    ----------
    municipality : Municipality
    status : {"done", "skipped", "failed"}
        ``skipped``: finished by an earlier run (its marker was there).
    seconds : float
        Wall time of its run in this batch (0 when skipped). [s]
    error : str
        The error of a failed municipality ("" otherwise).
    """

    municipality: Municipality
    status: str
    seconds: float = 0.0
    error: str = ""


#: ``runner(tasks)``: runs the tasks (in any order, anywhere) and yields ``(task, marker or exception)`` for each.
TaskRunner = Callable[[Sequence[MunicipalityTask]], Iterator[tuple[MunicipalityTask, "dict[str, Any] | BaseException"]]]


def folder_name(name: str, ags: str) -> str:
    """A folder name for a municipality on any file system: ``<ags>_<name>`` in ASCII letters, digits, ``-._``."""
    text = name.translate(str.maketrans({"ß": "ss", "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe",
                                         "Ü": "Ue"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "area"
    return f"{ags}_{text}"[:120] if ags else text[:120]


def list_municipalities(layer: LayerRef, name_field: str, id_field: str | None = None,
                        where: str | None = None) -> list[Municipality]:
    """The municipalities of a layer in layer order, one per key (features of one key are one municipality).

    Raises
    ------
    InputError
        A missing field, a condition the layer cannot evaluate, no municipality selected, or a feature with
        neither name nor key.
    """
    info = layer_info(layer, "municipalities")
    if name_field not in info.fields:
        raise InputError(f"The municipality layer ({layer.describe()}) has no field {name_field!r}; fields: "
                         f"{', '.join(info.fields)}. Choose the field that names the municipalities (--name-field).")
    id_field = id_field if id_field and id_field in info.fields else None
    columns = [c for c in (name_field, id_field) if c]
    try:
        frame = read_frame(layer.path, layer.layer, "The municipality layer", columns=columns, where=where,
                           read_geometry=False)
    except WipError:
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL's word on a condition it cannot evaluate
        if where:
            raise InputError(f"--where {where!r} cannot be evaluated on {layer.describe()} ({exc}). Write an OGR "
                             f"SQL condition on its fields ({', '.join(info.fields)}), e.g. \"{name_field} LIKE "
                             "'B%'\".") from exc
        raise
    seen: dict[str, Municipality] = {}
    used: set[str] = set()
    for i in range(len(frame)):
        name = _text(frame[name_field].iloc[i])
        ags = _text(frame[id_field].iloc[i]) if id_field else ""
        key = ags or name
        if not key:
            raise InputError(f"The municipality layer ({layer.describe()}) has a feature (row {i + 1}) without a "
                             f"name in {name_field!r}{f' or a key in {id_field!r}' if id_field else ''}. Fill it "
                             "in, or leave it out with --where.")
        if key in seen:
            continue
        folder = base = folder_name(name or ags, ags)
        n = 2
        while folder.casefold() in used:  # names that differ only in letters a folder cannot hold
            folder, n = f"{base}_{n}", n + 1
        used.add(folder.casefold())
        seen[key] = Municipality(key, name or ags, ags, folder)
    if not seen:
        raise InputError(f"No municipality selected in {layer.describe()}"
                         f"{f' by --where {where!r}' if where else ''}.")
    return list(seen.values())


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def batch_tasks(scenario: str | Path, out_dir: str | Path, settings: BatchSettings = BatchSettings()
                ) -> list[MunicipalityTask]:
    """The tasks of a batch: the scenario checked once, then one task per selected municipality.

    The municipalities are those of the layer that ``settings.where`` selects; without ``where`` and without a
    layer of its own, the batch takes the scenario's ``area_of_interest`` as it stands (its ``names``, by name or
    key, where it lists some).

    Raises
    ------
    InputError
        The scenario's problems, or those of the municipality layer and the selection.
    """
    scenario = Path(scenario).resolve()
    sc = load_scenario(scenario, settings.sources, output_dir=out_dir)
    check_scenario_paths(sc)
    layer = settings.municipalities or sc.aoi.layer
    if not isinstance(layer, LayerRef):
        raise InputError("The scenario's area of interest comes from its sources; give the municipality layer "
                         "with --municipalities FILE[:LAYER].")
    name_field = settings.name_field or sc.aoi.name_field
    id_field = settings.id_field or sc.aoi.id_field
    root = Path(out_dir).resolve() / FOLDERS_NAME
    fingerprint = batch_fingerprint(sc, layer, name_field, id_field, settings)
    chosen = list_municipalities(layer, name_field, id_field, settings.where)
    if settings.municipalities is None and settings.where is None and sc.aoi.names:
        names = set(sc.aoi.names)
        missing = names - {m.name for m in chosen} - {m.key for m in chosen}
        if missing:
            raise InputError(f"area_of_interest.names: no municipality {', '.join(sorted(missing))!s} in "
                             f"{layer.describe()}.")
        chosen = [m for m in chosen if m.name in names or m.key in names]
    return [MunicipalityTask(str(scenario), str(root / m.folder), m, layer, name_field, id_field, settings,
                             fingerprint) for m in chosen]


def batch_fingerprint(sc: Scenario, layer: LayerRef, name_field: str, id_field: str | None,
                      settings: BatchSettings) -> str:
    """What a municipality's results depend on, hashed.

    The scenario file's bytes, the path, size and modification time of every input file (layers, rasters,
    catalogues, weather …), the municipality layer, the options that change results (``only``, resolution,
    sources) and the engine's version.
    """
    h = hashlib.sha256()
    h.update(Path(sc.path).read_bytes())
    inputs, _ = scenario_paths(sc)
    for path in sorted({*inputs, Path(layer.path)}):
        try:
            st = path.stat()
            h.update(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{path}|missing\n".encode())
    h.update(json.dumps([layer.path, layer.layer, name_field, id_field, sorted(settings.only), settings.resolution_m,
                         [str(x) for x in settings.sources], __version__], default=str).encode())
    return h.hexdigest()[:32]


def read_marker(folder: str | Path, fingerprint: str | None = None) -> dict[str, Any] | None:
    """The marker of a finished municipality's folder.

    None if it has none, an unreadable one, or, with ``fingerprint``, one of other inputs.
    """
    path = Path(folder) / MARKER_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and isinstance(data.get("rows"), list)):
        return None
    return data if fingerprint is None or data.get("fingerprint") == fingerprint else None


def municipality_scenario(task: MunicipalityTask) -> Scenario:
    """The scenario of one task.

    Its outputs in the task's folder, its area of interest the one municipality, a profile (the scenario's
    ``profile:`` section, or the defaults) for that municipality.
    """
    sc = load_scenario(task.scenario, task.settings.sources, output_dir=task.folder)
    aoi = AreaOfInterest(task.layer, task.name_field, (task.municipality.key,), task.id_field)
    return replace(sc, aoi=aoi, profile=replace(sc.profile or ProfileSection(), names=()))


def clear_folder(folder: Path) -> None:
    """Delete what an unfinished run left in a municipality's folder (not its lock)."""
    for path in folder.iterdir():
        if path.name == ".wip.lock":
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def run_municipality(task: MunicipalityTask, progress_for: ProgressFactory | None = None) -> dict[str, Any]:
    """Run one municipality's chain into its folder and write its marker last; returns the marker.

    A folder with a marker of the task's fingerprint is left as it is (its marker is returned); any other folder is
    emptied first, so what an interrupted run (or a run on other inputs) left is redone, never mixed in. The folder
    is locked for the run (:func:`.paths.folder_lock`): a second process on the same municipality is refused.
    """
    folder = Path(task.folder)
    done = read_marker(folder, task.fingerprint)
    if done is not None:
        return done
    t0 = time.perf_counter()
    # demandlib 0.2.2 (BDEW load profiles) sets warnings.simplefilter("error") for the whole process and leaves
    # it so: without the guard, every warning of the next municipality in this process would end it as an error
    with warnings.catch_warnings(), folder_lock(folder, "batch task"):
        done = read_marker(folder, task.fingerprint)  # finished by another process meanwhile
        if done is not None:
            return done
        clear_folder(folder)
        sc = municipality_scenario(task)
        only = set(task.settings.only) | {"profile"} if task.settings.only else None
        steps = []
        rows: list[dict[str, Any]] = []
        for step in run_scenario(sc, only, task.settings.resolution_m, progress_for, task.settings.single_process):
            steps.append({"kind": step.kind, "key": step.key, "seconds": round(step.seconds, 2)})
            if step.kind == "profile":
                rows = [{"name": m.get("name"), "ags": m.get("ags"), "indicators": m.get("indicators") or {}}
                        for m in step.result.get("municipalities") or []]
        m = task.municipality
        marker = {"key": m.key, "name": m.name, "ags": m.ags, "folder": m.folder, "rows": rows,
                  "seconds": round(time.perf_counter() - t0, 2), "steps": steps, "version": __version__,
                  "fingerprint": task.fingerprint,
                  "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "pid": os.getpid()}
        with OutputTransaction() as tx:
            write_json(tx.temp_for(folder / MARKER_NAME), marker)
    return marker


def run_in_process(progress_for: ProgressFactory | None = None) -> TaskRunner:
    """A runner of the tasks one after the other in this process; an error of the input ends only its task.

    A cancel, Ctrl+C or SIGTERM ends the batch (what is finished is kept).
    """
    def runner(tasks: Sequence[MunicipalityTask]) -> Iterator[tuple[MunicipalityTask, Any]]:
        for task in tasks:
            try:
                yield task, run_municipality(task, progress_for)
            except WipError as exc:
                yield task, exc
    return runner


def run_batch(scenario: str | Path, out_dir: str | Path, settings: BatchSettings = BatchSettings(),
              runner: TaskRunner | None = None, progress: Progress | None = None,
              tasks: Sequence[MunicipalityTask] | None = None) -> Iterator[MunicipalityOutcome]:
    """Run a batch, yielding what becomes of each municipality as it is known; join the overview at the end.

    The finished municipalities (a marker of the same inputs) come first, as ``skipped``; the others are handed to
    ``runner`` (default: :func:`run_in_process`). When every municipality has finished, their rows are joined into
    ``<out_dir>/batch_overview.csv``; in any case ``<out_dir>/wip_batch.json`` lists every municipality with its
    status. The batch folder is locked for the run (a second batch into it is refused).

    Parameters
    ----------
    scenario : str or Path
        The scenario file (its inputs relative to it).
    out_dir : str or Path
        The batch folder (the scenario's ``output_dir`` is not used).
    settings : BatchSettings
        The municipalities and what runs.
    runner : TaskRunner, optional
        Who runs the unfinished tasks.
    progress : Progress, optional
        Receives the batch's progress (a fraction of the municipalities) and its messages.
    tasks : sequence of MunicipalityTask, optional
        The tasks (default: :func:`batch_tasks`).
    """
    progress = progress or NullProgress()
    out_dir = Path(out_dir).resolve()
    tasks = list(tasks) if tasks is not None else batch_tasks(scenario, out_dir, settings)
    runner = runner or run_in_process()
    outcomes: dict[str, MunicipalityOutcome] = {}
    markers: dict[str, dict[str, Any]] = {}
    with folder_lock(out_dir, "batch"):
        remove_stale_parts(out_dir)
        todo = []
        for task in tasks:
            marker = read_marker(task.folder, task.fingerprint)
            if marker is None:
                todo.append(task)
                continue
            markers[task.municipality.key] = marker
            outcomes[task.municipality.key] = MunicipalityOutcome(task.municipality, "skipped")
            yield outcomes[task.municipality.key]
        if markers:
            progress.info(msg("batch_resumed", finished=len(markers), n=len(tasks), todo=len(todo)))
        progress.report(len(markers) / len(tasks) if tasks else 1.0)
        try:
            for task, result in runner(todo) if todo else ():
                key = task.municipality.key
                if isinstance(result, BaseException):
                    outcomes[key] = MunicipalityOutcome(task.municipality, "failed", error=str(result))
                else:
                    markers[key] = result
                    outcomes[key] = MunicipalityOutcome(task.municipality, "done",
                                                        float(result.get("seconds", 0.0)))
                progress.report(len(outcomes) / len(tasks), task.municipality.name)
                yield outcomes[key]
            if len(markers) == len(tasks):
                joined = [markers[t.municipality.key] for t in tasks]
                write_overview(out_dir / OVERVIEW_NAME, joined)
                if tasks:
                    write_overview_map(out_dir / OVERVIEW_MAP_NAME, tasks, joined,
                                       load_scenario(tasks[0].scenario, settings.sources, output_dir=out_dir).crs)
        finally:  # also after a cancel: which municipalities are finished, failed or still to run
            write_batch_manifest(out_dir / MANIFEST_NAME, scenario, tasks, outcomes)


def overview_rows(markers: Iterable[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of the overview: one row per municipality of the markers, in their order."""
    rows: list[dict[str, Any]] = []
    for marker in markers:
        for row in marker.get("rows") or [{"name": marker.get("name"), "ags": marker.get("ags"), "indicators": {}}]:
            rows.append({"key": marker.get("key"), "name": row.get("name"), "ags": row.get("ags"),
                         "folder": f"{FOLDERS_NAME}/{marker.get('folder')}", **(row.get("indicators") or {})})
    present = {k for r in rows for k in r} - set(OVERVIEW_KEYS)
    columns = [*OVERVIEW_KEYS, *[k for k in INDICATOR_ORDER if k in present],
               *sorted(present - set(INDICATOR_ORDER))]
    return columns, rows


def write_overview(path: Path, markers: Sequence[dict[str, Any]]) -> Path:
    """Join the municipalities' rows into one CSV (numbers at full precision; empty where a source is missing)."""
    columns, rows = overview_rows(markers)
    with OutputTransaction() as tx:
        tmp = tx.temp_for(path)
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, columns, restval="", extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
    return path


def write_overview_map(path: Path, tasks: Sequence[MunicipalityTask], markers: Sequence[dict[str, Any]],
                       crs: str) -> Path:
    """The overview as a GeoPackage layer ``municipalities``.

    Each municipality's polygon (its features dissolved, in ``crs``) with its overview row, numbers as reals (NULL
    where a municipality has no such indicator).
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    columns, rows = overview_rows(markers)
    task = tasks[0]
    fields = [c for c in dict.fromkeys((task.name_field, task.id_field)) if c]
    frame = read_frame(task.layer.path, task.layer.layer, "The municipality layer",
                       columns=[f for f in fields if f in layer_info(task.layer, "municipalities").fields])
    names = frame[task.name_field].map(_text) if task.name_field in frame else pd.Series([""] * len(frame))
    ids = frame[task.id_field].map(_text) if task.id_field and task.id_field in frame else pd.Series([""] * len(frame))
    frame = frame.assign(batch_key=[i or n for n, i in zip(names, ids)])
    frame = frame[frame["batch_key"].isin({r["key"] for r in rows})]
    shapes = frame[["batch_key", "geometry"]].dissolve(by="batch_key").to_crs(crs).geometry
    geoms = [shapes.get(r["key"]) for r in rows]
    geoms = [shapely.MultiPolygon([g]) if isinstance(g, shapely.Polygon) else g for g in geoms]
    data = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    for c in columns[len(OVERVIEW_KEYS):]:
        data[c] = pd.to_numeric(data[c], errors="coerce").astype("float64")
    with OutputTransaction() as tx:
        write_vector(tx.temp_for(path), gpd.GeoDataFrame(data, geometry=geoms, crs=crs), "municipalities",
                     "MultiPolygon")
    return path


def read_overview(path: str | Path) -> list[dict[str, str]]:
    """The rows of a batch overview as texts (as written)."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_batch_manifest(path: Path, scenario: str | Path, tasks: Sequence[MunicipalityTask],
                         outcomes: dict[str, MunicipalityOutcome]) -> Path:
    """What this batch run did with each municipality (``pending``: not reached, e.g. after a cancel)."""
    items = []
    for task in tasks:
        m = task.municipality
        o = outcomes.get(m.key)
        items.append({"key": m.key, "name": m.name, "ags": m.ags, "folder": f"{FOLDERS_NAME}/{m.folder}",
                      "status": o.status if o else "pending", "seconds": round(o.seconds, 2) if o else 0.0,
                      **({"error": o.error} if o and o.error else {})})
    data = {"scenario": str(scenario), "version": __version__,
            "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "complete": all(i["status"] in ("done", "skipped") for i in items), "municipalities": items}
    with OutputTransaction() as tx:
        write_json(tx.temp_for(path), data)
    return path
