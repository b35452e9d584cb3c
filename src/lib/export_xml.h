/*
 * export_xml.h: what export.c and export_xml.c share, and nothing else includes (tests
 * aside). export.c owns the character policy that every format applies; export_xml.c owns
 * the XML formats, the only code that touches libxml2.
 */
#ifndef WALLFLOWER_EXPORT_XML_H
#define WALLFLOWER_EXPORT_XML_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wallflower/export.h"

#define EXPORT_WUR __attribute__((warn_unused_result))

/* export_clean_dup flag: keep line feeds (multi-line fields: notes, follow-up text). */
#define EXPORT_KEEP_LF 0x1

/*
 * Decodes one well-formed UTF-8 sequence at s[0..n), n > 0. Returns its length (1 to 4)
 * and the code point in *cp, or 0 for an ill-formed or truncated sequence.
 */
size_t export_utf8_next(const char *s, size_t n, uint32_t *cp);

/*
 * A copy of s with ill-formed UTF-8 removed and every code point that text.c's policy
 * refuses (controls, bidi and other invisible format characters, noncharacters) removed;
 * line feeds are removed too unless flags has EXPORT_KEEP_LF. The caller frees it.
 * NULL only when out of memory.
 */
char *export_clean_dup(const char *s, unsigned flags) EXPORT_WUR;

/*
 * Copies in[0..n) to out, leaving out what XML 1.0 cannot carry: ill-formed UTF-8, C0
 * controls other than tab, line feed and carriage return, U+FFFE and U+FFFF. out has room
 * for n + 1 bytes and may be in itself; it is NUL-terminated. Returns the bytes written
 * (without the NUL).
 */
size_t export_xml_clean(const char *in, size_t n, char *out);

/* The stable name of a node or edge kind, "unknown" for a value outside the enum. */
const char *export_kind_name(enum graph_kind kind);
const char *export_edge_kind_name(enum graph_edge_kind kind);

/* GraphML and GEXF 1.3 of d->graph (NULL: an empty graph). 0, -EIO or -ENOMEM. */
int export_graphml(const struct export_data *d, FILE *out) EXPORT_WUR;
int export_gexf(const struct export_data *d, FILE *out) EXPORT_WUR;

#endif
