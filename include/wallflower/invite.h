/*
 * invite: how to reach a daemon directly, as one line of text (proto/invite.md): its
 * addresses, its port and a fingerprint of its presence key for this start. Formats ours,
 * and parses anyone's strictly and within bounds: an invite arrives through chat, mail or
 * a photo, and is as untrusted as any other input. Also parses a bare ADDRESS:PORT, the
 * other target of `send --to`.
 *
 * Pure: addresses are parsed and written here, not by inet_pton (src/lib has no socket
 * headers); numeric only, never a DNS name.
 */
#ifndef WALLFLOWER_INVITE_H
#define WALLFLOWER_INVITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wallflower/crypt.h"

#define INVITE_PREFIX    "wallflower:i1:" /* scheme and version, either case on input */
#define INVITE_TEXT_MAX  256              /* bytes of an input, surrounding blanks included */
#define INVITE_ADDRS_MAX 4                /* addresses in one invite */
#define INVITE_FPR_BYTES 15               /* of BLAKE2b-256(INVITE_FPR_TAG || key) */
#define INVITE_FPR_LEN   24               /* base32 digits of the fingerprint */
#define INVITE_FPR_TAG   "wallflower-invite-v1"
#define INVITE_ADDR_TEXT 48 /* bytes of one address as text, brackets and NUL included */

enum invite_family { INVITE_IPV4 = 4, INVITE_IPV6 = 6 };

/* One numeric address, in network byte order (IPv4 in the first 4 bytes). */
struct invite_addr {
	enum invite_family family;
	uint8_t b[16];
};

/* An invite, or a bare target (has_fpr false: ADDRESS:PORT, one address). */
struct invite {
	bool has_fpr;
	uint8_t fpr[INVITE_FPR_BYTES];
	unsigned n_addrs; /* 1..INVITE_ADDRS_MAX */
	struct invite_addr addrs[INVITE_ADDRS_MAX];
	uint16_t port; /* 1..65535 */
};

/*
 * Parses text (len bytes, no NUL needed; a NUL inside is refused) as an invite, or with
 * bare_ok also as ADDRESS:PORT (an IPv4 address or a bracketed IPv6 one, loopback allowed:
 * the user typed it). Blanks (space, tab, CR, LF) around it are ignored. 0 with *out
 * filled (cleared on entry); -E2BIG over INVITE_TEXT_MAX; -EPROTONOSUPPORT an invite of
 * another version; -EINVAL anything else. *why (may be NULL) gets one line for the user.
 */
int invite_parse(const char *text, size_t len, bool bare_ok, struct invite *out,
                 const char **why) CRYPT_WUR;

/*
 * Writes iv as one line of text, NUL-terminated, into out (size bytes; INVITE_TEXT_MAX is
 * always enough). An invite when iv->has_fpr, else ADDRESS:PORT (first address). 0;
 * -EINVAL when iv breaks a rule the parser checks (no address, too many, an address an
 * invite may not list, port 0); -ENOSPC when out is too small.
 */
int invite_format(const struct invite *iv, char *out, size_t size) CRYPT_WUR;

/* The fingerprint of a presence key (an X25519 public key). */
void invite_fingerprint(const uint8_t pk[CRYPT_DH_KEY], uint8_t out[INVITE_FPR_BYTES]);

/* Its text: INVITE_FPR_LEN lower-case base32 digits and a NUL. */
void invite_fingerprint_text(const uint8_t fpr[INVITE_FPR_BYTES], char out[INVITE_FPR_LEN + 1]);

/*
 * The check of proto/session.md 6.2 for a send to an invite: 0 when iv has no fingerprint
 * (a bare target: nothing to check) or when pk's fingerprint is iv's; -EKEYREJECTED
 * otherwise (compared in constant time).
 */
int invite_check(const struct invite *iv, const uint8_t pk[CRYPT_DH_KEY]) CRYPT_WUR;

/*
 * Whether an invite may list a: not unspecified, loopback, multicast, broadcast or
 * reserved, not IPv6 link-local (it would need the sender's zone), not IPv4-mapped.
 * loopback_ok lets loopback through (a bare target typed by the user).
 */
bool invite_addr_usable(const struct invite_addr *a, bool loopback_ok);

/*
 * Which of an invite's addresses a delivery tries (proto/invite.md section 5): a round
 * goes through them in order, skipping those that answered with another presence key.
 * Start zeroed: next is the address to try.
 */
struct invite_round {
	unsigned next;  /* index of the address to try */
	unsigned wrong; /* bit i: address i answered with another presence key */
};

enum invite_step {
	INVITE_STEP_NOW,   /* try next at once */
	INVITE_STEP_LATER, /* the round is over: the next one after the back-off, from next */
	INVITE_STEP_NEVER, /* every address answered with another key: give up */
};

/* The attempt at r->next (of n addresses, 1..INVITE_ADDRS_MAX) reached nobody it may
 * reach (wrong: the responder held another presence key): what to do now. */
enum invite_step invite_round_miss(struct invite_round *r, unsigned n, bool wrong);

/* a as numeric text, IPv6 in RFC 5952 form without brackets, into out. */
void invite_addr_text(const struct invite_addr *a, char out[INVITE_ADDR_TEXT]);

#endif
