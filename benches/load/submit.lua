-- wrk script: POSTs the v1 fixture with a fresh random id each time, so every
-- request is a distinct valid submission. Counts answers by status.
local fixture = os.getenv("STIPPLE_FIXTURE") or "tests/fixtures/intake-v1.json"
local file = assert(io.open(fixture, "r"))
local body = file:read("*a")
file:close()

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + seed)
  statuses = {}
end

local function uuid4()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  local b = string.gsub(body, '"id": "[^"]*"', '"id": "' .. uuid4() .. '"', 1)
  return wrk.format("POST", "/api/v1/submissions", { ["Content-Type"] = "application/json" }, b)
end

function response(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do
      by_status[code] = (by_status[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', code, n))
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, ' ..
    '"socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
