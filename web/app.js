// The live view of eventwire: a world map and a list of the events a worker extracts, live.
//
// Data: GET /events (what the worker holds, newest first), GET /events/stream (Server-Sent
// Events, one `event` per new event, `missed` when the page read too slowly and the worker
// dropped some for it), GET /clusters (which events are reports of one real-world event, to
// size markers), GET /stats (the countries of the last day, for the country filter). The map
// is drawn in SVG from Natural Earth boundaries (world-atlas, decoded by topojson-client),
// both served by the worker from local files.
"use strict";

(() => {
  // The event types are the options the worker wrote into the type filter, from its code table;
  // each gets a colour of this palette in that order.
  const PALETTE = ["#d1495b", "#3a7ca5", "#2e9e6a", "#e8871e", "#8e6cc2", "#b8860b", "#5f6b7a", "#c2185b"];
  const TYPE_COLOURS = Object.fromEntries(
    [...document.querySelectorAll("#filters select[name=type] option")]
      .map((option) => option.value)
      .filter(Boolean)
      .map((type, i) => [type, PALETTE[i % PALETTE.length]]),
  );
  const SINCE_MS = { "15m": 15 * 60e3, "1h": 60 * 60e3, "6h": 6 * 60 * 60e3, "": 24 * 60 * 60e3 };
  const MAX_EVENTS = 1000; // the most the worker's GET /events returns
  const LIST_SIZE = 60;
  const TOP_COUNTRIES = 12;
  const CLUSTER_POLL_MS = 3000;
  const STATS_POLL_MS = 60e3;
  const CLOSED_RETRY_MS = 5000;

  // The map: Natural Earth I projection, cropped to the inhabited latitudes.
  const MAP_WIDTH = 1000;
  const LAT_TOP = 84;
  const LAT_BOTTOM = -57;
  const SVG_NS = "http://www.w3.org/2000/svg";

  const $ = (selector) => document.querySelector(selector);
  const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
  const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

  const state = {
    filters: { type: "", country: "", since: "" },
    events: new Map(), // event id -> event, for the current filters
    fresh: new Set(), // ids that arrived on the stream since the last render
    clusters: new Map(), // event id -> cluster summary (clusters of more than one event)
    clusterMembers: new Map(), // cluster id -> the event ids it was last shown with
    clusterSeq: 0,
    clusterEpoch: "",
    countries: new Set(), // country codes known to the worker, for the filter
    selected: null,
    source: null, // the EventSource
    generation: 0, // bumped when the filters change: late answers for old filters are dropped
    dropped: false,
    renderQueued: false,
    mapReady: false,
  };

  // -- projection and map -----------------------------------------------------------------
  function naturalEarth(lon, lat) {
    const l = (lon * Math.PI) / 180;
    const p = (lat * Math.PI) / 180;
    const p2 = p * p;
    const p4 = p2 * p2;
    const x = l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)));
    const y = p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)));
    return [x, y];
  }
  const X_EDGE = naturalEarth(180, 0)[0];
  const SCALE = MAP_WIDTH / (2 * X_EDGE);
  const Y_TOP = naturalEarth(0, LAT_TOP)[1];
  const MAP_HEIGHT = Math.round((Y_TOP - naturalEarth(0, LAT_BOTTOM)[1]) * SCALE);

  function project(lon, lat) {
    const [x, y] = naturalEarth(lon, Math.max(LAT_BOTTOM, Math.min(LAT_TOP, lat)));
    return [(x + X_EDGE) * SCALE, (Y_TOP - y) * SCALE];
  }

  function pathOf(points) {
    return points.map(([lon, lat], i) => {
      const [x, y] = project(lon, lat);
      return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
    }).join("");
  }

  function line(from, to, step, at) {
    const points = [];
    for (let v = from; step > 0 ? v <= to : v >= to; v += step) points.push(at(v));
    return points;
  }

  // A ring's longitudes made continuous: one that crosses the antimeridian goes past ±180°
  // instead of jumping across the map, and `rings` draws it again a turn over, both clipped
  // to the map's outline.
  function unwrap(ring) {
    let shift = 0;
    let previous = ring[0][0];
    return ring.map(([lon, lat]) => {
      if (lon - previous > 180) shift -= 360;
      else if (previous - lon > 180) shift += 360;
      previous = lon;
      return [lon + shift, lat];
    });
  }

  function rings(ring) {
    const whole = unwrap(ring);
    const lons = whole.map(([lon]) => lon);
    const copies = [whole];
    if (Math.max(...lons) > 180) copies.push(whole.map(([lon, lat]) => [lon - 360, lat]));
    if (Math.min(...lons) < -180) copies.push(whole.map(([lon, lat]) => [lon + 360, lat]));
    return copies.map((points) => pathOf(points) + "Z").join("");
  }

  function svg(name, attributes, parent) {
    const node = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
    if (parent) parent.appendChild(node);
    return node;
  }

  function drawBase(topology) {
    const map = $("#map");
    map.setAttribute("viewBox", `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`);
    const base = svg("g", { class: "base" }, map);
    const west = line(LAT_TOP, LAT_BOTTOM, -1, (lat) => [-180, lat]);
    const east = line(LAT_BOTTOM, LAT_TOP, 1, (lat) => [180, lat]);
    const outline = pathOf([...west, ...east]) + "Z";
    svg("path", { id: "outline", d: outline }, svg("clipPath", { id: "sphere" }, svg("defs", {}, base)));
    svg("path", { class: "ocean", d: outline }, base);
    const grid = svg("g", { class: "graticule" }, base);
    for (let lon = -150; lon <= 150; lon += 30) {
      svg("path", { d: pathOf(line(LAT_TOP, LAT_BOTTOM, -1, (lat) => [lon, lat])) }, grid);
    }
    for (let lat = -30; lat <= 60; lat += 30) {
      svg("path", { d: pathOf(line(-180, 180, 2, (lon) => [lon, lat])) }, grid);
    }
    if (topology) {
      const land = svg("g", { class: "countries", "clip-path": "url(#sphere)" }, base);
      for (const feature of topojson.feature(topology, topology.objects.countries).features) {
        if (feature.properties.name === "Antarctica" || !feature.geometry) continue;
        const polygons = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
        const d = polygons.flatMap((polygon) => polygon.map(rings)).join("");
        const country = svg("path", { class: "country", d }, land);
        svg("title", {}, country).textContent = feature.properties.name;
      }
    }
    svg("g", { id: "markers" }, map);
    state.mapReady = true;
  }

  async function loadMap() {
    try {
      const response = await fetch("/live/countries-110m.json");
      if (!response.ok) throw new Error(await response.text());
      if (typeof topojson === "undefined") throw new Error("topojson-client did not load");
      drawBase(await response.json());
    } catch (error) {
      drawBase(null);
      showNotice(`Country boundaries are not installed (run make web); markers are drawn on a bare grid. ${error.message}`);
    }
  }

  // -- events -----------------------------------------------------------------------------
  function reportsOf(event) {
    const cluster = state.clusters.get(event.event_id);
    return cluster ? cluster.num_articles : 1;
  }

  function radius(reports) {
    return Math.min(22, 5 + 3 * Math.sqrt(reports - 1));
  }

  function located(event) {
    const place = event.location;
    return place && typeof place.lat === "number" && typeof place.lon === "number";
  }

  function arrivedAt(event) {
    return Date.parse(event.extracted_at) || Date.now();
  }

  function inWindow(event, now = Date.now()) {
    return now - arrivedAt(event) <= SINCE_MS[state.filters.since];
  }

  function addEvent(event, live) {
    if (!inWindow(event)) return;
    state.events.set(event.event_id, event);
    const country = event.location && event.location.country_code;
    if (country) state.countries.add(country);
    if (live) state.fresh.add(event.event_id);
    while (state.events.size > MAX_EVENTS) state.events.delete(oldestId());
    queueRender();
  }

  function oldestId() {
    let oldest = null;
    for (const event of state.events.values()) {
      if (!oldest || arrivedAt(event) < arrivedAt(oldest)) oldest = event;
    }
    return oldest.event_id;
  }

  function pruneOld() {
    const now = Date.now();
    let removed = false;
    for (const [id, event] of state.events) {
      if (!inWindow(event, now)) {
        state.events.delete(id);
        removed = true;
      }
    }
    if (removed) queueRender();
  }

  function newestFirst() {
    return [...state.events.values()].sort((a, b) => arrivedAt(b) - arrivedAt(a));
  }

  // -- rendering --------------------------------------------------------------------------
  function queueRender() {
    if (state.renderQueued) return;
    state.renderQueued = true;
    requestAnimationFrame(() => {
      state.renderQueued = false;
      render();
    });
  }

  function render() {
    const events = newestFirst();
    renderMarkers(events);
    renderList(events);
    renderCounts(events);
    renderCountryOptions();
    renderDetails();
    state.fresh.clear();
  }

  function renderMarkers(events) {
    if (!state.mapReady) return;
    const layer = $("#markers");
    layer.replaceChildren();
    // the biggest underneath, so every marker stays clickable
    const shown = events.filter(located).map((event) => [event, reportsOf(event)]).sort((a, b) => b[1] - a[1]);
    const spots = new Map(); // events at one spot (same place, or a few km apart) are spread on a ring
    for (const [event] of shown) {
      const key = project(event.location.lon, event.location.lat).map(Math.round).join(",");
      spots.set(key, [...(spots.get(key) || []), event.event_id]);
    }
    for (const [event, reports] of shown) {
      let [x, y] = project(event.location.lon, event.location.lat);
      const together = spots.get([x, y].map(Math.round).join(","));
      if (together.length > 1) {
        const angle = (2 * Math.PI * together.indexOf(event.event_id)) / together.length;
        const ring = Math.min(18, 3 + 2 * together.length);
        x += ring * Math.cos(angle);
        y += ring * Math.sin(angle);
      }
      const classes = ["marker"];
      if (state.fresh.has(event.event_id)) classes.push("fresh");
      if (state.selected === event.event_id) classes.push("selected");
      const marker = svg("circle", {
        class: classes.join(" "),
        cx: x.toFixed(1),
        cy: y.toFixed(1),
        r: radius(reports).toFixed(1),
        fill: TYPE_COLOURS[event.type] || "#666",
        "data-event-id": event.event_id,
        "data-type": event.type,
        "data-reports": String(reports),
        tabindex: "0",
      }, layer);
      const noun = reports === 1 ? "report" : "reports";
      svg("title", {}, marker).textContent = `${event.type} · ${event.subtype} · ${event.location.name} (${reports} ${noun})`;
    }
  }

  function element(name, className, text) {
    const node = document.createElement(name);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function swatch(type) {
    const dot = element("span", "swatch");
    dot.style.background = TYPE_COLOURS[type] || "#666";
    return dot;
  }

  function placeName(event) {
    const place = event.location;
    if (!place) return "place unknown";
    const country = place.country_code ? countryName(place.country_code) : null;
    return country && country !== place.name ? `${place.name}, ${country}` : place.name;
  }

  function countryName(code) {
    try {
      return regionNames.of(code) || code;
    } catch {
      return code;
    }
  }

  function renderList(events) {
    const list = $("#events");
    list.replaceChildren();
    for (const event of events.slice(0, LIST_SIZE)) {
      const item = element("li", state.fresh.has(event.event_id) ? "fresh" : "");
      item.dataset.eventId = event.event_id;
      item.tabIndex = 0;
      if (state.selected === event.event_id) item.classList.add("selected");
      const head = element("div", "head");
      head.append(swatch(event.type), element("strong", "", event.type), element("span", "subtype", event.subtype.replaceAll("_", " ")));
      const reports = reportsOf(event);
      if (reports > 1) head.append(element("span", "reports", `${reports} reports`));
      head.append(element("time", "", clock.format(arrivedAt(event))));
      const place = element("div", "place", placeName(event) + (located(event) ? "" : " · not on the map"));
      const quote = element("div", "quote", event.evidence.text);
      item.append(head, place, quote);
      list.append(item);
    }
    $("#empty").hidden = events.length > 0;
  }

  function countRows(table, counts, label, onPick) {
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const [key, count] of counts) {
      const row = body.insertRow();
      row.dataset.key = key;
      const name = row.insertCell();
      name.append(...label(key));
      row.insertCell().textContent = String(count);
      if (onPick) {
        row.classList.add("pick");
        row.title = "show only these";
        row.addEventListener("click", () => onPick(key));
      }
    }
  }

  function renderCounts(events) {
    const byType = new Map(Object.keys(TYPE_COLOURS).map((type) => [type, 0]));
    const byCountry = new Map();
    for (const event of events) {
      byType.set(event.type, (byType.get(event.type) || 0) + 1);
      const code = (event.location && event.location.country_code) || "";
      byCountry.set(code, (byCountry.get(code) || 0) + 1);
    }
    $("#total").textContent = String(events.length);
    const types = [...byType].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    countRows($("#by-type"), types, (type) => [swatch(type), type], state.filters.type ? null : (type) => setFilters({ type }));
    const countries = [...byCountry].sort((a, b) => b[1] - a[1]).slice(0, TOP_COUNTRIES);
    countRows($("#by-country"), countries, (code) => [code ? countryName(code) : "unknown"],
      state.filters.country ? null : (code) => code && setFilters({ country: code }));
  }

  function renderCountryOptions() {
    const select = $("#filters").elements.country;
    const codes = new Set(state.countries);
    if (state.filters.country) codes.add(state.filters.country);
    if (select.options.length - 1 === codes.size) return;
    const options = [...codes].map((code) => [code, countryName(code)]).sort((a, b) => a[1].localeCompare(b[1]));
    select.replaceChildren(new Option("all countries", ""), ...options.map(([code, name]) => new Option(`${name} (${code})`, code)));
    select.value = state.filters.country;
  }

  // -- details ----------------------------------------------------------------------------
  function select(eventId) {
    state.selected = eventId;
    queueRender();
  }

  // `trigger` offsets index the article body, as do the evidence's; both count code points.
  function highlighted(event) {
    const chars = Array.from(event.evidence.text);
    const trigger = event.trigger;
    let start = trigger.start - event.evidence.start;
    let end = trigger.end - event.evidence.start;
    if (start < 0 || end > chars.length || chars.slice(start, end).join("") !== trigger.text) {
      const at = chars.join("").indexOf(trigger.text); // offsets that disagree: find the words instead
      if (at < 0) return [chars.join("")];
      start = Array.from(chars.join("").slice(0, at)).length;
      end = start + Array.from(trigger.text).length;
    }
    return [chars.slice(0, start).join(""), element("mark", "", chars.slice(start, end).join("")), chars.slice(end).join("")];
  }

  function field(list, label, ...content) {
    list.append(element("dt", "", label));
    const value = element("dd");
    value.append(...content);
    list.append(value);
  }

  function safeLink(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch {
      return null;
    }
  }

  function renderDetails() {
    const panel = $("#details");
    const event = state.selected && state.events.get(state.selected);
    panel.hidden = !event;
    $("#details-hint").hidden = Boolean(event);
    if (!event) return;
    const body = $("#details-body");
    const title = element("h3");
    title.append(swatch(event.type), `${event.type} · ${event.subtype.replaceAll("_", " ")}`);
    const facts = element("dl");
    const place = event.location;
    field(facts, "Place", place ? `${[place.name, place.admin1].filter(Boolean).join(", ")}${place.country_code ? ` (${countryName(place.country_code)})` : ""}` : "unknown",
      place ? element("span", "precision", place.precision) : "");
    field(facts, "Date", event.date.value, element("span", "precision", event.date.precision),
      event.date.text ? element("span", "muted", ` “${event.date.text}”`) : "");
    const actors = element("ul", "actors");
    for (const actor of event.actors) {
      const item = element("li", "", actor.text);
      const about = [actor.role, actor.kind, actor.country_code && countryName(actor.country_code)].filter(Boolean).join(", ");
      item.append(element("span", "muted", ` — ${about}`));
      actors.append(item);
    }
    field(facts, "Actors", event.actors.length ? actors : element("span", "muted", "none named"));
    const cluster = state.clusters.get(event.event_id);
    field(facts, "Reports", cluster
      ? `${cluster.num_articles} articles from ${cluster.num_sources} source${cluster.num_sources === 1 ? "" : "s"}`
      : "1 article");
    const evidence = element("blockquote");
    evidence.append(...highlighted(event));
    const source = element("p", "source");
    const href = safeLink(event.url);
    const published = Date.parse(event.published_at);
    source.append(`${event.source || "unknown source"}${published ? `, ${fullDate.format(published)}` : ""} · `);
    if (href) {
      const link = element("a", "", "read the article");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      source.append(link);
    } else {
      source.append(element("span", "muted", "no link"));
    }
    body.replaceChildren(title, facts, evidence, source);
  }

  // -- filters and the URL ----------------------------------------------------------------
  function filtersFromURL() {
    const query = new URLSearchParams(location.search);
    const type = query.get("type") || "";
    const since = query.get("since") || "";
    return {
      type: type in TYPE_COLOURS ? type : "",
      country: /^[A-Za-z]{2}$/.test(query.get("country") || "") ? query.get("country").toUpperCase() : "",
      since: since in SINCE_MS ? since : "",
    };
  }

  function queryOf(filters, extra = {}) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) query.set(key, value);
    return query.toString();
  }

  function setFilters(changes) {
    const filters = { ...state.filters, ...changes };
    const query = queryOf(filters);
    history.pushState(null, "", query ? `?${query}` : location.pathname);
    apply(filters);
  }

  function showFilters() {
    const form = $("#filters").elements;
    renderCountryOptions();
    for (const key of ["type", "country", "since"]) form[key].value = state.filters[key];
  }

  // Start over for `filters`: the stream first, then what the worker already holds.
  function apply(filters) {
    state.filters = filters;
    state.generation += 1;
    state.events.clear();
    state.selected = null;
    showFilters();
    connect();
    loadRecent();
    queueRender();
  }

  // -- talking to the worker --------------------------------------------------------------
  async function getJSON(url) {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  async function loadRecent() {
    const generation = state.generation;
    const { type, country, since } = state.filters;
    try {
      const found = await getJSON(`/events?${queryOf({ type, country }, { since: since || "24h", limit: MAX_EVENTS })}`);
      if (generation !== state.generation) return;
      for (const event of found.events) addEvent(event, false);
      queueRender();
    } catch (error) {
      if (generation === state.generation) showNotice(`Could not load recent events: ${error.message}`);
    }
  }

  async function pollClusters() {
    try {
      const found = await getJSON(`/clusters?${queryOf({ after: state.clusterSeq, epoch: state.clusterEpoch })}`);
      if (found.epoch !== state.clusterEpoch) {
        state.clusters.clear();
        state.clusterMembers.clear();
      }
      state.clusterEpoch = found.epoch;
      state.clusterSeq = found.seq;
      let changed = false;
      for (const cluster of found.clusters) {
        // A cluster may lose members or be retired (merged_into: its events are in a cluster
        // sent before it), so first forget what it was shown with.
        const before = state.clusterMembers.get(cluster.cluster_id) || [];
        for (const id of before) {
          if (state.clusters.get(id)?.cluster_id === cluster.cluster_id) state.clusters.delete(id);
        }
        const members = cluster.merged_into || cluster.num_events < 2 ? [] : cluster.event_ids;
        if (members.length) state.clusterMembers.set(cluster.cluster_id, members);
        else state.clusterMembers.delete(cluster.cluster_id);
        for (const id of members) state.clusters.set(id, cluster);
        changed = changed || before.concat(members).some((id) => state.events.has(id));
      }
      if (changed) queueRender();
    } catch {
      // the stream's state already says the worker is away
    }
  }

  async function pollCountries() {
    try {
      const stats = await getJSON("/stats");
      for (const code of Object.keys(stats.last_day.by_country)) if (code !== "unknown") state.countries.add(code);
      queueRender();
    } catch {
      // as above
    }
  }

  function setStreamState(name, text) {
    const badge = $("#stream-state");
    badge.className = `state ${name}`;
    badge.textContent = text;
  }

  function showNotice(text) {
    const notice = $("#notice");
    notice.textContent = text;
    notice.hidden = false;
  }

  function hideNotice() {
    $("#notice").hidden = true;
  }

  function connect() {
    if (state.source) state.source.close();
    const generation = state.generation;
    const { type, country } = state.filters;
    const source = new EventSource(`/events/stream?${queryOf({ type, country })}`);
    state.source = source;
    setStreamState("connecting", "connecting…");
    source.addEventListener("open", () => {
      setStreamState("live", "live");
      hideNotice();
      if (state.dropped) {
        state.dropped = false;
        loadRecent(); // events published while the stream was down
      }
    });
    source.addEventListener("event", (message) => addEvent(JSON.parse(message.data), true));
    // the page fell behind and the worker dropped events for it: fetch what it holds again
    source.addEventListener("missed", () => loadRecent());
    source.addEventListener("error", () => {
      if (generation !== state.generation) return;
      state.dropped = true;
      const since = clock.format(Date.now());
      if (source.readyState === EventSource.CLOSED) {
        // the browser gave up (the server answered with an error): try again ourselves
        setStreamState("down", "disconnected");
        showNotice(`The event stream was refused at ${since}; trying again every ${CLOSED_RETRY_MS / 1000} s.`);
        setTimeout(() => generation === state.generation && connect(), CLOSED_RETRY_MS);
      } else {
        setStreamState("reconnecting", "reconnecting…");
        showNotice(`The event stream dropped at ${since}; reconnecting… The map shows what arrived before.`);
      }
    });
  }

  // -- wiring -----------------------------------------------------------------------------
  function wire() {
    const form = $("#filters");
    form.addEventListener("change", () => {
      const values = Object.fromEntries(new FormData(form));
      setFilters({ type: values.type, country: values.country, since: values.since });
    });
    form.addEventListener("submit", (e) => e.preventDefault());
    window.addEventListener("popstate", () => apply(filtersFromURL()));
    const pick = (e) => {
      const target = e.target.closest("[data-event-id]");
      if (target) select(target.dataset.eventId);
    };
    $("#map").addEventListener("click", pick);
    $("#events").addEventListener("click", pick);
    for (const container of [$("#map"), $("#events")]) {
      container.addEventListener("keydown", (e) => (e.key === "Enter" || e.key === " ") && pick(e));
    }
    $("#details-close").addEventListener("click", () => select(null));
    document.addEventListener("keydown", (e) => e.key === "Escape" && select(null));
    const legend = $("#legend");
    for (const type of Object.keys(TYPE_COLOURS)) {
      const item = element("li", "", type);
      item.prepend(swatch(type));
      legend.append(item);
    }
    legend.append(element("li", "muted", "size: number of reports"));
  }

  async function start() {
    wire();
    await loadMap();
    apply(filtersFromURL());
    pollClusters();
    pollCountries();
    setInterval(pollClusters, CLUSTER_POLL_MS);
    setInterval(pollCountries, STATS_POLL_MS);
    setInterval(pruneOld, 30e3);
  }

  start();
})();
