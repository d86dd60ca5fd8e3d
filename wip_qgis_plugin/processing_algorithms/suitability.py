"""Processing algorithm ``wip:suitability``: weighted soft criteria on the eligible land."""
from __future__ import annotations

import math

from qgis.core import (
    NULL,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMatrix,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorDestination,
    QgsProcessingUtils,
)

from ..compat import NUMBER_DOUBLE, NUMBER_INTEGER, SOURCE_POLYGON, push_warning
from ..core.jobs.build import suitability_job
from ..i18n import tr
from .base import WipAlgorithm
from .inputs import add_aoi_parameters, add_catalogue_parameters, area_of_interest, catalogue_spec
from .output_styles import attach_style
from .roles import add_raster_role_parameters, add_role_parameters, raster_path, raster_roles, role_layers


class Suitability(WipAlgorithm):
    """Score eligible land with weighted soft criteria; rank candidate sites; test the weights."""

    GROUP_ID = "suitability"
    PRESET, CATALOGUE = "PRESET", "CATALOGUE"
    ELIGIBILITY, ELIGIBLE_AREAS = "ELIGIBILITY", "ELIGIBLE_AREAS"
    AOI, AOI_NAME_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_NAMES"
    AGGREGATION, AHP = "AGGREGATION", "AHP"
    RUNS, PERTURBATION, TOP_SHARE = "SENSITIVITY_RUNS", "PERTURBATION", "TOP_SHARE"
    OUTPUT_SUITABILITY, OUTPUT_SITES = "OUTPUT_SUITABILITY", "OUTPUT_SITES"
    OUTPUT_SITES_TABLE, OUTPUT_STABILITY = "OUTPUT_SITES_TABLE", "OUTPUT_STABILITY"
    MEAN_SCORE, CONSISTENCY_RATIO = "MEAN_SCORE", "CONSISTENCY_RATIO"
    AGGREGATION_IDS = (None, "weighted_linear", "weighted_geometric")  # None: the catalogue's
    DEFAULT_PRESET = "wind_sachsen_anhalt"
    #: Weight sets of the sensitivity analysis, as the sample scenario's (``wip suitability --runs``). [-]
    DEFAULT_RUNS = 50
    #: Layer roles the shipped presets' suitability criteria read; the others are advanced.
    SHOWN_ROLES = ("landuse", "substations", "roads")

    def name(self) -> str:
        return "suitability"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Suitability analysis")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_catalogue_parameters(self, self.DEFAULT_PRESET,
                                 tr("Criteria preset (its suitability section is used)"))
        self.add_parameter(QgsProcessingParameterRasterLayer(
            self.ELIGIBILITY, tr("Eligibility raster (from Land eligibility)")))
        self.add_parameter(QgsProcessingParameterFeatureSource(
            self.ELIGIBLE_AREAS, tr("Eligible areas [polygons] (from Land eligibility; ranks candidate sites)"),
            [SOURCE_POLYGON], optional=True))
        add_aoi_parameters(self, optional=True)
        add_role_parameters(self, shown=self.SHOWN_ROLES)
        add_raster_role_parameters(self)
        self.add_parameter(QgsProcessingParameterEnum(
            self.AGGREGATION, tr("Aggregation"), options=[
                tr("as in the catalogue"), tr("weighted linear combination"), tr("weighted geometric mean")],
            defaultValue=0))
        self.add_parameter(QgsProcessingParameterMatrix(
            self.AHP, tr("AHP pairwise comparisons (replace the weights)"), optional=True,
            headers=[tr("criterion A"), tr("criterion B"), tr("value (A is … times as important as B)")]))
        self.add_parameter(QgsProcessingParameterNumber(
            self.RUNS, tr("Sensitivity: number of runs (0: none) [-]"), type=NUMBER_INTEGER,
            minValue=0, defaultValue=self.DEFAULT_RUNS), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.PERTURBATION, tr("Sensitivity: weight perturbation ± [%]"), type=NUMBER_DOUBLE,
            minValue=0.0, maxValue=99.0, defaultValue=20.0), advanced=True)
        self.add_parameter(QgsProcessingParameterNumber(
            self.TOP_SHARE, tr("Sensitivity: top share of the scored land [%]"), type=NUMBER_DOUBLE,
            minValue=0.1, maxValue=100.0, defaultValue=10.0), advanced=True)
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_SUITABILITY, tr("Suitability raster (score 0–100)")))
        self.add_parameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_SITES, tr("Candidate sites [polygons]"), type=SOURCE_POLYGON, optional=True))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_SITES_TABLE, tr("Candidate sites table (CSV)"), fileFilter=tr("CSV files (*.csv)"),
            optional=True))
        self.add_parameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_STABILITY, tr("Stability raster (% of sensitivity runs in the top share)"),
            optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber(self.MEAN_SCORE, tr("Mean score of the scored land [0–100]")))
        self.addOutput(QgsProcessingOutputNumber(self.CONSISTENCY_RATIO, tr("AHP consistency ratio CR")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        eligibility = raster_path(self, parameters, self.ELIGIBILITY, context)
        if eligibility is None:
            raise QgsProcessingException(tr("Give the eligibility raster written by “Land eligibility”."))
        out = {key: self.output_path(parameters, key, context, suffixes) for key, suffixes in (
            (self.OUTPUT_SUITABILITY, (".tif", ".tiff")), (self.OUTPUT_SITES, (".gpkg",)),
            (self.OUTPUT_SITES_TABLE, (".csv",)), (self.OUTPUT_STABILITY, (".tif", ".tiff")))}
        areas = self.layer_ref(parameters, self.ELIGIBLE_AREAS, context, feedback)
        if areas is None and (out[self.OUTPUT_SITES] or out[self.OUTPUT_SITES_TABLE]):
            push_warning(feedback, tr("No candidate sites: give the eligible areas [polygons] to rank them."))
            out[self.OUTPUT_SITES] = out[self.OUTPUT_SITES_TABLE] = None
        runs = self.parameterAsInt(parameters, self.RUNS, context)
        if out[self.OUTPUT_STABILITY] and runs == 0:
            raise QgsProcessingException(tr("The stability raster needs sensitivity runs: set the number of "
                                             "runs above 0, or leave the stability raster out."))
        wants_sensitivity = runs > 0 and (out[self.OUTPUT_STABILITY] or out[self.OUTPUT_SITES]
                                          or out[self.OUTPUT_SITES_TABLE])
        sensitivity = {
            "runs": runs, "perturbation": self.parameterAsDouble(parameters, self.PERTURBATION, context) / 100.0,
            "top_pct": self.parameterAsDouble(parameters, self.TOP_SHARE, context)} if wants_sensitivity else None
        result = self.run_engine(suitability_job(
            self.catalogue(parameters, context), role_layers(self, parameters, context, feedback),
            raster_roles(self, parameters, context), area_of_interest(self, parameters, context, feedback),
            eligibility,
            outputs={"suitability": out[self.OUTPUT_SUITABILITY], "sites": out[self.OUTPUT_SITES],
                     "sites_table": out[self.OUTPUT_SITES_TABLE], "stability": out[self.OUTPUT_STABILITY]},
            settings={"sensitivity": sensitivity, "temp_dir": QgsProcessingUtils.tempFolder()},
            eligible_areas=areas), feedback)
        feedback.pushInfo(tr("Weights: {weights}").format(weights=", ".join(
            f"{c} {w:.3f}" for c, w in zip(result["criteria"], result["weights"]))))
        cr = result["consistency_ratio"]
        if cr is not None:
            feedback.pushInfo(tr("AHP consistency ratio CR = {cr:.3f} (acceptable up to 0.1)").format(cr=cr))
        mean = result["mean_score"]
        feedback.pushInfo(tr("Mean score {mean:.1f} on {scored:.1f} ha of eligible land").format(
            mean=math.nan if mean is None else mean, scored=result["scored_ha"]))
        for site in result["sites"][:5]:
            feedback.pushInfo(tr("Rank {rank}: site {site} in {name}, {area:.1f} ha, mean score {mean:.1f}").format(
                rank=site["rank"], site=site["site_id"], name=site["name"], area=site["area_ha"], mean=site["mean"]))
        results = {key: str(path) if path else None for key, path in out.items()}
        for key, style in ((self.OUTPUT_SUITABILITY, "suitability"), (self.OUTPUT_SITES, "candidate_sites"),
                           (self.OUTPUT_STABILITY, "stability")):
            attach_style(context, results[key], style)
        results[self.MEAN_SCORE] = mean
        results[self.CONSISTENCY_RATIO] = cr
        return results

    def catalogue(self, parameters, context) -> dict:
        """The job's catalogue with the aggregation and AHP overrides of the parameters."""
        overrides = {}
        aggregation = self.AGGREGATION_IDS[self.parameterAsEnum(parameters, self.AGGREGATION, context)]
        if aggregation:
            overrides["aggregation"] = aggregation
        values = [v for v in self.parameterAsMatrix(parameters, self.AHP, context) or []
                  for v in (v if isinstance(v, (list, tuple)) else [v])]
        values = [v for v in values if v is not None and v != NULL and str(v).strip()]
        if len(values) % 3:
            raise QgsProcessingException(tr(
                "The AHP matrix needs rows of three values: criterion A, criterion B, how many times A is "
                "as important as B (1/9 … 9, e.g. 3 or 1/3); got {n} values.").format(n=len(values)))
        if values:
            overrides.update(weighting="ahp", ahp=[
                [str(a).strip(), str(b).strip(), v if isinstance(v, (int, float)) else str(v).strip()]
                for a, b, v in zip(values[0::3], values[1::3], values[2::3])])
        return catalogue_spec(self, parameters, context, suitability_overrides=overrides)
