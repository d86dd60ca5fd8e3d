"""Adapter from a ``QgsProcessingFeedback`` to the engine's Progress protocol."""
from __future__ import annotations

import re

from qgis.core import QgsProcessingFeedback

from .compat import push_warning
from .core.eligibility.check_text import translate_check_line  # standard library only
from .core.messages import Message  # standard library only
from .i18n import tr, ui_language


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
        # noise and shadow flicker (core/wind/immission.py)
        (r"Reading the turbines", lambda: tr("Reading the turbines")),
        (r"Receptors", lambda: tr("Receptors")),
        (r"Noise \(ISO 9613-2\)", lambda: tr("Noise (ISO 9613-2)")),
        (r"Shadow flicker", lambda: tr("Shadow flicker")),
        (r"Shadow raster", lambda: tr("Shadow raster")),
        (r"Writing", lambda: tr("Writing")),
        (r"Existing turbines \(pre-load\): (\d+) within (\S+) km\.",
         lambda n, km: tr("Existing turbines (pre-load): {n} within {km} km.").format(n=n, km=km)),
        (r"No dwelling within (\S+) m of the new turbines: nothing to assess\.",
         lambda m: tr("No dwelling within {m} m of the new turbines: nothing to assess.").format(m=m)),
        (r"Repowering (\d+): (\d+) of (\d+) existing turbines are at least (\S+) years old; (\d+) of them have a "
         r"new turbine within (\S+) H\.",
         lambda year, n, m, age, k, h: tr("Repowering {year}: {n} of {m} existing turbines are at least {age} years "
                                          "old; {k} of them have a new turbine within {h} H.").format(
                                              year=year, n=n, m=m, age=age, k=k, h=h)),
        (r"Repowering areas of the plan: (\d+) new turbine\(s\) stand in them, (\d+) of them outside every (\S+) H "
         r"zone; they replace (\d+) more candidate\(s\)\.",
         lambda n, m, h, k: tr("Repowering areas of the plan: {n} new turbine(s) stand in them, {m} of them outside "
                               "every {h} H zone; they replace {k} more candidate(s).").format(n=n, m=m, h=h, k=k)),
        (r"Replacement layout: (\S+) ha of eligible land within (\S+) H of the candidates or in the plan's "
         r"repowering areas\.",
         lambda ha, h: tr("Replacement layout: {ha} ha of eligible land within {h} H of the candidates or in the "
                          "plan's repowering areas.").format(ha=ha, h=h)),
        (r"Replacement layout: (\S+) ha of eligible land within (\S+) H of the candidates\.",
         lambda ha, h: tr("Replacement layout: {ha} ha of eligible land within {h} H of the candidates.").format(
             ha=ha, h=h)),
        # zero is a result (a technology of 0 ha)
        (r"0 turbines: no eligible area \((.+) holds no polygons\)\.",
         lambda layer: tr("0 turbines: no eligible area ({layer} holds no polygons).").format(layer=layer)),
        (r"0 turbines: no eligible area is large enough for one turbine \(rotor (\S+) m, (\S+)\)\.",
         lambda d, mode: tr("0 turbines: no eligible area is large enough for one turbine (rotor {d} m, "
                            "{mode}).").format(d=d, mode=mode)),
        (r"0 sites to connect \((.+) holds none\): 0 MW connected, cost 0 EUR\.",
         lambda layer: tr("0 sites to connect ({layer} holds none): 0 MW connected, cost 0 EUR.").format(layer=layer)),
        (r"0 power lines in (.+): no grid to check; (\d+) substation\(s\) not attached\.",
         lambda layer, n: tr("0 power lines in {layer}: no grid to check; {n} substation(s) not attached.").format(
             layer=layer, n=n)),
        # solar, rooftop, wind, layout, profile, report
        (r"Terrain: tile (\d+) of (\d+)", lambda n, m: tr("Terrain: tile {n} of {m}").format(n=n, m=m)),
        (r"Writing: tile (\d+) of (\d+)", lambda n, m: tr("Writing: tile {n} of {m}").format(n=n, m=m)),
        (r"pvlib: region (\S+)", lambda code: tr("pvlib: TRY region {code}").format(code=code)),
        (r"Reading buildings", lambda: tr("Reading buildings")),
        (r"Reading source layer (.+)", lambda name: tr("Reading source layer {name}").format(name=name)),
        (r"Sources read within (\S+) × (\S+) km around the selected areas\.",
         lambda w, h: tr("Sources read within {w} × {h} km around the selected areas.").format(w=w, h=h)),
        (r"Writing the prepared layers", lambda: tr("Writing the prepared layers")),
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
        (r"(.+): demand scenarios", lambda name: tr("{name}: demand scenarios").format(name=name)),
        (r"(\d+) of (\d+) municipalities finished earlier; (\d+) to run\.",
         lambda n, m, k: tr("{n} of {m} municipalities finished earlier; {k} to run.").format(n=n, m=m, k=k)),
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
        (r"Exception '([^']+)': (\d+) feature\(s\) within reach; criterion '([^']+)' does not apply within (\S+) m "
         r"of them\.",
         lambda zone, n, criterion, m: tr("Exception “{zone}”: {n} feature(s) within reach; criterion “{criterion}” "
                                          "does not apply within {m} m of them.").format(
                                              zone=zone, n=n, criterion=criterion, m=m)),
        (r"Exception '([^']+)': (\d+) feature\(s\) within reach; criterion '([^']+)' does not apply within (\S+) m "
         r"of them, from (\S+) m inside their edges\.",
         lambda zone, n, criterion, m, inset: tr(
             "Exception “{zone}”: {n} feature(s) within reach; criterion “{criterion}” does not apply within {m} m "
             "of them, from {inset} m inside their edges.").format(zone=zone, n=n, criterion=criterion, m=m,
                                                                   inset=inset)),
        (r"BNatSchG § 45b: the central check zones weigh (\S+) in the suitability, shared by (\d+) species "
         r"group\(s\) with nests within reach(.*)\.",
         lambda w, n, rest: tr("BNatSchG § 45b: the central check zones weigh {w} in the suitability, shared by {n} "
                               "species group(s) with nests within reach{rest}.").format(w=w, n=n, rest=rest)),
        (r"Floating PV: (\d+) field\(s\) on (\d+) qualifying lake\(s\), (\S+) MWp, (\S+) GWh/a \((.*)\)",
         lambda n, m, mwp, gwh, law: tr("Floating PV: {n} field(s) on {m} qualifying lake(s), {mwp} MWp, {gwh} GWh/a "
                                        "({law})").format(n=n, m=m, mwp=mwp, gwh=gwh, law=law)),
        (r"Lake (\d+) of (\d+)", lambda n, m: tr("Lake {n} of {m}").format(n=n, m=m)),
        (r"Shadow flicker, real case: (.*), (\d+) h of sunshine, hub (\S+) m; limit (\S+) h/a\.",
         lambda name, sun, hub, limit: tr("Shadow flicker, real case: {name}, {sun} h of sunshine, hub {hub} m; limit "
                                          "{limit} h/a.").format(name=name, sun=sun, hub=hub, limit=limit)),
        (r"Floating PV: lake '(.*)' left out: (.*)\.",
         lambda lake, why: tr("Floating PV: lake “{lake}” left out: {why}.").format(lake=lake, why=why)),
        (r"Layer '([^']+)': (\d+) feature\(s\) within (\S+) m\.",
         lambda role, n, reach: tr("Layer “{role}”: {n} feature(s) within {reach} m.").format(
             role=role, n=n, reach=reach)),
        (r"Criterion '([^']+)': (\d+) building\(s\) tagged as dwellings, (\d+) of unknown use treated as "
         r"dwellings, (\d+) excluded as non-dwellings \(within reach\)\.",
         lambda cid, n, u, x: tr("Criterion “{criterion}”: {n} building(s) tagged as dwellings, {u} of unknown use "
                                 "treated as dwellings, {x} excluded as non-dwellings (within reach).").format(
                                     criterion=cid, n=n, u=u, x=x)),
        (r"Criterion '([^']+)': (\d+) building\(s\) tagged as dwellings, (\d+) of unknown use not counted, "
         r"(\d+) excluded as non-dwellings \(within reach\)\.",
         lambda cid, n, u, x: tr("Criterion “{criterion}”: {n} building(s) tagged as dwellings, {u} of unknown use "
                                 "not counted, {x} excluded as non-dwellings (within reach).").format(
                                     criterion=cid, n=n, u=u, x=x)),
        (r"Criterion '([^']+)' is NOT ASSESSED: (.+)\. Its land counts as not excluded by it; to assess it, (.+)\.",
         lambda cid, reason, hint: tr("Criterion “{criterion}” is NOT ASSESSED: {reason}. Its land counts as not "
                                      "excluded by it; to assess it, {hint}.").format(
                                          criterion=cid, reason=reason, hint=hint)),
        (r"Criterion '([^']+)' is NOT ASSESSED: (.+)\. The land it would open stays closed; to assess it, (.+)\.",
         lambda cid, reason, hint: tr("Criterion “{criterion}” is NOT ASSESSED: {reason}. The land it would open "
                                      "stays closed; to assess it, {hint}.").format(
                                          criterion=cid, reason=reason, hint=hint)),
        (r"Not assessed: criterion '([^']+)' \(role '([^']+)': (.+)\)\.",
         lambda cid, role, reason: tr("Not assessed: criterion “{criterion}” (layer role “{role}”: {reason}).").format(
             criterion=cid, role=role, reason=reason)),
        (r"Criterion '([^']+)': no feature of '([^']+)' matches (.+) within reach\.",
         lambda cid, layer, rule: tr("Criterion “{criterion}”: no feature of “{layer}” matches {filter} within "
                                     "reach.").format(criterion=cid, layer=layer, filter=rule)),
        (r"Criterion '([^']+)': (\d+) cell\(s\) of raster '([^']+)' with (.+) within reach \((.+)\)\.",
         lambda cid, n, role, values, path: tr("Criterion “{criterion}”: {n} cell(s) of raster “{role}” with {values} "
                                               "within reach ({path}).").format(
                                                   criterion=cid, n=n, role=role, values=values, path=path)),
        (r"Raster '([^']+)' \((.+)\) has no value on (\S+) % of the area of interest \(nodata or not covered\): "
         r"there criterion '([^']+)' excludes nothing\.",
         lambda role, path, pct, cid: tr("Raster “{role}” ({path}) has no value on {pct} % of the area of interest "
                                         "(nodata or not covered): there criterion “{criterion}” excludes "
                                         "nothing.").format(role=role, path=path, pct=pct, criterion=cid)),
        # OSM download (core/data/overpass.py, core/jobs/osm_download.py)
        (r"Querying the Overpass server (\S+)",
         lambda url: tr("Querying the Overpass server {server}").format(server=url)),
        (r"Downloaded (\S+) MB from (\S+)",
         lambda mb, url: tr("Downloaded {mb} MB from {server}").format(mb=mb, server=url)),
        (r"Checking the OSM data", lambda: tr("Checking the OSM data")),
        (r"OSM data from (\S+): (\d+) nodes, (\d+) ways, (\d+) relations \((\S+) MB\)\.",
         lambda url, n, w, r, mb: tr("OSM data from {server}: {nodes} nodes, {ways} ways, {relations} relations "
                                     "({mb} MB).").format(server=url, nodes=n, ways=w, relations=r, mb=mb)),
        (r"The Overpass server (\S+) remarked: (.+)",
         lambda url, remark: tr("The Overpass server {server} remarked: {remark}").format(server=url, remark=remark)),
        (r"OSM download: (\d+) area\(s\), margin ([\d,]+) m \(largest setback: ([^)]*)\), roles (.+)\.",
         lambda n, margin, cid, roles: tr("OSM download: {n} area(s), margin {margin} m (largest setback: "
                                          "{criterion}), layers {roles}.").format(
                                              n=n, margin=margin, criterion=cid, roles=roles)),
    )


_COMPILED: list | None = None


def translate_engine_message(message: str) -> str:
    """The engine line in the UI language: a :class:`~.core.messages.Message` rendered by its id and parameters
    (numbers in the language's format); an older plain line by the patterns above; unchanged if unknown."""
    if isinstance(message, Message):
        return message.render("de" if ui_language() == "de" else "en")
    global _COMPILED
    if _COMPILED is None:
        _COMPILED = [(re.compile(f"^{pattern}$"), wording) for pattern, wording in _engine_messages()]
    for pattern, wording in _COMPILED:
        match = pattern.match(message)
        if match:
            return wording(*match.groups())
    # the data check's lines (core/eligibility/check_text.py holds their German wording)
    return translate_check_line(message, "de" if ui_language() == "de" else "en") or message


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
