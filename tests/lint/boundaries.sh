#!/bin/sh
# Lint: the architecture rules that a compiler does not check (STYLE.md rules 1, 2).
# - each external library is included by its one adapter only;
# - src/lib stays pure: no sockets, no avahi, no event loop;
# - functions with a history of overflows are not used.
set -u
cd "$1" || exit 1
bad=0
fail() { echo "$*"; bad=1; }

only() { # HEADER-REGEX ALLOWED-FILE-GLOB...
	pat=$1; shift
	for f in $(grep -rlE "#include <$pat" src include); do
		ok=0
		for a in "$@"; do
			# shellcheck disable=SC2254
			case $f in $a) ok=1 ;; esac
		done
		[ "$ok" -eq 1 ] || fail "$f includes <$pat>: only $* may"
	done
}
only 'sodium' src/lib/crypt.c
only 'msgpack' src/lib/wire.c
# The store adapter is the store*.c files around one internal header (store_int.h).
only 'sqlite3' 'src/lib/store.c' 'src/lib/store_*.c' src/lib/store_int.h
only 'avahi-' src/daemon/mdns.c
# JSON goes through jansson in four places: the CLI's --json, the JSON export, the
# control protocol (ctl.h, whose messages the daemon builds as JSON values), and
# wallflower-ui, which relays those messages to the page.
only 'jansson' src/cli/cli.h src/lib/export.c src/lib/ctl.c include/wallflower/ctl.h \
	src/daemon/wfd.h src/ui/ui.h
# The control socket's address: bound by the daemon's control.c, dialled by src/client's
# ctlclient.c for the CLI, wallflower-ui and wallflower-notify alike (no copy of its own).
only 'sys/un\.h' src/daemon/control.c src/client/ctlclient.c
# The local web server: libmicrohttpd in one file of wallflower-ui.
only 'microhttpd' src/ui/http.c
only 'libxml' src/lib/export_xml.c
# The session bus (desktop notifications): sd-bus in wallflower-notify's one adapter.
only 'systemd/' src/notify/bus.c
# Graphviz draws the map (graph map): libcgraph and libgvc in one file of the CLI.
only 'graphviz/' src/cli/cmd_map.c
# QR codes and the pictures they travel in: libqrencode, zbar, libpng and libjpeg in one file
# of the CLI (src/cli/qr.c).
only "(qrencode\\.h|zbar\\.h|zbar/|png\\.h|pngconf\\.h|jpeglib\\.h|jerror\\.h)" src/cli/qr.c
# Unicode: canonical and search forms in canon.c, display width in the CLI's tables.
only 'uni(str|case|norm|ctype|width|conv|lbrk|wbrk)\.h' src/lib/canon.c src/cli/table.c

for f in $(grep -rlE '#include <(sys/socket|netinet/|arpa/|sys/epoll|poll\.h)' src/lib include 2>/dev/null); do
	fail "$f: src/lib and include/ are pure, no sockets or event loops"
done

# Banned: unbounded copies and formatted writes, and number parsing without error checks.
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atoll|strtok|tmpnam|mktemp)\s*\('
if grep -rnE "$banned" src include; then
	fail "banned functions used (see above): use the bounded forms"
fi
[ "$bad" -eq 0 ] && echo "library boundaries and banned functions: clean"
exit "$bad"
