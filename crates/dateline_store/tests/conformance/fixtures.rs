//! Small, valid newsroom data for the contract tests.

use dateline_core::{
    Body, Email, Headline, LeadImage, MediaId, NewArticle, NewMedia, NewPerson, NewSection,
    NewSource, NewTopic, PersonId, Role, SectionId, Slug, SourceId, SourceRights, TagId, Text,
    TopicId,
};
use dateline_store::{ArticleText, NewUser, Store};
use jiff::Timestamp;

pub fn at(s: &str) -> Timestamp {
    s.parse().expect("test instant")
}

pub fn slug(s: &str) -> Slug {
    Slug::parse(s).expect("test slug")
}

pub fn text(s: &str) -> Text {
    Text::parse("test", s, 200).expect("test text")
}

pub struct Newsroom {
    pub news: SectionId,
    pub agency: SourceId,
    pub author: PersonId,
    pub editor: PersonId,
    pub tag: TagId,
    pub topic: TopicId,
    pub image: MediaId,
}

pub async fn section(store: &Store, s: &str, position: i64) -> SectionId {
    let new = NewSection {
        slug: slug(s),
        name: text(s),
        parent: None,
        position,
    };
    store
        .create_section(&new, at("2026-11-01T00:00:00Z"))
        .await
        .unwrap()
}

pub async fn newsroom(store: &Store) -> Newsroom {
    let now = at("2026-11-01T00:00:00Z");
    let person = |s: &str| NewPerson {
        slug: slug(s),
        name: text(s),
        bio: String::new(),
        email: None,
    };
    Newsroom {
        news: section(store, "news", 1).await,
        agency: store
            .create_source(
                &NewSource {
                    slug: slug("dws"),
                    name: text("Deccan Wire Service"),
                    notice: Some("© DWS. Republication prohibited.".into()),
                    rights: SourceRights::default(),
                },
                now,
            )
            .await
            .unwrap(),
        author: store
            .create_person(&person("asha-menon"), now)
            .await
            .unwrap(),
        editor: store
            .create_person(&person("meera-pillai"), now)
            .await
            .unwrap(),
        tag: store
            .ensure_tag(&slug("monsoon"), &text("Monsoon"))
            .await
            .unwrap(),
        topic: store
            .create_topic(
                &NewTopic {
                    slug: slug("monsoon-watch"),
                    name: text("Monsoon Watch"),
                    description: "Rain, week by week.".into(),
                    image: None,
                },
                now,
            )
            .await
            .unwrap(),
        image: store
            .create_media(
                &NewMedia {
                    path: "lead/rain.jpg".into(),
                    content_type: "image/jpeg".into(),
                    width: 1200,
                    height: 675,
                    alt: text("Clouds over a harbour"),
                    caption: "Default caption".into(),
                    credit: "Default credit".into(),
                },
                now,
            )
            .await
            .unwrap(),
    }
}

pub fn article(room: &Newsroom, headline: &str) -> NewArticle {
    NewArticle {
        slug: Slug::from_title(headline, "article"),
        headline: Headline::parse(headline).unwrap(),
        standfirst: "A short summary.".into(),
        body: Body::from_markdown("First paragraph.\n\n> \"Quoted,\" an official said."),
        section: room.news,
        source: Some(room.agency),
        authors: vec![room.author],
        edited_by: Some(room.editor),
        place: Some("Mumbai".into()),
        tags: vec![room.tag],
        topics: vec![room.topic],
        lead_image: Some(LeadImage {
            media: room.image,
            caption: Some("Rain clouds gather over the harbour.".into()),
            credit: None,
        }),
        language: Some("en".into()),
        kind: dateline_core::ArticleKind::Standard,
        corpus_label: None,
    }
}

/// A staff editor (desk@example.org).
pub async fn editor(store: &Store) -> dateline_core::UserId {
    store
        .create_user(
            &NewUser {
                email: Email::parse("desk@example.org").unwrap(),
                name: Text::parse("name", "Desk", 200).unwrap(),
                role: Role::Editor,
                password_hash: "$argon2id$x".into(),
                must_change_password: false,
            },
            at("2026-11-10T08:00:00Z"),
        )
        .await
        .unwrap()
}

/// Article text with `headline` and a one-word body.
pub fn same_text(headline: &str) -> ArticleText {
    ArticleText {
        headline: Headline::parse(headline).unwrap(),
        standfirst: String::new(),
        body: Body::from_markdown("Body."),
    }
}
