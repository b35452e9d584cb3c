/*
 * admit.c decides whether the daemon takes a new peer connection, and which one it closes
 * to make room (admit.h states the rules). It sees only a description of the connections:
 * addresses, ages and stages, no sockets and no clock, so every branch is unit-tested. It
 * trusts that description (the daemon builds it); the addresses in it are the peers' own
 * choice, so nothing here lets one address decide more than its own connections' fate
 * beyond the caps.
 */
#include <stdbool.h>
#include <string.h>

#include "wallflower/admit.h"

static bool
is_incoming(const struct admit_conn *c)
{
	return c->stage != ADMIT_OUTGOING;
}

/* Whether c may be closed to admit another: HANDSHAKE only, or HANDSHAKE and WAITING. */
static bool
droppable(const struct admit_conn *c, bool waiting_too)
{
	return c->stage == ADMIT_HANDSHAKE || (waiting_too && c->stage == ADMIT_WAITING);
}

/* How many droppable connections share c's address (c included). */
static size_t
same_addr(const struct admit_conn *conns, size_t n, const struct admit_conn *c, bool waiting_too)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (droppable(&conns[i], waiting_too) && strcmp(conns[i].addr, c->addr) == 0)
			k++;
	return k;
}

/*
 * The connection to drop: from the address with the most droppable connections, then the
 * oldest, then the first in the list. false when none may be dropped.
 */
static bool
pick_victim(const struct admit_conn *conns, size_t n, bool waiting_too, size_t *victim)
{
	size_t best_k = 0;
	bool found = false;

	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (!droppable(&conns[i], waiting_too))
			continue;
		k = same_addr(conns, n, &conns[i], waiting_too);
		if (!found || k > best_k ||
		    (k == best_k && conns[i].started_ms < conns[*victim].started_ms)) {
			best_k = k;
			*victim = i;
			found = true;
		}
	}
	return found;
}

static void
result(struct admit_result *out, enum admit_verdict v, size_t drop, const char *why)
{
	out->verdict = v;
	out->drop = drop;
	out->why = why;
}

void
admit_incoming(const struct admit_conn *conns, size_t n, const char *addr, struct admit_result *out)
{
	size_t from_addr = 0, handshakes = 0, incoming = 0, victim = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_incoming(&conns[i]))
			continue;
		incoming++;
		if (conns[i].stage == ADMIT_HANDSHAKE)
			handshakes++;
		if (strcmp(conns[i].addr, addr) == 0)
			from_addr++;
	}
	result(out, ADMIT_YES, 0, NULL);
	if (from_addr >= ADMIT_PER_ADDR)
		result(out, ADMIT_NO_ADDR, 0, "too many connections from that address");
	else if (handshakes >= ADMIT_HANDSHAKE_MAX && pick_victim(conns, n, false, &victim))
		result(out, ADMIT_DROP, victim, "too many handshakes at once");
	else if (incoming < ADMIT_INCOMING_MAX)
		return;
	else if (pick_victim(conns, n, true, &victim))
		result(out, ADMIT_DROP, victim, "too many incoming connections");
	else
		result(out, ADMIT_NO_ROOM, 0, "every incoming slot is answering a request");
}

void
admit_outgoing(const struct admit_conn *conns, size_t n, struct admit_result *out)
{
	size_t outgoing = 0;

	for (size_t i = 0; i < n; i++)
		if (!is_incoming(&conns[i]))
			outgoing++;
	if (outgoing >= ADMIT_OUTGOING_RESERVED)
		result(out, ADMIT_NO_OUTGOING, 0, "too many connections of ours at once");
	else
		result(out, ADMIT_YES, 0, NULL);
}
