//! The binary as an operator meets it: errors are one line and exit non-zero.

use std::process::{Command, Output};

fn dateline(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dateline"));
    command
        .args(args)
        .env_remove("DATELINE_DATA")
        .env("DATELINE_LOG", "off");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn stderr_line(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr:?}");
    stderr
}

/// `dateline serve` on a new data directory whose `dateline.toml` is
/// `config`, to its end.
fn serve_with(config: &str, env: &[(&str, &str)]) -> Output {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("dateline.toml"), config).unwrap();
    let data = data.path().to_str().unwrap();
    dateline(&["serve", "--data", data, "--listen", "127.0.0.1:0"], env)
}

#[test]
fn a_malformed_config_file_stops_serve_naming_the_file_and_line() {
    let output = serve_with("[site]\nname = \"Ok\"\ntime_zone = Asia/Kolkata\n", &[]);
    assert!(!output.status.success());
    let line = stderr_line(&output);
    assert!(
        line.starts_with("error: ") && line.contains("dateline.toml:3:"),
        "{line}"
    );
}

#[test]
fn an_unreachable_database_stops_serve_naming_it() {
    let data = tempfile::tempdir().unwrap();
    let output = dateline(
        &[
            "serve",
            "--data",
            data.path().to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        &[(
            "DATELINE_DATABASE__URL",
            "postgres://news:secret@127.0.0.1:1/news",
        )],
    );
    assert!(!output.status.success());
    let line = stderr_line(&output);
    assert!(
        line.contains("cannot connect to the database at postgres://news@127.0.0.1:1/news"),
        "{line}"
    );
    assert!(
        !line.contains("secret"),
        "the password stays out of the message: {line}"
    );
}

#[test]
fn json_logs_are_one_object_per_line_to_the_last() {
    let output = serve_with(
        "[log]\nformat = \"json\"\n",
        &[
            ("DATELINE_LOG", "info"),
            (
                "DATELINE_DATABASE__URL",
                "postgres://news:secret@127.0.0.1:1/news",
            ),
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let last = lines.last().expect("a line");
    assert_eq!(last["level"], "ERROR", "{stderr}");
    assert!(
        last["error"]
            .as_str()
            .unwrap()
            .contains("cannot connect to the database at postgres://news@127.0.0.1:1/news"),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"), "{stderr}");
}

#[test]
fn environment_variables_override_the_file() {
    let data = tempfile::tempdir().unwrap();
    std::fs::write(
        data.path().join("dateline.toml"),
        "[site]\nname = \"From file\"\n",
    )
    .unwrap();
    let output = dateline(
        &["config", "check", "--data", data.path().to_str().unwrap()],
        &[
            ("DATELINE_SITE__NAME", "From env"),
            ("DATELINE_SERVER__LISTEN", "0.0.0.0:9000"),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(shown.contains("name = \"From env\""), "{shown}");
    assert!(shown.contains("listen = \"0.0.0.0:9000\""), "{shown}");
}

#[test]
fn migrate_brings_a_new_database_up_to_date_twice_over() {
    let data = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let output = dateline(&["migrate", "--data", data.path().to_str().unwrap()], &[]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert!(data.path().join("dateline.db").exists());
}

#[tokio::test]
async fn demo_adds_the_same_synthetic_articles_for_the_same_seed() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let data = tempfile::tempdir().unwrap();
        let dir = data.path().to_str().unwrap();
        let output = dateline(
            &["demo", "--data", dir, "--articles", "30", "--seed", "9"],
            &[],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let store = dateline_store::Store::open_sqlite(&data.path().join("dateline.db"))
            .await
            .unwrap();
        let cards = store
            .published_articles(dateline_store::ArticleList::All, 1000, 0)
            .await
            .unwrap();
        store.close().await;
        runs.push(
            cards
                .into_iter()
                .map(|c| (c.headline, c.published_at))
                .collect::<Vec<_>>(),
        );
    }
    assert!(
        runs[0].len() >= 70,
        "the demo's articles and 30 synthetic ones: {}",
        runs[0].len()
    );
    assert_eq!(runs[0], runs[1]);
}

#[test]
fn user_add_prints_a_one_time_password_and_refuses_a_second_account_for_the_address() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    let added = dateline(
        &[
            "user",
            "add",
            "Desk@Example.org",
            "--role",
            "editor",
            "--data",
            dir,
        ],
        &[],
    );
    assert!(added.status.success(), "{}", stderr_line(&added));
    let stdout = String::from_utf8_lossy(&added.stdout);
    let password = stdout
        .lines()
        .find_map(|l| l.strip_prefix("One-time password: "))
        .expect("a one-time password line");
    assert_eq!(password.len(), 20, "{stdout}");

    let again = dateline(
        &[
            "user",
            "add",
            "desk@example.org",
            "--role",
            "admin",
            "--data",
            dir,
        ],
        &[],
    );
    assert!(!again.status.success());
    assert_eq!(
        stderr_line(&again),
        "error: desk@example.org already has an account\n"
    );
    let bad_role = dateline(
        &[
            "user",
            "add",
            "new@example.org",
            "--role",
            "owner",
            "--data",
            dir,
        ],
        &[],
    );
    assert!(!bad_role.status.success());
    assert!(stderr_line(&bad_role).contains("\"owner\" is not a role"));
}

#[test]
fn reindex_builds_the_search_index_and_refuses_while_another_process_holds_it() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    assert!(dateline(&["demo", "--data", dir], &[]).status.success());
    let output = dateline(&["reindex", "--data", dir], &[]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Indexed 41 published articles"), "{stdout}");
    let index =
        dateline::search::SearchIndex::open(&data.path().join(dateline::search::INDEX_DIR), "en")
            .unwrap();
    assert!(index.position().unwrap().is_some(), "built");
    assert_eq!(index.len(), 41);
    // This process holds the index's writer, as a running server would.
    let output = dateline(&["reindex", "--data", dir], &[]);
    assert!(!output.status.success());
    assert!(stderr_line(&output).contains("stop `dateline serve`"));
}

#[test]
fn ingest_says_per_file_what_it_took_and_fails_if_any_was_rejected() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path().to_str().unwrap();
    assert!(dateline(&["demo", "--data", dir], &[]).status.success());
    let story = data.path().join("story.json");
    std::fs::write(
        &story,
        r#"{"uri": "urn:example:dws:1", "version": "1", "type": "text",
            "headlines": [{"role": "main", "value": "Ferry service resumes"}],
            "bodies": [{"role": "main", "contenttype": "text/plain", "value": "Boats sail again."}]}"#,
    )
    .unwrap();
    let bad = data.path().join("bad.json");
    std::fs::write(&bad, "{\"uri\": \"urn:x\",\n \"urgency\": \"high\"}").unwrap();
    let run = |files: &[&std::path::Path]| {
        let mut args = vec!["ingest", "--source", "dws", "--data", dir];
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        dateline(&args, &[])
    };
    let ok = run(&[&story]);
    assert!(ok.status.success(), "{ok:?}");
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(
        stdout.trim(),
        format!("{}: ingested 1 item (1 new)", story.display())
    );

    let mixed = run(&[&story, &bad]);
    assert!(!mixed.status.success());
    let stdout = String::from_utf8_lossy(&mixed.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(
        lines[0].ends_with("already received (the same bytes came before)"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{}: rejected: not valid ninjs 3.1: /urgency:",
            bad.display()
        )),
        "{stdout}"
    );
    assert!(stderr_line(&mixed).contains("1 of 2 files rejected"));

    let unknown = dateline(&["ingest", "--source", "pti", "--data", dir, "x.json"], &[]);
    assert!(!unknown.status.success());
    assert!(stderr_line(&unknown).contains("no source \"pti\"; the sources are: dws"));
}
