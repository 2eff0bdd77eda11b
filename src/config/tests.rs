use super::*;

fn data_dir_with(toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(FILE_NAME), toml).unwrap();
    dir
}

#[test]
fn no_file_means_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load(dir.path()).unwrap();
    assert_eq!(config.site.name, "Dateline");
    assert_eq!(config.server.listen.port(), 8080);
    assert!(config.database.url.is_none());
}

#[test]
fn the_file_sets_what_it_names() {
    let dir = data_dir_with("[site]\nname = \"Rediff Demo\"\ntime_zone = \"Asia/Kolkata\"\n");
    let config = Config::load(dir.path()).unwrap();
    assert_eq!(config.site.name, "Rediff Demo");
    assert_eq!(config.site.time_zone, "Asia/Kolkata");
    assert_eq!(config.site.language, "en", "unset keys keep their defaults");
}

#[test]
fn malformed_toml_is_reported_with_file_and_line() {
    let dir = data_dir_with("[site]\nname = \"ok\"\ntime_zone = Asia/Kolkata\n");
    let err = format!("{:#}", Config::load(dir.path()).unwrap_err());
    assert!(err.contains("dateline.toml:3:"), "{err}");
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn unknown_keys_are_errors() {
    let dir = data_dir_with("[site]\nnmae = \"typo\"\n");
    let err = format!("{:#}", Config::load(dir.path()).unwrap_err());
    assert!(err.contains("nmae"), "{err}");
}

#[test]
fn bad_values_name_their_key() {
    let dir = data_dir_with("[site]\ntime_zone = \"Asia/Kolkatta\"\n");
    let err = format!("{:#}", Config::load(dir.path()).unwrap_err());
    assert!(err.contains("site.time_zone"), "{err}");
    let dir = data_dir_with("[feeds]\nwebsub_hub = \"pubsubhubbub.appspot.com\"\n");
    let err = format!("{:#}", Config::load(dir.path()).unwrap_err());
    assert!(err.contains("feeds.websub_hub"), "{err}");
}

#[test]
fn passwords_are_hidden_when_the_config_is_shown() {
    let mut config = Config::default();
    config.database.url = Some("postgres://news:hunter2@db/news".into());
    config.mail.smtp_url = Some("smtp://desk:hunter3@mail.example.org".into());
    config.cdn.api_token = Some("hunter4".into());
    let shown = config.to_redacted_toml();
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(
        shown.contains("db/news"),
        "an address keeps its host: {shown}"
    );
}
