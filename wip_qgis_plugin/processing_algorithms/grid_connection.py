"""Processing algorithm ``wip:gridconnection``: route, price and allocate sites to substations."""
from __future__ import annotations

import math

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorDestination,
    QgsWkbTypes,
)

from ..compat import FIELD_ANY, NUMBER_DOUBLE, SOURCE_ANY_GEOMETRY, SOURCE_LINE, SOURCE_POINT
from ..core.jobs.build import grid_connection_job
from ..i18n import tr
from .base import PLUGIN_DIR, WipAlgorithm
from .inputs import add_crs_parameter, field_value, optional_number, working_crs
from .output_styles import attach_style
from .roles import raster_path

#: First line of a connection catalogue (core.grid.catalogue.SCHEMA), to tell them from other presets.
CONNECTION_SCHEMA = "wip-grid-connection/1"


def connection_preset_ids() -> list[str]:
    """Ids of the shipped connection catalogues (``presets/*.yml`` of the connection schema), sorted.

    Read from the files without importing the engine (the provider loads at every QGIS start).
    """
    ids = []
    for path in sorted((PLUGIN_DIR / "presets").glob("*.y*ml")):
        with open(path, encoding="utf-8") as fh:
            head = fh.read(2000)
        if CONNECTION_SCHEMA in head:
            ids.append(path.stem)
    return ids


class GridConnection(WipAlgorithm):
    """Connect candidate sites to substations along roads or a cost raster, within free capacity."""

    GROUP_ID = "grid"
    SITES, CAPACITY_FIELD, SITE_CAPACITY, AREA_PER_MW = "SITES", "CAPACITY_FIELD", "SITE_CAPACITY", "AREA_PER_MW"
    SITE_ID_FIELD, TERRAIN_FACTOR_FIELD = "SITE_ID_FIELD", "TERRAIN_FACTOR_FIELD"
    SUBSTATIONS, SUBSTATION_VOLTAGE_FIELD, FREE_CAPACITY_FIELD, SUBSTATION_NAME_FIELD = (
        "SUBSTATIONS", "SUBSTATION_VOLTAGE_FIELD", "FREE_CAPACITY_FIELD", "SUBSTATION_NAME_FIELD")
    UNKNOWN_FREE_CAPACITY = "UNKNOWN_FREE_CAPACITY"
    POWER_LINES, VOLTAGE_FIELD, SNAP_TOLERANCE = "POWER_LINES", "VOLTAGE_FIELD", "SNAP_TOLERANCE"
    ROUTING, ROADS, ROAD_CLASS_FIELD, COST_RASTER = "ROUTING", "ROADS", "ROAD_CLASS_FIELD", "COST_RASTER"
    PRESET, CATALOGUE, ALLOCATION, CRS = "PRESET", "CATALOGUE", "ALLOCATION", "CRS"
    OUTPUT_CONNECTIONS, OUTPUT_SITES, OUTPUT_SITES_TABLE = "OUTPUT_CONNECTIONS", "OUTPUT_SITES", "OUTPUT_SITES_TABLE"
    OUTPUT_SUBSTATIONS, OUTPUT_TOPOLOGY = "OUTPUT_SUBSTATIONS", "OUTPUT_TOPOLOGY"
    CONNECTED_MW, UNCONNECTED_MW, UNCONNECTED_SITES = "CONNECTED_MW", "UNCONNECTED_MW", "UNCONNECTED_SITES"
    COST_EUR, COST_EUR_PER_KW, BASELINE_COST_EUR = "COST_EUR", "COST_EUR_PER_KW", "BASELINE_COST_EUR"
    ROUTER_IDS = ("roads", "cost_raster")
    ALLOCATION_IDS = ("min_cost_flow", "greedy")
    DEFAULT_PRESET = "grid_connection"

    def name(self) -> str:
        return "gridconnection"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Grid connection")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SITES, tr("Candidate sites [polygons or points]"), [SOURCE_ANY_GEOMETRY]))
        self.add_parameter(QgsProcessingParameterField(
            self.CAPACITY_FIELD, tr("Capacity field [MW]"), defaultValue="capacity_mw",
            parentLayerParameterName=self.SITES, type=FIELD_ANY, optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.SITE_CAPACITY, tr("Or: the same capacity for every site [MW]"), type=NUMBER_DOUBLE,
            minValue=0.0, optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.AREA_PER_MW, tr("Or: capacity from the area, area per MW [ha]"), type=NUMBER_DOUBLE,
            minValue=0.0, optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.SITE_ID_FIELD, tr("Site id field (empty: site_id if present, else the row number)"),
            parentLayerParameterName=self.SITES, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterField(
            self.TERRAIN_FACTOR_FIELD, tr("Terrain cost factor field (≥ 1 on difficult ground)"),
            parentLayerParameterName=self.SITES, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.SUBSTATIONS, tr("Substations [polygons or points, OSM power=substation]"), [SOURCE_ANY_GEOMETRY]))
        for name, label, default in (
                (self.FREE_CAPACITY_FIELD, tr("Free capacity field of the substations [MW]"), "free_capacity_mw"),
                (self.SUBSTATION_VOLTAGE_FIELD, tr("Substation voltage field (volts, OSM style)"), "voltage"),
                (self.SUBSTATION_NAME_FIELD, tr("Substation name field"), "name")):
            self.add_parameter(QgsProcessingParameterField(
                name, label, defaultValue=default, parentLayerParameterName=self.SUBSTATIONS, type=FIELD_ANY,
                optional=True), advanced=name != self.FREE_CAPACITY_FIELD)
        self.add_parameter(QgsProcessingParameterNumber(
            self.UNKNOWN_FREE_CAPACITY, tr("Free capacity assumed where the field is empty [MW]"),
            type=NUMBER_DOUBLE, minValue=0.0, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterEnum(
            self.ROUTING, tr("Routing"),
            options=[tr("along the road network"), tr("least-cost path over a cost raster")], defaultValue=0))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.ROADS, tr("Roads [lines, OSM highway=*]"), [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.ROAD_CLASS_FIELD, tr("Road class field"), defaultValue="highway",
            parentLayerParameterName=self.ROADS, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.COST_RASTER, tr("Cost raster (factor per cell: 1 farmland, higher harder, ≤ 0 or nodata impassable)"),
            optional=True))
        presets = connection_preset_ids()
        preset = QgsProcessingParameterEnum(
            self.PRESET, tr("Connection costs preset"), options=presets,
            defaultValue=self.DEFAULT_PRESET if self.DEFAULT_PRESET in presets else None)
        preset.setUsesStaticStrings(True)
        self.add_parameter(preset)
        self.add_parameter(QgsProcessingParameterFile(
            self.CATALOGUE, tr("Connection costs file (YAML, replaces the preset)"), optional=True,
            fileFilter=tr("YAML files (*.yaml *.yml)")))
        self.add_parameter(QgsProcessingParameterEnum(
            self.ALLOCATION, tr("Allocation"), options=[
                tr("minimum-cost flow (no substation overloaded, least total cost)"),
                tr("greedy (each site in turn takes its cheapest substation with room)")], defaultValue=0),
            advanced=True)
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.POWER_LINES, tr("Power lines for the topology report [lines, OSM power=line]"),
            [SOURCE_ANY_GEOMETRY], optional=True))
        self.add_parameter(QgsProcessingParameterField(
            self.VOLTAGE_FIELD, tr("Voltage field of the power lines"), defaultValue="voltage",
            parentLayerParameterName=self.POWER_LINES, type=FIELD_ANY, optional=True), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.SNAP_TOLERANCE, tr("Snap tolerance of the topology check [m]"), type=NUMBER_DOUBLE,
            minValue=0.0, defaultValue=10.0), advanced=True)
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_CONNECTIONS, tr("Connection lines [lines]"), type=SOURCE_LINE))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_SITES, tr("Sites with connection cost"), type=SOURCE_ANY_GEOMETRY))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_SITES_TABLE, tr("Site table (CSV)"), fileFilter=tr("CSV files (*.csv)"), optional=True,
            createByDefault=False))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_SUBSTATIONS, tr("Substation load"), type=SOURCE_ANY_GEOMETRY))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_TOPOLOGY, tr("Topology report [points] (needs the power lines)"), type=SOURCE_POINT,
            optional=True, createByDefault=False, defaultValue=None))
        for name, label in (
                (self.CONNECTED_MW, tr("Connected capacity [MW]")),
                (self.UNCONNECTED_MW, tr("Capacity not connected [MW]")),
                (self.UNCONNECTED_SITES, tr("Sites not (fully) connected")),
                (self.COST_EUR, tr("Connection cost [€]")),
                (self.COST_EUR_PER_KW, tr("Connection cost per connected kW [€/kW]")),
                (self.BASELINE_COST_EUR, tr("Cost of the greedy allocation, for comparison [€]"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_CONNECTIONS, (".gpkg",)), (self.OUTPUT_SITES, (".gpkg",)),
            (self.OUTPUT_SITES_TABLE, (".csv",)), (self.OUTPUT_SUBSTATIONS, (".gpkg",)),
            (self.OUTPUT_TOPOLOGY, (".gpkg",)))}
        router = self.ROUTER_IDS[self.parameterAsEnum(parameters, self.ROUTING, context)]
        lines = self.layer_ref(parameters, self.POWER_LINES, context, feedback)
        if lines is None:
            out[self.OUTPUT_TOPOLOGY] = None  # nothing to check: no report
        result = self.run_engine(grid_connection_job(
            sites=self.layer_ref(parameters, self.SITES, context, feedback),
            substations=self.layer_ref(parameters, self.SUBSTATIONS, context, feedback),
            roads=self.layer_ref(parameters, self.ROADS, context, feedback) if router == "roads" else None,
            cost_raster=raster_path(self, parameters, self.COST_RASTER, context) if router != "roads" else None,
            power_lines=lines,
            catalogue=self.parameterAsFile(parameters, self.CATALOGUE, context)
            or self.parameterAsEnumString(parameters, self.PRESET, context) or self.DEFAULT_PRESET,
            settings=self.settings(parameters, context, router),
            topology=None if lines is None else {
                "snap_tolerance_m": self.parameterAsDouble(parameters, self.SNAP_TOLERANCE, context),
                "voltage_field": field_value(self, parameters, self.VOLTAGE_FIELD, context, "voltage"),
                "substation_voltage_field": field_value(self, parameters, self.SUBSTATION_VOLTAGE_FIELD,
                                                        context, "voltage"),
                "name_field": field_value(self, parameters, self.SUBSTATION_NAME_FIELD, context, "name")},
            outputs={"connections": out[self.OUTPUT_CONNECTIONS], "sites": out[self.OUTPUT_SITES],
                     "site_table": out[self.OUTPUT_SITES_TABLE], "substations": out[self.OUTPUT_SUBSTATIONS],
                     "topology_report": out[self.OUTPUT_TOPOLOGY]},
            crs=crs), feedback)
        summary = result["summary"]
        self.report(summary, result, feedback)
        results = {key: str(path) if path else None for key, path in out.items()}
        polygons = self.sites_are_polygons(parameters, context)
        for key, style in ((self.OUTPUT_CONNECTIONS, "grid_connections"),
                           (self.OUTPUT_SITES, "connection_sites" if polygons else "connection_sites_points"),
                           (self.OUTPUT_SUBSTATIONS, "substation_load")):
            attach_style(context, results[key], style)
        attach_style(context, results[self.OUTPUT_TOPOLOGY], "topology_report")
        baseline = summary.get("baseline") or {}
        per_kw = summary["cost_eur_per_kw"]
        results.update({
            self.CONNECTED_MW: summary["connected_mw"], self.UNCONNECTED_MW: summary["unconnected_mw"],
            self.UNCONNECTED_SITES: sum(1 for s in result["sites"] if s["status"] not in ("connected", "split")),
            self.COST_EUR: summary["cost_eur"],
            self.COST_EUR_PER_KW: None if per_kw is None or math.isnan(per_kw) else per_kw,
            self.BASELINE_COST_EUR: baseline.get("cost_eur")})
        return results

    def settings(self, parameters, context, router: str) -> dict:
        """The engine's ConnectionSettings (as JSON) from the parameters."""
        source = self.parameterAsSource(parameters, self.SITES, context)
        site_id = self.parameterAsString(parameters, self.SITE_ID_FIELD, context)
        if not site_id and source is not None and source.fields().indexFromName("site_id") >= 0:
            site_id = "site_id"
        settings = {
            "capacity_field": field_value(self, parameters, self.CAPACITY_FIELD, context, "capacity_mw"),
            "site_capacity_mw": optional_number(self, parameters, self.SITE_CAPACITY, context),
            "area_ha_per_mw": optional_number(self, parameters, self.AREA_PER_MW, context),
            "site_id_field": site_id or None,
            "terrain_factor_field": self.parameterAsString(parameters, self.TERRAIN_FACTOR_FIELD, context) or None,
            "substation_voltage_field": field_value(self, parameters, self.SUBSTATION_VOLTAGE_FIELD, context,
                                                    "voltage"),
            "substation_free_field": field_value(self, parameters, self.FREE_CAPACITY_FIELD, context,
                                                 "free_capacity_mw"),
            "substation_name_field": field_value(self, parameters, self.SUBSTATION_NAME_FIELD, context, "name"),
            "unknown_free_capacity_mw": optional_number(self, parameters, self.UNKNOWN_FREE_CAPACITY, context),
            "allocation": self.ALLOCATION_IDS[self.parameterAsEnum(parameters, self.ALLOCATION, context)],
            "router": router,
            "highway_field": field_value(self, parameters, self.ROAD_CLASS_FIELD, context, "highway"),
        }
        return settings

    def sites_are_polygons(self, parameters, context) -> bool:
        """True for polygon sites (their style fills them; points get markers)."""
        source = self.parameterAsSource(parameters, self.SITES, context)
        return source is not None and "Polygon" in QgsWkbTypes.displayString(source.wkbType())

    def report(self, summary: dict, result: dict, feedback) -> None:
        """Totals and the unconnected sites in the log."""
        feedback.pushInfo(tr("{connected:.1f} MW of {capacity:.1f} MW connected for {cost:,.0f} € "
                             "({per_kw:.1f} €/kW)").format(
            connected=summary["connected_mw"], capacity=summary["capacity_mw"], cost=summary["cost_eur"],
            per_kw=summary["cost_eur_per_kw"] if summary["cost_eur_per_kw"] is not None else math.nan))
        baseline = summary.get("baseline")
        if baseline:
            feedback.pushInfo(tr("Greedy allocation for comparison: {connected:.1f} MW for {cost:,.0f} €").format(
                connected=baseline["connected_mw"], cost=baseline["cost_eur"]))
        for status, count in sorted(summary["status"].items()):
            feedback.pushInfo(tr("Sites {status}: {count}").format(status=status, count=count))
        for row in result["substations"]:
            if row["allocated_mw"]:
                feedback.pushInfo(tr("{name}: {allocated:.1f} MW of {free:.1f} MW free capacity allocated").format(
                    name=row["name"], allocated=row["allocated_mw"], free=row["free_capacity_mw"]))
        topology = summary.get("topology")
        if topology:
            feedback.pushInfo(tr("Topology: {issues}").format(
                issues=", ".join(f"{k} {n}" for k, n in topology["issues"].items()) or "-"))
