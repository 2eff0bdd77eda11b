//! The content API: lists that narrow and page, one rights decision for
//! article bodies, validators that give 304, one JSON error shape for every
//! bad request, and an OpenAPI document that schemathesis finds true.

use std::time::Duration;

use dateline_core::ArticleStatus;
use serde_json::Value;

use crate::support::{TestServer, eventually, validators_available};

async fn json(server: &TestServer, path: &str) -> Value {
    let response = server.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    assert_eq!(response.headers()["content-type"], "application/json");
    body(response).await
}

async fn body(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

fn ids(page: &Value) -> Vec<i64> {
    page["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn lists_narrow_by_filter_and_page_with_a_cursor_to_the_end() {
    let server = TestServer::with_demo().await;
    let total = server
        .app
        .store
        .count_published_articles(dateline_store::ArticleList::All)
        .await
        .unwrap();
    // Walking every page by its cursor meets each published article once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/articles?limit=7".to_owned();
    loop {
        let page = json(&server, &path).await;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/articles?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no article twice");
    assert_eq!(seen.len() as i64, total, "every article once");

    let first = json(&server, "/api/v1/articles?limit=1").await;
    let article = &first["articles"][0];
    assert!(article["url"].as_str().unwrap().starts_with(&server.base));
    let section = article["section"]["slug"].as_str().unwrap();
    let in_section = json(&server, &format!("/api/v1/articles?section={section}")).await;
    let sections: Vec<&str> = in_section["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["section"]["slug"].as_str().unwrap())
        .collect();
    assert!(!sections.is_empty() && sections.iter().all(|s| *s == section));
    let dws = json(&server, "/api/v1/articles?source=dws&limit=100").await;
    assert_eq!(ids(&dws).len(), 9, "the demo has nine DWS stories");
    let nothing = json(&server, "/api/v1/articles?tag=no-such-tag").await;
    assert!(ids(&nothing).is_empty() && nothing["next_cursor"].is_null());
    let future = json(&server, "/api/v1/articles?since=2999-01-01T00:00:00Z").await;
    assert!(ids(&future).is_empty());

    for list in ["sections", "topics", "authors", "tags"] {
        let body = json(&server, &format!("/api/v1/{list}")).await;
        let items = body.as_object().unwrap().values().next().unwrap();
        assert!(!items.as_array().unwrap().is_empty(), "{list}");
    }
    let found = json(&server, "/api/v1/search?q=monsoon&limit=3").await;
    assert!(found["total"].as_u64().unwrap() > 0 && !ids(&found).is_empty());
}

#[tokio::test]
async fn bodies_follow_the_sources_api_rights_and_validators_give_304() {
    let server = TestServer::with_demo().await;
    let agency = json(&server, "/api/v1/articles?source=dws&limit=1").await;
    let agency_id = ids(&agency)[0];
    let own = json(&server, "/api/v1/articles?source=staff&limit=1").await;
    let own_id = ids(&own)[0];

    let summary = json(&server, &format!("/api/v1/articles/{agency_id}")).await;
    assert_eq!(summary["carriage"], "summary");
    assert!(summary.get("body_html").is_none_or(Value::is_null));
    assert!(
        summary["source"]["notice"]
            .as_str()
            .unwrap()
            .contains("DWS")
    );
    let full = json(&server, &format!("/api/v1/articles/{own_id}")).await;
    assert_eq!(full["carriage"], "full_text");
    assert!(full["body_html"].as_str().unwrap().contains("<p>"));

    // The reader's address finds the same article.
    let url = full["url"].as_str().unwrap();
    let by_url = json(&server, &format!("/api/v1/articles/by-url?url={url}")).await;
    assert_eq!(by_url["id"], own_id);

    let path = format!("/api/v1/articles/{own_id}");
    let first = server.get(&path).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        first.headers()["surrogate-key"]
            .to_str()
            .unwrap()
            .contains(&format!("article-{own_id}"))
    );
    let again = server
        .client
        .get(format!("{}{path}", server.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Withdrawn: gone from the API as from the site, within the page
    // cache's purge.
    crate::support::move_to(
        &server.app.store,
        dateline_core::ArticleId(own_id),
        ArticleStatus::Unpublished,
    )
    .await;
    eventually(Duration::from_secs(1), || async {
        server.get(&path).await.status() == 410
    })
    .await;
    let gone = body(server.get(&path).await).await;
    assert_eq!(gone["code"], "gone");
}

#[tokio::test]
async fn bad_requests_get_the_json_error_with_the_field_named() {
    let server = TestServer::with_demo().await;
    let cases = [
        ("/api/v1/articles?secton=news", 400, Some("secton")),
        ("/api/v1/articles?limit=0", 400, Some("limit")),
        ("/api/v1/articles?limit=ten", 400, Some("limit")),
        ("/api/v1/articles?cursor=abc", 400, Some("cursor")),
        ("/api/v1/articles?since=yesterday", 400, Some("since")),
        ("/api/v1/articles/abc", 400, Some("id")),
        ("/api/v1/articles/99999999", 404, None),
        ("/api/v1/articles/by-url?url=/nowhere", 404, None),
        ("/api/v1/articles/by-url", 400, Some("url")),
        ("/api/v1/search", 400, Some("q")),
        ("/api/v1/no-such-thing", 404, None),
        ("/api/nothing", 404, None),
    ];
    for (path, status, field) in cases {
        let response = server.get(path).await;
        assert_eq!(response.status(), status, "GET {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "{path}"
        );
        let body = body(response).await;
        assert!(
            body["code"].is_string() && body["message"].is_string(),
            "{path}: {body}"
        );
        if let Some(field) = field {
            assert_eq!(body["fields"][0]["field"], field, "{path}: {body}");
        }
    }
    let post = server
        .client
        .post(format!("{}/api/v1/articles", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), 405);
    let body = body(post).await;
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api_and_schemathesis_finds_it_true() {
    // Rate limits on, set above what one run asks in a minute: a 429 in
    // the middle of schemathesis's stateful scenarios would cut them short
    // (the limits themselves are tested by an_address_past_its_allowance…
    // and admin_api). That every operation documents its 429 is checked
    // here, on the document.
    let server = TestServer::with_demo_and(|c| {
        c.api.requests_per_minute = 20_000;
        c.api.token_requests_per_minute = 20_000;
    })
    .await;
    let document = json(&server, "/api/openapi.json").await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    for (path, item) in document["paths"].as_object().unwrap() {
        let methods = ["get", "put", "post", "delete", "patch"];
        for (method, operation) in item.as_object().unwrap() {
            if !methods.contains(&method.as_str()) {
                continue;
            }
            assert!(
                operation["responses"]["429"].is_object(),
                "{method} {path} documents its rate limit"
            );
        }
    }
    for path in [
        "/api/v1/sections",
        "/api/v1/tags",
        "/api/v1/topics",
        "/api/v1/authors",
        "/api/v1/articles",
        "/api/v1/articles/{id}",
        "/api/v1/articles/by-url",
    ] {
        assert!(
            document["paths"][path]["get"]["responses"]["304"].is_object(),
            "GET {path} documents its 304"
        );
    }
    for (path, method) in [
        ("/api/v1/articles", "get"),
        ("/api/v1/articles/{id}", "get"),
        ("/api/v1/search", "get"),
        ("/api/v1/admin/articles", "post"),
        ("/api/v1/admin/articles/{id}", "put"),
        ("/api/v1/admin/articles/{id}/status", "post"),
        ("/api/v1/admin/media", "post"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path}"
        );
    }
    assert_eq!(
        document["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
    if !validators_available() {
        return;
    }
    // An admin's token with every scope: the admin API is tested whole.
    let (_, token) = crate::api_calls::token_for(
        &server,
        "schemathesis@example.org",
        dateline_core::Role::Admin,
        &dateline_core::Scope::ALL,
    )
    .await;
    // Schemathesis keeps a cache where it runs: not in the checkout. Its
    // configuration says which answers a well-formed request may get: the
    // schema cannot say that a section slug must name a section.
    let scratch = tempfile::tempdir().unwrap();
    // The wire push takes a source's push token, not the admin's: the
    // operation gets its own header and a source that exists.
    let push_token = dateline::accounts::new_push_token();
    let dws = dateline::wire::source(&server.app.store, "dws")
        .await
        .unwrap();
    server
        .app
        .store
        .set_wire_push_token(dws.id, Some(&dateline::accounts::token_hash(&push_token)))
        .await
        .unwrap();
    std::fs::write(
        scratch.path().join("schemathesis.toml"),
        format!(
            "headers = {{ Authorization = \"Bearer {token}\" }}\n\
             [checks.positive_data_acceptance]\n\
             expected-statuses = [\"2xx\", \"401\", \"403\", \"404\", \"409\", \"413\", \"415\", \"422\", \"429\"]\n\
             [[operations]]\n\
             include-path = \"/api/v1/wire/{{source}}\"\n\
             headers = {{ Authorization = \"Bearer {push_token}\" }}\n\
             parameters = {{ \"path.source\" = \"dws\" }}\n"
        ),
    )
    .unwrap();
    let output = tokio::process::Command::new(crate::support::installed("venv/bin/schemathesis"))
        .current_dir(scratch.path())
        .args(["run", &format!("{}/api/openapi.json", server.base)])
        .args(["--url", &server.base])
        .args(["--checks", "all", "--max-examples", "30", "--seed", "1"])
        // An endless event stream: tested by tests/it/live.rs.
        .args(["--exclude-path", "/api/v1/live"])
        .args(["--no-color", "--generation-database", "none"])
        .output()
        .await
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "schemathesis:\n{report}");
    // The wire push was reached with its token: the documented example
    // was taken in.
    let desk = server
        .app
        .store
        .wire_desk(&dateline_store::WireFilter::default(), 100)
        .await
        .unwrap();
    assert!(
        desk.iter()
            .any(|l| l.headline == "Ferry service to the islands resumes"),
        "the push example is on the desk:\n{report}"
    );
    eprintln!(
        "{}",
        report.lines().rev().take(12).collect::<Vec<_>>().join("\n")
    );
}

#[tokio::test]
async fn an_address_past_its_allowance_is_told_when_to_ask_again() {
    let server = TestServer::with_demo_and(|c| c.api.requests_per_minute = 5).await;
    for _ in 0..5 {
        assert_eq!(server.get("/api/v1/sections").await.status(), 200);
    }
    let refused = server.get("/api/v1/sections").await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=12).contains(&wait), "{wait}");
    assert_eq!(body(refused).await["code"], "rate_limited");
    // Pages are not counted against the API's allowance.
    assert_eq!(server.get("/").await.status(), 200);
}
