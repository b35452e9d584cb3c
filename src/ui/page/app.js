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

async function getJSON(path) {
	const r = await fetch(path, { credentials: "same-origin", cache: "no-store" });
	return r.json();
}

async function post(path, id) {
	const r = await fetch(path, {
		method: "POST",
		credentials: "same-origin",
		headers: { "Content-Type": "application/json" },
		body: JSON.stringify({ id: id }),
	});
	return r.json();
}

function common(c) {
	if (!c) return "";
	const all = [].concat(c.topics || [], c.you_offer || [], c.you_seek || []);
	return all.length ? "In common: " + all.join(", ") : "";
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

function renderOffer(o) {
	const li = el("li");
	li.append(el("div", "name", o.name));
	li.append(el("div", "meta fp", "Fingerprint " + String(o.fingerprint || "").slice(0, 9)));
	if (o.introduced_by) li.append(el("div", "meta", "Introduced by " + o.introduced_by.name));
	if (o.note) li.append(el("p", "note", o.note));
	const cg = common(o.common);
	if (cg) li.append(el("div", "meta", cg));
	const act = el("div", "actions");
	const decide = async (path, done) => {
		const r = await post(path, o.id);
		say(r.ok ? done : "Could not do that: " + (r.error || r.msg || "unknown error"));
		refresh("inbox");
		refresh("contacts");
	};
	act.append(button("Accept", "Accept " + o.name + "'s card", "primary",
		() => decide("/api/accept", o.name + " is now a contact")));
	act.append(button("Decline", "Decline " + o.name + "'s card", "",
		() => decide("/api/decline", "Declined")));
	act.append(button("Block", "Block " + o.name, "",
		() => decide("/api/block", "Blocked")));
	li.append(act);
	return li;
}

function renderPeer(p) {
	const li = el("li");
	li.append(el("div", "name", p.handle || p.instance));
	if (p.contact) li.append(el("div", "meta", "You know them" +
		(p.contact.name ? " as " + p.contact.name : "")));
	if (p.status) li.append(el("div", "meta", p.status === "quiet" ? "Quiet" : "Open to talk"));
	const cg = common(p.common);
	if (cg) li.append(el("div", "meta", cg));
	return li;
}

function renderContact(c) {
	const li = el("li");
	li.append(el("div", "name", c.name));
	const bits = [];
	if (c.org) bits.push(c.org);
	if (Array.isArray(c.notes)) bits.push(c.notes.length + " notes");
	else if (typeof c.notes === "number") bits.push(c.notes + " notes");
	if (Array.isArray(c.followups) && c.followups.length) bits.push(c.followups.length + " follow-ups");
	if (bits.length) li.append(el("div", "meta", bits.join(" · ")));
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
		const list = Array.isArray(r) ? r : r.contacts || r.people || [];
		fill("contacts", "contacts-empty", list, renderContact);
	},
	async map() {
		$("map").src = "/map.svg?t=" + Date.now();
	},
};

async function refresh(name) {
	try {
		await sections[name]();
	} catch (e) {
		$("status").textContent = "Lost touch with wallflower-ui";
	}
}

const byEvent = {
	"peer-appeared": ["nearby"],
	"peer-changed": ["nearby"],
	"peer-left": ["nearby"],
	"offer-received": ["inbox"],
	"card-received": ["contacts", "map"],
	"contact-updated": ["contacts", "map"],
	"card-accepted": ["inbox", "contacts", "map"],
};

function listen() {
	const es = new EventSource("/events");
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
	listen();
});
