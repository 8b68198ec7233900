-- wrk script for scripts/race-hyper.sh: every write carries 16 pipelined GET /plaintext
-- requests (the TechEmpower plaintext request of benches/parse.rs, corpus (c)); wrk counts
-- each response, so its Requests/sec is responses per second.
--
--   wrk -t2 -c64 -d8s -s scripts/pipeline.lua http://127.0.0.1:PORT
--
-- WRK_PIPELINE=N changes the depth.
local depth = tonumber(os.getenv("WRK_PIPELINE") or "16")

init = function(args)
  local headers = {
    ["Accept"] = "text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7",
    ["Connection"] = "keep-alive",
  }
  local r = {}
  for i = 1, depth do
    r[i] = wrk.format("GET", "/plaintext", headers)
  end
  req = table.concat(r)
end

request = function()
  return req
end
