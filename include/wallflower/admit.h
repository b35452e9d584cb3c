/*
 * admit: which peer connections the daemon takes, as a pure decision over a description of
 * the connections it holds. Anyone on the LAN can open TCP connections for free and leave
 * them idle, so a connection that has not yet done anything useful is cheap to hold and
 * must be cheap to lose:
 *
 * - incoming and outgoing connections have separate pools: ADMIT_OUTGOING_RESERVED slots
 *   only our own deliveries and cards back use, and incoming ones can never take them;
 * - at most ADMIT_PER_ADDR incoming connections from one address at once (an address, not
 *   a prefix: at an event every honest attendee shares the venue's prefix);
 * - at most ADMIT_HANDSHAKE_MAX incoming connections that have not finished the handshake;
 *   a new one past that drops one of them, as sshd's MaxStartups does;
 * - at most ADMIT_INCOMING_MAX incoming connections in all; a new one past that drops one
 *   that has not handed over a request yet, and is refused only when every incoming
 *   connection is answering a request (which ends within SESSION_EXCHANGE_TIMEOUT_MS).
 *
 * The connection dropped is taken from the address that holds the most droppable ones (a
 * flood from few addresses pays first), then the oldest, then the first in the list.
 */
#ifndef WALLFLOWER_ADMIT_H
#define WALLFLOWER_ADMIT_H

#include <stddef.h>
#include <stdint.h>

#define ADMIT_HANDSHAKE_MAX     32 /* incoming connections still in the handshake */
#define ADMIT_INCOMING_MAX      64 /* incoming connections in all */
#define ADMIT_OUTGOING_RESERVED 16 /* connections only our own deliveries use */
#define ADMIT_PER_ADDR          4  /* incoming connections from one address */
#define ADMIT_CONN_MAX          (ADMIT_INCOMING_MAX + ADMIT_OUTGOING_RESERVED)

enum admit_stage {
	ADMIT_HANDSHAKE, /* incoming, handshake not finished */
	ADMIT_WAITING,   /* incoming, handshake done, no request yet (or a refusal being sent) */
	ADMIT_ANSWERING, /* incoming, a verified request is being answered */
	ADMIT_OUTGOING,  /* ours */
};

/* One connection held now. addr is the peer's numeric address, compared as a string. */
struct admit_conn {
	const char *addr;
	uint64_t started_ms; /* when it was accepted or started (any monotonic clock) */
	enum admit_stage stage;
};

enum admit_verdict {
	ADMIT_YES,         /* take it */
	ADMIT_DROP,        /* take it after closing conns[drop] */
	ADMIT_NO_ADDR,     /* refuse: ADMIT_PER_ADDR from that address already */
	ADMIT_NO_ROOM,     /* refuse: every incoming slot is answering a request */
	ADMIT_NO_OUTGOING, /* refuse: every outgoing slot is in use */
};

struct admit_result {
	enum admit_verdict verdict;
	size_t drop;     /* ADMIT_DROP: the index in conns of the connection to close */
	const char *why; /* unless ADMIT_YES: which limit, for a log line (static text) */
};

/*
 * A new incoming connection from addr, given the n connections held now (both directions,
 * in any order). The verdict in *out; drop is 0 unless the verdict is ADMIT_DROP. No
 * allocation, no failure. The work is quadratic in n, which the daemon keeps at most
 * ADMIT_CONN_MAX.
 */
void admit_incoming(const struct admit_conn *conns, size_t n, const char *addr,
                    struct admit_result *out);

/* A new outgoing connection: ADMIT_YES or ADMIT_NO_OUTGOING. */
void admit_outgoing(const struct admit_conn *conns, size_t n, struct admit_result *out);

#endif
