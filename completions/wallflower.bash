# bash completion for wallflower and wallflowerd.
#
# wallflower is asked what to offer ('wallflower complete words ...', a hidden command), so
# completion follows the installed version: its verbs, each verb's options and usage, and
# the names in your store (read only when there is one). wallflowerd's options come from
# its --help.

# Sets _wallflower_word to $1 without the shell's quoting: one leading quote (and its
# closing one), or backslashes. Enough for what a person types before TAB.
_wallflower_dequote()
{
	local w=$1 out='' i c
	case $w in
	\'*)
		w=${w#\'}
		_wallflower_word=${w%\'}
		return
		;;
	\"*)
		w=${w#\"}
		_wallflower_word=${w%\"}
		return
		;;
	esac
	for ((i = 0; i < ${#w}; i++)); do
		c=${w:i:1}
		if [[ $c == \\ ]]; then
			((i++))
			c=${w:i:1}
		fi
		out+=$c
	done
	_wallflower_word=$out
}

_wallflower()
{
	local -a args lines
	local cur raw quote='' i end=$COMP_CWORD cand q header prog _wallflower_word
	COMPREPLY=()
	raw=${COMP_WORDS[COMP_CWORD]}
	# bash splits "--persona=wo" at '=': complete it as "--persona wo".
	if [[ $raw == = ]]; then
		raw=''
	elif ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[COMP_CWORD - 1]} == = ]]; then
		end=$((COMP_CWORD - 1))
	fi
	for ((i = 1; i < end; i++)); do
		_wallflower_dequote "${COMP_WORDS[i]}"
		args+=("$_wallflower_word")
	done
	case $raw in
	\'* | \"*) quote=${raw:0:1} ;;
	esac
	_wallflower_dequote "$raw"
	cur=$_wallflower_word
	_wallflower_dequote "${COMP_WORDS[0]}"
	prog=$_wallflower_word
	mapfile -t lines < <("$prog" complete words "${args[@]}" "$cur" 2>/dev/null)
	((${#lines[@]} > 0)) || return 0
	header=${lines[0]}
	for cand in "${lines[@]:1}"; do
		cand=${cand%%$'\t'*}
		[[ $cand == "$cur"* ]] || continue
		if [[ $quote == \' ]]; then
			# Inside quotes readline inserts the name after the opening quote and
			# closes it: a quote in the name must end it, and start it again.
			COMPREPLY+=("${cand//\'/\'\\\'\'}")
		elif [[ $quote == \" ]]; then
			q=${cand//\\/\\\\}
			q=${q//\"/\\\"}
			q=${q//\$/\\\$}
			q=${q//\`/\\\`}
			COMPREPLY+=("$q")
		else
			printf -v q '%q' "$cand"
			COMPREPLY+=("$q")
		fi
	done
	if [[ $header == files || $header == dirs ]]; then
		local -a paths
		if [[ $header == files ]]; then
			mapfile -t paths < <(compgen -f -- "$cur")
		else
			mapfile -t paths < <(compgen -d -- "$cur")
		fi
		COMPREPLY+=("${paths[@]}")
		compopt -o filenames 2>/dev/null
	fi
	return 0
}

_wallflowerd()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=''
	((COMP_CWORD > 1)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case $prev in
	--state-dir | --runtime-dir)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		compopt -o filenames 2>/dev/null
		return 0
		;;
	esac
	[[ $cur == -* ]] || return 0
	# Each option line of --help: "  -d, --debug  ..." or "  --port N  ...".
	mapfile -t COMPREPLY < <(compgen -W "$("${COMP_WORDS[0]}" --help 2>/dev/null |
		sed -n 's/^ *\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p')" -- "$cur")
	return 0
}

complete -F _wallflower wallflower
complete -F _wallflowerd wallflowerd
