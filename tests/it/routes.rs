//! `src/web/router.rs` is the one list of routes: sorted by path, each
//! once, the only place in `src/` that adds a route, and naming the same
//! API operations as the OpenAPI document.

use std::{collections::BTreeSet, path::Path};

use crate::support::TestServer;

#[tokio::test]
async fn the_router_lists_every_route_once_sorted_by_path() {
    let server = TestServer::with_demo().await;
    let paths = dateline::web::route_paths(&server.app);
    let mut sorted = paths.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        paths, sorted,
        "router.rs lists routes sorted by path, each once"
    );
    for expected in [
        "/",
        "/admin",
        "/admin/articles/{id}",
        "/api/v1/articles",
        "/{slug}",
    ] {
        assert!(paths.iter().any(|p| p == expected), "{expected} is routed");
    }
}

#[tokio::test]
async fn the_api_routes_are_the_operations_the_openapi_document_describes() {
    let server = TestServer::with_demo().await;
    let routed: BTreeSet<String> = dateline::web::route_paths(&server.app)
        .into_iter()
        .filter(|p| p.starts_with("/api/v1/"))
        .collect();
    let documented: BTreeSet<String> = dateline::web::api::document()
        .paths
        .paths
        .keys()
        .cloned()
        .collect();
    assert_eq!(routed, documented);
    // And what is served is that document.
    let served: serde_json::Value =
        serde_json::from_str(&server.page("/api/openapi.json").await).unwrap();
    let served: BTreeSet<String> = served["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(served, documented);
}

#[test]
fn no_file_but_the_router_adds_a_route() {
    // Only the web layer can add a route: it alone imports axum's Router.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let router = src.join("router.rs");
    let mut offenders = Vec::new();
    let mut pending = vec![src];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path == router || path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if [
                    ".route(",
                    ".route_service(",
                    ".nest(",
                    ".nest_service(",
                    "Router::new(",
                    ".merge(",
                    ".fallback_service(",
                ]
                .iter()
                .any(|call| code.contains(call))
                {
                    offenders.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "routes belong in src/web/router.rs:\n{}",
        offenders.join("\n")
    );
}
