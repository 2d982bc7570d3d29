#!/bin/sh
# ApplicationStop: stops the server started by application_start.sh of this deployment, by its pid.
set -eu
. "$(dirname "$0")/common.sh"
if ! is_running; then
  echo "ApplicationStop: not running"
  rm -f "$PID_FILE"
  exit 0
fi
pid=$(cat "$PID_FILE")
kill -TERM "$pid"
i=0
while alive "$pid" && [ "$i" -lt 50 ]; do
  sleep 0.1
  i=$((i + 1))
done
if alive "$pid"; then
  echo "ApplicationStop: $pid ignored SIGTERM for 5 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$PID_FILE"
echo "ApplicationStop: stopped $pid"
