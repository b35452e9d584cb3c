# fish completion for wallflower.
#
# wallflower is asked what to offer ('wallflower complete words ...', a hidden command), so
# completion follows the installed version: its verbs, each verb's options and usage, and
# the names in your store (read only when there is one).

function __wallflower_complete
    set -l tokens (commandline -opc)
    # The token being completed, without one leading quote or backslashes.
    set -l cur (commandline -ct | string replace -r '^[\'"]' '' | string replace -a '\\' '')
    set -l out ($tokens[1] complete words $tokens[2..-1] "$cur" 2>/dev/null)
    test (count $out) -gt 0; or return
    switch $out[1]
        case files
            __fish_complete_path "$cur"
        case dirs
            __fish_complete_directories "$cur" ''
    end
    test (count $out) -gt 1; and printf '%s\n' $out[2..-1]
end

complete -c wallflower -f -a '(__wallflower_complete)'
