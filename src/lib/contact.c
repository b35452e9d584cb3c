/* contact.c: destructors for the contact data model (contact.h). */
#include <stdlib.h>
#include <string.h>

#include "wallflower/contact.h"

bool
contact_unverified(const struct contact *c)
{
	return c->vcard != NULL;
}

void
contact_clear(struct contact *c)
{
	if (c == NULL)
		return;
	free(c->vcard);
	card_fields_clear(&c->f);
	free(c->introduced_by);
	for (size_t i = 0; i < c->n_met; i++)
		free(c->met[i].event);
	free(c->met);
	for (size_t i = 0; i < c->n_notes; i++)
		free(c->notes[i].text);
	free(c->notes);
	memset(c, 0, sizeof(*c));
	card_fields_init(&c->f);
}

void
contact_free_all(struct contact *c, size_t n)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		contact_clear(&c[i]);
	free(c);
}

void
followup_clear(struct followup *f)
{
	if (f == NULL)
		return;
	free(f->who);
	free(f->text);
	memset(f, 0, sizeof(*f));
}

void
followup_free_all(struct followup *f, size_t n)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		followup_clear(&f[i]);
	free(f);
}
