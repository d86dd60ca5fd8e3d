"""The reasons raster styled per criterion: a legend entry for each criterion, not a bit sum.

A pixel excluded by one criterion only (value ``2**k``) is drawn in that criterion's colour and
labelled with its German label from the ``*_bits.json`` beside the raster (English when the QGIS
locale is not German). A pixel excluded by several criteria is drawn in a darker tone of the colour
of its last criterion in catalogue order (the highest bit), labelled "mehrere Gründe, darunter …":
those values lie between ``2**k`` and ``2**(k+1)``, so a discrete colour ramp groups them into one
legend entry on every QGIS version (QGIS 3.22 has no paletted class with several values). Only
classes the raster holds get an entry. The reason inspector (``reason_inspector.py``) lists every
criterion of a clicked pixel.

Colours follow the theme of a criterion where its id or layer says it (settlements and dwellings
red, forest dark green, water blue, nature protection light green and purple, infrastructure brown
and grey), so the same kind of reason has the same kind of colour in every run.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from qgis.core import (
    QgsColorRampShader,
    QgsMapLayerLegendUtils,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtGui import QColor

from .compat import qgis_enum
from .core.eligibility.reason_bits import (
    PERMITTED_KIND,
    LegendClass,
    ReasonBit,
    legend_classes,
    read_bit_table,
    sidecar_path,
)
from .i18n import tr, ui_language

#: Discrete colour ramp: a value takes the colour of the first class whose upper bound is ≥ the value.
#: (QGIS ≥ 3.30: ``Qgis.ShaderInterpolationMethod``; local, not in compat.py, which another helper owns.)
SHADER_DISCRETE = qgis_enum("ShaderInterpolationMethod", "Discrete", getattr(QgsColorRampShader, "Discrete", 1))

#: Colour families by theme: (words in the criterion's id or layer, colours in order of use).
THEMES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("forest", "wald", "wood"), ("#1b7837", "#00441b", "#4d9221")),
    (("water", "river", "lake", "stream", "flood", "gewaesser", "gewässer", "wasser"),
     ("#2166ac", "#4393c3", "#92c5de", "#053061", "#35978f")),
    (("settlement", "dwelling", "residential", "building", "housing", "village", "siedlung", "wohn"),
     ("#d73027", "#f46d43", "#a50026", "#fdae61", "#e7298a")),
    (("nature", "bird", "ffh", "protect", "landscape", "biosphere", "natura", "habitat", "park", "reserve"),
     ("#a6d96a", "#9970ab", "#c2a5cf", "#66bd63", "#762a83")),
    (("road", "rail", "motorway", "highway", "power", "airfield", "airport", "pipeline", "military", "radar",
      "line", "substation"),
     ("#8c510a", "#bf812d", "#737373", "#dfc27d", "#525252")),
)
FALLBACK_COLOURS = ("#e6ab02", "#66a61e", "#7570b3", "#d95f02", "#1b9e77", "#a6761d", "#e7298a", "#666666")
PERMITTED_COLOUR = "#bdbdbd"
#: Opacity of the classes [0–255]: the map under the raster stays visible.
ALPHA = 210


def criterion_colours(bits: Sequence[ReasonBit]) -> dict[int, QColor]:
    """A colour per bit: the next unused colour of the criterion's theme, else of the fallback list."""
    used = {i: 0 for i in range(len(THEMES) + 1)}
    out: dict[int, QColor] = {}
    for b in sorted(bits, key=lambda x: x.bit):
        if b.kind == PERMITTED_KIND:
            colour = PERMITTED_COLOUR
        else:
            words = f"{b.id} {b.layer}".lower()
            theme = next((i for i, (keys, _) in enumerate(THEMES) if any(k in words for k in keys)), len(THEMES))
            palette = THEMES[theme][1] if theme < len(THEMES) else FALLBACK_COLOURS
            colour = palette[used[theme] % len(palette)]
            used[theme] += 1
        out[b.bit] = QColor(colour)
        out[b.bit].setAlpha(ALPHA)
    return out


def present_values(path: str | Path) -> set[int]:
    """The values a reasons raster holds, nodata left out (read block by block with GDAL)."""
    import numpy as np
    from osgeo import gdal

    ds = gdal.Open(str(path))
    if ds is None:
        raise ValueError(f"GDAL cannot open {path}; give the reasons raster (GeoTIFF) of an eligibility run")
    band = ds.GetRasterBand(1)
    nodata = band.GetNoDataValue()
    rows = max(1, min(ds.RasterYSize, 4_000_000 // max(1, ds.RasterXSize)))
    found: set[int] = set()
    counts = None
    for row in range(0, ds.RasterYSize, rows):
        block = band.ReadAsArray(0, row, ds.RasterXSize, min(rows, ds.RasterYSize - row))
        if block.dtype.kind == "u" and block.dtype.itemsize <= 2:  # uint8/uint16: a count per value is fastest
            add = np.bincount(block.ravel(), minlength=1 << (8 * block.dtype.itemsize))
            counts = add if counts is None else counts + add
        else:
            found.update(int(v) for v in np.unique(block))
    if counts is not None:
        found.update(int(v) for v in np.flatnonzero(counts))
    return {v for v in found if nodata is None or v != nodata}


def class_label(c: LegendClass, language: str) -> str:
    """The legend label of a class, in ``language`` for the criterion's label, through tr() for the rest."""
    if c.bit is None:
        return tr("not excluded")
    label = c.bit.label(language)
    return label if c.kind == "single" else tr("several reasons, including {criterion}").format(criterion=label)


def reason_renderer(layer: QgsRasterLayer, bits: Sequence[ReasonBit], present: set[int] | None = None,
                    language: str | None = None) -> QgsSingleBandPseudoColorRenderer:
    """A discrete pseudocolour renderer with one class per criterion (alone, and with others) present."""
    language = language or ui_language()
    colours = criterion_colours(bits)
    items = []
    for c in legend_classes(bits, present):
        if c.bit is None:
            colour = QColor(255, 255, 255, 0)
        else:
            colour = QColor(colours[c.bit.bit]) if c.kind == "single" else colours[c.bit.bit].darker(160)
            colour.setAlpha(ALPHA)
        items.append(QgsColorRampShader.ColorRampItem(float(c.upper), colour, class_label(c, language)))
    ramp = QgsColorRampShader(0.0, items[-1].value)
    ramp.setColorRampType(SHADER_DISCRETE)
    ramp.setColorRampItemList(items)
    ramp.setClip(True)  # values above the last class (none in a raster of one run) are not drawn
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(0.0)
    renderer.setClassificationMax(items[-1].value)
    return renderer


def layer_file(layer) -> Path | None:
    """The file of a raster layer read through GDAL, or ``None``."""
    if not isinstance(layer, QgsRasterLayer) or not layer.isValid() or layer.providerType() != "gdal":
        return None
    path = Path(layer.source().split("|", 1)[0])
    return path if path.is_file() else None


def is_reasons_layer(layer) -> bool:
    """Whether ``layer`` is a reasons raster: a GDAL raster with a ``*_bits.json`` beside its file."""
    path = layer_file(layer)
    return path is not None and sidecar_path(path).is_file()


def apply_reason_style(layer, language: str | None = None) -> bool:
    """Style a reasons raster per criterion from its sidecar; ``False`` (layer untouched) if it is none."""
    if not is_reasons_layer(layer):
        return False
    path = layer_file(layer)
    bits = read_bit_table(path)
    layer.setRenderer(reason_renderer(layer, bits, present_values(path), language))
    layer.emitStyleChanged()
    layer.triggerRepaint()
    return True


def retitle_band_node(layer, project) -> bool:
    """Replace the band line QGIS puts atop the legend ("Band 1: exclusion reasons (bit field) (Gray)", the
    engine's English band description) with a German title, on the layer's node in ``project``'s layer tree.

    Stored as the node's user label (kept in the project); ``False`` when the layer has no node yet or the
    legend has no band line (then nothing is changed).
    """
    node = project.layerTreeRoot().findLayer(layer.id()) if project is not None else None
    if node is None or layer.legend() is None or layer.renderer() is None:
        return False
    nodes = layer.legend().createLayerTreeModelLegendNodes(node)
    if len(nodes) != len(layer.renderer().legendSymbologyItems()) + 1:
        return False
    QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, 0, tr("Exclusion reasons (click with “Why is this "
                                                              "excluded?” for every reason)"))
    return True


def add_reasons_layer(path: str | Path, project, group=None, name: str | None = None) -> QgsRasterLayer | None:
    """Load a reasons raster styled per criterion into ``project`` (under ``group`` if given); ``None`` when
    the file is not a valid raster. For front ends that open a run's outputs themselves (the guided panel)."""
    layer = QgsRasterLayer(str(path), name or tr("Exclusion reasons"), "gdal")
    if not layer.isValid():
        return None
    apply_reason_style(layer)
    project.addMapLayer(layer, group is None)
    if group is not None:
        group.addLayer(layer)
    retitle_band_node(layer, project)
    return layer
