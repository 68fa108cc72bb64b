-- wrk script for `make bench`'s buyer flow: each thread (one connection) repeats, for one signed-in
-- buyer after another, add to cart -> view cart -> check out -> pay with the test gateway's tok_visa.
--
-- $BENCH_BUYERS: one buyer a line, "<access JWT> <address id>"; $BENCH_PRODUCTS: product ids (one
-- variant each, stocked by bench/workloads.py; the hot-product run gives a file of one). Each request is
-- tagged with X-Bench = <$BENCH_NAME>_<step> (flow_add, flow_worker_pay, hot_checkout, ...) so that
-- gunicorn's access log splits the server times by run and step. Prints one RESULT line like paths.lua.

local buyers, products = {}, {}
for line in io.lines(os.getenv("BENCH_BUYERS")) do
  local token, address = line:match("^(%S+)%s+(%d+)")
  if token then buyers[#buyers + 1] = { token = token, address = address } end
end
for line in io.lines(os.getenv("BENCH_PRODUCTS")) do
  if #line > 0 then products[#products + 1] = line end
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
  thread:set("count", 0)
end

-- The step moves on when its answer arrives (wrk may build a request it never sends).
local step, buyer, order, flows, failures = 1, 0, nil, 0, 0
local stride = tonumber(os.getenv("BENCH_FLOW_CONNECTIONS") or "4")
local steps = { "add", "cart", "checkout", "pay" }
local tag = os.getenv("BENCH_NAME") or "flow"

function init(args)
  math.randomseed(os.time() + (number or 0) * 7919)
  buyer = (number or 1) - 1
end

local function headers(name)
  local b = buyers[buyer % #buyers + 1]
  return {
    ["Authorization"] = "Bearer " .. b.token,
    ["Content-Type"] = "application/json",
    ["X-Bench"] = tag .. "_" .. name,
    ["X-Forwarded-For"] = string.format("10.9.%d.%d", buyer % 250, (number or 1) + 1),
  }, b
end

function request()
  local name = steps[step]
  local h, b = headers(name)
  if name == "add" then
    local product = products[math.random(#products)]
    return wrk.format("POST", "/api/v1/cart/" .. product, h, '{"quantity": 1}')
  elseif name == "cart" then
    return wrk.format("GET", "/api/v1/cart", h)
  elseif name == "checkout" then
    return wrk.format("POST", "/api/v1/checkout", h,
      string.format('{"address_id": %s, "shipping_method": "standard"}', b.address))
  else
    return wrk.format("POST", "/api/v1/orders/" .. (order or "none") .. "/pay", h, '{"payment_token": "tok_visa"}')
  end
end

function response(status, headers, body)
  local name = steps[step]
  if name == "checkout" then
    order = body and body:match('"id"%s*:%s*"(ord_[^"]+)"') or nil
  elseif name == "pay" then
    order = nil
    buyer = buyer + stride  -- the next flow is another buyer's (threads never share a buyer)
    flows = flows + 1
  end
  if status >= 300 then failures = failures + 1 end
  step = step % #steps + 1
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
