#!/bin/sh
# check-test-groups.sh PROGRAM [-p PATH]...: every test path PROGRAM lists
# (-l) is given exactly once among the -p arguments, and every -p names a
# listed path. tests/lib/meson.build runs a program in groups of -p paths,
# one meson test each; this keeps the groups and the program in step.
set -u
program=$1
shift
listed=$("$program" -l 2>/dev/null | grep '^/') || { echo "$program -l failed" >&2; exit 1; }
given=
while [ $# -gt 0 ]; do
  [ "$1" = -p ] && [ $# -ge 2 ] || { echo "usage: $0 PROGRAM [-p PATH]..." >&2; exit 2; }
  given="$given$2
"
  shift 2
done
status=0
for path in $listed; do
  n=$(printf '%s' "$given" | grep -cxF "$path")
  if [ "$n" -ne 1 ]; then
    echo "$path: in $n groups (must be in exactly one)" >&2
    status=1
  fi
done
for path in $(printf '%s' "$given"); do
  printf '%s\n' "$listed" | grep -qxF "$path" || { echo "$path: in a group, not in the program" >&2; status=1; }
done
[ $status -eq 0 ] && echo "$(printf '%s\n' "$listed" | wc -l) paths, each in one group"
exit $status
