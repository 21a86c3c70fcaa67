# Formats bench/run's results.tsv: throughput table with ratios vs direct and vs HAProxy, open-loop
# latency table with added latency vs direct and against HAProxy's added latency at the same rate,
# and the issue-3 and issue-20 targets marked met / missed.
# Rows: name proto throughput rps cpu_us errors | name proto rateL p50 p99 p999 max achieved errors
#       | name - rss MB | - proto rate_of L req/s (L: a share of direct like "10%", or an absolute rate)
BEGIN { FS = "\t"; nn = split("direct ml-in ml-out nginx haproxy", names, " "); nr = split(rates, R, " ") }
$3 == "throughput" { rps[$1, $2] = $4; cpu[$1, $2] = $5; err[$1, $2] = $6 }
$3 ~ /^rate/ { r = substr($3, 5); p50[$1, $2, r] = $4; p99[$1, $2, r] = $5; p999[$1, $2, r] = $6; mx[$1, $2, r] = $7; ach[$1, $2, r] = $8; lerr[$1, $2, r] = $9 }
$3 == "rss" { rss[$1] = $4 }
$3 == "rate_of" { rate_of[$2, $4] = $5 }
$3 == "rss_end" { rss_end[$1] = $4 }
function ratio(a, b) { return (a > 0 && b > 0) ? sprintf("%.2fx", a / b) : "-" }
function added(a, b) { return (a != "-" && b != "-" && a != "" && b != "") ? sprintf("%+.3f", a - b) : "-" }
function mark(ok) { return ok ? "met" : "MISSED" }
function over_hap(n, p, r, q, a, h) { # added latency of n over HAProxy's added latency at the same rate
  if (q == 50) { a = p50[n, p, r] - p50["direct", p, r]; h = p50["haproxy", p, r] - p50["direct", p, r] }
  else { a = p99[n, p, r] - p99["direct", p, r]; h = p99["haproxy", p, r] - p99["direct", p, r] }
  return ((n, p, r) in p50) && (("haproxy", p, r) in p50) && p50[n, p, r] != "-" && p50["haproxy", p, r] != "-" && h > 0 ? sprintf("%.2fx", a / h) : "-"
}
function rate_name(p, r) { return ((p, r) in rate_of) ? sprintf("%s of direct = %s", r, rate_of[p, r]) : r }
END {
  for (pi = 1; pi <= 2; pi++) {
    p = pi == 1 ? "h1" : "h2"
    printf "\n%s closed-loop max throughput (%s)\n", p == "h1" ? "HTTP/1.1" : "HTTP/2", p == "h1" ? "wrk" : "h2load"
    printf "%-8s %10s %9s %10s %12s %8s %7s\n", "target", "req/s", "vs direct", "vs haproxy", "cpu us/req", "VmHWM MB", "errors"
    for (i = 1; i <= nn; i++) {
      n = names[i]
      if (!((n, p) in rps)) continue
      printf "%-8s %10s %9s %10s %12s %8s %7s\n", n, rps[n, p], ratio(rps[n, p], rps["direct", p]), ratio(rps[n, p], rps["haproxy", p]), cpu[n, p], (n in rss) ? rss[n] : "-", err[n, p]
    }
  }
  for (pi = 1; pi <= 2; pi++) {
    p = pi == 1 ? "h1" : "h2"
    for (k = 1; k <= nr; k++) {
      r = R[k]
      printf "\n%s open-loop at %s req/s (LoadMain, latency from intended send time, ms; x hap: added latency over HAProxy's)\n", p == "h1" ? "HTTP/1.1" : "HTTP/2", rate_name(p, r)
      printf "%-8s %8s %8s %8s %8s %9s %7s %11s %11s %7s %7s\n", "target", "p50", "p99", "p99.9", "max", "achieved", "errors", "added p50", "added p99", "x hap50", "x hap99"
      for (i = 1; i <= nn; i++) {
        n = names[i]
        if (!((n, p, r) in p50)) continue
        printf "%-8s %8s %8s %8s %8s %9s %7s %11s %11s %7s %7s\n", n, p50[n, p, r], p99[n, p, r], p999[n, p, r], mx[n, p, r], ach[n, p, r], lerr[n, p, r], added(p50[n, p, r], p50["direct", p, r]), added(p99[n, p, r], p99["direct", p, r]), over_hap(n, p, r, 50), over_hap(n, p, r, 99)
      }
    }
  }
  top = R[nr]
  printf "\npeak RSS (VmHWM MB) after closed-loop runs -> after the fixed-rate runs\n"
  for (i = 2; i <= nn; i++) { n = names[i]; if (n in rss) printf "  %-8s %5s -> %s\n", n, rss[n], (n in rss_end) ? rss_end[n] : "-" }
  printf "\nissue-3 and issue-20 targets (meshlens, metrics on)\n"
  for (i = 2; i <= 3; i++) {
    n = names[i]
    for (pi = 1; pi <= 2; pi++) {
      p = pi == 1 ? "h1" : "h2"
      if ((n, p) in rps && ("haproxy", p) in rps && rps["haproxy", p] > 0) {
        x = rps[n, p] / rps["haproxy", p]
        printf "  %-7s %s throughput >= 0.75x haproxy: %.2fx %s%s\n", n, p, x, mark(x >= 0.75), (x >= 1.0 ? " (stretch 1.0x met)" : "")
      }
      if ((n, p) in cpu && cpu[n, p] != "-") printf "  %-7s %s cpu per request <= 12 us: %s us %s\n", n, p, cpu[n, p], mark(cpu[n, p] + 0 <= 12)
      if ((n, p, top) in p50 && p50[n, p, top] != "-" && p50["direct", p, top] != "-") {
        a50 = p50[n, p, top] - p50["direct", p, top]; a99 = p99[n, p, top] - p99["direct", p, top]
        want = ((p, top) in rate_of) ? rate_of[p, top] : top
        okrate = ach[n, p, top] + 0 >= 0.98 * want && lerr[n, p, top] + 0 == 0
        printf "  %-7s %s added latency @%s/s p50 <= 0.3 ms: %+.3f ms %s; p99 <= 1 ms: %+.3f ms %s%s; over HAProxy's added p99: %s\n", n, p, want, a50, mark(a50 <= 0.3 && okrate), a99, mark(a99 <= 1 && okrate), (okrate ? "" : " (rate not sustained)"), over_hap(n, p, top, 99)
      }
      if ((n, p) in rps && ("haproxy", p) in rps && rps["haproxy", p] > 0) {
        x = rps[n, p] / rps["haproxy", p]
        printf "  %-7s %s throughput >= 0.95x haproxy (issue 20): %.2fx %s\n", n, p, x, mark(x >= 0.95)
      }
      if ((n, p) in cpu && cpu[n, p] != "-" && ("haproxy", p) in cpu && cpu["haproxy", p] + 0 > 0) {
        x = cpu[n, p] / cpu["haproxy", p]
        printf "  %-7s %s cpu per request <= 1.1x haproxy (issue 20): %.2fx %s\n", n, p, x, mark(x <= 1.1)
      }
    }
    if (n in rss) printf "  %-7s peak RSS <= 64 MB: %s MB %s%s\n", n, rss[n], mark(rss[n] + 0 <= 64), (rss[n] + 0 <= 48 ? " (stretch 48 MB met)" : "")
  }
}
