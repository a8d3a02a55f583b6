#!/usr/bin/env bash
# Generates the benchmark data (once), starts the portal in Release against it, runs the load test,
# and stops the portal. Figures go to stdout and to bench/out/results-<time>.md.
#
#   bench/run.sh    # 10,000 accounts, 1,000,000 invoices, 10,000,000 usage records, 32 users, 20 s per phase
#   ACCOUNTS=1000 INVOICES=100000 USAGE=0 USERS=16 DURATION=10 MODE=mix bench/run.sh
#   PAGES=invoices,payment,statement MODE=each INGEST=0 EXPORT=0 bench/run.sh   # only the pages whose names contain these
#   AS_USER=user100006@bench.example USERS=16 PAGES=overview,about,reference MODE=each bench/run.sh   # one person, 16 connections
#   bench/cost.sh   # each page's CPU per request for a median and the largest account, against the reference
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
# The portal to measure: this tree's by default, or another checkout's src/Portal.
PORTAL=${PORTAL:-src/Portal}
OUT=bench/out
DB="$OUT/portal-${ACCOUNTS}-${INVOICES}-${USAGE}.db"
USERS_FILE="$OUT/users-${ACCOUNTS}-${INVOICES}-${USAGE}.tsv"
URL="http://127.0.0.1:${PORT}"
mkdir -p "$OUT"

dotnet build -c Release bench/Portal.Bench -v q -nologo
dotnet build -c Release "$PORTAL" -v q -nologo

if [[ ! -f "$DB" || ! -f "$USERS_FILE" ]]; then
  dotnet run -c Release --no-build --project bench/Portal.Bench -- generate \
    --accounts "$ACCOUNTS" --invoices "$INVOICES" --usage "$USAGE" --db "$DB" --users-file "$USERS_FILE"
fi

# The daily usage rollup (ADR 0014), for a database generated before it existed: a no-op per account once built.
if [[ "$USAGE" != 0 ]]; then
  dotnet run -c Release --no-build --project bench/Portal.Bench -- rollup --db "$DB"
fi

# A saved test card for every account, for the payment pages (a no-op once every account has one).
dotnet run -c Release --no-build --project bench/Portal.Bench -- cards --db "$DB"

# A copy, so that the logins and anything the pages write never change the generated data set.
if [[ "${COPY:-1}" == 1 || ! -f "$OUT/run.db" ]]; then
  cp "$DB" "$OUT/run.db"
  rm -f "$OUT/run.db-wal" "$OUT/run.db-shm"
fi

export ConnectionStrings__Portal="Data Source=$PWD/$OUT/run.db"
export DemoData__Enabled=false
export Security__SecureCookies=false
export ASPNETCORE_ENVIRONMENT=Production
export Logging__LogLevel__Default=Warning
# Thirty-two logins from one address in a few seconds are what the login rate limit is there to stop.
export RateLimits__Enabled=false

# An API key for the ingest measurement (empty where the portal has no integration API).
API_KEY=$(dotnet run -c Release --no-build --project "$PORTAL" --no-launch-profile -- api-key create bench 2>/dev/null | tail -n 1 || true)

dotnet run -c Release --no-build --project "$PORTAL" --no-launch-profile --urls "$URL" > "$OUT/portal.log" 2>&1 &
PORTAL_PID=$!
APP_PID=""
REF_PID=""
stop_portal() {
  # dotnet run starts the app as a child: stop both, by pid.
  if [[ -n "$APP_PID" ]]; then kill -TERM "$APP_PID" 2>/dev/null || true; fi
  kill -TERM "$PORTAL_PID" 2>/dev/null || true
  if [[ -n "$REF_PID" ]]; then kill -TERM "$REF_PID" 2>/dev/null || true; fi
  wait "$PORTAL_PID" 2>/dev/null || true
}
trap stop_portal EXIT

for _ in $(seq 1 120); do
  if curl -fsS "$URL/healthz" > /dev/null 2>&1; then break; fi
  sleep 0.5
done
curl -fsS "$URL/healthz" > /dev/null
# The app itself (dotnet run's child), whose CPU time the load test reads from /proc.
APP_PID=$(pgrep -P "$PORTAL_PID" | head -n 1 || true)
APP_PID=${APP_PID:-$PORTAL_PID}

REFERENCE_ARGS=()
if [[ "${REFERENCE:-1}" == 1 ]]; then
  REF_URL="http://127.0.0.1:${REFERENCE_PORT:-5081}"
  # The built executable, not dotnet run: its own pid is the process whose CPU the load test reads.
  bench/Portal.Bench/bin/Release/net10.0/Portal.Bench reference --db "$OUT/run.db" --url "$REF_URL" > "$OUT/reference.log" 2>&1 &
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
  echo
  dotnet run -c Release --no-build --project bench/Portal.Bench -- load \
    --url "$URL" --users "$USERS" --seconds "$SECONDS_PER_PHASE" --warmup "$WARMUP" --settle "${SETTLE:-30}" \
    --users-file "$USERS_FILE" --mode "$MODE" --server-pid "$APP_PID" --db "$DB" ${PAGES:+--pages "$PAGES"} \
    ${AS_USER:+--as-user "$AS_USER"} "${REFERENCE_ARGS[@]}"
  if [[ -n "$API_KEY" && "${INGEST:-1}" == 1 ]]; then
    echo
    dotnet run -c Release --no-build --project bench/Portal.Bench -- ingest \
      --url "$URL" --api-key "$API_KEY" --users-file "$USERS_FILE" --batches "${BATCHES:-30}" --batch-size "${BATCH_SIZE:-10000}" --warmup "${INGEST_WARMUP:-10}" --server-pid "$APP_PID"
  fi
  if [[ "$USAGE" != 0 && "${EXPORT:-1}" == 1 ]]; then
    echo
    dotnet run -c Release --no-build --project bench/Portal.Bench -- export --db "$DB" --sizes "${EXPORT_SIZES:-1000,10000,100000}"
  fi
} | tee "$RESULT"
echo "saved to $RESULT"
