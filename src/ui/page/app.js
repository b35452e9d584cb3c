// wallflower-ui's page: fetches the daemon's replies through wallflower-ui and redraws a
// section when an event concerns it. Every value from a card or an advert goes in with
// textContent, never innerHTML: a name is text, whatever characters it holds.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
	const e = document.createElement(tag);
	if (cls) e.className = cls;
	if (text !== undefined && text !== null) e.textContent = String(text);
	return e;
}

// A refusal of wallflower-ui is plain text, not JSON: it becomes an Error with its status.
async function answer(r) {
	if ((r.headers.get("Content-Type") || "").startsWith("application/json")) return r.json();
	const e = new Error((await r.text()).trim() || "HTTP " + r.status);
	e.status = r.status;
	throw e;
}

async function getJSON(path) {
	return answer(await fetch(path, { credentials: "same-origin", cache: "no-store" }));
}

async function post(path, id) {
	return answer(await fetch(path, {
		method: "POST",
		credentials: "same-origin",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ id: id }),
	}));
}

// 403: the token in the cookie is not this server's (it was started again).
function why(e) {
	return e.status === 403 ? "This page's key is out of date: open it again with 'wallflower ui'"
		: "Lost touch with wallflower-ui (" + e.message + ")";
}

// Common ground (proto/control.md 9.2): the other person's items that match your profile.
function common(c) {
	if (!c) return "";
	const parts = [];
	if ((c.topics || []).length) parts.push("In common: " + c.topics.join(", "));
	if ((c.you_offer || []).length) parts.push("You offer: " + c.you_offer.join(", "));
	if ((c.you_seek || []).length) parts.push("You seek: " + c.you_seek.join(", "));
	return parts.join(" · ");
}

function fill(listId, emptyId, items, render) {
	const ul = $(listId);
	ul.replaceChildren(...items.map(render));
	$(emptyId).hidden = items.length > 0;
}

function say(text) {
	$("announce").textContent = text;
}

function button(label, aria, cls, onclick) {
	const b = el("button", cls, label);
	b.type = "button";
	b.setAttribute("aria-label", aria);
	b.addEventListener("click", onclick);
	return b;
}

// An ask is answered with `wallflower introduce`, not accepted: it has no Accept button.
function renderOffer(o) {
	const li = el("li");
	li.append(el("div", "name", o.name));
	li.append(el("div", "meta fp", "Fingerprint " + String(o.fingerprint || "").slice(0, 9)));
	if (o.same_name_as) li.append(el("div", "warn",
		"Not the " + o.name + " in your contacts: another key uses this name"));
	if (o.kind === "ask") li.append(el("div", "meta", "Asks you for introductions to: " + o.for));
	if (o.kind === "intro" && o.introduced_by)
		li.append(el("div", "meta", "Introduced by " + o.introduced_by.name));
	if (o.note) li.append(el("p", "note", o.note));
	const cg = common(o.common);
	if (cg) li.append(el("div", "meta", cg));
	const act = el("div", "actions");
	// The buttons wait for the answer: a second click would send the decision twice.
	const decide = async (path, done) => {
		act.querySelectorAll("button").forEach((b) => { b.disabled = true; });
		try {
			const r = await post(path, o.id);
			say(r.ok ? done : "Could not do that: " + (r.msg || r.error || "unknown error"));
		} catch (e) {
			say("Could not do that: " + why(e));
		}
		act.querySelectorAll("button").forEach((b) => { b.disabled = false; });
		refresh("inbox");
		refresh("contacts");
	};
	if (o.kind === "ask")
		li.append(el("div", "meta", "Answer it with 'wallflower introduce' in a terminal"));
	else
		act.append(button("Accept", "Accept " + o.name + "'s card", "primary",
			() => decide("/api/accept", o.name + " is now a contact")));
	act.append(button("Decline", "Decline " + o.name + (o.kind === "ask" ? "'s ask" : "'s card"),
		"", () => decide("/api/decline", "Declined")));
	act.append(button("Block", "Block " + o.name, "",
		() => decide("/api/block", o.name + " is blocked")));
	li.append(act);
	return li;
}

function renderPeer(p) {
	const li = el("li");
	li.append(el("div", "name", p.handle || p.instance));
	if (p.contact) li.append(el("div", "meta", "You know them as " + p.contact.name +
		(p.contact.event ? ", met at " + p.contact.event : "")));
	const bits = [];
	if (p.status) bits.push(p.status === "quiet" ? "Quiet" : "Open to talk");
	if (p.same_event) bits.push("at this event");
	if (bits.length) li.append(el("div", "meta", bits.join(", ")));
	const cg = common(p.common);
	if (cg) li.append(el("div", "meta", cg));
	return li;
}

// A contact as `wallflower contacts --json` prints it (docs/json.md).
function renderContact(c) {
	const f = c.fields || {};
	const li = el("li");
	li.append(el("div", "name", f.name));
	const who = [f.title, f.org].filter(Boolean).join(", ");
	if (who) li.append(el("div", "meta", who));
	const last = (c.met || []).slice(-1)[0];
	if (last && last.event) li.append(el("div", "meta", "Met at " + last.event));
	if (c.introduced_by) li.append(el("div", "meta", "Introduced by " + c.introduced_by));
	const notes = c.notes || [];
	if (notes.length) li.append(el("p", "note", notes[notes.length - 1].text));
	const open = (c.followups || []).filter((u) => !u.done);
	// A due day is the Unix time of its local midnight (docs/json.md): shown YYYY-MM-DD.
	const day = (t) => {
		const d = new Date(t * 1000), two = (n) => String(n).padStart(2, "0");
		return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
	};
	for (const u of open)
		li.append(el("div", "meta", "Follow up" + (u.due ? " by " + day(u.due) : "") + ": " + u.text));
	return li;
}

const names = (people) => people.map((p) => p.name).join(", ");

// A hub of `wallflower graph hubs --json` (docs/json.md, docs/graph.md).
function renderHub(h) {
	const li = el("li");
	li.append(el("div", "name", h.name));
	const bits = [];
	if (h.reach > 0) bits.push("the only way to " + h.reach + (h.reach === 1 ? " person" : " people"));
	bits.push("on " + Math.round(h.betweenness * 100) + "% of the paths between your people");
	li.append(el("div", "meta", bits.join(", ")));
	if (h.introduced.length) li.append(el("div", "meta", "Introduced you to " + names(h.introduced)));
	return li;
}

// A topic you seek that nobody you know offers, with who might help and whom to ask.
function renderGap(g) {
	const li = el("li");
	li.append(el("div", "name", g.topic));
	li.append(el("div", "meta", g.leads.length ? "Might help: " + names(g.leads)
		: "Nobody you know mentions it"));
	if (g.ask && g.ask.command) {
		const p = el("div", "meta", "Next step: ");
		p.append(el("code", "", g.ask.command));
		li.append(p);
	}
	return li;
}

const sections = {
	async status() {
		const s = await getJSON("/api/status");
		$("status").textContent = s.ok === false ? (s.msg || "wallflowerd is not running")
			: s.started ? "Started" + (s.event ? " at " + s.event : "") : "Not started";
	},
	async inbox() {
		const r = await getJSON("/api/inbox");
		fill("inbox", "inbox-empty", r.offers || [], renderOffer);
	},
	async nearby() {
		const r = await getJSON("/api/nearby");
		fill("nearby", "nearby-empty", r.peers || [], renderPeer);
	},
	async contacts() {
		const r = await getJSON("/api/contacts");
		fill("contacts", "contacts-empty", r.contacts || [], renderContact);
	},
	async map() {
		$("map").src = "/map.svg?t=" + Date.now();
		const [h, g] = await Promise.all([getJSON("/api/hubs"), getJSON("/api/gaps")]);
		fill("hubs", "hubs-empty", (h.hubs || []).slice(0, 5), renderHub);
		fill("gaps", "gaps-empty", g.unmet || [], renderGap);
	},
};

// One fetch per section at a time: events that come while it runs ask for one more
// afterwards, so a burst (a script importing many cards) costs two fetches, not one per
// event, and an older answer can never land after a newer one.
const fetching = {};

async function refresh(name) {
	if (fetching[name]) {
		fetching[name] = "again";
		return;
	}
	fetching[name] = true;
	try {
		await sections[name]();
	} catch (e) {
		$("status").textContent = why(e);
	}
	const again = fetching[name] === "again";
	fetching[name] = false;
	if (again) refresh(name);
}

// A new contact changes Nearby too: the daemon recognises them there from now on, and
// sends no peer event for it. contacts-changed: the CLI wrote to the contacts (a note, a
// follow-up, a meeting, an import, someone forgotten).
const byEvent = {
	"peer-appeared": ["nearby"],
	"peer-changed": ["nearby"],
	"peer-left": ["nearby"],
	"offer-received": ["inbox"],
	"card-received": ["contacts", "map", "nearby"],
	"contact-updated": ["contacts", "map", "nearby"],
	"card-accepted": ["inbox", "contacts", "map", "nearby"],
	"contacts-changed": ["contacts", "map", "nearby"],
};

// EventSource retries by itself after a dropped stream, but gives up for good when the
// retry is refused (503 while wallflowerd is down): then we open a new one every few
// seconds, and redraw everything once it is back, since events were missed meanwhile.
function listen(again) {
	const es = new EventSource("/events");
	es.addEventListener("open", () => {
		if (again) Object.keys(sections).forEach(refresh);
		again = true;
	});
	es.addEventListener("error", () => {
		refresh("status");
		if (es.readyState === EventSource.CLOSED) setTimeout(() => listen(true), 3000);
	});
	for (const [ev, names] of Object.entries(byEvent)) {
		es.addEventListener(ev, (m) => {
			names.forEach(refresh);
			if (ev === "offer-received") {
				try {
					const d = JSON.parse(m.data);
					say("New card offered" + (d.offer && d.offer.name ? " by " + d.offer.name : ""));
				} catch (e) { say("New card offered"); }
			}
		});
	}
}

document.addEventListener("DOMContentLoaded", () => {
	Object.keys(sections).forEach(refresh);
	listen(false);
});
