/*
 * graph_map: the plan of the map on graphs small enough to know by hand what must be
 * drawn, how large, in which fill and with which labels; crowded graphs for the label
 * bounds; the gaps text in each of its forms.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"
#include "wallflower/graph_map.h"

#define EPS 1e-12

static uint32_t
add(struct graph *g, enum graph_kind kind, const char *label)
{
	uint32_t v;

	assert_int_equal(graph_add_node(g, kind, label, NULL, &v), 0);
	return v;
}

static void
tie(struct graph *g, uint32_t from, uint32_t to, enum graph_edge_kind kind)
{
	assert_int_equal(graph_add_edge(g, from, to, kind, 1700000000), 0);
}

static const struct graph_map_node *
find(const struct graph_map *m, uint32_t v)
{
	for (size_t i = 0; i < m->n_nodes; i++)
		if (m->nodes[i].node == v)
			return &m->nodes[i];
	return NULL;
}

static bool
has_line(const struct graph_map *m, uint32_t from, uint32_t to, enum graph_map_line line)
{
	for (size_t i = 0; i < m->n_edges; i++)
		if (m->edges[i].from == from && m->edges[i].to == to && m->edges[i].line == line)
			return true;
	return false;
}

/*
 * me (0); Ann (1), Bob (2), Cy (3); event Conf (4) where Ann and Bob were (Ann twice), event
 * Solo (5) with Cy alone; org Acme (6) with Ann and Bob; topic Wikis (7); Cy introduced by
 * Ann. You were at Conf too.
 */
static void
small(struct graph *g)
{
	assert_int_equal(graph_init(g, "Me"), 0);
	add(g, GRAPH_PERSON, "Ann");
	add(g, GRAPH_PERSON, "Bob");
	add(g, GRAPH_PERSON, "Cy");
	add(g, GRAPH_EVENT, "Conf");
	add(g, GRAPH_EVENT, "Solo");
	add(g, GRAPH_ORG, "Acme");
	add(g, GRAPH_TOPIC, "Wikis");
	tie(g, 1, 4, GRAPH_MET_AT);
	tie(g, 1, 4, GRAPH_MET_AT);
	tie(g, 2, 4, GRAPH_MET_AT);
	tie(g, 3, 5, GRAPH_MET_AT);
	tie(g, 0, 4, GRAPH_MET_AT);
	tie(g, 1, 6, GRAPH_WORKS_AT);
	tie(g, 2, 6, GRAPH_WORKS_AT);
	tie(g, 1, 7, GRAPH_KNOWS);
	tie(g, 0, 7, GRAPH_SEEKS);
	tie(g, 3, 1, GRAPH_INTRODUCED_BY);
}

static void
test_graph_map_plan_small(void **state)
{
	struct graph g;
	struct graph_map m;

	(void)state;
	small(&g);
	assert_int_equal(graph_map_plan(&g, NULL, false, &m), 0);
	/* Everything but the topic, in node order, you first. */
	assert_int_equal(m.n_nodes, 7);
	for (size_t i = 0; i < m.n_nodes; i++)
		assert_int_equal(m.nodes[i].node, i);
	assert_null(find(&m, 7));
	assert_int_equal(m.people, 3);
	/* Few people: all labelled, you too; Conf holds two people, Solo one, Acme two. */
	for (uint32_t v = 0; v <= 3; v++)
		assert_true(find(&m, v)->label);
	assert_true(find(&m, 4)->label);
	assert_false(find(&m, 5)->label);
	assert_true(find(&m, 6)->label);
	assert_int_equal(m.labels, 6);
	/* Lines: meetings (the repeated one once, yours too), work, the introduction as an
	 * arrow from Ann to Cy; no topic line. */
	assert_int_equal(m.n_edges, 7);
	assert_true(has_line(&m, 1, 4, GRAPH_MAP_MET));
	assert_true(has_line(&m, 2, 4, GRAPH_MAP_MET));
	assert_true(has_line(&m, 3, 5, GRAPH_MAP_MET));
	assert_true(has_line(&m, 0, 4, GRAPH_MAP_MET));
	assert_true(has_line(&m, 1, 6, GRAPH_MAP_WORKS));
	assert_true(has_line(&m, 2, 6, GRAPH_MAP_WORKS));
	assert_true(has_line(&m, 1, 3, GRAPH_MAP_INTRO));
	/* Everyone was met at an event: no line from you to anyone directly. */
	for (size_t i = 0; i < m.n_edges; i++)
		assert_int_not_equal(m.edges[i].line, GRAPH_MAP_CONTACT);
	/* In the order of the graph's edges. */
	assert_int_equal(m.edges[0].from, 1);
	assert_int_equal(m.edges[0].to, 4);
	assert_int_equal(m.edges[1].from, 2);
	assert_int_equal(m.edges[6].line, GRAPH_MAP_INTRO);
	/* No scores: every person the smallest width. */
	for (uint32_t v = 1; v <= 3; v++)
		assert_true(fabs(find(&m, v)->width - GRAPH_MAP_PERSON_MIN) < EPS);
	assert_true(fabs(find(&m, 0)->width - GRAPH_MAP_ME_WIDTH) < EPS);
	/* Ann and Bob in Acme's colour (the first), Cy without an org. */
	assert_string_equal(find(&m, 1)->fill, graph_map_palette[0]);
	assert_string_equal(find(&m, 2)->fill, graph_map_palette[0]);
	assert_string_equal(find(&m, 3)->fill, GRAPH_MAP_FILL_NONE);
	assert_string_equal(find(&m, 0)->fill, GRAPH_MAP_FILL_ME);
	assert_int_equal(m.n_keys, 2);
	assert_string_equal(m.keys[0].text, "Acme");
	assert_int_equal(m.keys[0].org, 6);
	assert_int_equal(m.keys[0].people, 2);
	assert_string_equal(m.keys[1].text, "no organisation");
	assert_int_equal(m.keys[1].people, 1);
	graph_map_clear(&m);
	graph_map_clear(&m);
	graph_map_clear(NULL);
	graph_clear(&g);
}

/* Widths: the area grows with the score; the top score gets the largest width. */
static void
test_graph_map_plan_sizes(void **state)
{
	struct graph g;
	struct graph_map m;
	double score[8] = { 0.9, 0.4, 0.1, 0, 0, 0, 0, 0 };
	double mid;

	(void)state;
	small(&g);
	/* You are never sized by score; NAN counts as 0. */
	score[3] = NAN;
	assert_int_equal(graph_map_plan(&g, score, false, &m), 0);
	assert_true(fabs(find(&m, 0)->width - GRAPH_MAP_ME_WIDTH) < EPS);
	assert_true(fabs(find(&m, 1)->width - GRAPH_MAP_PERSON_MAX) < EPS);
	mid = GRAPH_MAP_PERSON_MIN + (GRAPH_MAP_PERSON_MAX - GRAPH_MAP_PERSON_MIN) * 0.5;
	assert_true(fabs(find(&m, 2)->width - mid) < EPS); /* sqrt(0.1 / 0.4) */
	assert_true(fabs(find(&m, 3)->width - GRAPH_MAP_PERSON_MIN) < EPS);
	assert_true(fabs(find(&m, 4)->width - GRAPH_MAP_PLACE_WIDTH) < EPS);
	graph_map_clear(&m);
	/* All zero: all alike. */
	memset(score, 0, sizeof(score));
	assert_int_equal(graph_map_plan(&g, score, false, &m), 0);
	for (uint32_t v = 1; v <= 3; v++)
		assert_true(fabs(find(&m, v)->width - GRAPH_MAP_PERSON_MIN) < EPS);
	graph_map_clear(&m);
	graph_clear(&g);
}

/*
 * Eleven orgs: org k has k + 1 people (k = 0..10), so the eight largest are orgs 10..3;
 * orgs 0..2 (1 + 2 + 3 people) are grey; four people have no org. Org 11 holds 4 people, as
 * many as org 3: the lower index wins the last colour, and org 11 is grey, as is org 12
 * (one person).
 */
static void
test_graph_map_plan_colours(void **state)
{
	struct graph g;
	struct graph_map m;
	uint32_t org[13], p;
	char name[32];

	(void)state;
	assert_int_equal(graph_init(&g, "Me"), 0);
	for (unsigned k = 0; k < 13; k++) {
		snprintf(name, sizeof(name), "Org %u", k);
		org[k] = add(&g, GRAPH_ORG, name);
	}
	for (unsigned k = 0; k < 13; k++) {
		for (unsigned i = 0; i < (k <= 10 ? k + 1 : k == 11 ? 4 : 1); i++) {
			snprintf(name, sizeof(name), "P%u.%u", k, i);
			p = add(&g, GRAPH_PERSON, name);
			tie(&g, p, org[k], GRAPH_WORKS_AT);
		}
	}
	for (unsigned i = 0; i < 4; i++)
		add(&g, GRAPH_PERSON, "Nobody");
	assert_int_equal(graph_map_plan(&g, NULL, false, &m), 0);
	assert_int_equal(m.n_keys, GRAPH_MAP_COLOURS + 2);
	for (unsigned i = 0; i < GRAPH_MAP_COLOURS; i++) {
		snprintf(name, sizeof(name), "Org %u", 10 - i);
		assert_string_equal(m.keys[i].text, name);
		assert_int_equal(m.keys[i].org, org[10 - i]);
		assert_int_equal(m.keys[i].people, 11 - i);
		assert_string_equal(m.keys[i].fill, graph_map_palette[i]);
	}
	assert_string_equal(m.keys[8].text, "other organisations");
	assert_int_equal(m.keys[8].people, 1 + 2 + 3 + 4 + 1);
	assert_string_equal(m.keys[8].fill, GRAPH_MAP_FILL_OTHER);
	assert_string_equal(m.keys[9].text, "no organisation");
	assert_int_equal(m.keys[9].people, 4);
	/* Each person in their org's fill. */
	for (size_t i = 0; i < m.n_nodes; i++) {
		const struct graph_node *n = &g.nodes[m.nodes[i].node];
		unsigned k;

		if (n->kind != GRAPH_PERSON)
			continue;
		if (strcmp(n->label, "Nobody") == 0) {
			assert_string_equal(m.nodes[i].fill, GRAPH_MAP_FILL_NONE);
			continue;
		}
		assert_int_equal(sscanf(n->label, "P%u.", &k), 1);
		assert_string_equal(m.nodes[i].fill, k >= 3 && k <= 10 ? graph_map_palette[10 - k]
		                                                       : GRAPH_MAP_FILL_OTHER);
	}
	/* Crowded (75 people): only the top 25 (all score 0: the first 25 by index) and you. */
	assert_int_equal(m.people, 75);
	assert_int_equal(find(&m, 0)->label, true);
	for (size_t i = 0, seen = 0; i < m.n_nodes; i++) {
		if (m.nodes[i].kind != GRAPH_PERSON)
			continue;
		assert_int_equal(m.nodes[i].label, seen < GRAPH_MAP_LABEL_TOP);
		seen++;
	}
	graph_map_clear(&m);
	graph_clear(&g);
}

/* A crowded map labels the best by score, and at most GRAPH_MAP_PLACE_LABELS places. */
static void
test_graph_map_plan_crowded_labels(void **state)
{
	struct graph g;
	struct graph_map m;
	uint32_t ev[40], p;
	double *score;
	size_t people = 0, places = 0;
	char name[32];

	(void)state;
	assert_int_equal(graph_init(&g, "Me"), 0);
	for (unsigned e = 0; e < 40; e++) {
		snprintf(name, sizeof(name), "Event %u", e);
		ev[e] = add(&g, GRAPH_EVENT, name);
	}
	/* 100 people, person i at events i % 40 and (i + 1) % 40: events 1..19 hold 6, 0 and
	 * 20 hold 5, 21..39 hold 4. Three more people make event 39 hold 6 and 38 hold 5. */
	for (unsigned i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "P%u", i);
		p = add(&g, GRAPH_PERSON, name);
		tie(&g, p, ev[i % 40], GRAPH_MET_AT);
		tie(&g, p, ev[(i + 1) % 40], GRAPH_MET_AT);
	}
	for (unsigned i = 0; i < 3; i++) {
		p = add(&g, GRAPH_PERSON, "Late");
		tie(&g, p, ev[i < 2 ? 39 : 38], GRAPH_MET_AT);
	}
	assert_non_null(score = calloc(g.n_nodes, sizeof(*score)));
	/* The scores: person i (node 41 + i) gets i % 50: the top 25 are i % 50 in 38..49,
	 * each twice (24), then i % 50 == 37 twice: the lower index (i = 37) wins the tie. */
	for (unsigned i = 0; i < 100; i++)
		score[41 + i] = (double)(i % 50);
	assert_int_equal(graph_map_plan(&g, score, false, &m), 0);
	for (size_t i = 0; i < m.n_nodes; i++) {
		uint32_t v = m.nodes[i].node;

		if (m.nodes[i].kind == GRAPH_PERSON) {
			unsigned k = v - 41;
			bool want = k < 100 && (k % 50 >= 38 || k == 37);

			assert_int_equal(m.nodes[i].label, want);
			people += m.nodes[i].label;
		} else if (m.nodes[i].kind == GRAPH_EVENT) {
			/* The 15 largest, ties by index: 1..15 of those holding 6 (1..19, 39). */
			bool want = v - 1 >= 1 && v - 1 <= 15;

			assert_int_equal(m.nodes[i].label, want);
			places += m.nodes[i].label;
		}
	}
	assert_int_equal(people, GRAPH_MAP_LABEL_TOP);
	assert_int_equal(places, GRAPH_MAP_PLACE_LABELS);
	assert_int_equal(m.labels, 1 + GRAPH_MAP_LABEL_TOP + GRAPH_MAP_PLACE_LABELS);
	graph_map_clear(&m);
	free(score);
	graph_clear(&g);
}

/* The ego map: you and the people only, each linked to you, introductions as arrows. */
static void
test_graph_map_plan_ego(void **state)
{
	struct graph g;
	struct graph_map m;

	(void)state;
	small(&g);
	assert_int_equal(graph_map_plan(&g, NULL, true, &m), 0);
	assert_int_equal(m.n_nodes, 4);
	for (uint32_t v = 0; v <= 3; v++)
		assert_non_null(find(&m, v));
	assert_int_equal(m.n_edges, 4);
	assert_true(has_line(&m, 0, 1, GRAPH_MAP_CONTACT));
	assert_true(has_line(&m, 0, 2, GRAPH_MAP_CONTACT));
	assert_true(has_line(&m, 0, 3, GRAPH_MAP_CONTACT));
	assert_true(has_line(&m, 1, 3, GRAPH_MAP_INTRO));
	/* Organisations still colour people, and the legend says so. */
	assert_string_equal(find(&m, 1)->fill, graph_map_palette[0]);
	assert_int_equal(m.n_keys, 2);
	assert_int_equal(m.labels, 4);
	graph_map_clear(&m);
	graph_clear(&g);
}

static void
test_graph_map_plan_bad_graph(void **state)
{
	struct graph g;
	struct graph_map m;

	(void)state;
	assert_int_equal(graph_init(&g, "Me"), 0);
	add(&g, GRAPH_PERSON, "Ann");
	g.nodes[0].kind = GRAPH_PERSON; /* no "me" */
	assert_int_equal(graph_map_plan(&g, NULL, false, &m), -EINVAL);
	assert_null(m.nodes);
	g.nodes[0].kind = GRAPH_ME;
	tie(&g, 1, 0, GRAPH_INTRODUCED_BY);
	g.edges[0].to = 9; /* behind graph_add_edge's back */
	assert_int_equal(graph_map_plan(&g, NULL, false, &m), -EINVAL);
	g.edges[0].to = 0;
	/* An introduction by you is not drawn as one; Ann, met at no event, is linked to you. */
	assert_int_equal(graph_map_plan(&g, NULL, false, &m), 0);
	assert_int_equal(m.n_nodes, 2);
	assert_int_equal(m.n_edges, 1);
	assert_true(has_line(&m, 0, 1, GRAPH_MAP_CONTACT));
	graph_map_clear(&m);
	graph_clear(&g);
}

/* The gaps text: each form, the bound, and the plain form without leads computed. */
static void
test_graph_map_gaps_text(void **state)
{
	struct graph g;
	struct graph_map m = { 0 };
	uint32_t t[7], seeks[7];
	struct graph_lead lead = { .person = 1, .topic = 7 };
	struct graph_unmet unmet[7];
	struct graph_gaps gaps = { 0 };
	char name[16];

	(void)state;
	small(&g);
	for (unsigned i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "T%u", i);
		seeks[i] = t[i] = add(&g, GRAPH_TOPIC, name);
		unmet[i] = (struct graph_unmet){ .topic = t[i],
			                         .ask = UINT32_MAX,
			                         .ask_via = UINT32_MAX };
	}
	unmet[0] = (struct graph_unmet){
		.topic = t[0], .leads = &lead, .n_leads = 1, .ask = 2, .ask_via = 1
	};
	unmet[1] = (struct graph_unmet){
		.topic = t[1], .leads = &lead, .n_leads = 1, .ask = 1, .ask_via = 1
	};
	gaps.unmet_seeks = seeks;
	gaps.n_unmet_seeks = 7;
	gaps.unmet = unmet;
	gaps.n_unmet = 7;
	assert_int_equal(graph_map_gaps(&m, &g, &gaps), 0);
	assert_int_equal(m.n_gaps, GRAPH_MAP_GAPS);
	assert_int_equal(m.more_gaps, 2);
	assert_string_equal(m.gaps[0], "T0: ask Bob about Ann");
	assert_string_equal(m.gaps[1], "T1: ask Ann");
	assert_string_equal(m.gaps[2], "T2: nobody close yet");
	/* Twice is a mistake. */
	assert_int_equal(graph_map_gaps(&m, &g, &gaps), -EINVAL);
	graph_map_clear(&m);
	/* Without leads computed: the topics alone. */
	gaps.unmet = NULL;
	gaps.n_unmet = 0;
	gaps.n_unmet_seeks = 2;
	assert_int_equal(graph_map_gaps(&m, &g, &gaps), 0);
	assert_int_equal(m.n_gaps, 2);
	assert_int_equal(m.more_gaps, 0);
	assert_string_equal(m.gaps[1], "T1");
	graph_map_clear(&m);
	/* None. */
	gaps.n_unmet_seeks = 0;
	assert_int_equal(graph_map_gaps(&m, &g, &gaps), 0);
	assert_int_equal(m.n_gaps, 0);
	assert_null(m.gaps);
	graph_clear(&g);
}

/* A name is text on the map, whatever it holds: Graphviz's escapes (\N names the node,
 * \n breaks the line) and HTML-like markup come out as the characters typed. */
static void
test_graph_map_text_escaped(void **state)
{
	static const char *const cases[][3] = {
		/* name, plain label, inside an HTML-like label */
		{ "Ada Lovelace", "Ada Lovelace", "Ada Lovelace" },
		{ "\\N", "\\\\N", "\\N" },
		{ "a\\nb\\", "a\\\\nb\\\\", "a\\nb\\" },
		{ "<B>Eve</B> & \"co\"", "<B>Eve</B> & \"co\"",
		  "&lt;B&gt;Eve&lt;/B&gt; &amp; &quot;co&quot;" },
		{ "&amp;", "&amp;", "&amp;amp;" },
		{ "Zo\u00eb \u674e", "Zo\u00eb \u674e", "Zo\u00eb \u674e" },
		{ "", "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *plain = graph_map_plain(cases[i][0]), *html = graph_map_html(cases[i][0]);

		assert_non_null(plain);
		assert_non_null(html);
		assert_string_equal(plain, cases[i][1]);
		assert_string_equal(html, cases[i][2]);
		free(plain);
		free(html);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_graph_map_plan_small),
		cmocka_unit_test(test_graph_map_plan_sizes),
		cmocka_unit_test(test_graph_map_plan_colours),
		cmocka_unit_test(test_graph_map_plan_crowded_labels),
		cmocka_unit_test(test_graph_map_plan_ego),
		cmocka_unit_test(test_graph_map_plan_bad_graph),
		cmocka_unit_test(test_graph_map_gaps_text),
		cmocka_unit_test(test_graph_map_text_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
