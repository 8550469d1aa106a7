#!/bin/bash
# itest_seams.sh - the seam matrix: every option and filter term (a ROW)
# under every way of running dualstat (a COLUMN), on one known population
# (root, private network namespaces; skips with 77 otherwise).
#
# Population.  Namespace A (this test's own) and B (a child's), the local
# port range 40000-40999 in A and 41000-41999 in B, so an autobound port
# says its namespace:
#   slot  socket                                   mode    holder
#   t1    tcp [::]:7001 LISTEN, IPV6_V6ONLY 0      dual    sockpop
#   t2    tcp [::]:7002 LISTEN, IPV6_V6ONLY 1      v6only  sockpop
#   t3    tcp 127.0.0.1:7003 LISTEN (A only)       v4      sockpop
#   u4    udp 127.0.0.1:7004                       v4      sockpop
#   u5    udp [::]:7005, IPV6_V6ONLY 0             dual    sockpop
#   t6    tcp [::]:7006 LISTEN bound to lo (in B   dual    sockpop
#         to dsd0, a bridge, where one can be made)
#   auto  tcp 127.0.0.1:<range> LISTEN (port 0)    v4      sockpop
#   cli   tcp 127.0.0.1:<range> -> 127.0.0.1:7001  v4      sockpop
#   acc   its accepted [::ffff:127.0.0.1]:7001     mapped  sockpop
#   cli6  tcp [::1]:<range> -> [::1]:7002          v6      sockpop
#   acc6  its accepted [::1]:7002                  v6      sockpop
#   w     raw 127.0.0.1 protocol 253               v4      sockpop
#   t9    tcp [::]:7009 LISTEN (A only)            dual    dsseam-other
#   u10   udp 127.0.0.1:7010 (A only)              v4      dsseam-other
# With cgroup v2, A's sockpop runs in the cgroup /N-a.service, its
# dsseam-other (as user nobody) in /N-b, and B's sockpop in a cgroup laid
# out as podman's systemd driver makes it (a container); without cgroup v2
# the cgroup, unit and container rows are skipped.
#
# Each ROW names its arguments and the slots they select in A and in B,
# written from the table above and the man page (never from dualstat's
# output); where ss(8) can say, the expectation itself is checked with ss
# in that namespace first.  The COLUMNS:
#   ss      the expectation itself, checked with ss in A and B (- where
#           ss cannot say: modes, owners, dualstat's own options)
#   plain   dualstat -j ARGS in A                     -> A's slots
#   -F      the same with the row's filter read from a file (-F FILE)
#   -N      dualstat -N pid:B -j ARGS                 -> B's slots
#   all     dualstat --all-netns -j ARGS              -> A's and B's slots
#                                                        (other namespaces
#                                                        of the host ignored)
#   -p      dualstat -p -j ARGS: A's slots, each with its holder's name;
#           and with -N B, and with --all-netns
#   replay  dualstat --replay DUMP -j ARGS, DUMP from -A all -a --dump-raw
#           in A, then from -N B -A all -a --dump-raw
#   metrics dualstat --metrics ARGS: dualstat_sockets summed per mode; and
#           with -N B, and with --all-netns for A and B
#   check   dualstat --check -H ARGS: exit 1 and one line per slot, or 0
#   check-q dualstat --check -q ARGS: the same status, nothing printed;
#           and with -N B, B's
#   inj     dualstat -j ARGS with the 1st, 2nd or 3rd recvmsg of each
#           thread failing (ENOBUFS, strace -e inject=): exit 2, the
#           failure named, JSON printed closed; never exit 0 once the
#           failure was injected
#   injchk  the same with --check -H: 1 if a match was printed before the
#           failure, 2 otherwise; with --check -q, 1 or 2
#   inj+    the second recvmsg failing under -N, --all-netns, -p,
#           --metrics and --metrics=FILE (left as it was): exit 2, the
#           failure named; and --check --all-netns: 1 if a match was
#           printed, else 2
# A cell the man page refuses must be refused: exit 2, nothing on
# standard output, one line on standard error naming the problem.  The
# matrix is printed (ok, refused, FAIL, skip) and any FAIL fails the test;
# GAPS lists the cells known to fail and left so (none today).  Rows
# ending in -table parse the table instead of JSON; --emit-policy's row is
# judged by what the policy names and its round trip through -F.  Without
# strace the inj columns are skipped.  About 20-30 s.
set -u
. "$(dirname "$0")/itest_lib.sh"
: "${SOCKPOP:?SOCKPOP must name the tests/sockpop binary}"
itest_enter_netns "$@"
command -v ss >/dev/null || skip "no ss(8)"
command -v setpriv >/dev/null || skip "no setpriv(1)"
HAVE_STRACE=0
command -v strace >/dev/null &&
	strace -f -o /dev/null true 2>/dev/null && HAVE_STRACE=1
DS=$DUALSTAT

CG=
if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
	CG=/sys/fs/cgroup
elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	CG=/sys/fs/cgroup/unified
fi
N=dsseams-$$
CID=$(printf '%s' "$N" | sha256sum | cut -c1-64)
CTR=$N-machine.slice/libpod-$CID.scope
if [ -n "$CG" ] && ! mkdir "$CG/$N-a.service" 2>/dev/null; then
	CG=
fi
if [ -n "$CG" ]; then
	mkdir "$CG/$N-b" "$CG/$N-machine.slice" "$CG/$CTR"
fi

# hold NAME CGROUP [PREFIX...] -- SPEC...: $POP SPEC... in CGROUP (a path
# under $CG; none without cgroup v2) through PREFIX, its stdin a FIFO held
# open here until the end.
declare -A held_pid held_fd
hold() {
	local name=$1 cg='' fd
	local -a pre=()
	[ -z "$CG" ] || cg=$CG/$2
	shift 2
	while [ "$1" != -- ]; do
		pre+=("$1")
		shift
	done
	shift
	mkfifo "$T/$name.in"
	(
		for fd in "${held_fd[@]}"; do exec {fd}>&-; done
		# shellcheck disable=SC2016
		exec sh -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs" || exit 1
			shift; exec "$@"' sh "$cg" "${pre[@]}" "$POP" "$@" \
			<"$T/$name.in" >"$T/$name.out"
	) &
	held_pid[$name]=$!
	exec {fd}>"$T/$name.in"
	held_fd[$name]=$fd
	for _ in $(seq 200); do
		grep -q '^ready' "$T/$name.out" && return 0
		sleep 0.05
	done
	fail "$name: sockpop $* did not start"
}
cleanup() {
	local k fd
	for k in "${!held_fd[@]}"; do
		fd=${held_fd[$k]}
		exec {fd}>&-
		wait "${held_pid[$k]}" 2>/dev/null
	done
	[ -z "$CG" ] || rmdir "$CG/$N-a.service" "$CG/$N-b" "$CG/$CTR" \
		"$CG/$N-machine.slice" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

mkdir -m 755 "$T/bin"
chmod 755 "$T"
cp "$SOCKPOP" "$T/bin/sockpop"
cp "$SOCKPOP" "$T/bin/dsseam-other"
chmod 755 "$T/bin/sockpop" "$T/bin/dsseam-other"

echo "40000 40999" >/proc/sys/net/ipv4/ip_local_port_range
# B's t6 is bound to an interface A does not have, where one can be made
# (index 2 there): each namespace looks the name up on its own.
DEVB=lo
unshare -n ip link add dsd0 type bridge 2>/dev/null && DEVB=dsd0
SPECS=("tcp-dual:[::]:7001" "tcp-v6only:[::]:7002" "udp:127.0.0.1:7004"
	"udp-dual:[::]:7005" tcp:127.0.0.1:0
	connect:127.0.0.1:7001 "connect:[::1]:7002" raw:127.0.0.1:253)
POP=$T/bin/sockpop hold a "$N-a.service" -- "${SPECS[@]}" \
	"tcp-dual@lo:[::]:7006" tcp:127.0.0.1:7003
POP=$T/bin/dsseam-other hold other "$N-b" \
	setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups -- \
	"tcp-dual:[::]:7009" udp:127.0.0.1:7010
# shellcheck disable=SC2016
POP=$T/bin/sockpop hold b "$CTR" unshare -n sh -c 'ip link set lo up &&
	echo "41000 41999" >/proc/sys/net/ipv4/ip_local_port_range &&
	{ [ "$0" = lo ] || ip link add "$0" type bridge; } &&
	exec "$@"' "$DEVB" -- "${SPECS[@]}" "tcp-dual@$DEVB:[::]:7006"
BPID=${held_pid[b]}
OTHER=${held_pid[other]}
INO_A=$(stat -Lc %i /proc/self/ns/net)
INO_B=$(stat -Lc %i "/proc/$BPID/ns/net")
[ "$INO_A" != "$INO_B" ] || fail "B is not a namespace of its own"

# label KIND [P]: the slots of dualstat's output on stdin (KIND json,
# table, or table-all: the first column a namespace label; with $EXT set,
# -e's table, whose User and V6only columns must be the slot's), each "ns:slot", sorted; with P, a JSON row's holders must be the
# slot's process ("slot(comm)" otherwise).  The namespace is that of the
# row's netns_inode (or table label), else $DEFNS (a by default); a port
# from the other namespace's range marks the row wrong.
label() {
	local la='' lb=''
	if [ "$1" = table-all ]; then
		la=$LABEL_A lb=$LABEL_B
	fi
	awk -v kind="${1%-all}" -v pcheck="${2:-}" -v ia="$INO_A" \
		-v ib="$INO_B" -v la="$la" -v lb="$lb" -v dns="${DEFNS:-a}" \
		-v ext="${EXT:-}" '
	function num(k,   m) {
		if (match($0, "\"" k "\":[0-9]+")) {
			m = substr($0, RSTART, RLENGTH); sub(/.*:/, "", m)
			return m
		}
		return ""
	}
	function str(k,   m) {
		if (match($0, "\"" k "\":\"[^\"]*\"")) {
			m = substr($0, RSTART, RLENGTH); sub(/^[^:]*:"/, "", m)
			sub(/"$/, "", m); return m
		}
		return ""
	}
	function v6o(s) {
		if (s == "t2") return "yes"
		if (s == "t1" || s == "u5" || s == "t6" || s == "t9") return "no"
		return "-"
	}
	function port(a,   n, p) { n = split(a, p, ":"); return p[n] == "*" ? "" : p[n] }
	function slot(proto, lp, pp) {
		if (proto == "raw") return lp == 253 ? "w" : "?raw" lp
		if (lp >= 40000 && lp <= 41999) {
			er = lp < 41000 ? "a" : "b"
			if (pp == "") return "auto"
			if (pp == 7001) return "cli"
			if (pp == 7002) return "cli6"
		}
		if (pp != "" && lp == 7001) return "acc"
		if (pp != "" && lp == 7002) return "acc6"
		if (pp == "") {
			if (lp == 7001 || lp == 7002 || lp == 7003 || lp == 7006 ||
			    lp == 7009) return proto == "tcp" ? "t" (lp - 7000) : "?"
			if (lp == 7004 || lp == 7005 || lp == 7010)
				return proto == "udp" ? "u" (lp - 7000) : "?"
		}
		return "?" proto ":" lp ":" pp
	}
	kind == "json" && /"proto":/ {
		ns = dns; ino = num("netns_inode")
		if (ino != "") ns = ino == ia ? "a" : ino == ib ? "b" : ""
		if (ns == "") next
		er = ""
		s = slot(str("proto"), num("local_port"), num("peer_port"))
		if (er != "" && er != ns) s = s "(range " er ")"
		if (pcheck != "") {
			want = s == "t9" || s == "u10" ? "dsseam-other" : "sockpop"
			c = $0; sub(/.*"processes":/, "", c)
			if (c !~ "^\\[\\{\"pid\":[0-9]+,\"comm\":\"" want "\",")
				s = s "(holder " c ")"
		}
		print ns ":" s
	}
	kind == "table" && NF >= 5 && $1 != "Proto" && $2 != "Proto" {
		u = ""
		if ($NF ~ /^users:/) { u = $NF; NF-- }
		ns = dns; f = 0
		if (la != "") {
			ns = $1 == la ? "a" : $1 == lb ? "b" : ""
			f = 1
		}
		if (ns == "") next
		er = ""
		if (ext) {
			s = slot($(1 + f), port($(6 + f)), port($(7 + f)))
			if ($NF != v6o(s) || $(NF - 1) != (s ~ /9|10/ ? \
			    "nobody" : "root"))
				s = s "(user " $(NF - 1) " v6only " $NF ")"
		} else
			s = slot($(1 + f), port($(4 + f)), port($(5 + f)))
		if (er != "" && er != ns) s = s "(range " er ")"
		if (pcheck != "") {
			want = s == "t9" || s == "u10" ? "dsseam-other" : "sockpop"
			if (u !~ "^users:\\(\\(\"" want "\",pid=[0-9]+,fd=[0-9]+\\)\\)$")
				s = s "(holder " u ")"
		}
		print ns ":" s
	}' | sort | tr '\n' ' ' | sed 's/ $//'
}

# want NS SLOTS: "ns:slot ..." sorted, as label prints it.
want() {
	local ns=$1 s
	shift
	for s in $1; do echo "$ns:$s"; done | sort | tr '\n' ' ' | sed 's/ $//'
}
# modes SLOTS: "v4=N v6=N v6only=N dual=N mapped=N" of those slots.
declare -A MODE=([t1]=dual [t2]=v6only [t3]=v4 [u4]=v4 [u5]=dual [t6]=dual
	[auto]=v4 [cli]=v4 [acc]=mapped [cli6]=v6 [acc6]=v6 [w]=v4 [t9]=dual
	[u10]=v4)
modes() {
	local s m out=
	declare -A n=([v4]=0 [v6]=0 [v6only]=0 [dual]=0 [mapped]=0)
	for s in $1; do
		m=${MODE[$s]}
		n[$m]=$((n[$m] + 1))
	done
	for m in v4 v6 v6only dual mapped; do out="$out $m=${n[$m]}"; done
	echo "${out# }"
}
# metric_modes FILE [NETNS]: the same from the dualstat_sockets series of
# FILE (those of the namespace labelled NETNS).
metric_modes() {
	awk -v ns="${2:-}" '/^dualstat_sockets\{/ &&
		(ns == "" || index($0, "{netns=\"" ns "\",")) {
		m = $0; sub(/.*mode="/, "", m);
		sub(/".*/, "", m); n[m] += $NF }
		END { printf "v4=%d v6=%d v6only=%d dual=%d mapped=%d\n",
		n["v4"], n["v6"], n["v6only"], n["dual"], n["mapped"] }' "$1"
}
# summary_modes FILE [NS]: the same from -s's total line (the one after
# the namespace header NS, under --all-netns).
summary_modes() {
	awk -v ns="${2:-}" 'ns != "" && index($0, ns) { on = 1 }
		(ns == "" || on) && $1 == "total" {
		printf "v4=%d v6=%d v6only=%d dual=%d mapped=%d\n",
			$2, $3, $4, $5, $6; exit }' "$1"
}

ALL="t1 t2 t3 u4 u5 t6 auto cli acc cli6 acc6 t9 u10"
POPA="t1 t2 t3 u4 u5 t6 auto cli acc cli6 acc6"
# bset SLOTS: B's share of A's slots (B has no t3, t9, u10).
bset() {
	local s out=
	for s in $1; do
		case $s in t3 | t9 | u10) ;; *) out="$out $s" ;; esac
	done
	echo "${out# }"
}

## Learn the --all-netns table labels of A and B (a label is not an
## expectation: the rows are then checked by their ports).
"$DS" --all-netns -j -a 'sport = :7005' >"$T/lab" 2>/dev/null
LABEL_A=$(grep "\"netns_inode\":$INO_A," "$T/lab" | head -1 |
	sed 's/.*"netns":"\([^"]*\)".*/\1/')
LABEL_B=$(grep "\"netns_inode\":$INO_B," "$T/lab" | head -1 |
	sed 's/.*"netns":"\([^"]*\)".*/\1/')
[ -n "$LABEL_A" ] && [ -n "$LABEL_B" ] ||
	fail "--all-netns does not label A or B: $(cat "$T/lab")"

## The recording the replay column reads.
# Without raw_diag the raw sockets come from /proc/net/raw, which a dump
# cannot record (PROTOCOLS in the man page): such a dump leaves raw out,
# and a replay asked for raw refuses it.
RAWREC=1
if ! "$DS" -A all -a --dump-raw "$T/a.raw" >/dev/null 2>"$T/err"; then
	# The reason given is the recording, not an unreadable file.
	grep -q 'no raw_diag.*--dump-raw records' "$T/err" ||
		fail "--dump-raw: $(cat "$T/err")"
	RAWREC=0
	rm -f "$T/a.raw"
	"$DS" -A 'all,!raw' -a --dump-raw "$T/a.raw" >/dev/null 2>"$T/err" ||
		fail "--dump-raw: $(cat "$T/err")"
fi
# B's, through -N, alike.
"$DS" -N "pid:$BPID" -A "all$([ "$RAWREC" = 1 ] || echo ',!raw')" -a \
	--dump-raw "$T/b.raw" >/dev/null 2>"$T/err" ||
	fail "-N --dump-raw: $(cat "$T/err")"
RAWREF=
[ "$RAWREC" = 1 ] || RAWREF=";refuse=replay:raw"

## The rows: NAME|ARGS|A's slots|B's slots ("=" B's share of A's)|OPTIONS
## OPTIONS, ';'-separated: ss=PROTO-FLAGS FILTER (check the expectation
## with ss in A and B); refuse=COLUMNS:PATTERN (those columns, "*" for
## all, must refuse); cg (needs cgroup v2); table (parse the table, not
## JSON); ext (-e's table: its User and V6only columns checked too);
## unmap (no "::ffff:" printed); metrics=SLOTS (--metrics counts these).
ROWS=()
row() { ROWS+=("$1|$2|$3|$4|${5:-}"); }

row sport "-a 'sport = :7001'" "t1 acc" = "ss=-tuan sport = :7001"
row sport-range "-a 'sport >= 7005 and sport le :7010'" "u5 t6 t9 u10" = \
	"ss=-tuan ( sport >= :7005 and sport <= :7010 )"
row --sport "-a --sport 7002,7004" "t2 u4 acc6" =
row dport "-a 'dport = :7001'" "cli" = "ss=-tuan dport = :7001"
row dport-cmp "-a 'dport gt :7001 and dport < 7003'" "cli6" = \
	"ss=-tuan ( dport > :7001 and dport < :7003 )"
row src "-a 'src 127.0.0.1'" "t3 u4 auto cli acc u10" = \
	"ss=-tuan src 127.0.0.1"
row src-port "-a 'src 127/8:7001'" "acc" = "ss=-tuan src 127.0.0.0/8:7001"
row src-inet6 "-a 'src inet6:[::1]:7002'" "acc6" = \
	"ss=-tuan src [::1]:7002"
row src-anyport "-a 'src *:7001'" "t1 acc" = "ss=-tuan src *:7001"
row -6-src4 "-6 -a 'src 127.0.0.1'" "acc" =
row dst "-a 'dst [::1]'" "cli6 acc6" = "ss=-tuan dst [::1]"
row dst-prefix-any "-a 'dst 127.0.0.0/8:*'" "cli acc" = \
	"ss=-tuan dst 127.0.0.0/8:*"
row dport-0 "-a 'dport = :0'" "t1 t2 t3 u4 u5 t6 auto t9 u10" = \
	"ss=-tuan dport = :0"
row --dst "-a --dst 127.0.0.0/8" "cli acc" = "ss=-tuan dst 127.0.0.0/8"
if [ "$DEVB" = lo ]; then
	row dev "-a 'dev lo'" "t6" = "ss=-tuan dev lo"
	row dev-index "-a 'dev 1'" "t6" =
	row dev-if "-a 'not dev if1 and sport 7006'" "" =
else
	row dev "-a 'dev lo'" "t6" "" "ss=-tuan dev lo"
	row dev-index "-a 'dev 1'" "t6" ""
	row dev-if "-a 'not dev if1 and sport 7006'" "" "t6"
	# Only B has dsd0: a run that lists A alone refuses the name.
	row dev-nsonly "-a 'dev dsd0'" "" "t6" "refuse=plain -p replay metrics check check-q inj injchk:no interface 'dsd0'"
	row dev-nsonly-not "-a 'not dev dsd0 and sport 7006'" "t6" "" \
		"refuse=plain -p replay metrics check check-q inj injchk:no interface 'dsd0'"
fi
row autobound "-t -a 'autobound'" "auto cli cli6" = \
	"ss=-tan autobound;refuse=replay:autobound cannot be judged in a replay"
row autobound-mptcp "-a 'autobound'" "" "" \
	"refuse=*:autobound cannot"
row mode "-a 'mode dual'" "t1 u5 t6 t9" =
row mode-list "-a 'mode = mapped,v6'" "acc cli6 acc6" =
row not-mode "-a 'not mode v4 and sport 7001'" "t1 acc" =
row v6only "-a 'v6only'" "t2" =
row state "'state established'" "cli acc cli6 acc6" = \
	"ss=-tun state established"
row --state "--state listen" "t1 t2 t3 t6 auto t9" = "ss=-tun state listening"
row exclude "'exclude listen exclude established'" "u4 u5 u10" = \
	"ss=-tuan exclude listening exclude established"
row -l "-l" "t1 t2 t3 u4 u5 t6 auto t9 u10" = "ss=-tuln"
row default "" "cli acc cli6 acc6" = "ss=-tun;metrics=$ALL"
row cgroup "-a 'cgroup /$N-a.service'" "$POPA" "" \
	"cg;ss=-tuan cgroup /$N-a.service"
row not-cgroup "-a 'not cgroup /$N-b'" "$POPA" "$(bset "$POPA")" \
	"cg;ss=-tuan not cgroup /$N-b"
row unit "-a 'unit $N-a'" "$POPA" "" cg
row unit? "-a 'unit? $N-none or container? 0000dead0000 or uid 65534'" \
	"t9 u10" "" cg
row container "-a 'container ${CID:0:12}'" "" "$(bset "$POPA")" \
	"cg;ss=-tuan cgroup /$CTR"
row uid "-a 'uid 65534'" "t9 u10" ""
row user "-a 'user nobody'" "t9 u10" ""
row pid "-a 'pid $OTHER'" "t9 u10" "" \
	"refuse=replay:replay and the pid and process filter terms"
row process "-a 'process dsseam-other'" "t9 u10" "" \
	"refuse=replay:replay and the pid and process filter terms"
row process-and "-a 'process sockpop and mode dual'" "t1 u5 t6" = \
	"refuse=replay:replay and the pid and process filter terms"
# A filter that can never match is refused, wherever it is run; but
# --metrics counts every state, where dual sockets are.
row never-conn "-m dual" "" "" \
	"refuse=plain -N all -p replay check check-q inj injchk:can never match the connected;metrics=t1 u5 t6 t9"
row never-4 "-4 -m dual" "" "" "refuse=*:can never match: no AF_INET"
row never-udp-tw "-u --state time-wait" "" "" \
	"refuse=*:can never match: no udp socket"
row never-raw6 "-w -6 -a 'mode dual'" "" "" \
	"refuse=*:can never match: no AF_INET6"
row -m "-a -m v4" "t3 u4 auto cli u10" =
row -m-list "-a -m v6only,mapped" "t2 acc" =
row --dual "--dual" "t1 u5 t6 t9 acc" =
row -4 "-a -4" "t3 u4 auto cli u10" = "ss=-tuan4"
row -6 "-a -6" "t1 t2 u5 t6 acc cli6 acc6 t9" = "ss=-tuan6"
row -e "-a -e 'sport 7002 or sport 7009'" "t2 acc6 t9" =
row -e-table "-a -e 'sport 7002 or sport 7009 or sport 7005'" \
	"t2 acc6 u5 t9" = "table;ext"
row table "-a 'sport 7001'" "t1 acc" = table
row --unmap "-a --unmap 'sport 7001'" "t1 acc" = unmap
row --unmap-table "-a --unmap 'sport 7001'" "t1 acc" = "table;unmap"
row -s "-a -s" "$ALL" = "table;refuse=metrics check check-q injchk:-s;refuse=-p:-s"
row -w "-w -a" "w" = "ss=-wan$RAWREF"
row -w-mode "-w -a 'mode v4'" "w" = "${RAWREF#;}"
row -S "-S -a" "" ""
row -M "-M -a" "" ""
row -A "-A tcp,raw -a 'sport 7002 or sport 253 or mode mapped'" \
	"t2 acc acc6 w" = "${RAWREF#;}"

COLS=(ss plain -F -N all -p replay metrics check check-q inj injchk inj+)
declare -A CELL
NFAIL=0
SKIPPED=
GAPS=()
DETAIL=$T/detail
: >"$DETAIL"

# note ROW COL RESULT [WHY]: a FAIL in a cell GAPS names ("ROW,COL: why")
# is a "gap", not counted.
note() {
	local g
	CELL["$1,$2"]=$3
	if [ "$3" = FAIL ]; then
		for g in "${GAPS[@]}"; do
			if [ "${g%%:*}" = "$1,$2" ]; then
				CELL["$1,$2"]=gap
				return 0
			fi
		done
		NFAIL=$((NFAIL + 1))
		echo "FAIL $1 x $2: $4" >>"$DETAIL"
	fi
}
# refused ROW COL PATTERN: the last run ($T/out, $T/err, $rc) refused.
refused() {
	if [ "$rc" -ne 2 ]; then
		note "$1" "$2" FAIL "exit $rc, want a refusal (2)"
	elif [ -s "$T/out" ]; then
		note "$1" "$2" FAIL "refused, but wrote: $(head -c 200 "$T/out")"
	elif [ "$(wc -l <"$T/err")" -ne 1 ] || ! grep -q -- "$3" "$T/err"; then
		note "$1" "$2" FAIL "stderr is not one line naming '$3': $(head -c 300 "$T/err")"
	else
		note "$1" "$2" refused
	fi
}
# run CMD...: runs it, $rc, $T/out, $T/err.
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
}
# listed ROW COL WANT KIND [P]: the last run listed WANT, exit 0.
listed() {
	local got
	got=$(label "$4" "${5:-}" <"$T/out")
	if [ "$rc" -ne 0 ]; then
		note "$1" "$2" FAIL "exit $rc: $(head -c 300 "$T/err")"
	elif [ -n "$UNMAP" ] && grep -q '::ffff:' "$T/out"; then
		note "$1" "$2" FAIL "--unmap printed a mapped address"
	elif [ "$got" != "$3" ]; then
		note "$1" "$2" FAIL "got [$got], want [$3]"
	else
		note "$1" "$2" ok
	fi
}
# ss_slots NS FLAGS FILTER: what ss lists in namespace NS.
ss_slots() {
	local ns=$1 flags=$2
	shift 2
	if [ "$ns" = a ]; then
		ss -H "$flags" "$@"
	else
		nsenter --net="/proc/$BPID/ns/net" ss -H "$flags" "$@"
	fi 2>&1 | awk -v p="$(ss_proto "$flags")" '
		{ print $1 ~ /^(tcp|udp|raw)$/ ? $1 : p, "X", "X", $(NF - 1), $NF }' |
		DEFNS=$ns label table
}
# ss_proto FLAGS: the protocol of an ss run that names one (ss prints no
# Netid column then).
ss_proto() {
	case $1 in
	*t*u* | *u*t*) echo "?" ;;
	*t*) echo tcp ;;
	*u*) echo udp ;;
	*w*) echo raw ;;
	esac
}
# inject COL ARGS...: dualstat ARGS with the first, second or third
# recvmsg of each thread failing (strace counts per thread), judged where
# the failure was injected: the message names it (ENOBUFS), and JSON
# printed is closed.
inject() {
	local col=$1 when res=ok why='' w
	shift
	for when in 1 2 3; do
		rc=0
		strace -f -o "$T/st" -e trace=recvmsg \
			-e inject=recvmsg:error=ENOBUFS:when=$when \
			"$DS" "$@" >"$T/out" 2>"$T/err" || rc=$?
		grep -q INJECTED "$T/st" || continue
		if ! grep -q 'No buffer space available' "$T/err"; then
			res=FAIL why="at recvmsg $when: exit $rc, the message does not name the failure: $(head -c 200 "$T/err")"
		elif [ "$col" = injchk ]; then
			w=2
			[ ! -s "$T/out" ] || w=1
			[ "$rc" -eq "$w" ] ||
				res=FAIL why="at recvmsg $when: exit $rc, want $w: $(head -c 200 "$T/err")"
		elif [ "$rc" -ne 2 ] || [ ! -s "$T/err" ]; then
			res=FAIL why="at recvmsg $when: exit $rc, stderr $(head -c 200 "$T/err")"
		elif [ "$1" = -j ] && [ -s "$T/out" ] &&
			! tail -n 1 "$T/out" | grep -qx '\[*\]'; then
			res=FAIL why="at recvmsg $when: the JSON array is not closed"
		fi
	done
	note "$name" "$col" "$res" "$why"
}

for r in "${ROWS[@]}"; do
	IFS='|' read -r name argstr sa sb opts <<<"$r"
	[ "$sb" != = ] || sb=$(bset "$sa")
	eval "set -- $argstr"
	# A row whose filter is one quoted word: the options and the filter
	# apart, for the -F column.
	ffilt='' fopts=''
	if [[ $argstr =~ ^([^\']*)\'([^\']*)\'$ ]]; then
		fopts=${BASH_REMATCH[1]} ffilt=${BASH_REMATCH[2]}
	fi
	declare -A REF=()
	EXT='' UNMAP=''
	kind=json ssf='' cgneed='' msa=$sa
	IFS=';' read -ra ol <<<"$opts"
	for o in "${ol[@]}"; do
		case $o in
		ss=*) ssf=${o#ss=} ;;
		refuse=*)
			o=${o#refuse=}
			read -ra cl <<<"${o%%:*}"
			for c in "${cl[@]}"; do REF[$c]=${o#*:}; done
			;;
		cg) cgneed=1 ;;
		table) kind=table ;;
		ext) EXT=1 ;;
		unmap) UNMAP=1 ;;
		metrics=*) msa=${o#metrics=} ;;
		esac
	done
	if [ -n "$cgneed" ] && [ -z "$CG" ]; then
		for c in "${COLS[@]}"; do note "$name" "$c" skip; done
		SKIPPED="$SKIPPED $name"
		continue
	fi
	# refuses COL: the row is refused there ($refpat, its reason).
	refuses() {
		refpat=${REF[$1]:-${REF[\*]:-}}
		[ -n "$refpat" ]
	}
	jflag=-j
	[ "$kind" = json ] || jflag=
	WA=$(want a "$sa")
	WB=$(want b "$sb")
	WALL=$({ want a "$sa"; echo; want b "$sb"; } | tr ' ' '\n' | grep . |
		sort | tr '\n' ' ' | sed 's/ $//')

	# The expectation itself, where ss can say.
	if [ -n "$ssf" ]; then
		sflags=${ssf%% *} sfilt=
		[ "$ssf" = "$sflags" ] || sfilt=${ssf#* }
		# shellcheck disable=SC2086
		ga=$(ss_slots a "$sflags" $sfilt)
		# shellcheck disable=SC2086
		gb=$(ss_slots b "$sflags" $sfilt)
		if [ "$ga" = "$WA" ] && [ "$gb" = "$WB" ]; then
			note "$name" ss ok
		else
			note "$name" ss FAIL "ss lists [$ga] in A, [$gb] in B; the row wants [$WA], [$WB]"
		fi
	else
		note "$name" ss -
	fi
	# plain
	run "$DS" $jflag "$@"
	if refuses plain; then
		refused "$name" plain "$refpat"
	elif [ "$name" = -s ]; then
		got=$(summary_modes "$T/out")
		[ "$rc" -eq 0 ] && [ "$got" = "$(modes "$sa")" ] &&
			note "$name" plain ok ||
			note "$name" plain FAIL "exit $rc, [$got], want [$(modes "$sa")]"
	else
		listed "$name" plain "$WA" "$kind"
	fi
	# -N
	run "$DS" -N "pid:$BPID" $jflag "$@"
	if refuses -N; then
		refused "$name" -N "$refpat"
	elif [ "$name" = -s ]; then
		got=$(summary_modes "$T/out")
		[ "$rc" -eq 0 ] && [ "$got" = "$(modes "$sb")" ] &&
			note "$name" -N ok ||
			note "$name" -N FAIL "exit $rc, [$got], want [$(modes "$sb")]"
	elif [ "$kind" = table ]; then
		got=$(DEFNS=b label table <"$T/out")
		[ "$rc" -eq 0 ] && [ "$got" = "$WB" ] && note "$name" -N ok ||
			note "$name" -N FAIL "exit $rc, [$got], want [$WB]"
	else
		listed "$name" -N "$WB" json
	fi
	# --all-netns
	run "$DS" --all-netns $jflag "$@"
	if refuses all; then
		refused "$name" all "$refpat"
	elif [ "$name" = -s ]; then
		ga=$(summary_modes "$T/out" "$LABEL_A")
		gb=$(summary_modes "$T/out" "$LABEL_B")
		[ "$rc" -eq 0 ] && [ "$ga" = "$(modes "$sa")" ] &&
			[ "$gb" = "$(modes "$sb")" ] && note "$name" all ok ||
			note "$name" all FAIL "exit $rc, A [$ga] B [$gb]"
	else
		k=$kind
		[ "$k" = json ] || k=table-all
		listed "$name" all "$WALL" "$k"
	fi
	# -p
	run "$DS" -p $jflag "$@"
	if refuses -p; then
		refused "$name" -p "$refpat"
	elif [ "$name" = -s ]; then
		got=$(summary_modes "$T/out")
		[ "$rc" -eq 0 ] && [ "$got" = "$(modes "$sa")" ] &&
			note "$name" -p ok || note "$name" -p FAIL "exit $rc, [$got]"
	else
		listed "$name" -p "$WA" "$kind" p
		# B's holders through -N, and both through --all-netns.
		if [ "${CELL["$name,-p"]}" = ok ]; then
			run "$DS" -p -N "pid:$BPID" $jflag "$@"
			DEFNS=b listed "$name" -p "$WB" "$kind" p
		fi
		if [ "${CELL["$name,-p"]}" = ok ]; then
			k=$kind
			[ "$k" = json ] || k=table-all
			run "$DS" -p --all-netns $jflag "$@"
			listed "$name" -p "$WALL" "$k" p
		fi
	fi
	# --replay
	run "$DS" --replay "$T/a.raw" $jflag "$@"
	if refuses replay; then
		refused "$name" replay "$refpat"
	elif [ "$name" = -s ]; then
		got=$(summary_modes "$T/out")
		[ "$rc" -eq 0 ] && [ "$got" = "$(modes "$sa")" ] &&
			note "$name" replay ok ||
			note "$name" replay FAIL "exit $rc, [$got]: $(head -c 200 "$T/err")"
	else
		listed "$name" replay "$WA" "$kind"
		if [ "${CELL["$name,replay"]}" = ok ]; then
			run "$DS" --replay "$T/b.raw" $jflag "$@"
			DEFNS=b listed "$name" replay "$WB" "$kind"
		fi
	fi
	# --metrics
	run "$DS" --metrics "$@"
	if refuses metrics; then
		refused "$name" metrics "$refpat"
	else
		got=$(metric_modes "$T/out")
		if [ "$rc" -ne 0 ] || [ "$got" != "$(modes "$msa")" ]; then
			note "$name" metrics FAIL "exit $rc, [$got], want [$(modes "$msa")]: $(head -c 200 "$T/err")"
		elif ! grep -qx 'dualstat_complete 1' "$T/out"; then
			note "$name" metrics FAIL "not dualstat_complete 1"
		else
			# B's, through -N.
			msb=$sb
			[ "$msa" = "$sa" ] || msb=$(bset "$msa")
			run "$DS" --metrics -N "pid:$BPID" "$@"
			got=$(metric_modes "$T/out")
			run2=$rc
			# Both, through --all-netns (other namespaces ignored).
			"$DS" --metrics --all-netns "$@" >"$T/mall" 2>/dev/null
			ga=$(metric_modes "$T/mall" "$LABEL_A")
			gb=$(metric_modes "$T/mall" "$LABEL_B")
			if [ "$run2" -ne 0 ] || [ "$got" != "$(modes "$msb")" ]; then
				note "$name" metrics FAIL "-N: exit $run2, [$got], want [$(modes "$msb")]: $(head -c 200 "$T/err")"
			elif [ "$ga" != "$(modes "$msa")" ] ||
				[ "$gb" != "$(modes "$msb")" ]; then
				note "$name" metrics FAIL "--all-netns: A [$ga] B [$gb]"
			else
				note "$name" metrics ok
			fi
		fi
	fi
	# --check
	want_rc=0
	[ -z "$sa" ] || want_rc=1
	nsa=$(echo "$sa" | wc -w)
	run "$DS" --check -H "$@"
	if refuses check; then
		refused "$name" check "$refpat"
	else
		got=$(grep -c . "$T/out")
		[ "$rc" -eq "$want_rc" ] && [ "$got" -eq "$nsa" ] &&
			note "$name" check ok ||
			note "$name" check FAIL "exit $rc, $got lines; want $want_rc, $nsa: $(head -c 200 "$T/err")"
	fi
	run "$DS" --check -q "$@"
	if refuses check-q; then
		refused "$name" check-q "$refpat"
	else
		[ "$rc" -eq "$want_rc" ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ] &&
			note "$name" check-q ok ||
			note "$name" check-q FAIL "exit $rc, want $want_rc; out $(head -c 100 "$T/out") err $(head -c 200 "$T/err")"
		# And B's answer, through -N.
		want_b=0
		[ -z "$sb" ] || want_b=1
		run "$DS" --check -q -N "pid:$BPID" "$@"
		[ "$rc" -eq "$want_b" ] && [ ! -s "$T/out" ] ||
			note "$name" check-q FAIL "-N: exit $rc, want $want_b: $(head -c 200 "$T/err")"
	fi
	# The filter from a file (-F), where the row has one.
	if [ -z "$ffilt" ]; then
		note "$name" -F -
	else
		printf '# the row %s\n%s\n' "$name" "$ffilt" >"$T/filter"
		eval "set -- $fopts"
		run "$DS" -F "$T/filter" $jflag "$@"
		if refuses plain; then
			refused "$name" -F "$refpat"
		else
			listed "$name" -F "$WA" "$kind"
		fi
		eval "set -- $argstr"
	fi
	# A dump failing half-way.
	if [ "$HAVE_STRACE" = 0 ]; then
		note "$name" inj skip
		note "$name" injchk skip
		note "$name" inj+ skip
		continue
	fi
	if refuses inj; then
		run strace -f -o /dev/null "$DS" $jflag "$@"
		refused "$name" inj "$refpat"
	else
		inject inj $jflag "$@"
	fi
	if refuses injchk; then
		run strace -f -o /dev/null "$DS" --check -H "$@"
		refused "$name" injchk "$refpat"
	else
		inject injchk --check -H "$@"
		# -q stops at the first match and prints nothing: whether
		# one came first cannot be seen, but 0 is never the answer.
		rc=0
		strace -f -o "$T/st" -e trace=recvmsg \
			-e inject=recvmsg:error=ENOBUFS:when=2 \
			"$DS" --check -q "$@" >"$T/out" 2>"$T/err" || rc=$?
		if grep -q INJECTED "$T/st" && [ "$rc" -ne 1 ] &&
			[ "$rc" -ne 2 ]; then
			note "$name" injchk FAIL "--check -q: exit $rc"
		fi
	fi
	# The failure under the other columns (the second recvmsg of each
	# thread, of each namespace's dumps).
	res=ok why=''
	for how in "-N pid:$BPID" --all-netns -p --metrics \
		"--metrics=$T/m.prom" "--check -H --all-netns"; do
		# shellcheck disable=SC2086
		[ "$how" != -p ] || [ -z "${REF[-p]:-}" ] || continue
		[ "${how#--metrics}" = "$how" ] || [ -z "${REF[metrics]:-}" ] ||
			continue
		[ "${how#--check}" = "$how" ] || [ -z "${REF[check]:-}" ] ||
			continue
		[ -z "${REF[\*]:-}" ] || continue
		echo previous >"$T/m.prom"
		rc=0
		# shellcheck disable=SC2086
		strace -f -o "$T/st" -e trace=recvmsg \
			-e inject=recvmsg:error=ENOBUFS:when=2 \
			"$DS" $how "$@" >"$T/out" 2>"$T/err" || rc=$?
		grep -q INJECTED "$T/st" || continue
		w=2
		# --check: 1 once a match was printed.
		[ "${how#--check}" = "$how" ] || [ ! -s "$T/out" ] || w=1
		if [ "$rc" -ne "$w" ] ||
			! grep -q 'No buffer space available' "$T/err"; then
			res=FAIL
			why="$why [$how: exit $rc, want $w: $(head -c 200 "$T/err")]"
		fi
		# A metrics file failed is the previous one, no temporary left.
		tmps=("$T"/.m.prom.*)
		if [ "$(cat "$T/m.prom")" != previous ] || [ -e "${tmps[0]}" ]; then
			res=FAIL
			why="$why [$how: the metrics file was replaced or its temporary left]"
		fi
	done
	if [ -n "${REF[\*]:-}" ]; then
		note "$name" inj+ refused
	else
		note "$name" inj+ "$res" "$why"
	fi
done

## --emit-policy, a row of its own: what it writes is a policy, judged by
## what it names and by the round trip (the same scope with -F accepts
## everything, --check answers 0).
name=--emit-policy
ROWS+=("$name|||")
note "$name" ss -
note "$name" -F -
# policy_has FILE WHAT...: the policy names each WHAT.
policy_lacks() {
	local f=$1 w
	shift
	for w in "$@"; do
		grep -qF -- "$w" "$f" || echo "[$w]"
	done
}
if [ -n "$CG" ]; then
	WANT_PA=("unit? $N-a.service" "process dsseam-other and sport = :7009")
	WANT_PB=("container? podman:${CID:0:12}")
else
	WANT_PA=("process sockpop and sport = :7001" "sport = :7005"
		"sport = :7006" "process dsseam-other and sport = :7009")
	WANT_PB=("process sockpop and sport = :7001" "sport = :7005"
		"sport = :7006")
fi
# emit_cell COL SCOPE...: the policy of --dual in SCOPE names WANT, and
# accepts SCOPE's findings.
emit_cell() {
	local col=$1 lacks
	shift
	run "$DS" "$@" --dual --emit-policy
	cp "$T/out" "$T/policy"
	lacks=$(policy_lacks "$T/policy" "${WANT[@]}")
	if [ "$rc" -ne 0 ] || [ -n "$lacks" ]; then
		note "$name" "$col" FAIL "exit $rc, lacks $lacks: $(head -c 200 "$T/err")"
		return
	fi
	[ "$col" != all ] || { note "$name" "$col" ok; return; }
	# --check, not -q: -p refuses -q.
	run "$DS" "$@" --dual --check -F "$T/policy"
	[ "$rc" -eq 0 ] && [ ! -s "$T/out" ] && note "$name" "$col" ok ||
		note "$name" "$col" FAIL "the round trip: exit $rc: $(head -c 200 "$T/out" "$T/err")"
}
WANT=("${WANT_PA[@]}")
emit_cell plain
emit_cell -p -p
WANT=("${WANT_PB[@]}")
emit_cell -N -N "pid:$BPID"
WANT=("${WANT_PA[@]}" "${WANT_PB[@]}")
emit_cell all --all-netns
run "$DS" --replay "$T/a.raw" --dual --emit-policy
refused "$name" replay "--emit-policy and --replay"
run "$DS" --metrics --dual --emit-policy
refused "$name" metrics "--emit-policy and --metrics"
run "$DS" --check --dual --emit-policy
refused "$name" check "--emit-policy and --check"
run "$DS" --check -q --dual --emit-policy
refused "$name" check-q "--emit-policy and --check"
if [ "$HAVE_STRACE" = 1 ]; then
	inject inj --dual --emit-policy
	run strace -f -o /dev/null "$DS" --check --dual --emit-policy
	refused "$name" injchk "--emit-policy and --check"
	res=ok why=''
	for how in "-N pid:$BPID" --all-netns -p; do
		rc=0
		# shellcheck disable=SC2086
		strace -f -o "$T/st" -e trace=recvmsg \
			-e inject=recvmsg:error=ENOBUFS:when=2 \
			"$DS" $how --dual --emit-policy >"$T/out" 2>"$T/err" || rc=$?
		grep -q INJECTED "$T/st" || continue
		if [ "$rc" -ne 2 ] ||
			! grep -q 'No buffer space available' "$T/err"; then
			res=FAIL
			why="$why [$how: exit $rc: $(head -c 200 "$T/err")]"
		fi
	done
	note "$name" inj+ "$res" "$why"
else
	note "$name" inj skip
	note "$name" injchk skip
	note "$name" inj+ skip
fi

## The matrix.
printf '%-16s' row
for c in "${COLS[@]}"; do printf ' %-7s' "$c"; done
echo
for r in "${ROWS[@]}"; do
	name=${r%%|*}
	printf '%-16s' "$name"
	for c in "${COLS[@]}"; do printf ' %-7s' "${CELL["$name,$c"]:-?}"; done
	echo
done
[ -z "$SKIPPED" ] || echo "Skipped (no cgroup v2 here):$SKIPPED"
if [ "${#GAPS[@]}" -gt 0 ]; then
	echo "Documented gaps (expected, not fixed here):"
	printf '  %s\n' "${GAPS[@]}"
else
	echo "Documented gaps: none"
fi
cat "$DETAIL"
[ "$NFAIL" -eq 0 ] || fail "$NFAIL cells failed"
echo "PASS: the seam matrix"
