#!/bin/sh
# Shell completion (completions/) driven through each real shell: bash (the function with
# COMP_WORDS set, as readline calls it), zsh (a real line editor in a pseudo-terminal, zpty)
# and fish ('complete -C'); and the hidden 'wallflower complete' they ask. A shell that is
# not installed is skipped with its reason. TAP output.
# Arguments: the wallflower binary, the source root, the wallflowerd binary.
set -u
WF=$1
SRC=$2
WFD=$3
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wfcomp.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
unset WALLFLOWER_STATE_DIR XDG_DATA_HOME
# The shells find the programs by name, as a person's would.
mkdir "$TMP/bin" "$TMP/home"
ln -s "$(cd "$(dirname "$WF")" && pwd)/$(basename "$WF")" "$TMP/bin/wallflower"
ln -s "$(cd "$(dirname "$WFD")" && pwd)/$(basename "$WFD")" "$TMP/bin/wallflowerd"
export HOME=$TMP/home PATH=$TMP/bin:$PATH LC_ALL=C.UTF-8 TERM=dumb
n=0
failed=0

. "$(dirname "$0")/tap.sh"
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# same FILE EXPECTED: the file holds exactly these lines.
same() { printf '%s\n' "$2" >"$TMP/want"; diff -u "$TMP/want" "$1"; }

# Three people give me their cards; one of them has a space and accents in her name.
person() { # DIR NAME
	wallflower --state-dir "$TMP/$1" init --name "$2" >/dev/null &&
	wallflower --state-dir "$TMP/$1" card -o "$TMP/$1.card" >/dev/null &&
	wallflower --state-dir "$TMP/me" import "$TMP/$1.card" >/dev/null
}
check "I start" wallflower --state-dir "$TMP/me" init --name "Me"
check "Zoë Ça-Va gives me her card" person zoe "Zoë Ça-Va"
check "Ada gives me her card" person ada "Ada Lovelace"
check "Adam gives me his card" person adam "Adam Smith"
# A card is someone else's text: this name must reach the command line as one word, and
# never run.
bob="Bob 'Bo' \"\$(touch $TMP/PWNED)\" \`touch $TMP/PWNED\` \\ end"
check "Bob gives me a card with shell in his name" person bob "$bob"
check "I have a second persona" wallflower --state-dir "$TMP/me" profile set org Guild --persona work
export WALLFLOWER_STATE_DIR=$TMP/me
zoe_fpr=$(wallflower contacts --search "Zoë" --json | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["contacts"][0]["fingerprint"])')

# ---- the helper ----
wallflower --help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p' | sort >"$TMP/verbs.help"
wallflower complete verbs | cut -f1 | sort >"$TMP/verbs.complete"
check "complete verbs: every verb of --help, nothing else" diff -u "$TMP/verbs.help" "$TMP/verbs.complete"
check "the helper itself is hidden" sh -c '! grep -qx complete "$1"' sh "$TMP/verbs.complete"
wallflower complete options contacts >"$TMP/out"
check "complete options: the verb's own table, '=' where a value follows" same "$TMP/out" \
	"--help
--state-dir=
--event=
--topic=
--search=
--json"
wallflower complete contacts >"$TMP/out"
check "complete contacts: current card names, sorted" same "$TMP/out" "Ada Lovelace
Adam Smith
$bob
Zoë Ça-Va"
wallflower complete personas >"$TMP/out"
check "complete personas" same "$TMP/out" "default
work"
check "complete fingerprints: with the name beside" \
	grep -qx "$zoe_fpr	Zoë Ça-Va" "$(wallflower complete fingerprints >"$TMP/out"; echo "$TMP/out")"
wallflower complete words profile "" >"$TMP/out"
check "complete words: the words of the usage lines" grep -qx set "$TMP/out"
wallflower complete words followup "" >"$TMP/out"
check "complete words: CONTACT in a usage line means names" grep -qx "Zoë Ça-Va" "$TMP/out"
check "... beside the words of the other lines" grep -qx list "$TMP/out"
wallflower complete words start --status "" >"$TMP/out"
check "complete words: an option's value from its alternatives in --help" same "$TMP/out" "-
open
quiet"
wallflower complete words card -o "" >"$TMP/out"
check "complete words: a FILE value lets the shell complete files" same "$TMP/out" "files"

mkdir "$TMP/empty"
for what in contacts fingerprints personas "words show ''" "words card --persona ''"; do
	eval "set -- $what"
	wallflower --state-dir "$TMP/empty" complete "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	check "no store: complete $what says nothing, exit 0" \
		sh -c '[ "$1" -eq 0 ] && ! grep -qv "^-$" "$2" && [ ! -s "$3" ]' sh "$rc" "$TMP/out" "$TMP/err"
done
check "no store: nothing was created in the state dir" sh -c '[ -z "$(ls -A "$1")" ]' sh "$TMP/empty"
wallflower --state-dir "$TMP/none" complete contacts >/dev/null 2>&1
check "no state dir: none is created" test ! -e "$TMP/none"
HOME=$TMP/newhome wallflower complete words show "" >/dev/null 2>&1
check "default state dir: nothing is created" test ! -e "$TMP/newhome"

# ---- bash ----
if ! command -v bash >/dev/null 2>&1; then
	skip "bash completion" "bash is not installed"
else
	# bashcomp LINE...: the words of a command line, the last the one being completed;
	# prints COMPREPLY, one a line.
	cat >"$TMP/bashcomp" <<'EOS'
source "$SRC/completions/wallflower.bash" || exit 1
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
case $1 in wallflowerd) _wallflowerd ;; *) _wallflower ;; esac
[ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}"
EOS
	b() { SRC=$SRC bash "$TMP/bashcomp" "$@" >"$TMP/out" 2>&1; }
	check "bash: a verb" sh -c 'b() { SRC=$1 bash "$2" wallflower sh; }; [ "$(b "$@")" = show ]' sh "$SRC" "$TMP/bashcomp"
	b wallflower show --
	check "bash: a verb's options" same "$TMP/out" "--help
--state-dir
--json"
	b wallflower show Zo
	check "bash: a name with a space and accents, quoted for the shell" same "$TMP/out" 'Zoë\ Ça-Va'
	b wallflower show "'Zo"
	check "bash: inside quotes, the name as it is" same "$TMP/out" 'Zoë Ça-Va'
	b wallflower show 'Ada\ L'
	check "bash: after a quoted space" same "$TMP/out" 'Ada\ Lovelace'
	# What readline inserts, as the shell then reads it (it closes an open quote).
	for q in "" "'" '"'; do
		b wallflower show "${q}Bo"
		check "bash: shell in a name, after '$q', is one word and runs nothing" sh -c '
			want=$2 pwned=$4
			[ "$(wc -l <"$1")" -eq 1 ] && eval "set -- $3$(cat "$1")$3" && [ "$#" -eq 1 ] &&
			[ "$1" = "$want" ] && [ ! -e "$pwned" ]' sh "$TMP/out" "$bob" "$q" "$TMP/PWNED"
	done
	b wallflower show Ad
	check "bash: every name that fits" same "$TMP/out" 'Ada\ Lovelace
Adam\ Smith'
	b wallflower note "$(echo "$zoe_fpr" | cut -c1-6)"
	check "bash: a fingerprint" same "$TMP/out" "$zoe_fpr"
	b wallflower card --persona w
	check "bash: a persona" same "$TMP/out" work
	b wallflower card --persona = w
	check "bash: a persona after '='" same "$TMP/out" work
	b wallflower --state-dir "$TMP/ada" show ""
	check "bash: --state-dir on the line is the store read" test ! -s "$TMP/out"
	b wallflower card verify "$TMP/zoe.c"
	check "bash: a file" same "$TMP/out" "$TMP/zoe.card"
	b wallflowerd --inbox-m
	check "bash: wallflowerd's options" same "$TMP/out" "--inbox-max"
fi

# ---- zsh ----
if ! command -v zsh >/dev/null 2>&1; then
	skip "zsh completion" "zsh is not installed"
elif ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
	skip "zsh completion" "zsh has no zpty module"
else
	# A real zsh line editor in a pseudo-terminal: each line is typed with a TAB, then
	# printed one word a line, as the shell would run it.
	cat >"$TMP/zshcomp" <<'EOS'
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "PS1='> '; fpath=(${(q)SRC}/completions \$fpath); autoload -Uz compinit; compinit -u -D; unsetopt beep"
for line in "$@"; do
  zpty -w -n z "$line"$'\t'
  sleep 0.5
  zpty -w z $'\C-aprint -rl -- BEGIN '$'\C-e'" E''ND"
  zpty -r -m z out "*E''ND*END*" || exit 1
  print -r -- "$out" | tr -d '\r' | sed -n '/^BEGIN$/,/^END$/p' | sed '1d;$d'
  print -- ---
done
zpty -d z
EOS
	SRC=$SRC timeout 120 zsh -f "$TMP/zshcomp" "wallflower sh" "wallflower show --j" \
		"wallflower show Zo" "wallflower show 'Zo" "wallflower card --persona=w" \
		"wallflowerd --inbox-m" "wallflower show Bo" >"$TMP/zsh.out" 2>&1
	awk -v RS='---\n' -v d="$TMP/zsh" '{ f = d "." NR; printf "%s", $0 > f; close(f) }' "$TMP/zsh.out"
	check "zsh: a verb" same "$TMP/zsh.1" "wallflower
show"
	check "zsh: a verb's options" same "$TMP/zsh.2" "wallflower
show
--json"
	check "zsh: a name with a space and accents, one word" same "$TMP/zsh.3" "wallflower
show
Zoë Ça-Va"
	check "zsh: inside quotes" same "$TMP/zsh.4" "wallflower
show
Zoë Ça-Va"
	check "zsh: a persona after '='" same "$TMP/zsh.5" "wallflower
card
--persona=work"
	check "zsh: wallflowerd's options" same "$TMP/zsh.6" "wallflowerd
--inbox-max"
	check "zsh: shell in a name is one word and runs nothing" sh -c '
		[ ! -e "$3" ] && diff -u - "$1"' sh "$TMP/zsh.7" "$bob" "$TMP/PWNED" <<EOS
wallflower
show
$bob
EOS
fi

# ---- fish ----
if ! command -v fish >/dev/null 2>&1; then
	skip "fish completion" "fish is not installed"
else
	f() {
		fish --no-config -c "source '$SRC/completions/wallflower.fish';
			source '$SRC/completions/wallflowerd.fish'; complete -C \$argv[1]" "$1" \
			>"$TMP/out" 2>&1
	}
	f "wallflower sh"
	check "fish: a verb, with its summary" sh -c 'grep -q "^show	everything about one contact" "$1"' sh "$TMP/out"
	f "wallflower show --j"
	check "fish: a verb's options, one candidate" sh -c 'test "$(cut -f1 "$1")" = "--json"' sh "$TMP/out"
	f "wallflower show Zo"
	check "fish: a name with a space and accents" same "$TMP/out" "Zoë Ça-Va"
	f "wallflower show 'Ada L"
	check "fish: inside quotes" same "$TMP/out" "Ada Lovelace"
	f "wallflower card --persona=w"
	check "fish: a persona after '='" same "$TMP/out" "--persona=work"
	f "wallflower note $(echo "$zoe_fpr" | cut -c1-6)"
	check "fish: a fingerprint, with the name" same "$TMP/out" "$zoe_fpr	Zoë Ça-Va"
	f "wallflowerd --inbox-m"
	check "fish: wallflowerd's options" sh -c 'grep -q "^--inbox-max	" "$1"' sh "$TMP/out"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
