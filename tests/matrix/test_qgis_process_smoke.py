"""Every algorithm of the provider runs once through qgis_process, in whatever QGIS this runs on.

The smoke run of the version matrix (make test-qgis-matrix: the system's QGIS 3.22, trixie's 3.40 and
sid's 3.44): a fresh profile, the plugin enabled from the source tree, then the algorithms chained on
the sample region (one municipality, coarse grid) as a planner would: check data → eligibility →
sweep → suitability → accounting → energy → grid → profile → site maps, and the OSM download from a
recorded Overpass answer served on 127.0.0.1. A test checks that the list below names every
algorithm of the provider, so a new algorithm cannot be left out.

Each run must exit 0 with the outputs it names on disk; the test of a step whose input an earlier
step failed to make is skipped with that reason. Marked slow (about 2-4 minutes in all).
"""
from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sysconfig
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "sample_layers"
GPKG = SAMPLE / "revier_sample.gpkg"
OVERPASS_ANSWER = REPO / "tests" / "core" / "data" / "overpass_answer.osm"
NAME = "Zörbig"
ROLES = ("landuse", "buildings", "roads", "railways", "power_lines", "substations", "water", "waterways",
         "protected_areas", "airfields")

pytestmark = pytest.mark.slow


def layer(name: str, path: Path = GPKG) -> str:
    return f"{path}|layername={name}"


def role_parameters(roles=ROLES) -> dict:
    return {r.upper(): layer(r) for r in roles}


AOI = {"AOI": layer("municipalities"), "AOI_NAME_FIELD": "name", "AOI_NAMES": NAME}


def qgis_process_bin() -> str:
    exe = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    if exe is None:
        pytest.skip("qgis_process is not installed")
    return exe


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    """qgis_process's environment: a fresh profile with the plugin from the source tree enabled."""
    if not GPKG.is_file():
        pytest.skip(f"{GPKG} is missing")
    profile = tmp_path_factory.mktemp("profile")
    plugins = tmp_path_factory.mktemp("plugins")
    (plugins / "wip_qgis_plugin").symlink_to(REPO / "wip_qgis_plugin")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QGIS_CUSTOM_CONFIG_PATH=str(profile),
               QGIS_PLUGINPATH=str(plugins))
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    env["PYTHONPATH"] = os.pathsep.join([*paths, *filter(None, [os.environ.get("PYTHONPATH")])])
    proc = subprocess.run([qgis_process_bin(), "plugins", "enable", "wip_qgis_plugin"], env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return env


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("smoke")


@pytest.fixture(scope="module")
def done() -> dict:
    """Results of the steps so far, by algorithm id (a later step reads an earlier one's outputs)."""
    return {}


def run(env: dict, done: dict, algorithm: str, params: dict, cwd: Path, timeout: int = 900) -> dict:
    """qgis_process --json run; asserts exit 0 and returns the results dict."""
    args = [qgis_process_bin(), "--json", "run", f"wip:{algorithm}", "--"]
    for key, value in params.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            args.append(f"{key}={v}")
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"wip:{algorithm} exited {proc.returncode}\n{proc.stderr[-4000:]}\n{proc.stdout[-2000:]}"
    start = proc.stdout.find("{")
    results = json.loads(proc.stdout[start:])["results"]
    done[algorithm] = results
    return results


def needs(done: dict, *algorithms: str) -> None:
    missing = [a for a in algorithms if a not in done]
    if missing:
        pytest.skip(f"needs the output of wip:{', wip:'.join(missing)}, which did not run")


def assert_files(*paths) -> None:
    for p in paths:
        assert Path(p).is_file() and Path(p).stat().st_size > 0, f"{p} was not written"


# ----------------------------------------------------------------------------------------- the chain
def test_checkdata(env, done, out):
    res = run(env, done, "checkdata", {"PRESET": "wind_sachsen_anhalt", **AOI, **role_parameters(),
                                       "OUTPUT_TABLE": str(out / "check.csv")}, out)
    assert_files(res["OUTPUT_TABLE"])


def test_landeligibility(env, done, out):
    res = run(env, done, "landeligibility", {
        "PRESET": "wind_sachsen_anhalt", **AOI, **role_parameters(), "RESOLUTION": 100, "MIN_AREA": 5,
        "OUTPUT_ELIGIBILITY": str(out / "wind.tif"), "OUTPUT_REASONS": str(out / "wind_reasons.tif"),
        "OUTPUT_AREAS": str(out / "wind_areas.gpkg"), "OUTPUT_TABLE": str(out / "wind.csv")}, out)
    assert_files(out / "wind.tif", out / "wind_areas.gpkg", out / "wind.csv")


def test_setbacksweep(env, done, out):
    res = run(env, done, "setbacksweep", {
        "PRESET": "wind_sachsen_anhalt", **AOI, **role_parameters(), "SETBACK_FROM": 800, "SETBACK_TO": 1000,
        "SETBACK_STEP": 200, "RESOLUTION": 100, "OUTPUT_TABLE": str(out / "sweep.csv")}, out)
    assert_files(res["OUTPUT_TABLE"])


def test_suitability(env, done, out):
    needs(done, "landeligibility")
    res = run(env, done, "suitability", {
        "PRESET": "wind_sachsen_anhalt", "ELIGIBILITY": str(out / "wind.tif"),
        "ELIGIBLE_AREAS": layer("eligible_areas", out / "wind_areas.gpkg"), **AOI, **role_parameters(),
        "WIND_SPEED_150M": str(SAMPLE / "wind_speed_150m.tif"), "DEM": str(SAMPLE / "dem.tif"),
        "SENSITIVITY_RUNS": 5, "OUTPUT_SUITABILITY": str(out / "suit.tif"),
        "OUTPUT_SITES": str(out / "suit_sites.gpkg")}, out)
    assert_files(out / "suit.tif", out / "suit_sites.gpkg")


def test_windbgaccounting(env, done, out):
    needs(done, "landeligibility")
    res = run(env, done, "windbgaccounting", {
        **AOI, "ELIGIBLE_AREAS": layer("eligible_areas", out / "wind_areas.gpkg"),
        "OUTPUT_TABLE": str(out / "windbg.csv")}, out)
    assert_files(res["OUTPUT_TABLE"])


def test_planareaaccounting(env, done, out):
    needs(done, "landeligibility")
    res = run(env, done, "planareaaccounting", {
        "PLAN_AREAS": layer("eligible_areas", out / "wind_areas.gpkg"), **AOI,
        "REASONS": str(out / "wind_reasons.tif"), "OUTPUT_TABLE": str(out / "plan.csv")}, out)
    assert_files(res["OUTPUT_TABLE"])


def test_solarpotential(env, done, out):
    needs(done, "landeligibility")
    res = run(env, done, "solarpotential", {
        "ELIGIBILITY": str(out / "wind.tif"), "SITES": layer("eligible_areas", out / "wind_areas.gpkg"), **AOI,
        "DEM": str(SAMPLE / "dem.tif"), "OUTPUT_YIELD": str(out / "solar_yield.tif"),
        "OUTPUT_SITES": str(out / "solar_sites.gpkg")}, out)
    assert_files(out / "solar_yield.tif")


def test_floatingpv(env, done, out):
    res = run(env, done, "floatingpv", {
        "LAKES": layer("water"), "NAMES": "Goitzschesee", "AOI": layer("municipalities"), "AOI_NAME_FIELD": "name",
        "OUTPUT_FIELDS": str(out / "floating.gpkg"), "OUTPUT_TABLE": str(out / "floating.csv")}, out)
    assert_files(out / "floating.gpkg", res["OUTPUT_TABLE"])
    assert res["CAPACITY_MWP"] > 0 and res["ENERGY_GWH_PER_A"] > 0


def test_rooftopsolar(env, done, out):
    res = run(env, done, "rooftopsolar", {"BUILDINGS": layer("buildings"), **AOI,
                                          "OUTPUT_BUILDINGS": str(out / "rooftop.gpkg")}, out)
    assert_files(out / "rooftop.gpkg")


def test_windyield(env, done, out):
    res = run(env, done, "windyield", {
        **AOI, "WIND_SPEED_100M": str(SAMPLE / "wind_speed_100m.tif"),
        "WIND_SPEED_150M": str(SAMPLE / "wind_speed_150m.tif"), "DEM": str(SAMPLE / "dem.tif"),
        "RESOLUTION": 200, "OUTPUT_ENERGY": str(out / "wind_energy.tif")}, out)
    assert_files(out / "wind_energy.tif")


def test_turbinelayout(env, done, out):
    needs(done, "landeligibility")
    res = run(env, done, "turbinelayout", {
        "ELIGIBLE_AREAS": layer("eligible_areas", out / "wind_areas.gpkg"), "BUILDINGS": layer("buildings"),
        "WIND_SPEED_100M": str(SAMPLE / "wind_speed_100m.tif"),
        "WIND_SPEED_150M": str(SAMPLE / "wind_speed_150m.tif"),
        "OUTPUT_TURBINES": str(out / "turbines.gpkg"), "OUTPUT_SITES": str(out / "layout_sites.gpkg")}, out)
    assert_files(out / "turbines.gpkg")


def test_windimmission(env, done, out):
    needs(done, "turbinelayout")
    res = run(env, done, "windimmission", {
        "TURBINES": str(out / "turbines.gpkg"), "BUILDINGS": layer("buildings"), "LANDUSE": layer("landuse"),
        "RESOLUTION": 100, "SHADOW_RESOLUTION": 100,
        "OUTPUT_RECEPTORS": str(out / "receptors.gpkg"), "OUTPUT_TURBINES": str(out / "checked.gpkg")}, out)
    assert_files(out / "receptors.gpkg", out / "checked.gpkg")


def test_windrepowering(env, done, out):
    needs(done, "landeligibility")
    res = run(env, done, "windrepowering", {
        "EXISTING": layer("wind_turbines"), "ELIGIBLE_AREAS": layer("eligible_areas", out / "wind_areas.gpkg"),
        "MUNICIPALITIES": layer("municipalities"), "YEAR": 2030,
        "OUTPUT_OLD": str(out / "old.gpkg"), "OUTPUT_TURBINES": str(out / "repowered.gpkg")}, out)
    assert_files(out / "old.gpkg")


def test_gridtopologycheck(env, done, out):
    res = run(env, done, "gridtopologycheck", {
        "POWER_LINES": layer("power_lines"), "SUBSTATIONS": layer("substations"),
        "OUTPUT_REPORT": str(out / "topology.gpkg"), "OUTPUT_LINES": str(out / "lines.gpkg")}, out)
    assert_files(out / "topology.gpkg")


def test_gridconnection(env, done, out):
    res = run(env, done, "gridconnection", {
        "SITES": layer("pv_parks"), "AREA_PER_MW": 1.5, "SUBSTATIONS": layer("substations"),
        "ROADS": layer("roads"), "POWER_LINES": layer("power_lines"),
        "OUTPUT_CONNECTIONS": str(out / "conn.gpkg"), "OUTPUT_SITES": str(out / "conn_sites.gpkg"),
        "OUTPUT_SUBSTATIONS": str(out / "conn_subs.gpkg")}, out)
    assert_files(out / "conn.gpkg", out / "conn_sites.gpkg")


def test_municipalprofile(env, done, out):
    folder = out / "profile"
    res = run(env, done, "municipalprofile", {
        **AOI, **role_parameters(("landuse", "buildings", "roads", "railways", "substations", "water",
                                  "waterways", "protected_areas", "airfields")),
        "RESOLUTION": 100, "TOP_N": 2, "DEM": str(SAMPLE / "dem.tif"),
        "WIND_SPEED_150M": str(SAMPLE / "wind_speed_150m.tif"), "SOIL_QUALITY": str(SAMPLE / "soil_quality.tif"),
        "OUTPUT_FOLDER": str(folder)}, out, timeout=1500)
    assert_files(folder / "profile_sites.gpkg", folder / "profile_indicators.csv")


def test_sitemaps(env, done, out):
    needs(done, "municipalprofile")
    folder = out / "profile"
    gpkg = folder / "profile_sites.gpkg"
    run(env, done, "sitemaps", {
        "MUNICIPALITIES": layer("municipalities", gpkg), "SITES": layer("sites", gpkg),
        "CONNECTIONS": layer("connections", gpkg), "TOP_N": 1, "OUTPUT_PDF": str(out / "maps.pdf")}, out)
    assert (out / "maps.pdf").read_bytes().startswith(b"%PDF")


class _Overpass(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server API)
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = OVERPASS_ANSWER.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/osm3s+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_osmdownload(env, done, out):
    """The recorded Overpass answer (tests/core/data) from a server on 127.0.0.1, for its village."""
    import geopandas as gpd
    from shapely.geometry import box

    aoi = out / "testdorf.gpkg"
    gpd.GeoDataFrame({"name": ["Testdorf"]}, geometry=[box(11.600, 49.980, 11.610, 49.986)],
                     crs="EPSG:4326").to_crs("EPSG:25832").to_file(aoi, layer="gemeinden")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Overpass)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        res = run(env, done, "osmdownload", {
            "PRESET": "wind_thueringen", "AOI": layer("gemeinden", aoi), "AOI_NAMES": "Testdorf",
            "SERVER_URL": f"http://127.0.0.1:{server.server_address[1]}/api/interpreter",
            "OUTPUT": str(out / "osm.gpkg")}, out)
    finally:
        server.shutdown()
        server.server_close()
    assert_files(out / "osm.gpkg")


class _Vg250(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server API)
        ring = [[700000.0, 5700000.0], [701000.0, 5700000.0], [701000.0, 5701000.0], [700000.0, 5700000.0]]
        body = json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"GEN": "Zörbig", "AGS": "15082430", "EWZ": 9000, "GF": 4},
             "geometry": {"type": "Polygon", "coordinates": [ring]}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_vg250boundaries(env, done, out):
    """A VG250-EW answer from a WFS stand-in on 127.0.0.1."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Vg250)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        res = run(env, done, "vg250boundaries", {
            "LANDS": 14, "SERVER_URL": f"http://127.0.0.1:{server.server_address[1]}/wfs_vg250-ew",
            "OUTPUT": str(out / "gemeinden.geojson")}, out)
    finally:
        server.shutdown()
        server.server_close()
    assert res["N_MUNICIPALITIES"] == 1
    assert_files(out / "gemeinden.geojson")


def test_batchprofile(env, done, out):
    """Two municipalities of the sample as a batch (wind eligibility and the profile, 100 m), in the engine's process."""
    import yaml

    layers = {r: {"path": str(GPKG), "layer": r} for r in ("municipalities", *ROLES)}
    scenario = out / "batch_scenario.yaml"
    scenario.write_text(yaml.safe_dump({
        "name": "smoke batch", "crs": "EPSG:25832", "resolution_m": 100, "layers": layers,
        "area_of_interest": {"layer": "municipalities", "name_field": "name", "id_field": "ags"},
        "eligibility": {"wind": {"catalogue": "wind_sachsen_anhalt", "min_area_ha": 5}},
        "profile": {"report": False, "suitability": False, "grid": None, "sources": {"wind": {}}}},
        allow_unicode=True), encoding="utf-8")
    res = run(env, done, "batchprofile", {
        "SCENARIO": str(scenario), "WHERE": "name IN ('Zörbig', 'Petersberg')", "SCHEDULER": "",
        "OUTPUT_FOLDER": str(out / "batch")}, out)
    assert (res["N_DONE"], res["N_FAILED"]) == (2, 0)
    assert_files(out / "batch" / "batch_overview.csv", out / "batch" / "batch_overview.gpkg")

def test_every_algorithm_ran(done):
    """The chain above covers the whole provider (runs last: pytest keeps the file's order)."""
    from wip_qgis_plugin.processing_algorithms import ALGORITHMS

    names = {cls().name() for cls in ALGORITHMS}
    assert names - set(done) == set(), "algorithms without a smoke run (or that failed above)"
