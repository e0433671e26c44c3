#!/usr/bin/env bash
# Updates a folder the way the kubelet updates a mounted ConfigMap, so hot reload can be tried without a
# cluster: each version is a new hidden directory, `..data` is a symlink to it, swapped atomically with
# `mv -T` (rename(2)), and every visible file is a symlink through `..data`.
#
#   scripts/configmap-swap.sh MOUNT_DIR FILE...   copy FILE(s) in as the new version and swap; a file
#                                                 keeps its name, which is its ConfigMap key (config-data.json)
#
# A watcher on the visible file sees nothing of this (its inode never changes); data-service watches the
# directory instead. Try: scripts/configmap-swap.sh .run/local/data-config /tmp/edited/config-data.json
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 MOUNT_DIR FILE..." >&2
  exit 2
fi
mount_dir=$1
shift
for file in "$@"; do
  [[ -f $file ]] || { echo "configmap-swap: no such file: $file" >&2; exit 2; }
done

mkdir -p "$mount_dir"
old_version=""
if [[ -L $mount_dir/..data ]]; then
  old_version=$(readlink "$mount_dir/..data")
fi

version="..$(date -u +%Y_%m_%d_%H_%M_%S).$$.$RANDOM"
mkdir "$mount_dir/$version"
for file in "$@"; do
  cp "$file" "$mount_dir/$version/$(basename "$file")"
done

ln -s "$version" "$mount_dir/..data_tmp"
mv -T "$mount_dir/..data_tmp" "$mount_dir/..data"

for file in "$@"; do
  name=$(basename "$file")
  [[ -L $mount_dir/$name ]] || ln -s "..data/$name" "$mount_dir/$name"
done

if [[ -n $old_version && $old_version != "$version" ]]; then
  rm -rf "${mount_dir:?}/$old_version"
fi
echo "configmap-swap: $mount_dir/..data -> $version ($*)"
