#!/usr/bin/env bash
# `make bench`: catalog reads against gunicorn + PostgreSQL + Redis with the 100,000-product demo
# catalog, driven by wrk, with nginx serving a static file of the product list's size as the yardstick;
# then the buyer flow with Celery eager, the same flow with a Celery worker beside gunicorn (how long the
# outbox takes to drain afterwards), and many buyers on one hot product (checked for oversell).
#
# Everything it starts (gunicorn, the Celery worker, nginx) it stops again by PID, also on failure or
# Ctrl-C. The figures go to the terminal and to var/bench/latest.txt; raw wrk output and the logs stay in
# var/bench/. Knobs (environment): BENCH_DATABASE_URL (default: shop_bench for 100,000 products,
# shop_bench_<size> for other sizes, e.g. shop_bench_1m), BENCH_REDIS_URL, BENCH_PRODUCTS, BENCH_WORKLOADS,
# BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_SINGLE_DURATION, BENCH_WRK_THREADS, BENCH_WORKERS, BENCH_THREADS,
# BENCH_FLOW_CONNECTIONS, BENCH_BROKER_URL, BENCH_CELERY_CONCURRENCY, BENCH_DRAIN_TIMEOUT, BENCH_HOT_CONNECTIONS,
# BENCH_HOT_STOCK, BENCH_PORT, BENCH_NGINX_PORT, BENCH_BARE_PORT, BENCH_OUT. See docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/14}
BENCH_PRODUCTS=${BENCH_PRODUCTS:-100000}
# One database per catalog size, so that a 1,000,000-product run never finds (or adds to) the 100,000 one.
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  size=$BENCH_PRODUCTS
  if [ $((size % 1000000)) = 0 ]; then size="$((size / 1000000))m"; elif [ $((size % 1000)) = 0 ]; then size="$((size / 1000))k"; fi
  [ "$BENCH_PRODUCTS" = 100000 ] && suffix="" || suffix="_$size"
  BENCH_DATABASE_URL="postgres://postgres@127.0.0.1:5432/shop_bench$suffix"
fi
BENCH_WORKLOADS=${BENCH_WORKLOADS:-list category search search_typo detail page home healthz}
BENCH_DURATION=${BENCH_DURATION:-15}        # seconds measured per request type
BENCH_WARMUP=${BENCH_WARMUP:-3}             # seconds of warm-up per request type, not counted
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-16}  # concurrent connections wrk keeps open
BENCH_SINGLE_DURATION=${BENCH_SINGLE_DURATION:-6}  # seconds per request type at one connection
BENCH_WRK_THREADS=${BENCH_WRK_THREADS:-2}
BENCH_FLOW_CONNECTIONS=${BENCH_FLOW_CONNECTIONS:-4}  # buyers going through the purchase flow at once
# The production split: a Celery worker (with its beat) beside gunicorn, on a Redis database of its own (the
# cache's is flushed by each run; the queue must not be). Redis rather than RabbitMQ: the bench needs Redis
# anyway, so the split adds no service to install or start.
BENCH_BROKER_URL=${BENCH_BROKER_URL:-redis://127.0.0.1:6379/13}
BENCH_CELERY_CONCURRENCY=${BENCH_CELERY_CONCURRENCY:-2}  # worker processes: one per core
BENCH_DRAIN_TIMEOUT=${BENCH_DRAIN_TIMEOUT:-300}  # seconds to wait for the outbox to drain after a run
BENCH_HOT_CONNECTIONS=${BENCH_HOT_CONNECTIONS:-16}  # buyers on the one hot product at once
BENCH_HOT_STOCK=${BENCH_HOT_STOCK:-1000000}  # its units at the start (small: watch it sell out, never oversell)
# gunicorn: 2 cores shared with PostgreSQL, Redis and wrk itself. Requests are CPU-bound Python with
# short database waits: one process per core plus one or two to fill those waits (see PERFORMANCE.md).
BENCH_WORKERS=${BENCH_WORKERS:-4}
BENCH_THREADS=${BENCH_THREADS:-1}
BENCH_PORT=${BENCH_PORT:-8090}
BENCH_NGINX_PORT=${BENCH_NGINX_PORT:-8091}
BENCH_BARE_PORT=${BENCH_BARE_PORT:-8092}

PY=.venv/bin/python
OUT=${BENCH_OUT:-var/bench}  # results and logs
mkdir -p "$OUT"
: >"$OUT/latest.txt"
say() { echo "$*" | tee -a "$OUT/latest.txt"; }

pids=()
groups=()  # those of pids started as a process group of their own (the Celery worker and its children)
scratch=$(mktemp -d /tmp/shop-bench.XXXXXX)
chmod 755 "$scratch"
stop() {  # pid...: TERM, up to 10 s to finish, then KILL (the whole group for a group); forgotten from pids
  local pid target keep=()
  for pid in "$@"; do
    target=$pid
    [[ " ${groups[*]} " == *" $pid "* ]] && target=-$pid
    kill -TERM -- "$target" 2>/dev/null || true
  done
  for pid in "$@"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    target=$pid
    [[ " ${groups[*]} " == *" $pid "* ]] && target=-$pid
    kill -KILL -- "$target" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    [[ " $* " == *" $pid "* ]] || keep+=("$pid")
  done
  pids=("${keep[@]}")
}
cleanup() {
  [ ${#pids[@]} -gt 0 ] && stop "${pids[@]}"
  rm -rf "$scratch"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM

# --- Tools: wrk and nginx from Debian, installed when missing and running as root ----------------------
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench: missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "bench: installing ${missing[*]} with apt-get"
  # Install without starting Debian's own nginx service (it would take port 80 and keep running).
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy_added=1
  fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) || {
    [ $policy_added = 1 ] && rm -f /usr/sbin/policy-rc.d
    echo "bench: apt-get could not install ${missing[*]}" >&2
    exit 1
  }
  [ $policy_added = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

for port in "$BENCH_PORT" "$BENCH_NGINX_PORT" "$BENCH_BARE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench: port $port is in use; set BENCH_PORT / BENCH_NGINX_PORT" >&2
    exit 1
  fi
done

# --- The app's environment: production settings on loopback ------------------------------------------
export DATABASE_URL=$BENCH_DATABASE_URL REDIS_URL=$BENCH_REDIS_URL CACHE_KEY_PREFIX=bench
export DEBUG=0 SECRET_KEY="bench-$($PY -c 'import secrets; print(secrets.token_urlsafe(40))')"
export METRICS_TOKEN="bench-$($PY -c 'import secrets; print(secrets.token_urlsafe(24))')"
export SITE_URL="http://127.0.0.1:$BENCH_PORT" ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING
# wrk sends a different X-Forwarded-For per request (bench/wrk/paths.lua): the app trusts one proxy,
# so the per-client API throttle sees thousands of shoppers rather than one client over its limit.
export TRUSTED_PROXY_COUNT=1
# Each bench shopper checks out far more often than a person (FLOW_BUYERS loop the whole flow), and a run's
# last flows may end unpaid: lift the per-buyer pace caps of fair holds (orders.services.fairness), not the
# units or open orders a buyer may hold.
export CHECKOUTS_PER_MINUTE=1000000 CHECKOUT_BACKOFF_AFTER=1000000
unset CELERY_BROKER_URL

# --- Database: migrate and seed the 100k catalog (only what is missing) ------------------------------
$PY bench/workloads.py createdb "$BENCH_DATABASE_URL"
$PY manage.py migrate --noinput -v0
started=$SECONDS
seed_output=$($PY manage.py seed_demo --products "$BENCH_PRODUCTS")
echo "$seed_output" | head -1 >&2
seed_line=$(grep -o '[0-9]* products in [0-9.]* s' <<<"$seed_output" || true)
if [ -n "$seed_line" ]; then
  say "Seeded the demo catalog: $seed_line ($((SECONDS - started)) s for the whole seed_demo command)"
fi
$PY manage.py collectstatic --noinput -v0
$PY -c "import redis, os; redis.Redis.from_url(os.environ['REDIS_URL']).flushdb()"
$PY bench/workloads.py paths "$OUT/paths"
BENCH_HOT_STOCK=$BENCH_HOT_STOCK $PY bench/workloads.py buyers "$OUT/paths"
$PY bench/workloads.py shoppers "$OUT/paths"

# --- The app under gunicorn --------------------------------------------------------------------------
: >"$OUT/access.log"
: >"$OUT/wrk.txt"
rm -f "$OUT"/drain-*.json "$OUT/hot-check.json"
worker_class=sync
[ "$BENCH_THREADS" -gt 1 ] && worker_class=gthread
app_pid=
start_app() {  # gunicorn with the environment as it is now (the Celery settings are read at start)
  .venv/bin/gunicorn shop.wsgi \
    --bind "127.0.0.1:$BENCH_PORT" --workers "$BENCH_WORKERS" --threads "$BENCH_THREADS" \
    --worker-class "$worker_class" --backlog 2048 \
    --access-logfile "$OUT/access.log" --access-logformat '%({x-bench}i)s %(s)s %(D)s %(U)s?%(q)s' \
    --error-logfile "$OUT/gunicorn.log" &
  app_pid=$!
  pids+=("$app_pid")
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$BENCH_PORT/healthz" >/dev/null && return 0
    kill -0 "$app_pid" 2>/dev/null || { echo "bench: gunicorn did not start, see $OUT/gunicorn.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "bench: gunicorn did not answer /healthz, see $OUT/gunicorn.log" >&2
  exit 1
}
start_app

facts=$($PY manage.py shell --no-imports -v0 -c "
from django.db import connection
with connection.cursor() as c:
    c.execute(\"SELECT count(*) FROM catalog_product WHERE status = 'active'\")
    v = connection.pg_version
    print(c.fetchone()[0], f'{v // 10000}.{v % 100}')")
read -r products pg_version <<<"$facts"
revision=$(git rev-parse --short HEAD 2>/dev/null || echo '?')
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && revision="$revision with local changes"
say "make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $revision"
say "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
say "App: gunicorn, $BENCH_WORKERS $worker_class workers x $BENCH_THREADS threads, DEBUG=0, PostgreSQL $pg_version, Redis cache"
say "Catalog: $products active products. Load: wrk on the same machine, $BENCH_CONNECTIONS connections ($BENCH_WRK_THREADS threads), ${BENCH_WARMUP} s warm-up + ${BENCH_DURATION} s per request type, anonymous then signed in; then ${BENCH_SINGLE_DURATION} s each signed in at one connection"
say ""

# --- Load ----------------------------------------------------------------------------------------------
run_wrk() {  # name paths-file url seconds
  # In the background and waited for, so that a TERM or Ctrl-C is handled (and wrk stopped) at once.
  BENCH_NAME=$1 BENCH_PATHS=$2 timeout $(($4 + 30)) wrk -t"$BENCH_WRK_THREADS" -c"$BENCH_CONNECTIONS" -d"$4s" \
    --timeout 10s --latency -s bench/wrk/paths.lua "$3" &
  local pid=$! status=0
  pids+=("$pid")
  wait "$pid" || status=$?
  unset 'pids[-1]'
  return $status
}
for name in $BENCH_WORKLOADS; do
  paths="$OUT/paths/$name.txt"
  [ -s "$paths" ] || { say "$name: unknown workload (see bench/workloads.py)"; continue; }
  first=$(head -1 "$paths")
  status=$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 10.0.0.1' "http://127.0.0.1:$BENCH_PORT$first")
  if [ "$status" != 200 ]; then
    say "$name: skipped, $first answers $status"
    continue
  fi
  echo "bench: $name ..." >&2
  # Steady state: every path of the workload asked for once (products a store's shoppers visited
  # within the cache's lifetime); first visits, all computed, are what the signed-in rows show.
  $PY bench/workloads.py warm "$paths" "http://127.0.0.1:$BENCH_PORT"
  run_wrk warmup "$paths" "http://127.0.0.1:$BENCH_PORT" "$BENCH_WARMUP" >/dev/null
  run_wrk "$name" "$paths" "http://127.0.0.1:$BENCH_PORT" "$BENCH_DURATION" >"$OUT/wrk-$name.log"
  grep '^RESULT ' "$OUT/wrk-$name.log" >>"$OUT/wrk.txt"
done
# Then as a signed-in visitor (a session cookie): the shared cache of public answers does not apply,
# so every answer is computed (the search results cache still does its part). First under the same
# load, then one request at a time: no queueing, nothing else competing for the CPU, so the server
# times are what computing one answer costs (the search goal is about these).
visitor="sessionid=bench-signed-in-visitor"
for name in $BENCH_WORKLOADS; do
  [ "$name" != healthz ] && grep -q "^RESULT $name " "$OUT/wrk.txt" || continue
  echo "bench: $name, signed in ..." >&2
  BENCH_COOKIE=$visitor run_wrk "$name+session" "$OUT/paths/$name.txt" "http://127.0.0.1:$BENCH_PORT" \
    "$BENCH_DURATION" >"$OUT/wrk-$name-session.log"
  grep '^RESULT ' "$OUT/wrk-$name-session.log" >>"$OUT/wrk.txt"
done
for name in $BENCH_WORKLOADS; do
  grep -q "^RESULT $name " "$OUT/wrk.txt" || continue
  echo "bench: $name, signed in, one connection ..." >&2
  BENCH_COOKIE=$visitor BENCH_CONNECTIONS=1 BENCH_WRK_THREADS=1 run_wrk "$name@1" "$OUT/paths/$name.txt" \
    "http://127.0.0.1:$BENCH_PORT" "$BENCH_SINGLE_DURATION" >"$OUT/wrk-$name-single.log"
  grep '^RESULT ' "$OUT/wrk-$name-single.log" >>"$OUT/wrk.txt"
done

# The landing page of signed-in shoppers with a purchase history (real sessions, one per shopper), against
# the anonymous home page computed above (issue 13: within 2x). First each shopper's first visit, one at a
# time (nothing cached for them yet); then the steady state (plans cached per shopper until their history
# or the trending scores change) under load and at one connection.
if [[ " $BENCH_WORKLOADS " == *" home "* ]] && [ -s "$OUT/paths/shoppers.txt" ]; then
  echo "bench: home page, shoppers with a history ..." >&2
  $PY bench/workloads.py first "$OUT/paths/shoppers.txt" "http://127.0.0.1:$BENCH_PORT"
  BENCH_COOKIES="$OUT/paths/shoppers.txt" run_wrk "home_shopper+session" "$OUT/paths/home.txt" \
    "http://127.0.0.1:$BENCH_PORT" "$BENCH_DURATION" >"$OUT/wrk-home-shopper.log"
  grep '^RESULT ' "$OUT/wrk-home-shopper.log" >>"$OUT/wrk.txt"
  BENCH_COOKIES="$OUT/paths/shoppers.txt" BENCH_CONNECTIONS=1 BENCH_WRK_THREADS=1 run_wrk "home_shopper@1" \
    "$OUT/paths/home.txt" "http://127.0.0.1:$BENCH_PORT" "$BENCH_SINGLE_DURATION" >"$OUT/wrk-home-shopper-single.log"
  grep '^RESULT ' "$OUT/wrk-home-shopper-single.log" >>"$OUT/wrk.txt"
fi

# --- The buyer flow: add to cart, view cart, check out, pay (signed in with Bearer tokens) ---------
run_flow() {  # name products-file connections [seconds]: wrk, one thread per connection (flow.lua: a flow a thread)
  local seconds=${4:-$BENCH_DURATION}
  BENCH_NAME=$1 BENCH_BUYERS="$OUT/paths/flow-buyers.txt" BENCH_PRODUCTS=$2 BENCH_FLOW_CONNECTIONS=$3 \
    timeout $((seconds + 30)) wrk -t"$3" -c"$3" -d"${seconds}s" --timeout 10s \
    -s bench/wrk/flow.lua "http://127.0.0.1:$BENCH_PORT" >"$OUT/wrk-$1.log" &
  local pid=$!
  pids+=("$pid")
  wait "$pid" || true
  unset 'pids[-1]'
  grep '^RESULT ' "$OUT/wrk-$1.log" >>"$OUT/wrk.txt" || say "$1: no result, see $OUT/wrk-$1.log"
}
# First as `make run` and this bench so far: Celery eager, every subscriber inside the request.
echo "bench: buyer flow, subscribers inline ..." >&2
run_flow flow "$OUT/paths/flow-products.txt" "$BENCH_FLOW_CONNECTIONS"

# Then the production split: the requests only write the outbox and queue its deliveries; a Celery worker
# (with beat, for the buffered recommendation signals and the redispatch of late deliveries) runs the
# subscribers. gunicorn restarts, as the broker setting decides eager or not when the app starts.
echo "bench: starting a Celery worker ($BENCH_CELERY_CONCURRENCY processes) on $BENCH_BROKER_URL ..." >&2
stop "$app_pid"
export CELERY_BROKER_URL=$BENCH_BROKER_URL
.venv/bin/celery -A shop purge -f >/dev/null  # nothing queued by an earlier run
# A session of its own (setsid: the PID is the group's), so that stopping it stops its pool processes too.
setsid .venv/bin/celery -A shop worker --beat --schedule "$scratch/celerybeat-schedule" \
  --concurrency "$BENCH_CELERY_CONCURRENCY" --hostname "bench-$$@127.0.0.1" --without-gossip --without-mingle \
  --loglevel WARNING >"$OUT/celery.log" 2>&1 &
worker_pid=$!
pids+=("$worker_pid")
groups+=("$worker_pid")
for attempt in $(seq 30); do
  .venv/bin/celery -A shop inspect ping --destination "bench-$$@127.0.0.1" --timeout 1 >/dev/null 2>&1 && break
  kill -0 "$worker_pid" 2>/dev/null && [ "$attempt" != 30 ] || {
    echo "bench: the Celery worker did not start, see $OUT/celery.log" >&2
    exit 1
  }
done
start_app
# The fresh gunicorn's first requests load what the first one's had loaded long before: not counted.
run_flow flow_warmup "$OUT/paths/flow-products.txt" "$BENCH_FLOW_CONNECTIONS" "$BENCH_WARMUP"
flow_since=$(date +%s.%N)
echo "bench: buyer flow, subscribers on the worker ..." >&2
run_flow flow_worker "$OUT/paths/flow-products.txt" "$BENCH_FLOW_CONNECTIONS"
$PY bench/workloads.py drain "$OUT" flow_worker "$flow_since" "$BENCH_DRAIN_TIMEOUT"

# Many buyers on one product: every checkout locks the same stock row. Then the books must balance.
echo "bench: hot product, $BENCH_HOT_CONNECTIONS buyers on one variant ..." >&2
hot_since=$(date +%s.%N)
run_flow hot "$OUT/paths/hot-product.txt" "$BENCH_HOT_CONNECTIONS"
$PY bench/workloads.py drain "$OUT" hot "$hot_since" "$BENCH_DRAIN_TIMEOUT"
hot_ok=1
$PY bench/workloads.py hotcheck "$OUT" || hot_ok=0
stop "$worker_pid"

# --- The yardstick: nginx serving the product list's bytes as a static file ---------------------------
mkdir -p "$scratch/www" "$scratch/tmp"
list_path=/api/v1/products  # the first page, as a shopper opening the catalog gets it
if ! curl -fs -H 'X-Forwarded-For: 10.0.0.1' "http://127.0.0.1:$BENCH_PORT$list_path" -o "$scratch/www/list.json"; then
  head -c 16384 /dev/zero | tr '\0' 'x' >"$scratch/www/list.json"  # no list yet: a 16 KiB stand-in
fi
chmod -R a+rX "$scratch"
sed -e "s|@DIR@|$scratch|g" -e "s|@PORT@|$BENCH_NGINX_PORT|g" -e "s|@APP_PORT@|$BENCH_PORT|g" \
  bench/nginx.conf.template >"$scratch/nginx.conf"
"$NGINX" -p "$scratch" -c "$scratch/nginx.conf" -g 'daemon off;' 2>>"$OUT/nginx.log" &
pids+=($!)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$BENCH_NGINX_PORT/list.json" -o /dev/null && break; sleep 0.1; done
echo "/list.json" >"$scratch/nginx-paths.txt"
echo "bench: nginx ..." >&2
run_wrk warmup "$scratch/nginx-paths.txt" "http://127.0.0.1:$BENCH_NGINX_PORT" 2 >/dev/null
run_wrk nginx "$scratch/nginx-paths.txt" "http://127.0.0.1:$BENCH_NGINX_PORT" "$BENCH_DURATION" >"$OUT/wrk-nginx.log"
grep '^RESULT ' "$OUT/wrk-nginx.log" >>"$OUT/wrk.txt"
say "Static file served by nginx: $(wc -c <"$scratch/www/list.json") bytes, the size of $list_path"
# Django's own ceiling: a bare view returning the same bytes, no middleware, database or cache, under gunicorn with
# the store's worker settings (bench/bare_settings.py): every figure above is also a share of this one.
echo "bench: bare Django view ..." >&2
BENCH_BARE_FILE="$scratch/www/list.json" .venv/bin/gunicorn --pythonpath bench bare_wsgi:application \
  --bind "127.0.0.1:$BENCH_BARE_PORT" --workers "$BENCH_WORKERS" --threads "$BENCH_THREADS" \
  --worker-class "$worker_class" --backlog 2048 --error-logfile "$OUT/gunicorn-bare.log" &
pids+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$BENCH_BARE_PORT/bare" -o /dev/null && break; sleep 0.2; done
echo "/bare" >"$scratch/bare-paths.txt"
run_wrk warmup "$scratch/bare-paths.txt" "http://127.0.0.1:$BENCH_BARE_PORT" 2 >/dev/null
run_wrk django_bare "$scratch/bare-paths.txt" "http://127.0.0.1:$BENCH_BARE_PORT" "$BENCH_DURATION" \
  >"$OUT/wrk-django-bare.log"
grep '^RESULT ' "$OUT/wrk-django-bare.log" >>"$OUT/wrk.txt"
# The same product list pages through nginx's cache (a warm-up fills it; hits never reach gunicorn).
if grep -q '^RESULT list ' "$OUT/wrk.txt"; then
  echo "bench: list through the nginx cache ..." >&2
  run_wrk warmup "$OUT/paths/list.txt" "http://127.0.0.1:$BENCH_NGINX_PORT" 2 >/dev/null
  run_wrk list_cached "$OUT/paths/list.txt" "http://127.0.0.1:$BENCH_NGINX_PORT" "$BENCH_DURATION" \
    >"$OUT/wrk-list-cached.log"
  grep '^RESULT ' "$OUT/wrk-list-cached.log" >>"$OUT/wrk.txt"
fi

cleanup
# Search and a shopper's first landing page computed in-process with nothing cached (bench/computed.py): the
# figures issue 15's "independent of the catalogue's size" compares between sizes. Last, as it empties the cache.
echo "bench: search and first landing pages, computed in-process ..." >&2
$PY bench/computed.py search >"$OUT/computed-search.txt"
$PY bench/computed.py landing >"$OUT/computed-landing.txt"
# The streaming replica's lag after a commit (a throwaway pair of its own, tools/pg_replica.py): the window the
# read router's REPLICA_PIN_SECONDS covers (docs/SCALING.md).
echo "bench: replica lag ..." >&2
$PY bench/replica_lag.py >"$OUT/replica-lag.txt"
BENCH_CONNECTIONS=$BENCH_CONNECTIONS BENCH_FLOW_CONNECTIONS=$BENCH_FLOW_CONNECTIONS \
  BENCH_HOT_CONNECTIONS=$BENCH_HOT_CONNECTIONS BENCH_CELERY_CONCURRENCY=$BENCH_CELERY_CONCURRENCY \
  $PY bench/workloads.py report "$OUT" | tee -a "$OUT/latest.txt"
say ""
say "Computed in-process, nothing cached (bench/computed.py), all rounds but the first:"
say "  search (24 queries, facets): $(tail -1 "$OUT/computed-search.txt" | sed 's/^all but the first round: //')"
say "  a shopper's first landing page: $(tail -1 "$OUT/computed-landing.txt" | sed 's/^all but the first round: //')"
say "$(tail -1 "$OUT/replica-lag.txt")"
if [ "$hot_ok" != 1 ]; then
  echo "bench: the hot product's books do not balance (oversold or miscounted), see above" >&2
  exit 1
fi
