# Sourced by the stack scripts (trino.sh, athena-local.sh).
#
# alive PID: the process exists and is not a zombie. `kill -0` alone is not enough: where PID 1
# reaps orphans late (some container and VM inits), a killed server stays a zombie that signal 0
# still reaches.
alive() {
  local stat
  kill -0 "$1" 2>/dev/null || return 1
  [[ -d /proc/self ]] || return 0 # no procfs: signal 0 is all there is to ask
  # unreadable: it was reaped since signal 0 (a shell reaps its own children while it waits)
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }" # the state follows the command name, which may hold spaces
  [[ -n "$stat" && "${stat%% *}" != Z ]]
}
