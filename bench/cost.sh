#!/usr/bin/env bash
# What each customer page costs the server, for one median account and for the largest account (issue 16):
# one person, 16 connections, every page alone, server CPU per request read from /proc, and the same for the
# reference (the overview's figures in hand-written SQL, no framework) so that each page is also reported as
# a multiple of that floor. Two runs of bench/run.sh on the same copy of the data set.
#
#   bench/cost.sh
#   DURATION=10 WARMUP=3 bench/cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ACCOUNTS=${ACCOUNTS:-10000}
INVOICES=${INVOICES:-1000000}
USAGE=${USAGE:-10000000}
USERS_FILE="bench/out/users-${ACCOUNTS}-${INVOICES}-${USAGE}.tsv"
if [[ ! -f "$USERS_FILE" ]]; then
  echo "No $USERS_FILE: run bench/run.sh once to generate the data set." >&2
  exit 2
fi

# The users file: email, account, its invoice count. The median account by invoices, and the largest.
MEDIAN=$(grep -v '^#' "$USERS_FILE" | sort -t$'\t' -k3,3n | awk -F'\t' '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
LARGEST=$(grep -v '^#' "$USERS_FILE" | sort -t$'\t' -k3,3n | tail -n 1 | cut -f1)
PAGES=${PAGES:-'overview,invoices `/invoices`,credits `/credits`,payments `/payments`,about,static'}

export USERS=${USERS:-16} MODE=each INGEST=0 EXPORT=0 PAGES
export DURATION=${DURATION:-15} WARMUP=${WARMUP:-5}
echo "== median account: $MEDIAN"
AS_USER="$MEDIAN" COPY=${COPY:-1} bench/run.sh
echo "== largest account: $LARGEST"
AS_USER="$LARGEST" COPY=0 bench/run.sh
