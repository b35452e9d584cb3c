/*
 * export_xml.c: the graph as GraphML and as GEXF 1.3, the two XML formats Gephi imports
 * with typed attributes. The only file that includes libxml2: its xmlTextWriter does the
 * escaping and the nesting, so well-formedness is never left to string pasting here.
 *
 * Labels come from peers. Each passes export.c's character policy and then
 * export_xml_clean, which removes what XML 1.0 cannot carry at all: the writer escapes
 * markup but would pass a raw control character through, and the document would no longer
 * parse. The second step is deliberate even though the policy is stricter today, so that
 * well-formedness never rests on another module's list.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/xmlwriter.h>

#include "export_xml.h"

#define GEXF_NS      "http://gexf.net/1.3"
#define GRAPHML_NS   "http://graphml.graphdrawing.org/xmlns"
#define XSI_NS       "http://www.w3.org/2001/XMLSchema-instance"
#define ID_LEN       32
#define XML_STAMP    64
#define XML_TIME_MAX UINT64_C(253402300799) /* 9999-12-31T23:59:59Z, as in export.c */

/* XML 1.0 (fifth edition) 2.2, Char. Surrogates never get here: they do not decode. */
static bool
xml_char(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp != 0xfffe && cp != 0xffff);
}

size_t
export_xml_clean(const char *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = export_utf8_next(in + i, n - i, &cp);

		if (len == 0) {
			i++;
			continue;
		}
		if (xml_char(cp)) {
			memmove(out + o, in + i, len); /* out may be in: o never passes i */
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	return o;
}

/* --- A writer with a sticky error ------------------------------------------------------ */

struct xw {
	xmlTextWriterPtr w;
	int err;
};

static void
xw_rc(struct xw *x, int rc)
{
	if (rc < 0 && x->err == 0)
		x->err = -EIO;
}

static void
xw_start(struct xw *x, const char *name)
{
	if (x->err == 0)
		xw_rc(x, xmlTextWriterStartElement(x->w, BAD_CAST name));
}

static void
xw_end(struct xw *x)
{
	if (x->err == 0)
		xw_rc(x, xmlTextWriterEndElement(x->w));
}

/* An attribute whose value is ours (names, ids, numbers). */
static void
xw_attr(struct xw *x, const char *name, const char *value)
{
	if (x->err == 0)
		xw_rc(x, xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST value));
}

/* A peer's string made safe for XML; NULL (with x->err set) when out of memory. */
static char *
xw_clean(struct xw *x, const char *s)
{
	char *c = export_clean_dup(s, 0);

	if (c == NULL) {
		x->err = x->err < 0 ? x->err : -ENOMEM;
		return NULL;
	}
	export_xml_clean(c, strlen(c), c);
	return c;
}

static void
xw_attr_peer(struct xw *x, const char *name, const char *value)
{
	char *c = xw_clean(x, value);

	if (c != NULL)
		xw_attr(x, name, c);
	free(c);
}

static void
xw_text_peer(struct xw *x, const char *value)
{
	char *c = xw_clean(x, value);

	if (c != NULL && x->err == 0)
		xw_rc(x, xmlTextWriterWriteString(x->w, BAD_CAST c));
	free(c);
}

static int
xw_open(struct xw *x, FILE *out)
{
	xmlOutputBufferPtr buf = xmlOutputBufferCreateFile(out, NULL);

	x->w = NULL;
	x->err = 0;
	if (buf == NULL)
		return -ENOMEM;
	if ((x->w = xmlNewTextWriter(buf)) == NULL) {
		xmlOutputBufferClose(buf);
		return -ENOMEM;
	}
	xw_rc(x, xmlTextWriterSetIndent(x->w, 1));
	xw_rc(x, xmlTextWriterSetIndentString(x->w, BAD_CAST "  "));
	xw_rc(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
	return x->err;
}

/* Ends the document, flushes it into the FILE (which stays open) and frees the writer. */
static int
xw_close(struct xw *x)
{
	if (x->err == 0)
		xw_rc(x, xmlTextWriterEndDocument(x->w));
	xmlFreeTextWriter(x->w);
	x->w = NULL;
	return x->err;
}

static void
quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/*
 * Writes one document with body. libxml2 reports I/O errors on stderr unless told
 * otherwise; a library must not print, and export_write already returns them as -EIO, so
 * its error channel is silenced for the length of the write and then given back.
 */
static int
xml_write(const struct export_data *d, FILE *out,
          void (*body)(struct xw *, const struct export_data *))
{
	xmlGenericErrorFunc old = xmlGenericError;
	void *old_ctx = xmlGenericErrorContext;
	struct xw x;
	int r;

	xmlSetGenericErrorFunc(NULL, quiet);
	if ((r = xw_open(&x, out)) == 0)
		body(&x, d);
	if (x.w != NULL)
		r = xw_close(&x);
	xmlSetGenericErrorFunc(old_ctx, old);
	return r;
}

static const char *
node_id(size_t i, char buf[ID_LEN])
{
	snprintf(buf, ID_LEN, "n%zu", i);
	return buf;
}

static const char *
number(uint64_t v, char buf[ID_LEN])
{
	snprintf(buf, ID_LEN, "%" PRIu64, v > INT64_MAX ? (uint64_t)INT64_MAX : v);
	return buf;
}

/* An edge whose ends are nodes of g; any other would dangle, so it is left out. */
static bool
edge_ok(const struct graph *g, const struct graph_edge *e)
{
	return e->from < g->n_nodes && e->to < g->n_nodes;
}

/* --- GraphML --------------------------------------------------------------------------- */

struct graphml_key {
	const char *id, *domain, *name, *type;
};

/* Gephi reads attr.name "label" as the node label and the others as typed columns. */
static const struct graphml_key graphml_keys[] = {
	{ "kind", "node", "kind", "string" },
	{ "label", "node", "label", "string" },
	{ "fingerprint", "node", "fingerprint", "string" },
	{ "verified", "node", "verified", "boolean" },
	{ "in_person", "node", "in_person", "boolean" },
	{ "edge_kind", "edge", "kind", "string" },
	{ "at", "edge", "at", "long" },
};

static void
graphml_data(struct xw *x, const char *key, const char *value, bool peer)
{
	xw_start(x, "data");
	xw_attr(x, "key", key);
	if (peer)
		xw_text_peer(x, value);
	else if (x->err == 0)
		xw_rc(x, xmlTextWriterWriteString(x->w, BAD_CAST value));
	xw_end(x);
}

static void
graphml_node(struct xw *x, const struct graph_node *n, size_t i)
{
	char id[ID_LEN];

	xw_start(x, "node");
	xw_attr(x, "id", node_id(i, id));
	graphml_data(x, "kind", export_kind_name(n->kind), false);
	graphml_data(x, "label", n->label, true);
	if (n->kind == GRAPH_PERSON && n->id != NULL)
		graphml_data(x, "fingerprint", n->id, true);
	if (n->kind == GRAPH_PERSON) {
		graphml_data(x, "verified", n->unverified ? "false" : "true", false);
		graphml_data(x, "in_person", n->in_person ? "true" : "false", false);
	}
	xw_end(x);
}

static void
graphml_edge(struct xw *x, const struct graph_edge *e, size_t i)
{
	char id[ID_LEN];

	xw_start(x, "edge");
	snprintf(id, sizeof(id), "e%zu", i);
	xw_attr(x, "id", id);
	xw_attr(x, "source", node_id(e->from, id));
	xw_attr(x, "target", node_id(e->to, id));
	graphml_data(x, "edge_kind", export_edge_kind_name(e->kind), false);
	graphml_data(x, "at", number(e->at, id), false);
	xw_end(x);
}

static void
graphml_body(struct xw *x, const struct export_data *d)
{
	const struct graph *g = d->graph;
	size_t nn = g != NULL ? g->n_nodes : 0, ne = g != NULL ? g->n_edges : 0;

	xw_start(x, "graphml");
	xw_attr(x, "xmlns", GRAPHML_NS);
	xw_attr(x, "xmlns:xsi", XSI_NS);
	xw_attr(x, "xsi:schemaLocation", GRAPHML_NS " " GRAPHML_NS "/1.0/graphml.xsd");
	for (size_t i = 0; i < sizeof(graphml_keys) / sizeof(graphml_keys[0]); i++) {
		xw_start(x, "key");
		xw_attr(x, "id", graphml_keys[i].id);
		xw_attr(x, "for", graphml_keys[i].domain);
		xw_attr(x, "attr.name", graphml_keys[i].name);
		xw_attr(x, "attr.type", graphml_keys[i].type);
		xw_end(x);
	}
	xw_start(x, "graph");
	xw_attr(x, "id", "wallflower");
	xw_attr(x, "edgedefault", "directed");
	for (size_t i = 0; i < nn && x->err == 0; i++)
		graphml_node(x, &g->nodes[i], i);
	for (size_t i = 0; i < ne && x->err == 0; i++)
		if (edge_ok(g, &g->edges[i]))
			graphml_edge(x, &g->edges[i], i);
	xw_end(x);
	xw_end(x);
}

int
export_graphml(const struct export_data *d, FILE *out)
{
	return xml_write(d, out, graphml_body);
}

/* --- GEXF 1.3 -------------------------------------------------------------------------- */

static void
gexf_attribute(struct xw *x, const char *id, const char *title, const char *type)
{
	xw_start(x, "attribute");
	xw_attr(x, "id", id);
	xw_attr(x, "title", title);
	xw_attr(x, "type", type);
	xw_end(x);
}

static void
gexf_attributes(struct xw *x)
{
	xw_start(x, "attributes");
	xw_attr(x, "class", "node");
	xw_attr(x, "mode", "static");
	gexf_attribute(x, "kind", "kind", "string");
	gexf_attribute(x, "fingerprint", "fingerprint", "string");
	gexf_attribute(x, "verified", "verified", "boolean");
	gexf_attribute(x, "in_person", "in_person", "boolean");
	xw_end(x);
	xw_start(x, "attributes");
	xw_attr(x, "class", "edge");
	xw_attr(x, "mode", "static");
	gexf_attribute(x, "edge_kind", "kind", "string");
	gexf_attribute(x, "at", "at", "long");
	xw_end(x);
}

static void
gexf_attvalue(struct xw *x, const char *for_id, const char *value, bool peer)
{
	xw_start(x, "attvalue");
	xw_attr(x, "for", for_id);
	if (peer)
		xw_attr_peer(x, "value", value);
	else
		xw_attr(x, "value", value);
	xw_end(x);
}

static void
gexf_node(struct xw *x, const struct graph_node *n, size_t i)
{
	char id[ID_LEN];

	xw_start(x, "node");
	xw_attr(x, "id", node_id(i, id));
	xw_attr_peer(x, "label", n->label);
	xw_start(x, "attvalues");
	gexf_attvalue(x, "kind", export_kind_name(n->kind), false);
	if (n->kind == GRAPH_PERSON && n->id != NULL)
		gexf_attvalue(x, "fingerprint", n->id, true);
	if (n->kind == GRAPH_PERSON) {
		gexf_attvalue(x, "verified", n->unverified ? "false" : "true", false);
		gexf_attvalue(x, "in_person", n->in_person ? "true" : "false", false);
	}
	xw_end(x);
	xw_end(x);
}

/*
 * An edge. Its "kind" XML attribute is GEXF's own edge kind, which lets Gephi keep two
 * edges between the same nodes apart (a person who both knows and offers a topic).
 */
static void
gexf_edge(struct xw *x, const struct graph_edge *e, size_t i)
{
	const char *kind = export_edge_kind_name(e->kind);
	char id[ID_LEN];

	xw_start(x, "edge");
	snprintf(id, sizeof(id), "e%zu", i);
	xw_attr(x, "id", id);
	xw_attr(x, "source", node_id(e->from, id));
	xw_attr(x, "target", node_id(e->to, id));
	xw_attr(x, "kind", kind);
	xw_attr(x, "label", kind);
	xw_start(x, "attvalues");
	gexf_attvalue(x, "edge_kind", kind, false);
	gexf_attvalue(x, "at", number(e->at, id), false);
	xw_end(x);
	xw_end(x);
}

static void
gexf_meta(struct xw *x, uint64_t now)
{
	char date[XML_STAMP];
	time_t t = (time_t)(now < XML_TIME_MAX ? now : XML_TIME_MAX);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	gmtime_r(&t, &tm);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday);
	xw_start(x, "meta");
	xw_attr(x, "lastmodifieddate", date);
	xw_start(x, "creator");
	if (x->err == 0)
		xw_rc(x, xmlTextWriterWriteString(x->w, BAD_CAST "wallflower"));
	xw_end(x);
	xw_end(x);
}

static void
gexf_body(struct xw *x, const struct export_data *d)
{
	const struct graph *g = d->graph;
	size_t nn = g != NULL ? g->n_nodes : 0, ne = g != NULL ? g->n_edges : 0;

	xw_start(x, "gexf");
	xw_attr(x, "xmlns", GEXF_NS);
	xw_attr(x, "xmlns:xsi", XSI_NS);
	xw_attr(x, "xsi:schemaLocation", GEXF_NS " " GEXF_NS "/gexf.xsd");
	xw_attr(x, "version", "1.3");
	gexf_meta(x, d->now);
	xw_start(x, "graph");
	xw_attr(x, "defaultedgetype", "directed");
	xw_attr(x, "mode", "static");
	gexf_attributes(x);
	xw_start(x, "nodes");
	for (size_t i = 0; i < nn && x->err == 0; i++)
		gexf_node(x, &g->nodes[i], i);
	xw_end(x);
	xw_start(x, "edges");
	for (size_t i = 0; i < ne && x->err == 0; i++)
		if (edge_ok(g, &g->edges[i]))
			gexf_edge(x, &g->edges[i], i);
	xw_end(x);
	xw_end(x);
	xw_end(x);
}

int
export_gexf(const struct export_data *d, FILE *out)
{
	return xml_write(d, out, gexf_body);
}
