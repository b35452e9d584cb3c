/* rawpeer: see rawpeer.h. Test support only: it trusts its caller. */
#include <errno.h>
#include <string.h>

#include "rawpeer.h"

int
rawpeer_init(struct rawpeer *p, enum noise_role role, const uint8_t *static_sk,
             const uint8_t *ephemeral)
{
	memset(p, 0, sizeof(*p));
	return noise_hs_new(role, (const uint8_t *)SESSION_PROLOGUE, strlen(SESSION_PROLOGUE),
	                    static_sk, ephemeral, &p->hs);
}

void
rawpeer_free(struct rawpeer *p)
{
	noise_hs_free(p->hs);
	memset(p, 0, sizeof(*p));
}

static int
after_message(struct rawpeer *p)
{
	p->msg++;
	return noise_hs_done(p->hs) ? noise_hs_split(p->hs, &p->tx, &p->rx) : 0;
}

static void
put_header(uint8_t *out, size_t n)
{
	out[0] = (uint8_t)(n >> 8);
	out[1] = (uint8_t)n;
}

int
rawpeer_hs_out(struct rawpeer *p, uint8_t *out)
{
	size_t n;
	int r;

	r = noise_hs_write(p->hs, p->payload, p->payload_len, out + 2, SESSION_FRAME_MAX, &n);
	if (r < 0 || (r = after_message(p)) < 0)
		return r;
	put_header(out, n);
	return (int)n + 2;
}

int
rawpeer_hs_in(struct rawpeer *p, const uint8_t *frame, size_t len)
{
	uint8_t payload[SESSION_FRAME_MAX];
	size_t n;
	int r;

	if (len < 2)
		return -EBADMSG;
	if ((r = noise_hs_read(p->hs, frame + 2, len - 2, payload, sizeof(payload), &n)) < 0)
		return r;
	p->got_len = n;
	return after_message(p);
}

int
rawpeer_hash(const struct rawpeer *p, uint8_t out[NOISE_HASH])
{
	return noise_hs_hash(p->hs, out);
}

int
rawpeer_seal(struct rawpeer *p, const uint8_t *pt, size_t len, uint8_t *out)
{
	int r = noise_cipher_encrypt(&p->tx, NULL, 0, pt, len, out + 2);

	if (r < 0)
		return r;
	put_header(out, len + NOISE_TAG);
	return (int)(len + NOISE_TAG + 2);
}

int
rawpeer_open(struct rawpeer *p, const uint8_t *frame, size_t len, uint8_t *pt)
{
	int r;

	if (len < 2 + NOISE_TAG)
		return -EBADMSG;
	if ((r = noise_cipher_decrypt(&p->rx, NULL, 0, frame + 2, len - 2, pt)) < 0)
		return r;
	return (int)(len - 2 - NOISE_TAG);
}
