/*
 * sas.c: the commitment and the code of a verification in person (proto/session.md,
 * "Verifying in person"). Pure functions of their inputs: the session decides when they
 * are computed and what is compared.
 */
#include <stdio.h>
#include <string.h>

#include "wallflower/sas.h"

void
sas_commit(uint8_t out[SAS_NONCE], const uint8_t h[NOISE_HASH], const uint8_t nonce[SAS_NONCE])
{
	uint8_t msg[NOISE_HASH + SAS_NONCE];

	memcpy(msg, h, NOISE_HASH);
	memcpy(msg + NOISE_HASH, nonce, SAS_NONCE);
	crypt_hash_tagged(out, SAS_NONCE, SAS_COMMIT_TAG, msg, sizeof(msg));
	crypt_wipe(msg, sizeof(msg));
}

uint32_t
sas_code(const uint8_t h[NOISE_HASH], const uint8_t key_i[CRYPT_SIGN_PK],
         const uint8_t key_r[CRYPT_SIGN_PK], const uint8_t nonce_i[SAS_NONCE],
         const uint8_t nonce_r[SAS_NONCE])
{
	uint8_t msg[NOISE_HASH + 2 * CRYPT_SIGN_PK + 2 * SAS_NONCE], out[CRYPT_HASH];
	uint64_t v = 0;

	memcpy(msg, h, NOISE_HASH);
	memcpy(msg + NOISE_HASH, key_i, CRYPT_SIGN_PK);
	memcpy(msg + NOISE_HASH + CRYPT_SIGN_PK, key_r, CRYPT_SIGN_PK);
	memcpy(msg + NOISE_HASH + 2 * CRYPT_SIGN_PK, nonce_i, SAS_NONCE);
	memcpy(msg + NOISE_HASH + 2 * CRYPT_SIGN_PK + SAS_NONCE, nonce_r, SAS_NONCE);
	crypt_hash_tagged(out, sizeof(out), SAS_CODE_TAG, msg, sizeof(msg));
	/* 2^64 is not a multiple of 10^6: the bias is below 10^-13, far under a guess. */
	for (int i = 0; i < 8; i++)
		v = v << 8 | out[i];
	crypt_wipe(msg, sizeof(msg));
	return (uint32_t)(v % SAS_CODE_MOD);
}

void
sas_format(char out[SAS_TEXT], uint32_t code)
{
	code %= SAS_CODE_MOD;
	snprintf(out, SAS_TEXT, "%03u %03u", (unsigned)(code / 1000), (unsigned)(code % 1000));
}
