#!/usr/bin/env bash
# The local demo (the README's main command): installs what it needs (scripts/setup.sh), builds
# meshlens, then runs `meshlens demo`: the voting app (web, emoji, voting, vote-bot), one meshlens
# proxy per app on its own loopback address (127.0.10.1-4), the exporter on 127.0.10.100:9995 and
# a real Prometheus on 127.0.10.100:9090 with the mixin's rules. Ctrl-C stops everything.
# Extra arguments go to `meshlens demo` (e.g. --rate 50, --duration 2m, --no-prometheus).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh demo
export PATH="$PWD/.tools/bin:$PATH"
if [[ "${SKIP_BUILD:-}" != "1" ]]; then
  echo "demo: building meshlens (mvn package, tests skipped)" >&2
  mvn -B -q -ntp -DskipTests -Djib.skip=true package -pl cli -am   # the local demo needs no images
fi
exec java -XX:+UseSerialGC -Xmx512m -jar cli/target/meshlens.jar demo --repo . "$@"
