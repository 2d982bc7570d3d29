# Helpers shared by .ci/run and the scripts it calls. Source it; it defines functions and sets nothing else.
# shellcheck shell=bash

ci_heading() {
  printf '\n==== %s ====\n' "$*"
}

ci_note() {
  printf '  -> %s\n' "$*"
}

ci_warn() {
  printf '  !! %s\n' "$*" >&2
}

# Prints a TCP port that was free on 127.0.0.1 a moment ago.
ci_free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close();});"
}

# Seconds as "1m05s".
ci_duration() {
  printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

# Runs a command with root rights: directly as root, else through sudo when there is one.
ci_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    ci_warn "need root to run: $*"
    return 1
  fi
}

# ci_apt_install PKG...: installs the Debian packages that are not installed yet. Runs `apt-get update` and
# `apt-get install` only when something is missing, so a prepared machine pays nothing.
ci_apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    ci_note "system packages present: $*"
    return 0
  fi
  ci_note "installing system packages: ${missing[*]}"
  ci_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
  ci_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
}

# ci_guarded VAR COMMAND...: runs COMMAND in a subshell with errexit on and stores its exit code in VAR; never
# fails itself. Call it as a plain statement, never after `if`, `&&`, `||` or `!`: in those contexts bash ignores
# errexit in everything a function runs, subshells included, so a failing command inside would go unnoticed.
ci_guarded() {
  local __var="$1" __rc
  shift
  set +e
  (
    set -euo pipefail
    "$@"
  )
  __rc=$?
  set -e
  printf -v "$__var" '%d' "$__rc"
}
