/* fields.c: how the CLI shows card fields, for people and for scripts. */
#include <stdio.h>

#include "cli.h"

json_t *
cli_fields_json(const struct card_fields *f)
{
	json_t *o = json_object(), *a;
	int bad = o == NULL;

	for (int i = 0; i < CARD_FIELD_COUNT && !bad; i++) {
		const char *name = card_field_info(i)->name;

		if (!card_field_info(i)->list) {
			if (f->text[i] != NULL)
				bad |= json_object_set_new(o, name, json_string(f->text[i]));
			continue;
		}
		const struct card_list *l = card_fields_list_const(f, i);

		if (l->n == 0)
			continue;
		bad |= (a = json_array()) == NULL;
		for (size_t j = 0; j < l->n && !bad; j++)
			bad |= json_array_append_new(a, json_string(l->items[j]));
		bad |= json_object_set_new(o, name, a);
	}
	if (!bad && f->fwd >= 0)
		bad |= json_object_set_new(o, "fwd", json_boolean(f->fwd));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A value whose further lines (only a note has any) line up under its first. */
static void
print_value(const char *label, const char *value)
{
	printf("  %-10s ", label);
	for (const char *p = value; *p != '\0'; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("  %-10s ", "");
	}
	putchar('\n');
}

void
cli_fields_print(const struct card_fields *f)
{
	for (int i = 0; i < CARD_FIELD_COUNT; i++) {
		const char *name = card_field_info(i)->name;

		if (!card_field_info(i)->list) {
			if (f->text[i] != NULL)
				print_value(name, f->text[i]);
			continue;
		}
		const struct card_list *l = card_fields_list_const(f, i);

		for (size_t j = 0; j < l->n; j++)
			print_value(j == 0 ? name : "", l->items[j]);
	}
	if (f->fwd >= 0)
		printf("  %-10s %s\n", "fwd", f->fwd ? "yes" : "no");
}
