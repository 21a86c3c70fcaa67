#!/usr/bin/env bash
# The local demo (the README's main command): installs what it needs (scripts/setup.sh), builds
# meshlens, then runs `meshlens demo`: the voting app (web, emoji, voting, vote-bot), one meshlens
# proxy per app on its own loopback address (127.0.10.1-4), the exporter on 127.0.10.100:9995, the
# web dashboard on http://127.0.10.100:50750/ and
# a real Prometheus on 127.0.10.100:9090 with the mixin's rules. Ctrl-C stops everything.
# Extra arguments go to `meshlens demo` (e.g. --rate 50, --duration 2m, --no-prometheus).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh demo
export PATH="$PWD/.tools/bin:$PATH"
# The CLI jar is rebuilt only when a source it is built from is newer than it (or FORCE_BUILD=1):
# a warm start then goes straight to the demo.
jar=cli/target/meshlens.jar
sources=(pom.xml proxy/pom.xml proxy/src exporter/pom.xml exporter/src mixin/pom.xml mixin/src install/pom.xml install/src
         demo/pom.xml demo/src cli/pom.xml cli/src/main)
changed=""
if [[ -f $jar ]]; then changed=$(find "${sources[@]}" -newer "$jar" -type f -print -quit 2>/dev/null); fi
if [[ "${SKIP_BUILD:-}" == "1" ]]; then
  :
elif [[ "${FORCE_BUILD:-}" != "1" && -f $jar && -z $changed ]]; then
  echo "demo: $jar is up to date (FORCE_BUILD=1 rebuilds)" >&2
else
  echo "demo: building meshlens (mvn package, tests skipped; about a minute on 2 cores)${changed:+: $changed changed}" >&2
  mvn -B -q -ntp -DskipTests -Djib.skip=true package -pl cli -am   # the local demo needs no images
fi
# C1 only: the demo's load is light, and skipping C2 halves the CPU its start takes (4 s instead of 9).
exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx512m -jar cli/target/meshlens.jar demo --repo . "$@"
