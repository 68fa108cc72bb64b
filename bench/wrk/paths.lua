-- wrk script for `make bench`: cycles through the URL paths in $BENCH_PATHS (one a line), each thread
-- from its own starting point, and prints one RESULT line with the rate and latency percentiles.
--
-- Every request comes "from" a different client address (X-Forwarded-For, with TRUSTED_PROXY_COUNT=1
-- on the app), as on a real store: the per-client API throttle keeps working, but no single client
-- hits its limit. X-Bench tags the request so that gunicorn's access log can be split by workload.
-- With $BENCH_COOKIE set, every request also sends that Cookie header, like a signed-in visitor; with
-- $BENCH_COOKIES (a file, one Cookie header a line), each request sends the next one: many shoppers.

local tag = os.getenv("BENCH_NAME") or "bench"
local file = os.getenv("BENCH_PATHS")
local cookie = os.getenv("BENCH_COOKIE")
local cookies_file = os.getenv("BENCH_COOKIES")
local cookies = {}
if cookies_file and #cookies_file > 0 then
  for line in io.lines(cookies_file) do
    if #line > 0 then cookies[#cookies + 1] = line end
  end
end
local paths = {}
if file then
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
end
if #paths == 0 then paths[1] = "/" end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local index = 0
function init(args)
  math.randomseed(os.time() + (number or 0) * 7919)
  index = math.random(#paths)
end

function request()
  index = index % #paths + 1
  local client = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  local headers = { ["X-Forwarded-For"] = client, ["X-Bench"] = tag }
  if #cookies > 0 then
    headers["Cookie"] = cookies[math.random(#cookies)]
  elseif cookie and #cookie > 0 then
    headers["Cookie"] = cookie
  end
  return wrk.format("GET", paths[index], headers)
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    "RESULT %s %d %.3f %d %d %d %d %d\n",
    tag, summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, errors
  ))
end
