#!/usr/bin/env bash
# Generates the benchmark data (once), starts the portal in Release against it, runs the load test,
# and stops the portal. Figures go to stdout and to bench/out/results-<time>.md.
#
#   bench/run.sh    # 10,000 accounts, 1,000,000 invoices, 10,000,000 usage records, 32 users, 20 s per phase
#   ACCOUNTS=1000 INVOICES=100000 USAGE=0 USERS=16 DURATION=10 MODE=mix bench/run.sh
#   PAGES=invoices,payment,statement MODE=each INGEST=0 EXPORT=0 bench/run.sh   # only the pages whose names contain these
#   AS_USER=user100006@bench.example USERS=16 PAGES=overview,about,reference MODE=each bench/run.sh   # one person, 16 connections
#   RATE=32 USERS=32 PAGES='payment confirm' MODE=each INGEST=0 EXPORT=0 bench/run.sh   # open loop: 32 confirms/s, p99 from the due time
#   RATES=8,16,32,64 USERS=32 PAGES='payment confirm' MODE=each INGEST=0 EXPORT=0 bench/run.sh   # the same at each rate in turn
#   bench/cost.sh   # each page's CPU per request for a median and the largest account, against the reference
#   PROVIDER=Postgres bench/run.sh   # the same on PostgreSQL (PG_HOST, PG_PORT, PG_USER, PG_PASSWORD, PG_DATABASE)
#   PROVIDER=Postgres INSTANCES=3 bench/run.sh   # three instances on PORT+1..PORT+3, Debian's nginx on PORT in front
#     (each instance's pool capped at PG_POOL connections, default (90 - REF_POOL) / INSTANCES, the reference's at
#     REF_POOL, default 24: below max_connections together)
#
# PostgreSQL: the generator fills PG_DATABASE (default portal_bench_<accounts>_<invoices>_<usage>, made once,
# ~17 min at full size); each run measures a copy, CREATE DATABASE <it>_run TEMPLATE <it> (COPY=0 reuses it).
# INSTANCES=N (N > 1, PostgreSQL only: SQLite is one process's file) starts the Release executable N times and
# nginx as an ordinary process with its own prefix under bench/out/nginx/, its configuration written from
# deploy/nginx/ (round robin, keepalive, the portal's own proxy locations). The load test sums the instances'
# CPU and reports nginx's and the database's backends' CPU per request apart.
#
# RATE=N: the load test as an open loop (latency at a given load): N requests a second to each page on a fixed
# schedule, round robin over the USERS, latency from each request's due time; RATES=a,b,c runs each phase at every
# rate in turn. Without either, the closed loop as before (docs/performance.md, "The open loop").
#
# The reference (REFERENCE=0 leaves it out) is the overview's figures in hand-written SQL, served by the bench's
# own process on REFERENCE_PORT: the load test reports every page's CPU per request as a multiple of it.
# COPY=0 reuses the copy of the data set a previous run made (faster; the previous run's logins stay in it).
#
# With usage records, the load test adds the usage pages (for the account with the most usage), and
# the export benchmark follows it (EXPORT=0 skips it; EXPORT_SIZES=1000,10000,100000).
set -euo pipefail
cd "$(dirname "$0")/.."

ACCOUNTS=${ACCOUNTS:-10000}
INVOICES=${INVOICES:-1000000}
USAGE=${USAGE:-10000000}
USERS=${USERS:-32}
SECONDS_PER_PHASE=${DURATION:-20}  # not SECONDS: bash keeps its own clock in that name
WARMUP=${WARMUP:-5}
MODE=${MODE:-both}
PORT=${PORT:-5080}
PROVIDER=${PROVIDER:-Sqlite}
INSTANCES=${INSTANCES:-1}
# The portal to measure: this tree's by default, or another checkout's src/Portal.
PORTAL=${PORTAL:-src/Portal}
PORTAL_DIR=$(cd "$PORTAL" && pwd)
PORTAL_EXE="$PORTAL_DIR/bin/Release/net10.0/Portal"
BENCH_EXE=bench/Portal.Bench/bin/Release/net10.0/Portal.Bench
OUT=bench/out
URL="http://127.0.0.1:${PORT}"
mkdir -p "$OUT"

case "$PROVIDER" in
  Sqlite | sqlite)
    PROVIDER=Sqlite
    DB="$OUT/portal-${ACCOUNTS}-${INVOICES}-${USAGE}.db"
    USERS_FILE="$OUT/users-${ACCOUNTS}-${INVOICES}-${USAGE}.tsv"
    # How the bench's own commands reach the generated data set.
    DATA_ARGS=(--db "$DB")
    ;;
  Postgres | postgres | PostgreSQL)
    PROVIDER=Postgres
    PG_DATABASE=${PG_DATABASE:-portal_bench_${ACCOUNTS}_${INVOICES}_${USAGE}}
    PG_RUN_DATABASE="${PG_DATABASE}_run"
    PG_BASE="Host=${PG_HOST:-127.0.0.1};Port=${PG_PORT:-5432};Username=${PG_USER:-portal_test};Password=${PG_PASSWORD:-portal_test}"
    PG_GENERATED="$PG_BASE;Database=$PG_DATABASE"
    DB="PostgreSQL database $PG_DATABASE"
    USERS_FILE="$OUT/users-pg-${ACCOUNTS}-${INVOICES}-${USAGE}.tsv"
    # Written when the generator has finished, so that an interrupted generation is not taken for a data set.
    PG_DONE="$OUT/${PG_DATABASE}.generated"
    DATA_ARGS=(--provider Postgres --connection "$PG_GENERATED")
    psql_admin() {
      PGPASSWORD=${PG_PASSWORD:-portal_test} psql -X -q -v ON_ERROR_STOP=1 -h "${PG_HOST:-127.0.0.1}" -p "${PG_PORT:-5432}" \
        -U "${PG_USER:-portal_test}" -d postgres "$@"
    }
    ;;
  *)
    echo "PROVIDER is Sqlite or Postgres, not '$PROVIDER'." >&2
    exit 2
    ;;
esac
if [[ "$INSTANCES" != 1 && "$PROVIDER" != Postgres ]]; then
  echo "INSTANCES=$INSTANCES needs PROVIDER=Postgres: SQLite is one process's file." >&2
  exit 2
fi

dotnet build -c Release bench/Portal.Bench -v q -nologo
dotnet build -c Release "$PORTAL" -v q -nologo

if [[ "$PROVIDER" == Sqlite && ( ! -f "$DB" || ! -f "$USERS_FILE" ) ]]; then
  dotnet run -c Release --no-build --project bench/Portal.Bench -- generate \
    --accounts "$ACCOUNTS" --invoices "$INVOICES" --usage "$USAGE" --db "$DB" --users-file "$USERS_FILE"
fi
if [[ "$PROVIDER" == Postgres && ( ! -f "$PG_DONE" || ! -f "$USERS_FILE" ) ]]; then
  # The generator drops and creates the database itself (EnsureDeleted, then the migrations).
  dotnet run -c Release --no-build --project bench/Portal.Bench -- generate \
    --accounts "$ACCOUNTS" --invoices "$INVOICES" --usage "$USAGE" "${DATA_ARGS[@]}" --users-file "$USERS_FILE"
  date -u +%FT%TZ > "$PG_DONE"
fi

# The daily usage rollup (ADR 0014), for a database generated before it existed: a no-op per account once built.
if [[ "$USAGE" != 0 ]]; then
  dotnet run -c Release --no-build --project bench/Portal.Bench -- rollup "${DATA_ARGS[@]}"
fi

# A saved test card for every account, for the payment pages (a no-op once every account has one).
dotnet run -c Release --no-build --project bench/Portal.Bench -- cards "${DATA_ARGS[@]}"

# A copy, so that the logins and anything the pages write never change the generated data set.
if [[ "$PROVIDER" == Sqlite ]]; then
  if [[ "${COPY:-1}" == 1 || ! -f "$OUT/run.db" ]]; then
    cp "$DB" "$OUT/run.db"
    rm -f "$OUT/run.db-wal" "$OUT/run.db-shm"
  fi
  RUN_CONNECTION="Data Source=$PWD/$OUT/run.db"
  RUN_ARGS=(--db "$OUT/run.db")
  REF_ARGS=("${RUN_ARGS[@]}")
else
  # PostgreSQL copies a database file by file from a template that nobody is connected to: minutes, not the
  # generator's quarter of an hour.
  if [[ "${COPY:-1}" == 1 ]] || ! psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_RUN_DATABASE'" | grep -q 1; then
    psql_admin -c "DROP DATABASE IF EXISTS \"$PG_RUN_DATABASE\" WITH (FORCE)"
    psql_admin -c "CREATE DATABASE \"$PG_RUN_DATABASE\" TEMPLATE \"$PG_DATABASE\""
  fi
  RUN_CONNECTION="$PG_BASE;Database=$PG_RUN_DATABASE"
  # Npgsql's pool grows to 100 connections by default: several instances under load then ask for more than
  # PostgreSQL's max_connections (100 by default), and the refused ones fail their requests (53300), which nginx
  # takes for a dead instance. Measured so in the first three-instance run; docs/deployment.md's rule, applied.
  # The reference's own pool counts too: the instances keep their idle connections open (Npgsql prunes them
  # after minutes) while the reference is measured, and with 90 / INSTANCES each it was refused 47 times in
  # the run of 2026-12-02 00:39. So the reference gets REF_POOL (default 24) and the instances share the rest.
  REF_CONNECTION="$PG_BASE;Database=$PG_RUN_DATABASE"
  if [[ "$INSTANCES" != 1 || -n "${PG_POOL:-}" ]]; then
    REF_POOL=${REF_POOL:-24}
    RUN_CONNECTION+=";Maximum Pool Size=${PG_POOL:-$(((90 - REF_POOL) / INSTANCES))}"
    REF_CONNECTION+=";Maximum Pool Size=$REF_POOL"
  fi
  RUN_ARGS=(--provider Postgres --connection "$RUN_CONNECTION")
  REF_ARGS=(--provider Postgres --connection "$REF_CONNECTION")
  export Database__Provider=Postgres
fi

export ConnectionStrings__Portal="$RUN_CONNECTION"
export DemoData__Enabled=false
export Security__SecureCookies=false
export ASPNETCORE_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning
# Thirty-two logins from one address in a few seconds are what the login rate limit is there to stop.
export RateLimits__Enabled=false

# An API key for the ingest measurement (empty where the portal has no integration API).
API_KEY=$( (cd "$PORTAL_DIR" && "$PORTAL_EXE" api-key create bench) 2>/dev/null | tail -n 1 || true)

# The built executable, not dotnet run: each instance's pid is the process whose CPU the load test reads.
APP_PIDS=()
NGINX_PID=""
REF_PID=""
stop_all() {
  if [[ -n "$NGINX_PID" ]]; then kill -TERM "$NGINX_PID" 2>/dev/null || true; fi
  for pid in "${APP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  if [[ -n "$REF_PID" ]]; then kill -TERM "$REF_PID" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap stop_all EXIT

start_instance() { # port log
  # In the project's directory with it as content root (absolute: a relative one is taken from the executable's
  # directory), where wwwroot is, as the scale test starts it.
  (cd "$PORTAL_DIR" && exec "$PORTAL_EXE" --contentRoot "$PORTAL_DIR" --urls "http://127.0.0.1:$1") > "$2" 2>&1 &
  APP_PIDS+=($!)
}
wait_healthy() { # url
  for _ in $(seq 1 120); do
    if curl -fsS "$1/healthz" > /dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  curl -fsS "$1/healthz" > /dev/null
}

if [[ "$INSTANCES" == 1 ]]; then
  start_instance "$PORT" "$OUT/portal.log"
  wait_healthy "$URL"
else
  # Behind nginx: the portal believes the forwarded headers from loopback only, as a deployment names its proxy.
  export Security__KnownProxies__0=127.0.0.1
  UPSTREAMS=""
  for i in $(seq 1 "$INSTANCES"); do
    start_instance "$((PORT + i))" "$OUT/portal-$i.log"
    UPSTREAMS+="        server 127.0.0.1:$((PORT + i)) max_fails=1 fail_timeout=10s;"$'\n'
  done
  for i in $(seq 1 "$INSTANCES"); do wait_healthy "http://127.0.0.1:$((PORT + i))"; done

  # Debian's nginx as an ordinary process (as tests/Portal.ScaleTests does), its own prefix, pid, logs and temp
  # paths; the http settings and the proxy locations are deploy/nginx's own files, included as deployed. Plain
  # HTTP on loopback: TLS termination is not what is measured here.
  NGINX_DIR="$PWD/$OUT/nginx"
  DEPLOY="$PWD/deploy/nginx"
  rm -rf "$NGINX_DIR" && mkdir -p "$NGINX_DIR"
  cat > "$NGINX_DIR/nginx.conf" <<CONF
daemon off;
master_process on;
# One worker per core, as Debian's own nginx.conf (auto).
worker_processes auto;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 1024; }
http {
    client_body_temp_path $NGINX_DIR/client_body;
    proxy_temp_path $NGINX_DIR/proxy;
    fastcgi_temp_path $NGINX_DIR/fastcgi;
    uwsgi_temp_path $NGINX_DIR/uwsgi;
    scgi_temp_path $NGINX_DIR/scgi;
    include $DEPLOY/portal-http.conf;
    upstream portal {
$UPSTREAMS        keepalive 32;
    }
    server {
        listen 127.0.0.1:$PORT;
        access_log $NGINX_DIR/access.log portal;
        include $DEPLOY/portal-proxy.conf;
    }
}
CONF
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  "$NGINX" -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$NGINX_DIR/error.log" &
  NGINX_PID=$!
  wait_healthy "$URL"
fi
SERVER_PIDS=$(IFS=,; echo "${APP_PIDS[*]}")
CPU_ARGS=(--server-pid "$SERVER_PIDS")
if [[ -n "$NGINX_PID" ]]; then
  # The master and its workers (the workers do the proxying).
  CPU_ARGS+=(--proxy-pid "$(echo "$NGINX_PID" $(pgrep -P "$NGINX_PID") | tr ' ' ',')")
fi
if [[ "$PROVIDER" == Postgres ]]; then
  # PostgreSQL's backends serving the run's database: what the database spends per request, on the same cores.
  CPU_ARGS+=(--pg-backends "$PG_RUN_DATABASE")
fi

REFERENCE_ARGS=()
if [[ "${REFERENCE:-1}" == 1 ]]; then
  REF_URL="http://127.0.0.1:${REFERENCE_PORT:-5081}"
  # The built executable, not dotnet run: its own pid is the process whose CPU the load test reads.
  "$BENCH_EXE" reference "${REF_ARGS[@]}" --url "$REF_URL" > "$OUT/reference.log" 2>&1 &
  REF_PID=$!
  for _ in $(seq 1 60); do
    if curl -sS -o /dev/null "$REF_URL/" 2>/dev/null; then break; fi
    sleep 0.5
  done
  if ! kill -0 "$REF_PID" 2>/dev/null; then
    echo "The reference did not start (port ${REFERENCE_PORT:-5081} taken?):" >&2
    tail -n 5 "$OUT/reference.log" >&2
    exit 1
  fi
  REFERENCE_ARGS=(--reference-url "$REF_URL" --reference-pid "$REF_PID")
fi

RESULT="$OUT/results-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB memory, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"
  echo "Data: $ACCOUNTS accounts, $INVOICES invoices, $USAGE usage records ($DB)"
  echo "Portal: $PROVIDER, $INSTANCES instance(s)$([[ "$INSTANCES" != 1 ]] && echo " on ports $((PORT + 1))-$((PORT + INSTANCES)) behind nginx on $PORT" || echo " on port $PORT")"
  echo
  dotnet run -c Release --no-build --project bench/Portal.Bench -- load \
    --url "$URL" --users "$USERS" --seconds "$SECONDS_PER_PHASE" --warmup "$WARMUP" --settle "${SETTLE:-30}" \
    --users-file "$USERS_FILE" --mode "$MODE" "${CPU_ARGS[@]}" "${DATA_ARGS[@]}" ${PAGES:+--pages "$PAGES"} \
    ${AS_USER:+--as-user "$AS_USER"} "${REFERENCE_ARGS[@]}" ${RATE:+--rate "$RATE"} ${RATES:+--rates "$RATES"}
  if [[ -n "$API_KEY" && "${INGEST:-1}" == 1 ]]; then
    echo
    dotnet run -c Release --no-build --project bench/Portal.Bench -- ingest \
      --url "$URL" --api-key "$API_KEY" --users-file "$USERS_FILE" --batches "${BATCHES:-30}" --batch-size "${BATCH_SIZE:-10000}" --warmup "${INGEST_WARMUP:-10}" "${CPU_ARGS[@]}"
  fi
  if [[ "$USAGE" != 0 && "${EXPORT:-1}" == 1 ]]; then
    echo
    dotnet run -c Release --no-build --project bench/Portal.Bench -- export "${DATA_ARGS[@]}" --sizes "${EXPORT_SIZES:-1000,10000,100000}"
  fi
} | tee "$RESULT"
echo "saved to $RESULT"
