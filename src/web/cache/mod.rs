//! The page cache: rendered reader pages in memory, under dependency keys,
//! purged by the change log.
//!
//! A page is rendered at most once at a time per URL (concurrent misses wait
//! for the one render) and only from a consistent state: the render is
//! repeated if the change log moved while it ran, so a page never mixes data
//! from before and after a write. A page rendered before a purge of one of
//! its keys but stored after it is recognised by its sequence and not served.

mod invalidate;
mod keys;
mod page;

use std::{
    collections::{HashMap, HashSet},
    future::Future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
};

use axum::{http::HeaderMap, response::Response};
use dateline_core::ArticleId;
use dateline_store::Relation;
pub use invalidate::{keys_for_change, spawn_invalidator};
pub use keys::DepKey;
pub use page::{CachedPage, Rendered, Seqs};

use crate::{encoding::Encoding, web::Result};

tokio::task_local! {
    /// The oldest change-log position of site-wide data (navigation, footer)
    /// that the current render took from a memory cache instead of the store.
    static SITE_DATA_SEQ: std::cell::Cell<i64>;
}

/// Called by renders that use site-wide data cached at change-log position
/// `seq`, so that the page counts as no newer than that data.
pub fn note_site_data(seq: i64) {
    let _ = SITE_DATA_SEQ.try_with(|floor| floor.set(floor.get().min(seq)));
}

/// How long a page may be served before it is rendered again even if no
/// change touched it.
const PAGE_TTL: std::time::Duration = std::time::Duration::from_secs(300);

/// How long a page stays: [`PAGE_TTL`], or as long as a Most read list.
struct PageExpiry;

impl moka::Expiry<String, Arc<CachedPage>> for PageExpiry {
    fn expire_after_create(
        &self,
        _url: &String,
        page: &Arc<CachedPage>,
        _created_at: std::time::Instant,
    ) -> Option<std::time::Duration> {
        Some(if page.keys.contains(&DepKey::MostRead) {
            crate::web::reader::most_read::LIST_TTL
        } else {
            PAGE_TTL
        })
    }
}

/// Renders whose change-log position moved are retried this many times
/// before the last one is served uncached.
const CONSISTENT_RENDER_ATTEMPTS: usize = 5;

pub struct PageCache {
    pages: Option<moka::future::Cache<String, Arc<CachedPage>>>,
    /// Which cached URLs show each key.
    index: Mutex<HashMap<DepKey, HashSet<String>>>,
    /// The sequence of the last change that purged each key.
    purged_at: Mutex<HashMap<DepKey, i64>>,
    /// The sequence of the newest purge of any key; pages rendered at or after
    /// it need no closer look.
    newest_purge: AtomicI64,
    /// Pages rendered before this sequence are stale whatever their keys.
    purged_all_at: AtomicI64,
    /// Renders so far, for metrics and for tests of render coalescing.
    renders: AtomicU64,
    /// Versions handed out without randomness: whose turn is next.
    turns: AtomicU64,
    /// A change-log position no newer than the log's head: the last one the
    /// invalidator has seen. Renders start from it instead of asking the store.
    known_head: AtomicI64,
    /// Each article's candidate related articles: finding them walks several
    /// indexes, and they change far less often than the page is viewed.
    /// Kept even when pages are not (their cards are read on every render,
    /// so headlines and takedowns show at once); an article's own change
    /// forgets its candidates, and others' new articles join within the TTL.
    suggestions: moka::future::Cache<i64, Arc<[(Relation, ArticleId)]>>,
    /// Whether pages carry `Cache-Tag` (Cloudflare's name for their keys).
    cache_tags: bool,
}

/// Candidates kept for this many articles (each holds a few hundred bytes).
const SUGGESTION_ENTRIES: u64 = 20_000;

impl PageCache {
    /// A cache holding at most `max_bytes` of pages; 0 disables caching.
    /// With `cache_tags`, pages name their keys in `Cache-Tag` too.
    pub fn new(max_bytes: u64, cache_tags: bool) -> Self {
        let pages = (max_bytes > 0).then(|| {
            moka::future::Cache::builder()
                .max_capacity(max_bytes)
                // Blocks that no key tracks (related articles) are at most
                // this old; Most read, which changes with no change in the
                // log, no older than its lists.
                .expire_after(PageExpiry)
                .weigher(|_url: &String, page: &Arc<CachedPage>| page.weight())
                .build()
        });
        Self {
            pages,
            index: Mutex::default(),
            purged_at: Mutex::default(),
            newest_purge: AtomicI64::new(0),
            purged_all_at: AtomicI64::new(0),
            renders: AtomicU64::new(0),
            turns: AtomicU64::new(0),
            known_head: AtomicI64::new(-1),
            suggestions: moka::future::Cache::builder()
                .max_capacity(SUGGESTION_ENTRIES)
                .time_to_live(PAGE_TTL)
                .build(),
            cache_tags,
        }
    }

    /// The candidate related articles of `id`, best first (see
    /// [`dateline_store::Store::related_candidates`]), from memory when known.
    pub async fn related_candidates(
        &self,
        store: &dateline_store::Store,
        id: ArticleId,
    ) -> Result<Arc<[(Relation, ArticleId)]>> {
        self.suggestions
            .try_get_with(id.0, async {
                let candidates = store.related_candidates(id).await?;
                Ok::<_, crate::web::AppError>(candidates.into())
            })
            .await
            .map_err(crate::web::AppError::from_shared)
    }

    /// Answers `url` from the cache, rendering it with `render` on a miss.
    pub async fn serve<F, Fut>(
        &self,
        store: &dateline_store::Store,
        url: &str,
        request: &HeaderMap,
        render: F,
    ) -> Result<Response>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Rendered>>,
    {
        if let Some(pages) = &self.pages
            && let Some(page) = pages.get(url).await
            && !self.is_stale(&page)
        {
            if page.variants > 1 {
                return Box::pin(self.serve_variant(store, url, request, render, page)).await;
            }
            metrics::counter!("dateline_page_cache_hits_total").increment(1);
            return Ok(page.respond(request));
        }
        // A render's future holds every read and template of the page: tens
        // of kilobytes that a hit would otherwise build and move on every
        // request. Boxed, the hit path stays a few words.
        Box::pin(self.render_and_keep(store, url, request, render)).await
    }

    /// Answers with one of the versions of a page that has several (a
    /// front testing headlines), at random: the first is `first`, the
    /// others are cached under their own keys and rendered with their number.
    async fn serve_variant<F, Fut>(
        &self,
        store: &dateline_store::Store,
        url: &str,
        request: &HeaderMap,
        render: F,
        first: Arc<CachedPage>,
    ) -> Result<Response>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Rendered>>,
    {
        let variant =
            (self.turns.fetch_add(1, Ordering::Relaxed) % u64::from(first.variants)) as u8;
        if variant == 0 {
            metrics::counter!("dateline_page_cache_hits_total").increment(1);
            return Ok(first.respond(request));
        }
        let key = format!("{url}\u{0}{variant}");
        if let Some(pages) = &self.pages
            && let Some(page) = pages.get(&key).await
            && !self.is_stale(&page)
        {
            metrics::counter!("dateline_page_cache_hits_total").increment(1);
            return Ok(page.respond(request));
        }
        let render = || crate::web::reader::headlines::rendering(variant, render());
        self.render_and_keep(store, &key, request, render).await
    }

    async fn render_and_keep<F, Fut>(
        &self,
        store: &dateline_store::Store,
        url: &str,
        request: &HeaderMap,
        render: F,
    ) -> Result<Response>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Rendered>>,
    {
        metrics::counter!("dateline_page_cache_misses_total").increment(1);
        let Some(pages) = &self.pages else {
            // Made for one response and never kept: a page that mixes a
            // write's before and after is gone with that response, so the
            // change log need not be read to rule it out. Each takes its
            // turn of a page's versions (all the mixes of tested headlines).
            let variant =
                (self.pick() % u64::from(crate::web::reader::headlines::MOST_VARIANTS)) as u8;
            let rendered = crate::web::reader::headlines::rendering(variant, render()).await?;
            self.renders.fetch_add(1, Ordering::Relaxed);
            let head = self.known_head.load(Ordering::Acquire);
            let seqs = Seqs {
                data: head,
                site: head,
            };
            let wanted = [Encoding::negotiate(request)];
            let now = jiff::Timestamp::now();
            let page = CachedPage::new(rendered, seqs, now, &wanted, self.cache_tags);
            return Ok(page.respond(request));
        };
        loop {
            let entry = pages
                .entry_by_ref(url)
                .or_try_insert_with(async {
                    let (rendered, seqs) = self.consistent_render(store, &render).await?;
                    let all = [Encoding::Identity, Encoding::Gzip, Encoding::Brotli];
                    let now = jiff::Timestamp::now();
                    let page = CachedPage::new(rendered, seqs, now, &all, self.cache_tags);
                    Ok::<_, crate::web::AppError>(Arc::new(page))
                })
                .await
                .map_err(crate::web::AppError::from_shared)?;
            // Registered after the insert, so that pruning the index never
            // drops a page that is about to be stored. A purge that falls
            // between the two is caught by `is_stale`.
            if entry.is_fresh() {
                self.remember(url, &entry.value().keys);
            }
            let page = entry.into_value();
            if !self.is_stale(&page) {
                return Ok(page.respond(request));
            }
            pages.invalidate(url).await;
        }
    }

    /// Forgets index entries of pages the cache has evicted (for size or
    /// age), so the index stays as small as the cache.
    pub fn prune_index(&self) {
        let Some(pages) = &self.pages else { return };
        let mut index = self.index.lock().expect("cache index lock");
        index.retain(|_, urls| {
            urls.retain(|url| pages.contains_key(url));
            !urls.is_empty()
        });
    }

    fn remember(&self, url: &str, keys: &[DepKey]) {
        let mut index = self.index.lock().expect("cache index lock");
        for key in keys {
            index.entry(*key).or_default().insert(url.to_owned());
        }
    }

    fn is_stale(&self, page: &CachedPage) -> bool {
        if page.site_seq < self.purged_all_at.load(Ordering::Acquire) {
            return true;
        }
        if page.seq >= self.newest_purge.load(Ordering::Acquire) {
            return false;
        }
        let purged_at = self.purged_at.lock().expect("purge map lock");
        page.keys
            .iter()
            .any(|k| purged_at.get(k).is_some_and(|&at| at > page.seq))
    }

    /// Drops every page that shows one of `keys`, as of change `seq`.
    pub async fn purge(&self, keys: &[DepKey], seq: i64) {
        let urls: Vec<String> = {
            let mut index = self.index.lock().expect("cache index lock");
            let mut purged_at = self.purged_at.lock().expect("purge map lock");
            keys.iter()
                .flat_map(|key| {
                    purged_at.insert(*key, seq);
                    index.remove(key).unwrap_or_default()
                })
                .collect()
        };
        self.newest_purge.fetch_max(seq, Ordering::AcqRel);
        for key in keys {
            if let DepKey::Article(id) = key {
                self.suggestions.invalidate(id).await;
            }
        }
        if let Some(pages) = &self.pages {
            let mut purged = 0;
            for url in urls {
                purged += u64::from(pages.remove(&url).await.is_some());
            }
            metrics::counter!("dateline_page_cache_purged_pages_total").increment(purged);
        }
    }

    /// Drops every page (a change to what every page shows).
    pub fn purge_all(&self, seq: i64) {
        self.index.lock().expect("cache index lock").clear();
        self.purged_at.lock().expect("purge map lock").clear();
        self.purged_all_at.fetch_max(seq, Ordering::AcqRel);
        self.newest_purge.fetch_max(seq, Ordering::AcqRel);
        self.suggestions.invalidate_all();
        if let Some(pages) = &self.pages {
            metrics::counter!("dateline_page_cache_purged_pages_total")
                .increment(pages.entry_count());
            pages.invalidate_all();
        }
    }

    /// How many pages the cache holds, and their bytes (every encoding),
    /// once its pending bookkeeping is done (moka counts insertions and
    /// evictions in batches).
    pub async fn size(&self) -> (u64, u64) {
        let Some(pages) = &self.pages else {
            return (0, 0);
        };
        pages.run_pending_tasks().await;
        (pages.entry_count(), pages.weighted_size())
    }

    /// The change-log position of the newest site-wide change applied: site-wide
    /// data cached before it is out of date.
    pub fn site_epoch(&self) -> i64 {
        self.purged_all_at.load(Ordering::Acquire)
    }

    /// A number to choose a page's version by: random, so that no URL's
    /// share depends on what else is asked for (a counter if the system
    /// has no randomness to give).
    fn pick(&self) -> u64 {
        getrandom::u64().unwrap_or_else(|_| self.turns.fetch_add(1, Ordering::Relaxed))
    }

    /// Records that the change log has reached at least `seq`.
    pub fn note_head(&self, seq: i64) {
        self.known_head.fetch_max(seq, Ordering::AcqRel);
    }

    /// How many pages have been rendered (whether or not they were kept).
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    /// Renders until the change log stands still across a whole render, so the
    /// page reflects one state of the store.
    ///
    /// A render starts from a position known to be no newer than the head
    /// (what the invalidator last saw, then what the previous attempt read)
    /// and reads the head once it is done. Equal means nothing was written
    /// in between, since the log only grows; this costs one read of the
    /// head per render while the invalidator keeps up.
    async fn consistent_render<F, Fut>(
        &self,
        store: &dateline_store::Store,
        render: &F,
    ) -> Result<(Rendered, Seqs)>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<Rendered>>,
    {
        let mut attempt = 0;
        let mut before = self.known_head.load(Ordering::Acquire);
        loop {
            let (rendered, site_data) = SITE_DATA_SEQ
                .scope(std::cell::Cell::new(i64::MAX), async {
                    let rendered = render().await;
                    (rendered, SITE_DATA_SEQ.with(std::cell::Cell::get))
                })
                .await;
            let rendered = rendered?;
            self.renders.fetch_add(1, Ordering::Relaxed);
            let after = store.last_change_seq().await?;
            attempt += 1;
            if before == after || attempt == CONSISTENT_RENDER_ATTEMPTS {
                // After the last attempt, `before` marks the page as older than
                // the changes it may have missed, so it will not be kept.
                let seqs = Seqs {
                    data: before,
                    site: before.min(site_data),
                };
                return Ok((rendered, seqs));
            }
            before = after;
        }
    }
}
