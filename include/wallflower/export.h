/*
 * export: your network in the formats other tools read. Pure writers: data in, bytes to a
 * FILE. docs/export.md documents each format and the JSON schema.
 *
 *   vcard   vCard 3.0 (RFC 2426), the default: most address books still want it
 *   vcard4  vCard 4.0 (RFC 6350)
 *   csv     one row per contact, RFC 4180, with formula injection neutralised
 *   json    a documented schema (docs/export.md, docs/json.md)
 *   graphml GraphML for Gephi and other graph tools, typed attributes
 *   gexf    GEXF 1.3 for Gephi, typed attributes
 *   dot     Graphviz
 *   ics     iCalendar (RFC 5545): follow-ups as VTODO
 *
 * Peer-supplied text is never trusted to be safe for a format: every writer escapes or
 * removes what its format cannot carry.
 */
#ifndef WALLFLOWER_EXPORT_H
#define WALLFLOWER_EXPORT_H

#include <stdio.h>

#include "wallflower/contact.h"
#include "wallflower/graph.h"

enum export_format {
	EXPORT_VCARD,
	EXPORT_VCARD4,
	EXPORT_CSV,
	EXPORT_JSON,
	EXPORT_GRAPHML,
	EXPORT_GEXF,
	EXPORT_DOT,
	EXPORT_ICS,
	EXPORT_FORMAT_COUNT
};

struct export_data {
	const struct contact *contacts; /* for vcard, vcard4, csv, json */
	size_t n_contacts;
	const struct followup *followups; /* for ics and json */
	size_t n_followups;
	const struct graph *graph; /* for graphml, gexf, dot */
	uint64_t now;              /* unix seconds: DTSTAMP, REV and similar stamps */
	const char *owner;         /* your fingerprint, or NULL: makes follow-up UIDs unique
	                            * across stores */
};

/* Parses a format name ("vcard", ...). 0 or -EINVAL. */
int export_format_parse(const char *name, enum export_format *fmt)
        __attribute__((warn_unused_result));

/* The name of a format. */
const char *export_format_name(enum export_format fmt);

/* The version of the JSON documents' shapes (docs/json.md), the export's included. */
#define EXPORT_JSON_SCHEMA 1

/*
 * A contact as every JSON document shows it (docs/json.md, "A contact"): the one shape of
 * `contacts --json`, `show --json` and the JSON export, with those of the follow-ups
 * fu[0..n_fu) that are about c. Strings are cleaned as the export cleans them. A jansson
 * value (json_t *, new reference); NULL when out of memory.
 */
struct json_t;
struct json_t *export_contact_json(const struct contact *c, const struct followup *fu, size_t n_fu);

/* The most bytes of export_vcard_qr's vCard: a QR code of version 11 (61 modules a side) at
 * error correction level M, which a phone reads off a laptop's screen at arm's length. */
#define EXPORT_VCARD_QR_MAX 251

/*
 * A plain vCard 3.0 of one's own fields f for a QR code, for people without wallflower:
 * FN and N, then EMAIL, TEL, ORG, TITLE and URL (each list's first item, then the others),
 * added in that order while the whole stays within max bytes; the rest (pronouns, location,
 * note, topics, offers, seeks) never goes in. The same escaping, cleaning and folding as the
 * vCard export, but no PRODID, UID, REV or NOTE. *out (NUL-terminated, owned by the caller)
 * and *len; *left_out gets a bit (1u << field) for each field of which an item was left out
 * for want of room. 0; -EMSGSIZE when even the name does not fit; -ENOMEM.
 */
int export_vcard_qr(const struct card_fields *f, size_t max, char **out, size_t *len,
                    unsigned *left_out) __attribute__((warn_unused_result));

/* Writes d in fmt to out. 0; -EIO when writing fails; -ENOMEM. */
int export_write(enum export_format fmt, const struct export_data *d, FILE *out)
        __attribute__((warn_unused_result));

#endif
