# Sourced by the hooks. DEPLOYMENT_BASE_DIR is the unpacked archive of this deployment (SPEC §6); when a hook is run
# by hand it defaults to the folder above hooks/.
BASE="${DEPLOYMENT_BASE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
PID_FILE="$BASE/hello.pid"
LOG_FILE="$BASE/hello.log"

# True while process $1 runs. An exited server stays a zombie until whoever adopted it reaps it; that counts as gone.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/stat" ]; then
    [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != "Z" ] || return 1
  fi
  return 0
}

# True when the pid file names a live process running this deployment's server.mjs (not a reused pid).
is_running() {
  [ -f "$PID_FILE" ] || return 1
  pid=$(cat "$PID_FILE")
  alive "$pid" || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\000' ' ' <"/proc/$pid/cmdline" | grep -q "$BASE/server.mjs" || return 1
  fi
  return 0
}
