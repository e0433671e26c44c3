#!/usr/bin/env python3
"""Checks one image tar written by `jib:buildTar` (Docker `save` format) without any container tool.

Reads manifest.json, the config JSON and every layer, and checks the image against what the Kubernetes
manifests under k8s/ expect of it (image name, container ports, runAsUser/runAsGroup) and against the
image rules of the guide: non-root numeric user, `java` with the container JVM flags as entrypoint,
a main class and a classpath that exist in the layers, OCI labels, application files owned by root and
not writable by the app user. Prints one "ok"/"FAIL" line per check, then "RESULT passed=N failed=N".

  check-image.py IMAGE_TAR --app NAME --ref REPO:TAG --k8s K8S_DIR [--extract DIR] [--self-test]

--extract    copies /app/classes and /app/libs out of the layers (for jdeps)
--self-test  also checks the checker: seeds one mistake at a time into the image's config (root user,
             a JVM flag missing, an extra port, ...) and expects exactly the matching checks to fail
Python 3 standard library only.
"""
import argparse
import copy
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import sys
import tarfile

# The JVM flags every image must carry (root pom.xml <jvmFlags>): heap sized from the container's memory
# limit, a clean exit on OutOfMemoryError so Kubernetes restarts the pod, temp files on the writable /tmp.
REQUIRED_JVM_FLAGS = ["-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp"]
REQUIRED_LABELS = ["org.opencontainers.image.title", "org.opencontainers.image.version", "org.opencontainers.image.source"]


class Report:
    def __init__(self, quiet=False):
        self.quiet = quiet
        self.passed = 0
        self.failed = []  # check ids

    def check(self, cid, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed.append(cid)
        if not self.quiet:
            print(f"ok   {name}" if ok else f"FAIL {name}" + (f"\n       {detail}" if detail else ""))
        return ok


def normalize(name):
    """A layer entry's name ("./app/x", "app/x/", "/app/x") as an absolute path ("/app/x")."""
    return "/" + posixpath.normpath("/" + name).lstrip("/") if name not in ("", ".", "./") else "/"


def k8s_expectations(k8s_dir, repo):
    """The Deployment whose container runs `repo:<tag>`: its file, image, ports, runAsUser/Group.

    A small line scanner instead of a YAML library (the manifests are block-style, one container per
    pod); scripts/verify-k8s.sh parses the same files strictly."""
    for dirpath, _, files in sorted(os.walk(k8s_dir)):
        for f in sorted(files):
            if not f.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(dirpath, f)
            text = open(path, encoding="utf-8").read()
            for doc in re.split(r"(?m)^---\s*$", text):
                if not re.search(r"(?m)^kind:\s*Deployment\s*$", doc):
                    continue
                image = re.search(r"(?m)^\s*-?\s*image:\s*(" + re.escape(repo) + r":\S+)", doc)
                if not image:
                    continue
                uncommented = re.sub(r"\s+#.*", "", doc)
                user = re.search(r"(?m)^\s*runAsUser:\s*(\d+)", uncommented)
                group = re.search(r"(?m)^\s*runAsGroup:\s*(\d+)", uncommented)
                return {
                    "file": os.path.relpath(path, os.path.dirname(k8s_dir.rstrip("/"))),
                    "image": image.group(1),
                    "ports": sorted(int(p) for p in re.findall(r"(?m)^\s*-?\s*containerPort:\s*(\d+)", uncommented)),
                    "user": f"{user.group(1)}:{group.group(1)}" if user and group else None,
                }
    return None


class ImageTar:
    """The tar's manifest, config and layers, read once."""

    def __init__(self, path):
        self.path = path
        outer = tarfile.open(path)
        self.manifest = json.load(outer.extractfile("manifest.json"))
        self.config = json.load(outer.extractfile(self.manifest[0]["Config"]))
        self.layers = []  # (name, digest of the uncompressed tar, TarFile)
        self.uncompressed = 0
        for name in self.manifest[0]["Layers"]:
            raw = outer.extractfile(name).read()
            data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
            self.uncompressed += len(data)
            self.layers.append((name, "sha256:" + hashlib.sha256(data).hexdigest(), tarfile.open(fileobj=io.BytesIO(data))))
        self.files = {}  # path -> (TarInfo, TarFile); later layers win (Jib writes no whiteouts)
        for _, _, layer in self.layers:
            for member in layer.getmembers():
                self.files[normalize(member.name)] = (member, layer)

    def read(self, path):
        member, layer = self.files[path]
        return layer.extractfile(member).read().decode()

    def resolve(self, path, depth=0):
        """Follows symlinks inside the image (also a symlinked parent, lib -> usr/lib); None if absent."""
        if depth > 20:
            return None
        if path not in self.files:
            parts = path.split("/")
            for j in range(2, len(parts)):
                parent = "/".join(parts[:j])
                if parent in self.files and self.files[parent][0].issym():
                    target = posixpath.join(posixpath.dirname(parent), self.files[parent][0].linkname, *parts[j:])
                    return self.resolve(posixpath.normpath(target), depth + 1)
            return None
        member = self.files[path][0]
        if member.issym():
            return self.resolve(posixpath.normpath(posixpath.join(posixpath.dirname(path), member.linkname)), depth + 1)
        return path

    def extract(self, out):
        """/app/classes and /app/libs into OUT."""
        shutil.rmtree(out, ignore_errors=True)
        for _, _, layer in self.layers:
            members = [m for m in layer.getmembers()
                       if re.match(r"^/app/(classes|libs)(/|$)", normalize(m.name)) and (m.isfile() or m.isdir())]
            if hasattr(tarfile, "data_filter"):
                layer.extractall(out, members=members, filter="data")
            else:
                layer.extractall(out, members=members)


def inspect(img, app, ref, k8s, r, manifest=None, config=None):
    """All checks of one image; MANIFEST and CONFIG replace the tar's own (for the self-test)."""
    manifest = manifest if manifest is not None else img.manifest
    image = config if config is not None else img.config
    repo, tag = ref.rsplit(":", 1)
    cfg = image.get("config", {})

    r.check("tag", "one image in the tar, tagged " + ref, len(manifest) == 1 and manifest[0].get("RepoTags") == [ref],
            f"manifest.json: {[m.get('RepoTags') for m in manifest]}")
    diff_ids = image.get("rootfs", {}).get("diff_ids", [])
    bad = [name for i, (name, digest, _) in enumerate(img.layers) if i >= len(diff_ids) or diff_ids[i] != digest]
    r.check("diff_ids", f"{len(diff_ids)} layers, each matching its diff_id in the config",
            not bad and len(diff_ids) == len(img.layers), f"mismatched: {bad}; {len(diff_ids)} diff_ids for {len(img.layers)} layers")

    if r.check("k8s", f"a Deployment under k8s/ runs {repo}", k8s is not None, "no Deployment names this image"):
        r.check("k8s_image", f"{k8s['file']} deploys exactly {ref}", k8s["image"] == ref, f"it deploys {k8s['image']}")
    else:
        k8s = {"file": "?", "image": None, "ports": [], "user": None}

    # User: numeric (Kubernetes runAsNonRoot can only verify a numeric user), not root, as in the pod spec.
    user = cfg.get("User", "")
    m = re.fullmatch(r"(\d+):(\d+)", user)
    r.check("user_nonroot", f"user {user!r} is numeric uid:gid and not root", bool(m) and m.group(1) != "0" and m.group(2) != "0")
    if k8s["user"]:
        r.check("user_pod", f"user matches the pod's runAsUser:runAsGroup ({k8s['user']})", user == k8s["user"],
                f"image {user!r}, pod {k8s['user']!r}")

    # Entrypoint: java <flags> -cp @/app/jib-classpath-file <main class>
    ep = cfg.get("Entrypoint") or []
    r.check("entrypoint", "entrypoint runs java with the classpath file",
            len(ep) >= 4 and ep[0] == "java" and ep[-3:-1] == ["-cp", "@/app/jib-classpath-file"], f"entrypoint: {ep}")
    missing = [f for f in REQUIRED_JVM_FLAGS if f not in ep]
    r.check("jvm_flags", "JVM flags: " + " ".join(REQUIRED_JVM_FLAGS), not missing, f"missing {missing}; entrypoint: {ep}")
    r.check("cmd", "no command (Cmd) overrides the entrypoint's arguments", not cfg.get("Cmd"), f"Cmd: {cfg.get('Cmd')}")

    main_class = ep[-1] if ep else ""
    class_file = "/app/classes/" + main_class.replace(".", "/") + ".class"
    r.check("main_class", f"main class {main_class} is in the image", class_file in img.files, f"{class_file} not in any layer")
    if "/app/jib-main-class-file" in img.files:
        r.check("main_class_file", "/app/jib-main-class-file names the same class",
                img.read("/app/jib-main-class-file").strip() == main_class)

    # Classpath: every entry of the @argfile exists.
    if r.check("classpath_file", "/app/jib-classpath-file exists", "/app/jib-classpath-file" in img.files):
        entries = [e for e in img.read("/app/jib-classpath-file").strip().split(":") if e]
        absent = [e for e in entries if e.rstrip("/*") not in img.files]
        jars = sum(1 for e in entries if e.endswith(".jar"))
        r.check("classpath", f"classpath: {len(entries)} entries ({jars} jars), all present", bool(entries) and not absent,
                f"absent: {absent[:5]}")

    # java on PATH (the base image's)
    env = dict(e.split("=", 1) for e in cfg.get("Env") or [] if "=" in e)
    java = next((img.resolve(posixpath.join(d, "java")) for d in env.get("PATH", "").split(":")
                 if d and img.resolve(posixpath.join(d, "java"))), None)
    r.check("java_on_path", "`java` resolves through the image's PATH", java is not None, f"PATH={env.get('PATH')}")

    # Ports: exactly the container ports of the pod spec
    ports = sorted(int(p.split("/")[0]) for p in (cfg.get("ExposedPorts") or {}))
    r.check("ports", f"exposed ports {ports} = containerPorts in {k8s['file']} {k8s['ports']}", bool(ports) and ports == k8s["ports"])

    labels = cfg.get("Labels") or {}
    missing = [k for k in REQUIRED_LABELS if not labels.get(k)]
    r.check("labels", "labels " + ", ".join(REQUIRED_LABELS), not missing, f"missing {missing}; labels: {labels}")
    r.check("label_values", f"label title={app} version={tag}",
            labels.get("org.opencontainers.image.title") == app and labels.get("org.opencontainers.image.version") == tag,
            f"labels: {labels}")

    # The application cannot rewrite itself: everything under /app belongs to root, no one else may write.
    writable = [p for p, (mem, _) in img.files.items()
                if p.startswith("/app") and not mem.issym() and (mem.uid != 0 or mem.mode & 0o022)]
    r.check("app_files", "files under /app are owned by root and not writable by the app user", not writable, f"{writable[:5]}")
    return main_class


def self_test(img, app, ref, k8s):
    """Seeds one mistake at a time; each must make exactly the expected checks fail."""
    repo = ref.rsplit(":", 1)[0]

    def cfg_edit(fn):
        def apply(manifest, config):
            fn(config["config"])
        return apply

    def entrypoint_without(flag):
        return cfg_edit(lambda c: c.__setitem__("Entrypoint", [a for a in c["Entrypoint"] if a != flag]))

    mutations = [
        ("runs as root", cfg_edit(lambda c: c.__setitem__("User", "0:0")), {"user_nonroot", "user_pod"}),
        ("user 1001:1001, not the pod's", cfg_edit(lambda c: c.__setitem__("User", "1001:1001")), {"user_pod"}),
        ("no -XX:+ExitOnOutOfMemoryError", entrypoint_without("-XX:+ExitOnOutOfMemoryError"), {"jvm_flags"}),
        ("a Cmd", cfg_edit(lambda c: c.__setitem__("Cmd", ["--debug"])), {"cmd"}),
        ("another main class", cfg_edit(lambda c: c["Entrypoint"].__setitem__(-1, "org.example.Nope")),
         {"main_class", "main_class_file"}),
        ("an extra exposed port", cfg_edit(lambda c: c.setdefault("ExposedPorts", {}).__setitem__("9999/tcp", {})), {"ports"}),
        ("no title label", cfg_edit(lambda c: c["Labels"].pop("org.opencontainers.image.title")), {"labels", "label_values"}),
        ("no java on PATH", cfg_edit(lambda c: c.__setitem__("Env", ["PATH=/usr/bin:/bin"])), {"java_on_path"}),
        ("tagged :latest", lambda m, c: m[0].__setitem__("RepoTags", [repo + ":latest"]), {"tag"}),
        ("a layer's diff_id wrong", lambda m, c: c["rootfs"]["diff_ids"].__setitem__(-1, "sha256:" + "0" * 64), {"diff_ids"}),
    ]
    ok = True
    baseline = Report(quiet=True)
    inspect(img, app, ref, k8s, baseline)
    if baseline.failed:
        print(f"FAIL self-test: the unchanged image already fails {baseline.failed}")
        return False
    for name, mutate, expected in mutations:
        manifest, config = copy.deepcopy(img.manifest), copy.deepcopy(img.config)
        mutate(manifest, config)
        r = Report(quiet=True)
        inspect(img, app, ref, k8s, r, manifest=manifest, config=config)
        if set(r.failed) != expected:
            ok = False
            print(f"FAIL self-test: seeded mistake '{name}': expected {sorted(expected)} to fail, got {sorted(set(r.failed))}")
    if ok:
        print(f"ok   self-test: {len(mutations)} seeded mistakes (root user, missing JVM flag, extra port, ...), each caught")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tar")
    ap.add_argument("--app", required=True)
    ap.add_argument("--ref", required=True, help="the expected repository:tag, e.g. mesh-guide/data-service:0.1.0")
    ap.add_argument("--k8s", required=True)
    ap.add_argument("--extract")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()

    img = ImageTar(args.tar)
    k8s = k8s_expectations(args.k8s, args.ref.rsplit(":", 1)[0])
    r = Report()
    main_class = inspect(img, args.app, args.ref, k8s, r)
    if args.self_test:
        if self_test(img, args.app, args.ref, k8s):
            r.passed += 1
        else:
            r.failed.append("self_test")
    print(f"info {args.app}: tar {os.path.getsize(args.tar) / 1e6:.1f} MB, {img.uncompressed / 1e6:.1f} MB unpacked, "
          f"{len(img.layers)} layers, main class {main_class}")
    if args.extract:
        img.extract(os.path.join(args.extract, args.app))
    print(f"RESULT passed={r.passed} failed={len(r.failed)}")
    return 0 if not r.failed else 1


if __name__ == "__main__":
    sys.exit(main())
