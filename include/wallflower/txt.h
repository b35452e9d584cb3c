/*
 * txt: the DNS-SD TXT record of a wallflower advert (proto/txt.md): build ours, and parse
 * anyone's, strictly and within bounds. Pure: the avahi adapter hands over and takes the
 * record as DNS wire data (a sequence of length-prefixed strings).
 *
 * An advert is never trusted: it only says what someone chose to show. Identity comes from
 * the session alone; the recognition tag r= only names a contact to whoever holds their
 * recognition key (recog.h), and is checked again against the handshake before a send.
 */
#ifndef WALLFLOWER_TXT_H
#define WALLFLOWER_TXT_H

#include <stddef.h>
#include <stdint.h>

#define TXT_SERVICE        "_wallflower._tcp"
#define TXT_RECORD_MAX     200 /* bytes of the whole record, length bytes included */
#define TXT_HANDLE_MAX     32  /* bytes of h= */
#define TXT_VERSION        "2"
#define TXT_TOPICS_MAX     116 /* bytes of t= (a full record is then 196 bytes) */
#define TXT_TOPIC_MAX      48  /* bytes of one topic, as on a card */
#define TXT_EVENT_TAG_LEN  8   /* hex digits of e= */
#define TXT_EVENT_TAG      "wallflower-event-v2"
#define TXT_EVENT_NAME_MAX 128 /* bytes of an event name (the event rule of the store) */
#define TXT_RECOG_LEN      16  /* characters of r= (RECOG_TAG_TEXT, see recog.h) */

enum txt_status { TXT_STATUS_NONE, TXT_STATUS_OPEN, TXT_STATUS_QUIET };

/* What an advert shows. Empty strings mean "not shown". */
struct txt_info {
	char handle[TXT_HANDLE_MAX + 1];
	enum txt_status status;
	char topics[TXT_TOPICS_MAX + 1]; /* comma-separated */
	char event[TXT_EVENT_TAG_LEN + 1];
	char recog[TXT_RECOG_LEN + 1]; /* the recognition tag as text (recog_tag_parse) */
};

/*
 * Parses a TXT record (DNS wire form). 0 with *out filled; -EMSGSIZE when over
 * TXT_RECORD_MAX; -EBADMSG when a string overruns the record, or a known key (h, t,
 * e, r) has an invalid value; -EPROTONOSUPPORT when v is missing or not 2 (not an advert
 * this version reads). Keys are compared without case; of a repeated key the first wins.
 * *why, when not NULL, gets a static reason for a log line.
 */
int txt_parse(const uint8_t *rdata, size_t len, struct txt_info *out, const char **why)
        __attribute__((warn_unused_result));

/*
 * Builds our record from in (whose values must pass txt_parse's rules) into buf, keys in
 * the order v, h, s, t, e, r, the empty ones left out.
 * 0 with *len; -EINVAL for a value that breaks a rule; -EMSGSIZE when it would not fit in
 * TXT_RECORD_MAX or size.
 */
int txt_build(const struct txt_info *in, uint8_t *buf, size_t size, size_t *len)
        __attribute__((warn_unused_result));

/*
 * The event tag of an event name (at most TXT_EVENT_NAME_MAX bytes): the first four bytes
 * of BLAKE2b-256(TXT_EVENT_TAG || the name with ASCII letters lowered), as eight lower-case
 * hex digits and a NUL.
 */
void txt_event_tag(const char *event, char out[TXT_EVENT_TAG_LEN + 1]);

#endif
