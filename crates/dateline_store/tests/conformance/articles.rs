use dateline_core::{ArticleStatus, Body, CorrectionKind, NewPage, NewSection};
use dateline_store::{ArticleFilter, ArticleList, ChangeKind, Entity, Store, StoreError};

use crate::fixtures::{article, at, newsroom, section, slug, text};

pub async fn sections_come_back_in_navigation_order(store: &Store) {
    let sports = section(store, "sports", 2).await;
    section(store, "news", 1).await;
    let cricket = NewSection {
        slug: slug("cricket"),
        name: text("Cricket"),
        parent: Some(sports),
        position: 1,
    };
    store
        .create_section(&cricket, at("2026-11-01T00:00:00Z"))
        .await
        .unwrap();
    let order: Vec<_> = store
        .sections()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.slug)
        .collect();
    // Top-level sections by position would put news first; children follow their parent.
    assert!(order.iter().position(|s| s == "cricket") > order.iter().position(|s| s == "sports"));
    assert_eq!(order.len(), 3);
    let found = store.section_by_slug("cricket").await.unwrap().unwrap();
    assert_eq!(found.parent_id, Some(sports));
}

pub async fn a_duplicate_slug_is_a_conflict_and_logs_nothing(store: &Store) {
    section(store, "news", 1).await;
    let before = store.last_change_seq().await.unwrap();
    let again = NewSection {
        slug: slug("news"),
        name: text("News again"),
        parent: None,
        position: 2,
    };
    let err = store
        .create_section(&again, at("2026-11-02T00:00:00Z"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.last_change_seq().await.unwrap(), before);
}

pub async fn an_article_reads_back_with_every_element(store: &Store) {
    let room = newsroom(store).await;
    let published = at("2026-11-10T07:56:00Z");
    let ids = store
        .import_published_articles(
            &[(article(&room, "Rains lash Mumbai"), published)],
            published,
        )
        .await
        .unwrap();
    let a = store.article(ids[0]).await.unwrap().expect("the article");
    assert_eq!(a.headline, "Rains lash Mumbai");
    assert_eq!(a.slug, "rains-lash-mumbai");
    assert_eq!(a.status, ArticleStatus::Published);
    assert_eq!(a.section.slug, "news");
    let source = a.source.expect("a source");
    assert_eq!(source.name, "Deccan Wire Service");
    assert_eq!(
        source.notice.as_deref(),
        Some("© DWS. Republication prohibited.")
    );
    assert!(!source.rights.full_text_in_feeds);
    assert_eq!(a.edited_by.expect("an editor").slug, "meera-pillai");
    assert_eq!(
        a.authors
            .iter()
            .map(|p| p.slug.as_str())
            .collect::<Vec<_>>(),
        ["asha-menon"]
    );
    assert_eq!(a.place.as_deref(), Some("Mumbai"));
    assert_eq!(a.tags[0].slug, "monsoon");
    assert_eq!(a.topics[0].slug, "monsoon-watch");
    let figure = a.lead_image.expect("a lead image");
    assert_eq!((figure.width, figure.height), (1200, 675));
    assert_eq!(
        figure.caption, "Rain clouds gather over the harbour.",
        "the per-use caption wins"
    );
    assert_eq!(
        figure.credit, "Default credit",
        "the media item's credit is the default"
    );
    assert!(a.body_html.contains("<blockquote>"));
    assert_eq!(a.first_published_at, Some(published));
    assert!(
        store
            .article(dateline_core::ArticleId(ids[0].0 + 1000))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn drafts_stay_private_until_published(store: &Store) {
    let room = newsroom(store).await;
    let seq = store.last_change_seq().await.unwrap();
    let id = store
        .create_article(&article(&room, "Draft story"), at("2026-11-03T10:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        store.last_change_seq().await.unwrap(),
        seq,
        "a draft is not reader-visible"
    );
    assert!(
        store
            .published_articles(ArticleList::All, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );

    store
        .publish_article(id, at("2026-11-03T11:00:00Z"))
        .await
        .unwrap();
    let changes = store.changes_since(seq, 10).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].entity, changes[0].entity_id, changes[0].kind),
        (Entity::Article, id.0, ChangeKind::Published)
    );
    assert_eq!(
        store
            .published_articles(ArticleList::Section(room.news), 10, 0)
            .await
            .unwrap()
            .len(),
        1
    );

    store
        .unpublish_article(id, at("2026-11-03T12:00:00Z"))
        .await
        .unwrap();
    let last = store.changes_since(changes[0].seq, 10).await.unwrap();
    assert_eq!(last[0].kind, ChangeKind::Unpublished);
    assert!(
        store
            .published_articles(ArticleList::All, 10, 0)
            .await
            .unwrap()
            .is_empty()
    );
    let a = store.article(id).await.unwrap().unwrap();
    assert_eq!(a.status, ArticleStatus::Unpublished);
    assert_eq!(
        a.first_published_at,
        Some(at("2026-11-03T11:00:00Z")),
        "the first publication is kept"
    );
}

pub async fn the_workflow_refuses_illegal_moves_and_logs_nothing(store: &Store) {
    let room = newsroom(store).await;
    let id = store
        .create_article(&article(&room, "Not yet"), at("2026-11-03T10:00:00Z"))
        .await
        .unwrap();
    let seq = store.last_change_seq().await.unwrap();
    let err = store
        .unpublish_article(id, at("2026-11-03T11:00:00Z"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert_eq!(
        store.article(id).await.unwrap().unwrap().status,
        ArticleStatus::Draft
    );
    assert_eq!(store.last_change_seq().await.unwrap(), seq);
    let missing = store
        .publish_article(dateline_core::ArticleId(9999), at("2026-11-03T11:00:00Z"))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}

pub async fn corrections_mark_a_published_article_updated(store: &Store) {
    let room = newsroom(store).await;
    let published = at("2026-11-04T08:00:00Z");
    let ids = store
        .import_published_articles(&[(article(&room, "Bridge opens"), published)], published)
        .await
        .unwrap();
    let seq = store.last_change_seq().await.unwrap();
    let corrected = at("2026-11-04T09:30:00Z");
    store
        .add_correction(
            ids[0],
            CorrectionKind::Correction,
            "The bridge is 2.1 km long, not 21 km.",
            None,
            corrected,
        )
        .await
        .unwrap();
    let a = store.article(ids[0]).await.unwrap().unwrap();
    assert_eq!(a.updated_at, corrected);
    assert_eq!(a.corrections.len(), 1);
    assert_eq!(a.corrections[0].kind, CorrectionKind::Correction);
    let changes = store.changes_since(seq, 10).await.unwrap();
    assert_eq!(
        changes.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [ChangeKind::Updated]
    );
    let empty = store
        .add_correction(ids[0], CorrectionKind::Update, "  ", None, corrected)
        .await;
    assert!(matches!(empty, Err(StoreError::Invalid(_))), "{empty:?}");
}

pub async fn lists_are_newest_first_and_paginate(store: &Store) {
    let room = newsroom(store).await;
    let batch: Vec<_> = (0..5)
        .map(|i| {
            let when = at("2026-11-05T00:00:00Z") + jiff::SignedDuration::from_hours(i);
            (article(&room, &format!("Story number {i}")), when)
        })
        .collect();
    store
        .import_published_articles(&batch, at("2026-11-06T00:00:00Z"))
        .await
        .unwrap();
    let first = store
        .published_articles(ArticleList::All, 2, 0)
        .await
        .unwrap();
    let heads: Vec<_> = first.iter().map(|c| c.headline.as_str()).collect();
    assert_eq!(heads, ["Story number 4", "Story number 3"]);
    let last = store
        .published_articles(ArticleList::Section(room.news), 2, 4)
        .await
        .unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].headline, "Story number 0");
    assert_eq!(
        store
            .count_published_articles(ArticleList::All)
            .await
            .unwrap(),
        5
    );
    assert!(first[0].image.is_some());
}

pub async fn api_lists_narrow_by_every_filter_and_resume_after_a_cursor(store: &Store) {
    let room = newsroom(store).await;
    let sports = section(store, "sports", 2).await;
    let hour = |i| at("2026-11-05T00:00:00Z") + jiff::SignedDuration::from_hours(i);
    let mut batch: Vec<_> = (0..4)
        .map(|i| (article(&room, &format!("Story number {i}")), hour(i)))
        .collect();
    let mut elsewhere = article(&room, "Elsewhere");
    elsewhere.section = sports;
    elsewhere.source = None;
    elsewhere.tags.clear();
    elsewhere.topics.clear();
    batch.push((elsewhere, hour(10)));
    store
        .import_published_articles(&batch, hour(11))
        .await
        .unwrap();
    let heads = |filter: ArticleFilter, limit| async move {
        let cards = store.filtered_articles(&filter, limit).await.unwrap();
        let heads: Vec<String> = cards.iter().map(|c| c.headline.clone()).collect();
        (heads, cards.last().map(|c| (c.published_at, c.id)))
    };
    let some = |s: &str| Some(s.to_owned());

    // Every page starts after the last card of the one before.
    let (first, last) = heads(ArticleFilter::default(), 2).await;
    assert_eq!(first, ["Elsewhere", "Story number 3"]);
    let after = ArticleFilter {
        after: last,
        ..ArticleFilter::default()
    };
    let (second, last) = heads(after, 2).await;
    assert_eq!(second, ["Story number 2", "Story number 1"]);
    let (third, _) = heads(
        ArticleFilter {
            after: last,
            ..ArticleFilter::default()
        },
        2,
    )
    .await;
    assert_eq!(third, ["Story number 0"]);

    let count = |filter: ArticleFilter| async move { heads(filter, 50).await.0.len() };
    let by = |f: fn(&mut ArticleFilter)| {
        let mut filter = ArticleFilter::default();
        f(&mut filter);
        filter
    };
    assert_eq!(count(by(|f| f.tag = Some("monsoon".into()))).await, 4);
    assert_eq!(
        count(by(|f| f.topic = Some("monsoon-watch".into()))).await,
        4
    );
    assert_eq!(count(by(|f| f.source = Some("dws".into()))).await, 4);
    assert_eq!(count(by(|f| f.section = Some("sports".into()))).await, 1);
    assert_eq!(count(by(|f| f.section = Some("news".into()))).await, 4);
    assert_eq!(count(by(|f| f.tag = Some("no-such-tag".into()))).await, 0);
    let author = store
        .article(
            store
                .filtered_articles(&ArticleFilter::default(), 1)
                .await
                .unwrap()[0]
                .id,
        )
        .await
        .unwrap()
        .unwrap()
        .authors
        .remove(0)
        .slug;
    assert_eq!(
        count(ArticleFilter {
            author: some(&author),
            ..ArticleFilter::default()
        })
        .await,
        5
    );
    let since = ArticleFilter {
        since: Some(hour(2)),
        ..ArticleFilter::default()
    };
    assert_eq!(count(since.clone()).await, 3);
    let tagged_since = ArticleFilter {
        tag: some("monsoon"),
        ..since
    };
    assert_eq!(
        heads(tagged_since, 50).await.0,
        ["Story number 3", "Story number 2"]
    );
}

pub async fn pages_are_put_and_replaced(store: &Store) {
    let page = |body: &str| NewPage {
        slug: slug("about"),
        title: text("About us"),
        body: Body::from_markdown(body),
    };
    let seq = store.last_change_seq().await.unwrap();
    let id = store
        .put_page(&page("First."), at("2026-11-01T00:00:00Z"))
        .await
        .unwrap();
    let again = store
        .put_page(&page("Second."), at("2026-11-02T00:00:00Z"))
        .await
        .unwrap();
    assert_eq!(id, again);
    let stored = store.page_by_slug("about").await.unwrap().unwrap();
    assert!(stored.body_html.contains("Second."));
    let kinds: Vec<_> = store
        .changes_since(seq, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.kind)
        .collect();
    assert_eq!(kinds, [ChangeKind::Created, ChangeKind::Updated]);
    assert!(store.page_by_slug("missing").await.unwrap().is_none());
}

pub async fn related_articles_put_the_editors_choice_first_and_leave_out_the_unpublished(
    store: &Store,
) {
    let room = newsroom(store).await;
    let when = |h: i64| at("2026-11-10T00:00:00Z") + jiff::SignedDuration::from_hours(h);
    let mut in_topic = article(&room, "In the series");
    in_topic.tags.clear();
    let mut by_tag = article(&room, "Shares the tag");
    by_tag.topics.clear();
    let mut same_section = article(&room, "Same section only");
    same_section.topics.clear();
    same_section.tags.clear();
    let mut chosen = same_section.clone();
    chosen.headline = dateline_core::Headline::parse("Chosen by the editor").unwrap();
    let main = article(&room, "The article");
    let ids = store
        .import_published_articles(
            &[
                (in_topic, when(1)),
                (by_tag, when(2)),
                (same_section, when(3)),
                (chosen, when(4)),
                (main, when(5)),
            ],
            when(6),
        )
        .await
        .unwrap();
    let (topic_id, tag_id, section_id, chosen_id, main_id) =
        (ids[0], ids[1], ids[2], ids[3], ids[4]);
    store
        .set_related_articles(main_id, &[chosen_id], when(7))
        .await
        .unwrap();

    let related = store.related_articles(main_id, 9).await.unwrap();
    let order: Vec<_> = related
        .iter()
        .map(|(relation, card)| (*relation, card.id))
        .collect();
    assert_eq!(
        order,
        [
            (dateline_store::Relation::ChosenByEditor, chosen_id),
            (dateline_store::Relation::SameTopic, topic_id),
            (dateline_store::Relation::SharedTag, tag_id),
            (dateline_store::Relation::SameSection, section_id),
        ]
    );
    store.unpublish_article(topic_id, when(8)).await.unwrap();
    let related = store.related_articles(main_id, 2).await.unwrap();
    let ids: Vec<_> = related.iter().map(|(_, c)| c.id).collect();
    assert_eq!(
        ids,
        [chosen_id, tag_id],
        "unpublished articles drop out; the limit holds"
    );
}

pub async fn a_series_lists_the_other_published_articles_of_its_topic_in_curated_order(
    store: &Store,
) {
    let room = newsroom(store).await;
    let when = |h: i64| at("2026-11-10T00:00:00Z") + jiff::SignedDuration::from_hours(h);
    let parts: Vec<_> = ["Part one", "Part two", "Part three", "Part four"]
        .into_iter()
        .enumerate()
        .map(|(n, headline)| (article(&room, headline), when(n as i64)))
        .collect();
    let ids = store
        .import_published_articles(&parts, when(5))
        .await
        .unwrap();
    let titles = |series: &[(dateline_core::Named, Vec<dateline_core::ArticleCard>)]| {
        series
            .iter()
            .map(|(topic, cards)| {
                let headlines: Vec<_> = cards.iter().map(|c| c.headline.clone()).collect();
                (topic.slug.clone(), headlines)
            })
            .collect::<Vec<_>>()
    };

    let series = store.series_of(ids[1], 6).await.unwrap();
    assert_eq!(
        titles(&series),
        [(
            "monsoon-watch".to_owned(),
            vec![
                "Part one".to_owned(),
                "Part three".into(),
                "Part four".into()
            ]
        )],
        "the article itself is left out; the rest keep the series order"
    );
    store.unpublish_article(ids[2], when(6)).await.unwrap();
    let series = store.series_of(ids[1], 1).await.unwrap();
    assert_eq!(
        titles(&series),
        [("monsoon-watch".to_owned(), vec!["Part one".to_owned()])],
        "the limit holds per topic"
    );
    let series = store.series_of(ids[3], 6).await.unwrap();
    assert_eq!(
        titles(&series)[0].1,
        ["Part one", "Part two"],
        "unpublished articles drop out"
    );
}

pub async fn the_search_index_reads_published_articles_with_their_filters(store: &Store) {
    let room = newsroom(store).await;
    let mut hindi = article(&room, "भारत और अमेरिका");
    hindi.language = Some("hi".into());
    hindi.authors = vec![room.author, room.editor];
    let draft = store
        .create_article(&article(&room, "Still a draft"), at("2026-11-03T09:00:00Z"))
        .await
        .unwrap();
    let first = store
        .create_article(
            &article(&room, "Harbour reopens"),
            at("2026-11-03T10:00:00Z"),
        )
        .await
        .unwrap();
    let second = store
        .create_article(&hindi, at("2026-11-03T11:00:00Z"))
        .await
        .unwrap();
    for id in [first, second] {
        store
            .publish_article(id, at("2026-11-03T12:00:00Z"))
            .await
            .unwrap();
    }
    let all = store
        .index_documents_after(dateline_core::ArticleId(0), 10)
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|d| d.id).collect::<Vec<_>>(),
        [first, second],
        "published ones only, by id"
    );
    let doc = &all[1];
    assert_eq!(doc.headline, "भारत और अमेरिका");
    assert_eq!(doc.language.as_deref(), Some("hi"));
    assert_eq!(doc.section, room.news.0);
    assert_eq!(doc.source, Some(room.agency.0));
    assert_eq!(doc.tags, [room.tag.0]);
    assert_eq!(
        doc.authors,
        [room.author.0, room.editor.0],
        "in byline order"
    );
    assert_eq!(doc.published_at, at("2026-11-03T12:00:00Z"));
    assert!(doc.body_markdown.contains("First paragraph."));
    // In batches that resume after the last id read.
    let rest = store.index_documents_after(first, 1).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0], all[1]);
    assert_eq!(
        store.index_document(first).await.unwrap().as_ref(),
        Some(&all[0])
    );
    assert_eq!(store.index_document(draft).await.unwrap(), None);
}

pub async fn articles_are_counted_by_the_utc_month_of_first_publication(store: &Store) {
    let room = newsroom(store).await;
    for (headline, when) in [
        ("Last of October", "2026-10-31T23:59:59Z"),
        ("First of November", "2026-11-01T00:00:00Z"),
        ("Mid November", "2026-11-15T12:00:00Z"),
    ] {
        let id = store
            .create_article(&article(&room, headline), at(when))
            .await
            .unwrap();
        store.publish_article(id, at(when)).await.unwrap();
    }
    store
        .create_article(&article(&room, "A draft"), at("2026-11-20T00:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        store.articles_per_month().await.unwrap(),
        [(2026, 10, 1), (2026, 11, 2)]
    );
}
