"""The benchmarks' Land-size synthetic region, generated once and cached."""
from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sample_layers"))


def ensure_region(data_dir: Path, size_km: float) -> Path:
    """Generate the region (vectors and rasters) once; return the folder."""
    out = data_dir / f"land_{int(size_km)}km"
    if (out / "revier_sample.gpkg").exists() and (out / "wind_speed_150m.tif").exists():
        return out
    from make_sample_region import generate_region

    t0 = time.perf_counter()
    generate_region(out, size_km_x=size_km, size_km_y=size_km, x0=640_000.0, y0=5_640_000.0, seed=2024,
                    rasters=True)
    print(f"generated the {size_km:g} km region in {time.perf_counter() - t0:.0f} s → {out}")
    return out
