# Class Data Sharing for the apps, Spring Boot's documented recipe: the jar extracted (the launcher's nested
# jars cannot be archived), then one training run that starts the application context, exits at refresh
# (-Dspring.context.exit=onRefresh) and dumps every class it loaded (-XX:ArchiveClassesAtExit). Later starts
# map that archive instead of parsing and verifying the same classes again.
#
# The archive only works with the JVM build, the JVM options and the jars it was dumped with (the JVM checks
# each and ignores a stale archive with a warning), so it is rebuilt whenever any of them changes.
# Sourced by scripts/local.sh and scripts/mesh.sh after scripts/lib/common.sh.
# shellcheck shell=bash

# cds_paths MODULE: sets CDS_JAR (the extracted jar) and CDS_ARCHIVE for MODULE/target/MODULE.jar.
cds_paths() {
  CDS_JAR="$ROOT/$1/target/cds/$1.jar"
  CDS_ARCHIVE="$ROOT/$1/target/cds/$1.jsa"
}

# cds_prepare LOG_DIR JVM_OPTION... -- MODULE...: extracts and trains every MODULE whose archive is missing or
# was made from another jar, JVM or option list.
cds_prepare() {
  local log_dir=$1 options=() module
  shift
  while (($#)) && [[ $1 != -- ]]; do options+=("$1"); shift; done
  shift
  local jvm
  jvm=$(java -version 2>&1 | tr '\n' ' ')
  mkdir -p "$log_dir"
  for module in "$@"; do
    local jar="$ROOT/$module/target/$module.jar" dir="$ROOT/$module/target/cds" want log="$log_dir/cds-$module.log"
    cds_paths "$module"
    want="$(stat -c '%s %Y' "$jar") | $jvm | ${options[*]}"
    if [[ -f $CDS_ARCHIVE && -f $dir/stamp && $(<"$dir/stamp") == "$want" ]]; then
      continue
    fi
    info "class data sharing: training $module (log: $log)"
    rm -rf "$dir"
    java -Djarmode=tools -jar "$jar" extract --destination "$dir" >"$log" 2>&1 \
      || die "extracting $jar failed; see $log"
    # ports 0 and no Zipkin: a training run must not collide with a running app or report spans
    java "${options[@]}" -XX:ArchiveClassesAtExit="$CDS_ARCHIVE" -Dspring.context.exit=onRefresh -jar "$CDS_JAR" \
      --server.address=127.0.0.1 --server.port=0 --business.echo.port=0 \
      --management.tracing.export.zipkin.enabled=false >>"$log" 2>&1 \
      || die "the class data sharing training run of $module failed; see $log"
    [[ -s $CDS_ARCHIVE ]] || die "no archive $CDS_ARCHIVE after the training run; see $log"
    echo "$want" >"$dir/stamp"
  done
}
