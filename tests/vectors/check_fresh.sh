#!/bin/sh
# Regenerates the card vectors and fails if the committed file differs.
set -eu
gen=$1 committed=$2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$gen" >"$tmp"
if ! cmp -s "$tmp" "$committed"; then
	echo "proto/vectors/cards.json is stale: regenerate it with" >&2
	echo "  build/tests/vectors/gen_card_vectors > proto/vectors/cards.json" >&2
	diff -u "$committed" "$tmp" | head -40 >&2
	exit 1
fi
echo "cards.json matches the generator"
