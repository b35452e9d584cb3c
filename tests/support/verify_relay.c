/*
 * verify_relay: someone in the middle of a verification in person (proto/session.md 9.7),
 * for the testbed. It listens on PORT; the first connection it takes is treated as a
 * verify to answer, as a waiting responder with an identity and a presence key of its own;
 * meanwhile it verifies HOST:TARGET_PORT (the real person) as the initiator, with the same
 * identity. It does everything a relay can: it answers both sides at once and shows each
 * a code. It prints one line, "codes INITIATOR_SIDE RESPONDER_SIDE", the code it shares
 * with whoever connected to it and the one it shares with the person it connected to;
 * the test compares them with what the two people's screens show. Blocking sockets, one
 * run, then it exits. Usage: verify_relay PORT HOST TARGET_PORT
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "wallflower/sas.h"
#include "wallflower/session.h"

static _Noreturn void
die(const char *what)
{
	fprintf(stderr, "verify_relay: %s\n", what);
	exit(1);
}

/* Writes what s has queued to fd. */
static void
flush(struct session *s, int fd)
{
	const uint8_t *d;
	size_t n;

	while ((n = session_output(s, &d)) > 0) {
		ssize_t w = send(fd, d, n, MSG_NOSIGNAL);

		if (w <= 0)
			die("send");
		session_output_done(s, (size_t)w);
	}
}

/*
 * Reads from fd into s, writing what s answers, until an event other than none. The
 * buffer is shared by the two sockets: each phase of main reads its socket dry before the
 * next begins, because the peer of a phase says nothing more until it is answered.
 */
static enum session_event
next_event(struct session *s, int fd)
{
	static uint8_t buf[8192];
	static size_t have, off;
	enum session_event ev = SESSION_EV_NONE;

	for (;;) {
		flush(s, fd);
		while (off < have) {
			size_t used;

			if (session_input(s, buf + off, have - off, &used, &ev) < 0)
				die(session_reason(s));
			off += used;
			flush(s, fd);
			if (ev != SESSION_EV_NONE)
				return ev;
		}
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r <= 0)
			die("the connection closed");
		have = (size_t)r;
		off = 0;
	}
}

static int
listen_on(uint16_t port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_STREAM, 0), on = 1, off = 0;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0)
		die("listen");
	return fd;
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd;

	if (getaddrinfo(host, port, &hints, &ai) != 0)
		die("address");
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		die("connect");
	freeaddrinfo(ai);
	return fd;
}

int
main(int argc, char **argv)
{
	uint8_t seed[CRYPT_SIGN_SEED], presence[32];
	struct identity *id;
	struct peermsg req = { .type = PEERMSG_VERIFY };
	struct session *towards_me, *towards_them;
	char a[SAS_TEXT], b[SAS_TEXT];
	uint32_t code_a, code_b;
	int lfd, in, out;

	if (argc != 4)
		die("usage: verify_relay PORT HOST TARGET_PORT");
	if (crypt_init() < 0)
		die("libsodium");
	crypt_random(seed, sizeof(seed));
	crypt_random(presence, sizeof(presence));
	if (identity_from_seed(seed, &id) < 0)
		die("identity");
	lfd = listen_on((uint16_t)atoi(argv[1]));
	printf("listening\n");
	fflush(stdout);
	if ((in = accept(lfd, NULL, NULL)) < 0)
		die("accept");
	/* The side that came to us: answer its handshake and take its verify. */
	{
		struct session_config cfg = { .role = SESSION_RESPONDER, .static_sk = presence };

		if (session_new(&cfg, &towards_me) < 0)
			die("session");
	}
	while (next_event(towards_me, in) != SESSION_EV_REQUEST)
		;
	/* The person it pretends to be: verify them, up to their nonce. */
	{
		struct session_config cfg = {
			.role = SESSION_INITIATOR, .static_sk = presence, .id = id, .request = &req
		};

		if (session_new(&cfg, &towards_them) < 0)
			die("session");
	}
	out = dial(argv[2], argv[3]);
	while (next_event(towards_them, out) != SESSION_EV_ANSWER)
		;
	if (session_verify_code(towards_them, &code_b) < 0)
		die("the person it connected to refused");
	/* Back to the side that came: its nonce, the opening, the code. */
	if (session_verify_reply(towards_me, id) < 0)
		die("verify-nonce");
	flush(towards_me, in);
	if (next_event(towards_me, in) != SESSION_EV_VERIFIED ||
	    session_verify_code(towards_me, &code_a) < 0)
		die("the side that came did not open its commitment");
	flush(towards_me, in);
	sas_format(a, code_a);
	sas_format(b, code_b);
	printf("codes %s %s\n", a, b);
	session_free(towards_me);
	session_free(towards_them);
	identity_free(id);
	close(in);
	close(out);
	close(lfd);
	return 0;
}
