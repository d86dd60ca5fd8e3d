"""Processing algorithm ``wip:setbacksweep``: eligible share as a function of one setback."""
from __future__ import annotations

import math

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)

from ..compat import NUMBER_DOUBLE
from ..core.jobs.build import setback_sweep_job
from ..i18n import tr, ui_language
from .base import WipAlgorithm
from .inputs import (
    add_aoi_parameters,
    add_catalogue_parameters,
    add_crs_parameter,
    add_kinds_parameter,
    area_of_interest,
    catalogue_spec,
    working_crs,
)
from .roles import add_role_parameters, role_layers


class SetbackSweep(WipAlgorithm):
    """Eligible area per municipality for a series of setbacks of one criterion."""

    GROUP_ID = "eligibility"
    PRESET, CATALOGUE = "PRESET", "CATALOGUE"
    AOI, AOI_NAME_FIELD, AOI_NAMES = "AOI", "AOI_NAME_FIELD", "AOI_NAMES"
    KINDS, CRITERION, VARIANTS = "KINDS", "CRITERION", "VARIANTS"
    SETBACK_FROM, SETBACK_TO, SETBACK_STEP = "SETBACK_FROM", "SETBACK_TO", "SETBACK_STEP"
    RESOLUTION, CRS = "RESOLUTION", "CRS"
    OUTPUT_TABLE, OUTPUT_CHART = "OUTPUT_TABLE", "OUTPUT_CHART"
    CRITERION_ID = "CRITERION_ID"
    KIND_IDS = ("hard", "soft", "case_by_case")
    DEFAULT_PRESET = "wind_sachsen_anhalt"
    #: The sample scenario's sweep (one eligibility run per setback and variant: coarser than a plan's 10 m). [m]
    DEFAULT_RESOLUTION_M = 25.0
    #: Minimum eligible patch, as "Land eligibility" and `wip sweep` default it (the same job for the same
    #: choices; the engine's own default, 1 ha, would count smaller patches). [ha]
    MIN_AREA_HA = 5.0
    #: More setbacks than this are refused (each one holds a mask per tile in memory).
    MAX_SETBACKS = 100

    def name(self) -> str:
        return "setbacksweep"

    def displayName(self) -> str:  # noqa: N802 (QGIS API)
        return tr("Setback sweep")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS API)
        add_catalogue_parameters(self, self.DEFAULT_PRESET)
        add_aoi_parameters(self)
        add_role_parameters(self)
        add_kinds_parameter(self)
        self.add_parameter(QgsProcessingParameterString(
            self.CRITERION, tr("Criterion to vary (id; empty: the preset's settlement setback)"), optional=True))
        for name, label, default in ((self.SETBACK_FROM, tr("Smallest setback [m]"), 400.0),
                                     (self.SETBACK_TO, tr("Largest setback [m]"), 1500.0),
                                     (self.SETBACK_STEP, tr("Step [m]"), 100.0)):
            self.add_parameter(QgsProcessingParameterNumber(
                name, label, type=NUMBER_DOUBLE, minValue=0.0, defaultValue=default))
        self.add_parameter(QgsProcessingParameterString(
            self.VARIANTS, tr("Variants without some criteria (ids comma-separated, variants separated by ;)"),
            optional=True))
        self.add_parameter(QgsProcessingParameterNumber(
            self.RESOLUTION, tr("Grid resolution [m]"), type=NUMBER_DOUBLE, minValue=1.0,
            defaultValue=self.DEFAULT_RESOLUTION_M))
        add_crs_parameter(self)
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_TABLE, tr("Sweep table per municipality (CSV)"), fileFilter=tr("CSV files (*.csv)")))
        self.add_parameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_CHART, tr("Chart (PNG or SVG)"), fileFilter=tr("PNG images (*.png);;SVG images (*.svg)"),
            optional=True))
        self.addOutput(QgsProcessingOutputString(self.CRITERION_ID, tr("Varied criterion")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802 (QGIS API)
        crs = working_crs(self, parameters, context)
        kinds = [self.KIND_IDS[i] for i in self.parameterAsEnums(parameters, self.KINDS, context)]
        if not kinds:
            raise QgsProcessingException(tr("Choose at least one kind of criteria to exclude."))
        setbacks = self.setbacks(parameters, context)
        table = self.output_path(parameters, self.OUTPUT_TABLE, context, (".csv",))
        chart = self.output_path(parameters, self.OUTPUT_CHART, context, (".png", ".svg"))
        variants = {tr("all criteria"): []}
        for group in self.parameterAsString(parameters, self.VARIANTS, context).split(";"):
            ids = [i.strip() for i in group.split(",") if i.strip()]
            if ids:
                variants[tr("without {ids}").format(ids=", ".join(ids))] = ids
        result = self.run_engine(setback_sweep_job(
            catalogue_spec(self, parameters, context), role_layers(self, parameters, context, feedback),
            area_of_interest(self, parameters, context, feedback),
            self.parameterAsString(parameters, self.CRITERION, context).strip() or None, setbacks,
            settings={"resolution_m": self.parameterAsDouble(parameters, self.RESOLUTION, context),
                      "crs": crs, "kinds": kinds, "min_area_ha": self.MIN_AREA_HA, "require_all": False,
                      "invalid_geometries": "error"},
            variants=variants, table=table, chart=chart,
            language="de" if ui_language() == "de" else "en"), feedback)
        criterion = result["criterion_id"]
        feedback.pushInfo(tr("Eligible share of the whole area by setback of “{criterion}”:").format(
            criterion=criterion))
        series = result["series"]
        for k, setback in enumerate(result["setbacks_m"]):
            feedback.pushInfo(f"{setback:8.0f} m: " + "; ".join(f"{v} {s[k]:.2f} %" for v, s in series.items()))
        return {self.OUTPUT_TABLE: str(table), self.OUTPUT_CHART: str(chart) if chart else None,
                self.CRITERION_ID: criterion}

    def setbacks(self, parameters, context) -> tuple[float, ...]:
        """The setbacks from, to, step; refuses an empty, reversed or too long series."""
        start, stop, step = (self.parameterAsDouble(parameters, p, context)
                             for p in (self.SETBACK_FROM, self.SETBACK_TO, self.SETBACK_STEP))
        count = math.floor((stop - start) / step + 1e-9) + 1 if step > 0 and stop >= start else 0
        if not 1 <= count <= self.MAX_SETBACKS:
            raise QgsProcessingException(tr(
                "Give setbacks from ≤ to with a positive step, at most {max} of them (got from {start:g} m "
                "to {stop:g} m in steps of {step:g} m).").format(max=self.MAX_SETBACKS, start=start, stop=stop,
                                                                step=step))
        return tuple(start + i * step for i in range(count))
