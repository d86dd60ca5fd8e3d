#!/usr/bin/env bash
# The QGIS version matrix: Debian trixie (QGIS 3.40 LTR) and sid (QGIS 3.44) in chroots next to the
# system's QGIS 3.22, which stays untouched. Run as root (CI is root).
#
#   scripts/qgis_matrix.sh build SUITE         build or reuse the chroot of SUITE (trixie, sid); prints its path
#   scripts/qgis_matrix.sh test SUITE [ARGS]   tests/qgis (pytest ARGS) and the qgis_process smoke run in SUITE
#   scripts/qgis_matrix.sh run SUITE CMD...    run CMD in the chroot (repo at /src, venv at /opt/wip-venv)
#   scripts/qgis_matrix.sh versions SUITE      the package versions that key the cache
#
# Cache: $WIP_MATRIX_CACHE (default /var/cache/wip-qgis-matrix), one directory per suite keyed by the
# candidate versions of qgis, python3-qgis and python3 in Debian's archive and by a hash of the
# package lists below, e.g. trixie-3.40.6+dfsg-1-py3.13.5-1-1a2b3c4d5e6f. A build
# goes to a temporary directory and is renamed when complete, so a killed build is never reused;
# without the archive the newest complete build of the suite is used.
#
# In the chroot: QGIS, its Python bindings and the engine's dependencies from Debian's python3-*
# packages; a venv (/opt/wip-venv, --system-site-packages) adds what Debian does not package
# (pvlib, windpowerlib, edt, demandlib, pytest-qgis). The clone is bind-mounted at /src in a private
# mount namespace (unshare), so nothing stays mounted when a run ends or is killed.
set -euo pipefail

MIRROR=${WIP_MATRIX_MIRROR:-http://deb.debian.org/debian}
CACHE=${WIP_MATRIX_CACHE:-/var/cache/wip-qgis-matrix}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SELF="$REPO/scripts/qgis_matrix.sh"

# Debian packages of the chroot: QGIS (qgis_process, the desktop for the desktop smoke test), the
# engine's dependencies where Debian packages them, pytest, Xvfb, and what pip needs.
DEB_PACKAGES=(
  qgis python3-qgis qgis-providers
  python3-numpy python3-shapely python3-geopandas python3-pyogrio python3-rasterio python3-pyproj
  python3-scipy python3-yaml python3-networkx python3-matplotlib python3-pandas
  python3-requests python3-h5py python3-tz
  python3-pytest python3-pip python3-venv ca-certificates proj-data
  xvfb xauth fonts-dejavu-core
)
# Not packaged by Debian: pip, into the venv (Debian's numpy, pandas, scipy … satisfy their requirements).
PIP_PACKAGES=(pvlib windpowerlib edt "pytest-qgis<=2.1")
PIP_NODEPS=(demandlib==0.2.2)
# Raise when the way a chroot is made changes in a way the lists above do not show.
CHROOT_REV=1

die() { echo "qgis_matrix: $*" >&2; exit 1; }
log() { echo "qgis_matrix: $*" >&2; }

need_root() {
  [ "$(id -u)" -eq 0 ] || { log "SKIP: building and entering chroots needs root (CI runs as root)"; exit 77; }
}

ensure_mmdebstrap() {
  command -v mmdebstrap >/dev/null 2>&1 && return
  need_root
  command -v apt-get >/dev/null 2>&1 || { log "SKIP: mmdebstrap is missing and there is no apt-get"; exit 77; }
  log "installing mmdebstrap (apt)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap >/dev/null; } \
    || { log "SKIP: mmdebstrap cannot be installed"; exit 77; }
}

# apt with a private state directory for SUITE: looks the archive up without touching the system's apt.
suite_apt() {
  local suite=$1 tool=$2; shift 2
  local d="$CACHE/apt/$suite"
  "$tool" -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
    -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::status=/dev/null \
    -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::Check-Valid-Until=false "$@"
}

# "qgis=… python3-qgis=… python3=…" for SUITE, from the archive (empty when it cannot be reached).
versions() {
  local suite=$1 d="$CACHE/apt/$1"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  echo "deb $MIRROR $suite main" > "$d/sources.list"
  suite_apt "$suite" apt-get -q update >/dev/null 2>&1 || return 0
  local p v out=()
  for p in qgis python3-qgis python3; do
    v=$(suite_apt "$suite" apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')
    [ -n "$v" ] && [ "$v" != "(none)" ] || return 0
    out+=("$p=$v")
  done
  echo "${out[*]}"
}

# The cache directory name for SUITE with VERSIONS.
key_for() {
  local suite=$1 versions=$2 q p h
  q=$(tr ' ' '\n' <<<"$versions" | awk -F= '$1=="qgis" {print $2}')
  p=$(tr ' ' '\n' <<<"$versions" | awk -F= '$1=="python3" {print $2}')
  h=$(printf '%s\n' "$versions" "${DEB_PACKAGES[@]}" "${PIP_PACKAGES[@]}" "${PIP_NODEPS[@]}" "$CHROOT_REV" \
      | sha256sum | cut -c1-12)
  echo "$suite-$q-py$p-$h" | tr ':~' '__'
}

newest_complete() {
  local suite=$1
  ls -1dt "$CACHE/$suite"-*/ 2>/dev/null | while read -r d; do
    [ -f "$d/.wip-matrix-complete" ] && { echo "${d%/}"; break; }
  done
}

# Run a command inside ROOT with /proc, /dev, /sys, a fresh /tmp and the repo at /src, in a private
# mount namespace (the mounts vanish with the process).
in_root() {
  local root=$1; shift
  need_root
  cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  unshare --mount --propagation private -- bash -euc '
    root=$1; repo=$2; shift 2
    mount -t proc proc "$root/proc"
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"
    mount -t tmpfs -o size=8g tmpfs "$root/tmp"
    mkdir -p "$root/src"
    mount --bind "$repo" "$root/src"
    exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 LC_ALL=C.UTF-8 \
      PATH=/opt/wip-venv/bin:/usr/local/bin:/usr/bin:/bin TMPDIR=/tmp CI="${CI:-}" CI_ARTIFACTS=/src/ci-artifacts \
      PYTHONDONTWRITEBYTECODE=1 PROJ_DATA=/usr/share/proj "$@"' _ "$root" "$REPO" "$@"
}

# Repairs of Debian packages, applied (idempotently) each time a chroot is used. Sid's python3-shapely
# 2.2.0-1 ships its metadata as version "0+unknown" (built without its version), which the engine's
# dependency check reads as shapely 0 < 2: the Debian version goes into METADATA. The plugin's own
# handling of such a version is tested in tests/matrix/test_debian_packages.py.
fixups() {
  local root=$1 info pkg version
  for info in "$root"/usr/lib/python3/dist-packages/*-0+unknown.dist-info; do
    [ -f "$info/METADATA" ] || continue
    pkg=$(chroot "$root" dpkg -S "${info#"$root"}" 2>/dev/null | cut -d: -f1 | head -1)
    version=$(chroot "$root" dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null | sed -E 's/^[0-9]+://; s/[-+~].*$//')
    [ -n "$version" ] || continue
    grep -q '^Version: 0+unknown' "$info/METADATA" || continue
    sed -i "s/^Version: 0+unknown$/Version: $version/" "$info/METADATA"
    log "fixed $pkg's metadata: version 0+unknown -> $version (Debian packaging bug)"
  done
}

build() {
  local suite=$1 versions name dir tmp t0
  need_root
  mkdir -p "$CACHE"
  versions=$(versions "$suite")
  if [ -z "$versions" ]; then
    dir=$(newest_complete "$suite")
    if [ -z "$dir" ]; then log "SKIP $suite: cannot reach $MIRROR and no cached chroot exists"; exit 77; fi
    log "archive unreachable: using the cached $dir"
    echo "$dir"; return
  fi
  name=$(key_for "$suite" "$versions")
  dir="$CACHE/$name"
  if [ -f "$dir/.wip-matrix-complete" ]; then
    log "$suite: cached chroot $dir ($versions)"
    fixups "$dir"
    echo "$dir"; return
  fi
  tmp="$CACHE/.build-$name"
  t0=$(date +%s)
  log "$suite: building $dir ($versions)"
  # Phase 1, Debian's packages (the long part); a build killed after it resumes at phase 2.
  if [ ! -f "$tmp/.wip-matrix-debs" ]; then
    ensure_mmdebstrap
    rm -rf "$tmp"
    local include; include=$(IFS=,; echo "${DEB_PACKAGES[*]}")
    mmdebstrap --variant=apt --include="$include" \
      --aptopt='APT::Install-Recommends "false"' --aptopt='Acquire::Retries "3"' \
      --aptopt='Acquire::Check-Valid-Until "false"' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      "$suite" "$tmp" "$MIRROR" >&2
    touch "$tmp/.wip-matrix-debs"
    log "$suite: Debian packages installed in $(( $(date +%s) - t0 )) s"
  fi
  # Phase 2, pip. The host's CA bundle goes along: where HTTPS passes a proxy with its own CA, pip in
  # the chroot must trust what pip on the host trusts.
  local ca=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
  [ -f "$ca" ] && cp -L "$ca" "$tmp/etc/wip-host-ca.crt"
  in_root "$tmp" bash -euc "
    rm -rf /opt/wip-venv
    python3 -m venv --system-site-packages /opt/wip-venv
    [ -f /etc/wip-host-ca.crt ] && export PIP_CERT=/etc/wip-host-ca.crt
    pip=(/opt/wip-venv/bin/python -m pip install --quiet --disable-pip-version-check --no-cache-dir)
    \"\${pip[@]}\" --only-binary edt $(printf "'%s' " "${PIP_PACKAGES[@]}")
    \"\${pip[@]}\" --no-deps $(printf "'%s' " "${PIP_NODEPS[@]}")
    /opt/wip-venv/bin/python -c 'import qgis.core, numpy, shapely, geopandas, pyogrio, rasterio, pyproj, scipy, yaml, edt, networkx, pvlib, windpowerlib, demandlib, pytest_qgis'
  " >&2
  {
    echo "suite=$suite"; echo "$versions" | tr ' ' '\n'
    echo "built=$(date -u +%FT%TZ) seconds=$(( $(date +%s) - t0 ))"
  } > "$tmp/.wip-matrix-complete"
  fixups "$tmp"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  # Older builds of this suite, and their unfinished builds, are superseded.
  local old
  for old in "$CACHE/$suite"-*/ "$CACHE/.build-$suite"-*/; do
    [ -d "$old" ] && [ "${old%/}" != "$dir" ] && rm -rf "${old%/}"
  done
  log "$suite: built in $(( $(date +%s) - t0 )) s"
  echo "$dir"
}

# The whole matrix: the system's QGIS (tests/matrix; make test already ran tests/qgis there), then each
# suite (tests/qgis and tests/matrix), one after the other; a table of seconds per stage at the end.
# A suite that cannot be had (no root, no archive and no cache) is skipped with its reason.
all() {
  local rc=0 summary=() s t0 r
  t0=$(date +%s)
  if [ -x "$REPO/.venv/bin/python" ]; then
    PYTHON="$REPO/.venv/bin/python" WIP_MATRIX_PATHS=tests/matrix "$REPO/scripts/matrix_tests.sh" system && r=passed || r=FAILED
  else
    r="skipped (no .venv: run make venv)"
  fi
  [ "$r" = FAILED ] && rc=1
  summary+=("system QGIS: tests/matrix   $(( $(date +%s) - t0 )) s  $r")
  for s in "$@"; do
    t0=$(date +%s)
    ( build "$s" >/dev/null ) && r=0 || r=$?
    summary+=("$s: chroot (build or cache)   $(( $(date +%s) - t0 )) s  $([ $r = 0 ] && echo ok || { [ $r = 77 ] && echo skipped || echo FAILED; })")
    if [ $r = 0 ]; then
      t0=$(date +%s)
      in_root "$(build "$s" 2>/dev/null)" bash /src/scripts/matrix_tests.sh "$s" && r=passed || r=FAILED
      summary+=("$s: tests/qgis + tests/matrix   $(( $(date +%s) - t0 )) s  $r")
    fi
    [ "$r" = FAILED ] || [ "$r" = 1 ] && rc=1
  done
  echo "== QGIS version matrix"
  printf '   %s\n' "${summary[@]}"
  return $rc
}

cmd=${1:-}; shift || true
case "$cmd" in
  all) all "$@" ;;
  build) build "${1:?suite}" ;;
  versions) versions "${1:?suite}" ;;
  run) root=$(build "${1:?suite}"); shift; in_root "$root" "$@" ;;
  test)
    suite=${1:?suite}; shift
    root=$(build "$suite")
    in_root "$root" bash /src/scripts/matrix_tests.sh "$suite" "$@"
    ;;
  *) sed -n '2,10p' "$SELF" >&2; exit 2 ;;
esac
