#!/bin/sh
# AfterInstall: nothing to set up; says what was installed.
set -eu
. "$(dirname "$0")/common.sh"
version=$(sed -n 's/^ *"version": "\(.*\)",*$/\1/p' "$BASE/build.json")
echo "AfterInstall: Hello $version installed in $BASE"
