"""How generation sources and map layers look and are named, for the report and the site maps.

One table, so that the HTML/PDF report (matplotlib) and the QGIS site maps draw a source in the
same colour. Colours are hex RGB strings; labels come from
:data:`~.model.GENERATION_SOURCES` (German and English).
"""
from __future__ import annotations

#: Point/marker colour of each generation source's sites.
SOURCE_COLOURS: dict[str, str] = {
    "wind": "#1f78b4",
    "pv_ground": "#ff7f00",
    "agri_pv": "#33a02c",
    "pv_rooftop": "#e31a1c",
    "pv_floating": "#17becf",
}

#: Fill colour of the eligible areas of each technology.
ELIGIBLE_FILL: dict[str, str] = {"wind": "#9ecae1", "pv_ground": "#fdd0a2"}

#: Colour of grid connection routes.
CONNECTION_COLOUR = "#6a3d9a"

#: Colour of generation and demand in the balance charts.
GENERATION_COLOUR = "#4daf4a"
DEMAND_COLOUR = "#984ea3"

#: Hatch of the generation used in the same hour (monthly balance chart).
SELF_CONSUMED_COLOUR = "#222222"

#: Colour of the residual load (demand − generation) in the duration chart.
RESIDUAL_COLOUR = "#555555"

#: Outline of the municipal boundaries on the maps.
BOUNDARY_COLOUR = "#333333"

#: Fallback for a source without a colour.
UNKNOWN_COLOUR = "#000000"


def source_colour(key: str) -> str:
    """Colour of the sites of generation source ``key`` (black if unknown)."""
    return SOURCE_COLOURS.get(key, UNKNOWN_COLOUR)
