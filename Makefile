# WIP Energy & Spatial Planning: set-up, demo, tests and the plugin zip.
# Works on a fresh Debian 12 with QGIS >= 3.22 from apt (installed here when run as root).

SHELL := /bin/bash
PY    ?= /usr/bin/python3
VENV  := .venv
STAMP := $(VENV)/.installed.stamp
TS    := wip_qgis_plugin/i18n/wip_de.ts
QM    := wip_qgis_plugin/i18n/wip_de.qm
ZIP   := dist/wip_qgis_plugin.zip

.PHONY: help venv demo test test-core test-qgis test-qgis-matrix test-desktop test-browser package check-package qt6-scan i18n ts clean distclean

help:
	@echo "make venv     - check/install QGIS (apt, as root) and create .venv with the engine's packages"
	@echo "make demo     - run the sample scenario: eligibility to municipal profile, reports and site maps (PDF)"
	@echo "make test     - engine tests without QGIS, then the QGIS tests (headless)"
	@echo "make test-qgis-matrix - the QGIS tests on Debian trixie's QGIS 3.40 and sid's 3.44 (cached chroots, root)"
	@echo "make test-desktop - the QGIS desktop under Xvfb: zip in a fresh German profile, menu, toolbox, dialogs, a run"
	@echo "make test-browser - the HTML reports in headless Chromium: console, images, 1,280 px, A4 PDF"
	@echo "make package  - build $(ZIP) for Plugins > Install from ZIP (checked like the plugin repository)"
	@echo "make qt6-scan - scan the plugin for Qt5-only / QGIS 3-only API use"
	@echo "make ts       - collect tr() strings into $(TS); make i18n compiles $(QM)"
	@echo "make clean    - remove build output and caches (distclean also removes .venv)"

venv: $(STAMP)

# The venv sees QGIS's Python bindings (--system-site-packages); the stamp makes re-runs instant
# until requirements, constraints or pyproject change.
# shapely, pyproj, pyogrio and rasterio are compiled against the system's GEOS, PROJ and GDAL, the
# libraries QGIS itself uses: their binary wheels bundle other versions, which inside qgis_process
# and the QGIS desktop clash with QGIS's copies (wrong shapely results, crashes at exit).
NO_BINARY := shapely,pyproj,pyogrio,rasterio
PIP := $(VENV)/bin/python -m pip install --quiet --disable-pip-version-check

$(STAMP): requirements.txt requirements-nodeps.txt constraints.txt scripts/pyproj-build-constraints.txt pyproject.toml
	@PY=$(PY) scripts/ensure_system_deps.sh qgis build
	@test -x $(VENV)/bin/python || $(PY) -m venv --system-site-packages $(VENV)
	PIP_CONSTRAINT=scripts/pyproj-build-constraints.txt $(PIP) --no-binary pyproj -c constraints.txt \
		"$$(grep -E '^pyproj' requirements.txt)"
	$(PIP) --no-binary $(NO_BINARY) -c constraints.txt -r requirements.txt
	$(PIP) --no-deps -r requirements-nodeps.txt
	$(PIP) --no-deps --no-build-isolation -e .
	@touch $@

demo: venv
	$(VENV)/bin/wip run sample_layers/scenario.yaml
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python scripts/make_demo_pdf.py out

# Both suites always run; the target fails if either fails.
test: venv
	@rc=0; \
	$(MAKE) --no-print-directory test-core || rc=1; \
	$(MAKE) --no-print-directory test-qgis || rc=1; \
	exit $$rc

test-core: venv
	$(VENV)/bin/python -m pytest tests/core -p no:qgis

test-qgis: venv
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/python -m pytest tests/qgis

# The QGIS version matrix: tests/matrix on the system's QGIS, then tests/qgis and tests/matrix in a
# trixie (QGIS 3.40 LTR) and a sid (QGIS 3.44) chroot built with mmdebstrap and cached, keyed by the
# package versions, under $(MATRIX_CACHE) (scripts/qgis_matrix.sh). Needs root; skipped with the reason
# where a chroot cannot be had.
MATRIX_SUITES ?= trixie sid
MATRIX_CACHE  ?= /var/cache/wip-qgis-matrix
test-qgis-matrix: venv
	@scripts/ensure_system_deps.sh pyqt6
	WIP_MATRIX_CACHE=$(MATRIX_CACHE) scripts/qgis_matrix.sh all $(MATRIX_SUITES)

# The desktop smoke test on the system's QGIS (the matrix runs it on 3.40 and 3.44 in the chroots);
# screenshots to $$CI_ARTIFACTS/desktop when set. Installs Xvfb when run as root.
test-desktop: venv
	@scripts/ensure_system_deps.sh xvfb chromium
	$(VENV)/bin/python -m pytest tests/desktop -p no:cacheprovider

# The reports in Debian's headless Chromium; screenshots and PDFs to $$CI_ARTIFACTS/browser when set.
test-browser: venv
	@scripts/ensure_system_deps.sh chromium
	$(VENV)/bin/python -m pytest tests/browser -p no:cacheprovider -p no:qgis

package: $(QM)
	$(PY) scripts/package.py --output $(ZIP)

check-package: package
	$(PY) scripts/check_package.py $(ZIP)

qt6-scan:
	$(PY) scripts/qt6_scan.py wip_qgis_plugin

i18n: $(QM)

# The compiled .qm is committed, so tests and packaging work without lrelease.
$(QM): $(TS)
	@if command -v lrelease >/dev/null 2>&1; then \
		lrelease -silent $(TS) -qm $(QM); \
	elif [ -f $(QM) ]; then \
		echo "lrelease not found (apt install qttools5-dev-tools): keeping the committed $(QM)"; \
	else \
		scripts/ensure_system_deps.sh lrelease && lrelease -silent $(TS) -qm $(QM); \
	fi

ts:
	$(PY) scripts/update_ts.py $(TS)

clean:
	rm -rf dist build out .pytest_cache .ruff_cache *.egg-info
	find . -path ./$(VENV) -prune -o \( -name __pycache__ -o -name '*.pyc' \) -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV)
