-- POSTs $BODY_FILE (with $API_KEY as x-api-key when set); each thread stops after $N answers.
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("API_KEY")
if key and key ~= "" then
    wrk.headers["x-api-key"] = key
end
local n = tonumber(os.getenv("N"))
local seen = 0
function response(status, headers, body)
    seen = seen + 1
    if seen >= n then
        wrk.thread:stop()
    end
end
