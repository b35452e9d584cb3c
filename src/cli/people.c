/* people.c: how the CLI names, finds and shows contacts. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wallflower/text.h"
#include "wallflower/when.h"

static json_t *
meeting_json(const void *item)
{
	const struct contact_meeting *m = item;

	return json_pack("{s:s?, s:I}", "event", m->event, "at", (json_int_t)m->at);
}

static json_t *
note_json(const void *item)
{
	const struct contact_note *nt = item;

	return json_pack("{s:I, s:s, s:I}", "id", (json_int_t)nt->id, "text", nt->text, "at",
	                 (json_int_t)nt->at);
}

json_t *
cli_contact_json(const void *item)
{
	const struct contact *c = item;
	char key[2 * CRYPT_SIGN_PK + 1];

	crypt_hex(key, c->key, CRYPT_SIGN_PK);
	return json_pack("{s:s, s:s, s:I, s:I, s:s?, s:o*, s:o*, s:o*}", "fingerprint", c->fpr,
	                 "key", key, "rev", (json_int_t)c->rev, "added", (json_int_t)c->added,
	                 "introduced_by", c->introduced_by, "fields", cli_fields_json(&c->f), "met",
	                 cli_json_array(c->met, c->n_met, sizeof(*c->met), meeting_json), "notes",
	                 cli_json_array(c->notes, c->n_notes, sizeof(*c->notes), note_json));
}

/* The most recent meeting, as "2026-11-26 at Intranet Now", or "". */
static void
last_met(const struct contact *c, char *buf, size_t size)
{
	char day[11];

	buf[0] = '\0';
	if (c->n_met == 0)
		return;
	when_format_date(c->met[c->n_met - 1].at, day);
	if (c->met[c->n_met - 1].event != NULL)
		snprintf(buf, size, "%s at %s", day, c->met[c->n_met - 1].event);
	else
		snprintf(buf, size, "%s", day);
}

void
cli_contact_line(const struct contact *c)
{
	char met[200];

	last_met(c, met, sizeof(met));
	/* The first group of the fingerprint is a handy unique prefix for `show`. */
	printf("%-28s %.4s  %-24s %s\n", c->f.text[CARD_NAME] ? c->f.text[CARD_NAME] : "?", c->fpr,
	       c->f.text[CARD_ORG] ? c->f.text[CARD_ORG] : "", met);
}

void
cli_contact_print(const struct contact *c, const struct followup *fu, size_t n_fu)
{
	char key[2 * CRYPT_SIGN_PK + 1], day[11];

	crypt_hex(key, c->key, CRYPT_SIGN_PK);
	printf("%s\n", c->f.text[CARD_NAME] ? c->f.text[CARD_NAME] : "?");
	printf("  %-10s %s\n  %-10s %s\n  %-10s %llu\n", "signer", c->fpr, "key", key, "rev",
	       (unsigned long long)c->rev);
	cli_fields_print(&c->f);
	if (c->introduced_by != NULL)
		printf("  %-10s %s\n", "via", c->introduced_by);
	for (size_t i = 0; i < c->n_met; i++) {
		when_format_date(c->met[i].at, day);
		printf("  %-10s %s%s%s\n", i == 0 ? "met" : "", day, c->met[i].event ? " at " : "",
		       c->met[i].event ? c->met[i].event : "");
	}
	for (size_t i = 0; i < c->n_notes; i++) {
		when_format_date(c->notes[i].at, day);
		printf("  %-10s %s  %s\n", i == 0 ? "notes" : "", day, c->notes[i].text);
	}
	for (size_t i = 0; i < n_fu; i++) {
		if (fu[i].contact_id != c->id)
			continue;
		when_format_date(fu[i].due, day);
		printf("  %-10s #%lld due %s%s  %s\n", "follow-up", (long long)fu[i].id, day,
		       fu[i].done ? " (done)" : "", fu[i].text);
	}
}

bool
cli_event_valid(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= 128 && text_check(name, n, 0) == TEXT_OK;
}

int
cli_contact_resolve(struct store *st, const char *prefix, struct contact **out)
{
	struct contact *list;
	size_t n;
	int r;

	*out = NULL;
	if ((r = store_contact_find(st, prefix, &list, &n)) < 0) {
		cli_error("cannot search contacts: %s", strerror(-r));
		return -1;
	}
	if (n == 1) {
		*out = list;
		return 0;
	}
	if (n == 0)
		cli_error("no contact matches '%s' (a name or fingerprint prefix; see "
		          "'wallflower contacts')",
		          prefix);
	else
		cli_error("'%s' matches %zu contacts; say more of the name or fingerprint:", prefix,
		          n);
	for (size_t i = 0; i < n; i++) {
		fputs("  ", stderr);
		fprintf(stderr, "%s  %s\n", list[i].f.text[CARD_NAME], list[i].fpr);
	}
	contact_free_all(list, n);
	return -1;
}
