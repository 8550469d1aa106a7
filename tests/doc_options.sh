#!/bin/sh
# doc_options.sh - every option in --help is in the man page, and back
#
# The man page writes a long option as \-\-name; --help as --name.

: "${DUALSTAT:=./src/dualstat}"
: "${MANPAGE:=$(dirname "$0")/../man/dualstat.8}"
fail=0

help_opts=$("$DUALSTAT" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
man_opts=$(sed 's/\\-/-/g' "$MANPAGE" | grep -o -- '--[a-z][a-z0-9-]*' |
	sort -u)
[ -n "$help_opts" ] || { echo "FAIL: no options in --help"; exit 1; }

for o in $help_opts; do
	if ! echo "$man_opts" | grep -qx -- "$o"; then
		echo "FAIL: $o is in --help but not in the man page"
		fail=1
	fi
done
for o in $man_opts; do
	if ! echo "$help_opts" | grep -qx -- "$o"; then
		echo "FAIL: $o is in the man page but not in --help"
		fail=1
	fi
done
[ "$fail" -eq 0 ] && echo "doc_options: all checks passed"
exit "$fail"
