#!/bin/sh
# BeforeInstall: checks that the machine can run the service.
set -eu
if ! command -v node >/dev/null 2>&1; then
  echo "BeforeInstall: node is not on the PATH; the Hello example needs Node.js 18 or later" >&2
  exit 1
fi
echo "BeforeInstall: using node $(node --version)"
