"""All file writing of the engine: atomic, so that no half-written file is ever left.

Every output is first written under a temporary name next to its destination,
``.<stem>.<pid>-<random>.part<suffix>`` (the run's process id in the name);
:class:`OutputTransaction` renames all of them at once on success and deletes
them on error or cancellation. A run killed outright (``kill -9``, power cut) leaves its
``.part`` files: :func:`..jobs.paths.remove_stale_parts` deletes those of processes no longer
running, at the start of the next job writing into the folder and with ``wip clean``.
"""
from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import rasterio
from affine import Affine
from pyproj import CRS

GTIFF_OPTIONS = {
    "driver": "GTiff", "tiled": True, "blockxsize": 256, "blockysize": 256,
    "compress": "deflate", "bigtiff": "if_safer", "num_threads": "all_cpus",
}


class OutputTransaction:
    """Temporary files for a set of outputs, committed or rolled back together.

    Use as a context manager: :meth:`temp_for` hands out a temporary path for a
    destination; leaving the block without error renames every temporary file
    onto its destination, an exception removes them all.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def temp_for(self, final: Path) -> Path:
        """Return a temporary path in the destination folder, with the same suffix."""
        final = Path(final)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.{os.getpid()}-", suffix=f".part{final.suffix}",
                                   dir=final.parent)
        self._pending.append((Path(tmp), final))  # first, so a signal from here on still finds it to delete
        os.close(fd)
        os.unlink(tmp)  # writers create the file themselves (GDAL refuses to overwrite some formats)
        return Path(tmp)

    def commit(self) -> None:
        """Move every temporary file onto its destination (stale GDAL side files are removed).

        If a move fails (e.g. a destination held open by another program), the files not yet
        moved are deleted and the error is raised.
        """
        try:
            while self._pending:
                tmp, final = self._pending[0]
                os.replace(tmp, final)
                self._pending.pop(0)
                stale = Path(str(final) + ".aux.xml")
                if stale.exists():
                    stale.unlink()
        except BaseException:  # an OSError, or Ctrl+C/SIGTERM (raised as KeyboardInterrupt) between two moves
            self.rollback()
            raise

    def rollback(self) -> None:
        """Delete every temporary file (and GDAL side files such as .aux.xml)."""
        for tmp, _ in self._pending:
            for suffix in ("", ".aux.xml", "-journal", "-wal", "-shm"):
                p = Path(str(tmp) + suffix)
                try:
                    p.unlink()
                except FileNotFoundError:
                    pass
        self._pending.clear()

    def __enter__(self) -> OutputTransaction:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()


def open_raster_writer(
    path: Path, width: int, height: int, transform: Affine, crs: CRS, dtype: str, nodata: float,
    tags: Mapping[str, str] | None = None, description: str = "",
) -> rasterio.io.DatasetWriter:
    """Open a single-band tiled, compressed GeoTIFF for windowed writing."""
    ds = rasterio.open(
        path, "w", width=width, height=height, count=1, dtype=dtype, crs=crs.to_wkt(),
        transform=transform, nodata=nodata, **GTIFF_OPTIONS,
    )
    if tags:
        ds.update_tags(**{k: str(v) for k, v in tags.items()})
    if description:
        ds.set_band_description(1, description)
    return ds


def write_json(path: Path, data: Any) -> None:
    """Write JSON (UTF-8, indented)."""
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a CSV table (UTF-8, comma-separated, numbers as written)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for row in rows:
            w.writerow([f"{v:.4f}" if isinstance(v, (float, np.floating)) else v for v in row])


def write_vector(path: Path, frame: gpd.GeoDataFrame, layer: str, geometry_type: str | None = None) -> None:
    """Write a GeoDataFrame to a GeoPackage that QGIS 3.22 (GDAL 3.6) reads cleanly.

    ``geometry_type`` (``"Point"``, ``"LineString"``, ``"MultiPolygon"``) is the layer's type when the
    frame is empty: GDAL cannot infer it from no features and would write a layer of unknown geometry,
    which QGIS neither draws nor styles. A frame with features keeps the type of its geometries.
    """
    extra = {"geometry_type": geometry_type} if geometry_type and frame.empty else {}
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio",
                  dataset_options={"VERSION": "1.2"}, **extra)


#: pandas column types of the annotations of result dataclasses (``str`` fields stay text).
_DTYPES = {"str": object, "float": "float64", "int": "int64", "bool": "bool"}


def records_frame(records: Sequence[Any], fields: Sequence[str], geometry: Sequence[Any], crs: Any,
                  record_type: type) -> gpd.GeoDataFrame:
    """A GeoDataFrame of dataclass records (one row each, columns ``fields``) that keeps its schema when empty.

    The column types come from the annotations of ``record_type`` (``float`` → Real, ``int`` →
    Integer64, ``str`` → String), so a layer of zero features is written with the same fields and
    types as one with features. A field that is not annotated with one of these stays untyped.
    """
    hints = {f: t if isinstance(t, str) else getattr(t, "__name__", "")
             for f, t in getattr(record_type, "__annotations__", {}).items()}
    data = {f: np.asarray([getattr(r, f) for r in records], dtype=_DTYPES.get(hints.get(f, ""), object))
            for f in fields}
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(list(geometry), crs=crs), crs=crs)
