"""Adapter from a ``QgsProcessingFeedback`` to the engine's Progress protocol."""
from __future__ import annotations

import re

from qgis.core import QgsProcessingFeedback

from .compat import push_warning
from .i18n import tr


def _engine_messages():
    """The engine's progress and log lines (English, from core/) with their translated wording.

    Each pattern matches one line the engine reports; the groups fill the translated text.
    Lines not listed pass through as they are.
    """
    return (
        (r"Reading layers", lambda: tr("Reading layers")),
        (r"Reading inputs", lambda: tr("Reading inputs")),
        (r"Tile (\d+) of (\d+)", lambda n, m: tr("Tile {n} of {m}").format(n=n, m=m)),
        (r"Stability: tile (\d+) of (\d+)", lambda n, m: tr("Stability: tile {n} of {m}").format(n=n, m=m)),
        (r"Building eligible-area polygons", lambda: tr("Building eligible-area polygons")),
        (r"Ranking candidate sites", lambda: tr("Ranking candidate sites")),
        (r"Done", lambda: tr("Done")),
        (r"Road network", lambda: tr("Road network")),
        (r"Routes", lambda: tr("Routes")),
        (r"Allocation", lambda: tr("Allocation")),
        (r"Drawing routes", lambda: tr("Drawing routes")),
        (r"Reading voltage levels", lambda: tr("Reading voltage levels")),
        (r"Cleaning lines", lambda: tr("Cleaning lines")),
        (r"Building the graph", lambda: tr("Building the graph")),
        (r"Topology report", lambda: tr("Topology report")),
        # solar, rooftop, wind, layout, profile, report
        (r"Terrain: tile (\d+) of (\d+)", lambda n, m: tr("Terrain: tile {n} of {m}").format(n=n, m=m)),
        (r"Writing: tile (\d+) of (\d+)", lambda n, m: tr("Writing: tile {n} of {m}").format(n=n, m=m)),
        (r"pvlib: region (\S+)", lambda code: tr("pvlib: TRY region {code}").format(code=code)),
        (r"Reading buildings", lambda: tr("Reading buildings")),
        (r"Roof faces of ([\d,]+) buildings", lambda n: tr("Roof faces of {n} buildings").format(n=n)),
        (r"Writing", lambda: tr("Writing")),
        (r"Reading the area and the rasters", lambda: tr("Reading the area and the rasters")),
        (r"Computing the yield", lambda: tr("Computing the yield")),
        (r"Reading the eligible areas", lambda: tr("Reading the eligible areas")),
        (r"Wind resource at hub height", lambda: tr("Wind resource at hub height")),
        (r"Placing turbines", lambda: tr("Placing turbines")),
        (r"Wake losses", lambda: tr("Wake losses")),
        (r"Distance to houses", lambda: tr("Distance to houses")),
        (r"Grid connection", lambda: tr("Grid connection")),
        (r"Setback sweep", lambda: tr("Setback sweep")),
        (r"Indicators and balance", lambda: tr("Indicators and balance")),
        (r"(\S+): eligibility", lambda key: tr("{source}: eligibility").format(source=key)),
        (r"(\S+): suitability", lambda key: tr("{source}: suitability").format(source=key)),
        (r"(\S+): generation", lambda key: tr("{source}: generation").format(source=key)),
        (r"(\S+): reusing (.+) \(same catalogue, resolution and area\)",
         lambda key, path: tr("{source}: reusing {path} (same catalogue, resolution and area)").format(
             source=key, path=path)),
        (r"(\S+): reusing (.+)", lambda key, path: tr("{source}: reusing {path}").format(source=key, path=path)),
        (r"Report (.+)", lambda name: tr("Report {name}").format(name=name)),
        (r"([\d,.]+) ha lie outside the TRY region outlines: TRY region (\S+) is used there\.",
         lambda ha, code: tr("{ha} ha lie outside the TRY region outlines: TRY region {code} is used there.").format(
             ha=ha, code=code)),
        (r"(.+): (\d+) orientation bin\(s\), tilt (\S+)°, level ground (\S+) kWh/kWp/a\.",
         lambda name, n, tilt, kwh: tr("{weather}: {n} orientation bin(s), tilt {tilt}°, level ground {kwh} "
                                       "kWh/kWp/a.").format(weather=name, n=n, tilt=tilt, kwh=kwh)),
        (r"Turbine (.+); wind at hub from (.+); weather (.+)",
         lambda turbine, source, weather: tr("Turbine {turbine}; wind at hub height from {source}; weather "
                                             "{weather}").format(turbine=turbine, source=source, weather=weather)),
        (r"Losses: (.+) → net = (\S+) × gross",
         lambda losses, factor: tr("Losses: {losses} → net = {factor} × gross").format(losses=losses, factor=factor)),
        (r"Turbine (.+); main wind direction (\S+)° \((.+)\); spacing (\S+) D along × (\S+) D across; (.+)",
         lambda turbine, direction, origin, along, across, rest: tr(
             "Turbine {turbine}; main wind direction {direction}° ({origin}); spacing {along} D along × {across} D "
             "across; {rest}").format(turbine=turbine, direction=direction, origin=origin, along=along,
                                      across=across, rest=rest)),
        (r"Area of interest: (\d+) area\(s\), grid (\d+) × (\d+) pixels at (\S+) m; reading features up to "
         r"(\S+) m around it\.",
         lambda n, w, h, res, reach: tr("Area of interest: {n} area(s), grid {w} × {h} pixels at {res} m; reading "
                                        "features up to {reach} m around it.").format(
                                            n=n, w=w, h=h, res=res, reach=reach)),
        (r"Layer '([^']+)': (\d+) feature\(s\) within reach\.",
         lambda role, n: tr("Layer “{role}”: {n} feature(s) within reach.").format(role=role, n=n)),
        (r"Layer '([^']+)': (\d+) feature\(s\) within (\S+) m\.",
         lambda role, n, reach: tr("Layer “{role}”: {n} feature(s) within {reach} m.").format(
             role=role, n=n, reach=reach)),
        (r"Criterion '([^']+)': no feature of '([^']+)' matches (.+) within reach\.",
         lambda cid, layer, rule: tr("Criterion “{criterion}”: no feature of “{layer}” matches {filter} within "
                                     "reach.").format(criterion=cid, layer=layer, filter=rule)),
    )


_COMPILED: list | None = None


def translate_engine_message(message: str) -> str:
    """The engine line in the UI language (unchanged if it is not a known line)."""
    global _COMPILED
    if _COMPILED is None:
        _COMPILED = [(re.compile(f"^{pattern}$"), wording) for pattern, wording in _engine_messages()]
    for pattern, wording in _COMPILED:
        match = pattern.match(message)
        if match:
            return wording(*match.groups())
    return message


class FeedbackProgress:
    """Implements ``wip_qgis_plugin.core.progress.Progress`` on a Processing feedback.

    Progress fractions in [0, 1] become the 0–100 % bar, step messages the progress text
    (only when they change), warnings go to the log in orange, and cancelling in the dialog
    (or qgis_process's Ctrl+C) is reported back to the engine. Known engine lines are shown
    in the UI language. The engine in a separate Python reports through the same object.
    """

    def __init__(self, feedback: QgsProcessingFeedback | None):
        self._feedback = feedback if feedback is not None else QgsProcessingFeedback()
        self._last_message: str | None = None

    def report(self, fraction: float, message: str | None = None) -> None:
        self._feedback.setProgress(100.0 * min(max(float(fraction), 0.0), 1.0))
        if message and message != self._last_message:
            self._last_message = message
            self._feedback.setProgressText(translate_engine_message(message))

    def info(self, message: str) -> None:
        self._feedback.pushInfo(translate_engine_message(message))

    def warning(self, message: str) -> None:
        push_warning(self._feedback, translate_engine_message(message))

    def is_cancelled(self) -> bool:
        return self._feedback.isCanceled()
