/*
 * libFuzzer harness for the application message codec (peermsg.c): arbitrary bytes as one
 * decrypted plaintext, the way a session hands a request or an answer to the decoder.
 * Invariants: no crash, no leak; a refusal leaves nothing behind and says why; and what
 * the decoder accepts, the encoder can send (peermsg_encode checks the decoder's rules,
 * so a message it would refuse after decoding means the two disagree), and encoding is a
 * fixed point: decoding what we wrote gives the same message, which encodes to the same
 * bytes. The seeds are the transcripts' plaintexts (offers and cards with sig and rk, and
 * the three messages of a verification in person).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wallflower/peermsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* What an offer and a card share: card, sig, rk. */
static bool
same_handover(const struct peermsg *a, const struct peermsg *b)
{
	return a->card_len == b->card_len && memcmp(a->card, b->card, a->card_len) == 0 &&
	       memcmp(a->sig, b->sig, PEERMSG_SIG_LEN) == 0 &&
	       memcmp(a->rk, b->rk, PEERMSG_RK_LEN) == 0;
}

/* The fields of the messages' type, compared. */
static bool
same(const struct peermsg *a, const struct peermsg *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case PEERMSG_OFFER:
		return same_handover(a, b) && same_text(a->note, b->note) && a->reply == b->reply &&
		       (!a->reply || a->port == b->port);
	case PEERMSG_CARD:
		return same_handover(a, b) && memcmp(a->re, b->re, PEERMSG_ID_LEN) == 0;
	case PEERMSG_ACK:
		return true;
	case PEERMSG_ERROR:
		return a->code == b->code && same_text(a->text, b->text);
	case PEERMSG_VERIFY:
		return memcmp(a->key, b->key, PEERMSG_KEY_LEN) == 0 &&
		       memcmp(a->sig, b->sig, PEERMSG_SIG_LEN) == 0 &&
		       memcmp(a->commit, b->commit, PEERMSG_NONCE_LEN) == 0;
	case PEERMSG_VERIFY_NONCE:
		return memcmp(a->key, b->key, PEERMSG_KEY_LEN) == 0 &&
		       memcmp(a->sig, b->sig, PEERMSG_SIG_LEN) == 0 &&
		       memcmp(a->nonce, b->nonce, PEERMSG_NONCE_LEN) == 0;
	case PEERMSG_VERIFY_OPEN:
		return memcmp(a->nonce, b->nonce, PEERMSG_NONCE_LEN) == 0;
	case PEERMSG_INTRO:
		return a->obj_len == b->obj_len && memcmp(a->obj, b->obj, a->obj_len) == 0;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peermsg *m, *again;
	uint8_t *enc, *enc2;
	size_t len, len2;
	const char *why;
	int r = peermsg_decode(data, size, &m, &why);

	if (r < 0) {
		CHECK(m == NULL);
		CHECK(r == -ENOMEM || why != NULL);
		CHECK(r == -EBADMSG || r == -EPROTONOSUPPORT || r == -EMSGSIZE || r == -ENOMEM);
		return 0;
	}
	CHECK(m != NULL && why == NULL);
	CHECK(peermsg_encode(m, &enc, &len) == 0);
	CHECK(len <= PEERMSG_MAX);
	CHECK(peermsg_decode(enc, len, &again, NULL) == 0);
	CHECK(same(m, again));
	CHECK(peermsg_encode(again, &enc2, &len2) == 0);
	CHECK(len2 == len && memcmp(enc, enc2, len) == 0);
	free(enc);
	free(enc2);
	peermsg_free(again);
	peermsg_free(m);
	return 0;
}
