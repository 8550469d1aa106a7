#!/bin/sh
# itest_nomodule.sh - dualstat never asks the kernel for a protocol it has
# not loaded, so it never makes the kernel load a module (root).
#
# 1. A private mount namespace shows dualstat a /proc/net/protocols that
#    lists TCP and UDP alone: with every protocol asked for (-A all -a,
#    --dual --check), the requests its --dump-raw file records are TCP's
#    and UDP's only.
# 2. The real file: nothing outside it is requested, and /proc/modules is
#    the same before and after (where the kernel has modules).
set -u
: "${DUALSTAT:?}" "${RAWMK:?}"
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (unshare -m -n)" >&2
	exit 77
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }

# 2 = AF_INET, 10 = AF_INET6; 6 = TCP, 17 = UDP.
printf '%s\n' "2 6" "10 6" "2 17" "10 17" >"$t/all"
# Only the first column matters to dualstat.
cat >"$t/protocols" <<'PROTOS'
protocol  size sockets  memory press maxhdr  slab module     cl co di
UDPv6     1472      0       0   NI       0   yes  kernel      y  y  y
TCPv6     2432      0     311   no     192   yes  kernel      y  y  y
UDP       1344      0       0   NI       0   yes  kernel      y  y  y
TCP       2304      1     311   no     192   yes  kernel      y  y  y
PROTOS
for opts in "-A all -a" "--dual --check" "-M -S -w -l"; do
	rm -f "$t/d.raw" # --dump-raw creates a new file, never over one
	# shellcheck disable=SC2086
	unshare -m -n sh -c 'mount -t tmpfs none /proc &&
		mkdir /proc/net && cp "$1" /proc/net/protocols &&
		shift && exec "$@"' sh "$t/protocols" \
		"$DUALSTAT" $opts --dump-raw "$t/d.raw" >/dev/null 2>"$t/err"
	status=$?
	[ "$status" -le 1 ] || no "$opts: exit $status: $(cat "$t/err")"
	"$RAWMK" requests "$t/d.raw" >"$t/asked" || no "$opts: no dump"
	case "$opts" in
	-M*) : >"$t/want" ;; # none of them loaded: nothing to ask
	--dual*) grep '^10 ' "$t/all" >"$t/want" ;; # IPv6 sockets only
	*) cp "$t/all" "$t/want" ;;
	esac
	cmp -s "$t/asked" "$t/want" ||
		no "$opts: asked for '$(tr '\n' ' ' <"$t/asked")'"
done

# The real file: each request is for a protocol it lists.
name() {
	case "$1 $2" in
	"2 6") echo TCP ;; "10 6") echo TCPv6 ;;
	"2 17") echo UDP ;; "10 17") echo UDPv6 ;;
	"2 262") echo MPTCP ;; "10 262") echo MPTCPv6 ;;
	"2 132") echo SCTP ;; "10 132") echo SCTPv6 ;;
	"2 255") echo RAW ;; "10 255") echo RAWv6 ;;
	*) echo "?" ;;
	esac
}
[ -r /proc/modules ] && cp /proc/modules "$t/before"
rm -f "$t/d.raw"
unshare -n "$DUALSTAT" -A all -a --dump-raw "$t/d.raw" >/dev/null 2>&1
unshare -n "$DUALSTAT" --dual --check -q >/dev/null 2>&1
"$RAWMK" requests "$t/d.raw" >"$t/asked" || no "real: no dump"
while read -r fam proto; do
	n=$(name "$fam" "$proto")
	awk '{ print $1 }' /proc/net/protocols | grep -qx "$n" ||
		no "real: asked for $n ($fam $proto), not in /proc/net/protocols"
done <"$t/asked"
if [ -r /proc/modules ]; then
	awk '{ print $1 }' "$t/before" | sort >"$t/b"
	awk '{ print $1 }' /proc/modules | sort >"$t/a"
	cmp -s "$t/b" "$t/a" ||
		no "modules loaded: $(comm -13 "$t/b" "$t/a" | tr '\n' ' ')"
else
	echo "note: no /proc/modules (a kernel without modules): part 2 checks the requests only"
fi

[ "$fail" -eq 0 ] && echo "itest_nomodule: all passed"
exit "$fail"
