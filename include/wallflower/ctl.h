/*
 * ctl: the control protocol between the CLI and wallflowerd (proto/control.md). A message
 * is a 4-byte big-endian length and that many bytes of one JSON object, UTF-8, compact.
 * Requests carry "cmd"; replies carry "ok" (and "error", "msg" when it is false); the
 * watch stream carries "event".
 *
 * This module owns framing and the strict decoding of one message; the daemon and the CLI
 * read fields with the typed getters, which check types and bounds. The control socket is
 * only reachable by the same user, but its bytes are still treated as untrusted input.
 */
#ifndef WALLFLOWER_CTL_H
#define WALLFLOWER_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CTL_HEADER      4                 /* bytes of the length prefix */
#define CTL_REQUEST_MAX (16 * 1024)       /* bytes of a request's JSON */
#define CTL_REPLY_MAX   (4 * 1024 * 1024) /* bytes of a reply's or an event's JSON */
#define CTL_DEPTH_MAX   6                 /* JSON nesting; the top object is depth 1 */
#define CTL_STRING_MAX  8192              /* bytes of any one string (a card in hex) */

/* Error codes of a refused request ("error" in a reply; proto/control.md lists them). */
#define CTL_E_MALFORMED   "malformed"       /* not a message: framing, JSON, types */
#define CTL_E_UNKNOWN     "unknown-command" /* cmd names nothing the daemon does */
#define CTL_E_ARGUMENT    "bad-argument"    /* a field is missing, mistyped or invalid */
#define CTL_E_NOT_FOUND   "not-found"       /* no such peer or offer */
#define CTL_E_AMBIGUOUS   "ambiguous"       /* a handle that several peers show */
#define CTL_E_NOT_STARTED "not-started"     /* a network verb while not started */
#define CTL_E_BUSY        "busy"            /* a limit was reached */
#define CTL_E_FAILED      "failed"          /* the daemon tried and could not */
#define CTL_E_EXPIRED     "expired"         /* the offer or its card expired: nothing kept */

/*
 * The body length a header announces. 0 with *len; -EMSGSIZE when it is 0 or above max.
 */
int ctl_frame_len(const uint8_t hdr[CTL_HEADER], size_t max, size_t *len)
        __attribute__((warn_unused_result));

/*
 * Decodes one body of len bytes (at most max): a JSON object, valid UTF-8, no duplicate
 * keys, no NUL in strings, nesting at most CTL_DEPTH_MAX, every string at most
 * CTL_STRING_MAX bytes. 0 with *out (the caller's reference); -EBADMSG with *why (static
 * text) when it is not such a message; -EMSGSIZE over max.
 */
int ctl_decode(const uint8_t *buf, size_t len, size_t max, json_t **out, const char **why)
        __attribute__((warn_unused_result));

/*
 * Encodes msg as a frame (header and compact JSON) into *out (the caller frees).
 * 0; -EMSGSIZE when the JSON is over max; -ENOMEM.
 */
int ctl_encode(const json_t *msg, size_t max, uint8_t **out, size_t *len)
        __attribute__((warn_unused_result));

/*
 * Typed getters: 0 with *out; -ENOENT when the key is absent (or null); -EINVAL when it has
 * the wrong type or breaks the bound. Strings are borrowed from o.
 */
int ctl_get_str(const json_t *o, const char *key, size_t max, const char **out)
        __attribute__((warn_unused_result));
int ctl_get_uint(const json_t *o, const char *key, uint64_t max, uint64_t *out)
        __attribute__((warn_unused_result));
int ctl_get_bool(const json_t *o, const char *key, bool *out) __attribute__((warn_unused_result));

/* A reply refusing a request: {"ok": false, "error": code, "msg": msg}. NULL on ENOMEM. */
json_t *ctl_error(const char *code, const char *msg);

/* A reply granting one: {"ok": true}. NULL on ENOMEM. */
json_t *ctl_ok(void);

#endif
