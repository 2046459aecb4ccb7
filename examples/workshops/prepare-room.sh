#!/bin/sh
# Prepare one laptop in a training room and start the workshop on it.
#
#   sh examples/workshops/prepare-room.sh "laptop 3"
#
# It installs encounters into its own virtual environment, adds the workshop's practice pack to the
# configuration (so the pack's practices stay available for prepare and reflect after the session),
# checks the pack and the script, and starts the run for this participant. Every participant's
# answers stay in the journal on their own laptop.
#
# Settings (environment variables, all optional):
#   WORKSHOP     the script to run          (default: school-staff-intro.yaml beside this file)
#   PACK         the practice pack folder   (default: packs/staff-room beside this file)
#   SOURCE       what pip installs          (default: encounters; a wheel file or a checkout works too)
#   VENV         where it is installed      (default: ~/.local/share/encounters-venv)
#   ENCOUNTERS   an encounters command that is already installed: skip the installation
#   PACK_VIA     config (default) or env: with env the pack is given through ENCOUNTERS_PRACTICES
#                for this run only, and the configuration is left as it is
#   ANSWERS      an answers file: rehearse without a person (also what the tests use)
set -eu

PARTICIPANT=${1:?give the participant label, e.g. "laptop 3" (not a name)}
HERE=$(cd "$(dirname "$0")" && pwd)
WORKSHOP=${WORKSHOP:-$HERE/school-staff-intro.yaml}
PACK=${PACK:-$HERE/packs/staff-room}
PACK_VIA=${PACK_VIA:-config}

if [ -z "${ENCOUNTERS:-}" ]; then
    VENV=${VENV:-$HOME/.local/share/encounters-venv}
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade "${SOURCE:-encounters}"
    ENCOUNTERS=$VENV/bin/encounters
fi

case $PACK_VIA in
    config)
        # replaces the list of extra practice folders in this laptop's configuration
        "$ENCOUNTERS" config set practices "$PACK"
        ;;
    env)
        ENCOUNTERS_PRACTICES=$PACK
        export ENCOUNTERS_PRACTICES
        ;;
    *)
        echo "PACK_VIA must be config or env, not '$PACK_VIA'" >&2
        exit 2
        ;;
esac

"$ENCOUNTERS" check "$PACK"
"$ENCOUNTERS" workshop check "$WORKSHOP"

if [ -n "${ANSWERS:-}" ]; then
    exec "$ENCOUNTERS" workshop run "$WORKSHOP" --participant "$PARTICIPANT" --answers "$ANSWERS"
fi
exec "$ENCOUNTERS" workshop run "$WORKSHOP" --participant "$PARTICIPANT"
