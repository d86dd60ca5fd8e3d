"""``wip prepare``: large vector inputs converted once into a spatially indexed file every worker reads by box.

A batch of many municipalities reads each input once per municipality, with the municipality's bounding box
(:func:`..data.layers.read_layer`, pyogrio's ``bbox=``). A GeoPackage answers such a read through its R-tree,
an OSM extract or a Shapefile without index reads everything. Preparing converts each layer once:

* into **FlatGeobuf** with its packed Hilbert R-tree (``SPATIAL_INDEX=YES``), which GDAL reads by box from a
  local file, a shared file system or over HTTP (``/vsicurl/``, ``/vsis3/``: only the index and the features in
  the box are fetched); or into **GeoParquet** where this GDAL has its Parquet driver (GDAL built with Arrow);
* **reprojected** to the working CRS, so no worker reprojects the same features again;
* without features that have **no geometry or an empty one**, and without **invalid** geometries (or with them
  repaired, ``invalid="repair"``) — each counted per layer, never dropped silently;
* with **every field** of the input;
* **atomically**: written to a temporary file beside the destination and renamed onto it.

For a scenario, every layer of its ``layers:`` section is prepared (a file and layer named by several roles
once), and a copy of the scenario is written beside it that names the prepared files instead
(:func:`prepare_scenario`); everything else of the scenario stays as it was.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data.layers import LayerRef, check_working_crs, layer_info, layer_names
from ..data.outputs import OutputTransaction
from ..data.vsi import is_vsi
from ..defaults import DEFAULT_CRS
from ..errors import InputError
from ..progress import NullProgress, Progress, check_cancelled
from ..scenario.spec import load_scenario
from ..spec import read_yaml
from ..messages import msg

#: The formats :func:`prepare_layer` writes: name → (GDAL driver, suffix, layer creation options).
FORMATS: dict[str, tuple[str, str, dict[str, str]]] = {
    "flatgeobuf": ("FlatGeobuf", ".fgb", {"SPATIAL_INDEX": "YES"}),
    "geoparquet": ("Parquet", ".parquet", {"GEOMETRY_ENCODING": "WKB", "ROW_GROUP_SIZE": "65536"}),
}


@dataclass(frozen=True)
class PrepareSettings:
    """How inputs are prepared.

    Parameters
    ----------
    crs : str
        Working CRS the features are reprojected to (projected, in metres).
    format : {"flatgeobuf", "geoparquet"}
        Output format; GeoParquet needs GDAL's Parquet driver.
    invalid : {"drop", "repair"}
        Invalid geometries are left out (counted) or repaired with ``make_valid`` (counted).
    """

    crs: str = DEFAULT_CRS
    format: str = "flatgeobuf"
    invalid: str = "drop"


@dataclass(frozen=True)
class PreparedLayer:
    """One prepared layer: where it came from, where it went, and what was left out.

    Parameters
    ----------
    source : LayerRef
        The input layer.
    path : str
        The prepared file (one layer).
    features_read : int
        Features of the input. [-]
    features_written : int
        Features of the prepared file. [-]
    no_geometry : int
        Features left out without geometry or with an empty one. [-]
    invalid : int
        Invalid geometries left out (``invalid="drop"``) or repaired (``invalid="repair"``). [-]
    unplaced : int
        Features left out whose coordinates cannot be placed in the working CRS. [-]
    fields : tuple of str
        The fields kept.
    """

    source: LayerRef
    path: str
    features_read: int
    features_written: int
    no_geometry: int
    invalid: int
    unplaced: int
    fields: tuple[str, ...]

    def describe(self, repaired: bool = False) -> str:
        """One line for the terminal: counts and what was left out."""
        left = [f"{n:,} {what}" for n, what in ((self.no_geometry, "without geometry"),
                                                (0 if repaired else self.invalid, "invalid"),
                                                (self.unplaced, "outside the CRS")) if n]
        fixed = f", {self.invalid:,} invalid repaired" if repaired and self.invalid else ""
        return (f"{self.source.describe()} → {self.path}: {self.features_written:,} of {self.features_read:,} "
                f"feature(s){fixed}{'; left out: ' + ', '.join(left) if left else ''}")


def check_format(name: str) -> tuple[str, str, dict[str, str]]:
    """The driver, suffix and options of a format; refuses GeoParquet where GDAL has no Parquet driver.

    Raises
    ------
    InputError
        Unknown format, or GeoParquet without GDAL's Parquet driver (the engine reads through GDAL).
    """
    import pyogrio

    key = {"fgb": "flatgeobuf", "parquet": "geoparquet"}.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise InputError(f"Unknown format {name!r}: give flatgeobuf or geoparquet.")
    driver = FORMATS[key][0]
    if driver not in pyogrio.list_drivers():
        raise InputError(f"GeoParquet needs GDAL's Parquet driver (GDAL built with Apache Arrow), which this GDAL "
                         f"({pyogrio.__gdal_version_string__}) lacks: the engine reads every input through GDAL and "
                         "could not read the prepared files. Use FlatGeobuf (the default), which every GDAL reads by "
                         "bounding box.")
    return FORMATS[key]


def prepared_name(ref: LayerRef, suffix: str) -> str:
    """The file name of a prepared layer: ``<file stem>_<layer><suffix>`` in plain ASCII."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(ref.path.rstrip("/")).stem) or "layer"
    layer = re.sub(r"[^A-Za-z0-9_.-]+", "_", ref.layer) if ref.layer else ""
    return f"{stem}_{layer}{suffix}" if layer and layer != stem else f"{stem}{suffix}"


def prepare_layer(ref: LayerRef, out_path: str | Path, settings: PrepareSettings = PrepareSettings(),
                  progress: Progress | None = None, role: str | None = None) -> PreparedLayer:
    """Convert one layer into a spatially indexed file in the working CRS (see the module's docstring).

    Parameters
    ----------
    ref : LayerRef
        The input (a path GDAL reads, ``/vsi…/`` paths included; the layer of a multi-layer file).
    out_path : str or Path
        The prepared file; written atomically, replacing an older one.
    settings : PrepareSettings
        Working CRS, format, what to do with invalid geometries.
    progress : Progress, optional
        Receives the counts of features left out as warnings.
    role : str, optional
        The role of the layer, for the messages (else its layer name).

    Returns
    -------
    PreparedLayer
        What was read, written and left out.

    Raises
    ------
    InputError
        Unreadable input, an input without CRS, an unknown format or invalid settings.
    """
    import pyogrio
    import shapely

    progress = progress or NullProgress()
    if settings.invalid not in ("drop", "repair"):
        raise InputError(f"invalid={settings.invalid!r}: give drop or repair.")
    driver, _, options = check_format(settings.format)
    crs = check_working_crs(settings.crs)
    what = role or ref.layer or Path(ref.path).name
    if ref.layer is None and len(layer_names(ref.path, f"Layer {what!r}")) > 1:
        raise InputError(f"{ref.path!r} holds several layers ({', '.join(layer_names(ref.path, what))}); name one "
                         "(FILE:LAYER), or give the scenario that names them.")
    info = layer_info(ref, what)
    if info.crs is None:
        raise InputError(f"Layer {what!r} ({ref.describe()}) has no coordinate reference system; assign one "
                         "(QGIS: Layer Properties → Source → Assigned CRS) and prepare it again.")
    frame = pyogrio.read_dataframe(ref.path, layer=ref.layer)
    if frame.crs is None:
        frame = frame.set_crs(info.crs)
    read = len(frame)
    keep = ~(frame.geometry.isna().to_numpy() | shapely.is_empty(frame.geometry.values))
    no_geometry = int((~keep).sum())
    frame = frame[keep]
    valid = shapely.is_valid(frame.geometry.values)
    invalid = int((~valid).sum())
    if invalid and settings.invalid == "repair":
        geoms = frame.geometry.values.copy()
        geoms[~valid] = shapely.make_valid(geoms[~valid])
        frame = frame.set_geometry(geoms)
    elif invalid:
        frame = frame[valid]
    unplaced = 0
    if not frame.crs.equals(crs):
        frame = frame.to_crs(crs)
        placed = np.isfinite(shapely.bounds(frame.geometry.values)).all(axis=1) if len(frame) else np.ones(0, bool)
        unplaced = int((~placed).sum())
        frame = frame[placed]
    fields = tuple(str(c) for c in frame.columns if c != frame.geometry.name)
    out_path = Path(out_path)
    with OutputTransaction() as tx:
        tmp = tx.temp_for(out_path)
        pyogrio.write_dataframe(frame.reset_index(drop=True), str(tmp), layer=out_path.stem, driver=driver,
                                layer_options=options)
    result = PreparedLayer(ref, str(out_path), read, len(frame), no_geometry, invalid, unplaced, fields)
    if no_geometry or invalid or unplaced:
        progress.warning(f"Layer {what!r}: " + result.describe(settings.invalid == "repair"))
    return result


@dataclass(frozen=True)
class PreparedScenario:
    """A prepared scenario: the copy that names the prepared files, and every prepared layer.

    Parameters
    ----------
    scenario : str
        The copy of the scenario (beside the original, so its other relative paths still hold).
    layers : dict
        Role → the prepared layer (roles naming the same input share one).
    """

    scenario: str
    layers: dict[str, PreparedLayer]


def prepare_scenario(scenario: str | Path, out_dir: str | Path, settings: PrepareSettings | None = None,
                     progress: Progress | None = None, scenario_out: str | Path | None = None) -> PreparedScenario:
    """Prepare every layer of a scenario's ``layers:`` and write a copy of the scenario that names them.

    Parameters
    ----------
    scenario : str or Path
        The scenario file.
    out_dir : str or Path
        Folder of the prepared files (a shared file system for a cluster).
    settings : PrepareSettings, optional
        Format and invalid geometries; the working CRS is the scenario's ``crs`` unless given here.
    progress : Progress, optional
        Receives a line per layer.
    scenario_out : str or Path, optional
        The copy of the scenario; default ``<scenario stem>_prepared.yaml`` beside the scenario. A copy in
        another folder keeps the original's relative paths only if they are relative to it there as well.

    Returns
    -------
    PreparedScenario
    """
    progress = progress or NullProgress()
    scenario = Path(scenario).resolve()
    sc = load_scenario(scenario)
    raw = read_yaml(scenario, "scenario")
    if not isinstance(raw, dict) or not isinstance(raw.get("layers"), Mapping):
        raise InputError(f"{scenario}: the scenario has no layers: section to prepare.")
    settings = settings or PrepareSettings(crs=sc.crs)
    _, suffix, _ = check_format(settings.format)
    out_dir = Path(out_dir).resolve()
    done: dict[LayerRef, PreparedLayer] = {}
    prepared: dict[str, PreparedLayer] = {}
    roles = [r for r in raw["layers"] if r in sc.layers]
    for i, role in enumerate(roles):
        ref = sc.layers[role]
        step = f"Preparing {role}"  # `wip prepare` only: no algorithm runs it, so no line of it is shown in QGIS
        progress.report(i / max(len(roles), 1), step)
        check_cancelled(progress)
        if ref not in done:
            done[ref] = prepare_layer(ref, out_dir / prepared_name(ref, suffix), settings, progress, role)
            line = f"  {role}: {done[ref].describe(settings.invalid == 'repair')}"
            progress.info(line)
        prepared[role] = done[ref]
    target = Path(scenario_out).resolve() if scenario_out else scenario.with_name(f"{scenario.stem}_prepared.yaml")
    data = dict(raw)
    data["layers"] = {role: (_relative(prepared[role].path, target.parent) if role in prepared else value)
                      for role, value in raw["layers"].items()}
    _write_scenario(target, data, scenario, settings)
    progress.report(1.0, msg("step_done"))
    return PreparedScenario(str(target), prepared)


def _relative(path: str, base: Path) -> str:
    """``path`` relative to ``base`` where it lies below it, else absolute (VSI paths as they are)."""
    if is_vsi(path):
        return path
    try:
        return str(Path(path).resolve().relative_to(base.resolve()))
    except ValueError:
        return str(Path(path).resolve())


def _write_scenario(target: Path, data: dict[str, Any], origin: Path, settings: PrepareSettings) -> None:
    import yaml

    head = (f"# Written by `wip prepare` from {origin.name}: its layers converted to "
            f"{settings.format} in {settings.crs} (comments of the original are not kept).\n")
    with OutputTransaction() as tx:
        tmp = tx.temp_for(target)
        tmp.write_text(head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def parse_layer_args(items: Sequence[str]) -> list[LayerRef]:
    """``FILE[:LAYER]`` arguments → layers; a file without a layer name gives every layer it holds.

    A colon followed by a path separator is no layer name (a Windows drive, ``/vsicurl/http://…``).

    Raises
    ------
    InputError
        A file that does not exist (local paths) or that GDAL cannot open.
    """
    out: list[LayerRef] = []
    for item in items:
        path, sep, layer = item.rpartition(":")
        if not sep or "/" in layer or "\\" in layer or not path:
            path, layer = item, ""
        if not is_vsi(path) and not os.path.exists(path):
            raise InputError(f"{item!r}: file {path!r} does not exist.")
        names = [layer] if layer else layer_names(path, f"{item!r}")
        out += [LayerRef(path, name if len(names) > 1 or layer else None) for name in names]
    return out


def prepare_files(items: Sequence[str], out_dir: str | Path, settings: PrepareSettings = PrepareSettings(),
                  progress: Progress | None = None) -> list[PreparedLayer]:
    """Prepare the layers of files (``FILE[:LAYER]``) into ``out_dir``, one prepared file per layer.

    Raises
    ------
    InputError
        As :func:`parse_layer_args` and :func:`prepare_layer`; two inputs that would get the same file name.
    """
    progress = progress or NullProgress()
    _, suffix, _ = check_format(settings.format)
    refs = parse_layer_args(items)
    names = [prepared_name(r, suffix) for r in refs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"Several inputs would be prepared as {', '.join(twice)}; prepare them into different "
                         "folders.")
    out: list[PreparedLayer] = []
    for i, (ref, name) in enumerate(zip(refs, names)):
        step = f"Preparing {ref.describe()}"
        progress.report(i / len(refs), step)
        check_cancelled(progress)
        out.append(prepare_layer(ref, Path(out_dir) / name, settings, progress))
        line = f"  {out[-1].describe(settings.invalid == 'repair')}"
        progress.info(line)
    progress.report(1.0, msg("step_done"))
    return out
