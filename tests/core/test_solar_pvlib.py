"""pvlib where h5py cannot be loaded (as inside qgis_process): the engine still runs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])          # a broken h5py first on the path
from wip_qgis_plugin.core.data.weather import load_try
from wip_qgis_plugin.core.solar.systems import load_pv_systems
from wip_qgis_plugin.core.solar import model as sm
w = load_try(4)
systems = load_pv_systems()
sky = sm.prepare_sky(w, 51.48, 11.97, 100.0)
y = sm.specific_yields(sky, systems.system("fixed_south"), systems, [0.0], [float("nan")], tilt_deg=34)[0]
import h5py
try:
    h5py.File
except ImportError as exc:
    print("stub:", exc)
print(round(w.annual_ghi_kwh_per_m2()), round(y))
"""


def test_engine_runs_where_h5py_breaks(tmp_path):
    broken = tmp_path / "h5py"
    broken.mkdir()
    (broken / "__init__.py").write_text('raise ValueError("Not a datatype (not a datatype)")\n', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[0].startswith("stub: h5py cannot be used") and "Not a datatype" in lines[0]
    assert lines[-1] == "1075 959"  # Halle with the sun at Halle (968 with the sun at Potsdam, the TRY station)
