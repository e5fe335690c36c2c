#!/usr/bin/env bash
# JMH microbenchmarks of one query through the wire layer, per kind of question
# (src/test/java/dev/meridian/bench/QueryPathBenchmark.java): ns per query, and with -prof gc the
# bytes allocated per query (gc.alloc.rate.norm, B/op). Builds the test classes, then runs JMH with
# the arguments given, or by default: -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc (all benchmarks).
# Usage: bench/jmh.sh [JMH ARGS...]   e.g. bench/jmh.sh 'fast.*' -prof gc   or   bench/jmh.sh -h
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests test-compile
cp_file=target/jmh-classpath.txt
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
cp="target/test-classes:target/classes:$(cat "$cp_file")"
if [ $# -eq 0 ]; then
  set -- -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc
fi
echo "load: $(uptime)" >&2
# JMH prints the progress and, at the end, the table (Score in ns/op; gc.alloc.rate.norm in B/op)
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
