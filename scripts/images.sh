#!/usr/bin/env bash
# Builds every container image of meshlens without a Docker daemon, reproducibly, into .images/
# (outside target/, so `mvn clean` keeps them; gitignored), and prints each tarball, its size and
# its digest:
#   base        the JVM base of every Java image: Debian's libc6, libgcc-s1, libstdc++6, zlib1g,
#               ca-certificates and a jlink'd runtime of openjdk-17-jdk-headless (only the modules in
#               install/images/jlink-modules), as one deterministic layer. The .debs are pinned by
#               install/images/debs.lock (name, version, SHA-256).
#   proxy-init  an mmdebstrap --variant=minbase rootfs with iptables (bookworm, -updates, -security),
#               pinned by install/images/proxy-init.lock (the packages it contains).
#   proxy, exporter, cli, demo
#               Jib (`jib:buildTar`) on top of .images/base.tar, during `mvn package` (the `images`
#               profile switches on when .images/base.tar exists).
# Both pinned images are cached under .images/cache keyed by their lock, this script and the
# module list, so a repeated build costs nothing. If Debian has moved on, the build refuses until
# the lock is updated on purpose:
#   bash scripts/images.sh                  build everything (base, proxy-init, then mvn package)
#   bash scripts/images.sh pinned           only base and proxy-init (scripts/test.sh runs this)
#   bash scripts/images.sh --update-lock    move the locks to what Debian offers now, then build
#   bash scripts/images.sh --no-cache ...   ignore the cache (scripts/images-reproducible.sh uses it)
#   bash scripts/images.sh list             print tarball, size and digest of what .images/ holds
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out="${MESHLENS_IMAGES:-$root/.images}"
lockdir="$root/install/images"
# Every layer carries this mtime; it is also what mmdebstrap and Jib are given.
epoch=$(sed -n 's/^epoch=//p' "$lockdir/image.conf")
suite=$(sed -n 's/^suite=//p' "$lockdir/image.conf")
mirror=$(sed -n 's/^mirror=//p' "$lockdir/image.conf")
security=$(sed -n 's/^security=//p' "$lockdir/image.conf")

update_lock=false
use_cache=true
what=all
for arg in "$@"; do
  case "$arg" in
    --update-lock) update_lock=true ;;
    --no-cache) use_cache=false ;;
    all | pinned | base | proxy-init | apps | list) what=$arg ;;
    *) echo "images: unknown argument '$arg' (expected: all, pinned, base, proxy-init, apps, list, --update-lock, --no-cache)" >&2; exit 2 ;;
  esac
done

say() { printf '[images %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "images: $*" >&2; exit 1; }

mkdir -p "$out/cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/meshlens-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---------------------------------------------------------------------------------------------
# One deterministic layer and a docker-archive tarball around it (what `podman load`, `skopeo
# copy docker-archive:` and Jib's `tar://` base read): sorted entries, fixed mtime, numeric
# owners, no atime/ctime, gzip without a name or timestamp.

# pack_layer ROOTFS LAYER.tar.gz: prints the layer's diff id (SHA-256 of the uncompressed tar).
pack_layer() {
  local rootfs=$1 layer=$2
  (cd "$rootfs" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort) > "$work/entries"
  tar -C "$rootfs" --no-recursion --null --verbatim-files-from -T <(tr '\n' '\0' < "$work/entries") \
    --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf "$work/layer.tar"
  sha256sum "$work/layer.tar" | cut -d' ' -f1
  gzip -n -6 < "$work/layer.tar" > "$layer"
  rm -f "$work/layer.tar"
}

# write_archive OUT.tar TAG DIFF_ID LAYER.tar.gz CONFIG_FRAGMENT: CONFIG_FRAGMENT is the JSON of
# the image's "config" (User, Env, Entrypoint, ...).
write_archive() {
  local tarball=$1 tag=$2 diff_id=$3 layer=$4 config=$5 dir="$work/archive" cfg
  rm -rf "$dir" && mkdir -p "$dir"
  cfg=$(jq -cnS --argjson c "$config" --arg d "sha256:$diff_id" --arg t "1970-01-01T00:00:00Z" \
    '{architecture: "amd64", os: "linux", created: $t, config: $c, rootfs: {type: "layers", diff_ids: [$d]},
      history: [{created: $t, created_by: "scripts/images.sh"}]}')
  printf '%s' "$cfg" > "$dir/config.json"
  local id
  id=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$id.json"
  cp "$layer" "$dir/$diff_id.tar.gz"
  jq -cn --arg c "$id.json" --arg t "$tag" --arg l "$diff_id.tar.gz" \
    '[{Config: $c, RepoTags: [$t], Layers: [$l]}]' > "$dir/manifest.json"
  tar -C "$dir" --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -cf "$tarball.tmp" manifest.json "$id.json" "$diff_id.tar.gz"
  mv "$tarball.tmp" "$tarball"
}

# cache_key FILES...: what a cached image depends on.
cache_key() { cat "$0" "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------------------------------------
# base

base_packages=(libc6 libgcc-s1 libstdc++6 zlib1g ca-certificates openjdk-17-jre-headless openjdk-17-jdk-headless)

# candidate PACKAGE: "VERSION SHA256 FILENAME" of what apt would download now.
candidate() {
  apt-cache show --no-all-versions "$1" 2>/dev/null |
    awk '/^Version:/{v=$2} /^SHA256:/{s=$2} /^Filename:/{n=$2; sub(/.*\//, "", n)} END{if (v != "") print v, s, n}'
}

# check_debs_lock: refuses when Debian's candidates are not what debs.lock pins.
check_debs_lock() {
  local lock="$lockdir/debs.lock" moved=() pkg version sha file
  if $update_lock; then
    say "updating $lock to Debian's current candidates"
    { echo "# name version sha256 file: the .debs of the base image (scripts/images.sh --update-lock rewrites this)"
      for pkg in "${base_packages[@]}"; do
        read -r version sha file < <(candidate "$pkg") || die "apt knows no package '$pkg' (run apt-get update)"
        echo "$pkg $version $sha $file"
      done; } > "$lock.tmp"
    mv "$lock.tmp" "$lock"
  fi
  moved_from_lock() {
    moved=()
    while read -r pkg version sha file; do
      [[ -z "$pkg" || "$pkg" == \#* ]] && continue
      local now
      now=$(candidate "$pkg")
      [[ "$now" == "$version $sha $file" ]] || moved+=("$pkg: locked $version, Debian now offers ${now%% *}")
    done < "$lock"
  }
  moved_from_lock
  if ((${#moved[@]})); then
    # A machine's package lists may simply be older than the lock.
    say "base: apt's candidates differ from the lock; apt-get update"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq || say "base: apt-get update failed"
    moved_from_lock
  fi
  if ((${#moved[@]})); then
    printf 'images: Debian has moved on from install/images/debs.lock:\n' >&2
    printf '  %s\n' "${moved[@]}" >&2
    die "refusing to build a base image from other packages than the lock pins (expected: the locked versions; hint: run 'apt-get update', and if it still differs review the changes and run 'bash scripts/images.sh --update-lock')"
  fi
}

build_base() {
  local key tarball="$out/base.tar" lock="$lockdir/debs.lock"
  key=$(cache_key "$lock" "$lockdir/jlink-modules" "$lockdir/image.conf")
  local cached="$out/cache/base-$key.tar"
  if $use_cache && [[ -f "$cached" ]] && ! $update_lock; then
    say "base: cached ($cached)"
  else
    check_debs_lock
    say "base: downloading ${#base_packages[@]} .debs"
    mkdir -p "$work/debs" "$out/cache/debs"
    local pkg version sha file
    while read -r pkg version sha file; do
      [[ -z "$pkg" || "$pkg" == \#* ]] && continue
      local deb="$out/cache/debs/$file"
      if [[ ! -f "$deb" ]] || ! echo "$sha  $deb" | sha256sum -c --status; then
        rm -rf "$work/debs" && mkdir -p "$work/debs"
        # apt-get download names the file with the epoch (1%3a...); the pool's name has none.
        (cd "$work/debs" && apt-get download -q "$pkg=$version" >/dev/null 2>&1) ||
          die "apt-get download $pkg=$version failed (hint: apt-get update; the mirror may have dropped it, then run --update-lock)"
        mv "$work/debs/"*.deb "$deb"
      fi
      echo "$sha  $deb" | sha256sum -c --status ||
        die "$file: SHA-256 $(sha256sum "$deb" | cut -d' ' -f1) (expected: $sha from install/images/debs.lock)"
    done < "$lock"

    local modules
    modules=$(grep -v '^#' "$lockdir/jlink-modules" | paste -sd,)
    say "base: unpacking and jlinking ($modules)"
    local jdk="$work/jdk" rootfs="$work/rootfs"
    mkdir -p "$jdk" "$rootfs"
    while read -r pkg version sha file; do
      [[ -z "$pkg" || "$pkg" == \#* ]] && continue
      case "$pkg" in
        openjdk-*) dpkg-deb -x "$out/cache/debs/$file" "$jdk" ;;
        *) dpkg-deb -x "$out/cache/debs/$file" "$rootfs" ;;
      esac
    done < "$lock"
    local home="$jdk/usr/lib/jvm/java-17-openjdk-amd64"
    # jlink itself runs from the unpacked JDK: the runtime is made from the locked jmods, not
    # from whatever Java this machine has.
    "$home/bin/jlink" --module-path "$home/jmods" --add-modules "$modules" \
      --strip-debug --no-header-files --no-man-pages --compress=0 --output "$rootfs/opt/java"

    # Only the shared libraries stay: no docs, locales, gconv, programs or maintainer scripts.
    rm -rf "$rootfs"/usr/share/doc "$rootfs"/usr/share/lintian "$rootfs"/usr/share/locale \
      "$rootfs"/usr/share/man "$rootfs"/usr/share/gcc "$rootfs"/usr/share/gdb "$rootfs"/usr/lib/x86_64-linux-gnu/gconv \
      "$rootfs"/usr/bin "$rootfs"/usr/sbin "$rootfs"/sbin "$rootfs"/usr/libexec "$rootfs"/etc/ld.so.conf.d \
      "$rootfs"/usr/lib/x86_64-linux-gnu/audit "$rootfs"/usr/share/pixmaps
    # ca-certificates ships the certificates; its maintainer script would concatenate them.
    mkdir -p "$rootfs/etc/ssl/certs"
    find "$rootfs/usr/share/ca-certificates" -name '*.crt' | LC_ALL=C sort | xargs cat > "$rootfs/etc/ssl/certs/ca-certificates.crt"
    rm -rf "$rootfs/usr/share/ca-certificates" "$rootfs/usr/sbin"
    # Users: nonroot (65532, the exporter, cli and demo) and meshlens-proxy (2102, the uid
    # `meshlens inject` gives the proxy and excludes from interception).
    printf 'root:x:0:0:root:/root:/sbin/nologin\nmeshlens-proxy:x:2102:2102:meshlens proxy:/tmp:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\nmeshlens-proxy:x:2102:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
    printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
    mkdir -p "$rootfs/tmp" "$rootfs/root"
    chmod 1777 "$rootfs/tmp"
    chmod 0700 "$rootfs/root"

    local diff_id
    diff_id=$(pack_layer "$rootfs" "$work/base.tar.gz")
    write_archive "$cached" "meshlens/base:$key" "$diff_id" "$work/base.tar.gz" \
      '{"User": "65532:65532", "WorkingDir": "/tmp",
        "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"]}'
    rm -rf "$jdk" "$rootfs"
  fi
  cp "$cached" "$tarball.tmp" && mv "$tarball.tmp" "$tarball"
}

# ---------------------------------------------------------------------------------------------
# proxy-init

build_proxy_init() {
  local lock="$lockdir/proxy-init.lock" key
  key=$(cache_key "$lock" "$lockdir/image.conf")
  local cached="$out/cache/proxy-init-$key.tar"
  if $use_cache && [[ -f "$cached" ]] && ! $update_lock; then
    say "proxy-init: cached ($cached)"
  else
    command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (expected: installed by scripts/setup.sh; hint: apt-get install mmdebstrap)"
    say "proxy-init: mmdebstrap --variant=minbase $suite with iptables (SOURCE_DATE_EPOCH=$epoch)"
    local rootfs="$work/init-rootfs"
    mkdir -p "$rootfs"
    SOURCE_DATE_EPOCH=$epoch mmdebstrap --quiet --variant=minbase --include=iptables --format=directory \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
      --customize-hook="chroot \"\$1\" dpkg-query -W -f '\${Package} \${Version}\n' | LC_ALL=C sort > '$work/packages'" \
      "$suite" "$rootfs" \
      "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security $suite-security main"
    if $update_lock; then
      { echo "# package version: what the proxy-init rootfs contains (scripts/images.sh --update-lock rewrites this)"
        cat "$work/packages"; } > "$lock"
      key=$(cache_key "$lock" "$lockdir/image.conf")
      cached="$out/cache/proxy-init-$key.tar"
    elif ! diff <(grep -v '^#' "$lock") "$work/packages" > "$work/packages.diff"; then
      sed 's/^/  /' "$work/packages.diff" >&2
      die "Debian has moved on from install/images/proxy-init.lock (above: < locked, > now) (expected: the locked packages; hint: review the changes and run 'bash scripts/images.sh --update-lock')"
    fi
    # What varies per run or is recreated by the runtime: apt's lists and caches, logs, /dev.
    rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/* "$rootfs"/var/cache/ldconfig/* "$rootfs"/var/log/* \
      "$rootfs"/dev/* "$rootfs"/tmp/* "$rootfs"/etc/machine-id "$rootfs"/etc/hostname "$rootfs"/etc/resolv.conf
    local diff_id
    diff_id=$(pack_layer "$rootfs" "$work/init.tar.gz")
    write_archive "$cached" "ghcr.io/meshlens/proxy-init:$(project_version)" "$diff_id" "$work/init.tar.gz" \
      '{"User": "0:0", "WorkingDir": "/", "Entrypoint": ["/bin/sh", "-c"],
        "Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]}'
    rm -rf "$rootfs"
  fi
  cp "$cached" "$out/proxy-init.tar.tmp" && mv "$out/proxy-init.tar.tmp" "$out/proxy-init.tar"
}

# The version every image is tagged with: the root pom's `revision`.
project_version() { sed -n 's|.*<revision>\(.*\)</revision>.*|\1|p' "$root/pom.xml" | head -1; }

# ---------------------------------------------------------------------------------------------

build_apps() {
  say "proxy, exporter, cli, demo: mvn package (Jib on .images/base.tar)"
  mvn -B -ntp -q -pl proxy,exporter,cli,demo -am -DskipTests package >&2
}

# list: IMAGE, TARBALL, SIZE (the tarball: gzip'd layers), DIGEST (the image id: SHA-256 of its
# config, what `podman images --no-trunc` shows).
list() {
  printf '%-40s %-28s %8s  %s\n' IMAGE TARBALL SIZE DIGEST
  local name tarball config tag
  for name in base proxy-init proxy exporter cli demo; do
    tarball="$out/$name.tar"
    [[ -f "$tarball" ]] || { printf '%-40s %-28s %8s  %s\n' "$name" "(not built)" - -; continue; }
    config=$(tar -xOf "$tarball" manifest.json | jq -r '.[0].Config')
    tag=$(tar -xOf "$tarball" manifest.json | jq -r '.[0].RepoTags[0]')
    printf '%-40s %-28s %8s  sha256:%s\n' "$tag" "${tarball#"$root"/}" \
      "$(awk -v b="$(stat -c %s "$tarball")" 'BEGIN{printf "%.1fM", b / 1048576}')" \
      "$(tar -xOf "$tarball" "$config" | sha256sum | cut -d' ' -f1)"
  done
}

case "$what" in
  base) build_base ;;
  proxy-init) build_proxy_init ;;
  pinned) build_base; build_proxy_init ;;
  apps) build_apps ;;
  all) build_base; build_proxy_init; build_apps ;;
  list) ;;
esac
list
