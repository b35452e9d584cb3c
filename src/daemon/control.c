/*
 * control.c: the control socket (proto/control.md). It owns the listening socket in the
 * 0700 runtime directory, one client per connection, and the watch stream. Only the
 * daemon's own user may talk to it (SO_PEERCRED); even so, every message is bounded and
 * decoded strictly (ctl.h), and a malformed one gets an error reply, then the connection
 * closes. A client's state hangs off its connection and dies in client_close().
 */
#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "wallflower/crypt.h"
#include "wallflower/ctl.h"
#include "wallflower/file.h"
#include "wallflower/paths.h"

#include "log.h"
#include "wfd.h"

#define CONTROL_CLIENTS_MAX 32                /* control connections at once */
#define CONTROL_QUEUE_MAX   (8 * 1024 * 1024) /* bytes queued to one client */
#define CONTROL_BIG_REPLY   (64 * 1024)       /* a reply after which the heap is trimmed */

struct control_client {
	struct control *ctl;
	int fd;
	struct loop_watch *w;
	uint8_t in[CTL_HEADER + CTL_REQUEST_MAX];
	size_t inlen;
	uint8_t *out;
	size_t outlen, outoff;
	bool watching, waiting, closing;
	bool lagging; /* a watcher whose events are being dropped (logged once) */
	bool big;     /* a large reply is queued: free the buffer once it is sent */
	bool busy;    /* its request is being dispatched: closing waits (client_close) */
	bool dead;    /* closed while busy */
	struct control_pending *pending; /* the reply its request is waiting for, or NULL */
	struct control_client *next;
};

/* A reply owed to a client. The client owns it: whoever will answer holds only this, and
 * is told through cancel when the client goes first. */
struct control_pending {
	struct control_client *cl;
	void (*cancel)(void *arg);
	void *arg;
};

struct control {
	struct wfd *d;
	int fd;
	struct loop_watch *w;
	char *path;
	struct control_client *clients;
	unsigned count;
};

/* Frees cl, which the caller has taken off the list. */
static void
client_destroy(struct control_client *cl)
{
	cl->ctl->count--;
	if (cl->pending != NULL) {
		struct control_pending *p = cl->pending;

		cl->pending = NULL;
		p->cancel(p->arg);
		free(p);
	}
	loop_watch_free(cl->w);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

static void
client_close(struct control_client *cl)
{
	struct control_client **pp = &cl->ctl->clients;

	/* While its own request runs (a broadcast it caused may fail to reach it), a client
	 * is only marked; client_requests closes it once the request is done. */
	if (cl->busy) {
		cl->dead = true;
		return;
	}
	while (*pp != cl)
		pp = &(*pp)->next;
	*pp = cl->next;
	client_destroy(cl);
}

/* Reading only while no request is waiting; writing only while output is queued. */
static void
client_arm(struct control_client *cl)
{
	uint32_t ev = (cl->waiting || cl->closing ? 0 : EPOLLIN) |
	              (cl->outlen > cl->outoff ? EPOLLOUT : 0);

	if (loop_watch_set(cl->w, ev) < 0)
		log_warnx("control: cannot watch a client");
}

/* Writes what is queued. false when the client was dropped (cl is then freed). */
static bool
client_flush(struct control_client *cl)
{
	while (cl->outoff < cl->outlen) {
		ssize_t w =
		        send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff, MSG_NOSIGNAL);

		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (w < 0) {
			client_close(cl);
			return false;
		}
		cl->outoff += (size_t)w;
	}
	if (cl->outoff == cl->outlen) {
		cl->outoff = cl->outlen = 0;
		cl->lagging = false;
		if (cl->big) {
			/* A large reply (nearby with 1,000 peers is megabytes of JSON) leaves the
			 * heap grown; give it back, so that RSS stays what the peers need. */
			free(cl->out);
			cl->out = NULL;
			cl->big = false;
			malloc_trim(0);
		}
		if (cl->closing) {
			client_close(cl);
			return false;
		}
	}
	client_arm(cl);
	return true;
}

/* Queues msg (taking the reference). false when the client was dropped. */
static bool
client_send(struct control_client *cl, json_t *msg)
{
	uint8_t *frame = NULL, *grown;
	size_t len = 0;
	int r;

	if (cl->dead) {
		json_decref(msg);
		return false;
	}
	if (msg == NULL)
		msg = ctl_error(CTL_E_FAILED, "out of memory");
	r = ctl_encode(msg, CTL_REPLY_MAX, &frame, &len);
	json_decref(msg);
	if (r < 0 || cl->outlen - cl->outoff + len > CONTROL_QUEUE_MAX) {
		/* A watcher that stopped reading, or a reply we cannot make: drop the client. */
		log_warnx("control: dropping a client (%s)", r < 0 ? strerror(-r) : "not reading");
		free(frame);
		client_close(cl);
		return false;
	}
	if (cl->outoff > 0) {
		memmove(cl->out, cl->out + cl->outoff, cl->outlen - cl->outoff);
		cl->outlen -= cl->outoff;
		cl->outoff = 0;
	}
	if ((grown = realloc(cl->out, cl->outlen + len)) == NULL) {
		free(frame);
		client_close(cl);
		return false;
	}
	cl->out = grown;
	memcpy(cl->out + cl->outlen, frame, len);
	cl->outlen += len;
	cl->big = cl->big || len > CONTROL_BIG_REPLY;
	free(frame);
	return client_flush(cl);
}

static bool client_requests(struct control_client *cl);

struct control_pending *
control_pend(struct control_client *cl, void (*cancel)(void *arg), void *arg)
{
	struct control_pending *p;

	assert(cl->pending == NULL); /* one request at a time per client */
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	*p = (struct control_pending){ .cl = cl, .cancel = cancel, .arg = arg };
	cl->pending = p;
	return p;
}

void
control_pending_reply(struct control_pending *p, json_t *reply)
{
	struct control_client *cl = p->cl;

	cl->pending = NULL;
	free(p);
	control_reply(cl, reply);
}

void
control_reply(struct control_client *cl, json_t *reply)
{
	cl->waiting = false;
	/* Requests that arrived meanwhile wait in the buffer; nothing else would wake them. */
	if (client_send(cl, reply) && client_requests(cl))
		client_arm(cl);
}

void
control_broadcast(struct control *c, json_t *event)
{
	struct control_client *cl, *next;

	if (c == NULL || event == NULL) {
		json_decref(event);
		return;
	}
	for (cl = c->clients; cl != NULL; cl = next) {
		next = cl->next;
		if (!cl->watching)
			continue;
		/* A watcher that stopped reading misses events; it is not dropped here, because
		 * it may be the very client whose request caused this event. */
		if (cl->outlen - cl->outoff > CONTROL_QUEUE_MAX / 2) {
			if (!cl->lagging)
				log_warnx("control: a watcher is not reading; dropping its events "
				          "until it catches up");
			cl->lagging = true;
			continue;
		}
		client_send(cl, json_incref(event));
	}
	json_decref(event);
}

/* Replies with an error and closes: the stream cannot be trusted past a bad frame. */
static void
client_refuse(struct control_client *cl, const char *why)
{
	cl->closing = true;
	cl->inlen = 0;
	client_send(cl, ctl_error(CTL_E_MALFORMED, why));
}

/* Handles every complete request in the buffer. false when the client is gone. */
static bool
client_requests(struct control_client *cl)
{
	size_t body, consumed = 0;
	json_t *req, *reply;
	const char *why;
	bool later;

	/* After the loop has ended (the daemon is closing down), nothing more is started. */
	while (!cl->waiting && !cl->ctl->d->quitting && cl->inlen - consumed >= CTL_HEADER) {
		uint8_t *at = cl->in + consumed;

		if (ctl_frame_len(at, CTL_REQUEST_MAX, &body) < 0) {
			client_refuse(cl, "message length is 0 or too large");
			return false;
		}
		if (cl->inlen - consumed < CTL_HEADER + body)
			break;
		consumed += CTL_HEADER + body;
		if (ctl_decode(at + CTL_HEADER, body, CTL_REQUEST_MAX, &req, &why) < 0) {
			client_refuse(cl, why);
			return false;
		}
		later = false;
		cl->busy = true;
		reply = control_dispatch(cl->ctl->d, cl, req, &later);
		cl->busy = false;
		json_decref(req);
		if (cl->dead) {
			json_decref(reply);
			client_close(cl);
			return false;
		}
		if (later) {
			cl->waiting = true;
		} else if (!client_send(cl, reply)) {
			return false;
		}
	}
	memmove(cl->in, cl->in + consumed, cl->inlen - consumed);
	cl->inlen -= consumed;
	return true;
}

static void
client_io(struct loop_watch *w, int fd, uint32_t events, void *arg)
{
	struct control_client *cl = arg;

	(void)w;
	if (events & EPOLLOUT) {
		(void)client_flush(cl);
		return; /* a read waits for the next round: cl may be gone */
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		ssize_t r = recv(fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen, 0);

		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			client_close(cl);
			return;
		}
		cl->inlen += (size_t)r;
		if (client_requests(cl))
			client_arm(cl);
	}
}

static void
control_accept(struct loop_watch *w, int lfd, uint32_t events, void *arg)
{
	struct control *c = arg;
	struct control_client *cl;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	(void)w;
	(void)events;
	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		/* The directory is 0700 already; the credential check holds even if it is not. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
		    cred.uid != geteuid()) {
			log_warnx("control: refusing a client of another user");
			close(fd);
			continue;
		}
		if (c->count >= CONTROL_CLIENTS_MAX || (cl = calloc(1, sizeof(*cl))) == NULL) {
			log_warnx("control: too many clients");
			close(fd);
			continue;
		}
		cl->ctl = c;
		cl->fd = fd;
		if ((cl->w = loop_watch_new(c->d->loop, fd, EPOLLIN, client_io, cl)) == NULL) {
			close(fd);
			free(cl);
			continue;
		}
		cl->next = c->clients;
		c->clients = cl;
		c->count++;
	}
}

/* Whether a daemon answers at path (then we must not take its place). */
static bool
someone_listens(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool yes;

	if (fd < 0)
		return false;
	yes = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return yes;
}

int
control_new(struct wfd *d, const char *dir, struct control **out)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *c;
	struct stat st;
	int r;

	*out = NULL;
	/* Made 0700 when new; an existing one must already be, as DESIGN.md asks: we do not
	 * chmod a directory the user may use for other things. */
	if ((r = file_mkdir_private(dir)) < 0)
		return r;
	if (stat(dir, &st) < 0)
		return -errno;
	if ((st.st_mode & 077) != 0)
		return -EACCES;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return -ENOMEM;
	c->d = d;
	c->fd = -1;
	if ((c->path = file_join(dir, PATHS_CTL_SOCKET)) == NULL ||
	    strlen(c->path) >= sizeof(sa.sun_path)) {
		r = c->path == NULL ? -ENOMEM : -ENAMETOOLONG;
		goto fail;
	}
	memcpy(sa.sun_path, c->path, strlen(c->path) + 1);
	if (someone_listens(&sa)) {
		r = -EADDRINUSE;
		goto fail;
	}
	(void)unlink(c->path); /* a socket left by a daemon that died */
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(c->path, 0600) < 0 ||
	    listen(c->fd, 8) < 0) {
		r = -errno;
		goto fail;
	}
	if ((c->w = loop_watch_new(d->loop, c->fd, EPOLLIN, control_accept, c)) == NULL) {
		r = -errno;
		goto fail;
	}
	*out = c;
	return 0;
fail:
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	free(c);
	return r;
}

void
control_free(struct control *c)
{
	if (c == NULL)
		return;
	while (c->clients != NULL) {
		struct control_client *cl = c->clients;

		c->clients = cl->next;
		/* Last words, such as the reply to "stop": what the socket takes now. */
		if (cl->outlen > cl->outoff)
			(void)send(cl->fd, cl->out + cl->outoff, cl->outlen - cl->outoff,
			           MSG_NOSIGNAL | MSG_DONTWAIT);
		client_destroy(cl);
	}
	loop_watch_free(c->w);
	close(c->fd);
	(void)unlink(c->path);
	free(c->path);
	free(c);
}

void
control_watch(struct control_client *cl)
{
	cl->watching = true;
}
