# Sourced by scripts/up and scripts/test: make sure Python 3.11+ with venv is there (installing
# Debian packages when missing) and create the project's virtualenv. Sets $VENV.
set -euo pipefail

apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing system packages: $*" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

command -v python3 >/dev/null || apt_install python3 python3-venv python3-pip
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "callfloor needs Python 3.11 or newer; python3 is $(python3 --version)" >&2
    exit 1
}
python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv

VENV="${CALLFLOOR_VENV:-.venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
