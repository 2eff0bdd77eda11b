// Live blogs: entries editors add, edit or withdraw while the page is open
// appear, change or go without a reload. Progressive enhancement: the page
// as served is complete, and a browser without EventSource simply keeps it.
(() => {
  "use strict";
  const list = document.querySelector("[data-live-blog]");
  if (!list || !("EventSource" in window)) return;
  const article = list.dataset.article;
  // One stream per section: the server filters, the page picks its article.
  // EventSource reconnects by itself, resuming with Last-Event-ID.
  const stream = new EventSource("/api/v1/live?section=" + encodeURIComponent(list.dataset.section));
  stream.addEventListener("open", () => { list.dataset.connected = "true"; });
  stream.addEventListener("error", () => { delete list.dataset.connected; });

  // This live blog's entry from an event, if the event is about one.
  const entryOf = (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return null; }
    if (!event.entry || String(event.id) !== article) return null;
    return event.entry;
  };

  // The entry as the page shows it: the time as the server wrote it (the
  // site's own format and zone), the title, the sanitised body.
  const render = (entry) => {
    const item = document.createElement("li");
    item.className = "entry";
    item.id = "entry-" + entry.id;
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = entry.shown_at || entry.at;
    item.append(time);
    if (entry.title) {
      const title = document.createElement("h3");
      title.textContent = entry.title;
      item.append(title);
    }
    const body = document.createElement("div");
    body.className = "entry-body";
    // Sanitised by the server when the entry was saved, as on the page.
    body.innerHTML = entry.body_html || "";
    item.append(body);
    return item;
  };

  stream.addEventListener("entry", (message) => {
    const entry = entryOf(message);
    if (!entry || document.getElementById("entry-" + entry.id)) return;
    list.prepend(render(entry));
  });
  stream.addEventListener("entry_updated", (message) => {
    const entry = entryOf(message);
    const shown = entry && document.getElementById("entry-" + entry.id);
    if (shown) shown.replaceWith(render(entry));
  });
  stream.addEventListener("entry_deleted", (message) => {
    const entry = entryOf(message);
    const shown = entry && document.getElementById("entry-" + entry.id);
    if (shown) shown.remove();
  });
})();
