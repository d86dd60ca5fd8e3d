#!/usr/bin/env bash
# Check the system packages the project needs and, when run as root on Debian/Ubuntu, install the
# missing ones with apt. Otherwise stop and say what to install.
#   scripts/ensure_system_deps.sh qgis       QGIS with qgis_process, its Python bindings, python3-venv
#   scripts/ensure_system_deps.sh build      headers and compilers to build shapely, pyproj, pyogrio
#                                            and rasterio against QGIS's own GEOS, PROJ and GDAL
#   scripts/ensure_system_deps.sh lrelease   Qt's lrelease (only to recompile translations)
#   scripts/ensure_system_deps.sh xvfb       Xvfb and xauth (the desktop smoke test, tests/desktop)
#   scripts/ensure_system_deps.sh pyqt6      PyQt6 (the Qt6 readiness test, tests/matrix/test_qt6_readiness.py)
#   scripts/ensure_system_deps.sh chromium   headless Chromium and pdfinfo (the report test, tests/browser)
set -euo pipefail
PY=${PY:-/usr/bin/python3}

missing=()
for what in "${@:-qgis}"; do
  case "$what" in
    qgis)
      if ! { [ -x /usr/bin/qgis_process.bin ] && "$PY" -c 'import qgis.core' >/dev/null 2>&1; }; then
        missing+=(qgis python3-qgis)
      fi
      "$PY" -c 'import ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
      ;;
    build)
      command -v cc >/dev/null 2>&1 || missing+=(build-essential)
      [ -f "$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] \
        || missing+=(python3-dev)
      command -v gdal-config >/dev/null 2>&1 || missing+=(libgdal-dev)
      command -v geos-config >/dev/null 2>&1 || missing+=(libgeos-dev)
      { command -v proj >/dev/null 2>&1 && [ -f /usr/include/proj.h ]; } || missing+=(libproj-dev proj-bin)
      ;;
    lrelease)
      command -v lrelease >/dev/null 2>&1 || missing+=(qttools5-dev-tools)
      ;;
    xvfb)
      command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
      command -v xauth >/dev/null 2>&1 || missing+=(xauth)
      ;;
    pyqt6)
      "$PY" -c 'import PyQt6.QtWidgets' >/dev/null 2>&1 || missing+=(python3-pyqt6)
      ;;
    chromium)
      command -v chromium >/dev/null 2>&1 || missing+=(chromium)
      command -v pdfinfo >/dev/null 2>&1 || missing+=(poppler-utils)
      fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
      ;;
    *) echo "ensure_system_deps.sh: unknown component '$what'" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
else
  cat >&2 <<MSG
Missing system packages: ${missing[*]}
Install them first (Debian/Ubuntu), then run make again:
    sudo apt-get install ${missing[*]}
(QGIS >= 3.22 with its Python bindings; /usr/bin/python3 must be the Python QGIS was built for.)
MSG
  exit 1
fi
