-- wrk script: authenticated GET /api/v1/progress.
local tokens = {}
for line in io.lines(os.getenv("TOKENS") or "tokens.txt") do
  tokens[#tokens + 1] = line
end
local thread_id = 0

function setup(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. tokens[(thread_id % #tokens) + 1]
  wrk.path = "/api/v1/progress"
end
