-- wrk script: POST batches of new events to /api/v1/events.
-- Every request carries BATCH events with fresh UUIDs, so each is stored
-- (none is a duplicate). Tokens, one per connection, come from TOKENS
-- (a file with one bearer token per line), so that load spreads over
-- several learner accounts as it would in an institute.

local batch = tonumber(os.getenv("BATCH") or "100")
local tokens = {}
for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do
  tokens[#tokens + 1] = line
end

local counter = 0
local thread_id = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

local function uuid()
  -- A version-4 UUID from the thread id, a counter and randomness: unique
  -- within a run, which is all the server needs to store every event.
  counter = counter + 1
  return string.format("%08x-%04x-4%03x-8%03x-%012x",
    math.random(0, 0x7fffffff), thread_id % 0xffff, math.random(0, 0xfff),
    math.random(0, 0xfff), counter)
end

function init(args)
  math.randomseed(os.time() + thread_id * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. tokens[(thread_id % #tokens) + 1]
end

function request()
  local parts = {}
  local now = os.time() * 1000
  for i = 1, batch do
    parts[i] = string.format(
      '{"id":"%s","actor":"bench","verb":"experienced","course":"example-course",' ..
      '"version":"bench","object":"lesson/first-signals","timestamp":%d}', uuid(), now)
  end
  return wrk.format(nil, "/api/v1/events", nil, '{"events":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
end
