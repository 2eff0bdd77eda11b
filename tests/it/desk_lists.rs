//! The newsroom's article list shows each staff member exactly what they
//! may open: a contributor their own copy until it is submitted, an author
//! their own, an editor and an admin everything.

use dateline_core::{Action, ArticleStatus, Ownership, Role, allows};
use jiff::Timestamp;

use crate::{
    admin::{add_staff, get_with},
    newsroom::session,
    support::{TestServer, draft, move_to},
};

#[tokio::test]
async fn the_article_list_holds_only_what_the_role_may_open() {
    let server = TestServer::with_demo().await;
    let store = &server.app.store;
    let someone = add_staff(&server, "someone@example.org", Role::Author).await;
    for role in Role::ALL {
        let who = session(&server, role).await;
        let unique = format!("listcheck{}", Timestamp::now().as_microsecond());
        let mut expected = Vec::new();
        for (owner, ownership) in [
            (who.user.unwrap(), Ownership::Own),
            (someone, Ownership::Others),
        ] {
            for status in [
                ArticleStatus::Draft,
                ArticleStatus::InReview,
                ArticleStatus::Published,
                ArticleStatus::Unpublished,
            ] {
                let headline = format!("{unique} {ownership:?} {}", status.as_str());
                let id = draft(store, owner, &headline).await;
                if status != ArticleStatus::Draft {
                    if status == ArticleStatus::Unpublished {
                        move_to(store, id, ArticleStatus::Published).await;
                    }
                    move_to(store, id, status).await;
                }
                expected.push((
                    id,
                    allows(role, Action::EditArticle(ownership, status)),
                    headline,
                ));
            }
        }
        let html = get_with(&server, &format!("/admin/articles?q={unique}"), &who.cookie)
            .await
            .text()
            .await
            .unwrap();
        for (id, may_open, headline) in expected {
            let listed = html.contains(&format!("href=\"/admin/articles/{id}\""));
            assert_eq!(listed, may_open, "{role:?}: {headline}");
            let opened = get_with(&server, &format!("/admin/articles/{id}"), &who.cookie).await;
            assert_eq!(
                opened.status() == 200,
                may_open,
                "{role:?} opening {headline}: {}",
                opened.status()
            );
        }
    }
}
