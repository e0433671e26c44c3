#!/usr/bin/env bash
# Assembles the base image CI builds the app images on, with no registry and no Docker engine:
# a jlink'd JRE (the modules in scripts/images/jre-modules.txt) on a minimal root filesystem holding only
# the shared libraries that JRE links against (found with ldd, copied from this host), a shell and the usual
# tools (busybox-static, the pinned Debian package), an /etc/passwd with uid 1000 and a world-writable /tmp. The result is a `docker save`-format tar that Jib reads with
#   mvn jib:buildTar -Djib.from.image=tar:///abs/path/base.tar
#
# The real images (jib:dockerBuild, jib:build) keep eclipse-temurin as their base (root pom.xml); this
# base exists so CI can prove the image configuration and run an image without pulling anything.
# The output is reproducible: same JDK, same host libraries, same inputs -> same bytes.
#
#   scripts/images/build-base.sh OUT.tar [IMAGE_NAME]
#   JAVA_HOME=/path/to/jdk-17 scripts/images/build-base.sh ...   (default: the JDK of `jlink` on PATH)
set -euo pipefail

out=${1:?usage: build-base.sh OUT.tar [IMAGE_NAME]}
name=${2:-mesh-guide/ci-base-jre:latest}
here=$(cd "$(dirname "$0")" && pwd)
modules_file="$here/jre-modules.txt"
# shellcheck source=tools/versions.env
source "$here/../../tools/versions.env"
required_major=17

if [[ -z ${JAVA_HOME:-} ]]; then
  jlink_path=$(command -v jlink) || { echo "jlink not found: install a JDK $required_major (Debian: openjdk-17-jdk-headless)" >&2; exit 1; }
  JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$jlink_path")")")
fi
[[ -d $JAVA_HOME/jmods ]] || { echo "$JAVA_HOME has no jmods/ (Debian: apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
java_version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$JAVA_HOME/release")
[[ ${java_version%%.*} == "$required_major" ]] || { echo "need JDK $required_major for the Java $required_major apps, $JAVA_HOME is $java_version" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
jre="$rootfs/opt/java/openjdk"
mkdir -p "$rootfs/opt/java"

# --- 1. the JRE ---------------------------------------------------------------------------------------
modules=$(grep -v -e '^#' -e '^[[:space:]]*$' "$modules_file" | paste -sd, -)
echo "jlink $java_version: $modules"
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=2 \
  --output "$jre"
# java.desktop is there for java.beans (Spring reads bean properties through it) and headless image
# decoding (captcha-service: BufferedImage, ImageIO PNG and JPEG, colour profiles; these natives need
# glibc, libjpeg and lcms2 only). Its natives for windows, the splash screen, sound and text rendering
# would pull in X11, ALSA and freetype/harfbuzz/glib (and fonts): they go. An app that draws text needs
# a full base such as the production eclipse-temurin.
rm -f "$jre"/lib/lib{awt_xawt,jawt,splashscreen,jsound,fontmanager}.so "$jre"/lib/psfont*.properties*

# --- 2. the shared libraries the JRE's executables and libraries link against ---------------------------
# ldd runs with the JRE's own library folders on the path, so "not found" always means a real gap.
mapfile -t elves < <(find "$jre" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print | sort)
declare -A host_libs=()
for elf in "${elves[@]}"; do
  ldd_out=$(LD_LIBRARY_PATH="$jre/lib:$jre/lib/server" ldd "$elf") || { echo "ldd failed on $elf" >&2; exit 1; }
  if grep -q 'not found' <<<"$ldd_out"; then
    echo "${elf#"$rootfs"}: unresolved libraries:" >&2
    grep 'not found' <<<"$ldd_out" >&2
    exit 1
  fi
  while read -r lib; do
    [[ $lib == "$jre"/* ]] || host_libs[$lib]=1
  done < <(awk '/=> \// {print $3} /^[[:space:]]*\/[^ ]+ \(0x/ {print $1}' <<<"$ldd_out")
done
# glibc 2.34+ has libdl, libpthread and librt inside libc.so.6, but JNI libraries built against an
# older glibc still name them (ONNX Runtime, which captcha-service loads, names all three): add the stubs.
libc_dir=$(dirname "$(printf '%s\n' "${!host_libs[@]}" | grep '/libc\.so\.6$')")
for stub in libdl.so.2 libpthread.so.0 librt.so.1; do
  [[ -e $libc_dir/$stub ]] && host_libs[$libc_dir/$stub]=1
done
for lib in "${!host_libs[@]}"; do
  # Debian merges /lib into /usr/lib: keep that layout (lib -> usr/lib, lib64 -> usr/lib64 below).
  dest="$rootfs/usr${lib#/usr}"
  mkdir -p "$(dirname "$dest")"
  cp -L "$lib" "$dest"
done
ln -s usr/lib "$rootfs/lib"
mkdir -p "$rootfs/usr/lib64"
ln -s usr/lib64 "$rootfs/lib64"
echo "host libraries: $(printf '%s\n' "${!host_libs[@]}" | xargs -n1 basename | sort | paste -sd' ' -)"

# --- 3. a shell: eclipse-temurin, the users' base, is an Ubuntu image with /bin/sh, cat, ls and env, and the
# guide runs `kubectl exec deploy/data-service -c data-service -- sh -c '...'`; the CI images must take the
# same commands. busybox-static is one static binary: its applets as links, as Debian's busybox does.
(cd "$work" && apt-get download -q "busybox-static=$BUSYBOX_STATIC_DEB_VERSION") >"$work/apt.log" 2>&1 \
  || { apt-get update -q >>"$work/apt.log" 2>&1 && (cd "$work" && apt-get download -q "busybox-static=$BUSYBOX_STATIC_DEB_VERSION") >>"$work/apt.log" 2>&1; } \
  || { cat "$work/apt.log" >&2; echo "apt-get download busybox-static=$BUSYBOX_STATIC_DEB_VERSION failed" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$work"/busybox-static_*.deb | tar -x -C "$work" ./bin/busybox
install -D -m 0755 "$work/bin/busybox" "$rootfs/usr/bin/busybox"
for applet in $("$work/bin/busybox" --list); do
  [[ -e $rootfs/usr/bin/$applet ]] || ln -s busybox "$rootfs/usr/bin/$applet"
done
ln -s usr/bin "$rootfs/bin"
echo "busybox-static $BUSYBOX_STATIC_DEB_VERSION: $("$work/bin/busybox" --list | wc -l) applets in /usr/bin (sh, cat, ls, env, ...)"

# --- 4. the few files a JVM and a non-root user need --------------------------------------------------
mkdir -p "$rootfs/etc" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
# uid/gid 1000 as in the root pom.xml's <container><user>; home is /tmp, the one writable place
# when the root filesystem is read-only.
printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:1000:1000:app:/tmp:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:1000:\n' >"$rootfs/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

# --- 5. smoke test: the JRE starts inside the root filesystem, alone -----------------------------------
# The launcher finds libjli.so through $ORIGIN, which the loader resolves through /proc: a private
# /proc in new mount and pid namespaces, gone with the command (the folder is removed before packing).
if ((EUID == 0)) && command -v unshare >/dev/null && command -v chroot >/dev/null; then
  mkdir "$rootfs/proc"
  got=$(unshare --mount --pid --fork --mount-proc="$rootfs/proc" \
    chroot "$rootfs" /opt/java/openjdk/bin/java -Xshare:off --list-modules | sed 's/@.*//' | sort | paste -sd' ' -)
  rmdir "$rootfs/proc"
  want=$(sed -n 's/^MODULES="\(.*\)"$/\1/p' "$jre/release" | tr ' ' '\n' | sort | paste -sd' ' -)
  [[ $got == "$want" ]] || { echo "smoke test: java in the root filesystem lists [$got], expected [$want]" >&2; exit 1; }
  echo "smoke test: java starts alone in the root filesystem (chroot) and lists its $(wc -w <<<"$got") modules"
else
  echo "smoke test skipped (needs root, unshare and chroot)"
fi

# --- 6. a `docker save` tar: one layer, its config, manifest.json --------------------------------------
reproducible=(--sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu)
mkdir -p "$work/image"
(cd "$rootfs" && tar "${reproducible[@]}" -cf "$work/image/layer.tar" -- *)
python3 - "$work/image" "$name" "$java_version" <<'PY'
import hashlib, json, os, sys
image_dir, name, java_version = sys.argv[1:]
diff_id = "sha256:" + hashlib.sha256(open(os.path.join(image_dir, "layer.tar"), "rb").read()).hexdigest()
layer_path = diff_id[7:] + "/layer.tar"
os.makedirs(os.path.join(image_dir, diff_id[7:]))
os.rename(os.path.join(image_dir, "layer.tar"), os.path.join(image_dir, layer_path))
config = {
    "architecture": "amd64",
    "os": "linux",
    "created": "1970-01-01T00:00:00Z",
    "config": {
        "Env": [
            "PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAVA_HOME=/opt/java/openjdk",
            "JAVA_VERSION=" + java_version,
            "LANG=C.UTF-8",
        ],
        "Labels": {"org.meshguide.base": "ci-jlink-jre-" + java_version},
    },
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "scripts/images/build-base.sh"}],
}
raw = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
config_name = hashlib.sha256(raw).hexdigest() + ".json"
open(os.path.join(image_dir, config_name), "wb").write(raw)
manifest = [{"Config": config_name, "RepoTags": [name], "Layers": [layer_path]}]
open(os.path.join(image_dir, "manifest.json"), "w").write(json.dumps(manifest, separators=(",", ":")))
print("image config sha256:" + config_name[:-5])
PY
mkdir -p "$(dirname "$out")"
(cd "$work/image" && tar "${reproducible[@]}" -cf "$out.tmp" -- *)
mv "$out.tmp" "$out"
echo "wrote $(basename "$out") ($(du -h "$out" | cut -f1), layer $(du -sh "$rootfs" | cut -f1) unpacked)"
