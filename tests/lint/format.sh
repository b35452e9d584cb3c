#!/bin/sh
# Lint: every C file is formatted by the committed .clang-format (STYLE.md rule 8).
set -u
cd "$1" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
	echo "SKIP: clang-format is not installed (scripts/install-deps installs it)" >&2
	exit 77
fi
# Tracked and new (not ignored) files; outside a git checkout, the source directories.
files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null) ||
	files=$(find src include tests bench -name '*.[ch]' 2>/dev/null)
if [ -z "$files" ]; then
	echo "no C files found: the lint would check nothing" >&2
	exit 1
fi
bad=0
for f in $files; do
	[ -f "$f" ] || continue
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f (fix: clang-format -i $f)"
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "all $(echo "$files" | wc -w) C files formatted"
exit "$bad"
