"""All file writing of the engine: atomic, so that no half-written file is ever left.

Every output is first written under a temporary name next to its destination;
:class:`OutputTransaction` renames all of them at once on success and deletes
them on error or cancellation.
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
        fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=f".part{final.suffix}", dir=final.parent)
        os.close(fd)
        os.unlink(tmp)  # writers create the file themselves (GDAL refuses to overwrite some formats)
        self._pending.append((Path(tmp), final))
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
        except OSError:
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


def write_vector(path: Path, frame: gpd.GeoDataFrame, layer: str) -> None:
    """Write a GeoDataFrame to a GeoPackage that QGIS 3.22 (GDAL 3.6) reads cleanly."""
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio",
                  dataset_options={"VERSION": "1.2"})
