"""Processing algorithm ``wip:windbgaccounting``: eligible wind area against the WindBG targets."""
from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsFeature,
    QgsFeatureRequest,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsWkbTypes,
)

from ..compat import FIELD_TYPE_DOUBLE, FIELD_TYPE_STRING, SOURCE_POLYGON
from ..core.jobs.build import windbg_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import (
    DEFAULT_TOWER_FOOT_RADIUS,
    REFERENCE_HUB_HEIGHT,
    REFERENCE_ROTOR_DIAMETER,
    add_aoi_parameters,
    add_crs_parameter,
    add_reference_turbine_parameters,
    area_of_interest,
    reference_turbine,
    working_crs,
)
from .output_styles import attach_style

MULTI_POLYGON = getattr(Qgis, "WkbType", QgsWkbTypes).MultiPolygon


class WindbgAccounting(WipAlgorithm):
    """Eligible wind area per municipality against the WindBG area targets, rotor-in optional."""

    GROUP_ID = "accounting"
    AOI, AOI_NAME_FIELD, AOI_ID_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_ID_FIELD", "AOI_NAMES"
    LAND, ELIGIBLE_AREAS, CRS = "LAND", "ELIGIBLE_AREAS", "CRS"
    ROTOR_IN, HUB_HEIGHT, ROTOR_DIAMETER = "ROTOR_IN", "HUB_HEIGHT", "ROTOR_DIAMETER"
    TOWER_FOOT_RADIUS = "TOWER_FOOT_RADIUS"
    OUTPUT_TABLE, OUTPUT_MUNICIPALITIES = "OUTPUT_TABLE", "OUTPUT_MUNICIPALITIES"
    COUNTED_HA, COUNTED_PCT, GAP_2032_HA = "COUNTED_HA", "COUNTED_PCT", "GAP_2032_HA"
    LAND_IDS = (None, "ST", "SN", "TH", "BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL")
    #: Reference turbine of the wind presets and tower-foot radius (a test keeps them equal to the engine's). [m]
    REFERENCE_HUB_HEIGHT, REFERENCE_ROTOR_DIAMETER = REFERENCE_HUB_HEIGHT, REFERENCE_ROTOR_DIAMETER
    DEFAULT_TOWER_FOOT_RADIUS = DEFAULT_TOWER_FOOT_RADIUS
    TEXT_FIELDS = ("name", "ags", "land", "accounting")

    def name(self) -> str:
        return "windbgaccounting"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("WindBG area accounting")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_aoi_parameters(self, id_field=True)
        self.add_parameter(QgsProcessingParameterEnum(
            self.LAND, tr("Land (where the AGS does not tell)"), options=[
                tr("from the AGS"), "Sachsen-Anhalt (ST)", "Sachsen (SN)", "Thüringen (TH)", *self.LAND_IDS[4:]],
            defaultValue=0))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.ELIGIBLE_AREAS, tr("Eligible wind areas [polygons] (from Land eligibility)"), [SOURCE_POLYGON]))
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterBoolean(
            self.ROTOR_IN, tr("Rotor-in: count only the area the whole rotor fits in (WindBG § 4)"),
            defaultValue=True))  # as the sample scenario, the profile and the turbine layout
        add_reference_turbine_parameters(self)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("WindBG table per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)")))
        self.add_parameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_MUNICIPALITIES, tr("Municipalities with WindBG figures [polygons]"), SOURCE_POLYGON,
            optional=True))
        self.addOutput(QgsProcessingOutputNumber(self.COUNTED_HA, tr("Counted wind area [ha]")))
        self.addOutput(QgsProcessingOutputNumber(self.COUNTED_PCT, tr("Counted share of the area [%]")))
        self.addOutput(QgsProcessingOutputNumber(self.GAP_2032_HA, tr("Gap to the 2032 orientation value [ha]")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        table = self.output_path(parameters, self.OUTPUT_TABLE, context, (".csv",))
        rotor_in = self.parameterAsBoolean(parameters, self.ROTOR_IN, context)
        # only rotor-in needs the reference turbine, its dimensions; the engine's default for invalid geometries
        # (refuse) given as `wip windbg` gives it: the same job for the same choices
        turbine = {k: v for k, v in reference_turbine(self, parameters, context).items() if k != "name"}
        aoi = area_of_interest(self, parameters, context, feedback)
        land = self.LAND_IDS[self.parameterAsEnum(parameters, self.LAND, context)]
        result = self.run_engine(windbg_job(
            aoi, crs, self.layer_ref(parameters, self.ELIGIBLE_AREAS, context, feedback), table, rotor_in,
            turbine if rotor_in else None, self.parameterAsDouble(parameters, self.TOWER_FOOT_RADIUS, context),
            land=land, invalid_geometries="error"), feedback)
        if result["rotor_in"]:
            feedback.pushInfo(tr("Rotor-in: the boundary moves inward by {offset:g} m (rotor radius minus "
                                 "tower-foot radius).").format(offset=result["inward_offset_m"]))
        for row in (*result["rows"], result["total"]):
            feedback.pushInfo(tr("{name}: {counted:.1f} ha = {pct:.2f} % of {area:.1f} ha; target {t27:g} % "
                                 "(2027) / {t32:g} % (2032); gap to the 2032 orientation value {gap:.1f} ha").format(
                name=row["name"], counted=row["counted_ha"], pct=row["counted_pct"], area=row["area_ha"],
                t27=row["target_2027_pct"], t32=row["target_2032_pct"], gap=row["gap_2032_ha"]))
        municipalities_out = self.write_municipalities(parameters, context, aoi["name_field"], result)
        attach_style(context, municipalities_out, "windbg_municipalities")
        total = result["total"]
        return {self.OUTPUT_TABLE: str(table), self.OUTPUT_MUNICIPALITIES: municipalities_out,
                self.COUNTED_HA: total["counted_ha"], self.COUNTED_PCT: total["counted_pct"],
                self.GAP_2032_HA: total["gap_2032_ha"]}

    def write_municipalities(self, parameters, context, name_field, result):
        """The municipality polygons (dissolved by name) with the WindBG fields; None if not asked for."""
        field_names = result["fields"]
        fields = QgsFields()
        for f in field_names:
            fields.append(QgsField(f, FIELD_TYPE_STRING if f in self.TEXT_FIELDS else FIELD_TYPE_DOUBLE))
        source = self.parameterAsSource(parameters, self.AOI, context)
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT_MUNICIPALITIES, context, fields,
                                          MULTI_POLYGON, source.sourceCrs())
        if sink is None:
            return None
        # namesakes come back as "Name (AGS)": join by the key where the layer has one, else by the name
        id_field = self.parameterAsString(parameters, self.AOI_ID_FIELD, context)
        keyed = bool(id_field) and source.fields().indexOf(id_field) >= 0
        parts: dict[str, list[QgsGeometry]] = {}
        request = QgsFeatureRequest().setSubsetOfAttributes([name_field] + ([id_field] if keyed else []),
                                                           source.fields())
        for feature in source.getFeatures(request):
            key = str(feature[id_field]) if keyed and feature[id_field] not in (None, "") else str(feature[name_field])
            parts.setdefault(key, []).append(feature.geometry())
        for row in result["rows"]:
            feature = QgsFeature(fields)
            geometry = QgsGeometry.unaryUnion(parts.get(row["ags"] if keyed and row["ags"] else row["name"], []))
            geometry.convertToMultiType()
            feature.setGeometry(geometry)
            feature.setAttributes([row[f] for f in field_names])
            sink.addFeature(feature)
        return dest
