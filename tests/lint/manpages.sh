#!/bin/sh
# Lint: the manual pages keep up with the programs.
# - every long option in wallflowerd's option table is in docs/wallflowerd.1 (as man
#   writes it: \-\-name) and in its --help text;
# - every command in the CLI's command table has an entry in docs/wallflower.1: a .TP
#   whose tag starts with the command's name (".BR name ..." or ".B name").
# A new option or command without its documentation fails here, naming it.
set -u
cd "$1" || exit 1
bad=0
fail() { echo "$*"; bad=1; }

# The entries of a C table between the line that opens it (matching $2) and its "};".
table_names() { # FILE OPEN-REGEX
	awk -v open="$2" '
		$0 ~ open { on = 1; next }
		on && /^[ \t]*};/ { exit }
		on && match($0, /\{ "[a-z][a-z0-9-]*"/) {
			s = substr($0, RSTART + 3, RLENGTH - 4); print s
		}' "$1"
}

daemon_opts=$(table_names src/daemon/main.c 'longopts\[\] = \{')
[ -n "$daemon_opts" ] || fail "no long options found in src/daemon/main.c: has the table moved?"
for o in $daemon_opts; do
	man=$(printf '%s' "$o" | sed 's/-/\\-/g')
	grep -qF -- "\\-\\-$man" docs/wallflowerd.1 || fail "docs/wallflowerd.1 lacks --$o"
	# The usage text is a C string in the same file.
	grep -qE -- "\"[^\"]*--$o([^a-z-]|$)" src/daemon/main.c ||
		fail "wallflowerd --help lacks --$o"
done

# The .TP tags of wallflower.1: the first word of the line after each .TP.
tags=$(awk '/^\.TP/ { getline; print }' docs/wallflower.1 |
	sed -E 's/^\.(B|BR|BI) +"?([a-z][a-z0-9-]*).*/\2/')
commands=$(table_names src/cli/main.c 'commands\[\] = \{')
[ -n "$commands" ] || fail "no commands found in src/cli/main.c: has the table moved?"
for c in $commands; do
	printf '%s\n' "$tags" | grep -qx -- "$c" || fail "docs/wallflower.1 has no entry for '$c'"
done
exit $bad
