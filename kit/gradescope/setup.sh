#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (an Ubuntu 24.04 or
# Debian 12 base). The autograder zip holds the whole looplab repository, with this file and
# run_autograder at its top; Gradescope unpacks it into /autograder/source.
#
# ./looplab installs the Debian packages the kit needs and builds everything once here, so
# each submission only rebuilds the student's loop.
set -euo pipefail
SOURCE="${AUTOGRADER:-/autograder}/source"
apt-get update
cd "$SOURCE"
./looplab grade >/dev/null   # installs, configures, builds; grades the starter as a smoke test
