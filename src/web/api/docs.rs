//! `/api/docs`: the OpenAPI document as a page for people, made from the
//! same document the JSON serves, so the two cannot disagree.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    method: String,
    path: String,
    summary: String,
    parameters: Vec<Parameter>,
    responses: Vec<Outcome>,
}

#[derive(Debug, Clone, Serialize)]
struct Parameter {
    name: String,
    location: String,
    required: bool,
    description: String,
}

#[derive(Debug, Clone, Serialize)]
struct Outcome {
    status: String,
    description: String,
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// Every operation of `document` (an OpenAPI document as JSON), by path.
pub fn operations(document: &Value) -> Vec<Operation> {
    let Some(paths) = document["paths"].as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            let parameters = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| Parameter {
                    name: text(&p["name"]),
                    location: text(&p["in"]),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect();
            let responses = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(status, r)| Outcome {
                    status: status.clone(),
                    description: text(&r["description"]),
                })
                .collect();
            let summary = [&op["summary"], &op["description"]]
                .into_iter()
                .map(text)
                .find(|s| !s.is_empty())
                .unwrap_or_default();
            out.push(Operation {
                method: method.to_uppercase(),
                path: path.clone(),
                summary,
                parameters,
                responses,
            });
        }
    }
    out
}
