# fish completion for wallflowerd: its options, from its --help.

function __wallflowerd_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    if contains -- "$tokens[-1]" --state-dir --runtime-dir
        __fish_complete_directories "$cur" ''
        return
    end
    string match -q -- '-*' "$cur"; or return
    # Each option line of --help: "  -d, --debug  what" or "  --port N  what".
    $tokens[1] --help 2>/dev/null |
        string replace -rf '^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)(?: [A-Z]+)?\s+(\S.*)$' '$1\t$2'
end

complete -c wallflowerd -f -a '(__wallflowerd_complete)'
