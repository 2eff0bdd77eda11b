//! `/admin/import`: moving a site in from the browser. An admin uploads a
//! WordPress or Ghost export; it is streamed to the blob store (never held
//! whole in memory) and imported by a job in the media lane, whose page
//! shows its progress (refreshing itself, no script needed), then the
//! summary and the report of every skip. A dry run's upload can then be
//! imported for real without sending it again. Admins only.

use axum::{
    extract::{Multipart, Path, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use dateline_core::Action;
use dateline_store::{ImportRun, ImportRunId, NewImportRun};
use jiff::Timestamp;
use serde::Serialize;
use tokio::io::AsyncWriteExt;

use super::{
    session::{
        AdminForm, Staff, StaffView, admin_page, check_csrf_first, private, see_other,
        unreadable_upload,
    },
    sign_in::Nothing,
};
use crate::{
    import::{
        Digest,
        uploaded::{RunOptions, upload_key},
    },
    web::{App, AppError, AppState, Result},
};

/// The most runs the page lists.
const SHOWN: i64 = 20;
/// How often a running import's page reloads itself, in seconds.
const REFRESH_SECONDS: u32 = 2;

#[derive(Debug, Default, Serialize)]
struct ImportFields {
    dry_run: bool,
    fetch_media: bool,
    base_url: String,
}

#[derive(Serialize)]
struct ImportPage {
    staff: StaffView,
    runs: Vec<ImportRun>,
    fields: ImportFields,
    error: Option<String>,
    max_megabytes: u64,
}

async fn import_page(
    app: &App,
    staff: &Staff,
    fields: ImportFields,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response> {
    let page = ImportPage {
        staff: staff.view(),
        runs: app.store.import_runs(SHOWN).await?,
        fields,
        error,
        max_megabytes: app.config.media.max_import_bytes >> 20,
    };
    admin_page(app, "admin/import.html", status, page)
}

/// `GET /admin/import`.
pub async fn show_import(State(app): State<AppState>, staff: Staff) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    import_page(
        &app,
        &staff,
        ImportFields {
            dry_run: true,
            ..ImportFields::default()
        },
        None,
        StatusCode::OK,
    )
    .await
}

/// Which platform wrote an export, from its first characters.
fn platform_of(start: &[u8]) -> Option<&'static str> {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    match start.iter().find(|b| !b.is_ascii_whitespace())? {
        b'<' => Some("wordpress"),
        b'{' => Some("ghost"),
        _ => None,
    }
}

/// What a refused upload says, and with which status.
struct Refusal(StatusCode, String);

/// The export in the form's `file` field streamed to the blob store under
/// a new key; its key, size and platform.
async fn keep_upload(
    app: &App,
    field: &mut axum::extract::multipart::Field<'_>,
) -> Result<std::result::Result<(String, i64, &'static str), Refusal>> {
    let limit = app.config.media.max_import_bytes;
    let key = upload_key();
    let mut writer = app.blobs.writer(&key).map_err(AppError::Internal)?;
    let mut size: u64 = 0;
    let mut platform = None;
    let abandon = |status, message: String| Ok(Err(Refusal(status, message)));
    loop {
        let chunk = match field.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => {
                writer.abort().await.ok();
                return abandon(e.status(), format!("file: {}", e.body_text()));
            }
        };
        if size == 0 {
            platform = platform_of(&chunk);
            if platform.is_none() && !chunk.iter().all(u8::is_ascii_whitespace) {
                writer.abort().await.ok();
                return abandon(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "file: this is not a WordPress export (XML) or a Ghost export (JSON)".into(),
                );
            }
        }
        size += chunk.len() as u64;
        if size > limit {
            writer.abort().await.ok();
            return abandon(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "file: larger than {} MB; import it on the server with `dateline import`",
                    limit >> 20
                ),
            );
        }
        if let Err(e) = writer.write_all(&chunk).await {
            writer.abort().await.ok();
            return Err(AppError::Internal(e.into()));
        }
    }
    let Some(platform) = platform else {
        writer.abort().await.ok();
        return abandon(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file: choose an export file to import".into(),
        );
    };
    if let Err(e) = writer.shutdown().await {
        writer.abort().await.ok();
        return Err(AppError::Internal(e.into()));
    }
    Ok(Ok((key, size as i64, platform)))
}

/// The old site's address as the form gave it: none, or an http(s) one.
fn old_site(given: &str) -> std::result::Result<Option<String>, String> {
    match given.trim() {
        "" => Ok(None),
        given => match url::Url::parse(given) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(url.to_string())),
            _ => Err(format!(
                "base_url: {given:?} is not an address (https://old.example.com)"
            )),
        },
    }
}

/// `POST /admin/import` (multipart): an export and how to import it. The
/// CSRF token comes first in the form and is checked before the file is
/// read; the file comes last, so the options are known by then.
pub async fn upload(
    State(app): State<AppState>,
    staff: Staff,
    mut multipart: Multipart,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    check_csrf_first(&mut multipart, &staff).await?;
    let mut fields = ImportFields::default();
    let mut kept: Option<(String, i64, &'static str)> = None;
    let mut file_name = String::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                // What was kept of the form goes with it.
                if let Some((key, ..)) = &kept {
                    app.blobs.delete(key).await.map_err(AppError::Internal)?;
                }
                return Err(unreadable_upload(e));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "dry_run" => fields.dry_run = field.text().await.map_err(unreadable_upload)? == "1",
            "fetch_media" => {
                fields.fetch_media = field.text().await.map_err(unreadable_upload)? == "1"
            }
            "base_url" => fields.base_url = field.text().await.map_err(unreadable_upload)?,
            "file" if kept.is_none() => {
                file_name = dateline_core::clean_text(field.file_name().unwrap_or("export"))
                    .chars()
                    .take(200)
                    .collect();
                match keep_upload(&app, &mut field).await? {
                    Ok(upload) => kept = Some(upload),
                    Err(Refusal(status, message)) => {
                        return import_page(&app, &staff, fields, Some(message), status).await;
                    }
                }
            }
            _ => {}
        }
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    let Some((key, size, platform)) = kept else {
        let message = "file: choose an export file to import".to_owned();
        return import_page(&app, &staff, fields, Some(message), status).await;
    };
    let base_url = match old_site(&fields.base_url) {
        Ok(base_url) => base_url,
        Err(message) => {
            app.blobs.delete(&key).await.map_err(AppError::Internal)?;
            return import_page(&app, &staff, fields, Some(message), status).await;
        }
    };
    let options = RunOptions {
        dry_run: fields.dry_run,
        fetch_media: fields.fetch_media,
        base_url,
    };
    let run = NewImportRun {
        platform,
        file_name,
        blob_key: key,
        byte_size: size,
        options: serde_json::to_string(&options).map_err(|e| AppError::Internal(e.into()))?,
        started_by: Some(staff.user.id),
        source_run: None,
    };
    let blob_key = run.blob_key.clone();
    match app.store.create_import_run(&run, Timestamp::now()).await {
        Ok(id) => Ok(see_other(&format!("/admin/import/{}", id.0))),
        Err(e) => {
            app.blobs
                .delete(&blob_key)
                .await
                .map_err(AppError::Internal)?;
            Err(e.into())
        }
    }
}

async fn run_of(app: &App, id: i64) -> Result<ImportRun> {
    let run = app.store.import_run(ImportRunId(id)).await?;
    run.ok_or(AppError::NotFound)
}

#[derive(Serialize)]
struct RunPage {
    staff: StaffView,
    run: ImportRun,
    options: RunOptions,
    /// Whole percent done, once the total is known.
    percent: Option<i64>,
    /// Entries a second so far, and the time left at that rate.
    rate: Option<i64>,
    time_left: Option<String>,
    megabytes: String,
    summary: Option<Digest>,
    refresh: Option<u32>,
}

/// `GET /admin/import/{id}`: where the run is, or how it ended.
pub async fn show_run(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let run = run_of(&app, id).await?;
    let options: RunOptions = serde_json::from_str(&run.options).unwrap_or_default();
    let percent = (run.total > 0).then(|| run.done * 100 / run.total);
    let elapsed = run
        .started_at
        .map(|at| (run.finished_at.unwrap_or_else(Timestamp::now) - at).as_secs());
    let rate = elapsed
        .filter(|&s| s > 0 && run.done > 0)
        .map(|s| run.done / s);
    let time_left = rate.filter(|&r| r > 0 && !run.state.ended()).map(|r| {
        match (run.total - run.done).max(0) / r {
            s if s >= 60 => format!("{} min", (s + 59) / 60),
            s => format!("{s} s"),
        }
    });
    let page = RunPage {
        staff: staff.view(),
        refresh: (!run.state.ended()).then_some(REFRESH_SECONDS),
        options,
        percent,
        rate,
        time_left,
        megabytes: format!("{:.1}", run.byte_size as f64 / f64::from(1 << 20)),
        summary: run
            .summary
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        run,
    };
    admin_page(&app, "admin/import_run.html", StatusCode::OK, page)
}

/// `GET /admin/import/{id}/report`: every skip, as a text file.
pub async fn report(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    staff: Staff,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let report = app
        .store
        .import_run_report(ImportRunId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let disposition = format!("attachment; filename=\"import-{id}-report.txt\"");
    Ok(private(
        (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            report,
        )
            .into_response(),
    ))
}

/// `POST /admin/import/{id}/import`: a dry run's upload imported for real.
pub async fn import_for_real(
    State(app): State<AppState>,
    Path(id): Path<i64>,
    AdminForm { staff, .. }: AdminForm<Nothing>,
) -> Result<Response> {
    staff.require(Action::ManageSite)?;
    let run = run_of(&app, id).await?;
    let mut options: RunOptions = serde_json::from_str(&run.options).unwrap_or_default();
    if !(options.dry_run && run.state == dateline_store::RunState::Done) {
        return Err(AppError::refused(
            StatusCode::CONFLICT,
            "Cannot import",
            "Only a finished dry run can be imported from its upload; upload the file again.",
        ));
    }
    options.dry_run = false;
    let again = NewImportRun {
        platform: if run.platform == "ghost" {
            "ghost"
        } else {
            "wordpress"
        },
        file_name: run.file_name,
        blob_key: run.blob_key,
        byte_size: run.byte_size,
        options: serde_json::to_string(&options).map_err(|e| AppError::Internal(e.into()))?,
        started_by: Some(staff.user.id),
        // A second click (or a second admin) gets the run the first started.
        source_run: Some(run.id),
    };
    let id = app
        .store
        .create_import_run(&again, Timestamp::now())
        .await?;
    Ok(see_other(&format!("/admin/import/{}", id.0)))
}
