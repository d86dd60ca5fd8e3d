"""Processing algorithm ``wip:sitemaps``: a print-layout atlas, one PDF page per municipality and top site.

The map shows eligible areas, suitability, sites, connection lines and municipal boundaries,
styled from ``styles/site_map_*.qml`` in the colours of the report (``core.profile.legend``), over a
muted base map of the planner's own layers (settlement areas, roads, water bodies, place names:
``styles/site_map_base_*.qml``). The pages and the layout are built in ``atlas.py``. The dialog starts with
the open project's municipalities layer (and the sites and connections of the same profile), recognised by
its data source, name or fields (:func:`profile_layers`), and with the base layers recognised by their role
as the planning panel recognises them (:func:`base_layers_in`, ``panel_detect``).
"""
from __future__ import annotations

import gc
import re
from pathlib import Path

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsGeometry,
    QgsLayoutExporter,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
    QgsRasterLayer,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..compat import FIELD_TYPE_STRING, FLAG_NO_THREADING, NUMBER_INTEGER, SOURCE_ANY_GEOMETRY, SOURCE_LINE, \
    SOURCE_POINT, SOURCE_POLYGON
from ..core.defaults import DEFAULT_CRS
from ..i18n import tr
from ..panel_detect import LayerInfo, detect_roles, name_score, normalise, source_names
from .atlas import POLYGON_GEOMETRY, atlas_layout, pages_layer
from .base import WipAlgorithm, in_main_thread
from .inputs import source_label
from .output_styles import STYLE_DIR


def styled(layer, style: str, name: str):
    """``layer`` with ``styles/<style>.qml`` (colours of core.profile.legend, see scripts/make_styles.py), renamed."""
    layer.loadNamedStyle(str(STYLE_DIR / f"{style}.qml"))
    layer.setName(name)
    return layer


def style_sites(sites: QgsVectorLayer) -> QgsVectorLayer:
    """Sites by generation source (markers for points), labelled with the translated source names."""
    if sites.fields().indexOf("source") < 0:
        sites.setName(tr("Sites"))
        return sites
    point = sites.geometryType() == getattr(QgsWkbTypes, "PointGeometry", 0)
    styled(sites, "site_map_sites_points" if point else "site_map_sites", tr("Sites"))
    renderer = sites.renderer()
    for index, category in enumerate(renderer.categories()):
        renderer.updateCategoryLabel(index, source_label(category.value()))
    return sites


#: Base-map parameters and the roles of the project's layers that fill them in the dialog (first found wins):
#: settlement areas from ATKIS or the OSM land use, roads, water bodies, and place names.
BASE_ROLES = {"SETTLEMENTS": ("settlements", "landuse"), "ROADS": ("roads",), "WATER": ("water",),
              "PLACES": ("places",)}
#: Names a layer of place names goes by (normalised as ``panel_detect`` does).
PLACE_NAMES = ("places", "place_names", "orte", "ortsnamen", "ortschaften", "ortslagen_namen", "siedlungsnamen")
#: The OSM land use that is a settlement area, the OSM roads drawn (no tracks, paths or service roads).
SETTLEMENT_LANDUSE = ("residential", "commercial", "industrial", "retail")
MAP_ROADS = ("motorway", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential", "living_street",
             "motorway_link", "trunk_link", "primary_link", "secondary_link", "tertiary_link")
#: Fields a place's name is read from, in this order.
NAME_FIELDS = ("name", "name_de", "gen", "bez", "ortsname")


def base_layers_in(project: QgsProject) -> dict[str, str]:
    """Layer ids for the dialog's base-map parameters (``SETTLEMENTS``, ``ROADS``, ``WATER``, ``PLACES``): the
    project's layers recognised by their role, by their name or data source as the planning panel does."""
    ordered = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer() is not None]
    ordered += [lyr for lyr in project.mapLayers().values() if lyr not in ordered]
    infos = [LayerInfo(lyr.name(), lyr.source(), QgsWkbTypes.displayString(lyr.wkbType()),
                       tuple(lyr.fields().names()), lyr.id())
             for lyr in ordered if isinstance(lyr, QgsVectorLayer) and lyr.isValid()]
    found = detect_roles(infos, ("settlements", "landuse", "roads", "water"))
    places = [i for i in infos if max(name_score(source_names(i.source), PLACE_NAMES),
                                      name_score([normalise(i.name)], PLACE_NAMES)) > 0]
    if places:
        found["places"] = places[0]
    chosen = {}
    for parameter, roles in BASE_ROLES.items():
        layer = next((found[r] for r in roles if r in found), None)
        if layer is not None:
            chosen[parameter] = layer.key
    return chosen


def name_field_of(layer: QgsVectorLayer) -> str | None:
    """The field with the places' names (``name``, ``gen`` … case-insensitive), None without one."""
    by_lower = {f.lower(): f for f in layer.fields().names()}
    return next((by_lower[n] for n in NAME_FIELDS if n in by_lower), None)


def place_points(layer: QgsVectorLayer, filtered: bool) -> QgsVectorLayer | None:
    """The named places of ``layer`` as points with a ``name`` field (polygons: a point on their surface, the
    largest polygon of each name, so a town split into parts is named once); None without a name field.
    ``filtered``: only the features with a name (the settlement areas the names are taken from)."""
    field = name_field_of(layer)
    if field is None:
        return None
    points = QgsVectorLayer(f"Point?crs={layer.crs().authid() or DEFAULT_CRS}", tr("Place names"), "memory")
    points.setCrs(layer.crs())
    points.dataProvider().addAttributes([QgsField("name", FIELD_TYPE_STRING)])
    points.updateFields()
    best: dict[str, tuple[float, QgsGeometry]] = {}
    for f in layer.getFeatures():
        name = f[field]
        if name is None or not str(name).strip() or str(name) == "NULL" or not f.hasGeometry():
            continue
        geom = f.geometry()
        polygon = geom.type() == POLYGON_GEOMETRY
        size = geom.area() if polygon else 0.0
        if str(name) not in best or size > best[str(name)][0]:
            best[str(name)] = (size, geom.pointOnSurface() if polygon else QgsGeometry(geom))
    features = []
    for name, (_, point) in best.items():
        feature = QgsFeature(points.fields())
        feature.setGeometry(point)
        feature.setAttributes([name])
        features.append(feature)
    if not features and filtered:
        return None
    points.dataProvider().addFeatures(features)
    points.updateExtents()
    return styled(points, "site_map_base_places", tr("Place names"))


#: Names a municipalities layer goes by (lower case): the role, the sample project's and VG250's.
MUNICIPALITY_NAMES = ("municipalities", "gemeinden", "gemeinde", "vg250_gem")
#: The profile's output GeoPackage (wip:municipalprofile) and its layers.
PROFILE_GPKG = "profile_sites.gpkg"


def _source_layer(layer) -> tuple[str, str]:
    """(file name, layer name inside it) of an OGR layer's source, lower case ('' where absent)."""
    path, _, options = layer.source().partition("|")
    match = re.search(r"layername=([^|]+)", options)
    return Path(path).name.lower(), (match.group(1).strip().lower() if match else Path(path).stem.lower())


def municipality_score(layer, name_field: str = "name") -> int:
    """How surely ``layer`` holds municipalities: 3 the profile's output, 2 by its data source's layer or
    its name, 1 by its fields (name and AGS key), 0 not at all (e.g. the profile's sites)."""
    if not isinstance(layer, QgsVectorLayer) or not layer.isValid() \
            or layer.geometryType() != getattr(QgsWkbTypes, "PolygonGeometry", 2):
        return 0
    file_name, source_layer = _source_layer(layer)
    if source_layer == "municipalities":
        return 3 if file_name == PROFILE_GPKG else 2
    if layer.name().strip().lower() in MUNICIPALITY_NAMES or source_layer in MUNICIPALITY_NAMES:
        return 2
    fields = {f.lower() for f in layer.fields().names()}
    return 1 if {name_field, "ags"} <= fields else 0


def profile_layers(project: QgsProject) -> dict[str, str]:
    """Layer ids for the dialog: MUNICIPALITIES (the best-scored layer, the topmost of equals in the layer
    tree), and SITES and CONNECTIONS where they come from the same profile_sites.gpkg. Empty if the project
    has no layer that looks like municipalities."""
    ordered = [node.layer() for node in project.layerTreeRoot().findLayers() if node.layer() is not None]
    ordered += [lyr for lyr in project.mapLayers().values() if lyr not in ordered]
    scored = [(municipality_score(lyr), -i, lyr) for i, lyr in enumerate(ordered)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return {}
    best = max(scored, key=lambda s: s[:2])[2]
    chosen = {SiteMaps.MUNICIPALITIES: best.id()}
    gpkg = best.source().partition("|")[0]
    if Path(gpkg).name.lower() == PROFILE_GPKG:
        for parameter, wanted in ((SiteMaps.SITES, "sites"), (SiteMaps.CONNECTIONS, "connections")):
            for lyr in ordered:
                if lyr.source().partition("|")[0] == gpkg and _source_layer(lyr)[1] == wanted:
                    chosen[parameter] = lyr.id()
                    break
    return chosen


class SiteMaps(WipAlgorithm):
    """Print one PDF page per municipality and per top site from a profile's outputs."""

    GROUP_ID = "profile"
    MUNICIPALITIES, SITES, CONNECTIONS = "MUNICIPALITIES", "SITES", "CONNECTIONS"
    WIND_AREAS, PV_AREAS, SUITABILITY = "WIND_AREAS", "PV_AREAS", "SUITABILITY"
    SETTLEMENTS, ROADS, WATER, PLACES = "SETTLEMENTS", "ROADS", "WATER", "PLACES"
    NAME_FIELD, TOP_N, TITLE = "NAME_FIELD", "TOP_N", "TITLE"
    OUTPUT_PDF, PAGES = "OUTPUT_PDF", "PAGES"

    def name(self) -> str:
        return "sitemaps"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Site maps (PDF)")

    def flags(self):
        # print layouts render in the main thread (as QGIS's own layout export algorithms do)
        return super().flags() | FLAG_NO_THREADING

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.MUNICIPALITIES, tr("Municipalities [polygons] (profile_sites.gpkg, layer municipalities)"),
            [SOURCE_POLYGON]))
        self.add_parameter(QgsProcessingParameterString(
            self.NAME_FIELD, tr("Municipality name field"), defaultValue="name", optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SITES, tr("Sites (profile_sites.gpkg, layer sites: municipality, source, energy_mwh_per_a)"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.CONNECTIONS, tr("Grid connection lines (profile_sites.gpkg, layer connections)"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.WIND_AREAS, tr("Eligible wind areas [polygons]"), [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.PV_AREAS, tr("Eligible ground-mounted PV areas [polygons]"), [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.SUITABILITY, tr("Suitability raster (score 0–100)"), optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SETTLEMENTS, tr("Base map: settlement areas [polygons, ATKIS Ortslage or OSM landuse=residential]"),
            [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.ROADS, tr("Base map: roads [lines, OSM highway=*]"), [SOURCE_LINE], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.WATER, tr("Base map: water bodies [polygons]"), [SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.PLACES, tr("Base map: place names [points or polygons with a name field; default: the named "
                            "settlement areas]"), [SOURCE_POINT, SOURCE_POLYGON], optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.TOP_N, tr("Site pages per municipality [-]"), type=NUMBER_INTEGER, minValue=0, defaultValue=3))
        self.add_parameter(QgsProcessingParameterString(
            self.TITLE, tr("Title"), defaultValue=tr("Municipal energy profile"), optional=True))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_PDF, tr("Site maps (PDF)"), fileFilter=tr("PDF files (*.pdf)")))
        self.addOutput(QgsProcessingOutputNumber(self.PAGES, tr("Number of pages")))
        self.preselect_layers()

    def preselect_layers(self) -> None:
        """Start the dialog with the open project's municipalities (not the alphabetically first polygon
        layer, which is what QGIS shows for a layer parameter without a default).

        A default for the dialog only (``setGuiDefaultValueOverride``): processing.run, qgis_process and
        models still have to name the layers. Read in the main thread only, where the dialog is made
        (QGIS creates the algorithm afresh for each dialog); never while an algorithm runs in a task.
        """
        if not in_main_thread():
            return
        project = QgsProject.instance()
        for name, layer_id in {**profile_layers(project), **base_layers_in(project)}.items():
            self.parameterDefinition(name).setGuiDefaultValueOverride(layer_id)

    # ----------------------------------------------------------------- layers
    def _layer(self, parameters, name, context) -> QgsVectorLayer | None:
        if not parameters.get(name):
            return None
        layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException(tr("“{parameter}”: cannot open the layer.").format(
                parameter=self.parameterDefinition(name).description()))
        return layer.clone()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        pdf = Path(self.parameterAsFileOutput(parameters, self.OUTPUT_PDF, context))
        if pdf.suffix.lower() != ".pdf":
            raise QgsProcessingException(tr("“{output}”: the file must end in .pdf (got “{path}”).").format(
                output=self.parameterDefinition(self.OUTPUT_PDF).description(), path=str(pdf)))
        try:
            project, layout, pages = self.build(parameters, context)
            refusal = None
        except QgsProcessingException as exc:
            refusal = str(exc)
        if refusal is not None:  # raised afresh: the first one's traceback holds cloned layers (see below)
            raise QgsProcessingException(refusal)
        n_pages = pages.featureCount()
        try:
            feedback.pushInfo(tr("Printing {n} pages").format(n=n_pages))
            settings = QgsLayoutExporter.PdfExportSettings()
            settings.dpi = 150
            settings.rasterizeWholeImage = False
            tmp = pdf.with_name(f".{pdf.stem}.part.pdf")
            result, error = QgsLayoutExporter.exportToPdf(layout.atlas(), str(tmp), settings)
            if result != QgsLayoutExporter.ExportResult.Success or feedback.isCanceled():
                if tmp.exists():
                    tmp.unlink()
                raise QgsProcessingException(tr("The PDF could not be written: {error}").format(error=error))
            tmp.replace(pdf)
        finally:
            # The layout and its private project go now, while QGIS runs. A failed or cancelled export
            # raises from this frame: its traceback (kept by the caller) would otherwise hold them past
            # QGIS's exit, where destroying them crashes qgis_process or the session.
            del layout, pages
            project.clear()
            del project
            gc.collect()
        return {self.OUTPUT_PDF: str(pdf), self.PAGES: n_pages}

    def base_layers(self, parameters, context) -> list:
        """The base map, top first: place names, roads, water bodies, settlement areas (muted; each in the legend).

        OSM layers are thinned: the land use to settlement areas, the roads to those a council finds its way by.
        Without a layer of place names the names come from the settlement areas where they have a name field.
        """
        layers = []
        settlements = self._layer(parameters, self.SETTLEMENTS, context)
        if settlements is not None and settlements.fields().indexOf("landuse") >= 0:
            settlements.setSubsetString('"landuse" IN ({})'.format(", ".join(f"'{v}'" for v in SETTLEMENT_LANDUSE)))
        roads = self._layer(parameters, self.ROADS, context)
        if roads is not None and roads.fields().indexOf("highway") >= 0:
            roads.setSubsetString('"highway" IN ({})'.format(", ".join(f"'{v}'" for v in MAP_ROADS)))
        water = self._layer(parameters, self.WATER, context)
        places = self._layer(parameters, self.PLACES, context)
        if places is not None:
            named = place_points(places, False)
            if named is None:
                raise QgsProcessingException(tr("“{parameter}”: the layer has no name field ({fields}).").format(
                    parameter=self.parameterDefinition(self.PLACES).description(), fields=", ".join(NAME_FIELDS)))
            layers.append(named)
        elif settlements is not None:
            named = place_points(settlements, True)
            if named is not None:
                layers.append(named)
        if roads is not None:
            layers.append(styled(roads, "site_map_base_roads", tr("Roads")))
        if water is not None:
            layers.append(styled(water, "site_map_base_water", tr("Water bodies")))
        if settlements is not None:
            layers.append(styled(settlements, "site_map_base_settlements", tr("Settlement areas")))
        return layers

    def build(self, parameters, context):
        """The project (styled layers), the print layout with its atlas, and the pages layer."""
        munis = self._layer(parameters, self.MUNICIPALITIES, context)
        name_field = self.parameterAsString(parameters, self.NAME_FIELD, context) or "name"
        if munis.fields().indexOf(name_field) < 0:
            raise QgsProcessingException(
                tr("The municipalities layer has no field “{field}”.").format(field=name_field))
        sites = self._layer(parameters, self.SITES, context)
        if sites is not None and sites.fields().indexOf("source") >= 0:
            # single roofs and agri-PV (an alternative use of the ground-PV land) are neither drawn nor paged
            sites.setSubsetString("\"source\" NOT IN ('pv_rooftop', 'agri_pv')")
        connections = self._layer(parameters, self.CONNECTIONS, context)
        wind = self._layer(parameters, self.WIND_AREAS, context)
        pv = self._layer(parameters, self.PV_AREAS, context)
        suitability = None
        if parameters.get(self.SUITABILITY):
            raster = self.parameterAsRasterLayer(parameters, self.SUITABILITY, context)
            if raster is not None and raster.isValid():
                suitability = QgsRasterLayer(raster.source(), tr("Suitability (0–100)"), raster.providerType())
                suitability.loadNamedStyle(str(STYLE_DIR / "suitability.qml"))
        base = self.base_layers(parameters, context)
        top_n = self.parameterAsInt(parameters, self.TOP_N, context)
        title = self.parameterAsString(parameters, self.TITLE, context) or tr("Municipal energy profile")

        project = QgsProject()
        crs = munis.crs() if not munis.crs().isGeographic() else QgsCoordinateReferenceSystem(DEFAULT_CRS)
        project.setCrs(crs)
        pages, focus = pages_layer(munis, sites, name_field, top_n, crs)
        styled_layers = [styled(focus, "site_map_focus", tr("Site of this page"))] if focus.featureCount() else []
        styled_layers.append(styled(munis.clone(), "site_map_boundary", tr("Municipal boundary")))
        if connections is not None:
            styled_layers.append(styled(connections, "site_map_connections", tr("Grid connection")))
        if sites is not None:
            styled_layers.append(style_sites(sites))
        if wind is not None:
            styled_layers.append(styled(wind, "site_map_wind_areas", tr("Potential area wind")))
        if pv is not None:
            styled_layers.append(styled(pv, "site_map_pv_areas", tr("Potential area ground PV")))
        if suitability is not None:
            styled_layers.append(suitability)
        for lyr in (*styled_layers, *base, pages):
            project.addMapLayer(lyr, False)
        if pages.featureCount() == 0:
            raise QgsProcessingException(tr("The municipalities layer has no features: nothing to print."))
        return project, atlas_layout(project, styled_layers, base, pages, title), pages
