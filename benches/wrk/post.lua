-- wrk script for benches/http.sh and benches/http-instructions.sh: POSTs the body in $BODY_FILE
-- (with $API_KEY as the x-api-key header when set) and prints one machine-readable RESULT line
-- when done. With $N set, each thread stops after N answers.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("API_KEY")
if key and key ~= "" then
  wrk.headers["x-api-key"] = key
end

local n = tonumber(os.getenv("N") or "")
if n then
  local seen = 0
  function response(status, headers, body)
    seen = seen + 1
    if seen >= n then
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d socket_errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
