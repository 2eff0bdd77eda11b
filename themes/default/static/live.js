// Live blogs: entries editors add while the page is open appear at the top
// of the list without a reload. Progressive enhancement: the page as served
// is complete, and a browser without EventSource simply keeps it.
(() => {
  "use strict";
  const list = document.querySelector("[data-live-blog]");
  if (!list || !("EventSource" in window)) return;
  const article = list.dataset.article;
  const clock = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: list.dataset.timeZone,
  });
  // One stream per section: the server filters, the page picks its article.
  // EventSource reconnects by itself, resuming with Last-Event-ID.
  const stream = new EventSource("/api/v1/live?section=" + encodeURIComponent(list.dataset.section));
  stream.addEventListener("open", () => { list.dataset.connected = "true"; });
  stream.addEventListener("error", () => { delete list.dataset.connected; });
  stream.addEventListener("entry", (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch { return; }
    const entry = event.entry;
    if (!entry || String(event.id) !== article) return;
    if (document.getElementById("entry-" + entry.id)) return;
    const item = document.createElement("li");
    item.className = "entry";
    item.id = "entry-" + entry.id;
    const time = document.createElement("time");
    time.dateTime = entry.at;
    time.textContent = clock.format(new Date(entry.at));
    item.append(time);
    if (entry.title) {
      const title = document.createElement("h3");
      title.textContent = entry.title;
      item.append(title);
    }
    const body = document.createElement("div");
    body.className = "entry-body";
    // Sanitised by the server when the entry was saved, as on the page.
    body.innerHTML = entry.body_html;
    item.append(body);
    list.prepend(item);
  });
})();
