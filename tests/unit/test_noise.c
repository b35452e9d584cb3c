/*
 * noise: Noise_XX_25519_ChaChaPoly_BLAKE2b against every plain XX entry of the published
 * vectors (tests/vectors/noise/README.md), plus the failure rules: tampering, wrong turns,
 * small-order keys, nonce exhaustion, and wiping after failure.
 */
#include <malloc.h>
#include <string.h>

#include <jansson.h>

#include "testutil.h"
#include "wallflower/noise.h"

static json_t *doc;

static uint8_t *
hex_field(json_t *v, const char *name, size_t *len)
{
	const char *s = json_string_value(json_object_get(v, name));

	if (s == NULL) {
		*len = 0;
		return NULL;
	}
	return tu_unhex(s, len);
}

/* Whether transport message j (0-based after the handshake) goes initiator -> responder. */
static bool
from_initiator(const char *source, size_t j)
{
	if (strcmp(source, "flynn-noise") == 0)
		return j % 2 == 0;
	/* cacophony, snow, noise-c: the alternation of the whole list goes on (I,R,I,R...),
	 * so the first transport message (index 3) is the responder's. */
	return (3 + j) % 2 == 0;
}

/* One vector: returns the number of messages checked. */
static size_t
run_vector(json_t *v)
{
	const char *source = json_string_value(json_object_get(v, "source"));
	json_t *msgs = json_object_get(v, "messages");
	size_t plen, n;
	uint8_t *prologue = hex_field(v, "init_prologue", &plen);
	uint8_t *is = hex_field(v, "init_static", &n), *ie = hex_field(v, "init_ephemeral", &n);
	uint8_t *rs = hex_field(v, "resp_static", &n), *re = hex_field(v, "resp_ephemeral", &n);
	struct noise_hs *hs[2];
	struct noise_cipher send[2], recv[2];
	uint8_t buf[NOISE_MSG_MAX], pt[NOISE_MSG_MAX], h0[NOISE_HASH], h1[NOISE_HASH];
	size_t i, len, got;

	assert_int_equal(noise_hs_new(NOISE_INITIATOR, prologue, plen, is, ie, &hs[0]), 0);
	assert_int_equal(noise_hs_new(NOISE_RESPONDER, prologue, plen, rs, re, &hs[1]), 0);
	for (i = 0; i < json_array_size(msgs); i++) {
		json_t *m = json_array_get(msgs, i);
		size_t paylen, ctlen;
		uint8_t *payload = hex_field(m, "payload", &paylen);
		uint8_t *ct = hex_field(m, "ciphertext", &ctlen);
		int w; /* the writer's index */

		if (i < 3) {
			w = i % 2; /* I, R, I */
			assert_true(noise_hs_my_turn(hs[w]));
			assert_int_equal(
			        noise_hs_write(hs[w], payload, paylen, buf, sizeof(buf), &len), 0);
			assert_int_equal(noise_hs_read(hs[!w], buf, len, pt, sizeof(pt), &got), 0);
		} else {
			w = from_initiator(source, i - 3) ? 0 : 1;
			assert_int_equal(
			        noise_cipher_encrypt(&send[w], NULL, 0, payload, paylen, buf), 0);
			len = paylen + NOISE_TAG;
			assert_int_equal(noise_cipher_decrypt(&recv[!w], NULL, 0, buf, len, pt), 0);
			got = len - NOISE_TAG;
		}
		if (len != ctlen || memcmp(buf, ct, len) != 0)
			fail_msg("%s: message %zu differs", source, i);
		assert_int_equal(got, paylen);
		assert_memory_equal(pt, payload, paylen);
		if (i == 2) {
			assert_true(noise_hs_done(hs[0]) && noise_hs_done(hs[1]));
			assert_int_equal(noise_hs_hash(hs[0], h0), 0);
			assert_int_equal(noise_hs_hash(hs[1], h1), 0);
			assert_memory_equal(h0, h1, NOISE_HASH);
			assert_int_equal(noise_hs_split(hs[0], &send[0], &recv[0]), 0);
			assert_int_equal(noise_hs_split(hs[1], &send[1], &recv[1]), 0);
		}
		free(payload);
		free(ct);
	}
	if (json_object_get(v, "handshake_hash") != NULL) {
		uint8_t *want = hex_field(v, "handshake_hash", &n);

		assert_int_equal(n, NOISE_HASH);
		assert_memory_equal(h0, want, NOISE_HASH);
		free(want);
	}
	noise_hs_free(hs[0]);
	noise_hs_free(hs[1]);
	free(prologue);
	free(is);
	free(ie);
	free(rs);
	free(re);
	return i;
}

static void
test_noise_vectors_every_source(void **state)
{
	static const char *const sources[] = { "cacophony", "snow", "noise-c-basic",
		                               "flynn-noise" };
	size_t per_source[4] = { 0 }, i, entries = 0, messages = 0;
	json_t *v;

	(void)state;
	json_array_foreach(json_object_get(doc, "vectors"), i, v)
	{
		const char *name = json_string_value(json_object_get(v, "protocol_name"));
		const char *source = json_string_value(json_object_get(v, "source"));

		if (strcmp(name, NOISE_PROTOCOL) != 0)
			continue;
		messages += run_vector(v);
		entries++;
		for (int s = 0; s < 4; s++)
			per_source[s] += strcmp(source, sources[s]) == 0;
	}
	for (int s = 0; s < 4; s++)
		if (per_source[s] == 0)
			fail_msg("no vector from %s ran", sources[s]);
	assert_int_equal(entries, 7);
	print_message("%zu vectors, %zu messages, from 4 sources\n", entries, messages);
}

/* A pair of handshakes with fresh keys, run to completion. */
struct pair {
	struct noise_hs *hs[2];
	uint8_t msg[3][256];
	size_t len[3];
};

static void
pair_new(struct pair *p, const uint8_t *responder_static)
{
	uint8_t is[NOISE_KEY], rs[NOISE_KEY];

	crypt_random(is, sizeof(is));
	crypt_random(rs, sizeof(rs));
	assert_int_equal(
	        noise_hs_new(NOISE_INITIATOR, (const uint8_t *)"p", 1, is, NULL, &p->hs[0]), 0);
	assert_int_equal(noise_hs_new(NOISE_RESPONDER, (const uint8_t *)"p", 1,
	                              responder_static ? responder_static : rs, NULL, &p->hs[1]),
	                 0);
}

/* Writes message i from its writer; returns the writer's index. */
static int
pair_write(struct pair *p, int i)
{
	int w = i % 2;

	assert_int_equal(noise_hs_write(p->hs[w], (const uint8_t *)"hi", 2, p->msg[i],
	                                sizeof(p->msg[i]), &p->len[i]),
	                 0);
	return w;
}

static void
pair_free(struct pair *p)
{
	noise_hs_free(p->hs[0]);
	noise_hs_free(p->hs[1]);
}

/* Flipping any bit of message 2 or 3 fails the handshake (message 1 is in the clear, but
 * it is bound into h: flipping it fails message 2 on the initiator's side). */
static void
test_noise_hs_read_tamper(void **state)
{
	uint8_t pt[256];
	size_t got;

	(void)state;
	for (int m = 0; m < 3; m++) {
		struct pair probe;

		pair_new(&probe, NULL);
		for (int i = 0; i < m; i++) {
			int w = pair_write(&probe, i);

			assert_int_equal(noise_hs_read(probe.hs[!w], probe.msg[i], probe.len[i], pt,
			                               sizeof(pt), &got),
			                 0);
		}
		pair_write(&probe, m);
		size_t len = probe.len[m];
		pair_free(&probe);

		for (size_t byte = 0; byte < len; byte++) {
			struct pair p;
			int w = 0, r = 0;

			pair_new(&p, NULL);
			for (int i = 0; i <= m; i++) {
				w = pair_write(&p, i);
				if (i == m)
					p.msg[i][byte] ^= 0x04;
				r = noise_hs_read(p.hs[!w], p.msg[i], p.len[i], pt, sizeof(pt),
				                  &got);
				if (i < m)
					assert_int_equal(r, 0);
			}
			if (m == 0) {
				/* Message 1 has no tag: the responder cannot tell, but the
				 * initiator fails on message 2, whose tag covers h. */
				assert_int_equal(r, 0);
				pair_write(&p, 1);
				r = noise_hs_read(p.hs[0], p.msg[1], p.len[1], pt, sizeof(pt),
				                  &got);
			}
			if (r == 0)
				fail_msg("message %d byte %zu: tampering went unnoticed", m + 1,
				         byte);
			pair_free(&p);
		}
	}
}

static void
test_noise_hs_wrong_turn(void **state)
{
	struct pair p;
	uint8_t buf[256];
	size_t len;

	(void)state;
	pair_new(&p, NULL);
	assert_false(noise_hs_my_turn(p.hs[1]));
	assert_int_equal(noise_hs_write(p.hs[1], NULL, 0, buf, sizeof(buf), &len), -EPROTO);
	assert_int_equal(noise_hs_read(p.hs[0], buf, 32, buf, sizeof(buf), &len), -EPROTO);
	assert_int_equal(noise_hs_split(p.hs[0], NULL, NULL), -EPROTO);
	/* A message too short for its tokens. */
	pair_write(&p, 0);
	assert_int_equal(noise_hs_read(p.hs[1], p.msg[0], 31, buf, sizeof(buf), &len), -EBADMSG);
	/* After a failure, nothing works any more. */
	assert_int_equal(noise_hs_read(p.hs[1], p.msg[0], p.len[0], buf, sizeof(buf), &len),
	                 -EPROTO);
	assert_false(noise_hs_my_turn(p.hs[1]));
	pair_free(&p);
}

/* The all-zero point (small order) as ephemeral: DH gives zero, the handshake fails. */
static void
test_noise_hs_small_order_rejected(void **state)
{
	struct pair p;
	uint8_t buf[256];
	size_t len;

	(void)state;
	pair_new(&p, NULL);
	pair_write(&p, 0);
	memset(p.msg[0], 0, NOISE_KEY);
	assert_int_equal(noise_hs_read(p.hs[1], p.msg[0], p.len[0], buf, sizeof(buf), &len), 0);
	/* The responder's ee DH with e = 0 fails when it writes message 2. */
	assert_int_equal(noise_hs_write(p.hs[1], NULL, 0, buf, sizeof(buf), &len), -EINVAL);
	assert_false(noise_hs_my_turn(p.hs[1]));
	pair_free(&p);
}

static void
test_noise_hs_output_too_small(void **state)
{
	struct pair p;
	uint8_t buf[40];
	size_t len;

	(void)state;
	pair_new(&p, NULL);
	assert_int_equal(noise_hs_write(p.hs[0], buf, 10, buf, 40, &len), -EMSGSIZE);
	pair_free(&p);
}

static void
test_noise_cipher_nonce_exhaustion(void **state)
{
	struct noise_cipher a = { .has_key = true }, b = { .has_key = true };
	uint8_t ct[32], pt[16];

	(void)state;
	crypt_random(a.k, sizeof(a.k));
	b = a;
	a.n = b.n = NOISE_NONCE_MAX - 1;
	assert_int_equal(noise_cipher_encrypt(&a, NULL, 0, (const uint8_t *)"x", 1, ct), 0);
	assert_int_equal(noise_cipher_decrypt(&b, NULL, 0, ct, 1 + NOISE_TAG, pt), 0);
	assert_int_equal(noise_cipher_encrypt(&a, NULL, 0, (const uint8_t *)"x", 1, ct),
	                 -EOVERFLOW);
	assert_int_equal(noise_cipher_decrypt(&b, NULL, 0, ct, 1 + NOISE_TAG, pt), -EOVERFLOW);
}

static void
test_noise_cipher_decrypt_rejects(void **state)
{
	struct noise_cipher a = { .has_key = true }, b;
	uint8_t ct[32], pt[16];

	(void)state;
	crypt_random(a.k, sizeof(a.k));
	b = a;
	assert_int_equal(
	        noise_cipher_encrypt(&a, (const uint8_t *)"ad", 2, (const uint8_t *)"hello", 5, ct),
	        0);
	/* Wrong associated data, truncated, flipped: all refused; the nonce stays put. */
	assert_int_equal(noise_cipher_decrypt(&b, (const uint8_t *)"ae", 2, ct, 21, pt), -EBADMSG);
	assert_int_equal(noise_cipher_decrypt(&b, (const uint8_t *)"ad", 2, ct, 15, pt), -EBADMSG);
	ct[3] ^= 1;
	assert_int_equal(noise_cipher_decrypt(&b, (const uint8_t *)"ad", 2, ct, 21, pt), -EBADMSG);
	ct[3] ^= 1;
	assert_int_equal(b.n, 0);
	assert_int_equal(noise_cipher_decrypt(&b, (const uint8_t *)"ad", 2, ct, 21, pt), 0);
	assert_memory_equal(pt, "hello", 5);
	/* A replay of the same message fails: the nonce has moved on. */
	assert_int_equal(noise_cipher_decrypt(&b, (const uint8_t *)"ad", 2, ct, 21, pt), -EBADMSG);
}

/* Split leaves no secret in the handshake state. */
static void
test_noise_hs_split_wipes(void **state)
{
	uint8_t buf[256], rs[NOISE_KEY], zero[NOISE_KEY] = { 0 }, s[NOISE_KEY];
	struct noise_cipher send, recv;
	struct pair p;
	size_t len;

	(void)state;
	crypt_random(s, sizeof(s));
	pair_new(&p, s);
	for (int i = 0; i < 3; i++) {
		int w = pair_write(&p, i);

		assert_int_equal(
		        noise_hs_read(p.hs[!w], p.msg[i], p.len[i], buf, sizeof(buf), &len), 0);
	}
	assert_int_equal(noise_hs_split(p.hs[1], &send, &recv), 0);
	assert_int_equal(noise_hs_split(p.hs[1], &send, &recv), -EPROTO);
	assert_int_equal(noise_hs_remote_static(p.hs[1], rs), 0);
	assert_memory_not_equal(rs, zero, NOISE_KEY);
	/* The static secret no longer appears anywhere in the state. */
	assert_null(memmem(p.hs[1], malloc_usable_size(p.hs[1]), s, NOISE_KEY));
	pair_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noise_vectors_every_source),
		cmocka_unit_test(test_noise_hs_read_tamper),
		cmocka_unit_test(test_noise_hs_wrong_turn),
		cmocka_unit_test(test_noise_hs_small_order_rejected),
		cmocka_unit_test(test_noise_hs_output_too_small),
		cmocka_unit_test(test_noise_cipher_nonce_exhaustion),
		cmocka_unit_test(test_noise_cipher_decrypt_rejects),
		cmocka_unit_test(test_noise_hs_split_wipes),
	};
	json_error_t jerr;
	char *path;
	int r;

	assert_int_equal(crypt_init(), 0);
	path = tu_source_path("tests/vectors/noise/noise-xx-25519-chachapoly-blake2b.json");
	if ((doc = json_load_file(path, 0, &jerr)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, jerr.text);
		return 1;
	}
	free(path);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(doc);
	return r;
}
