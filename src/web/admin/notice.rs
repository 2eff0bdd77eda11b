//! What a change did, said on the page it leads back to ("Saved —
//! revision 4", "Published — view it"). As WordPress does, the redirect
//! after a change names it in the query (`?done=saved.4`): stateless, no
//! cookie to clear, and the page is `no-store`. The staff extractor reads
//! it for every admin page; `admin/base.html` words it, in the theme;
//! `admin.js` drops it from the address so a reload does not repeat it.

use dateline_core::{ArticleId, ArticleStatus};
use jiff::Timestamp;
use serde::Serialize;

/// The query parameter that carries a notice.
pub const PARAM: &str = "done";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// A new draft.
    Created,
    Saved {
        revision: i64,
    },
    /// A save of a form that changed nothing: no new revision.
    Unchanged {
        revision: i64,
    },
    /// A workflow move, to `status`; `saved`: after saving this revision
    /// (the editor's buttons save, then move).
    Moved {
        status: ArticleStatus,
        saved: Option<i64>,
    },
    Scheduled {
        at: Timestamp,
        saved: Option<i64>,
    },
    Corrected,
    Restored,
    AutosaveDiscarded,
    /// A story sent back to its author with a note.
    SentBack,
    /// The breaking-news strip put up, or taken down.
    BreakingUp,
    BreakingDown,
    /// A headline test started, or stopped by hand.
    TestStarted,
    TestStopped,
}

impl Notice {
    /// The value of [`PARAM`] that stands for this notice.
    pub fn to_param(self) -> String {
        match self {
            Self::Created => "created".into(),
            Self::Saved { revision } => format!("saved.{revision}"),
            Self::Unchanged { revision } => format!("unchanged.{revision}"),
            Self::Moved { status, saved } => {
                with_revision(format!("moved.{}", status.as_str()), saved)
            }
            Self::Scheduled { at, saved } => {
                with_revision(format!("scheduled.{}", at.as_second()), saved)
            }
            Self::Corrected => "corrected".into(),
            Self::Restored => "restored".into(),
            Self::AutosaveDiscarded => "autosave-discarded".into(),
            Self::SentBack => "sent-back".into(),
            Self::BreakingUp => "breaking-up".into(),
            Self::BreakingDown => "breaking-down".into(),
            Self::TestStarted => "test-started".into(),
            Self::TestStopped => "test-stopped".into(),
        }
    }

    /// The notice a query names, if any (anything else is ignored: the
    /// parameter is only ever written by our redirects).
    pub fn from_query(query: Option<&str>) -> Option<Self> {
        let value = url::form_urlencoded::parse(query?.as_bytes())
            .find(|(name, _)| name == PARAM)?
            .1;
        let mut args = value.split('.');
        let kind = args.next().unwrap_or_default();
        let arg = args.next().unwrap_or_default();
        let saved = match args.next() {
            Some(revision) => Some(revision.parse().ok()?),
            None => None,
        };
        Some(match kind {
            "created" => Self::Created,
            "saved" => Self::Saved {
                revision: arg.parse().ok()?,
            },
            "unchanged" => Self::Unchanged {
                revision: arg.parse().ok()?,
            },
            "moved" => Self::Moved {
                status: ArticleStatus::parse(arg).ok()?,
                saved,
            },
            "scheduled" => Self::Scheduled {
                at: Timestamp::from_second(arg.parse().ok()?).ok()?,
                saved,
            },
            "corrected" => Self::Corrected,
            "restored" => Self::Restored,
            "autosave-discarded" => Self::AutosaveDiscarded,
            "sent-back" => Self::SentBack,
            "breaking-up" => Self::BreakingUp,
            "breaking-down" => Self::BreakingDown,
            "test-started" => Self::TestStarted,
            "test-stopped" => Self::TestStopped,
            _ => return None,
        })
    }

    /// This move or schedule, said as following the save of `revision`.
    pub fn after_saving(self, revision: i64) -> Self {
        match self {
            Self::Moved { status, .. } => Self::Moved {
                status,
                saved: Some(revision),
            },
            Self::Scheduled { at, .. } => Self::Scheduled {
                at,
                saved: Some(revision),
            },
            other => other,
        }
    }

    /// The editor of article `id`, saying this.
    pub fn on_editor(self, id: ArticleId) -> String {
        self.on(&format!("/admin/articles/{id}"))
    }

    /// The admin page at `path` (without a query), saying this.
    pub fn on(self, path: &str) -> String {
        format!("{path}?{PARAM}={}", self.to_param())
    }
}

fn with_revision(param: String, saved: Option<i64>) -> String {
    match saved {
        Some(revision) => format!("{param}.{revision}"),
        None => param,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_comes_back_from_its_query() {
        let notices = [
            Notice::Created,
            Notice::Saved { revision: 4 },
            Notice::Unchanged { revision: 4 },
            Notice::Moved {
                status: ArticleStatus::InReview,
                saved: None,
            },
            Notice::Moved {
                status: ArticleStatus::Published,
                saved: Some(5),
            },
            Notice::Scheduled {
                at: Timestamp::from_second(1_796_000_000).unwrap(),
                saved: Some(2),
            },
            Notice::Corrected,
            Notice::Restored,
            Notice::SentBack,
            Notice::BreakingUp,
            Notice::BreakingDown,
            Notice::TestStarted,
            Notice::TestStopped,
            Notice::AutosaveDiscarded,
        ];
        for notice in notices {
            let path = notice.on_editor(ArticleId(7));
            let query = path.split_once('?').map(|(_, q)| q);
            assert_eq!(Notice::from_query(query), Some(notice), "{path}");
        }
        for junk in [
            "done=saved.x",
            "done=moved.nowhere",
            "done=<b>",
            "other=1",
            "",
        ] {
            assert_eq!(Notice::from_query(Some(junk)), None, "{junk}");
        }
    }
}
