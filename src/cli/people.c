/*
 * people.c: how the CLI names, finds and shows contacts: the contacts table, the whole
 * contact for `show`, and the contact object of every JSON document, which is the
 * export's (export_contact_json), so that `contacts --json`, `show --json` and the JSON
 * export cannot drift apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wallflower/export.h"
#include "wallflower/text.h"
#include "wallflower/when.h"

/* One version for every JSON document, the export's included. */
_Static_assert(CLI_JSON_SCHEMA == EXPORT_JSON_SCHEMA, "one JSON schema version");

json_t *
cli_contact_json(const struct contact *c, const struct followup *fu, size_t n_fu)
{
	/* The export's builder: one shape of a contact everywhere (docs/json.md). */
	return export_contact_json(c, fu, n_fu);
}

json_t *
cli_contacts_json(const struct contact *list, size_t n, const struct followup *fu, size_t n_fu)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n && a != NULL; i++)
		if (json_array_append_new(a, cli_contact_json(&list[i], fu, n_fu)) < 0) {
			json_decref(a); /* append_new took the item, or it was NULL */
			a = NULL;
		}
	return a;
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

int
cli_contacts_table(const struct contact *list, size_t n, FILE *f)
{
	static const char *const headers[] = { "NAME", "FPR", "ORGANISATION", "LAST MET" };
	struct cli_table *t = cli_table_new(4, headers);
	int r = t == NULL ? -ENOMEM : 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		const struct contact *c = &list[i];
		char met[400], fpr[16];

		last_met(c, met, sizeof(met));
		/* The first group of the fingerprint is a handy unique prefix for `show`. An
		 * unverified contact has none: the column says so instead. A check mark: you
		 * verified them in person. */
		snprintf(fpr, sizeof(fpr), "%.4s%s", c->fpr, c->in_person != 0 ? " \u2713" : "");
		r = cli_table_add(
		        t, (const char *const[]){ c->f.text[CARD_NAME] ? c->f.text[CARD_NAME] : "?",
		                                  contact_unverified(c) ? "unverified" : fpr,
		                                  c->f.text[CARD_ORG], met });
	}
	if (r < 0) {
		cli_error("out of memory");
		cli_table_free(t);
		return -1;
	}
	r = cli_table_print(t, f);
	cli_table_free(t);
	return r;
}

/*
 * "  label      " + head + text, the text's further lines (notes and follow-ups may have
 * several) indented to where its first line began, so that they read as one block.
 */
static void
print_block(const char *label, const char *head, const char *text)
{
	int indent;

	indent = printf("  %-10s %s", label, head);
	for (const char *p = text; *p != '\0'; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("%*s", indent, "");
	}
	putchar('\n');
}

void
cli_contact_print(const struct contact *c, const struct followup *fu, size_t n_fu)
{
	char key[2 * CRYPT_SIGN_PK + 1], day[11], head[80];
	bool first = true;

	crypt_hex(key, c->key, CRYPT_SIGN_PK);
	printf("%s\n", c->f.text[CARD_NAME] ? c->f.text[CARD_NAME] : "?");
	if (contact_unverified(c))
		printf("  %-10s %s\n", "unverified",
		       "from a vCard: no signature, no key, no fingerprint");
	else
		printf("  %-10s %s\n  %-10s %s\n  %-10s %llu\n", "signer", c->fpr, "key", key,
		       "rev", (unsigned long long)c->rev);
	when_format_date(c->added, day);
	printf("  %-10s %s\n", "added", day);
	if (c->in_person != 0) {
		when_format_date(c->in_person, day);
		printf("  %-10s in person on %s\n", "verified", day);
	}
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
		snprintf(head, sizeof(head), "#%lld  %s  ", (long long)c->notes[i].id, day);
		print_block(i == 0 ? "notes" : "", head, c->notes[i].text);
	}
	for (size_t i = 0; i < n_fu; i++) {
		if (fu[i].contact_id != c->id)
			continue;
		when_format_date(fu[i].due, day);
		snprintf(head, sizeof(head), "#%lld due %s%s  ", (long long)fu[i].id, day,
		         fu[i].done ? " (done)" : "");
		print_block(first ? "follow-ups" : "", head, fu[i].text);
		first = false;
	}
}

const char *
cli_contact_fpr(const struct contact *c)
{
	return contact_unverified(c) ? "unverified" : c->fpr;
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
		cli_error("no contact matches %s (words of a name, or the start of a "
		          "fingerprint; see 'wallflower contacts')",
		          cli_quote(prefix));
	else
		cli_error("%s matches %zu contacts; say more of the name or fingerprint:",
		          cli_quote(prefix), n);
	for (size_t i = 0; i < n; i++) {
		fputs("  ", stderr);
		fprintf(stderr, "%s  %s\n", list[i].f.text[CARD_NAME], cli_contact_fpr(&list[i]));
	}
	contact_free_all(list, n);
	return -1;
}
