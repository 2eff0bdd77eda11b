//! The store's contract, run against SQLite and PostgreSQL alike.
//!
//! Each test is an `async fn(&Store)`; `conformance!` makes one test per
//! backend from it, each on a fresh database.

mod articles;
mod audience;
mod change_log;
mod editorial;
mod feedback;
mod fixtures;
mod jobs;
mod live;
mod media;
mod moving;
mod newsletters;
mod readers;
mod review;
mod staff;
mod taxonomy;
mod wakeups;
mod wire;

macro_rules! conformance {
    ($($module:ident :: $test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let db = dateline_store::testing::sqlite().await;
                    crate::$module::$test(db.store()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(db) = dateline_store::testing::postgres().await else { return };
                    crate::$module::$test(db.store()).await;
                }
            )*
        }
    };
}

conformance!(
    audience::views_add_up_by_story_hour_section_and_day,
    audience::a_headline_test_counts_while_it_runs_and_is_decided_once,
    readers::a_reader_link_is_used_once_and_verifies_moves_or_deletes_the_account_whole,
    media::an_upload_is_kept_once_with_one_renditions_job_and_found_by_its_words,
    taxonomy::details_are_saved_with_the_text_in_one_revision_and_refused_whole,
    taxonomy::a_save_makes_new_bylines_sets_the_picture_and_records_the_details_in_words,
    taxonomy::sections_nest_one_level_and_share_addresses_with_pages,
    taxonomy::a_topic_keeps_its_curated_order_through_moves_and_saves,
    taxonomy::a_tag_is_renamed_in_place_and_deleted_from_every_article,
    articles::sections_come_back_in_navigation_order,
    articles::a_duplicate_slug_is_a_conflict_and_logs_nothing,
    articles::an_article_reads_back_with_every_element,
    articles::drafts_stay_private_until_published,
    articles::the_search_index_reads_published_articles_with_their_filters,
    articles::articles_are_counted_by_the_utc_month_of_first_publication,
    articles::the_workflow_refuses_illegal_moves_and_logs_nothing,
    articles::corrections_mark_a_published_article_updated,
    live::a_live_blog_keeps_its_entries_newest_first_and_logs_each_once_published,
    live::a_draft_live_blogs_entries_stay_out_of_the_log,
    articles::lists_are_newest_first_and_paginate,
    articles::api_lists_narrow_by_every_filter_and_resume_after_a_cursor,
    articles::pages_are_put_and_replaced,
    articles::related_articles_put_the_editors_choice_first_and_leave_out_the_unpublished,
    articles::a_series_lists_the_other_published_articles_of_its_topic_in_curated_order,
    change_log::a_failed_transaction_leaves_neither_the_row_nor_its_change,
    feedback::feedback_with_the_same_key_is_stored_once,
    change_log::the_change_log_has_no_gaps_or_reordering_under_concurrent_writers,
    change_log::a_consumer_resumes_where_it_stopped_and_its_jobs_are_enqueued_once,
    jobs::a_claimed_job_is_not_claimed_again_until_its_lease_expires,
    jobs::a_job_whose_last_attempt_was_abandoned_fails_and_says_so,
    jobs::a_job_is_enqueued_once_per_idempotency_key,
    jobs::a_failing_job_is_retried_then_given_up,
    jobs::concurrent_workers_never_claim_the_same_job,
    jobs::a_worker_leaves_the_kinds_it_does_not_know,
    moving::an_uploaded_import_is_one_job_that_keeps_its_progress_and_report,
    moving::an_export_reads_every_story_in_id_order_with_its_bylines_and_tags,
    moving::a_snapshot_loads_only_into_a_database_without_a_site_or_a_newer_schema,
    staff::an_address_has_one_account_in_any_case,
    staff::a_session_lives_until_it_expires_or_ends,
    staff::a_new_password_ends_every_session,
    staff::a_token_grants_its_scopes_until_it_expires_or_is_revoked,
    staff::a_webhook_keeps_its_attempts_newest_first_until_it_is_deleted,
    staff::a_reset_link_works_once_before_it_expires_and_ends_every_session,
    editorial::of_two_saves_from_one_revision_the_second_is_refused_and_changes_nothing,
    editorial::an_embargoed_article_cannot_be_published_or_scheduled_before_its_time,
    editorial::a_scheduled_article_is_published_once_however_often_its_job_runs,
    editorial::the_newsroom_list_narrows_by_status_section_author_source_and_headline,
    newsletters::a_sign_up_is_one_subscriber_confirmed_once_and_only_confirmed_ones_get_an_issue,
    newsletters::deliveries_are_claimed_once_per_lease_and_finished_once,
    review::a_story_sent_back_carries_its_note_until_it_is_submitted_again,
    review::the_dashboard_lists_what_is_due_soonest_first,
    wakeups::a_new_or_changed_newsletter_wakes_the_digest_schedulers,
    wakeups::a_new_or_moved_article_wakes_the_review_queue,
    wire::one_story_from_two_agencies_is_one_cluster_and_a_new_version_supersedes_the_old,
    wire::a_feed_entry_changes_version_only_when_its_text_changes,
    wire::a_node_clusters_with_the_items_another_node_stored,
    wire::the_desk_lists_stories_once_and_a_used_story_credits_its_publisher,
    wire::a_push_token_opens_its_source_and_a_due_feed_is_claimed_once,
);
