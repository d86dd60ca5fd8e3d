#!/usr/bin/env bash
# The tests of one column of the QGIS version matrix; run inside a matrix chroot by
# `scripts/qgis_matrix.sh test SUITE` (repo at /src, venv /opt/wip-venv), or on the host for the
# system's QGIS. tests/qgis (the plugin in processing.run and qgis_process), tests/matrix (compat per
# QGIS version, the qgis_process smoke run of every algorithm, the plugin installer path) and
# tests/desktop (the desktop under Xvfb). Known failures that need a change outside the matrix's files
# are marked by tests/matrix/matrix_known_failures.py (xfail with the reason, per QGIS version).
#   scripts/matrix_tests.sh LABEL [PYTEST ARGS]
set -euo pipefail
label=${1:?label}; shift
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
[ -x /opt/wip-venv/bin/python ] && PYTHON=/opt/wip-venv/bin/python
export QT_QPA_PLATFORM=offscreen
"$PYTHON" -c 'from qgis.core import Qgis; print("QGIS", Qgis.QGIS_VERSION, end=" ")'
"$PYTHON" -c 'import sys, numpy, shapely; print("| Python", sys.version.split()[0], "| numpy", numpy.__version__, "| shapely", shapely.__version__)'
# shellcheck disable=SC2086
PYTHONPATH="$PWD/tests/matrix${PYTHONPATH:+:$PYTHONPATH}" \
  exec "$PYTHON" -m pytest -p matrix_known_failures ${WIP_MATRIX_PATHS:-tests/qgis tests/matrix tests/desktop} -p no:cacheprovider -q --junitxml="${TMPDIR:-/tmp}/matrix-$label.xml" "$@"
