#!/usr/bin/env bash
# A local single-node Trino 476 for tests and CI, loopback only.
#
#   scripts/trino.sh download   fetch and unpack the pinned artifacts (nothing else)
#   scripts/trino.sh start      download if needed, write the config, start, wait until ready;
#                               prints the server URL on stdout
#   scripts/trino.sh status     prints the URL and exits 0 when running, exits 1 otherwise
#   scripts/trino.sh stop       stops the server started by `start` (by its pid)
#   scripts/trino.sh with CMD…  runs CMD with MDW_TRINO_URL and MDW_TRINO_WAREHOUSE set, starting
#                               the server first (and stopping it after) unless one is running
#
# Everything lives under ${MDW_CACHE_DIR:-$HOME/.cache/mdw}/trino:
#   m2/         Maven's local repository the artifacts are resolved into (checksums verified)
#   476/        the unpacked server with the iceberg, hive and memory plugins
#   run/        etc/ (generated config), data/, server.pid, server.url, server.log
#
# Settings (environment):
#   MDW_TRINO_WAREHOUSE  the lakehouse folder the `iceberg` catalog serves through Iceberg's JDBC
#                        catalog on <folder>/catalog.db (catalog name `mdw`, as the local target
#                        writes it). Default: run/lakehouse.
#   MDW_TRINO_HEAP       JVM heap (default 1536M; the machine is shared)
#   MDW_TRINO_PORT       HTTP port (default: a free one)
#   MDW_TRINO_RUN_DIR    state folder (default: <cache>/trino/run)
#   MDW_TRINO_JAVA_HOME  a Java 24+ home (default: the Temurin 25 JDK under /usr/lib/jvm)
#   MDW_TRINO_EXTRA_CONFIG  lines appended to etc/config.properties (e.g. the Athena stack's
#                        timeouts for a loaded machine)
#   MDW_TRINO_CATALOG_DIR  a folder of catalog .properties files served INSTEAD of the catalogs
#                        below (scripts/athena-local.sh uses it for its Glue catalogs)
# Catalogs: iceberg (JDBC catalog above), hive (external CSV tables over local folders: use
# local:// locations, file:// ones read as empty), memory.
set -euo pipefail

TRINO_VERSION=476
SQLITE_JDBC_VERSION=3.54.1.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

repo_dir="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/alive.sh
. "$repo_dir/scripts/lib/alive.sh"
cache_dir="${MDW_CACHE_DIR:-$HOME/.cache/mdw}/trino"
m2_dir="$cache_dir/m2"
server_dir="$cache_dir/$TRINO_VERSION"
run_dir="${MDW_TRINO_RUN_DIR:-$cache_dir/run}"
warehouse="${MDW_TRINO_WAREHOUSE:-$run_dir/lakehouse}"
heap="${MDW_TRINO_HEAP:-1536M}"

log() { echo "trino.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# --- download ----------------------------------------------------------------------------------

# Path of an artifact in the local repository: group:artifact:version:extension
artifact_path() {
  local group="${1%%:*}" rest="${1#*:}"
  local artifact="${rest%%:*}"
  rest="${rest#*:}"
  local version="${rest%%:*}" ext="${rest#*:}"
  echo "$m2_dir/${group//.//}/$artifact/$version/$artifact-$version.$ext"
}

# Resolves an artifact and its .sha1 through Maven (strict checksums), then checks the SHA-1
# again ourselves so a truncated or tampered cache is caught on every start.
fetch_artifact() {
  local coords="$1" file
  file="$(artifact_path "$coords")"
  if [[ ! -f "$file" || ! -f "$file.sha1" ]]; then
    log "downloading $coords"
    mvn -B -q -C -Dstyle.color=never -Dmaven.repo.local="$m2_dir" "$DEPENDENCY_PLUGIN:get" \
      -Dartifact="$coords" -Dtransitive=false >&2 ||
      die "Maven could not download $coords (see the output above)."
    # Maven keeps the checksum it verified only for some layouts; fetch it as its own artifact.
    [[ -f "$file.sha1" ]] || mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$m2_dir" "$DEPENDENCY_PLUGIN:get" \
      -Dartifact="$coords.sha1" -Dtransitive=false >&2 ||
      die "Maven could not download the checksum of $coords."
  fi
  local expected actual
  expected="$(head -c 40 "$file.sha1")"
  actual="$(sha1sum "$file" | cut -c1-40)"
  [[ "$expected" == "$actual" ]] ||
    die "Checksum mismatch for $file (expected $expected, got $actual); delete it and retry."
}

download() {
  local server="io.trino:trino-server-core:$TRINO_VERSION:tar.gz"
  local plugins=(iceberg hive memory)
  local sqlite="org.xerial:sqlite-jdbc:$SQLITE_JDBC_VERSION:jar"
  fetch_artifact "$server"
  for p in "${plugins[@]}"; do fetch_artifact "io.trino:trino-$p:$TRINO_VERSION:zip"; done
  fetch_artifact "$sqlite"
  [[ -f "$server_dir/.complete" ]] && return 0
  log "unpacking into $server_dir"
  rm -rf "$server_dir" "$server_dir.tmp"
  mkdir -p "$server_dir.tmp"
  tar -xzf "$(artifact_path "$server")" -C "$server_dir.tmp" --strip-components=1
  mkdir -p "$server_dir.tmp/plugin"
  for p in "${plugins[@]}"; do
    local unpack="$server_dir.tmp/plugin/.unpack-$p"
    unzip -q "$(artifact_path "io.trino:trino-$p:$TRINO_VERSION:zip")" -d "$unpack"
    # the zip holds one folder, trino-<name>-<version>/, with the plugin's jars
    mv "$unpack"/*/ "$server_dir.tmp/plugin/$p"
    rm -rf "$unpack"
  done
  # lets the Iceberg JDBC catalog open the local lakehouse's SQLite catalog.db
  cp "$(artifact_path "$sqlite")" "$server_dir.tmp/plugin/iceberg/"
  touch "$server_dir.tmp/.complete"
  mv "$server_dir.tmp" "$server_dir"
}

# --- config ------------------------------------------------------------------------------------

find_java_home() {
  local candidate
  if [[ -n "${MDW_TRINO_JAVA_HOME:-}" ]]; then
    [[ -x "$MDW_TRINO_JAVA_HOME/bin/java" ]] || die "MDW_TRINO_JAVA_HOME=$MDW_TRINO_JAVA_HOME has no bin/java."
    echo "$MDW_TRINO_JAVA_HOME"
    return 0
  fi
  for candidate in /usr/lib/jvm/temurin-25*; do
    [[ -x "$candidate/bin/java" ]] && {
      echo "$candidate"
      return 0
    }
  done
  die "Trino $TRINO_VERSION needs Java 24 or newer: install the Temurin 25 JDK (looked for /usr/lib/jvm/temurin-25*)."
}

free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# The catalog tables must exist before Trino's first query; the local target's own catalog code
# creates them (the same layout it always uses).
ensure_catalog() {
  local lib="$repo_dir/dist/src/lakehouse/iceberg/index.js"
  [[ -f "$lib" ]] || die "Build mdw first (npm run build): $lib is missing."
  mkdir -p "$warehouse"
  node --input-type=module -e "
    const { openCatalog } = await import(process.argv[1]);
    openCatalog(process.argv[2], { name: 'mdw' }).close?.();
  " "$lib" "$warehouse"
}

write_config() {
  local port="$1" etc="$run_dir/etc"
  rm -rf "$etc"
  mkdir -p "$etc/catalog" "$run_dir/data"
  cat >"$etc/node.properties" <<EOF
node.environment=mdw
node.id=mdw-local
node.data-dir=$run_dir/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
EOF
  cat >"$etc/jvm.config" <<EOF
-server
-Xmx$heap
-XX:+UseSerialGC
-XX:+ExitOnOutOfMemoryError
-XX:-OmitStackTraceInFastThrow
-XX:ReservedCodeCacheSize=128M
-XX:+EnableDynamicAgentLoading
-Djdk.attach.allowAttachSelf=true
-Dfile.encoding=UTF-8
EOF
  cat >"$etc/config.properties" <<EOF
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$port
EOF
  [[ -z "${MDW_TRINO_EXTRA_CONFIG:-}" ]] || printf '%s\n' "$MDW_TRINO_EXTRA_CONFIG" >>"$etc/config.properties"
  cat >"$etc/log.properties" <<EOF
io.trino=WARN
EOF
  if [[ -n "${MDW_TRINO_CATALOG_DIR:-}" ]]; then
    cp "$MDW_TRINO_CATALOG_DIR"/*.properties "$etc/catalog/"
    return 0
  fi
  cat >"$etc/catalog/iceberg.properties" <<EOF
connector.name=iceberg
iceberg.catalog.type=jdbc
iceberg.jdbc-catalog.catalog-name=mdw
iceberg.jdbc-catalog.driver-class=org.sqlite.JDBC
iceberg.jdbc-catalog.connection-url=jdbc:sqlite:$warehouse/catalog.db
iceberg.jdbc-catalog.default-warehouse-dir=local://$warehouse
iceberg.jdbc-catalog.schema-version=V1
iceberg.expire-snapshots.min-retention=0s
iceberg.remove-orphan-files.min-retention=0s
# Athena's table_properties become the tables' extra_properties
iceberg.allowed-extra-properties=*
fs.native-local.enabled=true
local.location=/
EOF
  cat >"$etc/catalog/hive.properties" <<EOF
connector.name=hive
hive.metastore=file
hive.metastore.catalog.dir=local://$run_dir/hive-metastore
hive.non-managed-table-writes-enabled=true
fs.native-local.enabled=true
local.location=/
EOF
  cat >"$etc/catalog/memory.properties" <<EOF
connector.name=memory
EOF
}

# --- process -----------------------------------------------------------------------------------

running_pid() {
  local pid
  [[ -f "$run_dir/server.pid" ]] || return 1
  pid="$(cat "$run_dir/server.pid")"
  alive "$pid" || return 1
  # only our server: a recycled pid of some other process must never be signalled
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$run_dir/etc" || return 1
  echo "$pid"
}

ready() {
  curl -fsS "$1/v1/info" 2>/dev/null | grep -q '"starting":false'
}

start() {
  if running_pid >/dev/null; then
    cat "$run_dir/server.url"
    return 0
  fi
  download
  [[ -n "${MDW_TRINO_CATALOG_DIR:-}" ]] || ensure_catalog
  local java_home port url pid
  java_home="$(find_java_home)"
  port="${MDW_TRINO_PORT:-$(free_port)}"
  url="http://127.0.0.1:$port"
  write_config "$port"
  mkdir -p "$run_dir/hive-metastore"
  # Our server is not running (checked above), so a launcher pid file left by a killed server is
  # stale; the launcher would refuse to start while that pid still exists, even as a zombie.
  rm -f "$run_dir/data/var/run/launcher.pid"
  log "starting Trino $TRINO_VERSION on $url (heap $heap, catalogs ${MDW_TRINO_CATALOG_DIR:-lakehouse $warehouse})"
  JAVA_HOME="$java_home" PATH="$java_home/bin:$PATH" \
    "$server_dir/bin/launcher" run --etc-dir "$run_dir/etc" --data-dir "$run_dir/data" \
    >"$run_dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$run_dir/server.pid"
  echo "$url" >"$run_dir/server.url"
  echo "$warehouse" >"$run_dir/server.warehouse"
  for _ in $(seq 1 360); do
    if ! alive "$pid"; then
      tail -n 30 "$run_dir/server.log" >&2
      die "Trino exited while starting (log: $run_dir/server.log)."
    fi
    if ready "$url"; then
      echo "$url"
      return 0
    fi
    sleep 0.5
  done
  stop
  die "Trino did not become ready within 180 s (log: $run_dir/server.log)."
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$run_dir/server.pid"
    return 0
  fi
  kill "$pid"
  for _ in $(seq 1 60); do
    alive "$pid" || break
    sleep 0.5
  done
  if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$run_dir/server.pid"
  log "stopped"
}

status() {
  running_pid >/dev/null || {
    echo "not running"
    return 1
  }
  local url
  url="$(cat "$run_dir/server.url")"
  ready "$url" || {
    echo "starting ($url)"
    return 1
  }
  echo "$url"
}

# Runs a command against the server; a server this call started is stopped afterwards, also
# when the command fails.
with_server() {
  local url started=0
  if ! url="$(status)"; then
    url="$(start)"
    started=1
  fi
  if [[ "$started" == 1 ]]; then trap stop EXIT; fi
  warehouse="$(cat "$run_dir/server.warehouse")"
  MDW_TRINO_URL="$url" MDW_TRINO_WAREHOUSE="$warehouse" "$@"
}

case "${1:-}" in
download) download ;;
with)
  shift
  [[ $# -gt 0 ]] || die "usage: scripts/trino.sh with COMMAND [ARGS…]"
  with_server "$@"
  ;;
start) start ;;
stop) stop ;;
status) status ;;
*)
  log "usage: scripts/trino.sh download|start|stop|status|with COMMAND [ARGS…]"
  exit 2
  ;;
esac
