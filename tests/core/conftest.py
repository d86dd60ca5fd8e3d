"""Shared fixtures for the engine tests: tiny, deterministic layers written to a temp GeoPackage."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from wip_qgis_plugin.core.data.layers import LayerRef

CRS = "EPSG:25832"


class CancelAfter:
    """A progress (see core/progress.py) that says "cancelled" from its (n + 1)-th ``is_cancelled`` call on.

    ``CancelAfter(0)`` cancels at the first check. Messages are recorded in ``lines``.
    """

    def __init__(self, n: int):
        self.n = n
        self.calls = 0
        self.lines: list[str] = []

    def report(self, fraction, message=None):
        if message:
            self.lines.append(message)

    def info(self, message):
        self.lines.append(message)

    def warning(self, message):
        self.lines.append(message)

    def is_cancelled(self):
        self.calls += 1
        return self.calls > self.n


@pytest.fixture
def cancel_after():
    """``cancel_after(n)``: a :class:`CancelAfter` progress."""
    return CancelAfter
X0, Y0 = 700_000.0, 5_700_000.0


class LogRecorder:
    """A progress that keeps the engine's info lines and warnings."""

    def __init__(self):
        self.infos: list[str] = []
        self.warnings: list[str] = []

    def report(self, *args):
        pass

    def info(self, message):
        self.infos.append(message)

    def warning(self, message):
        self.warnings.append(message)

    def is_cancelled(self):
        return False


def write_layers(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> dict[str, LayerRef]:
    """Write each frame as a layer of one GeoPackage; return role → LayerRef."""
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return {name: LayerRef(str(path), name) for name in layers}


def frame(geoms, crs=CRS, **cols) -> gpd.GeoDataFrame:
    """A GeoDataFrame from geometries and attribute columns."""
    return gpd.GeoDataFrame(dict(cols), geometry=list(geoms), crs=crs)


@pytest.fixture
def small_region(tmp_path: Path) -> dict:
    """Two municipalities (4 × 3 km each), a village, scattered houses, a road, a forest, a lake.

    A nature reserve lies outside the AOI, 150 m east of it, so that its 200 m buffer reaches in.
    """
    rng = np.random.default_rng(7)
    west = shapely.box(X0, Y0, X0 + 4000, Y0 + 3000)
    east = shapely.box(X0 + 4000, Y0, X0 + 8000, Y0 + 3000)
    munis = frame([west, east], name=["Westdorf", "Ostheim"], ags=["15082001", "15082002"],
                  population=[1200, 800])
    village = shapely.Point(X0 + 2000, Y0 + 1500).buffer(300, quad_segs=32)
    industrial = shapely.box(X0 + 6500, Y0 + 2500, X0 + 7000, Y0 + 2900)
    forest = shapely.Polygon([(X0 + 5000, Y0 + 200), (X0 + 6200, Y0 + 400),
                              (X0 + 5900, Y0 + 1300), (X0 + 5100, Y0 + 900)])
    landuse = frame([village, industrial, forest], landuse=["residential", "industrial", "forest"])
    pts = np.column_stack([rng.uniform(X0 + 300, X0 + 7700, 12), rng.uniform(Y0 + 200, Y0 + 2800, 12)])
    houses = [shapely.box(x - 6, y - 5, x + 6, y + 5) for x, y in pts]
    buildings = frame(houses, building=["house"] * 6 + ["barn"] * 6, **{"building:flats": [1] * 12})
    road = shapely.LineString([(X0 - 500, Y0 + 2200), (X0 + 3000, Y0 + 2600), (X0 + 8600, Y0 + 2000)])
    track = shapely.LineString([(X0 + 1000, Y0 + 100), (X0 + 1200, Y0 + 2900)])
    roads = frame([road, track], highway=["motorway", "track"])
    lake = shapely.Point(X0 + 7000, Y0 + 700).buffer(250, quad_segs=32)
    water = frame([lake], natural=["water"], water=["lake"])
    nsg = shapely.box(X0 + 8150, Y0 + 500, X0 + 9000, Y0 + 1500)  # outside the AOI
    protected = frame([nsg], protection_title=["Naturschutzgebiet"], zone=[None])
    layers = write_layers(tmp_path / "region.gpkg", {
        "municipalities": munis, "landuse": landuse, "buildings": buildings, "roads": roads,
        "water": water, "protected_areas": protected,
    })
    return {"layers": layers, "path": tmp_path / "region.gpkg", "frames": {
        "municipalities": munis, "landuse": landuse, "buildings": buildings, "roads": roads,
        "water": water, "protected_areas": protected}, "tmp": tmp_path}
