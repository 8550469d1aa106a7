#!/usr/bin/env python3
"""k8s_manifest.py - the DaemonSet's structure, and its pod as podman options

Usage:
  k8s_manifest.py check MANIFEST
      Checks the structure of contrib/kubernetes/dualstat-daemonset.yaml
      (issue 17): one DaemonSet whose pod runs dualstat --metrics=FILE
      --all-netns -p in a timer loop, with hostPID, no host network, all
      capabilities dropped but the three dualstat needs, a read-only root
      and the textfile directory (a hostPath) as the only writable mount.
      Prints each problem and exits 1; 0 when there is none.
  k8s_manifest.py podman MANIFEST HOSTDIR [--without WHAT]...
      Prints the podman run arguments that give a container what the pod
      gives its container (pid namespace, user, capabilities, read-only
      root, seccomp, AppArmor, mounts, environment, memory limit, command),
      each ended by a NUL: the options, the word IMAGE where the image
      goes, then the command.  The hostPath is HOSTDIR.  WHAT is a
      capability (taken from the added ones) or hostPID (the pod's own pid
      namespace instead), to show that each one is needed.

Every field of the pod spec and of the container is either translated or
named here as having no meaning for one container under podman: a field
added to the manifest that this script does not know is an error (exit 2),
so the test that runs the pod under podman cannot drift from the manifest.
"""

import json
import sys

import yaml

CAPS_NEEDED = {"SYS_ADMIN", "SYS_PTRACE", "DAC_READ_SEARCH"}

# Pod spec fields with no meaning for one container under podman.
POD_IGNORED = {"tolerations", "automountServiceAccountToken",
               "enableServiceLinks"}
POD_KNOWN = POD_IGNORED | {"hostPID", "hostNetwork", "hostIPC", "containers",
                           "volumes"}
# Container fields likewise.
CTR_IGNORED = {"name", "imagePullPolicy"}
CTR_KNOWN = CTR_IGNORED | {"image", "command", "args", "env", "resources",
                           "securityContext", "volumeMounts"}
SC_KNOWN = {"runAsUser", "runAsGroup", "privileged",
            "allowPrivilegeEscalation", "readOnlyRootFilesystem",
            "capabilities", "seccompProfile", "appArmorProfile"}


class Unknown(Exception):
    """A field this script cannot translate."""


def load(path):
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    if len(docs) != 1:
        raise Unknown(f"{path}: {len(docs)} documents, not 1")
    return docs[0]


def pod_of(ds):
    return ds["spec"]["template"]["spec"]


def the_container(pod):
    return pod["containers"][0]


def check(ds):
    """Returns the list of problems of the manifest's structure."""
    bad = []

    def want(cond, msg):
        if not cond:
            bad.append(msg)

    want(ds.get("apiVersion") == "apps/v1", "apiVersion is not apps/v1")
    want(ds.get("kind") == "DaemonSet", "kind is not DaemonSet")
    want(bool(ds.get("metadata", {}).get("name")), "no metadata.name")
    spec = ds.get("spec", {})
    match = spec.get("selector", {}).get("matchLabels", {})
    labels = spec.get("template", {}).get("metadata", {}).get("labels", {})
    want(bool(match) and all(labels.get(k) == v for k, v in match.items()),
         "selector.matchLabels do not select the pod template's labels")
    pod = spec.get("template", {}).get("spec", {})
    unknown = set(pod) - POD_KNOWN
    want(not unknown, f"pod spec fields not known here: {sorted(unknown)}")
    want(pod.get("hostPID") is True, "hostPID is not true")
    want(not pod.get("hostNetwork"), "hostNetwork is set")
    want(not pod.get("hostIPC"), "hostIPC is set")
    want(pod.get("automountServiceAccountToken") is False,
         "automountServiceAccountToken is not false (dualstat needs no API)")
    ctrs = pod.get("containers", [])
    want(len(ctrs) == 1, f"{len(ctrs)} containers, not 1")
    if len(ctrs) != 1:
        return bad
    c = ctrs[0]
    unknown = set(c) - CTR_KNOWN
    want(not unknown, f"container fields not known here: {sorted(unknown)}")
    want(bool(c.get("image")), "no image")
    sc = c.get("securityContext", {})
    unknown = set(sc) - SC_KNOWN
    want(not unknown, f"securityContext fields not known here: {sorted(unknown)}")
    want(sc.get("runAsUser") == 0, "runAsUser is not 0 (Kubernetes gives "
         "added capabilities to root only)")
    want(not sc.get("privileged"), "privileged")
    want(sc.get("readOnlyRootFilesystem") is True,
         "readOnlyRootFilesystem is not true")
    want(sc.get("allowPrivilegeEscalation") is False,
         "allowPrivilegeEscalation is not false")
    caps = sc.get("capabilities", {})
    want(caps.get("drop") == ["ALL"], "capabilities.drop is not [ALL]")
    add = caps.get("add", [])
    want(len(add) == len(set(add)) and set(add) == CAPS_NEEDED,
         f"capabilities.add is {add}, not {sorted(CAPS_NEEDED)}")
    want(not any(a.startswith("CAP_") for a in add),
         "a capability spelled CAP_...: the API refuses it beside "
         "allowPrivilegeEscalation false")
    want(sc.get("seccompProfile", {}).get("type") == "RuntimeDefault",
         "seccompProfile is not RuntimeDefault")
    want(bool(c.get("resources", {}).get("limits", {}).get("memory")),
         "no memory limit")
    # The only writable mount: one hostPath volume, mounted read-write.
    mounts = c.get("volumeMounts", [])
    vols = pod.get("volumes", [])
    want(len(mounts) == 1 and len(vols) == 1,
         f"{len(mounts)} mounts of {len(vols)} volumes, not 1 of 1")
    if len(mounts) != 1 or len(vols) != 1:
        return bad
    m, v = mounts[0], vols[0]
    want(m.get("name") == v.get("name"), "the mount names no volume")
    want(not m.get("readOnly"), "the textfile directory is mounted read-only")
    want(set(m) <= {"name", "mountPath", "readOnly"},
         f"mount fields not known here: {sorted(set(m))}")
    want(set(v) == {"name", "hostPath"}, "the volume is not a hostPath")
    hp = v.get("hostPath", {}).get("path", "")
    want(hp.startswith("/"), f"hostPath.path '{hp}' is not absolute")
    # The command: a loop that runs dualstat --metrics into the mount.
    words = " ".join(c.get("command", []) + c.get("args", [])).split()
    path = m.get("mountPath", "").rstrip("/")
    metrics = [w for w in words if w.startswith("--metrics=")]
    want(len(metrics) == 1 and
         metrics[0].rsplit("/", 1)[0] == "--metrics=" + path,
         f"dualstat does not write --metrics=FILE into {path}: {metrics}")
    want("--all-netns" in words and "-p" in words,
         "dualstat runs without --all-netns -p")
    want("while" in words and "sleep" in words, "no timer loop")
    env = {e.get("name"): e.get("value") for e in c.get("env", [])}
    want(str(env.get("DUALSTAT_INTERVAL", "")).isdigit(),
         "DUALSTAT_INTERVAL is not a number of seconds")
    want("$DUALSTAT_INTERVAL" in " ".join(c.get("args", [])) or
         '"$DUALSTAT_INTERVAL"' in " ".join(c.get("args", [])),
         "the loop does not sleep DUALSTAT_INTERVAL")
    return bad


def memory(q):
    """A Kubernetes memory quantity as podman --memory takes it."""
    for suffix, unit in (("Ki", "k"), ("Mi", "m"), ("Gi", "g")):
        if q.endswith(suffix) and q[:-2].isdigit():
            return q[:-2] + unit
    if q.isdigit():
        return q
    raise Unknown(f"memory quantity {q}")


def podman(ds, hostdir, without):
    pod = pod_of(ds)
    if set(pod) - POD_KNOWN:
        raise Unknown(f"pod spec fields {sorted(set(pod) - POD_KNOWN)}")
    if len(pod["containers"]) != 1:
        raise Unknown("more than one container")
    c = the_container(pod)
    if set(c) - CTR_KNOWN:
        raise Unknown(f"container fields {sorted(set(c) - CTR_KNOWN)}")
    opts = []
    if pod.get("hostPID") and "hostPID" not in without:
        opts.append("--pid=host")
    if pod.get("hostIPC"):
        opts.append("--ipc=host")
    # A pod has a network namespace of its own unless hostNetwork.
    opts.append("--network=host" if pod.get("hostNetwork") else
                "--network=none")
    sc = c.get("securityContext", {})
    if set(sc) - SC_KNOWN:
        raise Unknown(f"securityContext fields {sorted(set(sc) - SC_KNOWN)}")
    if "runAsUser" in sc:
        opts.append(f"--user={sc['runAsUser']}:{sc.get('runAsGroup', 0)}")
    if sc.get("privileged"):
        opts.append("--privileged")
    if sc.get("allowPrivilegeEscalation") is False:
        opts.append("--security-opt=no-new-privileges")
    if sc.get("readOnlyRootFilesystem"):
        # A pod's read-only root has no tmpfs on /tmp or /run.
        opts += ["--read-only", "--read-only-tmpfs=false"]
    caps = sc.get("capabilities", {})
    for d in caps.get("drop", []):
        opts.append(f"--cap-drop={d.lower()}")
    add = caps.get("add", [])
    for w in without - {"hostPID"}:
        if w not in add:
            raise Unknown(f"--without {w}: not an added capability")
    for a in add:
        if a not in without:
            opts.append(f"--cap-add={a}")
    seccomp = sc.get("seccompProfile", {}).get("type", "RuntimeDefault")
    if seccomp == "Unconfined":
        opts.append("--security-opt=seccomp=unconfined")
    elif seccomp != "RuntimeDefault":
        raise Unknown(f"seccompProfile {seccomp}")
    apparmor = sc.get("appArmorProfile", {}).get("type", "RuntimeDefault")
    if apparmor == "Unconfined":
        opts.append("--security-opt=apparmor=unconfined")
    elif apparmor != "RuntimeDefault":
        raise Unknown(f"appArmorProfile {apparmor}")
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        v = vols[m["name"]]
        if set(v) != {"name", "hostPath"}:
            raise Unknown(f"volume {m['name']} is not a hostPath")
        ro = ":ro" if m.get("readOnly") else ""
        opts.append(f"--volume={hostdir}:{m['mountPath']}{ro}")
    for e in c.get("env", []):
        if set(e) != {"name", "value"}:
            raise Unknown(f"env {e.get('name')}: only name and value")
        opts.append(f"--env={e['name']}={e['value']}")
    res = c.get("resources", {})
    if set(res.get("limits", {})) - {"memory"}:
        raise Unknown(f"limits {sorted(res['limits'])}")
    if "memory" in res.get("limits", {}):
        opts.append(f"--memory={memory(res['limits']['memory'])}")
    if "command" in c:
        opts.append("--entrypoint=" + json.dumps(c["command"]))
    return opts + ["IMAGE"] + c.get("args", [])


def main(argv):
    if len(argv) >= 3 and argv[1] == "check":
        problems = check(load(argv[2]))
        for p in problems:
            print(f"{argv[2]}: {p}", file=sys.stderr)
        return 1 if problems else 0
    if len(argv) >= 4 and argv[1] == "podman":
        rest, without = argv[4:], set()
        while rest:
            if rest[0] != "--without" or len(rest) < 2:
                raise Unknown(f"argument {rest[0]}")
            without.add(rest[1])
            rest = rest[2:]
        out = podman(load(argv[2]), argv[3], without)
        sys.stdout.write("".join(w + "\0" for w in out))
        return 0
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (Unknown, KeyError, OSError, yaml.YAMLError) as e:
        print(f"k8s_manifest.py: {e}", file=sys.stderr)
        sys.exit(2)
