use dateline_core::{
    ArticleDetails, ArticleStatus, Body, LeadImage, NewByline, NewPage, NewSection, NewTopic,
    SectionId, TagName, Text, TopicId,
};
use dateline_store::{ArticleSave, Direction, Entity, Store, StoreError};

use crate::fixtures::{article, at, editor, newsroom, same_text, section, slug, text};

pub async fn details_are_saved_with_the_text_in_one_revision_and_refused_whole(store: &Store) {
    let room = newsroom(store).await;
    let by = editor(store).await;
    let city = section(store, "city", 2).await;
    let now = at("2026-11-12T09:00:00Z");
    let other = store
        .create_article(&article(&room, "Ferry fares rise"), now)
        .await
        .unwrap();
    let id = store
        .create_draft(&article(&room, "Harbour works begin"), by, now)
        .await
        .unwrap();
    let mut details = store.article_details(id).await.unwrap().unwrap();
    assert_eq!(details.section, room.news);
    assert_eq!(details.tags.len(), 1);
    details.section = city;
    details.slug = slug("harbour-works-start");
    details.authors = vec![room.editor, room.author];
    details.tags = vec![
        TagName::parse("Ports").unwrap(),
        TagName::parse("Monsoon").unwrap(),
    ];
    details.related = vec![other];
    details.seo_title = Some("Harbour works start in Kochi".into());
    let revision = store
        .save_article(
            id,
            &same_text("Harbour works begin"),
            Some(&details),
            1,
            by,
            now,
        )
        .await
        .unwrap();
    assert_eq!(revision, 2);
    let back = store.article_details(id).await.unwrap().unwrap();
    assert_eq!(
        back.authors,
        [room.editor, room.author],
        "byline order kept"
    );
    let tags: Vec<&str> = back.tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(
        tags,
        ["monsoon", "ports"],
        "a new tag is created, an old one reused"
    );
    assert_eq!((back.section, back.related.clone()), (city, vec![other]));
    assert_eq!(back.topics, [room.topic], "the topic stays");
    let read = store.article(id).await.unwrap().unwrap();
    assert_eq!(
        read.seo_title.as_deref(),
        Some("Harbour works start in Kochi")
    );
    let audit = store.audit_log(Some(id), 10).await.unwrap();
    let entry = audit.iter().find(|e| e.action == "details").unwrap();
    assert_eq!(
        entry.detail,
        "slug, section, authors, tags, related articles, SEO title"
    );

    // A topic that does not exist: nothing of the save is kept.
    let mut broken = back.clone();
    broken.topics = vec![TopicId(999_999)];
    broken.place = Some("Elsewhere".into());
    let refused = store
        .save_article(
            id,
            &same_text("Changed headline"),
            Some(&broken),
            2,
            by,
            now,
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict { .. })),
        "{refused:?}"
    );
    assert_eq!(store.article_details(id).await.unwrap().unwrap(), back);
    assert_eq!(store.editorial(id).await.unwrap().unwrap().revision, 2);
    assert_eq!(
        store.article(id).await.unwrap().unwrap().headline,
        "Harbour works begin"
    );
}

pub async fn sections_nest_one_level_and_share_addresses_with_pages(store: &Store) {
    let news = section(store, "news", 1).await;
    let city = section(store, "city", 2).await;
    let now = at("2026-11-12T09:00:00Z");
    let under = |parent: Option<SectionId>, name: &str, position: i64| NewSection {
        slug: slug(name),
        name: text(name),
        parent,
        position,
    };
    store
        .update_section(city, &under(Some(news), "city", 2), now)
        .await
        .unwrap();
    let sections = store.sections().await.unwrap();
    assert_eq!(
        sections.iter().find(|s| s.id == city).unwrap().parent_id,
        Some(news)
    );
    // Neither a new section nor a changed one goes under a section that is
    // itself under one; not under itself; and
    // a section with children stays at the top.
    assert!(matches!(
        store
            .create_section(&under(Some(city), "deep", 4), now)
            .await,
        Err(StoreError::Invalid(_))
    ));
    let sports = section(store, "sports", 3).await;
    for (id, new) in [
        (sports, under(Some(city), "sports", 3)),
        (sports, under(Some(sports), "sports", 3)),
        (news, under(Some(sports), "news", 1)),
    ] {
        let refused = store.update_section(id, &new, now).await;
        assert!(
            matches!(refused, Err(StoreError::Invalid(_))),
            "{refused:?}"
        );
    }
    // A page cannot take a section's address, nor a section a page's.
    let page = |s: &str| NewPage {
        slug: slug(s),
        title: text("About"),
        body: Body::from_markdown("About us."),
    };
    assert!(matches!(
        store.create_page(&page("news"), now).await,
        Err(StoreError::Invalid(_))
    ));
    let about = store.create_page(&page("about"), now).await.unwrap();
    assert!(matches!(
        store.create_page(&page("about"), now).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store
            .update_section(sports, &under(None, "about", 3), now)
            .await,
        Err(StoreError::Invalid(_))
    ));
    store
        .update_page(about, &page("about-us"), now)
        .await
        .unwrap();
    assert!(store.page_by_slug("about-us").await.unwrap().is_some());
    store.delete_page(about, now).await.unwrap();
    assert!(store.page_source(about).await.unwrap().is_none());
    let changes = store.changes_since(0, 100).await.unwrap();
    let last = changes.last().unwrap();
    assert_eq!((last.entity, last.entity_id), (Entity::Page, about.0));
}

pub async fn a_topic_keeps_its_curated_order_through_moves_and_saves(store: &Store) {
    let room = newsroom(store).await;
    let by = editor(store).await;
    let now = at("2026-11-12T09:00:00Z");
    let series = store
        .create_topic(
            &NewTopic {
                slug: slug("port-expansion"),
                name: text("Port expansion"),
                description: String::new(),
                image: None,
            },
            now,
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for headline in ["One", "Two", "Three"] {
        let id = store
            .create_draft(&article(&room, headline), by, now)
            .await
            .unwrap();
        store.add_to_topic(series, id, now).await.unwrap();
        ids.push(id);
    }
    store.add_to_topic(series, ids[0], now).await.unwrap();
    let order = || async {
        store
            .topic_items(series)
            .await
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(order().await, ids, "adding again changes nothing");
    store
        .move_in_topic(series, ids[2], Direction::Up, now)
        .await
        .unwrap();
    store
        .move_in_topic(series, ids[0], Direction::Up, now)
        .await
        .unwrap();
    assert_eq!(
        order().await,
        [ids[0], ids[2], ids[1]],
        "the first stays first"
    );
    // Saving an article's details keeps its place in a series it stays in.
    let mut details: ArticleDetails = store.article_details(ids[0]).await.unwrap().unwrap();
    assert!(details.topics.contains(&series));
    details.place = Some("Kochi".into());
    store
        .save_article(ids[0], &same_text("One"), Some(&details), 1, by, now)
        .await
        .unwrap();
    assert_eq!(order().await, [ids[0], ids[2], ids[1]]);
    details.topics.retain(|t| *t != series);
    store
        .save_article(ids[0], &same_text("One"), Some(&details), 2, by, now)
        .await
        .unwrap();
    assert_eq!(order().await, [ids[2], ids[1]]);
    store.remove_from_topic(series, ids[1], now).await.unwrap();
    assert_eq!(order().await, [ids[2]]);
    let listed = store.topics().await.unwrap();
    assert_eq!(
        listed.iter().find(|t| t.id == series.0).unwrap().articles,
        1
    );
    assert!(matches!(
        store
            .add_to_topic(series, dateline_core::ArticleId(999_999), now)
            .await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn a_tag_is_renamed_in_place_and_deleted_from_every_article(store: &Store) {
    let room = newsroom(store).await;
    let now = at("2026-11-12T09:00:00Z");
    let id = store
        .create_article(&article(&room, "Rain returns"), now)
        .await
        .unwrap();
    store
        .move_article(id, ArticleStatus::Published, None, now)
        .await
        .unwrap();
    let found = store.tags("MONS", 10).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].name.as_str(), found[0].articles), ("Monsoon", 1));
    assert!(
        store.tags("50%", 10).await.unwrap().is_empty(),
        "like wildcards are literal"
    );
    store
        .rename_tag(room.tag, &text("Monsoon 2026"), now)
        .await
        .unwrap();
    let tag = store.tag(room.tag).await.unwrap().unwrap();
    assert_eq!(
        (tag.slug.as_str(), tag.name.as_str()),
        ("monsoon", "Monsoon 2026")
    );
    store.delete_tag(room.tag, now).await.unwrap();
    assert!(store.tag(room.tag).await.unwrap().is_none());
    assert!(store.article(id).await.unwrap().unwrap().tags.is_empty());
    assert!(matches!(
        store.delete_tag(room.tag, now).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn a_save_makes_new_bylines_sets_the_picture_and_records_the_details_in_words(
    store: &Store,
) {
    let room = newsroom(store).await;
    let by = editor(store).await;
    let now = at("2026-11-12T09:00:00Z");
    let id = store
        .create_draft(&article(&room, "Night ferry added"), by, now)
        .await
        .unwrap();
    let first = store.revisions(id).await.unwrap().remove(0);
    assert!(
        first.details.is_some(),
        "a new draft's details are recorded"
    );
    let picture = room.image;
    let mut details = store.article_details(id).await.unwrap().unwrap();
    details.authors = vec![room.author];
    details.new_authors = vec![NewByline {
        position: 0,
        name: Text::parse("authors", "Tara Fernandes", 100).unwrap(),
    }];
    details.place = Some("Kochi".into());
    let lead = LeadImage {
        media: picture,
        caption: Some("The jetty at night".into()),
        credit: None,
    };
    let save = ArticleSave {
        text: &same_text("Night ferry added"),
        details: Some(&details),
        lead_image: Some(Some(&lead)),
    };
    assert_eq!(store.save_edit(id, save, 1, by, now).await.unwrap(), 2);
    let back = store.article_details(id).await.unwrap().unwrap();
    let made = store
        .people()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "Tara Fernandes")
        .expect("the new byline is made");
    assert_eq!(back.authors, [made.id, room.author], "in its place");
    let editorial = store.editorial(id).await.unwrap().unwrap();
    assert_eq!(editorial.lead_image, Some(lead.clone()));
    let recorded = store.revisions(id).await.unwrap().remove(0);
    assert_eq!(recorded.number, 2);
    let recorded = recorded.details.unwrap();
    assert_eq!(recorded.bylines[0], "Tara Fernandes");
    assert_eq!(recorded.place.as_deref(), Some("Kochi"));
    assert_eq!(recorded.lead_caption.as_deref(), Some("The jetty at night"));
    assert!(
        recorded
            .lead_picture
            .unwrap()
            .ends_with(&format!("(picture {})", picture.0))
    );

    // A stale save makes nothing: no byline, no picture change.
    details.new_authors = vec![NewByline {
        position: 0,
        name: Text::parse("authors", "Nobody Made", 100).unwrap(),
    }];
    let save = ArticleSave {
        text: &same_text("Night ferry added"),
        details: Some(&details),
        lead_image: Some(None),
    };
    let stale = store.save_edit(id, save, 1, by, now).await;
    assert!(matches!(
        stale,
        Err(StoreError::StaleRevision { current: 2 })
    ));
    assert!(
        !store
            .people()
            .await
            .unwrap()
            .iter()
            .any(|p| p.name == "Nobody Made")
    );
    assert!(
        store
            .editorial(id)
            .await
            .unwrap()
            .unwrap()
            .lead_image
            .is_some()
    );
}
