#!/usr/bin/env bash
# A local Athena-compatible stack for tests and CI, loopback only:
#   moto (S3 + Glue APIs) ← a Glue proxy (column statistics as no-ops) ← Trino 476 with catalog
#   `awsdatacatalog` (Hive on Glue, Iceberg tables redirected to an Iceberg-on-Glue catalog)
#   ← an Athena API server (test/support/athena-server) that runs each query on that Trino.
#
#   scripts/athena-local.sh start      start everything (moto venv and Trino downloaded if needed),
#                                      create the buckets; prints the env file's path on stdout
#   scripts/athena-local.sh status     prints the Athena endpoint and exits 0 when all is running
#   scripts/athena-local.sh stop       stops everything `start` started (by pid)
#   scripts/athena-local.sh with CMD…  runs CMD with the variables below, starting the stack first
#                                      (and stopping it after, also on failure) unless it runs
#
# The variables CMD gets (also in <state>/env, `set -a; . <state>/env; set +a`):
#   AWS_ENDPOINT_URL_ATHENA    the Athena API server          http://127.0.0.1:<port>
#   AWS_ENDPOINT_URL_GLUE      Glue (the proxy in front of moto)
#   AWS_ENDPOINT_URL_S3        S3 (moto; needs path-style addressing)
#   AWS_REGION=us-east-1, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (dummy test credentials)
#   MDW_ATHENA_REGION=us-east-1
#   MDW_ATHENA_WORK_GROUP=mdw-local          (its output location is the staging dir below)
#   MDW_ATHENA_S3_STAGING_DIR=s3://mdw-athena-results/
#   MDW_ATHENA_S3_DATA_DIR=s3://mdw-warehouse/
#   MDW_RAW_S3_URI=s3://mdw-raw/grocery      (the raw prefix of scripts/database/*.sql)
#   MDW_S3_FORCE_PATH_STYLE=1                (moto serves buckets by path, not by host name)
#   MDW_ATHENA_LOCAL_TRINO_URL               the stack's Trino, for tests that look underneath
#
# Settings (environment):
#   MDW_ATHENA_LOCAL_DIR  state folder (default <cache>/athena-local): pids, logs, ports, env,
#                         trino/ (the Trino run folder, heap MDW_TRINO_HEAP, default 1536M)
#   MDW_ATHENA_THROTTLE   passed to the Athena server: `Op:count,…` answers the first <count> calls
#                         of each Op with ThrottlingException (retry tests); see docs/athena-local.md
# Needs: a built checkout (npm run build), Python 3.11 for the moto venv
# (<cache>/venv-moto, moto[server] pinned below), Maven and Java for Trino (see scripts/trino.sh).
set -euo pipefail

MOTO_REQUIREMENT="moto[server]==5.2.5"
REGION=us-east-1
WORK_GROUP=mdw-local
STAGING_BUCKET=mdw-athena-results
DATA_BUCKET=mdw-warehouse
RAW_BUCKET=mdw-raw
ACCESS_KEY=mdwtest
SECRET_KEY=mdwtestsecret

repo_dir="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/alive.sh
. "$repo_dir/scripts/lib/alive.sh"
cache_dir="${MDW_CACHE_DIR:-$HOME/.cache/mdw}"
state_dir="${MDW_ATHENA_LOCAL_DIR:-$cache_dir/athena-local}"
trino_run_dir="$state_dir/trino"
support_dir="$repo_dir/dist/test/support/athena-server"

log() { echo "athena-local.sh: $*" >&2; }
die() {
  log "$*"
  exit 1
}

# Athena is a managed service: a query does not fail because the engine's own machine is busy.
# On a shared CI machine with two cores, Trino's coordinator-to-worker calls (one JVM) can stall
# for minutes; the defaults (1 min of errors, 5 min client silence) then fail the query with
# TOO_MANY_REQUESTS_FAILED / abandoned. Long tolerances keep a slow query a slow query.
TRINO_LOAD_TOLERANCE="query.remote-task.max-error-duration=30m
exchange.max-error-duration=30m
query.client.timeout=60m
failure-detector.enabled=false"

trino() {
  MDW_TRINO_EXTRA_CONFIG="$TRINO_LOAD_TOLERANCE" \
  MDW_TRINO_RUN_DIR="$trino_run_dir" MDW_TRINO_HEAP="${MDW_TRINO_HEAP:-1536M}" \
    MDW_TRINO_CATALOG_DIR="$state_dir/catalog" MDW_TRINO_PORT="" "$repo_dir/scripts/trino.sh" "$@"
}

free_port() {
  node -e "const s=require('node:net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# pid of a process this script started (<name>.pid), only while it still runs that command line:
# a recycled pid of some other process must never be signalled.
running_pid() {
  local name="$1" marker="$2" pid
  [[ -f "$state_dir/$name.pid" ]] || return 1
  pid="$(cat "$state_dir/$name.pid")"
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  echo "$pid"
}

stop_process() {
  local name="$1" marker="$2" pid
  if pid="$(running_pid "$name" "$marker")"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do
      alive "$pid" || break
      sleep 0.25
    done
    if alive "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$state_dir/$name.pid"
}

# Waits until <name>.port exists (the Node servers publish their port there once listening).
wait_port_file() {
  local name="$1" pid="$2"
  for _ in $(seq 1 120); do
    [[ -s "$state_dir/$name.port" ]] && {
      cat "$state_dir/$name.port"
      return 0
    }
    alive "$pid" || {
      tail -n 20 "$state_dir/$name.log" >&2
      die "$name exited while starting (log: $state_dir/$name.log)."
    }
    sleep 0.25
  done
  die "$name did not start within 30 s (log: $state_dir/$name.log)."
}

start_moto() {
  local bin port pid
  bin="$("$repo_dir/scripts/python-venv.sh" "$cache_dir/venv-moto" "$MOTO_REQUIREMENT")"
  port="$(free_port)"
  "$bin/moto_server" -H 127.0.0.1 -p "$port" >"$state_dir/moto.log" 2>&1 &
  pid=$!
  echo "$pid" >"$state_dir/moto.pid"
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && {
      echo "$port" >"$state_dir/moto.port"
      return 0
    }
    alive "$pid" || {
      tail -n 20 "$state_dir/moto.log" >&2
      die "moto exited while starting (log: $state_dir/moto.log)."
    }
    sleep 0.25
  done
  die "moto did not answer within 30 s (log: $state_dir/moto.log)."
}

# start_node NAME SCRIPT ARGS…: runs dist/test/support/athena-server/SCRIPT-main.js as NAME
start_node() {
  local name="$1" script="$2" pid
  shift 2
  rm -f "$state_dir/$name.port"
  node "$support_dir/$script-main.js" --port-file "$state_dir/$name.port" "$@" >"$state_dir/$name.log" 2>&1 &
  pid=$!
  echo "$pid" >"$state_dir/$name.pid"
  wait_port_file "$name" "$pid" >/dev/null
}

# The S3 settings both catalogs share (moto by path, static test credentials).
s3_properties() {
  cat <<EOF
fs.native-s3.enabled=true
s3.endpoint=http://127.0.0.1:$1
s3.region=$REGION
s3.path-style-access=true
s3.aws-access-key=$ACCESS_KEY
s3.aws-secret-key=$SECRET_KEY
s3.max-connections=16
s3.socket-connect-timeout=1m
s3.max-error-retries=20
EOF
}

glue_properties() {
  cat <<EOF
hive.metastore.glue.region=$REGION
hive.metastore.glue.endpoint-url=http://127.0.0.1:$1
hive.metastore.glue.aws-access-key=$ACCESS_KEY
hive.metastore.glue.aws-secret-key=$SECRET_KEY
hive.metastore.glue.default-warehouse-dir=s3://$DATA_BUCKET/
EOF
}

# One catalog name for both table kinds, as in Athena: `awsdatacatalog` is the Hive connector and
# redirects Iceberg tables to `awsdatacatalog_iceberg` (and that one Hive tables back).
write_catalogs() {
  local moto_port="$1" glue_port="$2" dir="$state_dir/catalog"
  rm -rf "$dir"
  mkdir -p "$dir"
  {
    echo "connector.name=hive"
    echo "hive.metastore=glue"
    glue_properties "$glue_port"
    echo "hive.iceberg-catalog-name=awsdatacatalog_iceberg"
    echo "hive.partition-projection-enabled=true"
    # Athena reads a projected day whose folder does not exist as no rows; Trino fails the
    # query on an absent partition location unless told to skip it.
    echo "hive.ignore-absent-partitions=true"
    # Listing many prefixes 64 at a time per query floods moto's single server until connects
    # time out (see the S3 settings: fewer pooled connections, a longer connect timeout, more
    # retries). The daily sales table's projection is narrowed by Trino's Glue proxy instead
    # of listed day by day (test/support/athena-server/projection.ts).
    echo "hive.split-loader-concurrency=4"
    echo "hive.non-managed-table-writes-enabled=true"
    # ALTER TABLE … ADD PARTITION … LOCATION
    echo "hive.allow-register-partition-procedure=true"
    s3_properties "$moto_port"
  } >"$dir/awsdatacatalog.properties"
  {
    echo "connector.name=iceberg"
    echo "iceberg.catalog.type=glue"
    glue_properties "$glue_port"
    echo "iceberg.hive-catalog-name=awsdatacatalog"
    echo "iceberg.file-format=PARQUET"
    echo "iceberg.compression-codec=ZSTD"
    # Athena's VACUUM honours the table's own retention (vacuum_max_snapshot_age_seconds)
    echo "iceberg.expire-snapshots.min-retention=0s"
    echo "iceberg.remove-orphan-files.min-retention=0s"
    echo "iceberg.allowed-extra-properties=*"
    # Athena bills a Parquet scan by the column chunks it reads; Trino reads a whole file below
    # 3 MB in one request (and reports all of it as physical input), so every small file of a
    # partitioned table would count whole, whatever columns the query reads.
    echo "parquet.small-file-threshold=0B"
    s3_properties "$moto_port"
  } >"$dir/awsdatacatalog_iceberg.properties"
}

create_buckets() {
  local moto_port="$1" bucket
  for bucket in "$STAGING_BUCKET" "$DATA_BUCKET" "$RAW_BUCKET"; do
    curl -fsS -X PUT "http://127.0.0.1:$moto_port/$bucket" \
      -H "Authorization: AWS4-HMAC-SHA256 Credential=$ACCESS_KEY/20200101/$REGION/s3/aws4_request, SignedHeaders=host, Signature=0" \
      >/dev/null || die "could not create bucket $bucket in moto."
  done
}

write_env() {
  local moto_port="$1" glue_port="$2" athena_port="$3" trino_url="$4"
  cat >"$state_dir/env" <<EOF
AWS_ENDPOINT_URL_ATHENA=http://127.0.0.1:$athena_port
AWS_ENDPOINT_URL_GLUE=http://127.0.0.1:$glue_port
AWS_ENDPOINT_URL_S3=http://127.0.0.1:$moto_port
AWS_REGION=$REGION
AWS_ACCESS_KEY_ID=$ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$SECRET_KEY
MDW_ATHENA_REGION=$REGION
MDW_ATHENA_WORK_GROUP=$WORK_GROUP
MDW_ATHENA_S3_STAGING_DIR=s3://$STAGING_BUCKET/
MDW_ATHENA_S3_DATA_DIR=s3://$DATA_BUCKET/
MDW_RAW_S3_URI=s3://$RAW_BUCKET/grocery
MDW_S3_FORCE_PATH_STYLE=1
MDW_ATHENA_LOCAL_TRINO_URL=$trino_url
EOF
}

start() {
  if status >/dev/null 2>&1; then
    echo "$state_dir/env"
    return 0
  fi
  [[ -f "$support_dir/athena-main.js" ]] || die "Build mdw first (npm run build): $support_dir is missing."
  mkdir -p "$state_dir"
  stop_all 2>/dev/null
  log "starting moto, the Glue proxy, Trino and the Athena server (state: $state_dir)"
  start_moto
  local moto_port glue_port athena_port trino_url
  moto_port="$(cat "$state_dir/moto.port")"
  create_buckets "$moto_port"
  start_node glue-proxy glue-proxy --upstream "http://127.0.0.1:$moto_port"
  glue_port="$(cat "$state_dir/glue-proxy.port")"
  # Trino's own Glue proxy: as the clients', plus date partition projections narrowed to the
  # prefixes that exist, so a scan lists those instead of every day since the range's start
  # (Athena does not list them either; see test/support/athena-server/projection.ts)
  start_node glue-proxy-trino glue-proxy --upstream "http://127.0.0.1:$moto_port" \
    --narrow-projections-s3 "http://127.0.0.1:$moto_port"
  write_catalogs "$moto_port" "$(cat "$state_dir/glue-proxy-trino.port")"
  trino_url="$(trino start)"
  start_node athena athena --trino "$trino_url" --s3-endpoint "http://127.0.0.1:$moto_port" \
    --glue-endpoint "http://127.0.0.1:$glue_port" --region "$REGION" \
    --work-group "$WORK_GROUP=s3://$STAGING_BUCKET/"
  athena_port="$(cat "$state_dir/athena.port")"
  write_env "$moto_port" "$glue_port" "$athena_port" "$trino_url"
  log "Athena API on http://127.0.0.1:$athena_port (Trino $trino_url, moto port $moto_port)"
  echo "$state_dir/env"
}

stop_all() {
  stop_process athena "$support_dir/athena-main.js"
  trino stop >/dev/null 2>&1 || true
  stop_process glue-proxy-trino "$support_dir/glue-proxy-main.js"
  stop_process glue-proxy "$support_dir/glue-proxy-main.js"
  stop_process moto "moto_server"
  rm -f "$state_dir"/*.port "$state_dir/env"
}

stop() {
  stop_all
  log "stopped"
}

status() {
  running_pid moto moto_server >/dev/null || {
    echo "not running"
    return 1
  }
  running_pid glue-proxy "$support_dir/glue-proxy-main.js" >/dev/null &&
    running_pid glue-proxy-trino "$support_dir/glue-proxy-main.js" >/dev/null &&
    running_pid athena "$support_dir/athena-main.js" >/dev/null && trino status >/dev/null || {
    echo "not running (partly up; stop it first)"
    return 1
  }
  echo "http://127.0.0.1:$(cat "$state_dir/athena.port")"
}

with_stack() {
  local started=0
  if ! status >/dev/null 2>&1; then
    trap stop_all EXIT
    start >/dev/null
    started=1
  fi
  [[ "$started" == 1 ]] || log "using the running stack ($state_dir)"
  set -a
  # shellcheck disable=SC1091
  . "$state_dir/env"
  set +a
  "$@"
}

case "${1:-}" in
with)
  shift
  [[ $# -gt 0 ]] || die "usage: scripts/athena-local.sh with COMMAND [ARGS…]"
  with_stack "$@"
  ;;
start)
  # a start that fails half-way stops what it had started
  trap 'rc=$?; [[ $rc -eq 0 ]] || stop_all; exit $rc' EXIT
  start
  ;;
stop) stop ;;
status) status ;;
*)
  log "usage: scripts/athena-local.sh start|stop|status|with COMMAND [ARGS…]"
  exit 2
  ;;
esac
