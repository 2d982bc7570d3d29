#!/bin/sh
# ApplicationStart: starts the server in the background, detached from the agent, and records its pid.
set -eu
. "$(dirname "$0")/common.sh"
: "${EM_SERVICE_PORT:?EM_SERVICE_PORT is not set: the agent passes the port the service listens on}"
if is_running; then
  echo "ApplicationStart: already running as $(cat "$PID_FILE")"
  exit 0
fi
# empty the log first: the wait below must not see the previous start's "listening on" line
: >"$LOG_FILE"
# Own session and no inherited stdio: the hook returns at once, and the service outlives a restart of the agent.
if command -v setsid >/dev/null 2>&1; then
  setsid node "$BASE/server.mjs" </dev/null >"$LOG_FILE" 2>&1 &
else
  nohup node "$BASE/server.mjs" </dev/null >"$LOG_FILE" 2>&1 &
fi
echo $! >"$PID_FILE"
# Wait up to 5 s for it to listen, so that a port already taken fails this hook with the server's own words.
i=0
while [ "$i" -lt 50 ]; do
  if grep -q "listening on" "$LOG_FILE" 2>/dev/null; then
    echo "ApplicationStart: $(cat "$LOG_FILE") (pid $(cat "$PID_FILE"))"
    exit 0
  fi
  if ! alive "$(cat "$PID_FILE")"; then
    echo "ApplicationStart: the server exited:" >&2
    cat "$LOG_FILE" >&2
    rm -f "$PID_FILE"
    exit 1
  fi
  sleep 0.1
  i=$((i + 1))
done
echo "ApplicationStart: started as $(cat "$PID_FILE"); not listening yet (ValidateService checks it)"
