#!/usr/bin/env bash
# Runs every test of the portal, on SQLite and on PostgreSQL, on a Debian machine with the .NET SDK.
#
#   ./test.sh               install what is missing, start PostgreSQL, build, run both test runs
#   ./test.sh --setup-only  install and start PostgreSQL, then stop (for running single tests by hand)
#
# What it installs from Debian's packages when missing (as root, or through sudo): nodejs and npm
# (the test SMTP server in tests/smtp and the OpenAPI linter in tests/openapi, each installed with
# npm ci from its lockfile), postgresql,
# chromium (the browser tests drive /usr/bin/chromium; Playwright downloads nothing), poppler-utils
# (pdftotext checks the invoice PDFs), fonts-dejavu-core and nginx (the scale tests put it in front of
# three portal instances, as docs/deployment.md deploys it). A second run installs nothing.
#
# The last line it prints is "N passed, N failed", summed over both runs; the exit code is non-zero
# when anything is missing, any test fails, or a test run produced no results.
set -euo pipefail
cd "$(dirname "$0")"

export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PG_ROLE=portal_test
PG_PASSWORD=portal_test
RESULTS_DIR="$PWD/TestResults"

say() { printf '== %s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@" || die "'$*' needs root; run ./test.sh as root or with passwordless sudo."
    else
        die "'$*' needs root and sudo is not installed; run ./test.sh as root."
    fi
}

as_postgres() {
    # From / so that psql does not complain about a home directory it cannot read.
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && sudo -n -u postgres "$@")
    fi
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
    local missing=()
    for package in postgresql chromium poppler-utils fonts-dejavu-core nginx; do
        installed "$package" || missing+=("$package")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        say "Debian packages: all present"
        return
    fi

    say "Installing ${missing[*]}"
    as_root apt-get update -q
    # Recommends (printer dialogs, perl, notification daemon...) add minutes and nothing a headless
    # browser, a database server or pdftotext needs.
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
    for package in "${missing[@]}"; do
        installed "$package" || die "package $package did not install"
    done
}

# Node runs the real SMTP server the e-mail tests send to (tests/smtp, npm's smtp-server). Debian's
# nodejs and npm when the machine has no node of its own (a NodeSource node already brings npm).
install_node() {
    if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
        return
    fi
    say "Installing nodejs npm"
    as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends nodejs npm
}

install_node_packages() {
    local dir
    # tests/smtp: the real SMTP server of the e-mail tests; tests/openapi: Redocly's linter for the API document.
    for dir in tests/smtp tests/openapi; do
        say "npm ci in $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
    done
}

check_tools() {
    command -v dotnet >/dev/null || die "the .NET SDK (dotnet) is not on PATH"
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing after installing chromium"
    command -v pdftotext >/dev/null || die "pdftotext is missing after installing poppler-utils"
    command -v pg_lsclusters >/dev/null || die "pg_lsclusters is missing after installing postgresql"
    command -v node >/dev/null || die "node is missing after installing nodejs"
    [ -x /usr/sbin/nginx ] || die "/usr/sbin/nginx is missing after installing nginx (the scale tests need it)"
}

# Prints "version name port status" of the cluster to use: an existing one if there is any (the
# newest version first), otherwise a new one, created for the newest server version installed.
# Debian 12 ships PostgreSQL 15; nothing here assumes that number.
pick_cluster() {
    local line
    line=$(pg_lsclusters --no-header 2>/dev/null | sort -k1,1V | tail -n 1 || true)
    if [ -z "$line" ]; then
        local version
        version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)
        [ -n "$version" ] || die "no PostgreSQL server is installed under /usr/lib/postgresql"
        say "Creating PostgreSQL $version cluster 'main'" >&2
        as_root pg_createcluster "$version" main >&2
        line=$(pg_lsclusters --no-header | awk -v v="$version" '$1 == v && $2 == "main"')
    fi
    echo "$line" | awk '{ print $1, $2, $3, $4 }'
}

start_postgres() {
    local cluster
    cluster=$(pick_cluster) || die "could not find or create a PostgreSQL cluster"
    read -r PG_VERSION PG_CLUSTER PG_PORT PG_STATUS <<<"$cluster" || true
    [ -n "${PG_STATUS:-}" ] || die "could not find or create a PostgreSQL cluster (pg_lsclusters: $cluster)"
    if [ "$PG_STATUS" != "online" ]; then
        say "Starting PostgreSQL $PG_VERSION/$PG_CLUSTER on port $PG_PORT"
        as_root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
    fi

    local waited=0
    until pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; do
        [ "$waited" -lt 60 ] || die "PostgreSQL $PG_VERSION/$PG_CLUSTER did not accept connections on 127.0.0.1:$PG_PORT within 60 s"
        sleep 1
        waited=$((waited + 1))
    done
    say "PostgreSQL $PG_VERSION/$PG_CLUSTER is ready on 127.0.0.1:$PG_PORT"

    # The tests create (and drop) one database per test host, so the role needs CREATEDB; and they drop it
    # WITH (FORCE) while an autovacuum worker may be in it (a freshly seeded database invites one), which
    # PostgreSQL allows only to a member of pg_signal_backend ("must be a member of the role whose process is
    # being terminated", seen once in a clean run of this script, in a test that drops its database under a
    # running host).
    as_postgres psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_ROLE') THEN
        CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    ELSE
        ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    END IF;
END
\$\$;
GRANT pg_signal_backend TO $PG_ROLE;
SQL
    PORTAL_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=$PG_ROLE;Password=$PG_PASSWORD;Database=postgres"
    PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d postgres -qAtc 'select 1' >/dev/null \
        || die "cannot log in to PostgreSQL as $PG_ROLE with a password on 127.0.0.1:$PG_PORT (check pg_hba.conf)"
}

TOTAL_PASSED=0
TOTAL_FAILED=0
STATUS=0
SUMMARY=()

# Runs one test project with one provider and adds its trx counts to the totals. A run that fails
# to produce results counts as failed; skipped or not-executed tests count as failed too (the
# project has no skipped tests by rule, so one appearing is a mistake to see).
run_tests() {
    local label=$1 project=$2
    local name
    name=$(basename "$project" .csproj)
    local dir="$RESULTS_DIR/$label"
    local trx="$dir/$name.trx"
    rm -f "$trx"
    say "Testing $name on $label"
    local code=0
    dotnet test "$project" --no-build --nologo --results-directory "$dir" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" || code=$?
    count_results "$label" "$name" "$code"
}

# Starts a test project in the background, its console output in TestResults/<label>/<name>.log;
# finish_background_tests waits for it and counts its results like run_tests.
BACKGROUND_PID=""
BACKGROUND_ARGS=()
start_background_tests() {
    local label=$1 project=$2
    local name
    name=$(basename "$project" .csproj)
    local dir="$RESULTS_DIR/$label"
    mkdir -p "$dir"
    rm -f "$dir/$name.trx"
    say "Testing $name on $label (in the background, output in $dir/$name.log)"
    dotnet test "$project" --no-build --nologo --results-directory "$dir" \
        --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" > "$dir/$name.log" 2>&1 &
    BACKGROUND_PID=$!
    BACKGROUND_ARGS=("$label" "$name")
}

finish_background_tests() {
    local code=0
    wait "$BACKGROUND_PID" || code=$?
    say "Output of ${BACKGROUND_ARGS[1]} on ${BACKGROUND_ARGS[0]}"
    cat "$RESULTS_DIR/${BACKGROUND_ARGS[0]}/${BACKGROUND_ARGS[1]}.log"
    count_results "${BACKGROUND_ARGS[0]}" "${BACKGROUND_ARGS[1]}" "$code"
}

count_results() {
    local label=$1 name=$2 code=$3
    local dir="$RESULTS_DIR/$label"
    local trx="$dir/$name.trx"
    local total=0 passed=0
    if [ -f "$trx" ]; then
        local counters
        counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
        total=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
        passed=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
    fi
    local failed=$((total - passed))
    if [ ! -f "$trx" ] || [ "$total" -eq 0 ]; then
        printf 'test.sh: %s on %s produced no test results (exit code %s)\n' "$name" "$label" "$code" >&2
        failed=$((failed + 1))
    fi
    if [ "$code" -ne 0 ] && [ "$failed" -eq 0 ]; then
        # dotnet test failed without a failing test (a crash, an aborted host): still a failure.
        failed=1
    fi
    [ "$failed" -eq 0 ] || STATUS=1
    TOTAL_PASSED=$((TOTAL_PASSED + passed))
    TOTAL_FAILED=$((TOTAL_FAILED + failed))
    SUMMARY+=("$label $name: $passed passed, $failed failed")
}

install_packages
install_node
install_node_packages
check_tools
start_postgres
if [ "${1:-}" = "--setup-only" ]; then
    echo "PORTAL_TEST_PG=\"$PORTAL_TEST_PG\""
    exit 0
fi

say "Building"
dotnet build Portal.slnx --nologo -v quiet || die "the build failed"

# Formatting, style and analyzers as .editorconfig sets them: the tree must already be as `dotnet format`
# would leave it. A difference counts as one failure (and is listed), but the tests still run.
say "Checking formatting (dotnet format --verify-no-changes)"
mkdir -p "$RESULTS_DIR"
if dotnet format Portal.slnx --verify-no-changes --no-restore -v quiet > "$RESULTS_DIR/format.log" 2>&1; then
    SUMMARY+=("format: no changes needed")
else
    grep -E 'error|warning' "$RESULTS_DIR/format.log" | head -n 50 >&2 || true
    SUMMARY+=("format: FAILED, run 'dotnet format Portal.slnx' (details in TestResults/format.log)")
    TOTAL_FAILED=$((TOTAL_FAILED + 1))
    STATUS=1
fi

# The scale tests (tests/Portal.ScaleTests: three portal processes on PostgreSQL behind nginx) run beside
# the SQLite runs, which never touch PostgreSQL; they create a database of their own with a unique name and
# drop it at the end, so they share nothing with the PostgreSQL run after them either.
PORTAL_TEST_PG=$PORTAL_TEST_PG start_background_tests scale tests/Portal.ScaleTests/Portal.ScaleTests.csproj

# SQLite: every test project.
PORTAL_TEST_DB=Sqlite run_tests sqlite tests/Portal.Tests/Portal.Tests.csproj
PORTAL_TEST_DB=Sqlite run_tests sqlite tests/Portal.BrowserTests/Portal.BrowserTests.csproj

# PostgreSQL: the integration tests again. The browser tests are not repeated: they drive the
# pages through Chromium against a host on a SQLite file of their own, so a second run would test
# the same thing; the database behaviour behind those pages is covered by Portal.Tests on both.
PORTAL_TEST_DB=Postgres PORTAL_TEST_PG=$PORTAL_TEST_PG run_tests postgres tests/Portal.Tests/Portal.Tests.csproj

finish_background_tests

# The failures again, last, so that a log cut to its tail (CI keeps the end) still names them.
print_failures() {
    local trx
    for trx in "$RESULTS_DIR"/*/*.trx; do
        [ -f "$trx" ] || continue
        awk -v run="$(basename "$(dirname "$trx")")" '
            /<UnitTestResult / && /outcome="(Failed|NotExecuted|Timeout|Aborted|Error)"/ {
                match($0, /testName="[^"]*"/)
                name = substr($0, RSTART + 10, RLENGTH - 11)
                gsub(/&quot;/, "\"", name); gsub(/&amp;/, "\\&", name)
                print "FAILED (" run "): " name
                inside = 1; lines = 0; next
            }
            inside && /<\/UnitTestResult>/ { inside = 0; next }
            inside && lines < 25 { gsub(/&lt;/, "<"); gsub(/&gt;/, ">"); gsub(/&quot;/, "\""); gsub(/&amp;/, "\\&"); print "    " $0; lines++ }
        ' "$trx"
    done
}

echo
print_failures
for line in "${SUMMARY[@]}"; do
    echo "$line"
done
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit "$STATUS"
