/*
 * http.c: wallflower-ui's HTTP side, on libmicrohttpd (docs/ui.md).
 *
 * Every request passes uiguard_check() (src/lib/uiguard.c) before anything else is looked
 * at; this file only collects what the guard reads and carries out its verdict. It trusts
 * nothing of the request: headers that appear twice count as absent, the raw query is
 * taken from the request line (not libmicrohttpd's decoded arguments) so the guard sees
 * what was sent, and a body stops being kept past UIGUARD_BODY_MAX.
 *
 * Threads: libmicrohttpd's internal polling thread with one thread per connection. The
 * reason is /events: a stream waits on the daemon's watch socket for as long as the page
 * is open, and with a thread of its own it can simply block in poll() there, with a pipe
 * that wakes it at exit. An external epoll loop would need the stream's reads made
 * non-blocking and suspended/resumed through MHD; for a page that one person opens, a
 * bounded number of threads (UI_CONNECTIONS_MAX, UI_EVENTS_MAX streams) is the simpler
 * right thing. Nothing is shared between threads but the read-only struct ui, the stop
 * pipe and two counters.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "wallflower/ctl.h"
#include "wallflower/file.h"

#include "ctlclient.h"
#include "ui.h"

#define UI_QUERY_MAX 256

static const char csp[] = "default-src 'none'; script-src 'self'; style-src 'self'; "
                          "img-src 'self'; connect-src 'self'; base-uri 'none'; "
                          "form-action 'none'; frame-ancestors 'none'";

static struct MHD_Daemon *daemon_;
static const struct ui *ui_;
static int stop_pipe[2] = { -1, -1 };
static atomic_int streams;
static atomic_uint tmp_seq;

/* The state of one request, from its request line until it completes. */
struct rq {
	char query[UI_QUERY_MAX + 1];
	bool has_query;
	bool checked;
	bool too_big;
	size_t len;
	char body[UIGUARD_BODY_MAX + 1];
};

/* ---- responses ---- */

/*
 * Queues resp (and lets go of it) with the headers every answer carries, then EXTRA, a
 * NULL-ended list of names and values. An answer that would go out without one of them
 * (out of memory) is not sent at all: the connection is closed instead.
 */
static enum MHD_Result
queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp,
      const char *const *extra)
{
	const char *const always[] = { "Content-Security-Policy",
		                       csp,
		                       "X-Content-Type-Options",
		                       "nosniff",
		                       "Referrer-Policy",
		                       "no-referrer",
		                       "Cache-Control",
		                       "no-store",
		                       "X-Frame-Options",
		                       "DENY",
		                       NULL };
	const char *const *lists[] = { always, extra };
	enum MHD_Result r = MHD_YES;

	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; lists[l][i] != NULL && r == MHD_YES; i += 2)
			r = MHD_add_response_header(resp, lists[l][i], lists[l][i + 1]);
	if (r == MHD_YES)
		r = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result
respond(struct MHD_Connection *c, unsigned status, const char *type, const void *data, size_t len)
{
	struct MHD_Response *resp =
	        MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);

	if (resp == NULL)
		return MHD_NO;
	return queue(c, status, resp, (const char *const[]){ "Content-Type", type, NULL });
}

static enum MHD_Result
respond_error(struct MHD_Connection *c, const struct uiguard_verdict *v)
{
	char text[64];
	struct MHD_Response *resp;
	int n = snprintf(text, sizeof(text), "%d %s\n", v->status,
	                 v->status == 421   ? "misdirected request"
	                 : v->status == 403 ? "forbidden"
	                 : v->status == 404 ? "not found"
	                 : v->status == 405 ? "method not allowed"
	                 : v->status == 413 ? "body too large"
	                 : v->status == 415 ? "unsupported media type"
	                                    : "bad request");

	resp = MHD_create_response_from_buffer((size_t)n, text, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	return queue(c, (unsigned)v->status, resp,
	             (const char *const[]){ "Content-Type", "text/plain; charset=utf-8",
	                                    v->allow != NULL ? "Allow" : NULL, v->allow, NULL });
}

static enum MHD_Result
respond_json(struct MHD_Connection *c, unsigned status, json_t *j)
{
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
	enum MHD_Result r;

	json_decref(j);
	if (s == NULL)
		return respond(c, 500, "text/plain; charset=utf-8", "500 out of memory\n", 18);
	r = respond(c, status, "application/json", s, strlen(s));
	free(s);
	return r;
}

static enum MHD_Result
respond_not_running(struct MHD_Connection *c)
{
	return respond_json(c, 503,
	                    json_pack("{sbssss}", "ok", 0, "error", "not-running", "msg",
	                              "wallflowerd is not running (start it with 'wallflower "
	                              "start')"));
}

static enum MHD_Result
redirect_with_cookie(struct MHD_Connection *c)
{
	char cookie[160];
	struct MHD_Response *resp;

	if (uiguard_set_cookie(cookie, sizeof(cookie), ui_->token) < 0)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	return queue(c, 303, resp,
	             (const char *const[]){ "Location", "/", "Set-Cookie", cookie, NULL });
}

/* ---- GET ---- */

static enum MHD_Result
serve_asset(struct MHD_Connection *c, const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (size_t i = 0; i < ui_assets_count; i++)
		if (strcmp(ui_assets[i].path, path) == 0)
			return respond(c, 200, ui_assets[i].type, ui_assets[i].data,
			               ui_assets[i].len);
	return respond(c, 404, "text/plain; charset=utf-8", "404 not found\n", 14);
}

static enum MHD_Result
serve_daemon(struct MHD_Connection *c, const char *cmd)
{
	json_t *reply = backend_request(ui_, json_pack("{ss}", "cmd", cmd));

	if (reply == NULL)
		return respond_not_running(c);
	return respond_json(c, 200, reply);
}

/* The CLI's failure as {"ok":false,"error":...}: its first line of stderr. */
static json_t *
cli_failure(int status, const char *err)
{
	char line[512];
	size_t n = 0;

	if (status == -ETIMEDOUT)
		snprintf(line, sizeof(line), "wallflower did not finish in %d s; stopped",
		         UI_CLI_TIMEOUT_MS / 1000);
	else if (status < 0) /* strerror_r (GNU): threads share strerror's buffer */
		snprintf(line, sizeof(line), "cannot run wallflower: %s",
		         strerror_r(-status, (char[128]){ 0 }, 128));
	else {
		while (err != NULL && err[n] != '\0' && err[n] != '\n' && n < sizeof(line) - 1)
			n++;
		memcpy(line, err != NULL ? err : "", n);
		line[n] = '\0';
		if (n == 0)
			snprintf(line, sizeof(line), "wallflower exited with %d", status);
	}
	return json_pack("{sbss}", "ok", 0, "error", line);
}

/* A `wallflower ... --json` the CLI prints, passed through as it is (docs/json.md). */
static enum MHD_Result
serve_cli_json(struct MHD_Connection *c, const char *const *argv)
{
	char *out = NULL, *err = NULL;
	size_t len = 0;
	int st = backend_run_cli(ui_, argv, &out, &len, &err);
	enum MHD_Result r;

	if (st == 0)
		r = respond(c, 200, "application/json", out != NULL ? out : "", len);
	else
		r = respond_json(c, 500, cli_failure(st, err));
	free(out);
	free(err);
	return r;
}

/* map.svg, card.svg: the CLI writes the picture to a file of ours, which is served. */
static enum MHD_Result
serve_svg(struct MHD_Connection *c, bool map)
{
	char path[4096], *out = NULL, *err = NULL;
	uint8_t *svg = NULL;
	size_t len = 0;
	int st;
	enum MHD_Result r;

	snprintf(path, sizeof(path), "%s/%s-%u.svg", ui_->tmp_dir, map ? "map" : "card",
	         atomic_fetch_add(&tmp_seq, 1));
	const char *argv_map[] = { "wallflower", "graph", "map", "-o", path, NULL };
	const char *argv_card[] = { "wallflower", "card", "--qr", "-o", path, NULL };
	st = backend_run_cli(ui_, map ? argv_map : argv_card, &out, &len, &err);
	if (st == 0 && file_read(path, UI_CLI_OUTPUT_MAX, &svg, &len) == 0)
		r = respond(c, 200, "image/svg+xml", svg, len);
	else
		r = respond_json(c, 500, cli_failure(st == 0 ? 1 : st, err));
	unlink(path);
	free(svg);
	free(out);
	free(err);
	return r;
}

/* ---- /events: the watch stream as server-sent events ---- */

struct stream {
	int fd;
	char *pend;
	size_t plen, poff;
};

static bool
event_name_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '-' || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* The next event as "event: NAME\ndata: JSON\n\n" in st->pend; -1 when the daemon left. */
static int
stream_next(struct stream *st)
{
	json_t *msg = NULL;
	const char *name = NULL;
	char *data;
	int n;

	if (ctlclient_recv(st->fd, UI_REQUEST_TIMEOUT_MS, &msg) < 0)
		return -1;
	if (ctl_get_str(msg, "event", 64, &name) < 0 || !event_name_ok(name)) {
		json_decref(msg); /* a reply (the watch's own "ok"), not an event */
		return 0;
	}
	/* Compact JSON has no raw newline: it cannot end the data line early. */
	data = json_dumps(msg, JSON_COMPACT);
	n = data != NULL ? asprintf(&st->pend, "event: %s\ndata: %s\n\n", name, data) : -1;
	free(data);
	json_decref(msg);
	if (n < 0) {
		st->pend = NULL;
		return -1;
	}
	st->plen = (size_t)n;
	st->poff = 0;
	return 0;
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;

	(void)pos;
	while (st->pend == NULL) {
		struct pollfd p[2] = { { .fd = st->fd, .events = POLLIN },
			               { .fd = stop_pipe[0], .events = POLLIN } };
		int r = poll(p, 2, UI_KEEPALIVE_S * 1000);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || p[1].revents)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (r == 0) {
			static const char ka[] = ": keepalive\n\n";

			memcpy(buf, ka, sizeof(ka) - 1 < max ? sizeof(ka) - 1 : max);
			return (ssize_t)(sizeof(ka) - 1 < max ? sizeof(ka) - 1 : max);
		}
		if (stream_next(st) < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	size_t n = st->plen - st->poff < max ? st->plen - st->poff : max;

	memcpy(buf, st->pend + st->poff, n);
	st->poff += n;
	if (st->poff == st->plen) {
		free(st->pend);
		st->pend = NULL;
	}
	return (ssize_t)n;
}

static void
stream_free(void *cls)
{
	struct stream *st = cls;

	close(st->fd);
	free(st->pend);
	free(st);
	atomic_fetch_sub(&streams, 1);
}

static enum MHD_Result
serve_events(struct MHD_Connection *c)
{
	struct stream *st;
	struct MHD_Response *resp;
	json_t *req, *reply = NULL;

	if (atomic_fetch_add(&streams, 1) >= UI_EVENTS_MAX) {
		atomic_fetch_sub(&streams, 1);
		return respond(c, 503, "text/plain; charset=utf-8", "503 too many streams\n", 21);
	}
	if ((st = calloc(1, sizeof(*st))) == NULL || (st->fd = backend_dial(ui_)) < 0) {
		free(st);
		atomic_fetch_sub(&streams, 1);
		return respond_not_running(c);
	}
	req = json_pack("{ss}", "cmd", "watch");
	if (req == NULL || ctlclient_send(st->fd, req) < 0 ||
	    ctlclient_recv(st->fd, UI_REQUEST_TIMEOUT_MS, &reply) < 0) {
		json_decref(req);
		stream_free(st);
		return respond_not_running(c);
	}
	json_decref(req);
	json_decref(reply);
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st,
	                                         stream_free);
	if (resp == NULL) {
		stream_free(st);
		return MHD_NO;
	}
	return queue(c, 200, resp,
	             (const char *const[]){ "Content-Type", "text/event-stream", NULL });
}

static enum MHD_Result
serve_get(struct MHD_Connection *c, const char *path)
{
	static const char *const contacts[] = { "wallflower", "contacts", "--json", NULL };
	static const char *const hubs[] = { "wallflower", "graph", "hubs", "--json", NULL };
	static const char *const gaps[] = { "wallflower", "graph", "gaps", "--json", NULL };

	if (strcmp(path, "/api/status") == 0)
		return serve_daemon(c, "status");
	if (strcmp(path, "/api/nearby") == 0)
		return serve_daemon(c, "nearby");
	if (strcmp(path, "/api/inbox") == 0)
		return serve_daemon(c, "inbox");
	if (strcmp(path, "/api/contacts") == 0)
		return serve_cli_json(c, contacts);
	if (strcmp(path, "/api/hubs") == 0)
		return serve_cli_json(c, hubs);
	if (strcmp(path, "/api/gaps") == 0)
		return serve_cli_json(c, gaps);
	if (strcmp(path, "/map.svg") == 0)
		return serve_svg(c, true);
	if (strcmp(path, "/card.svg") == 0)
		return serve_svg(c, false);
	if (strcmp(path, "/events") == 0)
		return serve_events(c);
	return serve_asset(c, path);
}

/* ---- POST ---- */

static enum MHD_Result
post_accept(struct MHD_Connection *c, uint64_t id)
{
	char ids[24], *out = NULL, *err = NULL;
	size_t len = 0;
	int st;
	enum MHD_Result r;

	snprintf(ids, sizeof(ids), "%" PRIu64, id);
	const char *argv[] = { "wallflower", "accept", ids, NULL };
	st = backend_run_cli(ui_, argv, &out, &len, &err);
	if (st == 0)
		r = respond_json(c, 200,
		                 json_pack("{sbss}", "ok", 1, "output", out != NULL ? out : ""));
	else
		r = respond_json(c, 200, cli_failure(st, err));
	free(out);
	free(err);
	return r;
}

static enum MHD_Result
serve_post(struct MHD_Connection *c, const char *path, struct rq *rq)
{
	json_t *body = NULL, *reply;
	const char *why = NULL;
	uint64_t id = 0;

	if (ctl_decode((const uint8_t *)rq->body, rq->len, UIGUARD_BODY_MAX, &body, &why) < 0 ||
	    ctl_get_uint(body, "id", INT64_MAX, &id) < 0 || id == 0) {
		json_decref(body);
		return respond_json(
		        c, 400,
		        json_pack("{sbss}", "ok", 0, "error", "the body must be {\"id\": N}"));
	}
	json_decref(body);
	if (strcmp(path, "/api/accept") == 0)
		return post_accept(c, id);
	reply = backend_request(ui_,
	                        json_pack("{sssI}", "cmd",
	                                  strcmp(path, "/api/block") == 0 ? "block" : "decline",
	                                  "id", (json_int_t)id));
	if (reply == NULL)
		return respond_not_running(c);
	return respond_json(c, 200, reply);
}

/* ---- the guard ---- */

struct count {
	const char *name;
	unsigned n;
	const char *value;
};

static enum MHD_Result
count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct count *ct = cls;

	(void)kind;
	if (strcasecmp(key, ct->name) == 0) {
		ct->n++;
		ct->value = value;
	}
	return MHD_YES;
}

/* A header's value when it appears exactly once; else NULL. */
static const char *
header_once(struct MHD_Connection *c, const char *name)
{
	struct count ct = { .name = name };

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &ct);
	return ct.n == 1 ? ct.value : NULL;
}

static uint64_t
declared_length(struct MHD_Connection *c)
{
	const char *s = header_once(c, "Content-Length");
	uint64_t v = 0;

	if (s == NULL)
		return 0;
	if (*s == '\0' || strlen(s) > 19)
		return UINT64_MAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	return v;
}

static int
guard(struct MHD_Connection *c, const char *url, const char *method, struct rq *rq,
      struct uiguard_verdict *v)
{
	struct uiguard_req req = {
		.method = method,
		.path = url,
		.host = header_once(c, "Host"),
		.origin = header_once(c, "Origin"),
		.cookie = header_once(c, "Cookie"),
		.query = rq->has_query ? rq->query : NULL,
		.content_type = header_once(c, "Content-Type"),
		.body_len = rq->too_big ? UINT64_MAX : declared_length(c),
	};

	return uiguard_check(&req, ui_->token, ui_->port, v);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
           const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct rq *rq = *con_cls;
	struct uiguard_verdict v;

	(void)cls;
	(void)version;
	if (rq == NULL)
		return MHD_NO;
	if (!rq->checked) {
		rq->checked = true;
		if (guard(c, url, method, rq, &v) == 303)
			return redirect_with_cookie(c);
		if (v.status != 200)
			return respond_error(c, &v);
		if (!v.change)
			return serve_get(c, url);
		return MHD_YES; /* the body follows */
	}
	if (*upload_size > 0) {
		if (rq->len + *upload_size > UIGUARD_BODY_MAX)
			rq->too_big = true;
		else {
			memcpy(rq->body + rq->len, upload, *upload_size);
			rq->len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_big) {
		v = (struct uiguard_verdict){ .status = 413 };
		return respond_error(c, &v);
	}
	return serve_post(c, url, rq);
}

/* Sees the raw request target before libmicrohttpd decodes it: the query as sent. */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct rq *rq = calloc(1, sizeof(*rq));
	const char *q;

	(void)cls;
	(void)c;
	if (rq == NULL)
		return NULL;
	if ((q = strchr(uri, '?')) != NULL) {
		rq->has_query = true;
		if (strlen(q + 1) <= UI_QUERY_MAX)
			memcpy(rq->query, q + 1, strlen(q + 1) + 1);
		else
			memcpy(rq->query, "!", 2); /* too long to be ours: never a token */
	}
	return rq;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

int
http_start(struct ui *ui)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		                  .sin_port = htons((uint16_t)ui->port),
		                  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	const union MHD_DaemonInfo *info;

	ui_ = ui;
	if (pipe2(stop_pipe, O_CLOEXEC) < 0)
		return -errno;
	if (ui->debug)
		flags |= MHD_USE_ERROR_LOG;
	daemon_ = MHD_start_daemon(
	        flags, ui->port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR,
	        (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, (unsigned)UI_CONNECTIONS_MAX,
	        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)UI_CONNECTIONS_MAX,
	        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	        (size_t)(64 * 1024), MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (daemon_ == NULL)
		return -EADDRINUSE;
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	if (info == NULL || info->port == 0) {
		http_stop();
		return -EIO;
	}
	ui->port = info->port;
	return 0;
}

void
http_stop(void)
{
	if (stop_pipe[1] >= 0) {
		ssize_t w = write(stop_pipe[1], "x", 1);

		(void)w;
	}
	if (daemon_ != NULL)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	for (int i = 0; i < 2; i++) {
		if (stop_pipe[i] >= 0)
			close(stop_pipe[i]);
		stop_pipe[i] = -1;
	}
}
