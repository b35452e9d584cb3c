/*
 * import_intro.c: introductions read from text (proto/introduction.md section 9): asks,
 * intros and replies that came by mail or chat, armored as WALLFLOWER INTRODUCTION. Each
 * object is checked for our identity now (intro_check) and then taken exactly as one that
 * came over the LAN (intake_object): by the daemon when it runs, so that it announces it
 * and recognises a new contact nearby; by the store directly when it does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctlclient.h"
#include "import.h"
#include "wallflower/armor.h"
#include "wallflower/ctl.h"
#include "wallflower/intake.h"
#include "wallflower/intro.h"

/* The daemon takes it, when it runs: 1 with *outcome; 0 when no daemon answers; -1 when it
 * refused (said). */
static int
take_by_daemon(const uint8_t *obj, size_t len, enum intake_outcome *outcome)
{
	static const char *const names[] = { [INTAKE_KEPT] = "kept",
		                             [INTAKE_UPDATED] = "updated",
		                             [INTAKE_ANSWERED] = "answered",
		                             [INTAKE_IGNORED] = "ignored",
		                             [INTAKE_REPEAT] = "repeat" };
	char *path = cli_socket_path_quietly(), *hex = malloc(2 * len + 1);
	int fd = path != NULL ? ctlclient_dial(path) : -1, r = 0;
	const char *got = NULL, *msg = "the daemon refused";
	json_t *req = NULL, *reply = NULL;

	free(path);
	if (fd >= 0 && hex != NULL) {
		crypt_hex(hex, obj, len);
		req = json_pack("{ssss}", "cmd", "intro-take", "obj", hex);
		if (req != NULL && ctlclient_send(fd, req) == 0)
			reply = cli_read_msg(fd, CLI_REPLY_WAIT_MS);
		json_decref(req);
	}
	if (fd >= 0)
		close(fd);
	free(hex);
	if (reply == NULL)
		return 0;
	if (!json_is_true(json_object_get(reply, "ok"))) {
		if (ctl_get_str(reply, "msg", CTL_STRING_MAX, &msg) < 0)
			msg = "the daemon refused";
		cli_error("%s", cli_printable(msg));
		r = -1;
	} else if (ctl_get_str(reply, "outcome", CTL_STRING_MAX, &got) == 0) {
		*outcome = INTAKE_IGNORED;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i] != NULL && strcmp(names[i], got) == 0)
				*outcome = (enum intake_outcome)i;
		r = 1;
	}
	json_decref(reply);
	return r;
}

/* What became of o, in one line. */
static void
say(const char *label, const struct intro *o, enum intake_outcome outcome)
{
	char fpr[IDENTITY_FPR_LEN + 1];
	const char *name = o->from->f.text[CARD_NAME];

	identity_fingerprint(o->from->key, fpr);
	printf("%s: ", label);
	if (outcome == INTAKE_REPEAT)
		printf("already waiting in your inbox");
	else if (outcome == INTAKE_KEPT && o->kind == INTRO_ASK)
		printf("%s (%s) asks you for introductions; see 'wallflower inbox'", name, fpr);
	else if (outcome == INTAKE_KEPT)
		printf("%s (%s) introduces %s; see 'wallflower inbox'", name, fpr,
		       o->introduced->f.text[CARD_NAME]);
	else if (outcome == INTAKE_ANSWERED)
		printf("Added %s (%s), introduced by %s, as you asked", name, fpr,
		       o->re->from->f.text[CARD_NAME]);
	else if (outcome == INTAKE_UPDATED)
		printf("Updated %s (%s)", name, fpr);
	else
		/* What it would have been is not said over the LAN either; here it is the
		 * user's own reading, so the rule is named. */
		printf("%s from %s changes nothing: asks and introductions are taken from your "
		       "contacts only, about people you do not know yet, and replies only to "
		       "asks of yours",
		       intro_kind_name(o->kind), name);
	printf(".\n");
}

/* One block: checked, taken, said. 0 or -1 (said). */
static int
import_object(const struct import_ctx *x, const char *label, const uint8_t *obj, size_t len)
{
	enum intro_verdict v = INTRO_OK;
	enum intake_outcome outcome = INTAKE_IGNORED;
	struct intake_result res;
	struct intro *o = NULL;
	int r;

	if (x->me == NULL) {
		cli_error("%s: you have no identity yet ('wallflower init')", label);
		return -1;
	}
	if ((r = intro_check(obj, len, x->me->sign_pk, x->now, &o, &v)) < 0) {
		cli_error("%s: %s", label,
		          r == -ENOMEM ? "out of memory"
		          : v == INTRO_NOT_FOR_YOU
		                  ? "not for you: it names someone else as its recipient"
		                  : intro_verdict_name(v));
		return -1;
	}
	if ((r = take_by_daemon(obj, len, &outcome)) == 0) {
		if ((r = intake_object(x->st, o, x->event, x->now, &res)) < 0)
			cli_error("%s: cannot keep it: %s (nothing was changed)", label,
			          strerror(-r));
		outcome = res.outcome;
	}
	if (r >= 0)
		say(label, o, outcome);
	intro_free(o);
	return r < 0 ? -1 : 0;
}

int
import_intros(const struct import_ctx *x, const char *path, const uint8_t *buf, size_t len,
              size_t *intros, size_t *cards)
{
	struct armor_blocks b;
	char label[1200];
	int failed = 0;

	*intros = *cards = 0;
	if (armor_decode((const char *)buf, len, &b) < 0)
		return 0; /* the card reader says why */
	for (size_t i = 0; i < b.n; i++) {
		struct armor_block *k = &b.v[i];

		if (k->label != ARMOR_LABEL_INTRO) {
			++*cards;
			continue;
		}
		++*intros;
		snprintf(label, sizeof(label), "%s (introduction at line %zu)", cli_printable(path),
		         k->line);
		if (k->fault != ARMOR_OK) {
			cli_error("%s: damaged armor: %s (line %zu)", label,
			          armor_fault_describe(k->fault), k->fault_line);
			failed++;
			continue;
		}
		failed += import_object(x, label, k->data, k->len) < 0;
	}
	armor_blocks_clear(&b);
	return failed > 0 ? -1 : 0;
}
