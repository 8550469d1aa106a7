#!/bin/bash
# doc_help.sh - what --help and the man page say of the options is what
# the program does (issue 18: the -e columns, --metrics-listeners' values,
# -N's labels), so the two cannot drift from it again
#
# 1. Each --opt=VALUE of --help's usage lines is spelled the same in its
#    own description and in the man page's SYNOPSIS (rendered by groff).
# 2. The columns -e adds, read from real headers (-a against -a -e), are
#    exactly those --help's -e line names, and each is in the man page's
#    -e paragraph.
# 3. The man page's table of -N arguments and labels, run for real: a
#    name made with ip netns add in a private mount namespace (so the
#    host's /run/netns is neither seen nor touched) and the pid of a
#    process in a namespace of its own; each label is read back from
#    --metrics.  Needs root; without it, parts 1 and 2 alone are run.
set -eu

: "${DUALSTAT:?DUALSTAT must name the dualstat binary}"
: "${MANPAGE:=$(dirname "$0")/../man/dualstat.8}"
command -v groff >/dev/null || { echo "SKIP: no groff (Debian: groff-base)" >&2; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
no() {
	echo "FAIL: $*" >&2
	fail=1
}

# The man page as a reader sees it: no hyphenation, lines not broken.
groff -man -Tascii -rLL=400n -rHY=0 -P-cbou "$MANPAGE" 2>/dev/null |
	sed 's/^ *//' >"$T/man"
"$DUALSTAT" --help >"$T/help"

## 1. --opt=VALUE: the usage line, the description and the SYNOPSIS agree.
sed -n '1,/^[^ U]/p' "$T/help" | sed '$d' >"$T/usage"
sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$T/man" >"$T/synopsis"
grep -o -- '--[a-z][a-z0-9-]*=[^] [|]*\(|[^] [|]*\)*' "$T/usage" |
	sort -u >"$T/forms"
[ -s "$T/forms" ] || no "no --opt=VALUE in --help's usage lines"
while read -r form; do
	opt=${form%%=*}
	grep -q -- "^ *\(-[a-zA-Z], \)\?$form " "$T/help" ||
		no "--help: usage says $form, its description: $(grep -- "^ *\(-.,\)\? *$opt" "$T/help" | head -n 1)"
	grep -qF -- "$form" "$T/synopsis" ||
		no "man SYNOPSIS does not say $form: $(grep -oF -- "$opt" "$T/synopsis" | head -n 1)"
done <"$T/forms"

## 2. -e: the columns it adds, by name, everywhere.
"$DUALSTAT" -a -A tcp,udp | head -n 1 | tr -s ' ' '\n' | sort >"$T/plain"
"$DUALSTAT" -a -A tcp,udp -e | head -n 1 | tr -s ' ' '\n' | sort >"$T/ext"
comm -13 "$T/plain" "$T/ext" >"$T/added"
[ "$(wc -l <"$T/added")" -ge 3 ] || no "-e adds $(wc -l <"$T/added") columns"
# "add the A, B, C and D\n columns": one line of text, the names listed.
sed -n '/^ *-e, --extended/,/columns/p' "$T/help" | tr -s ' \n' ' ' |
	sed 's/.*add the //; s/ columns.*//; s/ and /, /g' |
	tr ',' '\n' | sed 's/^ *//; s/ *$//' | sort >"$T/said"
cmp -s "$T/added" "$T/said" ||
	no "--help -e names '$(tr '\n' ' ' <"$T/said")', -e adds '$(tr '\n' ' ' <"$T/added")'"
sed -n '/^-e, --extended/,/^-[a-zA-Z], --/p' "$T/man" >"$T/man-e"
while read -r col; do
	grep -qF -- "$col" "$T/man-e" || no "man -e does not name the $col column"
done <"$T/added"

## 3. -N: the labels of the man page's table, for real.
if [ -z "${DOC_HELP_INNER:-}" ]; then
	if [ "$(id -u)" -ne 0 ] || ! unshare --mount --net true 2>/dev/null; then
		echo "note: not root: -N's labels are not run" >&2
		[ "$fail" -eq 0 ] && echo "doc_help: --help and man agree"
		exit "$fail"
	fi
	[ "$fail" -eq 0 ] || exit 1
	rm -rf "$T"
	DOC_HELP_INNER=1 exec unshare --mount "$BASH" "$0" "$@"
fi
mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns || { echo "FAIL: tmpfs on /run/netns"; exit 1; }
name=apache$$
ip netns add "$name" || { echo "FAIL: ip netns add"; exit 1; }
unshare -n sleep 60 &
pid=$!
sleep 0.2
ino=$(stat -L -c %i "/proc/$pid/ns/net")
# The rows between the "argument label" title and the next blank line.
sed -n '/^argument  *label$/,/^$/p' "$T/man" | sed '1d;$d' >"$T/labels"
[ "$(wc -l <"$T/labels")" -ge 4 ] || no "no -N label table in the man page"
while read -r arg want; do
	arg=${arg//apache/$name}
	arg=${arg//4432/$pid}
	want=${want//apache/$name}
	want=${want//4432/$pid}
	want=${want//4026532711/$ino}
	got=$("$DUALSTAT" -N "$arg" --metrics 2>"$T/err" |
		grep -o 'netns="[^"]*"' | sort -u)
	[ "$got" = "netns=\"$want\"" ] ||
		no "-N $arg: label '$got', the man page says '$want' $(cat "$T/err")"
done <"$T/labels"
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
ip netns del "$name" || true
[ "$fail" -eq 0 ] && echo "doc_help: --help, man and the program agree"
exit "$fail"
