# Formats bench/footprint's results.tsv (rows: SET PART KEY VALUE): each figure next to its ratio
# to HAProxy's in the same run, then the issue-20 targets per meshlens set as met / MISSED.
BEGIN { FS = "\t"; ns = split(sets, S, " ") }
$3 == "slice_p99" { slices[$1, $2] = slices[$1, $2] " " $4; next }
$2 ~ /^load_/ { next }
{ v[$1, $2, $3] = $4; seen[$2] = 1 }
function has(s, p, k) { return (s, p, k) in v && v[s, p, k] != "" }
function x(s, p, k) { return has(s, p, k) && has("haproxy", p, k) && v["haproxy", p, k] + 0 > 0 ? sprintf("%.2fx", v[s, p, k] / v["haproxy", p, k]) : "-" }
function val(s, p, k) { return has(s, p, k) ? v[s, p, k] : "-" }
function mark(ok) { return ok ? "met" : "MISSED" }
function row(s, p, n, i, k, out) { # the value and ratio of each of the n keys in K
  out = sprintf("%-10s", s)
  for (i = 1; i <= n; i++) { k = K[i]; out = out sprintf(" %9s %6s", val(s, p, k), x(s, p, k)) }
  print out
}
function table(p, title, keys, heads, i, n, h) {
  if (!(p in seen)) return
  n = split(keys, K, " "); split(heads, H, "|")
  printf "\n%s\n%-10s", title, "set"
  for (i = 1; i <= n; i++) printf " %9s %6s", H[i], "x hap"
  printf "\n"
  for (i = 1; i <= ns; i++) row(S[i], p, n)
  row("haproxy", p, n)
}
END {
  table("load", "per proxy under closed-loop load (one thread each)", "h1_rps h1_us h2_rps h2_us",
        "h1 req/s|h1 us/req|h2 req/s|h2 us/req")
  table("load", "memory under that load (MB; anon = private anonymous memory, the most seen; file = RSS - anon then)",
        "hwm peak_anon file_at_peak steady_rss steady_anon steady_pss",
        "VmHWM|anon|file|steady RSS|steady anon|steady PSS")
  table("fleet", sprintf("fleet of %d proxies of one build (MB per proxy; cost = (unshared + shared once) / %d)", fleet, fleet),
        "pss_per cost_per anon_per rss_per req_s cpu_us", "PSS/N|cost/N|anon/N|RSS/N|req/s|us/req")
  for (pi = 1; pi <= 2; pi++) {
    p = pi == 1 ? "warmup_h1" : "warmup_h2"
    table(p, sprintf("warm-up %s: fresh proxy at a fixed rate (ready ms; CPU ms from exec to %d s after ready; p99 ms)", pi == 1 ? "HTTP/1.1" : "HTTP/2", warm),
          "ready_ms cpu_ms hwm worst_p99 steady_p99", "ready ms|cpu ms|VmHWM|worst p99|steady p99")
    if (p in seen) {
      printf "  p99 (ms) of each %d s slice of the first %d s:\n", slice, warm
      for (i = 1; i <= ns; i++) printf "  %-10s%s\n", S[i], slices[S[i], p]
      printf "  %-10s%s\n", "haproxy", slices["haproxy", p]
    }
  }
  printf "\nissue-20 targets\n"
  for (i = 1; i <= ns; i++) {
    s = S[i]
    if (has(s, "load", "peak_anon")) printf "  %-10s private (anonymous) memory under load <= 40 MB: %s MB %s\n", s, v[s, "load", "peak_anon"], mark(v[s, "load", "peak_anon"] <= 40)
    if (has(s, "load", "hwm")) printf "  %-10s peak RSS <= 64 MB: %s MB %s\n", s, v[s, "load", "hwm"], mark(v[s, "load", "hwm"] <= 64)
    if (x(s, "fleet", "pss_per") != "-") printf "  %-10s fleet cost per proxy (PSS/N) <= 2x HAProxy: %s MB vs %s MB = %s %s\n", s, v[s, "fleet", "pss_per"], v["haproxy", "fleet", "pss_per"], x(s, "fleet", "pss_per"), mark(v[s, "fleet", "pss_per"] <= 2 * v["haproxy", "fleet", "pss_per"])
    for (k = 1; k <= 2; k++) {
      pr = k == 1 ? "h1" : "h2"
      if (x(s, "load", pr "_rps") != "-") printf "  %-10s %s throughput >= 0.95x HAProxy: %s %s\n", s, pr, x(s, "load", pr "_rps"), mark(v[s, "load", pr "_rps"] >= 0.95 * v["haproxy", "load", pr "_rps"])
      if (x(s, "load", pr "_us") != "-") printf "  %-10s %s CPU per request <= 1.1x HAProxy: %s %s\n", s, pr, x(s, "load", pr "_us"), mark(v[s, "load", pr "_us"] <= 1.1 * v["haproxy", "load", pr "_us"])
      p = "warmup_" pr
      if (has(s, p, "worst_p99") && v[s, p, "steady_p99"] + 0 > 0) {
        r = v[s, p, "worst_p99"] / v[s, p, "steady_p99"]
        hr = "-"
        if (has("haproxy", p, "steady_p99") && v["haproxy", p, "steady_p99"] + 0 > 0) hr = sprintf("%.1fx", v["haproxy", p, "worst_p99"] / v["haproxy", p, "steady_p99"])
        errs = v[s, p, "warm_errors"] + v[s, p, "steady_errors"]
        printf "  %-10s %s warm-up: worst %d s slice p99 <= 3x steady p99: %s / %s ms = %.1fx %s (HAProxy %s)%s\n", s, pr, slice, v[s, p, "worst_p99"], v[s, p, "steady_p99"], r, mark(r <= 3), hr, (errs > 0 ? " (" errs " errors)" : "")
      }
    }
  }
}
