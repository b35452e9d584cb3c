/*
 * doctor: why can't I see anyone? It checks, in the order things fail at a venue: the
 * daemon, avahi (as the daemon sees it over D-Bus), our listener, interfaces with multicast,
 * whether any other host's mDNS service is visible at all (nothing visible is the mark of client
 * isolation or multicast filtering), and whether a VPN holds the default route. Each finding comes
 * with the command or step that fixes it. It only reads and connects; it changes nothing.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"

#define DOCTOR_LAN_WAIT_MS 10000 /* the daemon looks for 3 s; it answers well within this */

/* NOTE: worth knowing, not in the way (it does not make the check fail). */
enum verdict { OK, WARN, FAIL, SKIP, NOTE };

struct doctor {
	bool json;
	json_t *checks;
	unsigned problems;
};

/* One finding: printed at once, or kept for --json. fix may be NULL. */
static void
report(struct doctor *dr, enum verdict v, const char *what, const char *detail, const char *fix)
{
	static const char *const names[] = { "ok", "warn", "fail", "skip", "note" };

	if (v == WARN || v == FAIL)
		dr->problems++;
	if (dr->json) {
		json_array_append_new(dr->checks,
		                      json_pack("{ssssssss?}", "check", what, "verdict", names[v],
		                                "detail", detail, "fix", fix));
		return;
	}
	printf("%-5s %-18s %s\n",
	       v == OK     ? "ok"
	       : v == WARN ? "WARN"
	       : v == FAIL ? "FAIL"
	       : v == NOTE ? "note"
	                   : "--",
	       what, detail);
	if (fix != NULL)
		printf("      %-18s fix: %s\n", "", fix);
}

/* The interfaces that are up, not loopback, can multicast and have an address. */
static void
check_interfaces(struct doctor *dr, char *list, size_t size)
{
	struct ifaddrs *ifs = NULL;
	size_t used = 0;

	list[0] = '\0';
	if (getifaddrs(&ifs) < 0) {
		report(dr, WARN, "multicast", strerror(errno), NULL);
		return;
	}
	for (struct ifaddrs *i = ifs; i != NULL; i = i->ifa_next) {
		char addr[NI_MAXHOST];
		int w;

		if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) ||
		    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_MULTICAST) ||
		    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (getnameinfo(i->ifa_addr,
		                i->ifa_addr->sa_family == AF_INET ? sizeof(struct sockaddr_in)
		                                                  : sizeof(struct sockaddr_in6),
		                addr, sizeof(addr), NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		w = snprintf(list + used, size - used, "%s%s (%s)", used > 0 ? ", " : "",
		             i->ifa_name, addr);
		if (w > 0 && (size_t)w < size - used)
			used += (size_t)w;
	}
	freeifaddrs(ifs);
	if (used == 0)
		report(dr, FAIL, "multicast", "no interface that is up can multicast",
		       "connect to the venue's network (Wi-Fi or cable) and check `ip link`");
	else
		report(dr, OK, "multicast", list, NULL);
}

/* Whether the default route goes through what looks like a VPN. */
static void
check_default_route(struct doctor *dr)
{
	FILE *f = fopen("/proc/net/route", "r");
	char line[256], iface[IF_NAMESIZE + 1] = "", best[IF_NAMESIZE + 1] = "";
	unsigned long dest, mask, metric, best_metric = ~0UL;
	unsigned flags;
	char detail[128];
	bool vpn;

	if (f == NULL) {
		report(dr, SKIP, "default route", "cannot read /proc/net/route", NULL);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%15s %lx %*x %x %*d %*d %lu %lx", iface, &dest, &flags, &metric,
		           &mask) == 5 &&
		    dest == 0 && mask == 0 && (flags & 1) && metric < best_metric) {
			best_metric = metric;
			memcpy(best, iface, sizeof(best));
		}
	}
	fclose(f);
	if (best[0] == '\0') {
		report(dr, OK, "default route", "none (a local network only)", NULL);
		return;
	}
	vpn = strncmp(best, "tun", 3) == 0 || strncmp(best, "tap", 3) == 0 ||
	      strncmp(best, "wg", 2) == 0 || strncmp(best, "ppp", 3) == 0 ||
	      strncmp(best, "vpn", 3) == 0 || strncmp(best, "ipsec", 5) == 0;
	snprintf(detail, sizeof(detail), vpn ? "through %s, which looks like a VPN" : "through %s",
	         best);
	if (vpn)
		report(dr, WARN, "default route", detail,
		       "a VPN may hide the local network: disconnect it, or allow local network "
		       "access in its settings");
	else
		report(dr, OK, "default route", detail, NULL);
}

/* Whether our listener takes a TCP connection on port (loopback: the daemon's own). */
static void
check_listener(struct doctor *dr, long long port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		                  .sin_port = htons((uint16_t)port),
		                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char detail[96];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;

	if (fd >= 0)
		close(fd);
	snprintf(detail, sizeof(detail), "TCP port %lld %s", port,
	         ok ? "accepts connections" : "refuses connections");
	report(dr, ok ? OK : FAIL, "listener", detail,
	       ok ? NULL : "restart the daemon: wallflower stop; wallflower start");
}

/*
 * Our adverts never name the machine (proto/txt.md 1), but avahi itself announces the
 * machine's name at the same addresses, and that name is often its owner's and the same at
 * every event: a privacy note, not a fault (docs/privacy.md).
 */
static void
check_machine_name(struct doctor *dr, const json_t *machine)
{
	const char *name = json_string_value(json_object_get(machine, "name"));
	char detail[256];

	if (name == NULL || name[0] == '\0') {
		report(dr, SKIP, "machine name", "avahi did not say", NULL);
		return;
	}
	if (!json_is_true(json_object_get(machine, "announced"))) {
		snprintf(detail, sizeof(detail), "avahi does not announce %s", name);
		report(dr, OK, "machine name", detail, NULL);
		return;
	}
	snprintf(detail, sizeof(detail),
	         "avahi announces this machine as %s at the addresses of your advert: anyone "
	         "nearby can tie your adverts to that name",
	         name);
	report(dr, NOTE, "machine name", detail,
	       "in /etc/avahi/avahi-daemon.conf set host-name= to a name that says nothing "
	       "about you, or publish-addresses=no (other services on this machine then lose "
	       "their .local name), and restart avahi-daemon");
}

static void
check_lan(struct doctor *dr)
{
	json_t *r = cli_daemon_request(json_pack("{ss}", "cmd", "lan"), DOCTOR_LAN_WAIT_MS, false);
	json_t *services = json_object_get(r, "services");
	char detail[256];

	if (r == NULL) {
		report(dr, SKIP, "other services", "could not ask the daemon", NULL);
		return;
	}
	if (json_array_size(services) == 0 &&
	    json_integer_value(json_object_get(r, "nearby")) == 0) {
		report(dr, WARN, "other services",
		       "no other host shows any mDNS service: this network probably isolates "
		       "clients or filters multicast (common on venue Wi-Fi)",
		       "try another network (a phone's hotspot works), ask the venue for one "
		       "without client isolation, and check that no firewall drops UDP port "
		       "5353");
		/* What works without discovery, and where it does not. */
		report(dr, NOTE, "direct",
		       "without discovery, 'wallflower invite' gives a line that lets someone "
		       "send you their card directly ('wallflower send --to'). It works when they "
		       "are on another network that routes to this one, or when only multicast is "
		       "filtered; not between two clients of a Wi-Fi that isolates them, where "
		       "nothing passes between the two",
		       "wallflower invite");
	} else {
		snprintf(detail, sizeof(detail),
		         "%zu service types from other hosts, %lld wallflower "
		         "peers",
		         json_array_size(services),
		         (long long)json_integer_value(json_object_get(r, "nearby")));
		report(dr, OK, "other services", detail, NULL);
	}
	check_machine_name(dr, json_object_get(r, "machine"));
	json_decref(r);
}

static const char doctor_help[] =
        "usage: wallflower doctor [--json] [--runtime-dir DIR]\n"
        "\n"
        "Checks why you might not see anyone: wallflowerd, avahi-daemon, the listener, the\n"
        "interfaces that can multicast, whether any other host's mDNS service is visible\n"
        "(nothing at all suggests client isolation or multicast filtering), and whether a\n"
        "VPN holds the default route. Each problem comes with what fixes it; under client\n"
        "isolation it also says when 'wallflower invite' can help. It also notes\n"
        "whether avahi announces this machine's name, which can tie your anonymous adverts\n"
        "to it (docs/privacy.md); that note is not a problem. Exits 0 when nothing is\n"
        "wrong, 1 otherwise. Looking at the network takes about three seconds.\n"
        "\n"
        "  --json    print the checks as JSON\n";

int
cmd_doctor(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTIONS,
		                              CLI_DAEMON_OPTIONS,
		                              { "json", no_argument, NULL, 'j' },
		                              { NULL, 0, NULL, 0 } };
	struct doctor dr = { 0 };
	bool done = false;
	char ifaces[512];
	json_t *st;
	const char *avahi;
	int c;

	while ((c = cli_getopt_daemon(cli, argc, argv, "h", opts, doctor_help, &done)) != -1) {
		if (c != 'j')
			return done ? CLI_EXIT_OK : CLI_EXIT_USAGE;
		dr.json = true;
	}
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument %s", cli_quote(argv[optind]));
	if (dr.json && (dr.checks = json_array()) == NULL)
		return CLI_EXIT_FAIL;
	st = cli_daemon_request(json_pack("{ss}", "cmd", "status"), 5000, true);
	if (st == NULL) {
		report(&dr, FAIL, "wallflowerd", "not running",
		       "wallflower start (or: systemctl --user start wallflowerd)");
		report(&dr, SKIP, "avahi-daemon", "unknown without wallflowerd", NULL);
	} else {
		report(&dr, OK, "wallflowerd",
		       json_is_true(json_object_get(st, "started")) ? "running, started"
		                                                    : "running, not started",
		       json_is_true(json_object_get(st, "started"))
		               ? NULL
		               : "wallflower start --event NAME");
		avahi = json_string_value(json_object_get(st, "avahi"));
		if (avahi != NULL && strcmp(avahi, "running") == 0)
			report(&dr, OK, "avahi-daemon", "running, reachable over D-Bus", NULL);
		else if (avahi != NULL && strcmp(avahi, "registering") == 0)
			report(&dr, OK, "avahi-daemon",
			       "reachable over D-Bus, still settling its host name", NULL);
		else
			report(&dr, FAIL, "avahi-daemon", "not reachable over D-Bus",
			       "sudo apt-get install avahi-daemon && sudo systemctl enable --now "
			       "avahi-daemon");
	}
	if (st != NULL && json_is_true(json_object_get(st, "started")))
		check_listener(&dr, json_integer_value(json_object_get(st, "port")));
	else
		report(&dr, SKIP, "listener", "not listening until started", NULL);
	check_interfaces(&dr, ifaces, sizeof(ifaces));
	/* Only a started daemon browses: before that its peer table is empty by design. */
	if (st != NULL && json_is_true(json_object_get(st, "started")) &&
	    json_string_value(json_object_get(st, "avahi")) != NULL &&
	    strcmp(json_string_value(json_object_get(st, "avahi")), "running") == 0)
		check_lan(&dr);
	else
		report(&dr, SKIP, "other services",
		       "needs a started wallflowerd and a running avahi-daemon", NULL);
	check_default_route(&dr);
	json_decref(st);
	if (dr.json && cli_json_print(json_pack("{sbso}", "healthy", dr.problems == 0, "checks",
	                                        dr.checks)) < 0)
		return CLI_EXIT_FAIL;
	if (!dr.json)
		printf("%s\n", dr.problems == 0 ? "Nothing wrong found."
		                                : "Something is in the way; see the fixes above.");
	return dr.problems == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
