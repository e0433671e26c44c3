#!/usr/bin/env python3
"""Packs a root filesystem folder into a one-layer image in the `docker save` format (manifest.json, the
config, the layer), which `ctr images import` reads: the local cluster's images need no registry.

    image-tar.py ROOTFS OUT.tar --name REF [--entrypoint JSON] [--cmd JSON] [--user U] [--workdir D]
                 [--env K=V]... [--label K=V]...

The layer is written with GNU tar (sorted names, owner root, mtime 0), so the same inputs give the same
bytes and the same image ID.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("rootfs")
    p.add_argument("out")
    p.add_argument("--name", required=True, help="image reference, e.g. localhost/local-cluster/pause:1")
    p.add_argument("--entrypoint", type=json.loads, default=None, help='JSON list, e.g. ["/pause"]')
    p.add_argument("--cmd", type=json.loads, default=None, help="JSON list")
    p.add_argument("--user", default="")
    p.add_argument("--workdir", default="")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--label", action="append", default=[])
    a = p.parse_args()
    if not os.path.isdir(a.rootfs):
        sys.exit("image-tar.py: no such folder: %s" % a.rootfs)

    work = tempfile.mkdtemp(prefix="image-tar-")
    try:
        layer = os.path.join(work, "layer.tar")
        entries = sorted(os.listdir(a.rootfs))
        subprocess.run(["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0",
                        "--format=gnu", "-C", a.rootfs, "-cf", layer, "--"] + entries, check=True)
        diff_id = sha256_file(layer)
        os.makedirs(os.path.join(work, diff_id))
        os.rename(layer, os.path.join(work, diff_id, "layer.tar"))

        config = {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] + a.env}
        if a.entrypoint is not None:
            config["Entrypoint"] = a.entrypoint
        if a.cmd is not None:
            config["Cmd"] = a.cmd
        if a.user:
            config["User"] = a.user
        if a.workdir:
            config["WorkingDir"] = a.workdir
        if a.label:
            config["Labels"] = dict(kv.split("=", 1) for kv in a.label)
        image = {
            "architecture": "amd64",
            "os": "linux",
            "created": "1970-01-01T00:00:00Z",
            "config": config,
            "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff_id]},
            "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "scripts/cluster/image-tar.py"}],
        }
        raw = json.dumps(image, sort_keys=True, separators=(",", ":")).encode()
        config_name = hashlib.sha256(raw).hexdigest() + ".json"
        with open(os.path.join(work, config_name), "wb") as f:
            f.write(raw)
        manifest = [{"Config": config_name, "RepoTags": [a.name], "Layers": [diff_id + "/layer.tar"]}]
        with open(os.path.join(work, "manifest.json"), "w") as f:
            json.dump(manifest, f, separators=(",", ":"))
        tmp = a.out + ".tmp"
        subprocess.run(["tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0",
                        "--format=gnu", "-C", work, "-cf", tmp, "manifest.json", config_name, diff_id], check=True)
        os.replace(tmp, a.out)
        print("%s: %s (image id sha256:%s)" % (a.out, a.name, config_name[:12]))
    finally:
        shutil.rmtree(work)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


if __name__ == "__main__":
    main()
