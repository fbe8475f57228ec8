-- wrk script: requests drawn from a weighted URL list, with a browser's headers, and a JSON summary.
--
--   wrk -t2 -c50 -d15s -s bench/wrk_mix.lua http://127.0.0.1:PORT -- MIX_FILE
--
-- MIX_FILE (written by bench/load.py): one request path a line, a path repeated as
-- often as its weight. Each wrk thread walks the list from its own random start,
-- so every URL is requested in proportion to its weight from the first second.
-- done() prints one line "WRK_JSON {…}" that bench/load.py reads.

local paths = {}
local position = 1
local headers = {["Accept-Encoding"] = "gzip", ["Accept-Language"] = "vi,en;q=0.8",
                 ["User-Agent"] = "geoaid-bench-load"}

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   for line in io.lines(args[1]) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      error("no request paths in " .. args[1])
   end
   math.randomseed(id * 7919)
   position = math.random(#paths)
   not_ok = 0
end

function request()
   local path = paths[position]
   position = position % #paths + 1
   return wrk.format("GET", path, headers)
end

-- wrk counts only statuses of 400 and more as errors; a redirect or 304 is not what the mix asks for either.
function response(status, _, _)
   if status < 200 or status > 299 then
      not_ok = not_ok + 1
   end
end

function done(summary, latency, _)
   local non_2xx = 0
   for _, thread in ipairs(threads) do
      non_2xx = non_2xx + thread:get("not_ok")
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests": %d, "seconds": %.3f, "bytes": %d, "non_2xx": %d, "connect": %d, ' ..
      '"read": %d, "write": %d, "timeout": %d, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f}\n',
      summary.requests, summary.duration / 1e6, summary.bytes, non_2xx, e.connect, e.read, e.write,
      e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
