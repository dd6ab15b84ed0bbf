-- Send the logged-in session cookie; print one JSON line of results at the end.
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "non2xx": %d, "errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, errors))
end
