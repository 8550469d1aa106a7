#!/bin/bash
# k8s_manifest.sh - the Kubernetes DaemonSet's structure (issue 17)
#
# contrib/kubernetes/dualstat-daemonset.yaml parses and passes
# tests/k8s_manifest.py check (one DaemonSet, hostPID, no host network,
# capabilities dropped but SYS_ADMIN, SYS_PTRACE and DAC_READ_SEARCH, a
# read-only root, the textfile hostPath the only writable mount, a timer
# loop running dualstat --metrics=FILE --all-netns -p into it).  Each
# mutation of a copy that breaks one of those rules must be caught, and a
# field the podman translation does not know must stop it (exit 2).  No
# cluster and no root needed; skips (77) without python3's yaml module.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
MANIFEST=${MANIFEST:-$TOP/contrib/kubernetes/dualstat-daemonset.yaml}
CHECKER=$TOP/tests/k8s_manifest.py
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import yaml' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || {
	echo "SKIP: no python3 with the yaml module (Debian: python3-yaml)" >&2
	exit 77
}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

"$PY" "$CHECKER" check "$MANIFEST" 2>"$T/err" ||
	fail "the manifest: $(cat "$T/err")"
"$PY" "$CHECKER" podman "$MANIFEST" /srv/textfile >"$T/args" 2>"$T/err" ||
	fail "the podman translation: $(cat "$T/err")"
tr '\0' '\n' <"$T/args" | grep -qx -- '--volume=/srv/textfile:/textfile' ||
	fail "the translation does not mount the textfile directory: $(tr '\0' ' ' <"$T/args")"

# mutate NAME PYTHON-STATEMENT: a copy of the manifest, changed, as $T/NAME.yaml
# (in the statement, d is the document, c its container, p its pod spec).
mutate() {
	"$PY" - "$MANIFEST" "$T/$1.yaml" "$2" <<'PYEOF'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
p = d["spec"]["template"]["spec"]
c = p["containers"][0]
exec(sys.argv[3])
yaml.safe_dump(d, open(sys.argv[2], "w"))
PYEOF
}

# caught NAME PATTERN STATEMENT: the check refuses the mutation, naming it.
caught() {
	local rc=0
	mutate "$1" "$3"
	"$PY" "$CHECKER" check "$T/$1.yaml" 2>"$T/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "$1: the check answered $rc, not 1"
	grep -q -- "$2" "$T/err" || fail "$1: the check said: $(cat "$T/err")"
}
caught hostnet 'hostNetwork is set' 'p["hostNetwork"] = True'
caught nohostpid 'hostPID is not true' 'del p["hostPID"]'
caught privileged 'privileged' 'c["securityContext"]["privileged"] = True'
caught rwroot 'readOnlyRootFilesystem' \
	'c["securityContext"]["readOnlyRootFilesystem"] = False'
caught morecaps 'capabilities.add' \
	'c["securityContext"]["capabilities"]["add"].append("NET_ADMIN")'
caught capprefix 'spelled CAP_' \
	'a = c["securityContext"]["capabilities"]["add"]; a[a.index("SYS_ADMIN")] = "CAP_SYS_ADMIN"'
caught nodrop 'capabilities.drop' \
	'del c["securityContext"]["capabilities"]["drop"]'
caught secondvol '2 mounts of 2 volumes' \
	'p["volumes"].append({"name": "etc", "hostPath": {"path": "/etc"}}); c["volumeMounts"].append({"name": "etc", "mountPath": "/etc/host"})'
caught romount 'mounted read-only' 'c["volumeMounts"][0]["readOnly"] = True'
caught elsewhere 'does not write --metrics=FILE into' \
	'c["volumeMounts"][0]["mountPath"] = "/data"'
caught noallnetns 'without --all-netns' \
	'c["args"] = [c["args"][0].replace(" --all-netns", "")]'
caught selector 'selector.matchLabels' \
	'd["spec"]["selector"]["matchLabels"] = {"app": "other"}'
caught newfield 'fields not known here' 'p["hostUsers"] = False'

# A field the translation does not know stops it, rather than being lost.
mutate unknown 'c["securityContext"]["procMount"] = "Unmasked"'
rc=0
"$PY" "$CHECKER" podman "$T/unknown.yaml" /srv/textfile >/dev/null \
	2>"$T/err" || rc=$?
if [ "$rc" -ne 2 ] || ! grep -q procMount "$T/err"; then
	fail "the translation of an unknown field: exit $rc: $(cat "$T/err")"
fi
echo "k8s_manifest: the manifest passes; 13 mutations caught"
