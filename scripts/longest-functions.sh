#!/usr/bin/env bash
# Lists the longest functions (and initializers, computed properties with bodies, closures
# assigned to properties are not counted) in Sources, longest first: lines from the `func`
# or `init` line to its closing brace. Code is read more than written; a function past
# about 60 lines usually does several things (declarative tables and the page's HTML aside).
#
#   bash scripts/longest-functions.sh [--top N] [--max LINES]
#
# With --max, exits 1 if a function is longer than LINES (not used by CI while the loop
# is being split). Brace counting skips string literals, multi-line strings and comments.
set -euo pipefail
cd "$(dirname "$0")/.."
top=15 max=0
while [ $# -gt 0 ]; do
  case $1 in
    --top) top=$2; shift 2 ;;
    --max) max=$2; shift 2 ;;
    *) echo "usage: $0 [--top N] [--max LINES]" >&2; exit 64 ;;
  esac
done
report=$(find Sources -name '*.swift' -print0 | sort -z | xargs -0 awk '
  FNR == 1 { depth = 0; inside = 0; multiline = 0 }
  {
    line = $0
    if (multiline) { if (index(line, "\"\"\"")) multiline = 0; next }
    if (gsub(/"""/, "", line) == 1) { multiline = 1 }
    gsub(/"([^"\\]|\\.)*"/, "", line)          # string literals
    sub(/\/\/.*/, "", line)                    # line comments
    if (!inside && match(line, /(^|[^A-Za-z_])(func [^ (<]+|init[?!]?[(<])/)) {
      name = substr(line, RSTART, RLENGTH); sub(/^[^fi]*/, "", name)
      inside = 1; start = FNR; base = depth; opened = 0
    }
    opens = gsub(/\{/, "{", line); closes = gsub(/\}/, "}", line)
    depth += opens - closes
    if (inside && opens > 0) opened = 1
    if (inside && opened && depth <= base) {
      printf "%d\t%s:%d\t%s\n", FNR - start + 1, FILENAME, start, name
      inside = 0
    } else if (inside && !opened && line ~ /^[[:space:]]*$/ ) { inside = 0 }   # a declaration without a body
  }' | sort -t$'\t' -k1,1nr)
echo "longest functions in Sources (lines, place, name):"
# A here-string, not a pipe: head stops reading after N lines, and under pipefail the
# writer's SIGPIPE would fail the script once the report outgrows the pipe's buffer.
head -n "$top" <<< "$report"
if [ "$max" -gt 0 ]; then
  over=$(echo "$report" | awk -F'\t' -v max="$max" '$1 > max' | wc -l)
  if [ "$over" -gt 0 ]; then echo "$over functions are longer than $max lines" >&2; exit 1; fi
fi
