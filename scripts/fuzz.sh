#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer, for as long as wanted. The same @FuzzTest methods replay
# their checked-in inputs in every normal test run; here they run in fuzzing mode, one at a time.
#   scripts/fuzz.sh TARGET [DURATION]     DURATION as Jazzer reads it: 30s, 10m, 2h (default 5m)
# Targets:
#   exporter      the exporter's protobuf page reader (PageReaderFuzzTest)
#   inject        inject's YAML input (InjectFuzzTest)
#   http1-head    the proxy's HTTP/1 head parser (Http1HeadParserFuzzTest)
#   http1-framer  the proxy's HTTP/1 body framer (Http1BodyFramerFuzzTest)
# Inputs that grow coverage go to .cifuzz-corpus/ in the module (not checked in); a failing input
# is written next to the checked-in ones (src/test/resources/.../<Class>Inputs/<method>/) so it
# replays from then on: fix the bug, keep the input. libFuzzer's last status line gives the
# executions (#N) and their rate (exec/s).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:-}"
duration="${2:-5m}"
case "$target" in
  exporter) module=exporter; test='PageReaderFuzzTest#anyPageIsReadOrRejectedWithAReason'; instrument='io.meshlens.**' ;;
  inject) module=install; test='InjectFuzzTest#anyYamlIsInjectedOrRefusedWithAReason'; instrument='io.meshlens.**,org.snakeyaml.**' ;;
  http1-head) module=proxy; test='Http1HeadParserFuzzTest#anyHeadInAnyPiecesIsParsedOrRefusedTheSameWay'; instrument='io.meshlens.**' ;;
  http1-framer) module=proxy; test='Http1BodyFramerFuzzTest#chunkedBodyEndsWhereTheReferenceEndsIt'; instrument='io.meshlens.**' ;;
  *)
    echo "fuzz: unknown target '${target}' (expected: exporter, inject, http1-head or http1-framer)" >&2
    echo "hint: scripts/fuzz.sh exporter 10m" >&2
    exit 2 ;;
esac
if ! [[ "$duration" =~ ^[0-9]+[smh]?$ ]]; then
  echo "fuzz: duration '${duration}' is not a duration (expected e.g. 30s, 10m, 2h)" >&2
  exit 2
fi
echo "fuzz: ${test} in ${module} for ${duration}" >&2
# JUnit's per-test timeout would end the run; Jazzer hands it to libFuzzer per input instead.
JAZZER_FUZZ=1 exec mvn -B -ntp -pl "$module" -am test \
  -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="$duration" -Djazzer.instrument="$instrument" \
  -Djunit.jupiter.execution.timeout.mode=disabled
