#!/usr/bin/env python3
"""Deterministic generator of a synthetic sample region in the Mitteldeutsches Revier.

The default region is the 30 km x 25 km rectangle x 708000-738000, y 5708000-5733000 (EPSG:25832)
between Halle-East, Zörbig, Sandersdorf-Brehna and Bitterfeld-Wolfen / Goitzsche lake. Place
names and rough positions follow the real area; every geometry and attribute is synthetic.

The script writes one GeoPackage (``revier_sample.gpkg``) with OpenStreetMap-tagged layers
(municipalities, landuse, buildings, roads, railways, power_lines, substations, water, waterways,
protected_areas, airfields, wind_turbines, pv_parks, parking, disadvantaged_areas) and four GeoTIFFs (``dem.tif``,
``wind_speed_100m.tif``, ``wind_speed_150m.tif``, ``soil_quality.tif``).

All randomness flows from one seed through named ``numpy.random.Generator`` streams (one per
topic), so changing one recipe does not reshuffle the others. Everything is vectorised, so the
same code also builds a 140 km x 140 km region with about 1.2 M buildings for benchmarks.

Usage::

    python make_sample_region.py [--out-dir DIR] [--size-km-x 30 --size-km-y 25]
                                 [--x0 708000 --y0 5708000] [--seed 2024] [--no-rasters]
"""
from __future__ import annotations

import argparse
import math
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
import shapely.affinity
from rasterio.features import rasterize, shapes
from rasterio.transform import from_origin
from scipy import fft as sfft
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

CRS = "EPSG:25832"
GPKG_NAME = "revier_sample.gpkg"
RASTER_MARGIN = 2000.0  # rasters cover the extent plus this margin [m]
RASTER_ALIGN = 250.0  # outer raster bounds are multiples of this [m]
NODATA = -9999.0

# Landuse classes of the internal class grid.
FARMLAND, FOREST, MEADOW, WATER, RESIDENTIAL, COMMERCIAL, INDUSTRIAL, QUARRY, AERODROME, SOLAR = range(10)
LANDUSE_NAMES = {FARMLAND: "farmland", FOREST: "forest", MEADOW: "meadow", RESIDENTIAL: "residential",
                 COMMERCIAL: "commercial", INDUSTRIAL: "industrial", QUARRY: "quarry"}
BUILT_UP = (RESIDENTIAL, COMMERCIAL, INDUSTRIAL)

# Densities (per km2) and shares used for any region size; rough Sachsen-Anhalt figures.
DENSITY = {
    "settlements": 1 / 8.5,      # Ortslagen
    "cities": 1 / 850.0,         # cities (radius 3-4 km), only in regions > 3000 km2
    "farmsteads": 0.20,          # farm groups of 3-8 buildings in the open country
    "hamlets": 0.035,            # groups of 4-7 houses in the open country
    "single_houses": 0.25,       # isolated houses in the open country
    "ponds": 0.08,
    "mine_lakes": 1 / 1500.0,    # random extra mine lakes (big regions)
    "quarries": 1 / 1500.0,
    "streams_km": 0.15,          # km of streams per km2
    "ditches_km": 0.25,
    "tracks_km": 1.0,
    "wind_clusters": 1 / 190.0,
    "pv_parks": 1 / 180.0,
    "nsg": 1 / 120.0,
    "ffh": 1 / 400.0,
    "spa": 1 / 900.0,
    "lsg": 1 / 350.0,
    "wsg": 1 / 400.0,
    "distribution_substations": 1 / 80.0,
    "transmission_substations": 1 / 2500.0,
    "airfields": 1 / 4000.0,
}
FOREST_SHARE = 0.15  # of the land outside water and settlements
KM2 = 1.0e6


# ----------------------------------------------------------------------------------------------
# Fixed layout of the default sample extent (approximate real positions, EPSG:25832).
# Anchors are used whenever they fall inside the requested extent; random features fill the rest.
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Anchor:
    """A named point feature with a size.

    Attributes
    ----------
    name : str
        Name of the feature.
    x, y : float
        Position. [m, EPSG:25832]
    r : float
        Radius or size parameter. [m]
    """

    name: str
    x: float
    y: float
    r: float = 0.0


@dataclass(frozen=True)
class LineAnchor:
    """A named polyline given by control points, optionally extended to the region edge.

    Attributes
    ----------
    name : str
        Name or reference of the line.
    points : tuple of (float, float)
        Control points. [m, EPSG:25832]
    extend : tuple of (bool, bool)
        Extend the first / last segment straight on until it leaves the region.
    """

    name: str
    points: tuple[tuple[float, float], ...]
    extend: tuple[bool, bool] = (True, True)


SAMPLE_MUNICIPALITIES = (  # name, synthetic AGS, seed points of the (synthetic) territory: main place first
    ("Bitterfeld-Wolfen", "15082015", ((729800, 5724500), (726000, 5728600), (727900, 5726300), (729300, 5721300),
                                       (722500, 5728300))),
    ("Sandersdorf-Brehna", "15082340", ((723600, 5724500), (723400, 5716800), (723500, 5720400), (726500, 5719300),
                                        (726900, 5717300))),
    ("Zörbig", "15082430", ((715900, 5724300), (718600, 5726300), (714600, 5721000), (712900, 5724600),
                            (718200, 5720000))),
    ("Landsberg", "15088205", ((719000, 5713200), (714900, 5711800), (716800, 5715300), (714000, 5716900))),
    ("Petersberg", "15088305", ((709500, 5719000), (709500, 5714000))),
    ("Muldestausee", "15082256", ((736700, 5725400), (732400, 5727600), (731500, 5729400), (735000, 5732000),
                                  (734500, 5718000))),
    ("Raguhn-Jeßnitz", "15082298", ((728300, 5731800), (725500, 5732500))),
    ("Südliches Anhalt", "15082377", ((712200, 5729900), (716500, 5731000))),
)
SAMPLE_TOWNS = (
    Anchor("Bitterfeld", 729800, 5724500, 1350), Anchor("Wolfen", 726000, 5728600, 1250),
    Anchor("Sandersdorf", 723600, 5724500, 800), Anchor("Brehna", 723400, 5716800, 650),
    Anchor("Zörbig", 715900, 5724300, 850), Anchor("Landsberg", 719000, 5713200, 750),
    Anchor("Jeßnitz", 728300, 5731800, 550),
)
SAMPLE_VILLAGES = (
    Anchor("Holzweißig", 729300, 5721300, 420), Anchor("Roitzsch", 726500, 5719300, 430),
    Anchor("Pouch", 736700, 5725400, 420), Anchor("Friedersdorf", 732400, 5727600, 380),
    Anchor("Weißandt-Gölzau", 712200, 5729900, 450), Anchor("Hohenthurm", 714900, 5711800, 420),
    Anchor("Niemberg", 714000, 5716900, 380), Anchor("Löberitz", 718600, 5726300, 380),
    Anchor("Glebitzsch", 723500, 5720400, 330), Anchor("Petersroda", 726900, 5717300, 330),
    Anchor("Spören", 714600, 5721000, 300), Anchor("Quetzdölsdorf", 712900, 5724600, 330),
    Anchor("Thalheim", 722500, 5728300, 380), Anchor("Muldenstein", 731500, 5729400, 380),
    Anchor("Burgkemnitz", 735000, 5732000, 380), Anchor("Reußen", 718200, 5720000, 300),
    Anchor("Stumsdorf", 710800, 5721400, 350), Anchor("Schwerz", 716800, 5715300, 320),
)
SAMPLE_INDUSTRY = (Anchor("Chemiepark Bitterfeld-Wolfen", 727900, 5726300, 900),)
SAMPLE_MINE_LAKES = (  # r = mean radius; elongation handled in code
    Anchor("Goitzschesee", 733000, 5721800, 1700), Anchor("Seelhausener See", 732300, 5717300, 1000),
)
SAMPLE_RESERVOIRS = (Anchor("Muldestausee", 736000, 5728400, 1000),)
SAMPLE_QUARRIES = (  # (name, x, y, r); the first is a dry pit, the second a spoil heap
    Anchor("Tagebau Holzweißig-West (Restloch)", 725800, 5722300, 650),
    Anchor("Halde Friedersdorf", 732900, 5726300, 500),
)
SAMPLE_AIRFIELDS = (Anchor("Flugplatz Halle-Oppin", 712100, 5715400, 80.0),)  # r = runway heading [deg]
SAMPLE_AIRFIELD_ICAO = {"Flugplatz Halle-Oppin": "EDAQ"}
SAMPLE_RIVERS = (
    LineAnchor("Mulde", ((737000, 5708000), (735600, 5714000), (736300, 5719500), (735600, 5723500),
                         (736000, 5727000), (734500, 5729800), (731300, 5731500), (729800, 5733000))),
)
SAMPLE_SMALL_RIVERS = (  # flow into the first river (last point snapped onto it)
    LineAnchor("Fuhne", ((708000, 5727800), (713000, 5727200), (716000, 5726600), (720000, 5727800),
                         (724000, 5730800), (727000, 5731300), (730600, 5732200)), (True, False)),
    LineAnchor("Lober", ((725500, 5708000), (726000, 5713000), (727500, 5717000), (728000, 5719600)),
               (True, False)),
)
SAMPLE_CANALS = (LineAnchor("Lober-Leine-Kanal", ((728000, 5719600), (729600, 5720300), (731400, 5721000)),
                            (False, False)),)
SAMPLE_MOTORWAYS = (LineAnchor("A 9", ((721600, 5708000), (721900, 5716000), (721700, 5724000), (722300, 5733000))),)
SAMPLE_FEDERAL_ROADS = (
    LineAnchor("B 100", ((708000, 5709300), (719000, 5713200), (723400, 5716800), (726500, 5719300),
                         (729800, 5724500), (734000, 5729000), (738000, 5731500))),
    LineAnchor("B 183", ((708000, 5725500), (715900, 5724300), (723600, 5724500), (729800, 5724500),
                         (736700, 5725400), (738000, 5725600))),
    LineAnchor("B 184", ((731000, 5708000), (730400, 5714500), (729800, 5718500), (729300, 5721300),
                         (729800, 5724500), (726000, 5728600), (728300, 5731800), (727800, 5733000))),
)
SAMPLE_MAIN_RAILWAYS = (
    LineAnchor("Bahnstrecke Halle–Bitterfeld–Dessau",
               ((708000, 5710500), (713000, 5712800), (719000, 5714400), (723000, 5717700),
                (726600, 5720500), (729000, 5723700), (727800, 5727000), (728300, 5731300),
                (727600, 5733000))),
)
SAMPLE_BRANCH_RAILWAYS = (
    LineAnchor("Bahnstrecke Bitterfeld–Stumsdorf",
               ((729000, 5723700), (726000, 5724000), (723600, 5723800), (719500, 5724800),
                (716200, 5723700), (711000, 5722500), (708000, 5722000)), (False, True)),
)
SAMPLE_TRANSMISSION = (  # name, voltage, x, y
    ("Umspannwerk Glebitzsch", "380000;110000", 720600.0, 5718900.0),
    ("Umspannwerk Thalheim", "220000;110000", 724300.0, 5730700.0),
)
# Directions [deg, counter-clockwise from east] of transmission lines leaving a substation.
SAMPLE_TRUNKS = {
    "Umspannwerk Glebitzsch": (("380000", 188.0, "Lauchstädt"), ("380000", -28.0, "Pulgar")),
    "Umspannwerk Thalheim": (("220000", 95.0, "Dessau"), ("220000", 160.0, "Köthen")),
}
SAMPLE_PV = (("motorway", "Solarpark Brehna"), ("quarry", "Solarpark Tagebau Holzweißig"),
             ("railway", "Solarpark Roitzsch"), ("farmland", "Solarpark Zörbig"))
# Solar land of the Revier (issue 19): former mining land, a flooded opencast lake, parking lots, and the
# benachteiligte Gebiete of a Land ordinance. Added over the finished layers, so nothing else moves.
SAMPLE_MINING_LAND = (  # landuse (man_made), r = mean radius [m]; on farmland without buildings or roads
    (Anchor("Kippe Gölzau", 711450, 5731200, 480), "brownfield", ""),
    (Anchor("Halde Gölzau", 709300, 5730000, 300), "spoil_heap", "spoil_heap"),
    (Anchor("Kippenfläche Friedersdorf-Ost", 734750, 5727000, 430), "brownfield", ""),
    (Anchor("Tagebau Muldenstein (stillgelegt)", 733000, 5729300, 380), "quarry", ""),
)
SAMPLE_FLOODED_PITS = (Anchor("Tagebausee Gölzau", 710300, 5731200, 430),)  # water=reservoir: artificial
SAMPLE_PARKING = (  # (place, length, width, parking, capacity, name): a lot beside the place's centre
    ("Weißandt-Gölzau", 130.0, 90.0, "surface", 420, "Parkplatz Einkaufszentrum Weißandt-Gölzau"),
    ("Weißandt-Gölzau", 25.0, 20.0, "surface", 18, "Parkplatz Friedhof Weißandt-Gölzau"),
    ("Pouch", 160.0, 80.0, "surface", 450, "Parkplatz Strandbad Pouch"),
    ("Muldenstein", 110.0, 70.0, "surface", 280, "Parkplatz Freizeitpark Muldestausee"),
    ("Bitterfeld", 60.0, 40.0, "multi-storey", 400, "Parkhaus Bitterfeld Bahnhof"),
)
SAMPLE_DISADVANTAGED = (  # synthetic benachteiligte Gebiete (the sandy Dübener Heide edge east of the Mulde)
    ("Benachteiligtes Gebiet Dübener Heide (synthetisch)", ((733000, 5726000), (738000, 5726000), (738000, 5733000),
                                                             (731500, 5733000), (731500, 5729000))),
)
DEFECT_LINE_110KV = "Umspannwerk Zörbig"   # one 110 kV line ends 5 m short of this substation
DEFECT_LINE_20KV = "Umspannwerk Landsberg"  # one 20 kV line starts 5 m beside this substation

# Name material for random features.
NAME_PREFIXES = ("", "", "", "", "Groß", "Klein", "Nieder", "Ober", "Alt", "Neu")
NAME_STEMS = ("Zschep", "Löb", "Rams", "Brehm", "Pölz", "Quetz", "Mösl", "Gört", "Kütt", "Wedd", "Sitt",
              "Zwoch", "Rodd", "Lind", "Stein", "Mühl", "Eich", "Wiesen", "Kirch", "Sand", "Hain", "Reh",
              "Wolf", "Tann", "Birk", "Erl", "Brand", "Roß", "Dob", "Schkor", "Kölz", "Pritt", "Zörn",
              "Trebn", "Gles", "Radeg", "Werb", "Sieg", "Libeh", "Gerb", "Naund", "Wett", "Schwerz",
              "Rosen", "Mark", "Kaltz", "Hohn", "Sell", "Plöß", "Dieb")
NAME_SUFFIXES = ("itz", "witz", "au", "dorf", "stedt", "leben", "ena", "bach", "feld", "hain", "rode",
                 "berg", "ern", "en", "ig", "ewitz")
RIVER_NAMES = ("Saale", "Weiße Elster", "Pleiße", "Unstrut", "Helme", "Wipper", "Bode", "Selke", "Nuthe",
               "Ehle", "Ohre", "Tanger", "Aland", "Jeetze", "Milde", "Biese", "Zahna", "Rossel", "Schwarze Elster")
STREAM_NAMES = ("Strengbach", "Reide", "Schachtgraben", "Landgraben", "Riethgraben", "Kabelske", "Leine",
                "Spittelwasser", "Ziegelgraben", "Mühlgraben", "Hasengraben", "Zörbiger Graben", "Weinbach",
                "Laweke", "Götsche", "Kietzgraben", "Ellerbach", "Pfaffengraben")
STREET_NAMES = ("Hauptstraße", "Bahnhofstraße", "Lindenstraße", "Gartenstraße", "Schulstraße", "Dorfstraße",
                "Am Anger", "Mühlenweg", "Ringstraße", "Goethestraße", "Schillerstraße", "Friedensstraße",
                "Kirchstraße", "Wiesenweg", "Birkenweg", "Feldstraße", "Breite Straße", "Rosenweg",
                "Thälmannstraße", "Lessingstraße", "Am Sportplatz", "Waldstraße", "Parkstraße", "Ziegeleiweg")
NSG_NAMES = ("Goitzsche-Wildnis", "Lober-Leine-Niederung", "Fuhneaue bei Zörbig", "Mittlere Mulde",
             "Brehnaer Busch", "Tiefer See", "Sandersdorfer Heide", "Zörbiger Teiche", "Grube Johannes",
             "Schlauch Burgkemnitz", "Rohrlache", "Porphyrkuppen", "Kaltes Feld", "Riethwiesen",
             "Schwarzer Berg", "Hoher Stein", "Spittelwasser-Aue", "Strengbachtal")
LSG_NAMES = ("Goitzsche", "Fuhneaue", "Mittlere Mulde", "Petersberg", "Dübener Heide", "Reideaue",
             "Untere Mulde", "Saale-Elster-Aue")
TURBINE_MODELS = (  # manufacturer, model, rotor diameter [m], rated power [MW], hub heights [m]
    ("Enercon", "E-70 E4", 71.0, 2.3, (85.0, 98.0, 113.0)),
    ("Enercon", "E-82 E2", 82.0, 2.3, (98.0, 108.0, 138.0)),
    ("Enercon", "E-101", 101.0, 3.05, (99.0, 124.0, 135.0)),
    ("Vestas", "V90-2.0 MW", 90.0, 2.0, (95.0, 105.0, 125.0)),
    ("Vestas", "V112-3.45 MW", 112.0, 3.45, (94.0, 119.0, 140.0)),
    ("Nordex", "N117/2400", 117.0, 2.4, (91.0, 120.0, 140.0)),
    ("Senvion", "MM92", 92.5, 2.05, (80.0, 100.0)),
    ("Siemens", "SWT-2.3-93", 93.0, 2.3, (80.0, 103.0)),
)


# ----------------------------------------------------------------------------------------------
# Basic objects: extent, grids, random streams, smooth fields
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Extent:
    """Axis-parallel rectangle of the region.

    Attributes
    ----------
    xmin, ymin, xmax, ymax : float
        Bounds. [m, EPSG:25832]
    """

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def width(self) -> float:
        """Width of the extent. [m]"""
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        """Height of the extent. [m]"""
        return self.ymax - self.ymin

    @property
    def area_km2(self) -> float:
        """Area of the extent. [km2]"""
        return self.width * self.height / KM2

    @property
    def diagonal(self) -> float:
        """Length of the diagonal. [m]"""
        return math.hypot(self.width, self.height)

    def box(self, margin: float = 0.0) -> shapely.Polygon:
        """Rectangle polygon of the extent grown by ``margin``. [m]"""
        return shapely.box(self.xmin - margin, self.ymin - margin, self.xmax + margin, self.ymax + margin)

    def inside(self, x: np.ndarray, y: np.ndarray, margin: float = 0.0) -> np.ndarray:
        """True where points lie inside the extent shrunk by ``margin``. [m]"""
        return ((x >= self.xmin + margin) & (x <= self.xmax - margin)
                & (y >= self.ymin + margin) & (y <= self.ymax - margin))

    def uniform(self, rng: np.random.Generator, n: int, margin: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` uniform random points inside the extent shrunk by ``margin`` [m] (capped for small extents)."""
        margin = min(margin, 0.4 * min(self.width, self.height))
        x = rng.uniform(self.xmin + margin, self.xmax - margin, n)
        y = rng.uniform(self.ymin + margin, self.ymax - margin, n)
        return x, y


@dataclass(frozen=True)
class Grid:
    """North-up raster grid.

    Attributes
    ----------
    xmin, ymax : float
        Upper-left corner. [m]
    res : float
        Pixel size. [m]
    nx, ny : int
        Number of columns and rows.
    """

    xmin: float
    ymax: float
    res: float
    nx: int
    ny: int

    @classmethod
    def outer(cls, ext: Extent, res: float, margin: float = RASTER_MARGIN, align: float = RASTER_ALIGN) -> Grid:
        """Grid over ``ext`` plus ``margin`` with bounds snapped outward to multiples of ``align``."""
        x0 = math.floor((ext.xmin - margin) / align) * align
        x1 = math.ceil((ext.xmax + margin) / align) * align
        y0 = math.floor((ext.ymin - margin) / align) * align
        y1 = math.ceil((ext.ymax + margin) / align) * align
        return cls(x0, y1, res, int(round((x1 - x0) / res)), int(round((y1 - y0) / res)))

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return self.ny, self.nx

    @property
    def transform(self) -> rasterio.Affine:
        """Affine pixel-to-map transform."""
        return from_origin(self.xmin, self.ymax, self.res, self.res)

    def xs(self) -> np.ndarray:
        """X of the column centres. [m]"""
        return self.xmin + (np.arange(self.nx) + 0.5) * self.res

    def ys(self) -> np.ndarray:
        """Y of the row centres (north to south). [m]"""
        return self.ymax - (np.arange(self.ny) + 0.5) * self.res

    def rowcol(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row and column of points, clipped to the grid."""
        col = np.clip(((np.asarray(x) - self.xmin) / self.res).astype(np.int64), 0, self.nx - 1)
        row = np.clip(((self.ymax - np.asarray(y)) / self.res).astype(np.int64), 0, self.ny - 1)
        return row, col

    def sample(self, array: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Value of ``array`` (on this grid) at points (nearest pixel)."""
        row, col = self.rowcol(x, y)
        return array[row, col]

    def burn(self, geoms: Sequence[shapely.Geometry], values: np.ndarray | float = 1, dtype: str = "uint8",
             fill: float = 0, all_touched: bool = False) -> np.ndarray:
        """Rasterise geometries; later geometries overwrite earlier ones."""
        geoms = [g for g in geoms if g is not None and not g.is_empty]
        if not geoms:
            return np.full(self.shape, fill, dtype=dtype)
        vals = np.broadcast_to(np.asarray(values), (len(geoms),)) if np.ndim(values) == 0 else values
        return rasterize(zip(geoms, vals), out_shape=self.shape, transform=self.transform, fill=fill,
                         dtype=dtype, all_touched=all_touched)

    def distance_to(self, mask: np.ndarray) -> np.ndarray:
        """Euclidean distance from every pixel centre to the nearest True pixel. [m]"""
        if not mask.any():
            return np.full(self.shape, 1.0e7, dtype=np.float32)
        return (ndimage.distance_transform_edt(~mask) * self.res).astype(np.float32)



def simplify_coverage(geoms: np.ndarray, tolerance: float, simplify_boundary: bool = True) -> np.ndarray:
    """Simplify polygons that tile an area without opening gaps between them.

    ``shapely.coverage_simplify`` needs GEOS >= 3.12. With an older GEOS (Debian 12's 3.11, against
    which the project's venv builds shapely so that it matches QGIS) the staircase outlines from the
    raster are kept as they are: still a valid coverage, only with more vertices. The shipped
    sample was generated with GEOS >= 3.12.
    """
    if shapely.geos_version >= (3, 12, 0):
        return shapely.coverage_simplify(geoms, tolerance=tolerance, simplify_boundary=simplify_boundary)
    return np.asarray(geoms, dtype=object)


def union_coverage(parts: np.ndarray):
    """Union of polygons that tile an area (the fast coverage union where GEOS >= 3.12 allows it)."""
    if shapely.geos_version >= (3, 12, 0):
        return shapely.coverage_union_all(parts)
    return shapely.union_all(parts)

def make_rng(seed: int, topic: str) -> np.random.Generator:
    """Independent random stream for one topic, derived from the global seed."""
    return np.random.default_rng([seed, zlib.crc32(topic.encode("utf-8"))])


def spectral_noise(rng: np.random.Generator, shape: tuple[int, int], beta: float = 3.0,
                   corr_px: float | None = None, highpass_px: float | None = None) -> np.ndarray:
    """Zero-mean, unit-variance random field by spectral synthesis.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    shape : tuple of int
        (rows, columns).
    beta : float
        Power-law exponent of the spectrum, P(f) ~ f**-beta (fractal terrain: 3-4).
    corr_px : float, optional
        If given, a Gaussian spectrum with this correlation length [pixel] replaces the power law.
    highpass_px : float, optional
        If given, structures larger than about this length [pixel] are damped (patchy fields).

    Returns
    -------
    numpy.ndarray
        float32 field.
    """
    ny, nx = shape
    fy = sfft.fftfreq(ny).astype(np.float32)[:, None]
    fx = sfft.rfftfreq(nx).astype(np.float32)[None, :]
    f = np.sqrt(fy * fy + fx * fx)
    if corr_px is None:
        f[0, 0] = 1.0
        amp = f ** np.float32(-beta / 2.0)
    else:
        amp = np.exp(-0.5 * (2.0 * np.pi * f * np.float32(corr_px)) ** 2).astype(np.float32)
    if highpass_px is not None:
        amp *= (1.0 - np.exp(-0.5 * (2.0 * np.pi * f * np.float32(highpass_px)) ** 2)).astype(np.float32)
    amp[0, 0] = 0.0
    del f
    spec = amp * (rng.standard_normal(amp.shape, dtype=np.float32)
                  + 1j * rng.standard_normal(amp.shape, dtype=np.float32)).astype(np.complex64)
    del amp
    field = sfft.irfft2(spec, s=shape, workers=-1).astype(np.float32)
    del spec
    field -= field.mean()
    std = field.std()
    return field / std if std > 0 else field


@dataclass(frozen=True)
class SmoothField:
    """A smooth random field on a coarse grid that can be sampled anywhere (bilinear).

    Attributes
    ----------
    grid : Grid
        Coarse grid.
    values : numpy.ndarray
        Values on the grid (unit variance).
    """

    grid: Grid
    values: np.ndarray

    @classmethod
    def random(cls, rng: np.random.Generator, ext: Extent, corr_m: float, res: float = 500.0) -> SmoothField:
        """Gaussian-correlated field with correlation length ``corr_m`` [m] over the raster area."""
        grid = Grid.outer(ext, res, margin=RASTER_MARGIN + 2 * res, align=res)
        return cls(grid, spectral_noise(rng, grid.shape, corr_px=corr_m / res))

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Field value at points."""
        col = (np.asarray(x) - self.grid.xmin) / self.grid.res - 0.5
        row = (self.grid.ymax - np.asarray(y)) / self.grid.res - 0.5
        return ndimage.map_coordinates(self.values, [np.ravel(row), np.ravel(col)], order=1,
                                       mode="nearest").reshape(np.shape(x))


# ----------------------------------------------------------------------------------------------
# Geometry helpers
# ----------------------------------------------------------------------------------------------
def star_blobs(rng: np.random.Generator, cx: np.ndarray, cy: np.ndarray, r: np.ndarray,
               roughness: float = 0.3, n_vertices: int = 48, aspect: np.ndarray | float = 1.0,
               angle: np.ndarray | float = 0.0) -> np.ndarray:
    """Irregular, star-shaped polygons (always simple and valid).

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    cx, cy : numpy.ndarray
        Centres. [m]
    r : numpy.ndarray
        Mean radii. [m]
    roughness : float
        Amplitude of the boundary harmonics relative to the radius.
    n_vertices : int
        Vertices per polygon.
    aspect : float or numpy.ndarray
        Ratio of the long to the short axis (area preserving).
    angle : float or numpy.ndarray
        Direction of the long axis. [rad]

    Returns
    -------
    numpy.ndarray
        Array of shapely Polygons.
    """
    cx, cy, r = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (cx, cy, r))
    n = len(cx)
    ks = np.arange(2, 7)
    amp = rng.uniform(0.0, 1.0, (n, len(ks))) * roughness / ks
    phase = rng.uniform(0.0, 2.0 * np.pi, (n, len(ks)))
    th = np.linspace(0.0, 2.0 * np.pi, n_vertices, endpoint=False)
    rad = 1.0 + np.einsum("nk,nkv->nv", amp, np.cos(ks[None, :, None] * th[None, None, :] + phase[:, :, None]))
    rad = np.clip(rad, 0.4, None) * r[:, None]
    aspect = np.broadcast_to(np.asarray(aspect, dtype=float), (n,))
    angle = np.broadcast_to(np.asarray(angle, dtype=float), (n,))
    u = rad * np.cos(th) * np.sqrt(aspect)[:, None]
    v = rad * np.sin(th) / np.sqrt(aspect)[:, None]
    ca, sa = np.cos(angle)[:, None], np.sin(angle)[:, None]
    x = cx[:, None] + u * ca - v * sa
    y = cy[:, None] + u * sa + v * ca
    coords = np.stack([x, y], axis=-1)
    coords = np.concatenate([coords, coords[:, :1]], axis=1)
    return shapely.polygons(coords)


def rectangles(cx: np.ndarray, cy: np.ndarray, length: np.ndarray, width: np.ndarray,
               angle: np.ndarray) -> np.ndarray:
    """Rotated rectangles.

    Parameters
    ----------
    cx, cy : numpy.ndarray
        Centres. [m]
    length, width : numpy.ndarray
        Side lengths along and across ``angle``. [m]
    angle : numpy.ndarray
        Direction of the long side. [rad]

    Returns
    -------
    numpy.ndarray
        Array of shapely Polygons.
    """
    hl, hw = np.asarray(length) / 2.0, np.asarray(width) / 2.0
    su = np.array([-1.0, 1.0, 1.0, -1.0, -1.0])
    sv = np.array([-1.0, -1.0, 1.0, 1.0, -1.0])
    u = np.asarray(hl)[:, None] * su
    v = np.asarray(hw)[:, None] * sv
    ca, sa = np.cos(angle)[:, None], np.sin(angle)[:, None]
    x = np.asarray(cx)[:, None] + u * ca - v * sa
    y = np.asarray(cy)[:, None] + u * sa + v * ca
    return shapely.polygons(np.stack([x, y], axis=-1))


def wiggly_segments(rng: np.random.Generator, a: np.ndarray, b: np.ndarray, rel_amp: float = 0.06,
                    step: float = 150.0) -> np.ndarray:
    """Gently curved lines from ``a`` to ``b``; end points are exactly ``a`` and ``b``.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    a, b : numpy.ndarray
        Start and end points, shape (n, 2). [m]
    rel_amp : float
        Standard deviation of the lateral offset relative to the segment length.
    step : float
        Vertex spacing. [m]

    Returns
    -------
    numpy.ndarray
        Array of shapely LineStrings.
    """
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    n = len(a)
    if n == 0:
        return np.empty(0, dtype=object)
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    nv = np.clip(np.ceil(length / step).astype(np.int64) + 1, 2, 400)
    owner = np.repeat(np.arange(n), nv)
    start = np.cumsum(nv) - nv
    k = np.arange(owner.size) - start[owner]
    t = k / (nv[owner] - 1)
    amps = rng.normal(0.0, rel_amp, (n, 3)) / np.array([1.0, 2.0, 3.0])
    off = sum(amps[owner, h] * np.sin(np.pi * (h + 1) * t) for h in range(3)) * length[owner]
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1) / np.maximum(length, 1e-9)[:, None]
    pts = a[owner] + t[:, None] * d[owner] + off[:, None] * normal[owner]
    pts[start] = a
    pts[start + nv - 1] = b
    return shapely.linestrings(pts, indices=owner)


def meander(rng: np.random.Generator, points: np.ndarray, amplitude: float, step: float = 100.0,
            wavelength: tuple[float, float] = (1500.0, 6000.0)) -> np.ndarray:
    """Densify a polyline and add smooth lateral meanders, tapered to zero at both ends.

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream.
    points : numpy.ndarray
        Control points, shape (n, 2). [m]
    amplitude : float
        Standard deviation of the lateral offset. [m]
    step : float
        Vertex spacing. [m]
    wavelength : tuple of float
        Range of meander wavelengths. [m]

    Returns
    -------
    numpy.ndarray
        Vertices, shape (m, 2); first and last equal the control end points.
    """
    line = shapely.segmentize(shapely.linestrings(points), step)
    pts = shapely.get_coordinates(line)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    total = s[-1]
    lam = rng.uniform(*wavelength, 4)
    ph = rng.uniform(0.0, 2.0 * np.pi, 4)
    w = rng.normal(0.0, 1.0, 4)
    off = (w[None, :] * np.sin(2.0 * np.pi * s[:, None] / lam[None, :] + ph[None, :])).sum(1)
    off *= amplitude / max(np.sqrt((w ** 2).sum() / 2.0), 1e-9)
    taper = np.clip(np.minimum(s, total - s) / min(1500.0, total / 3.0 + 1e-9), 0.0, 1.0)
    tangent = np.gradient(pts, axis=0)
    tangent /= np.maximum(np.hypot(tangent[:, 0], tangent[:, 1]), 1e-9)[:, None]
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], axis=1)
    out = pts + (off * taper)[:, None] * normal
    out[0], out[-1] = pts[0], pts[-1]
    return out


def extend_polyline(points: Sequence[Sequence[float]], extend: tuple[bool, bool], length: float) -> np.ndarray:
    """Prolong the first and/or last segment of a polyline straight on by ``length`` [m]."""
    p = np.asarray(points, dtype=float)
    if extend[0]:
        d = p[0] - p[1]
        p = np.vstack([p[0] + d / np.hypot(*d) * length, p])
    if extend[1]:
        d = p[-1] - p[-2]
        p = np.vstack([p, p[-1] + d / np.hypot(*d) * length])
    return p


def clip_lines(lines: np.ndarray, area: shapely.Geometry) -> tuple[np.ndarray, np.ndarray]:
    """Clip lines to ``area`` and explode into single LineStrings.

    Returns
    -------
    tuple of numpy.ndarray
        The line parts and the index of the input line of each part.
    """
    clipped = shapely.intersection(np.asarray(lines), area)
    parts, idx = shapely.get_parts(clipped, return_index=True)
    keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 1.0)
    return parts[keep], idx[keep]


def set_endpoint(line: shapely.LineString, point: np.ndarray, at_start: bool) -> shapely.LineString:
    """Replace the first or last vertex of a line by ``point`` exactly."""
    c = shapely.get_coordinates(line)
    c[0 if at_start else -1] = point
    return shapely.linestrings(c)


def gabriel_edges(pts: np.ndarray) -> np.ndarray:
    """Edges of the Gabriel graph of points (a planar, locally connected graph), shape (m, 2)."""
    n = len(pts)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if n == 2:
        return np.array([[0, 1]])
    tri = Delaunay(pts)
    s = tri.simplices
    e = np.unique(np.sort(np.concatenate([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]]), axis=1), axis=0)
    mid = (pts[e[:, 0]] + pts[e[:, 1]]) / 2.0
    rad = np.hypot(*(pts[e[:, 0]] - pts[e[:, 1]]).T) / 2.0
    dist, _ = cKDTree(pts).query(mid, k=3)
    # The two end points are at exactly `rad`; any third point strictly inside the circle breaks it.
    keep = dist[:, 2] >= rad * 0.999 if dist.shape[1] > 2 else np.ones(len(e), bool)
    return e[keep]


def spanning_tree(pts: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Minimum spanning tree (Euclidean weights) over candidate ``edges``, shape (m, 2)."""
    n = len(pts)
    if len(edges) == 0:
        return edges
    w = np.hypot(*(pts[edges[:, 0]] - pts[edges[:, 1]]).T) + 1e-6
    tree = minimum_spanning_tree(coo_matrix((w, (edges[:, 0], edges[:, 1])), shape=(n, n))).tocoo()
    return np.sort(np.stack([tree.row, tree.col], axis=1), axis=1)


def sparse_network(rng: np.random.Generator, pts: np.ndarray, extra_share: float,
                   max_len: float = np.inf) -> np.ndarray:
    """Spanning tree plus a random share of the remaining Gabriel edges, all shorter than max_len."""
    cand = gabriel_edges(pts)
    if len(cand) == 0:
        return cand
    length = np.hypot(*(pts[cand[:, 0]] - pts[cand[:, 1]]).T)
    cand = cand[length <= max_len]
    tree = spanning_tree(pts, cand)
    in_tree = {tuple(e) for e in tree.tolist()}
    rest = np.array([e for e in cand.tolist() if tuple(e) not in in_tree], dtype=np.int64).reshape(-1, 2)
    extra = rest[rng.random(len(rest)) < extra_share]
    return np.concatenate([tree, extra]) if len(extra) else tree


def greedy_spacing(x: np.ndarray, y: np.ndarray, r: np.ndarray, gap: float, fixed: np.ndarray | None = None,
                   factor: float = 1.4) -> np.ndarray:
    """Accept circles in order so that no two come closer than ``factor*(r_i + r_j) + gap``.

    Parameters
    ----------
    x, y, r : numpy.ndarray
        Candidate centres and radii. [m]
    gap : float
        Extra clearance. [m]
    fixed : numpy.ndarray, optional
        Already placed circles, shape (k, 3) with x, y, r; they are always kept.
    factor : float
        Safety factor on the radii (blobs are larger than their mean radius).

    Returns
    -------
    numpy.ndarray
        Boolean mask of accepted candidates.
    """
    fixed = np.zeros((0, 3)) if fixed is None else np.asarray(fixed, dtype=float).reshape(-1, 3)
    rmax = max(float(np.max(r, initial=0.0)), float(np.max(fixed[:, 2], initial=0.0)))
    cell = 2.0 * factor * rmax + gap
    buckets: dict[tuple[int, int], list[tuple[float, float, float]]] = {}

    def add(px: float, py: float, pr: float) -> None:
        buckets.setdefault((int(px // cell), int(py // cell)), []).append((px, py, pr))

    for px, py, pr in fixed:
        add(px, py, pr)
    keep = np.zeros(len(x), dtype=bool)
    for i, (px, py, pr) in enumerate(zip(x.tolist(), y.tolist(), r.tolist())):
        bx, by = int(px // cell), int(py // cell)
        ok = True
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for qx, qy, qr in buckets.get((bx + dx, by + dy), ()):
                    if (px - qx) ** 2 + (py - qy) ** 2 < (factor * (pr + qr) + gap) ** 2:
                        ok = False
                        break
                if not ok:
                    break
            if not ok:
                break
        if ok:
            keep[i] = True
            add(px, py, pr)
    return keep


def synthetic_names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    """``n`` distinct German-sounding place names not in ``taken``."""
    names: list[str] = []
    seen = set(taken)
    while len(names) < n:
        p = NAME_PREFIXES[rng.integers(len(NAME_PREFIXES))]
        s = NAME_STEMS[rng.integers(len(NAME_STEMS))]
        e = NAME_SUFFIXES[rng.integers(len(NAME_SUFFIXES))]
        name = (p + s.lower() + e) if p else (s + e)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def anchors_inside(anchors: Sequence[Anchor], ext: Extent, margin: float = 0.0) -> list[Anchor]:
    """Anchors whose point lies inside the extent (shrunk by margin)."""
    return [a for a in anchors if ext.inside(np.array(a.x), np.array(a.y), margin)]


def draw_where(rng: np.random.Generator, grid: Grid, weight: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` random points from pixels with probability proportional to ``weight``."""
    w = weight.ravel().astype(np.float64)
    total = w.sum()
    if n == 0 or total <= 0:
        return np.empty(0), np.empty(0)
    idx = rng.choice(w.size, size=n, p=w / total)
    row, col = np.divmod(idx, grid.nx)
    x = grid.xmin + (col + rng.random(n)) * grid.res
    y = grid.ymax - (row + rng.random(n)) * grid.res
    return x, y


def frame(columns: dict[str, Sequence], geometry: Sequence[shapely.Geometry]) -> gpd.GeoDataFrame:
    """GeoDataFrame in the region CRS."""
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(np.asarray(geometry, dtype=object), crs=CRS), crs=CRS)


def rows_frame(rows: list[dict], columns: Sequence[str]) -> gpd.GeoDataFrame:
    """GeoDataFrame from row dicts with a ``geometry`` key; keeps the columns when ``rows`` is empty."""
    if not rows:
        return frame({c: [] for c in columns}, [])
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def scaled_count(rng: np.random.Generator, density: float, area_km2: float) -> int:
    """Poisson-free count: density x area, randomly rounded."""
    expected = density * area_km2
    return int(math.floor(expected + rng.random()))


# ----------------------------------------------------------------------------------------------
# Layer recipes
# ----------------------------------------------------------------------------------------------
@dataclass
class Hydro:
    """Rivers, lakes and their polygons (internal state)."""

    rivers: gpd.GeoDataFrame       # waterway lines
    water: gpd.GeoDataFrame        # natural=water polygons
    main_rivers: np.ndarray        # big river centre lines (for valleys)
    main_names: list[str]          # their names


def make_hydrography(seed: int, ext: Extent) -> Hydro:
    """Big rivers, smaller rivers, canals and large lakes (mine lakes, reservoirs).

    Ponds, streams and ditches are added later, once the landuse is known.
    """
    rng = make_rng(seed, "hydrography")
    far = ext.diagonal * 1.5
    area = ext.box(RASTER_MARGIN)
    river_lines, river_names = [], []
    for anc in SAMPLE_RIVERS:
        pts = meander(rng, extend_polyline(anc.points, anc.extend, far), 250.0)
        river_lines.append(shapely.linestrings(pts))
        river_names.append(anc.name)
    n_extra = max(0, int(round(ext.area_km2 / 2500.0)) - len(river_lines))
    if all(shapely.intersection(g, area).is_empty for g in river_lines):
        n_extra = max(n_extra, 1)  # every region gets at least one big river
    for i in range(n_extra):  # random long rivers crossing the region
        horizontal = bool(i % 2)
        if horizontal:
            y = rng.uniform(ext.ymin + 0.1 * ext.height, ext.ymax - 0.1 * ext.height)
            ctrl = [(ext.xmin, y), (ext.xmin + ext.width / 2, y + rng.normal(0, 4000)),
                    (ext.xmax, y + rng.normal(0, 6000))]
        else:
            x = rng.uniform(ext.xmin + 0.1 * ext.width, ext.xmax - 0.1 * ext.width)
            ctrl = [(x, ext.ymin), (x + rng.normal(0, 4000), ext.ymin + ext.height / 2),
                    (x + rng.normal(0, 6000), ext.ymax)]
        pts = meander(rng, extend_polyline(ctrl, (True, True), far), 400.0)
        river_lines.append(shapely.linestrings(pts))
        river_names.append(RIVER_NAMES[i % len(RIVER_NAMES)])
    main = np.array([shapely.intersection(g, area) for g in river_lines], dtype=object)
    big_union = shapely.union_all(main)

    small, small_names, small_kind = [], [], []
    for anc in SAMPLE_SMALL_RIVERS + SAMPLE_CANALS:
        if not any(ext.inside(np.array(p[0]), np.array(p[1]), -1000.0) for p in anc.points):
            continue
        pts = extend_polyline(anc.points, anc.extend, far)
        pts = meander(rng, pts, 60.0 if anc in SAMPLE_CANALS else 180.0, wavelength=(800.0, 3000.0))
        small.append(shapely.linestrings(pts))
        small_names.append(anc.name)
        small_kind.append("canal" if anc in SAMPLE_CANALS else "river")

    lakes, lake_kind, lake_names, lake_mine = [], [], [], []
    for anc, aspect, ang in zip(SAMPLE_MINE_LAKES, (1.6, 1.5), (math.radians(80), math.radians(10))):
        if ext.inside(np.array(anc.x), np.array(anc.y), -anc.r):
            lakes.append(star_blobs(rng, [anc.x], [anc.y], [anc.r], 0.18, 96, aspect, ang)[0])
            lake_kind.append("lake"), lake_names.append(anc.name), lake_mine.append(True)
    for anc in SAMPLE_RESERVOIRS:
        if ext.inside(np.array(anc.x), np.array(anc.y), -anc.r):
            lakes.append(star_blobs(rng, [anc.x], [anc.y], [anc.r], 0.15, 72, 1.6, math.radians(60))[0])
            lake_kind.append("reservoir"), lake_names.append(anc.name), lake_mine.append(False)
    n_mine = scaled_count(rng, DENSITY["mine_lakes"], ext.area_km2) if ext.area_km2 > 1500 else 0
    if n_mine:
        x, y = ext.uniform(rng, n_mine, 3000.0)
        r = rng.uniform(700.0, 1800.0, n_mine)
        blobs = star_blobs(rng, x, y, r, 0.2, 72, rng.uniform(1.0, 1.8, n_mine), rng.uniform(0, np.pi, n_mine))
        names = synthetic_names(rng, n_mine, set())
        for g, nm in zip(blobs, names):
            lakes.append(g), lake_kind.append("lake"), lake_names.append(f"{nm}er See"), lake_mine.append(True)

    # Tributaries and canals that end near a big river or a lake end exactly on it.
    lake_union = shapely.union_all(np.asarray(lakes, dtype=object)) if lakes else shapely.Polygon()
    for k, line in enumerate(small):
        end = shapely.Point(shapely.get_coordinates(line)[-1])
        for target in (big_union, lake_union.boundary):
            if not target.is_empty and 0.0 < end.distance(target) < 1500.0:
                joint = shapely.get_coordinates(shapely.shortest_line(target, end))[0]
                line = set_endpoint(line, joint, at_start=False)
                break
        small[k] = shapely.intersection(line, area)

    # River polygons (OSM: natural=water + water=river) for the big rivers, 50-80 m wide.
    river_polys = shapely.buffer(main, 35.0, quad_segs=4)
    water = frame({"natural": ["water"] * (len(lakes) + len(main)),
                   "water": lake_kind + ["river"] * len(main),
                   "name": lake_names + river_names,
                   "mine_lake": lake_mine + [False] * len(main)},
                  list(lakes) + list(river_polys))
    # Lakes take precedence over the river polygon where the river runs through a reservoir.
    is_river = water["water"].to_numpy() == "river"
    water.loc[is_river, "geometry"] = shapely.difference(geoms_of(water)[is_river], lake_union)

    rivers = frame({"waterway": ["river"] * len(main) + small_kind,
                    "name": river_names + small_names}, list(main) + small)
    rivers = rivers[~rivers.geometry.is_empty].reset_index(drop=True)
    return Hydro(rivers=rivers, water=water, main_rivers=main, main_names=river_names)


@dataclass
class SpecialAreas:
    """Quarries and airfields (internal state)."""

    quarries: gpd.GeoDataFrame  # name, kind (pit/heap)
    airfields: gpd.GeoDataFrame


def make_special_areas(seed: int, ext: Extent, hydro: Hydro) -> SpecialAreas:
    """Opencast mine remnants (a dry pit and a spoil heap) and small civil airfields."""
    rng = make_rng(seed, "special")
    qx, qy, qr, qn, qk = [], [], [], [], []
    for i, a in enumerate(anchors_inside(SAMPLE_QUARRIES, ext)):
        qx.append(a.x), qy.append(a.y), qr.append(a.r), qn.append(a.name), qk.append("pit" if i == 0 else "heap")
    n_rand = scaled_count(rng, DENSITY["quarries"], ext.area_km2) if ext.area_km2 > 1500 else 0
    n_rand = max(n_rand, 0 if qx else 1)
    if n_rand:
        x, y = ext.uniform(rng, n_rand, 2000.0)
        for i, nm in enumerate(synthetic_names(rng, n_rand, set())):
            qx.append(x[i]), qy.append(y[i]), qr.append(rng.uniform(400, 900))
            kind = "pit" if i % 2 == 0 else "heap"
            qk.append(kind), qn.append(f"Tagebau {nm}" if kind == "pit" else f"Halde {nm}")
    polys = star_blobs(rng, qx, qy, qr, 0.25, 48, 1.3, rng.uniform(0, np.pi, len(qx))) if qx else []
    quarries = frame({"name": qn, "kind": qk}, polys)
    water_union = shapely.union_all(geoms_of(hydro.water))
    quarries = quarries[~quarries.intersects(water_union)].reset_index(drop=True)

    quarry_union = shapely.union_all(geoms_of(quarries))
    fields = [(a.name, SAMPLE_AIRFIELD_ICAO.get(a.name), a.x, a.y, math.radians(a.r))
              for a in anchors_inside(SAMPLE_AIRFIELDS, ext, 1000.0)]
    n_rand = scaled_count(rng, DENSITY["airfields"], ext.area_km2) if ext.area_km2 > 3000 else 0
    n_rand = max(n_rand, 0 if fields else 1)
    if n_rand:
        x, y = ext.uniform(rng, 20 * n_rand, 3000.0)
        a = rng.uniform(0, np.pi, x.size)
        cand = rectangles(x, y, np.full(x.size, 1300.0), np.full(x.size, 260.0), a)
        dry = np.flatnonzero(~shapely.intersects(cand, water_union) & ~shapely.intersects(cand, quarry_union))
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        for i, nm in zip(dry[:n_rand], synthetic_names(rng, n_rand, set())):
            icao = "ED" + letters[rng.integers(26)] + letters[rng.integers(26)]
            fields.append((f"Flugplatz {nm}", icao, x[i], y[i], a[i]))
    if fields:
        names, icaos, fx, fy, fa = map(list, zip(*fields))
        geoms = rectangles(np.array(fx), np.array(fy), np.full(len(fx), 1300.0), np.full(len(fx), 260.0), np.array(fa))
    else:
        names, icaos, geoms = [], [], []
    airfields = frame({"aeroway": ["aerodrome"] * len(names), "aerodrome:type": ["airfield"] * len(names),
                       "name": names, "icao": icaos}, geoms)
    airfields = airfields[~airfields.intersects(water_union)].reset_index(drop=True)
    return SpecialAreas(quarries=quarries, airfields=airfields)


@dataclass
class Settlements:
    """Settlement centres and their landuse zones (internal state)."""

    places: pd.DataFrame           # name, x, y, r, kind (city/town/village), angle
    zones: gpd.GeoDataFrame        # landuse (residential/commercial/industrial), name, owner, ...


def make_settlements(seed: int, ext: Extent, hydro: Hydro, special: SpecialAreas) -> Settlements:
    """Towns and villages: anchored ones plus random ones with Pareto-distributed sizes.

    Each settlement gets a coherent residential polygon; towns get commercial and industrial
    polygons on their edge. Zones do not overlap water, quarries or airfields.
    """
    rng = make_rng(seed, "settlements")
    anchors = [(a, "town") for a in anchors_inside(SAMPLE_TOWNS, ext)]
    anchors += [(a, "village") for a in anchors_inside(SAMPLE_VILLAGES, ext)]
    fixed = np.array([(a.x, a.y, a.r) for a, _ in anchors]).reshape(-1, 3)

    n_target = int(round(DENSITY["settlements"] * ext.area_km2))
    n_cities = int(round(DENSITY["cities"] * ext.area_km2)) if ext.area_km2 > 3000 else 0
    blocked = shapely.union_all(np.concatenate([geoms_of(hydro.water), geoms_of(special.quarries),
                                                geoms_of(special.airfields)]))
    shapely.prepare(blocked)
    industry = np.array([(a.x, a.y, a.r) for a in anchors_inside(SAMPLE_INDUSTRY, ext)]).reshape(-1, 3)
    occupied = np.vstack([fixed, industry])
    cities = np.zeros((0, 3))
    if n_cities:  # cities first: they may lie on a river (the water is cut out of them later)
        cx, cy = ext.uniform(rng, 40 * n_cities, 3000.0)
        cr = rng.uniform(3000.0, 4000.0, cx.size)
        ok = shapely.distance(blocked, shapely.points(cx, cy)) > 0.3 * cr
        keep = greedy_spacing(cx[ok], cy[ok], cr[ok], 2000.0, fixed=occupied)
        cities = np.column_stack([cx[ok][keep], cy[ok][keep], cr[ok][keep]])[:n_cities]
        occupied = np.vstack([occupied, cities])
    n_cand = 4 * max(n_target, 1) + 50
    x, y = ext.uniform(rng, n_cand, 300.0)
    r = np.minimum(160.0 * rng.random(n_cand) ** (-1.0 / 3.0), 2200.0)
    # Keep candidates off water, quarries and airfields.
    ok = shapely.distance(blocked, shapely.points(x, y)) > 1.3 * r + 150.0
    x, y, r = x[ok], y[ok], r[ok]
    keep = greedy_spacing(x, y, r, 250.0, fixed=occupied)
    n_random = max(0, n_target - len(anchors) - len(cities))
    x = np.concatenate([cities[:, 0], x[keep][:n_random]])
    y = np.concatenate([cities[:, 1], y[keep][:n_random]])
    r = np.concatenate([cities[:, 2], r[keep][:n_random]])

    names = [a.name for a, _ in anchors] + synthetic_names(rng, len(x), {a.name for a, _ in anchors})
    kind = [k for _, k in anchors] + ["city" if ri >= 2500 else "town" if ri >= 600 else "village" for ri in r]
    places = pd.DataFrame({"name": names, "x": np.concatenate([fixed[:, 0], x]),
                           "y": np.concatenate([fixed[:, 1], y]), "r": np.concatenate([fixed[:, 2], r]),
                           "kind": kind})
    n = len(places)
    places["angle"] = rng.uniform(0.0, np.pi / 2.0, n)
    is_town = places["kind"].to_numpy() != "village"
    res = star_blobs(rng, places.x.values, places.y.values, places.r.values,
                     0.5, 64, rng.uniform(1.0, 1.8, n), rng.uniform(0, np.pi, n))

    # Commercial / industrial edge zones of towns.
    zx, zy, zr, zk, zo, zn = [], [], [], [], [], []
    for i in np.flatnonzero(is_town):
        k = 1 + int(places.r.iat[i] > 900) + int(places.r.iat[i] > 2000)
        ang = rng.uniform(0.0, 2.0 * np.pi) + np.arange(k) * 2.0 * np.pi / k
        dist_c = places.r.iat[i] * rng.uniform(0.85, 1.05, k)
        for j in range(k):
            zx.append(places.x.iat[i] + dist_c[j] * np.cos(ang[j]))
            zy.append(places.y.iat[i] + dist_c[j] * np.sin(ang[j]))
            zr.append(places.r.iat[i] * rng.uniform(0.25, 0.4))
            zk.append("industrial" if j % 2 == 0 else "commercial")
            zo.append(i)
            zn.append(f"Gewerbegebiet {places.name.iat[i]}" if j % 2 else f"Industriegebiet {places.name.iat[i]}")
    for a in anchors_inside(SAMPLE_INDUSTRY, ext):
        zx.append(a.x), zy.append(a.y), zr.append(a.r), zk.append("industrial"), zn.append(a.name)
        zo.append(int(np.argmin(np.hypot(places.x.values - a.x, places.y.values - a.y))))
    edge = star_blobs(rng, zx, zy, zr, 0.3, 40, 1.3, rng.uniform(0, np.pi, len(zx))) if zx else np.empty(0, object)

    clear = shapely.buffer(blocked, 40.0)
    edge = shapely.difference(edge, clear)
    edge_union = shapely.union_all(edge) if len(edge) else shapely.Polygon()
    res = shapely.difference(shapely.difference(res, clear), edge_union)
    geoms = np.concatenate([res, edge])
    zones = frame({"landuse": ["residential"] * n + zk,
                   "name": list(places.name) + zn,
                   "owner": np.concatenate([np.arange(n), np.array(zo, dtype=np.int64)]),
                   "town": np.concatenate([is_town, np.ones(len(zk), bool)])},
                  geoms)
    zones = zones[~zones.geometry.is_empty & (zones.geometry.area > 2000.0)].reset_index(drop=True)
    zones["geometry"] = shapely.make_valid(geoms_of(zones))
    return Settlements(places=places, zones=zones)


def make_municipalities(seed: int, ext: Extent, places: pd.DataFrame, n: int) -> gpd.GeoDataFrame:
    """Municipal territories tiling the extent exactly (warped Voronoi cells, simplified as a coverage)."""
    rng = make_rng(seed, "municipalities")
    seeds = [(nm, ags, pts[0][0], pts[0][1]) for nm, ags, pts in SAMPLE_MUNICIPALITIES
             if ext.inside(np.array(pts[0][0]), np.array(pts[0][1]))][:n]
    extra = [(i, x, y) for i, (nm, _, pts) in enumerate(SAMPLE_MUNICIPALITIES) for x, y in pts[1:]
             if any(s[0] == nm for s in seeds)]
    k = n - len(seeds)
    if k > 0:
        spacing = math.sqrt(ext.area_km2 * KM2 / n)
        cx, cy = ext.uniform(rng, 20 * k + 20)
        fixed = np.array([(s[2], s[3], spacing * 0.3) for s in seeds]).reshape(-1, 3)
        keep = greedy_spacing(cx, cy, np.full(cx.size, spacing * 0.3), 0.0, fixed=fixed, factor=1.0)
        cx, cy = cx[keep][:k], cy[keep][:k]
        if len(cx) < k:  # fall back to plain random points if the spacing was too strict
            ex, ey = ext.uniform(rng, k - len(cx))
            cx, cy = np.concatenate([cx, ex]), np.concatenate([cy, ey])
        seeds += [(None, None, float(a), float(b)) for a, b in zip(cx, cy)]
    # Seed points: one per municipality plus the other places of the anchored ones.
    name_pos = {s[0]: i for i, s in enumerate(seeds) if s[0]}
    owner_of = [i for i in range(len(seeds))]
    sx = [s[2] for s in seeds]
    sy = [s[3] for s in seeds]
    for i, x, y in extra:
        if ext.inside(np.array(x), np.array(y)):
            owner_of.append(name_pos[SAMPLE_MUNICIPALITIES[i][0]])
            sx.append(x)
            sy.append(y)
    sx, sy, owner_of = np.array(sx, float), np.array(sy, float), np.array(owner_of)

    res = max(25.0, math.ceil(max(ext.width, ext.height) / 1500.0 / 25.0) * 25.0)
    nx, ny = int(math.ceil(ext.width / res)), int(math.ceil(ext.height / res))
    rx, ry = ext.width / nx, ext.height / ny
    xs = ext.xmin + (np.arange(nx) + 0.5) * rx
    ys = ext.ymax - (np.arange(ny) + 0.5) * ry
    gx, gy = np.meshgrid(xs, ys)
    spacing = math.sqrt(ext.area_km2 * KM2 / max(n, 1))
    wx = SmoothField.random(rng, ext, spacing * 0.3, res=max(250.0, spacing / 10))
    wy = SmoothField.random(rng, ext, spacing * 0.3, res=max(250.0, spacing / 10))
    amp = spacing * 0.12
    qx = gx + amp * wx(gx, gy)
    qy = gy + amp * wy(gx, gy)
    # Settlement centres become extra seeds of the municipality they fall into, so that
    # boundaries pass between settlements rather than through them.
    px, py = places.x.to_numpy(), places.y.to_numpy()
    _, first = cKDTree(np.column_stack([sx, sy])).query(np.column_stack([px + amp * wx(px, py), py + amp * wy(px, py)]))
    inside = ext.inside(px, py)
    sx = np.concatenate([sx, px[inside] + amp * wx(px[inside], py[inside])])
    sy = np.concatenate([sy, py[inside] + amp * wy(px[inside], py[inside])])
    owner_of = np.concatenate([owner_of, owner_of[first[inside]]])
    _, label = cKDTree(np.column_stack([sx, sy])).query(np.column_stack([qx.ravel(), qy.ravel()]))
    label = owner_of[label].reshape(ny, nx).astype(np.int32)
    transform = rasterio.Affine(rx, 0.0, ext.xmin, 0.0, -ry, ext.ymax)
    parts, owner = [], []
    for geom, val in shapes(label, connectivity=4, transform=transform):
        parts.append(shapely.geometry.shape(geom))
        owner.append(int(val))
    parts = np.array(parts, dtype=object)
    owner = np.array(owner)
    # Drop pixel-scale noise: reassign tiny parts to the neighbour they share most boundary with.
    tiny = shapely.area(parts) < 4 * rx * ry
    if tiny.any():
        tree = shapely.STRtree(parts)
        for i in np.flatnonzero(tiny):
            cand = [j for j in tree.query(parts[i], predicate="touches") if not tiny[j]]
            if cand:
                shared = [shapely.length(shapely.intersection(parts[i].boundary, parts[j].boundary)) for j in cand]
                owner[i] = owner[cand[int(np.argmax(shared))]]
    parts = simplify_coverage(parts, tolerance=4.0 * res, simplify_boundary=False)
    geoms, names, agss = [], [], []
    for m in range(len(seeds)):
        mine = parts[owner == m]
        if len(mine) == 0:
            continue
        geoms.append(union_coverage(mine) if len(mine) > 1 else mine[0])
        names.append(seeds[m][0])
        agss.append(seeds[m][1])
    geoms = shapely.make_valid(np.array(geoms, dtype=object))
    # Name synthetic municipalities after their largest settlement.
    taken = {nm for nm in names if nm}
    order = np.argsort(-places.r.values)
    pts = shapely.points(places.x.values[order], places.y.values[order])
    for i, g in enumerate(geoms):
        if names[i] is None:
            inside = shapely.contains(g, pts)
            cands = [places.name.values[order][j] for j in np.flatnonzero(inside)
                     if places.name.values[order][j] not in taken]
            names[i] = cands[0] if cands else synthetic_names(rng, 1, taken)[0]
            taken.add(names[i])
    districts = ("081", "082", "083", "084", "085", "086", "087", "088", "089", "090", "091")
    for i in range(len(agss)):
        if agss[i] is None:
            agss[i] = f"15{districts[i % len(districts)]}{900 - i // len(districts):03d}" if i < 9000 else f"15{i:06d}"
    return frame({"name": names, "ags": agss, "population": np.zeros(len(names), dtype=np.int64),
                  "land": ["ST"] * len(names)}, geoms)


@dataclass
class Transport:
    """Roads and railways (internal state)."""

    roads: gpd.GeoDataFrame
    railways: gpd.GeoDataFrame


def _anchored_lines(rng: np.random.Generator, anchors: Sequence[LineAnchor], ext: Extent, amp: float,
                    area: shapely.Geometry) -> list[tuple[str, shapely.LineString]]:
    """Meandered anchored lines that reach into the extent, clipped to ``area``."""
    out = []
    for anc in anchors:
        pts = np.asarray(anc.points, dtype=float)
        if not ext.inside(pts[:, 0], pts[:, 1], -500.0).any():
            continue
        line = shapely.linestrings(meander(rng, extend_polyline(pts, anc.extend, ext.diagonal * 1.5), amp,
                                           wavelength=(2000.0, 8000.0)))
        for part in shapely.get_parts(shapely.intersection(line, area)):
            if shapely.get_type_id(part) == 1 and part.length > 1.0:
                out.append((anc.name, part))
    return out


def _random_crossing_lines(rng: np.random.Generator, ext: Extent, n: int, amp: float, through: np.ndarray | None = None
                           ) -> list[shapely.LineString]:
    """Long lines crossing the whole extent, alternately N-S and W-E, optionally through given points."""
    out = []
    for i in range(n):
        if through is not None and len(through):
            px, py = through[i % len(through)]
        else:
            px, py = ext.uniform(rng, 1, 0.1 * min(ext.width, ext.height))
            px, py = float(px[0]), float(py[0])
        ang = (np.pi / 2 if i % 2 == 0 else 0.0) + rng.normal(0.0, 0.3)
        d = np.array([np.cos(ang), np.sin(ang)]) * ext.diagonal
        ctrl = np.array([[px, py] - d, [px, py], [px, py] + d])
        out.append(shapely.linestrings(meander(rng, ctrl, amp, wavelength=(3000.0, 12000.0))))
    return out


def make_transport(seed: int, ext: Extent, hydro: Hydro, special: SpecialAreas, settlements: Settlements) -> Transport:
    """Motorways, federal roads, a road network between settlements, streets, tracks and railways.

    Tracks are added later (:func:`make_tracks`) because they need the landuse grid.
    """
    rng = make_rng(seed, "transport")
    box = ext.box()
    places = settlements.places
    rows: list[dict] = []

    def add(geoms: Sequence[shapely.Geometry], **attrs) -> None:
        for g in geoms:
            rows.append({**attrs, "geometry": g})

    big = ext.area_km2 > 2000.0
    motorways = _anchored_lines(rng, SAMPLE_MOTORWAYS, ext, 150.0, box)
    for ref, line in motorways:
        add([line], highway="motorway", ref=ref, name=None, maxspeed="none")
    # Random motorways in big regions (~0.021 km/km2), at least one anywhere.
    n_mw = max(0, int(round(ext.area_km2 * 0.021 / max(ext.width, ext.height) * 1000)) - 1) if big else 0
    n_mw = max(n_mw, 0 if motorways else 1)
    refs = ("A 14", "A 38", "A 143", "A 71", "A 72", "A 2", "A 4", "A 13")
    for i, line in enumerate(_random_crossing_lines(rng, ext, n_mw, 600.0)):
        add(clip_lines(np.array([line]), box)[0], highway="motorway", ref=refs[i % len(refs)], name=None,
            maxspeed="120" if i % 3 == 0 else "none")
    federal = _anchored_lines(rng, SAMPLE_FEDERAL_ROADS, ext, 120.0, box)
    for ref, line in federal:
        add([line], highway="primary", ref=ref, name=None, maxspeed="100")
    if not federal and not big:
        for ref, line in zip(("B 6", "B 80"), _random_crossing_lines(rng, ext, 2, 300.0)):
            add(clip_lines(np.array([line]), box)[0], highway="primary", ref=ref, name=None, maxspeed="100")

    pts = places[["x", "y"]].to_numpy()
    towns = np.flatnonzero(places.kind.to_numpy() != "village")
    if big and len(towns) > 2:  # federal roads between towns
        edges = sparse_network(rng, pts[towns], 0.15, max_len=40000.0)
        refs = ("B 6", "B 80", "B 91", "B 180", "B 181", "B 246a", "B 87", "B 176", "B 2", "B 107", "B 185")
        lines = wiggly_segments(rng, pts[towns][edges[:, 0]], pts[towns][edges[:, 1]], 0.04, 200.0)
        parts, idx = clip_lines(lines, box)
        for part, e in zip(parts, idx):
            add([part], highway="primary", ref=refs[e % len(refs)], name=None, maxspeed="100")

    # Road network between settlements (Gabriel graph), classed by the size of its ends.
    edges = sparse_network(rng, pts, 0.6, max_len=9000.0)
    rr = places.r.to_numpy()
    small_end = np.minimum(rr[edges[:, 0]], rr[edges[:, 1]])
    lines = wiggly_segments(rng, pts[edges[:, 0]], pts[edges[:, 1]], 0.05, 150.0)
    blocked = shapely.union_all(np.concatenate([geoms_of(hydro.water)[hydro.water["water"].to_numpy() != "river"],
                                                geoms_of(special.quarries), geoms_of(special.airfields)]))
    ok = ~shapely.intersects(lines, blocked)
    cls = np.where(small_end >= 600, "secondary", np.where(small_end >= 350, "tertiary", "unclassified"))
    ref_num = rng.integers(100, 999, len(lines))
    for line, c, num, good in zip(lines, cls, ref_num, ok):
        if not good:
            continue
        ref = f"L {num}" if c == "secondary" else f"K {2000 + num}" if c == "tertiary" else None
        add(clip_lines(np.array([line]), box)[0], highway=str(c), ref=ref, name=None, maxspeed="100")

    add_streets(rng, settlements, rows)
    roads = rows_frame(rows, ("highway", "ref", "name", "maxspeed"))
    roads = split_speed_in_settlements(roads, settlements.zones)

    rails: list[dict] = []
    for name, line in _anchored_lines(rng, SAMPLE_MAIN_RAILWAYS, ext, 80.0, box):
        rails.append(dict(railway="rail", tracks=2, usage="main", electrified="contact_line", name=name, geometry=line))
    main_union = shapely.union_all([r["geometry"] for r in rails])
    for name, line in _anchored_lines(rng, SAMPLE_BRANCH_RAILWAYS, ext, 80.0, box):
        if not main_union.is_empty and line.distance(main_union) < 1000.0:  # junction on the main line
            start = shapely.get_coordinates(shapely.shortest_line(main_union, shapely.Point(line.coords[0])))[0]
            line = set_endpoint(line, start, at_start=True)
        rails.append(dict(railway="rail", tracks=1, usage="branch", electrified="no", name=name, geometry=line))
    if not rails:  # no anchored lines inside: one random main line and one branch line
        for i, line in enumerate(_random_crossing_lines(rng, ext, 2, 300.0)):
            for part in clip_lines(np.array([line]), box)[0]:
                rails.append(dict(railway="rail", tracks=2 - i, usage=("main", "branch")[i],
                                  electrified=("contact_line", "no")[i], name=f"Bahnstrecke {i + 1}", geometry=part))
    if big and len(towns) > 2:
        order = towns[np.argsort(-rr[towns])][: max(3, len(towns) // 2)]
        edges = sparse_network(rng, pts[order], 0.1, max_len=45000.0)
        lines = wiggly_segments(rng, pts[order][edges[:, 0]], pts[order][edges[:, 1]], 0.03, 200.0)
        main = rr[order][edges[:, 0]] + rr[order][edges[:, 1]] > np.median(rr[order]) * 2.4
        for e, line, is_main in zip(edges, lines, main):
            nm = f"Bahnstrecke {places.name.iat[order[e[0]]]}–{places.name.iat[order[e[1]]]}"
            for part in clip_lines(np.array([line]), box)[0]:
                rails.append(dict(railway="rail", tracks=2 if is_main else 1, usage="main" if is_main else "branch",
                                  electrified="contact_line" if is_main else "no", name=nm, geometry=part))
    railways = rows_frame(rails, ("railway", "tracks", "usage", "electrified", "name"))
    return Transport(roads=roads, railways=railways)


def street_grid_lines(places: pd.DataFrame, zones: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Street centre lines on the building grid of each residential zone.

    Streets run between every second row of building cells and across every sixth column,
    so they never cut through a building cell (see :func:`settlement_buildings`).

    Returns
    -------
    tuple of numpy.ndarray
        Lines (possibly multi-part) and the zone index of each line.
    """
    res = np.flatnonzero(zones.landuse.to_numpy() == "residential")
    lines, owner = [], []
    for zi in res:
        o = zones.owner.iat[zi]
        sx, sy = CELL[places.kind.iat[o]]
        cx, cy, ang = places.x.iat[o], places.y.iat[o], places.angle.iat[o]
        rmax = math.sqrt(((shapely.get_coordinates(zones.geometry.iat[zi]) - [cx, cy]) ** 2).sum(1).max())
        kmax = int(rmax / (2 * sy)) + 1
        mmax = int(rmax / (6 * sx)) + 1
        ca, sa = math.cos(ang), math.sin(ang)
        for k in range(-kmax, kmax + 1):  # along-row streets at v = (2k + 0.5) sy
            v = (2 * k + 0.5) * sy
            u = np.array([-rmax, rmax])
            lines.append(np.column_stack([cx + u * ca - v * sa, cy + u * sa + v * ca]))
            owner.append(zi)
        for m in range(-mmax, mmax + 1):  # cross streets at u = (6m + 1.5) sx
            u = (6 * m + 1.5) * sx
            v = np.array([-rmax, rmax])
            lines.append(np.column_stack([cx + u * ca - v * sa, cy + u * sa + v * ca]))
            owner.append(zi)
    if not lines:
        return np.empty(0, object), np.empty(0, np.int64)
    geoms = shapely.linestrings(np.array(lines))
    owner = np.array(owner)
    return shapely.intersection(geoms, geoms_of(zones)[owner]), owner


def add_streets(rng: np.random.Generator, settlements: Settlements, rows: list[dict]) -> None:
    """Append residential streets (highway=residential) to ``rows``."""
    lines, _ = street_grid_lines(settlements.places, settlements.zones)
    if len(lines) == 0:
        return
    parts = shapely.get_parts(lines)
    keep = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 60.0)
    names = rng.integers(0, len(STREET_NAMES), keep.sum())
    speed = np.where(rng.random(keep.sum()) < 0.6, "30", "50")
    for g, nm, sp in zip(parts[keep], names, speed):
        rows.append(dict(highway="residential", ref=None, name=STREET_NAMES[nm], maxspeed=str(sp), geometry=g))


def split_speed_in_settlements(roads: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Split rural roads at settlement edges; the parts inside get maxspeed=50 (German default)."""
    rural = roads.highway.isin(["primary", "secondary", "tertiary", "unclassified"]).to_numpy()
    geoms = geoms_of(roads)
    zone_geoms = geoms_of(zones)[zones.landuse.to_numpy() == "residential"]
    tree = shapely.STRtree(zone_geoms)
    li, zi = tree.query(geoms[rural], predicate="intersects")
    rural_idx = np.flatnonzero(rural)
    out_rows = []
    touched = set()
    for i in np.unique(li):
        gi = rural_idx[i]
        touched.add(gi)
        local = shapely.union_all(zone_geoms[zi[li == i]])
        attrs = roads.iloc[gi].drop("geometry").to_dict()
        for piece, speed in ((shapely.intersection(geoms[gi], local), "50"),
                             (shapely.difference(geoms[gi], local), attrs["maxspeed"])):
            for part in shapely.get_parts(shapely.line_merge(piece) if shapely.get_type_id(piece) == 5 else piece):
                if shapely.get_type_id(part) == 1 and part.length > 1.0:
                    out_rows.append({**attrs, "maxspeed": speed, "geometry": part})
    kept = roads.iloc[[i for i in range(len(roads)) if i not in touched]]
    extra = gpd.GeoDataFrame(out_rows, geometry="geometry", crs=CRS) if out_rows else kept.iloc[:0]
    return pd.concat([kept, extra], ignore_index=True)


# ----------------------------------------------------------------------------------------------
# Landuse grid: forest, meadow, farmland
# ----------------------------------------------------------------------------------------------
@dataclass
class LanduseGrid:
    """Class grid over the extent plus margin (internal state).

    Attributes
    ----------
    grid : Grid
        Geometry of the class grid.
    classes : numpy.ndarray
        uint8 landuse class per pixel (FARMLAND, FOREST, ...).
    settlement_distance : numpy.ndarray
        Distance to the nearest built-up pixel. [m]
    field_angle : float
        Main direction of field boundaries. [rad]
    """

    grid: Grid
    classes: np.ndarray
    settlement_distance: np.ndarray
    field_angle: float


def soil_potential(ext: Extent, field: SmoothField, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Large-scale soil fertility in [0, 1]: loess plate in the west, sand towards the Mulde."""
    loess = 1.0 / (1.0 + np.exp((x - 721000.0) / 3500.0))
    sand = 1.0 / (1.0 + np.exp(-(x - 733500.0) / 2000.0))
    return np.clip(0.45 + 0.4 * loess - 0.2 * sand + 0.12 * field(x, y), 0.0, 1.0)


def clean_mask(mask: np.ndarray, res: float, min_width: float = 60.0) -> np.ndarray:
    """Remove speckles and slivers narrower than ~min_width [m] and fill small holes of a mask."""
    it = max(1, int(round(min_width / res / 2)))
    out = ndimage.binary_opening(mask, iterations=it)
    out = ndimage.binary_closing(out, iterations=it)
    return out


def make_landuse_grid(seed: int, ext: Extent, hydro: Hydro, special: SpecialAreas, settlements: Settlements,
                      soil_field: SmoothField) -> LanduseGrid:
    """Classify every pixel: water, built-up, quarry, airfield, forest, meadow or farmland."""
    rng = make_rng(seed, "landuse")
    res = 25.0 if Grid.outer(ext, 25.0).nx * Grid.outer(ext, 25.0).ny <= 6_000_000 else 50.0
    grid = Grid.outer(ext, res)
    cls = np.zeros(grid.shape, dtype=np.uint8)
    z = settlements.zones
    for lu, code in (("residential", RESIDENTIAL), ("commercial", COMMERCIAL), ("industrial", INDUSTRIAL)):
        m = grid.burn(geoms_of(z)[z.landuse.to_numpy() == lu]).astype(bool)
        cls[m] = code
    cls[grid.burn(geoms_of(special.quarries)).astype(bool)] = QUARRY
    cls[grid.burn(geoms_of(special.airfields)).astype(bool)] = AERODROME
    cls[grid.burn(geoms_of(hydro.water)).astype(bool)] = WATER
    open_land = cls == FARMLAND

    xs, ys = grid.xs(), grid.ys()
    gx, gy = np.meshgrid(xs, ys)
    soil = soil_potential(ext, soil_field, gx, gy)
    mining = np.isin(cls, (QUARRY,)) | grid.burn(geoms_of(hydro.water)[hydro.water.mine_lake.to_numpy()]).astype(bool)
    near_mining = np.exp(-grid.distance_to(mining) / 700.0)
    built = np.isin(cls, BUILT_UP)
    near_town = np.exp(-grid.distance_to(built) / 400.0)
    patches = spectral_noise(rng, grid.shape, beta=3.0, highpass_px=2500.0 / res)  # patchy, no huge blobs
    score = patches - 0.45 * soil + 0.35 * near_mining - 0.8 * near_town
    thr = np.quantile(score[open_land], 1.0 - FOREST_SHARE)
    forest = open_land & clean_mask(score > thr, grid.res)
    cls[forest] = FOREST

    river_mask = grid.burn(geoms_of(hydro.rivers), all_touched=True).astype(bool)
    d_river = grid.distance_to(river_mask)
    width = 350.0 + 180.0 * spectral_noise(rng, grid.shape, corr_px=1500.0 / res)
    meadow = (cls == FARMLAND) & (d_river < width)
    meadow |= (cls == FARMLAND) & (spectral_noise(rng, grid.shape, beta=3.3, highpass_px=2000.0 / res) > 2.0)
    cls[clean_mask(meadow, grid.res) & (cls == FARMLAND)] = MEADOW
    del gx, gy, soil, score, near_mining, near_town
    return LanduseGrid(grid=grid, classes=cls, settlement_distance=grid.distance_to(built),
                       field_angle=float(rng.uniform(0.0, np.pi / 2)))


def add_ponds(seed: int, ext: Extent, lu: LanduseGrid, hydro: Hydro) -> None:
    """Small ponds (< 1 ha and > 1 ha) on open land; updates ``hydro.water`` and the class grid."""
    rng = make_rng(seed, "ponds")
    n = scaled_count(rng, DENSITY["ponds"], ext.area_km2)
    x, y = ext.uniform(rng, 4 * n + 10, 200.0)
    c = lu.grid.sample(lu.classes, x, y)
    ok = np.isin(c, (FARMLAND, MEADOW, FOREST)) & (lu.grid.sample(lu.settlement_distance, x, y) > 150.0)
    x, y = x[ok][:n], y[ok][:n]
    r = np.where(rng.random(len(x)) < 0.55, rng.uniform(25.0, 55.0, len(x)), rng.uniform(60.0, 140.0, len(x)))
    ponds = star_blobs(rng, x, y, r, 0.3, 24, rng.uniform(1.0, 2.0, len(x)), rng.uniform(0, np.pi, len(x)))
    names = [f"Teich {i + 1}" if ri > 100 else None for i, ri in enumerate(r)]
    extra = frame({"natural": ["water"] * len(x), "water": ["pond"] * len(x), "name": names,
                   "mine_lake": [False] * len(x)}, ponds)
    hydro.water = pd.concat([hydro.water, extra], ignore_index=True)
    lu.classes[lu.grid.burn(ponds).astype(bool)] = WATER


def add_streams(seed: int, ext: Extent, lu: LanduseGrid, hydro: Hydro) -> None:
    """Streams flowing into the rivers and straight drainage ditches along field edges."""
    rng = make_rng(seed, "streams")
    box = ext.box()
    target = ext.box(RASTER_MARGIN)
    receivers = shapely.union_all(geoms_of(hydro.rivers))
    n = max(1, int(DENSITY["streams_km"] * ext.area_km2 / 4.0))
    x, y = ext.uniform(rng, 3 * n + 5, 500.0)
    c = lu.grid.sample(lu.classes, x, y)
    ok = np.isin(c, (FARMLAND, MEADOW, FOREST))
    x, y = x[ok][:n], y[ok][:n]
    starts = np.column_stack([x, y])
    if receivers.is_empty or len(starts) == 0:
        streams = frame({"waterway": [], "name": []}, [])
    else:
        ends = shapely.get_coordinates(shapely.shortest_line(receivers, shapely.points(starts)))[0::2]
        dist = np.hypot(*(ends - starts).T)
        ok = (dist > 1500.0) & (dist < 9000.0)
        lines = wiggly_segments(rng, starts[ok], ends[ok], 0.08, 80.0)
        names = [STREAM_NAMES[i % len(STREAM_NAMES)] if rng.random() < 0.5 else None for i in range(ok.sum())]
        parts, idx = clip_lines(lines, target)
        streams = frame({"waterway": ["stream"] * len(parts), "name": [names[i] for i in idx]}, parts)

    # Ditches: straight lines following the field pattern in farmland and meadows.
    n = int(DENSITY["ditches_km"] * ext.area_km2 / 0.9)
    cx, cy = ext.uniform(rng, 3 * n + 5, 100.0)
    length = rng.uniform(400.0, 1400.0, cx.size)
    ang = lu.field_angle + np.where(rng.random(cx.size) < 0.5, 0.0, np.pi / 2)
    a = np.column_stack([cx - length / 2 * np.cos(ang), cy - length / 2 * np.sin(ang)])
    b = np.column_stack([cx + length / 2 * np.cos(ang), cy + length / 2 * np.sin(ang)])
    ok = np.ones(cx.size, bool)
    for t in np.linspace(0.0, 1.0, 6):
        p = a + t * (b - a)
        ok &= np.isin(lu.grid.sample(lu.classes, p[:, 0], p[:, 1]), (FARMLAND, MEADOW))
    idx = np.flatnonzero(ok)[:n]
    ditches = shapely.intersection(shapely.linestrings(np.stack([a[idx], b[idx]], axis=1)), box)
    ditch = frame({"waterway": ["ditch"] * len(idx), "name": [None] * len(idx)}, ditches)
    hydro.rivers = pd.concat([hydro.rivers, streams, ditch], ignore_index=True)


def make_tracks(seed: int, ext: Extent, lu: LanduseGrid) -> gpd.GeoDataFrame:
    """Farm tracks (highway=track) along the field pattern, kept off water and built-up land."""
    rng = make_rng(seed, "tracks")
    n = int(DENSITY["tracks_km"] * ext.area_km2 / 1.1)
    cx, cy = ext.uniform(rng, 3 * n + 5, 100.0)
    length = rng.uniform(500.0, 1700.0, cx.size)
    ang = lu.field_angle + np.where(rng.random(cx.size) < 0.5, 0.0, np.pi / 2) + rng.normal(0, 0.05, cx.size)
    a = np.column_stack([cx - length / 2 * np.cos(ang), cy - length / 2 * np.sin(ang)])
    b = np.column_stack([cx + length / 2 * np.cos(ang), cy + length / 2 * np.sin(ang)])
    ok = np.ones(cx.size, bool)
    for t in np.linspace(0.0, 1.0, 8):
        p = a + t * (b - a)
        ok &= np.isin(lu.grid.sample(lu.classes, p[:, 0], p[:, 1]), (FARMLAND, MEADOW, FOREST))
    idx = np.flatnonzero(ok)[:n]
    lines = shapely.intersection(wiggly_segments(rng, a[idx], b[idx], 0.01, 200.0), ext.box())
    return frame({"highway": ["track"] * len(idx), "ref": [None] * len(idx), "name": [None] * len(idx),
                  "maxspeed": [None] * len(idx)}, lines)


def landuse_polygons(ext: Extent, lu: LanduseGrid, settlements: Settlements, special: SpecialAreas,
                     seed: int) -> gpd.GeoDataFrame:
    """Vector landuse: settlement zones and quarries as drawn, forest/meadow/farmland polygonised.

    Farmland is split into field blocks (a warped, rotated grid of ~900 m x 600 m).
    """
    rng = make_rng(seed, "fields")
    g = lu.grid
    # Crop the class grid to the extent (grid bounds are aligned to 250 m; the extent may not be).
    c0 = int(math.floor((ext.xmin - g.xmin) / g.res))
    c1 = int(math.ceil((ext.xmax - g.xmin) / g.res))
    r0 = int(math.floor((g.ymax - ext.ymax) / g.res))
    r1 = int(math.ceil((g.ymax - ext.ymin) / g.res))
    cls = lu.classes[r0:r1, c0:c1]
    sub = Grid(g.xmin + c0 * g.res, g.ymax - r0 * g.res, g.res, c1 - c0, r1 - r0)
    gx, gy = np.meshgrid(sub.xs(), sub.ys())
    ca, sa = math.cos(lu.field_angle), math.sin(lu.field_angle)
    wu = SmoothField.random(rng, ext, 1500.0, res=250.0)
    wv = SmoothField.random(rng, ext, 1500.0, res=250.0)
    u = gx * ca + gy * sa + 120.0 * wu(gx, gy)
    v = -gx * sa + gy * ca + 120.0 * wv(gx, gy)
    bu = np.floor(u / 900.0).astype(np.int64)
    bv = np.floor(v / 600.0).astype(np.int64)
    block = (bu - bu.min()) * (bv.max() - bv.min() + 1) + (bv - bv.min())
    del gx, gy, u, v, bu, bv
    label = np.zeros(cls.shape, dtype=np.int32)
    label[cls == FOREST] = 1
    label[cls == MEADOW] = 2
    farm = cls == FARMLAND
    label[farm] = 3 + block[farm].astype(np.int32)
    del block
    geoms, values = [], []
    for geom, val in shapes(label, mask=label > 0, connectivity=4, transform=sub.transform):
        geoms.append(shapely.geometry.shape(geom))
        values.append(int(val))
    geoms = np.array(geoms, dtype=object)
    values = np.array(values)
    geoms = simplify_coverage(geoms, tolerance=g.res * 2.0)
    geoms = shapely.make_valid(shapely.intersection(geoms, ext.box()))
    kinds = np.where(values == 1, "forest", np.where(values == 2, "meadow", "farmland"))
    parts, idx = shapely.get_parts(geoms, return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 5000.0)
    parts, kinds = parts[keep], kinds[idx[keep]]
    names = np.full(len(parts), None, dtype=object)
    forest = np.flatnonzero(kinds == "forest")
    big_forest = forest[np.argsort(-shapely.area(parts[forest]))][: max(1, len(forest) // 20)]
    forest_names = synthetic_names(rng, len(big_forest), set())
    for i, nm in zip(big_forest, forest_names):
        names[i] = f"{nm}er {('Busch', 'Holz', 'Heide', 'Forst')[i % 4]}"
    z = settlements.zones
    q = special.quarries
    geoms = np.concatenate([geoms_of(z), geoms_of(q), parts])
    kinds = np.concatenate([z.landuse.to_numpy(), np.full(len(q), "quarry"), kinds])
    names = np.concatenate([z.name.to_numpy(dtype=object), q.name.to_numpy(dtype=object), names])
    geoms = only_polygons(shapely.make_valid(shapely.intersection(geoms, ext.box())))
    keep = ~shapely.is_empty(geoms) & (shapely.area(geoms) > 0.0)
    return frame({"landuse": kinds[keep], "name": names[keep]}, geoms[keep])


def geoms_of(df: gpd.GeoDataFrame) -> np.ndarray:
    """Geometries of a frame as a plain object array of shapely geometries."""
    return np.asarray(df.geometry.values, dtype=object)


def only_polygons(geoms: np.ndarray) -> np.ndarray:
    """Keep the polygonal parts of each geometry (drops lines/points that make_valid may leave)."""
    geoms = np.asarray(geoms, dtype=object)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(parts) == 3
    out = np.full(len(geoms), shapely.Polygon(), dtype=object)
    if keep.any():
        multi = shapely.multipolygons(parts[keep], indices=idx[keep])
        present = np.unique(idx[keep])
        out[present] = multi if len(multi) == len(present) else [shapely.multipolygons(parts[keep][idx[keep] == i])
                                                                   for i in present]
    return out


# ----------------------------------------------------------------------------------------------
# Protected areas, wind turbines, PV parks
# ----------------------------------------------------------------------------------------------
def make_protected_areas(seed: int, ext: Extent, lu: LanduseGrid, hydro: Hydro, settlements: Settlements,
                         municipalities: gpd.GeoDataFrame, notes: list[str]) -> gpd.GeoDataFrame:
    """NSG, FFH and bird areas, LSG and nested water protection zones (OSM boundary=protected_area).

    Includes one NSG lying just outside a municipality and one NSG across the region edge, so
    that buffers of features outside an area reach into it.
    """
    rng = make_rng(seed, "protected")
    g = lu.grid
    cls = lu.classes
    built = shapely.buffer(shapely.union_all(geoms_of(settlements.zones)), 50.0)
    weight = np.where(cls == FOREST, 3.0, 0.0) + np.where(cls == MEADOW, 4.0, 0.0) + np.where(cls == FARMLAND, 0.3, 0.0)
    weight[lu.settlement_distance < 300.0] = 0.0
    inner = np.zeros_like(weight, dtype=bool)
    r0, c0 = g.rowcol(np.array(ext.xmin), np.array(ext.ymax))
    r1, c1 = g.rowcol(np.array(ext.xmax), np.array(ext.ymin))
    inner[int(r0):int(r1), int(c0):int(c1)] = True
    weight[~inner] = 0.0
    rows: list[dict] = []

    def add(geoms: Sequence[shapely.Geometry], pclass: str, title: str, names: Sequence[str],
            zones: Sequence[str | None] | None = None) -> None:
        for i, gm in enumerate(geoms):
            rows.append(dict(boundary="protected_area", protect_class=pclass, protection_title=title,
                             zone=None if zones is None else zones[i], name=names[i], geometry=gm))

    # Naturschutzgebiete.
    n = max(3, scaled_count(rng, DENSITY["nsg"], ext.area_km2))
    x, y = draw_where(rng, g, weight, n)
    r = rng.uniform(300.0, 1200.0, n)
    nsg = star_blobs(rng, x, y, r, 0.35, 48, rng.uniform(1, 2.2, n), rng.uniform(0, np.pi, n))
    nsg = shapely.difference(nsg, built)
    names = [f"NSG {NSG_NAMES[i % len(NSG_NAMES)]}" + (f" {i // len(NSG_NAMES) + 1}" if i >= len(NSG_NAMES) else "")
             for i in range(n)]
    add(nsg, "4", "Naturschutzgebiet", names)

    # One NSG just outside a municipality: in neighbour B, about 150 m from the boundary of A.
    mg = geoms_of(municipalities)
    if len(mg) > 1:
        a = 0
        nb = [j for j in range(1, len(mg)) if mg[a].touches(mg[j]) or mg[a].intersects(mg[j])]
        shared = [shapely.intersection(mg[a].boundary, mg[j].boundary).length for j in nb]
        b = nb[int(np.argmax(shared))] if nb else 1
        line = shapely.line_merge(shapely.intersection(mg[a].boundary, mg[b].boundary))
        line = max(shapely.get_parts(line), key=lambda p: p.length) if not line.is_empty else None
        rr = 450.0
        for t in (0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9):
            if line is None:
                break
            p = np.array(line.interpolate(t, normalized=True).coords[0])
            q = np.array(line.interpolate(min(1.0, t + 0.01), normalized=True).coords[0])
            tan = (q - p) / max(np.hypot(*(q - p)), 1e-9)
            nrm = np.array([-tan[1], tan[0]])
            if not mg[b].contains(shapely.Point(p + 50.0 * nrm)):
                nrm = -nrm
            c = p + nrm * (1.35 * rr + 150.0)
            blob = star_blobs(rng, [c[0]], [c[1]], [rr], 0.15, 48)[0]
            for _ in range(3):  # slide the blob towards the boundary until the gap is ~120 m
                gap = blob.distance(mg[a])
                blob = shapely.affinity.translate(blob, *(-nrm * (gap - 120.0)))
            gap = blob.distance(mg[a])
            if mg[b].contains(blob) and 60.0 < gap < 180.0 and not blob.intersects(built):
                nm = "NSG Kaltes Feld" if "NSG Kaltes Feld" not in names else "NSG Kaltes Feld Süd"
                add([blob], "4", "Naturschutzgebiet", [nm])
                notes.append(f"'{nm}' lies in {municipalities.name.iat[b]}, {gap:.0f} m outside "
                             f"{municipalities.name.iat[a]} (a 200 m NSG buffer reaches into it)")
                break
    # One NSG across the western edge of the region.
    for _ in range(50):
        edge_margin = min(2000.0, 0.3 * ext.height)
        yy = rng.uniform(ext.ymin + edge_margin, ext.ymax - edge_margin)
        blob = star_blobs(rng, [ext.xmin + 100.0], [yy], [800.0], 0.25, 48, 1.5, np.pi / 2)[0]
        if not blob.intersects(built):
            add([blob], "4", "Naturschutzgebiet", ["NSG Porphyrkuppen am Petersberg"])
            notes.append("'NSG Porphyrkuppen am Petersberg' straddles the western region edge")
            break

    # FFH along the big rivers (corridor reaching beyond the region), plus forest FFH areas.
    for line, river in zip(hydro.main_rivers, hydro.main_names):
        if line.is_empty:
            continue
        corridor = shapely.difference(shapely.buffer(line, 600.0), built)
        add([corridor], "97", "FFH-Gebiet", [f"FFH {river} und {river}aue"])
    n = max(1, scaled_count(rng, DENSITY["ffh"], ext.area_km2))
    x, y = draw_where(rng, g, np.where(cls == FOREST, weight, 0.0), n)
    ffh = shapely.difference(star_blobs(rng, x, y, rng.uniform(500, 1500, n), 0.35, 48), built)
    add(ffh, "97", "FFH-Gebiet", [f"FFH {nm}" for nm in synthetic_names(rng, n, set())])

    # Bird protection areas (SPA) around mine lakes and river meadows.
    mine = hydro.water[hydro.water.mine_lake.to_numpy()]
    spa_geoms, spa_names = [], []
    for geom, nm in zip(geoms_of(mine)[:2], mine.name.values[:2]):
        c = geom.centroid
        spa_geoms.append(star_blobs(rng, [c.x], [c.y], [math.sqrt(geom.area / np.pi) * 1.8], 0.3, 64)[0])
        spa_names.append(f"Vogelschutzgebiet {nm}")
    n = max(0, scaled_count(rng, DENSITY["spa"], ext.area_km2) - len(spa_geoms))
    x, y = draw_where(rng, g, np.where(cls == MEADOW, 1.0, 0.0), n)
    spa_geoms += list(star_blobs(rng, x, y, rng.uniform(1500, 3500, n), 0.35, 64))
    spa_names += [f"Vogelschutzgebiet {nm}" for nm in synthetic_names(rng, n, set())]
    add(shapely.difference(np.array(spa_geoms, dtype=object), built), "97", "Vogelschutzgebiet", spa_names)

    # Landschaftsschutzgebiete: large, partly outside the region, towns excluded.
    n = max(2, scaled_count(rng, DENSITY["lsg"], ext.area_km2))
    x, y = draw_where(rng, g, np.where(np.isin(cls, (FOREST, MEADOW)), 1.0, 0.0) * inner, n)
    lsg = star_blobs(rng, x, y, rng.uniform(2500, 5000, n), 0.35, 72, rng.uniform(1, 2, n), rng.uniform(0, np.pi, n))
    add(shapely.difference(lsg, built), "5", "Landschaftsschutzgebiet",
        [f"LSG {LSG_NAMES[i % len(LSG_NAMES)]}" + (f" {i // len(LSG_NAMES) + 1}" if i >= len(LSG_NAMES) else "")
         for i in range(n)])

    # Water protection areas: nested zones I (well), II, III.
    n = max(2, scaled_count(rng, DENSITY["wsg"], ext.area_km2))
    ok = np.isin(cls, (FARMLAND, FOREST, MEADOW)) & (lu.settlement_distance > 500.0) & inner
    x, y = draw_where(rng, g, ok.astype(float), n)
    for i in range(n):
        nm = f"WSG Wasserwerk {synthetic_names(rng, 1, set())[0]}"
        z1 = shapely.Point(x[i], y[i]).buffer(15.0, quad_segs=8)
        z2 = star_blobs(rng, [x[i]], [y[i]], [rng.uniform(200, 400)], 0.3, 40)[0]
        ang = rng.uniform(0, 2 * np.pi)
        z3 = star_blobs(rng, [x[i] + 900 * np.cos(ang)], [y[i] + 900 * np.sin(ang)], [rng.uniform(1500, 2500)],
                        0.3, 64, 1.6, ang)[0]
        z3 = shapely.union(z3, z2.buffer(150.0))
        add([z1, z2, z3], "12", "Wasserschutzgebiet", [nm] * 3, ["I", "II", "III"])
    df = rows_frame(rows, ("boundary", "protect_class", "protection_title", "zone", "name"))
    df["geometry"] = only_polygons(shapely.make_valid(geoms_of(df)))
    return df[~df.geometry.is_empty & (df.geometry.area > 100.0)].reset_index(drop=True)


def make_wind_turbines(seed: int, ext: Extent, lu: LanduseGrid, protected: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Existing wind farms: 5-10 turbines per cluster on farmland, >= 1 km from settlements."""
    rng = make_rng(seed, "wind")
    g = lu.grid
    strict = protected.protect_class.isin(["4", "97"]) | (protected.zone.isin(["I", "II"]))
    prot = g.burn(geoms_of(protected[strict.to_numpy()])).astype(bool)
    ok = (lu.classes == FARMLAND) & (lu.settlement_distance >= 1000.0) & ~prot
    xs, ys = g.xs(), g.ys()
    ok &= ((xs >= ext.xmin + 500) & (xs <= ext.xmax - 500))[None, :]
    ok &= ((ys >= ext.ymin + 500) & (ys <= ext.ymax - 500))[:, None]
    n = max(1, int(round(DENSITY["wind_clusters"] * ext.area_km2)))
    cx, cy = draw_where(rng, g, ok.astype(float), 40 * n)
    keep = greedy_spacing(cx, cy, np.full(cx.size, 2500.0), 0.0, factor=1.0)
    cx, cy = cx[keep][:n], cy[keep][:n]
    rows = []
    for k in range(len(cx)):
        man, model, rotor, mw, hubs = TURBINE_MODELS[rng.integers(len(TURBINE_MODELS))]
        size = int(rng.integers(5, 11))
        ang = rng.uniform(0, np.pi)
        along, across = rng.uniform(4.0, 5.0) * rotor, rng.uniform(6.0, 8.0) * rotor
        i, j = np.meshgrid(np.arange(-3, 4), np.arange(-2, 3))
        u = i.ravel() * along + (j.ravel() % 2) * along / 2
        v = j.ravel() * across
        px = cx[k] + u * np.cos(ang) - v * np.sin(ang) + rng.normal(0, 30, u.size)
        py = cy[k] + u * np.sin(ang) + v * np.cos(ang) + rng.normal(0, 30, u.size)
        order = np.argsort(np.hypot(px - cx[k], py - cy[k]))
        px, py = px[order], py[order]
        good = g.sample(ok, px, py) & (g.sample(lu.settlement_distance, px, py) >= 1000.0)
        px, py = px[good][:size], py[good][:size]
        year = int(rng.integers(2000, 2022))
        hub = float(hubs[rng.integers(len(hubs))])
        for x, y in zip(px, py):
            rows.append({"power": "generator", "generator:source": "wind", "generator:method": "wind_turbine",
                         "height:hub": hub, "rotor:diameter": rotor,
                         "generator:output:electricity": f"{mw:g} MW", "manufacturer": man, "model": model,
                         "start_date": str(year), "geometry": shapely.Point(x, y)})
    return rows_frame(rows, ("power", "generator:source", "generator:method", "height:hub", "rotor:diameter",
                             "generator:output:electricity", "manufacturer", "model", "start_date"))


def make_pv_parks(seed: int, ext: Extent, lu: LanduseGrid, transport: Transport, special: SpecialAreas,
                  settlements: Settlements) -> gpd.GeoDataFrame:
    """Ground-mounted PV parks beside motorways and main railways, on a quarry and on farmland."""
    rng = make_rng(seed, "pv")
    g = lu.grid
    places = settlements.places
    known = set(places.name)
    anchored_quarry = any(a.name in set(special.quarries.name) for a in SAMPLE_QUARRIES)
    plan = ([(k, nm if nm.replace("Solarpark ", "") in known or (k == "quarry" and anchored_quarry) else None)
             for k, nm in SAMPLE_PV] if ext.area_km2 < 1500 else [])
    n_extra = max(0, scaled_count(rng, DENSITY["pv_parks"], ext.area_km2) - len(plan))
    cycle = ("motorway", "motorway", "railway", "farmland", "quarry")
    plan += [(cycle[i % len(cycle)], None) for i in range(n_extra)]
    roads = transport.roads
    corridors = {"motorway": geoms_of(roads[roads.highway.to_numpy() == "motorway"]),
                 "railway": geoms_of(transport.railways[transport.railways.usage.to_numpy() == "main"])}
    zones = shapely.union_all(geoms_of(settlements.zones))
    shapely.prepare(zones)
    made: list[shapely.Geometry] = []
    names: list[str] = []
    quarry_used = 0
    for kind, name in plan:
        geom = None
        host = name.replace("Solarpark ", "") if name else None
        host_xy = (places.loc[places.name == host, ["x", "y"]].to_numpy()[0]
                   if host is not None and (places.name == host).any() else None)
        if kind in corridors and len(corridors[kind]):
            lines = corridors[kind]
            lens = shapely.length(lines)
            for _ in range(300):
                if host_xy is not None:  # next to the named place
                    pt = shapely.Point(host_xy)
                    line = lines[int(np.argmin(shapely.distance(lines, pt)))]
                    s = line.project(pt) + rng.uniform(-2000.0, 2000.0)
                    s = float(np.clip(s, 300.0, max(line.length - 300.0, 301.0)))
                else:
                    line = lines[rng.choice(len(lines), p=lens / lens.sum())]
                    s = rng.uniform(300.0, max(line.length - 300.0, 301.0))
                p0 = np.array(line.interpolate(s - 30.0).coords[0])
                p1 = np.array(line.interpolate(s + 30.0).coords[0])
                tan = (p1 - p0) / max(np.hypot(*(p1 - p0)), 1e-9)
                nrm = np.array([-tan[1], tan[0]]) * rng.choice([-1.0, 1.0])
                length, width = rng.uniform(500.0, 1100.0), rng.uniform(110.0, 170.0)
                c = (p0 + p1) / 2 + nrm * (45.0 + width / 2)
                cand = rectangles([c[0]], [c[1]], [length], [width], [math.atan2(tan[1], tan[0])])[0]
                if _pv_site_ok(cand, g, lu, zones, made):
                    geom = cand
                    break
        elif kind == "quarry" and quarry_used < len(special.quarries):
            q = geoms_of(special.quarries)[quarry_used]
            quarry_used += 1
            c = q.centroid
            box = rectangles([c.x], [c.y], [900.0], [500.0], [rng.uniform(0, np.pi)])[0]
            geom = shapely.intersection(box, q.buffer(-60.0))
            if geom.is_empty or geom.area < 5e4:
                geom = None
        else:
            for _ in range(300):
                if host_xy is not None:
                    ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(800.0, 3000.0)
                    x, y = np.array([host_xy[0] + dist * np.cos(ang)]), np.array([host_xy[1] + dist * np.sin(ang)])
                else:
                    x, y = ext.uniform(rng, 1, 1000.0)
                cand = rectangles(x, y, [rng.uniform(300.0, 700.0)], [rng.uniform(200.0, 400.0)], [lu.field_angle])[0]
                if _pv_site_ok(cand, g, lu, zones, made) and g.sample(lu.settlement_distance, x, y)[0] < 1500.0:
                    geom = cand
                    break
        if geom is None:
            continue
        geom = only_polygons(np.array([shapely.make_valid(geom)]))[0]
        if geom.is_empty:
            continue
        made.append(geom)
        if name is None:
            c = geom.centroid
            nearest = int(np.argmin(np.hypot(places.x.values - c.x, places.y.values - c.y)))
            name = f"Solarpark {places.name.iat[nearest]}"
        names.append(name if name not in names else f"{name} {names.count(name) + 1}")
    mw = [max(1, int(round(gm.area / 1.0e4 / 1.5))) for gm in made]
    df = frame({"power": ["plant"] * len(made), "plant:source": ["solar"] * len(made),
                "plant:method": ["photovoltaic"] * len(made),
                "plant:output:electricity": [f"{m} MW" for m in mw], "name": names}, made)
    lu.classes[g.burn(made).astype(bool)] = SOLAR
    return df


def _pv_site_ok(cand: shapely.Geometry, g: Grid, lu: LanduseGrid, zones: shapely.Geometry,
                made: Sequence[shapely.Geometry]) -> bool:
    """True if a PV candidate lies on open farmland away from settlements and other parks."""
    pts = shapely.get_coordinates(shapely.segmentize(cand.exterior, 40.0))
    c = cand.centroid
    pts = np.vstack([pts, [[c.x, c.y]]])
    if not np.isin(g.sample(lu.classes, pts[:, 0], pts[:, 1]), (FARMLAND, MEADOW)).all():
        return False
    if cand.intersects(zones) or any(cand.distance(m) < 200.0 for m in made):
        return False
    return True


# ----------------------------------------------------------------------------------------------
# Power grid
# ----------------------------------------------------------------------------------------------
def make_power_grid(seed: int, ext: Extent, lu: LanduseGrid, settlements: Settlements,
                    notes: list[str]) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Substations and lines: 380/220 kV trunks, a 110 kV mesh, 20 kV lines to the villages.

    Every line end inside the region lies exactly on a substation or on a village centre,
    except two deliberate defects (a line ending 5 m short / 5 m beside a substation).
    """
    rng = make_rng(seed, "power")
    g = lu.grid
    places = settlements.places
    box = ext.box()
    subs: list[dict] = []

    # Distribution substations (110/20 kV) at the edge of the largest settlements.
    n_dist = max(3, int(round(DENSITY["distribution_substations"] * ext.area_km2)))
    order = np.argsort(-places.r.to_numpy(), kind="stable")[:n_dist]
    host = {}
    for i in order:
        start = rng.uniform(0, 2 * np.pi)
        for ang in start + np.arange(12) * np.pi / 6:
            d = 1.3 * places.r.iat[i] + 200.0
            x, y = places.x.iat[i] + d * np.cos(ang), places.y.iat[i] + d * np.sin(ang)
            if ext.inside(np.array(x), np.array(y), 300.0) and g.sample(lu.classes, x, y) in (FARMLAND, MEADOW):
                cap = float(rng.choice([40.0, 63.0, 80.0, 126.0]))
                free = 0.0 if rng.random() < 0.2 else round(float(rng.uniform(0.05, 0.45)) * cap, 1)
                subs.append(dict(power="substation", substation="distribution", voltage="110000;20000",
                                 name=f"Umspannwerk {places.name.iat[i]}", operator="MITNETZ STROM",
                                 capacity_mva=cap, free_capacity_mw=free, x=x, y=y))
                host[i] = len(subs) - 1
                break
    # Transmission substations (380/110, 220/110 kV).
    trunks: dict[int, tuple[tuple[str, float, str], ...]] = {}
    for name, volt, x, y in SAMPLE_TRANSMISSION:
        if ext.inside(np.array(x), np.array(y), 300.0):
            trunks[len(subs)] = SAMPLE_TRUNKS[name]
            subs.append(dict(power="substation", substation="transmission", voltage=volt, name=name,
                             operator="50Hertz Transmission GmbH",
                             capacity_mva=float(rng.choice([600.0, 800.0, 1200.0])),
                             free_capacity_mw=round(float(rng.uniform(50, 350)), 1), x=x, y=y))
    n_tr = max(0, int(round(DENSITY["transmission_substations"] * ext.area_km2)) - len(trunks))
    targets = ("Lauchstädt", "Wolmirstedt", "Pulgar", "Eula", "Vieselbach", "Klostermansfeld", "Marke", "Zerbst",
               "Förderstedt", "Streumen", "Röhrsdorf", "Schkopau")
    if n_tr:
        ok = (lu.classes == FARMLAND) & (lu.settlement_distance > 800.0)
        tx, ty = draw_where(rng, g, ok.astype(float), 20 * n_tr)
        inside = ext.inside(tx, ty, 3000.0)
        keep = greedy_spacing(tx[inside], ty[inside], np.full(inside.sum(), 8000.0), 0.0, factor=1.0)
        tx, ty = tx[inside][keep][:n_tr], ty[inside][keep][:n_tr]
        tnames = synthetic_names(rng, len(tx), set(places.name))
        for k, (x, y) in enumerate(zip(tx, ty)):
            volt = "380000" if k % 3 else "220000"
            a0 = rng.uniform(0, np.pi)
            a1 = a0 + np.pi + rng.normal(0, 0.4)
            trunks[len(subs)] = ((volt, math.degrees(a0), targets[(2 * k) % len(targets)]),
                                 (volt, math.degrees(a1), targets[(2 * k + 1) % len(targets)]))
            subs.append(dict(power="substation", substation="transmission", voltage=f"{volt};110000",
                             name=f"Umspannwerk {tnames[k]}", operator="50Hertz Transmission GmbH",
                             capacity_mva=float(rng.choice([600.0, 800.0, 1200.0])),
                             free_capacity_mw=round(float(rng.uniform(50, 350)), 1), x=float(x), y=float(y)))
    sub = pd.DataFrame(subs)
    sp = sub[["x", "y"]].to_numpy()
    short = [nm.replace("Umspannwerk ", "") for nm in sub.name]
    lines: list[dict] = []

    for si, legs in trunks.items():
        for volt, deg, target in legs:
            ang = math.radians(deg)
            far = sp[si] + ext.diagonal * 1.5 * np.array([math.cos(ang), math.sin(ang)])
            line = wiggly_segments(rng, sp[si][None], far[None], 0.01, 300.0)[0]
            part = _part_at(shapely.intersection(line, box), sp[si])
            if part is None:
                continue
            kv = int(volt) // 1000
            lines.append(dict(power="line", voltage=volt, cables=6, name=f"{kv}-kV-Leitung {short[si]}–{target}",
                              operator="50Hertz Transmission GmbH", geometry=set_endpoint(part, sp[si], True)))

    # 110 kV mesh between all substations, plus two lines leaving the region.
    edges = sparse_network(rng, sp, 0.3, max_len=30000.0)
    mesh = wiggly_segments(rng, sp[edges[:, 0]], sp[edges[:, 1]], 0.04, 150.0)
    for (a, b), line in zip(edges, mesh):
        lines.append(dict(power="line", voltage="110000", cables=int(rng.choice([3, 6])),
                          name=f"110-kV-Leitung {short[a]}–{short[b]}", operator="MITNETZ STROM", geometry=line))
    edge_dist = np.minimum.reduce([sp[:, 0] - ext.xmin, ext.xmax - sp[:, 0], sp[:, 1] - ext.ymin, ext.ymax - sp[:, 1]])
    for si in np.argsort(edge_dist)[:2]:
        x, y = sp[si]
        cand = np.array([[ext.xmin, y], [ext.xmax, y], [x, ext.ymin], [x, ext.ymax]])
        end = cand[int(np.argmin(np.hypot(*(cand - sp[si]).T)))]
        line = wiggly_segments(rng, sp[si][None], end[None], 0.03, 150.0)[0]
        part = _part_at(shapely.intersection(line, box), sp[si])
        if part is not None:
            lines.append(dict(power="line", voltage="110000", cables=6, name=f"110-kV-Leitung {short[si]}–Außen",
                              operator="MITNETZ STROM", geometry=set_endpoint(part, sp[si], True)))

    # 20 kV lines: spanning network over villages and distribution substations.
    dist_idx = np.flatnonzero(sub.substation.to_numpy() == "distribution")
    villages = np.array([i for i in range(len(places)) if i not in host])
    pts = np.vstack([sp[dist_idx], places[["x", "y"]].to_numpy()[villages]]) if len(villages) else sp[dist_idx]
    is_sub = np.arange(len(pts)) < len(dist_idx)
    if len(pts) > 1:
        edges = sparse_network(rng, pts, 0.08, max_len=7000.0)
        edges = edges[~(is_sub[edges[:, 0]] & is_sub[edges[:, 1]])]
        # Orient edges so that a substation end (if any) comes first.
        flip = is_sub[edges[:, 1]] & ~is_sub[edges[:, 0]]
        edges[flip] = edges[flip][:, ::-1]
        mv = wiggly_segments(rng, pts[edges[:, 0]], pts[edges[:, 1]], 0.03, 150.0)
        parts, idx = clip_lines(mv, box)
        for part, i in zip(parts, idx):
            lines.append(dict(power="minor_line", voltage="20000", cables=3, name=None, operator="MITNETZ STROM",
                              geometry=part, _from=int(dist_idx[edges[i, 0]]) if is_sub[edges[i, 0]] else -1))
    df = rows_frame(lines, ("power", "voltage", "cables", "name", "operator", "_from"))
    df = _add_defects(df, sub, short, notes)
    substations = frame({k: sub[k].to_list() for k in ("power", "substation", "voltage", "name", "operator",
                                                       "capacity_mva", "free_capacity_mw")},
                        shapely.points(sp))
    return df.drop(columns=["_from"]), substations


def _part_at(geom: shapely.Geometry, point: np.ndarray) -> shapely.LineString | None:
    """The line part of ``geom`` that starts nearest to ``point`` (None if there is none)."""
    parts = [p for p in shapely.get_parts(geom) if shapely.get_type_id(p) == 1 and p.length > 1.0]
    if not parts:
        return None
    pt = shapely.Point(point)
    return min(parts, key=lambda p: p.distance(pt))


def _add_defects(lines: gpd.GeoDataFrame, sub: pd.DataFrame, short: list[str], notes: list[str]) -> gpd.GeoDataFrame:
    """Deliberate topology defects for tests: a 110 kV end 5 m short, a 20 kV end 5 m beside."""
    lines = lines.copy()
    if "_from" not in lines:
        lines["_from"] = -1
    names = list(sub.name)
    target = names.index(DEFECT_LINE_110KV) if DEFECT_LINE_110KV in names else 0
    tname = short[target]
    cand = [i for i, (v, nm) in enumerate(zip(lines.voltage, lines.name))
            if v == "110000" and nm and (nm.endswith(f"–{tname}") or nm.startswith(f"110-kV-Leitung {tname}–"))
            and not nm.endswith("–Außen")]
    if cand:
        i = cand[0]
        line = lines.geometry.iat[i]
        c = shapely.get_coordinates(line)
        sxy = sub.loc[target, ["x", "y"]].to_numpy(dtype=float)
        at_start = np.hypot(*(c[0] - sxy)) < np.hypot(*(c[-1] - sxy))
        new = line.interpolate(5.0) if at_start else line.interpolate(line.length - 5.0)
        lines.loc[lines.index[i], "geometry"] = set_endpoint(line, np.array(new.coords[0]), at_start)
        notes.append(f"defect: '{lines.name.iat[i]}' ends 5 m short of '{names[target]}'")
    if DEFECT_LINE_20KV in names:
        target = names.index(DEFECT_LINE_20KV)
    else:
        target = int(np.argmax(sub.substation == "distribution"))
    cand = [i for i, f in enumerate(lines["_from"]) if f == target]
    if cand:
        i = cand[0]
        line = lines.geometry.iat[i]
        c = shapely.get_coordinates(line)
        d = c[1] - c[0]
        nrm = np.array([-d[1], d[0]]) / max(np.hypot(*d), 1e-9)
        lines.loc[lines.index[i], "geometry"] = set_endpoint(line, c[0] + 5.0 * nrm, True)
        notes.append(f"defect: a 20 kV minor_line starts 5 m beside '{names[target]}' "
                     f"(line start at {c[0][0] + 5.0 * nrm[0]:.1f}, {c[0][1] + 5.0 * nrm[1]:.1f})")
    return lines


# ----------------------------------------------------------------------------------------------
# Buildings
# ----------------------------------------------------------------------------------------------
BUILDING_TYPES = {  # type: (length [m], width [m], levels, roof shares (gabled, hipped, flat))
    "house": ((9.0, 14.0), (8.0, 11.0), (1, 2), (0.6, 0.3, 0.1)),
    "detached": ((10.0, 15.0), (9.0, 12.0), (1, 2), (0.55, 0.35, 0.1)),
    "residential": ((14.0, 22.0), (10.0, 14.0), (2, 3), (0.6, 0.2, 0.2)),
    "apartments": ((24.0, 40.0), (11.0, 14.0), (3, 6), (0.45, 0.0, 0.55)),
    "farm": ((12.0, 18.0), (9.0, 12.0), (1, 2), (0.8, 0.2, 0.0)),
    "farm_auxiliary": ((10.0, 24.0), (8.0, 14.0), (1, 1), (0.7, 0.0, 0.3)),
    "barn": ((20.0, 40.0), (12.0, 18.0), (1, 1), (0.9, 0.0, 0.1)),
    "commercial": ((15.0, 40.0), (12.0, 30.0), (1, 3), (0.15, 0.0, 0.85)),
    "industrial": ((20.0, 40.0), (15.0, 35.0), (1, 2), (0.1, 0.0, 0.9)),
    "retail": ((20.0, 40.0), (15.0, 30.0), (1, 1), (0.0, 0.0, 1.0)),
    "church": ((22.0, 36.0), (10.0, 15.0), (1, 1), (1.0, 0.0, 0.0)),
    "school": ((30.0, 40.0), (12.0, 16.0), (2, 4), (0.0, 0.5, 0.5)),
}
TYPE_NAMES = tuple(BUILDING_TYPES)
TYPE_CODE = {t: i for i, t in enumerate(TYPE_NAMES)}
ZONE_MIX = {  # building type shares per cell kind
    "town": (("house", 0.38), ("detached", 0.34), ("residential", 0.13), ("apartments", 0.08),
             ("commercial", 0.04), ("retail", 0.03)),
    "core": (("apartments", 0.72), ("residential", 0.1), ("retail", 0.1), ("commercial", 0.08)),
    "village": (("house", 0.45), ("detached", 0.25), ("farm", 0.12), ("residential", 0.08),
                ("farm_auxiliary", 0.07), ("commercial", 0.03)),
    "farmpair": (("barn", 0.6), ("farm_auxiliary", 0.4)),
    "commercial": (("commercial", 0.5), ("retail", 0.35), ("industrial", 0.15)),
    "industrial": (("industrial", 0.8), ("commercial", 0.2)),
}
CELL = {"city": (26.0, 20.0), "town": (28.0, 22.0), "village": (32.0, 26.0), "commercial": (60.0, 50.0),
        "industrial": (75.0, 60.0)}  # building cell size along / across the street [m]


def choose_types(rng: np.random.Generator, mix: str, n: int) -> np.ndarray:
    """Building type codes drawn from a named mix."""
    types, p = zip(*ZONE_MIX[mix])
    return np.array([TYPE_CODE[t] for t in types])[rng.choice(len(types), size=n, p=np.array(p) / sum(p))]


def type_dims(rng: np.random.Generator, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Random footprint length >= width per building type. [m]"""
    lo_l = np.array([BUILDING_TYPES[t][0][0] for t in TYPE_NAMES])[codes]
    hi_l = np.array([BUILDING_TYPES[t][0][1] for t in TYPE_NAMES])[codes]
    lo_w = np.array([BUILDING_TYPES[t][1][0] for t in TYPE_NAMES])[codes]
    hi_w = np.array([BUILDING_TYPES[t][1][1] for t in TYPE_NAMES])[codes]
    length = rng.uniform(lo_l, hi_l)
    width = rng.uniform(lo_w, hi_w)
    return np.maximum(length, width), np.minimum(length, width)


def building_attributes(rng: np.random.Generator, codes: np.ndarray) -> dict[str, np.ndarray]:
    """OSM attributes (levels, flats, height, roof shape) per building type code."""
    n = len(codes)
    lv_lo = np.array([BUILDING_TYPES[t][2][0] for t in TYPE_NAMES])[codes]
    lv_hi = np.array([BUILDING_TYPES[t][2][1] for t in TYPE_NAMES])[codes]
    levels = rng.integers(lv_lo, lv_hi + 1)
    roof_p = np.array([BUILDING_TYPES[t][3] for t in TYPE_NAMES])[codes]
    u = rng.random(n)
    roof = np.where(u < roof_p[:, 0], 0, np.where(u < roof_p[:, 0] + roof_p[:, 1], 1, 2))
    roof_add = np.choose(roof, [rng.uniform(3.0, 5.0, n), rng.uniform(2.5, 4.0, n), rng.uniform(0.3, 1.0, n)])
    height = levels * 3.0 + rng.uniform(0.0, 0.4, n) + roof_add
    is_ = {t: codes == TYPE_CODE[t] for t in TYPE_NAMES}
    hall = is_["barn"] | is_["farm_auxiliary"] | is_["retail"]
    height = np.where(hall, rng.uniform(6.0, 11.0, n), height)
    height = np.where(is_["industrial"], levels * 4.5 + rng.uniform(1.0, 6.0, n), height)
    height = np.where(is_["church"], rng.uniform(25.0, 48.0, n), height)
    flats = np.zeros(n, dtype=np.int64)
    flats[is_["house"] | is_["detached"]] = 1
    flats[is_["farm"]] = np.where(rng.random(is_["farm"].sum()) < 0.1, 2, 1)
    flats[is_["residential"]] = rng.integers(2, 7, is_["residential"].sum())
    flats[is_["apartments"]] = levels[is_["apartments"]] * rng.integers(2, 5, is_["apartments"].sum())
    return {"building": np.array(TYPE_NAMES, dtype=object)[codes], "building:levels": levels.astype(np.int64),
            "building:flats": flats, "height": np.round(height, 1),
            "roof:shape": np.array(["gabled", "hipped", "flat"], dtype=object)[roof]}


@dataclass
class Footprints:
    """Building footprints before attributes (internal state)."""

    x: np.ndarray
    y: np.ndarray
    length: np.ndarray
    width: np.ndarray
    angle: np.ndarray
    code: np.ndarray

    @staticmethod
    def concat(items: Sequence[Footprints]) -> Footprints:
        """Concatenate footprint sets."""
        return Footprints(*(np.concatenate([getattr(f, k) for f in items])
                            for k in ("x", "y", "length", "width", "angle", "code")))


def settlement_buildings(rng: np.random.Generator, places: pd.DataFrame, zones: gpd.GeoDataFrame,
                         chunk: int = 150) -> Footprints:
    """Buildings on a rotated cell grid inside each settlement zone.

    Residential cells of towns near the centre are merged in pairs for apartment blocks; in
    villages some pairs hold barns. Cells keep a clearance of 2 m on every side, so buildings
    never overlap and never touch the street lines of :func:`street_grid_lines`.
    """
    out: list[Footprints] = []
    kinds = zones.landuse.to_numpy()
    owner = zones.owner.to_numpy()
    pk = places.kind.to_numpy()
    zkind = np.where(kinds == "residential", pk[owner], kinds)
    zgeom = geoms_of(zones)
    shapely.prepare(zgeom)
    for start in range(0, len(zones), chunk):
        zi = np.arange(start, min(start + chunk, len(zones)))
        zk = zkind[zi]
        sx = np.array([CELL[k][0] for k in zk])
        sy = np.array([CELL[k][1] for k in zk])
        ox, oy = places.x.to_numpy()[owner[zi]], places.y.to_numpy()[owner[zi]]
        R = places.r.to_numpy()[owner[zi]]
        ang = places.angle.to_numpy()[owner[zi]]
        b = shapely.bounds(zgeom[zi])
        rmax = np.sqrt(np.maximum.reduce([(b[:, 0] - ox) ** 2, (b[:, 2] - ox) ** 2])
                       + np.maximum.reduce([(b[:, 1] - oy) ** 2, (b[:, 3] - oy) ** 2]))
        ni = (np.ceil(rmax / sx).astype(np.int64) + 1)
        nj = (np.ceil(rmax / sy).astype(np.int64) + 1)
        cnt = (2 * ni + 1) * (2 * nj + 1)
        z = np.repeat(np.arange(len(zi)), cnt)
        k = np.arange(z.size) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        i = k % (2 * ni[z] + 1) - ni[z]
        j = k // (2 * ni[z] + 1) - nj[z]
        u = i * sx[z]
        v = j * sy[z]
        is_town = (zk[z] == "town") | (zk[z] == "city")
        is_vil = zk[z] == "village"
        # Pairs of cells (columns 2m, 2m+1) for town cores and village barns.
        pair_u = (2 * np.floor_divide(i, 2) + 0.5) * sx[z]
        pair_d = np.hypot(pair_u, v) / R[z]
        core = is_town & (pair_d < np.where(zk[z] == "city", 0.55, 0.42))
        h = (np.floor_divide(i, 2) * 73856093 ^ j * 19349663 ^ (zi[z] + 1) * 83492791) % 1000
        farmpair = is_vil & (h < 110)
        paired = core | farmpair
        keep = ~paired | (i % 2 == 0)
        z, i, j, u, v = z[keep], i[keep], j[keep], u[keep], v[keep]
        is_town, is_vil, core, farmpair, paired = is_town[keep], is_vil[keep], core[keep], farmpair[keep], paired[keep]
        u = np.where(paired, (i + 0.5) * sx[z], u)
        ca, sa = np.cos(ang[z]), np.sin(ang[z])
        x = ox[z] + u * ca - v * sa
        y = oy[z] + u * sa + v * ca
        inside = shapely.contains_xy(zgeom[zi[z]], x, y)
        d_rel = np.hypot(x - ox[z], y - oy[z]) / R[z]
        # Occupancy of cells: dense cores, gardens and gaps towards the edge.
        p_town = np.clip(0.92 - 0.4 * d_rel ** 2, 0.4, None)
        p_village = np.clip(0.8 - 0.3 * d_rel ** 2, 0.4, None)
        p = np.select([core, is_town, farmpair, is_vil, zk[z] == "commercial"],
                      [0.85, p_town, 0.9, p_village, 0.6], 0.7)
        keep = inside & (rng.random(x.size) < p)
        z, x, y, d_rel = z[keep], x[keep], y[keep], d_rel[keep]
        is_town, is_vil, core, farmpair, paired = is_town[keep], is_vil[keep], core[keep], farmpair[keep], paired[keep]
        code = np.empty(x.size, dtype=np.int64)
        mixes = (("core", core), ("farmpair", farmpair), ("town", is_town & ~core), ("village", is_vil & ~farmpair),
                 ("commercial", zk[z] == "commercial"), ("industrial", zk[z] == "industrial"))
        for mix, m in mixes:
            code[m] = choose_types(rng, mix, int(m.sum()))
        # One church per town and larger village (cell nearest the centre), one school per town.
        zone_id = zi[z]
        for sel, tname, dmin in ((core, "church", 0.12), (is_vil & ~farmpair, "church", 0.12), (core, "school", 0.3)):
            cand = np.flatnonzero(sel & (d_rel >= dmin))
            if cand.size:
                order = cand[np.lexsort((d_rel[cand], zone_id[cand]))]
                _, first = np.unique(zone_id[order], return_index=True)
                chosen = order[first]
                if tname == "church" and sel is not core:
                    chosen = chosen[R[z[chosen]] >= 250.0]
                code[chosen] = TYPE_CODE[tname]
        length, width = type_dims(rng, code)
        avail_u = np.where(paired, 2.0 * sx[z], sx[z]) - 4.0
        avail_v = sy[z] - 4.0
        across = (np.isin(code, (TYPE_CODE["house"], TYPE_CODE["detached"])) & (rng.random(x.size) < 0.5)
                  & (length <= avail_v))
        lu_ = np.where(across, np.minimum(width, avail_u), np.minimum(length, avail_u))
        lv_ = np.where(across, np.minimum(length, avail_v), np.minimum(width, avail_v))
        du = rng.uniform(-1, 1, x.size) * (avail_u - lu_) / 2
        dv = rng.uniform(-1, 1, x.size) * (avail_v - lv_) / 2
        a = ang[z] + rng.normal(0.0, math.radians(1.0), x.size)
        x = x + du * np.cos(ang[z]) - dv * np.sin(ang[z])
        y = y + du * np.sin(ang[z]) + dv * np.cos(ang[z])
        out.append(Footprints(x, y, lu_, lv_, a, code))
    return Footprints.concat(out) if out else Footprints(*(np.empty(0) for _ in range(5)), np.empty(0, np.int64))


def open_country_buildings(seed: int, ext: Extent, lu: LanduseGrid, turbines: gpd.GeoDataFrame) -> Footprints:
    """Farmsteads (3-8 buildings around a yard), hamlets (4-7 houses) and single houses."""
    rng = make_rng(seed, "open_country")
    g = lu.grid
    n_farm = scaled_count(rng, DENSITY["farmsteads"], ext.area_km2)
    n_ham = scaled_count(rng, DENSITY["hamlets"], ext.area_km2)
    n_single = scaled_count(rng, DENSITY["single_houses"], ext.area_km2)
    total = n_farm + n_ham + n_single
    x, y = ext.uniform(rng, 5 * total + 20, 150.0)
    ok = np.ones(x.size, bool)
    for dx, dy in ((0, 0), (50, 0), (-50, 0), (0, 50), (0, -50)):
        ok &= np.isin(g.sample(lu.classes, x + dx, y + dy), (FARMLAND, MEADOW))
    ok &= g.sample(lu.settlement_distance, x, y) > 250.0
    if len(turbines):
        tdist, _ = cKDTree(shapely.get_coordinates(geoms_of(turbines))).query(np.column_stack([x, y]))
        ok &= tdist > 500.0
    x, y = x[ok], y[ok]
    keep = greedy_spacing(x, y, np.full(x.size, 60.0), 150.0, factor=1.0)
    x, y = x[keep][:total], y[keep][:total]
    kind = np.repeat([0, 1, 2], [n_farm, n_ham, n_single])[: x.size]
    rows: list[tuple[float, float, float, float, float, int]] = []
    D = 30.0
    for cx, cy, k in zip(x.tolist(), y.tolist(), kind.tolist()):
        a = float(rng.uniform(0, np.pi))
        ca, sa = math.cos(a), math.sin(a)

        def put(u: float, v: float, length: float, width: float, rot: float, code: int) -> None:
            rows.append((cx + u * ca - v * sa, cy + u * sa + v * ca, length, width, a + rot, code))  # noqa: B023 (called within this iteration)

        if k == 0:  # farmstead: buildings on the four sides of a yard (2*D wide)
            n_b = int(rng.integers(3, 9))
            sides = [(0.0, -D, 0.0), (0.0, D, 0.0), (-D, 0.0, np.pi / 2), (D, 0.0, np.pi / 2)]
            # First side: farmhouse + shed; second side: one long barn (unless 8 buildings are needed);
            # further sides: two sheds each. Side buildings stay within +-21 m, clear of the corners.
            plan = [("farm", "farm_auxiliary"), ("barn",) if n_b <= 7 else ("barn_pair", "barn_pair"),
                    ("farm_auxiliary", "farm_auxiliary"), ("farm_auxiliary", "farm_auxiliary")]
            placed = 0
            for side, content in zip(rng.permutation(4), plan):
                su, sv, rot = sides[side]
                along = (math.cos(rot), math.sin(rot))
                if content == ("barn",):
                    put(su, sv, float(rng.uniform(24, 40)), float(rng.uniform(12, 14)), rot, TYPE_CODE["barn"])
                    placed += 1
                else:
                    for off, kind in zip((-11.0, 11.0), content):
                        if placed >= n_b:
                            break
                        code = TYPE_CODE["barn" if kind == "barn_pair" else kind]
                        put(su + off * along[0], sv + off * along[1], float(rng.uniform(12, 19)),
                            float(rng.uniform(9, 13)), rot, code)
                        placed += 1
                if placed >= n_b:
                    break
        elif k == 1:  # hamlet: a row of houses along a lane
            n_h = int(rng.integers(4, 8))
            for m in range(n_h):
                u = (m - (n_h - 1) / 2) * 32.0
                code = TYPE_CODE["house"] if rng.random() < 0.7 else TYPE_CODE["detached"]
                put(u, 18.0, float(rng.uniform(9, 14)), float(rng.uniform(8, 11)), 0.0, code)
                if rng.random() < 0.3:
                    put(u, 45.0, float(rng.uniform(10, 18)), float(rng.uniform(8, 12)), 0.0,
                        TYPE_CODE["farm_auxiliary"])
        else:  # single house, sometimes with a shed
            code = TYPE_CODE["house"] if rng.random() < 0.6 else TYPE_CODE["detached"]
            put(0.0, 0.0, float(rng.uniform(9, 14)), float(rng.uniform(8, 11)), 0.0, code)
            if rng.random() < 0.4:
                put(0.0, 22.0, float(rng.uniform(8, 16)), float(rng.uniform(8, 11)), 0.0, TYPE_CODE["farm_auxiliary"])
    if not rows:
        return Footprints(*(np.empty(0) for _ in range(5)), np.empty(0, np.int64))
    arr = np.array(rows)
    return Footprints(arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], arr[:, 4], arr[:, 5].astype(np.int64))


def make_buildings(seed: int, ext: Extent, lu: LanduseGrid, settlements: Settlements, turbines: gpd.GeoDataFrame,
                   obstacles: Sequence[np.ndarray]) -> gpd.GeoDataFrame:
    """All buildings with OSM attributes; buildings hit by roads, railways or water are dropped."""
    rng = make_rng(seed, "buildings")
    fp = Footprints.concat([settlement_buildings(rng, settlements.places, settlements.zones),
                            open_country_buildings(seed, ext, lu, turbines)])
    inside = ext.inside(fp.x, fp.y, 25.0)
    fp = Footprints(*(getattr(fp, k)[inside] for k in ("x", "y", "length", "width", "angle", "code")))
    geoms = rectangles(fp.x, fp.y, fp.length, fp.width, fp.angle)
    # Drop buildings that intersect line features (cut into <= 400 m pieces for a tight index) or water.
    pieces = []
    for arr in obstacles:
        arr = np.asarray(arr, dtype=object)
        lines = arr[np.isin(shapely.get_type_id(arr), (1, 5))]
        if len(lines):
            seg = shapely.segmentize(lines, 400.0)
            coords, idx = shapely.get_coordinates(seg, return_index=True)
            same = idx[1:] == idx[:-1]
            pieces.append(shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1)))
        polys = arr[np.isin(shapely.get_type_id(arr), (3, 6))]
        if len(polys):
            pieces.append(polys)
    tree = shapely.STRtree(geoms)
    bad = np.zeros(len(geoms), bool)
    for p in pieces:
        hit = tree.query(p, predicate="intersects")[1]
        bad[hit] = True
    # Overlaps between buildings (rare: only where zones of different settlements meet).
    a, b = tree.query(geoms, predicate="intersects")
    dup = (a < b) & ~bad[a]
    bad[b[dup]] = True
    keep = ~bad
    attrs = building_attributes(rng, fp.code[keep])
    return frame(attrs, geoms[keep])


# ----------------------------------------------------------------------------------------------
# Rasters
# ----------------------------------------------------------------------------------------------
def smoothstep(t: np.ndarray) -> np.ndarray:
    """Cubic smooth step on [0, 1]."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def make_dem(seed: int, ext: Extent, grid: Grid, hydro: Hydro, special: SpecialAreas) -> np.ndarray:
    """Elevation [m a.s.l.] of the region.

    Gentle fractal lowland falling to the NE, river valleys, a spoil heap, a dry mine pit and flat
    lake surfaces below their banks.
    """
    rng = make_rng(seed, "dem")
    xs, ys = grid.xs().astype(np.float32), grid.ys().astype(np.float32)
    trend = 14.0 * np.tanh(-((xs[None, :] - 723000.0) + (ys[:, None] - 5720500.0)) / 25000.0)
    elev = 93.0 + trend + 5.0 * spectral_noise(rng, grid.shape, beta=3.6)
    elev += 0.3 * spectral_noise(rng, grid.shape, beta=2.4)
    del trend
    riv = hydro.rivers
    big = grid.burn(geoms_of(riv[riv.waterway.isin(["river", "canal"]).to_numpy()]), all_touched=True).astype(bool)
    d = grid.distance_to(big)
    elev -= 9.0 * np.exp(-(d / 900.0) ** 2)
    small = grid.burn(geoms_of(riv[riv.waterway.isin(["stream"]).to_numpy()]), all_touched=True).astype(bool)
    d = grid.distance_to(small)
    elev -= 2.5 * np.exp(-(d / 200.0) ** 2)
    del d
    q = special.quarries
    qid = grid.burn(geoms_of(q), np.arange(1, len(q) + 1, dtype=np.int32), dtype="int32")
    for k, sl in enumerate(ndimage.find_objects(qid)):
        if sl is None:
            continue
        win = tuple(slice(max(s.start - 1, 0), s.stop + 1) for s in sl)
        mask = qid[win] == k + 1
        inner = ndimage.distance_transform_edt(mask) * grid.res  # distance inward from the rim [m]
        if q.kind.iat[k] == "heap":  # spoil heap, ~40 m high with 300 m slopes
            elev[win] += 40.0 * smoothstep(inner / 300.0)
        else:  # dry mine pit, ~30 m deep
            elev[win] -= 30.0 * smoothstep(inner / 220.0)
    del qid
    water = hydro.water
    ids = grid.burn(geoms_of(water), np.arange(1, len(water) + 1, dtype=np.int32), dtype="int32")
    for k, sl in enumerate(ndimage.find_objects(ids)):
        if sl is None:
            continue
        pad = 8
        win = tuple(slice(max(s.start - pad, 0), s.stop + pad) for s in sl)
        m = ids[win] == k + 1
        ring = ndimage.binary_dilation(m, iterations=6) & ~m & (ids[win] == 0)
        local = elev[win]
        bank = local[ring] if ring.any() else local[m]
        kind = water["water"].iat[k]
        drop = 6.0 if water.mine_lake.iat[k] else 1.5 if kind == "river" else 0.8
        level = float(np.percentile(bank, 10)) - drop
        if kind == "river":
            local[m] = np.minimum(local[m], level)
        else:
            local[m] = level
    return np.round(elev, 1).astype(np.float32)


def block_mean(a: np.ndarray, f: int) -> np.ndarray:
    """Mean over f x f pixel blocks (shape must be divisible by f)."""
    ny, nx = a.shape
    return a.reshape(ny // f, f, nx // f, f).mean(axis=(1, 3))


def make_wind(seed: int, ext: Extent, grid: Grid, lu: LanduseGrid, dem: np.ndarray | None, dem_grid: Grid
              ) -> tuple[np.ndarray, np.ndarray]:
    """Mean wind speed at 100 m and 150 m [m/s] on a coarse grid, Global-Wind-Atlas-like.

    Lower over forest and towns (roughness), higher on elevated ground; the shear exponent grows
    with roughness.
    """
    rng = make_rng(seed, "wind_speed")
    f = int(round(grid.res / lu.grid.res))
    forest = ndimage.gaussian_filter(block_mean((lu.classes == FOREST).astype(np.float32), f), 1.0)
    urban = ndimage.gaussian_filter(block_mean(np.isin(lu.classes, BUILT_UP).astype(np.float32), f), 1.0)
    if dem is not None:
        elev = block_mean(dem, int(round(grid.res / dem_grid.res)))
        rel = elev - ndimage.gaussian_filter(elev, 16.0, mode="nearest")
    else:
        rel = np.zeros(grid.shape, np.float32)
    ws100 = 6.05 + 0.22 * spectral_noise(rng, grid.shape, corr_px=24.0) + 0.02 * rel - 0.55 * forest - 0.6 * urban
    ws100 = np.clip(ws100, 5.2, 7.0)
    alpha = 0.2 + 0.12 * np.clip(forest + urban, 0.0, 1.0)
    ws150 = ws100 * 1.5 ** alpha
    return np.round(ws100, 2).astype(np.float32), np.round(ws150, 2).astype(np.float32)


def make_soil(seed: int, ext: Extent, grid: Grid, lu: LanduseGrid, soil_field: SmoothField, hydro: Hydro,
              special: SpecialAreas) -> np.ndarray:
    """Ackerzahl (soil quality, 20-95): loess in the west, sand in the east, poor on mining land.

    Water and built-up land are nodata.
    """
    rng = make_rng(seed, "soil")
    f = int(round(lu.grid.res / grid.res))
    cls = np.repeat(np.repeat(lu.classes, f, 0), f, 1) if f > 1 else lu.classes
    xs, ys = grid.xs(), grid.ys()
    pot = soil_potential(ext, soil_field, xs[None, :] + 0.0 * ys[:, None], ys[:, None] + 0.0 * xs[None, :])
    soil = 25.0 + 70.0 * pot + 4.0 * spectral_noise(rng, grid.shape, beta=2.6)
    mining = np.isin(cls, (QUARRY,)) | grid.burn(geoms_of(hydro.water[hydro.water.mine_lake.to_numpy()])).astype(bool)
    w = np.exp(-grid.distance_to(mining) / 500.0)
    soil = soil * (1.0 - w) + (24.0 + 5.0 * spectral_noise(rng, grid.shape, beta=3.0)) * w
    soil -= 12.0 * (cls == FOREST)
    soil = np.round(np.clip(soil, 20.0, 95.0)).astype(np.float32)
    soil[np.isin(cls, (WATER,) + BUILT_UP)] = NODATA
    return soil


def write_geotiff(path: Path, array: np.ndarray, grid: Grid, description: str, units: str) -> Path:
    """Write a float32, deflate-compressed, tiled GeoTIFF in EPSG:25832 with nodata set.

    Small rasters use the strongest compression (the sample ships in the repository); large
    ones a faster level.
    """
    profile = dict(driver="GTiff", width=grid.nx, height=grid.ny, count=1, dtype="float32", crs=CRS,
                   transform=grid.transform, nodata=NODATA, tiled=True, blockxsize=256, blockysize=256,
                   compress="deflate", predictor=3, zlevel=9 if grid.nx * grid.ny <= 4_000_000 else 6)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array.astype(np.float32), 1)
        dst.set_band_description(1, description)
        dst.update_tags(1, units=units)
        dst.update_tags(source="synthetic (make_sample_region.py)", licence="CC0-1.0")
    return path


# ----------------------------------------------------------------------------------------------
# Output, validation, orchestration
# ----------------------------------------------------------------------------------------------
def named_places(landuse: gpd.GeoDataFrame) -> pd.DataFrame:
    """Centre and radius of each named settlement area of the landuse layer (name, x, y, r)."""
    named = landuse[landuse.landuse.isin(list(BUILT_UP_NAMES)) & landuse["name"].notna()]
    named = named.dissolve(by="name", as_index=False)
    centre = shapely.centroid(geoms_of(named))
    return pd.DataFrame({"name": named["name"].to_numpy(), "x": shapely.get_x(centre), "y": shapely.get_y(centre),
                         "r": np.sqrt(named.geometry.area.to_numpy() / np.pi)})


def add_solar_land(seed: int, ext: Extent, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Former mining land, flooded opencast lakes, parking lots and disadvantaged areas (PV categories).

    Drawn over the finished layers (farmland and meadow give way; settlements, forest, water, buildings and
    roads stay), so the rest of the region is unchanged. Outside the sample's anchors (other extents) a
    brownfield, a lake, three parking lots and one disadvantaged area are placed at random.
    """
    rng = make_rng(seed, "solar_land")
    places = named_places(layers["landuse"])
    landuse, box = layers["landuse"], ext.box()
    mining = [(a, lu, mm) for a, lu, mm in SAMPLE_MINING_LAND if ext.inside(np.array([a.x]), np.array([a.y]), a.r)[0]]
    pits = list(anchors_inside(SAMPLE_FLOODED_PITS, ext, 500.0))
    if not mining and not pits:
        x, y = ext.uniform(rng, 2, 3000.0)
        mining = [(Anchor("Kippe (synthetisch)", x[0], y[0], 450.0), "brownfield", "")]
        pits = [Anchor("Tagebausee (synthetisch)", x[1], y[1], 400.0)]
    kept = ~landuse.landuse.isin(["farmland", "meadow"]).to_numpy()
    blocked = shapely.union_all(np.concatenate([geoms_of(landuse)[kept], geoms_of(layers["water"])]))
    anchors = [a for a, _, _ in mining] + pits
    blobs = star_blobs(rng, np.array([a.x for a in anchors]), np.array([a.y for a in anchors]),
                       np.array([a.r for a in anchors]), 0.2, 48, 1.2, rng.uniform(0, np.pi, len(anchors)))
    blobs = only_polygons(shapely.intersection(shapely.difference(blobs, blocked), box))
    lake_geoms = blobs[len(mining):]
    new_lu = frame({"landuse": [lu for _, lu, _ in mining], "name": [a.name for a, _, _ in mining],
                    "man_made": [mm or None for _, _, mm in mining]}, blobs[:len(mining)])
    cut = shapely.union_all(blobs)
    landuse["man_made"] = None
    landuse["geometry"] = only_polygons(shapely.difference(geoms_of(landuse), cut))
    landuse = landuse[~shapely.is_empty(geoms_of(landuse))]
    layers["landuse"] = pd.concat([landuse, new_lu], ignore_index=True)
    lakes = frame({"natural": ["water"] * len(pits), "water": ["reservoir"] * len(pits),
                   "name": [a.name for a in pits]}, lake_geoms)
    layers["water"] = pd.concat([layers["water"], lakes], ignore_index=True)

    # Parking lots: the first rectangle on rings round the place that touches no building, road or water.
    obstacles = list(np.concatenate([geoms_of(layers["buildings"]), geoms_of(layers["roads"]),
                                     geoms_of(layers["water"]), geoms_of(new_lu)]))
    tree = shapely.STRtree(obstacles)
    by_name = {n: (x, y, r) for n, x, y, r in zip(places["name"], places["x"], places["y"], places["r"])}
    plan = [p for p in SAMPLE_PARKING if p[0] in by_name]
    if not plan:
        big = places.sort_values("r", ascending=False).head(3)
        plan = [(n, 120.0, 80.0, "surface", 380, f"Parkplatz {n}") for n in big["name"]]
    rows, geoms = [], []
    for place, length, width, kind, capacity, name in plan:
        px, py, pr = by_name[place]
        for dist in np.arange(0.3, 1.6, 0.1) * pr:
            angles = np.arange(0.0, 2 * np.pi, np.pi / 12)
            cand = rectangles(px + dist * np.cos(angles), py + dist * np.sin(angles), np.full(angles.size, length),
                              np.full(angles.size, width), np.zeros(angles.size))
            hit = np.zeros(angles.size, dtype=bool)
            hit[tree.query(cand, predicate="intersects")[0]] = True
            hit |= shapely.intersects(cand, shapely.union_all([g.buffer(5.0) for g in geoms]))
            free = np.flatnonzero(~hit & shapely.within(cand, box))
            if free.size:
                geoms.append(cand[free[0]])
                rows.append({"amenity": "parking", "parking": kind, "capacity": capacity, "name": name})
                break
    layers["parking"] = rows_frame([{**r, "geometry": g} for r, g in zip(rows, geoms)],
                                   ["amenity", "parking", "capacity", "name"])
    lu = layers["landuse"]
    open_land = lu.landuse.isin(["farmland", "meadow", "forest"]).to_numpy()
    if geoms and open_land.any():  # a lot in the fields takes the land; in a settlement it lies inside its area
        lu.loc[open_land, "geometry"] = only_polygons(shapely.difference(geoms_of(lu)[open_land],
                                                                         shapely.union_all(geoms)))
        layers["landuse"] = lu[~shapely.is_empty(geoms_of(lu))].reset_index(drop=True)

    areas = [(n, shapely.Polygon(pts).intersection(box)) for n, pts in SAMPLE_DISADVANTAGED]
    areas = [(n, g) for n, g in areas if not g.is_empty]
    if not areas:
        areas = [("Benachteiligtes Gebiet (synthetisch)", shapely.box(ext.xmax - 0.3 * ext.width, ext.ymax - 0.3 *
                                                                      ext.height, ext.xmax, ext.ymax))]
    layers["disadvantaged_areas"] = frame({"name": [n for n, _ in areas], "land": ["ST"] * len(areas),
                                           "source": ["synthetisch, nach der Kulisse der FFAVO LSA"] * len(areas)},
                                          [g for _, g in areas])


BUILT_UP_NAMES = ("residential", "commercial", "industrial")


def add_solar_land_to(gpkg: Path, seed: int = 2024) -> Path:
    """Add the solar land (:func:`add_solar_land`) to the base layers of an existing GeoPackage, in place.

    A full regeneration under another GEOS version moves municipality boundaries and everything placed after
    them (the coverage functions need GEOS >= 3.12 and fall back to plain unions before). This keeps the shipped
    layers and adds only the solar land (idempotent: the base layers are those without it; a second run gives the
    same land, its vertices within floating-point noise).
    """
    layers = {name: pyogrio.read_dataframe(gpkg, layer=name) for name in BASE_LAYERS}
    solar_names = {a.name for a, _, _ in SAMPLE_MINING_LAND} | {a.name for a in SAMPLE_FLOODED_PITS}
    layers["landuse"] = layers["landuse"][~layers["landuse"]["name"].isin(solar_names)].drop(
        columns=[c for c in ("man_made",) if c in layers["landuse"].columns]).reset_index(drop=True)
    layers["water"] = layers["water"][~layers["water"]["name"].isin(solar_names)].reset_index(drop=True)
    x0, y0, x1, y1 = layers["municipalities"].total_bounds
    add_solar_land(seed, Extent(x0, y0, x1, y1), layers)
    tmp = gpkg.with_suffix(".tmp.gpkg")
    write_gpkg(tmp, layers)
    tmp.replace(gpkg)
    return gpkg


LAYER_ORDER = ("municipalities", "landuse", "buildings", "roads", "railways", "power_lines", "substations", "water",
               "waterways", "protected_areas", "airfields", "wind_turbines", "pv_parks", "parking",
               "disadvantaged_areas")
BASE_LAYERS = LAYER_ORDER[:13]  # without the solar land of add_solar_land
MULTI_LAYERS = {"municipalities", "landuse", "water", "protected_areas", "airfields", "pv_parks", "parking",
                "disadvantaged_areas"}
RASTER_FILES = {"dem": "dem.tif", "wind_speed_100m": "wind_speed_100m.tif", "wind_speed_150m": "wind_speed_150m.tif",
                "soil_quality": "soil_quality.tif"}


class RegionValidationError(ValueError):
    """Raised by :func:`validate_region` with every problem found."""


def write_gpkg(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> Path:
    """Write all layers into a fresh GeoPackage (version 1.2, readable by GDAL 3.6 / QGIS 3.22 without warnings)."""
    if path.exists():
        path.unlink()
    # A fixed gpkg_contents timestamp keeps the file byte-identical between runs.
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2024-01-01T00:00:00.000Z"})
    for i, name in enumerate(LAYER_ORDER):
        df = layers[name]
        pyogrio.write_dataframe(df, path, layer=name, driver="GPKG", promote_to_multi=name in MULTI_LAYERS,
                                dataset_options={"VERSION": "1.2"} if i == 0 else None,
                                layer_options={"SPATIAL_INDEX": "YES"})
    return path


def validate_region(paths: dict[str, Path]) -> None:
    """Self-check of a generated region.

    Checks that every layer is non-empty, all geometries are valid, everything is in EPSG:25832,
    and that the municipalities tile their bounding rectangle without gaps or overlaps (area sum
    and union area within 0.01 % of the rectangle).

    Parameters
    ----------
    paths : dict of str to pathlib.Path
        Output of :func:`generate_region`.

    Raises
    ------
    RegionValidationError
        Listing every failed check.
    """
    problems: list[str] = []
    gpkg = paths["gpkg"]
    present = {row[0] for row in pyogrio.list_layers(gpkg)}
    for name in LAYER_ORDER:
        if name not in present:
            problems.append(f"layer {name} missing")
            continue
        df = pyogrio.read_dataframe(gpkg, layer=name)
        if len(df) == 0:
            problems.append(f"layer {name} is empty")
        if df.crs is None or df.crs.to_epsg() != 25832:
            problems.append(f"layer {name} has CRS {df.crs}, expected EPSG:25832")
        bad = int((~shapely.is_valid(geoms_of(df))).sum())
        if bad:
            problems.append(f"layer {name}: {bad} invalid geometries")
        if shapely.is_empty(geoms_of(df)).any():
            problems.append(f"layer {name}: empty geometries")
        if name == "municipalities" and len(df):
            x0, y0, x1, y1 = df.total_bounds
            box_area = (x1 - x0) * (y1 - y0)
            total = float(df.geometry.area.sum())
            union = float(shapely.union_all(geoms_of(df)).area)
            if abs(total - box_area) > 1e-4 * box_area or abs(union - box_area) > 1e-4 * box_area:
                problems.append(f"municipalities do not tile the extent: sum {total:.0f} m2, union {union:.0f} m2, "
                                f"extent {box_area:.0f} m2")
    for key in RASTER_FILES:
        if key not in paths:
            continue
        with rasterio.open(paths[key]) as src:
            if src.crs is None or src.crs.to_epsg() != 25832:
                problems.append(f"{key}: CRS {src.crs}, expected EPSG:25832")
            if src.nodata is None:
                problems.append(f"{key}: nodata not set")
            if src.dtypes[0] != "float32":
                problems.append(f"{key}: dtype {src.dtypes[0]}, expected float32")
    if problems:
        raise RegionValidationError("region validation failed:\n  " + "\n  ".join(problems))


def default_municipality_count(area_km2: float) -> int:
    """Number of municipalities: 8 for the sample (~94 km2 each), ~1 per 50 km2 for large regions."""
    return max(1, int(round(area_km2 / 94.0))) if area_km2 <= 1000.0 else int(round(area_km2 / 50.0))


def generate_region(out_dir: Path, size_km_x: float = 30.0, size_km_y: float = 25.0, x0: float = 708000.0,
                    y0: float = 5708000.0, seed: int = 2024, rasters: bool = True,
                    n_municipalities: int | None = None, verbose: bool = True) -> dict[str, Path]:
    """Generate the synthetic region and write it to ``out_dir``.

    Parameters
    ----------
    out_dir : pathlib.Path
        Output folder (created if missing).
    size_km_x, size_km_y : float
        Size of the region, at least 10 km each. [km]
    x0, y0 : float
        South-west corner. [m, EPSG:25832]
    seed : int
        Seed of all random streams.
    rasters : bool
        Also write the GeoTIFFs (DEM, wind speeds, soil quality).
    n_municipalities : int, optional
        Number of municipalities; default 8 for the sample, ~1 per 50 km2 for large regions.
    verbose : bool
        Print step timings.

    Returns
    -------
    dict of str to pathlib.Path
        ``gpkg`` and, with rasters, ``dem``, ``wind_speed_100m``, ``wind_speed_150m``, ``soil_quality``.

    Raises
    ------
    ValueError
        If the size is below 10 km or ``n_municipalities`` below 1.
    RegionValidationError
        If the self-check of the written files fails.
    """
    if size_km_x < 10.0 or size_km_y < 10.0:
        raise ValueError("size_km_x and size_km_y must be at least 10 km (every layer must get features), "
                         "e.g. 30 and 25")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ext = Extent(x0, y0, x0 + size_km_x * 1000.0, y0 + size_km_y * 1000.0)
    n_mun = default_municipality_count(ext.area_km2) if n_municipalities is None else int(n_municipalities)
    if n_mun < 1:
        raise ValueError("n_municipalities must be at least 1")
    t_start = time.perf_counter()
    clock = [t_start]
    notes: list[str] = []

    def step(msg: str) -> None:
        now = time.perf_counter()
        if verbose:
            print(f"  {now - clock[0]:7.2f} s  {msg}", flush=True)
        clock[0] = now

    soil_field = SmoothField.random(make_rng(seed, "soil_field"), ext, 4000.0)
    hydro = make_hydrography(seed, ext)
    special = make_special_areas(seed, ext, hydro)
    step("rivers, lakes, quarries, airfields")
    settlements = make_settlements(seed, ext, hydro, special)
    step(f"{len(settlements.places)} settlements")
    municipalities = make_municipalities(seed, ext, settlements.places, n_mun)
    step(f"{len(municipalities)} municipalities")
    transport = make_transport(seed, ext, hydro, special, settlements)
    step("roads and railways")
    lu = make_landuse_grid(seed, ext, hydro, special, settlements, soil_field)
    add_ponds(seed, ext, lu, hydro)
    add_streams(seed, ext, lu, hydro)
    tracks = make_tracks(seed, ext, lu)
    transport.roads = pd.concat([transport.roads, tracks], ignore_index=True)
    step(f"landuse grid ({lu.grid.res:.0f} m), ponds, streams, tracks")
    protected = make_protected_areas(seed, ext, lu, hydro, settlements, municipalities, notes)
    turbines = make_wind_turbines(seed, ext, lu, protected)
    pv = make_pv_parks(seed, ext, lu, transport, special, settlements)
    step("protected areas, wind turbines, PV parks")
    power_lines, substations = make_power_grid(seed, ext, lu, settlements, notes)
    step("power grid")
    obstacles = [geoms_of(transport.roads), geoms_of(transport.railways), geoms_of(hydro.rivers),
                 geoms_of(hydro.water), geoms_of(pv), geoms_of(special.airfields)]
    buildings = make_buildings(seed, ext, lu, settlements, turbines, obstacles)
    step(f"{len(buildings)} buildings")
    landuse = landuse_polygons(ext, lu, settlements, special, seed)
    municipalities["population"] = population(municipalities, buildings)
    step(f"{len(landuse)} landuse polygons, population")

    box = ext.box()
    water = hydro.water.drop(columns=["mine_lake"])
    water = water[shapely.intersects(geoms_of(water), box)]
    waterways = hydro.rivers.copy()
    waterways["geometry"] = shapely.intersection(geoms_of(waterways), box)
    layers = {
        "municipalities": municipalities,
        "landuse": landuse,
        "buildings": buildings,
        "roads": _lines_only(transport.roads),
        "railways": _lines_only(transport.railways),
        "power_lines": _lines_only(power_lines),
        "substations": substations,
        "water": water.reset_index(drop=True),
        "waterways": _lines_only(waterways),
        "protected_areas": protected,
        "airfields": special.airfields,
        "wind_turbines": turbines,
        "pv_parks": pv,
    }
    add_solar_land(seed, ext, layers)
    step("mining land, flooded pit, parking lots, disadvantaged areas")
    paths = {"gpkg": write_gpkg(out_dir / GPKG_NAME, layers)}
    step(f"wrote {paths['gpkg'].name}")
    if rasters:
        dem_grid = Grid.outer(ext, 25.0)
        dem = make_dem(seed, ext, dem_grid, hydro, special)
        paths["dem"] = write_geotiff(out_dir / RASTER_FILES["dem"], dem, dem_grid, "elevation", "m a.s.l.")
        wind_grid = Grid.outer(ext, 250.0)
        ws100, ws150 = make_wind(seed, ext, wind_grid, lu, dem, dem_grid)
        del dem
        paths["wind_speed_100m"] = write_geotiff(out_dir / RASTER_FILES["wind_speed_100m"], ws100, wind_grid,
                                                 "mean wind speed 100 m above ground", "m/s")
        paths["wind_speed_150m"] = write_geotiff(out_dir / RASTER_FILES["wind_speed_150m"], ws150, wind_grid,
                                                 "mean wind speed 150 m above ground", "m/s")
        soil = make_soil(seed, ext, dem_grid, lu, soil_field, hydro, special)
        paths["soil_quality"] = write_geotiff(out_dir / RASTER_FILES["soil_quality"], soil, dem_grid,
                                              "soil quality (Ackerzahl)", "1")
        step("rasters")
    validate_region(paths)
    step("validated")
    if verbose:
        for n in notes:
            print(f"  note: {n}")
        print(f"  total {time.perf_counter() - t_start:.1f} s")
    return paths


def _lines_only(df: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Explode multi-lines and drop empty or degenerate geometries."""
    df = df.explode(index_parts=False).reset_index(drop=True)
    keep = (shapely.get_type_id(geoms_of(df)) == 1) & (df.geometry.length > 1.0).to_numpy()
    return df[keep].reset_index(drop=True)


def population(municipalities: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, persons_per_flat: float = 1.9
               ) -> np.ndarray:
    """Inhabitants per municipality from the dwellings of its buildings."""
    centres = shapely.centroid(geoms_of(buildings))
    tree = shapely.STRtree(geoms_of(municipalities))
    bi, mi = tree.query(centres, predicate="within")
    flats = np.bincount(mi, weights=buildings["building:flats"].to_numpy()[bi], minlength=len(municipalities))
    return np.round(flats * persons_per_flat).astype(np.int64)


def main(argv: Sequence[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out-dir", type=Path, default=Path(__file__).resolve().parent)
    ap.add_argument("--size-km-x", type=float, default=30.0)
    ap.add_argument("--size-km-y", type=float, default=25.0)
    ap.add_argument("--x0", type=float, default=708000.0)
    ap.add_argument("--y0", type=float, default=5708000.0)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--n-municipalities", type=int, default=None)
    ap.add_argument("--no-rasters", action="store_true")
    ap.add_argument("--solar-land-only", action="store_true",
                    help="only add the solar land (mining land, flooded pit, parking, disadvantaged areas) to the "
                         "GeoPackage in --out-dir, keeping its other layers")
    args = ap.parse_args(argv)
    if args.solar_land_only:
        path = add_solar_land_to(args.out_dir / GPKG_NAME, args.seed)
        validate_region({"gpkg": path})
        print(f"  added the solar land to {path}")
        return
    print(f"generating {args.size_km_x:g} x {args.size_km_y:g} km region into {args.out_dir}")
    paths = generate_region(args.out_dir, args.size_km_x, args.size_km_y, args.x0, args.y0, args.seed,
                            rasters=not args.no_rasters, n_municipalities=args.n_municipalities)
    for key, path in paths.items():
        print(f"  {key:16s} {path}  {path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
