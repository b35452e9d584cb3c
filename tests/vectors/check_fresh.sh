#!/bin/sh
# Regenerates one vectors file and fails if the committed one differs.
set -eu
gen=$1 committed=$2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$gen" >"$tmp"
if ! cmp -s "$tmp" "$committed"; then
	echo "$committed is stale: regenerate it with" >&2
	echo "  $gen > $committed" >&2
	diff -u "$committed" "$tmp" | head -40 >&2
	exit 1
fi
echo "$(basename "$committed") matches the generator"
